// Alarm linkage through a real broker: raise -> banner and beacon (panel model and scene graph, no
// pixels) -> clear without ack -> still listed as cleared_unack -> ack with a note -> gone from the
// open list, in the history; a restart restores the banner of an unacknowledged critical alarm;
// escalation on a test clock; a reading on another sensor's topic is rejected and counted. (A
// replayed reading raising an alarm in its own time: ReplayAtTest.cpp.)
#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <thread>

#include "../sensors/TestBroker.h"
#include "twin/app/MonitorView.h"
#include "TestPaths.h"
#include "twin/alerts/AlertStore.h"
#include "twin/scene/SensorLayer.h"
#include "twin/scene/SiteScene.h"
#include "twin/sensors/MqttSource.h"
#include "twin/sensors/Payload.h"

using namespace twin;
using namespace std::chrono_literals;

namespace {

struct LinkageScene {
  test::TestBroker broker;
  test::TempDir dir{"app-alarm-linkage"};
  std::filesystem::path scene = dir.path() / "linkage.json";
  model::Site site;
  double time = 0;

  // severity: the flood rule's; escalateSeconds > 0 gives it escalate_after_seconds.
  explicit LinkageScene(const std::string& severity = "critical", int escalateSeconds = 0) {
    REQUIRE(broker.error().empty());
    std::ofstream(scene) << R"({"mqtt": {"host": "127.0.0.1", "port": )" << broker.port() << R"(},
      "alerts": {"attention": "major", "fly_to": true},
      "sensors": [
        {"id": "flood", "name": "地下车库水位", "kind": "water_level", "unit": "m", "building": "way/7", "floor": -1,
         "source": {"type": "mqtt", "topic": "community/flood"}},
        {"id": "smoke", "name": "烟感", "kind": "smoke", "unit": "%/m", "building": "way/7", "floor": 12,
         "source": {"type": "mqtt", "topic": "community/smoke"}}],
      "alert_rules": [
        {"id": "flood-high", "name": "车库积水", "type": "above", "severity": ")"
                         << severity << R"(", "sensors": ["flood"],
         "level": 0.3, "clear_level": 0.2, )"
                         << (escalateSeconds > 0
                                 ? R"("escalate_after_seconds": )" + std::to_string(escalateSeconds) + ","
                                 : std::string())
                         << R"( "procedure": ["关闭车库入口"], "procedure_en": ["Close the garage entrance"]}]})";
    auto frame = geo::SiteFrame::create(core::LonLat{120.2, 30.25});
    REQUIRE(frame.ok());
    site.frame = *frame;
    model::Building b;
    b.idKind = "way";
    b.osmId = 7;
    b.footprint.outer = {{0, 0}, {40, 0}, {40, 30}, {0, 30}};
    b.heightMeters = 60;
    b.levels = 20;
    b.tags = {{"building", "apartments"}, {"name", "丰瑞北苑 7幢"}, {"name:en", "Fengrui Beiyuan 7"}};
    site.buildings.push_back(b);
  }

  std::shared_ptr<app::MonitorView> start(const alerts::Clock* clock = nullptr) {
    app::MonitorViewOptions options;
    options.alertsDb = dir.path() / "alerts.db";
    options.clock = clock;
    auto view = app::MonitorView::start(scene, site, options);
    INFO((view.ok() ? std::string() : view.error().message));
    REQUIRE(view.ok());
    REQUIRE((*view)->monitor().mqtt());
    REQUIRE((*view)->monitor().mqtt()->waitConnected(5000ms));
    return *view;
  }

  void publish(double value, const std::string& topic = "community/flood") {
    model::MqttConfig config;
    config.port = broker.port();
    auto pub = sensors::MqttPublisher::connect(config, 5000ms);
    REQUIRE(pub.ok());
    REQUIRE((*pub)->publish(topic, R"({"sensor":"flood","value":)" + std::to_string(value) + "}", 1).ok());
    REQUIRE((*pub)->flush(5000ms).ok());
  }

  // Refreshes the view (as the viewer does each frame) until `done` holds or 10 s pass.
  template <class F>
  bool refreshUntil(app::MonitorView& view, F done) {
    const auto end = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < end) {
      time += 1.0;  // past the view's refresh interval
      view.update(time);
      if (done()) return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  }
};

}  // namespace

TEST_CASE("alarm linkage: banner, beacon, fly-to, cleared-unacknowledged kept, ack with note, restart", "[app][mqtt]") {
  LinkageScene s;
  std::int64_t id = 0;
  {
    auto view = s.start();
    CHECK(view->panelView().attention == model::AlertSeverity::Major);
    s.publish(0.45);
    REQUIRE(s.refreshUntil(*view, [&] { return !view->panelView().alerts.empty(); }));
    const alerts::Alert raised = view->panelView().alerts.front();
    id = raised.id;
    CHECK(raised.building == "way/7");
    CHECK(raised.floor == std::optional<int>(-1));
    // The banner queue (what the panel draws) and the beacon above the 60 m roof.
    const auto banner =
        ui::bannerAlarms(view->panelView().alerts, view->panelView().attention, view->panelView().dismissedBanners);
    REQUIRE(banner.size() == 1);
    CHECK(banner[0].id == id);
    CHECK(view->layer().beaconCount() == 1);
    REQUIRE(view->layer().beaconTop("flood").has_value());
    CHECK(view->layer().beaconTop("flood")->z() == Approx(60 + scene::SensorLayer::kBeaconRiseMeters));
    CHECK(*view->layer().beaconColour("flood") == scene::markerColour(scene::MarkerState::Critical));
    // The building by its name (not its OSM id) and the floor as people say it.
    CHECK(ui::beaconLabel(banner[0], view->panelView()) == "紧急 · 车库积水 · 丰瑞北苑 7幢 · 地下1层 · 地下车库水位");
    ui::MonitorView english = view->panelView();
    english.language = ui::Language::En;
    CHECK(ui::alarmPlace(banner[0], english) == "Fengrui Beiyuan 7 · B1 · 地下车库水位");
    // fly_to: once, framing the building and its surroundings (not a close-up).
    auto pose = view->takeFlyPose();
    REQUIRE(pose.has_value());
    CHECK(pose->center.x() == Approx(20));
    CHECK(pose->center.y() == Approx(15));
    CHECK((pose->eye - pose->center).length() == Approx(scene::framingDistance(80.0)));
    CHECK(pose->eye.z() > 60 + 100);
    CHECK_FALSE(view->takeFlyPose().has_value());

    // Cleared without acknowledgement: still listed, still a banner and a beacon.
    s.publish(0.1);
    REQUIRE(s.refreshUntil(*view, [&] {
      return !view->panelView().alerts.empty() &&
             view->panelView().alerts.front().state == alerts::AlertState::ClearedUnacknowledged;
    }));
    CHECK(view->panelView().alerts.size() == 1);
    CHECK(view->panelView().activeBySeverity == std::array<int, 4>{0, 0, 0, 0});
    CHECK(view->layer().beaconCount() == 1);

    // Acknowledged with a note: gone from the list, the banner and the beacon; in the history.
    view->apply({ui::AcknowledgeAlert{id, "值班员 王", "已排水"}});
    REQUIRE(s.refreshUntil(*view, [&] { return view->panelView().alerts.empty(); }));
    CHECK(view->layer().beaconCount() == 0);
    CHECK(ui::bannerAlarms(view->panelView().alerts, view->panelView().attention, {}).empty());

    // A new critical alarm, left unacknowledged; dismissing its banner keeps the beacon.
    s.publish(0.6);
    REQUIRE(s.refreshUntil(*view, [&] { return !view->panelView().alerts.empty(); }));
    view->apply({ui::DismissBanner{view->panelView().alerts.front().id}});
    view->update(s.time += 1.0);
    CHECK(ui::bannerAlarms(view->panelView().alerts, view->panelView().attention, view->panelView().dismissedBanners)
              .empty());
    CHECK(view->layer().beaconCount() == 1);
  }
  auto store = alerts::AlertStore::open(s.dir.path() / "alerts.db");
  REQUIRE(store.ok());
  auto first = (*store)->alert(id);
  REQUIRE(first.ok());
  REQUIRE(first->has_value());
  CHECK((*first)->state == alerts::AlertState::ClearedAcknowledged);
  CHECK((*first)->ackBy == "值班员 王");
  CHECK((*first)->ackComment == "已排水");
  CHECK((*store)->transitions(id)->size() == 3);
  // The history view's query finds it among the acknowledged, cleared alarms of the sensor.
  alerts::AlertQuery query;
  query.state = alerts::AlertState::ClearedAcknowledged;
  query.sensorId = "flood";
  auto history = (*store)->history(query);
  REQUIRE(history.ok());
  REQUIRE(history->size() == 1);
  CHECK((*history)[0].id == id);
  store->reset();

  // Restart: the unacknowledged critical alarm's banner and beacon are back (a dismissal is
  // per session).
  auto view = s.start();
  REQUIRE(s.refreshUntil(*view, [&] { return !view->panelView().alerts.empty(); }));
  const auto banner =
      ui::bannerAlarms(view->panelView().alerts, view->panelView().attention, view->panelView().dismissedBanners);
  REQUIRE(banner.size() == 1);
  CHECK(banner[0].severity == model::AlertSeverity::Critical);
  CHECK(banner[0].state == alerts::AlertState::ActiveUnacknowledged);
  CHECK(banner[0].id != id);
  CHECK(view->layer().beaconCount() == 1);
}

TEST_CASE("alarm escalation on a test clock: the banner and beacon take the new severity; logged", "[app][mqtt]") {
  LinkageScene s("major", 300);
  alerts::ManualClock clock(sensors::nowEpochMs());
  auto view = s.start(&clock);
  s.publish(0.45);
  REQUIRE(s.refreshUntil(*view, [&] { return !view->panelView().alerts.empty(); }));
  const std::int64_t id = view->panelView().alerts.front().id;
  auto banner = ui::bannerAlarms(view->panelView().alerts, view->panelView().attention, {});
  REQUIRE(banner.size() == 1);
  CHECK(banner[0].severity == model::AlertSeverity::Major);
  CHECK(*view->layer().beaconColour("flood") == scene::markerColour(scene::MarkerState::Major));

  // 299 s unacknowledged: not yet. 301 s: one severity up, on screen and in the log.
  clock.advanceSeconds(299);
  std::this_thread::sleep_for(300ms);  // several monitor steps, each ticking the engine
  view->update(s.time += 1.0);
  CHECK(view->panelView().alerts.front().severity == model::AlertSeverity::Major);
  clock.advanceSeconds(2);
  REQUIRE(s.refreshUntil(*view, [&] {
    return !view->panelView().alerts.empty() &&
           view->panelView().alerts.front().severity == model::AlertSeverity::Critical;
  }));
  const alerts::Alert& a = view->panelView().alerts.front();
  CHECK(a.id == id);
  CHECK(a.escalations == 1);
  CHECK(a.raisedSeverity == model::AlertSeverity::Major);
  banner = ui::bannerAlarms(view->panelView().alerts, view->panelView().attention, {});
  REQUIRE(banner.size() == 1);
  CHECK(banner[0].severity == model::AlertSeverity::Critical);
  CHECK(*view->layer().beaconColour("flood") == scene::markerColour(scene::MarkerState::Critical));
  CHECK(view->panelView().activeBySeverity == std::array<int, 4>{1, 0, 0, 0});
  // "How long ago" counts on the same (test) clock.
  CHECK(ui::alarmAge(a, view->panelView()) == "5 分钟前");

  auto store = alerts::AlertStore::open(s.dir.path() / "alerts.db");
  REQUIRE(store.ok());
  auto transitions = (*store)->transitions(id);
  REQUIRE(transitions.ok());
  REQUIRE(transitions->size() == 2);
  CHECK((*transitions)[1].kind == alerts::TransitionKind::Escalate);
  CHECK((*transitions)[1].severity == model::AlertSeverity::Critical);
  CHECK((*transitions)[1].who == "engine");
  CHECK((*transitions)[1].comment.rfind("major -> critical: unacknowledged for 30", 0) == 0);
}

TEST_CASE("a reading on another sensor's topic is rejected and counted; it raises no alarm", "[app][mqtt]") {
  LinkageScene s;
  auto view = s.start();
  // "flood" is bound to community/flood: its reading on the smoke sensor's topic is refused.
  s.publish(0.9, "community/smoke");
  const auto end = std::chrono::steady_clock::now() + 10s;
  while (view->monitor().summary().wrongSource < 1 && std::chrono::steady_clock::now() < end)
    std::this_thread::sleep_for(20ms);
  const alerts::MonitorSummary summary = view->monitor().summary();
  CHECK(summary.wrongSource == 1);
  CHECK(alerts::Monitor::summaryJson(summary).find(R"("wrong_source":1)") != std::string::npos);
  view->update(s.time += 1.0);
  CHECK(view->panelView().alerts.empty());
  CHECK(view->layer().beaconCount() == 0);
  CHECK(view->monitor().series().series("flood").empty());
  // The same reading on its own topic raises the alarm: the rejection was the topic's doing.
  s.publish(0.9);
  REQUIRE(s.refreshUntil(*view, [&] { return !view->panelView().alerts.empty(); }));
  CHECK(view->panelView().alerts.front().sensorId == "flood");
  CHECK(view->monitor().summary().wrongSource == 1);
  CHECK(view->layer().beaconCount() == 1);
}
