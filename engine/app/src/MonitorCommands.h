// `twin monitor`, `twin alerts`, `twin replay`: the live sensor chain on the command line.
// Each is `int cmdX(int argc, char** argv)` with argv[0] the command name; returns kExitOk,
// kExitBadInput (the message names the file, broker or alert and what is wrong) or kExitUsage.
// Each prints its own help for --help (the same text as kMonitorUsage etc.).
#pragma once

namespace twin::app {

extern const char* const kMonitorUsage;
extern const char* const kAlertsUsage;
extern const char* const kReplayUsage;

/** twin monitor SCENE [--mqtt HOST:PORT] [--duration SECONDS] [--alerts-db FILE] [--history-db FILE]
    [--no-replay]: ingestion and rules without rendering until the duration passes or SIGINT/SIGTERM;
    ends with one JSON summary line on stdout. */
int cmdMonitor(int argc, char** argv);
/** twin alerts --db FILE [--json] [--active] [--limit N]: lists alerts with their transitions. */
int cmdAlerts(int argc, char** argv);
/** twin replay FILE --mqtt HOST:PORT --topic T [--speed X] [--columns COL=ID,...] [--time-column C]
    [--utc-offset-minutes N] [--qos 0|1] [--limit N]: publishes a CSV or JSONL file through a broker;
    ends with one JSON summary line on stdout. */
int cmdReplay(int argc, char** argv);

}  // namespace twin::app
