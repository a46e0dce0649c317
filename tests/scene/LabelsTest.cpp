// Label selection (declutter, cap, culling, layer toggle) with a camera set up by hand, and a
// headless snapshot showing the labels that ImGuiOverlay draws.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <limits>

#include "SceneFixtures.h"
#include "twin/app/HeadlessRenderer.h"
#include "twin/app/ImGuiOverlay.h"
#include "twin/scene/SiteScene.h"

using namespace twin;

namespace {

constexpr int kWidth = 800, kHeight = 600;

model::Poi makePoi(std::int64_t id, const std::string& name, const std::string& category, const std::string& kind,
                   double x, double y) {
  model::Poi poi;
  poi.osmId = id;
  poi.idKind = "node";
  poi.name = name;
  poi.category = category;
  poi.kind = kind;
  poi.position = {x, y};
  return poi;
}

// POI label anchors stand 20 m above the ground; a camera 1000 m above the origin looking
// straight down, north up, sees about +-270 m across the 800-pixel width at 30 degrees.
osg::ref_ptr<osg::Camera> downCamera(double heightMeters = 1000) {
  osg::ref_ptr<osg::Camera> camera = new osg::Camera;
  camera->setViewport(0, 0, kWidth, kHeight);
  camera->setProjectionMatrixAsPerspective(30, double(kWidth) / kHeight, 1, 10000);
  camera->setViewMatrixAsLookAt(osg::Vec3d(0, 0, heightMeters), osg::Vec3d(0, 0, 0), osg::Vec3d(0, 1, 0));
  return camera;
}

osg::ref_ptr<scene::SiteScene> buildScene(const model::Site& site, int maxLabels = 60) {
  scene::SceneOptions options;
  options.theme = test::vividTheme();
  options.maxLabels = maxLabels;
  core::Diagnostics diag;
  auto built = scene::SiteScene::build(site, options, diag);
  REQUIRE(built.ok());
  return built.value();
}

std::vector<std::string> texts(const std::vector<scene::ScreenLabel>& labels) {
  std::vector<std::string> out;
  for (const scene::ScreenLabel& label : labels) out.push_back(label.text);
  return out;
}

}  // namespace

