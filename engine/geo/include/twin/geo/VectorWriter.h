// Writing one vector layer (GeoJSON, GeoPackage or CSV) that a planner opens directly in QGIS or
// a spreadsheet: WGS84 geometry and typed attribute fields.
#pragma once

#include <filesystem>
#include <string>
#include <variant>
#include <vector>

#include "twin/core/Result.h"

namespace twin::geo {

enum class FieldType { Integer, Real, String };

/** One attribute column. Integer fields are 32-bit, or 64-bit when a value needs it. */
struct FieldDef {
  std::string name;
  FieldType type = FieldType::String;
};

/** One attribute value; std::monostate is null. A long long value is accepted for a Real field
    (converted); a non-finite double is written as null. Any other mismatch with the field's type
    is an error of writeVectorLayer(). */
using FieldValue = std::variant<std::monostate, long long, double, std::string>;

/** One feature: geometry as WKT in WGS84 longitude/latitude degrees (longitude first), "" for
    none, and one value per field, in the order of the fields. */
struct VectorFeature {
  std::string wkt;
  std::vector<FieldValue> values;
};

/** Writes one layer to `path`; the format follows the extension (case-insensitive):
    - .geojson: RFC 7946 GeoJSON (WGS84, 7 decimals). GeoJSON has no schema: a reader types an
      all-null property from its values (GDAL as String), so prefer .gpkg where types matter.
    - .gpkg: a GeoPackage with the layer `layerName` in EPSG:4326.
    - .csv: comma-separated with the geometry as a first column "WKT" (absent when no feature has
      geometry), and a .csvt sidecar beside it that gives each column's type to GDAL/QGIS.
    Fields keep their declared type even when every value is null (GeoPackage and CSV).
    The layer's geometry type is the features' common type; Polygon and MultiPolygon (likewise
    lines, points) together become Multi*; other mixes are a generic geometry layer.
    The file is written beside the target under a temporary name and then renamed over it, so an
    existing file is replaced only by a complete one. Never throws. Errors
    ("geo::writeVectorLayer(): <file>: <what>"): unknown extension, folder missing or not
    writable, empty or duplicate field name, a feature with a wrong number of values, a value of
    the wrong type, unreadable WKT (each naming the feature index and field), GDAL's reason for a
    failed create/write. Thread-safe for different paths (GDAL messages are captured per thread). */
core::Status writeVectorLayer(const std::filesystem::path& path, const std::string& layerName,
                              const std::vector<FieldDef>& fields, const std::vector<VectorFeature>& features);

/** True for the extensions writeVectorLayer() knows (.geojson, .gpkg, .csv; case-insensitive). */
bool isVectorOutputPath(const std::filesystem::path& path);

}  // namespace twin::geo
