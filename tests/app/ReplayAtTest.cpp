// A replay brought up to a moment (`twin run --at`, `replay.at`): history in the charts, alerts
// stamped in data time, the scene clock a replay's; then held there, or running on.
#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <thread>

#include "CliRunner.h"
#include "TestPaths.h"
#include "twin/sensors/Payload.h"
// MonitorView is the app's private class; its tests reach it from here.
#include "twin/app/MonitorView.h"

using namespace twin;

namespace {

constexpr std::int64_t kStartMs = 1781712000000;  // 2026-06-18T00:00:00+08:00
constexpr std::int64_t kStepMs = 5 * 60000;
constexpr int kReadings = 24;  // 00:00 .. 01:55

// Water level: 0.1 m, above 0.3 m from reading 10 (00:50) to reading 15 (01:15), 0.1 after.
struct ReplayScene {
  test::TempDir dir{"replay-at"};
  std::filesystem::path scene = dir.path() / "replay.json";
  model::Site site;

  ReplayScene() {
    {
      std::ofstream jsonl(dir.path() / "water.jsonl");
      for (int i = 0; i < kReadings; ++i)
        jsonl << sensors::encodeReading({"w", kStartMs + i * kStepMs, (i >= 10 && i <= 15) ? 0.5 : 0.1}) << "\n";
    }
    std::ofstream(scene) << R"({"sensors": [
      {"id": "w", "name": "W", "kind": "water_level", "unit": "m", "position": [120.2457, 30.2276, -3],
       "source": {"type": "replay", "format": "jsonl", "file": "water.jsonl", "speed": 0}}],
      "alert_rules": [
        {"id": "water-high", "name": "积水", "type": "above", "severity": "critical", "kinds": ["water_level"],
         "level": 0.3, "clear_level": 0.2},
        {"id": "offline", "name": "离线", "type": "stale", "severity": "minor", "kinds": ["water_level"],
         "stale_seconds": 600}]})";
    auto frame = geo::SiteFrame::create(core::LonLat{120.2457, 30.2276});
    REQUIRE(frame.ok());
    site.frame = *frame;
  }

  std::shared_ptr<app::MonitorView> start(std::int64_t untilMs, bool hold) {
    app::MonitorViewOptions options;
    options.alertsDb = dir.path() / "alerts.db";
    options.replayUntilMs = untilMs;
    options.replayHoldAtMoment = hold;
    auto view = app::MonitorView::start(scene, site, options);
    INFO((view.ok() ? std::string() : view.error().message));
    REQUIRE(view.ok());
    return *view;
  }
};

}  // namespace

TEST_CASE("monitor view: replay up to a moment, held there", "[app]") {
  ReplayScene s;
  const std::int64_t at = kStartMs + 12 * kStepMs;  // 01:00, inside the episode
  auto view = s.start(at, true);
  // Caught up before start() returned: readings 0..12.
  CHECK(view->monitor().summary().replayed == 13);
  view->update(0);
  const ui::MonitorView& panel = view->panelView();
  REQUIRE(panel.replayClockMs.has_value());
  CHECK(*panel.replayClockMs == at);
  // The alert was raised by reading 10, stamped with its data time.
  REQUIRE(panel.alerts.size() == 1);
  CHECK(panel.alerts[0].ruleId == "water-high");
  CHECK(panel.alerts[0].raisedMs == kStartMs + 10 * kStepMs);
  CHECK(panel.alerts[0].replay);
  // "How long ago" counts on the scene clock, the replay's data time (held at 01:00): the
  // alarm arrived at 00:50, so 10 minutes, not the months since on the wall clock.
  CHECK(panel.nowMs == at);
  CHECK(panel.alerts[0].receivedMs == kStartMs + 10 * kStepMs);
  CHECK(ui::alarmAge(panel.alerts[0], panel) == "10 分钟前");
  // The chart carries the history up to the moment and nothing after it.
  REQUIRE(panel.selectedSeries.size() == 13);
  CHECK(panel.selectedSeries.front().tsMs == kStartMs);
  CHECK(panel.selectedSeries.back().tsMs == at);
  // Held: nothing more is replayed and the clock stands still; no reading for 5 minutes of data
  // time between samples never made the sensor stale.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  view->update(1);
  CHECK(view->monitor().summary().replayed == 13);
  CHECK(*view->panelView().replayClockMs == at);
  CHECK(view->monitor().summary().alerts.raised == 1);
  // The title bar's clock is the replay's data time and says so, with no scrubbing.
  ui::FrameView frame;
  view->contribute(frame);
  CHECK(frame.status.replay);
  CHECK(frame.status.clock == ui::formatDataTime(at, panel.displayUtcOffsetMinutes));
  // The critical alarm has a banner: it holds the screen (the carousel waits) until dismissed.
  CHECK(view->holdsAttention());
  view->apply({ui::DismissBanner{panel.alerts[0].id}});
  view->update(2);
  CHECK_FALSE(view->holdsAttention());
}

