// `twin alerts`: listing with building, floor and times, --ack, --assign, --history filters.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "CliRunner.h"
#include "TestPaths.h"
#include "twin/alerts/AlertEngine.h"
#include "twin/app/Cli.h"

using namespace twin;

namespace {

const char* kScene = R"({
  "sensors": [
    {"id": "flood", "name": "地下车库水位", "kind": "water_level", "unit": "m", "building": "b7", "floor": -1,
     "source": {"type": "mqtt", "topic": "t/flood"}},
    {"id": "noise", "name": "噪声", "kind": "noise", "unit": "dBA", "position": [120.2, 30.2],
     "source": {"type": "mqtt", "topic": "t/noise"}}
  ],
  "alert_rules": [
    {"id": "flood-high", "name": "积水", "type": "above", "severity": "critical", "sensors": ["flood"], "level": 0.3,
     "clear_level": 0.2, "procedure": ["关闭车库入口", "启动排水泵"], "procedure_en": ["Close the garage entrance", "Start the pumps"]},
    {"id": "loud", "type": "above", "severity": "minor", "sensors": ["noise"], "level": 70}
  ]
})";

// An alert log with a cleared unacknowledged critical flood alarm (id 1) and an active minor one (id 2).
struct Log {
  test::TempDir dir{"app-alerts"};
  std::string db, scene;
  Log() {
    db = (dir.path() / "alerts.db").string();
    scene = (dir.path() / "scene.json").string();
    std::ofstream(scene) << kScene;
    auto config = model::parseSensorConfig(kScene, scene);
    REQUIRE(config.ok());
    auto store = alerts::AlertStore::open(db);
    REQUIRE(store.ok());
    alerts::ManualClock clock(1700000000000LL);
    auto engine = alerts::AlertEngine::create(*config, **store, clock);
    REQUIRE(engine.ok());
    REQUIRE((*engine)->process({{"flood", 1362099600000LL, 0.5}}).ok());  // 2013-03-01T01:00:00Z
    REQUIRE((*engine)->process({{"flood", 1362103200000LL, 0.1}}).ok());
    REQUIRE((*engine)->process({{"noise", 1700000000000LL, 80}}).ok());
  }
};

}  // namespace

TEST_CASE("twin alerts --json names building, floor, both times and the state", "[app]") {
  Log log;
  auto r = test::runTwin({"alerts", "--db", log.db, "--json", "--open", "--scene", log.scene});
  REQUIRE(r.code == app::kExitOk);
  auto doc = nlohmann::json::parse(r.out);
  REQUIRE(doc.size() == 2);
  // Critical first although it is older.
  CHECK(doc[0]["rule"] == "flood-high");
  CHECK(doc[0]["building"] == "b7");
  CHECK(doc[0]["floor"] == -1);
  CHECK(doc[0]["raised"] == "2013-03-01T01:00:00.000Z");
  CHECK(doc[0]["received"] == "2023-11-14T22:13:20.000Z");
  CHECK(doc[0]["cleared"] == "2013-03-01T02:00:00.000Z");
  CHECK(doc[0]["state"] == "cleared_unack");
  CHECK(doc[0]["active"] == false);
  CHECK(doc[0]["acknowledged"] == false);
  CHECK(doc[0]["procedure"][1] == "启动排水泵");
  CHECK(doc[0]["procedure_en"][0] == "Close the garage entrance");
  CHECK(doc[1]["rule"] == "loud");
  CHECK(doc[1]["building"].is_null());
  CHECK(doc[1]["floor"].is_null());
}

TEST_CASE("twin alerts --ack and --assign change the log; --history filters", "[app]") {
  Log log;
  auto assigned = test::runTwin({"alerts", "--db", log.db, "--assign", "2", "--to", "张工", "--by", "王"});
  CHECK(assigned.code == app::kExitOk);
  CHECK(assigned.out == "assigned #2\n");
  auto acked = test::runTwin({"alerts", "--db", log.db, "--ack", "1", "--by", "王", "--note", "排水完成"});
  CHECK(acked.code == app::kExitOk);
  CHECK(acked.out == "acknowledged #1\n");
  auto open = test::runTwin({"alerts", "--db", log.db, "--json", "--open"});
  auto openDoc = nlohmann::json::parse(open.out);
  REQUIRE(openDoc.size() == 1);
  CHECK(openDoc[0]["id"] == 2);
  CHECK(openDoc[0]["assignee"] == "张工");
  auto history = test::runTwin({"alerts", "--db", log.db, "--json", "--history", "--state", "cleared_ack"});
  REQUIRE(history.code == app::kExitOk);
  auto doc = nlohmann::json::parse(history.out);
  REQUIRE(doc.size() == 1);
  CHECK(doc[0]["acknowledged_by"] == "王");
  CHECK(doc[0]["ack_note"] == "排水完成");
  CHECK(doc[0]["transitions"].size() == 3);
  CHECK(doc[0]["transitions"][2]["action"] == "ack");
  auto bySensor =
      nlohmann::json::parse(test::runTwin({"alerts", "--db", log.db, "--json", "--history", "--sensor", "noise"}).out);
  CHECK(bySensor.size() == 1);
  auto since = nlohmann::json::parse(
      test::runTwin({"alerts", "--db", log.db, "--json", "--history", "--since", "2020-01-01T00:00:00Z"}).out);
  REQUIRE(since.size() == 1);
  CHECK(since[0]["rule"] == "loud");
  auto critical = nlohmann::json::parse(
      test::runTwin({"alerts", "--db", log.db, "--json", "--history", "--severity", "critical"}).out);
  CHECK(critical.size() == 1);
  // Text output shows the building, the replay-free data time and the transitions.
  auto text = test::runTwin({"alerts", "--db", log.db, "--history", "--severity", "critical", "--scene", log.scene});
  CHECK(text.out.find("building b7 floor -1  raised 2013-03-01T01:00:00.000Z") != std::string::npos);
  CHECK(text.out.find("    2. 启动排水泵\n") != std::string::npos);
  CHECK(text.out.find("ack -> cleared_ack (critical)  by 王  \"排水完成\"") != std::string::npos);
}

