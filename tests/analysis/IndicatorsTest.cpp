// Nine-scenario indicators on a hand-made site whose answers are worked out by hand in the
// comments: one straight street, two residential buildings, an office, a shop building and POIs.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>

#include "twin/analysis/Indicators.h"
#include "SiteBuilder.h"

using namespace twin;
using namespace twin::analysis;

namespace {

// Heights are 3 m a storey.
model::Building building(std::int64_t id, core::Ring outer, model::BuildingUse use, double levels,
                         model::HeightSource source = model::HeightSource::Estimated) {
  return test::building(id, std::move(outer), use, levels, levels * 3, source);
}

model::Poi poi(std::int64_t id, core::Vec2 at, std::string key, std::string value) {
  return test::poi(id, at, {{std::move(key), std::move(value)}});
}

// Street y = 0 from x = 0 to 2000; at 1.2 m/s 5 min = 360 m, 10 min = 720 m, 15 min = 1080 m.
// A (residential, 10 x 10 m, 3 levels = 300 m², 10 residents at 30 m²/person) at x 100..110,
//   its door the corner 10 m from the street;
// B (residential, 10 x 10 m, 6 levels = 600 m², 20 residents) at x 1500..1510;
// an office 20 x 20 m x 5 levels = 2000 m² and a commercial building 10 x 10 m x 2 = 200 m².
model::Site site() {
  model::Site s;
  s.roads.push_back(test::street(1, {0, 0}, {2000, 0}));
  s.buildings.push_back(building(1, {{100, 10}, {110, 10}, {110, 20}, {100, 20}}, model::BuildingUse::Residential, 3,
                                 model::HeightSource::Measured));
  s.buildings.push_back(
      building(2, {{1500, 10}, {1510, 10}, {1510, 20}, {1500, 20}}, model::BuildingUse::Residential, 6));
  s.buildings.push_back(building(3, {{800, 10}, {820, 10}, {820, 30}, {800, 30}}, model::BuildingUse::Office, 5,
                                 model::HeightSource::Measured));
  s.buildings.push_back(
      building(4, {{1000, -30}, {1010, -30}, {1010, -20}, {1000, -20}}, model::BuildingUse::Commercial, 2));
  s.pois.push_back(poi(11, {300, 0}, "amenity", "kindergarten"));  // A: 10 + 190 m; B: 10 + 1200 m
  s.pois.push_back(poi(12, {1700, 0}, "highway", "bus_stop"));     // B: 10 + 190 m; A: 10 + 1590 m
  s.pois.push_back(poi(13, {1000, 0}, "shop", "supermarket"));     // A: 10 + 890 m; B: 10 + 490 m
  s.pois.push_back(poi(14, {1400, 0}, "railway", "station"));      // B: 10 + 100 m; A: 10 + 1290 m
  s.pois.push_back(poi(15, {50, 0}, "shop", "bakery"));            // a shop of no life-circle category
  return s;
}

model::FacilityConfig config() {
  model::FacilityConfig c = model::defaultFacilityConfig();
  c.walking.speedMps = 1.2;
  c.walking.floorAreaPerPersonM2 = 30;
  c.walking.storeyMeters = 3;
  return c;
}

// Copies, so that the map outlives the temporary list it is made from.
std::map<std::string, Indicator> byId(const std::vector<ScenarioIndicators>& scenarios) {
  std::map<std::string, Indicator> out;
  for (const auto& s : scenarios)
    for (const auto& i : s.indicators) out[i.id] = i;
  return out;
}

OperationsFacts noOperations() {
  OperationsFacts ops;
  ops.sensorsDeclared = 3;
  ops.alertLogSource = "告警日志 x.db";
  ops.alertLogSourceEn = "alert log x.db";
  ops.alertLogWhyMissing = "x.db 处没有告警日志";
  ops.alertLogWhyMissingEn = "no alert log at x.db";
  ops.powerWhyMissingEn = "the scene has no power sensor";  // no Chinese text: both show the English
  return ops;
}

}  // namespace

