#include "twin/model/Scenario.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <system_error>

#include <nlohmann/json.hpp>

#include "twin/core/UntrustedInput.h"

namespace twin::model {

std::string facilityKey(const Facility& facility) {
  if (facility.idKind.empty()) return "";
  return facility.idKind + "/" + std::to_string(facility.osmId);
}

namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

bool validKey(const std::string& key) {
  const auto slash = key.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == key.size()) return false;
  std::size_t i = slash + 1;
  if (key[i] == '-') ++i;
  if (i == key.size()) return false;
  for (; i < key.size(); ++i)
    if (key[i] < '0' || key[i] > '9') return false;
  return true;
}

struct Parser {
  std::string file;
  std::string errorText;

  bool failAt(const std::string& key, const std::string& what) {
    errorText = "model::parseScenarios(): " + file + ": key '" + key + "': " + what;
    return false;
  }

  bool string(const Json& obj, const char* name, const std::string& at, bool required, std::string& out) {
    const auto it = obj.find(name);
    if (it == obj.end()) return required ? failAt(at + "." + name, "missing") : true;
    if (!it->is_string()) return failAt(at + "." + name, "expected a string");
    out = it->get<std::string>();
    if (required && out.empty()) return failAt(at + "." + name, "expected a non-empty string");
    return true;
  }

  bool lonLat(const Json& obj, const std::string& at, core::LonLat& out) {
    for (const char* name : {"lon", "lat"}) {
      const bool lon = name[1] == 'o';
      const auto it = obj.find(name);
      if (it == obj.end()) return failAt(at + "." + name, "missing");
      const double limit = lon ? 180 : 90;
      const std::string what = lon ? "expected a longitude in [-180, 180]" : "expected a latitude in [-90, 90]";
      if (!it->is_number()) return failAt(at + "." + name, what);
      const double v = it->get<double>();
      if (!std::isfinite(v) || std::abs(v) > limit) return failAt(at + "." + name, what);
      (lon ? out.lon : out.lat) = v;
    }
    return true;
  }

  bool array(const Json& obj, const char* name, const std::string& at, const Json*& out) {
    out = nullptr;
    const auto it = obj.find(name);
    if (it == obj.end()) return true;
    if (!it->is_array()) return failAt(at + "." + name, "expected an array");
    out = &*it;
    return true;
  }

  bool scenario(const Json& j, const std::string& at, Scenario& out) {
    if (!j.is_object()) return failAt(at, "expected an object");
    for (auto it = j.begin(); it != j.end(); ++it) {
      const std::string& k = it.key();
      if (!k.empty() && k[0] == '_') continue;  // comments, as in the rest of the scene file
      if (k != "name" && k != "label" && k != "add" && k != "move" && k != "remove" && k != "buildings")
        return failAt(at + "." + k, "unknown key (expected name, label, add, move, remove, buildings)");
    }
    if (!string(j, "name", at, true, out.name) || !string(j, "label", at, false, out.label)) return false;
    const Json* list = nullptr;
    if (!array(j, "add", at, list)) return false;
    for (std::size_t i = 0; list && i < list->size(); ++i) {
      const std::string item = at + ".add[" + std::to_string(i) + "]";
      const Json& a = (*list)[i];
      if (!a.is_object()) return failAt(item, "expected an object with category, lon, lat");
      ScenarioFacility f;
      if (!string(a, "category", item, true, f.category) || !string(a, "name", item, false, f.name) ||
          !lonLat(a, item, f.position))
        return false;
      out.added.push_back(std::move(f));
    }
    if (!array(j, "move", at, list)) return false;
    for (std::size_t i = 0; list && i < list->size(); ++i) {
      const std::string item = at + ".move[" + std::to_string(i) + "]";
      const Json& m = (*list)[i];
      if (!m.is_object()) return failAt(item, "expected an object with facility, lon, lat");
      ScenarioMove move;
      if (!string(m, "facility", item, true, move.facility)) return false;
      if (!validKey(move.facility))
        return failAt(item + ".facility", "expected a facility key such as \"node/123\", got '" + move.facility + "'");
      if (!lonLat(m, item, move.to)) return false;
      out.moved.push_back(std::move(move));
    }
    if (!array(j, "remove", at, list)) return false;
    for (std::size_t i = 0; list && i < list->size(); ++i) {
      const std::string item = at + ".remove[" + std::to_string(i) + "]";
      const Json& r = (*list)[i];
      if (!r.is_string() || !validKey(r.get<std::string>()))
        return failAt(item, "expected a facility key such as \"node/123\"");
      out.removed.push_back(r.get<std::string>());
    }
    if (!array(j, "buildings", at, list)) return false;
    for (std::size_t i = 0; list && i < list->size(); ++i) {
      const std::string item = at + ".buildings[" + std::to_string(i) + "]";
      const Json& b = (*list)[i];
      if (!b.is_object()) return failAt(item, "expected an object with footprint, height");
      for (auto it = b.begin(); it != b.end(); ++it)
        if (it.key() != "name" && it.key() != "footprint" && it.key() != "height" && it.key().rfind('_', 0) != 0)
          return failAt(item + "." + it.key(), "unknown key (expected name, footprint, height)");
      ScenarioBuilding building;
      if (!string(b, "name", item, false, building.name)) return false;
      const auto h = b.find("height");
      if (h == b.end()) return failAt(item + ".height", "missing");
      if (!h->is_number() || !std::isfinite(h->get<double>()) || !(h->get<double>() > 0 && h->get<double>() <= 1000))
        return failAt(item + ".height", "expected a height in metres in (0, 1000]");
      building.heightMeters = h->get<double>();
      const auto f = b.find("footprint");
      if (f == b.end()) return failAt(item + ".footprint", "missing");
      if (!f->is_array()) return failAt(item + ".footprint", "expected an array of [lon, lat] pairs");
      for (std::size_t k = 0; k < f->size(); ++k) {
        const Json& pt = (*f)[k];
        const std::string at2 = item + ".footprint[" + std::to_string(k) + "]";
        if (!pt.is_array() || pt.size() != 2 || !pt[0].is_number() || !pt[1].is_number())
          return failAt(at2, "expected [lon, lat]");
        const core::LonLat ll{pt[0].get<double>(), pt[1].get<double>()};
        if (!std::isfinite(ll.lon) || !std::isfinite(ll.lat) || std::abs(ll.lon) > 180 || std::abs(ll.lat) > 90)
          return failAt(at2, "expected [lon, lat] in degrees, lon in [-180, 180], lat in [-90, 90]");
        building.footprint.push_back(ll);
      }
      if (building.footprint.size() > 1 && building.footprint.front().lon == building.footprint.back().lon &&
          building.footprint.front().lat == building.footprint.back().lat)
        building.footprint.pop_back();
      if (building.footprint.size() < 3) return failAt(item + ".footprint", "expected at least 3 distinct points");
      out.buildings.push_back(std::move(building));
    }
    return true;
  }
};

