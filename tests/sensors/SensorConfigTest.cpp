#include <catch2/catch.hpp>

#include "twin/model/Sensor.h"

using namespace twin::model;

namespace {

const char* kScene = R"({
  "name": "test",
  "mqtt": {"host": "broker.local", "port": 8883, "tls": true, "ca_file": "certs/ca.pem", "qos": 1},
  "sensors": [
    {"id": "aoti.pm25", "name": "奥体中心 PM2.5", "name_en": "Aotizhongxin PM2.5", "kind": "pm25", "unit": "µg/m³",
     "position": [116.397, 39.982, 10], "valid_range": [0, 1000],
     "source": {"type": "replay", "file": "../assets/sensors/aoti.csv", "column": "PM2.5", "utc_offset_minutes": 480,
                "speed": 3600}},
    {"id": "b3.water", "name": "3号楼水位", "kind": "water_level", "unit": "m", "building": "way/123", "floor": -1,
     "simulated": true, "source": {"type": "mqtt", "topic": "community/water/+", "qos": 0}}
  ],
  "alert_rules": [
    {"id": "pm25-high", "name": "PM2.5 超标", "type": "above", "severity": "major", "kinds": ["pm25"],
     "level": 150, "clear_level": 115, "pending_seconds": 60},
    {"id": "water-band", "type": "outside", "sensors": "b3.water", "low": 0.2, "high": 1.5, "high_clear": 1.3},
    {"id": "silent", "type": "stale", "severity": "minor", "kinds": ["pm25", "water_level"], "stale_seconds": 300},
    {"id": "quality", "type": "quality", "kinds": ["pm25"]}
  ]
})";

std::string parseError(const std::string& text) {
  auto r = parseSensorConfig(text, "scenes/x.json");
  REQUIRE_FALSE(r.ok());
  return r.error().message;
}

}  // namespace

TEST_CASE("parseSensorConfig reads sensors, bindings and rules", "[sensors]") {
  auto r = parseSensorConfig(kScene, "/data/scenes/demo.json");
  REQUIRE(r.ok());
  const SensorConfig& c = *r;
  CHECK(c.mqtt.host == "broker.local");
  CHECK(c.mqtt.port == 8883);
  CHECK(c.mqtt.tls);
  CHECK(c.mqtt.caFile == std::filesystem::path("/data/scenes/certs/ca.pem"));
  REQUIRE(c.sensors.size() == 2);
  const SensorDef& pm = c.sensors[0];
  CHECK(pm.name == "奥体中心 PM2.5");
  CHECK(pm.position->lon == Approx(116.397));
  CHECK(pm.heightMeters == 10);
  CHECK(pm.validMax == 1000);
  CHECK(pm.source.kind == SourceKind::Replay);
  CHECK(pm.source.replay.file == std::filesystem::path("/data/assets/sensors/aoti.csv"));
  CHECK(pm.source.replay.utcOffsetMinutes == 480);
  CHECK(pm.source.replay.speed == 3600);
  const SensorDef& w = c.sensors[1];
  CHECK_FALSE(w.position);
  CHECK(w.building == "way/123");
  CHECK(w.floor == -1);
  CHECK(w.simulated);
  CHECK(w.source.topic == "community/water/+");
  CHECK(w.source.qos == 0);
  REQUIRE(c.rules.size() == 4);
  CHECK(c.rules[0].severity == AlertSeverity::Major);
  CHECK(c.rules[0].clearLevel == 115);
  CHECK(c.rules[0].pendingSeconds == 60);
  CHECK(c.rules[1].name == "water-band");
  CHECK(c.rules[1].lowClear == 0.2);
  CHECK(c.rules[1].highClear == 1.3);
  CHECK(c.rules[1].severity == AlertSeverity::Warning);
  const auto pmRules = c.rulesFor(pm);
  REQUIRE(pmRules.size() == 3);
  CHECK(pmRules[0]->id == "pm25-high");
  CHECK(pmRules[1]->id == "silent");
  CHECK(c.rulesFor(w).size() == 2);
}

TEST_CASE("parseSensorConfig: absent keys give an empty config", "[sensors]") {
  auto r = parseSensorConfig(R"({"name":"x"})", "x.json");
  REQUIRE(r.ok());
  CHECK(r->sensors.empty());
  CHECK(r->rules.empty());
  CHECK(r->mqtt.port == 1883);
}

