#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>

#include <sqlite3.h>

#include "TestPaths.h"
#include "twin/alerts/AlertEngine.h"

using namespace twin::alerts;
using twin::model::AlertSeverity;
using twin::sensors::Reading;

namespace {

const char* kConfig = R"({
  "sensors": [
    {"id": "pm", "name": "奥体中心 PM2.5", "kind": "pm25", "unit": "µg/m³", "position": [116.397, 39.982],
     "valid_range": [0, 1000], "source": {"type": "mqtt", "topic": "t/pm"}},
    {"id": "water", "name": "水位", "kind": "water_level", "unit": "m", "building": "b1",
     "source": {"type": "mqtt", "topic": "t/water"}},
    {"id": "temp", "name": "温度", "kind": "temperature", "unit": "°C", "building": "b1",
     "source": {"type": "mqtt", "topic": "t/temp"}}
  ],
  "alert_rules": [
    {"id": "pm-high", "type": "above", "severity": "major", "sensors": ["pm"], "level": 150, "clear_level": 100},
    {"id": "pm-quality", "type": "quality", "severity": "minor", "sensors": ["pm"]},
    {"id": "water-band", "type": "outside", "severity": "critical", "sensors": ["water"], "low": 0.5, "high": 2.0,
     "low_clear": 0.6, "high_clear": 1.8, "pending_seconds": 30},
    {"id": "water-silent", "type": "stale", "severity": "warning", "sensors": ["water"], "stale_seconds": 60},
    {"id": "temp-low", "type": "below", "sensors": ["temp"], "level": 0, "clear_level": 2},
    {"id": "temp-jump", "type": "rate", "severity": "minor", "sensors": ["temp"], "level": 5, "clear_level": 1}
  ]
})";

struct Fixture {
  twin::test::TempDir dir{"alerts"};
  ManualClock clock{1700000000000LL};
  twin::model::SensorConfig config;
  std::unique_ptr<AlertStore> store;
  std::unique_ptr<AlertEngine> engine;
  std::vector<std::pair<Alert, Transition>> shown;

  Fixture() {
    auto c = twin::model::parseSensorConfig(kConfig, "test.json");
    REQUIRE(c.ok());
    config = *c;
    reopen();
  }
  void reopen() {
    engine.reset();
    store.reset();
    auto s = AlertStore::open(dir.path() / "alerts.db");
    REQUIRE(s.ok());
    store = std::move(*s);
    auto e = AlertEngine::create(config, *store, clock);
    REQUIRE(e.ok());
    engine = std::move(*e);
    engine->setListener([this](const Alert& a, const Transition& t) { shown.emplace_back(a, t); });
  }
  void feed(const std::string& id, double value, std::int64_t tsMs = 0, bool finite = true) {
    REQUIRE(engine->process({Reading{id, tsMs ? tsMs : clock.nowMs(), value, finite}}).ok());
  }
  std::size_t active(const std::string& rule) const {
    std::size_t n = 0;
    for (const Alert& a : engine->activeAlerts()) n += a.ruleId == rule;
    return n;
  }
};

}  // namespace

TEST_CASE("Above with hysteresis raises once and does not flap", "[alerts]") {
  Fixture f;
  f.feed("pm", 120);
  CHECK(f.engine->activeAlerts().empty());
  f.feed("pm", 160);
  REQUIRE(f.active("pm-high") == 1);
  // Oscillating between the clear level and the raise level changes nothing.
  for (double v : {149.0, 151.0, 101.0, 170.0, 100.0, 155.0}) f.feed("pm", v);
  CHECK(f.active("pm-high") == 1);
  CHECK(f.shown.size() == 1);
  f.feed("pm", 99);
  CHECK(f.active("pm-high") == 0);
  REQUIRE(f.shown.size() == 2);
  CHECK(f.shown[1].second.kind == TransitionKind::Clear);
  CHECK(f.shown[1].first.state == AlertState::ClearedUnacknowledged);
  // A new violation after a clear is a new alert.
  f.feed("pm", 200);
  REQUIRE(f.shown.size() == 3);
  CHECK(f.shown[2].first.id != f.shown[0].first.id);
  const Alert a = f.shown[0].first;
  CHECK(a.severity == AlertSeverity::Major);
  CHECK(a.value == 160);
  CHECK(a.message == "pm-high: 奥体中心 PM2.5 = 160 µg/m³");
  CHECK(f.engine->counters().raised == 2);
  CHECK(f.engine->counters().cleared == 1);
}

