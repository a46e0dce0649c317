// Private pieces shared by the Tileset*.cpp files.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>

#include <osg/Matrixd>

#include "twin/core/Diagnostics.h"
#include "twin/core/Result.h"
#include "twin/scene/Tileset.h"

namespace twin::scene::detail {

/** Deeper trees are refused, so that the recursive selection cannot exhaust the stack. */
constexpr int kMaxTileDepth = 128;

/** Reads one tileset file. Tile transforms start from `parentTransform`; a root without "refine"
    takes `parentRefine`, or REPLACE with a warning in `diag` when there is none. Errors start
    with "<where>: <label>: ". Tiles get depth relative to this file's root (0). */
core::Result<Tileset> parseTilesetFile(const std::filesystem::path& path, const std::string& where,
                                       const std::string& label, const osg::Matrixd& parentTransform,
                                       std::optional<Refine> parentRefine, core::Diagnostics& diag);

/** Error when tile `tileIndex`'s external tileset is a file of the tile or of one of its ancestors. */
core::Status checkExternalCycle(const Tileset& tileset, int tileIndex, const std::string& where);

/** Appends `sub` (read for tile `tileIndex`) to `into`: its root becomes the tile's child. Depth
    errors are returned and leave `into` unchanged. Places the new tiles when `into` is placed. */
core::Status spliceExternal(Tileset& into, int tileIndex, Tileset&& sub, const std::string& where);

/** Site sphere and box of tiles [first, end) from Tileset::ecefToSite. */
void placeTiles(Tileset& tileset, std::size_t first);

/** The path as canonical as the file system allows (for cycle checks). */
std::filesystem::path canonicalPath(const std::filesystem::path& path);

/** "tile 12 (city/tileset.json)": how diagnostics name a tile. */
std::string tileRecord(const Tileset& tileset, int tileIndex);

}  // namespace twin::scene::detail
