// Where tests find the repository's assets and the shared sample data.
#pragma once

#include <filesystem>

namespace twin::test {

// The paths are compiled into TestPaths.cpp alone, so that the test sources themselves hold no
// absolute path of the checkout (and compile the same in any folder).
std::filesystem::path sourceDir();
std::filesystem::path binaryDir();
inline std::filesystem::path assetsDir() { return sourceDir() / "assets"; }
inline std::filesystem::path scenesDir() { return sourceDir() / "scenes"; }
/** ../shared/data beside the checkout (read-only sample data that may not be copied in). */
std::filesystem::path sharedDataDir();

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
