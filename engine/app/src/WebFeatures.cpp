// The buildings of a site as the web tiles' features and volumes (see WebExport.h).
#include <algorithm>
#include <cmath>
#include <limits>

#include "twin/app/WebExport.h"

namespace twin::app {

namespace {

constexpr double kNone = std::numeric_limits<double>::quiet_NaN();

std::array<std::uint8_t, 3> rgb(const model::Color& c) {
  auto byte = [](float v) { return static_cast<std::uint8_t>(std::lround(std::clamp(v, 0.0f, 1.0f) * 255)); };
  return {byte(c.r), byte(c.g), byte(c.b)};
}

model::Color useColour(const model::Theme& theme, const std::string& use) {
  auto it = theme.buildingUse.find(use);
  if (it == theme.buildingUse.end()) it = theme.buildingUse.find("other");
  return it != theme.buildingUse.end() ? it->second : model::Color{0.75f, 0.75f, 0.78f, 1};
}

// Level and per-level minutes of every building from one coverage model: columns named
// level<suffix>, minutes_5<suffix>, ... filled for the residential buildings it covers.
void addCoverageColumns(std::vector<scene::FeatureColumn>& columns, std::size_t features,
                        const analysis::CoverageModel* coverage, const std::string& suffix) {
  scene::FeatureColumn level{"level" + suffix,
                             scene::FeatureColumn::Type::Float32,
                             "life-circle level met (5, 10, 15; 0 none), residential buildings only",
                             {},
                             std::vector<double>(features, kNone)};
  std::vector<scene::FeatureColumn> minutes;
  for (int l : {5, 10, 15})
    minutes.push_back(
        {"minutes_" + std::to_string(l) + suffix,
         scene::FeatureColumn::Type::Float32,
         "walking minutes to the farthest required category of the " + std::to_string(l) + "-minute level",
         {},
         std::vector<double>(features, kNone)});
  if (coverage) {
    const model::FacilityConfig& config = coverage->config();
    for (const analysis::BuildingCoverage& row : coverage->buildings()) {
      if (row.building >= features) continue;
      // The level met with every lower one, as the coverage layer's "level".
      int met = 0;
      for (auto [bit, l] : {std::pair{analysis::kLevel5, 5}, {analysis::kLevel10, 10}, {analysis::kLevel15, 15}}) {
        if (!(row.levelsMet & bit)) break;
        met = l;
      }
      level.numbers[row.building] = met;
      for (std::size_t k = 0; k < 3; ++k) {
        const int l = k == 0 ? 5 : k == 1 ? 10 : 15;
        double farthest = 0;
        bool any = false;
        for (std::size_t c = 0; c < config.categories.size() && c < row.minutes.size(); ++c) {
          if (!config.categories[c].required || config.categories[c].levelMinutes != l) continue;
          any = true;
          farthest = std::max(farthest, row.minutes[c]);
        }
        // +inf (a category not reached, or off the network) stays "no value".
        if (any && std::isfinite(farthest) && row.anchor.onNetwork) minutes[k].numbers[row.building] = farthest;
      }
    }
  }
  columns.push_back(std::move(level));
  for (auto& m : minutes) columns.push_back(std::move(m));
}

}  // namespace

scene::WebTilesInput buildingFeatures(const model::Site& site, const model::Theme& theme,
                                      const analysis::CoverageModel* before, const model::Scenario* scenario,
                                      const analysis::CoverageModel* after) {
  scene::WebTilesInput input;
  input.frame = site.frame;
  const std::size_t existing = site.buildings.size();
  const std::size_t proposed = scenario ? scenario->buildings.size() : 0;
  input.featureCount = existing + proposed;
  using Type = scene::FeatureColumn::Type;
  scene::FeatureColumn id{
      "id", Type::String, "source id: way/123, relation/4, fid/7; proposed/1 for a scenario's", {}, {}};
  scene::FeatureColumn name{"name", Type::String, "name (Chinese when tagged)", {}, {}};
  scene::FeatureColumn use{"use", Type::String, "use class: residential, commercial, office, ...", {}, {}};
  scene::FeatureColumn height{"height", Type::Float32, "height above the ground, metres", {}, {}};
  scene::FeatureColumn status{"status", Type::String, "existing, or proposed by the scenario", {}, {}};
  for (const model::Building& b : site.buildings) {
    id.strings.push_back(b.idKind + "/" + std::to_string(b.osmId));
    name.strings.push_back(b.name);
    use.strings.push_back(model::buildingUseName(b.use));
    height.numbers.push_back(model::drawnTopMeters(b));
    status.strings.push_back("existing");
  }
  for (std::size_t i = 0; i < proposed; ++i) {
    const model::ScenarioBuilding& b = scenario->buildings[i];
    id.strings.push_back("proposed/" + std::to_string(i + 1));
    name.strings.push_back(b.name);
    use.strings.push_back(model::buildingUseName(model::BuildingUse::Residential));
    height.numbers.push_back(b.heightMeters);
    status.strings.push_back("proposed");
  }
  input.columns = {std::move(id), std::move(name), std::move(use), std::move(height), std::move(status)};
  addCoverageColumns(input.columns, input.featureCount, before, "");
  if (scenario) addCoverageColumns(input.columns, input.featureCount, after, "_after");

  auto addVolume = [&](const model::Building& b, std::size_t feature, model::BuildingUse colourUse) {
    scene::WebVolume v;
    v.feature = static_cast<std::uint32_t>(feature);
    v.footprint = b.footprint;
    v.bottomMeters = b.baseElevationMeters + b.minHeightMeters;
    v.topMeters = b.baseElevationMeters + b.heightMeters;
    v.colour = rgb(useColour(theme, model::buildingUseName(colourUse)));
    input.volumes.push_back(std::move(v));
  };
  for (std::size_t i = 0; i < existing; ++i)
    if (site.buildings[i].partCount == 0) addVolume(site.buildings[i], i, site.buildings[i].use);
  // A building's parts stand for it (as in the 3D view), with the building's feature and colour.
  for (const model::Building& part : site.buildingParts)
    if (part.partOf >= 0 && static_cast<std::size_t>(part.partOf) < existing)
      addVolume(part, static_cast<std::size_t>(part.partOf), site.buildings[static_cast<std::size_t>(part.partOf)].use);
  for (std::size_t i = 0; i < proposed; ++i) {
    const model::ScenarioBuilding& b = scenario->buildings[i];
    scene::WebVolume v;
    v.feature = static_cast<std::uint32_t>(existing + i);
    for (const core::LonLat& p : b.footprint) v.footprint.outer.push_back(site.frame.toLocal(p));
    const bool terrain = site.terrain && !site.terrain->empty();
    const double base = terrain ? site.terrain->minHeightUnder(v.footprint) : 0;
    v.bottomMeters = std::isfinite(base) ? base : 0;
    v.topMeters = v.bottomMeters + b.heightMeters;
    v.colour = rgb(useColour(theme, "residential"));
    input.volumes.push_back(std::move(v));
  }
  return input;
}

}  // namespace twin::app
