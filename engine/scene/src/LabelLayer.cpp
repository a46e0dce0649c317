#include "LabelLayer.h"

#include <cmath>

namespace twin::scene::detail {

namespace {
struct ScreenRect {
  float minX, minY, maxX, maxY;
  bool overlaps(const ScreenRect& o) const { return minX < o.maxX && o.minX < maxX && minY < o.maxY && o.minY < maxY; }
};
constexpr float kPaddingPixels = 4;
}  // namespace

std::vector<ScreenLabel> LabelLayer::visibleLabels(const osg::Matrixd& view, const osg::Matrixd& projection,
                                                   const osg::Viewport& viewport, int maxLabels, float scale) const {
  if (!(scale > 0)) scale = 1.0f;
  std::vector<ScreenLabel> shown;
  const double width = viewport.width(), height = viewport.height();
  if (maxLabels <= 0 || !(width > 0) || !(height > 0)) return shown;
  std::vector<ScreenRect> accepted;
  for (const Placement& placement : _placements) {
    if (static_cast<int>(accepted.size()) >= maxLabels) break;
    const osg::Vec3d eye = osg::Vec3d(placement.anchor) * view;
    if (!(eye.z() < 0) || !(eye.length() <= placement.maxDistanceMeters)) continue;
    const osg::Vec4d clip = osg::Vec4d(eye, 1.0) * projection;
    if (!(clip.w() > 0)) continue;
    const double ndcX = clip.x() / clip.w(), ndcY = clip.y() / clip.w();
    // Written so that NaN (a degenerate matrix) fails the test too.
    if (!(ndcX >= -1 && ndcX <= 1 && ndcY >= -1 && ndcY <= 1)) continue;
    // ImGui's convention: origin at the viewport's top-left corner, y down.
    const auto x = static_cast<float>((ndcX + 1) * 0.5 * width);
    const auto y = static_cast<float>((1 - ndcY) * 0.5 * height);
    const float w = placement.widthPixels * scale, h = placement.heightPixels * scale;
    const ScreenRect rect{x - w / 2 - kPaddingPixels, y - h - kPaddingPixels, x + w / 2 + kPaddingPixels,
                          y + kPaddingPixels};
    bool free = true;
    for (const ScreenRect& other : accepted)
      if (rect.overlaps(other)) {
        free = false;
        break;
      }
    if (!free) continue;
    accepted.push_back(rect);
    ScreenLabel label;
    label.text = placement.text;
    label.x = x;
    label.y = y;
    label.widthPixels = w;
    label.heightPixels = h;
    label.priority = placement.priority;
    label.kind = placement.kind;
    shown.push_back(std::move(label));
  }
  return shown;
}

}  // namespace twin::scene::detail
