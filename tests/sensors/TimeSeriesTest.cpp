#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>

#include "TestPaths.h"
#include "twin/sensors/TimeSeries.h"

using namespace twin::sensors;

TEST_CASE("RingBuffer keeps the newest samples, oldest first", "[sensors]") {
  RingBuffer ring(3);
  CHECK(ring.capacity() == 3);
  CHECK(ring.samples().empty());
  CHECK_FALSE(ring.latest());
  // Filling: every sample so far, in order.
  ring.push({1, 10.0});
  CHECK(ring.size() == 1);
  CHECK(ring.latest()->tsMs == 1);
  ring.push({2, 20.0});
  ring.push({3, 30.0});
  CHECK(ring.size() == 3);
  CHECK(ring.samples().front().tsMs == 1);
  CHECK(ring.samples().back().tsMs == 3);
  CHECK(ring.latest()->tsMs == 3);
  for (int i = 4; i <= 5; ++i) ring.push({i, i * 10.0});
  CHECK(ring.size() == 3);
  const auto s = ring.samples();
  REQUIRE(s.size() == 3);
  CHECK(s[0].tsMs == 3);
  CHECK(s[1].tsMs == 4);
  CHECK(s[2].tsMs == 5);
  CHECK(ring.latest()->value == 50);
}

TEST_CASE("SeriesStore keeps one bounded series per sensor and ignores non-finite readings", "[sensors]") {
  SeriesStore store(2);
  store.add({Reading{"a", 1, 1}, Reading{"a", 2, 2}, Reading{"a", 3, 3}, Reading{"b", 1, 9},
             Reading{"b", 2, std::nan(""), false}});
  CHECK(store.series("a").size() == 2);
  CHECK(store.series("a")[0].value == 2);
  CHECK(store.series("b").size() == 1);
  CHECK(store.latest("b")->value == 9);
  CHECK(store.series("ghost").empty());
  CHECK(store.sensorIds() == std::vector<std::string>{"a", "b"});
}

TEST_CASE("HistoryDb stores readings and applies retention", "[sensors]") {
  twin::test::TempDir dir("history");
  const auto file = dir.path() / "h.db";
  {
    auto db = HistoryDb::open(file, 3600);
    REQUIRE(db.ok());
    std::vector<Reading> batch;
    for (int i = 0; i < 10; ++i) batch.push_back({"s", i * 600000LL, double(i)});  // every 10 min
    batch.push_back({"s", 50, std::nan(""), false});
    REQUIRE((*db)->append(batch).ok());
    CHECK(*(*db)->rowCount() == 10);
    auto q = (*db)->query("s", 600000, 1800000);
    REQUIRE(q.ok());
    REQUIRE(q->size() == 3);
    CHECK((*q)[0].value == 1);
    // Keep one hour before 90 min: rows at >= 30 min stay.
    auto removed = (*db)->applyRetention(5400000);
    REQUIRE(removed.ok());
    CHECK(*removed == 3);
  }
  auto reopened = HistoryDb::open(file, 3600);
  REQUIRE(reopened.ok());
  CHECK(*(*reopened)->rowCount() == 7);
}

TEST_CASE("HistoryDb retention per sensor counts back from each sensor's newest data time", "[sensors]") {
  twin::test::TempDir dir("history-per-sensor");
  auto db = HistoryDb::open(dir.path() / "h.db", 3600);
  REQUIRE(db.ok());
  const std::int64_t y2013 = 1362096000000LL, today = 1700000000000LL;
  std::vector<Reading> rows;
  for (int i = 0; i < 4; ++i) rows.push_back({"replayed", y2013 + i * 1800000LL, double(i)});  // 0, 30, 60, 90 min
  for (int i = 0; i < 3; ++i) rows.push_back({"live", today + i * 3600000LL, double(i)});      // 0, 1, 2 h
  REQUIRE((*db)->append(rows).ok());
  auto removed = (*db)->applyRetentionPerSensor();
  REQUIRE(removed.ok());
  // replayed: newest at 90 min keeps >= 30 min (3 rows); live: newest at 2 h keeps >= 1 h (2 rows).
  CHECK(*removed == 2);
  CHECK((*db)->query("replayed", 0, today * 2)->size() == 3);
  CHECK((*db)->query("live", 0, today * 2)->size() == 2);
  // The old rule, one cutoff from the newest reading of any sensor, would drop every 2013 row.
  REQUIRE((*db)->applyRetention(today + 2 * 3600000LL).ok());
  CHECK((*db)->query("replayed", 0, today * 2)->empty());
}

TEST_CASE("HistoryDb rejects a file that is not a database", "[sensors]") {
  twin::test::TempDir dir("history-bad");
  const auto file = dir.path() / "junk.db";
  {
    std::ofstream out(file, std::ios::binary);
    for (int i = 0; i < 4096; ++i) out.put(static_cast<char>(i * 7));
  }
  auto db = HistoryDb::open(file, 10);
  REQUIRE_FALSE(db.ok());
  CHECK(db.error().message ==
        "sensors::HistoryDb::open(): junk.db: not a usable history database: file is not a database");
  auto zero = HistoryDb::open(dir.path() / "ok.db", 0);
  REQUIRE_FALSE(zero.ok());
  CHECK(zero.error().message == "sensors::HistoryDb::open(): ok.db: retention must be > 0 seconds");
}

TEST_CASE("HistoryDb: sample at a time, time range, and a second connection sees committed rows", "[sensors]") {
  twin::test::TempDir dir("history-read");
  const auto file = dir.path() / "h.db";
  auto writer = HistoryDb::open(file, 86400);
  REQUIRE(writer.ok());
  auto reader = HistoryDb::open(file, 86400);
  REQUIRE(reader.ok());
  auto none = (*reader)->timeRange("a");
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());
  REQUIRE((*writer)
              ->append({{"a", 1000, 1.0, true},
                        {"a", 2000, 2.0, true},
                        {"a", 3000, NAN, false},
                        {"b", 500, 5.0, true},
                        {"a", 4000, 4.0, true}})
              .ok());
  auto range = (*reader)->timeRange("a");
  REQUIRE(range.ok());
  REQUIRE(range->has_value());
  CHECK((*range)->first == 1000);
  CHECK((*range)->second == 4000);
  auto at = (*reader)->sampleAt("a", 3500);  // the non-finite reading at 3000 was not stored
  REQUIRE(at.ok());
  REQUIRE(at->has_value());
  CHECK((*at)->tsMs == 2000);
  CHECK((*at)->value == 2.0);
  auto before = (*reader)->sampleAt("a", 999);
  REQUIRE(before.ok());
  CHECK_FALSE(before->has_value());
  auto other = (*reader)->sampleAt("b", 1 << 30);
  REQUIRE(other.ok());
  REQUIRE(other->has_value());
  CHECK((*other)->value == 5.0);
}
