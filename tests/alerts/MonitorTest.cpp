#include <catch2/catch.hpp>

#include <atomic>
#include <cmath>
#include <fstream>
#include <limits>
#include <thread>

#include "../sensors/TestBroker.h"
#include "TestPaths.h"
#include "twin/alerts/Monitor.h"
#include "twin/sensors/Payload.h"

using namespace twin::alerts;
using namespace std::chrono_literals;

namespace {

std::string sceneJson(int port, const std::string& replayFile = "") {
  std::string s = R"({"mqtt": {"host": "127.0.0.1", "port": )" + std::to_string(port) + R"(, "keepalive_seconds": 5},
  "sensors": [
    {"id": "noise-1", "name": "噪声 1", "kind": "noise", "unit": "dBA", "building": "b1",
     "valid_range": [0, 200], "source": {"type": "mqtt", "topic": "community/noise/#", "qos": 1}})";
  if (!replayFile.empty())
    s +=
        R"(,{"id": "aoti.pm25", "name": "奥体中心 PM2.5", "kind": "pm25", "unit": "µg/m³", "position": [116.397, 39.982],
     "source": {"type": "replay", "file": ")" +
        replayFile + R"(", "column": "PM2.5", "utc_offset_minutes": 480, "speed": 0}})";
  s += R"(],
  "alert_rules": [
    {"id": "loud", "name": "噪声超标", "type": "above", "severity": "minor", "kinds": ["noise"], "level": 70, "clear_level": 65},
    {"id": "pm-high", "type": "above", "severity": "major", "kinds": ["pm25"], "level": 300, "clear_level": 200}
  ]})";
  return s;
}

}  // namespace

TEST_CASE("Publish through a real broker -> alert stored", "[alerts][mqtt]") {
  twin::test::TestBroker broker;
  REQUIRE(broker.error().empty());
  twin::test::TempDir dir("monitor");
  auto config = twin::model::parseSensorConfig(sceneJson(broker.port()), dir.path() / "scene.json");
  REQUIRE(config.ok());
  MonitorOptions options;
  options.config = *config;
  options.alertsDb = dir.path() / "alerts.db";
  options.historyDb = dir.path() / "history.db";
  SystemClock clock;
  {
    auto monitor = Monitor::start(options, clock);
    REQUIRE(monitor.ok());
    REQUIRE((*monitor)->mqtt());
    REQUIRE((*monitor)->mqtt()->waitConnected(5000ms));
    auto pub = twin::sensors::MqttPublisher::connect(config->mqtt, 5000ms);
    REQUIRE(pub.ok());
    const std::int64_t t = twin::sensors::nowEpochMs();
    REQUIRE(
        (*pub)
            ->publish("community/noise/1", R"({"sensor":"noise-1","ts":)" + std::to_string(t) + R"(,"value":55})", 1)
            .ok());
    REQUIRE((*pub)->publish("community/noise/1", R"({"sensor":"noise-1","value":82.5})", 1).ok());
    REQUIRE((*pub)->publish("community/noise/1", R"([{"bn":"noise-","n":"1","v":60}])", 1).ok());
    REQUIRE((*pub)->publish("community/noise/1", R"({"sensor":"noise-9","value":99})", 1).ok());
    REQUIRE((*pub)->publish("community/noise/1", "garbage", 1).ok());
    REQUIRE((*pub)->flush(5000ms).ok());
    const auto end = std::chrono::steady_clock::now() + 5s;
    while ((*monitor)->summary().ingest.messages < 5 && std::chrono::steady_clock::now() < end)
      REQUIRE((*monitor)->step(50ms).ok());
    const MonitorSummary s = (*monitor)->summary();
    CHECK(s.ingest.messages == 5);
    CHECK(s.ingest.decoded == 3);
    CHECK(s.ingest.rejectedCount(twin::sensors::RejectReason::UnknownSensor) == 1);
    CHECK(s.ingest.rejectedCount(twin::sensors::RejectReason::InvalidJson) == 1);
    CHECK(s.alerts.raised == 1);
    CHECK(s.alerts.cleared == 1);
    CHECK((*monitor)->series().series("noise-1").size() == 3);
    const std::string json = Monitor::summaryJson(s);
    CHECK(json.find(R"("messages_received":5,"decoded":3,"rejected":{"invalid_json":1,)") == 1);
    CHECK(json.find(R"("alerts_raised":1,"alerts_cleared":1)") != std::string::npos);
  }
  // The alert is in the log after the monitor is gone.
  auto store = AlertStore::open(dir.path() / "alerts.db");
  REQUIRE(store.ok());
  auto all = (*store)->allAlerts();
  REQUIRE(all.ok());
  REQUIRE(all->size() == 1);
  CHECK((*all)[0].ruleId == "loud");
  CHECK((*all)[0].value == 82.5);
  CHECK((*all)[0].state == AlertState::ClearedUnacknowledged);
  CHECK((*store)->transitions((*all)[0].id)->size() == 2);
  auto history = twin::sensors::HistoryDb::open(dir.path() / "history.db", 86400);
  REQUIRE(history.ok());
  CHECK(*(*history)->rowCount() == 3);
}

