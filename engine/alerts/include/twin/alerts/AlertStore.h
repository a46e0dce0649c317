// The durable alert log: every alert and every transition, in SQLite (WAL).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
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

/** Opens or creates the log. Error when the file cannot be opened or is not an alert log.
    commit() is atomic and durable (per Durability) when it returns Ok. Not thread-safe: the
    engine serialises its calls. Several processes may open one file (WAL; readers never block
    the writer); a reader sees only committed transactions. A version 1 log (before building,
    floor, received time, assignment and escalation) is migrated in place on open; a log of a
    newer version than this program knows is an error. A version 2 log without the message
    columns (message_key, message_args: Alert::messageParts) gets them on open, empty for its
    old alerts; the version stays 2, so older programs still open the log (they leave the
    columns empty in the rows they write). The first commit starts a
    sensors::WalCheckpointer, so that WAL checkpoints do not stall commit(). */
class AlertStore {
 public:
  static core::Result<std::unique_ptr<AlertStore>> open(const std::filesystem::path& file,
                                                        Durability durability = Durability::Full);
  ~AlertStore();
  AlertStore(const AlertStore&) = delete;
  AlertStore& operator=(const AlertStore&) = delete;

  /** Upserts `alerts` (their current state) and appends `transitions`, in one transaction. */
  core::Status commit(const std::vector<Alert>& alerts, const std::vector<Transition>& transitions);
  /** As commit(), for a writer that numbered its new alerts from `firstNewId` on while other
      processes (several `twin monitor` workers) may write the same log: inside the transaction,
      when the log already holds an id >= firstNewId, every alert id >= firstNewId in `alerts`
      and `transitions` is written moved up by one offset, past the log's largest id, so no
      alert overwrites another's. Returns that offset (0 when none was needed); the caller
      moves its own copies by it. Ids below firstNewId are written as they are. */
  core::Result<std::int64_t> commitNumbered(const std::vector<Alert>& alerts,
                                            const std::vector<Transition>& transitions, std::int64_t firstNewId);
  /** Alerts in an active state, oldest first. */
  core::Result<std::vector<Alert>> activeAlerts() const;
  /** Alerts someone must still see: active, or cleared but not acknowledged. Worst severity
      first, then newest raised first. */
  core::Result<std::vector<Alert>> openAlerts() const;
  /** Alerts matching `query`, newest raised first. */
  core::Result<std::vector<Alert>> history(const AlertQuery& query) const;
  /** Mean seconds from arrival (receivedMs) to acknowledgement over the alerts that arrived at
      or after `sinceMs` and were acknowledged; nullopt when there are none. */
  core::Result<std::optional<double>> meanTimeToAcknowledgeSeconds(std::int64_t sinceMs = 0) const;
  /** True when another connection (another process: `twin alerts --ack`) committed since the
      last call; the first call only takes note and returns false. */
  bool changedElsewhere();
  /** Every alert, newest first; at most `limit` (0 = all). */
  core::Result<std::vector<Alert>> allAlerts(std::size_t limit = 0) const;
  /** One alert by id; nullopt when the log has none with that id. */
  core::Result<std::optional<Alert>> alert(std::int64_t alertId) const;
  /** Transitions of one alert in the order written. */
  core::Result<std::vector<Transition>> transitions(std::int64_t alertId) const;
  core::Result<std::int64_t> transitionCount() const;
  /** Highest alert id in the log, 0 when empty. */
  core::Result<std::int64_t> maxAlertId() const;
  /** What the background checkpointer has done; zeros before the first commit. */
  sensors::WalStats walStats() const;

  struct Impl;

 private:
  explicit AlertStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> _impl;
};

}  // namespace twin::alerts
