#include <catch2/catch.hpp>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include <imgui.h>

#include "twin/ui/BigScreen.h"
#include "twin/ui/Fonts.h"
#include "twin/ui/MonitorPanels.h"
#include "twin/ui/Panels.h"
#include "twin/ui/Style.h"

using namespace twin;
using namespace twin::ui;

namespace {

struct Size {
  float width, height;
};
constexpr Size kSizes[] = {{1366, 768}, {1920, 1080}, {3840, 2160}};

std::string describe(const std::string& id, const WidgetRect& r) {
  std::ostringstream s;
  s << id << " [" << r.minX << ", " << r.minY << " - " << r.maxX << ", " << r.maxY << "]";
  return s.str();
}

// The share of the display that no rectangle covers (the rectangles must not overlap).
double uncoveredShare(const std::vector<WidgetRect>& rects, float width, float height) {
  double covered = 0;
  for (const WidgetRect& r : rects) covered += double(r.width()) * double(r.height());
  return 1.0 - covered / (double(width) * double(height));
}

model::SensorDef sensor(const std::string& id) {
  model::SensorDef s;
  s.id = id;
  s.name = id + " 地下车库水位传感器";
  s.nameEn = id + " underground garage water level";
  s.kind = "water_level";
  s.unit = "m";
  return s;
}

// A busy big screen: a long community name, every indicator card, several legends, sensors and
// alarms of every severity, long credits.
struct BusyScreen {
  FrameView view;
  std::vector<model::SensorDef> defs{sensor("garage-b2-01"), sensor("garage-b2-02"), sensor("lift-3")};
  MonitorView monitor;

  BusyScreen(Language language, UiMode mode, float scale) {
    view.language = language;
    view.mode = mode;
    view.uiScale = scale;
    view.siteName = "钱江世纪城 Qianjiang Century City (Xiaoshan, Hangzhou)";
    view.status = ScreenStatus{"2026-12-07 12:30", true, true, 24, 21, {{1, 2, 3, 4}}};
    for (const char* scenario : {"邻里 Neighbourhood", "教育 Education", "健康 Health", "交通 Transport"})
      for (const char* indicator : {"5-minute kindergarten coverage", "15-minute health station coverage"})
        view.indicators.push_back(IndicatorCard{scenario, indicator, "87.5", "%", "", false});
    LegendGroup uses{tr(language, "legend.buildingUse"), {}};
    for (const char* key : {"use.residential", "use.commercial", "use.office", "use.education", "use.healthcare",
                            "use.public", "use.industrial", "use.transport", "use.other"})
      uses.entries.push_back(LegendEntry{Rgba{0.5f, 0.6f, 0.7f, 1}, tr(language, key)});
    view.legend.push_back(uses);
    view.attributions = {"© OpenStreetMap contributors (ODbL 1.0)", "Simulated sensor data"};
    view.figures.buildings = 1200;
    view.figures.measuredHeights = 300;
    view.figures.poisByCategory = {{"amenity", 80}, {"shop", 120}, {"highway", 30}};

    monitor.language = language;
    for (std::size_t i = 0; i < defs.size(); ++i) {
      SensorRow row{&defs[i], {}, std::nullopt};
      row.state.sensorId = defs[i].id;
      row.state.online = true;
      monitor.sensors.push_back(row);
    }
    for (int i = 0; i < 12; ++i) {
      alerts::Alert a;
      a.id = i + 1;
      a.ruleId = "r";
      a.sensorId = defs[std::size_t(i) % defs.size()].id;
      a.severity = model::AlertSeverity(i % 4);
      a.state = alerts::AlertState::ActiveUnacknowledged;
      a.raisedMs = 1000 * (i + 1);
      a.message = "water level above 0.30 m (0.42 m) 水位超限";
      monitor.alerts.push_back(a);
    }
    monitor.selectedSensor = defs[0].id;
    monitor.selectedSeries = {{1000, 0.1}, {2000, 0.2}, {3000, 0.42}};
    monitor.timelineFromMs = 1000;
    monitor.timelineToMs = 3000;
  }
};

// One ImGui context with the viewer's font at `scale` (Noto Sans CJK, so Chinese strings get their
// real widths), drawing the main panels and the monitor panels in the right rail as the viewer does.
struct Screen {
  ImGuiContext* ctx;
  Panels panels;
  MonitorPanels monitor;
  Screen(float width, float height, float scale) : ctx(ImGui::CreateContext()) {
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = ImVec2(width, height);
    io.DeltaTime = 1.0f / 60.0f;
    FontOptions fonts;
    fonts.sizePixels = kBaseFontPixels * scale;
    fonts.extraTexts = allTranslations();
    fonts.extraTexts.push_back("钱江世纪城 地下车库水位传感器 水位超限 邻里 教育 健康 交通");
    auto loaded = loadFonts(fonts);
    INFO((loaded.ok() ? std::string() : loaded.error().message));
    REQUIRE(loaded.ok());
    applyStyle("dark");
    ImGui::GetStyle().ScaleAllSizes(scale);
  }
  ~Screen() { ImGui::DestroyContext(ctx); }
  Screen(const Screen&) = delete;
  Screen& operator=(const Screen&) = delete;

