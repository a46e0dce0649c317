// `twin isochrone`, `twin coverage`, `twin tod`: the walking analyses on the command line.
// Each is `int cmdX(int argc, char** argv)` with argv[0] the command name; returns kExitOk,
// kExitBadInput (the message names the file or the point and what is wrong) or kExitUsage.
// Each prints its own help for --help (its usage text is also kIsochroneUsage etc.).
#pragma once

namespace twin::app {

extern const char* const kIsochroneUsage;
extern const char* const kCoverageUsage;
extern const char* const kTodUsage;

int cmdIsochrone(int argc, char** argv);
int cmdCoverage(int argc, char** argv);
int cmdTod(int argc, char** argv);

}  // namespace twin::app
