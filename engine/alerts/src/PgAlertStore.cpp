// PgAlertStore: the alert log in PostgreSQL through libpq, for several seats sharing one alarm
// state. Sections: schema, helpers, the store (connection, commit with take-over and refusal,
// reads, notifications), open().
#include "PgAlertStore.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include <libpq-fe.h>

#include "AlertMessageCodec.h"

namespace twin::alerts {

using core::fail;

namespace {

// ---- schema --------------------------------------------------------------------------------

constexpr int kPgSchemaVersion = 1;
constexpr const char* kChannel = "twin_alerts";
// Serialises schema creation when several seats start on an empty database at once.
constexpr const char* kSchemaLock = "SELECT pg_advisory_xact_lock(2037672302)";

const char* kPgSchema =
    "CREATE TABLE twin_alerts("
    " id bigint PRIMARY KEY, rule_id text NOT NULL, sensor_id text NOT NULL, kind text NOT NULL,"
    " severity text NOT NULL, state text NOT NULL, raised_ms bigint NOT NULL, ack_ms bigint NOT NULL,"
    " cleared_ms bigint NOT NULL, value double precision, message text NOT NULL, ack_by text NOT NULL,"
    " ack_comment text NOT NULL, received_ms bigint NOT NULL, building text NOT NULL, floor integer,"
    " replay boolean NOT NULL, assignee text NOT NULL, assigned_ms bigint NOT NULL,"
    " raised_severity text NOT NULL, escalations integer NOT NULL, message_key text NOT NULL DEFAULT '',"
    " message_args text NOT NULL DEFAULT '');"
    "CREATE INDEX twin_alerts_state ON twin_alerts(state);"
    "CREATE TABLE twin_alert_transitions("
    " seq bigserial PRIMARY KEY, alert_id bigint NOT NULL, action text NOT NULL, state text NOT NULL,"
    " at_ms bigint NOT NULL, value double precision, who text NOT NULL, comment text NOT NULL,"
    " severity text NOT NULL);"
    "CREATE INDEX twin_alert_transitions_alert ON twin_alert_transitions(alert_id);"
    "CREATE SEQUENCE twin_alert_ids;"
    "CREATE TABLE twin_alert_log(version integer NOT NULL);";

const char* kAlertColumns =
    "id, rule_id, sensor_id, kind, severity, state, raised_ms, ack_ms, cleared_ms, value, message, ack_by, ack_comment,"
    " received_ms, building, floor, replay, assignee, assigned_ms, raised_severity, escalations, message_key,"
    " message_args";

const char* kSeverityRank = "CASE severity WHEN 'critical' THEN 0 WHEN 'major' THEN 1 WHEN 'minor' THEN 2 ELSE 3 END";

// ---- helpers -------------------------------------------------------------------------------

struct ResultFree {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, ResultFree>;
using Param = std::optional<std::string>;  // nullopt = SQL NULL

std::string firstLine(const char* message) {
  std::string s = message ? message : "";
  const auto nl = s.find('\n');
  if (nl != std::string::npos) s.resize(nl);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.pop_back();
  return s.empty() ? "no message from libpq" : s;
}

std::string number(std::int64_t v) { return std::to_string(v); }
Param real(double v) {
  if (!std::isfinite(v)) return std::nullopt;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return std::string(buf);
}

// The state that has both what `a` and `b` record: cleared when either is, acknowledged when
// either is (both changes are one-way in the lifecycle).
AlertState mergedState(AlertState a, AlertState b) {
  const bool active = isActive(a) && isActive(b), acked = isAcknowledged(a) || isAcknowledged(b);
  if (active) return acked ? AlertState::ActiveAcknowledged : AlertState::ActiveUnacknowledged;
  return acked ? AlertState::ClearedAcknowledged : AlertState::ClearedUnacknowledged;
}

// `mine` (this seat's copy) with what another seat committed to the same alert in `stored`.
Alert takenOver(Alert mine, const Alert& stored) {
  if (isAcknowledged(stored.state) && !isAcknowledged(mine.state)) {
    mine.ackMs = stored.ackMs;
    mine.ackBy = stored.ackBy;
    mine.ackComment = stored.ackComment;
  }
  if (!isActive(stored.state) && isActive(mine.state)) mine.clearedMs = stored.clearedMs;
  mine.state = mergedState(mine.state, stored.state);
  if (stored.assignedMs > mine.assignedMs) {
    mine.assignee = stored.assignee;
    mine.assignedMs = stored.assignedMs;
  }
  if (stored.escalations > mine.escalations) {
    mine.escalations = stored.escalations;
    mine.severity = stored.severity;
  }
  return mine;
}

}  // namespace

std::string redactedUri(const std::string& uri) {
  const auto scheme = uri.find("://");
  if (scheme == std::string::npos) return uri;
  const auto hostStart = scheme + 3;
  const auto at = uri.find('@', hostStart);
  const auto slash = uri.find('/', hostStart);
  if (at == std::string::npos || (slash != std::string::npos && slash < at)) return uri;
  const auto colon = uri.find(':', hostStart);
  if (colon == std::string::npos || colon > at) return uri;
  return uri.substr(0, colon + 1) + "***" + uri.substr(at);
}

// ---- the store -----------------------------------------------------------------------------

class PgAlertStore final : public AlertStore {
 public:
  PgAlertStore(std::string uri, Durability durability)
      : _uri(std::move(uri)), _name(redactedUri(_uri)), _durability(durability) {}
  ~PgAlertStore() override {
    if (_conn) PQfinish(_conn);
  }

