#include "twin/model/Facility.h"

#include <cmath>
#include <set>

#include <nlohmann/json.hpp>

#include "twin/core/UntrustedInput.h"

namespace twin::model {

namespace {

std::vector<TagRule> rules(std::initializer_list<const char*> texts) {
  std::vector<TagRule> out;
  for (const char* text : texts) {
    const std::string s(text);
    const auto eq = s.find('=');
    out.push_back({s.substr(0, eq), s.substr(eq + 1)});
  }
  return out;
}

}  // namespace

FacilityConfig defaultFacilityConfig() {
  // Levels follow GB 50180-2018 Appendix B (配套设施设置规定); docs/life-circle.md lists the
  // standard's facility name behind each id.
  FacilityConfig c;
  c.categories = {
      {"kindergarten", "幼儿园", 5, true, rules({"amenity=kindergarten", "amenity=childcare"})},
      {"community_service", "社区服务站", 5, true,
       rules({"amenity=community_centre", "office=government", "amenity=social_centre"})},
      {"health_station", "社区卫生服务站", 5, true,
       rules({"amenity=clinic", "amenity=doctors", "healthcare=clinic", "healthcare=doctor", "healthcare=centre"})},
      {"elderly_day_care", "老年人日间照料中心", 5, true,
       rules({"social_facility:for=senior", "social_facility=day_care", "amenity=social_facility"})},
      {"grocery", "社区商业网点（超市、便利店）", 5, true,
       rules({"shop=convenience", "shop=supermarket", "shop=greengrocer", "shop=grocery"})},
      {"sports_ground", "小型多功能运动场地/室外健身场地", 5, true,
       rules({"leisure=pitch", "leisure=fitness_station", "leisure=sports_centre", "leisure=playground",
              "leisure=track"})},
      {"primary_school", "小学", 10, true, rules({"amenity=school", "isced:level=1", "school=primary"})},
      {"market", "菜市场或生鲜超市", 10, true, rules({"amenity=marketplace", "shop=supermarket", "shop=greengrocer"})},
      {"park", "公园/公共绿地", 10, true, rules({"leisure=park", "leisure=garden"})},
      {"bus_stop", "公交车站", 10, true,
       rules({"highway=bus_stop", "public_transport=platform", "amenity=bus_station"})},
      {"middle_school", "初中", 15, true, rules({"amenity=school", "isced:level=2", "school=secondary"})},
      {"health_centre", "社区卫生服务中心/医院", 15, true, rules({"amenity=hospital", "healthcare=hospital"})},
      {"nursing_home", "养老院/老年养护院", 15, true,
       rules({"amenity=nursing_home", "social_facility=nursing_home", "social_facility=assisted_living"})},
      {"cultural_centre", "文化活动中心", 15, true,
       rules({"amenity=arts_centre", "amenity=library", "amenity=community_centre", "amenity=theatre"})},
      {"metro_station", "轨道交通站点", 15, true,
       rules({"railway=station", "railway=subway_entrance", "station=subway", "railway=halt",
              "railway=train_station_entrance"})},
  };
  return c;
}

std::vector<std::size_t> matchFacilityCategories(const FacilityConfig& config, const Tags& tags) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < config.categories.size(); ++i) {
    for (const TagRule& rule : config.categories[i].rules) {
      const auto it = tags.find(rule.key);
      if (it == tags.end()) continue;
      if (rule.value == "*" ? it->second != "no" : it->second == rule.value) {
        out.push_back(i);
        break;
      }
    }
  }
  return out;
}

