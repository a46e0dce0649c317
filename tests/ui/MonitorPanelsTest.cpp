#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <iterator>
#include <limits>

#include <imgui.h>

#include "twin/ui/Fonts.h"
#include "twin/ui/MonitorPanels.h"
#include "twin/ui/Panels.h"
#include "twin/ui/Style.h"

#include "PanelHarness.h"

using namespace twin;
using namespace twin::ui;

namespace {

struct Harness : test::PanelHarness<MonitorPanels> {
  Harness() : PanelHarness(1600, 900, 4) {}
};

model::SensorDef sensor(const std::string& id, const std::string& unit) {
  model::SensorDef s;
  s.id = id;
  s.name = id + " 名称";
  s.nameEn = id + " name";
  s.kind = "pm25";
  s.unit = unit;
  return s;
}

alerts::Alert alert(std::int64_t id, model::AlertSeverity severity, alerts::AlertState state, std::int64_t raisedMs,
                    const std::string& sensorId) {
  alerts::Alert a;
  a.id = id;
  a.ruleId = "r" + std::to_string(id);
  a.sensorId = sensorId;
  a.severity = severity;
  a.state = state;
  a.raisedMs = raisedMs;
  a.message = "alert " + std::to_string(id);
  return a;
}

// Three sensors: one online with a critical alert, one stale, one never reported (offline).
struct Fixture {
  std::vector<model::SensorDef> defs{sensor("a", "µg/m³"), sensor("b", "m"), sensor("c", "dB(A)")};
  MonitorView view;
  Fixture() {
    view.language = Language::En;
    SensorRow a{&defs[0], {}, std::nullopt};
    a.state.sensorId = "a";
    a.state.online = true;
    a.state.hasValue = true;
    a.state.lastValue = 182;
    a.state.hasAlert = true;
    a.state.activeAlerts = 1;
    a.state.worstSeverity = model::AlertSeverity::Critical;
    SensorRow b{&defs[1], {}, std::nullopt};
    b.state.sensorId = "b";
    b.state.stale = true;
    SensorRow c{&defs[2], {}, std::nullopt};
    c.state.sensorId = "c";
    view.sensors = {a, b, c};
    view.alerts = {alert(1, model::AlertSeverity::Minor, alerts::AlertState::ActiveAcknowledged, 1000, "b"),
                   alert(2, model::AlertSeverity::Critical, alerts::AlertState::ActiveUnacknowledged, 2000, "a"),
                   alert(3, model::AlertSeverity::Warning, alerts::AlertState::ActiveUnacknowledged, 3000, "c")};
    view.activeBySeverity = {1, 0, 1, 1};
    view.selectedSensor = "a";
    view.selectedSeries = {{1000, 100}, {2000, 150}, {3000, 182}};
    view.timelineFromMs = 1000;
    view.timelineToMs = 3000;
  }
};

std::vector<std::int64_t> ids(const std::vector<alerts::Alert>& alerts) {
  std::vector<std::int64_t> out;
  for (const auto& a : alerts) out.push_back(a.id);
  return out;
}

}  // namespace

TEST_CASE("monitor panels: dashboard counts", "[ui]") {
  Fixture f;
  const DashboardCounts c = dashboardCounts(f.view);
  CHECK(c.sensors == 3);
  CHECK(c.online == 1);
  CHECK(c.stale == 1);
  CHECK(c.offline == 1);
  CHECK(c.activeAlerts == 3);
  CHECK(c.activeBySeverity == std::array<int, 4>{{1, 0, 1, 1}});

  f.view.sensors[2].def = nullptr;  // rows without a definition are skipped, not counted
  CHECK(dashboardCounts(f.view).sensors == 2);
  CHECK(dashboardCounts(f.view).offline == 0);
}

