// The kill -9 case: a child floods alerts and reports each one it has shown over a pipe; the
// parent SIGKILLs it mid-flood and checks that every shown transition is in the log.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <set>
#include <sstream>
#include <thread>

#include "TestPaths.h"
#include "twin/alerts/AlertEngine.h"

using namespace twin::alerts;

namespace {

std::string floodConfig() {
  std::ostringstream s;
  s << R"({"sensors": [)";
  for (int i = 0; i < 20; ++i)
    s << (i ? "," : "") << R"({"id": "s)" << i << R"(", "name": "s", "kind": "noise", "unit": "dB", "building": "b",
        "source": {"type": "mqtt", "topic": "t"}})";
  s << R"(], "alert_rules": [{"id": "loud", "type": "above", "severity": "major", "kinds": ["noise"],
        "level": 70, "clear_level": 60}]})";
  return s.str();
}

// Runs in the forked child: no Catch2, no threads; any failure is an exit code.
[[noreturn]] void flood(const std::filesystem::path& db, int fd, Durability durability) {
  auto config = twin::model::parseSensorConfig(floodConfig(), "flood.json");
  if (!config) _exit(2);
  auto store = AlertStore::open(db, durability);
  if (!store) _exit(3);
  SystemClock clock;
  auto engine = AlertEngine::create(*config, **store, clock);
  if (!engine) _exit(4);
  (*engine)->setListener([fd](const Alert& a, const Transition& t) {
    const std::string line = std::to_string(a.id) + " " + transitionKindName(t.kind) + "\n";
    if (::write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) _exit(5);
  });
  for (long round = 0;; ++round) {
    std::vector<twin::sensors::Reading> batch;
    for (int i = 0; i < 20; ++i)
      batch.push_back({"s" + std::to_string(i), clock.nowMs(), (round + i) % 2 ? 90.0 : 50.0, true});
    if (!(*engine)->process(batch)) _exit(6);
  }
}

}  // namespace

// Both durability levels: with WAL, synchronous=NORMAL leaves each commit in the OS page cache,
// which a killed process cannot take with it.
TEST_CASE("kill -9 in the middle of a flood loses no shown alert", "[alerts][slow]") {
  const Durability durability = GENERATE(Durability::Full, Durability::Normal);
  INFO("durability " << (durability == Durability::Full ? "FULL" : "NORMAL"));
  twin::test::TempDir dir("kill9");
  const auto db = dir.path() / "alerts.db";
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::close(fds[0]);
    flood(db, fds[1], durability);
  }
  ::close(fds[1]);

  std::string received;
  auto countLines = [&] { return std::count(received.begin(), received.end(), '\n'); };
  char buf[65536];
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (countLines() < 3000 && std::chrono::steady_clock::now() < deadline) {
    pollfd p{fds[0], POLLIN, 0};
    if (::poll(&p, 1, 200) <= 0) continue;
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n <= 0) break;
    received.append(buf, static_cast<std::size_t>(n));
  }
  ::kill(child, SIGKILL);
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  INFO("child exit: signalled=" << WIFSIGNALED(status)
                                << " exit code=" << (WIFEXITED(status) ? WEXITSTATUS(status) : -1));
  REQUIRE(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGKILL);
  // Whatever the child wrote before it died was shown too.
  ssize_t n;
  while ((n = ::read(fds[0], buf, sizeof buf)) > 0) received.append(buf, static_cast<std::size_t>(n));
  ::close(fds[0]);
  REQUIRE(countLines() >= 3000);

  auto store = AlertStore::open(db);
  REQUIRE(store.ok());
  std::istringstream lines(received);
  std::string line;
  std::set<std::int64_t> checked;
  std::size_t shown = 0, missing = 0;
  std::map<std::int64_t, std::vector<std::string>> byAlert;
  while (std::getline(lines, line)) {
    if (lines.eof()) break;  // a partial last line was not fully shown
    std::istringstream fields(line);
    std::int64_t id;
    std::string kind;
    fields >> id >> kind;
    byAlert[id].push_back(kind);
    ++shown;
  }
  for (const auto& [id, kinds] : byAlert) {
    auto transitions = (*store)->transitions(id);
    REQUIRE(transitions.ok());
    // The log holds at least what was shown, in the same order.
    if (transitions->size() < kinds.size()) {
      ++missing;
      continue;
    }
    for (std::size_t i = 0; i < kinds.size(); ++i)
      if (kinds[i] != transitionKindName((*transitions)[i].kind)) ++missing;
  }
  INFO("shown transitions: " << shown << ", alerts: " << byAlert.size());
  CHECK(missing == 0);
  CHECK(shown >= 3000);
  // The log is usable after the crash: an engine restarts on it and restores the active alerts.
  auto config = twin::model::parseSensorConfig(floodConfig(), "flood.json");
  REQUIRE(config.ok());
  ManualClock clock;
  auto engine = AlertEngine::create(*config, **store, clock);
  REQUIRE(engine.ok());
  CHECK((*engine)->activeAlerts().size() <= 20);
}