namespace {

std::string poiTag(const Poi& poi, const char* key) {
  const auto it = poi.tags.find(key);
  if (it != poi.tags.end()) return it->second;
  return poi.category == key ? poi.kind : std::string();
}

bool isStation(const Poi& poi) {
  const std::string railway = poiTag(poi, "railway");
  return railway == "station" || railway == "halt" || poiTag(poi, "public_transport") == "station";
}

bool isStationEntrance(const Poi& poi) {
  const std::string railway = poiTag(poi, "railway");
  return railway == "subway_entrance" || railway == "train_station_entrance";
}

// The group of each POI (see facilitiesFromPois()): entrances are usually tagged only with a ref
// ("A1"), so the station they open onto is found by distance, and by name only as a fallback.
std::vector<std::string> stationGroups(const std::vector<Poi>& pois) {
  std::vector<std::string> groups(pois.size());
  std::vector<std::size_t> stations;
  for (std::size_t i = 0; i < pois.size(); ++i)
    if (core::isFinite(pois[i].position) && isStation(pois[i])) {
      stations.push_back(i);
      groups[i] = pois[i].idKind + " " + std::to_string(pois[i].osmId);
    }
  for (std::size_t i = 0; i < pois.size(); ++i) {
    if (!core::isFinite(pois[i].position) || !isStationEntrance(pois[i]) || isStation(pois[i])) continue;
    double best = kStationEntranceRadiusMeters;
    for (std::size_t s : stations) {
      const double d = std::hypot(pois[s].position.x - pois[i].position.x, pois[s].position.y - pois[i].position.y);
      if (d <= best) {
        best = d;
        groups[i] = groups[s];
      }
    }
    if (groups[i].empty() && !pois[i].name.empty()) groups[i] = "name " + pois[i].name;
  }
  return groups;
}

}  // namespace

std::vector<Facility> facilitiesFromPois(const std::vector<Poi>& pois, const FacilityConfig& config) {
  const std::vector<std::string> groups = stationGroups(pois);
  std::vector<Facility> out;
  for (std::size_t i = 0; i < pois.size(); ++i) {
    const Poi& poi = pois[i];
    if (!core::isFinite(poi.position)) continue;
    Tags tags = poi.tags;
    // The loader reduces a POI to (category, kind); make sure that pair matches even when the
    // loader dropped it from the tag map.
    if (!poi.category.empty() && !tags.count(poi.category)) tags[poi.category] = poi.kind;
    for (std::size_t c : matchFacilityCategories(config, tags))
      out.push_back({c, poi.position, poi.osmId, poi.idKind, poi.name, groups[i]});
  }
  return out;
}

std::size_t distinctFacilityCount(const std::vector<Facility>& facilities, std::size_t category) {
  std::size_t alone = 0;
  std::set<std::string> groups;
  for (const Facility& f : facilities) {
    if (f.category != category) continue;
    if (f.group.empty())
      ++alone;
    else
      groups.insert(f.group);
  }
  return alone + groups.size();
}

namespace {

using Json = nlohmann::json;

struct Parser {
  std::string file;
  std::string errorText;

  bool failAt(const std::string& key, const std::string& what) {
    errorText = "model::parseFacilityConfig(): " + file + ": key '" + key + "': " + what;
    return false;
  }

  bool positive(const Json& obj, const char* name, const std::string& prefix, double& out) {
    const auto it = obj.find(name);
    if (it == obj.end()) return true;
    if (!it->is_number() || !std::isfinite(it->get<double>()) || it->get<double>() <= 0)
      return failAt(prefix + name, "expected a positive number");
    out = it->get<double>();
    return true;
  }

  bool walking(const Json& w, WalkingConfig& out) {
    if (!w.is_object()) return failAt("walking", "expected an object");
    return positive(w, "speed_mps", "walking.", out.speedMps) &&
           positive(w, "elderly_speed_mps", "walking.", out.elderlySpeedMps) &&
           positive(w, "steps_factor", "walking.", out.stepsFactor) &&
           positive(w, "floor_area_per_person_m2", "walking.", out.floorAreaPerPersonM2) &&
           positive(w, "storey_m", "walking.", out.storeyMeters) &&
           positive(w, "max_snap_m", "walking.", out.maxSnapMeters) &&
           positive(w, "walk_off_m", "walking.", out.walkOffMeters);
  }