TEST_CASE("SiteScene::visibleLabels: projection, declutter, cap and culling", "[scene]") {
  model::Site site;
  site.name = "labels";
  // Priorities: station 0, school 1, clinic 2, other 4. The cafe stands 2 m from the station, so
  // their boxes overlap on screen; the others are far apart.
  site.pois.push_back(makePoi(1, "咖啡馆", "amenity", "cafe", 2, 0));
  site.pois.push_back(makePoi(2, "六道口站", "railway", "station", 0, 0));
  site.pois.push_back(makePoi(3, "小学", "amenity", "school", 150, 0));
  site.pois.push_back(makePoi(4, "诊所", "amenity", "clinic", 0, 100));
  site.pois.push_back(makePoi(5, "", "amenity", "bench", -150, 0));  // unnamed: no label
  auto s = buildScene(site);
  REQUIRE(s->stats().labels == 4);
  osg::ref_ptr<osg::Camera> camera = downCamera();

  SECTION("overlapping anchors: the lower priority label is dropped; order is by priority") {
    auto labels = s->visibleLabels(*camera);
    CHECK(texts(labels) == std::vector<std::string>{"六道口站", "小学", "诊所"});
  }
  SECTION("positions are viewport pixels from the top-left, y down, at the projected anchor") {
    auto labels = s->visibleLabels(*camera);
    REQUIRE(labels.size() == 3);
    CHECK(labels[0].x == Approx(kWidth / 2.0).margin(0.5));  // straight below the eye
    CHECK(labels[0].y == Approx(kHeight / 2.0).margin(0.5));
    CHECK(labels[1].x > kWidth / 2.0 + 100);  // east is right
    CHECK(labels[1].y == Approx(kHeight / 2.0).margin(0.5));
    CHECK(labels[2].y < kHeight / 2.0 - 100);  // north is up
    CHECK(labels[0].priority == 0);
    CHECK(labels[0].kind == scene::LabelKind::Poi);
    CHECK(labels[0].sizePixels == 24);
    CHECK(labels[0].widthPixels == Approx(4 * 24 * 0.69));  // four CJK characters, 0.69 of a line each
  }
  SECTION("the label scale: larger text and boxes on a large wall") {
    s->setLabelScale(2);
    auto labels = s->visibleLabels(*camera);
    REQUIRE(!labels.empty());
    CHECK(labels[0].text == "六道口站");
    CHECK(labels[0].sizePixels == 48);
    CHECK(labels[0].widthPixels == Approx(2 * 4 * 24 * 0.69));
    CHECK(labels[0].heightPixels == 48);
    s->setLabelScale(-1);  // not positive: back to 1
    CHECK(s->labelScale() == 1);
    CHECK(s->visibleLabels(*camera)[0].sizePixels == 24);
  }
  SECTION("translated names: drawn, and the declutter box sized for them, not for the Chinese name") {
    // 168 pixels apart: the Chinese names fit side by side, the English ones do not.
    s->setLabelNames({{"六道口站", "Liudaokou Metro Station"}, {"小学", "Primary School"}, {"诊所", ""}});
    auto labels = s->visibleLabels(*camera);
    REQUIRE(!labels.empty());
    CHECK(labels[0].text == "Liudaokou Metro Station");
    CHECK(labels[0].widthPixels == Approx(23 * 0.6 * 24 * 0.69));  // 23 Latin characters, 0.6 of a CJK one
    CHECK(texts(labels) == std::vector<std::string>{"Liudaokou Metro Station", "诊所"});  // an empty name keeps
    s->setLabelNames({{"六道口站", "Liudaokou"}});
    CHECK(texts(s->visibleLabels(*camera)) == std::vector<std::string>{"Liudaokou", "小学", "诊所"});
    s->setLabelNames({});
    labels = s->visibleLabels(*camera);
    CHECK(texts(labels) == std::vector<std::string>{"六道口站", "小学", "诊所"});
    CHECK(labels[0].widthPixels == Approx(4 * 24 * 0.69));
  }
  SECTION("colours follow the theme") {
    auto labels = s->visibleLabels(*camera);
    REQUIRE(!labels.empty());
    CHECK(labels[0].color.r == 1);
    CHECK(labels[0].halo.b == Approx(0.05f));
    model::Theme theme = test::vividTheme();
    theme.labels = {0.2f, 0.3f, 0.4f, 1};
    s->setTheme(theme);
    labels = s->visibleLabels(*camera);
    REQUIRE(!labels.empty());
    CHECK(labels[0].color.g == Approx(0.3f));
  }
  SECTION("cap: at most maxLabels, the most important first") {
    auto capped = buildScene(site, 2);
    CHECK(texts(capped->visibleLabels(*camera)) == std::vector<std::string>{"六道口站", "小学"});
    auto none = buildScene(site, 0);
    CHECK(none->visibleLabels(*camera).empty());
  }
  SECTION("off-screen anchors are dropped") {
    camera->setViewMatrixAsLookAt(osg::Vec3d(0, 0, 1000), osg::Vec3d(0, 300, 0), osg::Vec3d(0, 1, 0));
    auto labels = texts(s->visibleLabels(*camera));
    CHECK(std::find(labels.begin(), labels.end(), "小学") == labels.end());
    CHECK(std::find(labels.begin(), labels.end(), "诊所") != labels.end());
  }
  SECTION("anchors behind the camera are dropped") {
    // Standing at y = 50 looking north along the ground: only the clinic (y = 100) is ahead.
    camera->setViewMatrixAsLookAt(osg::Vec3d(0, 50, 20), osg::Vec3d(0, 1000, 20), osg::Vec3d(0, 0, 1));
    CHECK(texts(s->visibleLabels(*camera)) == std::vector<std::string>{"诊所"});
    camera->setViewMatrixAsLookAt(osg::Vec3d(0, 50, 20), osg::Vec3d(0, -1000, 20), osg::Vec3d(0, 0, 1));
    CHECK(texts(s->visibleLabels(*camera)) == std::vector<std::string>{"六道口站"});
  }
  SECTION("beyond its distance a label is dropped: 1.6 km for POIs, 3 km for stations") {
    auto labels = s->visibleLabels(*downCamera(2000));
    CHECK(texts(labels) == std::vector<std::string>{"六道口站"});
  }
  SECTION("hidden labels layer -> none; shown again -> back") {
    s->setLayerVisible(scene::Layer::Labels, false);
    CHECK(s->visibleLabels(*camera).empty());
    s->setLayerVisible(scene::Layer::Labels, true);
    CHECK(s->visibleLabels(*camera).size() == 3);
  }
  SECTION("no viewport or degenerate matrices -> none, no crash") {
    osg::ref_ptr<osg::Camera> bare = new osg::Camera;
    bare->setViewport(nullptr);
    CHECK(s->visibleLabels(*bare).empty());
    const double nan = std::numeric_limits<double>::quiet_NaN();
    camera->setViewMatrix(osg::Matrixd(nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan, nan));
    CHECK(s->visibleLabels(*camera).empty());
    camera = downCamera();
    camera->setViewport(0, 0, 0, 0);
    CHECK(s->visibleLabels(*camera).empty());
  }
}

