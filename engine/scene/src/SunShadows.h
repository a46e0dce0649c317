// Sun shadows for SiteScene: a depth map rendered from the sun (a pre-render camera with an
// orthographic projection that covers the site) and the uniforms lighting.frag reads to darken
// what the map says the sun does not reach.
#pragma once

#include <osg/Camera>
#include <osg/Group>
#include <osg/Texture2D>
#include <osg/Uniform>
#include <osg/ref_ptr>

#include "twin/core/Geometry.h"

namespace twin::scene::detail {

class SunShadows {
 public:
  /** `casters` (the building and ground layers) are drawn into the depth map; the camera hangs
      under `parent` (the site's root) behind a group that only the cull traversal enters, so
      picking and bounds never see it. The uniforms go on `receivers` (the root's state set). */
  SunShadows(osg::Group* parent, osg::StateSet* receivers, const std::vector<osg::Node*>& casters,
             const core::Box2& extent, double topMeters, int mapSize);

  /** Sun along `towardSun` (unit, site frame): the map's view and projection are refitted to the
      extent; shadows are on when the sun is above the horizon. */
  void setSun(const osg::Vec3d& towardSun);
  void disable();
  bool enabled() const { return _enabled; }
  osg::Camera* camera() const { return _camera.get(); }
  /** Site frame -> [0, 1]^3 of the map (x, y: texture coordinates, z: depth). */
  const osg::Matrixd& shadowMatrix() const { return _matrix; }

 private:
  osg::ref_ptr<osg::Group> _cullOnly;
  osg::ref_ptr<osg::Camera> _camera;
  osg::ref_ptr<osg::Texture2D> _map;
  osg::ref_ptr<osg::Uniform> _on, _matrixUniform, _texel;
  core::Box2 _extent;
  double _top = 0;
  bool _enabled = false;
  osg::Matrixd _matrix;
};

}  // namespace twin::scene::detail
