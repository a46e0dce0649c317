// The two ImGui styles: dark "command centre" (default) and light "print".
#pragma once

#include <string>

namespace twin::ui {

/** RGBA in [0, 1]. */
struct Rgba {
  float r = 0, g = 0, b = 0, a = 1;
};

/** Applies the style named "dark" or "light" to the current ImGui context; any other name gets
    the dark style. Not thread-safe (ImGui context). */
void applyStyle(const std::string& theme);

/** The panel (window) background of a style, as applyStyle sets it; rendering tests look for it. */
Rgba panelBackground(const std::string& theme);

}  // namespace twin::ui
