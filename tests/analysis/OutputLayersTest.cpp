// What a planner's GIS gets: why a level fails, a station counted once with its entrances, and
// the coverage/TOD/isochrone layers (geometry and typed fields) on a hand-made site.
#include <catch2/catch.hpp>

#include <cmath>

#include "twin/analysis/Coverage.h"
#include "twin/analysis/OutputLayers.h"
#include "twin/analysis/Tod.h"
#include "SiteBuilder.h"

using namespace twin;
using namespace twin::analysis;

namespace {

using test::building;
using test::poi;

// One street y = 0 from x = 0 to 1000; building 101 (residential) meets it at (310, 8); 103 is
// 5 km away. The kindergarten at x = 900 is 8 + 590 = 598 m (8.3 min) from 101: too far for
// level 5. The school at x = 400 is 98 m away.
model::Site testSite() {
  model::Site site;
  site.roads.push_back(test::street(1, {0, 0}, {1000, 0}));
  site.buildings.push_back(
      building(101, {{300, 10}, {310, 8}, {310, 20}, {300, 20}}, model::BuildingUse::Residential, 3));
  site.buildings.push_back(
      building(103, {{5000, 5000}, {5010, 5000}, {5010, 5010}, {5000, 5010}}, model::BuildingUse::Residential, 0));
  site.pois.push_back(poi(201, {900, 0}, {{"amenity", "kindergarten"}}));
  site.pois.push_back(poi(202, {400, 0}, {{"amenity", "school"}}));
  return site;
}

model::FacilityConfig config() {
  model::FacilityConfig c;
  c.categories = {
      {"kindergarten", "幼儿园", 5, true, {{"amenity", "kindergarten"}}},
      {"primary_school", "小学", 10, true, {{"amenity", "school"}}},
      {"metro_station", "轨道交通站点", 15, false, {{"railway", "station"}, {"railway", "subway_entrance"}}}};
  c.walking.speedMps = 1.2;
  c.walking.floorAreaPerPersonM2 = 30;
  return c;
}

// Local metres -> "degrees" 1e-5 per metre, so that WKT coordinates can be checked by hand.
core::LonLat toLonLat(core::Vec2 p) { return {p.x * 1e-5, p.y * 1e-5}; }

std::size_t fieldIndex(const OutputLayer& layer, const std::string& name) {
  for (std::size_t i = 0; i < layer.fields.size(); ++i)
    if (layer.fields[i].name == name) return i;
  FAIL("no field " << name);
  return 0;
}

}  // namespace

TEST_CASE("coverage says which categories block each level", "[analysis][outputs]") {
  const model::Site site = testSite();
  core::Diagnostics diag;
  const WalkGraph g = buildWalkGraph(site.roads, {}, diag);
  CoverageModel cov(g, site, config(), model::facilitiesFromPois(site.pois, config()), diag);
  REQUIRE(cov.buildings().size() == 2);
  const BuildingCoverage& near = cov.buildings()[0];
  CHECK(near.minutes[0] == Approx(598 / 1.2 / 60));
  CHECK(near.levelsMet == (kLevel10 | kLevel15));
  CHECK(levelBlockers(near, config(), 5) == std::vector<std::string>{"kindergarten"});
  CHECK(levelBlockers(near, config(), 10).empty());
  // metro_station is not required: it never blocks level 15.
  CHECK(levelBlockers(near, config(), 15).empty());
  CHECK(levelBlockers(cov.buildings()[1], config(), 10) == std::vector<std::string>{"off_network"});

  const CoverageSummary s = cov.summary();
  using Blocked = std::vector<std::pair<std::string, std::size_t>>;
  CHECK(s.levels[0].blockedBy == Blocked{{"kindergarten", 1}, {"off_network", 1}});
  CHECK(s.levels[1].blockedBy == Blocked{{"off_network", 1}});
  CHECK(blockedText(s.levels[0].blockedBy) == "kindergarten:1;off_network:1");
  const std::string summary = coverageSummaryCsv(cov);
  CHECK(summary.find(",blocked_by\n") != std::string::npos);
  CHECK(summary.find("level,5min,,5,,0,0.0000,0.0,0.0000,kindergarten:1;off_network:1\n") != std::string::npos);
  const std::string csv = coverageCsv(cov, site);
  CHECK(csv.find("\n101,way,,330.0,11.0,1,nearest,8.0,8.31,1.36,,0,1,1,kindergarten,kindergarten,,\n") !=
        std::string::npos);
}

