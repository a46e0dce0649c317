#include "twin/alerts/AlertStore.h"

#include <cmath>
#include <limits>
#include <string>

#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include "AlertMessageCodec.h"
#include "PgAlertStore.h"
#include "twin/sensors/Payload.h"

namespace twin::alerts {

using core::fail;

const char* alertStateName(AlertState state) {
  switch (state) {
    case AlertState::ActiveUnacknowledged: return "active_unack";
    case AlertState::ActiveAcknowledged: return "active_ack";
    case AlertState::ClearedUnacknowledged: return "cleared_unack";
    case AlertState::ClearedAcknowledged: return "cleared_ack";
  }
  return "?";
}

bool alertStateFromName(const std::string& name, AlertState& out) {
  for (AlertState s : {AlertState::ActiveUnacknowledged, AlertState::ActiveAcknowledged,
                       AlertState::ClearedUnacknowledged, AlertState::ClearedAcknowledged})
    if (name == alertStateName(s)) {
      out = s;
      return true;
    }
  return false;
}

const char* transitionKindName(TransitionKind kind) {
  switch (kind) {
    case TransitionKind::Raise: return "raise";
    case TransitionKind::Acknowledge: return "ack";
    case TransitionKind::Clear: return "clear";
    case TransitionKind::Assign: return "assign";
    case TransitionKind::Escalate: return "escalate";
  }
  return "?";
}

bool transitionKindFromName(const std::string& name, TransitionKind& out) {
  for (TransitionKind k : {TransitionKind::Raise, TransitionKind::Acknowledge, TransitionKind::Clear,
                           TransitionKind::Assign, TransitionKind::Escalate})
    if (name == transitionKindName(k)) {
      out = k;
      return true;
    }
  return false;
}

model::AlertSeverity escalated(model::AlertSeverity s) {
  return s == model::AlertSeverity::Critical ? s : static_cast<model::AlertSeverity>(static_cast<int>(s) - 1);
}

std::int64_t SystemClock::nowMs() const { return sensors::nowEpochMs(); }

namespace {

constexpr int kSchemaVersion = 2;

// Version 2 added where the alert is (building, floor), when its reading arrived, whether it
// came from a replay, assignment and escalation, and each transition's severity.
const char* kSchema =
    "CREATE TABLE IF NOT EXISTS alerts("
    " id INTEGER PRIMARY KEY, rule_id TEXT NOT NULL, sensor_id TEXT NOT NULL, kind TEXT NOT NULL,"
    " severity TEXT NOT NULL, state TEXT NOT NULL, raised_ms INTEGER NOT NULL, ack_ms INTEGER NOT NULL,"
    " cleared_ms INTEGER NOT NULL, value REAL, message TEXT NOT NULL, ack_by TEXT NOT NULL,"
    " ack_comment TEXT NOT NULL, received_ms INTEGER NOT NULL DEFAULT 0, building TEXT NOT NULL DEFAULT '',"
    " floor INTEGER, replay INTEGER NOT NULL DEFAULT 0, assignee TEXT NOT NULL DEFAULT '',"
    " assigned_ms INTEGER NOT NULL DEFAULT 0, raised_severity TEXT NOT NULL DEFAULT '',"
    " escalations INTEGER NOT NULL DEFAULT 0, message_key TEXT NOT NULL DEFAULT '',"
    " message_args TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX IF NOT EXISTS alerts_state ON alerts(state);"
    "CREATE TABLE IF NOT EXISTS transitions("
    " seq INTEGER PRIMARY KEY AUTOINCREMENT, alert_id INTEGER NOT NULL, action TEXT NOT NULL,"
    " state TEXT NOT NULL, at_ms INTEGER NOT NULL, value REAL, who TEXT NOT NULL, comment TEXT NOT NULL,"
    " severity TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX IF NOT EXISTS transitions_alert ON transitions(alert_id);";

// Version 1 -> 2, in one transaction. Old alerts arrived when they were raised (version 1
// stamped alerts with the engine clock) and were never escalated.
const char* kMigrate1to2 =
    "ALTER TABLE alerts ADD COLUMN received_ms INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE alerts ADD COLUMN building TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE alerts ADD COLUMN floor INTEGER;"
    "ALTER TABLE alerts ADD COLUMN replay INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE alerts ADD COLUMN assignee TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE alerts ADD COLUMN assigned_ms INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE alerts ADD COLUMN raised_severity TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE alerts ADD COLUMN escalations INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE transitions ADD COLUMN severity TEXT NOT NULL DEFAULT '';"
    "UPDATE alerts SET received_ms = raised_ms, raised_severity = severity;"
    "UPDATE transitions SET severity = (SELECT severity FROM alerts WHERE alerts.id = transitions.alert_id);"
    "PRAGMA user_version=2;";

// The message's key and parameters (Alert::messageParts) came later, as two columns added to a
// version 2 log on open without a new version: a program that predates them still opens the
// log, and its rows simply have none (their readers show `message`).
const char* kAddMessageColumns =
    "ALTER TABLE alerts ADD COLUMN message_key TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE alerts ADD COLUMN message_args TEXT NOT NULL DEFAULT '';";

const char* kAlertColumns =
    "id, rule_id, sensor_id, kind, severity, state, raised_ms, ack_ms, cleared_ms, value, message, ack_by, ack_comment,"
    " received_ms, building, floor, replay, assignee, assigned_ms, raised_severity, escalations, message_key,"
    " message_args";

// Severity rank for ORDER BY: critical first.
const char* kSeverityRank = "CASE severity WHEN 'critical' THEN 0 WHEN 'major' THEN 1 WHEN 'minor' THEN 2 ELSE 3 END";

std::string text(sqlite3_stmt* st, int col) {
  const unsigned char* t = sqlite3_column_text(st, col);
  return t ? std::string(reinterpret_cast<const char*>(t), static_cast<std::size_t>(sqlite3_column_bytes(st, col)))
           : std::string();
}

double realOrNan(sqlite3_stmt* st, int col) {
  return sqlite3_column_type(st, col) == SQLITE_NULL ? std::nan("") : sqlite3_column_double(st, col);
}

void bindText(sqlite3_stmt* st, int col, const std::string& s) {
  sqlite3_bind_text(st, col, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
}

void bindReal(sqlite3_stmt* st, int col, double v) {
  if (std::isfinite(v))
    sqlite3_bind_double(st, col, v);
  else
    sqlite3_bind_null(st, col);
}

}  // namespace

// The SQLite log: one file, WAL, one writer at a time (BEGIN IMMEDIATE).
class SqliteAlertStore final : public AlertStore {
 public:
  sqlite3* db = nullptr;
  sqlite3_stmt* upsert = nullptr;
  sqlite3_stmt* append = nullptr;
  std::string file;
  std::int64_t dataVersion = -1;  // PRAGMA data_version at the last changedElsewhere()
  sensors::LazyWalCheckpointer checkpoint;

