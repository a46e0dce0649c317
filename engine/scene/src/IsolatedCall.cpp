#include "twin/scene/IsolatedCall.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <new>

namespace twin::scene {
namespace {

std::uint64_t currentAddressSpaceBytes() {
  std::ifstream statm("/proc/self/statm");
  std::uint64_t pages = 0;
  statm >> pages;
  return pages * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
}

[[noreturn]] void runChild(const std::function<int()>& body, const IsolationLimits& limits, int outputFd,
                           std::uint64_t addressSpace) {
  ::dup2(outputFd, STDOUT_FILENO);
  ::dup2(outputFd, STDERR_FILENO);
  ::close(outputFd);
  const rlimit noCore{0, 0};
  ::setrlimit(RLIMIT_CORE, &noCore);
  const rlim_t cpu = static_cast<rlim_t>(std::ceil(limits.wallSeconds)) + 1;
  const rlimit cpuLimit{cpu, cpu + 1};
  ::setrlimit(RLIMIT_CPU, &cpuLimit);
  const rlimit memory{addressSpace + limits.memoryBytes, addressSpace + limits.memoryBytes};
  ::setrlimit(RLIMIT_AS, &memory);
  int code = 125;
  try {
    code = body();
  } catch (const std::bad_alloc&) {
    code = 124;
  } catch (...) {
    code = 125;
  }
  std::fflush(stdout);
  std::fflush(stderr);
  ::_exit(code);
}

struct Run {
  IsolatedOutcome outcome;
  double cpuSeconds = 0, wallSeconds = 0;
  bool timedOut = false;
};

Run runOnce(const std::function<int()>& body, const IsolationLimits& limits) {
  Run run;
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    run.outcome.problem = std::string("could not start a reader process: pipe: ") + std::strerror(errno);
    return run;
  }
  const std::uint64_t addressSpace = currentAddressSpaceBytes();
  pid_t pid;
  {
    // The child starts with a copy of every lock as it stood: forking while no other thread of
    // ours is inside the isolated code keeps the locks that code uses free in the child.
    std::lock_guard<std::mutex> lock(isolationMutex());
    // Output still buffered in this process would otherwise be written a second time by the child.
    std::fflush(nullptr);
    pid = ::fork();
  }
  if (pid < 0) {
    run.outcome.problem = std::string("could not start a reader process: fork: ") + std::strerror(errno);
    ::close(fds[0]);
    ::close(fds[1]);
    return run;
  }
  if (pid == 0) {
    ::close(fds[0]);
    runChild(body, limits, fds[1], addressSpace);
  }
  ::close(fds[1]);
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + std::chrono::duration<double>(limits.wallSeconds);
  char buffer[4096];
  bool open = true;
  int status = 0;
  rusage usage{};
  while (true) {
    if (open) {
      pollfd p{fds[0], POLLIN, 0};
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      const int waitMs = static_cast<int>(std::max<long long>(0, std::min<long long>(left.count(), 100)));
      if (::poll(&p, 1, waitMs) > 0) {
        const ssize_t n = ::read(fds[0], buffer, sizeof buffer);
        if (n > 0) {
          const std::size_t keep =
              std::min(static_cast<std::size_t>(n),
                       limits.outputBytes - std::min(limits.outputBytes, run.outcome.output.size()));
          run.outcome.output.append(buffer, keep);
        } else if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
          open = false;
        }
      }
    } else {
      ::usleep(10000);
    }
    const pid_t done = ::wait4(pid, &status, WNOHANG, &usage);
    if (done == pid) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(pid, SIGKILL);
      ::wait4(pid, &status, 0, &usage);
      run.timedOut = true;
      break;
    }
  }
  ::close(fds[0]);
  run.wallSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  run.cpuSeconds =
      usage.ru_utime.tv_sec + usage.ru_stime.tv_sec + 1e-6 * (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
  char limitText[32];
  std::snprintf(limitText, sizeof limitText, "%g", limits.wallSeconds);
  if (run.timedOut) {
    run.outcome.problem = std::string("did not finish within ") + limitText + " s (killed)";
  } else if (WIFEXITED(status)) {
    run.outcome.exited = true;
    run.outcome.exitCode = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    if (sig == SIGXCPU)
      run.outcome.problem = std::string("exceeded its CPU time limit (") + limitText + " s)";
    else
      run.outcome.problem = "crashed (signal " + std::to_string(sig) + ", " + ::strsignal(sig) + ")";
  } else {
    run.outcome.problem = "ended in an unknown way";
  }
  return run;
}

}  // namespace

std::mutex& isolationMutex() {
  static std::mutex mutex;
  return mutex;
}

IsolatedOutcome runIsolated(const std::function<int()>& body, const IsolationLimits& limits) {
  Run run = runOnce(body, limits);
  // A child that spent its time waiting rather than computing was blocked on a lock that some
  // other thread of the parent held when it forked; a second child meets other locks.
  if (run.timedOut && run.cpuSeconds < 0.1 * run.wallSeconds) run = runOnce(body, limits);
  return run.outcome;
}

}  // namespace twin::scene