TEST_CASE("monitor panels: filter and sort alerts", "[ui]") {
  Fixture f;
  AlertFilter filter;  // the list sorts by severity, then time, unless asked otherwise
  CHECK(ids(filterAlerts(f.view.alerts, filter)) == std::vector<std::int64_t>{2, 1, 3});
  filter.sort = AlertSort::NewestFirst;
  CHECK(ids(filterAlerts(f.view.alerts, filter)) == std::vector<std::int64_t>{3, 2, 1});
  filter.sort = AlertSort::SeverityFirst;
  filter.state = AlertStateFilter::Unacknowledged;
  CHECK(ids(filterAlerts(f.view.alerts, filter)) == std::vector<std::int64_t>{2, 3});
  filter.state = AlertStateFilter::Acknowledged;
  CHECK(ids(filterAlerts(f.view.alerts, filter)) == std::vector<std::int64_t>{1});
  filter.state = AlertStateFilter::All;
  filter.severities[std::size_t(model::AlertSeverity::Critical)] = false;
  CHECK(ids(filterAlerts(f.view.alerts, filter)) == std::vector<std::int64_t>{1, 3});

  SECTION("same time: newer id first") {
    std::vector<alerts::Alert> tied = {
        alert(5, model::AlertSeverity::Major, alerts::AlertState::ActiveUnacknowledged, 10, "a"),
        alert(6, model::AlertSeverity::Major, alerts::AlertState::ActiveUnacknowledged, 10, "a")};
    CHECK(ids(filterAlerts(tied, AlertFilter{})) == std::vector<std::int64_t>{6, 5});
  }
}

TEST_CASE("monitor panels: sampleAt, ruleLines, formatDataTime", "[ui]") {
  const std::vector<sensors::Sample> series = {{1000, 1}, {2000, 2}, {3000, 3}};
  CHECK_FALSE(sampleAt(series, 999).has_value());
  CHECK(sampleAt(series, 1000)->value == 1);
  CHECK(sampleAt(series, 2999)->value == 2);
  CHECK(sampleAt(series, 99999)->value == 3);
  CHECK_FALSE(sampleAt({}, 0).has_value());

  model::AlertRuleDef above;
  above.name = "above";
  above.nameEn = "above (en)";
  above.kind = model::RuleKind::Above;
  above.severity = model::AlertSeverity::Major;
  above.level = 150;
  above.clearLevel = 115;
  model::AlertRuleDef same = above;
  same.clearLevel = 150;
  model::AlertRuleDef outside;
  outside.kind = model::RuleKind::Outside;
  outside.low = 1, outside.high = 9, outside.lowClear = 2, outside.highClear = 8;
  model::AlertRuleDef stale;
  stale.kind = model::RuleKind::Stale;
  model::AlertRuleDef nan = above;
  nan.level = std::numeric_limits<double>::quiet_NaN();
  nan.clearLevel = std::numeric_limits<double>::quiet_NaN();

  const auto lines = ruleLines({above, same, outside, stale, nan});
  std::vector<std::pair<double, bool>> got;
  for (const RuleLine& l : lines) got.emplace_back(l.value, l.clear);
  CHECK(got == std::vector<std::pair<double, bool>>{
                   {150, false}, {115, true}, {150, false}, {1, false}, {9, false}, {2, true}, {8, true}});
  CHECK(lines.front().severity == model::AlertSeverity::Major);
  CHECK(lines.front().ruleName == "above");
  CHECK(lines.front().ruleNameEn == "above (en)");  // the chart labels the line in the UI language

  CHECK(formatDataTime(0, 480) == "1970-01-01 08:00");
  CHECK(formatDataTime(1488297600000LL, 0) == "2017-02-28 16:00");
  CHECK(formatDataTime(-1, 0) == "1969-12-31 23:59");
}

