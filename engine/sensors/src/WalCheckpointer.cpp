#include "twin/sensors/WalCheckpointer.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>

#include <sqlite3.h>

#include "twin/core/Log.h"

namespace twin::sensors {

using core::fail;
using Clock = std::chrono::steady_clock;

constexpr int kSqliteDefaultAutoCheckpoint = 1000;  // SQLite's compile-time default, not in sqlite3.h
constexpr int kOpenPasses = 4;                      // passes with the gate open, at most
constexpr std::uint64_t kFinalFrames = 64;          // few enough frames to copy with the gate closed

struct WalCheckpointer::Impl {
  sqlite3* writer = nullptr;
  sqlite3* conn = nullptr;  // the thread's own connection
  std::string file;
  WalCheckpointOptions options;
  std::thread thread;

  // Wake-up: frames written so far (the hook adds), and where the last pass started.
  std::mutex wakeMutex;
  std::condition_variable wakeCv;
  bool stop = false;
  std::atomic<std::uint64_t> totalFrames{0};
  std::uint64_t passStartFrames = 0;  // under wakeMutex
  int lastFrames = 0;                 // the writer's thread only (inside the hook)

  // The write gate: a final pass waits for the open transaction to end and keeps new ones out.
  std::mutex gateMutex;
  std::condition_variable gateCv;
  bool writing = false, finalWanted = false, finalRunning = false;

  mutable std::mutex statsMutex;
  WalStats stats;
  bool warned = false;  // the thread's only

  ~Impl() { sqlite3_close(conn); }

  void warnOnce(int rc) {
    if (warned) return;
    warned = true;
    core::logWarning("sensors::WalCheckpointer: " + file + ": background checkpoint failed: " + sqlite3_errstr(rc) +
                     " (commits go on; the log is checkpointed at " + std::to_string(options.fallbackFrames) +
                     " frames instead)");
  }

  void run();
};

namespace {

// SQLite's WAL hook, called by the writer's connection after each commit with the frames now in
// the log. Replaces the auto-checkpoint hook (which is this same hook with a fixed threshold).
int onCommit(void* context, sqlite3* db, const char* schema, int frames) {
  auto& m = *static_cast<WalCheckpointer::Impl*>(context);
  const bool restarted = frames < m.lastFrames;
  const std::uint64_t added = static_cast<std::uint64_t>(restarted ? frames : frames - m.lastFrames);
  m.lastFrames = frames;
  {
    std::lock_guard<std::mutex> lock(m.statsMutex);
    if (restarted) ++m.stats.restarts;
    m.stats.maxFrames = std::max(m.stats.maxFrames, frames);
  }
  const std::uint64_t total = m.totalFrames.fetch_add(added) + added;
  {
    std::lock_guard<std::mutex> lock(m.wakeMutex);
    if (total - m.passStartFrames >= static_cast<std::uint64_t>(m.options.passFrames)) m.wakeCv.notify_one();
  }
  if (frames >= m.options.fallbackFrames) {
    int log = 0, copied = 0;
    if (sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, &log, &copied) == SQLITE_OK) {
      std::lock_guard<std::mutex> lock(m.statsMutex);
      ++m.stats.fallbacks;
    }
  }
  return SQLITE_OK;
}

}  // namespace

void WalCheckpointer::Impl::run() {
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(wakeMutex);
      wakeCv.wait(lock, [&] {
        return stop || totalFrames.load() - passStartFrames >= static_cast<std::uint64_t>(options.passFrames);
      });
      if (stop) return;
      passStartFrames = totalFrames.load();
    }
    // The bulk of the copy and its fsyncs, while the writer goes on. Each pass copies what the
    // log held when it began; passes repeat (shorter each time) while the writer added much.
    int log = 0, copied = 0, rc = SQLITE_OK;
    std::uint64_t before = 0, written = 0;
    for (int pass = 0; pass < kOpenPasses; ++pass) {
      before = totalFrames.load();
      rc = sqlite3_wal_checkpoint_v2(conn, nullptr, SQLITE_CHECKPOINT_PASSIVE, &log, &copied);
      written = totalFrames.load() - before;
      {
        std::lock_guard<std::mutex> lock(statsMutex);
        ++stats.passes;
      }
      if (rc != SQLITE_OK || copied < log || written <= kFinalFrames) break;
    }
    if (rc == SQLITE_BUSY) continue;  // the writer's fallback checkpoint holds the lock
    if (rc != SQLITE_OK) {
      warnOnce(rc);
      continue;
    }
    if (copied < log) continue;  // a reader's snapshot holds the log back: no use closing the gate
    if (written == 0) continue;  // all in: the next write transaction starts the log over
    // Frames written during the pass: copy them with the gate closed, so that the pass ends
    // with every frame in the database and the log can start over.
    {
      std::unique_lock<std::mutex> lock(gateMutex);
      finalWanted = true;
      gateCv.wait(lock, [&] { return !writing; });
      finalWanted = false;
      finalRunning = true;
    }
    const auto t0 = Clock::now();
    rc = sqlite3_wal_checkpoint_v2(conn, nullptr, SQLITE_CHECKPOINT_PASSIVE, &log, &copied);
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    {
      std::lock_guard<std::mutex> lock(gateMutex);
      finalRunning = false;
    }
    gateCv.notify_all();
    {
      std::lock_guard<std::mutex> lock(statsMutex);
      stats.maxFinalPassMs = std::max(stats.maxFinalPassMs, ms);
    }
    if (rc != SQLITE_OK && rc != SQLITE_BUSY) warnOnce(rc);
  }
}

