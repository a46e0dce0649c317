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
    "changing faster than L unit/min, now V", the others "= V unit".
    An alert with message parts (Alert::messageParts: key and parameters, as logged since they
    exist) is told from them: the figures and names as they were when it was raised, the names
    in view.language where the parts have them (else the other name, else the id). One without
    (an older log's) is composed from the rule and the sensor looked up in view.rules and
    view.sensors; when either is unknown (a log of another scene) the engine's stored message
    is returned, else the rule id. Parts of an unknown key or the wrong number of parameters
    count as none. */
std::string alertText(const alerts::Alert& alert, const MonitorView& view);

}  // namespace twin::ui