TEST_CASE("Monitor replays the Beijing file through the rules", "[alerts][slow]") {
  twin::test::TempDir dir("monitor-replay");
  const auto csv = twin::test::assetsDir() / "sensors" / "PRSA_Data_Aotizhongxin_20130301-20170228.csv";
  auto config = twin::model::parseSensorConfig(sceneJson(1, csv.string()), dir.path() / "scene.json");
  REQUIRE(config.ok());
  // Only the replay sensor: no MQTT binding, so no broker is needed.
  config->sensors.erase(config->sensors.begin());
  config->rules.erase(config->rules.begin());
  MonitorOptions options;
  options.config = *config;
  options.alertsDb = dir.path() / "alerts.db";
  options.durability = Durability::Normal;
  SystemClock clock;
  auto monitor = Monitor::start(options, clock);
  REQUIRE(monitor.ok());
  CHECK((*monitor)->mqtt() == nullptr);
  for (int i = 0; i < 200 && (*monitor)->summary().replayed < 34000; ++i) REQUIRE((*monitor)->step(0ms).ok());
  const MonitorSummary s = (*monitor)->summary();
  CHECK(s.replayed + s.replayMissing == 35064);
  // Beijing winters: PM2.5 above 300 µg/m³ happens, with hysteresis down to 200.
  CHECK(s.alerts.raised > 10);
  CHECK(s.alerts.raised - s.alerts.cleared <= 1);
  CHECK((*monitor)->series().series("aoti.pm25").size() == 4096);
}

TEST_CASE("Monitor writes history once per flush interval and the rest when it ends", "[alerts]") {
  twin::test::TempDir dir("monitor-history");
  {
    std::ofstream jsonl(dir.path() / "readings.jsonl");
    for (int i = 0; i < 500; ++i)
      jsonl << twin::sensors::encodeReading({"r.1", 1700000000000 + i * 1000LL, double(i)}) << "\n";
  }
  auto config = twin::model::parseSensorConfig(R"({"sensors": [
    {"id": "r.1", "name": "回放", "kind": "noise", "unit": "dBA", "position": [116.354, 40.004],
     "source": {"type": "replay", "format": "jsonl", "file": "readings.jsonl", "speed": 0}}]})",
                                               dir.path() / "scene.json");
  REQUIRE(config.ok());
  const auto historyRows = [&] {
    auto history = twin::sensors::HistoryDb::open(dir.path() / "history.db", 1e9);
    REQUIRE(history.ok());
    auto n = (*history)->rowCount();
    REQUIRE(n.ok());
    return *n;
  };
  MonitorOptions options;
  options.config = *config;
  options.alertsDb = dir.path() / "alerts.db";
  options.historyDb = dir.path() / "history.db";
  options.historyRetentionSeconds = 1e9;
  SystemClock clock;

  SECTION("an interval longer than the run: nothing until the monitor ends, then every reading") {
    options.historyFlushInterval = std::chrono::hours(1);
    {
      auto monitor = Monitor::start(options, clock);
      REQUIRE(monitor.ok());
      for (int i = 0; i < 100 && (*monitor)->summary().replayed < 500; ++i) REQUIRE((*monitor)->step(0ms).ok());
      REQUIRE((*monitor)->summary().replayed == 500);
      CHECK((*monitor)->series().series("r.1").size() == 500);  // the charts have them at once
      CHECK(historyRows() == 0);
    }
    CHECK(historyRows() == 500);
  }
  SECTION("a zero interval: each step's readings are in the history db when it returns") {
    options.historyFlushInterval = 0ms;
    auto monitor = Monitor::start(options, clock);
    REQUIRE(monitor.ok());
    for (int i = 0; i < 100 && (*monitor)->summary().replayed < 500; ++i) REQUIRE((*monitor)->step(0ms).ok());
    REQUIRE((*monitor)->summary().replayed == 500);
    CHECK(historyRows() == 500);
    auto range = (*monitor)->historyRange("r.1");
    REQUIRE(range.ok());
    REQUIRE(range->has_value());
    CHECK((*range)->second == 1700000000000 + 499 * 1000LL);
  }
}