OrderedJson toJson(const Scenario& s) {
  OrderedJson j = OrderedJson::object();
  j["name"] = s.name;
  if (!s.label.empty()) j["label"] = s.label;
  if (!s.added.empty()) {
    OrderedJson list = OrderedJson::array();
    for (const ScenarioFacility& f : s.added) {
      OrderedJson a = OrderedJson::object();
      a["category"] = f.category;
      if (!f.name.empty()) a["name"] = f.name;
      a["lon"] = f.position.lon;
      a["lat"] = f.position.lat;
      list.push_back(std::move(a));
    }
    j["add"] = std::move(list);
  }
  if (!s.moved.empty()) {
    OrderedJson list = OrderedJson::array();
    for (const ScenarioMove& m : s.moved) {
      OrderedJson a = OrderedJson::object();
      a["facility"] = m.facility;
      a["lon"] = m.to.lon;
      a["lat"] = m.to.lat;
      list.push_back(std::move(a));
    }
    j["move"] = std::move(list);
  }
  if (!s.removed.empty()) j["remove"] = s.removed;
  if (!s.buildings.empty()) {
    OrderedJson list = OrderedJson::array();
    for (const ScenarioBuilding& b : s.buildings) {
      OrderedJson a = OrderedJson::object();
      if (!b.name.empty()) a["name"] = b.name;
      OrderedJson ring = OrderedJson::array();
      for (const core::LonLat& p : b.footprint) ring.push_back({p.lon, p.lat});
      a["footprint"] = std::move(ring);
      a["height"] = b.heightMeters;
      list.push_back(std::move(a));
    }
    j["buildings"] = std::move(list);
  }
  return j;
}

// The scene file, with the checks every scene-file read makes (a regular file, the size limit).
bool readText(const std::filesystem::path& path, std::string& out) {
  auto text = core::readWholeFile(path, core::kSceneFileLimit, "model::readText()", path.filename().string());
  if (!text) return false;
  out = std::move(text.value());
  return true;
}

}  // namespace

core::Result<std::vector<Scenario>> parseScenarios(const std::string& sceneJsonText,
                                                   const std::filesystem::path& file) {
  Parser p{file.filename().string(), {}};
  if (std::string deep = core::jsonDepthProblem(sceneJsonText); !deep.empty())
    return core::fail("model::parseScenarios(): " + p.file + ": " + deep);
  Json root;
  try {
    root = Json::parse(sceneJsonText);
  } catch (const std::exception& e) {
    return core::fail("model::parseScenarios(): " + p.file + ": not valid JSON: " + e.what());
  }
  if (!root.is_object()) return core::fail("model::parseScenarios(): " + p.file + ": expected a JSON object");
  std::vector<Scenario> out;
  const auto it = root.find("scenarios");
  if (it == root.end()) return out;
  if (!it->is_array()) return core::fail("model::parseScenarios(): " + p.file + ": key 'scenarios': expected an array");
  std::set<std::string> names;
  for (std::size_t i = 0; i < it->size(); ++i) {
    const std::string at = "scenarios[" + std::to_string(i) + "]";
    Scenario s;
    if (!p.scenario((*it)[i], at, s)) return core::fail(p.errorText);
    if (!names.insert(s.name).second) {
      p.failAt(at + ".name", "duplicate scenario name '" + s.name + "'");
      return core::fail(p.errorText);
    }
    out.push_back(std::move(s));
  }
  return out;
}

