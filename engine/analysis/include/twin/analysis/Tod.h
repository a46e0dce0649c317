// TOD (transit-oriented development) catchments: for each rail/metro station, the area and
// the buildings, floor area, residents and facilities within 500 m and 800 m of walking from
// the station and its entrances, and the pedshed ratio (walkable catchment area / circle area).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "twin/analysis/Coverage.h"
#include "twin/analysis/WalkGraph.h"
#include "twin/core/Diagnostics.h"
#include "twin/model/Facility.h"
#include "twin/model/Site.h"

namespace twin::analysis {

struct TodStation {
  std::int64_t osmId = 0;
  std::string idKind, name;
  core::Vec2 position;
  std::vector<core::Vec2> entrances;  // railway=subway_entrance / train_station_entrance
};

/** Stations: POIs with railway=station|halt, or public_transport=station with train/subway/
    light_rail=yes. Entrances (railway=subway_entrance|train_station_entrance) join the
    nearest station within `entranceRadiusMeters`. */
std::vector<TodStation> findStations(const model::Site& site, double entranceRadiusMeters = 400.0);

struct TodCatchment {
  double radiusMeters = 0;
  std::size_t buildings = 0, residentialBuildings = 0;
  double floorAreaM2 = 0, residents = 0;
  std::vector<std::size_t> facilities;  // per category of the FacilityConfig; distinct (a station
                                        // and its entrances count once: model::Facility::group)
  double walkableAreaM2 = 0;            // isochrone polygon of network distance <= radius
  std::vector<core::Polygon> polygons;  // that polygon (local metres; empty off the network)
  double pedshedRatio = 0;              // walkableAreaM2 / (pi r^2)
};

struct TodResult {
  TodStation station;
  bool onNetwork = false;                // false: no origin of the station snapped
  std::vector<TodCatchment> catchments;  // one per radius
};

/** Catchments for every station (buildings of every use count; residents from residential
    floor area). Distances are metres along the network plus the straight walk to it; the
    station and each entrance are origins at distance 0. Stations off the network are kept
    with empty figures and reported in `diag`. Radii ascending. */
std::vector<TodResult> todCatchments(const WalkGraph& graph, const model::Site& site,
                                     const model::FacilityConfig& config, const std::vector<TodStation>& stations,
                                     const std::vector<double>& radiiMeters, core::Diagnostics& diag);

/** CSV: station_osm_id,name,radius_m,on_network,buildings,residential_buildings,floor_area_m2,
    residents,walkable_area_m2,pedshed_ratio,<category>... (facility counts). */
std::string todCsv(const std::vector<TodResult>& results, const model::FacilityConfig& config);

}  // namespace twin::analysis