TEST_CASE("indicators: the nine scenarios in order, every indicator valued or explained", "[analysis]") {
  const model::Site s = site();
  core::Diagnostics diag;
  const WalkGraph g = buildWalkGraph(s.roads, {}, diag);
  const auto scenarios = nineScenarioIndicators(g, s, config(), noOperations(), diag);
  std::vector<std::string> ids, names;
  for (const auto& sc : scenarios) {
    ids.push_back(sc.id);
    names.push_back(sc.name);
    CHECK_FALSE(sc.nameEn.empty());
    CHECK_FALSE(sc.indicators.empty());
    for (const auto& i : sc.indicators) {
      INFO(i.id);
      CHECK(i.value.has_value() == i.whyMissing.empty());
      CHECK(i.value.has_value() == i.whyMissingEn.empty());
      CHECK(i.source.empty() == i.sourceEn.empty());
      // The Chinese texts are Chinese (a character beyond ASCII); the electricity's come from the
      // caller's facts, English only here.
      if (i.id != "electricity") {
        CHECK_FALSE(i.source.empty());
        CHECK(std::any_of(i.source.begin(), i.source.end(),
                          [](char c) { return static_cast<unsigned char>(c) >= 0x80; }));
      }
      CHECK_FALSE(i.name.empty());
      CHECK_FALSE(i.nameEn.empty());
      CHECK_FALSE(i.unit.empty());
    }
  }
  CHECK(ids == std::vector<std::string>{"neighbourhood", "education", "health", "entrepreneurship", "architecture",
                                        "transport", "low_carbon", "service", "governance"});
  CHECK(names == std::vector<std::string>{"邻里", "教育", "健康", "创业", "建筑", "交通", "低碳", "服务", "治理"});
}

TEST_CASE("indicators: life-circle shares of residents, worked by hand", "[analysis]") {
  const model::Site s = site();
  core::Diagnostics diag;
  const WalkGraph g = buildWalkGraph(s.roads, {}, diag);
  const auto scenarios = nineScenarioIndicators(g, s, config(), noOperations(), diag);
  const auto ind = byId(scenarios);
  // 30 residents: A 10, B 20.
  // Kindergarten 200 m from A (2.8 min), 1210 m from B: 10 / 30.
  CHECK(*ind.at("kindergarten_5min_residents").value == Approx(33.3));
  CHECK(ind.at("kindergarten_5min_residents").unit == "%");
  // Bus stop 200 m from B: 20 / 30.
  CHECK(*ind.at("bus_stop_5min_residents").value == Approx(66.7));
  // Station 110 m from B (1.5 min), 1300 m from A (18 min): 20 / 30.
  CHECK(*ind.at("metro_10min_residents").value == Approx(66.7));
  // Supermarket 900 m from A (12.5 min), 500 m from B (6.9 min): none within 5, B within 10.
  CHECK(*ind.at("grocery_5min_residents").value == Approx(0));
  CHECK(*ind.at("market_10min_residents").value == Approx(66.7));
  // No clinic at all: nobody is covered, and the source says there are 0 facilities.
  CHECK(*ind.at("health_station_15min_residents").value == Approx(0));
  CHECK(ind.at("health_station_15min_residents").sourceEn.find("(0 facilities)") != std::string::npos);
  CHECK(ind.at("health_station_15min_residents").source.find("（0 处设施）") != std::string::npos);
  CHECK(ind.at("kindergarten_5min_residents").sourceEn ==
        "walking minutes at 1.2 m/s on the scene's streets from 2 residential buildings to POIs of facility "
        "category 'kindergarten' (1 facilities)");
  CHECK(ind.at("kindergarten_5min_residents").source ==
        "按 1.2 m/s 步速沿场景道路，从 2 栋居住建筑到设施类别 'kindergarten' 的 POI 的步行分钟数（1 处设施）");
  // Many required categories have no facility: nobody has the whole 15-minute life circle.
  CHECK(*ind.at("life_circle_15min_complete_residents").value == Approx(0));
}

TEST_CASE("indicators: building stock, shops and stations, worked by hand", "[analysis]") {
  const model::Site s = site();
  core::Diagnostics diag;
  const WalkGraph g = buildWalkGraph(s.roads, {}, diag);
  const auto ind = byId(nineScenarioIndicators(g, s, config(), noOperations(), diag));
  CHECK(*ind.at("buildings").value == 4);
  // 300 + 600 + 2000 + 200 m².
  CHECK(*ind.at("total_floor_area").value == Approx(3100));
  CHECK(*ind.at("office_floor_area").value == Approx(2000));
  CHECK(*ind.at("commercial_floor_area").value == Approx(200));
  // Two of four footprints carry a measured height.
  CHECK(*ind.at("measured_height_share").value == Approx(50));
  // Two shops (supermarket, bakery) for 30 residents.
  CHECK(*ind.at("shops_per_1000_residents").value == Approx(66.67));
  CHECK(*ind.at("metro_stations").value == 1);
}

