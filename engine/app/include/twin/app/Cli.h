// The `twin` command line. Exit codes: 0 ok, 1 bad input (the message names the file and what is
// wrong), 2 usage.
#pragma once

namespace twin::app {

constexpr int kExitOk = 0;
constexpr int kExitBadInput = 1;
constexpr int kExitUsage = 2;

/** Runs `twin <command> ...`; returns the process exit code. */
int runCli(int argc, char** argv);

}  // namespace twin::app