  SqliteAlertStore(const std::filesystem::path& path, Durability durability)
      : checkpoint(path, durability == Durability::Full ? "FULL" : "NORMAL") {}
  ~SqliteAlertStore() override {
    checkpoint.stop();
    sqlite3_finalize(upsert);
    sqlite3_finalize(append);
    sqlite3_close(db);
  }
  core::Error error(const char* where, const std::string& what) const {
    return fail(std::string("alerts::AlertStore::") + where + ": " + file + ": " + what + ": " +
                (db ? sqlite3_errmsg(db) : "out of memory"));
  }
  bool exec(const char* sql) { return sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK; }

  bool hasColumn(const char* table, const char* column) const {
    sqlite3_stmt* st = nullptr;
    bool found = false;
    if (sqlite3_prepare_v2(db, (std::string("PRAGMA table_info(") + table + ")").c_str(), -1, &st, nullptr) ==
        SQLITE_OK)
      while (!found && sqlite3_step(st) == SQLITE_ROW) found = text(st, 1) == column;
    sqlite3_finalize(st);
    return found;
  }

  // Reads the version and makes or migrates the schema under the write lock (BEGIN IMMEDIATE
  // waits out the busy timeout), so that programs opening one new log at once see either an
  // empty file or a whole log, never the other's tables before its version.
  core::Status makeSchema() {
    if (!exec("BEGIN IMMEDIATE")) return error("open()", "not an alert log");
    auto rollback = [this](core::Error e) {
      exec("ROLLBACK");
      return e;
    };
    sqlite3_stmt* st = nullptr;
    int version = -1;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
      version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (version < 0) return rollback(error("open()", "not an alert log"));
    if (version == 0) {
      // A fresh file, or one some other program made: only an empty database may become a log.
      int tables = -1;
      if (sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM sqlite_master", -1, &st, nullptr) == SQLITE_OK &&
          sqlite3_step(st) == SQLITE_ROW)
        tables = sqlite3_column_int(st, 0);
      sqlite3_finalize(st);
      if (tables != 0)
        return rollback(
            fail("alerts::AlertStore::open(): " + file + ": not an alert log (a database of another kind)"));
      if (!exec(kSchema) || !exec(("PRAGMA user_version=" + std::to_string(kSchemaVersion)).c_str()))
        return rollback(error("open()", "cannot create the schema"));
    } else if (version == 1) {
      if (!exec(kMigrate1to2)) return rollback(error("open()", "cannot migrate the alert log from version 1 to 2"));
    } else if (version != kSchemaVersion) {
      return rollback(fail("alerts::AlertStore::open(): " + file + ": alert log version " + std::to_string(version) +
                           ", expected " + std::to_string(kSchemaVersion)));
    }
    if (!exec("COMMIT")) return rollback(error("open()", "cannot create the schema"));
    return core::Ok{};
  }