  core::Status connect();
  core::Status createOrCheckSchema();

  core::Status commit(const std::vector<Alert>& alerts, const std::vector<Transition>& transitions) override;
  core::Result<std::vector<Alert>> activeAlerts() const override;
  core::Result<std::vector<Alert>> openAlerts() const override;
  core::Result<std::vector<Alert>> history(const AlertQuery& query) const override;
  core::Result<std::optional<double>> meanTimeToAcknowledgeSeconds(std::int64_t sinceMs) const override;
  bool changedElsewhere() override;
  int notificationSocket() const override { return _conn ? PQsocket(_conn) : -1; }
  core::Result<std::optional<std::int64_t>> reserveAlertId() override;
  core::Result<std::vector<Alert>> allAlerts(std::size_t limit) const override;
  core::Result<std::optional<Alert>> alert(std::int64_t alertId) const override;
  core::Result<std::vector<Transition>> transitions(std::int64_t alertId) const override;
  core::Result<std::int64_t> transitionCount() const override;
  core::Result<std::int64_t> maxAlertId() const override;

 private:
  core::Error error(const std::string& where, const std::string& what) const {
    return fail("alerts::AlertStore::" + where + ": " + _name + ": " + what +
                (_conn ? ": " + firstLine(PQerrorMessage(_conn)) : std::string()));
  }
  core::Error error(const std::string& where, const std::string& what, const PGresult* r) const {
    return fail("alerts::AlertStore::" + where + ": " + _name + ": " + what + ": " +
                firstLine(r ? PQresultErrorMessage(r) : PQerrorMessage(_conn)));
  }
  // A connection lost since the last call (server restart, network) is re-established here, so
  // that one failed call does not take the seat off the log for good.
  core::Status ready(const std::string& where) const;
  core::Status session() const;
  PgResult exec(const std::string& sql, const std::vector<Param>& params = {}) const;
  core::Result<PgResult> query(const std::string& where, const std::string& sql,
                               const std::vector<Param>& params = {}) const;
  core::Result<std::vector<Alert>> readAlerts(const std::string& where, const std::string& sql,
                                              const std::vector<Param>& params = {}) const;
  core::Result<std::int64_t> scalar(const std::string& where, const std::string& sql) const;
  void rollback() const { PQclear(PQexec(_conn, "ROLLBACK")); }

