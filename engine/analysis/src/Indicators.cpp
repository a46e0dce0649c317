// Nine-scenario indicators: each one a small formula over the coverage rows, the building
// stock, the POIs or the operations facts. Sections: helpers, life circle, stock and POIs,
// operations, assembly.
#include "twin/analysis/Indicators.h"

#include <cmath>
#include <limits>
#include <set>

#include "twin/core/TextFormat.h"
#include "twin/analysis/Coverage.h"
#include "twin/analysis/Tod.h"

namespace twin::analysis {

namespace {

// ---------------------------------------------------------------------------------------------
// Helpers

double roundTo(double v, int decimals) {
  const double f = std::pow(10.0, decimals);
  return std::round(v * f) / f;
}

// A text in both languages, Chinese first as with the names.
struct Text {
  std::string zh, en;
};

Text operator+(const Text& a, const Text& b) { return {a.zh + b.zh, a.en + b.en}; }

Indicator valued(std::string id, std::string name, std::string nameEn, double value, std::string unit, Text source) {
  Indicator i;
  i.id = std::move(id);
  i.name = std::move(name);
  i.nameEn = std::move(nameEn);
  i.value = value;
  i.unit = std::move(unit);
  i.source = std::move(source.zh);
  i.sourceEn = std::move(source.en);
  return i;
}

Indicator missing(std::string id, std::string name, std::string nameEn, std::string unit, Text source, Text why) {
  Indicator i;
  i.id = std::move(id);
  i.name = std::move(name);
  i.nameEn = std::move(nameEn);
  i.unit = std::move(unit);
  i.source = std::move(source.zh);
  i.sourceEn = std::move(source.en);
  i.whyMissing = std::move(why.zh);
  i.whyMissingEn = std::move(why.en);
  return i;
}

// "12 residential buildings" / "12 栋居住建筑".
Text count(std::size_t n, const char* zhMeasureAndWhat, const char* enWhat) {
  return {std::to_string(n) + " " + zhMeasureAndWhat, std::to_string(n) + " " + enWhat};
}

// The caller's facts; a language it left empty takes the other one's text.
Text fact(const std::string& zh, const std::string& en) { return {zh.empty() ? en : zh, en.empty() ? zh : en}; }

// ---------------------------------------------------------------------------------------------
// Life circle: share of residents whose building reaches a category within a walk

struct LifeCircle {
  const CoverageModel& coverage;
  const model::FacilityConfig& config;
  double residents = 0;
  std::size_t buildings = 0;

  // Share (%) of residents within `minutes` of the nearest facility of `category`.
  Indicator share(const std::string& id, const std::string& name, const std::string& nameEn,
                  const std::string& category, double minutes) const {
    const std::string speed = core::fixed(coverage.speedMps(), 1);
    const Text source{"按 " + speed + " m/s 步速沿场景道路，从 " + std::to_string(buildings) +
                          " 栋居住建筑到设施类别 '" + category + "' 的 POI 的步行分钟数",
                      "walking minutes at " + speed + " m/s on the scene's streets from " + std::to_string(buildings) +
                          " residential buildings to POIs of facility category '" + category + "'"};
    std::size_t c = config.categories.size();
    for (std::size_t i = 0; i < config.categories.size(); ++i)
      if (config.categories[i].id == category) c = i;
    if (c == config.categories.size())
      return missing(id, name, nameEn, "%", source,
                     {"场景的设施映射中没有类别 '" + category + "'",
                      "the scene's facility mapping has no category '" + category + "'"});
    if (buildings == 0)
      return missing(id, name, nameEn, "%", source, {"场景中没有居住建筑", "the scene has no residential buildings"});
    if (!(residents > 0))
      return missing(
          id, name, nameEn, "%", source,
          {"居住建筑没有建筑面积，因此没有居民", "the residential buildings have no floor area, so no residents"});
    std::size_t facilities = 0;
    for (const model::Facility& f : coverage.facilities()) facilities += f.category == c ? 1 : 0;
    double covered = 0;
    for (const BuildingCoverage& row : coverage.buildings())
      if (row.minutes[c] <= minutes) covered += row.residents;
    return valued(id, name, nameEn, roundTo(100.0 * covered / residents, 1), "%",
                  source + Text{"（" + std::to_string(facilities) + " 处设施）",
                                " (" + std::to_string(facilities) + " facilities)"});
  }