TEST_CASE("monitor panels: severity colours are distinct and match the documented hues", "[ui]") {
  const Rgba critical = severityColour(model::AlertSeverity::Critical);
  CHECK(critical.r > 0.8f);
  CHECK(critical.g < 0.3f);
  const Rgba colours[] = {severityColour(model::AlertSeverity::Critical),
                          severityColour(model::AlertSeverity::Major),
                          severityColour(model::AlertSeverity::Minor),
                          severityColour(model::AlertSeverity::Warning),
                          sensorNormalColour(),
                          sensorOfflineColour(),
                          sensorStaleColour()};
  for (std::size_t i = 0; i < std::size(colours); ++i)
    for (std::size_t j = i + 1; j < std::size(colours); ++j) {
      const float d = std::abs(colours[i].r - colours[j].r) + std::abs(colours[i].g - colours[j].g) +
                      std::abs(colours[i].b - colours[j].b);
      INFO(i << " vs " << j);
      CHECK(d > 0.2f);
    }
}

TEST_CASE("monitor panels: draw in both languages; widgets present", "[ui]") {
  Harness h;
  Fixture f;
  for (Language lang : {Language::ZhCN, Language::En}) {
    f.view.language = lang;
    h.frame(f.view);
    CHECK(h.frame(f.view).empty());
    for (const char* id : {"window.monitor.cards", "window.monitor.chart", "window.monitor.alerts", "sensor.a",
                           "sensor.b", "sensor.c", "alert.ack.2", "alert.ack.3", "alert.fly.1", "alert.fly.2",
                           "filter.critical", "state.unack", "sort.severity", "timeline", "chart"}) {
      INFO(id);
      CHECK(h.panels.widgetRect(id).has_value());
    }
    // Acknowledged alerts offer no acknowledge button.
    CHECK_FALSE(h.panels.widgetRect("alert.ack.1").has_value());
  }
}

TEST_CASE("monitor panels: select a sensor, fly to it, scrub and go live", "[ui]") {
  Harness h;
  Fixture f;
  h.frame(f.view);
  h.frame(f.view);

  auto commands = h.clickWidget(f.view, "sensor.b");
  REQUIRE(commands.size() == 1);
  REQUIRE(std::holds_alternative<SelectSensor>(commands[0]));
  CHECK(std::get<SelectSensor>(commands[0]).sensorId == "b");

  commands = h.clickWidget(f.view, "alert.fly.3");
  REQUIRE(commands.size() == 1);
  REQUIRE(std::holds_alternative<FlyToSensor>(commands[0]));
  CHECK(std::get<FlyToSensor>(commands[0]).sensorId == "c");

  // A click at the slider's left end scrubs to the start of the timeline.
  commands = h.clickWidget(f.view, "timeline");
  REQUIRE(!commands.empty());
  REQUIRE(std::holds_alternative<ScrubTo>(commands.front()));
  REQUIRE(std::get<ScrubTo>(commands.front()).tsMs.has_value());
  CHECK(*std::get<ScrubTo>(commands.front()).tsMs == 1000);

  f.view.scrubMs = 1000;
  f.view.sensors[0].scrubbed = sensors::Sample{1000, 100};
  h.frame(f.view);
  commands = h.clickWidget(f.view, "timeline.live");
  REQUIRE(commands.size() == 1);
  REQUIRE(std::holds_alternative<ScrubTo>(commands[0]));
  CHECK_FALSE(std::get<ScrubTo>(commands[0]).tsMs.has_value());
}

TEST_CASE("monitor panels: acknowledge emits who and comment", "[ui]") {
  Harness h;
  Fixture f;
  f.view.operatorName = "zhang";
  h.frame(f.view);
  h.frame(f.view);
  CHECK(h.clickWidget(f.view, "alert.ack.2").empty());
  CHECK(h.panels.ackAlertId() == 2);
  h.frame(f.view);  // the form appears on the frame after the click
  CHECK(h.panels.widgetRect("ack.who").has_value());

  h.clickWidget(f.view, "ack.comment");
  h.type(f.view, "已派人查看");
  h.frame(f.view);
  auto commands = h.clickWidget(f.view, "ack.confirm");
  REQUIRE(commands.size() == 1);
  REQUIRE(std::holds_alternative<AcknowledgeAlert>(commands[0]));
  const auto& ack = std::get<AcknowledgeAlert>(commands[0]);
  CHECK(ack.alertId == 2);
  CHECK(ack.who == "zhang");
  CHECK(ack.comment == "已派人查看");
  CHECK(h.panels.ackAlertId() == 0);
  h.frame(f.view);  // the layout without the form

  SECTION("cancel closes the form without a command") {
    h.clickWidget(f.view, "alert.ack.3");
    CHECK(h.panels.ackAlertId() == 3);
    h.frame(f.view);
    CHECK(h.clickWidget(f.view, "ack.cancel").empty());
    CHECK(h.panels.ackAlertId() == 0);
  }
  SECTION("the form closes when its alert is no longer active") {
    h.clickWidget(f.view, "alert.ack.3");
    f.view.alerts.pop_back();
    h.frame(f.view);
    CHECK(h.panels.ackAlertId() == 0);
    CHECK_FALSE(h.panels.widgetRect("ack.confirm").has_value());
  }
}