core::Result<std::unique_ptr<WalCheckpointer>> WalCheckpointer::start(sqlite3* writer,
                                                                      const std::filesystem::path& file,
                                                                      const char* synchronous,
                                                                      const WalCheckpointOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->writer = writer;
  impl->file = file.filename().string();
  impl->options = options;
  const std::string where = "sensors::WalCheckpointer::start(): " + impl->file + ": ";
  if (!writer) return fail(where + "no writer connection");
  if (options.passFrames < 1 || options.fallbackFrames <= options.passFrames)
    return fail(where + "passFrames must be >= 1 and fallbackFrames above it");
  const std::string sync = synchronous ? synchronous : "";
  if (sync != "OFF" && sync != "NORMAL" && sync != "FULL" && sync != "EXTRA")
    return fail(where + "synchronous must be OFF, NORMAL, FULL or EXTRA, not '" + sync + "'");
  if (sqlite3_open_v2(file.string().c_str(), &impl->conn, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) !=
      SQLITE_OK)
    return fail(where + "cannot open a second connection: " +
                (impl->conn ? sqlite3_errmsg(impl->conn) : std::string("out of memory")));
  sqlite3_stmt* st = nullptr;
  std::string mode;
  if (sqlite3_prepare_v2(impl->conn, "PRAGMA journal_mode", -1, &st, nullptr) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW) {
    const unsigned char* t = sqlite3_column_text(st, 0);
    mode = t ? reinterpret_cast<const char*>(t) : "";
  }
  sqlite3_finalize(st);
  if (mode != "wal") return fail(where + "not in WAL mode (journal_mode " + (mode.empty() ? "unknown" : mode) + ")");
  if (sqlite3_exec(impl->conn, ("PRAGMA synchronous=" + sync).c_str(), nullptr, nullptr, nullptr) != SQLITE_OK)
    return fail(where + "cannot set synchronous: " + sqlite3_errmsg(impl->conn));
  Impl* raw = impl.get();
  try {
    impl->thread = std::thread([raw] { raw->run(); });
  } catch (const std::system_error& e) {
    return fail(where + "cannot start the thread: " + e.what());
  }
  sqlite3_wal_hook(writer, onCommit, raw);
  return std::unique_ptr<WalCheckpointer>(new WalCheckpointer(std::move(impl)));
}

WalCheckpointer::WalCheckpointer(std::unique_ptr<Impl> impl) : _impl(std::move(impl)) {}

WalCheckpointer::~WalCheckpointer() {
  {
    std::lock_guard<std::mutex> lock(_impl->wakeMutex);
    _impl->stop = true;
  }
  _impl->wakeCv.notify_one();
  _impl->thread.join();
  sqlite3_wal_autocheckpoint(_impl->writer, kSqliteDefaultAutoCheckpoint);  // replaces our hook
}

WalCheckpointer::WriteGuard::WriteGuard(WalCheckpointer* owner) : _owner(owner) {
  if (!_owner) return;
  Impl& m = *_owner->_impl;
  std::unique_lock<std::mutex> lock(m.gateMutex);
  if (m.finalWanted || m.finalRunning) {
    const auto t0 = Clock::now();
    m.gateCv.wait(lock, [&] { return !m.finalWanted && !m.finalRunning; });
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    std::lock_guard<std::mutex> statsLock(m.statsMutex);
    m.stats.maxGateWaitMs = std::max(m.stats.maxGateWaitMs, ms);
  }
  m.writing = true;
}

WalCheckpointer::WriteGuard::~WriteGuard() {
  if (!_owner) return;
  Impl& m = *_owner->_impl;
  bool wanted;
  {
    std::lock_guard<std::mutex> lock(m.gateMutex);
    m.writing = false;
    wanted = m.finalWanted;
  }
  if (wanted) m.gateCv.notify_all();
}

WalStats WalCheckpointer::stats() const {
  std::lock_guard<std::mutex> lock(_impl->statsMutex);
  return _impl->stats;
}

LazyWalCheckpointer::LazyWalCheckpointer(std::filesystem::path file, std::string synchronous)
    : _file(std::move(file)), _synchronous(std::move(synchronous)) {}

WalCheckpointer::WriteGuard LazyWalCheckpointer::write(sqlite3* writer) {
  if (!_tried) {
    _tried = true;
    auto started = WalCheckpointer::start(writer, _file, _synchronous.c_str());
    if (started)
      _checkpointer = std::move(*started);
    else
      core::logWarning(started.error().message);
  }
  return WalCheckpointer::WriteGuard(_checkpointer.get());
}

WalStats LazyWalCheckpointer::stats() const { return _checkpointer ? _checkpointer->stats() : WalStats{}; }

bool enterWalMode(sqlite3* db, std::chrono::milliseconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    sqlite3_stmt* st = nullptr;
    int rc = sqlite3_prepare_v2(db, "PRAGMA journal_mode=WAL", -1, &st, nullptr);
    std::string mode;
    if (rc == SQLITE_OK) {
      rc = sqlite3_step(st);
      if (rc == SQLITE_ROW) {
        const unsigned char* t = sqlite3_column_text(st, 0);
        mode = t ? reinterpret_cast<const char*>(t) : "";
      }
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW) return mode == "wal";
    if ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED) return false;
    if (std::chrono::steady_clock::now() >= end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace twin::sensors
