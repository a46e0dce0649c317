#include "twin/analysis/Coverage.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>

#include "twin/core/TextFormat.h"

namespace twin::analysis {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr int kLevelMinutes[3] = {5, 10, 15};

double pointSegmentDistance(core::Vec2 p, core::Vec2 a, core::Vec2 b) {
  const double dx = b.x - a.x, dy = b.y - a.y, len2 = dx * dx + dy * dy;
  const double t = len2 > 0 ? std::clamp(((p.x - a.x) * dx + (p.y - a.y) * dy) / len2, 0.0, 1.0) : 0.0;
  return std::hypot(p.x - (a.x + dx * t), p.y - (a.y + dy * t));
}

double ringDistance(core::Vec2 p, const core::Ring& ring) {
  double best = kInf;
  for (std::size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++)
    best = std::min(best, pointSegmentDistance(p, ring[j], ring[i]));
  return best;
}

using core::csvField;
std::string fmt(double v, int decimals) { return core::fixed(v, decimals); }

std::string jsonString(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string levelsText(unsigned met) {
  std::string s;
  for (int l = 0; l < 3; ++l)
    if (met & (1u << l)) s += (s.empty() ? "" : ",") + std::to_string(kLevelMinutes[l]);
  return s;
}

std::string joined(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : separator) + s;
  return out;
}

}  // namespace

std::string blockedText(const std::vector<std::pair<std::string, std::size_t>>& blockedBy) {
  std::string out;
  for (const auto& [id, n] : blockedBy) out += (out.empty() ? "" : ";") + id + ":" + std::to_string(n);
  return out;
}

std::vector<core::Vec2> entrancePositions(const model::Site& site) {
  std::vector<core::Vec2> out;
  for (const model::Poi& p : site.pois)
    if ((p.tags.count("entrance") || p.category == "entrance") && core::isFinite(p.position)) out.push_back(p.position);
  return out;
}

double floorAreaM2(const model::Building& b, double storeyMeters) {
  const double footprint = b.footprintAreaM2 > 0 ? b.footprintAreaM2 : core::area(b.footprint);
  double levels = b.levels;
  if (!(levels > 0) && storeyMeters > 0 && b.heightMeters > 0)
    levels = std::round((b.heightMeters - b.minHeightMeters) / storeyMeters);
  if (!(levels >= 1) || !std::isfinite(levels)) levels = 1;
  return std::isfinite(footprint) ? footprint * levels : 0.0;
}

BuildingAnchor anchorBuilding(const WalkGraph& graph, const model::Building& building,
                              const std::vector<core::Vec2>& entrances, double maxSnapMeters) {
  BuildingAnchor a;
  const core::Ring& outer = building.footprint.outer;
  if (outer.size() < 3) return a;
  const core::Box2 box = core::bounds(outer);
  for (const core::Vec2& e : entrances) {
    if (e.x < box.minX - 3 || e.x > box.maxX + 3 || e.y < box.minY - 3 || e.y > box.maxY + 3) continue;
    if (!core::contains(building.footprint, e) && ringDistance(e, outer) > 3.0) continue;
    SnapPoint s;
    if (graph.snap(e, maxSnapMeters, s) && (!a.onNetwork || s.distanceMeters < a.offsetMeters)) {
      a = {true, true, s, s.distanceMeters};
    }
  }
  if (a.onNetwork) return a;
  std::vector<core::Vec2> tries(outer.begin(), outer.end());
  tries.push_back(core::centroid(outer));
  for (const core::Vec2& p : tries) {
    SnapPoint s;
    if (graph.snap(p, maxSnapMeters, s) && (!a.onNetwork || s.distanceMeters < a.offsetMeters))
      a = {true, false, s, s.distanceMeters};
  }
  return a;
}

