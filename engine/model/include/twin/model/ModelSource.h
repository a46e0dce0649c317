// The scene file's "models" section: 3D models placed in the twin (oblique-photography OSGB
// productions, glTF/GLB, 3D Tiles tilesets, CityJSON files).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "twin/core/Geometry.h"
#include "twin/core/Result.h"
#include "twin/model/SceneConfig.h"

namespace twin::model {

enum class ModelFormat { Osgb, Gltf, Tiles3d, CityJson };
const char* modelFormatName(ModelFormat format);  // "osgb", "gltf", "3dtiles", "cityjson"

/** Where a glTF model stands: its origin (glTF y-up is turned z-up) at lon/lat, raised by
    heightMeters, turned by heading (degrees clockwise from north, i.e. the model's +x axis
    after the y-up -> z-up turn points east at heading 0), scaled uniformly. */
struct ModelPlacement {
  core::LonLat position;
  double heightMeters = 0;
  double headingDegrees = 0;
  double scale = 1;
};

/** One entry of "models". */
struct ModelSource {
  std::string id;  // unique among models; names the model in the UI and errors
  ModelFormat format = ModelFormat::Gltf;
  std::filesystem::path source;             // absolute (resolved against the scene file's folder)
  std::optional<ModelPlacement> placement;  // glTF: required in a scene; ignored by other formats
  std::optional<std::string> crs;           // CityJSON without a referenceSystem; OSGB: overrides metadata.xml's SRS
  double maximumScreenSpaceError = 16;      // 3D Tiles refinement threshold in pixels, (0, 1000]
  double heightOffsetMeters = 0;            // added to every model z (e.g. geoid vs. ellipsoid), [-10000, 10000]
  std::string attribution;                  // shown in the UI
  bool visible = true;
};

/** The format a path names: a folder or metadata.xml -> Osgb; .gltf/.glb -> Gltf;
    tileset.json or any .json with a top-level "asset" and "root" -> Tiles3d; .json/.city.json
    with "type": "CityJSON" -> CityJson (JSON files are sniffed from their first 64 KiB).
    Error "model::detectModelFormat(): <path>: ..." for a missing path or anything else. */
core::Result<ModelFormat> detectModelFormat(const std::filesystem::path& path);

/** Parses the "models" array of the scene (SceneConfig::sections["models"]); empty when the
    scene has none. Keys: "id" (required), "source" (required), "format" ("osgb", "gltf",
    "3dtiles", "cityjson"; default detectModelFormat()), "lon", "lat", "height", "heading",
    "scale" (glTF placement; lon/lat required for glTF), "crs", "maximumScreenSpaceError",
    "heightOffset", "attribution", "visible"; "_" keys are comments. Errors name the scene file
    and the key ("model::parseModelSources(): x.json: key 'models[1].lon': expected a number"),
    including unknown keys, duplicate ids, a missing source file, and out-of-range numbers. */
core::Result<std::vector<ModelSource>> parseModelSources(const SceneConfig& config);

}  // namespace twin::model
