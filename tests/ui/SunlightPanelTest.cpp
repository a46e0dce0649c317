#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <string>

#include "PanelHarness.h"
#include "twin/ui/SunlightPanel.h"

using namespace twin;

namespace {

bool same(const ui::Rgba& a, const ui::Rgba& b) { return a.r == b.r && a.g == b.g && a.b == b.b && a.a == b.a; }

}  // namespace

TEST_CASE("sunlight: bands split at whole hours and at the standard's pass line", "[ui]") {
  SECTION("2 h within the 8 h window of 大寒日") {
    const auto bands = ui::sunlightBands(2, 8);
    REQUIRE(bands.size() == 6);
    const double from[] = {0, 1, 2, 3, 4, 6}, to[] = {1, 2, 3, 4, 6, 8};
    for (std::size_t i = 0; i < bands.size(); ++i) {
      CHECK(bands[i].fromHours == from[i]);
      CHECK(bands[i].toHours == to[i]);
      CHECK(bands[i].passes == (from[i] >= 2));
    }
    // Every band has its own colour: the scale reads without the legend's labels.
    for (std::size_t i = 0; i < bands.size(); ++i)
      for (std::size_t j = i + 1; j < bands.size(); ++j) CHECK_FALSE(same(bands[i].colour, bands[j].colour));
    // Failing bands are red/orange (red dominates green), passing ones green/teal (green dominates red).
    for (const auto& b : bands) CHECK((b.passes ? b.colour.g > b.colour.r : b.colour.r > b.colour.g));
  }
  SECTION("1 h within the 6 h window of 冬至日") {
    const auto bands = ui::sunlightBands(1, 6);
    REQUIRE(bands.size() == 5);
    CHECK(bands.back().fromHours == 4);
    CHECK(bands.back().toHours == 6);
    CHECK_FALSE(bands[0].passes);
    CHECK(bands[1].passes);
  }
  SECTION("a pass line between whole hours becomes an edge") {
    const auto bands = ui::sunlightBands(1.5, 8);
    REQUIRE(bands.size() == 7);
    CHECK(bands[1].toHours == 1.5);
    CHECK(bands[2].fromHours == 1.5);
    CHECK(bands[2].passes);
    CHECK_FALSE(bands[1].passes);
  }
  SECTION("bad arguments are clamped, never an empty scale") {
    CHECK_FALSE(ui::sunlightBands(std::nan(""), 8).empty());
    CHECK_FALSE(ui::sunlightBands(2, -1).empty());
    const auto tooMuch = ui::sunlightBands(9, 8);
    REQUIRE_FALSE(tooMuch.empty());
    CHECK(tooMuch.back().toHours == 8);
  }
}

TEST_CASE("sunlight: colour of sun minutes, the required minutes passing exactly", "[ui]") {
  const auto bands = ui::sunlightBands(2, 8);
  CHECK(same(ui::sunlightColour(119, 2, 8), bands[1].colour));
  CHECK(same(ui::sunlightColour(120, 2, 8), bands[2].colour));
  CHECK(same(ui::sunlightColour(0, 2, 8), bands[0].colour));
  CHECK(same(ui::sunlightColour(-5, 2, 8), bands[0].colour));
  CHECK(same(ui::sunlightColour(std::nan(""), 2, 8), bands[0].colour));
  CHECK(same(ui::sunlightColour(480, 2, 8), bands.back().colour));
  CHECK(same(ui::sunlightColour(300, 2, 8), bands[4].colour));
}

TEST_CASE("sunlight: the legend lists every band and the pass line in both languages", "[ui]") {
  const auto bands = ui::sunlightBands(2, 8);
  for (ui::Language lang : {ui::Language::En, ui::Language::ZhCN}) {
    const ui::LegendGroup g = ui::sunlightLegend(lang, 2, 8, "2026-01-20");
    REQUIRE(g.entries.size() == bands.size() + 1);
    for (std::size_t i = 0; i < bands.size(); ++i) CHECK(same(g.entries[i].colour, bands[i].colour));
    CHECK(g.title.find("2026-01-20") != std::string::npos);
    CHECK(g.entries.back().label.find("2") != std::string::npos);
  }
  CHECK(ui::sunlightLegend(ui::Language::En, 2, 8, "").entries[0].label == "0–1 h");
  CHECK(ui::sunlightLegend(ui::Language::En, 2, 8, "").entries.back().label == "≥ 2 h: passes");
  CHECK(ui::sunlightLegend(ui::Language::ZhCN, 2, 8, "").entries.back().label == "≥ 2 小时：达标");
  CHECK(ui::sunlightLegend(ui::Language::En, 1.5, 8, "").entries[1].label == "1–1.5 h");
}

TEST_CASE("sunlight: the panel's switches, slider and proposal emit commands", "[ui]") {
  test::PanelHarness<ui::SunlightPanel> h(1600, 900, 8);
  ui::SunlightPanelView view;
  view.language = ui::Language::En;
  view.startOpen = true;
  view.proposals = {"tower"};
  view.computed = true;
  h.frame(view);
  h.frame(view);
  for (const char* id :
       {"window.sunlight", "sunlight.colour", "sunlight.shadows", "sunlight.time", "sunlight.proposal"})
    CHECK(h.panels.widgetRect(id).has_value());
  auto commands = h.clickWidget(view, "sunlight.colour");
  REQUIRE(commands.size() == 1);
  REQUIRE(std::holds_alternative<ui::SetSunlightColouring>(commands[0]));
  CHECK(std::get<ui::SetSunlightColouring>(commands[0]).on);
  commands = h.clickWidget(view, "sunlight.shadows");
  REQUIRE(commands.size() == 1);
  CHECK(std::get<ui::SetShadows>(commands[0]).on);
  // The slider's right end is 18:00.
  const auto slider = *h.panels.widgetRect("sunlight.time");
  commands = h.click(view, slider.maxX - 2, slider.centreY());
  REQUIRE_FALSE(commands.empty());
  REQUIRE(std::holds_alternative<ui::SetSunMinutes>(commands.back()));
  CHECK(std::get<ui::SetSunMinutes>(commands.back()).minutes == ui::kSunSliderLastMinute);
}
