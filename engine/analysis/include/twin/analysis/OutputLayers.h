// The analyses' results as vector layers (geometry in WGS84 + typed fields) that
// geo::writeVectorLayer() writes as CSV, GeoJSON or GeoPackage for a planner's GIS.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "twin/analysis/Coverage.h"
#include "twin/analysis/Isochrone.h"
#include "twin/analysis/Tod.h"
#include "twin/core/Result.h"
#include "twin/geo/VectorWriter.h"

namespace twin::analysis {

/** One layer: its name (the GeoPackage table), fields and features. */
struct OutputLayer {
  std::string name;
  std::vector<geo::FieldDef> fields;
  std::vector<geo::VectorFeature> features;
};

/** WKT of polygons in WGS84 (7 decimals): "MULTIPOLYGON (((lon lat, ...)), ...)", rings closed,
    outer CCW and holes CW; "" when `polygons` holds no ring of 3 points or more. */
std::string multiPolygonWkt(const std::vector<core::Polygon>& polygons, const ToLonLat& toLonLat);

/** Layer "isochrone": one MultiPolygon per band, largest first; fields minutes (Real),
    area_m2 (Real). An empty band has no geometry. */
OutputLayer isochroneLayer(const std::vector<IsochroneBand>& bands, const ToLonLat& toLonLat);

/** Layer "coverage": one feature per residential building with its footprint polygon and the
    columns of coverageCsv(), in the same order and typed: osm_id (Integer), id_kind, name,
    floor_area_m2 (Real), residents (Real), on_network (Integer 0/1), entrance, snap_m (Real,
    null off the network), <category>_min (Real, null when not reached), level_5/10/15 (Integer
    0/1), missing, level_5/10/15_blocked_by; then level (Integer: the highest of 5/10/15 met
    with every lower one, 0 = none). */
OutputLayer coverageLayer(const CoverageModel& model, const model::Site& site, const ToLonLat& toLonLat);

/** Layer "tod_catchments": one feature per (station, radius) with the catchment polygon
    (walking distance <= radius; no geometry off the network) and the columns of todCsv(),
    typed: station_osm_id, name, radius_m, on_network, buildings, residential_buildings,
    floor_area_m2, residents, walkable_area_m2, pedshed_ratio, <category>... (Integer counts). */
OutputLayer todCatchmentLayer(const std::vector<TodResult>& results, const model::FacilityConfig& config,
                              const ToLonLat& toLonLat);

/** Layer "tod_stations": one point per station and one per entrance; fields station_osm_id,
    name, kind ("station" or "entrance"), on_network (Integer 0/1). */
OutputLayer todStationLayer(const std::vector<TodResult>& results, const ToLonLat& toLonLat);

/** Writes `layer` with geo::writeVectorLayer() (the extension picks the format). */
core::Status writeLayer(const std::filesystem::path& path, const OutputLayer& layer);

/** The file beside `path` for a second layer: "<stem>_<suffix><ext>" (tod.gpkg ->
    tod_stations.gpkg). */
std::filesystem::path siblingPath(const std::filesystem::path& path, const std::string& suffix);

}  // namespace twin::analysis
