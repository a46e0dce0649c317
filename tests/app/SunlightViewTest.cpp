// Sunlight in the viewer: the per-storey/per-building reduction, the view's scene graph after
// colouring (marks, building colours, proposal), the command line's errors, and headless shadows
// that differ between two times of day.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>
#include <osg/Geode>
#include <osg/Image>
#include <osgDB/ReadFile>

#include "CliRunner.h"
#include "TestPaths.h"
#include "twin/app/SceneLoading.h"
#include "twin/app/SunlightView.h"
#include "twin/app/TwinViewer.h"
#include "twin/scene/SiteScene.h"
#include "twin/scene/SunlightLayer.h"

using namespace twin;

namespace {

analysis::WindowSample sample(std::size_t building, int floor) {
  analysis::WindowSample w;
  w.building = building;
  w.floor = floor;
  return w;
}

app::LoadedScene loadDefault() {
  auto loaded = app::loadScene((test::scenesDir() / "hangzhou-qianjiang.json").string());
  INFO((loaded.ok() ? std::string() : loaded.error().message));
  REQUIRE(loaded.ok());
  return std::move(loaded).value();
}

double meanAbsDifference(const osg::Image& a, const osg::Image& b) {
  REQUIRE(a.s() == b.s());
  REQUIRE(a.t() == b.t());
  double sum = 0;
  for (int y = 0; y < a.t(); ++y)
    for (int x = 0; x < a.s(); ++x)
      for (int k = 0; k < 3; ++k) sum += std::abs(int(a.data(x, y)[k]) - int(b.data(x, y)[k]));
  return sum / (3.0 * a.s() * a.t());
}

double brightnessSpread(const osg::Image& image) {
  double sum = 0, squares = 0;
  const double n = double(image.s()) * image.t();
  for (int y = 0; y < image.t(); ++y)
    for (int x = 0; x < image.s(); ++x) {
      const unsigned char* p = image.data(x, y);
      const double v = (p[0] + p[1] + p[2]) / 3.0;
      sum += v;
      squares += v * v;
    }
  const double mean = sum / n;
  return std::sqrt(std::max(0.0, squares / n - mean * mean));
}

}  // namespace

TEST_CASE("sunlight view: storeys take their best window, buildings their worst storey", "[app]") {
  // Building 0: floor 1 windows 30 and 150 min, floor 2 windows 200 and 100 min.
  // Building 2: one window of 0 min. Building 1 has no samples (not residential).
  const std::vector<analysis::WindowSample> samples = {sample(0, 1), sample(0, 1), sample(0, 2), sample(0, 2),
                                                       sample(2, 1)};
  const std::vector<int> minutes = {30, 150, 200, 100, 0};
  const std::vector<double> perBuilding = app::buildingSunMinutes(samples, minutes, 3);
  REQUIRE(perBuilding.size() == 3);
  CHECK(perBuilding[0] == 150);  // min(max(30, 150), max(200, 100))
  CHECK(perBuilding[1] == -1);
  CHECK(perBuilding[2] == 0);
  const ui::SunlightTally t = app::sunlightTally(samples, minutes, 120);
  CHECK(t.windows == 5);
  CHECK(t.windowsPass == 2);
  CHECK(t.storeys == 3);
  CHECK(t.storeysPass == 2);
  CHECK(t.buildings == 2);
  CHECK(t.buildingsPass == 1);
  const ui::SunlightTally strict = app::sunlightTally(samples, minutes, 160);
  CHECK(strict.storeysPass == 1);
  CHECK(strict.buildingsPass == 0);
}

