// Writing 3D Tiles 1.1 for the web: extruded building volumes grouped in a grid of tiles, each
// tile one GLB (glTF 2.0 binary, written with tinygltf) whose vertices carry their feature's id
// (EXT_mesh_features, attribute _FEATURE_ID_0) and whose features' attributes form a property
// table (EXT_structural_metadata), under a tileset.json with a root transform to ECEF.
//
// Index: FeatureColumn, WebVolume, WebTilesInput, WebTilesOptions, WebTilesResult, writeWebTiles().
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "twin/core/Diagnostics.h"
#include "twin/core/Geometry.h"
#include "twin/core/Result.h"
#include "twin/geo/SiteFrame.h"

namespace twin::scene {

/** One property of every feature (a column of the property table). */
struct FeatureColumn {
  enum class Type { String, Float32 };
  std::string name;  // property id: [A-Za-z_][A-Za-z0-9_]* (EXT_structural_metadata)
  Type type = Type::String;
  std::string description;           // written in the schema; may be empty
  std::vector<std::string> strings;  // Type::String: one value per feature (UTF-8)
  std::vector<double> numbers;       // Type::Float32: one value per feature; NaN = no value (written
                                     // as the property's noData, kFeatureNoData)
};

/** The noData value of Float32 columns: what a NaN (no value) is written as. */
constexpr double kFeatureNoData = -1;

/** One extruded volume (a building, or a part of one) in the site frame. */
struct WebVolume {
  std::uint32_t feature = 0;                          // row of the property table it belongs to
  core::Polygon footprint;                            // local metres
  double bottomMeters = 0, topMeters = 0;             // site-frame z of its floor and roof (z = ellipsoidal height)
  std::array<std::uint8_t, 3> colour{200, 200, 200};  // sRGB (written to COLOR_0 as linear, as glTF wants)
};

struct WebTilesInput {
  geo::SiteFrame frame;                // valid; its origin is where the root transform is anchored
  std::size_t featureCount = 0;        // rows of the property table
  std::vector<FeatureColumn> columns;  // each with featureCount values
  std::vector<WebVolume> volumes;      // any order; several may share a feature
  std::string className = "building";  // the metadata class of the features
  std::string copyright;               // asset.copyright of every GLB and asset.extras.copyright of the
                                       // tileset (data credits, e.g. "© OpenStreetMap contributors")
};

struct WebTilesOptions {
  double tileSizeMeters = 500;          // grid cell edge in the site frame, > 0
  std::string contentFolder = "tiles";  // GLB files go to <dir>/<contentFolder>/<column>_<row>.glb
};

struct WebTilesResult {
  std::size_t tiles = 0;      // tiles with content
  std::size_t features = 0;   // features written (each in exactly one tile)
  std::size_t volumes = 0;    // volumes written
  std::size_t triangles = 0;  // roof and wall triangles
  std::size_t bytes = 0;      // tileset.json and GLB files together
  std::vector<std::filesystem::path> glbFiles;
};

/** Writes <dir>/tileset.json (asset.version "1.1", refine ADD, a root tile without content whose
    transform is the east-north-up frame at the site origin in ECEF, one child per grid cell
    with a box bounding volume) and one GLB per non-empty cell. A feature's volumes all go to
    the cell of its first volume's footprint centroid, so every feature lies in one tile. In a
    GLB: one mesh of one triangle primitive (walls with flat normals, roofs triangulated by
    triangulateFootprint(); no floor), POSITION in glTF's y-up axes, NORMAL, COLOR_0 (the
    volume's colour), _FEATURE_ID_0 (the tile's own feature index 0..n-1, FLOAT), and a property
    table of the input columns for those n features, in the order they first appear.
    Vertices are exact: site frame -> WGS84 -> ECEF -> the root's east-north-up frame.
    `dir` is created if needed; existing files of the same names are replaced.
    Errors ("scene::writeWebTiles(): ...") for an invalid frame, tileSizeMeters <= 0, a column
    with the wrong number of values or a bad name, a volume whose feature is out of range, no
    volume that can be drawn, or a file that cannot be written. A volume whose footprint cannot
    be triangulated, or with top <= bottom or non-finite heights, is skipped and reported in
    `diag` (record "volume <index>"). Never throws. */
core::Result<WebTilesResult> writeWebTiles(const WebTilesInput& input, const WebTilesOptions& options,
                                           const std::filesystem::path& dir, core::Diagnostics& diag);

}  // namespace twin::scene
