// Fuzz target: an OSGB production's metadata.xml (geo::parseObliqueMetadata, then its origin).
#include <cstddef>
#include <cstdint>
#include <string>

#include "twin/geo/ObliqueMetadata.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto meta = twin::geo::parseObliqueMetadata(text, "metadata.xml");
  if (meta) (void)twin::geo::obliqueOriginLonLat(meta.value()).ok();
  return 0;
}