CoverageModel::CoverageModel(const WalkGraph& graph, const model::Site& site, const model::FacilityConfig& config,
                             std::vector<model::Facility> facilities, core::Diagnostics& diag, double maxMinutes,
                             double speedMps)
    : _graph(&graph),
      _config(config),
      _facilities(std::move(facilities)),
      _speed(speedMps > 0 && std::isfinite(speedMps) ? speedMps : config.walking.speedMps),
      _maxSeconds(std::max(15.0, std::isfinite(maxMinutes) ? maxMinutes : 30.0) * 60.0),
      _search(graph) {
  const std::vector<core::Vec2> entrances = entrancePositions(site);
  for (std::size_t i = 0; i < site.buildings.size(); ++i) {
    const model::Building& b = site.buildings[i];
    if (b.use != model::BuildingUse::Residential) continue;
    BuildingCoverage row;
    row.building = i;
    row.anchor = anchorBuilding(graph, b, entrances, config.walking.maxSnapMeters);
    row.floorAreaM2 = floorAreaM2(b, config.walking.storeyMeters);
    row.residents = row.floorAreaM2 / config.walking.floorAreaPerPersonM2;
    row.minutes.assign(config.categories.size(), kInf);
    if (!row.anchor.onNetwork)
      diag.add(core::Severity::Warning, "analysis::CoverageModel()", b.sourceFile, "buildings",
               b.idKind + " " + std::to_string(b.osmId),
               "residential building farther than " + fmt(config.walking.maxSnapMeters, 0) + " m from any walkable way",
               "no coverage");
    _rows.push_back(std::move(row));
  }
  for (const model::Facility& f : _facilities) {
    WalkOrigin o;
    if (f.category < _config.categories.size() && !facilityOrigin(f, o))
      diag.add(core::Severity::Warning, "analysis::CoverageModel()", "", "facilities",
               f.idKind + " " + std::to_string(f.osmId),
               _config.categories[f.category].id + " facility farther than " + fmt(config.walking.maxSnapMeters, 0) +
                   " m from any walkable way",
               "ignored");
  }
  for (std::size_t c = 0; c < _config.categories.size(); ++c) recompute(c);
  updateLevels();
}

bool CoverageModel::facilityOrigin(const model::Facility& f, WalkOrigin& out) const {
  SnapPoint s;
  if (!_graph->snap(f.position, _config.walking.maxSnapMeters, s)) return false;
  out = {s, s.distanceMeters / _speed};
  return true;
}

void CoverageModel::applyReach(std::size_t category, const ReachSet& reach, bool replace) {
  for (BuildingCoverage& row : _rows) {
    double& m = row.minutes[category];
    double minutes = kInf;
    if (row.anchor.onNetwork) {
      const double s = reach.valueAt(*_graph, row.anchor.at);
      if (s != kInf) minutes = (s + row.anchor.offsetMeters / _speed) / 60.0;
    }
    m = replace ? minutes : std::min(m, minutes);
  }
}

void CoverageModel::recompute(std::size_t category) {
  std::vector<WalkOrigin> origins;
  for (const model::Facility& f : _facilities) {
    WalkOrigin o;
    if (f.category == category && facilityOrigin(f, o)) origins.push_back(o);
  }
  applyReach(category, _search.reach(origins, _maxSeconds, _speed), true);
}

void CoverageModel::updateLevels() {
  for (BuildingCoverage& row : _rows) {
    row.levelsMet = 0;
    for (int l = 0; l < 3; ++l) {
      bool met = row.anchor.onNetwork;
      for (std::size_t c = 0; c < _config.categories.size() && met; ++c) {
        const model::FacilityCategory& cat = _config.categories[c];
        if (cat.required && cat.levelMinutes == kLevelMinutes[l] && !(row.minutes[c] <= cat.levelMinutes)) met = false;
      }
      if (met) row.levelsMet |= 1u << l;
    }
  }
}

std::size_t CoverageModel::addFacility(const model::Facility& facility) {
  TWIN_ASSERT(facility.category < _config.categories.size(), "analysis::CoverageModel::addFacility(): bad category");
  _facilities.push_back(facility);
  WalkOrigin o;
  if (facilityOrigin(facility, o)) {
    applyReach(facility.category, _search.reach({o}, _maxSeconds, _speed), false);
    updateLevels();
  }
  return _facilities.size() - 1;
}

bool CoverageModel::moveFacility(std::size_t index, core::Vec2 to) {
  if (index >= _facilities.size() || !core::isFinite(to)) return false;
  _facilities[index].position = to;
  recompute(_facilities[index].category);
  updateLevels();
  return true;
}

