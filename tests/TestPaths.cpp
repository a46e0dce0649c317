#include "TestPaths.h"

#include <random>
#include <string>

namespace twin::test {

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