TEST_CASE("monitor view: replay up to a moment, then running on", "[app]") {
  ReplayScene s;
  const std::int64_t at = kStartMs + 20 * kStepMs;  // 01:40, after the episode
  auto view = s.start(at, false);
  // Caught up before start() returned (readings 0..20); the monitor's thread may already have
  // run on through the rest by now (speed 0).
  CHECK(view->monitor().summary().replayed >= 21);
  // Raised at 00:50, cleared by the reading at 01:20: no active alert.
  CHECK(view->monitor().summary().alerts.raised == 1);
  CHECK(view->monitor().summary().alerts.cleared == 1);
  // Speed 0 replays the rest at once.
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (view->monitor().summary().replayed < kReadings && std::chrono::steady_clock::now() < end)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK(view->monitor().summary().replayed == kReadings);
}

TEST_CASE("twin run/snapshot --at: bad times are usage errors", "[app]") {
  const std::string scene = (test::scenesDir() / "hangzhou-qianjiang.json").string();
  std::string err;
  CHECK(test::runTwinCode({"snapshot", scene, "-o", "x.png", "--at", "yesterday"}, &err) == app::kExitUsage);
  CHECK(err.find("bad --at 'yesterday'; expected an ISO-8601 time such as 2026-06-18T15:10:00+08:00") !=
        std::string::npos);
  CHECK(test::runTwinCode({"run", scene, "--no-monitor", "--at", "2026-06-18T15:10:00+08:00"}, &err) ==
        app::kExitUsage);
  CHECK(err.find("--at replays the scene's sensors: drop --no-monitor") != std::string::npos);
}

TEST_CASE("twin snapshot: a scene's bad replay.at names the key", "[app][slow]") {
  test::TempDir dir("replay-at-bad");
  const auto scene = dir.path() / "bad.json";
  std::ofstream(scene)
      << R"({"layers": [{"source": ")" << (test::assetsDir() / "osm" / "cau_haidian_beijing.osm").generic_string()
      << R"("}], "site": {"clip": {"minLon": 116.350, "minLat": 40.002, "maxLon": 116.352, "maxLat": 40.004}},
    "sensors": [{"id": "w", "name": "W", "kind": "water_level", "unit": "m", "position": [116.351, 40.003],
                 "source": {"type": "mqtt", "topic": "w"}}],
    "replay": {"at": "noon"}})";
  std::string err;
  CHECK(test::runTwinCode({"snapshot", scene.string(), "-o", (dir.path() / "x.png").string(), "--size", "64x64"},
                          &err) == app::kExitBadInput);
  CHECK(
      err.find(
          "twin: bad.json: key 'replay.at': expected an ISO-8601 time such as 2026-06-18T15:10:00+08:00, got 'noon'") !=
      std::string::npos);
}

TEST_CASE("twin snapshot --at on a scene without sensors is an error naming the scene", "[app][slow]") {
  test::TempDir dir("replay-at-none");
  const std::string scene = (test::scenesDir() / "monaco.json").string();
  std::string err;
  CHECK(test::runTwinCode({"snapshot", scene, "-o", (dir.path() / "x.png").string(), "--size", "64x64", "--at",
                           "2026-06-18T15:10:00+08:00"},
                          &err) == app::kExitBadInput);
  CHECK(err.find("twin: --at: " + scene + " has no sensors to replay") != std::string::npos);
}
