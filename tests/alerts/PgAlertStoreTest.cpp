// The alert log in PostgreSQL (several seats, one alarm state), in a scratch cluster of the
// test's own on a unix socket (test::ScratchPostgres). Without PostgreSQL 15's programs the
// tests that need a server are reported skipped (exit 77) with the reason.
#include <catch2/catch.hpp>

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "ScratchPostgres.h"
#include "TestPaths.h"
#include "twin/alerts/AlertEngine.h"

using namespace twin;
using namespace twin::alerts;
using twin::sensors::Reading;

namespace {

const char* kConfig = R"({
  "sensors": [
    {"id": "flood", "name": "地下车库水位", "kind": "water_level", "unit": "m", "building": "b7", "floor": -1,
     "source": {"type": "mqtt", "topic": "t/flood"}},
    {"id": "gate", "name": "门禁", "kind": "gate", "unit": "次", "position": [120.2, 30.2],
     "source": {"type": "mqtt", "topic": "t/gate"}},
    {"id": "noise", "name": "噪声", "kind": "noise", "unit": "dB", "building": "b2", "floor": 3,
     "source": {"type": "mqtt", "topic": "t/noise"}}
  ],
  "alert_rules": [
    {"id": "flood-high", "name": "积水", "type": "above", "severity": "critical", "sensors": ["flood"], "level": 0.3,
     "clear_level": 0.2},
    {"id": "gate-offline", "name": "离线", "type": "stale", "severity": "minor", "sensors": ["gate"], "stale_seconds": 60},
    {"id": "loud", "type": "above", "severity": "warning", "sensors": ["noise"], "level": 70, "clear_level": 60,
     "escalate_after_seconds": 600}
  ]
})";

constexpr std::int64_t kNow = 1700000000000LL;

model::SensorConfig config() {
  auto c = model::parseSensorConfig(kConfig, "pg.json");
  REQUIRE(c.ok());
  return *c;
}

// A scratch cluster, or the test ends as skipped when PostgreSQL is not installed here.
std::unique_ptr<test::ScratchPostgres> scratch(const test::TempDir& dir) {
  const std::string initdb = std::string(test::ScratchPostgres::kDefaultBinDir) + "/initdb";
  if (::access(initdb.c_str(), X_OK) != 0) {
    std::cout << "SKIPPED: needs PostgreSQL 15 (" << initdb << "; postgresql-15: scripts/install-deps.sh)\n";
    std::exit(test::kSkipExitCode);
  }
  auto pg = test::ScratchPostgres::start(dir.path().string());
  if (!pg.ok()) FAIL(pg.error().message);
  return std::move(*pg);
}

std::string uri(const test::TempDir& dir) {
  return "postgresql:///postgres?host=" + dir.path().string() + "&user=twin";
}

std::unique_ptr<AlertStore> openStore(const std::string& location) {
  auto s = AlertStore::open(location);
  if (!s.ok()) FAIL(s.error().message);
  return std::move(*s);
}

std::unique_ptr<AlertEngine> engineOn(AlertStore& store, const model::SensorConfig& c, const Clock& clock) {
  auto e = AlertEngine::create(c, store, clock);
  if (!e.ok()) FAIL(e.error().message);
  return std::move(*e);
}

// One scripted day at a seat: raises, an escalation, an acknowledgement with a note, an
// assignment, clears by reading and by hand, a stale alert.
void scriptedDay(AlertStore& store) {
  const model::SensorConfig c = config();
  ManualClock clock(kNow);
  auto engine = engineOn(store, c, clock);
  REQUIRE(engine->process({Reading{"flood", kNow - 5000, 0.42, true}, Reading{"noise", kNow - 4000, 82.5, true}}).ok());
  clock.advanceSeconds(30);
  REQUIRE(engine->acknowledge(1, "王工", "派人查看 pumps").ok());
  REQUIRE(engine->assign(2, "李师傅", "值班长").ok());
  clock.advanceSeconds(601);
  REQUIRE(engine->tick().ok());  // noise escalates; gate has been silent: stale
  REQUIRE(engine->process({Reading{"flood", kNow + 700000, 0.1, true}}).ok());
  REQUIRE(engine->clear(2, "值班长", "误报").ok());
  clock.advanceSeconds(10);
  REQUIRE(engine->acknowledge(2, "值班长", "").ok());
}

