// Headless rendering through EGL with DISPLAY unset: snapshots are judged by colour statistics,
// never by exact pixels.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <set>

#include <osgDB/ReadFile>

#include "SceneFixtures.h"
#include "TestPaths.h"
#include "twin/app/HeadlessRenderer.h"
#include "twin/scene/SiteScene.h"

using namespace twin;

namespace {

struct ColourStats {
  std::size_t red = 0, blue = 0, orange = 0, background = 0, distinct = 0, total = 0;
};

ColourStats colourStats(const osg::Image& image, const model::Color& background) {
  ColourStats stats;
  std::set<unsigned> colours;
  const int bgR = static_cast<int>(background.r * 255 + 0.5f), bgG = static_cast<int>(background.g * 255 + 0.5f),
            bgB = static_cast<int>(background.b * 255 + 0.5f);
  for (int y = 0; y < image.t(); ++y) {
    for (int x = 0; x < image.s(); ++x) {
      const unsigned char* p = image.data(x, y);
      int r = p[0], g = p[1], b = p[2];
      ++stats.total;
      colours.insert(static_cast<unsigned>(r << 16 | g << 8 | b));
      if (std::abs(r - bgR) <= 3 && std::abs(g - bgG) <= 3 && std::abs(b - bgB) <= 3) ++stats.background;
      if (r > 80 && r > 2 * g && r > 2 * b) ++stats.red;
      if (b > 80 && b > 2 * r && b > 2 * g) ++stats.blue;
      if (r > 150 && g > r * 3 / 10 && g < r * 7 / 10 && b < r * 3 / 10) ++stats.orange;  // selection
    }
  }
  stats.distinct = colours.size();
  return stats;
}

std::unique_ptr<app::HeadlessRenderer> makeRenderer(int width, int height) {
  unsetenv("DISPLAY");
  auto renderer = app::HeadlessRenderer::create(width, height);
  INFO((renderer.ok() ? std::string() : renderer.error().message));
  REQUIRE(renderer.ok());
  return std::move(renderer.value());
}

void setPose(osgViewer::Viewer& viewer, const scene::CameraPose& pose) {
  viewer.getCamera()->setViewMatrixAsLookAt(pose.eye, pose.center, pose.up);
}

osg::ref_ptr<scene::SiteScene> buildScene(const model::Site& site) {
  scene::SceneOptions options;
  options.theme = test::vividTheme();
  core::Diagnostics diag;
  auto built = scene::SiteScene::build(site, options, diag);
  REQUIRE(built.ok());
  return built.value();
}

}  // namespace

TEST_CASE("HeadlessRenderer: EGL context without DISPLAY", "[scene][render]") {
  auto renderer = makeRenderer(64, 48);
  CHECK(renderer->width() == 64);
  CHECK(renderer->height() == 48);
  CHECK(renderer->rendererName().find(" / ") != std::string::npos);
  renderer->viewer().getCamera()->setClearColor(osg::Vec4(0, 1, 0, 1));
  renderer->viewer().setSceneData(new osg::Group);
  renderer->renderFrame();
  osg::ref_ptr<osg::Image> image = renderer->capture();
  REQUIRE(image->s() == 64);
  REQUIRE(image->t() == 48);
  const unsigned char* p = image->data(10, 10);
  CHECK(int(p[0]) == 0);
  CHECK(int(p[1]) == 255);
  CHECK(int(p[2]) == 0);

  SECTION("bad size") {
    auto bad = app::HeadlessRenderer::create(0, 10);
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().message == "app::HeadlessRenderer::create(): size 0x10 is not within 1..16384");
  }
  SECTION("writePng") {
    test::TempDir dir("scene-png");
    std::string path = (dir.path() / "frame.png").string();
    REQUIRE(app::writePng(*image, path).ok());
    osg::ref_ptr<osg::Image> back = osgDB::readRefImageFile(path);
    REQUIRE(back);
    CHECK(back->s() == 64);
    std::string unwritable = (dir.path() / "missing-folder" / "frame.png").string();
    auto status = app::writePng(*image, unwritable);
    REQUIRE_FALSE(status.ok());
    CHECK(status.error().message ==
          "app::writePng(): " + unwritable + ": could not be written (no PNG plugin, or the folder is not writable)");
  }
}

