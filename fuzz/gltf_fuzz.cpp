// Fuzz target: glTF JSON and GLB (scene::gltfToNode).
#include <cstddef>
#include <cstdint>

#include "twin/core/Diagnostics.h"
#include "twin/scene/Gltf.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  twin::core::Diagnostics diag;
  twin::scene::GltfStats stats;
  // External buffers and images resolve under a folder that does not exist.
  auto node = twin::scene::gltfToNode(data, size, "fuzz.glb", "/nonexistent-twin-fuzz", diag, &stats);
  (void)node.ok();
  return 0;
}
