// The alarm history view: its model against a real alert log on a temp SQLite file (written by
// a real AlertEngine through another connection, as the viewer's monitor does), and its window's
// layout at the viewer's display sizes in both languages.
#include <catch2/catch.hpp>

#include <algorithm>
#include <memory>

#include <imgui.h>

#include "TestPaths.h"
#include "twin/alerts/AlertEngine.h"
#include "twin/ui/AlarmHistory.h"
#include "twin/ui/AlarmHistoryPanel.h"
#include "twin/ui/BigScreen.h"
#include "twin/ui/Fonts.h"
#include "twin/ui/Style.h"

using namespace twin;
using namespace twin::ui;
using alerts::AlertState;
using alerts::TransitionKind;
using model::AlertSeverity;

namespace {

const char* kConfig = R"({
  "sensors": [
    {"id": "flood", "name": "地下车库水位", "name_en": "Garage water level", "kind": "water_level", "unit": "m",
     "building": "way/7", "floor": -1, "source": {"type": "mqtt", "topic": "t/flood"}},
    {"id": "gate", "name": "门禁", "kind": "gate", "unit": "次", "position": [120.2, 30.2],
     "source": {"type": "mqtt", "topic": "t/gate"}},
    {"id": "noise", "name": "噪声", "kind": "noise", "unit": "dB", "position": [120.2, 30.2],
     "source": {"type": "mqtt", "topic": "t/noise"}}
  ],
  "alert_rules": [
    {"id": "flood-high", "name": "积水", "type": "above", "severity": "critical", "sensors": ["flood"], "level": 0.3,
     "clear_level": 0.2},
    {"id": "gate-offline", "name": "离线", "type": "stale", "severity": "minor", "sensors": ["gate"], "stale_seconds": 60},
    {"id": "noise-high", "name": "噪声超标", "type": "above", "severity": "warning", "sensors": ["noise"], "level": 70,
     "clear_level": 60, "escalate_after_seconds": 600}
  ]
})";

constexpr std::int64_t kNow = 1700000000000LL;
constexpr std::int64_t kHourMs = 3600 * 1000LL;

// The engine writes through one connection; the model reads through its own, as in the viewer.
struct Log {
  test::TempDir dir{"alarm-history"};
  alerts::ManualClock clock{kNow};
  model::SensorConfig config;
  std::unique_ptr<alerts::AlertStore> writer, reader;
  std::unique_ptr<alerts::AlertEngine> engine;

  Log() {
    auto c = model::parseSensorConfig(kConfig, "history.json");
    INFO((c.ok() ? std::string() : c.error().message));
    REQUIRE(c.ok());
    config = *c;
    auto w = alerts::AlertStore::open(dir.path() / "alerts.db", alerts::Durability::Normal);
    REQUIRE(w.ok());
    writer = std::move(*w);
    auto e = alerts::AlertEngine::create(config, *writer, clock);
    REQUIRE(e.ok());
    engine = std::move(*e);
    auto r = alerts::AlertStore::open(dir.path() / "alerts.db");
    REQUIRE(r.ok());
    reader = std::move(*r);
  }
  void feed(const std::string& id, double value, std::int64_t tsMs) {
    REQUIRE(engine->process({sensors::Reading{id, tsMs, value, true}}).ok());
  }
  std::int64_t newest() const {
    auto id = writer->maxAlertId();
    REQUIRE(id.ok());
    return *id;
  }
};

std::vector<std::int64_t> ids(const AlarmHistoryModel& model) {
  std::vector<std::int64_t> out;
  for (const alerts::Alert& a : model.rows()) out.push_back(a.id);
  return out;
}

std::vector<TransitionKind> kinds(const std::vector<alerts::Transition>& transitions) {
  std::vector<TransitionKind> out;
  for (const alerts::Transition& t : transitions) out.push_back(t.kind);
  return out;
}

}  // namespace

