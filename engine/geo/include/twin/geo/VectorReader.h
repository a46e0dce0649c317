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
#include "twin/geo/ChineseCoordinates.h"
#include "twin/geo/SiteFrame.h"

namespace twin::geo {

using Tags = std::map<std::string, std::string>;

enum class FeatureKind { Point, Line, Polygon };

/** One feature in local metres. Exactly one of point / line / polygons is filled, by `kind`.
    Polygons are valid: rings closed-implicitly (no repeated last point), outer CCW, holes CW,
    no self-intersections (repaired with GEOS MakeValid, or skipped), area > 0. */
struct Feature {
  std::string layer;    // OGR layer ("points", "lines", "multipolygons", ...)
  std::int64_t id = 0;  // OSM id, or the OGR FID for other sources
  std::string idKind;   // "node", "way", "relation" (OSM) or "fid"
  FeatureKind kind = FeatureKind::Point;
  core::Vec2 point;                     // Point
  std::vector<core::Vec2> line;         // Line (one part; a multi-line becomes several features)
  std::vector<core::Polygon> polygons;  // Polygon (one or more parts)
  Tags tags;                            // OSM tags, or the OGR fields as text
  std::string recordLabel() const;      // "way 48213377", "relation 12", "fid 7"
};

/** sourceCrs, when given, is taken with easting/longitude as the data's first axis.
    datum: the lon/lat datum the source's coordinates are really written in. GCJ-02 and BD-09
    coordinates are converted to WGS84 (geo::convertLonLat, exact inverses) before projecting;
    only for geographic sources: a projected layer with a datum other than Wgs84 is an error
    "geo::readVector(): <file> layer '<name>': datum 'gcj02' applies only to lon/lat sources, but
    the layer's CRS is projected". clipLonLat is compared with the converted coordinates. */
struct ReadOptions {
  std::vector<std::string> layers;       // OGR layers to read; empty = all; an unknown name is an error
  std::optional<std::string> sourceCrs;  // overrides the source's own CRS (needed when absent)
  std::optional<core::Box2> clipLonLat;  // drop features whose bounds lie wholly outside (lon as x)
  /** Read only the features whose bounds meet this WGS84 box (lon as x): given to the driver as
      OGR's spatial filter in each layer's CRS (the box's outline transformed, 8 points a side),
      so that a database (PostGIS: `geom && envelope`, from its spatial index) sends only those
      rows instead of the whole table. Applied before reading, unlike clipLonLat; a feature
      crossing the box's edge is read whole. Not for OSM files ("geo::readVector(): <file>: an
      extent filter does not apply to OSM files; use clipLonLat"). */
  std::optional<core::Box2> filterLonLat;
  LonLatDatum datum = LonLatDatum::Wgs84;  // datum of geographic source coordinates
};

/** Counts are of source records (one OGR feature may give several Features).
    featuresRepaired counts kept records that needed a repair or lost a part;
    featuresClipped counts records dropped by clipLonLat (not reported as diagnostics). */
struct ReadStats {
  std::size_t featuresRead = 0, featuresKept = 0, featuresSkipped = 0, featuresRepaired = 0;
  std::size_t featuresClipped = 0;
  double readMs = 0, reprojectMs = 0;  // time in GDAL reading vs. transforming + repairing
};

/** Reads every feature of the chosen layers. Never throws.
    - `source` is a file path or a GDAL connection string ("PG:dbname=city"; a password= token
      is masked in messages).
    - A source that cannot be opened or read (missing, empty, garbage, a directory with no
      layers, truncated so that GDAL reports a read failure) -> Error
      "geo::readVector(): <file>: <what>", with GDAL's reason where it gave one. A layer
      without a CRS and no options.sourceCrs is an error too.
    - Each unusable record is repaired or skipped and reported in `diag` (where
      "geo::readVector()", file name, OGR layer, "way 12"/"fid 3"); messages:
      "polygon ring not closed" (closed), "polygon has fewer than 3 distinct points",
      "polygon has zero area", "self-intersecting polygon" (repaired through GEOS MakeValid, or
      skipped), "coordinate is NaN or infinite", "line has fewer than 2 distinct points",
      "feature has no geometry", "coordinates outside the domain of the frame CRS",
      "multipolygon relation has missing member ways" (OSM relations that GDAL's OSM driver
      drops; layer "multipolygons", record "relation <id>"). GDAL warnings become
      diagnostics "GDAL: <text>".
    - Tags: OGR fields as text; for OSM the driver's other_tags hstore is expanded, and
      osm_id/osm_way_id/z_order are not tags. OSM ids: points -> node, lines -> way,
      multipolygons -> way (osm_way_id) or relation, other layers -> relation.
    - The OSM driver is read with interleaved reading; memory is linear in the features kept.
    Thread-safe for different calls (GDAL messages are captured per thread).
    Progress stages: "read" then "reproject". */
core::Result<std::vector<Feature>> readVector(const std::string& source, const SiteFrame& frame,
                                              const ReadOptions& options, core::Diagnostics& diag,
                                              ReadStats* stats = nullptr, const core::ProgressFn& progress = {});

/** True when `source` names a GDAL connection string ("PG:dbname=city", "MySQL:...",
    "WFS:http://...") rather than a file: two or more letters, digits or '_' before the first ':'.
    The readers skip the file checks for such sources, and scene-file paths are not resolved
    against the scene's folder. */
bool isConnectionString(const std::string& source);

/** The WGS84 bounds (lon as x, lat as y) of a source's features of the given layers, for a
    default site origin. Error as readVector(). */
core::Result<core::Box2> vectorExtentLonLat(const std::string& source, const ReadOptions& options);

/** One OSM node: its id and WGS84 position as the file gives it. */
struct OsmNode {
  std::int64_t id = 0;
  core::LonLat position;
};

/** Every node of an OSM file (.osm XML or .osm.pbf), tagged or not, read through GDAL's OSM
    driver with its `report_all_nodes` option (the points layer then lists all nodes). For
    matching way vertices to node ids (`twin isochrone --nodes`). Errors name the file: not
    found, empty, not an OSM file ("geo::readOsmNodes(): x.gpkg: not an OSM file"), GDAL's
    configuration osmconf.ini not found. Not thread-safe with other GDAL OSM reads on the same
    thread (it sets a thread-local GDAL option while it runs). */
core::Result<std::vector<OsmNode>> readOsmNodes(const std::string& source);

}  // namespace twin::geo