  std::string _uri, _name;
  Durability _durability;
  mutable PGconn* _conn = nullptr;
  bool _noted = false;  // changedElsewhere() was called once
};

core::Status PgAlertStore::connect() {
  _conn = PQconnectdb(_uri.c_str());
  if (!_conn) return fail("alerts::AlertStore::open(): " + _name + ": cannot connect: out of memory");
  if (PQstatus(_conn) != CONNECTION_OK) return error("open()", "cannot connect");
  return session();
}

core::Status PgAlertStore::session() const {
  // Normal: a commit returns before the server's WAL is flushed; a killed seat loses nothing
  // it committed, a server crash may lose the last commits (as SQLite's NORMAL on power loss).
  const std::string setup = std::string(_durability == Durability::Normal ? "SET synchronous_commit = off;" : "") +
                            "SET client_min_messages = warning; LISTEN " + kChannel + ";";
  PgResult r(PQexec(_conn, setup.c_str()));
  if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK) return error("open()", "cannot set up the session", r.get());
  return core::Ok{};
}

core::Status PgAlertStore::ready(const std::string& where) const {
  if (PQstatus(_conn) == CONNECTION_OK) return core::Ok{};
  PQreset(_conn);
  if (PQstatus(_conn) != CONNECTION_OK) return error(where, "connection lost");
  return session();
}

PgResult PgAlertStore::exec(const std::string& sql, const std::vector<Param>& params) const {
  // Only the simple protocol runs several statements in one string (schema, BEGIN + lock).
  if (params.empty()) return PgResult(PQexec(_conn, sql.c_str()));
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const Param& p : params) values.push_back(p ? p->c_str() : nullptr);
  return PgResult(
      PQexecParams(_conn, sql.c_str(), static_cast<int>(params.size()), nullptr, values.data(), nullptr, nullptr, 0));
}

core::Result<PgResult> PgAlertStore::query(const std::string& where, const std::string& sql,
                                           const std::vector<Param>& params) const {
  if (auto s = ready(where); !s) return s.error();
  PgResult r = exec(sql, params);
  const auto st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) return error(where, "query failed", r.get());
  return r;
}

core::Result<std::vector<Alert>> PgAlertStore::readAlerts(const std::string& where, const std::string& sql,
                                                          const std::vector<Param>& params) const {
  auto r = query(where, sql, params);
  if (!r) return r.error();
  PGresult* res = r->get();
  std::vector<Alert> out;
  const int rows = PQntuples(res);
  out.reserve(static_cast<std::size_t>(rows));
  auto text = [res](int row, int col) { return std::string(PQgetvalue(res, row, col)); };
  auto int64 = [res](int row, int col) { return std::strtoll(PQgetvalue(res, row, col), nullptr, 10); };
  for (int i = 0; i < rows; ++i) {
    Alert a;
    a.id = int64(i, 0);
    a.ruleId = text(i, 1);
    a.sensorId = text(i, 2);
    if (!ruleKindFromName(text(i, 3), a.kind) || !model::alertSeverityFromName(text(i, 4), a.severity) ||
        !alertStateFromName(text(i, 5), a.state))
      return fail("alerts::AlertStore::" + where + ": " + _name + ": alert " + std::to_string(a.id) +
                  ": unknown kind, severity or state");
    a.raisedMs = int64(i, 6);
    a.ackMs = int64(i, 7);
    a.clearedMs = int64(i, 8);
    a.value = PQgetisnull(res, i, 9) ? std::nan("") : std::strtod(PQgetvalue(res, i, 9), nullptr);
    a.message = text(i, 10);
    a.ackBy = text(i, 11);
    a.ackComment = text(i, 12);
    a.receivedMs = int64(i, 13);
    a.building = text(i, 14);
    if (!PQgetisnull(res, i, 15)) a.floor = static_cast<int>(int64(i, 15));
    a.replay = text(i, 16) == "t";
    a.assignee = text(i, 17);
    a.assignedMs = int64(i, 18);
    if (!model::alertSeverityFromName(text(i, 19), a.raisedSeverity)) a.raisedSeverity = a.severity;
    a.escalations = static_cast<int>(int64(i, 20));
    a.messageParts = messageParts(text(i, 21), text(i, 22));
    out.push_back(std::move(a));
  }
  return out;
}