TEST_CASE("monitor panels: filter widgets hide alerts", "[ui]") {
  Harness h;
  Fixture f;
  h.frame(f.view);
  h.frame(f.view);
  h.clickWidget(f.view, "filter.critical");
  CHECK_FALSE(h.panels.filter().severities[std::size_t(model::AlertSeverity::Critical)]);
  h.frame(f.view);
  CHECK_FALSE(h.panels.widgetRect("alert.fly.2").has_value());
  CHECK(h.panels.widgetRect("alert.fly.3").has_value());

  h.clickWidget(f.view, "state.ack");
  CHECK(h.panels.filter().state == AlertStateFilter::Acknowledged);
  h.frame(f.view);
  CHECK(h.panels.widgetRect("alert.fly.1").has_value());
  CHECK_FALSE(h.panels.widgetRect("alert.fly.3").has_value());

  h.clickWidget(f.view, "sort.severity");
  CHECK(h.panels.filter().sort == AlertSort::SeverityFirst);
}

TEST_CASE("monitor panels: every monitor string exists in both languages", "[ui]") {
  for (const char* key :
       {"panel.monitor", "panel.chart", "panel.alerts", "monitor.online", "monitor.offline", "monitor.stale",
        "monitor.activeAlerts", "monitor.live", "monitor.timeline", "monitor.replayClock", "severity.critical",
        "severity.major", "severity.minor", "severity.warning", "alerts.ack", "alerts.flyTo", "alerts.who",
        "alerts.comment", "alerts.confirm"}) {
    INFO(key);
    REQUIRE(findTranslation(Language::ZhCN, key) != nullptr);
    REQUIRE(findTranslation(Language::En, key) != nullptr);
    CHECK(std::strcmp(findTranslation(Language::ZhCN, key), findTranslation(Language::En, key)) != 0);
  }
  CHECK(std::string(tr(Language::ZhCN, "severity.critical")) == "紧急");
  CHECK(std::string(tr(Language::En, "severity.critical")) == "Critical");
}

namespace {

// The main panels and the monitor panels drawn together in one frame, as the viewer does.
struct AllPanels {
  struct View {
    FrameView frame;
    MonitorView monitor;
  };
  Panels main;
  MonitorPanels monitor;
  std::vector<MonitorCommand> draw(const View& view) {
    main.draw(view.frame);
    return monitor.draw(view.monitor);
  }
  std::optional<WidgetRect> widgetRect(const std::string& id) const {
    auto r = main.widgetRect(id);
    return r ? r : monitor.widgetRect(id);
  }
};

// A busy screen: the liudaokou scene's 14 sensors, 8 active alerts, a selected building with
// many tags, diagnostics and two attribution lines.
struct BusyScreen {
  std::vector<model::SensorDef> defs;
  std::vector<model::Bookmark> bookmarks;
  model::Building building;
  core::Diagnostics diagnostics;
  AllPanels::View view;

