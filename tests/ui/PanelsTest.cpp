#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include <imgui.h>

#include "twin/ui/Panels.h"
#include "twin/ui/Style.h"

#include "PanelHarness.h"

using namespace twin;
using namespace twin::ui;

namespace {

struct Harness : test::PanelHarness<Panels> {
  Harness() : PanelHarness(1280, 720, 6) {}
};

std::vector<model::Bookmark> someBookmarks() {
  model::Bookmark a;
  a.name = "overview";
  a.label = "Overview";
  model::Bookmark b;
  b.name = "station";
  b.label = "Station";
  return {a, b};
}

}  // namespace

TEST_CASE("panels: no input, no commands", "[ui]") {
  Harness h;
  FrameView view;
  const auto bookmarks = someBookmarks();
  view.bookmarks = &bookmarks;
  ImGui::GetIO().MousePos = ImVec2(640, 360);
  for (int i = 0; i < 4; ++i) CHECK(h.frame(view).empty());
  // Clicking the empty 3D view is not a panel command either.
  CHECK(h.click(view, 640, 360).empty());
}

TEST_CASE("panels: layer toggles", "[ui]") {
  Harness h;
  FrameView view;
  view.language = Language::En;
  h.frame(view);
  h.frame(view);
  auto commands = h.clickWidget(view, "layer.buildings");
  REQUIRE(commands.size() == 1);
  REQUIRE(std::holds_alternative<SetLayerVisible>(commands[0]));
  CHECK(std::get<SetLayerVisible>(commands[0]).layer == LayerId::Buildings);
  CHECK(std::get<SetLayerVisible>(commands[0]).visible == false);

  view.layerVisible[std::size_t(LayerId::Labels)] = false;
  h.frame(view);
  commands = h.clickWidget(view, "layer.labels");
  REQUIRE(commands.size() == 1);
  CHECK(std::get<SetLayerVisible>(commands[0]).layer == LayerId::Labels);
  CHECK(std::get<SetLayerVisible>(commands[0]).visible == true);
}

TEST_CASE("panels: bookmark buttons fly to their bookmark", "[ui]") {
  Harness h;
  FrameView view;
  const auto bookmarks = someBookmarks();
  view.bookmarks = &bookmarks;
  h.frame(view);
  h.frame(view);
  auto commands = h.clickWidget(view, "bookmark.station");
  REQUIRE(commands.size() == 1);
  REQUIRE(std::holds_alternative<FlyToBookmark>(commands[0]));
  CHECK(std::get<FlyToBookmark>(commands[0]).name == "station");
  CHECK_FALSE(h.panels.widgetRect("bookmark.nosuch").has_value());
}

TEST_CASE("panels: language and theme switches", "[ui]") {
  Harness h;
  FrameView view;  // zh-CN, dark
  h.frame(view);
  h.frame(view);
  auto commands = h.clickWidget(view, "language.en");
  REQUIRE(commands.size() == 1);
  REQUIRE(std::holds_alternative<SetLanguage>(commands[0]));
  CHECK(std::get<SetLanguage>(commands[0]).language == Language::En);

  // The current language is not re-sent.
  CHECK(h.clickWidget(view, "language.zh-CN").empty());

  commands = h.clickWidget(view, "theme.light");
  REQUIRE(commands.size() == 1);
  REQUIRE(std::holds_alternative<SetTheme>(commands[0]));
  CHECK(std::get<SetTheme>(commands[0]).theme == "light");

  // After switching, the widgets keep their ids in the other language.
  view.language = Language::En;
  view.theme = "light";
  applyStyle("light");
  h.frame(view);
  commands = h.clickWidget(view, "theme.dark");
  REQUIRE(commands.size() == 1);
  CHECK(std::get<SetTheme>(commands[0]).theme == "dark");
}

