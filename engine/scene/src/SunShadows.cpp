// SunShadows: a classic shadow map. The depth pass reuses the site's own programs (colour writes
// masked off), so buildings cast exactly the volumes that are drawn.
#include "SunShadows.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <osg/ColorMask>
#include <osg/PolygonOffset>

namespace twin::scene::detail {
namespace {

constexpr int kShadowUnit = 3;  // texture unit of the depth map: the site's programs use none

// Only the cull traversal draws the depth pass: an intersection visitor entering a camera would
// test the buildings again under the sun's matrices and report false hits.
class CullOnlyGroup : public osg::Group {
 public:
  void traverse(osg::NodeVisitor& nv) override {
    if (nv.getVisitorType() == osg::NodeVisitor::CULL_VISITOR) osg::Group::traverse(nv);
  }
  osg::BoundingSphere computeBound() const override { return osg::BoundingSphere(); }
};

}  // namespace

SunShadows::SunShadows(osg::Group* parent, osg::StateSet* receivers, const std::vector<osg::Node*>& casters,
                       const core::Box2& extent, double topMeters, int mapSize)
    : _extent(extent), _top(std::max(topMeters, 1.0)) {
  _map = new osg::Texture2D;
  _map->setTextureSize(mapSize, mapSize);
  _map->setInternalFormat(GL_DEPTH_COMPONENT24);
  _map->setSourceFormat(GL_DEPTH_COMPONENT);
  _map->setSourceType(GL_UNSIGNED_INT);
  _map->setFilter(osg::Texture::MIN_FILTER, osg::Texture::NEAREST);
  _map->setFilter(osg::Texture::MAG_FILTER, osg::Texture::NEAREST);
  _map->setWrap(osg::Texture::WRAP_S, osg::Texture::CLAMP_TO_EDGE);
  _map->setWrap(osg::Texture::WRAP_T, osg::Texture::CLAMP_TO_EDGE);

  _camera = new osg::Camera;
  _camera->setName("twin.shadows.camera");
  _camera->setReferenceFrame(osg::Transform::ABSOLUTE_RF);
  _camera->setRenderOrder(osg::Camera::PRE_RENDER);
  _camera->setRenderTargetImplementation(osg::Camera::FRAME_BUFFER_OBJECT);
  _camera->setClearMask(GL_DEPTH_BUFFER_BIT);
  _camera->setComputeNearFarMode(osg::CullSettings::DO_NOT_COMPUTE_NEAR_FAR);
  _camera->setViewport(0, 0, mapSize, mapSize);
  // The eye of the sun's view stands kilometres away: at the normal LOD scale the buildings would
  // cast their far, roof-only level (shadows without walls). Always the near level instead.
  _camera->setInheritanceMask(_camera->getInheritanceMask() & ~osg::CullSettings::LOD_SCALE &
                              ~osg::CullSettings::SMALL_FEATURE_CULLING_PIXEL_SIZE);
  _camera->setLODScale(1e-4f);
  _camera->setSmallFeatureCullingPixelSize(0.0f);
  _camera->attach(osg::Camera::DEPTH_BUFFER, _map.get());
  osg::StateSet* depthPass = _camera->getOrCreateStateSet();
  depthPass->setAttribute(new osg::ColorMask(false, false, false, false), osg::StateAttribute::OVERRIDE);
  // Slope-scaled offset: walls seen edge-on by the sun do not shadow themselves (acne).
  depthPass->setAttributeAndModes(new osg::PolygonOffset(2.0f, 4.0f),
                                  osg::StateAttribute::ON | osg::StateAttribute::OVERRIDE);
  // The depth pass must not read the map it writes.
  depthPass->addUniform(new osg::Uniform("twin_shadowOn", 0.f), osg::StateAttribute::OVERRIDE);
  for (osg::Node* node : casters)
    if (node) _camera->addChild(node);

  _cullOnly = new CullOnlyGroup;
  _cullOnly->setName("twin.shadows");
  _cullOnly->addChild(_camera.get());
  _cullOnly->setNodeMask(0);
  parent->addChild(_cullOnly.get());

  _on = new osg::Uniform("twin_shadowOn", 0.f);
  _matrixUniform = new osg::Uniform("twin_shadowMatrix", osg::Matrixf());
  _texel = new osg::Uniform("twin_shadowTexel", 1.0f / float(mapSize));
  receivers->addUniform(_on.get());
  receivers->addUniform(_matrixUniform.get());
  receivers->addUniform(_texel.get());
  receivers->addUniform(new osg::Uniform("twin_shadowMap", kShadowUnit));
  receivers->setTextureAttribute(kShadowUnit, _map.get(), osg::StateAttribute::ON);
}

void SunShadows::setSun(const osg::Vec3d& towardSun) {
  osg::Vec3d dir = towardSun;
  if (!(dir.length() > 0) || !std::isfinite(dir.length()) || dir.z() <= 0.01 || _extent.empty()) {
    disable();
    return;
  }
  dir.normalize();
  const osg::Vec3d centre((_extent.minX + _extent.maxX) / 2, (_extent.minY + _extent.maxY) / 2, 0);
  const double radius = std::hypot(_extent.maxX - _extent.minX, _extent.maxY - _extent.minY) / 2 + _top;
  const osg::Vec3d up = std::abs(dir.z()) > 0.99 ? osg::Vec3d(0, 1, 0) : osg::Vec3d(0, 0, 1);
  const osg::Matrixd view = osg::Matrixd::lookAt(centre + dir * (radius * 2), centre, up);
  // The tightest box around the site's corners (ground to the tallest roof) in the sun's view.
  double lo[3] = {std::numeric_limits<double>::max(), std::numeric_limits<double>::max(),
                  std::numeric_limits<double>::max()};
  double hi[3] = {-lo[0], -lo[1], -lo[2]};
  for (int i = 0; i < 8; ++i) {
    const osg::Vec3d corner(i & 1 ? _extent.maxX : _extent.minX, i & 2 ? _extent.maxY : _extent.minY,
                            i & 4 ? _top : -50.0);
    const osg::Vec3d v = corner * view;
    for (int k = 0; k < 3; ++k) {
      lo[k] = std::min(lo[k], v[k]);
      hi[k] = std::max(hi[k], v[k]);
    }
  }
  // Eye space looks down -z: near and far are the negated z range, with room to spare.
  const osg::Matrixd projection = osg::Matrixd::ortho(lo[0], hi[0], lo[1], hi[1], -hi[2] - 10, -lo[2] + 10);
  _camera->setViewMatrix(view);
  _camera->setProjectionMatrix(projection);
  _matrix = view * projection * osg::Matrixd::translate(1, 1, 1) * osg::Matrixd::scale(0.5, 0.5, 0.5);
  _matrixUniform->set(osg::Matrixf(_matrix));
  _on->set(1.f);
  _cullOnly->setNodeMask(~0u);
  _enabled = true;
}

void SunShadows::disable() {
  _on->set(0.f);
  _cullOnly->setNodeMask(0);
  _enabled = false;
}

}  // namespace twin::scene::detail
