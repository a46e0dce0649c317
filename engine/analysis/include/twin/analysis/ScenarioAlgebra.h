// Scenario algebra: model::Scenario (a scene file's saved edits: facilities removed, moved,
// added) applied to a CoverageModel, and the scenario between two coverage models.
#pragma once

#include <cstddef>
#include <string>

#include "twin/analysis/Coverage.h"
#include "twin/core/Diagnostics.h"
#include "twin/geo/SiteFrame.h"
#include "twin/model/Scenario.h"

namespace twin::analysis {

/** Applies a scenario to `model` through the fast path: removals, then moves, then additions.
    A facility key that is not in the model, or an unknown category id, is skipped and reported in
    `diag` (record "scenario 'x'", e.g. message "facility 'node/1' not in the site"). Returns how
    many operations were applied. */
std::size_t applyScenario(CoverageModel& model, const model::Scenario& scenario, const geo::SiteFrame& frame,
                          core::Diagnostics& diag);

/** The scenario that turns `baseline` into `working` (same graph and config): hypothetical
    facilities of `working` are added, existing ones whose position differs are moved, keys of
    `baseline` absent from `working` are removed. */
model::Scenario scenarioFromModels(const CoverageModel& baseline, const CoverageModel& working,
                                   const geo::SiteFrame& frame, const std::string& name, const std::string& label = "");

}  // namespace twin::analysis
