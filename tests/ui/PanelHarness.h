// An ImGui context with no renderer for panel tests: fonts built, display size set, frames run by
// hand. Mouse and text input are written into io between frames, as a platform backend would.
#pragma once

#include <string>

#include <catch2/catch.hpp>
#include <imgui.h>

#include "twin/ui/Style.h"

namespace twin::test {

/** `PanelsT` is a panel class with `draw(view)` returning commands and `widgetRect(id)`. */
template <class PanelsT>
class PanelHarness {
 public:
  /** `clickInsetX`: how far right of a widget's left edge clickWidget() presses. */
  PanelHarness(float width, float height, float clickInsetX) : _ctx(ImGui::CreateContext()), _clickInsetX(clickInsetX) {
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = ImVec2(width, height);
    io.DeltaTime = 1.0f / 60.0f;
    io.Fonts->AddFontDefault();
    io.Fonts->Build();
    ui::applyStyle("dark");
  }
  ~PanelHarness() { ImGui::DestroyContext(_ctx); }
  PanelHarness(const PanelHarness&) = delete;
  PanelHarness& operator=(const PanelHarness&) = delete;

  template <class View>
  auto frame(const View& view) {
    ImGui::NewFrame();
    auto commands = panels.draw(view);
    ImGui::Render();
    return commands;
  }
  /** Hover, press, release over a point; returns the commands of all three frames. */
  template <class View>
  auto click(const View& view, float x, float y) {
    ImGuiIO& io = ImGui::GetIO();
    decltype(frame(view)) all;
    io.MousePos = ImVec2(x, y);
    for (bool down : {false, true, false}) {
      io.MouseDown[0] = down;
      auto c = frame(view);
      all.insert(all.end(), c.begin(), c.end());
    }
    return all;
  }
  template <class View>
  auto clickWidget(const View& view, const std::string& id) {
    auto rect = panels.widgetRect(id);
    INFO("widget " << id);
    REQUIRE(rect.has_value());
    return click(view, rect->minX + _clickInsetX, rect->centreY());
  }
  /** Types UTF-8 text into the focused widget during one frame. */
  template <class View>
  auto type(const View& view, const char* text) {
    ImGui::GetIO().AddInputCharactersUTF8(text);
    return frame(view);
  }

  PanelsT panels;

 private:
  ImGuiContext* _ctx;
  float _clickInsetX;
};

}  // namespace twin::test
