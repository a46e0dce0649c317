// The alarm lifecycle as ThingsBoard keeps it, honest times and places, escalation, assignment,
// history queries and the alert log's schema migration.
#include <catch2/catch.hpp>

#include <atomic>
#include <cmath>
#include <thread>

#include <sqlite3.h>

#include "TestPaths.h"
#include "twin/alerts/AlertEngine.h"
#include "twin/sensors/Payload.h"

using namespace twin::alerts;
using twin::model::AlertSeverity;
using twin::sensors::Reading;

namespace {

const char* kConfig = R"({
  "sensors": [
    {"id": "flood", "name": "地下车库水位", "kind": "water_level", "unit": "m", "building": "b7", "floor": -1,
     "source": {"type": "mqtt", "topic": "t/flood"}},
    {"id": "gate", "name": "门禁", "kind": "gate", "unit": "次", "position": [120.2, 30.2],
     "source": {"type": "mqtt", "topic": "t/gate"}},
    {"id": "aoti", "name": "奥体中心 PM2.5", "kind": "pm25", "unit": "µg/m³", "position": [116.397, 39.982],
     "source": {"type": "replay", "file": "aoti.csv", "column": "PM2.5"}}
  ],
  "alert_rules": [
    {"id": "flood-high", "name": "积水", "type": "above", "severity": "critical", "sensors": ["flood"], "level": 0.3,
     "clear_level": 0.2, "procedure": ["关闭车库入口", "启动排水泵"], "procedure_en": ["Close the garage entrance", "Start the pumps"]},
    {"id": "gate-offline", "name": "离线", "type": "stale", "severity": "minor", "sensors": ["gate"], "stale_seconds": 60},
    {"id": "pm-high", "type": "above", "severity": "warning", "sensors": ["aoti"], "level": 300, "clear_level": 200,
     "escalate_after_seconds": 600}
  ]
})";

constexpr std::int64_t kNow = 1700000000000LL;
constexpr std::int64_t k2013 = 1362096000000LL;  // 2013-03-01T00:00:00Z

struct Fixture {
  twin::test::TempDir dir{"lifecycle"};
  ManualClock clock{kNow};
  twin::model::SensorConfig config;
  std::unique_ptr<AlertStore> store;
  std::unique_ptr<AlertEngine> engine;

  Fixture() {
    auto c = twin::model::parseSensorConfig(kConfig, "test.json");
    INFO((c.ok() ? std::string() : c.error().message));
    REQUIRE(c.ok());
    config = *c;
    reopen();
  }
  void reopen() {
    engine.reset();
    store.reset();
    auto s = AlertStore::open(dir.path() / "alerts.db");
    REQUIRE(s.ok());
    store = std::move(*s);
    auto e = AlertEngine::create(config, *store, clock);
    REQUIRE(e.ok());
    engine = std::move(*e);
  }
  void feed(const std::string& id, double value, std::int64_t tsMs) {
    REQUIRE(engine->process({Reading{id, tsMs, value, true}}).ok());
  }
  Alert get(std::int64_t id) const {
    for (const Alert& a : engine->openAlerts())
      if (a.id == id) return a;
    FAIL("no open alert " << id);
    return {};
  }
  Alert only() const {
    const auto open = engine->openAlerts();
    REQUIRE(open.size() == 1);
    return open[0];
  }
};

}  // namespace