void sameAlert(const Alert& a, const Alert& b) {
  INFO("alert " << a.id);
  CHECK(a.id == b.id);
  CHECK(a.ruleId == b.ruleId);
  CHECK(a.sensorId == b.sensorId);
  CHECK(a.kind == b.kind);
  CHECK(a.severity == b.severity);
  CHECK(a.raisedSeverity == b.raisedSeverity);
  CHECK(a.escalations == b.escalations);
  CHECK(a.state == b.state);
  CHECK(a.raisedMs == b.raisedMs);
  CHECK(a.receivedMs == b.receivedMs);
  CHECK(a.ackMs == b.ackMs);
  CHECK(a.clearedMs == b.clearedMs);
  CHECK((std::isnan(a.value) ? std::isnan(b.value) : a.value == b.value));
  CHECK(a.message == b.message);
  CHECK(a.building == b.building);
  CHECK(a.floor == b.floor);
  CHECK(a.replay == b.replay);
  CHECK(a.ackBy == b.ackBy);
  CHECK(a.ackComment == b.ackComment);
  CHECK(a.assignee == b.assignee);
  CHECK(a.assignedMs == b.assignedMs);
  CHECK(a.messageParts.key == b.messageParts.key);  // the message in both languages
  CHECK(a.messageParts.args == b.messageParts.args);
  CHECK(a.messageParts.rule == b.messageParts.rule);
  CHECK(a.messageParts.ruleEn == b.messageParts.ruleEn);
  CHECK(a.messageParts.sensor == b.messageParts.sensor);
  CHECK(a.messageParts.sensorEn == b.messageParts.sensorEn);
}

// Reads every line the child processes wrote to `fd` until `until` is true or 60 s pass.
template <class Until>
void readLines(int fd, std::string& received, Until until) {
  char buf[4096];
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!until() && std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    received.append(buf, static_cast<std::size_t>(n));
  }
}

void say(int fd, const std::string& line) {
  const std::string l = line + "\n";
  if (::write(fd, l.data(), l.size()) != static_cast<ssize_t>(l.size())) _exit(9);
}

// Waits (poll() on the store's notification socket) until `seen` holds after a take-over.
template <class Seen>
bool waitFor(AlertEngine& engine, AlertStore& store, Seen seen, int seconds = 30) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    auto taken = engine.takeOverChanges();
    if (!taken.ok()) return false;
    if (seen()) return true;
    pollfd p{store.notificationSocket(), POLLIN, 0};
    ::poll(&p, 1, 200);
  }
  return false;
}

}  // namespace

TEST_CASE("an alert log in PostgreSQL keeps what the SQLite log keeps", "[alerts][postgres]") {
  test::TempDir dir("pgsame");
  auto pg = scratch(dir);
  auto sqlite = openStore((dir.path() / "alerts.db").string());
  auto server = openStore(uri(dir));
  CHECK(server->notificationSocket() >= 0);
  CHECK(sqlite->notificationSocket() == -1);
  scriptedDay(*sqlite);
  scriptedDay(*server);

  auto a = sqlite->allAlerts();
  auto b = server->allAlerts();
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  REQUIRE(a->size() == 3);
  REQUIRE(b->size() == a->size());
  for (std::size_t i = 0; i < a->size(); ++i) sameAlert((*a)[i], (*b)[i]);
  CHECK_FALSE((*b)[0].messageParts.key.empty());
  for (const Alert& alert : *a) {
    auto ta = sqlite->transitions(alert.id);
    auto tb = server->transitions(alert.id);
    REQUIRE(ta.ok());
    REQUIRE(tb.ok());
    REQUIRE(ta->size() == tb->size());
    for (std::size_t i = 0; i < ta->size(); ++i) {
      INFO("alert " << alert.id << " transition " << i);
      CHECK((*ta)[i].kind == (*tb)[i].kind);
      CHECK((*ta)[i].state == (*tb)[i].state);
      CHECK((*ta)[i].atMs == (*tb)[i].atMs);
      CHECK((*ta)[i].who == (*tb)[i].who);
      CHECK((*ta)[i].comment == (*tb)[i].comment);
      CHECK((*ta)[i].severity == (*tb)[i].severity);
      CHECK((std::isnan((*ta)[i].value) ? std::isnan((*tb)[i].value) : (*ta)[i].value == (*tb)[i].value));
    }
  }
  CHECK(*sqlite->transitionCount() == *server->transitionCount());
  CHECK(*server->transitionCount() == 9);
  CHECK(*server->maxAlertId() == 3);
  for (const auto& list : {std::make_pair(sqlite->openAlerts(), server->openAlerts()),
                           std::make_pair(sqlite->activeAlerts(), server->activeAlerts())}) {
    REQUIRE(list.first.ok());
    REQUIRE(list.second.ok());
    REQUIRE(list.first->size() == list.second->size());
    for (std::size_t i = 0; i < list.first->size(); ++i) CHECK((*list.first)[i].id == (*list.second)[i].id);
  }
  AlertQuery q;
  q.state = AlertState::ClearedAcknowledged;
  CHECK(server->history(q)->size() == 2);
  q = {};
  q.severity = model::AlertSeverity::Minor;  // the noise warning escalated, and the stale gate
  CHECK(server->history(q)->size() == sqlite->history(q)->size());
  CHECK(server->history(q)->size() == 2);
  q = {};
  q.sensorId = "flood";
  q.sinceMs = kNow - 5000;
  REQUIRE(server->history(q)->size() == 1);
  q.sinceMs = kNow - 4999;
  CHECK(server->history(q)->empty());
  q = {};
  q.limit = 1;
  CHECK(server->history(q)->size() == 1);
  auto mtta = server->meanTimeToAcknowledgeSeconds();
  REQUIRE(mtta.ok());
  REQUIRE(mtta->has_value());
  CHECK(**mtta == Approx(**sqlite->meanTimeToAcknowledgeSeconds()));
  // A second seat opens the same log (the schema is there) and reads the same state.
  auto again = openStore(uri(dir));
  CHECK(again->allAlerts()->size() == 3);
  auto one = again->alert(2);
  REQUIRE(one.ok());
  REQUIRE(one->has_value());
  CHECK((*one)->assignee == "李师傅");
  CHECK(!again->alert(99)->has_value());
}

