// SQLite WAL checkpoints off a writer's commit path: a background thread copies the log into
// the database while the writer goes on committing, and holds the writer back only for the
// short final pass that lets the log start over.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "twin/core/Result.h"

struct sqlite3;

namespace twin::sensors {

struct WalCheckpointOptions {
  /** A checkpoint pass starts after this many WAL frames (pages) have been written since the
      last one. SQLite's own auto-checkpoint default is 1000. */
  int passFrames = 1000;
  /** Bound on the log: a commit that leaves more frames than this in the WAL checkpoints on the
      writer's own thread (SQLite's auto-checkpoint, as a fallback for when the background
      thread cannot keep up, for example while a reader holds an old snapshot). */
  int fallbackFrames = 16000;
};

/** What the checkpointer did, for benchmarks and tests. */
struct WalStats {
  std::uint64_t passes = 0;     ///< background checkpoint passes
  std::uint64_t restarts = 0;   ///< times the log started over from its first frame
  std::uint64_t fallbacks = 0;  ///< checkpoints the writer ran itself at fallbackFrames
  int maxFrames = 0;            ///< the most frames the WAL held after a commit
  double maxGateWaitMs = 0;     ///< the longest a write transaction waited for a final pass
  double maxFinalPassMs = 0;    ///< the longest final pass (writer held back)
};

/** Takes over WAL checkpointing of one writer connection. With SQLite's auto-checkpoint, the
    commit that crosses 1000 frames copies them all into the database and fsyncs twice, on the
    writer's thread: 8-20 ms on the development machine's disk, every few hundred commits.
    Here a second connection on a background thread does a PASSIVE checkpoint (which never
    blocks the writer) every `passFrames` frames. A passive pass cannot finish while the writer
    keeps appending, and the log can start over only once every frame is in the database, so
    the thread then closes the write gate, copies the few frames written meanwhile, and opens
    it again: the writer waits for that short pass only (two small fsyncs, about 1 ms).

    Durability is SQLite's: checkpoints sync as the connection's `synchronous` level says, and
    a commit is as durable as before. The writer must wrap each write transaction in a
    WriteGuard. Readers on other connections may hold the log back (a checkpoint never copies
    past a reader's snapshot); the fallback bounds it meanwhile.

    Created on the writer's thread; the writer connection must outlive it. */
class WalCheckpointer {
 public:
  /** Opens the second connection on `file` with `synchronous` (the PRAGMA value, e.g. "NORMAL")
      and starts the thread. Error when the file cannot be opened or is not in WAL mode. */
  static core::Result<std::unique_ptr<WalCheckpointer>> start(sqlite3* writer, const std::filesystem::path& file,
                                                              const char* synchronous,
                                                              const WalCheckpointOptions& options = {});
  /** Stops the thread and closes its connection; the writer goes back to SQLite's default
      auto-checkpoint. */
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  /** Held by the writer for the whole of one write transaction (BEGIN to COMMIT/ROLLBACK). */
  class WriteGuard {
   public:
    explicit WriteGuard(WalCheckpointer* owner);  // null: no checkpointer, no gate
    ~WriteGuard();
    WriteGuard(const WriteGuard&) = delete;
    WriteGuard& operator=(const WriteGuard&) = delete;

   private:
    WalCheckpointer* _owner;
  };

  WalStats stats() const;

  struct Impl;

 private:
  explicit WalCheckpointer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> _impl;
};

/** The checkpointer of one writer connection, started by its first write transaction, so that a
    connection that only reads starts no thread. If it cannot start, the reason is logged and
    SQLite checkpoints on the writer's thread as usual. The writer's thread only. */
class LazyWalCheckpointer {
 public:
  LazyWalCheckpointer(std::filesystem::path file, std::string synchronous);
  /** The gate for one write transaction of `writer` (BEGIN to COMMIT/ROLLBACK). */
  WalCheckpointer::WriteGuard write(sqlite3* writer);
  /** Zeros before the first write, or when the checkpointer could not start. */
  WalStats stats() const;
  /** Ends the thread; call before the writer connection closes. */
  void stop() { _checkpointer.reset(); }

 private:
  std::filesystem::path _file;
  std::string _synchronous;
  std::unique_ptr<WalCheckpointer> _checkpointer;
  bool _tried = false;
};

/** Puts `db` in WAL mode. Another program switching the same new file at the same moment makes
    SQLite answer "database is locked" at once (its busy handler is not consulted there), so this
    retries for up to `timeout`. False, with the reason left in sqlite3_errmsg(db), when the file
    cannot be switched: not a database, read-only, or locked for longer. */
bool enterWalMode(sqlite3* db, std::chrono::milliseconds timeout = std::chrono::milliseconds(5000));

}  // namespace twin::sensors