TEST_CASE("Monitor start errors", "[alerts]") {
  twin::test::TempDir dir("monitor-bad");
  MonitorOptions options;
  SystemClock clock;
  auto none = Monitor::start(options, clock);
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().message == "alerts::Monitor::start(): no alert log file given");
  auto config =
      twin::model::parseSensorConfig(sceneJson(1, (dir.path() / "missing.csv").string()), dir.path() / "s.json");
  REQUIRE(config.ok());
  config->sensors.erase(config->sensors.begin());
  config->rules.erase(config->rules.begin());
  options.config = *config;
  options.alertsDb = dir.path() / "a.db";
  auto missing = Monitor::start(options, clock);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().message ==
        "sensors::readReplayCsv(): " + (dir.path() / "missing.csv").string() + ": cannot open");
}

TEST_CASE("Monitor::runFor: negative returns at once, huge or NaN runs until stopped", "[alerts]") {
  twin::test::TempDir dir("monitor-runfor");
  auto config = twin::model::parseSensorConfig("{}", dir.path() / "scene.json");
  REQUIRE(config.ok());
  MonitorOptions options;
  options.config = *config;
  options.alertsDb = dir.path() / "alerts.db";
  options.durability = Durability::Normal;
  SystemClock clock;
  auto monitor = Monitor::start(options, clock);
  REQUIRE(monitor.ok());
  CHECK((*monitor)->runFor(-5).ok());
  // 1e12 s used to overflow steady_clock (UBSan); now it means "until stopped".
  std::atomic<bool> stop{false};
  std::thread stopper([&] {
    std::this_thread::sleep_for(200ms);
    stop = true;
  });
  CHECK((*monitor)->runFor(1e12, &stop).ok());
  CHECK((*monitor)->runFor(std::nan(""), &stop).ok());
  stopper.join();
  CHECK(stop.load());
}

TEST_CASE("Real broker: readings on the wrong topic are rejected; replayed data raises alerts in its own time",
          "[alerts][mqtt]") {
  twin::test::TestBroker broker;
  REQUIRE(broker.error().empty());
  twin::test::TempDir dir("monitor-source");
  {
    std::ofstream csv(dir.path() / "aoti.csv");
    csv << "time,PM2.5\n2013-03-01T00:00:00Z,120\n2013-03-01T01:00:00Z,420\n";
  }
  auto config = twin::model::parseSensorConfig(
      R"({"mqtt": {"host": "127.0.0.1", "port": )" + std::to_string(broker.port()) + R"(},
  "sensors": [
    {"id": "noise-1", "name": "噪声 1", "kind": "noise", "unit": "dBA", "building": "b1", "floor": 3,
     "source": {"type": "mqtt", "topic": "community/noise/1"}},
    {"id": "noise-2", "name": "噪声 2", "kind": "noise", "unit": "dBA", "building": "b2",
     "source": {"type": "mqtt", "topic": "community/noise/2"}},
    {"id": "aoti", "name": "奥体中心 PM2.5", "kind": "pm25", "unit": "µg/m³", "position": [116.397, 39.982],
     "source": {"type": "replay", "file": "aoti.csv", "column": "PM2.5", "time_column": "time", "speed": 0}}],
  "alert_rules": [
    {"id": "loud", "type": "above", "severity": "minor", "kinds": ["noise"], "level": 70},
    {"id": "pm-high", "type": "above", "severity": "major", "kinds": ["pm25"], "level": 300}]})",
      dir.path() / "scene.json");
  REQUIRE(config.ok());
  MonitorOptions options;
  options.config = *config;
  options.alertsDb = dir.path() / "alerts.db";
  options.historyDb = dir.path() / "history.db";
  options.historyRetentionSeconds = 86400;
  options.historyFlushInterval = 0ms;
  ManualClock clock(twin::sensors::nowEpochMs());
  auto monitor = Monitor::start(options, clock);
  REQUIRE(monitor.ok());
  REQUIRE((*monitor)->mqtt()->waitConnected(5000ms));
  auto pub = twin::sensors::MqttPublisher::connect(config->mqtt, 5000ms);
  REQUIRE(pub.ok());
  // Its own topic; another sensor's topic; MQTT for the replay-bound sensor.
  REQUIRE((*pub)->publish("community/noise/1", R"({"sensor":"noise-1","value":50})", 1).ok());
  REQUIRE((*pub)->publish("community/noise/2", R"({"sensor":"noise-1","value":99})", 1).ok());
  REQUIRE((*pub)->publish("community/noise/2", R"({"sensor":"aoti","value":999})", 1).ok());
  REQUIRE((*pub)->flush(5000ms).ok());
  const auto end = std::chrono::steady_clock::now() + 5s;
  while (((*monitor)->summary().ingest.messages < 3 || (*monitor)->summary().replayed < 2) &&
         std::chrono::steady_clock::now() < end)
    REQUIRE((*monitor)->step(50ms).ok());
  const MonitorSummary s = (*monitor)->summary();
  CHECK(s.ingest.messages == 3);
  CHECK(s.wrongSource == 2);
  CHECK(s.replayed == 2);
  CHECK(Monitor::summaryJson(s).find(R"("wrong_source":2},"rejected_total":2,)") != std::string::npos);
  CHECK((*monitor)->series().series("noise-1").size() == 1);  // the 99 never got in
  CHECK((*monitor)->series().series("aoti").size() == 2);     // the 999 never got in
  const auto open = (*monitor)->engine().openAlerts();
  REQUIRE(open.size() == 1);
  CHECK(open[0].ruleId == "pm-high");
  CHECK(open[0].value == 420);
  CHECK(twin::sensors::formatIsoTimeMs(open[0].raisedMs) == "2013-03-01T01:00:00.000Z");
  CHECK(open[0].receivedMs == clock.nowMs());
  CHECK(open[0].replay);
  // History retention counts per sensor in the data's time: the 2013 readings stay although
  // the MQTT sensor's readings are from today.
  clock.advanceSeconds(61);
  REQUIRE((*monitor)->step(0ms).ok());
  auto replayed = (*monitor)->history("aoti", 0, std::numeric_limits<std::int64_t>::max());
  REQUIRE(replayed.ok());
  CHECK(replayed->size() == 2);
  auto live = (*monitor)->history("noise-1", 0, std::numeric_limits<std::int64_t>::max());
  REQUIRE(live.ok());
  CHECK(live->size() == 1);
}