core::Result<std::vector<Scenario>> loadScenarios(const std::filesystem::path& sceneFile) {
  std::string text;
  if (!readText(sceneFile, text)) return core::fail("model::loadScenarios(): " + sceneFile.string() + ": cannot read");
  return parseScenarios(text, sceneFile);
}

core::Status saveScenario(const std::filesystem::path& sceneFile, const Scenario& scenario) {
  const std::string where = "model::saveScenario(): " + sceneFile.filename().string() + ": ";
  if (scenario.name.empty()) return core::fail(where + "the scenario has no name");
  for (const ScenarioFacility& f : scenario.added)
    if (f.category.empty() || !std::isfinite(f.position.lon) || !std::isfinite(f.position.lat) ||
        std::abs(f.position.lon) > 180 || std::abs(f.position.lat) > 90)
      return core::fail(where + "scenario '" + scenario.name +
                        "': an added facility has no category or a bad position");
  for (const ScenarioMove& m : scenario.moved)
    if (!validKey(m.facility) || !std::isfinite(m.to.lon) || !std::isfinite(m.to.lat) || std::abs(m.to.lon) > 180 ||
        std::abs(m.to.lat) > 90)
      return core::fail(where + "scenario '" + scenario.name + "': a move has a bad facility key or position");
  for (const std::string& key : scenario.removed)
    if (!validKey(key)) return core::fail(where + "scenario '" + scenario.name + "': bad facility key '" + key + "'");
  for (const ScenarioBuilding& b : scenario.buildings) {
    bool good =
        b.footprint.size() >= 3 && std::isfinite(b.heightMeters) && b.heightMeters > 0 && b.heightMeters <= 1000;
    for (const core::LonLat& p : b.footprint)
      good = good && std::isfinite(p.lon) && std::isfinite(p.lat) && std::abs(p.lon) <= 180 && std::abs(p.lat) <= 90;
    if (!good)
      return core::fail(where + "scenario '" + scenario.name +
                        "': a building has fewer than 3 points, a bad point or a bad height");
  }

  std::error_code ec;
  const auto status = std::filesystem::status(sceneFile, ec);
  if (ec || !std::filesystem::is_regular_file(status)) return core::fail(where + "cannot read");
  // Permission bits, not access(): a process running as root may write anything, but a file
  // marked read-only is the user's statement that it must not change.
  using std::filesystem::perms;
  const perms mode = status.permissions();
  if ((mode & (perms::owner_write | perms::group_write | perms::others_write)) == perms::none)
    return core::fail(where + "the file is read-only");
  std::string text;
  if (!readText(sceneFile, text)) return core::fail(where + "cannot read");
  if (std::string deep = core::jsonDepthProblem(text); !deep.empty()) return core::fail(where + deep);
  OrderedJson root;
  try {
    root = OrderedJson::parse(text);
  } catch (const std::exception& e) {
    return core::fail(where + "not valid JSON: " + e.what());
  }
  if (!root.is_object()) return core::fail(where + "expected a JSON object");
  OrderedJson& list = root["scenarios"];
  if (list.is_null()) list = OrderedJson::array();
  if (!list.is_array()) return core::fail(where + "key 'scenarios': expected an array");
  bool replaced = false;
  for (OrderedJson& entry : list)
    if (entry.is_object() && entry.contains("name") && entry["name"].is_string() &&
        entry["name"].get<std::string>() == scenario.name) {
      // The planning view edits facilities only: a scenario saved from it carries no buildings,
      // and must not drop the proposed buildings written into the file for `twin sunlight`.
      OrderedJson kept;
      if (scenario.buildings.empty() && entry.contains("buildings")) kept = entry["buildings"];
      entry = toJson(scenario);
      if (!kept.is_null()) entry["buildings"] = std::move(kept);
      replaced = true;
      break;
    }
  if (!replaced) list.push_back(toJson(scenario));

  std::string out;
  try {
    out = root.dump(2, ' ', false, OrderedJson::error_handler_t::strict) + "\n";
  } catch (const std::exception& e) {
    return core::fail(where + "cannot serialise: " + e.what());
  }
  std::filesystem::path temp = sceneFile;
  temp += ".saving-" + std::to_string(std::hash<std::string>{}(out)&0xffffff);
  {
    std::ofstream file(temp, std::ios::binary | std::ios::trunc);
    if (!file) return core::fail(where + "cannot write " + temp.filename().string());
    file << out;
    file.flush();
    if (!file) {
      file.close();
      std::filesystem::remove(temp, ec);
      return core::fail(where + "cannot write " + temp.filename().string());
    }
  }
  std::filesystem::permissions(temp, mode, ec);
  std::filesystem::rename(temp, sceneFile, ec);
  if (ec) {
    std::error_code ignored;
    std::filesystem::remove(temp, ignored);
    return core::fail(where + "cannot replace the file: " + ec.message());
  }
  return core::Ok{};
}

}  // namespace twin::model