TEST_CASE("An alert carries the reading's own time, when it arrived, and where it is", "[alerts]") {
  Fixture f;
  f.feed("flood", 0.45, kNow - 2500);
  Alert a = f.only();
  CHECK(a.raisedMs == kNow - 2500);
  CHECK(a.receivedMs == kNow);
  CHECK(a.building == "b7");
  REQUIRE(a.floor.has_value());
  CHECK(*a.floor == -1);
  CHECK_FALSE(a.replay);
  // A replayed 2013 reading raises a 2013 alert, marked as a replay, placed by position.
  f.clock.advanceSeconds(1);
  f.feed("aoti", 420, k2013);
  const auto open = f.engine->openAlerts();
  REQUIRE(open.size() == 2);
  const Alert& replayed = open[1];  // warning after critical
  CHECK(replayed.ruleId == "pm-high");
  CHECK(replayed.raisedMs == k2013);
  CHECK(replayed.receivedMs == kNow + 1000);
  CHECK(replayed.replay);
  CHECK(replayed.building.empty());
  CHECK_FALSE(replayed.floor.has_value());
  // Cleared by a reading: the clear has the reading's time too.
  f.feed("aoti", 150, k2013 + 3600000);
  auto stored = f.store->alert(replayed.id);
  REQUIRE(stored.ok());
  REQUIRE(stored->has_value());
  CHECK((*stored)->clearedMs == k2013 + 3600000);
  CHECK((*stored)->replay);
  auto transitions = f.store->transitions(replayed.id);
  REQUIRE(transitions.ok());
  REQUIRE(transitions->size() == 2);
  CHECK((*transitions)[0].atMs == k2013);
  CHECK((*transitions)[1].atMs == k2013 + 3600000);
  // Survives the store: the log keeps building, floor, received and the replay mark.
  f.reopen();
  const Alert back = f.engine->openAlerts()[0];
  CHECK(back.id == a.id);
  CHECK(back.building == "b7");
  CHECK(back.floor == std::optional<int>(-1));
  CHECK(back.receivedMs == kNow);
  CHECK(back.raisedMs == kNow - 2500);
}

TEST_CASE("Lifecycle: a cleared unacknowledged alert stays listed until acknowledged", "[alerts]") {
  Fixture f;
  f.feed("flood", 0.5, kNow);
  const std::int64_t id = f.only().id;
  CHECK(f.only().state == AlertState::ActiveUnacknowledged);
  f.feed("flood", 0.1, kNow + 60000);
  // Cleared, not acknowledged: still open, no longer active.
  CHECK(f.only().state == AlertState::ClearedUnacknowledged);
  CHECK(f.engine->activeAlerts().empty());
  CHECK(f.engine->activeBySeverity() == std::array<int, 4>{0, 0, 0, 0});
  // ... and after a restart.
  f.reopen();
  CHECK(f.only().id == id);
  CHECK(f.only().state == AlertState::ClearedUnacknowledged);
  f.clock.advanceSeconds(90);
  REQUIRE(f.engine->acknowledge(id, "值班员 王", "排水完成").ok());
  CHECK(f.engine->openAlerts().empty());
  auto closed = f.store->history(AlertQuery{AlertState::ClearedAcknowledged, {}, "", {}, 0});
  REQUIRE(closed.ok());
  REQUIRE(closed->size() == 1);
  CHECK((*closed)[0].ackBy == "值班员 王");
  CHECK((*closed)[0].ackComment == "排水完成");
  CHECK((*closed)[0].ackMs == kNow + 90000);
  auto t = f.store->transitions(id);
  REQUIRE(t.ok());
  REQUIRE(t->size() == 3);
  CHECK((*t)[2].kind == TransitionKind::Acknowledge);
  CHECK((*t)[2].comment == "排水完成");
  // Mean time to acknowledge: from arrival (kNow) to ack (kNow + 90 s).
  auto mtta = f.store->meanTimeToAcknowledgeSeconds();
  REQUIRE(mtta.ok());
  REQUIRE(mtta->has_value());
  CHECK(**mtta == Approx(90.0));
  auto none = f.store->meanTimeToAcknowledgeSeconds(kNow + 1);
  REQUIRE(none.ok());
  CHECK_FALSE(none->has_value());
}

TEST_CASE("The list sorts by severity, then time: a minor offline never above a critical flood", "[alerts]") {
  Fixture f;
  f.feed("flood", 0.5, kNow);
  f.clock.advanceSeconds(61);
  REQUIRE(f.engine->tick().ok());  // the gate goes offline later than the flood
  f.feed("aoti", 400, k2013);
  const auto open = f.engine->openAlerts();
  REQUIRE(open.size() == 3);
  CHECK(open[0].ruleId == "flood-high");
  CHECK(open[1].ruleId == "gate-offline");
  CHECK(open[2].ruleId == "pm-high");
  CHECK(moreSevere(AlertSeverity::Critical, AlertSeverity::Minor));
  CHECK_FALSE(moreSevere(AlertSeverity::Minor, AlertSeverity::Critical));
  // The store's order is the same.
  auto stored = f.store->openAlerts();
  REQUIRE(stored.ok());
  REQUIRE(stored->size() == 3);
  for (std::size_t i = 0; i < 3; ++i) CHECK((*stored)[i].id == open[i].id);
  // Same severity: newer raised first.
  std::vector<Alert> list(2);
  list[0].id = 1;
  list[0].raisedMs = 5;
  list[1].id = 2;
  list[1].raisedMs = 9;
  sortForList(list);
  CHECK(list[0].id == 2);
}

