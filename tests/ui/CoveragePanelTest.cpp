#include <catch2/catch.hpp>

#include <variant>

#include "PanelHarness.h"
#include "twin/ui/CoveragePanel.h"

using namespace twin;

namespace {

using Harness = test::PanelHarness<ui::CoveragePanel>;

model::FacilityConfig threeCategories() {
  model::FacilityConfig config;
  config.categories = {{"clinic", "Clinic", 5, true, {{"amenity", "clinic"}}},
                       {"school", "School", 10, true, {{"amenity", "school"}}},
                       {"park", "Park", 15, false, {{"leisure", "park"}}}};
  return config;
}

analysis::CoverageSummary summary(std::size_t clinicBuildings, double clinicResidents, std::size_t clinics) {
  analysis::CoverageSummary s;
  s.buildings = 10;
  s.residents = 1000;
  s.categories.resize(3);
  s.categories[0].facilities = clinics;
  s.categories[0].buildingsCovered = clinicBuildings;
  s.categories[0].residentsCovered = clinicResidents;
  s.categories[1].facilities = 2;
  s.categories[1].buildingsCovered = 7;
  s.categories[1].residentsCovered = 700;
  s.levels = {{5, clinicBuildings / 2, clinicResidents / 2, {}}, {10, 7, 700, {}}, {15, 1, 100, {}}};
  s.gaps = {{3, {"clinic"}}, {4, {"clinic", "school"}}};
  return s;
}

ui::CoveragePanelView panelView(bool comparing) {
  ui::CoveragePanelView v;
  v.language = ui::Language::En;
  v.figures = ui::compareCoverage(
      summary(4, 400, 1), summary(comparing ? 8 : 4, comparing ? 800 : 400, comparing ? 2 : 1), threeCategories());
  v.comparing = comparing;
  v.categoryLabels = {"Clinic", "School", "Park"};
  v.gaps = {{3, "way/3", {"Clinic"}}, {4, "北楼", {"Clinic", "School"}}};
  v.gapsTotal = 2;
  v.startOpen = true;
  return v;
}

template <class T>
std::vector<T> only(const std::vector<ui::CoverageCommand>& commands) {
  std::vector<T> out;
  for (const auto& c : commands)
    if (auto* t = std::get_if<T>(&c)) out.push_back(*t);
  return out;
}

}  // namespace

TEST_CASE("coverage panel: before/after figures", "[ui]") {
  const auto config = threeCategories();
  const ui::CoverageComparison c = ui::compareCoverage(summary(4, 400, 1), summary(8, 850, 2), config);
  CHECK(c.buildings == 10);
  CHECK(c.residents == 1000);
  REQUIRE(c.categories.size() == 3);
  CHECK(c.categories[0].id == "clinic");
  CHECK(c.categories[0].label == "Clinic");
  CHECK(c.categories[0].levelMinutes == 5);
  CHECK(c.categories[0].facilities.before == 1);
  CHECK(c.categories[0].facilities.after == 2);
  CHECK(c.categories[0].buildingsCovered.delta() == 4);
  CHECK(c.categories[0].residentsCovered.delta() == Approx(450));
  CHECK(c.categories[1].buildingsCovered.delta() == 0);
  REQUIRE(c.levels.size() == 3);
  CHECK(c.levels[0].minutes == 5);
  CHECK(c.levels[0].buildingsMet.before == 2);
  CHECK(c.levels[0].buildingsMet.after == 4);
  CHECK(c.levels[0].residentsMet.delta() == Approx(225));
  CHECK(c.gaps.delta() == 0);

  // Summaries shorter than the config give zeros, not garbage.
  analysis::CoverageSummary empty;
  const ui::CoverageComparison z = ui::compareCoverage(empty, empty, config);
  REQUIRE(z.categories.size() == 3);
  CHECK(z.categories[2].buildingsCovered.after == 0);
  CHECK(z.levels.empty());
}

