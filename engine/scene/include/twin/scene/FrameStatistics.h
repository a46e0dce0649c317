// What a camera would draw: a cull of the scene graph counted without a GL context, for
// `twin snapshot --stats`, the benches and tests.
#pragma once

#include <cstddef>

#include <osg/Matrixd>
#include <osg/Node>
#include <osg/Viewport>

namespace twin::scene {

struct FrameStatistics {
  std::size_t drawables = 0;        // drawables that pass the cull
  std::size_t drawCalls = 0;        // their primitive sets: one glDraw* call each
  std::size_t triangles = 0;        // triangles in them (triangles, strips, fans, quads)
  std::size_t buildingsDrawn = 0;   // sum of the drawables' "twin:buildings" user values
  std::size_t poiMarkersDrawn = 0;  // sum of the drawables' "twin:poiMarkers" user values
};

/** Culls `root` as a camera with these view and projection matrices (OSG convention) and this
    viewport would, with an osgUtil::CullVisitor of its own: view-frustum and small-feature
    culling, LOD ranges by eye distance, node masks against `traversalMask`, and the nodes' cull
    callbacks (so SiteScene's POI markers are clustered for this view). A PagedLOD child that is
    not loaded is not requested; an osg::Camera inside the graph is traversed like a group. A
    drawable counts as many buildings as its unsigned user value "twin:buildings" says (set on
    SiteScene's building tiles), and as many POI markers as "twin:poiMarkers". ImGui's overlay is
    not part of the graph and is not counted. Call from the thread that owns the graph. */
FrameStatistics cullStatistics(osg::Node& root, const osg::Matrixd& view, const osg::Matrixd& projection,
                               const osg::Viewport& viewport, unsigned traversalMask = ~0u);

}  // namespace twin::scene