  // Adds the message columns unless the log has them; under the write lock, so that two
  // programs opening one old log at once do not both add them.
  core::Status addMessageColumns() {
    if (hasColumn("alerts", "message_key")) return core::Ok{};
    if (!exec("BEGIN IMMEDIATE")) return error("open()", "cannot add the message columns");
    if (!hasColumn("alerts", "message_key") && !exec(kAddMessageColumns)) {
      auto e = error("open()", "cannot add the message columns");  // before ROLLBACK resets the reason
      exec("ROLLBACK");
      return e;
    }
    if (!exec("COMMIT")) return error("open()", "cannot add the message columns");
    return core::Ok{};
  }

  core::Result<std::vector<Alert>> readAlerts(const std::string& sql, const char* where) const {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) return error(where, "cannot prepare");
    return readPrepared(st, where);
  }

  // Steps and finalizes `st`, a SELECT of kAlertColumns.
  core::Result<std::vector<Alert>> readPrepared(sqlite3_stmt* st, const char* where) const {
    std::vector<Alert> out;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      Alert a;
      a.id = sqlite3_column_int64(st, 0);
      a.ruleId = text(st, 1);
      a.sensorId = text(st, 2);
      const bool known = ruleKindFromName(text(st, 3), a.kind) &&
                         model::alertSeverityFromName(text(st, 4), a.severity) &&
                         alertStateFromName(text(st, 5), a.state);
      if (!known) {
        sqlite3_finalize(st);
        return fail(std::string("alerts::AlertStore::") + where + ": " + file + ": alert " + std::to_string(a.id) +
                    ": unknown kind, severity or state");
      }
      a.raisedMs = sqlite3_column_int64(st, 6);
      a.ackMs = sqlite3_column_int64(st, 7);
      a.clearedMs = sqlite3_column_int64(st, 8);
      a.value = realOrNan(st, 9);
      a.message = text(st, 10);
      a.ackBy = text(st, 11);
      a.ackComment = text(st, 12);
      a.receivedMs = sqlite3_column_int64(st, 13);
      a.building = text(st, 14);
      if (sqlite3_column_type(st, 15) != SQLITE_NULL) a.floor = sqlite3_column_int(st, 15);
      a.replay = sqlite3_column_int(st, 16) != 0;
      a.assignee = text(st, 17);
      a.assignedMs = sqlite3_column_int64(st, 18);
      if (!model::alertSeverityFromName(text(st, 19), a.raisedSeverity)) a.raisedSeverity = a.severity;
      a.escalations = sqlite3_column_int(st, 20);
      a.messageParts = messageParts(text(st, 21), text(st, 22));
      out.push_back(std::move(a));
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return error(where, "read failed");
    return out;
  }