TEST_CASE("indicators: missing data gives no value and a reason, never a figure", "[analysis]") {
  core::Diagnostics diag;
  SECTION("no alert log, no power sensor") {
    const model::Site s = site();
    const WalkGraph g = buildWalkGraph(s.roads, {}, diag);
    const auto ind = byId(nineScenarioIndicators(g, s, config(), noOperations(), diag));
    CHECK(*ind.at("sensors").value == 3);
    for (const char* id : {"sensors_online", "active_alerts", "mean_time_to_acknowledge"}) {
      INFO(id);
      CHECK_FALSE(ind.at(id).value.has_value());
      CHECK(ind.at(id).whyMissing == "x.db 处没有告警日志");
      CHECK(ind.at(id).whyMissingEn == "no alert log at x.db");
      CHECK(ind.at(id).source == "告警日志 x.db");
      CHECK(ind.at(id).sourceEn == "alert log x.db");
    }
    CHECK_FALSE(ind.at("electricity").value.has_value());
    CHECK(ind.at("electricity").whyMissing == "the scene has no power sensor");
    CHECK(ind.at("electricity").whyMissingEn == "the scene has no power sensor");
  }
  SECTION("a category the scene's mapping lacks") {
    const model::Site s = site();
    const WalkGraph g = buildWalkGraph(s.roads, {}, diag);
    model::FacilityConfig c = config();
    c.categories.erase(std::remove_if(c.categories.begin(), c.categories.end(),
                                      [](const model::FacilityCategory& f) { return f.id == "park"; }),
                       c.categories.end());
    const auto ind = byId(nineScenarioIndicators(g, s, c, noOperations(), diag));
    CHECK_FALSE(ind.at("park_10min_residents").value.has_value());
    CHECK(ind.at("park_10min_residents").whyMissingEn == "the scene's facility mapping has no category 'park'");
    CHECK(ind.at("park_10min_residents").whyMissing == "场景的设施映射中没有类别 'park'");
  }
  SECTION("no residential building") {
    model::Site s = site();
    s.buildings.erase(s.buildings.begin(), s.buildings.begin() + 2);
    const WalkGraph g = buildWalkGraph(s.roads, {}, diag);
    const auto ind = byId(nineScenarioIndicators(g, s, config(), noOperations(), diag));
    CHECK_FALSE(ind.at("kindergarten_5min_residents").value.has_value());
    CHECK(ind.at("kindergarten_5min_residents").whyMissingEn == "the scene has no residential buildings");
    CHECK(ind.at("kindergarten_5min_residents").whyMissing == "场景中没有居住建筑");
    CHECK(ind.at("life_circle_15min_complete_residents").whyMissingEn ==
          "the scene has no residential buildings with floor area");
    CHECK(ind.at("life_circle_15min_complete_residents").whyMissing == "场景中没有有建筑面积的居住建筑");
    CHECK(ind.at("shops_per_1000_residents").whyMissingEn == "the scene has no residents (no residential floor area)");
    CHECK(ind.at("shops_per_1000_residents").whyMissing == "场景中没有居民（没有居住建筑面积）");
    CHECK(*ind.at("buildings").value == 2);
  }
  SECTION("no building at all") {
    model::Site s = site();
    s.buildings.clear();
    const WalkGraph g = buildWalkGraph(s.roads, {}, diag);
    const auto ind = byId(nineScenarioIndicators(g, s, config(), noOperations(), diag));
    CHECK(ind.at("measured_height_share").whyMissingEn == "the scene has no buildings");
    CHECK(ind.at("measured_height_share").whyMissing == "场景中没有建筑");
  }
  SECTION("an alert log without any alert of the scene's sensors") {
    const model::Site s = site();
    const WalkGraph g = buildWalkGraph(s.roads, {}, diag);
    OperationsFacts ops = noOperations();
    ops.alertLogRead = true;
    const auto ind = byId(nineScenarioIndicators(g, s, config(), ops, diag));
    CHECK(*ind.at("active_alerts").value == 0);
    CHECK_FALSE(ind.at("sensors_online").value.has_value());
    CHECK(ind.at("sensors_online").whyMissingEn ==
          "the alert log holds no alert of the scene's sensors, so it cannot tell which are online");
    CHECK(ind.at("sensors_online").whyMissing == "告警日志中没有本场景传感器的告警，无法判断哪些传感器在线");
  }
  SECTION("an alert log with no acknowledged alert") {
    const model::Site s = site();
    const WalkGraph g = buildWalkGraph(s.roads, {}, diag);
    OperationsFacts ops = noOperations();
    ops.alertLogRead = true;
    ops.alerts = {{"a", 1000, 0, true, false}};
    const auto ind = byId(nineScenarioIndicators(g, s, config(), ops, diag));
    CHECK(*ind.at("active_alerts").value == 1);
    CHECK(ind.at("mean_time_to_acknowledge").whyMissingEn ==
          "no alert of the scene's sensors has been acknowledged (1 alerts in the log)");
    CHECK(ind.at("mean_time_to_acknowledge").whyMissing == "本场景传感器的告警均未被确认（日志中共 1 条告警）");
  }
}

