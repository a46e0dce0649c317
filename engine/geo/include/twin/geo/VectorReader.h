// Reading vector features (OSM .osm/.osm.pbf, GeoPackage, Shapefile, GeoJSON, PostGIS, any OGR
// source) into the site frame, with their attributes as tags.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "twin/core/Diagnostics.h"
#include "twin/core/Geometry.h"
#include "twin/core/Progress.h"
#include "twin/core/Result.h"
#include "twin/geo/SiteFrame.h"

namespace twin::geo {

using Tags = std::map<std::string, std::string>;

enum class FeatureKind { Point, Line, Polygon };

/** One feature in local metres. Exactly one of point / line / polygons is filled, by `kind`.
    Polygons are valid: rings closed-implicitly (no repeated last point), outer CCW, holes CW,
    no self-intersections (repaired with GEOS MakeValid, or skipped), area > 0. */
struct Feature {
  std::string layer;                  // OGR layer ("points", "lines", "multipolygons", ...)
  std::int64_t id = 0;                // OSM id, or the OGR FID for other sources
  std::string idKind;                 // "node", "way", "relation" (OSM) or "fid"
  FeatureKind kind = FeatureKind::Point;
  core::Vec2 point;                   // Point
  std::vector<core::Vec2> line;       // Line (one part; a multi-line becomes several features)
  std::vector<core::Polygon> polygons;  // Polygon (one or more parts)
  Tags tags;                          // OSM tags, or the OGR fields as text
  std::string recordLabel() const;    // "way 48213377", "relation 12", "fid 7"
};

struct ReadOptions {
  std::vector<std::string> layers;        // OGR layers to read; empty = all
  std::optional<std::string> sourceCrs;   // overrides the source's own CRS (needed when absent)
  std::optional<core::Box2> clipLonLat;   // drop features whose bounds lie wholly outside (lon as x)
};

struct ReadStats {
  std::size_t featuresRead = 0, featuresKept = 0, featuresSkipped = 0, featuresRepaired = 0;
  double readMs = 0, reprojectMs = 0;     // time in GDAL reading vs. transforming + repairing
};

/** Reads every feature of the chosen layers. Never throws.
    - `source` is a file path or a GDAL connection string ("PG:dbname=city").
    - A source that cannot be opened or read (missing, empty, garbage, truncated beyond
      recovery) -> Error naming the function and the file and GDAL's reason.
    - Each unusable record (bad geometry, missing relation members, NaN coordinates, failed
      transform) is repaired or skipped and reported in `diag` with file, layer and id.
    Progress stages: "read" then "reproject". */
core::Result<std::vector<Feature>> readVector(const std::string& source, const SiteFrame& frame,
                                              const ReadOptions& options, core::Diagnostics& diag,
                                              ReadStats* stats = nullptr,
                                              const core::ProgressFn& progress = {});

/** The WGS84 bounds (lon as x, lat as y) of a source's features of the given layers, for a
    default site origin. Error as readVector(). */
core::Result<core::Box2> vectorExtentLonLat(const std::string& source, const ReadOptions& options);

}  // namespace twin::geo
