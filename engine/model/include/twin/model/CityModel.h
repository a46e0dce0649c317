// CityJSON 1.0 / 1.1 / 2.0 city models as plain data in the site frame, and their statistics
// (what `twin info --model x.city.json` prints).
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "twin/core/Diagnostics.h"
#include "twin/core/Geometry.h"
#include "twin/core/Result.h"
#include "twin/geo/SiteFrame.h"

namespace twin::model {

/** One planar surface: x, y in local metres (site frame), z the file's height in metres
    (its vertical datum, e.g. NAP; not changed). Rings as written: not closed-repeated, the
    orientation the file gives (CityJSON: outer CCW seen from outside the solid). */
struct CitySurface {
  std::vector<core::Vec3> outer;
  std::vector<std::vector<core::Vec3>> holes;
  std::string semantic;  // "RoofSurface", "WallSurface", "GroundSurface", ...; empty when none
  int solid = 0;         // index of the solid in a MultiSolid / CompositeSolid, else 0
  int shell = 0;         // index of the shell in its solid (0 = exterior), else 0
};

/** One geometry of a city object: a type and a level of detail. */
struct CityGeometry {
  std::string type;  // "MultiSurface", "CompositeSurface", "Solid", "MultiSolid", "CompositeSolid"
  std::string lod;   // as text: "1", "2", "2.2" (a number in 1.0 files is written %g)
  std::vector<CitySurface> surfaces;
};

struct CityObject {
  std::string id;                              // the CityObjects key
  std::string type;                            // "Building", "BuildingPart", "Road", ... (extensions: "+NoiseBarrier")
  std::string attributesJson = "{}";           // the "attributes" object as compact JSON text
  std::vector<std::string> parents, children;  // ids of other objects
  std::vector<CityGeometry> geometries;        // may be empty (e.g. a Building made of parts)
};

struct CityModel {
  std::filesystem::path file;
  std::string version;              // "1.0", "1.1" or "2.0"
  std::string referenceSystem;      // metadata.referenceSystem as written; empty when absent
  std::string crs;                  // the horizontal CRS used ("EPSG:28992" for EPSG:7415)
  geo::SiteFrame frame;             // the frame the coordinates are in
  std::vector<CityObject> objects;  // in file order (nlohmann order: sorted by id)
  std::size_t vertexCount = 0;      // entries of the file's "vertices" array
  std::size_t objectsSkipped = 0;   // objects dropped for bad geometry (each reported)
};

struct CityJsonOptions {
  /** CRS of the coordinates when the file declares none (rotterdam-style files); ignored when the
      file has metadata.referenceSystem. Anything geo::Transform accepts ("EPSG:28992", WKT). */
  std::optional<std::string> crs;
};

/** Reads a CityJSON file (1.0, 1.1, 2.0) into `frame`. Vertices: integer or real triples, times
    transform.scale plus transform.translate (identity when "transform" is absent), then the
    horizontal part of the file's CRS (geo::horizontalCrs: EPSG:7415 -> EPSG:28992) through PROJ
    into the frame. Pass an invalid (default) SiteFrame to get a local-tm frame centred on the
    model's extent (CityModel::frame says which). Never throws.
    - Error "model::readCityJson(): <file>: <what>" for: file not found, not a regular file, over
      core::kCityJsonLimit, JSON nested deeper than core::kMaxJsonDepth, not valid JSON (with the
      parser's position), "type" not "CityJSON", a version other than 1.0/1.1/2.0, no
      "CityObjects" object, a malformed "transform", a referenceSystem PROJ does not know, no CRS
      in the file and none in options, and a file whose coordinates PROJ cannot put in the frame.
    - Object-level problems skip the object and are reported (where "model::readCityJson()",
      file name, record "object <id>"): "vertex index 99 out of range (file has 40 vertices)",
      "vertex 12 is not three finite numbers", "geometry 0: boundaries ...: expected an array",
      "geometry 0: no lod", semantics values out of range. Unsupported geometry types
      (MultiPoint, MultiLineString, GeometryInstance) are skipped and reported with the object
      kept. A missing top-level "vertices" array is reported once ("no \"vertices\" array") and
      every object with geometry is then skipped as out of range.
    - Appearance (materials, textures) is ignored. Thread-safe for different calls. */
core::Result<CityModel> readCityJson(const std::filesystem::path& file, const geo::SiteFrame& frame,
                                     const CityJsonOptions& options, core::Diagnostics& diag);

/** Same, from text; `label` names the input in messages. */
core::Result<CityModel> parseCityJson(const std::string& text, const std::string& label, const geo::SiteFrame& frame,
                                      const CityJsonOptions& options, core::Diagnostics& diag);

/** Counts for `twin info --model`. */
struct CityModelStats {
  std::size_t objects = 0, geometries = 0, surfaces = 0, holes = 0, vertices = 0, objectsSkipped = 0;
  std::map<std::string, std::size_t> objectsByType;        // "Building" -> 160
  std::map<std::string, std::size_t> geometriesByLod;      // "1" -> 570
  std::map<std::string, std::size_t> surfacesBySemantics;  // "RoofSurface" -> n; "" = no semantics
  core::Box2 extentLocal;                                  // x, y of every surface point
  core::Box2 extentLonLat;                                 // the same, WGS84 (lon as x), from the corners
  double minZ = 0, maxZ = 0;                               // file heights; 0 when there are no points
};

/** Statistics of a read model. Pure; thread-safe. */
CityModelStats cityModelStats(const CityModel& model);

/** The statistics as text lines ("objects: 570", "  Building: 160", ...) for the CLI. */
std::string formatCityModelStats(const CityModelStats& stats);

}  // namespace twin::model