TEST_CASE("SiteScene snapshot: not blank, shows the theme's building colours, follows layers", "[scene][render]") {
  model::Site site = test::handMadeSite();
  auto s = buildScene(site);
  auto renderer = makeRenderer(640, 480);
  osgViewer::Viewer& viewer = renderer->viewer();
  const model::Theme theme = test::vividTheme();
  viewer.getCamera()->setClearColor(osg::Vec4(theme.background.r, theme.background.g, theme.background.b, 1));
  viewer.setSceneData(s->root());
  setPose(viewer, scene::poseFramingExtent(site.extent));
  renderer->renderFrame();
  ColourStats all = colourStats(*renderer->capture(), theme.background);
  INFO("red " << all.red << " blue " << all.blue << " background " << all.background << " distinct " << all.distinct);
  CHECK(all.distinct > 20);
  CHECK(all.background < all.total);
  CHECK(all.red > 100);   // residential building 0
  CHECK(all.blue > 100);  // commercial building 1

  SECTION("selection recolours the selected building only") {
    s->setSelectedBuilding(0);
    renderer->renderFrame();
    ColourStats selected = colourStats(*renderer->capture(), theme.background);
    CHECK(all.orange < 10);
    CHECK(selected.orange > all.red / 2);
    CHECK(selected.blue == Approx(all.blue).epsilon(0.1));
  }
  SECTION("hiding the buildings layer removes their colours") {
    s->setLayerVisible(scene::Layer::Buildings, false);
    renderer->renderFrame();
    ColourStats hidden = colourStats(*renderer->capture(), theme.background);
    CHECK(hidden.red == 0);
    CHECK(hidden.blue == 0);
    CHECK(hidden.distinct > 3);  // ground and roads still drawn
  }
  SECTION("theme change recolours without a rebuild") {
    model::Theme swapped = theme;
    std::swap(swapped.buildingUse["residential"], swapped.buildingUse["commercial"]);
    s->setTheme(swapped);
    renderer->renderFrame();
    ColourStats after = colourStats(*renderer->capture(), theme.background);
    CHECK(after.red > all.red);  // building 1, now red, is bigger than building 0
    CHECK(after.blue < all.blue);
  }
}

TEST_CASE("SiteScene::pickBuilding: known building at a known pixel", "[scene][render]") {
  model::Site site = test::handMadeSite();
  auto s = buildScene(site);
  auto renderer = makeRenderer(400, 300);
  osgViewer::Viewer& viewer = renderer->viewer();
  viewer.setSceneData(s->root());
  const float cx = 200, cy = 150;

  SECTION("straight down onto building 0") {
    viewer.getCamera()->setViewMatrixAsLookAt(osg::Vec3d(10, 10, 300), osg::Vec3d(10, 10, 0), osg::Vec3d(0, 1, 0));
    renderer->renderFrame();
    auto hit = s->pickBuilding(viewer, cx, cy);
    REQUIRE(hit.has_value());
    CHECK(*hit == 0);
    CHECK_FALSE(s->pickBuilding(viewer, 2, 2).has_value());  // ground at the corner
    s->setLayerVisible(scene::Layer::Buildings, false);
    CHECK_FALSE(s->pickBuilding(viewer, cx, cy).has_value());
  }
  SECTION("building 0 drawn by its parts: its tower, far above the outline's 10 m, picks building 0") {
    // Level from the south at 30 m: only the 40 m tower part is in the way.
    viewer.getCamera()->setViewMatrixAsLookAt(osg::Vec3d(10, -200, 30), osg::Vec3d(10, 10, 30), osg::Vec3d(0, 0, 1));
    renderer->renderFrame();
    CHECK_FALSE(s->pickBuilding(viewer, cx, cy).has_value());  // the outline alone is 10 m high
    model::Site withParts = test::handMadeSiteWithParts();
    auto scene = buildScene(withParts);
    viewer.setSceneData(scene->root());
    renderer->renderFrame();
    auto hit = scene->pickBuilding(viewer, cx, cy);
    REQUIRE(hit.has_value());
    CHECK(*hit == 0);
  }
  SECTION("building 1: the roof ring is hit, the hole is not") {
    viewer.getCamera()->setViewMatrixAsLookAt(osg::Vec3d(315, 15, 300), osg::Vec3d(315, 15, 0), osg::Vec3d(0, 1, 0));
    renderer->renderFrame();
    CHECK_FALSE(s->pickBuilding(viewer, cx, cy).has_value());
    osg::Camera* camera = viewer.getCamera();
    osg::Matrixd toWindow =
        camera->getViewMatrix() * camera->getProjectionMatrix() * camera->getViewport()->computeWindowMatrix();
    osg::Vec3d roof = osg::Vec3d(304, 15, 20) * toWindow;
    auto hit = s->pickBuilding(viewer, static_cast<float>(roof.x()), static_cast<float>(roof.y()));
    REQUIRE(hit.has_value());
    CHECK(*hit == 1);
  }
}
