#include "twin/core/PrivateTempDir.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace twin::core {

Result<std::unique_ptr<PrivateTempDir>> PrivateTempDir::create(const std::string& prefix) {
  std::error_code ec;
  std::filesystem::path base = std::filesystem::temp_directory_path(ec);
  if (ec) base = "/tmp";
  std::string pattern = (base / (prefix + "XXXXXX")).string();
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  // mkdtemp() creates the folder with mode 0700 and fails rather than reuse an existing name.
  if (!::mkdtemp(buffer.data()))
    return fail("core::PrivateTempDir::create(): " + base.string() +
                ": cannot create a private folder: " + std::strerror(errno));
  return std::unique_ptr<PrivateTempDir>(new PrivateTempDir(std::filesystem::path(buffer.data())));
}

PrivateTempDir::~PrivateTempDir() {
  std::error_code ec;
  std::filesystem::remove_all(_path, ec);
}

Result<std::filesystem::path> PrivateTempDir::writeFile(const std::string& name, const std::string& text) const {
  const std::filesystem::path file = _path / name;
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    return fail("core::PrivateTempDir::writeFile(): " + file.string() + ": cannot create: " + std::strerror(errno));
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string reason = std::strerror(errno);
      ::close(fd);
      return fail("core::PrivateTempDir::writeFile(): " + file.string() + ": write failed: " + reason);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::close(fd) != 0)
    return fail("core::PrivateTempDir::writeFile(): " + file.string() + ": write failed: " + std::strerror(errno));
  return file;
}

}  // namespace twin::core
