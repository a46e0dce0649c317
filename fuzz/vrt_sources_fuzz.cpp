// Fuzz target: a GDAL VRT's XML, as the scene-file access check reads it (geo::parseVrtSources).
#include <cstddef>
#include <cstdint>
#include <string>

#include "twin/geo/VrtSources.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  (void)twin::geo::parseVrtSources(text, "/scene", "fuzz.vrt").ok();
  return 0;
}
