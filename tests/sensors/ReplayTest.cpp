#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "TestPaths.h"
#include "twin/sensors/Replay.h"

using namespace twin::sensors;
using twin::core::Diagnostics;

namespace {

const char* kAotiFile = "PRSA_Data_Aotizhongxin_20130301-20170228.csv";

void write(const std::filesystem::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

CsvMapping beijingMapping() {
  CsvMapping m;
  m.columns = {{"PM2.5", "aoti.pm25"}, {"NO2", "aoti.no2"}};
  m.utcOffsetMinutes = 480;
  return m;
}

}  // namespace

TEST_CASE("readReplayCsv reads the UCI Beijing file in Beijing time", "[sensors][slow]") {
  const auto file = twin::test::assetsDir() / "sensors" / kAotiFile;
  REQUIRE(std::filesystem::exists(file));
  Diagnostics diag;
  ReplayStats stats;
  auto readings = readReplayCsv(file, beijingMapping(), diag, &stats);
  REQUIRE(readings.ok());
  // SOURCE.md: 35,064 hourly rows, 2013-03-01 00:00 to 2017-02-28 23:00 Beijing time.
  CHECK(stats.rows == 35064);
  CHECK(stats.readings + stats.missing == 2 * 35064);
  CHECK(stats.missing > 0);
  CHECK(stats.badRows == 0);
  CHECK(stats.badCells == 0);
  CHECK(diag.empty());
  REQUIRE(readings->size() == stats.readings);
  // First row: 1,2013,3,1,0,4,4,4,7,... -> PM2.5 4 and NO2 7 at 2013-02-28T16:00Z.
  CHECK(readings->front().tsMs == *parseIsoTimeMs("2013-02-28T16:00:00Z"));
  CHECK(readings->front().sensorId == "aoti.pm25");
  CHECK(readings->front().value == 4);
  CHECK((*readings)[1].sensorId == "aoti.no2");
  CHECK((*readings)[1].value == 7);
  CHECK(readings->back().tsMs == *parseIsoTimeMs("2017-02-28T23:00:00+08:00"));
  for (std::size_t i = 1; i < readings->size(); ++i) REQUIRE((*readings)[i - 1].tsMs <= (*readings)[i].tsMs);
}

TEST_CASE("the Aotizhongxin file in assets is the shared sample unchanged", "[sensors]") {
  const auto shared = twin::test::requireSharedData("sensors-beijing-airquality") / kAotiFile;
  const std::string copy = slurp(twin::test::assetsDir() / "sensors" / kAotiFile);
  CHECK(copy.size() == 2835915u);
  CHECK(copy == slurp(shared));
}

TEST_CASE("readReplayCsv errors name the file and what is missing", "[sensors]") {
  twin::test::TempDir dir("replay");
  Diagnostics diag;
  const auto csv = dir.path() / "x.csv";
  SECTION("no file") {
    auto r = readReplayCsv(dir.path() / "none.csv", beijingMapping(), diag);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message == "sensors::readReplayCsv(): " + (dir.path() / "none.csv").string() + ": cannot open");
  }
  SECTION("empty file") {
    write(csv, "");
    auto r = readReplayCsv(csv, beijingMapping(), diag);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message == "sensors::readReplayCsv(): x.csv: empty file, expected a header row");
  }
  SECTION("a mapped column is absent") {
    write(csv, "year,month,day,hour,PM2.5\n2013,3,1,0,5\n");
    auto r = readReplayCsv(csv, beijingMapping(), diag);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message == "sensors::readReplayCsv(): x.csv: no column 'NO2' in the header");
  }
  SECTION("no time columns") {
    write(csv, "PM2.5,NO2\n1,2\n");
    auto r = readReplayCsv(csv, beijingMapping(), diag);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message ==
          "sensors::readReplayCsv(): x.csv: no time column given and no year, month, day, hour columns");
  }
  SECTION("bad rows and cells are skipped and reported") {
    write(csv,
          "\"year\",\"month\",\"day\",\"hour\",\"PM2.5\",\"NO2\"\n"
          "2013,3,1,0,5,NA\n"
          "2013,3,1,1,abc,6\n"
          "2013,3,1\n"
          "2013,13,1,2,7,8\n"
          "2013,3,1,3,1e2,\n");
    ReplayStats stats;
    auto r = readReplayCsv(csv, beijingMapping(), diag, &stats);
    REQUIRE(r.ok());
    CHECK(r->size() == 3);
    CHECK(stats.rows == 5);
    CHECK(stats.missing == 2);
    CHECK(stats.badCells == 1);
    CHECK(stats.badRows == 2);
    REQUIRE(diag.total() == 3);
    const auto items = diag.items();
    CHECK(twin::core::formatDiagnostic(items[0]) ==
          "sensors::readReplayCsv(): x.csv line 3: column 'PM2.5': not a number 'abc'; skipped");
    CHECK(items[1].message == "expected 6 columns, found 3");
    CHECK(items[2].message == "year/month/day/hour do not form a time");
    CHECK(r->back().value == 100);
  }
  SECTION("an ISO time column") {
    write(csv, "time,level\n2024-05-01T10:00:00+08:00,1.5\n1714528800000,2.5\nnope,3\n");
    CsvMapping m;
    m.columns = {{"level", "w1"}};
    m.timeColumn = "time";
    auto r = readReplayCsv(csv, m, diag);
    REQUIRE(r.ok());
    REQUIRE(r->size() == 2);
    CHECK((*r)[0].tsMs == 1714528800000LL);
    CHECK((*r)[1].tsMs == 1714528800000LL);
    CHECK(diag.total() == 1);
  }
}

