// Where tests find the repository's assets, its test fixtures and the optional shared sample data.
#pragma once

#include <filesystem>
#include <string>

namespace twin::test {

// The paths are compiled into TestPaths.cpp alone, so that the test sources themselves hold no
// absolute path of the checkout (and compile the same in any folder).
std::filesystem::path sourceDir();
std::filesystem::path binaryDir();
inline std::filesystem::path assetsDir() { return sourceDir() / "assets"; }
inline std::filesystem::path scenesDir() { return sourceDir() / "scenes"; }
/** tests/data: small licensed fixtures committed with the tests (credits in tests/data/README.md). */
inline std::filesystem::path testDataDir() { return sourceDir() / "tests" / "data"; }

/** The exit code with which a test that lacks its environment ends; ctest reports it as
    skipped (SKIP_RETURN_CODE, set on every discovered test in tests/CMakeLists.txt). */
constexpr int kSkipExitCode = 77;

/** The shared sample data that may not be copied into the repository: $TWIN_SHARED_DATA when set
    and not empty, else ../shared/data beside the checkout. The folder may not exist. */
std::filesystem::path sharedDataDir();

/** sharedDataDir() / name when that folder exists. Otherwise prints why the test is skipped
    ("SKIPPED: needs shared data 'name' ...") and ends the program with kSkipExitCode, so that ctest
    reports the test as skipped, never passed or failed. Call it first in a TEST_CASE, before any
    check. Running a test program directly, a skip ends the run there. */
std::filesystem::path requireSharedData(const std::string& name);

/** A fresh empty directory under the system temp dir, removed by the destructor. */
class TempDir {
 public:
  explicit TempDir(const std::string& tag);
  ~TempDir();
  const std::filesystem::path& path() const { return _path; }

 private:
  std::filesystem::path _path;
};

}  // namespace twin::test