bool CoverageModel::removeFacility(std::size_t index) {
  if (index >= _facilities.size()) return false;
  const std::size_t category = _facilities[index].category;
  _facilities.erase(_facilities.begin() + static_cast<std::ptrdiff_t>(index));
  recompute(category);
  updateLevels();
  return true;
}

std::vector<std::string> levelBlockers(const BuildingCoverage& row, const model::FacilityConfig& config,
                                       int levelMinutes) {
  if (!row.anchor.onNetwork) return {kOffNetwork};
  std::vector<std::string> out;
  for (std::size_t c = 0; c < config.categories.size() && c < row.minutes.size(); ++c) {
    const model::FacilityCategory& cat = config.categories[c];
    if (cat.required && cat.levelMinutes == levelMinutes && !(row.minutes[c] <= cat.levelMinutes))
      out.push_back(cat.id);
  }
  return out;
}

CoverageSummary CoverageModel::summary() const {
  CoverageSummary s;
  s.categories.resize(_config.categories.size());
  for (int l = 0; l < 3; ++l) s.levels.push_back({kLevelMinutes[l], 0, 0, {}});
  for (std::size_t c = 0; c < s.categories.size(); ++c) {
    // A place with several doors (a station and its entrances) is off the network only when
    // every door is.
    std::vector<model::Facility> reachable;
    for (const model::Facility& f : _facilities) {
      WalkOrigin o;
      if (f.category == c && facilityOrigin(f, o)) reachable.push_back(f);
    }
    s.categories[c].facilities = model::distinctFacilityCount(_facilities, c);
    s.categories[c].facilitiesOffNetwork = s.categories[c].facilities - model::distinctFacilityCount(reachable, c);
  }
  std::vector<std::map<std::string, std::size_t>> blocked(3);
  for (const BuildingCoverage& row : _rows) {
    ++s.buildings;
    s.residents += row.residents;
    if (!row.anchor.onNetwork) ++s.buildingsOffNetwork;
    std::vector<std::string> missing;
    for (std::size_t c = 0; c < _config.categories.size(); ++c) {
      const model::FacilityCategory& cat = _config.categories[c];
      if (row.minutes[c] <= cat.levelMinutes) {
        ++s.categories[c].buildingsCovered;
        s.categories[c].residentsCovered += row.residents;
      } else if (cat.required) {
        missing.push_back(cat.id);
      }
    }
    for (int l = 0; l < 3; ++l)
      if (row.levelsMet & (1u << l)) {
        ++s.levels[l].buildingsMet;
        s.levels[l].residentsMet += row.residents;
      } else {
        for (const std::string& id : levelBlockers(row, _config, kLevelMinutes[l])) ++blocked[l][id];
      }
    if (!missing.empty()) s.gaps.emplace_back(row.building, std::move(missing));
  }
  for (int l = 0; l < 3; ++l) {
    auto& out = s.levels[l].blockedBy;
    out.assign(blocked[l].begin(), blocked[l].end());
    std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  }
  return s;
}

std::string coverageCsv(const CoverageModel& model, const model::Site& site) {
  const auto& cats = model.config().categories;
  std::string out = "osm_id,id_kind,name,floor_area_m2,residents,on_network,entrance,snap_m";
  for (const auto& c : cats) out += "," + c.id + "_min";
  out += ",level_5,level_10,level_15,missing,level_5_blocked_by,level_10_blocked_by,level_15_blocked_by\n";
  for (const BuildingCoverage& row : model.buildings()) {
    const model::Building& b = site.buildings[row.building];
    out += std::to_string(b.osmId) + "," + csvField(b.idKind) + "," + csvField(b.name) + "," + fmt(row.floorAreaM2, 1) +
           "," + fmt(row.residents, 1) + "," + (row.anchor.onNetwork ? "1" : "0") + "," +
           (row.anchor.taggedEntrance ? "tagged" : "nearest") + "," +
           (row.anchor.onNetwork ? fmt(row.anchor.offsetMeters, 1) : std::string());
    std::string missing;
    for (std::size_t c = 0; c < cats.size(); ++c) {
      out += "," + fmt(row.minutes[c], 2);
      if (cats[c].required && !(row.minutes[c] <= cats[c].levelMinutes))
        missing += (missing.empty() ? "" : ";") + cats[c].id;
    }
    for (int l = 0; l < 3; ++l) out += (row.levelsMet & (1u << l)) ? ",1" : ",0";
    out += "," + csvField(missing);
    for (int l = 0; l < 3; ++l)
      out += "," + csvField(joined(levelBlockers(row, model.config(), kLevelMinutes[l]), ";"));
    out += "\n";
  }
  return out;
}

