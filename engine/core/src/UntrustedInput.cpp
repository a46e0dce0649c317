#include "twin/core/UntrustedInput.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace twin::core {

std::size_t jsonNestingDepth(std::string_view text, std::size_t stopAbove) {
  std::size_t depth = 0, deepest = 0;
  bool inString = false, escaped = false;
  for (const char ch : text) {
    if (inString) {
      if (escaped)
        escaped = false;
      else if (ch == '\\')
        escaped = true;
      else if (ch == '"')
        inString = false;
      continue;
    }
    if (ch == '"') {
      inString = true;
    } else if (ch == '[' || ch == '{') {
      if (++depth > deepest) {
        deepest = depth;
        if (deepest > stopAbove) return stopAbove + 1;
      }
    } else if ((ch == ']' || ch == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

std::string jsonDepthProblem(std::string_view text, std::size_t limit) {
  if (jsonNestingDepth(text, limit) <= limit) return {};
  return "JSON nested deeper than " + std::to_string(limit) + " levels (the limit for files read from outside)";
}

namespace {

std::string typeProblem(mode_t mode) {
  if (S_ISREG(mode)) return {};
  if (S_ISDIR(mode)) return "is a directory";
  if (S_ISFIFO(mode)) return "not a regular file (a FIFO)";
  if (S_ISSOCK(mode)) return "not a regular file (a socket)";
  if (S_ISCHR(mode)) return "not a regular file (a character device)";
  if (S_ISBLK(mode)) return "not a regular file (a block device)";
  return "not a regular file";
}

std::string sizeProblem(std::uint64_t size, const FileSizeLimit& limit) {
  if (size <= limit.maxBytes) return {};
  return "is " + std::to_string(size) + " bytes, over the limit of " + std::to_string(limit.maxBytes) + " bytes (" +
         std::to_string(limit.maxBytes / kMiB) + " MiB) for " + limit.what;
}

}  // namespace

std::string fileReadProblem(const std::filesystem::path& file, const FileSizeLimit& limit) {
  struct stat info {};
  if (::stat(file.c_str(), &info) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return "file not found";
    return std::string("cannot be examined: ") + std::strerror(errno);
  }
  if (std::string why = typeProblem(info.st_mode); !why.empty()) return why;
  return sizeProblem(static_cast<std::uint64_t>(info.st_size), limit);
}

Result<std::string> readWholeFile(const std::filesystem::path& file, const FileSizeLimit& limit,
                                  const std::string& where, const std::string& label) {
  const std::string prefix = where + ": " + label + ": ";
  // Checking the path first gives "file not found" / "is a directory" before open() can fail
  // with a vaguer reason; the checks that matter are repeated on the descriptor below.
  if (std::string why = fileReadProblem(file, limit); !why.empty()) return fail(prefix + why);
  const int fd = ::open(file.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return fail(prefix + "cannot open for reading: " + std::strerror(errno));
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat info {};
  if (::fstat(fd, &info) != 0) return fail(prefix + "cannot be examined: " + std::strerror(errno));
  if (std::string why = typeProblem(info.st_mode); !why.empty()) return fail(prefix + why);
  if (std::string why = sizeProblem(static_cast<std::uint64_t>(info.st_size), limit); !why.empty())
    return fail(prefix + why);
  std::string bytes;
  try {
    bytes.resize(static_cast<std::size_t>(info.st_size));
  } catch (const std::exception& e) {
    return fail(prefix + "cannot hold " + std::to_string(info.st_size) + " bytes in memory: " + e.what());
  }
  std::size_t have = 0;
  char extra = 0;
  while (true) {
    char* target = have < bytes.size() ? &bytes[have] : &extra;
    const std::size_t want = have < bytes.size() ? bytes.size() - have : 1;
    const ssize_t n = ::read(fd, target, want);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(prefix + "cannot read: " + std::strerror(errno));
    }
    if (n == 0) break;
    if (have >= bytes.size()) return fail(prefix + "grew while being read");  // past the size fstat gave
    have += static_cast<std::size_t>(n);
  }
  bytes.resize(have);  // a file that shrank meanwhile: what was there
  return bytes;
}

}  // namespace twin::core
