#include "twin/sensors/DuplicateFilter.h"

namespace twin::sensors {

bool DuplicateFilter::firstTime(const Reading& reading) {
  Recent& recent = _bySensor[reading.sensorId];
  if (!recent.stamps.insert(reading.tsMs).second) {
    ++_duplicates;
    return false;
  }
  recent.order.push_back(reading.tsMs);
  if (recent.order.size() > _perSensor) {
    recent.stamps.erase(recent.order.front());
    recent.order.pop_front();
  }
  return true;
}

}  // namespace twin::sensors
