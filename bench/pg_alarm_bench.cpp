// Acknowledgement propagation between seats sharing one alert log in PostgreSQL: seat A (this
// process) acknowledges alerts one at a time through its AlertEngine; seats B and C (child
// processes) wait in poll() on their store's notification socket, take the change over
// (AlertEngine::takeOverChanges()) and note when each acknowledgement shows in their alarm
// list. Propagation = from the start of acknowledge() at A to the alert showing acknowledged at
// B or C, on CLOCK_MONOTONIC (steady_clock), which all processes of the machine share. Also
// prints how long acknowledge() took at A (its commit: lock, take-over, write, NOTIFY).
// The server is a scratch cluster on a unix socket (fsync off, as the tests run it), so these
// are the engine's and libpq's costs, not a disk's.
// Needs postgresql-15 (scripts/install-deps.sh).
// Usage: bench_pg_alarm_bench [ACKS] [GAP_MS]   (default 300 acknowledgements, 20 ms apart)
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "ScratchPostgres.h"
#include "twin/alerts/AlertEngine.h"

using namespace twin;
using namespace twin::alerts;

namespace {

std::int64_t monotonicNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t i = std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5));
  return v[i];
}

model::SensorConfig manySensors(int count) {
  std::ostringstream s;
  s << R"({"sensors": [)";
  for (int i = 0; i < count; ++i)
    s << (i ? "," : "") << R"({"id": "s)" << i
      << R"(", "name": "s", "kind": "noise", "unit": "dB", "building": "b", "source": {"type": "mqtt", "topic": "t"}})";
  s << R"(], "alert_rules": [{"id": "loud", "type": "above", "severity": "major", "kinds": ["noise"],
        "level": 70, "clear_level": 60}]})";
  auto c = model::parseSensorConfig(s.str(), "bench.json");
  if (!c) {
    std::fprintf(stderr, "%s\n", c.error().message.c_str());
    std::exit(1);
  }
  return *c;
}

// A watching seat: reports "<alert id> <ns>" for each acknowledgement it sees, until it has
// seen `count` of them. Runs in a forked child; failures are exit codes.
[[noreturn]] void watch(const std::string& location, int count, int readyFd, int fd) {
  auto store = AlertStore::open(location);
  if (!store) _exit(3);
  SystemClock clock;
  auto engine = AlertEngine::create(model::SensorConfig{}, **store, clock);
  if (!engine) _exit(4);
  std::set<std::int64_t> seen;
  if (::write(readyFd, "r", 1) != 1) _exit(5);
  while (static_cast<int>(seen.size()) < count) {
    pollfd p{(*store)->notificationSocket(), POLLIN, 0};
    if (::poll(&p, 1, 10000) <= 0) _exit(6);  // ten seconds without a notification: stuck
    auto taken = (*engine)->takeOverChanges();
    if (!taken) _exit(7);
    if (!*taken) continue;
    const std::int64_t now = monotonicNs();
    for (const Alert& a : (*engine)->openAlerts())
      if (isAcknowledged(a.state) && seen.insert(a.id).second) {
        const std::string line = std::to_string(a.id) + " " + std::to_string(now) + "\n";
        if (::write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) _exit(8);
      }
  }
  _exit(0);
}

}  // namespace

int main(int argc, char** argv) {
  const int acks = argc > 1 ? std::max(1, std::atoi(argv[1])) : 300;
  const int gapMs = argc > 2 ? std::max(0, std::atoi(argv[2])) : 20;
  char pattern[] = "/tmp/twin-pgalarm-XXXXXX";
  if (!mkdtemp(pattern)) {
    std::fprintf(stderr, "cannot create a temporary directory\n");
    return 1;
  }
  const std::string dir = pattern;
  int rc = 0;
  {
    auto pg = test::ScratchPostgres::start(dir);
    if (!pg) {
      std::fprintf(stderr, "%s\n", pg.error().message.c_str());
      std::filesystem::remove_all(dir);
      return 1;
    }
    const std::string location = "postgresql:///postgres?host=" + dir + "&user=twin";
    const model::SensorConfig config = manySensors(acks);
    auto store = AlertStore::open(location);
    if (!store) {
      std::fprintf(stderr, "%s\n", store.error().message.c_str());
      return 1;
    }
    SystemClock clock;
    auto engine = AlertEngine::create(config, **store, clock);
    if (!engine) return 1;
    std::vector<sensors::Reading> loud;
    for (int i = 0; i < acks; ++i) loud.push_back({"s" + std::to_string(i), clock.nowMs(), 90, true});
    if (auto s = (*engine)->process(loud); !s) {
      std::fprintf(stderr, "%s\n", s.error().message.c_str());
      return 1;
    }
    std::vector<std::int64_t> ids;
    for (const Alert& a : (*engine)->activeAlerts()) ids.push_back(a.id);

    int ready[2], lines[2];
    if (::pipe(ready) != 0 || ::pipe(lines) != 0) return 1;
    std::vector<pid_t> seats;
    for (int k = 0; k < 2; ++k) {
      const pid_t child = ::fork();
      if (child == 0) {
        ::close(ready[0]);
        ::close(lines[0]);
        watch(location, acks, ready[1], lines[1]);
      }
      seats.push_back(child);
    }
    ::close(ready[1]);
    ::close(lines[1]);
    char c;
    for (std::size_t k = 0; k < seats.size(); ++k)
      if (::read(ready[0], &c, 1) != 1) return 1;

    std::map<std::int64_t, std::int64_t> startNs;
    std::vector<double> commitMs;
    for (std::int64_t id : ids) {
      const std::int64_t t0 = monotonicNs();
      startNs[id] = t0;
      if (auto s = (*engine)->acknowledge(id, "seat A", ""); !s) {
        std::fprintf(stderr, "%s\n", s.error().message.c_str());
        return 1;
      }
      commitMs.push_back(static_cast<double>(monotonicNs() - t0) / 1e6);
      std::this_thread::sleep_for(std::chrono::milliseconds(gapMs));
    }
    std::string received;
    char buf[65536];
    ssize_t n;
    while ((n = ::read(lines[0], buf, sizeof buf)) > 0) received.append(buf, static_cast<std::size_t>(n));
    for (pid_t seat : seats) {
      int status = 0;
      ::waitpid(seat, &status, 0);
      if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        std::fprintf(stderr, "a watching seat failed (status %d)\n", status);
        rc = 1;
      }
    }
    std::vector<double> propagationMs;
    std::istringstream in(received);
    std::int64_t id = 0, ns = 0;
    while (in >> id >> ns)
      if (startNs.count(id)) propagationMs.push_back(static_cast<double>(ns - startNs[id]) / 1e6);
    std::printf("PostgreSQL alert log, %d acknowledgements %d ms apart at seat A, 2 watching seats\n", acks, gapMs);
    std::printf("acknowledge() at seat A:        p50 %.2f ms  p99 %.2f ms  max %.2f ms\n", percentile(commitMs, 0.5),
                percentile(commitMs, 0.99), percentile(commitMs, 1.0));
    std::printf("ack propagation to other seats: p50 %.2f ms  p99 %.2f ms  max %.2f ms  (%zu of %zu seen)\n",
                percentile(propagationMs, 0.5), percentile(propagationMs, 0.99), percentile(propagationMs, 1.0),
                propagationMs.size(), static_cast<std::size_t>(acks) * seats.size());
  }
  std::filesystem::remove_all(dir);
  return rc;
}
