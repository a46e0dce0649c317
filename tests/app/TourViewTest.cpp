// TourView without a window: the default scene's tour on an injected clock drives the camera and
// shows each stop's overlays, scenario and captions; keys and clicks pause, skip and end it.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include <osg/Uniform>
#include <osgGA/GUIEventAdapter>
#include <osgViewer/View>

#include "CliRunner.h"
#include "TestPaths.h"
#include "twin/app/PlanningView.h"
#include "twin/app/SceneLoading.h"
#include "twin/app/TourView.h"
#include "twin/scene/Daylight.h"
#include "twin/scene/PlanningLayer.h"
#include "twin/scene/SiteScene.h"

using namespace twin;

namespace {

struct Fixture {
  app::LoadedScene scene;
  osg::ref_ptr<scene::SiteScene> siteScene;
  std::shared_ptr<app::PlanningView> planning;
  std::shared_ptr<app::TourView> tours;
  double now = 0;

  // `tours`: a "tours" key in place of the scene's own, when not empty.
  explicit Fixture(bool controls, const std::string& tours = "") {
    auto loaded = app::loadScene((test::scenesDir() / "hangzhou-qianjiang.json").string());
    INFO((loaded.ok() ? std::string() : loaded.error().message));
    REQUIRE(loaded.ok());
    scene = std::move(loaded).value();
    if (!tours.empty()) scene.config.sections["tours"] = tours;
    scene::SceneOptions options;
    options.theme = scene.config.themes.at("dark");
    core::Diagnostics diag;
    auto built = scene::SiteScene::build(*scene.site, options, diag);
    REQUIRE(built.ok());
    siteScene = *built;
    auto created = app::PlanningView::create(scene, siteScene.get(), {});
    INFO((created.ok() ? std::string() : created.error().message));
    REQUIRE(created.ok());
    planning = *created;
    app::TourViewOptions tourOptions;
    tourOptions.controls = controls;
    tourOptions.clock = [this] { return now; };
    auto view = app::TourView::create(scene, siteScene.get(), planning, tourOptions);
    INFO((view.ok() ? std::string() : view.error().message));
    REQUIRE(view.ok());
    this->tours = *view;
  }

  // One frame as the viewer runs it: update, then the camera.
  std::optional<app::ViewerExtension::FlyPose> frame() {
    tours->update(0);
    app::ViewerExtension::FlyPose current{osg::Vec3d(0, -500, 500), osg::Vec3d(0, 0, 0)};
    return tours->cameraPose(current);
  }
};

osg::ref_ptr<osgGA::GUIEventAdapter> key(int code) {
  osg::ref_ptr<osgGA::GUIEventAdapter> e = new osgGA::GUIEventAdapter;
  e->setEventType(osgGA::GUIEventAdapter::KEYDOWN);
  e->setKey(code);
  return e;
}

}  // namespace

TEST_CASE("tour view: the default scene's tour shows its stops on the tour's clock", "[app][tour]") {
  Fixture f(false);
  REQUIRE(f.tours->tours().size() == 1);
  const model::Tour& tour = f.tours->tours().front();
  CHECK(tour.name == "community");
  REQUIRE(tour.stops.size() >= 5);
  CHECK_FALSE(f.frame().has_value());  // nothing plays before start()
  f.tours->start(0, false);
  REQUIRE(f.tours->playing());
  model::TourPlayer& player = *f.tours->player();

  std::vector<osg::Vec3d> eyes;
  bool sawIsochrone = false, sawScenario = false, sawCoverageBefore = false, sawSplit = false;
  for (std::size_t i = 0; i < tour.stops.size(); ++i) {
    const model::TourStop& stop = tour.stops[i];
    f.now = player.stopStartSeconds(i) + stop.flySeconds + 0.5 * stop.holdSeconds;  // holding at stop i
    const auto pose = f.frame();
    REQUIRE(pose.has_value());
    eyes.push_back(pose->eye);
    INFO("stop " << i);
    const bool isochrone = std::count(stop.overlays.begin(), stop.overlays.end(), model::TourOverlay::Isochrone) > 0;
    CHECK(f.planning->layer().hasIsochrone() == isochrone);
    sawIsochrone = sawIsochrone || isochrone;
    CHECK(f.planning->panelView().comparingWhat == stop.scenario);
    sawScenario = sawScenario || !stop.scenario.empty();
    const bool coverage = !stop.coverageBy.empty();
    CHECK(f.planning->buildingColours().empty() == !coverage);
    sawCoverageBefore = sawCoverageBefore || (coverage && stop.scenario.empty() && !stop.split);
    // A split stop shows its two scenarios side by side, coloured by coverage on both sides.
    CHECK(f.planning->splitActive() == stop.split.has_value());
    if (stop.split) {
      sawSplit = true;
      CHECK(f.planning->panelView().splitLeft == stop.split->left);
      CHECK(f.planning->panelView().splitRight == stop.split->right);
      CHECK_FALSE(f.planning->rightBuildingColours().empty());
    }
  }
  CHECK(sawSplit);  // the planned facility before and after, side by side
  // The shipped tour has the life circle and a facility before and after.
  CHECK(sawIsochrone);
  CHECK(sawScenario);
  CHECK(sawCoverageBefore);
  // The station, the compound and the overview are different views.
  CHECK((eyes[0] - eyes[1]).length() > 100);
  CHECK((eyes[1] - eyes[2]).length() > 100);
  CHECK(f.tours->problems().empty());
  // A video's tour (no controls) keeps its last view after the end.
  f.now = player.durationSeconds() + 5;
  CHECK(f.frame().has_value());
}

