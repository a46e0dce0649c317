// Fuzz target: JSONL replay files (sensors::readReplayJsonl).
#include <cstddef>
#include <cstdint>

#include "FuzzSupport.h"
#include "twin/core/Diagnostics.h"
#include "twin/sensors/Replay.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto file = twin::fuzz::scratchFile(data, size, "replay.jsonl");
  twin::core::Diagnostics diag;
  twin::sensors::IngestStats ingest;
  (void)twin::sensors::readReplayJsonl(file, {}, ingest, diag).ok();
  return 0;
}
