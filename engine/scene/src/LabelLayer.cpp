#include "LabelLayer.h"

#include <osgUtil/CullVisitor>

namespace twin::scene::detail {

namespace {
struct ScreenRect {
  float minX, minY, maxX, maxY;
  bool overlaps(const ScreenRect& o) const {
    return minX < o.maxX && o.minX < maxX && minY < o.maxY && o.minY < maxY;
  }
};
constexpr float kPaddingPixels = 4;
}  // namespace

void LabelLayer::addLabel(osgText::Text* text, const Placement& placement) {
  // Declutter decides visibility; the text's own bound (screen-sized) must not cull it again.
  text->setCullingActive(false);
  addChild(text);
  _placements.push_back(placement);
}

osgText::Text* LabelLayer::label(std::size_t i) const {
  return i < getNumChildren() ? dynamic_cast<osgText::Text*>(_children[i].get()) : nullptr;
}

void LabelLayer::traverse(osg::NodeVisitor& visitor) {
  auto* cull = visitor.asCullVisitor();
  if (!cull || !cull->getModelViewMatrix() || !cull->getProjectionMatrix() || !cull->getViewport()) {
    Group::traverse(visitor);
    return;
  }
  const osg::Matrixd modelView = *cull->getModelViewMatrix();
  const osg::Matrixd projection = *cull->getProjectionMatrix();
  const osg::Viewport* viewport = cull->getViewport();
  std::vector<ScreenRect> accepted;
  accepted.reserve(static_cast<std::size_t>(_maxLabels));
  for (std::size_t i = 0; i < _children.size() && i < _placements.size(); ++i) {
    if (static_cast<int>(accepted.size()) >= _maxLabels) break;
    const Placement& placement = _placements[i];
    osg::Vec3d eye = osg::Vec3d(placement.anchor) * modelView;
    if (eye.z() >= 0 || eye.length() > placement.maxDistanceMeters) continue;
    osg::Vec4d clip = osg::Vec4d(eye, 1.0) * projection;
    if (clip.w() <= 0) continue;
    double ndcX = clip.x() / clip.w(), ndcY = clip.y() / clip.w();
    if (ndcX < -1 || ndcX > 1 || ndcY < -1 || ndcY > 1) continue;
    float x = static_cast<float>(viewport->x() + (ndcX + 1) * 0.5 * viewport->width());
    float y = static_cast<float>(viewport->y() + (ndcY + 1) * 0.5 * viewport->height());
    ScreenRect rect{x - placement.widthPixels / 2 - kPaddingPixels, y - kPaddingPixels,
                    x + placement.widthPixels / 2 + kPaddingPixels, y + placement.heightPixels + kPaddingPixels};
    bool free = true;
    for (const ScreenRect& other : accepted)
      if (rect.overlaps(other)) { free = false; break; }
    if (!free) continue;
    accepted.push_back(rect);
    _children[i]->accept(visitor);
  }
  _shownLastCull.store(accepted.size());
}

}  // namespace twin::scene::detail
