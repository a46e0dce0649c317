// The background WAL checkpointer: the log stays bounded and starts over while commits never
// stop, a reader's snapshot is respected, nothing committed is lost, and the writer goes back to
// SQLite's own checkpoints when the checkpointer ends.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <string>

#include <sqlite3.h>

#include "TestPaths.h"
#include "twin/sensors/WalCheckpointer.h"

using twin::sensors::WalCheckpointer;
using twin::sensors::WalCheckpointOptions;
using twin::sensors::WalStats;
using namespace std::chrono_literals;

namespace {

// One connection, closed by the destructor.
struct Db {
  sqlite3* db = nullptr;
  explicit Db(const std::filesystem::path& file) {
    REQUIRE(sqlite3_open(file.string().c_str(), &db) == SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
  }
  ~Db() { sqlite3_close(db); }
  void exec(const std::string& sql) {
    char* message = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message);
    INFO(sql << ": " << (message ? message : ""));
    sqlite3_free(message);
    REQUIRE(rc == SQLITE_OK);
  }
  std::int64_t count(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(st) == SQLITE_ROW);
    const std::int64_t n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
  }
  std::string text(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(st) == SQLITE_ROW);
    std::string s = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return s;
  }
};

// A WAL database with one table of rows of about one page each.
void createLog(Db& db) {
  db.exec("PRAGMA journal_mode=WAL");
  db.exec("PRAGMA synchronous=NORMAL");
  db.exec("CREATE TABLE rows(id INTEGER PRIMARY KEY, body BLOB NOT NULL)");
}

// One write transaction of one row, inside the checkpointer's gate as a writer must.
void commitRow(Db& db, WalCheckpointer* checkpointer) {
  WalCheckpointer::WriteGuard guard(checkpointer);
  db.exec("BEGIN IMMEDIATE");
  db.exec("INSERT INTO rows(body) VALUES(randomblob(3000))");
  db.exec("COMMIT");
}

std::uintmax_t walBytes(const std::filesystem::path& file) {
  std::error_code ec;
  const auto n = std::filesystem::file_size(file.string() + "-wal", ec);
  return ec ? 0 : n;
}

constexpr std::uintmax_t kFrameBytes = 4096 + 24;  // a page and its frame header

}  // namespace

TEST_CASE("WalCheckpointer keeps the log bounded and starts it over while commits never stop", "[sensors]") {
  twin::test::TempDir dir("wal-flood");
  const auto file = dir.path() / "log.db";
  Db writer(file);
  createLog(writer);
  WalCheckpointOptions options;
  options.passFrames = 64;
  options.fallbackFrames = 1 << 20;  // out of reach: the background thread alone must bound the log
  auto checkpointer = WalCheckpointer::start(writer.db, file, "NORMAL", options);
  REQUIRE(checkpointer.ok());

  // Commit back to back, never pausing, until the log has started over several times. The first
  // version of this design never started it over in such a flood: the log only grew.
  std::int64_t written = 0;
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while ((*checkpointer)->stats().restarts < 5 && std::chrono::steady_clock::now() < deadline) {
    commitRow(writer, checkpointer->get());
    ++written;
  }
  const WalStats stats = (*checkpointer)->stats();
  INFO("commits " << written << ", passes " << stats.passes << ", max frames " << stats.maxFrames);
  CHECK(stats.restarts >= 5);
  CHECK(stats.passes >= stats.restarts);
  CHECK(stats.fallbacks == 0);
  // The file never outgrows the most frames it held after a commit.
  CHECK(walBytes(file) <= 32 + static_cast<std::uintmax_t>(stats.maxFrames) * kFrameBytes);

  // Nothing committed is lost: a fresh connection sees every row, and the file is sound.
  Db reader(file);
  CHECK(reader.count("SELECT COUNT(*) FROM rows") == written);
  CHECK(reader.text("PRAGMA integrity_check") == "ok");
}

