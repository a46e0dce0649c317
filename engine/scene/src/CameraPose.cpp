// Camera poses; kept apart from SiteScene.cpp because it needs geo::SiteFrame's conversions.
#include <algorithm>
#include <cmath>

#include "twin/scene/SiteScene.h"

namespace twin::scene {

namespace {
constexpr double kDegrees = 3.14159265358979323846 / 180.0;

// Eye at `distance` from `center`, looking along heading (0 = north) and pitch (90 = down); the
// up vector lies in the vertical plane of the view so the horizon stays level.
CameraPose orbitPose(const osg::Vec3d& center, double distance, double headingDegrees, double pitchDegrees) {
  double pitch = std::clamp(pitchDegrees, -89.9, 90.0) * kDegrees;
  double heading = headingDegrees * kDegrees;
  osg::Vec3d forward(std::sin(heading) * std::cos(pitch), std::cos(heading) * std::cos(pitch), -std::sin(pitch));
  CameraPose pose;
  pose.center = center;
  pose.eye = center - forward * distance;
  pose.up = osg::Vec3d(std::sin(heading) * std::sin(pitch), std::cos(heading) * std::sin(pitch), std::cos(pitch));
  return pose;
}
}  // namespace

CameraPose poseForBookmark(const model::Bookmark& bookmark, const geo::SiteFrame& frame) {
  core::Vec2 target = frame.toLocal(bookmark.target);
  if (!core::isFinite(target)) target = {0, 0};
  double distance =
      std::isfinite(bookmark.distanceMeters) && bookmark.distanceMeters > 1 ? bookmark.distanceMeters : 800;
  double height = std::isfinite(bookmark.targetHeightMeters) ? bookmark.targetHeightMeters : 0;
  double heading = std::isfinite(bookmark.headingDegrees) ? bookmark.headingDegrees : 0;
  double pitch = std::isfinite(bookmark.pitchDegrees) ? bookmark.pitchDegrees : 45;
  return orbitPose(osg::Vec3d(target.x, target.y, height), distance, heading, pitch);
}

CameraPose poseFramingExtent(const core::Box2& extent) {
  if (extent.empty()) return orbitPose(osg::Vec3d(0, 0, 0), 500, 45, 45);
  core::Vec2 c = extent.centre();
  double radius = std::max(0.5 * std::hypot(extent.width(), extent.height()), 50.0);
  return orbitPose(osg::Vec3d(c.x, c.y, 0), framingDistance(radius), 45, 45);
}

double framingDistance(double radiusMeters, double margin) {
  // The bounding circle fits the 30-degree vertical field of view at r / sin(15).
  return radiusMeters / std::sin(15 * kDegrees) * margin;
}

}  // namespace twin::scene
