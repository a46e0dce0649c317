// The before/after split view's divider on screen: a line over the whole screen, the two sides'
// names beside it and a handle to drag it. One widget for every split view (planning scenarios,
// sunlight proposal).
#pragma once

#include <optional>
#include <string>

#include "twin/ui/BigScreen.h"

namespace twin::ui {

struct SplitDividerView {
  float fraction = 0.5f;  // where the line stands, 0 = left edge of the screen, 1 = right edge
  std::string left;       // the left side's name (UTF-8), drawn on a dark plate left of the line
  std::string right;      // the right side's name
  bool handle = true;     // draw the drag handle (false in videos: nobody can drag it)
};

/** Draws the divider over `screen` (behind the panels) inside the current ImGui frame. Returns
    the new fraction, clamped to [0.02, 0.98], in the frames the handle is dragged; else nullopt.
    `handleRect`, when given, receives where the handle was drawn (unset without a handle). */
std::optional<float> drawSplitDivider(const SplitDividerView& view, const WidgetRect& screen,
                                      std::optional<WidgetRect>* handleRect = nullptr);

}  // namespace twin::ui