TEST_CASE("WalCheckpointer respects a reader's snapshot; the fallback bounds the log meanwhile", "[sensors]") {
  twin::test::TempDir dir("wal-reader");
  const auto file = dir.path() / "log.db";
  Db writer(file);
  createLog(writer);
  for (int i = 0; i < 10; ++i) commitRow(writer, nullptr);
  WalCheckpointOptions options;
  options.passFrames = 32;
  options.fallbackFrames = 256;
  auto checkpointer = WalCheckpointer::start(writer.db, file, "NORMAL", options);
  REQUIRE(checkpointer.ok());

  // A reader holds a snapshot of 10 rows while 600 more are committed.
  Db reader(file);
  reader.exec("BEGIN");
  REQUIRE(reader.count("SELECT COUNT(*) FROM rows") == 10);
  for (int i = 0; i < 600; ++i) commitRow(writer, checkpointer->get());
  CHECK(reader.count("SELECT COUNT(*) FROM rows") == 10);  // its snapshot is intact
  const WalStats held = (*checkpointer)->stats();
  CHECK(held.fallbacks > 0);  // the writer tried from 256 frames on
  CHECK(held.restarts == 0);  // but the log cannot start over under a reader
  CHECK(held.maxFrames >= 600);
  reader.exec("COMMIT");

  // Reader gone: the log starts over again while commits go on.
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  int more = 0;
  while ((*checkpointer)->stats().restarts == 0 && std::chrono::steady_clock::now() < deadline) {
    commitRow(writer, checkpointer->get());
    ++more;
  }
  CHECK((*checkpointer)->stats().restarts > 0);
  CHECK(reader.count("SELECT COUNT(*) FROM rows") == 610 + more);
}

TEST_CASE("WalCheckpointer ends cleanly; the writer goes back to SQLite's own checkpoints", "[sensors]") {
  twin::test::TempDir dir("wal-end");
  const auto file = dir.path() / "log.db";
  Db writer(file);
  createLog(writer);
  {
    auto checkpointer = WalCheckpointer::start(writer.db, file, "FULL");
    REQUIRE(checkpointer.ok());
    for (int i = 0; i < 50; ++i) commitRow(writer, checkpointer->get());
  }
  // The hook is SQLite's again (a hook left pointing at the ended checkpointer would be a use
  // after free here, which the sanitizer build reports): 3000 commits of one page each start the
  // log over near SQLite's 1000-frame default.
  for (int i = 0; i < 3000; ++i) commitRow(writer, nullptr);
  CHECK(walBytes(file) <= 32 + 1200 * kFrameBytes);
  CHECK(writer.count("SELECT COUNT(*) FROM rows") == 3050);
}

TEST_CASE("WalCheckpointer::start errors", "[sensors]") {
  twin::test::TempDir dir("wal-errors");
  const auto file = dir.path() / "plain.db";
  Db writer(file);
  writer.exec("CREATE TABLE t(x)");  // rollback journal, not WAL
  auto notWal = WalCheckpointer::start(writer.db, file, "NORMAL");
  REQUIRE_FALSE(notWal.ok());
  CHECK(notWal.error().message == "sensors::WalCheckpointer::start(): plain.db: not in WAL mode (journal_mode delete)");

  writer.exec("PRAGMA journal_mode=WAL");
  auto badSync = WalCheckpointer::start(writer.db, file, "SOMETIMES");
  REQUIRE_FALSE(badSync.ok());
  CHECK(badSync.error().message ==
        "sensors::WalCheckpointer::start(): plain.db: synchronous must be OFF, NORMAL, FULL or EXTRA, not 'SOMETIMES'");
  WalCheckpointOptions inverted;
  inverted.passFrames = 100;
  inverted.fallbackFrames = 50;
  auto badOptions = WalCheckpointer::start(writer.db, file, "NORMAL", inverted);
  REQUIRE_FALSE(badOptions.ok());
  CHECK(badOptions.error().message ==
        "sensors::WalCheckpointer::start(): plain.db: passFrames must be >= 1 and fallbackFrames above it");
  auto noWriter = WalCheckpointer::start(nullptr, file, "NORMAL");
  REQUIRE_FALSE(noWriter.ok());
  auto missing = WalCheckpointer::start(writer.db, dir.path() / "nowhere" / "x.db", "NORMAL");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().message.find("cannot open a second connection") != std::string::npos);
}