  std::vector<Command> frame(BusyScreen& s) {
    ImGui::NewFrame();
    auto commands = panels.draw(s.view);
    if (s.view.mode == UiMode::BigScreen) {
      monitor.setRail(panels.layout().right);
      monitor.draw(s.monitor);
    }
    ImGui::Render();
    return commands;
  }
};

// No big-screen area's items ran past its right edge (long texts are elided or wrap).
void checkNothingRunsOff(const Screen& screen) {
  for (const char* area : {"title", "rail.left.cards", "legend.entries"}) {
    INFO(area);
    auto overflow = screen.panels.textOverflow(area);
    REQUIRE(overflow.has_value());
    CHECK(*overflow <= 0.5f);
  }
  for (const char* area : {"monitor.alerts", "alerts.rows", "monitor.chart"}) {
    INFO(area);
    auto overflow = screen.monitor.textOverflow(area);
    REQUIRE(overflow.has_value());
    CHECK(*overflow <= 0.5f);
  }
}

}  // namespace

TEST_CASE("big screen: default scale follows the display height", "[ui]") {
  CHECK(defaultUiScale(768) == Approx(0.75f));
  CHECK(defaultUiScale(1080) == Approx(1.0f));
  CHECK(defaultUiScale(2160) == Approx(2.0f));
  CHECK(defaultUiScale(480) == Approx(0.75f));  // never below legible
  CHECK(defaultUiScale(100000) == Approx(kMaxUiScale));
  CHECK(defaultUiScale(0) == Approx(1.0f));
  CHECK(defaultUiScale(-5) == Approx(1.0f));
  CHECK(std::string(uiModeName(UiMode::BigScreen)) == "bigscreen");
  CHECK(std::string(uiModeName(UiMode::Engineering)) == "engineering");
  CHECK(std::string(uiModeName(UiMode::Presentation)) == "presentation");
}

TEST_CASE("big screen: overlaps and contains", "[ui]") {
  const WidgetRect a{0, 0, 10, 10}, b{10, 0, 20, 10}, c{5, 5, 15, 15}, none{};
  CHECK_FALSE(overlaps(a, b));  // touching edges
  CHECK(overlaps(a, c));
  CHECK(overlaps(c, b));
  CHECK_FALSE(overlaps(a, none));
  CHECK(contains(a, WidgetRect{0, 0, 10, 10}));
  CHECK_FALSE(contains(a, c));
}

TEST_CASE("big screen: layout contracts over sizes and scales", "[ui]") {
  const Size sizes[] = {{640, 360}, {1024, 768}, {1366, 768}, {1920, 1080}, {2560, 1440}, {3840, 2160}, {7680, 2160}};
  for (const Size& s : sizes) {
    for (float scale : {0.5f, 0.75f, 1.0f, 1.5f, 2.0f, 4.0f}) {
      const ScreenLayout l = bigScreenLayout(s.width, s.height, scale, UiMode::BigScreen);
      INFO(s.width << "x" << s.height << " scale " << scale);
      const std::vector<std::pair<std::string, WidgetRect>> rects = {
          {"title", l.title}, {"left", l.left}, {"right", l.right}, {"legend", l.legend}, {"credits", l.credits}};
      for (std::size_t i = 0; i < rects.size(); ++i) {
        INFO(describe(rects[i].first, rects[i].second));
        CHECK_FALSE(rects[i].second.empty());
        CHECK(contains(l.display, rects[i].second));
        CHECK_FALSE(overlaps(rects[i].second, l.scene));
        for (std::size_t j = i + 1; j < rects.size(); ++j) {
          INFO(describe(rects[j].first, rects[j].second));
          CHECK_FALSE(overlaps(rects[i].second, rects[j].second));
        }
      }
      CHECK(l.scene.width() >= 0.5f * s.width - 1);
    }
  }
  // The default scales leave the scene at least 60 % of the display at the three wall sizes.
  for (const Size& s : kSizes) {
    const ScreenLayout l = bigScreenLayout(s.width, s.height, defaultUiScale(int(s.height)), UiMode::BigScreen);
    INFO(s.width << "x" << s.height);
    CHECK(l.scene.width() * l.scene.height() >= 0.6f * s.width * s.height);
  }
  const ScreenLayout p = bigScreenLayout(1920, 1080, 1, UiMode::Presentation);
  CHECK(p.left.empty());
  CHECK(p.right.empty());
  CHECK(p.legend.empty());
  CHECK_FALSE(p.title.empty());
  CHECK_FALSE(p.credits.empty());
  const ScreenLayout e = bigScreenLayout(1920, 1080, 1, UiMode::Engineering);
  CHECK(e.title.empty());
  CHECK(e.left.empty());
}

