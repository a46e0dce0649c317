// From a scene configuration to a loaded Site.
#pragma once

#include "twin/core/Progress.h"
#include "twin/core/Result.h"
#include "twin/model/SceneConfig.h"
#include "twin/model/Site.h"

namespace twin::model {

/** Reads every layer of `config` and interprets the features as buildings, roads and POIs.
    Never throws. A layer that cannot be read at all -> Error naming the layer id and file.
    Record-level problems land in site.diagnostics. Progress stages: "read", "reproject",
    "interpret" per layer. */
core::Result<Site> loadSite(const SceneConfig& config, const core::ProgressFn& progress = {});

/** Interprets already-read features (used by loadSite and by tests on hand-made features). */
void interpretFeatures(const std::vector<geo::Feature>& features, const LayerConfig& layer,
                       const HeightRules& heights, const std::string& sourceFile, Site& site);

/** Height of one building from its tags, per the rules; reports implausible values in `diag`.
    Exposed for the height table tests. */
struct HeightResult {
  double heightMeters = 0, minHeightMeters = 0, levels = 0;
  HeightSource source = HeightSource::Estimated;
};
HeightResult buildingHeight(const Tags& tags, const HeightRules& rules, core::Diagnostics& diag,
                            const std::string& file, const std::string& recordId);

}  // namespace twin::model