TEST_CASE("Pending: the condition must hold for the pending time on the engine clock", "[alerts]") {
  Fixture f;
  f.feed("water", 2.5);
  CHECK(f.active("water-band") == 0);
  f.clock.advanceSeconds(20);
  f.feed("water", 2.4);
  REQUIRE(f.engine->tick().ok());
  CHECK(f.active("water-band") == 0);
  // A reading back inside the band resets the pending time.
  f.feed("water", 1.0);
  f.clock.advanceSeconds(15);
  f.feed("water", 0.3);
  f.clock.advanceSeconds(29);
  REQUIRE(f.engine->tick().ok());
  CHECK(f.active("water-band") == 0);
  f.clock.advanceSeconds(1);
  REQUIRE(f.engine->tick().ok());  // raised by tick without a new reading
  REQUIRE(f.active("water-band") == 1);
  CHECK(f.engine->activeAlerts()[0].value == 0.3);
  CHECK(f.engine->activeAlerts()[0].severity == AlertSeverity::Critical);
  // Clear needs the inner band (hysteresis): 0.55 is inside [0.5, 2] but below low_clear.
  f.feed("water", 0.55);
  CHECK(f.active("water-band") == 1);
  f.feed("water", 0.7);
  CHECK(f.active("water-band") == 0);
}

TEST_CASE("Stale: silence for the stale time raises, data clears", "[alerts]") {
  Fixture f;
  f.clock.advanceSeconds(59);
  REQUIRE(f.engine->tick().ok());
  CHECK(f.active("water-silent") == 0);
  f.clock.advanceSeconds(1);
  REQUIRE(f.engine->tick().ok());
  REQUIRE(f.active("water-silent") == 1);
  REQUIRE(f.engine->tick().ok());
  CHECK(f.active("water-silent") == 1);  // still one alert
  auto states = f.engine->sensorStates();
  REQUIRE(states.size() == 3);
  CHECK(states[1].sensorId == "water");
  CHECK(states[1].stale);
  CHECK_FALSE(states[1].online);
  CHECK(f.engine->activeAlerts()[0].message == "water-silent: 水位 silent for 60 s");
  f.feed("water", 1.0);
  CHECK(f.active("water-silent") == 0);
  states = f.engine->sensorStates();
  CHECK(states[1].online);
  CHECK(states[1].lastValue == 1.0);
  f.engine->setLinkStatus("water", "offline");
  CHECK_FALSE(f.engine->sensorStates()[1].online);
  f.clock.advanceSeconds(60);
  REQUIRE(f.engine->tick().ok());
  CHECK(f.active("water-silent") == 1);
}

TEST_CASE("Quality: NaN and out-of-range readings raise a quality alert, not a value alert", "[alerts]") {
  Fixture f;
  f.feed("pm", std::nan(""), 0, false);
  CHECK(f.active("pm-quality") == 1);
  CHECK(f.active("pm-high") == 0);
  f.feed("pm", 5000);  // above 150 but outside the valid range
  CHECK(f.active("pm-quality") == 1);
  CHECK(f.active("pm-high") == 0);
  CHECK(f.engine->counters().qualityEvents == 2);
  CHECK(f.engine->sensorStates()[0].hasValue == false);
  f.feed("pm", 50);
  CHECK(f.active("pm-quality") == 0);
  CHECK(f.engine->sensorStates()[0].lastValue == 50);
}

TEST_CASE("Below and rate of change", "[alerts]") {
  Fixture f;
  const std::int64_t t0 = 1700000000000LL;
  f.feed("temp", 10, t0);
  f.feed("temp", 12, t0 + 60000);  // 2 per minute
  CHECK(f.engine->activeAlerts().empty());
  f.feed("temp", 22, t0 + 120000);  // 10 per minute
  CHECK(f.active("temp-jump") == 1);
  f.feed("temp", 20, t0 + 90000);  // older than the last: no rate from it
  CHECK(f.active("temp-jump") == 1);
  f.feed("temp", 25, t0 + 180000);  // 3 per minute: between clear (1) and raise (5)
  CHECK(f.active("temp-jump") == 1);
  f.feed("temp", 25.5, t0 + 240000);  // 0.5 per minute
  CHECK(f.active("temp-jump") == 0);
  f.feed("temp", -1, t0 + 60 * 60000);
  CHECK(f.active("temp-low") == 1);
  f.feed("temp", 1, t0 + 61 * 60000);
  CHECK(f.active("temp-low") == 1);
  f.feed("temp", 3, t0 + 62 * 60000);
  CHECK(f.active("temp-low") == 0);
}