TEST_CASE("big screen: drawn panels do not overlap or run off screen, both languages, three sizes", "[ui]") {
  for (const Size& size : kSizes) {
    const float scale = defaultUiScale(int(size.height));
    for (Language language : {Language::ZhCN, Language::En}) {
      Screen screen(size.width, size.height, scale);
      BusyScreen busy(language, UiMode::BigScreen, scale);
      for (int i = 0; i < 4; ++i) screen.frame(busy);

      std::vector<std::pair<std::string, WidgetRect>> windows;
      std::string all;
      for (const char* id : {"window.title", "window.rail.left", "window.legend", "window.attribution"}) {
        auto r = screen.panels.widgetRect(id);
        INFO(id);
        REQUIRE(r.has_value());
        windows.emplace_back(id, *r);
      }
      for (const char* id : {"window.monitor.alerts", "window.monitor.chart"}) {
        auto r = screen.monitor.widgetRect(id);
        INFO(id);
        REQUIRE(r.has_value());
        windows.emplace_back(id, *r);
      }
      CHECK_FALSE(screen.monitor.widgetRect("window.monitor.cards").has_value());  // its figures are in the title
      CHECK_FALSE(screen.panels.widgetRect("window.stats").has_value());           // engineering only
      CHECK_FALSE(screen.panels.widgetRect("window.diagnostics").has_value());
      for (const auto& [id, r] : windows) all += describe(id, r) + "\n";
      INFO(size.width << "x" << size.height << " " << languageCode(language) << "\n" << all);
      const WidgetRect display{0, 0, size.width, size.height};
      std::vector<WidgetRect> rects;
      for (std::size_t i = 0; i < windows.size(); ++i) {
        INFO(windows[i].first);
        CHECK(contains(display, windows[i].second));
        CHECK(windows[i].second.width() >= 100 * scale);
        rects.push_back(windows[i].second);
        for (std::size_t j = i + 1; j < windows.size(); ++j) {
          INFO("vs " << windows[j].first);
          CHECK_FALSE(overlaps(windows[i].second, windows[j].second));
        }
      }
      // The monitor windows fill the right rail the layout gave them.
      CHECK(contains(screen.panels.layout().right, windows[4].second));
      CHECK(contains(screen.panels.layout().right, windows[5].second));
      const double share = uncoveredShare(rects, size.width, size.height);
      INFO("uncovered share " << share);
      if (size.width == 1920) CHECK(share >= 0.60);
      CHECK(share >= 0.55);
      checkNothingRunsOff(screen);
    }
  }
}