TEST_CASE("opening a PostgreSQL alert log: every error names the log", "[alerts][postgres]") {
  CHECK(AlertStore::isServerLocation("postgresql:///db?host=/tmp"));
  CHECK(AlertStore::isServerLocation("postgres://seat@db.example/alarms"));
  CHECK(!AlertStore::isServerLocation("alerts.db"));
  CHECK(!AlertStore::isServerLocation("/var/postgresql://x.db"));

  test::TempDir dir("pgerr");
  SECTION("no server: the password never appears") {
    auto s = AlertStore::open("postgresql://twin:s3cret@/postgres?host=" + dir.path().string());
    REQUIRE(!s.ok());
    INFO(s.error().message);
    CHECK(s.error().message.rfind("alerts::AlertStore::open(): postgresql://twin:***@/postgres?host=" +
                                      dir.path().string() + ": cannot connect: ",
                                  0) == 0);
    CHECK(s.error().message.find("s3cret") == std::string::npos);
  }
  SECTION("a newer log, and tables that are not a log") {
    auto pg = scratch(dir);
    { openStore(uri(dir)); }
    REQUIRE(pg->sql("UPDATE twin_alert_log SET version = 7;").ok());
    auto newer = AlertStore::open(uri(dir));
    REQUIRE(!newer.ok());
    CHECK(newer.error().message == "alerts::AlertStore::open(): " + uri(dir) + ": alert log version 7, expected 1");
    REQUIRE(pg->sql("DROP TABLE twin_alert_log;").ok());
    auto other = AlertStore::open(uri(dir));
    REQUIRE(!other.ok());
    CHECK(other.error().message ==
          "alerts::AlertStore::open(): " + uri(dir) +
              ": not an alert log (twin_alerts or twin_alert_transitions exist without twin_alert_log)");
    REQUIRE(pg->sql("CREATE TABLE twin_alert_log(version integer); ").ok());
    auto empty = AlertStore::open(uri(dir));
    REQUIRE(!empty.ok());
    CHECK(empty.error().message ==
          "alerts::AlertStore::open(): " + uri(dir) + ": not an alert log (twin_alert_log has 0 rows, expected 1)");
  }
}