TEST_CASE("indicators: sensors online, alerts and time to acknowledge from the alert log", "[analysis]") {
  const model::Site s = site();
  core::Diagnostics diag;
  const WalkGraph g = buildWalkGraph(s.roads, {}, diag);
  OperationsFacts ops = noOperations();
  ops.alertLogRead = true;
  ops.alerts = {
      {"s1", 0, 120000, true, false},                   // acknowledged after 2 min, still active
      {"s2", 5000, 0, true, true},                      // s2 silent: offline
      {"s1", 1000000, 1000000 + 240000, false, false},  // acknowledged after 4 min, cleared
      {"s3", 9000, 0, false, true},                     // s3 was silent, came back: online
  };
  const auto ind = byId(nineScenarioIndicators(g, s, config(), ops, diag));
  CHECK(*ind.at("sensors_online").value == 2);
  CHECK(*ind.at("active_alerts").value == 2);
  CHECK(*ind.at("mean_time_to_acknowledge").value == Approx(3.0));
  CHECK(ind.at("mean_time_to_acknowledge").unit == "min");
  CHECK(ind.at("mean_time_to_acknowledge").sourceEn == "2 acknowledged alerts in the alert log x.db");
  CHECK(ind.at("mean_time_to_acknowledge").source == "告警日志 x.db 中 2 条已确认告警");
  CHECK(ind.at("sensors_online").source == "告警日志 x.db 中没有活动 'stale'（数据中断）告警的传感器");
}

TEST_CASE("indicators: electricity integrates kW readings, skipping gaps", "[analysis]") {
  const std::int64_t h = 3600000;
  // 0-1 h: mean 150 kW -> 150 kWh; 1-2 h: 200 kWh; 2-5 h: a 3 h gap, not integrated.
  const std::vector<std::pair<std::int64_t, double>> series = {{0, 100}, {h, 200}, {2 * h, 200}, {5 * h, 100}};
  CHECK(integrateKwh(series, 90) == Approx(350));
  CHECK(integrateKwh(series, 240) == Approx(800));
  CHECK(integrateKwh(series, 30) == 0);  // every interval is longer than 30 min
  CHECK(integrateKwh({{0, 100}}, 30) == 0);
  CHECK(integrateKwh({{0, 100}, {h, std::nan("")}, {2 * h, 100}}, 90) == 0);

  const model::Site s = site();
  core::Diagnostics diag;
  const WalkGraph g = buildWalkGraph(s.roads, {}, diag);
  OperationsFacts ops = noOperations();
  ops.power = {{"p1", series}, {"p2", {{0, 10}, {h, 10}}}};
  ops.maxGapMinutes = 90;
  ops.powerSource = "回放文件 p.jsonl";
  ops.powerSourceEn = "replay file p.jsonl";
  const auto ind = byId(nineScenarioIndicators(g, s, config(), ops, diag));
  CHECK(*ind.at("electricity").value == Approx(360));
  CHECK(ind.at("electricity").sourceEn == "2 power sensors, 5.0 h of readings (replay file p.jsonl), trapezoid rule");
  CHECK(ind.at("electricity").source == "2 个电力传感器，5.0 小时读数（回放文件 p.jsonl），梯形法积分");
}