TEST_CASE("a metro station with several entrances counts once", "[analysis][outputs]") {
  model::Site site = testSite();
  site.pois.push_back(poi(401, {500, 30}, {{"railway", "station"}}, "六道口"));
  site.pois.push_back(poi(402, {480, 2}, {{"railway", "subway_entrance"}}));
  site.pois.push_back(poi(403, {520, 2}, {{"railway", "subway_entrance"}}));
  site.pois.push_back(poi(404, {800, 2}, {{"railway", "subway_entrance"}}));  // 301 m: still the station's
  // No station within 400 m: the two named "东口" are one place, the unnamed one another.
  site.pois.push_back(poi(405, {-1000, 2}, {{"railway", "subway_entrance"}}, "东口"));
  site.pois.push_back(poi(406, {-1040, 2}, {{"railway", "subway_entrance"}}, "东口"));
  site.pois.push_back(poi(407, {-3000, 2}, {{"railway", "subway_entrance"}}));
  const model::FacilityConfig c = config();
  const auto facilities = model::facilitiesFromPois(site.pois, c);
  std::size_t metro = 0;
  for (const model::Facility& f : facilities)
    if (f.category == 2) {
      ++metro;
      if (f.osmId >= 401 && f.osmId <= 404) CHECK(f.group == "node 401");
      if (f.osmId == 405 || f.osmId == 406) CHECK(f.group == "name 东口");
      if (f.osmId == 407) CHECK(f.group.empty());
    }
  CHECK(metro == 7);
  CHECK(model::distinctFacilityCount(facilities, 2) == 3);
  CHECK(model::distinctFacilityCount(facilities, 0) == 1);

  core::Diagnostics diag;
  const WalkGraph g = buildWalkGraph(site.roads, {}, diag);
  CoverageModel cov(g, site, c, facilities, diag);
  const CoverageSummary s = cov.summary();
  CHECK(s.categories[2].facilities == 3);
  // 405-407 lie beyond the street's end at x = 0 by 1000 m and more: off the network.
  CHECK(s.categories[2].facilitiesOffNetwork == 2);

  // In the TOD catchment of 六道口 the station and its three entrances are one facility.
  const auto stations = findStations(site);
  const auto results = todCatchments(g, site, c, {stations.at(0)}, {500, 800}, diag);
  REQUIRE(results.size() == 1);
  CHECK(results[0].station.name == "六道口");
  CHECK(results[0].catchments[1].facilities == std::vector<std::size_t>{1, 1, 1});
}