TEST_CASE("tour view: the carousel's views show a tour stop without playing, and go back after", "[app][tour]") {
  Fixture f(true, R"([{"name": "views", "stops": [
      {"bookmark": "overview", "fly_s": 0, "hold_s": 1},
      {"bookmark": "fengrui-beiyuan", "fly_s": 0, "hold_s": 1, "time": "06:00", "overlays": ["isochrone"],
       "layers": ["buildings", "ground"]},
      {"bookmark": "fengrui-beiyuan", "fly_s": 0, "hold_s": 1, "overlays": ["coverage:15"]},
      {"bookmark": "fengrui-beiyuan", "fly_s": 0, "hold_s": 1,
       "split": {"left": "existing", "right": "proposal-health-station"}}]}])");
  osg::Uniform* direction = f.siteScene->root()->getStateSet()->getUniform("twin_sunDirection");
  REQUIRE(direction);
  osg::Vec3 sceneSun, sun;
  direction->get(sceneSun);

  // Not a view of this extension: a bookmark's name, an unknown tour or stop, a malformed key.
  for (const char* other : {"overview", "tour:none:1", "tour:views:5", "tour:views:0", "tour:views:x", "tour:views"})
    CHECK_FALSE(f.tours->showView(other).has_value());
  CHECK(f.tours->viewShown().empty());

  const auto isochrone = f.tours->showView("tour:views:2");
  REQUIRE(isochrone.has_value());
  CHECK_FALSE(f.tours->playing());
  CHECK(f.tours->viewShown() == "tour:views:2");
  CHECK(f.planning->layer().hasIsochrone());
  CHECK_FALSE(f.siteScene->layerVisible(scene::Layer::Labels));
  direction->get(sun);
  CHECK(sun.x() > 0.9);                  // 06:00: the sun in the east
  CHECK(f.siteScene->daylightActive());  // and its sky

  const auto coverage = f.tours->showView("tour:views:3");
  REQUIRE(coverage.has_value());
  CHECK_FALSE(f.planning->layer().hasIsochrone());
  CHECK_FALSE(f.planning->buildingColours().empty());
  CHECK((isochrone->center - coverage->center).length() < 1);  // the same bookmark

  // A split stop as a view, then the carousel moves on to a bookmark: the view's split,
  // overlays, layers and sun are taken back.
  REQUIRE(f.tours->showView("tour:views:4").has_value());
  CHECK(f.planning->splitActive());
  CHECK_FALSE(f.tours->showView("").has_value());
  CHECK_FALSE(f.planning->splitActive());
  CHECK(f.tours->viewShown().empty());
  CHECK(f.planning->buildingColours().empty());
  CHECK_FALSE(f.planning->layer().hasIsochrone());
  CHECK(f.siteScene->layerVisible(scene::Layer::Labels));
  direction->get(sun);
  CHECK((sun - sceneSun).length() < 1e-6);
  CHECK_FALSE(f.siteScene->daylightActive());  // the scene's studio light, no sky

  SECTION("a daylight the scene had before the view is put back") {
    const scene::Daylight dusk = scene::daylightFor({290, 3});
    f.siteScene->setDaylight(dusk, false);
    REQUIRE(f.tours->showView("tour:views:2").has_value());
    CHECK(f.siteScene->daylight()->sunAltitudeDegrees != Approx(3));
    CHECK_FALSE(f.tours->showView("").has_value());
    REQUIRE(f.siteScene->daylight().has_value());
    CHECK(f.siteScene->daylight()->sunAltitudeDegrees == Approx(3));
    direction->get(sun);
    CHECK((sun - dusk.towardSun).length() < 1e-6);
  }

  // While a tour plays, the carousel's views are not shown (the tour holds the screen).
  f.tours->start(0, false);
  CHECK_FALSE(f.tours->showView("tour:views:3").has_value());
  CHECK(f.tours->problems().empty());
}

