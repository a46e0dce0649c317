// Scenario algebra: a saved scenario applied to a coverage model through its fast-path edits, and
// the scenario that an edited model differs from its baseline by. Shared by the planning view and
// `twin coverage --scenario`.
#include "twin/analysis/ScenarioAlgebra.h"

#include <map>
#include <string>
#include <vector>

namespace twin::analysis {
namespace {

constexpr const char* kWhere = "analysis::applyScenario()";

}  // namespace

std::size_t applyScenario(CoverageModel& model, const model::Scenario& scenario, const geo::SiteFrame& frame,
                          core::Diagnostics& diag) {
  const std::string record = "scenario '" + scenario.name + "'";
  auto skip = [&](const std::string& message) {
    diag.add(core::Severity::Warning, kWhere, "", "scenarios", record, message, "skipped");
  };
  std::size_t applied = 0;
  for (const std::string& key : scenario.removed) {
    bool found = false;
    for (std::size_t i = model.facilities().size(); i-- > 0;)
      if (model::facilityKey(model.facilities()[i]) == key) {
        model.removeFacility(i);
        found = true;
      }
    if (found)
      ++applied;
    else
      skip("facility '" + key + "' not in the site");
  }
  for (const model::ScenarioMove& move : scenario.moved) {
    const core::Vec2 to = frame.toLocal(move.to);
    bool found = false;
    for (std::size_t i = 0; i < model.facilities().size(); ++i)
      if (model::facilityKey(model.facilities()[i]) == move.facility) {
        model.moveFacility(i, to);
        found = true;
      }
    if (found)
      ++applied;
    else
      skip("facility '" + move.facility + "' not in the site");
  }
  for (const model::ScenarioFacility& add : scenario.added) {
    const auto& categories = model.config().categories;
    std::size_t category = categories.size();
    for (std::size_t c = 0; c < categories.size(); ++c)
      if (categories[c].id == add.category) category = c;
    const core::Vec2 at = frame.toLocal(add.position);
    if (category == categories.size()) {
      skip("unknown facility category '" + add.category + "'");
      continue;
    }
    if (!core::isFinite(at)) {
      skip("position outside the site frame");
      continue;
    }
    model::Facility f;
    f.category = category;
    f.position = at;
    f.name = add.name;
    model.addFacility(f);
    ++applied;
  }
  return applied;
}

model::Scenario scenarioFromModels(const CoverageModel& baseline, const CoverageModel& working,
                                   const geo::SiteFrame& frame, const std::string& name, const std::string& label) {
  model::Scenario s;
  s.name = name;
  s.label = label;
  std::map<std::string, core::Vec2> before, after;
  std::vector<std::string> beforeOrder;
  for (const model::Facility& f : baseline.facilities())
    if (const std::string key = model::facilityKey(f); !key.empty() && before.emplace(key, f.position).second)
      beforeOrder.push_back(key);
  for (const model::Facility& f : working.facilities()) {
    const std::string key = model::facilityKey(f);
    if (key.empty()) {
      s.added.push_back({working.config().categories.at(f.category).id, f.name, frame.toLonLat(f.position)});
      continue;
    }
    after.emplace(key, f.position);
  }
  for (const std::string& key : beforeOrder) {
    const auto it = after.find(key);
    if (it == after.end()) {
      s.removed.push_back(key);
      continue;
    }
    const core::Vec2 a = before[key], b = it->second;
    if (a.x != b.x || a.y != b.y) s.moved.push_back({key, frame.toLonLat(b)});
  }
  return s;
}

}  // namespace twin::analysis