TEST_CASE("Escalation: unacknowledged past escalate_after_seconds rises one severity, logged", "[alerts]") {
  Fixture f;
  f.feed("aoti", 400, k2013);
  const std::int64_t id = f.only().id;
  f.clock.advanceSeconds(599);
  REQUIRE(f.engine->tick().ok());
  CHECK(f.get(id).severity == AlertSeverity::Warning);
  f.clock.advanceSeconds(1);
  REQUIRE(f.engine->tick().ok());
  CHECK(f.get(id).severity == AlertSeverity::Minor);
  CHECK(f.get(id).raisedSeverity == AlertSeverity::Warning);
  CHECK(f.get(id).escalations == 1);
  REQUIRE(f.engine->tick().ok());  // not again until the next period
  CHECK(f.get(id).escalations == 1);
  f.clock.advanceSeconds(600);
  REQUIRE(f.engine->tick().ok());
  CHECK(f.get(id).severity == AlertSeverity::Major);
  auto t = f.store->transitions(id);
  REQUIRE(t.ok());
  REQUIRE(t->size() == 3);
  CHECK((*t)[1].kind == TransitionKind::Escalate);
  CHECK((*t)[1].severity == AlertSeverity::Minor);
  CHECK((*t)[1].comment == "warning -> minor: unacknowledged for 600 s");
  CHECK((*t)[2].severity == AlertSeverity::Major);
  CHECK(f.engine->activeBySeverity() == std::array<int, 4>{0, 1, 1, 0});  // and the offline gate
  // Acknowledged: no further escalation.
  REQUIRE(f.engine->acknowledge(id, "a", "").ok());
  f.clock.advanceSeconds(6000);
  REQUIRE(f.engine->tick().ok());
  CHECK(f.get(id).severity == AlertSeverity::Major);
  // The escalated severity survives a restart.
  f.reopen();
  CHECK(f.get(id).severity == AlertSeverity::Major);
  CHECK(f.get(id).escalations == 2);
  CHECK(escalated(AlertSeverity::Critical) == AlertSeverity::Critical);
}

TEST_CASE("Assignment is recorded; errors name the alert", "[alerts]") {
  Fixture f;
  f.feed("flood", 0.5, kNow);
  const std::int64_t id = f.only().id;
  f.clock.advanceSeconds(10);
  REQUIRE(f.engine->assign(id, "物业 张工", "值班员 王").ok());
  CHECK(f.only().assignee == "物业 张工");
  CHECK(f.only().assignedMs == kNow + 10000);
  auto t = f.store->transitions(id);
  REQUIRE(t.ok());
  REQUIRE(t->size() == 2);
  CHECK((*t)[1].kind == TransitionKind::Assign);
  CHECK((*t)[1].who == "值班员 王");
  CHECK((*t)[1].comment == "物业 张工");
  auto unknown = f.engine->assign(999, "x", "y");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().message == "alerts::AlertEngine::assign(): no alert 999");
  auto empty = f.engine->assign(id, "", "y");
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.error().message == "alerts::AlertEngine::assign(): alert " + std::to_string(id) + ": no assignee given");
  f.reopen();
  CHECK(f.only().assignee == "物业 张工");
}