TEST_CASE("big screen: text that does not fit is elided or wrapped, both languages, three sizes", "[ui]") {
  const std::string longName =
      "钱江世纪城 · 丰瑞北苑 地下二层车库 B2 区 积水水位传感器（模拟）"
      " Fengrui Beiyuan underground garage level B2 water level sensor (simulated)";
  for (const Size& size : kSizes) {
    const float scale = defaultUiScale(int(size.height));
    for (Language language : {Language::ZhCN, Language::En}) {
      Screen screen(size.width, size.height, scale);
      BusyScreen busy(language, UiMode::BigScreen, scale);
      busy.defs[0].name = busy.defs[0].nameEn = longName;
      for (alerts::Alert& a : busy.monitor.alerts) {
        a.message =
            "water level above 0.30 m for longer than the rule allows (0.42 m) 水位超限，请立即派人到地下车库排查";
        a.ruleId = "garage-water-level-above-threshold-critical";
        a.ackBy = "duty officer of the Qianjiang Century City command centre";
      }
      busy.monitor.alerts[1].state = alerts::AlertState::ActiveAcknowledged;
      busy.monitor.alerts[2].escalations = 2;
      busy.view.indicators.push_back(IndicatorCard{"低碳 Low carbon",
                                                   "Residents within 15 min of a community health station", "no data",
                                                   "", "Why: no alert log at alerts.db", true});
      busy.view.indicators.push_back(IndicatorCard{"服务 Service", "Shops and services per 1,000 residents", "12345.67",
                                                   "per 1,000 residents", "", false});
      busy.view.legend.push_back(LegendGroup{"Coverage", {LegendEntry{Rgba{1, 0, 0, 1}, longName}}});
      for (int i = 0; i < 4; ++i) screen.frame(busy);
      INFO(size.width << "x" << size.height << " " << languageCode(language));
      checkNothingRunsOff(screen);
      for (const char* id : {"window.monitor.alerts", "window.monitor.chart"}) {
        INFO(id);
        auto r = screen.monitor.widgetRect(id);
        REQUIRE(r.has_value());
        CHECK(contains(screen.panels.layout().right, *r));
      }
    }
  }
}

TEST_CASE("big screen: the alarm banner grows with the UI scale and stays on screen", "[ui]") {
  CHECK(alarmBannerWidth(1920, 1) == 640);
  CHECK(alarmBannerWidth(3840, 2) == 1280);
  CHECK(alarmBannerWidth(1366, 0.75f) == 480);
  CHECK(alarmBannerWidth(600, 1) == 584);  // a narrow display: its width less the margins
  for (const Size& size : kSizes) {
    const float scale = defaultUiScale(int(size.height));
    Screen screen(size.width, size.height, scale);
    BusyScreen busy(Language::En, UiMode::BigScreen, scale);
    for (int i = 0; i < 4; ++i) screen.frame(busy);
    INFO(size.width << "x" << size.height);
    REQUIRE(screen.monitor.bannerAlertId() != 0);
    auto banner = screen.monitor.widgetRect("window.alarm.banner");
    REQUIRE(banner.has_value());
    CHECK(banner->width() == Approx(alarmBannerWidth(size.width, scale)));
    CHECK(contains(WidgetRect{0, 0, size.width, size.height}, *banner));
    CHECK(banner->minY >= screen.panels.layout().title.maxY);  // below the title bar
  }
}

TEST_CASE("big screen: presentation shows title and credits only; engineering the old windows", "[ui]") {
  for (Language language : {Language::ZhCN, Language::En}) {
    Screen screen(1920, 1080, 1);
    BusyScreen busy(language, UiMode::Presentation, 1);
    for (int i = 0; i < 3; ++i) screen.frame(busy);
    CHECK(screen.panels.widgetRect("window.title").has_value());
    CHECK(screen.panels.widgetRect("window.attribution").has_value());
    CHECK_FALSE(screen.panels.widgetRect("window.rail.left").has_value());
    CHECK_FALSE(screen.panels.widgetRect("window.legend").has_value());
    CHECK_FALSE(screen.panels.widgetRect("window.controls").has_value());
    CHECK(overlaps(*screen.panels.widgetRect("window.title"), WidgetRect{0, 0, 1920, 1}));

    busy.view.mode = UiMode::Engineering;
    for (int i = 0; i < 3; ++i) screen.frame(busy);
    CHECK(screen.panels.widgetRect("window.stats").has_value());
    CHECK(screen.panels.widgetRect("window.controls").has_value());
    CHECK(screen.panels.widgetRect("window.diagnostics").has_value());
    CHECK_FALSE(screen.panels.widgetRect("window.title").has_value());
    // The legend in engineering mode too (a movable window), while there are colours to explain.
    REQUIRE_FALSE(busy.view.legend.empty());
    CHECK(screen.panels.widgetRect("window.legend").has_value());
    busy.view.legend.clear();
    screen.frame(busy);
    CHECK_FALSE(screen.panels.widgetRect("window.legend").has_value());
  }
}