TEST_CASE("Alarm history: filters, periods in data time, transitions, and reads only on change", "[ui]") {
  Log log;
  // A flood three days ago (data time): raised, cleared by the next reading, then acknowledged.
  log.feed("flood", 0.5, kNow - 72 * kHourMs);
  const std::int64_t flood = log.newest();
  log.feed("flood", 0.1, kNow - 72 * kHourMs + 60000);
  REQUIRE(log.engine->acknowledge(flood, "值班员 王", "排水完毕").ok());
  // Noise two hours ago: left unacknowledged past escalate_after_seconds, so it rises to minor,
  // then assigned.
  log.feed("noise", 80, kNow - 2 * kHourMs);
  const std::int64_t noise = log.newest();
  log.clock.advanceSeconds(601);
  REQUIRE(log.engine->tick().ok());  // escalates the noise alarm, raises the gate's stale alarm
  const std::int64_t gate = log.newest();
  REQUIRE(gate != noise);
  REQUIRE(log.engine->assign(noise, "物业 张工", "值班员 王").ok());

  AlarmHistoryModel model(*log.reader, 2);
  model.setNowMs(log.clock.nowMs());
  REQUIRE(model.refresh().ok());
  // Newest raised first: the stale alarm (engine clock now), noise (2 h ago), flood (3 d ago);
  // the cleared and acknowledged flood alarm is in the history, not only the open ones.
  CHECK(ids(model) == std::vector<std::int64_t>{gate, noise, flood});
  CHECK(model.pageCount() == 2);
  CHECK(model.pageBegin() == 0);
  CHECK(model.pageEnd() == 2);

  const std::uint64_t reads = model.reads();
  SECTION("a refresh without a change does not read the log") {
    for (int i = 0; i < 10; ++i) REQUIRE(model.refresh().ok());
    CHECK(model.reads() == reads);
    model.setFilter(model.filter());  // the same filter is no change
    REQUIRE(model.refresh().ok());
    CHECK(model.reads() == reads);
    model.setNowMs(log.clock.nowMs() + 1000);  // the clock ran a second: All has no start to move
    REQUIRE(model.refresh().ok());
    CHECK(model.reads() == reads);
  }
  SECTION("severity: the current (escalated) one") {
    HistoryFilter f;
    f.severities = {{false, false, true, false}};  // minor only
    model.setFilter(f);
    REQUIRE(model.refresh().ok());
    CHECK(ids(model) == std::vector<std::int64_t>{gate, noise});
    CHECK(model.reads() == reads + 1);
    f.severities = {{true, false, false, false}};
    model.setFilter(f);
    REQUIRE(model.refresh().ok());
    CHECK(ids(model) == std::vector<std::int64_t>{flood});
  }
  SECTION("state") {
    HistoryFilter f;
    f.state = HistoryStateFilter::Cleared;
    model.setFilter(f);
    REQUIRE(model.refresh().ok());
    CHECK(ids(model) == std::vector<std::int64_t>{flood});
    f.state = HistoryStateFilter::Active;
    model.setFilter(f);
    REQUIRE(model.refresh().ok());
    CHECK(ids(model) == std::vector<std::int64_t>{gate, noise});
    f.state = HistoryStateFilter::Acknowledged;
    model.setFilter(f);
    REQUIRE(model.refresh().ok());
    CHECK(ids(model) == std::vector<std::int64_t>{flood});
    f.state = HistoryStateFilter::Unacknowledged;
    model.setFilter(f);
    REQUIRE(model.refresh().ok());
    CHECK(ids(model) == std::vector<std::int64_t>{gate, noise});
  }
  SECTION("text: sensor, building, rule, people, case-insensitive, and the describe() text") {
    HistoryFilter f;
    f.text = "  FLOOD ";
    model.setFilter(f);
    REQUIRE(model.refresh().ok());
    CHECK(ids(model) == std::vector<std::int64_t>{flood});
    f.text = "way/7";
    model.setFilter(f);
    REQUIRE(model.refresh().ok());
    CHECK(ids(model) == std::vector<std::int64_t>{flood});
    f.text = "张工";  // the assignee
    model.setFilter(f);
    REQUIRE(model.refresh().ok());
    CHECK(ids(model) == std::vector<std::int64_t>{noise});
    f.text = "gate-offline";
    model.setFilter(f);
    REQUIRE(model.refresh().ok());
    CHECK(ids(model) == std::vector<std::int64_t>{gate});
    f.text = "丰瑞北苑";  // a building name only the panels know
    model.setFilter(f);
    REQUIRE(model.refresh().ok());
    CHECK(model.rows().empty());
    CHECK(model.pageCount() == 1);
    model.setDescribe([](const alerts::Alert& a) { return a.building == "way/7" ? "丰瑞北苑 地下1层" : ""; });
    REQUIRE(model.refresh().ok());
    CHECK(ids(model) == std::vector<std::int64_t>{flood});
  }
  SECTION("period: counted back from the scene clock, in data time") {
    HistoryFilter f;
    f.period = HistoryPeriod::Day;
    model.setFilter(f);
    REQUIRE(model.refresh().ok());
    CHECK(ids(model) == std::vector<std::int64_t>{gate, noise});
    f.period = HistoryPeriod::Week;
    model.setFilter(f);
    REQUIRE(model.refresh().ok());
    CHECK(ids(model) == std::vector<std::int64_t>{gate, noise, flood});
    // A replay's clock three days back: the last 24 h of data time reach the flood (the
    // period has a start only: a reading stamped a little ahead of the clock still shows).
    f.period = HistoryPeriod::Day;
    model.setFilter(f);
    model.setNowMs(kNow - 71 * kHourMs);
    REQUIRE(model.refresh().ok());
    CHECK(ids(model) == std::vector<std::int64_t>{gate, noise, flood});
    model.setNowMs(kNow + 23 * kHourMs);  // a day on: only the stale alarm, raised 601 s after kNow
    REQUIRE(model.refresh().ok());
    CHECK(ids(model) == std::vector<std::int64_t>{gate});
    model.setNowMs(kNow - 71 * kHourMs);
    // The period's start moves in whole minutes: a few seconds later reads nothing.
    const std::uint64_t before = model.reads();
    model.setNowMs(kNow - 71 * kHourMs + 3000);
    REQUIRE(model.refresh().ok());
    CHECK(model.reads() <= before + 1);
    const std::uint64_t after = model.reads();
    model.setNowMs(kNow - 71 * kHourMs + 4000);
    REQUIRE(model.refresh().ok());
    CHECK(model.reads() == after);
    model.setNowMs(kNow - 71 * kHourMs + 5 * 60000);
    REQUIRE(model.refresh().ok());
    CHECK(model.reads() == after + 1);
    CHECK(historyPeriodMs(HistoryPeriod::Week) == 7 * 24 * kHourMs);
    CHECK(historyPeriodMs(HistoryPeriod::All) == 0);
  }
  SECTION("transitions of the selected alarm, in order, with who, when and the note") {
    REQUIRE(model.select(flood).ok());
    REQUIRE(model.selectedAlert().has_value());
    CHECK(model.selectedAlert()->state == AlertState::ClearedAcknowledged);
    const auto& t = model.selectedTransitions();
    REQUIRE(kinds(t) ==
            std::vector<TransitionKind>{TransitionKind::Raise, TransitionKind::Clear, TransitionKind::Acknowledge});
    CHECK(t[0].atMs == kNow - 72 * kHourMs);  // the reading's own time
    CHECK(t[0].value == Approx(0.5));
    CHECK(t[1].atMs == kNow - 72 * kHourMs + 60000);
    CHECK(t[2].who == "值班员 王");
    CHECK(t[2].comment == "排水完毕");
    CHECK(t[2].atMs == kNow);  // acknowledged on the engine clock
    CHECK(t[2].state == AlertState::ClearedAcknowledged);

    REQUIRE(model.select(noise).ok());
    const auto& n = model.selectedTransitions();
    REQUIRE(kinds(n) ==
            std::vector<TransitionKind>{TransitionKind::Raise, TransitionKind::Escalate, TransitionKind::Assign});
    CHECK(n[0].severity == AlertSeverity::Warning);
    CHECK(n[1].severity == AlertSeverity::Minor);
    CHECK(n[2].comment == "物业 张工");
    CHECK(n[2].who == "值班员 王");
    CHECK(model.selectedAlert()->escalations == 1);

    // Another connection acknowledges it: the next refresh reads the rows and the transitions
    // again, once.
    const std::uint64_t before = model.reads();
    REQUIRE(log.engine->acknowledge(noise, "值班员 李", "已到场").ok());
    REQUIRE(model.refresh().ok());
    CHECK(model.reads() == before + 2);
    REQUIRE(kinds(model.selectedTransitions()).back() == TransitionKind::Acknowledge);
    CHECK(model.selectedTransitions().back().comment == "已到场");
    CHECK(model.selectedAlert()->state == AlertState::ActiveAcknowledged);
    REQUIRE(model.refresh().ok());
    CHECK(model.reads() == before + 2);

    // An id the log does not have selects nothing.
    REQUIRE(model.select(999).ok());
    CHECK(model.selectedId() == 0);
    CHECK_FALSE(model.selectedAlert().has_value());
    CHECK(model.selectedTransitions().empty());
  }
}

