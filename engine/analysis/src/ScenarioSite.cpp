// ScenarioSite: the scenario's facilities as POIs and its proposed buildings as buildings, so that
// TOD and the indicators, which read the site, see the scenario as coverage does.
#include "twin/analysis/ScenarioSite.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace twin::analysis {
namespace {

constexpr const char* kWhere = "analysis::siteWithScenario()";

std::string poiKey(const model::Poi& p) { return p.idKind + "/" + std::to_string(p.osmId); }

double groundAt(const model::Site& site, core::Vec2 p) {
  if (!site.terrain || site.terrain->empty()) return 0;
  const double h = site.terrain->heightAt(p);
  return std::isfinite(h) ? h : 0;
}

}  // namespace

ScenarioSite siteWithScenario(const model::Site& site, const model::Scenario& scenario,
                              const model::FacilityConfig& config, core::Diagnostics& diag) {
  ScenarioSite out{site, 0};
  model::Site& s = out.site;
  const std::string record = "scenario '" + scenario.name + "'";
  auto skip = [&](const std::string& message) {
    diag.add(core::Severity::Warning, kWhere, "", "scenarios", record, message, "skipped");
  };
  for (const std::string& key : scenario.removed) {
    const std::size_t before = s.pois.size();
    s.pois.erase(std::remove_if(s.pois.begin(), s.pois.end(), [&](const model::Poi& p) { return poiKey(p) == key; }),
                 s.pois.end());
    if (s.pois.size() < before)
      ++out.applied;
    else
      skip("facility '" + key + "' not in the site");
  }
  for (const model::ScenarioMove& move : scenario.moved) {
    const core::Vec2 to = s.frame.toLocal(move.to);
    bool found = false;
    for (model::Poi& p : s.pois)
      if (poiKey(p) == move.facility) {
        p.position = to;
        p.elevationMeters = groundAt(s, to);
        found = true;
      }
    if (found)
      ++out.applied;
    else
      skip("facility '" + move.facility + "' not in the site");
  }
  std::int64_t nextId = -1;
  for (const model::ScenarioFacility& add : scenario.added) {
    const model::FacilityCategory* category = nullptr;
    for (const model::FacilityCategory& c : config.categories)
      if (c.id == add.category) category = &c;
    if (!category) {
      skip("unknown facility category '" + add.category + "'");
      continue;
    }
    if (category->rules.empty()) {
      skip("facility category '" + add.category + "' has no tag rules to make a POI of");
      continue;
    }
    const model::TagRule& rule = category->rules.front();
    model::Poi p;
    p.osmId = nextId--;
    p.idKind = "scenario";
    p.name = add.name.empty() ? category->label : add.name;
    p.category = rule.key;
    p.kind = rule.value == "*" ? "yes" : rule.value;
    p.tags[p.category] = p.kind;
    p.tags["name"] = p.name;
    p.position = s.frame.toLocal(add.position);
    p.elevationMeters = groundAt(s, p.position);
    s.pois.push_back(std::move(p));
    ++out.applied;
  }
  for (const model::ScenarioBuilding& proposed : scenario.buildings) {
    model::Building b;
    b.osmId = nextId--;
    b.idKind = "scenario";
    b.name = proposed.name;
    b.use = model::BuildingUse::Other;
    for (const core::LonLat& p : proposed.footprint) b.footprint.outer.push_back(s.frame.toLocal(p));
    b.heightMeters = proposed.heightMeters;
    b.heightSource = model::HeightSource::Estimated;
    const double storey = config.walking.storeyMeters > 0 ? config.walking.storeyMeters : 3.0;
    b.levels = std::max(1.0, std::floor(proposed.heightMeters / storey));
    b.footprintAreaM2 = std::abs(core::area(b.footprint));
    if (s.terrain && !s.terrain->empty()) {
      const double base = s.terrain->minHeightUnder(b.footprint);
      b.baseElevationMeters = std::isfinite(base) ? base : 0;
    }
    for (const core::Vec2& p : b.footprint.outer) s.extent.add(p);
    s.buildings.push_back(std::move(b));
    ++out.applied;
  }
  return out;
}

}  // namespace twin::analysis