TEST_CASE("big screen: the credits line without panels", "[ui]") {
  Screen screen(1920, 1080, 1);
  BusyScreen busy(Language::En, UiMode::BigScreen, 1);
  for (int i = 0; i < 2; ++i) {  // an auto-sized window has its size from its second frame
    ImGui::NewFrame();
    screen.panels.drawCredits(busy.view);
    ImGui::Render();
  }
  auto r = screen.panels.widgetRect("window.attribution");
  REQUIRE(r.has_value());
  CHECK(r->maxY == Approx(1076));
  CHECK(r->maxX == Approx(1916));
  CHECK(contains(screen.panels.layout().credits, *r));
  CHECK_FALSE(screen.panels.widgetRect("window.title").has_value());
  busy.view.attributions.clear();
  ImGui::NewFrame();
  screen.panels.drawCredits(busy.view);
  ImGui::Render();
  CHECK_FALSE(screen.panels.widgetRect("window.attribution").has_value());
}

TEST_CASE("big screen: the quit dialog answers", "[ui]") {
  Screen screen(1920, 1080, 1);
  BusyScreen busy(Language::En, UiMode::BigScreen, 1);
  busy.view.confirmQuit = true;
  for (int i = 0; i < 2; ++i) screen.frame(busy);
  for (const char* id : {"quit.yes", "quit.no"}) {
    auto r = screen.panels.widgetRect(id);
    REQUIRE(r.has_value());
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = ImVec2(r->centreX(), r->centreY());
    std::vector<Command> all;
    for (bool down : {false, true, false}) {
      io.MouseDown[0] = down;
      auto c = screen.frame(busy);
      all.insert(all.end(), c.begin(), c.end());
    }
    REQUIRE(all.size() == 1);
    REQUIRE(std::holds_alternative<AnswerQuit>(all[0]));
    CHECK(std::get<AnswerQuit>(all[0]).quit == (std::string(id) == "quit.yes"));
  }
  busy.view.confirmQuit = false;
  screen.frame(busy);
  CHECK_FALSE(screen.panels.widgetRect("window.quit").has_value());
}

TEST_CASE("big screen: severity text readable on the light theme", "[ui]") {
  const Rgba light = panelBackground("light");
  for (model::AlertSeverity s : {model::AlertSeverity::Critical, model::AlertSeverity::Major,
                                 model::AlertSeverity::Minor, model::AlertSeverity::Warning}) {
    INFO(model::alertSeverityName(s));
    CHECK(contrastRatio(severityTextColour(s, "light"), light) >= 4.5f);
    // The dark theme keeps the monitor's colours.
    CHECK(severityTextColour(s, "dark").r == severityColour(s).r);
  }
  // The monitor's minor yellow itself is not readable on light panels: the reason for the above.
  CHECK(contrastRatio(severityColour(model::AlertSeverity::Minor), light) < 2.0f);
  CHECK(contrastRatio(Rgba{0, 0, 0, 1}, Rgba{1, 1, 1, 1}) == Approx(21.0f));
  CHECK(contrastRatio(Rgba{0.5f, 0.5f, 0.5f, 1}, Rgba{0.5f, 0.5f, 0.5f, 1}) == Approx(1.0f));
}

TEST_CASE("big screen: the alarm list's severity colours are readable on either theme's panels", "[ui]") {
  for (const char* theme : {"light", "dark"}) {
    const Rgba panel = panelBackground(theme);
    for (model::AlertSeverity s : {model::AlertSeverity::Critical, model::AlertSeverity::Major,
                                   model::AlertSeverity::Minor, model::AlertSeverity::Warning}) {
      INFO(theme << " " << model::alertSeverityName(s));
      CHECK(contrastRatio(readableTextColour(severityColour(s), panel), panel) >= 4.5f);
    }
  }
  // Readable already: left as it is.
  const Rgba black{0, 0, 0, 1};
  CHECK(readableTextColour(black, Rgba{1, 1, 1, 1}).r == 0);
  const Rgba minorOnLight = readableTextColour(severityColour(model::AlertSeverity::Minor), panelBackground("light"));
  CHECK(minorOnLight.r < severityColour(model::AlertSeverity::Minor).r);  // darkened, not lightened
}

TEST_CASE("big screen: Esc never quits while typing, asks before losing edits", "[ui]") {
  for (bool dialog : {false, true})
    for (bool unsaved : {false, true}) CHECK(escapeAction(true, dialog, unsaved) == EscapeAction::Ignore);
  CHECK(escapeAction(false, true, true) == EscapeAction::CloseDialog);
  CHECK(escapeAction(false, true, false) == EscapeAction::CloseDialog);
  CHECK(escapeAction(false, false, true) == EscapeAction::AskToQuit);
  CHECK(escapeAction(false, false, false) == EscapeAction::Quit);
}
