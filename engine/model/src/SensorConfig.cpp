#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "twin/model/DataAccess.h"
#include "twin/model/Sensor.h"
#include "twin/core/UntrustedInput.h"

namespace twin::model {

using core::fail;
using nlohmann::json;

const char* ruleKindName(RuleKind kind) {
  switch (kind) {
    case RuleKind::Above: return "above";
    case RuleKind::Below: return "below";
    case RuleKind::Outside: return "outside";
    case RuleKind::Rate: return "rate";
    case RuleKind::Stale: return "stale";
    case RuleKind::Quality: return "quality";
  }
  return "?";
}

const char* alertSeverityName(AlertSeverity severity) {
  switch (severity) {
    case AlertSeverity::Critical: return "critical";
    case AlertSeverity::Major: return "major";
    case AlertSeverity::Minor: return "minor";
    case AlertSeverity::Warning: return "warning";
  }
  return "?";
}

bool alertSeverityFromName(const std::string& name, AlertSeverity& out) {
  for (AlertSeverity s :
       {AlertSeverity::Critical, AlertSeverity::Major, AlertSeverity::Minor, AlertSeverity::Warning}) {
    if (name == alertSeverityName(s)) {
      out = s;
      return true;
    }
  }
  return false;
}

const SensorDef* SensorConfig::find(const std::string& id) const {
  for (const SensorDef& s : sensors)
    if (s.id == id) return &s;
  return nullptr;
}

std::vector<const AlertRuleDef*> SensorConfig::rulesFor(const SensorDef& sensor) const {
  std::vector<const AlertRuleDef*> out;
  for (const AlertRuleDef& r : rules) {
    bool match = false;
    for (const std::string& id : r.sensors) match = match || id == sensor.id;
    for (const std::string& k : r.kinds) match = match || k == sensor.kind;
    if (match) out.push_back(&r);
  }
  return out;
}

namespace {

// Reads typed keys from one JSON object and remembers the first error, so each parse function
// reads as a flat list of fields.
class Reader {
 public:
  Reader(const std::filesystem::path& file) : _file(file.filename().string()), _dir(file.parent_path()) {}

  bool failed() const { return !_error.empty(); }
  const std::string& error() const { return _error; }

  void setError(const std::string& key, const std::string& what) {
    if (_error.empty()) _error = "model::parseSensorConfig(): " + _file + ": key '" + key + "': " + what;
  }

  const json* child(const json& obj, const char* name) const {
    auto it = obj.find(name);
    return it == obj.end() ? nullptr : &*it;
  }

  void str(const json& obj, const std::string& path, const char* name, std::string& out, bool required = false) {
    const json* v = child(obj, name);
    if (!v) {
      if (required) setError(path + name, "missing");
      return;
    }
    if (!v->is_string()) return setError(path + name, "expected a string");
    out = v->get<std::string>();
    if (required && out.empty()) setError(path + name, "must not be empty");
  }

  void number(const json& obj, const std::string& path, const char* name, double& out, bool required = false) {
    const json* v = child(obj, name);
    if (!v) {
      if (required) setError(path + name, "missing");
      return;
    }
    if (!v->is_number()) return setError(path + name, "expected a number");
    double d = v->get<double>();
    if (!std::isfinite(d)) return setError(path + name, "expected a finite number");
    out = d;
  }

  void integer(const json& obj, const std::string& path, const char* name, int& out, int lo, int hi) {
    const json* v = child(obj, name);
    if (!v) return;
    if (!v->is_number_integer()) return setError(path + name, "expected an integer");
    long long i = v->get<long long>();
    if (i < lo || i > hi)
      return setError(path + name, "expected an integer from " + std::to_string(lo) + " to " + std::to_string(hi));
    out = static_cast<int>(i);
  }

  void boolean(const json& obj, const std::string& path, const char* name, bool& out) {
    const json* v = child(obj, name);
    if (!v) return;
    if (!v->is_boolean()) return setError(path + name, "expected true or false");
    out = v->get<bool>();
  }

  void strings(const json& obj, const std::string& path, const char* name, std::vector<std::string>& out) {
    const json* v = child(obj, name);
    if (!v) return;
    if (v->is_string()) {
      out = {v->get<std::string>()};
      return;
    }
    if (!v->is_array()) return setError(path + name, "expected a string or an array of strings");
    out.clear();
    for (const json& e : *v) {
      if (!e.is_string()) return setError(path + name, "expected a string or an array of strings");
      out.push_back(e.get<std::string>());
    }
  }

