// Checks made before trusting bytes from outside: how deep JSON nests (before anything recurses
// over it) and what a path is and how big (before a whole file is read into memory).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "twin/core/Result.h"

namespace twin::core {

/** Deepest array/object nesting accepted in JSON read from outside. nlohmann's dump(), tinygltf's
    value parser and our own tree walks (tileset children, CityJSON attributes) recurse once per
    level; 100,000 levels (a 200 KB file) overflow the stack. Real scene files, CityJSON, glTF and
    tilesets nest fewer than 30 levels. */
constexpr std::size_t kMaxJsonDepth = 256;

/** Deepest `[` / `{` nesting in JSON text, counted in one pass without recursion or allocation.
    Brackets inside strings (backslash escapes honoured) do not count; the text is not otherwise
    validated, so any bytes are safe input. Stops at the first level above `stopAbove` and
    returns stopAbove + 1 then. */
std::size_t jsonNestingDepth(std::string_view text, std::size_t stopAbove = kMaxJsonDepth);

/** Empty when `text` nests at most `limit` levels, else the problem for an error message:
    "JSON nested deeper than 256 levels (the limit for files read from outside)". */
std::string jsonDepthProblem(std::string_view text, std::size_t limit = kMaxJsonDepth);

/** The largest file of one kind that is read whole into memory. `what` names the kind in the
    error ("scene files"). */
struct FileSizeLimit {
  std::uint64_t maxBytes;
  const char* what;
};

constexpr std::uint64_t kMiB = 1024 * 1024;
constexpr FileSizeLimit kSceneFileLimit{64 * kMiB, "scene files"};  // scene .json, scenarios, sensor lists
constexpr FileSizeLimit kCityJsonLimit{1024 * kMiB, "CityJSON files"};
constexpr FileSizeLimit kModelFileLimit{1024 * kMiB, "model files"};     // .gltf / .glb and their buffers, images
constexpr FileSizeLimit kTileFileLimit{256 * kMiB, "3D Tiles content"};  // .b3dm / .pnts / .cmpt
constexpr FileSizeLimit kTilesetJsonLimit{256 * kMiB, "tileset.json files"};
constexpr FileSizeLimit kOsgbTileLimit{512 * kMiB, "OSGB tiles"};
constexpr FileSizeLimit kMetadataXmlLimit{1 * kMiB, "metadata.xml files"};

/** What stops `file` from being read whole, or empty when nothing does: it must exist, be a
    regular file (a FIFO, socket or device could block for ever or never end; symbolic links are
    followed) and hold at most limit.maxBytes. Problems read "file not found", "is a directory",
    "not a regular file (a FIFO)", "is 300000000 bytes, over the limit of 67108864 bytes (64 MiB)
    for scene files". Never throws, never blocks. */
std::string fileReadProblem(const std::filesystem::path& file, const FileSizeLimit& limit);

/** Reads a whole file after fileReadProblem()'s checks, made on the opened descriptor (opened
    non-blocking, so a FIFO swapped in after a check cannot block) and reading at most
    limit.maxBytes + 1 bytes (a file that grows meanwhile is still refused). Errors read
    "<where>: <label>: <problem>", or "...: cannot open for reading: <reason>". Never throws. */
Result<std::string> readWholeFile(const std::filesystem::path& file, const FileSizeLimit& limit,
                                  const std::string& where, const std::string& label);

}  // namespace twin::core
