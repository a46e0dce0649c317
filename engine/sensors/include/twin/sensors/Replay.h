// Replay files: CSV with a column mapping (the UCI Beijing air-quality files among them) and
// JSONL (one payload per line), and the pacing of a replay at a speed factor.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "twin/core/Diagnostics.h"
#include "twin/core/Result.h"
#include "twin/sensors/Payload.h"
#include "twin/sensors/Reading.h"

namespace twin::sensors {

/** How CSV columns become readings. */
struct CsvMapping {
  std::map<std::string, std::string> columns;  // CSV column -> sensor id
  std::string timeColumn;     // ISO-8601 or epoch ms; empty = the columns year, month, day, hour
                              // (and minute when present) in local time at utcOffsetMinutes
  int utcOffsetMinutes = 0;   // Beijing: 480
  std::vector<std::string> missing = {"NA", ""};  // cells meaning "no reading": skipped, counted
};

struct ReplayStats {
  std::uint64_t rows = 0;      // data rows read
  std::uint64_t readings = 0;  // readings produced
  std::uint64_t missing = 0;   // cells equal to a `missing` marker
  std::uint64_t badCells = 0;  // cells that are not numbers (reported in diagnostics)
  std::uint64_t badRows = 0;   // rows skipped: wrong column count or bad time (reported)
};

/** Reads a CSV file (RFC 4180 quoting, header row) into readings sorted by time, then by file
    order. Error when the file cannot be read, has no header, or a mapped or time column is
    absent. Bad rows and cells are skipped and reported in `diag` with the line number, e.g.
    "sensors::readReplayCsv(): x.csv line 12: column 'PM2.5': not a number 'abc'; skipped". */
core::Result<std::vector<Reading>> readReplayCsv(const std::filesystem::path& file, const CsvMapping& mapping,
                                                 core::Diagnostics& diag, ReplayStats* stats = nullptr);

/** Reads a JSONL file: each non-empty line is a payload in any form decodePayload() accepts
    (lines without "ts" get time 0). Rejections are counted in `ingest` and reported in `diag`
    with the line number. Readings sorted by time. Error only when the file cannot be read. */
core::Result<std::vector<Reading>> readReplayJsonl(const std::filesystem::path& file, const DecodeOptions& options,
                                                   IngestStats& ingest, core::Diagnostics& diag);

/** Maps data time to wall time for a replay: a reading at data time t is due at
    start + (t - firstMs) / speed. speed <= 0 means "as fast as possible" (always due). */
class ReplayPacer {
 public:
  ReplayPacer(std::int64_t firstDataMs, double speed,
              std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now());
  std::chrono::steady_clock::time_point dueAt(std::int64_t dataMs) const;
  bool due(std::int64_t dataMs, std::chrono::steady_clock::time_point now) const { return dueAt(dataMs) <= now; }

 private:
  std::int64_t _firstMs;
  double _speed;
  std::chrono::steady_clock::time_point _start;
};

}  // namespace twin::sensors
