// One sensor reading and the ingestion counters every source keeps.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace twin::sensors {

/** A value from one sensor at one time. `finite == false` marks a reading whose value was NaN,
    Inf or null: it is never stored as a value nor compared with thresholds, but the alert
    engine sees it as a data-quality event. Time is UTC milliseconds since the Unix epoch. */
struct Reading {
  std::string sensorId;
  std::int64_t tsMs = 0;
  double value = 0;
  bool finite = true;
};

/** Why a message or a record in it was rejected. */
enum class RejectReason {
  InvalidJson,    // not JSON at all
  MissingField,   // no "sensor"/"value" (or SenML name/value)
  WrongType,      // a field of the wrong JSON type, or a top level that is neither object nor array
  TooLarge,       // payload above the size limit; not parsed
  UnknownSensor,  // sensor id not in the scene
  NonFinite,      // value NaN/Inf/null (forwarded as a quality event, see Reading::finite)
  BadTimestamp,   // "ts" neither ISO-8601 nor plausible epoch ms, or later than the clock allows
  QueueFull,      // dropped before decoding because the decode queue was full
  Duplicate,      // the same sensor, time stamp and value again (a redelivered QoS 1 message); not judged twice
};
constexpr int kRejectReasonCount = 9;
const char* rejectReasonName(RejectReason reason);  // "invalid_json", "missing_field", ...

/** Counters of one ingestion path. Not thread-safe; each thread keeps its own and merges. */
struct IngestStats {
  std::uint64_t messages = 0;  // payloads seen (a batch counts once)
  std::uint64_t decoded = 0;   // readings produced, finite or not
  std::array<std::uint64_t, kRejectReasonCount> rejected{};

  void reject(RejectReason reason, std::uint64_t n = 1) { rejected[static_cast<int>(reason)] += n; }
  std::uint64_t rejectedCount(RejectReason reason) const { return rejected[static_cast<int>(reason)]; }
  std::uint64_t rejectedTotal() const;
  void merge(const IngestStats& other);
};

}  // namespace twin::sensors