TEST_CASE("Alarm history: thousands of alarms page, and the newest maxRows are kept", "[ui]") {
  Log log;
  // 1,205 floods, each raised and cleared (two transactions each), a minute apart in data time.
  for (int i = 0; i < 1205; ++i) {
    log.feed("flood", 0.5, kNow - 2 * kHourMs + i * 60000LL);
    log.feed("flood", 0.1, kNow - 2 * kHourMs + i * 60000LL + 30000);
  }
  AlarmHistoryModel model(*log.reader, 100);
  REQUIRE(model.refresh().ok());
  REQUIRE(model.rows().size() == 1205);
  CHECK_FALSE(model.truncated());
  CHECK(model.pageCount() == 13);
  for (std::size_t i = 1; i < model.rows().size(); ++i) CHECK(model.rows()[i - 1].raisedMs > model.rows()[i].raisedMs);
  model.setPage(12);
  CHECK(model.page() == 12);
  CHECK(model.pageBegin() == 1200);
  CHECK(model.pageEnd() == 1205);
  model.setPage(500);  // clamped
  CHECK(model.page() == 12);
  // A new filter starts on the first page.
  HistoryFilter f;
  f.state = HistoryStateFilter::Cleared;
  model.setFilter(f);
  CHECK(model.page() == 0);
  REQUIRE(model.refresh().ok());
  CHECK(model.rows().size() == 1205);
  // Paging reads nothing.
  const std::uint64_t reads = model.reads();
  model.setPage(3);
  REQUIRE(model.refresh().ok());
  CHECK(model.reads() == reads);
  CHECK(model.rows()[model.pageBegin()].id == log.newest() - 300);

  AlarmHistoryModel capped(*log.reader, 100, 1000);
  REQUIRE(capped.refresh().ok());
  CHECK(capped.truncated());
  CHECK(capped.rows().size() == 1000);
  CHECK(capped.rows().front().id == log.newest());
}