TEST_CASE("panels: building info and clear selection", "[ui]") {
  Harness h;
  FrameView view;
  h.frame(view);
  CHECK(h.panels.widgetRect("window.building").has_value());
  CHECK_FALSE(h.panels.widgetRect("building.clear").has_value());

  model::Building b;
  b.osmId = 48213377;
  b.idKind = "way";
  b.name = "中国农业大学图书馆";
  b.buildingTag = "university";
  b.use = model::BuildingUse::Education;
  b.heightMeters = 18;
  b.levels = 6;
  b.heightSource = model::HeightSource::Levels;
  b.footprintAreaM2 = 2400;
  b.tags = {{"building", "university"}, {"building:levels", "6"}, {"name", "中国农业大学图书馆"}};
  view.selectedBuilding = &b;
  h.frame(view);
  h.frame(view);
  auto commands = h.clickWidget(view, "building.clear");
  REQUIRE(commands.size() == 1);
  CHECK(std::holds_alternative<ClearSelection>(commands[0]));
}

TEST_CASE("panels: the credits of the loaded data sit in the bottom-right corner; no credits, no line", "[ui]") {
  Harness h;
  FrameView view;
  view.attributions.clear();
  h.frame(view);
  CHECK_FALSE(h.panels.widgetRect("window.attribution").has_value());

  view.attributions = {"© OpenStreetMap contributors (ODbL)"};
  h.frame(view);
  h.frame(view);
  auto rect = h.panels.widgetRect("window.attribution");
  REQUIRE(rect.has_value());
  CHECK(rect->maxX == Approx(1276).margin(1));
  CHECK(rect->maxY == Approx(716).margin(1));
  CHECK(rect->minX > 640);

  ImGui::GetIO().DisplaySize = ImVec2(800, 600);
  h.frame(view);
  rect = h.panels.widgetRect("window.attribution");
  REQUIRE(rect.has_value());
  CHECK(rect->maxX == Approx(796).margin(1));
  CHECK(rect->maxY == Approx(596).margin(1));
}

TEST_CASE("panels: progress is shown only while active, bad fractions are clamped", "[ui]") {
  Harness h;
  FrameView view;
  h.frame(view);
  CHECK_FALSE(h.panels.widgetRect("window.progress").has_value());
  view.progress.active = true;
  view.progress.stage = "read";
  for (double f : {0.0, 0.5, 1.0, -3.0, 7.0, std::numeric_limits<double>::quiet_NaN()}) {
    view.progress.fraction = f;
    h.frame(view);
    CHECK(h.panels.widgetRect("window.progress").has_value());
  }
}

TEST_CASE("diagnostics digest: counts by message, row cap and 'and N more'", "[ui]") {
  core::Diagnostics diag(300);  // keeps 300 of the 350 below
  for (int i = 0; i < 250; ++i)
    diag.add(core::Severity::Warning, "geo::readVector()", "cau.osm", "multipolygons", "way " + std::to_string(i),
             "building ring not closed", "skipped");
  for (int i = 0; i < 100; ++i)
    diag.add(core::Severity::Warning, "model::buildingHeight()", "cau.osm", "", "way " + std::to_string(i),
             "implausible height", "ignored");
  const DiagnosticsDigest d = digestDiagnostics(diag, Panels::kMaxDiagnosticRows);
  CHECK(d.total == 350);
  REQUIRE(d.byMessage.size() == 2);
  CHECK(d.byMessage[0] == std::make_pair(std::string("building ring not closed"), std::size_t(250)));
  CHECK(d.byMessage[1] == std::make_pair(std::string("implausible height"), std::size_t(100)));
  REQUIRE(d.lines.size() == 200);
  CHECK(d.lines[0] == "geo::readVector(): cau.osm multipolygons way 0: building ring not closed; skipped");
  CHECK(d.more == 150);

  const DiagnosticsDigest all = digestDiagnostics(diag, 1000);
  CHECK(all.lines.size() == 300);  // what Diagnostics kept
  CHECK(all.more == 50);

  core::Diagnostics none;
  const DiagnosticsDigest empty = digestDiagnostics(none, 10);
  CHECK(empty.total == 0);
  CHECK(empty.lines.empty());
  CHECK(empty.more == 0);
}

