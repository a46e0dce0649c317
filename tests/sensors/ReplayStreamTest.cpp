// Replay files as untrusted input: file type before the first byte, the header before any
// record, bounded lines, future time stamps. Each crafted file is made here.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "TestPaths.h"
#include "twin/sensors/DuplicateFilter.h"
#include "twin/sensors/Payload.h"
#include "twin/sensors/Replay.h"

using namespace twin::sensors;
using twin::core::Diagnostics;

namespace {

void write(const std::filesystem::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

CsvMapping timeMapping() {
  CsvMapping m;
  m.columns = {{"v", "s.1"}};
  m.timeColumn = "t";
  return m;
}

const std::string kDeviceHint =
    "; replay files must be regular files unless a device is asked for (\"device\": true in the scene, "
    "--device on the command line)";

}  // namespace

TEST_CASE("Replay files: a FIFO or a device is refused before anything is read", "[sensors][untrusted]") {
  twin::test::TempDir dir("replay-fifo");
  const auto fifo = dir.path() / "fifo.csv";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  Diagnostics diag;
  SECTION("a FIFO nobody writes to does not block") {
    auto csv = readReplayCsv(fifo, timeMapping(), diag);
    REQUIRE_FALSE(csv.ok());
    CHECK(csv.error().message == "sensors::readReplayCsv(): fifo.csv: not a regular file (a FIFO)" + kDeviceHint);
    IngestStats ingest;
    auto jsonl = readReplayJsonl(fifo, DecodeOptions{}, ingest, diag);
    REQUIRE_FALSE(jsonl.ok());
    CHECK(jsonl.error().message == "sensors::readReplayJsonl(): fifo.csv: not a regular file (a FIFO)" + kDeviceHint);
  }
  SECTION("/dev/zero would never end") {
    auto csv = readReplayCsv("/dev/zero", timeMapping(), diag);
    REQUIRE_FALSE(csv.ok());
    CHECK(csv.error().message ==
          "sensors::readReplayCsv(): zero: not a regular file (a character device)" + kDeviceHint);
  }
  SECTION("a folder") {
    auto csv = readReplayCsv(dir.path(), timeMapping(), diag);
    REQUIRE_FALSE(csv.ok());
    CHECK(csv.error().message.find("not a regular file (a folder)") != std::string::npos);
  }
  SECTION("a device that was asked for is read, with the line limit still in force") {
    ReplayFileOptions limits;
    limits.allowDevice = true;
    limits.maxLineBytes = 4096;
    auto csv = readReplayCsv("/dev/zero", timeMapping(), diag, nullptr, limits);
    REQUIRE_FALSE(csv.ok());
    CHECK(csv.error().message ==
          "sensors::readReplayCsv(): zero line 1: longer than the limit of 4096 bytes "
          "(ReplayFileOptions::maxLineBytes); the rest of the file is not read");
  }
}

TEST_CASE("Replay files: the header is checked before the body, lines are bounded", "[sensors][untrusted]") {
  twin::test::TempDir dir("replay-big");
  const auto big = dir.path() / "big.csv";
  Diagnostics diag;
  SECTION("a wrong header in front of 500 MB fails on the header") {
    write(big, "a,b\n");
    std::filesystem::resize_file(big, 500u << 20);  // sparse: the body is 500 MB of zero bytes
    auto r = ReplayReader::openCsv(big, timeMapping());
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message == "sensors::readReplayCsv(): big.csv: no column 'v' in the header");
  }
  SECTION("a right header, then 500 MB without a newline: error at the line limit, not 500 MB read") {
    write(big, "t,v\n");
    std::filesystem::resize_file(big, 500u << 20);
    auto r = ReplayReader::openCsv(big, timeMapping());
    REQUIRE(r.ok());
    auto next = (*r)->next();
    REQUIRE_FALSE(next.ok());
    CHECK(next.error().message ==
          "sensors::readReplayCsv(): big.csv line 2: longer than the limit of 1048576 bytes "
          "(ReplayFileOptions::maxLineBytes); the rest of the file is not read");
    // Reading stops there.
    auto after = (*r)->next();
    REQUIRE(after.ok());
    CHECK(*after == nullptr);
  }
  SECTION("records stream one at a time in file order") {
    write(big, "t,v\n3000,3\n1000,1\n2000,2\n");
    auto r = ReplayReader::openCsv(big, timeMapping());
    REQUIRE(r.ok());
    std::vector<std::int64_t> order;
    for (;;) {
      auto next = (*r)->next();
      REQUIRE(next.ok());
      if (!*next) break;
      order.push_back((*next)->tsMs);
    }
    CHECK(order == std::vector<std::int64_t>{3000, 1000, 2000});
    CHECK((*r)->stats().readings == 3);
  }
}