  static core::Result<std::unique_ptr<AlertStore>> open(const std::filesystem::path& file, Durability durability);
  core::Status commit(const std::vector<Alert>& alerts, const std::vector<Transition>& transitions) override;
  core::Result<std::int64_t> commitNumbered(const std::vector<Alert>& alerts,
                                            const std::vector<Transition>& transitions,
                                            std::int64_t firstNewId) override;
  core::Result<std::vector<Alert>> activeAlerts() const override;
  core::Result<std::vector<Alert>> openAlerts() const override;
  core::Result<std::vector<Alert>> history(const AlertQuery& query) const override;
  core::Result<std::optional<double>> meanTimeToAcknowledgeSeconds(std::int64_t sinceMs) const override;
  bool changedElsewhere() override;
  core::Result<std::vector<Alert>> allAlerts(std::size_t limit) const override;
  core::Result<std::optional<Alert>> alert(std::int64_t alertId) const override;
  core::Result<std::vector<Transition>> transitions(std::int64_t alertId) const override;
  core::Result<std::int64_t> transitionCount() const override;
  core::Result<std::int64_t> maxAlertId() const override;
  sensors::WalStats walStats() const override;
};

core::Result<std::unique_ptr<AlertStore>> SqliteAlertStore::open(const std::filesystem::path& file,
                                                                 Durability durability) {
  auto impl = std::make_unique<SqliteAlertStore>(file, durability);
  impl->file = file.filename().string();
  if (sqlite3_open_v2(file.string().c_str(), &impl->db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK)
    return impl->error("open()", "cannot open");
  sqlite3_busy_timeout(impl->db, 5000);
  // A new log gets 1 KiB pages (no effect on an existing file): a commit rewrites about five
  // pages whatever it holds, so small pages cut what each commit writes to the WAL fourfold.
  impl->exec("PRAGMA page_size=1024");
  if (!sensors::enterWalMode(impl->db)) return impl->error("open()", "not an alert log");
  if (!impl->exec(durability == Durability::Full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL"))
    return impl->error("open()", "cannot set synchronous");
  if (auto made = impl->makeSchema(); !made) return made.error();
  if (auto added = impl->addMessageColumns(); !added) return added.error();
  if (sqlite3_prepare_v2(impl->db,
                         (std::string("INSERT OR REPLACE INTO alerts(") + kAlertColumns +
                          ") VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
                             .c_str(),
                         -1, &impl->upsert, nullptr) != SQLITE_OK ||
      sqlite3_prepare_v2(impl->db,
                         "INSERT INTO transitions(alert_id, action, state, at_ms, value, who, comment, severity) "
                         "VALUES(?,?,?,?,?,?,?,?)",
                         -1, &impl->append, nullptr) != SQLITE_OK)
    return impl->error("open()", "cannot prepare statements");
  return std::unique_ptr<AlertStore>(std::move(impl));
}

core::Result<std::int64_t> AlertStore::commitNumbered(const std::vector<Alert>& alerts,
                                                      const std::vector<Transition>& transitions, std::int64_t) {
  if (auto s = commit(alerts, transitions); !s) return s.error();
  return std::int64_t{0};
}

namespace {
core::Result<std::int64_t> scalar(const SqliteAlertStore& impl, const char* sql, const char* where);
}  // namespace

core::Status SqliteAlertStore::commit(const std::vector<Alert>& alerts, const std::vector<Transition>& transitions) {
  auto written = commitNumbered(alerts, transitions, std::numeric_limits<std::int64_t>::max());
  if (!written) return written.error();
  return core::Ok{};
}

core::Result<std::int64_t> SqliteAlertStore::commitNumbered(const std::vector<Alert>& alerts,
                                                            const std::vector<Transition>& transitions,
                                                            std::int64_t firstNewId) {
  if (alerts.empty() && transitions.empty()) return std::int64_t{0};
  const auto guard = checkpoint.write(db);  // checkpoints stay off this path
  if (!exec("BEGIN IMMEDIATE")) return error("commit()", "cannot begin");
  auto rollback = [&](const char* what) {
    auto e = error("commit()", what);
    exec("ROLLBACK");
    return e;
  };
  // BEGIN IMMEDIATE holds the log's write lock: no other process can take the ids chosen here
  // before the commit.
  std::int64_t offset = 0;
  if (firstNewId != std::numeric_limits<std::int64_t>::max()) {
    bool fresh = false;
    for (const Alert& a : alerts) fresh = fresh || a.id >= firstNewId;
    if (fresh) {
      auto maxId = scalar(*this, "SELECT COALESCE(MAX(id), 0) FROM alerts", "commit()");
      if (!maxId) {
        exec("ROLLBACK");
        return maxId.error();
      }
      if (*maxId >= firstNewId) offset = *maxId + 1 - firstNewId;
    }
  }
  auto idOf = [&](std::int64_t id) { return id >= firstNewId ? id + offset : id; };
  for (const Alert& a : alerts) {
    sqlite3_stmt* st = upsert;
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, idOf(a.id));
    bindText(st, 2, a.ruleId);
    bindText(st, 3, a.sensorId);
    sqlite3_bind_text(st, 4, model::ruleKindName(a.kind), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, model::alertSeverityName(a.severity), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, alertStateName(a.state), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, a.raisedMs);
    sqlite3_bind_int64(st, 8, a.ackMs);
    sqlite3_bind_int64(st, 9, a.clearedMs);
    bindReal(st, 10, a.value);
    bindText(st, 11, a.message);
    bindText(st, 12, a.ackBy);
    bindText(st, 13, a.ackComment);
    sqlite3_bind_int64(st, 14, a.receivedMs);
    bindText(st, 15, a.building);
    if (a.floor)
      sqlite3_bind_int(st, 16, *a.floor);
    else
      sqlite3_bind_null(st, 16);
    sqlite3_bind_int(st, 17, a.replay ? 1 : 0);
    bindText(st, 18, a.assignee);
    sqlite3_bind_int64(st, 19, a.assignedMs);
    sqlite3_bind_text(st, 20, model::alertSeverityName(a.raisedSeverity), -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 21, a.escalations);
    bindText(st, 22, a.messageParts.key);
    bindText(st, 23, messageArgsJson(a.messageParts));
    if (sqlite3_step(st) != SQLITE_DONE) return rollback("alert write failed");
  }
  for (const Transition& t : transitions) {
    sqlite3_stmt* st = append;
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, idOf(t.alertId));
    sqlite3_bind_text(st, 2, transitionKindName(t.kind), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, alertStateName(t.state), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, t.atMs);
    bindReal(st, 5, t.value);
    bindText(st, 6, t.who);
    bindText(st, 7, t.comment);
    sqlite3_bind_text(st, 8, model::alertSeverityName(t.severity), -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE) return rollback("transition write failed");
  }
  if (!exec("COMMIT")) return rollback("commit failed");
  return offset;
}

sensors::WalStats SqliteAlertStore::walStats() const { return checkpoint.stats(); }

core::Result<std::vector<Alert>> SqliteAlertStore::activeAlerts() const {
  return readAlerts(
      std::string("SELECT ") + kAlertColumns + " FROM alerts WHERE state IN ('active_unack','active_ack') ORDER BY id",
      "activeAlerts()");
}

core::Result<std::vector<Alert>> SqliteAlertStore::openAlerts() const {
  return readAlerts(std::string("SELECT ") + kAlertColumns + " FROM alerts WHERE state <> 'cleared_ack' ORDER BY " +
                        kSeverityRank + ", raised_ms DESC, id DESC",
                    "openAlerts()");
}

core::Result<std::vector<Alert>> SqliteAlertStore::history(const AlertQuery& q) const {
  std::string sql = std::string("SELECT ") + kAlertColumns + " FROM alerts WHERE 1";
  std::vector<std::string> texts;
  if (q.state) {
    sql += " AND state=?";
    texts.push_back(alertStateName(*q.state));
  }
  if (q.severity) {
    sql += " AND severity=?";
    texts.push_back(model::alertSeverityName(*q.severity));
  }
  if (!q.sensorId.empty()) {
    sql += " AND sensor_id=?";
    texts.push_back(q.sensorId);
  }
  if (q.sinceMs) sql += " AND raised_ms >= " + std::to_string(*q.sinceMs);
  sql += " ORDER BY raised_ms DESC, id DESC";
  if (q.limit > 0) sql += " LIMIT " + std::to_string(q.limit);
  // readAlerts() takes finished SQL: the user's texts are bound through a statement of their own.
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) return error("history()", "cannot prepare");
  for (std::size_t i = 0; i < texts.size(); ++i) bindText(st, static_cast<int>(i) + 1, texts[i]);
  return readPrepared(st, "history()");
}

core::Result<std::optional<double>> SqliteAlertStore::meanTimeToAcknowledgeSeconds(std::int64_t sinceMs) const {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db,
                         "SELECT AVG(ack_ms - received_ms), COUNT(*) FROM alerts "
                         "WHERE ack_ms > 0 AND received_ms > 0 AND ack_ms >= received_ms AND received_ms >= ?",
                         -1, &st, nullptr) != SQLITE_OK)
    return error("meanTimeToAcknowledgeSeconds()", "cannot prepare");
  sqlite3_bind_int64(st, 1, sinceMs);
  std::optional<double> out;
  const int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW && sqlite3_column_int64(st, 1) > 0) out = sqlite3_column_double(st, 0) / 1000.0;
  sqlite3_finalize(st);
  if (rc != SQLITE_ROW) return error("meanTimeToAcknowledgeSeconds()", "read failed");
  return out;
}