  // Share (%) of residents whose building meets every required category of the 15-minute level.
  Indicator fullLevel(int levelBit, int minutes) const {
    const std::string id = "life_circle_" + std::to_string(minutes) + "min_complete_residents";
    const std::string name = std::to_string(minutes) + "分钟生活圈配套齐全的居民比例";
    const std::string nameEn = "Residents with every " + std::to_string(minutes) + "-minute life-circle facility";
    const Text source{
        std::to_string(buildings) + " 栋居住建筑达到的 GB 50180 生活圈层级（该层级每类必需设施均在其步行分钟内）",
        "GB 50180 levels met by " + std::to_string(buildings) +
            " residential buildings (every required category of the level within its minutes)"};
    if (buildings == 0 || !(residents > 0))
      return missing(id, name, nameEn, "%", source,
                     {"场景中没有有建筑面积的居住建筑", "the scene has no residential buildings with floor area"});
    double met = 0;
    for (const BuildingCoverage& row : coverage.buildings())
      if (row.levelsMet & unsigned(levelBit)) met += row.residents;
    return valued(id, name, nameEn, roundTo(100.0 * met / residents, 1), "%", source);
  }
};

// ---------------------------------------------------------------------------------------------
// Building stock and POIs

bool isShopOrService(const model::Poi& p) {
  if (p.category == "shop") return true;
  static const std::set<std::string> amenities = {"restaurant", "cafe",     "fast_food",  "bank",       "marketplace",
                                                  "bar",        "pharmacy", "food_court", "post_office"};
  return p.category == "amenity" && amenities.count(p.kind) > 0;
}

double useFloorArea(const model::Site& site, double storeyMeters, std::initializer_list<model::BuildingUse> uses) {
  double sum = 0;
  for (const model::Building& b : site.buildings)
    for (model::BuildingUse u : uses)
      if (b.use == u) sum += floorAreaM2(b, storeyMeters);
  return sum;
}

// ---------------------------------------------------------------------------------------------
// Operations

Indicator fromAlertLog(const OperationsFacts& ops, std::string id, std::string name, std::string nameEn,
                       std::string unit) {
  const Text why = ops.alertLogWhyMissingEn.empty() && ops.alertLogWhyMissing.empty()
                       ? Text{"未读取告警日志", "no alert log was read"}
                       : fact(ops.alertLogWhyMissing, ops.alertLogWhyMissingEn);
  return missing(std::move(id), std::move(name), std::move(nameEn), std::move(unit),
                 fact(ops.alertLogSource, ops.alertLogSourceEn), why);
}

}  // namespace

double integrateKwh(const std::vector<std::pair<std::int64_t, double>>& samplesKw, double maxGapMinutes) {
  double kwh = 0;
  for (std::size_t i = 1; i < samplesKw.size(); ++i) {
    const auto& [t0, p0] = samplesKw[i - 1];
    const auto& [t1, p1] = samplesKw[i];
    const double hours = double(t1 - t0) / 3.6e6;
    if (!(hours > 0) || hours * 60.0 > maxGapMinutes || !std::isfinite(p0) || !std::isfinite(p1)) continue;
    kwh += 0.5 * (p0 + p1) * hours;
  }
  return kwh;
}

std::vector<ScenarioIndicators> nineScenarioIndicators(const WalkGraph& graph, const model::Site& site,
                                                       const model::FacilityConfig& config, const OperationsFacts& ops,
                                                       core::Diagnostics& diag) {
  CoverageModel coverage(graph, site, config, model::facilitiesFromPois(site.pois, config), diag, 30.0);
  LifeCircle life{coverage, config};
  for (const BuildingCoverage& row : coverage.buildings()) life.residents += row.residents;
  life.buildings = coverage.buildings().size();
  const double storey = config.walking.storeyMeters;

  std::vector<ScenarioIndicators> out;
  auto scenario = [&](const char* id, const char* name, const char* nameEn) -> std::vector<Indicator>& {
    out.push_back({id, name, nameEn, {}});
    return out.back().indicators;
  };

  {
    auto& s = scenario("neighbourhood", "邻里", "Neighbourhood");
    s.push_back(life.share("community_service_5min_residents", "5分钟可达社区服务站的居民比例",
                           "Residents within 5 min of a community service station", "community_service", 5));
    s.push_back(life.share("sports_ground_5min_residents", "5分钟可达运动健身场地的居民比例",
                           "Residents within 5 min of a sports or fitness ground", "sports_ground", 5));
    s.push_back(life.share("cultural_centre_15min_residents", "15分钟可达文化活动中心的居民比例",
                           "Residents within 15 min of a cultural centre", "cultural_centre", 15));
  }
  {
    auto& s = scenario("education", "教育", "Education");
    s.push_back(life.share("kindergarten_5min_residents", "5分钟可达幼儿园或托育机构的居民比例",
                           "Residents within 5 min of a kindergarten or nursery", "kindergarten", 5));
    s.push_back(life.share("primary_school_10min_residents", "10分钟可达小学的居民比例",
                           "Residents within 10 min of a primary school", "primary_school", 10));
    s.push_back(life.share("middle_school_15min_residents", "15分钟可达初中的居民比例",
                           "Residents within 15 min of a middle school", "middle_school", 15));
  }
  {
    auto& s = scenario("health", "健康", "Health");
    s.push_back(life.share("health_station_15min_residents", "15分钟可达社区卫生服务站的居民比例",
                           "Residents within 15 min of a community health station", "health_station", 15));
    s.push_back(life.share("elderly_day_care_5min_residents", "5分钟可达老年人日间照料中心的居民比例",
                           "Residents within 5 min of an elderly day-care centre", "elderly_day_care", 5));
    s.push_back(life.share("health_centre_15min_residents", "15分钟可达社区卫生服务中心或医院的居民比例",
                           "Residents within 15 min of a health centre or hospital", "health_centre", 15));
  }
  {
    auto& s = scenario("entrepreneurship", "创业", "Entrepreneurship");
    const double office = useFloorArea(site, storey, {model::BuildingUse::Office});
    const double commercial = useFloorArea(site, storey, {model::BuildingUse::Commercial});
    std::size_t offices = 0, shops = 0;
    for (const model::Building& b : site.buildings) offices += b.use == model::BuildingUse::Office ? 1 : 0;
    for (const model::Poi& p : site.pois) shops += isShopOrService(p) ? 1 : 0;
    s.push_back(valued("office_floor_area", "办公建筑面积", "Office floor area", std::round(office), "m²",
                       count(offices, "栋办公用途建筑", "buildings of use office") +
                           Text{"，基底面积 × 层数", ", footprint x levels"}));
    s.push_back(valued("commercial_floor_area", "商业建筑面积", "Commercial floor area", std::round(commercial), "m²",
                       {"商业用途建筑，基底面积 × 层数", "buildings of use commercial, footprint x levels"}));
    const std::string residents = core::fixed(life.residents, 0);
    const std::string perPerson = core::fixed(config.walking.floorAreaPerPersonM2, 0);
    const Text shopSource =
        count(shops, "个 shop=* 或商业类 amenity 的 POI", "POIs with shop=* or a shop-like amenity") +
        Text{"，" + residents + " 名居民（居住建筑面积 / " + perPerson + " m²）",
             " and " + residents + " residents (residential floor area / " + perPerson + " m²)"};
    if (life.residents > 0)
      s.push_back(valued("shops_per_1000_residents", "每千人商业网点数", "Shops and services per 1,000 residents",
                         roundTo(1000.0 * double(shops) / life.residents, 2), "per 1000 residents", shopSource));
    else
      s.push_back(
          missing("shops_per_1000_residents", "每千人商业网点数", "Shops and services per 1,000 residents",
                  "per 1000 residents", shopSource,
                  {"场景中没有居民（没有居住建筑面积）", "the scene has no residents (no residential floor area)"}));
  }
  {
    auto& s = scenario("architecture", "建筑", "Architecture");
    double floor = 0;
    std::size_t measured = 0;
    std::set<std::pair<std::string, std::int64_t>> ids;
    for (const model::Building& b : site.buildings) {
      floor += floorAreaM2(b, storey);
      measured += b.heightSource == model::HeightSource::Measured ? 1 : 0;
      ids.emplace(b.idKind, b.osmId);
    }
    const std::string footprints = std::to_string(site.buildings.size());
    s.push_back(valued("buildings", "建筑数量", "Buildings", double(ids.size()), "count",
                       {std::to_string(ids.size()) + " 栋建筑的 " + footprints + " 个建筑轮廓",
                        footprints + " building footprints of " + std::to_string(ids.size()) + " buildings"}));
    const std::string storeyText = core::fixed(storey, 1);
    s.push_back(valued(
        "total_floor_area", "总建筑面积", "Total floor area", std::round(floor), "m²",
        {"全部建筑，基底面积 × 层数（层数取 building:levels，否则为高度 / " + storeyText + " m）",
         "every building, footprint x levels (levels from building:levels, else height / " + storeyText + " m)"}));
    if (site.buildings.empty())
      s.push_back(missing("measured_height_share", "实测高度建筑比例", "Buildings with a measured height", "%",
                          {"每栋建筑的高度来源", "height source of each building"},
                          {"场景中没有建筑", "the scene has no buildings"}));
    else
      s.push_back(valued("measured_height_share", "实测高度建筑比例", "Buildings with a measured height",
                         roundTo(100.0 * double(measured) / double(site.buildings.size()), 1), "%",
                         {footprints + " 个建筑轮廓中 " + std::to_string(measured) + " 个带有标注高度（OSM height=*）",
                          std::to_string(measured) + " of " + footprints +
                              " building footprints with a tagged height (OSM height=*)"}));
  }
  {
    auto& s = scenario("transport", "交通", "Transport");
    s.push_back(life.share("metro_10min_residents", "10分钟可达地铁站或出入口的居民比例",
                           "Residents within 10 min of a metro station or entrance", "metro_station", 10));
    s.push_back(life.share("bus_stop_5min_residents", "5分钟可达公交站的居民比例",
                           "Residents within 5 min of a bus stop", "bus_stop", 5));
    const std::vector<TodStation> stations = findStations(site);
    s.push_back(valued("metro_stations", "轨道交通站点数", "Rail and metro stations", double(stations.size()), "count",
                       {"railway=station|halt 的 POI，或带 train/subway/light_rail 的 public_transport=station",
                        "POIs railway=station|halt, or public_transport=station with train/subway/light_rail"}));
  }
  {
    auto& s = scenario("low_carbon", "低碳", "Low carbon");
    s.push_back(life.share("park_10min_residents", "10分钟可达公园绿地的居民比例",
                           "Residents within 10 min of a park or garden", "park", 10));
    if (ops.power.empty()) {
      s.push_back(missing("electricity", "用电量", "Electricity use", "kWh", fact(ops.powerSource, ops.powerSourceEn),
                          ops.powerWhyMissing.empty() && ops.powerWhyMissingEn.empty()
                              ? Text{"没有电力读数", "no power readings"}
                              : fact(ops.powerWhyMissing, ops.powerWhyMissingEn)));
    } else {
      double kwh = 0;
      std::int64_t first = std::numeric_limits<std::int64_t>::max(), last = std::numeric_limits<std::int64_t>::min();
      for (const PowerSeries& p : ops.power) {
        kwh += integrateKwh(p.samplesKw, ops.maxGapMinutes);
        if (!p.samplesKw.empty()) {
          first = std::min(first, p.samplesKw.front().first);
          last = std::max(last, p.samplesKw.back().first);
        }
      }
      const double hours = last > first ? double(last - first) / 3.6e6 : 0;
      const Text source = fact(ops.powerSource, ops.powerSourceEn);
      const std::string sensorCount = std::to_string(ops.power.size()), span = core::fixed(hours, 1);
      s.push_back(
          valued("electricity", "用电量", "Electricity use", roundTo(kwh, 1), "kWh",
                 {sensorCount + " 个电力传感器，" + span + " 小时读数（" + source.zh + "），梯形法积分",
                  sensorCount + " power sensors, " + span + " h of readings (" + source.en + "), trapezoid rule"}));
    }
  }
  {
    auto& s = scenario("service", "服务", "Service");
    s.push_back(life.share("grocery_5min_residents", "5分钟可达便利店或超市的居民比例",
                           "Residents within 5 min of a convenience shop or supermarket", "grocery", 5));
    s.push_back(life.share("market_10min_residents", "10分钟可达菜市场或生鲜超市的居民比例",
                           "Residents within 10 min of a fresh-food market", "market", 10));
    s.push_back(life.fullLevel(int(kLevel15), 15));
  }
  {
    auto& s = scenario("governance", "治理", "Governance");
    s.push_back(valued("sensors", "接入传感器数", "Sensors connected", double(ops.sensorsDeclared), "count",
                       {"场景文件中声明的传感器", "sensors declared in the scene file"}));
    if (!ops.alertLogRead) {
      s.push_back(fromAlertLog(ops, "sensors_online", "在线传感器数", "Sensors online", "count"));
      s.push_back(fromAlertLog(ops, "active_alerts", "活动告警数", "Active alerts", "count"));
      s.push_back(fromAlertLog(ops, "mean_time_to_acknowledge", "平均确认时长", "Mean time to acknowledge", "min"));
    } else {
      std::set<std::string> offline;
      std::size_t active = 0, acknowledged = 0;
      double ackMinutes = 0;
      for (const AlertTiming& a : ops.alerts) {
        if (a.active) ++active;
        if (a.active && a.stale) offline.insert(a.sensorId);
        if (a.ackMs > 0 && a.ackMs >= a.raisedMs) {
          ++acknowledged;
          ackMinutes += double(a.ackMs - a.raisedMs) / 60000.0;
        }
      }
      const std::size_t online = ops.sensorsDeclared > offline.size() ? ops.sensorsDeclared - offline.size() : 0;
      const Text log = fact(ops.alertLogSource, ops.alertLogSourceEn);
      const std::string alertCount = std::to_string(ops.alerts.size());
      // A log that never saw these sensors cannot tell a quiet sensor from one never monitored.
      if (ops.alerts.empty())
        s.push_back(
            missing("sensors_online", "在线传感器数", "Sensors online", "count", log,
                    {"告警日志中没有本场景传感器的告警，无法判断哪些传感器在线",
                     "the alert log holds no alert of the scene's sensors, so it cannot tell which are online"}));
      else
        s.push_back(valued("sensors_online", "在线传感器数", "Sensors online", double(online), "count",
                           {log.zh + " 中没有活动 'stale'（数据中断）告警的传感器",
                            "sensors without an active 'stale' alert in the " + log.en}));
      s.push_back(valued("active_alerts", "活动告警数", "Active alerts", double(active), "count",
                         {log.zh + " 中本场景传感器的 " + alertCount + " 条告警",
                          alertCount + " alerts of the scene's sensors in the " + log.en}));
      if (acknowledged == 0)
        s.push_back(
            missing("mean_time_to_acknowledge", "平均确认时长", "Mean time to acknowledge", "min", log,
                    {"本场景传感器的告警均未被确认（日志中共 " + alertCount + " 条告警）",
                     "no alert of the scene's sensors has been acknowledged (" + alertCount + " alerts in the log)"}));
      else
        s.push_back(valued("mean_time_to_acknowledge", "平均确认时长", "Mean time to acknowledge",
                           roundTo(ackMinutes / double(acknowledged), 1), "min",
                           {log.zh + " 中 " + std::to_string(acknowledged) + " 条已确认告警",
                            std::to_string(acknowledged) + " acknowledged alerts in the " + log.en}));
    }
  }
  return out;
}

}  // namespace twin::analysis
