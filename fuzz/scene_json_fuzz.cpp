// Fuzz target: scene files (model::parseSceneConfig, the core of loadSceneConfig).
#include <cstddef>
#include <cstdint>
#include <string>

#include "twin/model/SceneConfig.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  // A folder that does not exist: relative layer paths resolve to nothing that could be read.
  auto scene = twin::model::parseSceneConfig(text, "/nonexistent-twin-fuzz/scene.json");
  (void)scene.ok();
  return 0;
}
