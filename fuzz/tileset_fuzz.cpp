// Fuzz target: tileset.json (scene::readTileset, then the external tilesets it names, which
// resolve beside the scratch file and are absent).
#include <cstddef>
#include <cstdint>

#include "FuzzSupport.h"
#include "twin/core/Diagnostics.h"
#include "twin/scene/Tileset.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto file = twin::fuzz::scratchFile(data, size, "tileset.json");
  twin::core::Diagnostics diag;
  auto tileset = twin::scene::readTileset(file, diag);
  if (tileset) twin::scene::expandAllExternalTilesets(tileset.value(), diag);
  return 0;
}