TEST_CASE("sunlight view: errors name the scene, the key and the scenario", "[app]") {
  app::LoadedScene scene = loadDefault();
  SECTION("unknown standard") {
    app::SunlightViewOptions o;
    o.standard = "gb-nothing";
    auto v = app::SunlightView::create(scene, nullptr, o);
    REQUIRE_FALSE(v.ok());
    CHECK(v.error().message.rfind("analysis::sunlightStandard(): unknown standard 'gb-nothing'", 0) == 0);
  }
  SECTION("unknown proposal") {
    app::SunlightViewOptions o;
    o.proposal = "no-such-plan";
    auto v = app::SunlightView::create(scene, nullptr, o);
    REQUIRE_FALSE(v.ok());
    CHECK(v.error().message ==
          "twin: unknown scenario 'no-such-plan' with proposed buildings in hangzhou-qianjiang.json; known: "
          "example-proposal, tower-on-construction-site");
  }
  SECTION("a scene without a standard") {
    scene.config.sections.erase("sunlight");
    auto v = app::SunlightView::create(scene, nullptr, {});
    REQUIRE_FALSE(v.ok());
    CHECK(v.error().message ==
          "twin: hangzhou-qianjiang.json names no sunlight standard (scene key \"sunlight\": {\"standard\": NAME})");
  }
  SECTION("bad spacing") {
    app::SunlightViewOptions o;
    o.spacingMeters = 0;
    auto v = app::SunlightView::create(scene, nullptr, o);
    REQUIRE_FALSE(v.ok());
    CHECK(v.error().message == "app::SunlightView::create(): spacing must be in [0.5, 100] m");
  }
}

TEST_CASE("sunlight view: a scenario that proposes no buildings is refused", "[app]") {
  test::TempDir dir("sunlight-proposal");
  const std::filesystem::path source = test::scenesDir() / "hangzhou-qianjiang.json";
  std::ifstream in(source);
  nlohmann::ordered_json j = nlohmann::ordered_json::parse(in);
  for (auto& layer : j["layers"])
    layer["source"] =
        std::filesystem::weakly_canonical(source.parent_path() / layer["source"].get<std::string>()).string();
  j["scenarios"].push_back({{"name", "facilities-only"}, {"add", nlohmann::ordered_json::array()}});
  const std::filesystem::path copy = dir.path() / "hangzhou-qianjiang.json";
  std::ofstream(copy) << j.dump(2);
  auto loaded = app::loadScene(copy.string());
  REQUIRE(loaded.ok());
  app::SunlightViewOptions o;
  o.proposal = "facilities-only";
  auto v = app::SunlightView::create(*loaded, nullptr, o);
  REQUIRE_FALSE(v.ok());
  CHECK(v.error().message ==
        "twin: scenario 'facilities-only' in hangzhou-qianjiang.json proposes no buildings (key \"buildings\")");
}

TEST_CASE("sunlight view: --sun and --colour-by sunlight on the command line", "[app]") {
  const std::string scene = (test::scenesDir() / "hangzhou-qianjiang.json").string();
  std::string err;
  CHECK(test::runTwinCode({"snapshot", scene, "-o", "x.png", "--sun", "20 January"}, &err) == app::kExitUsage);
  CHECK(err ==
        "twin snapshot: bad --sun '20 January'; expected an ISO-8601 time such as 2026-01-20T10:00+08:00; see "
        "'twin snapshot --help'\n");
  CHECK(test::runTwinCode({"snapshot", "--model", "m.glb", "-o", "x.png", "--colour-by", "sunlight"}, &err) ==
        app::kExitUsage);
  CHECK(
      err ==
      "twin snapshot: --colour-by sunlight, --sun and --swipe need a scene, not --model; see 'twin snapshot --help'\n");
}

