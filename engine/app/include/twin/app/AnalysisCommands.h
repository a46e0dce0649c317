// `twin isochrone`, `twin coverage`, `twin tod`: the walking analyses on the command line;
// `twin sunlight`: sunlight hours at residential windows; `twin indicators`: the nine-scenario indicators.
// Each is `int cmdX(int argc, char** argv)` with argv[0] the command name; returns kExitOk,
// kExitBadInput (the message names the file or the point and what is wrong) or kExitUsage.
// Each prints its own help for --help (its usage text is also kIsochroneUsage etc.).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "twin/analysis/Indicators.h"
#include "twin/analysis/WalkGraph.h"
#include "twin/app/SceneLoading.h"
#include "twin/core/Result.h"

namespace twin::app {

extern const char* const kIsochroneUsage;
extern const char* const kCoverageUsage;
extern const char* const kTodUsage;
extern const char* const kSunlightUsage;  // SunlightCommand.cpp
extern const char* const kIndicatorsUsage;

int cmdIsochrone(int argc, char** argv);
int cmdCoverage(int argc, char** argv);
int cmdTod(int argc, char** argv);
int cmdSunlight(int argc, char** argv);  // SunlightCommand.cpp
int cmdIndicators(int argc, char** argv);

/** `twin indicators --json`: {"scenarios":[{"id","name","name_en","indicators":[{"id","name",
    "name_en","value","unit","source","why_missing"}]}]}; value null exactly when why_missing is a string. */
std::string indicatorsJson(const std::vector<analysis::ScenarioIndicators>& scenarios);
/** The nine-scenario indicators of the scene (or bare data file) at `scenePath`, as `twin
    indicators` computes them: the scene loaded afresh, its facilities and walk graph, and the
    alert log `alertsDb` (only read; a missing one makes the alert-log indicators missing).
    Prints nothing. Errors: the scene's load error, a bad facility mapping, no walkable ways.
    It shares nothing with a viewer of the same scene, so it may run on a thread of its own. */
core::Result<std::vector<analysis::ScenarioIndicators>> sceneIndicators(const std::string& scenePath,
                                                                        const std::filesystem::path& alertsDb);
/** `twin indicators` without --json: per scenario "名 Name", then "  名 / Name: value unit" lines,
    "—  (why)" for a missing value. */
std::string indicatorsTable(const std::vector<analysis::ScenarioIndicators>& scenarios);

/** The walk graph every analysis command walks on: the site's ways and pedestrian areas, steps
    slowed by the scene's walking.steps_factor, grades from the scene's terrain when it has one.
    Problems go to `diag`; an empty graph (no walkable ways) is the caller's to report. */
analysis::WalkGraph sceneWalkGraph(const LoadedScene& scene, const model::FacilityConfig& config,
                                   core::Diagnostics& diag, analysis::WalkGraphStats* stats = nullptr);
/** What the sensors and alerts modules know about the scene for the governance and low-carbon
    indicators: its power sensors' recorded readings and the alert log `alertsDb` (never created).
    Each part that cannot be read is left empty with the reason. */
analysis::OperationsFacts operationsFacts(const LoadedScene& scene, const std::filesystem::path& alertsDb);
/** An indicator's value as `twin indicators` prints it: "33.3 %", "12" (counts), "—" when missing. */
std::string indicatorValueText(const analysis::Indicator& indicator);

}  // namespace twin::app
