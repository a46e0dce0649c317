// Running a third-party parser that may crash, hang or exhaust memory on hostile bytes where
// that failure cannot take the twin down: in a forked child with time, memory and output limits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>

namespace twin::scene {

/** What a child may use before it is stopped. */
struct IsolationLimits {
  double wallSeconds = 30;                    // killed (SIGKILL) after this long; CPU time is capped too
  std::uint64_t memoryBytes = 2048ull << 20;  // address space it may add to what the parent had
  std::size_t outputBytes = 4096;             // stdout + stderr kept; the rest is read and dropped
};

/** How a child ended. */
struct IsolatedOutcome {
  bool exited = false;  // it returned from `body` (or called exit) without being stopped
  int exitCode = -1;    // body's return value when exited; 124 bad_alloc, 125 another exception
  std::string problem;  // when !exited: "crashed (signal 11, Segmentation fault)",
                        // "did not finish within 30 s (killed)", "exceeded its CPU time limit (30 s)"
  std::string output;   // the first IsolationLimits::outputBytes of its stdout and stderr
};

/** Runs `body` in a forked child process and waits for it within `limits`; returns how it ended.
    The child gets its stdout/stderr on a pipe (drained by the parent, so a child that writes
    without end cannot block), no core dumps, RLIMIT_AS = the parent's current address space +
    memoryBytes and RLIMIT_CPU = wallSeconds + 1; it leaves with _exit(body()) so no parent
    destructor or atexit handler runs twice. A child that ends on its own in a state where it
    took almost no CPU time but ran out of wall time (a lock held by another thread of the parent
    at fork time) is run once more before being reported. Fork failure -> exited false with the
    reason. `body` must only read memory and files (what it writes stays in the child).
    isolationMutex() is held across fork(). Thread-safe; children of several threads run at once. */
IsolatedOutcome runIsolated(const std::function<int()>& body, const IsolationLimits& limits);

/** Held across each fork() of runIsolated(). Code that runs both in isolated children and in the
    parent (a parser) holds it while it runs in the parent, so that no child starts with that
    code's locks taken by another thread. */
std::mutex& isolationMutex();

}  // namespace twin::scene