namespace {

// The viewer's font at a UI scale, so that Chinese strings get their real widths.
struct Screen {
  ImGuiContext* ctx;
  AlarmHistoryPanel panel;
  Screen(float width, float height, float scale) : ctx(ImGui::CreateContext()) {
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = ImVec2(width, height);
    io.DeltaTime = 1.0f / 60.0f;
    FontOptions fonts;
    fonts.sizePixels = kBaseFontPixels * scale;
    fonts.extraTexts = allTranslations();
    fonts.extraTexts.push_back("地下车库水位 门禁 噪声 积水 离线 噪声超标 值班员 王 排水完毕 物业 张工");
    auto loaded = loadFonts(fonts);
    INFO((loaded.ok() ? std::string() : loaded.error().message));
    REQUIRE(loaded.ok());
    applyStyle("dark");
    ImGui::GetStyle().ScaleAllSizes(scale);
  }
  ~Screen() { ImGui::DestroyContext(ctx); }
  Screen(const Screen&) = delete;
  Screen& operator=(const Screen&) = delete;
  std::vector<MonitorCommand> frame(AlarmHistoryModel& model, const MonitorView& view) {
    ImGui::NewFrame();
    auto out = panel.draw(model, view);
    ImGui::Render();
    return out;
  }
  std::vector<MonitorCommand> click(AlarmHistoryModel& model, const MonitorView& view, const std::string& id) {
    auto rect = panel.widgetRect(id);
    INFO(id);
    REQUIRE(rect.has_value());
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = ImVec2(rect->minX + 4, rect->centreY());
    std::vector<MonitorCommand> all;
    for (bool down : {false, true, false}) {
      io.MouseDown[0] = down;
      auto c = frame(model, view);
      all.insert(all.end(), c.begin(), c.end());
    }
    return all;
  }
};

}  // namespace

