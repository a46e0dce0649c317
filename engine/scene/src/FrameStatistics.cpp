#include "twin/scene/FrameStatistics.h"

#include <osg/FrameStamp>
#include <osgUtil/CullVisitor>
#include <osgUtil/RenderStage>
#include <osgUtil/StateGraph>
#include <osgUtil/Statistics>

namespace twin::scene {

namespace {

void addDrawable(const osg::Drawable* drawable, FrameStatistics& out) {
  if (!drawable) return;
  unsigned count = 0;
  if (drawable->getUserValue("twin:buildings", count)) out.buildingsDrawn += count;
  count = 0;
  if (drawable->getUserValue("twin:poiMarkers", count)) out.poiMarkersDrawn += count;
}

// The drawables of a bin: its leaves, its state graphs' leaves, then its nested bins. (RenderStage
// is a RenderBin, so pre/post stages of cameras in the graph are reached through their bins too.)
void countBin(const osgUtil::RenderBin& bin, FrameStatistics& out) {
  for (const osgUtil::RenderLeaf* leaf : bin.getRenderLeafList()) addDrawable(leaf->getDrawable(), out);
  for (const osgUtil::StateGraph* graph : bin.getStateGraphList())
    for (const auto& leaf : graph->_leaves) addDrawable(leaf->getDrawable(), out);
  for (const auto& [number, child] : bin.getRenderBinList()) countBin(*child, out);
  if (const auto* stage = dynamic_cast<const osgUtil::RenderStage*>(&bin)) {
    for (const auto& pre : stage->getPreRenderList()) countBin(*pre.second, out);
    for (const auto& post : stage->getPostRenderList()) countBin(*post.second, out);
  }
}

}  // namespace

FrameStatistics cullStatistics(osg::Node& root, const osg::Matrixd& view, const osg::Matrixd& projection,
                               const osg::Viewport& viewport, unsigned traversalMask) {
  osg::ref_ptr<osgUtil::CullVisitor> cull = new osgUtil::CullVisitor;
  osg::ref_ptr<osgUtil::StateGraph> stateGraph = new osgUtil::StateGraph;
  osg::ref_ptr<osgUtil::RenderStage> stage = new osgUtil::RenderStage;
  osg::ref_ptr<osg::Viewport> viewportCopy = new osg::Viewport(viewport);
  stage->setViewport(viewportCopy.get());
  cull->setStateGraph(stateGraph.get());
  cull->setRenderStage(stage.get());
  cull->setTraversalMask(traversalMask);
  osg::ref_ptr<osg::FrameStamp> stamp = new osg::FrameStamp;
  cull->setFrameStamp(stamp.get());
  cull->reset();
  cull->pushViewport(viewportCopy.get());
  cull->pushProjectionMatrix(new osg::RefMatrix(projection));
  cull->pushModelViewMatrix(new osg::RefMatrix(view), osg::Transform::ABSOLUTE_RF);
  root.accept(*cull);
  cull->popModelViewMatrix();
  cull->popProjectionMatrix();
  cull->popViewport();

  FrameStatistics out;
  // Not sorted: the statistics walk every bin whatever its order.
  osgUtil::Statistics statistics;
  stage->getStats(statistics);
  out.drawables = statistics.numDrawables;
  // Per mode: (primitive sets drawn, vertices in them), and the primitives they make; quads count
  // as two triangles.
  for (const auto& [mode, counts] : statistics.getPrimitiveValueMap()) out.drawCalls += counts.first;
  for (const auto& [mode, primitives] : statistics.getPrimitiveCountMap()) {
    if (mode == GL_TRIANGLES || mode == GL_TRIANGLE_STRIP || mode == GL_TRIANGLE_FAN)
      out.triangles += primitives;
    else if (mode == GL_QUADS || mode == GL_QUAD_STRIP)
      out.triangles += 2 * static_cast<std::size_t>(primitives);
  }
  countBin(*stage, out);
  return out;
}

}  // namespace twin::scene
