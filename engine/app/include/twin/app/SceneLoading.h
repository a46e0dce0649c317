// From a scene file (or a bare OSM/OGR data file) to a loaded Site.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "twin/core/Progress.h"
#include "twin/core/Result.h"
#include "twin/model/Facility.h"
#include "twin/model/Scenario.h"
#include "twin/model/SceneConfig.h"
#include "twin/model/Site.h"

namespace twin::app {

/** A scene configuration with its loaded site. The Site lives on the heap so its address stays
    fixed while a scene::SiteScene refers to it. */
struct LoadedScene {
  model::SceneConfig config;
  std::unique_ptr<model::Site> site;
  double loadMs = 0;  // wall time of configuration + model::loadSite
};

/** Loads `path`: a scene file (*.json) through model::loadSceneConfig, anything else as a bare
    data file through model::defaultSceneForDataFile; then model::loadSite. Never throws.
    Errors: "twin: <path>: no such file", or the loader's error (which names file and key). */
core::Result<LoadedScene> loadScene(const std::string& path, const core::ProgressFn& progress = {});

/** The facility config of a scene: its "facilities"/"walking" keys, else the defaults (bare data
    files). Error names the file and key. */
core::Result<model::FacilityConfig> facilityConfigForScene(const LoadedScene& scene);

/** The scenario `name` of the scene file `scene` was loaded from, for `twin <command> --scenario`.
    On failure prints the message ("twin <command>: --scenario needs a scene file (*.json); <path>
    is a data file", the loader's error, or "twin <command>: unknown scenario 'x' in s.json; known:
    a, b") and sets `exitCode` (kExitUsage, or kExitBadInput for an unreadable file); nullopt. */
std::optional<model::Scenario> scenarioForCommand(const char* command, const LoadedScene& scene,
                                                  const std::string& path, const std::string& name, int& exitCode);

/** A progress function that prints "loading: <stage> 42%" lines to stderr, only once the work
    has run longer than `quietMs` (short loads stay silent) and at most every 5 %. Not
    thread-safe: use from one loading thread. */
core::ProgressFn stderrProgress(double quietMs = 1000);

}  // namespace twin::app
