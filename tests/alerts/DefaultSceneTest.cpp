// The default scene's sensors (assets/sensors/default-scene-sensors.json, merged into the scene
// file) run through the whole chain: the real Beijing data and the simulated day's incidents.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "TestPaths.h"
#include "twin/alerts/Monitor.h"

using namespace twin::alerts;

TEST_CASE("Default scene sensors: the planned incidents raise the right alerts", "[alerts][slow]") {
  std::ifstream in(twin::test::assetsDir() / "sensors" / "default-scene-sensors.json", std::ios::binary);
  REQUIRE(in);
  std::stringstream text;
  text << in.rdbuf();
  // Paths in the fragment are relative to the scene file in scenes/.
  auto config = twin::model::parseSensorConfig(text.str(), twin::test::scenesDir() / "default.json");
  REQUIRE(config.ok());
  CHECK(config->sensors.size() == 11);
  std::size_t simulated = 0;
  for (auto& s : config->sensors) {
    simulated += s.simulated;
    if (s.simulated) CHECK(s.name.find("（模拟）") != std::string::npos);
    REQUIRE(s.source.kind == twin::model::SourceKind::Replay);
    CHECK(std::filesystem::exists(s.source.replay.file));
    s.source.replay.speed = 0;  // as fast as possible
  }
  CHECK(simulated == 6);
  for (auto& r : config->rules) r.pendingSeconds = 0;  // pending is wall time; the replay here is instant

  twin::test::TempDir dir("default-scene");
  MonitorOptions options;
  options.config = *config;
  options.alertsDb = dir.path() / "alerts.db";
  options.durability = Durability::Normal;
  SystemClock clock;
  auto monitor = Monitor::start(options, clock);
  REQUIRE(monitor.ok());
  const std::uint64_t expected = 288 * 6 - 24 /* parking silent 16:00-18:00 */ + 5 * 35064;
  for (int i = 0; i < 1000 && (*monitor)->summary().replayed + (*monitor)->summary().replayMissing < expected; ++i)
    REQUIRE((*monitor)->step(std::chrono::milliseconds(0)).ok());
  const MonitorSummary s = (*monitor)->summary();
  CHECK(s.replayed + s.replayMissing == expected);

  auto store = AlertStore::open(dir.path() / "alerts.db");
  REQUIRE(store.ok());
  auto all = (*store)->allAlerts();
  REQUIRE(all.ok());
  std::map<std::string, int> raisedByRule;
  for (const Alert& a : *all) ++raisedByRule[a.ruleId + "/" + a.sensorId];
  CHECK(raisedByRule["water-high/sim.b3.water"] == 1);
  CHECK(raisedByRule["noise-high/sim.gate.noise"] == 2);
  CHECK(raisedByRule["smoke/sim.b5.smoke"] == 1);
  CHECK(raisedByRule["data-quality/sim.b2.lift"] == 1);
  CHECK(raisedByRule["lift-vibration/sim.b2.lift"] == 0);
  CHECK(raisedByRule["parking-full/sim.p1.parking"] == 0);
  CHECK(raisedByRule["pm25-heavy/aoti.pm25"] > 50);
  CHECK(raisedByRule["pm25-severe/aoti.pm25"] > 10);
  CHECK(raisedByRule["pm25-heavy/aoti.pm25"] > raisedByRule["pm25-severe/aoti.pm25"]);
  CHECK(raisedByRule["heat/aoti.temp"] > 0);
  // The simulated incidents all ended: only air-quality alerts may still be active.
  for (const Alert& a : (*monitor)->engine().activeAlerts()) CHECK(a.sensorId.rfind("aoti.", 0) == 0);
  auto states = (*monitor)->engine().sensorStates();
  REQUIRE(states.size() == 11);
  for (const SensorState& st : states) CHECK(st.hasValue);
}