TEST_CASE("History query filters by state, severity, sensor and time", "[alerts]") {
  Fixture f;
  f.feed("flood", 0.5, kNow);
  f.feed("flood", 0.1, kNow + 1000);
  f.feed("flood", 0.6, kNow + 2000);
  f.feed("aoti", 400, k2013);
  auto all = f.store->history(AlertQuery{});
  REQUIRE(all.ok());
  REQUIRE(all->size() == 3);
  CHECK((*all)[0].raisedMs == kNow + 2000);  // newest raised first
  CHECK((*all)[2].raisedMs == k2013);
  AlertQuery q;
  q.state = AlertState::ClearedUnacknowledged;
  CHECK(f.store->history(q)->size() == 1);
  q = AlertQuery{};
  q.severity = AlertSeverity::Warning;
  REQUIRE(f.store->history(q)->size() == 1);
  CHECK((*f.store->history(q))[0].sensorId == "aoti");
  q = AlertQuery{};
  q.sensorId = "flood";
  CHECK(f.store->history(q)->size() == 2);
  q.sensorId = "x' OR 1=1 --";  // bound, never pasted into the SQL
  CHECK(f.store->history(q)->empty());
  q = AlertQuery{};
  q.sinceMs = kNow + 1;
  CHECK(f.store->history(q)->size() == 1);
  q.sinceMs.reset();
  q.limit = 2;
  CHECK(f.store->history(q)->size() == 2);
}

TEST_CASE("An acknowledgement by another process is taken over before the next change", "[alerts]") {
  Fixture f;
  f.feed("flood", 0.5, kNow);
  const std::int64_t id = f.only().id;
  {
    // `twin alerts --ack`: its own connection and engine on the same log.
    auto other = AlertStore::open(f.dir.path() / "alerts.db");
    REQUIRE(other.ok());
    twin::model::SensorConfig none;
    auto cli = AlertEngine::create(none, **other, f.clock);
    REQUIRE(cli.ok());
    REQUIRE((*cli)->acknowledge(id, "cli 王", "on site").ok());
  }
  // The running engine clears it next: the acknowledgement must not be written over.
  f.feed("flood", 0.1, kNow + 5000);
  CHECK(f.engine->openAlerts().empty());
  auto stored = f.store->alert(id);
  REQUIRE(stored.ok());
  REQUIRE(stored->has_value());
  CHECK((*stored)->state == AlertState::ClearedAcknowledged);
  CHECK((*stored)->ackBy == "cli 王");
}