  explicit BusyScreen(Language language) {
    for (int i = 0; i < 14; ++i) {
      model::SensorDef d = sensor("s" + std::to_string(i), "µg/m³");
      d.name = "奥体中心站 PM2.5（实测回放）" + std::to_string(i);
      d.nameEn = "Aotizhongxin PM2.5 (measured, replay) " + std::to_string(i);
      d.simulated = i % 2 == 1;
      defs.push_back(d);
    }
    for (const char* name : {"overview", "station", "gate", "garage", "school"}) {
      model::Bookmark b;
      b.name = name;
      b.label = std::string(name) + " 视角";
      bookmarks.push_back(b);
    }
    building.name = "六道口社区 3号楼";
    building.heightMeters = 54;
    building.levels = 18;
    building.footprintAreaM2 = 812;
    for (int i = 0; i < 14; ++i) building.tags["addr:tag" + std::to_string(i)] = "值 value " + std::to_string(i);
    for (int i = 0; i < 30; ++i)
      diagnostics.add(core::Severity::Warning, "geo::readOsm()", "map.osm", "multipolygons", "way " + std::to_string(i),
                      "building ring not closed", "repaired");
    view.frame.language = language;
    view.frame.siteName = "北京 六道口社区 Liudaokou";
    view.frame.bookmarks = &bookmarks;
    view.frame.selectedBuilding = &building;
    view.frame.diagnostics = &diagnostics;
    view.frame.attributions = {"© OpenStreetMap contributors (ODbL)",
                               "UCI Beijing Multi-Site Air-Quality Data (CC BY 4.0)"};
    view.frame.stats.buildings = 1234;
    view.frame.stats.fps = 30;
    MonitorView& m = view.monitor;
    m.language = language;
    for (const model::SensorDef& d : defs) {
      SensorRow row{&d, {}, std::nullopt};
      row.state.sensorId = d.id;
      row.state.online = true;
      row.state.hasValue = true;
      row.state.lastValue = 123.4;
      m.sensors.push_back(row);
    }
    for (int i = 1; i <= 8; ++i)
      m.alerts.push_back(alert(i, model::AlertSeverity(i % 4), alerts::AlertState::ActiveUnacknowledged, 1000 * i,
                               "s" + std::to_string(i)));
    m.activeBySeverity = {2, 2, 2, 2};
    m.selectedSensor = "s0";
    for (int i = 0; i < 500; ++i) m.selectedSeries.push_back({1000LL * i, 100.0 + i % 50});
    m.selectedRuleLines = {RuleLine{150, model::AlertSeverity::Major, false, "PM2.5 超标", "PM2.5 high"},
                           RuleLine{120, model::AlertSeverity::Major, true, "PM2.5 超标", "PM2.5 high"}};
    m.timelineFromMs = 0;
    m.timelineToMs = 499000;
  }
};

bool overlap(const WidgetRect& a, const WidgetRect& b) {
  return a.minX < b.maxX && b.minX < a.maxX && a.minY < b.maxY && b.minY < a.maxY;
}

std::string describe(const std::string& id, const WidgetRect& r) {
  return id + " [" + std::to_string(int(r.minX)) + "," + std::to_string(int(r.minY)) + " - " +
         std::to_string(int(r.maxX)) + "," + std::to_string(int(r.maxY)) + "]";
}

}  // namespace

