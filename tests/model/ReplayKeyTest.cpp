// The scene key "replay" (replay.at: the moment a headless render replays the sensors up to).
#include <catch2/catch.hpp>

#include "twin/model/SceneConfig.h"
#include "twin/model/Sensor.h"

using namespace twin;

TEST_CASE("parseSensorConfig: replay.at is kept as written; bad shapes name the key", "[model]") {
  auto ok = model::parseSensorConfig(R"({"replay": {"_comment": "x", "at": "2026-06-18T15:10:00+08:00"}})", "s.json");
  REQUIRE(ok.ok());
  CHECK(ok->replayAt == "2026-06-18T15:10:00+08:00");
  CHECK(model::parseSensorConfig("{}", "s.json")->replayAt.empty());

  auto notObject = model::parseSensorConfig(R"({"replay": "2026-06-18"})", "s.json");
  REQUIRE_FALSE(notObject.ok());
  CHECK(notObject.error().message == "model::parseSensorConfig(): s.json: key 'replay': expected an object");
  auto notString = model::parseSensorConfig(R"({"replay": {"at": 12}})", "s.json");
  REQUIRE_FALSE(notString.ok());
  CHECK(notString.error().message == "model::parseSensorConfig(): s.json: key 'replay.at': expected a string");
  auto unknown = model::parseSensorConfig(R"({"replay": {"when": "noon"}})", "s.json");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().message == "model::parseSensorConfig(): s.json: key 'replay.when': unknown key");
}