TEST_CASE("parseSensorConfig errors name the file and the key", "[sensors]") {
  const std::string p = "model::parseSensorConfig(): x.json: ";
  CHECK(parseError("{") == p + "not valid JSON");
  CHECK(parseError("[]") == p + "expected a JSON object");
  CHECK(parseError(R"({"sensors": 5})") == p + "key 'sensors': expected an array");
  CHECK(parseError(R"({"mqtt": {"port": 70000}})") == p + "key 'mqtt.port': expected an integer from 1 to 65535");
  CHECK(parseError(R"({"sensors": [{"id":"a","name":"A","kind":"pm25","unit":5}]})") ==
        p + "key 'sensors[0].unit': expected a string");
  CHECK(parseError(
            R"({"sensors": [{"id":"a","name":"A","kind":"pm25","unit":"u","source":{"type":"mqtt","topic":"t"}}]})") ==
        p + "key 'sensors[0].position': a sensor needs a position or a building");
  CHECK(
      parseError(
          R"({"sensors": [{"id":"a","name":"A","kind":"k","unit":"u","position":[200,1],"source":{"type":"mqtt","topic":"t"}}]})") ==
      p + "key 'sensors[0].position': longitude or latitude out of range");
  CHECK(parseError(R"({"sensors": [{"id":"a","name":"A","kind":"k","unit":"u","position":[1,1]}]})") ==
        p + "key 'sensors[0].source': missing");
  CHECK(
      parseError(
          R"({"sensors": [{"id":"a","name":"A","kind":"k","unit":"u","position":[1,1],"source":{"type":"kafka"}}]})") ==
      p + "key 'sensors[0].source.type': expected \"mqtt\" or \"replay\"");
  CHECK(
      parseError(
          R"({"sensors": [{"id":"a","name":"A","kind":"k","unit":"u","position":[1,1],"source":{"type":"replay","file":"f.csv"}}]})") ==
      p + "key 'sensors[0].source.column': missing");
  CHECK(
      parseError(
          R"({"sensors": [{"id":"a","name":"A","kind":"k","unit":"u","position":[1,1],"valid_range":[5,1],"source":{"type":"mqtt","topic":"t"}}]})") ==
      p + "key 'sensors[0].valid_range': min must be below max");
  CHECK(
      parseError(
          R"({"sensors": [{"id":"a","name":"A","kind":"k","unit":"u","position":[1,1],"source":{"type":"mqtt","topic":"t"}},
                                   {"id":"a","name":"A","kind":"k","unit":"u","position":[1,1],"source":{"type":"mqtt","topic":"t"}}]})") ==
      p + "key 'sensors[1].id': duplicate id 'a'");
  CHECK(parseError(R"({"alert_rules": [{"id":"r","type":"above","kinds":"k"}]})") ==
        p + "key 'alert_rules[0].level': missing");
  CHECK(parseError(R"({"alert_rules": [{"id":"r","type":"above","kinds":"k","level":10,"clear_level":12}]})") ==
        p + "key 'alert_rules[0].clear_level': must be <= level");
  CHECK(parseError(R"({"alert_rules": [{"id":"r","type":"below","kinds":"k","level":10,"clear_level":8}]})") ==
        p + "key 'alert_rules[0].clear_level': must be >= level");
  CHECK(parseError(R"({"alert_rules": [{"id":"r","type":"outside","kinds":"k","low":5,"high":1}]})") ==
        p + "key 'alert_rules[0].high': must be above low");
  CHECK(parseError(R"({"alert_rules": [{"id":"r","type":"stale","kinds":"k"}]})") ==
        p + "key 'alert_rules[0].stale_seconds': missing");
  CHECK(parseError(R"({"alert_rules": [{"id":"r","type":"above","level":1}]})") ==
        p + "key 'alert_rules[0].sensors': a rule needs \"sensors\" or \"kinds\"");
  CHECK(parseError(R"({"alert_rules": [{"id":"r","type":"above","level":1,"sensors":["ghost"]}]})") ==
        p + "key 'alert_rules[0].sensors': unknown sensor 'ghost'");
  CHECK(parseError(R"({"alert_rules": [{"id":"r","type":"flood","kinds":"k"}]})") ==
        p + "key 'alert_rules[0].type': expected one of above, below, outside, rate, stale, quality");
  CHECK(parseError(R"({"alert_rules": [{"id":"r","type":"quality","kinds":"k","severity":"urgent"}]})") ==
        p + "key 'alert_rules[0].severity': expected one of critical, major, minor, warning");
  CHECK(parseError(R"({"alert_rules": [{"id":"r","type":"above","kinds":"k","level":1,"pending_seconds":-1}]})") ==
        p + "key 'alert_rules[0].pending_seconds': must be >= 0");
}