TEST_CASE("two seats on one PostgreSQL log: notifications, take-over, no doubled acknowledgement",
          "[alerts][postgres]") {
  test::TempDir dir("pgseats");
  auto pg = scratch(dir);
  const model::SensorConfig c = config();
  ManualClock clock(kNow);
  auto storeA = openStore(uri(dir));
  auto storeB = openStore(uri(dir));
  auto a = engineOn(*storeA, c, clock);
  auto b = engineOn(*storeB, c, clock);

  REQUIRE(a->process({Reading{"flood", kNow, 0.5, true}}).ok());
  REQUIRE(a->openAlerts().size() == 1);
  const std::int64_t id = a->openAlerts()[0].id;
  // B has not queried anything: the notification on its socket says that A committed.
  REQUIRE(waitFor(*b, *storeB, [&] { return b->openAlerts().size() == 1; }));
  CHECK(b->openAlerts()[0].id == id);
  CHECK(b->counters().external >= 1);
  CHECK(!*b->takeOverChanges());  // nothing new since

  // B acknowledges; A takes it over from the notification, without a change of its own.
  REQUIRE(b->acknowledge(id, "seat B", "on my way").ok());
  REQUIRE(waitFor(*a, *storeA, [&] { return isAcknowledged(a->openAlerts()[0].state); }));
  CHECK(a->openAlerts()[0].ackBy == "seat B");

  // A raises another; both acknowledge it before either has looked at the log: one succeeds,
  // the other is refused by the log, takes the first over and says so.
  REQUIRE(a->process({Reading{"noise", kNow, 90, true}}).ok());
  std::int64_t second = 0;
  for (const Alert& x : a->openAlerts())
    if (x.sensorId == "noise") second = x.id;
  REQUIRE(second > id);
  REQUIRE(b->acknowledge(second, "seat B", "").ok());
  auto late = a->acknowledge(second, "seat A", "");
  REQUIRE(!late.ok());
  CHECK(late.error().message ==
        "alerts::AlertEngine::acknowledge(): alert " + std::to_string(second) + " is already acknowledged");
  auto ts = storeA->transitions(second);
  REQUIRE(ts.ok());
  REQUIRE(ts->size() == 2);
  CHECK((*ts)[1].kind == TransitionKind::Acknowledge);
  CHECK((*ts)[1].who == "seat B");

  // B clears A's first alert by hand: A's rule lets go of it (the next high reading raises a new one).
  REQUIRE(b->clear(id, "seat B", "pumped out").ok());
  REQUIRE(waitFor(*a, *storeA, [&] {
    for (const Alert& x : a->openAlerts())
      if (x.id == id) return false;
    return true;
  }));
  REQUIRE(a->process({Reading{"flood", kNow + 1000, 0.6, true}}).ok());
  std::set<std::int64_t> flood;
  for (const Alert& x : a->activeAlerts())
    if (x.sensorId == "flood") flood.insert(x.id);
  REQUIRE(flood.size() == 1);
  CHECK(*flood.begin() > second);
  CHECK(storeA->transitions(id)->size() == 3);  // raise, ack, clear: each once

  // The store itself refuses a doubled clear, naming the alert.
  Alert cleared = **storeA->alert(id);
  Transition again{id, TransitionKind::Clear, cleared.state, kNow, std::nan(""), "x", "", cleared.severity};
  auto refused = storeA->commit({cleared}, {again});
  REQUIRE(!refused.ok());
  CHECK(refused.error().message == "alerts::AlertStore::commit(): " + uri(dir) + ": alert " + std::to_string(id) +
                                       " was already cleared at another seat; nothing written");
  CHECK(storeA->transitions(id)->size() == 3);
}

TEST_CASE("two seats judging the same readings raise and clear one alert between them", "[alerts][postgres]") {
  test::TempDir dir("pgsame2");
  auto pg = scratch(dir);
  const model::SensorConfig c = config();
  ManualClock clock(kNow);
  auto storeA = openStore(uri(dir));
  auto storeB = openStore(uri(dir));
  auto a = engineOn(*storeA, c, clock);
  auto b = engineOn(*storeB, c, clock);
  // B judges before it has heard of A's alert: the log refuses its raise, B takes A's over.
  REQUIRE(a->process({Reading{"noise", kNow, 85, true}}).ok());
  REQUIRE(b->process({Reading{"noise", kNow, 85, true}}).ok());
  REQUIRE(storeA->allAlerts()->size() == 1);
  REQUIRE(b->activeAlerts().size() == 1);
  const std::int64_t id = b->activeAlerts()[0].id;
  CHECK(id == a->activeAlerts()[0].id);
  // The store's own refusal, named.
  Alert copy = **storeA->alert(id);
  copy.id = id + 100;
  Transition raise{copy.id, TransitionKind::Raise, copy.state, kNow, 85, "engine", "", copy.severity};
  auto refused = storeB->commit({copy}, {raise});
  REQUIRE(!refused.ok());
  CHECK(refused.error().message == "alerts::AlertStore::commit(): " + uri(dir) + ": alert " + std::to_string(id + 100) +
                                       " of rule loud for sensor noise is already active as alert " +
                                       std::to_string(id) + " (raised at another seat); nothing written");
  // Both see the quiet reading; the alert is cleared once.
  REQUIRE(b->process({Reading{"noise", kNow + 1000, 50, true}}).ok());
  REQUIRE(a->process({Reading{"noise", kNow + 1000, 50, true}}).ok());
  CHECK(a->activeAlerts().empty());
  CHECK(b->activeAlerts().empty());
  auto ts = storeA->transitions(id);
  REQUIRE(ts.ok());
  REQUIRE(ts->size() == 2);
  CHECK((*ts)[1].kind == TransitionKind::Clear);
  CHECK(*storeA->transitionCount() == 2);
}

