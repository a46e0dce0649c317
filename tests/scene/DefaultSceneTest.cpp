// The shipped default scene, loaded through model::loadSite and rendered headless.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdlib>

#include "TestPaths.h"
#include "twin/app/HeadlessRenderer.h"
#include "twin/model/SiteLoader.h"
#include "twin/scene/SiteScene.h"

using namespace twin;

namespace {
// Pixels whose colour is the base colour scaled by lighting (same channel proportions).
std::size_t pixelsLike(const osg::Image& image, const model::Color& base) {
  float top = std::max({base.r, base.g, base.b});
  if (top <= 0) return 0;
  std::size_t count = 0;
  for (int y = 0; y < image.t(); ++y) {
    for (int x = 0; x < image.s(); ++x) {
      const unsigned char* p = image.data(x, y);
      float m = std::max({p[0], p[1], p[2]});
      if (m < 40) continue;
      if (std::abs(p[0] / m - base.r / top) < 0.12f && std::abs(p[1] / m - base.g / top) < 0.12f &&
          std::abs(p[2] / m - base.b / top) < 0.12f)
        ++count;
    }
  }
  return count;
}
}  // namespace

TEST_CASE("Default scene: beijing-liudaokou loads, compiles and renders with the theme's colours",
          "[scene][render][slow]") {
  unsetenv("DISPLAY");
  auto config = model::loadSceneConfig(test::scenesDir() / "beijing-liudaokou.json");
  REQUIRE(config.ok());
  auto site = model::loadSite(*config);
  REQUIRE(site.ok());
  REQUIRE(site->buildings.size() > 200);
  scene::SceneOptions options;
  options.theme = config->themes.at(config->theme);
  core::Diagnostics diag;
  auto built = scene::SiteScene::build(*site, options, diag);
  REQUIRE(built.ok());
  CHECK(built.value()->stats().buildingTiles > 10);
  CHECK(built.value()->stats().roadGeometries > 0);
  CHECK(built.value()->stats().labels > 0);

  auto renderer = app::HeadlessRenderer::create(480, 270);
  REQUIRE(renderer.ok());
  osgViewer::Viewer& viewer = renderer.value()->viewer();
  const model::Color bg = options.theme.background;
  viewer.getCamera()->setClearColor(osg::Vec4(bg.r, bg.g, bg.b, 1));
  REQUIRE_FALSE(config->bookmarks.empty());
  scene::CameraPose pose = scene::poseForBookmark(config->bookmarks.front(), site->frame);
  viewer.getCamera()->setViewMatrixAsLookAt(pose.eye, pose.center, pose.up);
  viewer.setSceneData(built.value()->root());
  renderer.value()->renderFrame();
  osg::ref_ptr<osg::Image> image = renderer.value()->capture();
  std::size_t residential = pixelsLike(*image, options.theme.buildingUse.at("residential"));
  std::size_t ground = pixelsLike(*image, options.theme.ground);
  INFO("residential-coloured pixels " << residential << ", ground-coloured " << ground);
  CHECK(residential > 200);
  CHECK(ground > 1000);
}