TEST_CASE("monitor panels: laid out from the display size, no overlaps with each other or the main panels", "[ui]") {
  const std::pair<float, float> sizes[] = {{1280, 720}, {1600, 900}, {1920, 1080}};
  for (const auto& [width, height] : sizes) {
    for (Language language : {Language::ZhCN, Language::En}) {
      test::PanelHarness<AllPanels> h(width, height, 4);
      // The viewer's font (Noto Sans CJK, 18 px), so that the auto-sized main panels have their real size.
      auto fonts = loadFonts(FontOptions{});
      INFO((fonts.ok() ? std::string() : fonts.error().message));
      REQUIRE(fonts.ok());
      BusyScreen screen(language);
      for (int i = 0; i < 6; ++i) h.frame(screen.view);

      const char* mainIds[] = {"window.controls", "window.stats", "window.building", "window.diagnostics",
                               "window.attribution"};
      const char* monitorIds[] = {"window.monitor.cards", "window.monitor.chart", "window.monitor.alerts"};
      std::vector<std::pair<std::string, WidgetRect>> mains, monitors;
      std::string all;
      for (const char* id : mainIds) {
        auto r = h.panels.widgetRect(id);
        INFO(id);
        REQUIRE(r.has_value());
        mains.emplace_back(id, *r);
        all += describe(id, *r) + "\n";
      }
      for (const char* id : monitorIds) {
        auto r = h.panels.widgetRect(id);
        INFO(id);
        REQUIRE(r.has_value());
        monitors.emplace_back(id, *r);
        all += describe(id, *r) + "\n";
      }
      INFO(width << "x" << height << " " << (language == Language::En ? "en" : "zh-CN") << "\n" << all);
      for (std::size_t i = 0; i < monitors.size(); ++i) {
        const WidgetRect& m = monitors[i].second;
        CHECK(m.minX >= 0);
        CHECK(m.minY >= 0);
        CHECK(m.maxX <= width);
        CHECK(m.maxY <= height);
        CHECK(m.maxX - m.minX >= 300);  // still usable
        CHECK(m.maxY - m.minY >= 150);
        for (const auto& [id, r] : mains) {
          INFO(monitors[i].first << " vs " << id);
          CHECK_FALSE(overlap(m, r));
        }
        for (std::size_t j = i + 1; j < monitors.size(); ++j) {
          INFO(monitors[i].first << " vs " << monitors[j].first);
          CHECK_FALSE(overlap(m, monitors[j].second));
        }
      }
    }
  }
}

TEST_CASE("monitor panels: placed again when the display size changes", "[ui]") {
  test::PanelHarness<MonitorPanels> h(1280, 720, 4);
  Fixture f;
  for (int i = 0; i < 3; ++i) h.frame(f.view);
  const auto near = [](const WidgetRect& a, const WidgetRect& b) {
    return std::abs(a.minX - b.minX) < 1 && std::abs(a.minY - b.minY) < 1 && std::abs(a.maxX - b.maxX) < 1 &&
           std::abs(a.maxY - b.maxY) < 1;
  };
  auto cards = h.panels.widgetRect("window.monitor.cards");
  REQUIRE(cards.has_value());
  CHECK(near(*cards, monitorLayout(1280, 720).cards));
  ImGui::GetIO().DisplaySize = ImVec2(1920, 1080);
  for (int i = 0; i < 2; ++i) h.frame(f.view);
  for (const auto& [id, expected] : {std::make_pair("window.monitor.cards", monitorLayout(1920, 1080).cards),
                                     std::make_pair("window.monitor.chart", monitorLayout(1920, 1080).chart),
                                     std::make_pair("window.monitor.alerts", monitorLayout(1920, 1080).alerts)}) {
    auto r = h.panels.widgetRect(id);
    INFO(id);
    REQUIRE(r.has_value());
    CHECK(near(*r, expected));
  }
  // 1280x720 and up the three never overlap; each keeps a usable size.
  const MonitorLayout l = monitorLayout(1280, 720);
  CHECK(l.cards.maxX <= l.alerts.minX);
  CHECK(l.cards.maxY <= l.chart.minY);
  CHECK(l.alerts.maxY <= l.chart.minY);
  CHECK(l.chart.maxX - l.chart.minX >= 300);
}