TEST_CASE("output layers: geometry and typed fields", "[analysis][outputs]") {
  SECTION("multiPolygonWkt closes rings, orients them and keeps holes") {
    core::Polygon p;
    p.outer = {{0, 0}, {0, 10}, {10, 10}, {10, 0}};  // clockwise: written reversed
    p.holes = {{{2, 2}, {4, 2}, {4, 4}}};            // counter-clockwise: written reversed
    const std::string wkt = multiPolygonWkt({p}, toLonLat);
    CHECK(wkt ==
          "MULTIPOLYGON (((0.0001000 0.0000000,0.0001000 0.0001000,0.0000000 0.0001000,0.0000000 0.0000000,"
          "0.0001000 0.0000000),(0.0000400 0.0000400,0.0000400 0.0000200,0.0000200 0.0000200,0.0000400 0.0000400)))");
    CHECK(multiPolygonWkt({}, toLonLat).empty());
    core::Polygon degenerate;
    degenerate.outer = {{0, 0}, {1, 1}};
    CHECK(multiPolygonWkt({degenerate}, toLonLat).empty());
  }

  const model::Site site = testSite();
  core::Diagnostics diag;
  const WalkGraph g = buildWalkGraph(site.roads, {}, diag);

  SECTION("coverage: the CSV's columns, typed, with footprints; nulls where nothing is reached") {
    CoverageModel cov(g, site, config(), model::facilitiesFromPois(site.pois, config()), diag);
    const OutputLayer layer = coverageLayer(cov, site, toLonLat);
    CHECK(layer.name == "coverage");
    std::string names;
    for (const auto& f : layer.fields) names += f.name + ",";
    CHECK(names ==
          "osm_id,id_kind,name,floor_area_m2,residents,on_network,entrance,snap_m,kindergarten_min,primary_school_min,"
          "metro_station_min,level_5,level_10,level_15,missing,level_5_blocked_by,level_10_blocked_by,"
          "level_15_blocked_by,level,");
    // The metro column is all null (no station), and stays a number field.
    CHECK(layer.fields[fieldIndex(layer, "metro_station_min")].type == geo::FieldType::Real);
    CHECK(layer.fields[fieldIndex(layer, "osm_id")].type == geo::FieldType::Integer);
    CHECK(layer.fields[fieldIndex(layer, "level")].type == geo::FieldType::Integer);
    REQUIRE(layer.features.size() == 2);
    const auto& near = layer.features[0].values;
    CHECK(std::get<long long>(near[fieldIndex(layer, "osm_id")]) == 101);
    CHECK(std::get<double>(near[fieldIndex(layer, "kindergarten_min")]) == 8.31);
    CHECK(std::holds_alternative<std::monostate>(near[fieldIndex(layer, "metro_station_min")]));
    CHECK(std::get<std::string>(near[fieldIndex(layer, "level_5_blocked_by")]) == "kindergarten");
    // 10 and 15 are met but 5 is not: the life-circle level reached is none.
    CHECK(std::get<long long>(near[fieldIndex(layer, "level")]) == 0);
    CHECK(layer.features[0].wkt.rfind("MULTIPOLYGON (((0.0030000 0.0001000,", 0) == 0);
    const auto& far = layer.features[1].values;
    CHECK(std::holds_alternative<std::monostate>(far[fieldIndex(layer, "snap_m")]));
    CHECK(std::get<std::string>(far[fieldIndex(layer, "level_15_blocked_by")]) == "off_network");
  }

  SECTION("TOD: a catchment polygon per station and radius, largest first; stations and entrances as points") {
    model::Site withStation = site;
    withStation.pois.push_back(poi(401, {500, 30}, {{"railway", "station"}}, "六道口"));
    withStation.pois.push_back(poi(402, {480, 2}, {{"railway", "subway_entrance"}}));
    const auto results = todCatchments(g, withStation, config(), findStations(withStation), {300, 600}, diag);
    const OutputLayer catchments = todCatchmentLayer(results, config(), toLonLat);
    CHECK(catchments.name == "tod_catchments");
    REQUIRE(catchments.features.size() == 2);
    CHECK(std::get<double>(catchments.features[0].values[fieldIndex(catchments, "radius_m")]) == 600);
    CHECK(std::get<double>(catchments.features[1].values[fieldIndex(catchments, "radius_m")]) == 300);
    CHECK(catchments.features[0].wkt.rfind("MULTIPOLYGON (((", 0) == 0);
    CHECK(std::get<double>(catchments.features[1].values[fieldIndex(catchments, "walkable_area_m2")]) ==
          Approx(results[0].catchments[0].walkableAreaM2).margin(0.05));
    double area = 0;
    for (const core::Polygon& p : results[0].catchments[0].polygons) area += core::area(p);
    CHECK(area == Approx(results[0].catchments[0].walkableAreaM2));
    CHECK(area > 0);
    // Every part of the 300 m catchment lies within 300 m + walk-off of the street's reach.
    for (const core::Polygon& p : results[0].catchments[0].polygons)
      for (const core::Vec2& v : p.outer) CHECK(std::fabs(v.y) <= 50 + 10 + 1e-6);
    CHECK(catchments.fields[fieldIndex(catchments, "metro_station")].type == geo::FieldType::Integer);

    const OutputLayer stations = todStationLayer(results, toLonLat);
    REQUIRE(stations.features.size() == 2);
    CHECK(stations.features[0].wkt == "POINT (0.0050000 0.0003000)");
    CHECK(std::get<std::string>(stations.features[0].values[2]) == "station");
    CHECK(stations.features[1].wkt == "POINT (0.0048000 0.0000200)");
    CHECK(std::get<std::string>(stations.features[1].values[2]) == "entrance");
  }

  SECTION("isochrone bands, largest first") {
    std::vector<IsochroneBand> bands(2);
    bands[0].limit = 300;
    bands[0].areaM2 = 100;
    bands[0].polygons.push_back({{{0, 0}, {10, 0}, {10, 10}}, {}});
    bands[1].limit = 600;
    const OutputLayer layer = isochroneLayer(bands, toLonLat);
    REQUIRE(layer.features.size() == 2);
    CHECK(std::get<double>(layer.features[0].values[0]) == 10.0);
    CHECK(layer.features[0].wkt.empty());  // an empty band has no geometry
    CHECK(std::get<double>(layer.features[1].values[0]) == 5.0);
    CHECK(layer.features[1].wkt ==
          "MULTIPOLYGON (((0.0000000 0.0000000,0.0001000 0.0000000,0.0001000 0.0001000,"
          "0.0000000 0.0000000)))");
  }

  SECTION("the sibling file of a second layer") {
    CHECK(siblingPath("out/tod.gpkg", "stations") == std::filesystem::path("out/tod_stations.gpkg"));
    CHECK(siblingPath("tod.csv", "stations") == std::filesystem::path("tod_stations.csv"));
  }
}
