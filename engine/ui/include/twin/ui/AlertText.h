// Alert texts in the UI language. The alert engine stores one message per alert (English
// wording, for logs and `twin alerts`); the panels compose theirs from the alert's fields, the
// scene's rule and the sensor, so that both languages read whole sentences.
#pragma once

#include <string>

#include "twin/alerts/Alert.h"
#include "twin/model/Sensor.h"
#include "twin/ui/I18n.h"
#include "twin/ui/MonitorPanels.h"

namespace twin::ui {

/** A rule's name in `language`: English uses "name_en" when the scene gives one; otherwise the
    name, else the id. */
std::string ruleDisplayName(const model::AlertRuleDef& rule, Language language);

/** The alert's message in view.language: "<rule>: <sensor> <what happened>" by the alert's kind:
    stale "silent for N s" (已 N 秒无数据), quality "invalid reading V (valid A .. B)", rate
    "changing faster than L unit/min, now V", the others "= V unit". The rule and the sensor are
    looked up in view.rules and view.sensors; when either is unknown (an alert restored from a
    log of another scene) the engine's stored message is returned, else the rule id. */
std::string alertText(const alerts::Alert& alert, const MonitorView& view);

}  // namespace twin::ui