TEST_CASE("alarm banner: queue by severity from the attention level, until acknowledged or dismissed", "[ui]") {
  Fixture f;
  using alerts::AlertState;
  using model::AlertSeverity;
  std::vector<alerts::Alert> open = {alert(1, AlertSeverity::Major, AlertState::ActiveUnacknowledged, 5000, "a"),
                                     alert(2, AlertSeverity::Critical, AlertState::ClearedUnacknowledged, 1000, "a"),
                                     alert(3, AlertSeverity::Minor, AlertState::ActiveUnacknowledged, 9000, "b"),
                                     alert(4, AlertSeverity::Critical, AlertState::ActiveAcknowledged, 9000, "c"),
                                     alert(5, AlertSeverity::Major, AlertState::ActiveUnacknowledged, 7000, "c")};
  // Major and worse, unacknowledged (a cleared one still counts), critical first, then newest.
  CHECK(ids(bannerAlarms(open, AlertSeverity::Major, {})) == std::vector<std::int64_t>{2, 5, 1});
  CHECK(ids(bannerAlarms(open, AlertSeverity::Critical, {})) == std::vector<std::int64_t>{2});
  CHECK(ids(bannerAlarms(open, AlertSeverity::Warning, {})) == std::vector<std::int64_t>{2, 5, 1, 3});
  CHECK(ids(bannerAlarms(open, AlertSeverity::Major, {2, 5})) == std::vector<std::int64_t>{1});
  CHECK(formatAge(12.7, Language::En) == "12 s");
  CHECK(formatAge(-3, Language::En) == "0 s");
  CHECK(formatAge(3 * 3600 + 5, Language::ZhCN) == "3 小时");
  CHECK(formatAge(2 * 86400.0, Language::En) == "2 d");
  CHECK(formatAge(150, Language::En) == "2 min");
}

TEST_CASE("alarm banner: drawn with the alarm, its place and procedure; ack, dismiss and fly buttons", "[ui]") {
  Harness h;
  Fixture f;
  f.view.alerts[1].building = "way/7";
  f.view.alerts[1].floor = -1;
  f.view.alerts[1].receivedMs = 1700000000000LL;
  f.view.nowMs = 1700000000000LL + 95000;
  model::AlertRuleDef rule;
  rule.id = "r2";
  rule.procedure = {"关闭入口"};
  rule.procedureEn = {"Close the entrance"};
  f.view.rules = {rule};
  CHECK(alarmPlace(f.view.alerts[1], f.view) == "Building way/7 · B1 · " + f.defs[0].nameEn);
  CHECK(alarmPlace(f.view.alerts[2], f.view) == f.defs[2].nameEn);
  h.frame(f.view);
  h.frame(f.view);
  CHECK(h.panels.bannerAlertId() == 2);
  const auto banner = h.panels.widgetRect("window.alarm.banner");
  REQUIRE(banner.has_value());
  // It does not cover the alert list, whose buttons stay clickable.
  const auto list = h.panels.widgetRect("window.monitor.alerts");
  REQUIRE(list.has_value());
  CHECK(banner->minY >= list->maxY);
  // Dismiss: a command; the app keeps the dismissed id, and the banner goes.
  auto commands = h.clickWidget(f.view, "banner.dismiss");
  REQUIRE(commands.size() == 1);
  REQUIRE(std::holds_alternative<DismissBanner>(commands[0]));
  CHECK(std::get<DismissBanner>(commands[0]).alertId == 2);
  f.view.dismissedBanners.push_back(2);
  h.frame(f.view);
  CHECK(h.panels.bannerAlertId() == 0);  // alert 3 is a warning: below the attention level
  CHECK_FALSE(h.panels.widgetRect("window.alarm.banner").has_value());
  // Lower the attention level: alert 3 gets the banner; its ack button opens the note form.
  f.view.attention = model::AlertSeverity::Warning;
  h.frame(f.view);
  h.frame(f.view);
  CHECK(h.panels.bannerAlertId() == 3);
  h.clickWidget(f.view, "banner.ack");
  CHECK(h.panels.ackAlertId() == 3);
  auto fly = h.clickWidget(f.view, "banner.fly");
  REQUIRE(fly.size() == 1);
  CHECK(std::get<FlyToSensor>(fly[0]).sensorId == "c");
}