TEST_CASE("parseSensorConfig reads escalation, procedures and the alerts display keys", "[sensors]") {
  auto r = parseSensorConfig(R"({"alerts": {"attention": "critical", "fly_to": true},
    "alert_rules": [{"id": "r", "type": "above", "kinds": "k", "level": 1, "escalate_after_seconds": 300,
                     "procedure": ["关闭入口", "启动水泵"], "procedure_en": "Close the entrance"}]})",
                             "x.json");
  REQUIRE(r.ok());
  CHECK(r->display.attention == AlertSeverity::Critical);
  CHECK(r->display.flyTo);
  REQUIRE(r->rules.size() == 1);
  CHECK(r->rules[0].escalateAfterSeconds == 300);
  CHECK(r->rules[0].procedure == std::vector<std::string>{"关闭入口", "启动水泵"});
  CHECK(r->rules[0].procedureEn == std::vector<std::string>{"Close the entrance"});
  CHECK(r->rules[0].nameEn.empty());  // no "name_en": the UI shows the name
  auto named = parseSensorConfig(
      R"({"alert_rules": [{"id": "r", "name": "地下积水", "name_en": "Garage flooding", "type": "above", "kinds": "k",
                           "level": 1}]})",
      "x.json");
  REQUIRE(named.ok());
  CHECK(named->rules[0].name == "地下积水");
  CHECK(named->rules[0].nameEn == "Garage flooding");
  CHECK(parseError(R"({"alert_rules": [{"id":"r","name_en":3,"type":"above","kinds":"k","level":1}]})") ==
        "model::parseSensorConfig(): x.json: key 'alert_rules[0].name_en': expected a string");
  auto defaults = parseSensorConfig("{}", "x.json");
  REQUIRE(defaults.ok());
  CHECK(defaults->display.attention == AlertSeverity::Major);
  CHECK_FALSE(defaults->display.flyTo);
  CHECK(defaults->display.sound);  // a cue by default, where a player and a device exist
  CHECK(defaults->rules.empty());
  auto quiet = parseSensorConfig(R"({"alerts": {"sound": false}})", "x.json");
  REQUIRE(quiet.ok());
  CHECK_FALSE(quiet->display.sound);

  const std::string p = "model::parseSensorConfig(): x.json: ";
  CHECK(parseError(R"({"alerts": 3})") == p + "key 'alerts': expected an object");
  CHECK(parseError(R"({"alerts": {"attention": "loud"}})") ==
        p + "key 'alerts.attention': expected one of critical, major, minor, warning");
  CHECK(parseError(R"({"alerts": {"fly_to": "yes"}})") == p + "key 'alerts.fly_to': expected true or false");
  CHECK(parseError(R"({"alerts": {"sound": 1}})") == p + "key 'alerts.sound': expected true or false");
  CHECK(
      parseError(R"({"alert_rules": [{"id":"r","type":"above","kinds":"k","level":1,"escalate_after_seconds":-5}]})") ==
      p + "key 'alert_rules[0].escalate_after_seconds': must be >= 0");
  CHECK(parseError(R"({"alert_rules": [{"id":"r","type":"above","kinds":"k","level":1,"procedure":[1]}]})") ==
        p + "key 'alert_rules[0].procedure': expected a string or an array of strings");
  std::string many = "[";
  for (int i = 0; i < 21; ++i) many += std::string(i ? "," : "") + "\"s\"";
  many += "]";
  CHECK(parseError(R"({"alert_rules": [{"id":"r","type":"above","kinds":"k","level":1,"procedure_en":)" + many +
                   "}]}") == p + "key 'alert_rules[0].procedure_en': at most 20 steps");
}

TEST_CASE("loadSensorConfig reports a missing file", "[sensors]") {
  auto r = loadSensorConfig("no/such/scene.json");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message == "model::loadSensorConfig(): no/such/scene.json: file not found");
}

TEST_CASE("parseSensorConfig reads the fan-in keys mqtt.share_group and mqtt.partitions", "[sensors][share]") {
  auto c = parseSensorConfig(R"({"mqtt": {"share_group": "monitors", "partitions": 24}})", "x.json");
  REQUIRE(c.ok());
  CHECK(c->mqtt.shareGroup == "monitors");
  CHECK(c->mqtt.partitions == 24);
  auto d = parseSensorConfig(R"({"mqtt": {}})", "x.json");
  REQUIRE(d.ok());
  CHECK(d->mqtt.shareGroup.empty());
  CHECK(d->mqtt.partitions == 0);
  const std::string p = "model::parseSensorConfig(): x.json: ";
  CHECK(parseError(R"({"mqtt": {"share_group": "a/b"}})") ==
        p + "key 'mqtt.share_group': expected 1 to 64 characters without '/', '+' or '#'");
  CHECK(parseError(R"({"mqtt": {"share_group": ""}})") ==
        p + "key 'mqtt.share_group': expected 1 to 64 characters without '/', '+' or '#'");
  CHECK(parseError(R"({"mqtt": {"share_group": 3}})") == p + "key 'mqtt.share_group': expected a string");
  CHECK(parseError(R"({"mqtt": {"partitions": 0}})") ==
        p + "key 'mqtt.partitions': expected an integer from 1 to 1024");
  CHECK(parseError(R"({"mqtt": {"partitions": 2000}})") ==
        p + "key 'mqtt.partitions': expected an integer from 1 to 1024");
}
