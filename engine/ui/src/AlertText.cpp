#include "twin/ui/AlertText.h"

#include <cmath>
#include <cstdio>
#include <optional>
#include <vector>

namespace twin::ui {
namespace {

// Like the engine's messages: up to 4 significant digits, no trailing zeros.
std::string number(double v) {
  if (!std::isfinite(v)) return std::isnan(v) ? "NaN" : (v > 0 ? "inf" : "-inf");
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.4g", v);
  return buffer;
}

// The parameters each key takes (Alert.h).
std::size_t argumentCount(const std::string& key) {
  if (key == "stale" || key == "invalid") return 1;
  if (key == "level") return 2;
  if (key == "invalid_range" || key == "rate") return 3;
  return 0;
}

std::string pick(Language language, const std::string& zh, const std::string& en, const std::string& id) {
  if (language == Language::En && !en.empty()) return en;
  if (!zh.empty()) return zh;
  return en.empty() ? id : en;
}

// From the logged key and parameters; nullopt when they are not a message this version knows.
std::optional<std::string> fromParts(const alerts::Alert& alert, Language lang) {
  const alerts::AlertMessageParts& p = alert.messageParts;
  const std::size_t n = argumentCount(p.key);
  if (n == 0 || p.args.size() != n) return std::nullopt;
  const std::string who =
      pick(lang, p.rule, p.ruleEn, alert.ruleId) + ": " + pick(lang, p.sensor, p.sensorEn, alert.sensorId);
  const std::vector<std::string>& a = p.args;
  if (p.key == "stale") return who + " " + trFill(lang, "alertText.stale", {a[0]});
  if (p.key == "invalid") return who + " " + trFill(lang, "alertText.invalid", {a[0]});
  if (p.key == "invalid_range")
    return who + " " + trFill(lang, "alertText.invalid", {a[0]}) + trFill(lang, "alertText.validRange", {a[1], a[2]});
  if (p.key == "rate") return who + " " + trFill(lang, "alertText.rate", {a[0], a[1], a[2]});
  return who + " = " + a[0] + (a[1].empty() ? "" : " " + a[1]);
}

}  // namespace

std::string ruleDisplayName(const model::AlertRuleDef& rule, Language language) {
  if (language == Language::En && !rule.nameEn.empty()) return rule.nameEn;
  return rule.name.empty() ? rule.id : rule.name;
}

std::string alertText(const alerts::Alert& alert, const MonitorView& view) {
  if (auto text = fromParts(alert, view.language)) return *text;
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
