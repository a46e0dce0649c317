// The planning overlay: walking isochrone bands draped on the ground (or the terrain) and the
// life-circle facility markers, existing and hypothetical, with the one being dragged. Plain data
// in (polygons in the site frame, marker positions), so this module needs no analysis dependency.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <vector>

#include <osg/Group>
#include <osg/Referenced>
#include <osg/Vec4>
#include <osg/ref_ptr>
#include <osgViewer/View>

#include "twin/core/Geometry.h"
#include "twin/geo/Heightfield.h"

namespace twin::scene {

/** One isochrone band: the area within `minutes` (outer rings CCW, holes CW, local metres). */
struct PlanningBand {
  double minutes = 0;
  std::vector<core::Polygon> polygons;
};

/** A facility marker. */
struct PlanningMarker {
  core::Vec2 position;        // local metres
  std::size_t category = 0;   // colour index (categoryColour())
  bool hypothetical = false;  // added by a planner: a larger diamond with a white ring
  bool moved = false;         // an existing facility moved by a planner: drawn as a planned one
};

/** Band colours (RGBA, translucent): 5 min green, 10 yellow, 15 orange; later bands repeat orange.
    The building colours of the coverage view use the same hues (opaque). */
osg::Vec4 bandColour(std::size_t bandIndex);
/** A distinct colour per facility category index (a fixed palette of 16, repeated). */
osg::Vec4 categoryColour(std::size_t category);

/** The overlay nodes. Build once; set bands and markers from the viewer's thread (not
    thread-safe). Drawn without z-fighting: bands are blended, write no depth and are pulled
    towards the eye by a polygon offset; markers are drawn on top of everything. */
class PlanningLayer : public osg::Referenced {
 public:
  /** `terrain` (may be null; not owned, must outlive the layer) drapes the bands with
      TerrainMesh.h's drapePolygon()/drapeLine(): split on the terrain grid, on the drawn terrain
      surface (groundHeight()). Without it bands lie on z = 0 (plus the lift).
      `markerPixels`: on-screen diameter of an existing facility's marker. */
  explicit PlanningLayer(const geo::Heightfield* terrain = nullptr, float markerPixels = 10.0f);

  osg::Group* root() const { return _root.get(); }

  /** Replaces the bands (any order; drawn largest first) and the origin marker. Polygons with
      non-finite or too few points are skipped (counted in skippedPolygons()). An empty vector
      clears the isochrone. */
  void setIsochrone(const std::vector<PlanningBand>& bands, core::Vec2 origin);
  void clearIsochrone();
  bool hasIsochrone() const { return !_bands.empty(); }
  const std::vector<PlanningBand>& bands() const { return _bands; }
  std::size_t skippedPolygons() const { return _skipped; }
  /** Triangles drawn for band `index` (as given to setIsochrone), for tests. */
  std::size_t bandTriangles(std::size_t index) const;
  /** Whether the draped fill of band `index` covers the point (a vertical ray hits one of its
      triangles); false for an out-of-range index. */
  bool bandCovers(std::size_t index, core::Vec2 p) const;
  /** Height the overlay is drawn at, at a point: groundHeight() (0 without terrain) plus 0.3 m. */
  double drapeHeight(core::Vec2 p) const;

  /** Replaces the facility markers; non-finite positions are skipped. */
  void setMarkers(const std::vector<PlanningMarker>& markers);
  const std::vector<PlanningMarker>& markers() const { return _markers; }
  /** The marker being dragged (drawn larger, on top); nullopt hides it. */
  void setDragMarker(std::optional<PlanningMarker> marker);
  bool dragMarkerShown() const;

  /** Where the planned markers (hypothetical or moved) were drawn in the last frame, in window
      pixels with ImGui's convention (origin top-left, y down), for their "planned" labels: the
      positions are taken from the matrices of the last cull traversal that reached the markers
      (none before the first frame; none behind the eye). */
  std::vector<osg::Vec2> plannedScreenPositions() const;

  /** The marker whose screen position is nearest to window pixel (x, y) (OSG convention: origin
      bottom-left) within `radiusPixels`, by its index in markers(); nullopt when none. Uses the
      view's camera matrices and viewport. */
  std::optional<std::size_t> pickMarker(osgViewer::View& view, float x, float y, float radiusPixels = 10.0f) const;

  /** The ground point under window pixel (x, y): the first intersection with the view's scene
      (terrain, buildings, ground), else the ray's intersection with z = 0 (or the terrain's
      height under the eye's target); nullopt when the ray points away from the ground. */
  static std::optional<core::Vec3> groundPoint(osgViewer::View& view, float x, float y);

 private:
  ~PlanningLayer() override;
  void rebuildMarkers();

  const geo::Heightfield* _terrain;
  float _markerPixels;
  osg::ref_ptr<osg::Group> _root, _bandGroup, _markerGroup;
  std::vector<PlanningBand> _bands;
  std::vector<std::vector<osg::Vec3>> _bandTriangles;  // per band as given, 3 vertices per triangle
  std::vector<PlanningMarker> _markers;
  std::optional<PlanningMarker> _drag;
  std::size_t _skipped = 0;
  // The last cull's matrices (set by a cull callback on the marker group).
  struct CullMatrices {
    bool valid = false;
    osg::Matrixd modelView, window;  // modelView; modelView * projection * window matrix
    double height = 0;
  };
  std::shared_ptr<CullMatrices> _cull = std::make_shared<CullMatrices>();
};

}  // namespace twin::scene
