// Sensors, their source bindings and alert rules, as the scene file declares them
// (keys "mqtt", "sensors" and "alert_rules"; see docs/sensors.md for the format).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "twin/core/Geometry.h"
#include "twin/core/Result.h"

namespace twin::model {

/** The MQTT broker a scene talks to. Username and password may come from the scene or, when the
    scene leaves them empty, from TWIN_MQTT_USER / TWIN_MQTT_PASSWORD (applied by the sensors
    module at connect time, never stored here). */
struct MqttConfig {
  std::string host = "127.0.0.1";
  int port = 1883;
  std::string clientId;  // empty = generated
  /** Scene key "clean_session". false: the broker keeps the subscription and queues QoS 1
      messages while the twin is away, delivered when it returns (needs clientId). Unset = false
      when clientId is set, true otherwise. */
  std::optional<bool> cleanSession;
  std::string username, password;
  bool tls = false;
  std::filesystem::path caFile;  // resolved against the scene file's folder
  std::filesystem::path certFile, keyFile;
  bool tlsInsecure = false;  // skip host-name verification (test brokers only)
  int keepaliveSeconds = 30;
  int qos = 1;                                // default subscription QoS, 0 or 1
  std::string statusTopic = "twin/status/+";  // retained "online"/"offline" per sensor (last will)
  /** Scene key "share_group": several monitors split the sensor stream through MQTT 5 shared
      subscriptions of this group, routed by sensor (docs/sensors.md, "Several monitors on one
      stream"). Empty = this monitor subscribes to the sensors' own topics alone. 1 to 64
      characters, none of '/', '+', '#'. */
  std::string shareGroup;
  /** Scene key "partitions": how many partitions the sensors are hashed into (1 to 1024; 0 =
      the default, sensors::kDefaultPartitions). Publishers and every worker must agree. */
  int partitions = 0;
};

/** How a replay file's columns become readings. */
struct ReplayMapping {
  std::filesystem::path file;                     // resolved against the scene file's folder
  std::string format = "csv";                     // "csv" or "jsonl"
  std::string column;                             // CSV column holding this sensor's value
  std::string timeColumn;                         // ISO-8601 or epoch ms; empty = use year/month/day/hour columns
  int utcOffsetMinutes = 0;                       // of local wall-clock time columns (Beijing: 480)
  std::vector<std::string> missing = {"NA", ""};  // cell texts meaning "no reading"
  double speed = 1.0;                             // data seconds per wall second x this factor; 0 = as fast as possible
  bool device = false;                            // scene key "device": the file may be a FIFO or character device
};

enum class SourceKind { Mqtt, Replay };

struct SensorSource {
  SourceKind kind = SourceKind::Mqtt;
  std::string topic;     // MQTT topic (wildcards allowed) for SourceKind::Mqtt
  int qos = -1;          // -1 = MqttConfig::qos
  ReplayMapping replay;  // for SourceKind::Replay
};

struct SensorDef {
  std::string id;                        // unique within the scene; the payloads' "sensor" value
  std::string name;                      // display name (Chinese)
  std::string nameEn;                    // English display name; may be empty
  std::string kind;                      // "pm25", "noise", "water_level", "smoke", "lift", ...
  std::string unit;                      // e.g. "µg/m³", "dB(A)", "m"
  std::optional<core::LonLat> position;  // lon/lat, when placed by coordinates
  double heightMeters = 0;               // above ground, with position
  std::string building;                  // building reference, when placed by building
  int floor = 0;                         // with building
  double validMin = -1e300;              // physical range; a reading outside is a data-quality problem
  double validMax = 1e300;
  bool simulated = false;  // shown as "simulated" in the UI
  SensorSource source;
};

enum class RuleKind { Above, Below, Outside, Rate, Stale, Quality };
const char* ruleKindName(RuleKind kind);  // "above", "below", "outside", "rate", "stale", "quality"

enum class AlertSeverity { Critical, Major, Minor, Warning };
const char* alertSeverityName(AlertSeverity severity);  // "critical", "major", "minor", "warning"
bool alertSeverityFromName(const std::string& name, AlertSeverity& out);

/** One alert rule. It applies to the sensors listed in `sensors` plus every sensor of a kind
    in `kinds`. Levels by kind:
    - Above: raise when value > level, clear when value < clearLevel (clearLevel <= level).
    - Below: raise when value < level, clear when value > clearLevel (clearLevel >= level).
    - Outside: raise when value < low or > high, clear when lowClear <= value <= highClear.
    - Rate: raise when |dv/dt| > level (units per minute), clear when it is < clearLevel.
    - Stale: raise when no reading for staleSeconds (the sensor is then offline); clear on data.
    - Quality: raise on a non-finite reading or one outside the sensor's valid range; clear on
      the next valid reading.
    pendingSeconds: the raise condition must hold that long before the alert is raised. */
struct AlertRuleDef {
  std::string id;
  std::string name;    // display name (Chinese)
  std::string nameEn;  // "name_en": English display name; may be empty (the UI then shows `name`)
  RuleKind kind = RuleKind::Above;
  AlertSeverity severity = AlertSeverity::Warning;
  std::vector<std::string> sensors;
  std::vector<std::string> kinds;
  double level = 0, clearLevel = 0;
  double low = 0, high = 0, lowClear = 0, highClear = 0;
  double pendingSeconds = 0;
  double staleSeconds = 0;
  /** An alert of this rule left unacknowledged this long (engine clock, from when it arrived)
      rises one severity, and again after each further period, up to critical. 0 = never. */
  double escalateAfterSeconds = 0;
  /** Handling procedure (预案) shown with its alerts: short steps, in Chinese and in English
      (either may be empty; the UI falls back to the other language). */
  std::vector<std::string> procedure, procedureEn;
};

/** How alerts demand attention on screen (scene key "alerts"). */
struct AlertDisplay {
  AlertSeverity attention =
      AlertSeverity::Major;  // "attention": a new alert this severe or worse gets a banner and a beacon
  bool flyTo = false;        // "fly_to": the camera flies to the newest such alert
  bool sound = true;         // "sound": a short cue for each such alert, where a player and an audio device exist
};

struct SensorConfig {
  MqttConfig mqtt;
  std::vector<SensorDef> sensors;
  std::vector<AlertRuleDef> rules;
  /** Key "replay.at": the data time up to which a headless render replays the scene's replay
      files (ISO-8601 text, checked and read by the app); empty = none. */
  std::string replayAt;
  AlertDisplay display;
  const SensorDef* find(const std::string& id) const;
  /** Rules that apply to `sensor`, in file order. */
  std::vector<const AlertRuleDef*> rulesFor(const SensorDef& sensor) const;
};

/** Reads the "mqtt", "sensors", "alert_rules", "alerts" and "replay" keys of a scene file's JSON text; `file` is
    used in messages and to resolve relative paths. Absent keys -> empty lists and defaults.
    Never throws. Errors name the file and the key, e.g.
    "model::parseSensorConfig(): x.json: key 'sensors[2].unit': expected a string". */
core::Result<SensorConfig> parseSensorConfig(const std::string& sceneJsonText, const std::filesystem::path& file);

/** Reads the scene file and calls parseSensorConfig(). */
core::Result<SensorConfig> loadSensorConfig(const std::filesystem::path& file);

}  // namespace twin::model
