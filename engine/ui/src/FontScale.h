// The panels' scale as the font tells it, for panels that size and place themselves in pixels.
#pragma once

#include <imgui.h>

#include "twin/ui/BigScreen.h"

namespace twin::ui::detail {

/** ImGui's current font size over kBaseFontPixels: 1 at scale 1, 2 on a 3840x2160 screen. */
inline float fontScale() { return ImGui::GetFontSize() / kBaseFontPixels; }

}  // namespace twin::ui::detail
