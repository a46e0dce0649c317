// Alerts, their lifecycle states and transitions (ThingsBoard's model), and the engine's clock.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "twin/model/Sensor.h"

namespace twin::alerts {

/** Lifecycle: ActiveUnacknowledged -> (ack) ActiveAcknowledged -> (clear) ClearedAcknowledged,
    or ActiveUnacknowledged -> (clear) ClearedUnacknowledged -> (ack) ClearedAcknowledged. */
enum class AlertState { ActiveUnacknowledged, ActiveAcknowledged, ClearedUnacknowledged, ClearedAcknowledged };
/** "active_unack", "active_ack", "cleared_unack", "cleared_ack" */
const char* alertStateName(AlertState state);
bool alertStateFromName(const std::string& name, AlertState& out);
inline bool isActive(AlertState s) { return s == AlertState::ActiveUnacknowledged || s == AlertState::ActiveAcknowledged; }
inline bool isAcknowledged(AlertState s) { return s == AlertState::ActiveAcknowledged || s == AlertState::ClearedAcknowledged; }

struct Alert {
  std::int64_t id = 0;             // unique in its store, increasing
  std::string ruleId, sensorId;
  model::RuleKind kind = model::RuleKind::Above;
  model::AlertSeverity severity = model::AlertSeverity::Warning;
  AlertState state = AlertState::ActiveUnacknowledged;
  std::int64_t raisedMs = 0, ackMs = 0, clearedMs = 0;  // engine clock, UTC epoch ms; 0 = not yet
  double value = 0;                // the reading that raised it (NaN for quality/stale alerts)
  std::string message;             // e.g. "PM2.5 超标 (above 150): 奥体中心 PM2.5 = 182 µg/m³"
  std::string ackBy, ackComment;
};

enum class TransitionKind { Raise, Acknowledge, Clear };
const char* transitionKindName(TransitionKind kind);  // "raise", "ack", "clear"
bool transitionKindFromName(const std::string& name, TransitionKind& out);

/** One change of one alert, as written to the alert log. */
struct Transition {
  std::int64_t alertId = 0;
  TransitionKind kind = TransitionKind::Raise;
  AlertState state = AlertState::ActiveUnacknowledged;  // the state after the change
  std::int64_t atMs = 0;           // engine clock
  double value = 0;                // reading that caused it (NaN when none)
  std::string who, comment;        // "engine" for automatic changes
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
