#include "twin/ui/AlertText.h"

#include <cmath>
#include <cstdio>

namespace twin::ui {
namespace {

// Like the engine's messages: up to 4 significant digits, no trailing zeros.
std::string number(double v) {
  if (!std::isfinite(v)) return std::isnan(v) ? "NaN" : (v > 0 ? "inf" : "-inf");
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.4g", v);
  return buffer;
}

}  // namespace

std::string ruleDisplayName(const model::AlertRuleDef& rule, Language language) {
  if (language == Language::En && !rule.nameEn.empty()) return rule.nameEn;
  return rule.name.empty() ? rule.id : rule.name;
}

std::string alertText(const alerts::Alert& alert, const MonitorView& view) {
  const model::AlertRuleDef* rule = nullptr;
  for (const model::AlertRuleDef& r : view.rules)
    if (r.id == alert.ruleId) rule = &r;
  const model::SensorDef* sensor = nullptr;
  for (const SensorRow& row : view.sensors)
    if (row.def && row.def->id == alert.sensorId) sensor = row.def;
  if (!rule || !sensor) return alert.message.empty() ? alert.ruleId : alert.message;

  const Language lang = view.language;
  const std::string sensorName = lang == Language::En && !sensor->nameEn.empty() ? sensor->nameEn
                                 : sensor->name.empty()                          ? sensor->id
                                                                                 : sensor->name;
  const std::string who = ruleDisplayName(*rule, lang) + ": " + sensorName;
  switch (alert.kind) {
    case model::RuleKind::Stale: return who + " " + trFill(lang, "alertText.stale", {number(rule->staleSeconds)});
    case model::RuleKind::Quality: {
      std::string text = who + " " + trFill(lang, "alertText.invalid", {number(alert.value)});
      if (std::isfinite(alert.value))
        text += trFill(lang, "alertText.validRange", {number(sensor->validMin), number(sensor->validMax)});
      return text;
    }
    case model::RuleKind::Rate:
      return who + " " + trFill(lang, "alertText.rate", {number(rule->level), sensor->unit, number(alert.value)});
    default: return who + " = " + number(alert.value) + (sensor->unit.empty() ? "" : " " + sensor->unit);
  }
}

}  // namespace twin::ui