TEST_CASE("readReplayCsv survives every truncation of a valid file", "[sensors]") {
  twin::test::TempDir dir("replay-trunc");
  const std::string full =
      "\"No\",\"year\",\"month\",\"day\",\"hour\",\"PM2.5\",\"NO2\",\"station\"\n"
      "1,2013,3,1,0,4,7,\"Aotizhongxin\"\n2,2013,3,1,1,8,NA,\"Aotizhongxin\"\n3,2013,3,1,2,7,10,\"Aotizhongxin\"\n";
  for (std::size_t n = 0; n <= full.size(); ++n) {
    const auto p = dir.path() / "t.csv";
    write(p, full.substr(0, n));
    Diagnostics diag;
    auto r = readReplayCsv(p, beijingMapping(), diag);
    if (r.ok()) CHECK(r->size() <= 5);
  }
}

TEST_CASE("readReplayJsonl reads payload lines and reports bad ones", "[sensors]") {
  twin::test::TempDir dir("jsonl");
  const auto p = dir.path() / "r.jsonl";
  write(p,
        "{\"sensor\":\"a\",\"ts\":2000,\"value\":1}\n"
        "\n"
        "garbage\n"
        "[{\"sensor\":\"a\",\"ts\":1000,\"value\":0},{\"sensor\":\"b\",\"ts\":3000,\"value\":2}]\n");
  IngestStats stats;
  Diagnostics diag;
  auto r = readReplayJsonl(p, DecodeOptions{}, stats, diag);
  REQUIRE(r.ok());
  REQUIRE(r->size() == 3);
  CHECK((*r)[0].tsMs == 1000);
  CHECK((*r)[2].sensorId == "b");
  CHECK(stats.messages == 3);
  CHECK(stats.rejectedCount(RejectReason::InvalidJson) == 1);
  REQUIRE(diag.total() == 1);
  CHECK(twin::core::formatDiagnostic(diag.items()[0]) ==
        "sensors::readReplayJsonl(): r.jsonl line 3: invalid_json; skipped");
}

TEST_CASE("ReplayPacer maps data time to wall time by the speed factor", "[sensors]") {
  const auto start = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
  ReplayPacer pacer(1000, 3600.0, start);
  CHECK(pacer.dueAt(1000) == start);
  CHECK(pacer.dueAt(1000 + 3600000) == start + std::chrono::seconds(1));
  CHECK(pacer.due(1000 + 3600000, start + std::chrono::seconds(1)));
  CHECK_FALSE(pacer.due(1000 + 7200000, start + std::chrono::seconds(1)));
  ReplayPacer fast(1000, 0, start);
  CHECK(fast.dueAt(1e12) == start);
}