TEST_CASE("panels: diagnostics panel with many records draws", "[ui]") {
  Harness h;
  core::Diagnostics diag;
  for (int i = 0; i < 5000; ++i)
    diag.add(core::Severity::Warning, "geo::readVector()", "cau.osm", "lines", "way " + std::to_string(i),
             "line has fewer than 2 points", "skipped");
  FrameView view;
  view.diagnostics = &diag;
  h.frame(view);
  h.frame(view);
  REQUIRE(h.panels.widgetRect("window.diagnostics").has_value());
}

TEST_CASE("styles: panel background matches the style", "[ui]") {
  Harness h;
  for (const char* theme : {"dark", "light"}) {
    applyStyle(theme);
    const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
    const Rgba expected = panelBackground(theme);
    CHECK(bg.x == expected.r);
    CHECK(bg.y == expected.g);
    CHECK(bg.z == expected.b);
    CHECK(bg.w == expected.a);
  }
  CHECK(panelBackground("dark").r < 0.2f);
  CHECK(panelBackground("light").r > 0.8f);
}

TEST_CASE("panels: a building with many tags scrolls instead of leaving the screen", "[ui]") {
  Harness h;  // 1280 x 720
  FrameView view;
  model::Building b;
  b.osmId = 1;
  b.idKind = "way";
  b.heightMeters = 12;
  for (int i = 0; i < 60; ++i) b.tags["tag:" + std::to_string(i)] = "value " + std::to_string(i);
  view.selectedBuilding = &b;
  for (int i = 0; i < 3; ++i) h.frame(view);
  const auto window = h.panels.widgetRect("window.building");
  REQUIRE(window);
  CHECK(window->maxY <= 720 - 40);  // above the attribution strip
  CHECK(window->maxY - window->minY > 100);
}

TEST_CASE("panels: the statistics window names streamed buildings and stays on the screen as it grows", "[ui]") {
  Harness h;
  FrameView view;
  view.mode = UiMode::Engineering;
  view.language = Language::En;
  for (int i = 0; i < 3; ++i) h.frame(view);
  const auto before = h.panels.widgetRect("window.stats");
  REQUIRE(before.has_value());
  // Streamed tiles arrive: the line is longer than anything the window held.
  view.stats.streamedLayers = 1;
  view.stats.streamedBuildings = 123456789;
  view.stats.streamedTiles = 4096;
  view.stats.streamedQueued = 4096;
  for (int i = 0; i < 4; ++i) h.frame(view);
  const auto after = h.panels.widgetRect("window.stats");
  REQUIRE(after.has_value());
  CHECK(after->maxX - after->minX > before->maxX - before->minX);  // it grew for the line
  CHECK(after->maxX <= 1280);                                      // and did not run off the screen
  view.language = Language::ZhCN;
  for (int i = 0; i < 4; ++i) h.frame(view);
  CHECK(h.panels.widgetRect("window.stats")->maxX <= 1280);
}

TEST_CASE("panels: on a 3840x2160 screen the statistics window and the building window do not overlap", "[ui]") {
  test::PanelHarness<Panels> h(3840, 2160, 6);
  // The panel font at scale 2, as the viewer bakes it for a 2160-pixel screen.
  ImGui::GetIO().FontGlobalScale = 2 * kBaseFontPixels / ImGui::GetIO().Fonts->Fonts[0]->FontSize;
  FrameView view;
  view.mode = UiMode::Engineering;
  view.language = Language::En;
  view.stats.streamedLayers = 1;
  view.stats.streamedBuildings = 728;
  view.stats.streamedTiles = 44;
  for (int i = 0; i < 4; ++i) h.frame(view);
  const auto stats = h.panels.widgetRect("window.stats");
  const auto building = h.panels.widgetRect("window.building");
  REQUIRE(stats.has_value());
  REQUIRE(building.has_value());
  CHECK(stats->maxY < building->minY);
}
