#include "TestPaths.h"

#include <cstdio>
#include <cstdlib>
#include <random>
#include <stdexcept>
#include <string>
#include <system_error>

namespace twin::test {

std::filesystem::path sourceDir() { return TWIN_SOURCE_DIR; }
std::filesystem::path binaryDir() { return TWIN_BINARY_DIR; }

std::filesystem::path sharedDataDir() {
  // An environment variable rather than a CMake option: the same build runs with or without the
  // data, and CI or a user points it elsewhere without reconfiguring (as DuckDB's DATA_DIR).
  const char* fromEnv = std::getenv("TWIN_SHARED_DATA");
  if (fromEnv && *fromEnv) return fromEnv;
  return sourceDir() / ".." / "shared" / "data";
}

std::filesystem::path requireSharedData(const std::string& name) {
  const std::filesystem::path folder = sharedDataDir() / name;
  std::error_code ec;
  if (std::filesystem::is_directory(folder, ec)) return folder;
  // Printed on stdout, which ctest keeps with the test's result (ctest -V, LastTest.log).
  std::printf("SKIPPED: needs shared data '%s', not found at %s (set TWIN_SHARED_DATA to the folder that holds it)\n",
              name.c_str(), folder.string().c_str());
  std::fflush(stdout);
  // _Exit, not exit: Catch2's reporter must not print a summary of a run that was cut short.
  std::_Exit(kSkipExitCode);
}

TempDir::TempDir(const std::string& tag) {
  std::random_device rd;
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto candidate = std::filesystem::temp_directory_path() / ("twin-" + tag + "-" + std::to_string(rd()));
    if (std::filesystem::create_directory(candidate)) {
      _path = candidate;
      return;
    }
  }
  throw std::runtime_error("TempDir: could not create a temporary directory");
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(_path, ec);
}

}  // namespace twin::test