  bool category(const std::string& id, const Json& j, FacilityCategory& out) {
    const std::string key = "facilities.categories." + id;
    if (!j.is_object()) return failAt(key, "expected an object");
    out.id = id;
    if (const auto it = j.find("label"); it != j.end()) {
      if (!it->is_string()) return failAt(key + ".label", "expected a string");
      out.label = it->get<std::string>();
    }
    if (const auto it = j.find("level"); it != j.end()) {
      if (!it->is_number_integer() || (it->get<int>() != 5 && it->get<int>() != 10 && it->get<int>() != 15))
        return failAt(key + ".level", "expected 5, 10 or 15");
      out.levelMinutes = it->get<int>();
    }
    if (const auto it = j.find("required"); it != j.end()) {
      if (!it->is_boolean()) return failAt(key + ".required", "expected true or false");
      out.required = it->get<bool>();
    }
    if (const auto it = j.find("tags"); it != j.end()) {
      if (!it->is_array()) return failAt(key + ".tags", "expected an array of \"key=value\" strings");
      out.rules.clear();
      for (std::size_t i = 0; i < it->size(); ++i) {
        const Json& t = (*it)[i];
        const std::string at = key + ".tags[" + std::to_string(i) + "]";
        if (!t.is_string()) return failAt(at, "expected a \"key=value\" string");
        const std::string s = t.get<std::string>();
        const auto eq = s.find('=');
        if (eq == std::string::npos || eq == 0 || eq + 1 == s.size())
          return failAt(at, "expected \"key=value\" or \"key=*\", got '" + s + "'");
        out.rules.push_back({s.substr(0, eq), s.substr(eq + 1)});
      }
    }
    if (out.rules.empty()) return failAt(key + ".tags", "a category needs at least one tag rule");
    return true;
  }

  bool facilities(const Json& f, FacilityConfig& out) {
    if (!f.is_object()) return failAt("facilities", "expected an object");
    if (const auto it = f.find("replace_defaults"); it != f.end()) {
      if (!it->is_boolean()) return failAt("facilities.replace_defaults", "expected true or false");
      if (it->get<bool>()) out.categories.clear();
    }
    const auto cats = f.find("categories");
    if (cats == f.end()) return true;
    if (!cats->is_object()) return failAt("facilities.categories", "expected an object keyed by category id");
    for (auto it = cats->begin(); it != cats->end(); ++it) {
      if (it.key().empty()) return failAt("facilities.categories", "empty category id");
      FacilityCategory* existing = nullptr;
      for (FacilityCategory& c : out.categories)
        if (c.id == it.key()) existing = &c;
      FacilityCategory c = existing ? *existing : FacilityCategory{};
      if (!existing) c.label = it.key();
      if (!category(it.key(), it.value(), c)) return false;
      if (existing)
        *existing = c;
      else
        out.categories.push_back(c);
    }
    return true;
  }
};

}  // namespace

core::Result<FacilityConfig> parseFacilityConfig(const std::string& sceneJsonText, const std::filesystem::path& file) {
  Parser p{file.filename().string(), {}};
  if (std::string deep = core::jsonDepthProblem(sceneJsonText); !deep.empty())
    return core::fail("model::parseFacilityConfig(): " + p.file + ": " + deep);
  Json root;
  try {
    root = Json::parse(sceneJsonText);
  } catch (const std::exception& e) {
    return core::fail("model::parseFacilityConfig(): " + p.file + ": not valid JSON: " + e.what());
  }
  if (!root.is_object()) return core::fail("model::parseFacilityConfig(): " + p.file + ": expected a JSON object");
  FacilityConfig config = defaultFacilityConfig();
  if (const auto it = root.find("walking"); it != root.end() && !p.walking(*it, config.walking))
    return core::fail(p.errorText);
  if (const auto it = root.find("facilities"); it != root.end() && !p.facilities(*it, config))
    return core::fail(p.errorText);
  return config;
}

}  // namespace twin::model