TEST_CASE("Replay files: readings stamped past the replay clock are rejected and counted", "[sensors][untrusted]") {
  twin::test::TempDir dir("replay-future");
  Diagnostics diag;
  ReplayFileOptions limits;
  limits.latestMs = civilToEpochMs(2026, 1, 1, 0, 0, 0);
  SECTION("CSV") {
    write(dir.path() / "f.csv", "t,v\n2025-06-01T00:00:00Z,1\n9999-12-31T00:00:00Z,2\n2025-06-02T00:00:00Z,3\n");
    ReplayStats stats;
    auto r = readReplayCsv(dir.path() / "f.csv", timeMapping(), diag, &stats, limits);
    REQUIRE(r.ok());
    REQUIRE(r->size() == 2);
    CHECK((*r)[1].value == 3);
    CHECK(stats.badTimestamps == 1);
    REQUIRE(diag.items().size() == 1);
    CHECK(twin::core::formatDiagnostic(diag.items()[0]) ==
          "sensors::readReplayCsv(): f.csv line 3: time 9999-12-31T00:00:00.000Z is later than the replay clock "
          "allows (2026-01-01T00:00:00.000Z); skipped");
  }
  SECTION("JSONL") {
    write(dir.path() / "f.jsonl", R"({"sensor":"s.1","ts":"2025-06-01T00:00:00Z","value":1})"
                                  "\n"
                                  R"({"sensor":"s.1","ts":"9999-12-31T00:00:00Z","value":2})"
                                  "\n");
    IngestStats ingest;
    auto r = readReplayJsonl(dir.path() / "f.jsonl", DecodeOptions{}, ingest, diag, limits);
    REQUIRE(r.ok());
    CHECK(r->size() == 1);
    CHECK(ingest.rejectedCount(RejectReason::BadTimestamp) == 1);
    REQUIRE(diag.items().size() == 1);
    CHECK(twin::core::formatDiagnostic(diag.items()[0]) ==
          "sensors::readReplayJsonl(): f.jsonl line 2: bad_timestamp; skipped");
  }
}

TEST_CASE("decodePayload: a reading stamped past latestMs is bad_timestamp", "[sensors][untrusted]") {
  const std::int64_t now = civilToEpochMs(2026, 12, 7, 4, 0, 0);
  DecodeOptions options;
  options.latestMs = now + kDefaultFutureToleranceMs;
  std::vector<Reading> out;
  IngestStats stats;
  decodePayload(R"({"sensor":"a","ts":"9999-12-31T23:59:59Z","value":1})", now, options, out, stats);
  decodePayload(R"({"sensor":"a","ts":)" + std::to_string(now + kDefaultFutureToleranceMs + 1) + R"(,"value":2})", now,
                options, out, stats);
  decodePayload(R"([{"bn":"a","bt":)" + std::to_string((now + 3600000) / 1000) + R"(,"v":3}])", now, options, out,
                stats);
  CHECK(out.empty());
  CHECK(stats.rejectedCount(RejectReason::BadTimestamp) == 3);
  // Within the tolerance (clock skew) and in the past: accepted.
  decodePayload(R"({"sensor":"a","ts":)" + std::to_string(now + kDefaultFutureToleranceMs) + R"(,"value":4})", now,
                options, out, stats);
  decodePayload(R"({"sensor":"a","ts":"2017-02-28T23:00:00Z","value":5})", now, options, out, stats);
  CHECK(out.size() == 2);
  CHECK(stats.rejectedCount(RejectReason::BadTimestamp) == 3);
}

TEST_CASE("DuplicateFilter: each sensor, time stamp and value passes once", "[sensors]") {
  DuplicateFilter filter(3);
  CHECK(filter.firstTime({"a", 1, 0}));
  CHECK(filter.firstTime({"b", 1, 0}));
  CHECK_FALSE(filter.firstTime({"a", 1, 0}));
  // Another value at the same millisecond: two readings stamped on arrival, both judged.
  CHECK(filter.firstTime({"a", 1, 7}));
  CHECK(filter.firstTime({"a", 3, 0}));
  CHECK(filter.firstTime({"a", 4, 0}));  // the window of 3 now holds (1, 7), 3, 4
  CHECK_FALSE(filter.firstTime({"a", 4, 0}));
  CHECK(filter.firstTime({"a", 1, 0}));  // fell out of the window
  CHECK(filter.duplicates() == 2);
  CHECK(std::string(rejectReasonName(RejectReason::Duplicate)) == "duplicate");
}
