// `twin report`: the check-up report (体检报告) of a scene as one HTML page with its maps beside
// it in the output folder: life-circle coverage by level, gaps by category, TOD catchments,
// sunlight compliance, the nine-scenario indicators, the data diagnostics and credits; with a
// scenario, before and after side by side and the differences. What is computed and how:
// docs/report.md.
#pragma once

namespace twin::app {

extern const char* const kReportUsage;

/** argv[0] is "report". Returns kExitOk, kExitUsage (bad options, unknown scenario) or
    kExitBadInput (unreadable scene, unwritable folder: the message names it). A section the
    scene cannot support (no streets, no station, no sunlight standard, no EGL for the maps) is
    left out with the reason stated in the report and on stderr. */
int cmdReport(int argc, char** argv);

}  // namespace twin::app