TEST_CASE("Alarm history window: fits and stays readable at 1366x768, 1920x1080 and 3840x2160 in both languages",
          "[ui]") {
  Log log;
  log.feed("flood", 0.5, kNow - 72 * kHourMs);
  const std::int64_t flood = log.newest();
  log.feed("flood", 0.1, kNow - 72 * kHourMs + 60000);
  REQUIRE(log.engine->acknowledge(flood, "值班员 王", "排水完毕").ok());
  for (int i = 0; i < 150; ++i) log.feed("noise", i % 2 ? 50 : 80, kNow - kHourMs + i * 10000LL);

  struct Size {
    float width, height, scale;
  };
  for (const Size size : {Size{1366, 768, 1}, Size{1920, 1080, 1}, Size{3840, 2160, 2}}) {
    for (Language lang : {Language::ZhCN, Language::En}) {
      INFO(size.width << "x" << size.height << " " << languageCode(lang));
      Screen screen(size.width, size.height, size.scale);
      AlarmHistoryModel model(*log.reader);
      std::vector<model::SensorDef> defs = log.config.sensors;
      MonitorView view;
      view.language = lang;
      for (const model::SensorDef& d : defs) view.sensors.push_back(SensorRow{&d, {}, std::nullopt});
      view.rules = log.config.rules;
      view.nowMs = kNow;
      view.buildings["way/7"] = BuildingName{"丰瑞北苑", "", "Fengrui North Garden", ""};

      // Closed: nothing drawn, the log not read.
      screen.frame(model, view);
      CHECK_FALSE(screen.panel.widgetRect("window.alarm.history").has_value());
      CHECK(model.reads() == 0);

      screen.panel.setOpen(true);
      screen.frame(model, view);
      screen.frame(model, view);
      auto window = screen.panel.widgetRect("window.alarm.history");
      REQUIRE(window.has_value());
      // Inside the display, and not all of it: the scene shows around the window.
      CHECK(window->minX >= 0);
      CHECK(window->minY >= 0);
      CHECK(window->maxX <= size.width);
      CHECK(window->maxY <= size.height);
      CHECK(window->width() * window->height() < 0.8f * size.width * size.height);
      CHECK(window->width() >= 0.5f * std::min(size.width, 1100 * size.scale));
      CHECK(model.rows().size() == 76);  // 75 noise alarms and the flood
      auto overflow = screen.panel.textOverflow("history");
      REQUIRE(overflow.has_value());
      CHECK(*overflow <= 0.5f);
      for (const char* id : {"history.filter.critical", "history.state", "history.period", "history.text",
                             "history.prev", "history.next"}) {
        INFO(id);
        auto r = screen.panel.widgetRect(id);
        REQUIRE(r.has_value());
        CHECK(r->maxX <= window->maxX);
      }
      // The flood is on the first page's list (newest first: it is the oldest, beyond the
      // visible rows); the second row is visible: selecting it shows its transitions.
      const std::int64_t second = model.rows()[1].id;
      screen.click(model, view, "history.row." + std::to_string(second));
      CHECK(model.selectedId() == second);
      screen.frame(model, view);
      auto transitions = screen.panel.widgetRect("history.transitions");
      REQUIRE(transitions.has_value());
      CHECK(transitions->maxY <= window->maxY);
      CHECK(*screen.panel.textOverflow("history") <= 0.5f);
      auto fly = screen.click(model, view, "history.fly");
      REQUIRE(fly.size() == 1);
      REQUIRE(std::holds_alternative<FlyToSensor>(fly[0]));
      CHECK(std::get<FlyToSensor>(fly[0]).sensorId == "noise");

      // The text filter finds the flood by its building's name in either language.
      HistoryFilter f;
      f.text = lang == Language::En ? "丰瑞" : "Fengrui";
      model.setFilter(f);
      screen.frame(model, view);
      CHECK(ids(model) == std::vector<std::int64_t>{flood});
      // Paging buttons: one page now.
      CHECK(model.pageCount() == 1);
    }
  }
}

TEST_CASE("Alarm history window: placement and translations", "[ui]") {
  const WidgetRect small = alarmHistoryPlace(1366, 768, 1);
  CHECK(small.width() == Approx(1100));
  CHECK(small.height() == Approx(680));
  CHECK(small.minX == Approx(133));
  const WidgetRect wall = alarmHistoryPlace(3840, 2160, 2);
  CHECK(wall.width() == Approx(2200));
  CHECK(wall.height() == Approx(1360));
  const WidgetRect tiny = alarmHistoryPlace(800, 600, 1);
  CHECK(tiny.width() == Approx(752));
  CHECK(tiny.height() == Approx(552));
  CHECK(tiny.minX == Approx(24));
  // Below a banner ending at y = 150: a margin below it, shortened to fit the display.
  const WidgetRect below = alarmHistoryPlace(1366, 768, 1, 150);
  CHECK(below.minY == Approx(174));
  CHECK(below.maxY == Approx(744));
  CHECK(below.width() == Approx(1100));
  // A banner high up on a wall display leaves the centred place as it is.
  const WidgetRect clear = alarmHistoryPlace(3840, 2160, 2, 300);
  CHECK(clear.minY == Approx(400));
  // A banner reaching down the display: the window keeps 200 px and covers the banner's end.
  const WidgetRect low = alarmHistoryPlace(1366, 768, 1, 700);
  CHECK(low.minY == Approx(544));
  CHECK(low.maxY == Approx(744));
  for (TransitionKind k : {TransitionKind::Raise, TransitionKind::Acknowledge, TransitionKind::Clear,
                           TransitionKind::Assign, TransitionKind::Escalate}) {
    INFO(alerts::transitionKindName(k));
    REQUIRE(findTranslation(Language::ZhCN, transitionKey(k)) != nullptr);
    REQUIRE(findTranslation(Language::En, transitionKey(k)) != nullptr);
  }
  CHECK(std::string(tr(Language::ZhCN, "alerts.history")) == "历史 (H)");
  CHECK(std::string(tr(Language::En, "alerts.history")) == "History (H)");
}