// Three processes: seat 1 raises, seat 2 acknowledges what it is notified of, seat 3 only
// watches and reports the acknowledgement it sees.
TEST_CASE("three seats share one alarm state through PostgreSQL", "[alerts][postgres][slow]") {
  test::TempDir dir("pg3");
  auto pg = scratch(dir);
  { openStore(uri(dir)); }  // the schema, before three seats race to it (they may; it is locked)
  const std::string location = uri(dir);
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  auto seat = [&](int which) -> pid_t {
    const pid_t child = ::fork();
    if (child != 0) return child;
    ::close(fds[0]);
    auto c = model::parseSensorConfig(kConfig, "pg.json");
    if (!c) _exit(2);
    auto store = AlertStore::open(location);
    if (!store) _exit(3);
    SystemClock clock;
    auto engine = AlertEngine::create(*c, **store, clock);
    if (!engine) _exit(4);
    AlertEngine& e = **engine;
    say(fds[1], "ready " + std::to_string(which));
    if (which == 1) {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the others listen by now
      if (!e.process({Reading{"flood", clock.nowMs(), 0.8, true}})) _exit(5);
      say(fds[1], "raised " + std::to_string(e.openAlerts().at(0).id));
      if (!waitFor(e, **store, [&] { return isAcknowledged(e.openAlerts().at(0).state); })) _exit(6);
      say(fds[1], "seat1 sees ack by " + e.openAlerts().at(0).ackBy);
    } else if (which == 2) {
      if (!waitFor(e, **store, [&] { return !e.openAlerts().empty(); })) _exit(6);
      const std::int64_t id = e.openAlerts().at(0).id;
      if (!e.acknowledge(id, "seat2", "")) _exit(7);
      say(fds[1], "acked " + std::to_string(id));
    } else {
      if (!waitFor(e, **store, [&] { return !e.openAlerts().empty() && isAcknowledged(e.openAlerts()[0].state); }))
        _exit(6);
      say(fds[1], "seat3 sees ack of " + std::to_string(e.openAlerts()[0].id) + " by " + e.openAlerts()[0].ackBy);
    }
    _exit(0);
  };
  const pid_t watcher = seat(3), acker = seat(2), raiser = seat(1);
  ::close(fds[1]);
  std::string received;
  readLines(fds[0], received, [] { return false; });  // until every seat has closed the pipe
  ::close(fds[0]);
  for (pid_t child : {watcher, acker, raiser}) {
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    INFO(received);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
  INFO(received);
  CHECK(received.find("raised 1\n") != std::string::npos);
  CHECK(received.find("acked 1\n") != std::string::npos);
  CHECK(received.find("seat1 sees ack by seat2\n") != std::string::npos);
  CHECK(received.find("seat3 sees ack of 1 by seat2\n") != std::string::npos);
  auto store = openStore(location);
  CHECK(store->transitions(1)->size() == 2);
}

// Seats killed with SIGKILL while they acknowledge: two children acknowledge the same alerts
// (one oldest first, one newest first), one is killed mid-way, round after round. Every
// acknowledgement a child reported is in the log, and no alert is acknowledged twice.
TEST_CASE("kill -9 seats while they acknowledge: no acknowledgement lost or doubled", "[alerts][postgres][slow]") {
  test::TempDir dir("pgkill");
  auto pg = scratch(dir);
  const std::string location = uri(dir);
  constexpr int kAlerts = 240;
  {
    std::ostringstream s;
    s << R"({"sensors": [)";
    for (int i = 0; i < kAlerts; ++i)
      s << (i ? "," : "") << R"({"id": "s)" << i
        << R"(", "name": "s", "kind": "noise", "unit": "dB", "building": "b", "source": {"type": "mqtt", "topic": "t"}})";
    s << R"(], "alert_rules": [{"id": "loud", "type": "above", "severity": "major", "kinds": ["noise"],
          "level": 70, "clear_level": 60}]})";
    auto c = model::parseSensorConfig(s.str(), "many.json");
    REQUIRE(c.ok());
    auto store = openStore(location);
    SystemClock clock;
    auto engine = engineOn(*store, *c, clock);
    std::vector<Reading> loud;
    for (int i = 0; i < kAlerts; ++i) loud.push_back({"s" + std::to_string(i), kNow, 90, true});
    REQUIRE(engine->process(loud).ok());
    REQUIRE(store->activeAlerts()->size() == kAlerts);
  }
  auto acker = [&](int fd, bool newestFirst) {
    auto store = AlertStore::open(location);
    if (!store) _exit(3);
    model::SensorConfig none;
    SystemClock clock;
    auto engine = AlertEngine::create(none, **store, clock);
    if (!engine) _exit(4);
    auto open = (*store)->openAlerts();
    if (!open) _exit(5);
    std::vector<std::int64_t> ids;
    for (const Alert& a : *open) ids.push_back(a.id);
    std::sort(ids.begin(), ids.end());
    if (newestFirst) std::reverse(ids.begin(), ids.end());
    for (std::int64_t id : ids) {
      if ((*engine)->acknowledge(id, newestFirst ? "new" : "old", "").ok()) say(fd, std::to_string(id));
    }
    _exit(0);
  };
  std::map<std::int64_t, int> reported;
  for (int round = 0; round < 12; ++round) {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    pid_t kids[2];
    for (int k = 0; k < 2; ++k) {
      kids[k] = ::fork();
      REQUIRE(kids[k] >= 0);
      if (kids[k] == 0) {
        ::close(fds[0]);
        acker(fds[1], k == 1);
      }
    }
    ::close(fds[1]);
    // Kill the first child after a few acknowledgements (more each round), the second runs on.
    std::string received;
    const long want = 2 + round;
    readLines(fds[0], received, [&] { return std::count(received.begin(), received.end(), '\n') >= want; });
    ::kill(kids[0], SIGKILL);
    readLines(fds[0], received, [] { return false; });
    ::close(fds[0]);
    for (pid_t kid : kids) {
      int status = 0;
      REQUIRE(::waitpid(kid, &status, 0) == kid);
      if (kid == kids[1]) CHECK((WIFEXITED(status) && WEXITSTATUS(status) == 0));
    }
    std::istringstream lines(received);
    std::string line;
    while (std::getline(lines, line))
      if (!lines.eof()) ++reported[std::stoll(line)];
    // Un-acknowledge for the next round: the raise stays, the next round acknowledges again.
    if (round + 1 < 12)
      REQUIRE(
          pg->sql("UPDATE twin_alerts SET state = 'active_unack', ack_ms = 0, ack_by = '', ack_comment = '';").ok());
  }
  auto store = openStore(location);
  auto all = store->allAlerts();
  REQUIRE(all.ok());
  REQUIRE(all->size() == kAlerts);
  std::size_t doubled = 0, lost = 0, acks = 0;
  for (const Alert& a : *all) {
    auto ts = store->transitions(a.id);
    REQUIRE(ts.ok());
    int n = 0;
    for (const Transition& t : *ts) n += t.kind == TransitionKind::Acknowledge;
    acks += static_cast<std::size_t>(n);
    // One acknowledgement per round: each round, exactly one of the two seats got it in.
    if (n > 12) ++doubled;
    if (n < reported[a.id]) ++lost;
    CHECK(isAcknowledged(a.state));
  }
  std::size_t shown = 0;
  for (const auto& [id, n] : reported) shown += static_cast<std::size_t>(n);
  INFO("acknowledgements logged " << acks << ", reported by the seats " << shown);
  CHECK(doubled == 0);
  CHECK(lost == 0);
  CHECK(acks == 12u * kAlerts);
  CHECK(shown <= acks);
}