TEST_CASE("A version 1 alert log is migrated in place", "[alerts]") {
  twin::test::TempDir dir("migrate");
  const auto file = dir.path() / "old.db";
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(file.string().c_str(), &db) == SQLITE_OK);
  const char* v1 =
      "CREATE TABLE alerts(id INTEGER PRIMARY KEY, rule_id TEXT NOT NULL, sensor_id TEXT NOT NULL, kind TEXT NOT NULL,"
      " severity TEXT NOT NULL, state TEXT NOT NULL, raised_ms INTEGER NOT NULL, ack_ms INTEGER NOT NULL,"
      " cleared_ms INTEGER NOT NULL, value REAL, message TEXT NOT NULL, ack_by TEXT NOT NULL, ack_comment TEXT NOT "
      "NULL);"
      "CREATE INDEX alerts_state ON alerts(state);"
      "CREATE TABLE transitions(seq INTEGER PRIMARY KEY AUTOINCREMENT, alert_id INTEGER NOT NULL, action TEXT NOT NULL,"
      " state TEXT NOT NULL, at_ms INTEGER NOT NULL, value REAL, who TEXT NOT NULL, comment TEXT NOT NULL);"
      "CREATE INDEX transitions_alert ON transitions(alert_id);"
      "INSERT INTO alerts VALUES(4, 'flood-high', 'flood', 'above', 'major', 'cleared_unack', 1000, 0, 2000, 0.5, 'm', "
      "'', '');"
      "INSERT INTO transitions(alert_id, action, state, at_ms, value, who, comment) VALUES(4, 'raise', 'active_unack', "
      "1000, 0.5, 'engine', '');"
      "PRAGMA user_version=1;";
  REQUIRE(sqlite3_exec(db, v1, nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
  auto store = AlertStore::open(file);
  REQUIRE(store.ok());
  auto open = (*store)->openAlerts();
  REQUIRE(open.ok());
  REQUIRE(open->size() == 1);
  const Alert& a = (*open)[0];
  CHECK(a.id == 4);
  CHECK(a.receivedMs == 1000);
  CHECK(a.raisedSeverity == AlertSeverity::Major);
  CHECK(a.building.empty());
  CHECK_FALSE(a.floor.has_value());
  auto t = (*store)->transitions(4);
  REQUIRE(t.ok());
  REQUIRE(t->size() == 1);
  CHECK((*t)[0].severity == AlertSeverity::Major);
  // New transitions and alerts go on after the migration.
  Alert b = a;
  b.id = 5;
  b.floor = 3;
  REQUIRE((*store)->commit({b}, {}).ok());
  CHECK((*(*store)->alert(5))->floor == std::optional<int>(3));
  store->reset();
  // Opened again: now version 2, nothing to migrate.
  auto again = AlertStore::open(file);
  REQUIRE(again.ok());
  CHECK((*again)->openAlerts()->size() == 2);
}

TEST_CASE("An alert keeps its message as a key and parameters, through the log", "[alerts]") {
  Fixture f;
  f.feed("flood", 0.45, kNow);
  const Alert raised = f.only();
  CHECK(raised.message == "积水: 地下车库水位 = 0.45 m");
  CHECK(raised.messageParts.key == "level");
  CHECK(raised.messageParts.args == std::vector<std::string>{"0.45", "m"});
  CHECK(raised.messageParts.rule == "积水");
  CHECK(raised.messageParts.sensor == "地下车库水位");
  CHECK(raised.messageParts.ruleEn.empty());

  SECTION("stored and read back") {
    auto stored = f.store->alert(raised.id);
    REQUIRE(stored.ok());
    REQUIRE(stored->has_value());
    const AlertMessageParts& p = (*stored)->messageParts;
    CHECK(p.key == "level");
    CHECK(p.args == raised.messageParts.args);
    CHECK(p.rule == "积水");
    CHECK(p.sensor == "地下车库水位");
  }
  SECTION("a stale sensor's and a rate rule's parameters") {
    f.clock.advanceSeconds(61);
    REQUIRE(f.engine->tick().ok());
    bool stale = false;
    for (const Alert& a : f.engine->openAlerts())
      if (a.ruleId == "gate-offline") {
        stale = true;
        CHECK(a.messageParts.key == "stale");
        CHECK(a.messageParts.args == std::vector<std::string>{"60"});
        CHECK(a.messageParts.sensor == "门禁");
      }
    CHECK(stale);
  }
  SECTION("a message_args value another program wrote badly reads as no key: the message is shown") {
    f.engine.reset();
    f.store.reset();
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open((f.dir.path() / "alerts.db").string().c_str(), &db) == SQLITE_OK);
    REQUIRE(sqlite3_exec(db, "UPDATE alerts SET message_args = '{\"args\": [1]}'", nullptr, nullptr, nullptr) ==
            SQLITE_OK);
    sqlite3_close(db);
    auto store = AlertStore::open(f.dir.path() / "alerts.db");
    REQUIRE(store.ok());
    auto read = (*store)->alert(raised.id);
    REQUIRE(read.ok());
    REQUIRE(read->has_value());
    CHECK((*read)->messageParts.key.empty());
    CHECK((*read)->message == "积水: 地下车库水位 = 0.45 m");
  }
}

