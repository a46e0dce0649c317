// What the alarm panels share: the four severities in the order they list them, their i18n
// keys, and Style colours for ImGui. Private to engine/ui (the alarm list, the history window,
// the big screen's title bar and the style).
#pragma once

#include <imgui.h>

#include "twin/model/Sensor.h"
#include "twin/ui/Style.h"

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

}  // namespace twin::ui::detail
