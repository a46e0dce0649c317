// `twin indicators`: the JSON shape on the default scene, the bilingual table, the alert log
// read (never created), and the usage errors.
#include <catch2/catch.hpp>

#include <cmath>
#include <set>

#include <nlohmann/json.hpp>

#include "CliRunner.h"
#include "TestPaths.h"
#include "twin/alerts/AlertStore.h"

using namespace twin;

namespace {

const nlohmann::json* findIndicator(const nlohmann::json& root, const std::string& id) {
  for (const auto& s : root["scenarios"])
    for (const auto& i : s["indicators"])
      if (i["id"] == id) return &i;
  return nullptr;
}

}  // namespace

TEST_CASE("twin indicators --json: nine scenarios, the exact keys, null values explained", "[app][slow]") {
  test::TempDir dir("indicators");
  const auto db = dir.path() / "none.db";
  const auto r = test::runTwin(
      {"indicators", (test::scenesDir() / "hangzhou-qianjiang.json").string(), "--json", "--alerts-db", db.string()});
  REQUIRE(r.code == 0);
  CHECK_FALSE(std::filesystem::exists(db));  // read, never created
  const nlohmann::json root = nlohmann::json::parse(r.out);
  REQUIRE(root.is_object());
  CHECK(root.size() == 1);
  std::vector<std::string> ids;
  for (const auto& s : root["scenarios"]) {
    ids.push_back(s["id"]);
    std::set<std::string> keys;
    for (const auto& [k, v] : s.items()) keys.insert(k);
    CHECK(keys == std::set<std::string>{"id", "name", "name_en", "indicators"});
    for (const auto& i : s["indicators"]) {
      INFO(i.dump());
      std::set<std::string> ikeys;
      for (const auto& [k, v] : i.items()) ikeys.insert(k);
      CHECK(ikeys == std::set<std::string>{"id", "name", "name_en", "value", "unit", "source", "source_en",
                                           "why_missing", "why_missing_en"});
      CHECK(i["value"].is_null() == i["why_missing"].is_string());
      CHECK(i["value"].is_null() == i["why_missing_en"].is_string());
      CHECK((i["value"].is_null() || i["value"].is_number()));
      CHECK((i["why_missing"].is_null() || !i["why_missing"].get<std::string>().empty()));
    }
  }
  CHECK(ids == std::vector<std::string>{"neighbourhood", "education", "health", "entrepreneurship", "architecture",
                                        "transport", "low_carbon", "service", "governance"});
  CHECK(root["scenarios"][0]["name"] == "邻里");
  CHECK(root["scenarios"][8]["name_en"] == "Governance");

  // The scene's figures: six sensors; no alert log; 276 of 518 footprints measured (53.3 %).
  CHECK((*findIndicator(root, "sensors"))["value"] == 6);
  const auto& online = *findIndicator(root, "sensors_online");
  CHECK(online["value"].is_null());
  CHECK(online["why_missing_en"].get<std::string>().rfind("no alert log at ", 0) == 0);
  CHECK(online["why_missing"].get<std::string>().find(" 处没有告警日志（请先运行 `twin monitor` 或 `twin run`）") !=
        std::string::npos);
  CHECK(online["source"] == "告警日志 none.db");
  CHECK(online["source_en"] == "alert log none.db");
  CHECK((*findIndicator(root, "measured_height_share"))["value"].get<double>() == Approx(53.3));
  CHECK((*findIndicator(root, "metro_stations"))["value"].get<double>() > 0);
  // The simulated load, 210-360 kW over one day, integrates to between 24 x 210 and 24 x 370 kWh.
  const double kwh = (*findIndicator(root, "electricity"))["value"].get<double>();
  CHECK(kwh > 24 * 210);
  CHECK(kwh < 24 * 370);
  const double kindergarten = (*findIndicator(root, "kindergarten_5min_residents"))["value"].get<double>();
  CHECK(kindergarten >= 0);
  CHECK(kindergarten <= 100);
}

TEST_CASE("twin indicators: the alert log's alerts of the scene's sensors", "[app][slow]") {
  test::TempDir dir("indicators-log");
  const auto db = dir.path() / "alerts.db";
  {
    auto store = alerts::AlertStore::open(db);
    REQUIRE(store.ok());
    alerts::Alert water;
    water.id = 1;
    water.ruleId = "water-high";
    water.sensorId = "sim.fengrui.b552.garage.water";
    water.severity = model::AlertSeverity::Critical;
    water.state = alerts::AlertState::ActiveAcknowledged;
    water.raisedMs = 1781764500000;
    water.ackMs = water.raisedMs + 6 * 60000;
    alerts::Alert lift = water;
    lift.id = 2;
    lift.ruleId = "offline";
    lift.kind = model::RuleKind::Stale;
    lift.sensorId = "sim.fengrui.b561.lift";
    lift.state = alerts::AlertState::ActiveUnacknowledged;
    lift.ackMs = 0;
    alerts::Alert other = water;  // another scene's sensor: not counted
    other.id = 3;
    other.sensorId = "aoti.pm25";
    other.ackMs = other.raisedMs + 60 * 60000;
    REQUIRE((*store)->commit({water, lift, other}, {}).ok());
  }
  const auto r = test::runTwin(
      {"indicators", (test::scenesDir() / "hangzhou-qianjiang.json").string(), "--json", "--alerts-db", db.string()});
  REQUIRE(r.code == 0);
  const nlohmann::json root = nlohmann::json::parse(r.out);
  CHECK((*findIndicator(root, "active_alerts"))["value"] == 2);
  CHECK((*findIndicator(root, "sensors_online"))["value"] == 5);
  CHECK((*findIndicator(root, "mean_time_to_acknowledge"))["value"].get<double>() == Approx(6.0));
}

TEST_CASE("twin indicators: bilingual table and usage errors", "[app][slow]") {
  const std::string scene = (test::scenesDir() / "hangzhou-qianjiang.json").string();
  test::TempDir dir("indicators-text");
  const auto r = test::runTwin({"indicators", scene, "--alerts-db", (dir.path() / "none.db").string()});
  REQUIRE(r.code == 0);
  CHECK(r.out.find("教育 Education\n") != std::string::npos);
  CHECK(r.out.find("  5分钟可达幼儿园或托育机构的居民比例 / Residents within 5 min of a kindergarten or nursery: ") !=
        std::string::npos);
  // The reason in both languages, as the names.
  CHECK(r.out.find("在线传感器数 / Sensors online: —  (" + (dir.path() / "none.db").string() +
                   " 处没有告警日志（请先运行 `twin monitor` 或 `twin run`） / no alert log at ") != std::string::npos);

  std::string err;
  CHECK(test::runTwinCode({"indicators"}, &err) == 2);
  CHECK(err.find("missing SCENE") != std::string::npos);
  CHECK(test::runTwinCode({"indicators", scene, "extra"}, &err) == 2);
  CHECK(err.find("unexpected argument 'extra'") != std::string::npos);
  CHECK(test::runTwinCode({"indicators", (dir.path() / "nope.json").string()}, &err) == 1);
  CHECK(err.find("nope.json") != std::string::npos);
  CHECK(test::runTwin({"indicators", "--help"}).out.find("usage: twin indicators SCENE") == 0);
}
