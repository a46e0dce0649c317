// The 3D models panel: rows, visibility and fly-to commands, the picked feature's attributes.
#include <catch2/catch.hpp>

#include "PanelHarness.h"
#include "twin/ui/ModelsPanel.h"

using namespace twin;

namespace {

ui::ModelsView twoModels() {
  ui::ModelsView v;
  v.language = ui::Language::En;
  v.models = {{"zhongshan", "osgb", true, false}, {"city", "3dtiles", false, true}};
  return v;
}

}  // namespace

TEST_CASE("the models panel draws nothing without models", "[ui][models]") {
  test::PanelHarness<ui::ModelsPanel> h(1280, 720, 6);
  CHECK(h.frame(ui::ModelsView{}).empty());
  CHECK_FALSE(h.panels.widgetRect("window.models"));
}

TEST_CASE("the models panel toggles visibility and flies to a model", "[ui][models]") {
  test::PanelHarness<ui::ModelsPanel> h(1280, 720, 6);
  ui::ModelsView v = twoModels();
  h.frame(v);
  h.frame(v);  // the first frame of an auto-sized window measures its items, hidden
  // It starts collapsed to its title bar, clear of the other panels.
  CHECK_FALSE(h.panels.widgetRect("model.visible.city"));
  v.expand = true;
  h.frame(v);
  h.frame(v);  // auto-sized windows settle on their second frame
  REQUIRE(h.panels.widgetRect("window.models"));
  auto commands = h.clickWidget(v, "model.visible.city");
  REQUIRE(commands.size() == 1);
  const auto* visible = std::get_if<ui::SetModelVisible>(&commands[0]);
  REQUIRE(visible);
  CHECK(visible->id == "city");
  CHECK(visible->visible);  // it was hidden
  commands = h.clickWidget(v, "model.fly.zhongshan");
  REQUIRE(commands.size() == 1);
  const auto* fly = std::get_if<ui::FlyToModel>(&commands[0]);
  REQUIRE(fly);
  CHECK(fly->id == "zhongshan");
  CHECK_FALSE(h.panels.widgetRect("picked.clear"));  // nothing picked yet
}

TEST_CASE("the models panel lists the picked feature and clears it", "[ui][models]") {
  test::PanelHarness<ui::ModelsPanel> h(1280, 720, 6);
  ui::ModelsView v = twoModels();
  v.picked = ui::PickedRow{"city", "batch 3", {{"name", "Tower"}, {"height", "67"}}};
  v.expand = true;  // a new pick opens the panel
  h.frame(v);
  h.frame(v);
  const auto window = h.panels.widgetRect("window.models");
  REQUIRE(window);
  CHECK(window->maxX <= 1280);
  CHECK(window->maxY <= 720);
  auto commands = h.clickWidget(v, "picked.clear");
  REQUIRE(commands.size() == 1);
  CHECK(std::holds_alternative<ui::ClearPicked>(commands[0]));
}