std::string coverageGeoJson(const CoverageModel& model, const model::Site& site, const ToLonLat& toLonLat) {
  const auto& cats = model.config().categories;
  std::string out = "{\"type\":\"FeatureCollection\",\"features\":[";
  bool first = true;
  for (const BuildingCoverage& row : model.buildings()) {
    const model::Building& b = site.buildings[row.building];
    if (b.footprint.outer.size() < 3) continue;
    if (!first) out += ',';
    first = false;
    int level = 0;
    for (int l = 0; l < 3 && (row.levelsMet & (1u << l)); ++l) level = kLevelMinutes[l];
    out += "{\"type\":\"Feature\",\"properties\":{\"osm_id\":" + std::to_string(b.osmId) +
           ",\"name\":" + jsonString(b.name) + ",\"residents\":" + fmt(row.residents, 1) +
           ",\"level\":" + std::to_string(level) + ",\"levels_met\":" + jsonString(levelsText(row.levelsMet));
    for (std::size_t c = 0; c < cats.size(); ++c) {
      const std::string v = fmt(row.minutes[c], 2);
      out += ",\"" + cats[c].id + "_min\":" + (v.empty() ? "null" : v);
    }
    out += "},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[";
    auto ring = [&](const core::Ring& r, bool ccw) {
      std::vector<core::Vec2> pts(r.begin(), r.end());
      if ((core::signedArea(r) > 0) != ccw) std::reverse(pts.begin(), pts.end());
      out += '[';
      for (std::size_t i = 0; i <= pts.size(); ++i) {
        const core::LonLat ll = toLonLat(pts[i % pts.size()]);
        out += (i ? ",[" : "[") + fmt(ll.lon, 7) + "," + fmt(ll.lat, 7) + "]";
      }
      out += ']';
    };
    ring(b.footprint.outer, true);
    for (const core::Ring& h : b.footprint.holes)
      if (h.size() >= 3) {
        out += ',';
        ring(h, false);
      }
    out += "]}}";
  }
  return out + "]}\n";
}

std::string coverageSummaryCsv(const CoverageModel& model) {
  const CoverageSummary s = model.summary();
  const auto& cats = model.config().categories;
  auto share = [](double part, double whole) { return whole > 0 ? fmt(part / whole, 4) : std::string(); };
  std::string out =
      "scope,id,label,level,facilities,buildings_covered,share_buildings,residents_covered,share_residents,blocked_"
      "by\n";
  for (std::size_t c = 0; c < cats.size(); ++c) {
    const CategorySummary& cs = s.categories[c];
    out += "category," + csvField(cats[c].id) + "," + csvField(cats[c].label) + "," +
           std::to_string(cats[c].levelMinutes) + "," + std::to_string(cs.facilities) + "," +
           std::to_string(cs.buildingsCovered) + "," +
           share(static_cast<double>(cs.buildingsCovered), static_cast<double>(s.buildings)) + "," +
           fmt(cs.residentsCovered, 1) + "," + share(cs.residentsCovered, s.residents) + ",\n";
  }
  for (const LevelSummary& l : s.levels)
    out += "level," + std::to_string(l.minutes) + "min,," + std::to_string(l.minutes) + ",," +
           std::to_string(l.buildingsMet) + "," +
           share(static_cast<double>(l.buildingsMet), static_cast<double>(s.buildings)) + "," + fmt(l.residentsMet, 1) +
           "," + share(l.residentsMet, s.residents) + "," + csvField(blockedText(l.blockedBy)) + "\n";
  return out;
}

}  // namespace twin::analysis