TEST_CASE("sunlight view: colours, wall marks and the proposal's lost windows on the default scene", "[app][slow]") {
  app::LoadedScene scene = loadDefault();
  scene::SceneOptions sceneOptions;
  sceneOptions.theme = scene.config.themes.at(scene.config.theme);
  core::Diagnostics diag;
  auto built = scene::SiteScene::build(*scene.site, sceneOptions, diag);
  REQUIRE(built.ok());
  osg::ref_ptr<scene::SiteScene> siteScene = built.value();
  app::SunlightViewOptions options;
  options.colour = true;
  options.proposal = "tower-on-construction-site";
  options.spacingMeters = 6;  // half the samples of the default: the test checks structure, not the figures
  auto created = app::SunlightView::create(scene, siteScene.get(), options);
  INFO((created.ok() ? std::string() : created.error().message));
  REQUIRE(created.ok());
  app::SunlightView& view = **created;
  CHECK(view.loading());
  CHECK(view.layer().proposedCount() == 1);  // shown while the analysis runs
  view.waitForResults();
  CHECK_FALSE(view.loading());

  const auto& samples = view.samples();
  REQUIRE_FALSE(samples.empty());
  REQUIRE(view.minutesBefore().size() == samples.size());
  REQUIRE(view.minutesAfter().size() == samples.size());
  // One mark per sample, coloured by its minutes after the proposal, or magenta when it loses.
  CHECK(view.layer().markCount() == samples.size());
  const auto* colours = dynamic_cast<const osg::Vec4Array*>(view.layer().markGeometry()->getColorArray());
  REQUIRE(colours);
  const int required = int(std::lround(view.standard().minHours * 60));
  const double window = view.standard().windowEndHours - view.standard().windowStartHours;
  std::size_t lost = 0;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    CHECK(view.minutesAfter()[i] <= view.minutesBefore()[i]);  // a new building only takes sun away
    const bool isLost = view.minutesBefore()[i] >= required && view.minutesAfter()[i] < required;
    lost += isLost;
    const ui::Rgba want = isLost ? ui::lostComplianceColour()
                                 : ui::sunlightColour(view.minutesAfter()[i], view.standard().minHours, window);
    const osg::Vec4& got = (*colours)[4 * i];
    CHECK(got.r() == Approx(want.r));
    CHECK(got.g() == Approx(want.g));
    CHECK(got.b() == Approx(want.b));
  }
  CHECK(lost > 0);  // the 100 m tower shades the apartments north of it at noon
  // The lost windows lie north of the tower's south edge: the winter sun stands south of east
  // and west all day, so shadows only fall northwards.
  const double towerSouth = scene.site->frame.toLocal(core::LonLat{120.2452, 30.2254}).y;
  for (std::size_t i = 0; i < samples.size(); ++i)
    if (view.minutesBefore()[i] >= required && view.minutesAfter()[i] < required) {
      CHECK(samples[i].position.y > towerSouth);
    }
  const ui::SunlightPanelView panel = view.panelView();
  CHECK(panel.lostWindows == lost);
  CHECK(panel.after.windowsPass + lost <= panel.before.windowsPass + 0);
  CHECK(panel.after.storeysPass <= panel.before.storeysPass);

  // Buildings: residential ones coloured by their worst storey, the rest grey.
  REQUIRE(siteScene->buildingColorsActive());
  const auto& buildingColours = view.buildingColours();
  REQUIRE(buildingColours.size() == scene.site->buildings.size());
  const auto perBuilding = app::buildingSunMinutes(samples, view.minutesAfter(), scene.site->buildings.size());
  const ui::Rgba grey = ui::unscoredGrey();
  for (std::size_t b = 0; b < buildingColours.size(); ++b) {
    const ui::Rgba want =
        perBuilding[b] < 0 ? grey : ui::sunlightColour(perBuilding[b], view.standard().minHours, window);
    CHECK(buildingColours[b].r == Approx(want.r));
    CHECK(buildingColours[b].g == Approx(want.g));
  }

  // The legend: the bands, the pass line, the grey and the lost windows, then the proposal.
  ui::FrameView frame;
  frame.language = ui::Language::En;
  view.contribute(frame);
  REQUIRE(frame.legend.size() == 2);
  CHECK(frame.legend[0].entries.size() == ui::sunlightBands(view.standard().minHours, window).size() + 3);
  // The lost windows' entry counts them (and the storeys that lose compliance).
  const std::string lostEntry = frame.legend[0].entries.back().label;
  CHECK(lostEntry.rfind("Windows that lose compliance: " + std::to_string(lost) + " (", 0) == 0);
  CHECK(frame.legend[1].entries.size() == 1);
  CHECK_FALSE(frame.progress.active);

  SECTION("colouring off clears the marks and the building colours, the proposal stays") {
    view.setColouring(false);
    CHECK(view.layer().markCount() == 0);
    CHECK_FALSE(siteScene->buildingColorsActive());
    CHECK(view.layer().proposedCount() == 1);
  }
  SECTION("the split view: present marks left, the proposal's right, buildings by use") {
    view.setSwipe(true);
    REQUIRE(view.layer().swipeEnabled());
    CHECK(view.layer().markCount() == samples.size());
    CHECK(view.layer().afterMarkCount() == samples.size());
    CHECK_FALSE(siteScene->buildingColorsActive());
    CHECK(view.panelView().swipe);
    view.moveSwipe(0.25f);
    CHECK(view.panelView().swipeFraction == 0.25f);
    view.moveSwipe(3.0f);
    CHECK(view.panelView().swipeFraction == 1.0f);
    view.setSwipe(false);
    CHECK_FALSE(view.layer().swipeEnabled());
    CHECK(siteScene->buildingColorsActive());  // colouring is still on
  }
  SECTION("shadows follow the slider") {
    view.setShadows(true);
    CHECK(siteScene->shadowsActive());
    // The proposed tower is one of the shadow casters: its volumes hang under the sun's camera.
    osg::Camera* sunCamera = siteScene->shadowCamera();
    REQUIRE(sunCamera);
    osg::Node* casters = view.layer().proposedCasters();
    CHECK(sunCamera->containsNode(casters));
    REQUIRE(casters->asGroup()->getNumChildren() == 1);
    const osg::Geode* geode = casters->asGroup()->getChild(0)->asGeode();
    REQUIRE(geode);
    CHECK(geode->getNumDrawables() == 1);  // the tower's body (its outline casts nothing)
    // In the split view the present (left) casts without it; the right side's own scene with it.
    view.setSwipe(true);
    REQUIRE(view.layer().swipeEnabled());
    view.update(0);
    CHECK_FALSE(sunCamera->containsNode(casters));
    const osg::Group* rightRoot = view.layer().swipeCamera()->getChild(0)->asGroup();
    REQUIRE(rightRoot);
    CHECK(rightRoot != siteScene->root());
    bool rightCasts = false;
    for (unsigned i = 0; i < rightRoot->getNumChildren(); ++i)
      if (rightRoot->getChild(i)->getName() == "twin.shadows") {
        const osg::Group* group = rightRoot->getChild(i)->asGroup();
        for (unsigned k = 0; group && k < group->getNumChildren(); ++k)
          if (const osg::Camera* c = group->getChild(k)->asCamera())
            rightCasts = rightCasts || c->containsNode(casters);
      }
    CHECK(rightCasts);
    view.setSwipe(false);
    CHECK(sunCamera->containsNode(casters));
    view.setSunMinutes(12 * 60);
    const osg::Vec3d noon = view.sunDirection();
    CHECK(noon.y() < 0);  // the winter sun stands in the south
    CHECK(noon.z() > 0.5);
    view.setSunMinutes(3 * 60);  // night: no shadows
    CHECK_FALSE(siteScene->shadowsActive());
    view.setShadows(false);
    CHECK_FALSE(siteScene->shadowsActive());
  }
}

TEST_CASE("sunlight view: headless snapshots with shadows differ between morning and afternoon", "[app][slow]") {
  test::TempDir dir("sunlight-snapshots");
  const std::string scene = (test::scenesDir() / "hangzhou-qianjiang.json").string();
  std::vector<osg::ref_ptr<osg::Image>> images;
  for (const char* time : {"2026-01-20T09:00+08:00", "2026-01-20T15:00+08:00"}) {
    const std::string out = (dir.path() / (std::string("sun-") + time[11] + time[12] + ".png")).string();
    const test::CliResult r =
        test::runTwin({"snapshot", scene, "-o", out, "--size", "480x270", "--no-monitor", "--no-planning",
                       "--no-panels", "--bookmark", "fengrui-beiyuan", "--sun", time});
    INFO(r.err);
    REQUIRE(r.code == 0);
    osg::ref_ptr<osg::Image> image = osgDB::readRefImageFile(out);
    REQUIRE(image);
    CHECK(brightnessSpread(*image) > 10);  // not blank
    images.push_back(image);
  }
  const double difference = meanAbsDifference(*images[0], *images[1]);
  INFO("mean absolute difference " << difference);
  CHECK(difference > 2);
}