TEST_CASE("alarm place: the building's name by language, else its address, else its reference; floors", "[ui]") {
  Fixture f;
  CHECK(floorLabel(-1, Language::En) == "B1");
  CHECK(floorLabel(-1, Language::ZhCN) == "地下1层");
  CHECK(floorLabel(-3, Language::ZhCN) == "地下3层");
  CHECK(floorLabel(12, Language::En) == "12F");
  CHECK(floorLabel(12, Language::ZhCN) == "12层");
  CHECK(floorLabel(0, Language::En) == "GF");
  CHECK(floorLabel(0, Language::ZhCN) == "地面层");

  f.view.buildings["way/1"] = BuildingName{"丰瑞北苑", "丰瑞北苑 1幢", "Fengrui Beiyuan 1", "丰瑞路 8号"};
  f.view.buildings["way/2"] = BuildingName{"丰瑞北苑", "", "", ""};
  f.view.buildings["way/3"] = BuildingName{"", "", "", "丰瑞路 10号"};
  f.view.buildings["way/4"] = BuildingName{};
  SECTION("English") {
    f.view.language = Language::En;
    CHECK(buildingLabel("way/1", f.view) == "Fengrui Beiyuan 1");
    CHECK(buildingLabel("way/2", f.view) == "丰瑞北苑");  // no name:en: the name
    CHECK(buildingLabel("way/3", f.view) == "丰瑞路 10号");
    CHECK(buildingLabel("way/4", f.view) == "Building way/4");
    CHECK(buildingLabel("way/5", f.view) == "Building way/5");  // not in the site
  }
  SECTION("Chinese") {
    f.view.language = Language::ZhCN;
    CHECK(buildingLabel("way/1", f.view) == "丰瑞北苑 1幢");
    CHECK(buildingLabel("way/2", f.view) == "丰瑞北苑");
    CHECK(buildingLabel("way/3", f.view) == "丰瑞路 10号");
    CHECK(buildingLabel("way/4", f.view) == "楼栋 way/4");
    f.view.buildings["way/1"].nameZh.clear();
    CHECK(buildingLabel("way/1", f.view) == "丰瑞北苑");
    f.view.buildings["way/1"].name.clear();
    CHECK(buildingLabel("way/1", f.view) == "Fengrui Beiyuan 1");  // only the other language's name
  }
  SECTION("the place of an alarm, in the banner, the list and the beacon's label") {
    f.view.language = Language::ZhCN;
    alerts::Alert& a = f.view.alerts[1];
    a.building = "way/1";
    a.floor = -1;
    CHECK(alarmPlace(a, f.view) == "丰瑞北苑 1幢 · 地下1层 · " + f.defs[0].name);
    a.floor.reset();
    CHECK(alarmPlace(a, f.view) == "丰瑞北苑 1幢 · " + f.defs[0].name);
    a.building = "way/4";
    a.floor = 12;
    CHECK(alarmPlace(a, f.view) == "楼栋 way/4 · 12层 · " + f.defs[0].name);
    CHECK(beaconLabel(a, f.view) == "紧急 · r2 · 楼栋 way/4 · 12层 · " + f.defs[0].name);
    a.building.clear();
    CHECK(alarmPlace(a, f.view) == f.defs[0].name);
  }
}

TEST_CASE("alarm age: counted on the view's scene clock from when the alarm arrived", "[ui]") {
  Fixture f;
  alerts::Alert& a = f.view.alerts[1];
  CHECK(alarmAge(a, f.view).empty());  // neither time known
  // A replay: the alarm arrived at the data time 2026-06-18 14:50 (+08:00), the scene clock
  // stands at 15:10 of the same day. The wall clock plays no part.
  a.receivedMs = 1781765400000LL;
  CHECK(alarmAge(a, f.view).empty());  // scene clock unknown
  f.view.nowMs = 1781765400000LL + 20 * 60000;
  CHECK(alarmAge(a, f.view) == "20 min ago");
  f.view.language = Language::ZhCN;
  CHECK(alarmAge(a, f.view) == "20 分钟前");
  f.view.nowMs = a.receivedMs - 5000;  // arrived "after" the clock: never a negative age
  CHECK(alarmAge(a, f.view) == "0 秒前");
  a.receivedMs = 0;
  CHECK(alarmAge(a, f.view).empty());
}