TEST_CASE("Monitor catches a streamed replay up to a moment and holds it there", "[alerts]") {
  twin::test::TempDir dir("monitor-catchup");
  const std::int64_t t0 = 1700000000000;
  {
    std::ofstream jsonl(dir.path() / "readings.jsonl");
    for (int i = 0; i < 10; ++i) {
      jsonl << twin::sensors::encodeReading({"r.1", t0 + i * 1000LL, i * 10.0}) << "\n";
      if (i == 1) jsonl << twin::sensors::encodeReading({"r.1", t0 + 1000, 10.0}) << "\n";  // a repeated row
      if (i == 2)  // a day past the system clock: bad_timestamp, though the scene clock holds 2023
        jsonl << twin::sensors::encodeReading({"r.1", twin::sensors::nowEpochMs() + 86400000LL, 1.0}) << "\n";
    }
  }
  auto config = twin::model::parseSensorConfig(R"({"sensors": [
    {"id": "r.1", "name": "回放", "kind": "noise", "unit": "dBA", "position": [116.354, 40.004],
     "source": {"type": "replay", "format": "jsonl", "file": "readings.jsonl", "speed": 1}}],
  "alert_rules": [{"id": "loud", "type": "above", "severity": "minor", "kinds": ["noise"], "level": 25, "clear_level": 5}]})",
                                               dir.path() / "scene.json");
  REQUIRE(config.ok());
  ReplayClock clock;
  MonitorOptions options;
  options.config = *config;
  options.alertsDb = dir.path() / "alerts.db";
  options.replayUntilMs = t0 + 5000;
  options.replayClock = &clock;
  options.replayHoldAtMoment = true;
  auto monitor = Monitor::start(options, clock);
  REQUIRE(monitor.ok());
  // Readings at 0..5 s, the repeated row judged once; the rest of the file stays unread.
  const auto samples = (*monitor)->series().series("r.1");
  REQUIRE(samples.size() == 6);
  CHECK(samples.back().tsMs == t0 + 5000);
  CHECK(clock.held());
  CHECK(clock.nowMs() == t0 + 5000);
  const MonitorSummary summary = (*monitor)->summary();
  CHECK(summary.ingest.rejectedCount(twin::sensors::RejectReason::Duplicate) == 1);
  CHECK(summary.ingest.rejectedCount(twin::sensors::RejectReason::BadTimestamp) == 1);
  const auto active = (*monitor)->engine().activeAlerts();
  REQUIRE(active.size() == 1);
  CHECK(active.front().raisedMs == t0 + 3000);  // the data's own time
  for (int i = 0; i < 5; ++i) REQUIRE((*monitor)->step(0ms).ok());
  CHECK((*monitor)->series().series("r.1").size() == 6);
  CHECK(clock.nowMs() == t0 + 5000);
}