bool SqliteAlertStore::changedElsewhere() {
  sqlite3_stmt* st = nullptr;
  std::int64_t version = -1;
  if (sqlite3_prepare_v2(db, "PRAGMA data_version", -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
    version = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  const bool changed = dataVersion >= 0 && version != dataVersion;
  dataVersion = version;
  return changed;
}

core::Result<std::vector<Alert>> SqliteAlertStore::allAlerts(std::size_t limit) const {
  std::string sql = std::string("SELECT ") + kAlertColumns + " FROM alerts ORDER BY id DESC";
  if (limit > 0) sql += " LIMIT " + std::to_string(limit);
  return readAlerts(sql, "allAlerts()");
}

core::Result<std::optional<Alert>> SqliteAlertStore::alert(std::int64_t alertId) const {
  auto list = readAlerts(std::string("SELECT ") + kAlertColumns + " FROM alerts WHERE id=" + std::to_string(alertId),
                         "alert()");
  if (!list) return list.error();
  if (list->empty()) return std::optional<Alert>();
  return std::optional<Alert>(list->front());
}

core::Result<std::vector<Transition>> SqliteAlertStore::transitions(std::int64_t alertId) const {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db,
                         "SELECT alert_id, action, state, at_ms, value, who, comment, severity FROM transitions "
                         "WHERE alert_id=? ORDER BY seq",
                         -1, &st, nullptr) != SQLITE_OK)
    return error("transitions()", "cannot prepare");
  sqlite3_bind_int64(st, 1, alertId);
  std::vector<Transition> out;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    Transition t;
    t.alertId = sqlite3_column_int64(st, 0);
    if (!transitionKindFromName(text(st, 1), t.kind) || !alertStateFromName(text(st, 2), t.state)) {
      sqlite3_finalize(st);
      return fail("alerts::AlertStore::transitions(): " + file + ": alert " + std::to_string(alertId) +
                  ": unknown action or state");
    }
    t.atMs = sqlite3_column_int64(st, 3);
    t.value = realOrNan(st, 4);
    t.who = text(st, 5);
    t.comment = text(st, 6);
    if (!model::alertSeverityFromName(text(st, 7), t.severity)) t.severity = model::AlertSeverity::Warning;
    out.push_back(std::move(t));
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) return error("transitions()", "read failed");
  return out;
}

