// The rule engine: judges readings against the scene's alert rules, drives each alert through
// its lifecycle, and writes every transition to the AlertStore before anyone can see it.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "twin/alerts/Alert.h"
#include "twin/alerts/AlertStore.h"
#include "twin/core/Result.h"
#include "twin/model/Sensor.h"
#include "twin/sensors/Reading.h"

namespace twin::alerts {

/** What the UI shows per sensor. */
struct SensorState {
  std::string sensorId;
  bool hasValue = false;
  std::int64_t lastTsMs = 0;  // data time of the last finite reading
  double lastValue = 0;
  std::int64_t lastSeenMs = 0;  // engine clock when the last reading (any) arrived; 0 = never
  bool stale = false;           // a stale rule is active for it
  std::string linkStatus;       // retained MQTT status: "online", "offline" or "" (unknown)
  bool online = false;          // has reported, not stale, link not "offline"
  int activeAlerts = 0;
  bool hasAlert = false;
  model::AlertSeverity worstSeverity = model::AlertSeverity::Warning;  // valid when hasAlert
};

struct EngineCounters {
  std::uint64_t readings = 0;       // readings judged
  std::uint64_t qualityEvents = 0;  // non-finite or out-of-range readings
  std::uint64_t raised = 0, acknowledged = 0, cleared = 0;
  std::uint64_t changes = 0;   // transitions logged by this engine, of every kind (escalate and assign included)
  std::uint64_t external = 0;  // times this engine took over changes other processes made (takeOverChanges())
};

/** Rule semantics (see model::AlertRuleDef and docs/sensors.md):
    - one alert per rule x sensor while it is active; a later raise after a clear is a new alert;
    - hysteresis: the clear condition is separate from the raise condition; between the two the
      state does not change;
    - pending: the raise condition must hold (no reading contradicting it) for pendingSeconds of
      engine clock time; it is checked on each reading and on tick();
    - rate of change: |dv/dt| in units per minute between consecutive finite readings, by data time;
    - stale: no reading for staleSeconds of engine clock time (from the last reading, or from the
      engine's start) -> raised by tick(); cleared by the next reading;
    - quality: a non-finite reading or one outside the sensor's valid range raises the quality
      rule and is not judged by value rules; the next valid reading clears it.
    - times: an alert raised or cleared by a reading carries the reading's own time (raisedMs,
      clearedMs, the transition's atMs: data time) and receivedMs = the engine clock when it
      was judged; see Alert.
    - lifecycle (ThingsBoard's): an alert stays open (openAlerts()) until it is both cleared
      and acknowledged; a cleared unacknowledged alert stays listed.
    - escalation: tick() raises an unacknowledged alert one severity once per the rule's
      escalateAfterSeconds of engine clock since receivedMs, up to critical, and logs an
      "escalate" transition.
    - other processes: before each change, and on takeOverChanges(), the engine takes over the
      acknowledgements, clears, assignments and escalations that another process (`twin alerts`,
      another seat on a shared PostgreSQL log) wrote to the alerts it holds, and shows the open
      alerts another process raised (AlertStore::changedElsewhere()). It does not escalate those:
      the seat that raised one escalates it. One of a rule this engine judges for that sensor
      becomes that rule's alert here (its readings clear it), so seats that judge the same sensor
      share one alert. When the store refuses a commit (a shared log
      refuses a transition another seat made first), the engine takes over the log's state and
      does the call's work once more; a second failure is the call's error.
    Durability: every call that changes alerts commits all its transitions in one store
    transaction first; only after the commit succeeds does the in-memory state change and the
    listener run. When the commit fails the call returns the error and nothing changes.
    Thread safety: all member functions may be called from any thread (one internal mutex); the
    listener runs on the calling thread after the mutex is released. */
/** Sorts alerts into list order: worst severity first (critical .. warning, by the enum's rank,
    never by name), then newest raised first, then highest id first. */
void sortForList(std::vector<Alert>& alerts);

struct EngineOptions {
  /** Hold (escalate, list, sync) only the log's open alerts of sensors in the config. A monitor
      that is one of several workers sets it: the other workers' alerts are theirs to handle. */
  bool onlyConfiguredSensors = false;
};

class AlertEngine {
 public:
  /** Called once per transition, in commit order, after the commit. */
  using Listener = std::function<void(const Alert& alert, const Transition& transition)>;

  /** Restores open alerts (active, or cleared and unacknowledged) from `store` (an alert whose rule is gone stays
     active until cleared by hand). `store` and `clock` must outlive the engine. */
  static core::Result<std::unique_ptr<AlertEngine>> create(const model::SensorConfig& config, AlertStore& store,
                                                           const Clock& clock, const EngineOptions& options = {});
  ~AlertEngine();

  void setListener(Listener listener);

  /** Takes over what other processes changed in the log since the last look (see "other
      processes" above) without making a change of its own: with PostgreSQL it reads the
      notifications waiting on the store's socket and queries only when there is one. True when
      something held here changed (counters().external counts those). Call it whenever
      AlertStore::notificationSocket() is readable, or once per step. */
  core::Result<bool> takeOverChanges();
  /** Judges readings in order. Readings of sensors not in the config are ignored (counted by
      the decoder as unknown_sensor before they get here). */
  core::Status process(const std::vector<sensors::Reading>& readings);
  /** Raises stale alerts and pending alerts whose time has come. Call it about once a second. */
  core::Status tick();
  /** Error when the id is unknown or the alert is already acknowledged. */
  core::Status acknowledge(std::int64_t alertId, const std::string& who, const std::string& comment);
  /** Clears an active alert by hand. Error when unknown or already cleared. */
  core::Status clear(std::int64_t alertId, const std::string& who, const std::string& comment);
  /** Assigns an open or closed alert to a person; `who` did it. Error when the id is unknown or
      `assignee` is empty. */
  core::Status assign(std::int64_t alertId, const std::string& assignee, const std::string& who);
  /** Retained MQTT link status of a sensor ("online"/"offline"). */
  void setLinkStatus(const std::string& sensorId, const std::string& status);

  std::vector<Alert> activeAlerts() const;  // active only, oldest first
  /** Active alerts and cleared unacknowledged ones, in list order (sortForList()). */
  std::vector<Alert> openAlerts() const;
  std::array<int, 4> activeBySeverity() const;    // index: model::AlertSeverity
  std::vector<SensorState> sensorStates() const;  // in config order
  EngineCounters counters() const;
  /** The rules that apply to a sensor (for drawing rule levels on its chart). */
  std::vector<model::AlertRuleDef> rulesFor(const std::string& sensorId) const;
  /** One rule by id (its procedure, escalation); nullopt when the scene has no such rule. */
  std::optional<model::AlertRuleDef> rule(const std::string& ruleId) const;
  /** The configuration the engine was created with. */
  const model::SensorConfig& config() const;

  struct Impl;

 private:
  explicit AlertEngine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> _impl;
};

}  // namespace twin::alerts
