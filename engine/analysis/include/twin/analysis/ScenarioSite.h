// A scenario applied to the site itself, for the analyses that read the site's POIs and buildings
// rather than a CoverageModel: TOD catchments (stations and their entrances) and the
// nine-scenario indicators. The coverage side of a scenario is ScenarioAlgebra.h.
#pragma once

#include <cstddef>

#include "twin/core/Diagnostics.h"
#include "twin/model/Facility.h"
#include "twin/model/Scenario.h"
#include "twin/model/Site.h"

namespace twin::analysis {

struct ScenarioSite {
  model::Site site;         // a copy of the site as the scenario leaves it
  std::size_t applied = 0;  // operations applied (removals, moves, additions, buildings)
};

/** The site after `scenario`, in the order removals, moves, additions, proposed buildings:
    - a removed facility ("node/123") drops every POI with that identity;
    - a moved facility's POI stands at the new place (in the site frame, on the ground: the
      terrain's height there, else 0);
    - an added facility becomes a POI (idKind "scenario", ids -1, -2, ... in order) named as the
      facility and tagged by the first tag rule of its category in `config` (a rule with value "*"
      gets "yes"), so that it matches that category, and a station category (railway=station,
      railway=subway_entrance, ...) is a station or entrance to TOD as well;
    - a proposed building is added as a building of no known use (BuildingUse::Other, idKind
      "scenario", its storeys from the height at `config.walking.storeyMeters`): it counts in
      buildings and floor area, not in residents.
    A facility key not in the site, or a category not in `config` (or one without tag rules), is
    skipped and reported in `diag` (record "scenario '<name>'"). Never throws. */
ScenarioSite siteWithScenario(const model::Site& site, const model::Scenario& scenario,
                              const model::FacilityConfig& config, core::Diagnostics& diag);

}  // namespace twin::analysis
