#include <catch2/catch.hpp>

#include <imgui.h>

#include "twin/ui/InputQueue.h"
#include "twin/ui/Panels.h"

#include "PanelHarness.h"

using namespace twin;
using namespace twin::ui;

namespace {
struct Harness : test::PanelHarness<Panels> {
  Harness() : PanelHarness(1280, 720, 6) {}
};
}  // namespace

TEST_CASE("input queue: one transition per feed, moves collapse", "[ui]") {
  ImGuiContext* ctx = ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  InputQueue q;
  q.mouseMove(1, 1);
  q.mouseMove(5, 6);  // collapses into the move before
  q.mouseButton(0, true, 7, 8);
  q.mouseButton(0, false, 7, 8);
  q.key(65, true);
  q.key(65, false);
  CHECK(q.pending() == 5);
  CHECK(q.feed(io) == 2);  // the move and the press
  CHECK(io.MouseDown[0]);
  CHECK(io.MousePos.x == 7);
  CHECK(q.feed(io) == 1);  // the release
  CHECK_FALSE(io.MouseDown[0]);
  CHECK(q.feed(io) == 1);
  CHECK(io.KeysDown[65]);
  CHECK(q.feed(io) == 1);
  CHECK_FALSE(io.KeysDown[65]);
  CHECK(q.feed(io) == 0);
  // A press on a button already down changes nothing and does not use up the frame.
  q.mouseButton(1, true, 0, 0);
  q.mouseButton(1, true, 0, 0);
  q.mouseButton(2, true, 0, 0);
  CHECK(q.feed(io) == 1);
  CHECK(q.feed(io) == 2);
  CHECK(io.MouseDown[2]);
  // Out-of-range buttons and keys are ignored.
  q.mouseButton(9, true, 0, 0);
  q.mouseButton(-1, true, 0, 0);
  q.key(100000, true);
  q.key(-3, true);
  CHECK(q.pending() == 0);
  ImGui::DestroyContext(ctx);
}

TEST_CASE("input queue: a press and release within one slow frame still clicks", "[ui]") {
  Harness h;
  FrameView view;
  view.language = Language::En;
  h.frame(view);
  h.frame(view);
  auto rect = h.panels.widgetRect("layer.buildings");
  REQUIRE(rect.has_value());
  const float x = rect->minX + 6, y = rect->centreY();

  SECTION("written straight into io, the click is lost") {
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = ImVec2(x, y);
    io.MouseDown[0] = true;   // press ...
    io.MouseDown[0] = false;  // ... and release before the next frame
    std::vector<Command> all;
    for (int i = 0; i < 3; ++i) {
      auto c = h.frame(view);
      all.insert(all.end(), c.begin(), c.end());
    }
    CHECK(all.empty());
  }
  SECTION("through the queue, it arrives") {
    InputQueue q;
    q.mouseMove(x, y);
    q.mouseButton(0, true, x, y);
    q.mouseButton(0, false, x, y);
    std::vector<Command> all;
    for (int i = 0; i < 3; ++i) {
      q.feed(ImGui::GetIO());
      auto c = h.frame(view);
      all.insert(all.end(), c.begin(), c.end());
    }
    REQUIRE(all.size() == 1);
    REQUIRE(std::holds_alternative<SetLayerVisible>(all[0]));
    CHECK(std::get<SetLayerVisible>(all[0]).layer == LayerId::Buildings);
    CHECK(q.pending() == 0);
  }
}