TEST_CASE("Labels: named buildings are labelled after the POIs", "[scene]") {
  model::Site site = test::handMadeSite();
  site.buildings[1].name = "大楼";  // 800 m2: too small to label unless at least 50 m tall
  site.buildings[1].heightMeters = 60;
  auto s = buildScene(site);
  CHECK(s->stats().labels == 2);
  // Within both labels' distances: 1.6 km for the school, 40 x sqrt(800 m2) = 1.13 km for the building.
  osg::ref_ptr<osg::Camera> camera = downCamera();
  camera->setViewMatrixAsLookAt(osg::Vec3d(150, 20, 1000), osg::Vec3d(150, 20, 0), osg::Vec3d(0, 1, 0));
  auto labels = s->visibleLabels(*camera);
  REQUIRE(labels.size() == 2);
  CHECK(labels[0].text == "六道口小学");
  CHECK(labels[1].text == "大楼");
  CHECK(labels[1].kind == scene::LabelKind::Building);
  CHECK(labels[1].priority == 3);
}

namespace {

// Pixels in the box (top-left origin) with a clearly magenta hue, the label colour of this test
// (glyph strokes are anti-aliased over the ground and the halo, so few are pure magenta).
std::size_t magentaPixels(const osg::Image& image, int x0, int y0, int x1, int y1) {
  std::size_t count = 0;
  for (int y = std::max(0, y0); y < std::min(image.t(), y1); ++y)
    for (int x = std::max(0, x0); x < std::min(image.s(), x1); ++x) {
      const unsigned char* p = image.data(x, image.t() - 1 - y);
      const int r = p[0], g = p[1], b = p[2];
      if (r - g >= 60 && b - g >= 60 && std::abs(r - b) <= 30) ++count;
    }
  return count;
}

}  // namespace

TEST_CASE("Labels snapshot: ImGuiOverlay draws the label at its projected anchor", "[scene][render]") {
  unsetenv("DISPLAY");
  model::Site site = test::handMadeSite();
  model::Theme theme = test::vividTheme();
  theme.labels = {1, 0, 1, 1};  // a colour nothing else in the scene has
  auto s = buildScene(site);
  s->setTheme(theme);
  auto created = app::HeadlessRenderer::create(kWidth, kHeight);
  INFO((created.ok() ? std::string() : created.error().message));
  REQUIRE(created.ok());
  app::HeadlessRenderer& renderer = *created.value();
  osgViewer::Viewer& viewer = renderer.viewer();
  viewer.getCamera()->setClearColor(osg::Vec4(theme.background.r, theme.background.g, theme.background.b, 1));
  viewer.setSceneData(s->root());
  const scene::CameraPose pose = scene::poseFramingExtent(site.extent);
  viewer.getCamera()->setViewMatrixAsLookAt(pose.eye, pose.center, pose.up);

  ui::FontOptions fonts;
  fonts.extraTexts = {"六道口小学"};
  osg::ref_ptr<app::ImGuiOverlay> overlay = new app::ImGuiOverlay(fonts);
  REQUIRE(overlay->fontError().empty());
  overlay->install(viewer, {});
  overlay->setLabelSource(s.get());
  renderer.renderFrame();
  osg::ref_ptr<osg::Image> with = renderer.capture();
  auto labels = s->visibleLabels(*viewer.getCamera());
  s->setLayerVisible(scene::Layer::Labels, false);
  renderer.renderFrame();
  osg::ref_ptr<osg::Image> without = renderer.capture();
  overlay->releaseGraphics();

  REQUIRE(labels.size() == 1);
  const scene::ScreenLabel& label = labels[0];
  INFO("label at " << label.x << ", " << label.y);
  const int x0 = int(label.x - label.widthPixels / 2) - 4, x1 = int(label.x + label.widthPixels / 2) + 4;
  const int y0 = int(label.y - label.heightPixels) - 4, y1 = int(label.y) + 4;
  // Five CJK characters about 16 px wide cover well over 100 pixels.
  const std::size_t shown = magentaPixels(*with, x0, y0, x1, y1);
  INFO("label-coloured pixels near the anchor " << shown);
  CHECK(shown > 100);
  CHECK(magentaPixels(*without, 0, 0, kWidth, kHeight) == 0);
  // All of the label colour lies in the box around the projected anchor.
  CHECK(magentaPixels(*with, 0, 0, kWidth, kHeight) == shown);
}