  void path(const json& obj, const std::string& p, const char* name, std::filesystem::path& out,
            bool required = false) {
    std::string s;
    str(obj, p, name, s, required);
    if (s.empty()) return;
    std::filesystem::path fp = s;
    out = fp.is_absolute() ? fp : (_dir / fp).lexically_normal();
    if (auto problem = sourceProblem(out.string(), _dir, allowNetwork, _access)) setError(p + name, *problem);
  }

  bool allowNetwork = false;  // the scene's "allow_network"

 private:
  std::string _file;
  std::filesystem::path _dir;
  std::string _error;
  DataAccess _access = dataAccess();
};

void parseMqtt(Reader& r, const json& j, MqttConfig& m) {
  const std::string p = "mqtt.";
  if (!j.is_object()) return r.setError("mqtt", "expected an object");
  r.str(j, p, "host", m.host);
  r.integer(j, p, "port", m.port, 1, 65535);
  r.str(j, p, "client_id", m.clientId);
  if (j.contains("clean_session")) {
    bool clean = true;
    r.boolean(j, p, "clean_session", clean);
    m.cleanSession = clean;
    if (!clean && m.clientId.empty())
      r.setError("mqtt.clean_session", "false needs a fixed \"client_id\": the broker keeps the session under that id");
  }
  r.str(j, p, "username", m.username);
  r.str(j, p, "password", m.password);
  r.boolean(j, p, "tls", m.tls);
  r.path(j, p, "ca_file", m.caFile);
  r.path(j, p, "cert_file", m.certFile);
  r.path(j, p, "key_file", m.keyFile);
  r.boolean(j, p, "tls_insecure", m.tlsInsecure);
  r.integer(j, p, "keepalive_seconds", m.keepaliveSeconds, 5, 3600);
  r.integer(j, p, "qos", m.qos, 0, 1);
  r.str(j, p, "status_topic", m.statusTopic);
  if (m.host.empty()) r.setError("mqtt.host", "must not be empty");
  r.str(j, p, "share_group", m.shareGroup);
  if (j.contains("share_group") &&
      (m.shareGroup.empty() || m.shareGroup.size() > 64 || m.shareGroup.find_first_of("/+#") != std::string::npos))
    r.setError("mqtt.share_group", "expected 1 to 64 characters without '/', '+' or '#'");
  r.integer(j, p, "partitions", m.partitions, 1, 1024);
}

void parseSource(Reader& r, const json& j, const std::string& p, SensorSource& src) {
  if (!j.is_object()) return r.setError(p.substr(0, p.size() - 1), "expected an object");
  std::string type;
  r.str(j, p, "type", type, true);
  if (r.failed()) return;
  if (type == "mqtt") {
    src.kind = SourceKind::Mqtt;
    r.str(j, p, "topic", src.topic, true);
    r.integer(j, p, "qos", src.qos, 0, 1);
  } else if (type == "replay") {
    src.kind = SourceKind::Replay;
    ReplayMapping& m = src.replay;
    r.path(j, p, "file", m.file, true);
    r.str(j, p, "format", m.format);
    if (m.format != "csv" && m.format != "jsonl") r.setError(p + "format", "expected \"csv\" or \"jsonl\"");
    r.str(j, p, "column", m.column, m.format == "csv");
    r.str(j, p, "time_column", m.timeColumn);
    r.integer(j, p, "utc_offset_minutes", m.utcOffsetMinutes, -14 * 60, 14 * 60);
    r.strings(j, p, "missing", m.missing);
    r.number(j, p, "speed", m.speed);
    if (m.speed < 0) r.setError(p + "speed", "must be >= 0");
    r.boolean(j, p, "device", m.device);
  } else {
    r.setError(p + "type", "expected \"mqtt\" or \"replay\"");
  }
}

void parseSensor(Reader& r, const json& j, const std::string& p, SensorDef& s) {
  if (!j.is_object()) return r.setError(p.substr(0, p.size() - 1), "expected an object");
  r.str(j, p, "id", s.id, true);
  r.str(j, p, "name", s.name, true);
  r.str(j, p, "name_en", s.nameEn);
  r.str(j, p, "kind", s.kind, true);
  r.str(j, p, "unit", s.unit, true);
  r.boolean(j, p, "simulated", s.simulated);
  if (const json* pos = r.child(j, "position")) {
    if (!pos->is_array() || pos->size() < 2 || pos->size() > 3) {
      r.setError(p + "position", "expected [lon, lat] or [lon, lat, height]");
    } else {
      for (const json& e : *pos)
        if (!e.is_number()) return r.setError(p + "position", "expected [lon, lat] or [lon, lat, height]");
      core::LonLat ll{(*pos)[0].get<double>(), (*pos)[1].get<double>()};
      if (!(ll.lon >= -180 && ll.lon <= 180 && ll.lat >= -90 && ll.lat <= 90))
        return r.setError(p + "position", "longitude or latitude out of range");
      s.position = ll;
      if (pos->size() == 3) s.heightMeters = (*pos)[2].get<double>();
    }
  }
  r.str(j, p, "building", s.building);
  r.integer(j, p, "floor", s.floor, -10, 200);
  if (!r.failed() && !s.position && s.building.empty())
    r.setError(p + "position", "a sensor needs a position or a building");
  if (const json* range = r.child(j, "valid_range")) {
    if (!range->is_array() || range->size() != 2 || !(*range)[0].is_number() || !(*range)[1].is_number())
      return r.setError(p + "valid_range", "expected [min, max]");
    s.validMin = (*range)[0].get<double>();
    s.validMax = (*range)[1].get<double>();
    if (!(s.validMin < s.validMax)) return r.setError(p + "valid_range", "min must be below max");
  }
  const json* src = r.child(j, "source");
  if (!src) return r.setError(p + "source", "missing");
  parseSource(r, *src, p + "source.", s.source);
}

RuleKind ruleKindFrom(const std::string& s, bool& ok) {
  ok = true;
  for (RuleKind k :
       {RuleKind::Above, RuleKind::Below, RuleKind::Outside, RuleKind::Rate, RuleKind::Stale, RuleKind::Quality})
    if (s == ruleKindName(k)) return k;
  ok = false;
  return RuleKind::Above;
}

void parseRule(Reader& r, const json& j, const std::string& p, AlertRuleDef& rule) {
  if (!j.is_object()) return r.setError(p.substr(0, p.size() - 1), "expected an object");
  r.str(j, p, "id", rule.id, true);
  r.str(j, p, "name", rule.name);
  if (rule.name.empty()) rule.name = rule.id;
  r.str(j, p, "name_en", rule.nameEn);
  std::string kind, severity = "warning";
  r.str(j, p, "type", kind, true);
  if (r.failed()) return;
  bool ok = false;
  rule.kind = ruleKindFrom(kind, ok);
  if (!ok) return r.setError(p + "type", "expected one of above, below, outside, rate, stale, quality");
  r.str(j, p, "severity", severity);
  if (!alertSeverityFromName(severity, rule.severity))
    return r.setError(p + "severity", "expected one of critical, major, minor, warning");
  r.strings(j, p, "sensors", rule.sensors);
  r.strings(j, p, "kinds", rule.kinds);
  if (!r.failed() && rule.sensors.empty() && rule.kinds.empty())
    return r.setError(p + "sensors", "a rule needs \"sensors\" or \"kinds\"");
  r.number(j, p, "pending_seconds", rule.pendingSeconds);
  if (rule.pendingSeconds < 0) return r.setError(p + "pending_seconds", "must be >= 0");
  r.number(j, p, "escalate_after_seconds", rule.escalateAfterSeconds);
  if (rule.escalateAfterSeconds < 0) return r.setError(p + "escalate_after_seconds", "must be >= 0");
  r.strings(j, p, "procedure", rule.procedure);
  r.strings(j, p, "procedure_en", rule.procedureEn);
  if (rule.procedure.size() > 20 || rule.procedureEn.size() > 20)
    return r.setError(p + (rule.procedure.size() > 20 ? "procedure" : "procedure_en"), "at most 20 steps");
  switch (rule.kind) {
    case RuleKind::Above:
    case RuleKind::Below:
    case RuleKind::Rate:
      r.number(j, p, "level", rule.level, true);
      rule.clearLevel = rule.level;
      r.number(j, p, "clear_level", rule.clearLevel);
      if (r.failed()) return;
      if (rule.kind == RuleKind::Below ? rule.clearLevel < rule.level : rule.clearLevel > rule.level)
        return r.setError(p + "clear_level", rule.kind == RuleKind::Below ? "must be >= level" : "must be <= level");
      if (rule.kind == RuleKind::Rate && rule.level <= 0) return r.setError(p + "level", "must be > 0");
      break;
    case RuleKind::Outside:
      r.number(j, p, "low", rule.low, true);
      r.number(j, p, "high", rule.high, true);
      if (r.failed()) return;
      if (!(rule.low < rule.high)) return r.setError(p + "high", "must be above low");
      rule.lowClear = rule.low;
      rule.highClear = rule.high;
      r.number(j, p, "low_clear", rule.lowClear);
      r.number(j, p, "high_clear", rule.highClear);
      if (rule.lowClear < rule.low) return r.setError(p + "low_clear", "must be >= low");
      if (rule.highClear > rule.high) return r.setError(p + "high_clear", "must be <= high");
      if (rule.lowClear > rule.highClear) return r.setError(p + "high_clear", "must be >= low_clear");
      break;
    case RuleKind::Stale:
      r.number(j, p, "stale_seconds", rule.staleSeconds, true);
      if (!r.failed() && rule.staleSeconds <= 0) return r.setError(p + "stale_seconds", "must be > 0");
      break;
    case RuleKind::Quality: break;
  }
}

}  // namespace

core::Result<SensorConfig> parseSensorConfig(const std::string& sceneJsonText, const std::filesystem::path& file) {
  if (std::string deep = core::jsonDepthProblem(sceneJsonText); !deep.empty())
    return fail("model::parseSensorConfig(): " + file.filename().string() + ": " + deep);
  json root = json::parse(sceneJsonText, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return fail("model::parseSensorConfig(): " + file.filename().string() + ": not valid JSON");
  if (!root.is_object())
    return fail("model::parseSensorConfig(): " + file.filename().string() + ": expected a JSON object");
  SensorConfig config;
  Reader r(file);
  if (const json* a = r.child(root, "allow_network")) {
    if (!a->is_boolean())
      return fail("model::parseSensorConfig(): " + file.filename().string() +
                  ": key 'allow_network': expected true or false");
    r.allowNetwork = a->get<bool>();
  }
  if (const json* m = r.child(root, "mqtt")) parseMqtt(r, *m, config.mqtt);
  if (const json* list = r.child(root, "sensors")) {
    if (!list->is_array()) {
      r.setError("sensors", "expected an array");
    } else {
      std::set<std::string> seen;
      for (std::size_t i = 0; i < list->size() && !r.failed(); ++i) {
        const std::string p = "sensors[" + std::to_string(i) + "].";
        SensorDef s;
        parseSensor(r, (*list)[i], p, s);
        if (!r.failed() && !seen.insert(s.id).second) r.setError(p + "id", "duplicate id '" + s.id + "'");
        config.sensors.push_back(std::move(s));
      }
    }
  }
  if (const json* replay = r.child(root, "replay")) {
    if (!replay->is_object()) {
      r.setError("replay", "expected an object");
    } else {
      for (auto it = replay->begin(); it != replay->end() && !r.failed(); ++it)
        if (it.key() != "at" && it.key().rfind('_', 0) != 0) r.setError("replay." + it.key(), "unknown key");
      if (!r.failed()) r.str(*replay, "replay.", "at", config.replayAt);
    }
  }
  if (const json* list = r.child(root, "alert_rules")) {
    if (!list->is_array()) {
      r.setError("alert_rules", "expected an array");
    } else {
      std::set<std::string> seen;
      for (std::size_t i = 0; i < list->size() && !r.failed(); ++i) {
        const std::string p = "alert_rules[" + std::to_string(i) + "].";
        AlertRuleDef rule;
        parseRule(r, (*list)[i], p, rule);
        if (!r.failed() && !seen.insert(rule.id).second) r.setError(p + "id", "duplicate id '" + rule.id + "'");
        for (std::size_t k = 0; k < rule.sensors.size() && !r.failed(); ++k)
          if (!config.find(rule.sensors[k])) r.setError(p + "sensors", "unknown sensor '" + rule.sensors[k] + "'");
        config.rules.push_back(std::move(rule));
      }
    }
  }
  if (const json* display = r.child(root, "alerts")) {
    if (!display->is_object()) {
      r.setError("alerts", "expected an object");
    } else {
      std::string attention = alertSeverityName(config.display.attention);
      r.str(*display, "alerts.", "attention", attention);
      if (!r.failed() && !alertSeverityFromName(attention, config.display.attention))
        r.setError("alerts.attention", "expected one of critical, major, minor, warning");
      r.boolean(*display, "alerts.", "fly_to", config.display.flyTo);
      r.boolean(*display, "alerts.", "sound", config.display.sound);
    }
  }
  if (r.failed()) return fail(r.error());
  return config;
}

core::Result<SensorConfig> loadSensorConfig(const std::filesystem::path& file) {
  auto text = core::readWholeFile(file, core::kSceneFileLimit, "model::loadSensorConfig()", file.string());
  if (!text) return text.error();
  return parseSensorConfig(text.value(), file);
}

}  // namespace twin::model