core::Result<std::int64_t> PgAlertStore::scalar(const std::string& where, const std::string& sql) const {
  auto r = query(where, sql);
  if (!r) return r.error();
  if (PQntuples(r->get()) != 1 || PQgetisnull(r->get(), 0, 0)) return error(where, "read failed", r->get());
  return static_cast<std::int64_t>(std::strtoll(PQgetvalue(r->get(), 0, 0), nullptr, 10));
}

core::Status PgAlertStore::createOrCheckSchema() {
  const std::string where = "open()";
  auto begin = query(where, std::string("BEGIN; ") + kSchemaLock);
  if (!begin) return begin.error();
  auto fault = [&](core::Error e) -> core::Status {
    rollback();
    return e;
  };
  auto found = query(where,
                     "SELECT to_regclass('twin_alert_log') IS NOT NULL, "
                     "to_regclass('twin_alerts') IS NOT NULL OR to_regclass('twin_alert_transitions') IS NOT NULL");
  if (!found) return fault(found.error());
  const bool hasLog = std::string(PQgetvalue(found->get(), 0, 0)) == "t";
  const bool hasTables = std::string(PQgetvalue(found->get(), 0, 1)) == "t";
  if (hasLog) {
    auto version = query(where, "SELECT version FROM twin_alert_log");
    if (!version) return fault(version.error());
    if (PQntuples(version->get()) != 1)
      return fault(fail("alerts::AlertStore::open(): " + _name + ": not an alert log (twin_alert_log has " +
                        std::to_string(PQntuples(version->get())) + " rows, expected 1)"));
    const int v = std::atoi(PQgetvalue(version->get(), 0, 0));
    if (v != kPgSchemaVersion)
      return fault(fail("alerts::AlertStore::open(): " + _name + ": alert log version " + std::to_string(v) +
                        ", expected " + std::to_string(kPgSchemaVersion)));
  } else if (hasTables) {
    return fault(fail("alerts::AlertStore::open(): " + _name +
                      ": not an alert log (twin_alerts or twin_alert_transitions exist without twin_alert_log)"));
  } else {
    auto created = query(
        where, std::string(kPgSchema) + "INSERT INTO twin_alert_log VALUES (" + std::to_string(kPgSchemaVersion) + ")");
    if (!created) return fault(created.error());
  }
  auto committed = query(where, "COMMIT");
  if (!committed) return committed.error();
  return core::Ok{};
}

