#include "TestPaths.h"

#include <random>
#include <string>

namespace twin::test {

std::filesystem::path sourceDir() { return TWIN_SOURCE_DIR; }
std::filesystem::path binaryDir() { return TWIN_BINARY_DIR; }
std::filesystem::path sharedDataDir() { return TWIN_SHARED_DATA_DIR; }

TempDir::TempDir(const std::string& tag) {
  std::random_device rd;
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto candidate = std::filesystem::temp_directory_path() / ("twin-" + tag + "-" + std::to_string(rd()));
    if (std::filesystem::create_directory(candidate)) { _path = candidate; return; }
  }
  throw std::runtime_error("TempDir: could not create a temporary directory");
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(_path, ec);
}

}  // namespace twin::test
