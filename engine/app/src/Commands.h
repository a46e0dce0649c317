// The `twin` subcommands. Each is `int cmdX(int argc, char** argv)` with argv[0] the command
// name; it returns kExitOk, kExitBadInput or kExitUsage. To add one: declare it here, define it
// in its own file, and add one line to kCommands in Cli.cpp.
#pragma once

namespace twin::app {

int cmdRun(int argc, char** argv);
int cmdSnapshot(int argc, char** argv);
int cmdInfo(int argc, char** argv);
int cmdCrs(int argc, char** argv);    // CmdCrs.cpp
int cmdVideo(int argc, char** argv);  // CmdVideo.cpp

}  // namespace twin::app