namespace {
core::Result<std::int64_t> scalar(const SqliteAlertStore& impl, const char* sql, const char* where) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(impl.db, sql, -1, &st, nullptr) != SQLITE_OK) return impl.error(where, "cannot prepare");
  std::int64_t n = -1;
  if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  if (n < 0) return impl.error(where, "read failed");
  return n;
}
}  // namespace

core::Result<std::int64_t> SqliteAlertStore::transitionCount() const {
  return scalar(*this, "SELECT COUNT(*) FROM transitions", "transitionCount()");
}

core::Result<std::int64_t> SqliteAlertStore::maxAlertId() const {
  return scalar(*this, "SELECT COALESCE(MAX(id), 0) FROM alerts", "maxAlertId()");
}

AlertStore::~AlertStore() = default;

bool AlertStore::isServerLocation(const std::string& location) {
  return location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0;
}

std::string AlertStore::displayLocation(const std::string& location) {
  return isServerLocation(location) ? redactedUri(location) : location;
}

core::Result<std::unique_ptr<AlertStore>> AlertStore::open(const std::filesystem::path& location,
                                                           Durability durability) {
  if (isServerLocation(location.string())) return openPgAlertStore(location.string(), durability);
  return SqliteAlertStore::open(location, durability);
}

// message_args: {"args": [...], "rule": "", "rule_en": "", "sensor": "", "sensor_en": ""}.
std::string messageArgsJson(const AlertMessageParts& parts) {
  if (parts.key.empty()) return "";
  const nlohmann::json j = {{"args", parts.args},
                            {"rule", parts.rule},
                            {"rule_en", parts.ruleEn},
                            {"sensor", parts.sensor},
                            {"sensor_en", parts.sensorEn}};
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Back from message_args; a value that does not parse leaves the parts without a key, so the
// reader shows the stored message (another program may have written the column).
AlertMessageParts messageParts(const std::string& key, const std::string& args) {
  AlertMessageParts parts;
  if (key.empty()) return parts;
  const nlohmann::json j = nlohmann::json::parse(args, nullptr, false);
  if (!j.is_object() || !j.contains("args") || !j["args"].is_array()) return parts;
  for (const auto& a : j["args"]) {
    if (!a.is_string()) return parts;
    parts.args.push_back(a.get<std::string>());
  }
  const auto field = [&j](const char* name) {
    return j.contains(name) && j[name].is_string() ? j[name].get<std::string>() : std::string();
  };
  parts.rule = field("rule");
  parts.ruleEn = field("rule_en");
  parts.sensor = field("sensor");
  parts.sensorEn = field("sensor_en");
  parts.key = key;
  return parts;
}

bool ruleKindFromName(const std::string& s, model::RuleKind& out) {
  for (model::RuleKind k : {model::RuleKind::Above, model::RuleKind::Below, model::RuleKind::Outside,
                            model::RuleKind::Rate, model::RuleKind::Stale, model::RuleKind::Quality})
    if (s == model::ruleKindName(k)) {
      out = k;
      return true;
    }
  return false;
}

}  // namespace twin::alerts
