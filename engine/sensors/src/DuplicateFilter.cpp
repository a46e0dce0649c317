#include "twin/sensors/DuplicateFilter.h"

#include <cstring>

namespace twin::sensors {

bool DuplicateFilter::firstTime(const Reading& reading) {
  std::uint64_t bits = 0;
  static_assert(sizeof bits == sizeof reading.value, "double is 64 bits");
  std::memcpy(&bits, &reading.value, sizeof bits);
  const std::pair<std::int64_t, std::uint64_t> key{reading.tsMs, bits};
  Recent& recent = _bySensor[reading.sensorId];
  if (!recent.seen.insert(key).second) {
    ++_duplicates;
    return false;
  }
  recent.order.push_back(key);
  if (recent.order.size() > _perSensor) {
    recent.seen.erase(recent.order.front());
    recent.order.pop_front();
  }
  return true;
}

}  // namespace twin::sensors
