// Recognises a reading seen before (same sensor, time stamp and value): a QoS 1 message may be
// delivered twice (a lost PUBACK, a resumed persistent session), and each reading must be
// judged once. The value is part of the key because readings without their own time stamp get
// the receiving time, and two different ones can arrive in the same millisecond.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
#include <set>
#include <utility>

#include "twin/sensors/Reading.h"

namespace twin::sensors {

/** Remembers, per sensor, the time stamps and values of its last `perSensor` readings. Memory is bounded by
    sensors x perSensor; a duplicate older than that window is not recognised. Not thread-safe. */
class DuplicateFilter {
 public:
  explicit DuplicateFilter(std::size_t perSensor = 4096) : _perSensor(perSensor == 0 ? 1 : perSensor) {}

  /** true the first time (sensorId, tsMs, value) is offered, false for a repeat within the window. */
  bool firstTime(const Reading& reading);
  std::uint64_t duplicates() const { return _duplicates; }

 private:
  struct Recent {
    std::set<std::pair<std::int64_t, std::uint64_t>> seen;     // (time, the value's bits)
    std::deque<std::pair<std::int64_t, std::uint64_t>> order;  // oldest first, for eviction
  };
  std::size_t _perSensor;
  std::unordered_map<std::string, Recent> _bySensor;
  std::uint64_t _duplicates = 0;
};

}  // namespace twin::sensors