core::Status PgAlertStore::commit(const std::vector<Alert>& alerts, const std::vector<Transition>& transitions) {
  if (alerts.empty() && transitions.empty()) return core::Ok{};
  const std::string where = "commit()";
  auto begun = query(where, "BEGIN");
  if (!begun) return begun.error();
  auto fault = [&](core::Error e) -> core::Status {
    rollback();
    return e;
  };
  // Lock every row this commit touches (in id order, so that two seats cannot deadlock) and
  // read what the other seats committed to them.
  std::set<std::int64_t> ids;
  for (const Alert& a : alerts) ids.insert(a.id);
  for (const Transition& t : transitions) ids.insert(t.alertId);
  std::string array = "{";
  for (std::int64_t id : ids) array += (array.size() > 1 ? "," : "") + number(id);
  array += "}";
  auto locked = readAlerts(
      where,
      std::string("SELECT ") + kAlertColumns + " FROM twin_alerts WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE",
      {array});
  if (!locked) return fault(locked.error());
  std::map<std::int64_t, Alert> stored;
  for (Alert& a : *locked) stored.emplace(a.id, std::move(a));
  std::map<std::int64_t, const Alert*> mine;
  for (const Alert& a : alerts) mine[a.id] = &a;

  // A transition another seat has already made is refused, whole commit with it: the caller
  // takes over the other seat's change (AlertEngine::takeOverChanges()) and shows its error.
  auto refuse = [&](std::int64_t id, const std::string& what) {
    return fault(fail("alerts::AlertStore::commit(): " + _name + ": alert " + std::to_string(id) + " " + what +
                      "; nothing written"));
  };
  for (const Transition& t : transitions) {
    auto m = mine.find(t.alertId);
    if (t.kind == TransitionKind::Raise && m != mine.end()) {
      // Seats that judge the same sensor raise one alert between them: the first one in wins,
      // the others take it over. The lock per rule x sensor closes the gap between the look
      // and the insert.
      const Alert& a = *m->second;
      auto lock = query(where, "SELECT pg_advisory_xact_lock(hashtext($1 || '/' || $2))", {a.ruleId, a.sensorId});
      if (!lock) return fault(lock.error());
      auto duplicate = query(where,
                             "SELECT id FROM twin_alerts WHERE rule_id = $1 AND sensor_id = $2 AND id <> $3 "
                             "AND state IN ('active_unack','active_ack') LIMIT 1",
                             {a.ruleId, a.sensorId, number(a.id)});
      if (!duplicate) return fault(duplicate.error());
      if (PQntuples(duplicate->get()) > 0)
        return refuse(t.alertId, "of rule " + a.ruleId + " for sensor " + a.sensorId + " is already active as alert " +
                                     PQgetvalue(duplicate->get(), 0, 0) + " (raised at another seat)");
    }
    auto s = stored.find(t.alertId);
    if (s == stored.end()) continue;
    const Alert& was = s->second;
    switch (t.kind) {
      case TransitionKind::Raise: return refuse(t.alertId, "already exists (its id was given twice)");
      case TransitionKind::Acknowledge:
        if (isAcknowledged(was.state))
          return refuse(t.alertId, "was already acknowledged by " + was.ackBy + " at another seat");
        break;
      case TransitionKind::Clear:
        if (!isActive(was.state)) return refuse(t.alertId, "was already cleared at another seat");
        break;
      case TransitionKind::Escalate: {
        auto m = mine.find(t.alertId);
        if (m != mine.end() && was.escalations >= m->second->escalations)
          return refuse(t.alertId, "was already escalated at another seat");
        break;
      }
      case TransitionKind::Assign: break;
    }
  }

  const std::string upsert =
      std::string("INSERT INTO twin_alerts(") + kAlertColumns +
      ") VALUES($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21,$22,$23) "
      "ON CONFLICT (id) DO UPDATE SET rule_id=EXCLUDED.rule_id, sensor_id=EXCLUDED.sensor_id,"
      " kind=EXCLUDED.kind, severity=EXCLUDED.severity, state=EXCLUDED.state,"
      " raised_ms=EXCLUDED.raised_ms, ack_ms=EXCLUDED.ack_ms, cleared_ms=EXCLUDED.cleared_ms,"
      " value=EXCLUDED.value, message=EXCLUDED.message, ack_by=EXCLUDED.ack_by,"
      " ack_comment=EXCLUDED.ack_comment, received_ms=EXCLUDED.received_ms,"
      " building=EXCLUDED.building, floor=EXCLUDED.floor, replay=EXCLUDED.replay,"
      " assignee=EXCLUDED.assignee, assigned_ms=EXCLUDED.assigned_ms,"
      " raised_severity=EXCLUDED.raised_severity, escalations=EXCLUDED.escalations,"
      " message_key=EXCLUDED.message_key, message_args=EXCLUDED.message_args";
  std::map<std::int64_t, AlertState> written;  // the state each alert has after this commit
  for (const Alert& m : alerts) {
    auto s = stored.find(m.id);
    const Alert a = s == stored.end() ? m : takenOver(m, s->second);
    written[a.id] = a.state;
    auto r = query(where, upsert,
                   {number(a.id),
                    a.ruleId,
                    a.sensorId,
                    std::string(model::ruleKindName(a.kind)),
                    std::string(model::alertSeverityName(a.severity)),
                    std::string(alertStateName(a.state)),
                    number(a.raisedMs),
                    number(a.ackMs),
                    number(a.clearedMs),
                    real(a.value),
                    a.message,
                    a.ackBy,
                    a.ackComment,
                    number(a.receivedMs),
                    a.building,
                    a.floor ? Param(std::to_string(*a.floor)) : Param(),
                    std::string(a.replay ? "t" : "f"),
                    a.assignee,
                    number(a.assignedMs),
                    std::string(model::alertSeverityName(a.raisedSeverity)),
                    std::to_string(a.escalations),
                    a.messageParts.key,
                    messageArgsJson(a.messageParts)});
    if (!r) return fault(r.error());
  }
  for (const Transition& t : transitions) {
    // A transition records the state after it: with another seat's change taken over (an
    // acknowledgement here of an alert cleared there leaves it cleared and acknowledged).
    auto s = stored.find(t.alertId);
    const AlertState state = s == stored.end() ? t.state : mergedState(t.state, s->second.state);
    auto r =
        query(where,
              "INSERT INTO twin_alert_transitions(alert_id, action, state, at_ms, value, who, comment, severity) "
              "VALUES($1,$2,$3,$4,$5,$6,$7,$8)",
              {number(t.alertId), std::string(transitionKindName(t.kind)), std::string(alertStateName(state)),
               number(t.atMs), real(t.value), t.who, t.comment, std::string(model::alertSeverityName(t.severity))});
    if (!r) return fault(r.error());
  }
  // Delivered to every listening connection when, and only when, the transaction commits.
  std::string payload;
  for (std::int64_t id : ids) {
    if (payload.size() > 7000) {
      payload = "*";
      break;
    }
    payload += (payload.empty() ? "" : ",") + number(id);
  }
  auto notified = query(where, "SELECT pg_notify($1, $2)", {std::string(kChannel), payload});
  if (!notified) return fault(notified.error());
  auto committed = query(where, "COMMIT");
  if (!committed) return committed.error();
  return core::Ok{};
}

