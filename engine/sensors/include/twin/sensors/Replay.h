// Replay files: CSV with a column mapping (the UCI Beijing air-quality files among them) and
// JSONL (one payload per line), read as streams, and the pacing of a replay at a speed factor.
#pragma once

#include <chrono>
#include <climits>
#include <memory>
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
  std::map<std::string, std::string> columns;     // CSV column -> sensor id
  std::string timeColumn;                         // ISO-8601 or epoch ms; empty = the columns year, month, day, hour
                                                  // (and minute when present) in local time at utcOffsetMinutes
  int utcOffsetMinutes = 0;                       // Beijing: 480
  std::vector<std::string> missing = {"NA", ""};  // cells meaning "no reading": skipped, counted
};

struct ReplayStats {
  std::uint64_t rows = 0;           // data rows read
  std::uint64_t readings = 0;       // readings produced
  std::uint64_t missing = 0;        // cells equal to a `missing` marker
  std::uint64_t badCells = 0;       // cells that are not numbers (reported in diagnostics)
  std::uint64_t badRows = 0;        // rows skipped: wrong column count or bad time (reported)
  std::uint64_t badTimestamps = 0;  // rows stamped after ReplayFileOptions::latestMs (reported)
};

/** Limits on a replay file, which is outside data: checked before and while reading. */
struct ReplayFileOptions {
  std::size_t maxLineBytes = 1 << 20;  // a longer line (header or record) ends the read with an error
  bool allowDevice = false;            // also accept a FIFO or character device; else regular files only
  /** Readings stamped later than this (epoch ms) are skipped, reported and counted as bad
      timestamps (ReplayStats::badTimestamps; IngestStats BadTimestamp for JSONL). */
  std::int64_t latestMs = INT64_MAX;
};

/** Reads a replay file as a stream, one record at a time in file order, with bounded memory:
    the file type is checked before the first byte is read (a FIFO that nobody writes to would
    block for ever; /dev/zero would never end), the CSV header is checked before any record, and
    no line may exceed maxLineBytes. Errors and diagnostics name "sensors::readReplayCsv()" or
    "sensors::readReplayJsonl()" and the file, e.g.
    "sensors::readReplayCsv(): fifo.csv: not a regular file (a FIFO); replay files must be regular
    files unless a device is asked for (\"device\": true in the scene, --device on the command line)".
    Not thread-safe; one thread reads. */
class ReplayReader {
 public:
  /** Opens a CSV file (RFC 4180 quoting, header row) and checks its header against `mapping`.
      Error when the file cannot be opened, is not a regular file (unless allowDevice), has no
      header, or a mapped or time column is absent. */
  static core::Result<std::unique_ptr<ReplayReader>> openCsv(const std::filesystem::path& file,
                                                             const CsvMapping& mapping,
                                                             const ReplayFileOptions& limits = {});
  /** Opens a JSONL file: each non-empty line is a payload in any form decodePayload() accepts
      (lines without "ts" get time 0), decoded with `options` (latestMs is the smaller of the
      two limits). Same file checks as openCsv(). */
  static core::Result<std::unique_ptr<ReplayReader>> openJsonl(const std::filesystem::path& file,
                                                               const DecodeOptions& options,
                                                               const ReplayFileOptions& limits = {});
  ~ReplayReader();
  ReplayReader(const ReplayReader&) = delete;
  ReplayReader& operator=(const ReplayReader&) = delete;

  /** The next reading in file order, or nullptr at the end of the file. The pointer is valid
      until the next call. Bad rows, cells and lines are skipped and reported in diagnostics().
      Error on a read error or a line longer than maxLineBytes (the message names the line and
      the limit); reading then stops. */
  core::Result<const Reading*> next();
  const ReplayStats& stats() const;   // CSV counters
  const IngestStats& ingest() const;  // JSONL counters (payloads, decoded, rejected by reason)
  const core::Diagnostics& diagnostics() const;
  const std::filesystem::path& file() const;

  struct Impl;

 private:
  explicit ReplayReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> _impl;
};

/** Reads a whole CSV file through ReplayReader into readings sorted by time, then by file
    order. Errors as ReplayReader::openCsv() and next(). Bad rows and cells are skipped and
    reported in `diag` with the line number, e.g.
    "sensors::readReplayCsv(): x.csv line 12: column 'PM2.5': not a number 'abc'; skipped". */
core::Result<std::vector<Reading>> readReplayCsv(const std::filesystem::path& file, const CsvMapping& mapping,
                                                 core::Diagnostics& diag, ReplayStats* stats = nullptr,
                                                 const ReplayFileOptions& limits = {});

/** Reads a whole JSONL file through ReplayReader. Rejections are counted in `ingest` and
    reported in `diag` with the line number. Readings sorted by time. Errors as
    ReplayReader::openJsonl() and next(). */
core::Result<std::vector<Reading>> readReplayJsonl(const std::filesystem::path& file, const DecodeOptions& options,
                                                   IngestStats& ingest, core::Diagnostics& diag,
                                                   const ReplayFileOptions& limits = {});

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