TEST_CASE("Lifecycle: acknowledge with who and comment, then clear", "[alerts]") {
  Fixture f;
  f.feed("pm", 300);
  REQUIRE(f.engine->activeAlerts().size() == 1);
  const std::int64_t id = f.engine->activeAlerts()[0].id;
  f.clock.advanceSeconds(5);
  REQUIRE(f.engine->acknowledge(id, "值班员 王", "已通知物业").ok());
  Alert a = f.engine->activeAlerts()[0];
  CHECK(a.state == AlertState::ActiveAcknowledged);
  CHECK(a.ackBy == "值班员 王");
  CHECK(a.ackComment == "已通知物业");
  CHECK(a.ackMs == 1700000005000LL);
  auto again = f.engine->acknowledge(id, "x", "");
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().message ==
        "alerts::AlertEngine::acknowledge(): alert " + std::to_string(id) + " is already acknowledged");
  auto unknown = f.engine->acknowledge(999, "x", "");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().message == "alerts::AlertEngine::acknowledge(): no alert 999");
  f.feed("pm", 10);
  CHECK(f.engine->activeAlerts().empty());
  auto stored = f.store->alert(id);
  REQUIRE(stored.ok());
  REQUIRE(stored->has_value());
  CHECK((*stored)->state == AlertState::ClearedAcknowledged);
  auto transitions = f.store->transitions(id);
  REQUIRE(transitions.ok());
  REQUIRE(transitions->size() == 3);
  CHECK((*transitions)[0].kind == TransitionKind::Raise);
  CHECK((*transitions)[1].kind == TransitionKind::Acknowledge);
  CHECK((*transitions)[1].who == "值班员 王");
  CHECK((*transitions)[2].kind == TransitionKind::Clear);
  CHECK((*transitions)[2].state == AlertState::ClearedAcknowledged);

  // Cleared first, acknowledged afterwards.
  f.feed("pm", 400);
  const std::int64_t id2 = f.engine->activeAlerts()[0].id;
  f.feed("pm", 10);
  REQUIRE(f.engine->acknowledge(id2, "李", "").ok());
  CHECK((*f.store->alert(id2))->state == AlertState::ClearedAcknowledged);

  // Manual clear.
  f.feed("pm", 400);
  const std::int64_t id3 = f.engine->activeAlerts()[0].id;
  REQUIRE(f.engine->clear(id3, "李", "sensor cleaned").ok());
  CHECK(f.engine->activeAlerts().empty());
  auto twice = f.engine->clear(id3, "李", "");
  REQUIRE_FALSE(twice.ok());
  CHECK(twice.error().message == "alerts::AlertEngine::clear(): alert " + std::to_string(id3) + " is already cleared");
  CHECK(f.engine->activeBySeverity() == std::array<int, 4>{0, 0, 0, 0});
}

TEST_CASE("Engine restart restores active alerts and their rule state", "[alerts]") {
  Fixture f;
  f.feed("pm", 300);
  f.feed("pm", std::nan(""), 0, false);
  f.feed("water", 5);
  f.clock.advanceSeconds(31);
  REQUIRE(f.engine->tick().ok());
  REQUIRE(f.engine->activeAlerts().size() == 3);
  const auto before = f.engine->activeAlerts();
  REQUIRE(f.engine->acknowledge(before[0].id, "a", "b").ok());
  f.reopen();
  const auto after = f.engine->activeAlerts();
  REQUIRE(after.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(after[i].id == before[i].id);
    CHECK(after[i].ruleId == before[i].ruleId);
    CHECK(after[i].message == before[i].message);
  }
  CHECK(after[0].state == AlertState::ActiveAcknowledged);
  CHECK(f.engine->activeBySeverity() == std::array<int, 4>{1, 1, 1, 0});
  // Still one alert per rule x sensor after the restart, and the hysteresis still applies.
  f.feed("pm", 400);
  CHECK(f.active("pm-high") == 1);
  f.feed("pm", 50);
  CHECK(f.active("pm-high") == 0);
  CHECK(f.active("pm-quality") == 0);
  // New ids continue after the old ones.
  f.feed("pm", 400);
  CHECK(f.engine->activeAlerts().back().id > before.back().id);
}

TEST_CASE("AlertStore rejects files that are not alert logs", "[alerts]") {
  twin::test::TempDir dir("alerts-bad");
  SECTION("random bytes") {
    const auto file = dir.path() / "junk.db";
    {
      std::ofstream out(file, std::ios::binary);
      for (int i = 0; i < 8192; ++i) out.put(static_cast<char>(i * 13 + 1));
    }
    auto s = AlertStore::open(file);
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().message == "alerts::AlertStore::open(): junk.db: not an alert log: file is not a database");
  }
  SECTION("another program's database") {
    const auto file = dir.path() / "other.db";
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(file.string().c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "CREATE TABLE t(x)", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
    auto s = AlertStore::open(file);
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().message == "alerts::AlertStore::open(): other.db: not an alert log (a database of another kind)");
  }
  SECTION("a newer schema") {
    const auto file = dir.path() / "new.db";
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(file.string().c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "PRAGMA user_version=7", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(db);
    auto s = AlertStore::open(file);
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().message == "alerts::AlertStore::open(): new.db: alert log version 7, expected 2");
  }
}

TEST_CASE("A failed commit changes nothing and shows nothing", "[alerts][slow]") {
  Fixture f;
  // Another connection holds the write lock, so the engine's commit fails after the busy timeout.
  sqlite3* other = nullptr;
  REQUIRE(sqlite3_open((f.dir.path() / "alerts.db").string().c_str(), &other) == SQLITE_OK);
  REQUIRE(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK);
  auto status = f.engine->process({Reading{"pm", f.clock.nowMs(), 999}});
  CHECK_FALSE(status.ok());
  CHECK(f.engine->activeAlerts().empty());
  CHECK(f.shown.empty());
  REQUIRE(sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(other);
  f.feed("pm", 999);
  CHECK(f.active("pm-high") == 1);
  CHECK(f.shown.size() == 1);
}
