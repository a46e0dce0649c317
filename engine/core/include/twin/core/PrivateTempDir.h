// A private temporary folder for files other programs must not see or replace.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "twin/core/Result.h"

namespace twin::core {

/** A fresh folder made with mkdtemp() under the system temp folder (TMPDIR, else /tmp), mode
    0700, removed with its contents by the destructor. Its name is random and it is created
    exclusively, so another user can neither predict a file in it nor put a symlink there.
    Not thread-safe; one owner. */
class PrivateTempDir {
 public:
  /** Error "core::PrivateTempDir::create(): <folder>: <reason>" when the folder cannot be made.
      `prefix` starts the folder's name ("twin-osmconf-" -> /tmp/twin-osmconf-Ab12Cd). */
  static Result<std::unique_ptr<PrivateTempDir>> create(const std::string& prefix);
  ~PrivateTempDir();
  PrivateTempDir(const PrivateTempDir&) = delete;
  PrivateTempDir& operator=(const PrivateTempDir&) = delete;

  const std::filesystem::path& path() const { return _path; }
  /** Creates `name` in the folder exclusively (O_EXCL | O_NOFOLLOW, mode 0600) and writes `text`.
      Error when it exists already (a symlink included) or cannot be written. Returns its path. */
  Result<std::filesystem::path> writeFile(const std::string& name, const std::string& text) const;

 private:
  explicit PrivateTempDir(std::filesystem::path path) : _path(std::move(path)) {}
  std::filesystem::path _path;
};

}  // namespace twin::core
