// Fuzz target: CSV replay files (sensors::readReplayCsv), mapped as the UCI Beijing files are.
#include <cstddef>
#include <cstdint>

#include "FuzzSupport.h"
#include "twin/core/Diagnostics.h"
#include "twin/sensors/Replay.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto file = twin::fuzz::scratchFile(data, size, "replay.csv");
  twin::sensors::CsvMapping mapping;
  mapping.columns = {{"PM2.5", "pm25"}, {"TEMP", "temp"}};
  mapping.utcOffsetMinutes = 480;
  twin::core::Diagnostics diag;
  twin::sensors::ReplayStats stats;
  (void)twin::sensors::readReplayCsv(file, mapping, diag, &stats).ok();
  mapping.timeColumn = "time";  // the other time form: one ISO-8601 or epoch-ms column
  (void)twin::sensors::readReplayCsv(file, mapping, diag, &stats).ok();
  return 0;
}
