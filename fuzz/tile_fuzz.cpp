// Fuzz target: 3D Tiles content, b3dm / pnts / cmpt (scene::parseTileContent).
#include <cstddef>
#include <cstdint>

#include "twin/core/Diagnostics.h"
#include "twin/scene/Tileset.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  twin::core::Diagnostics diag;
  auto node = twin::scene::parseTileContent(data, size, "fuzz.b3dm", "/nonexistent-twin-fuzz", diag);
  (void)node.ok();
  return 0;
}