TEST_CASE("tour view: keys pause, skip and end, and a click in the scene ends the tour", "[app][tour]") {
  Fixture f(true);
  using E = osgGA::GUIEventAdapter;
  f.tours->start(0, true);  // from the camera: the flight to the first stop starts at the next frame
  REQUIRE(f.frame().has_value());
  model::TourPlayer& player = *f.tours->player();
  CHECK(player.elapsedSeconds() == 0);

  CHECK(f.tours->handleInput(*key(' ')));
  CHECK(player.paused());
  f.now += 10;
  CHECK(player.elapsedSeconds() == 0);
  CHECK(f.tours->handleInput(*key(' ')));
  CHECK_FALSE(player.paused());

  CHECK(f.tours->handleInput(*key(E::KEY_Right)));
  CHECK(player.elapsedSeconds() == Approx(player.stopStartSeconds(1)));
  CHECK(f.tours->handleInput(*key(E::KEY_Page_Down)));
  CHECK(player.elapsedSeconds() == Approx(player.stopStartSeconds(2)));
  CHECK(f.tours->handleInput(*key(E::KEY_Left)));  // just begun: back to the stop before
  CHECK(player.elapsedSeconds() == Approx(player.stopStartSeconds(1)));

  SECTION("Esc ends the tour (and does not reach the quit dialog)") {
    CHECK(f.tours->handleInput(*key(E::KEY_Escape)));
    CHECK_FALSE(f.tours->playing());
    CHECK_FALSE(f.frame().has_value());
    CHECK_FALSE(f.tours->handleInput(*key(E::KEY_Escape)));  // no tour: Esc goes on as usual
  }
  SECTION("another key ends the tour and goes on to the camera") {
    CHECK_FALSE(f.tours->handleInput(*key('+')));
    CHECK_FALSE(f.tours->playing());
  }
  SECTION("a wheel turn ends the tour") {
    osg::ref_ptr<E> wheel = new E;
    wheel->setEventType(E::SCROLL);
    CHECK_FALSE(f.tours->handleInput(*wheel));
    CHECK_FALSE(f.tours->playing());
  }
  SECTION("a press on a panel does not end it, a press in the scene does") {
    osg::ref_ptr<osgViewer::View> view = new osgViewer::View;
    osg::ref_ptr<E> press = new E;
    press->setEventType(E::PUSH);
    press->setHandled(true);  // ImGui took it
    CHECK_FALSE(f.tours->handleMouse(*press, *view));
    CHECK(f.tours->playing());
    press->setHandled(false);
    CHECK_FALSE(f.tours->handleMouse(*press, *view));  // not taken: it pans as usual
    CHECK_FALSE(f.tours->playing());
  }
}

TEST_CASE("tour view: a coverage category the facilities lack is an error", "[app][tour]") {
  auto loaded = app::loadScene((test::scenesDir() / "hangzhou-qianjiang.json").string());
  REQUIRE(loaded.ok());
  app::LoadedScene scene = std::move(loaded).value();
  scene.config.sections["tours"] =
      R"([{"name": "t", "stops": [{"bookmark": "overview"}, {"bookmark": "overview", "overlays": ["coverage:spa"]}]}])";
  auto planning = app::PlanningView::create(scene, nullptr, {});
  REQUIRE(planning.ok());
  auto view = app::TourView::create(scene, nullptr, *planning);
  REQUIRE_FALSE(view.ok());
  CHECK(view.error().message.find("twin: hangzhou-qianjiang.json: tour 't' stop 2: coverage:spa: no facility "
                                  "category 'spa' (known: 5, 10, 15, kindergarten") == 0);
}

