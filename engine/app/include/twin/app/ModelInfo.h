// `twin info --model`: statistics of a 3D model source without loading a scene.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "twin/core/Diagnostics.h"
#include "twin/core/Result.h"

namespace twin::app {

struct ModelInfoOptions {
  std::optional<std::string> crs;         // CRS for a CityJSON file that declares none
  bool json = false;                      // one JSON object instead of text lines
  core::Diagnostics* problems = nullptr;  // when set, every problem found is added here too
                                          // (damaged tiles, files OSG could not read, skipped objects)
};

/** Describes a model source and returns the text to print. Supported:
    - a CityJSON file (.json / .city.json): objects by type, geometries by LoD, surfaces by
      semantics, vertices, extent in WGS84 (through model::readCityJson);
    - an oblique-photography production (its folder or its metadata.xml): SRS, origin in WGS84,
      tiles, .osgb files and bytes per level, nodes, geometries, triangles, textures (every
      .osgb file read with OSG through scene::readOsgbFile(), in a child process first; paged
      children are counted in their own files), extent in WGS84;
    - a 3D Tiles tileset.json: scene::describeTileset(), every content file read.
    Never throws. Errors name the path and what is wrong (not found, unknown format, unreadable
    metadata, SRS PROJ does not understand). Unreadable .osgb files are counted and listed, not
    fatal. Other formats (glTF, 3D Tiles) -> an error saying which formats are supported. */
core::Result<std::string> describeModel(const std::filesystem::path& path, const ModelInfoOptions& options);

}  // namespace twin::app
