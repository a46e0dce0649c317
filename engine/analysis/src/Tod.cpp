#include "twin/analysis/Tod.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "twin/analysis/Isochrone.h"

#include "twin/core/TextFormat.h"

namespace twin::analysis {

namespace {

std::string tag(const model::Poi& p, const char* key) {
  const auto it = p.tags.find(key);
  if (it != p.tags.end()) return it->second;
  return p.category == key ? p.kind : std::string();
}

using core::csvField;
std::string fmt(double v, int decimals) { return core::fixed(v, decimals); }

}  // namespace

std::vector<TodStation> findStations(const model::Site& site, double entranceRadiusMeters) {
  std::vector<TodStation> stations;
  std::vector<core::Vec2> entrances;
  for (const model::Poi& p : site.pois) {
    if (!core::isFinite(p.position)) continue;
    const std::string railway = tag(p, "railway"), pt = tag(p, "public_transport");
    const bool railStation =
        railway == "station" || railway == "halt" ||
        (pt == "station" && (tag(p, "train") == "yes" || tag(p, "subway") == "yes" || tag(p, "light_rail") == "yes"));
    if (railStation) {
      // The same station is often mapped twice (railway=station + public_transport=station):
      // keep one per name within 100 m.
      bool duplicate = false;
      for (const TodStation& s : stations)
        if (s.name == p.name && std::hypot(s.position.x - p.position.x, s.position.y - p.position.y) < 100)
          duplicate = true;
      if (!duplicate) stations.push_back({p.osmId, p.idKind, p.name, p.position, {}});
    } else if (railway == "subway_entrance" || railway == "train_station_entrance") {
      entrances.push_back(p.position);
    }
  }
  for (const core::Vec2& e : entrances) {
    TodStation* nearest = nullptr;
    double best = entranceRadiusMeters;
    for (TodStation& s : stations) {
      const double d = std::hypot(s.position.x - e.x, s.position.y - e.y);
      if (d <= best) {
        best = d;
        nearest = &s;
      }
    }
    if (nearest) nearest->entrances.push_back(e);
  }
  return stations;
}

std::vector<TodResult> todCatchments(const WalkGraph& graph, const model::Site& site,
                                     const model::FacilityConfig& config, const std::vector<TodStation>& stations,
                                     const std::vector<double>& radiiMeters, core::Diagnostics& diag) {
  std::vector<TodResult> results;
  if (radiiMeters.empty()) return results;
  const double maxSnap = config.walking.maxSnapMeters;
  // Anchors and facility snaps are shared by all stations.
  const std::vector<core::Vec2> entrances = entrancePositions(site);
  std::vector<BuildingAnchor> anchors(site.buildings.size());
  for (std::size_t i = 0; i < site.buildings.size(); ++i)
    anchors[i] = anchorBuilding(graph, site.buildings[i], entrances, maxSnap);
  const std::vector<model::Facility> facilities = model::facilitiesFromPois(site.pois, config);
  std::vector<std::pair<bool, SnapPoint>> facilitySnaps(facilities.size());
  for (std::size_t i = 0; i < facilities.size(); ++i)
    facilitySnaps[i].first = graph.snap(facilities[i].position, maxSnap, facilitySnaps[i].second);

  WalkSearch search(graph);
  IsochroneOptions iso;
  iso.walkOffMeters = config.walking.walkOffMeters;
  for (const TodStation& station : stations) {
    TodResult r;
    r.station = station;
    std::vector<WalkOrigin> origins;
    std::vector<core::Vec2> points = station.entrances;
    points.push_back(station.position);
    for (const core::Vec2& p : points) {
      SnapPoint s;
      if (graph.snap(p, maxSnap, s)) origins.push_back({s, s.distanceMeters});
    }
    r.onNetwork = !origins.empty();
    if (!r.onNetwork)
      diag.add(core::Severity::Warning, "analysis::todCatchments()", "", "stations",
               station.idKind + " " + std::to_string(station.osmId),
               "station '" + station.name + "' and its entrances are farther than " + fmt(maxSnap, 0) +
                   " m from any walkable way",
               "no catchment");
    const ReachSet reach = search.reach(origins, radiiMeters.back(), 1.0, WalkMetric::Meters);
    const std::vector<IsochroneBand> bands = r.onNetwork ? isochronePolygons(graph, reach, radiiMeters, iso)
                                                         : std::vector<IsochroneBand>(radiiMeters.size());
    for (std::size_t k = 0; k < radiiMeters.size(); ++k) {
      TodCatchment c;
      c.radiusMeters = radiiMeters[k];
      c.facilities.assign(config.categories.size(), 0);
      if (r.onNetwork) {
        for (std::size_t i = 0; i < site.buildings.size(); ++i) {
          if (!anchors[i].onNetwork) continue;
          const double d = reach.valueAt(graph, anchors[i].at) + anchors[i].offsetMeters;
          if (!(d <= c.radiusMeters)) continue;
          const model::Building& b = site.buildings[i];
          const double floor = floorAreaM2(b, config.walking.storeyMeters);
          ++c.buildings;
          c.floorAreaM2 += floor;
          if (b.use == model::BuildingUse::Residential) {
            ++c.residentialBuildings;
            c.residents += floor / config.walking.floorAreaPerPersonM2;
          }
        }
        std::vector<model::Facility> inside;
        for (std::size_t i = 0; i < facilities.size(); ++i) {
          if (!facilitySnaps[i].first) continue;
          const double d = reach.valueAt(graph, facilitySnaps[i].second) + facilitySnaps[i].second.distanceMeters;
          if (d <= c.radiusMeters) inside.push_back(facilities[i]);
        }
        for (std::size_t cat = 0; cat < c.facilities.size(); ++cat)
          c.facilities[cat] = model::distinctFacilityCount(inside, cat);
        c.walkableAreaM2 = bands[k].areaM2;
        c.polygons = bands[k].polygons;
        c.pedshedRatio = c.walkableAreaM2 / (3.14159265358979323846 * c.radiusMeters * c.radiusMeters);
      }
      r.catchments.push_back(std::move(c));
    }
    results.push_back(std::move(r));
  }
  return results;
}

std::string todCsv(const std::vector<TodResult>& results, const model::FacilityConfig& config) {
  std::string out =
      "station_osm_id,name,radius_m,on_network,buildings,residential_buildings,floor_area_m2,residents,"
      "walkable_area_m2,pedshed_ratio";
  for (const auto& c : config.categories) out += "," + c.id;
  out += "\n";
  for (const TodResult& r : results)
    for (const TodCatchment& c : r.catchments) {
      out += std::to_string(r.station.osmId) + "," + csvField(r.station.name) + "," + fmt(c.radiusMeters, 0) + "," +
             (r.onNetwork ? "1" : "0") + "," + std::to_string(c.buildings) + "," +
             std::to_string(c.residentialBuildings) + "," + fmt(c.floorAreaM2, 1) + "," + fmt(c.residents, 1) + "," +
             fmt(c.walkableAreaM2, 1) + "," + fmt(c.pedshedRatio, 4);
      for (std::size_t n : c.facilities) out += "," + std::to_string(n);
      out += "\n";
    }
  return out;
}

}  // namespace twin::analysis
