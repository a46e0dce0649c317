// The durable alert log: every alert and every transition, in SQLite (WAL) on one machine or
// in PostgreSQL for several seats.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "twin/alerts/Alert.h"
#include "twin/core/Result.h"
#include "twin/sensors/WalCheckpointer.h"

namespace twin::alerts {

/** SQLite's synchronous level for the alert log. With WAL, Normal survives a process crash
    (kill -9: a commit is in the OS page cache when commit() returns) but may lose the last
    commits on a power cut; a commit never fsyncs (checkpoints run on a background thread, see
    sensors::WalCheckpointer). Full also survives a power cut at one fsync per commit (0.4 ms median, 4-16 ms p99 on
    the development machine's disk). AlertStore::open() defaults to Full; alerts::Monitor (the live
    chain) to Normal, for publish-to-alert latency; see docs/sensors.md. */
enum class Durability { Normal, Full };

/** A history query (`twin alerts --history`): every filter that is set must match. */
struct AlertQuery {
  std::optional<AlertState> state;
  std::optional<model::AlertSeverity> severity;  // the current (escalated) severity
  std::string sensorId;                          // empty = any
  std::optional<std::int64_t> sinceMs;           // raised (data time) at or after
  std::size_t limit = 0;                         // 0 = all
};

/** The alert log, one interface over two stores chosen by AlertStore::open()'s location:
    - a file path: SQLite (WAL), the single-machine default;
    - a libpq URI (`postgresql://user@host/db`, `postgresql:///db?host=/run/socket-dir`):
      PostgreSQL, for several seats (viewers, monitors, `twin alerts`) sharing one alarm state.
    Either opens or creates the log (schema with a version) and returns an error naming the
    location when it cannot be reached or is not an alert log; a log of a newer version than
    this program knows is an error. commit() is atomic and durable (per Durability) when it
    returns Ok. An instance is not thread-safe: the engine serialises its calls. Several
    processes may open one log; a reader sees only committed transactions.
    SQLite: a version 1 log (before building, floor, received time, assignment and escalation)
    is migrated in place on open. A version 2 log without the message columns (message_key,
    message_args: Alert::messageParts) gets them on open, empty for its old alerts; the version
    stays 2, so older programs still open the log (they leave the columns empty in the rows they
    write). The first commit starts a sensors::WalCheckpointer, so that WAL checkpoints do not
    stall commit().
    PostgreSQL: tables twin_alerts, twin_alert_transitions, twin_alert_log (the version) and
    the sequence twin_alert_ids, created on first use under an advisory lock (several seats may
    start at once). commit() locks the rows it changes, takes over what other seats committed to
    them (an acknowledgement, clear, assignment or escalation is never written back to its old
    state) and refuses a transition another seat already made (acknowledging an acknowledged
    alert, clearing a cleared one, the same escalation twice, raising a rule x sensor that is
    already active), so that none is doubled; a commit
    ends with NOTIFY twin_alerts, which every other connection receives on its
    notificationSocket() (see changedElsewhere()). A lost connection is re-established on the
    next call; the call during which it was lost returns an error. */
class AlertStore {
 public:
  /** `location`: a file path (SQLite) or a URI starting with postgresql:// or postgres://
      (isServerLocation()). Errors name the function and the file name or the URI (its
      password, if any, replaced by ***). */
  static core::Result<std::unique_ptr<AlertStore>> open(const std::filesystem::path& location,
                                                        Durability durability = Durability::Full);
  /** True when `location` is a PostgreSQL URI rather than a file path. */
  static bool isServerLocation(const std::string& location);
  /** `location` for messages: a URI with its password replaced by ***, a path as it is. */
  static std::string displayLocation(const std::string& location);
  virtual ~AlertStore();
  AlertStore(const AlertStore&) = delete;
  AlertStore& operator=(const AlertStore&) = delete;

  /** Upserts `alerts` (their current state) and appends `transitions`, in one transaction. */
  virtual core::Status commit(const std::vector<Alert>& alerts, const std::vector<Transition>& transitions) = 0;
  /** As commit(), for a writer that numbered its new alerts from `firstNewId` on while other
      processes (several `twin monitor` workers) may write the same log: inside the transaction,
      when the log already holds an id >= firstNewId, every alert id >= firstNewId in `alerts`
      and `transitions` is written moved up by one offset, past the log's largest id, so no
      alert overwrites another's. Returns that offset (0 when none was needed); the caller
      moves its own copies by it. Ids below firstNewId are written as they are. A store that
      numbers alerts itself (reserveAlertId(): PostgreSQL) needs no offset: commit(), then 0. */
  virtual core::Result<std::int64_t> commitNumbered(const std::vector<Alert>& alerts,
                                                    const std::vector<Transition>& transitions,
                                                    std::int64_t firstNewId);
  /** Alerts in an active state, oldest first. */
  virtual core::Result<std::vector<Alert>> activeAlerts() const = 0;
  /** Alerts someone must still see: active, or cleared but not acknowledged. Worst severity
      first, then newest raised first. */
  virtual core::Result<std::vector<Alert>> openAlerts() const = 0;
  /** Alerts matching `query`, newest raised first. */
  virtual core::Result<std::vector<Alert>> history(const AlertQuery& query) const = 0;
  /** Mean seconds from arrival (receivedMs) to acknowledgement over the alerts that arrived at
      or after `sinceMs` and were acknowledged; nullopt when there are none. */
  virtual core::Result<std::optional<double>> meanTimeToAcknowledgeSeconds(std::int64_t sinceMs = 0) const = 0;
  /** True when another connection (another process: `twin alerts --ack`, another seat)
      committed since the last call; the first call only takes note and returns false.
      SQLite: compares the file's data version (one query). PostgreSQL: reads the notifications
      waiting on notificationSocket() without blocking; no query. */
  virtual bool changedElsewhere() = 0;
  /** A socket that becomes readable when another connection commits (poll() it, then call
      changedElsewhere()); -1 when the store has none (SQLite: call changedElsewhere() instead). */
  virtual int notificationSocket() const { return -1; }
  /** An id for a new alert, unique among every process sharing the log (PostgreSQL: from the
      sequence twin_alert_ids); nullopt when the store leaves numbering to its one writing
      engine (SQLite: the engine counts on from maxAlertId()). */
  virtual core::Result<std::optional<std::int64_t>> reserveAlertId() { return std::optional<std::int64_t>(); }
  /** Every alert, newest first; at most `limit` (0 = all). */
  virtual core::Result<std::vector<Alert>> allAlerts(std::size_t limit = 0) const = 0;
  /** One alert by id; nullopt when the log has none with that id. */
  virtual core::Result<std::optional<Alert>> alert(std::int64_t alertId) const = 0;
  /** Transitions of one alert in the order written. */
  virtual core::Result<std::vector<Transition>> transitions(std::int64_t alertId) const = 0;
  virtual core::Result<std::int64_t> transitionCount() const = 0;
  /** Highest alert id in the log, 0 when empty. */
  virtual core::Result<std::int64_t> maxAlertId() const = 0;
  /** What the background checkpointer has done; zeros before the first commit (and always for
      PostgreSQL, whose server checkpoints). */
  virtual sensors::WalStats walStats() const { return {}; }

 protected:
  AlertStore() = default;
};

}  // namespace twin::alerts