TEST_CASE("tour view: a stop's time of day moves the sun, through the flight", "[app][tour]") {
  Fixture f(false, R"([{"name": "day", "stops": [
      {"bookmark": "overview", "fly_s": 0, "hold_s": 1, "time": "06:00"},
      {"bookmark": "overview", "fly_s": 2, "hold_s": 1, "time": "12:00"},
      {"bookmark": "overview", "fly_s": 0, "hold_s": 1},
      {"bookmark": "overview", "fly_s": 0, "hold_s": 1, "time": "23:00"}]}])");
  osg::StateSet* state = f.siteScene->root()->getStateSet();
  REQUIRE(state);
  osg::Uniform* direction = state->getUniform("twin_sunDirection");
  osg::Uniform* colour = state->getUniform("twin_sunColor");
  REQUIRE(direction);
  REQUIRE(colour);
  osg::Vec3 dayColour;
  colour->get(dayColour);
  const auto sunAt = [&](double t, osg::Vec3& dir, osg::Vec3& light) {
    f.now = t;
    f.frame();
    direction->get(dir);
    colour->get(light);
  };
  f.tours->start(0, false);
  osg::Vec3 dawn, dawnLight, morning, morningLight, noon, noonLight, kept, keptLight, night, nightLight;
  sunAt(0.5, dawn, dawnLight);            // 06:00 true solar time on the equinox: at the horizon, in the east
  sunAt(1 + 1.0, morning, morningLight);  // halfway through the flight: 09:00
  sunAt(3.5, noon, noonLight);            // 12:00: due south, 90 - 30.2 degrees up in Hangzhou
  sunAt(4.5, kept, keptLight);            // a stop without a time keeps the last one's sun
  sunAt(5.5, night, nightLight);          // 23:00: below the horizon, no sunlight
  CHECK(dawn.x() > 0.9);                  // east
  CHECK(dawnLight.length() < 0.5 * dayColour.length());
  CHECK(morning.z() > dawn.z());
  CHECK(morning.z() < noon.z());
  CHECK(morning.x() > 0.3);  // still east of south
  CHECK(noon.z() == Approx(std::sin((90 - 30.24) * 3.14159265358979 / 180)).margin(0.01));
  CHECK(noon.y() < 0);  // south
  CHECK(noonLight.x() == Approx(dayColour.x()));
  CHECK(kept.z() == Approx(noon.z()));
  CHECK(nightLight.length() == Approx(0).margin(1e-6));
  CHECK(night.z() > 0);  // never from under the ground
}

TEST_CASE("tour view: without the planning view a stop's scenario and overlays are reported, not shown",
          "[app][tour]") {
  auto loaded = app::loadScene((test::scenesDir() / "hangzhou-qianjiang.json").string());
  REQUIRE(loaded.ok());
  app::LoadedScene scene = std::move(loaded).value();
  double now = 0;
  app::TourViewOptions options;
  options.clock = [&now] { return now; };
  options.controls = false;
  auto view = app::TourView::create(scene, nullptr, nullptr, options);
  REQUIRE(view.ok());
  (*view)->start(0, false);
  const model::Tour& tour = (*view)->tours().front();
  for (std::size_t i = 0; i < tour.stops.size(); ++i) {
    now = (*view)->player()->stopStartSeconds(i) + tour.stops[i].flySeconds;
    (*view)->update(0);
  }
  REQUIRE_FALSE((*view)->problems().empty());
  CHECK((*view)->problems().front() ==
        "twin: tour 'community' stop 4: its scenario and overlays need the planning view (a scene with streets, "
        "without --no-planning); not shown");
}

TEST_CASE("twin run --tour: an unknown tour is an error naming the known ones", "[app][tour]") {
  test::TempDir dir("run-tour");
  const std::string png = (dir.path() / "x.png").string();
  auto unknown = test::runTwin(
      {"run", (test::scenesDir() / "hangzhou-qianjiang.json").string(), "--tour", "nope", "-o", png, "--no-monitor"});
  CHECK(unknown.code == 1);
  CHECK(unknown.err.find("twin: unknown tour 'nope' in hangzhou-qianjiang.json; known: community\n") !=
        std::string::npos);
  auto none = test::runTwin(
      {"run", (test::scenesDir() / "beijing-liudaokou.json").string(), "--tour", "nope", "-o", png, "--no-monitor"});
  CHECK(none.code == 1);
  CHECK(none.err.find("twin: unknown tour 'nope': the scene has no tours\n") != std::string::npos);
}
