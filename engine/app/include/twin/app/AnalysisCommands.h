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

}  // namespace twin::app
