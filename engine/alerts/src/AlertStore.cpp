#include "twin/alerts/AlertStore.h"

#include <cmath>
#include <string>

#include <sqlite3.h>

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
  }
  return "?";
}

bool transitionKindFromName(const std::string& name, TransitionKind& out) {
  for (TransitionKind k : {TransitionKind::Raise, TransitionKind::Acknowledge, TransitionKind::Clear})
    if (name == transitionKindName(k)) {
      out = k;
      return true;
    }
  return false;
}

std::int64_t SystemClock::nowMs() const { return sensors::nowEpochMs(); }

namespace {

constexpr int kSchemaVersion = 1;

const char* kSchema =
    "CREATE TABLE IF NOT EXISTS alerts("
    " id INTEGER PRIMARY KEY, rule_id TEXT NOT NULL, sensor_id TEXT NOT NULL, kind TEXT NOT NULL,"
    " severity TEXT NOT NULL, state TEXT NOT NULL, raised_ms INTEGER NOT NULL, ack_ms INTEGER NOT NULL,"
    " cleared_ms INTEGER NOT NULL, value REAL, message TEXT NOT NULL, ack_by TEXT NOT NULL,"
    " ack_comment TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS alerts_state ON alerts(state);"
    "CREATE TABLE IF NOT EXISTS transitions("
    " seq INTEGER PRIMARY KEY AUTOINCREMENT, alert_id INTEGER NOT NULL, action TEXT NOT NULL,"
    " state TEXT NOT NULL, at_ms INTEGER NOT NULL, value REAL, who TEXT NOT NULL, comment TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS transitions_alert ON transitions(alert_id);";

const char* kAlertColumns =
    "id, rule_id, sensor_id, kind, severity, state, raised_ms, ack_ms, cleared_ms, value, message, ack_by, ack_comment";

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
  if (std::isfinite(v)) sqlite3_bind_double(st, col, v);
  else sqlite3_bind_null(st, col);
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

}  // namespace

struct AlertStore::Impl {
  sqlite3* db = nullptr;
  sqlite3_stmt* upsert = nullptr;
  sqlite3_stmt* append = nullptr;
  std::string file;
  sensors::LazyWalCheckpointer checkpoint;

  Impl(const std::filesystem::path& path, Durability durability)
      : checkpoint(path, durability == Durability::Full ? "FULL" : "NORMAL") {}
  ~Impl() {
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

  core::Result<std::vector<Alert>> readAlerts(const std::string& sql, const char* where) const {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) return error(where, "cannot prepare");
    std::vector<Alert> out;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
      Alert a;
      a.id = sqlite3_column_int64(st, 0);
      a.ruleId = text(st, 1);
      a.sensorId = text(st, 2);
      const bool known = ruleKindFromName(text(st, 3), a.kind) && model::alertSeverityFromName(text(st, 4), a.severity) &&
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
      out.push_back(std::move(a));
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return error(where, "read failed");
    return out;
  }
};

