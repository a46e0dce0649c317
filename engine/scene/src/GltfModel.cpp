// A glTF file placed in the site frame: y-up -> z-up, heading, scale and position in one matrix.
#include <cmath>

#include <osg/ComputeBoundsVisitor>
#include <osg/MatrixTransform>

#include "twin/scene/Gltf.h"

namespace twin::scene {

core::Result<SceneModel> loadGltfModel(const std::filesystem::path& file, const model::ModelPlacement* placement,
                                       double heightOffsetMeters, const geo::SiteFrame& frame,
                                       core::Diagnostics& diag) {
  const std::string where = "scene::loadGltfModel(): " + file.filename().string() + ": ";
  if (!std::isfinite(heightOffsetMeters)) return core::fail(where + "height offset is not finite");
  if (placement) {
    if (!std::isfinite(placement->position.lon) || !std::isfinite(placement->position.lat) ||
        !std::isfinite(placement->heightMeters) || !std::isfinite(placement->headingDegrees) ||
        !std::isfinite(placement->scale))
      return core::fail(where + "placement is not finite");
    if (placement->scale <= 0) return core::fail(where + "placement scale must be positive");
  }
  geo::SiteFrame used = frame;
  if (!used.valid()) {
    auto created = geo::SiteFrame::create(placement ? placement->position : core::LonLat{0, 0});
    if (!created) return core::fail(where + created.error().message);
    used = created.value();
  }

  auto node = readGltfFile(file, diag);
  if (!node) return node.error();

  osg::Matrixd matrix = gltfYUpToZUp();
  if (placement) {
    const core::Vec2 local = used.toLocal(placement->position);
    if (!std::isfinite(local.x) || !std::isfinite(local.y))
      return core::fail(where + "the frame cannot map the placement's lon/lat");
    // Heading is from true north: away from the frame origin grid north differs from true north
    // (meridian convergence), so measure where north points in the frame at the model.
    const core::Vec2 north = used.toLocal(core::LonLat{placement->position.lon, placement->position.lat + 1e-5});
    double convergence = 0;
    if (std::isfinite(north.x) && std::isfinite(north.y))
      convergence = std::atan2(north.x - local.x, north.y - local.y);
    const double heading = placement->headingDegrees * osg::PI / 180.0 + convergence;
    matrix.postMultScale(osg::Vec3d(placement->scale, placement->scale, placement->scale));
    matrix.postMultRotate(osg::Quat(-heading, osg::Z_AXIS));  // clockwise seen from above
    matrix.postMultTranslate(osg::Vec3d(local.x, local.y, placement->heightMeters + heightOffsetMeters));
  } else {
    matrix.postMultTranslate(osg::Vec3d(0, 0, heightOffsetMeters));
  }
  osg::ref_ptr<osg::MatrixTransform> transform = new osg::MatrixTransform(matrix);
  transform->setName(file.filename().string());
  transform->addChild(node.value().get());

  SceneModel result;
  result.id = file.filename().string();
  result.format = model::ModelFormat::Gltf;
  result.node = transform;
  result.frame = used;
  osg::ComputeBoundsVisitor bounds;
  transform->accept(bounds);
  const osg::BoundingBox& box = bounds.getBoundingBox();
  if (box.valid()) result.bounds.set(box._min, box._max);
  return result;
}

}  // namespace twin::scene
