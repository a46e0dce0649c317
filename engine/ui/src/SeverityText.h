// What the alarm panels share: the four severities in the order they list them, their i18n
// keys, and Style colours for ImGui. Private to engine/ui (the alarm list, the history window,
// the big screen's title bar and the style).
#pragma once

#include <imgui.h>

#include <array>
#include <cstddef>
#include <functional>
#include <iterator>
#include <string>

#include "twin/model/Sensor.h"
#include "twin/ui/I18n.h"
#include "twin/ui/MonitorPanels.h"
#include "twin/ui/Style.h"
#include "twin/ui/TextFit.h"

namespace twin::ui::detail {

inline constexpr model::AlertSeverity kSeverities[] = {model::AlertSeverity::Critical, model::AlertSeverity::Major,
                                                       model::AlertSeverity::Minor, model::AlertSeverity::Warning};

inline ImVec4 toImVec4(const Rgba& c) { return ImVec4(c.r, c.g, c.b, c.a); }

/** The i18n key of a severity's name ("severity.critical", ...). */
inline const char* severityKey(model::AlertSeverity s) {
  switch (s) {
    case model::AlertSeverity::Critical: return "severity.critical";
    case model::AlertSeverity::Major: return "severity.major";
    case model::AlertSeverity::Minor: return "severity.minor";
    case model::AlertSeverity::Warning: return "severity.warning";
  }
  return "severity.warning";
}

/** The width of a checkbox or radio button with `label`. */
inline float toggleWidth(const char* label) {
  return ImGui::GetFrameHeight() + ImGui::GetStyle().ItemInnerSpacing.x + ImGui::CalcTextSize(label).x;
}

/** One checkbox per severity, in its colour, wrapping where the window is too narrow;
    `shown[s]` says whether severity s is shown. `remember(name)` is called after each box with
    the severity's name (the panel records the item's rectangle). */
inline void severityToggles(Language lang, std::array<bool, 4>& shown,
                            const std::function<void(const char*)>& remember) {
  for (std::size_t i = 0; i < std::size(kSeverities); ++i) {
    const model::AlertSeverity s = kSeverities[i];
    const char* label = tr(lang, severityKey(s));
    if (i > 0) sameLineIfFits(toggleWidth(label));
    ImGui::PushStyleColor(ImGuiCol_CheckMark, toImVec4(severityColour(s)));
    ImGui::Checkbox(label, &shown[std::size_t(s)]);
    ImGui::PopStyleColor();
    remember(model::alertSeverityName(s));
  }
}

}  // namespace twin::ui::detail