TEST_CASE("twin alerts: usage and lifecycle errors", "[app]") {
  Log log;
  std::string err;
  CHECK(test::runTwinCode({"alerts", "--db", log.db, "--ack", "1"}, &err) == app::kExitUsage);
  CHECK(err.find("--ack needs --by NAME") != std::string::npos);
  CHECK(test::runTwinCode({"alerts", "--db", log.db, "--ack", "x", "--by", "a"}, &err) == app::kExitUsage);
  CHECK(err.find("--ack expects an alert id, got 'x'") != std::string::npos);
  CHECK(test::runTwinCode({"alerts", "--db", log.db, "--assign", "1"}, &err) == app::kExitUsage);
  CHECK(err.find("--assign needs --to NAME") != std::string::npos);
  CHECK(test::runTwinCode({"alerts", "--db", log.db, "--ack", "1", "--assign", "1", "--by", "a"}, &err) ==
        app::kExitUsage);
  CHECK(err.find("--ack and --assign are separate commands") != std::string::npos);
  CHECK(test::runTwinCode({"alerts", "--db", log.db, "--note", "x"}, &err) == app::kExitUsage);
  CHECK(err.find("--by, --to and --note go with --ack or --assign") != std::string::npos);
  CHECK(test::runTwinCode({"alerts", "--db", log.db, "--history", "--state", "open"}, &err) == app::kExitUsage);
  CHECK(err.find("--state expects active_unack, active_ack, cleared_unack or cleared_ack, got 'open'") !=
        std::string::npos);
  CHECK(test::runTwinCode({"alerts", "--db", log.db, "--history", "--severity", "high"}, &err) == app::kExitUsage);
  CHECK(err.find("--severity expects critical, major, minor or warning, got 'high'") != std::string::npos);
  CHECK(test::runTwinCode({"alerts", "--db", log.db, "--history", "--since", "yesterday"}, &err) == app::kExitUsage);
  CHECK(err.find("--since expects an ISO-8601 time such as 2013-05-01T00:00:00Z, got 'yesterday'") !=
        std::string::npos);
  CHECK(test::runTwinCode({"alerts", "--db", log.db, "--sensor", "flood"}, &err) == app::kExitUsage);
  CHECK(err.find("--state, --severity, --sensor and --since go with --history") != std::string::npos);
  // Lifecycle errors come from the engine and name the alert.
  CHECK(test::runTwinCode({"alerts", "--db", log.db, "--ack", "99", "--by", "a"}, &err) == app::kExitBadInput);
  CHECK(err == "twin alerts: alerts::AlertEngine::acknowledge(): no alert 99\n");
  REQUIRE(test::runTwinCode({"alerts", "--db", log.db, "--ack", "2", "--by", "a"}) == app::kExitOk);
  CHECK(test::runTwinCode({"alerts", "--db", log.db, "--ack", "2", "--by", "a"}, &err) == app::kExitBadInput);
  CHECK(err == "twin alerts: alerts::AlertEngine::acknowledge(): alert 2 is already acknowledged\n");
  CHECK(test::runTwinCode({"alerts", "--db", log.db, "--scene", "no/such.json"}, &err) == app::kExitBadInput);
  CHECK(err == "twin alerts: model::loadSensorConfig(): no/such.json: file not found\n");
}

TEST_CASE("One alarm log per installation; a snapshot writes nothing unless asked", "[app][slow]") {
  test::TempDir dir("app-alerts-default");
  const std::string state = (dir.path() / "state").string();
  const char* old = std::getenv("XDG_STATE_HOME");
  const std::string saved = old ? old : "";
  ::setenv("XDG_STATE_HOME", state.c_str(), 1);
  const std::filesystem::path log = std::filesystem::path(state) / "communitytwin" / "alerts.db";
  const std::string scene = (test::scenesDir() / "beijing-liudaokou.json").string();
  const std::string png = (dir.path() / "x.png").string();
  // No monitor flags: the PNG and nothing else.
  std::string err;
  CHECK(test::runTwinCode({"snapshot", scene, "-o", png, "--size", "64x64", "--no-planning"}, &err) == app::kExitOk);
  CHECK(std::filesystem::exists(png));
  CHECK_FALSE(std::filesystem::exists(log));
  CHECK(err.find("alert log") == std::string::npos);
  // `twin alerts` without --db reads the installation's log.
  CHECK(test::runTwinCode({"alerts"}, &err) == app::kExitBadInput);
  CHECK(err == "twin alerts: " + log.string() + ": no such alert log\n");
  // Asked for: the snapshot's monitor writes the installation's log, and `twin alerts` reads it.
  CHECK(test::runTwinCode(
            {"snapshot", scene, "-o", png, "--size", "64x64", "--no-planning", "--monitor-seconds", "0.5"}, &err) ==
        app::kExitOk);
  CHECK(err.find("twin: alert log " + log.string()) != std::string::npos);
  CHECK(std::filesystem::exists(log));
  CHECK(std::filesystem::exists(log.parent_path() / "alerts-history.db"));
  CHECK(test::runTwin({"alerts"}).code == app::kExitOk);
  if (old)
    ::setenv("XDG_STATE_HOME", saved.c_str(), 1);
  else
    ::unsetenv("XDG_STATE_HOME");
}
