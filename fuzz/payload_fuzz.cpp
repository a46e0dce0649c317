// Fuzz target: MQTT payloads, the simple JSON form, batches and SenML (sensors::decodePayload).
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "twin/sensors/Payload.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view payload(reinterpret_cast<const char*>(data), size);
  std::vector<twin::sensors::Reading> readings;
  twin::sensors::IngestStats stats;
  twin::sensors::decodePayload(payload, 1700000000000, {}, readings, stats);
  return 0;
}