core::Result<std::unique_ptr<AlertStore>> AlertStore::open(const std::filesystem::path& file, Durability durability) {
  auto impl = std::make_unique<Impl>(file, durability);
  impl->file = file.filename().string();
  if (sqlite3_open_v2(file.string().c_str(), &impl->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      nullptr) != SQLITE_OK)
    return impl->error("open()", "cannot open");
  sqlite3_busy_timeout(impl->db, 5000);
  // A new log gets 1 KiB pages (no effect on an existing file): a commit rewrites about five
  // pages whatever it holds, so small pages cut what each commit writes to the WAL fourfold.
  impl->exec("PRAGMA page_size=1024");
  if (!impl->exec("PRAGMA journal_mode=WAL"))
    return impl->error("open()", "not an alert log");
  if (!impl->exec(durability == Durability::Full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL"))
    return impl->error("open()", "cannot set synchronous");
  sqlite3_stmt* st = nullptr;
  int version = -1;
  if (sqlite3_prepare_v2(impl->db, "PRAGMA user_version", -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
    version = sqlite3_column_int(st, 0);
  sqlite3_finalize(st);
  if (version < 0) return impl->error("open()", "not an alert log");
  if (version == 0) {
    // A fresh file, or one some other program made: only an empty database may become a log.
    int tables = -1;
    if (sqlite3_prepare_v2(impl->db, "SELECT COUNT(*) FROM sqlite_master", -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
      tables = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    if (tables != 0)
      return fail("alerts::AlertStore::open(): " + impl->file + ": not an alert log (a database of another kind)");
    if (!impl->exec(kSchema) || !impl->exec(("PRAGMA user_version=" + std::to_string(kSchemaVersion)).c_str()))
      return impl->error("open()", "cannot create the schema");
  } else if (version != kSchemaVersion) {
    return fail("alerts::AlertStore::open(): " + impl->file + ": alert log version " + std::to_string(version) +
                ", expected " + std::to_string(kSchemaVersion));
  }
  if (sqlite3_prepare_v2(impl->db,
                         (std::string("INSERT OR REPLACE INTO alerts(") + kAlertColumns +
                          ") VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)").c_str(),
                         -1, &impl->upsert, nullptr) != SQLITE_OK ||
      sqlite3_prepare_v2(impl->db,
                         "INSERT INTO transitions(alert_id, action, state, at_ms, value, who, comment) VALUES(?,?,?,?,?,?,?)",
                         -1, &impl->append, nullptr) != SQLITE_OK)
    return impl->error("open()", "cannot prepare statements");
  return std::unique_ptr<AlertStore>(new AlertStore(std::move(impl)));
}

AlertStore::AlertStore(std::unique_ptr<Impl> impl) : _impl(std::move(impl)) {}
AlertStore::~AlertStore() = default;

core::Status AlertStore::commit(const std::vector<Alert>& alerts, const std::vector<Transition>& transitions) {
  if (alerts.empty() && transitions.empty()) return core::Ok{};
  const auto guard = _impl->checkpoint.write(_impl->db);  // checkpoints stay off this path
  if (!_impl->exec("BEGIN IMMEDIATE")) return _impl->error("commit()", "cannot begin");
  auto rollback = [&](const char* what) {
    auto e = _impl->error("commit()", what);
    _impl->exec("ROLLBACK");
    return e;
  };
  for (const Alert& a : alerts) {
    sqlite3_stmt* st = _impl->upsert;
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, a.id);
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
    if (sqlite3_step(st) != SQLITE_DONE) return rollback("alert write failed");
  }
  for (const Transition& t : transitions) {
    sqlite3_stmt* st = _impl->append;
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, t.alertId);
    sqlite3_bind_text(st, 2, transitionKindName(t.kind), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, alertStateName(t.state), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, t.atMs);
    bindReal(st, 5, t.value);
    bindText(st, 6, t.who);
    bindText(st, 7, t.comment);
    if (sqlite3_step(st) != SQLITE_DONE) return rollback("transition write failed");
  }
  if (!_impl->exec("COMMIT")) return rollback("commit failed");
  return core::Ok{};
}

sensors::WalStats AlertStore::walStats() const { return _impl->checkpoint.stats(); }

core::Result<std::vector<Alert>> AlertStore::activeAlerts() const {
  return _impl->readAlerts(std::string("SELECT ") + kAlertColumns +
                               " FROM alerts WHERE state IN ('active_unack','active_ack') ORDER BY id",
                           "activeAlerts()");
}

core::Result<std::vector<Alert>> AlertStore::allAlerts(std::size_t limit) const {
  std::string sql = std::string("SELECT ") + kAlertColumns + " FROM alerts ORDER BY id DESC";
  if (limit > 0) sql += " LIMIT " + std::to_string(limit);
  return _impl->readAlerts(sql, "allAlerts()");
}

core::Result<std::optional<Alert>> AlertStore::alert(std::int64_t alertId) const {
  auto list = _impl->readAlerts(std::string("SELECT ") + kAlertColumns + " FROM alerts WHERE id=" + std::to_string(alertId),
                                "alert()");
  if (!list) return list.error();
  if (list->empty()) return std::optional<Alert>();
  return std::optional<Alert>(list->front());
}

core::Result<std::vector<Transition>> AlertStore::transitions(std::int64_t alertId) const {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(_impl->db,
                         "SELECT alert_id, action, state, at_ms, value, who, comment FROM transitions "
                         "WHERE alert_id=? ORDER BY seq",
                         -1, &st, nullptr) != SQLITE_OK)
    return _impl->error("transitions()", "cannot prepare");
  sqlite3_bind_int64(st, 1, alertId);
  std::vector<Transition> out;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    Transition t;
    t.alertId = sqlite3_column_int64(st, 0);
    if (!transitionKindFromName(text(st, 1), t.kind) || !alertStateFromName(text(st, 2), t.state)) {
      sqlite3_finalize(st);
      return fail("alerts::AlertStore::transitions(): " + _impl->file + ": alert " + std::to_string(alertId) +
                  ": unknown action or state");
    }
    t.atMs = sqlite3_column_int64(st, 3);
    t.value = realOrNan(st, 4);
    t.who = text(st, 5);
    t.comment = text(st, 6);
    out.push_back(std::move(t));
  }
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) return _impl->error("transitions()", "read failed");
  return out;
}

namespace {
core::Result<std::int64_t> scalar(const AlertStore::Impl& impl, const char* sql, const char* where) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(impl.db, sql, -1, &st, nullptr) != SQLITE_OK) return impl.error(where, "cannot prepare");
  std::int64_t n = -1;
  if (sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  if (n < 0) return impl.error(where, "read failed");
  return n;
}
}  // namespace

core::Result<std::int64_t> AlertStore::transitionCount() const {
  return scalar(*_impl, "SELECT COUNT(*) FROM transitions", "transitionCount()");
}

core::Result<std::int64_t> AlertStore::maxAlertId() const {
  return scalar(*_impl, "SELECT COALESCE(MAX(id), 0) FROM alerts", "maxAlertId()");
}

}  // namespace twin::alerts