core::Result<std::vector<Alert>> PgAlertStore::activeAlerts() const {
  return readAlerts("activeAlerts()", std::string("SELECT ") + kAlertColumns +
                                          " FROM twin_alerts WHERE state IN ('active_unack','active_ack') ORDER BY id");
}

core::Result<std::vector<Alert>> PgAlertStore::openAlerts() const {
  return readAlerts("openAlerts()", std::string("SELECT ") + kAlertColumns +
                                        " FROM twin_alerts WHERE state <> 'cleared_ack' ORDER BY " + kSeverityRank +
                                        ", raised_ms DESC, id DESC");
}

core::Result<std::vector<Alert>> PgAlertStore::history(const AlertQuery& q) const {
  std::string sql = std::string("SELECT ") + kAlertColumns + " FROM twin_alerts WHERE true";
  std::vector<Param> params;
  auto add = [&](const std::string& condition, std::string value) {
    params.push_back(std::move(value));
    sql += " AND " + condition + "$" + std::to_string(params.size());
  };
  if (q.state) add("state=", alertStateName(*q.state));
  if (q.severity) add("severity=", model::alertSeverityName(*q.severity));
  if (!q.sensorId.empty()) add("sensor_id=", q.sensorId);
  if (q.sinceMs) add("raised_ms >= ", number(*q.sinceMs));
  sql += " ORDER BY raised_ms DESC, id DESC";
  if (q.limit > 0) sql += " LIMIT " + std::to_string(q.limit);
  return readAlerts("history()", sql, params);
}

core::Result<std::optional<double>> PgAlertStore::meanTimeToAcknowledgeSeconds(std::int64_t sinceMs) const {
  const std::string where = "meanTimeToAcknowledgeSeconds()";
  auto r = query(where,
                 "SELECT AVG(ack_ms - received_ms), COUNT(*) FROM twin_alerts "
                 "WHERE ack_ms > 0 AND received_ms > 0 AND ack_ms >= received_ms AND received_ms >= $1",
                 {number(sinceMs)});
  if (!r) return r.error();
  std::optional<double> out;
  if (PQntuples(r->get()) == 1 && std::strtoll(PQgetvalue(r->get(), 0, 1), nullptr, 10) > 0)
    out = std::strtod(PQgetvalue(r->get(), 0, 0), nullptr) / 1000.0;
  return out;
}

