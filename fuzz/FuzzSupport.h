// Helpers shared by the fuzz targets: a private scratch file for readers that take a path.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace twin::fuzz {

/** A private directory made once per process (mkdtemp), removed when the process exits. */
struct ScratchDir {
  std::filesystem::path path;
  ScratchDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "twin-fuzz-XXXXXX").string();
    if (!::mkdtemp(pattern.data())) std::abort();
    path = pattern;
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

/** A file in the scratch directory, rewritten with each input. */
inline std::filesystem::path scratchFile(const std::uint8_t* data, std::size_t size, const std::string& name) {
  static const ScratchDir dir;
  const std::filesystem::path file = dir.path / name;
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  if (!out) std::abort();
  return file;
}

}  // namespace twin::fuzz