TEST_CASE("coverage panel: table rows, levels and tools are drawn", "[ui]") {
  Harness h(1400, 1400, 6);
  for (bool comparing : {false, true}) {
    const auto view = panelView(comparing);
    CHECK(h.frame(view).empty());
    h.frame(view);
    for (const char* id : {"window.coverage", "mode.inspect", "mode.isochrone", "mode.add", "mode.move", "add.category",
                           "colour.by", "undo", "reset", "scenario.name", "scenario.save", "category.clinic",
                           "category.school", "category.park", "level.5", "level.10", "level.15", "gap.3", "gap.4"}) {
      INFO(id << (comparing ? " (comparing)" : ""));
      CHECK(h.panels.widgetRect(id).has_value());
    }
    CHECK_FALSE(h.panels.widgetRect("scenario.load.x").has_value());
  }
  // Chinese: every key exists in both languages (a missing one would log and show "[key]").
  auto zh = panelView(true);
  zh.language = ui::Language::ZhCN;
  h.frame(zh);
  CHECK(h.panels.widgetRect("category.clinic").has_value());
}

TEST_CASE("coverage panel: clicks become commands", "[ui]") {
  Harness h(1400, 1400, 6);
  auto view = panelView(false);
  h.frame(view);
  h.frame(view);

  SECTION("modes") {
    auto modes = only<ui::SetPlanningMode>(h.clickWidget(view, "mode.add"));
    REQUIRE(modes.size() == 1);
    CHECK(modes[0].mode == ui::PlanningMode::AddFacility);
    modes = only<ui::SetPlanningMode>(h.clickWidget(view, "mode.isochrone"));
    REQUIRE(modes.size() == 1);
    CHECK(modes[0].mode == ui::PlanningMode::Isochrone);
  }
  SECTION("undo and reset only when there are edits") {
    CHECK(only<ui::UndoEdit>(h.clickWidget(view, "undo")).empty());
    CHECK(only<ui::ResetEdits>(h.clickWidget(view, "reset")).empty());
    view.edits = 2;
    h.frame(view);
    CHECK(only<ui::UndoEdit>(h.clickWidget(view, "undo")).size() == 1);
    CHECK(only<ui::ResetEdits>(h.clickWidget(view, "reset")).size() == 1);
  }
  SECTION("the split switch turns the split view on with the first saved scenario on the right") {
    view.savedScenarios = {"clinic", "park"};
    h.frame(view);
    for (const char* id : {"split", "split.left", "split.right"}) {
      INFO(id);
      CHECK(h.panels.widgetRect(id).has_value());
    }
    auto on = only<ui::SetSplit>(h.clickWidget(view, "split"));
    REQUIRE(on.size() == 1);
    CHECK(on[0].on);
    CHECK(on[0].left.empty());  // the existing state
    CHECK(on[0].right == "clinic");
    view.split = true;
    view.splitRight = "park";
    h.frame(view);
    auto off = only<ui::SetSplit>(h.clickWidget(view, "split"));
    REQUIRE(off.size() == 1);
    CHECK_FALSE(off[0].on);
  }
  SECTION("a gap row flies to its building") {
    auto fly = only<ui::FlyToBuilding>(h.clickWidget(view, "gap.4"));
    REQUIRE(fly.size() == 1);
    CHECK(fly[0].building == 4);
  }
  SECTION("save needs a name") {
    CHECK(only<ui::SaveScenarioAs>(h.clickWidget(view, "scenario.save")).empty());
    h.clickWidget(view, "scenario.name");
    h.type(view, "plan-a");
    h.frame(view);
    auto saves = only<ui::SaveScenarioAs>(h.clickWidget(view, "scenario.save"));
    REQUIRE(saves.size() == 1);
    CHECK(saves[0].name == "plan-a");
  }
  SECTION("saved scenarios can be loaded") {
    view.savedScenarios = {"x", "新方案"};
    h.frame(view);
    REQUIRE(h.panels.widgetRect("scenario.load.x").has_value());
    auto loads = only<ui::LoadScenario>(h.clickWidget(view, "scenario.load.x"));
    REQUIRE(loads.size() == 1);
    CHECK(loads[0].name == "x");
  }
}

TEST_CASE("coverage panel: starts collapsed unless asked to open", "[ui]") {
  test::PanelHarness<ui::CoveragePanel> h(1280, 720, 6);
  ui::CoveragePanelView v = panelView(false);
  v.startOpen = false;
  for (int i = 0; i < 3; ++i) h.frame(v);
  const auto window = h.panels.widgetRect("window.coverage");
  REQUIRE(window);
  CHECK(window->maxY - window->minY < 60);  // the title bar only
  CHECK_FALSE(h.panels.widgetRect("mode.isochrone"));
}