bool PgAlertStore::changedElsewhere() {
  bool changed = false;
  if (PQstatus(_conn) != CONNECTION_OK || !PQconsumeInput(_conn)) {
    // Notifications sent while the connection was down are gone: assume there were some.
    changed = ready("changedElsewhere()").ok();
  }
  const int self = PQbackendPID(_conn);
  while (PGnotify* n = PQnotifies(_conn)) {
    if (n->be_pid != self) changed = true;
    PQfreemem(n);
  }
  if (!_noted) {
    _noted = true;
    return false;
  }
  return changed;
}

core::Result<std::optional<std::int64_t>> PgAlertStore::reserveAlertId() {
  auto id = scalar("reserveAlertId()", "SELECT nextval('twin_alert_ids')");
  if (!id) return id.error();
  return std::optional<std::int64_t>(*id);
}

core::Result<std::vector<Alert>> PgAlertStore::allAlerts(std::size_t limit) const {
  std::string sql = std::string("SELECT ") + kAlertColumns + " FROM twin_alerts ORDER BY id DESC";
  if (limit > 0) sql += " LIMIT " + std::to_string(limit);
  return readAlerts("allAlerts()", sql);
}

core::Result<std::optional<Alert>> PgAlertStore::alert(std::int64_t alertId) const {
  auto list = readAlerts("alert()", std::string("SELECT ") + kAlertColumns + " FROM twin_alerts WHERE id=$1",
                         {number(alertId)});
  if (!list) return list.error();
  if (list->empty()) return std::optional<Alert>();
  return std::optional<Alert>(list->front());
}

core::Result<std::vector<Transition>> PgAlertStore::transitions(std::int64_t alertId) const {
  const std::string where = "transitions()";
  auto r = query(where,
                 "SELECT alert_id, action, state, at_ms, value, who, comment, severity FROM twin_alert_transitions "
                 "WHERE alert_id=$1 ORDER BY seq",
                 {number(alertId)});
  if (!r) return r.error();
  PGresult* res = r->get();
  std::vector<Transition> out;
  for (int i = 0; i < PQntuples(res); ++i) {
    Transition t;
    t.alertId = std::strtoll(PQgetvalue(res, i, 0), nullptr, 10);
    if (!transitionKindFromName(PQgetvalue(res, i, 1), t.kind) || !alertStateFromName(PQgetvalue(res, i, 2), t.state))
      return fail("alerts::AlertStore::transitions(): " + _name + ": alert " + std::to_string(alertId) +
                  ": unknown action or state");
    t.atMs = std::strtoll(PQgetvalue(res, i, 3), nullptr, 10);
    t.value = PQgetisnull(res, i, 4) ? std::nan("") : std::strtod(PQgetvalue(res, i, 4), nullptr);
    t.who = PQgetvalue(res, i, 5);
    t.comment = PQgetvalue(res, i, 6);
    if (!model::alertSeverityFromName(PQgetvalue(res, i, 7), t.severity)) t.severity = model::AlertSeverity::Warning;
    out.push_back(std::move(t));
  }
  return out;
}

core::Result<std::int64_t> PgAlertStore::transitionCount() const {
  return scalar("transitionCount()", "SELECT COUNT(*) FROM twin_alert_transitions");
}

core::Result<std::int64_t> PgAlertStore::maxAlertId() const {
  return scalar("maxAlertId()", "SELECT COALESCE(MAX(id), 0) FROM twin_alerts");
}

// ---- open() --------------------------------------------------------------------------------

core::Result<std::unique_ptr<AlertStore>> openPgAlertStore(const std::string& uri, Durability durability) {
  auto store = std::make_unique<PgAlertStore>(uri, durability);
  if (auto s = store->connect(); !s) return s.error();
  if (auto s = store->createOrCheckSchema(); !s) return s.error();
  return std::unique_ptr<AlertStore>(std::move(store));
}

}  // namespace twin::alerts