TEST_CASE("A version 2 alert log without the message columns gets them; its old alerts read as before", "[alerts]") {
  twin::test::TempDir dir("message-columns");
  const auto file = dir.path() / "v2.db";
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(file.string().c_str(), &db) == SQLITE_OK);
  const char* v2 =
      "CREATE TABLE alerts(id INTEGER PRIMARY KEY, rule_id TEXT NOT NULL, sensor_id TEXT NOT NULL, kind TEXT NOT NULL,"
      " severity TEXT NOT NULL, state TEXT NOT NULL, raised_ms INTEGER NOT NULL, ack_ms INTEGER NOT NULL,"
      " cleared_ms INTEGER NOT NULL, value REAL, message TEXT NOT NULL, ack_by TEXT NOT NULL,"
      " ack_comment TEXT NOT NULL, received_ms INTEGER NOT NULL DEFAULT 0, building TEXT NOT NULL DEFAULT '',"
      " floor INTEGER, replay INTEGER NOT NULL DEFAULT 0, assignee TEXT NOT NULL DEFAULT '',"
      " assigned_ms INTEGER NOT NULL DEFAULT 0, raised_severity TEXT NOT NULL DEFAULT '',"
      " escalations INTEGER NOT NULL DEFAULT 0);"
      "CREATE TABLE transitions(seq INTEGER PRIMARY KEY AUTOINCREMENT, alert_id INTEGER NOT NULL, action TEXT NOT NULL,"
      " state TEXT NOT NULL, at_ms INTEGER NOT NULL, value REAL, who TEXT NOT NULL, comment TEXT NOT NULL,"
      " severity TEXT NOT NULL DEFAULT '');"
      "INSERT INTO alerts(id, rule_id, sensor_id, kind, severity, state, raised_ms, ack_ms, cleared_ms, value, message,"
      " ack_by, ack_comment, received_ms, raised_severity) VALUES(4, 'flood-high', 'flood', 'above', 'major',"
      " 'active_unack', 1000, 0, 0, 0.5, 'old message', '', '', 1000, 'major');"
      "PRAGMA user_version=2;";
  REQUIRE(sqlite3_exec(db, v2, nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);

  auto store = AlertStore::open(file);
  REQUIRE(store.ok());
  auto old = (*store)->alert(4);
  REQUIRE(old.ok());
  REQUIRE(old->has_value());
  CHECK((*old)->message == "old message");
  CHECK((*old)->messageParts.key.empty());
  Alert b = **old;
  b.id = 5;
  b.messageParts = {"stale", {"60"}, "离线", "Offline", "门禁", "Gate"};
  REQUIRE((*store)->commit({b}, {}).ok());
  store->reset();

  // Opened again (the columns are there now); still version 2, so older programs open it too.
  auto again = AlertStore::open(file);
  REQUIRE(again.ok());
  auto read = (*again)->alert(5);
  REQUIRE(read.ok());
  REQUIRE(read->has_value());
  CHECK((*read)->messageParts.key == "stale");
  CHECK((*read)->messageParts.args == std::vector<std::string>{"60"});
  CHECK((*read)->messageParts.ruleEn == "Offline");
  CHECK((*read)->messageParts.sensorEn == "Gate");
  again->reset();
  REQUIRE(sqlite3_open(file.string().c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(st) == SQLITE_ROW);
  CHECK(sqlite3_column_int(st, 0) == 2);
  sqlite3_finalize(st);
  sqlite3_close(db);
}

TEST_CASE("A version 2 alert log whose alerts table is gone cannot get the message columns", "[alerts]") {
  twin::test::TempDir dir("message-columns-bad");
  const auto file = dir.path() / "broken.db";
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(file.string().c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, "CREATE TABLE other(x); PRAGMA user_version=2;", nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
  auto store = AlertStore::open(file);
  REQUIRE_FALSE(store.ok());
  CHECK(store.error().message ==
        "alerts::AlertStore::open(): broken.db: cannot add the message columns: no such table: alerts");
}

TEST_CASE("Programs that open one new alert log at the same moment all get it", "[alerts]") {
  // Two `twin monitor --worker` processes share one log and start together: neither may take the
  // other's half-made schema for "a database of another kind".
  twin::test::TempDir dir("open-race");
  constexpr int kOpeners = 6;
  for (int round = 0; round < 20; ++round) {
    const auto file = dir.path() / ("log-" + std::to_string(round) + ".db");
    std::vector<std::string> errors(kOpeners);
    std::vector<std::thread> openers;
    std::atomic<int> ready{0};
    for (int i = 0; i < kOpeners; ++i)
      openers.emplace_back([&, i] {
        ++ready;
        while (ready.load() < kOpeners) std::this_thread::yield();
        auto store = AlertStore::open(file);
        if (!store) errors[i] = store.error().message;
      });
    for (auto& t : openers) t.join();
    for (int i = 0; i < kOpeners; ++i) {
      INFO("round " << round << ", opener " << i);
      CHECK(errors[i] == "");
    }
  }
}
