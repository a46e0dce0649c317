// Alerts, their lifecycle states and transitions (ThingsBoard's model), and the engine's clock.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "twin/model/Sensor.h"

namespace twin::alerts {

/** Lifecycle: ActiveUnacknowledged -> (ack) ActiveAcknowledged -> (clear) ClearedAcknowledged,
    or ActiveUnacknowledged -> (clear) ClearedUnacknowledged -> (ack) ClearedAcknowledged. */
enum class AlertState { ActiveUnacknowledged, ActiveAcknowledged, ClearedUnacknowledged, ClearedAcknowledged };
/** "active_unack", "active_ack", "cleared_unack", "cleared_ack" */
const char* alertStateName(AlertState state);
bool alertStateFromName(const std::string& name, AlertState& out);
inline bool isActive(AlertState s) {
  return s == AlertState::ActiveUnacknowledged || s == AlertState::ActiveAcknowledged;
}
inline bool isAcknowledged(AlertState s) {
  return s == AlertState::ActiveAcknowledged || s == AlertState::ClearedAcknowledged;
}

/** Severity order: critical is the worst. True when `a` is worse than `b`. The enum's order is
    critical (0) .. warning (3); compare through this, never through the names. */
inline bool moreSevere(model::AlertSeverity a, model::AlertSeverity b) {
  return static_cast<int>(a) < static_cast<int>(b);
}
/** One step worse (warning -> minor -> major -> critical); critical stays critical. */
model::AlertSeverity escalated(model::AlertSeverity s);

/** An alert's message as an i18n key and its parameters, so that each reader shows it in its
    own language (ui::alertText()), whatever language the engine logged it in. Keys and args:
      "stale"         {seconds}                    silent for 60 s
      "invalid"       {value}                      invalid reading NaN
      "invalid_range" {value, validMin, validMax}  invalid reading 999 (valid 0 .. 100)
      "rate"          {level, unit, value}         changing faster than 5 cm/min, now 12
      "level"         {value, unit}                = 182 µg/m³
    Numbers are formatted as the engine formats them (up to 4 significant digits). The rule's
    and the sensor's names in both languages are kept as they were when the alert was raised.
    An empty key: an alert logged before keys existed (Alert::message is all there is). */
struct AlertMessageParts {
  std::string key;
  std::vector<std::string> args;
  std::string rule, ruleEn;      // the rule's name (Chinese or as written) and English name; may be empty
  std::string sensor, sensorEn;  // the sensor's name and English name; may be empty
};

/** One alert. Times are UTC epoch ms; 0 = not yet.
    - raisedMs / clearedMs are data times: the timestamp of the reading that raised or cleared
      it (a replayed 2013 reading raises a 2013 alert). An alert raised or cleared without a
      reading (stale, escalation, by hand) takes the engine clock.
    - receivedMs is the engine clock when the raising reading arrived; acknowledgement,
      assignment and escalation run on the engine clock and count from receivedMs. */
struct Alert {
  std::int64_t id = 0;  // unique in its store, increasing
  std::string ruleId, sensorId;
  model::RuleKind kind = model::RuleKind::Above;
  model::AlertSeverity severity = model::AlertSeverity::Warning;        // current, after escalations
  model::AlertSeverity raisedSeverity = model::AlertSeverity::Warning;  // the rule's, when raised
  int escalations = 0;                                                  // how many times it rose one severity
  AlertState state = AlertState::ActiveUnacknowledged;
  std::int64_t raisedMs = 0, receivedMs = 0, ackMs = 0, clearedMs = 0;
  double value = 0;                // the reading that raised it (NaN for quality/stale alerts)
  std::string message;             // e.g. "PM2.5 超标 (above 150): 奥体中心 PM2.5 = 182 µg/m³"
  AlertMessageParts messageParts;  // the same message, to be shown in the reader's language
  std::string building;            // the sensor's building reference; empty when placed by position
  std::optional<int> floor;        // the sensor's floor, when it has a building
  bool replay = false;             // raised by data replayed from a file
  std::string ackBy, ackComment;
  std::string assignee;  // empty = unassigned
  std::int64_t assignedMs = 0;
};

enum class TransitionKind { Raise, Acknowledge, Clear, Assign, Escalate };
const char* transitionKindName(TransitionKind kind);  // "raise", "ack", "clear", "assign", "escalate"
bool transitionKindFromName(const std::string& name, TransitionKind& out);

/** One change of one alert, as written to the alert log. */
struct Transition {
  std::int64_t alertId = 0;
  TransitionKind kind = TransitionKind::Raise;
  AlertState state = AlertState::ActiveUnacknowledged;  // the state after the change
  std::int64_t atMs = 0;     // raise/clear by a reading: its data time; otherwise engine clock
  double value = 0;          // reading that caused it (NaN when none)
  std::string who, comment;  // "engine" for automatic changes; assign: comment = assignee
  model::AlertSeverity severity = model::AlertSeverity::Warning;  // the alert's severity after the change
};

/** The engine's time source (UTC epoch ms), injectable so tests control pending and stale. */
class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::int64_t nowMs() const = 0;
};

/** The system clock. */
class SystemClock final : public Clock {
 public:
  std::int64_t nowMs() const override;
};

/** A clock that moves only when told. Thread-safe. */
class ManualClock final : public Clock {
 public:
  explicit ManualClock(std::int64_t startMs = 1700000000000LL) : _ms(startMs) {}
  std::int64_t nowMs() const override { return _ms.load(); }
  void set(std::int64_t ms) { _ms.store(ms); }
  void advanceSeconds(double seconds) { _ms.fetch_add(static_cast<std::int64_t>(seconds * 1000.0)); }

 private:
  std::atomic<std::int64_t> _ms;
};

}  // namespace twin::alerts
