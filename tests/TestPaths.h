// Where tests find the repository's assets and the shared sample data.
#pragma once

#include <filesystem>

namespace twin::test {

inline std::filesystem::path sourceDir() { return TWIN_SOURCE_DIR; }
inline std::filesystem::path assetsDir() { return sourceDir() / "assets"; }
inline std::filesystem::path scenesDir() { return sourceDir() / "scenes"; }
/** ../shared/data beside the checkout (read-only sample data that may not be copied in). */
inline std::filesystem::path sharedDataDir() { return TWIN_SHARED_DATA_DIR; }

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
