// Life-circle coverage and TOD catchments on a hand-made site with hand-worked distances.
#include <catch2/catch.hpp>

#include <cmath>

#include "twin/analysis/Coverage.h"
#include "twin/analysis/Tod.h"
#include "SiteBuilder.h"

using namespace twin;
using namespace twin::analysis;

namespace {

using test::building;
using test::poi;

// One street y = 0 from x = 0 to 1000. Building 1 (residential, 10 x 12 m, 3 levels) is
// nearest to the street at its corner (310, 8). Building 2 (office) at x 900..920.
model::Site testSite() {
  model::Site site;
  site.roads.push_back(test::street(1, {0, 0}, {1000, 0}));
  site.buildings.push_back(
      building(101, {{300, 10}, {310, 8}, {310, 20}, {300, 20}}, model::BuildingUse::Residential, 3));
  site.buildings.push_back(building(102, {{900, 20}, {920, 20}, {920, 40}, {900, 40}}, model::BuildingUse::Office, 10));
  site.buildings.push_back(
      building(103, {{5000, 5000}, {5010, 5000}, {5010, 5010}, {5000, 5010}}, model::BuildingUse::Residential, 0));
  site.pois.push_back(poi(201, {400, 0}, {{"amenity", "kindergarten"}}));
  site.pois.push_back(poi(202, {1000, 0}, {{"amenity", "school"}}));
  return site;
}

}  // namespace

TEST_CASE("coverage: minutes per category, levels, residents, gaps", "[analysis]") {
  const model::Site site = testSite();
  const model::FacilityConfig config = test::kindergartenAndSchool();
  core::Diagnostics diag;
  const WalkGraph g = buildWalkGraph(site.roads, {}, diag);
  CoverageModel cov(g, site, config, model::facilitiesFromPois(site.pois, config), diag);
  REQUIRE(cov.buildings().size() == 2);  // residential only
  const BuildingCoverage& row = cov.buildings()[0];
  CHECK(row.anchor.onNetwork);
  CHECK_FALSE(row.anchor.taggedEntrance);
  CHECK(row.anchor.offsetMeters == Approx(8));
  // Kindergarten: 8 m to the street + 90 m along it = 98 m at 1.2 m/s.
  CHECK(row.minutes[0] == Approx(98 / 1.2 / 60));
  // School: 8 + 690 = 698 m -> 9.69 min (within 10).
  CHECK(row.minutes[1] == Approx(698 / 1.2 / 60));
  CHECK(row.levelsMet == (kLevel5 | kLevel10 | kLevel15));
  // Area: the footprint is a trapezoid of 10 x 11 = 110 m2 (mean depth 11), 3 levels.
  CHECK(row.floorAreaM2 == Approx(330));
  CHECK(row.residents == Approx(11));
  // Building 103 is 5 km away: kept, off the network, reported.
  CHECK_FALSE(cov.buildings()[1].anchor.onNetwork);
  CHECK(cov.buildings()[1].levelsMet == 0);
  REQUIRE(diag.count(core::Severity::Warning) == 1);
  CHECK(diag.items().back().message == "residential building farther than 250 m from any walkable way");

  const CoverageSummary s = cov.summary();
  CHECK(s.buildings == 2);
  CHECK(s.buildingsOffNetwork == 1);
  CHECK(s.categories[0].buildingsCovered == 1);
  CHECK(s.categories[0].facilities == 1);
  CHECK(s.levels[0].buildingsMet == 1);
  CHECK(s.levels[1].residentsMet == Approx(11));
  REQUIRE(s.gaps.size() == 1);
  CHECK(s.gaps[0].first == 2);
  CHECK(s.gaps[0].second == std::vector<std::string>{"kindergarten", "primary_school"});

  const std::string csv = coverageCsv(cov, site);
  CHECK(csv.rfind("osm_id,id_kind,name,floor_area_m2,residents,on_network,entrance,snap_m,kindergarten_min,"
                  "primary_school_min,level_5,level_10,level_15,missing,level_5_blocked_by,level_10_blocked_by,"
                  "level_15_blocked_by\n",
                  0) == 0);
  CHECK(csv.find("\n101,way,,330.0,11.0,1,nearest,8.0,1.36,9.69,1,1,1,,,,\n") != std::string::npos);
  CHECK(csv.find("\n103,way,,100.0,3.3,0,nearest,,,,0,0,0,kindergarten;primary_school,off_network,off_network,"
                 "off_network\n") != std::string::npos);
  const std::string json = coverageGeoJson(cov, site, [](core::Vec2 p) {
    return core::LonLat{p.x * 1e-5, p.y * 1e-5};
  });
  CHECK(json.find("\"osm_id\":101,\"name\":\"\",\"residents\":11.0,\"level\":15,\"levels_met\":\"5,10,15\","
                  "\"kindergarten_min\":1.36,\"primary_school_min\":9.69") != std::string::npos);
  CHECK(json.find("\"kindergarten_min\":null") != std::string::npos);
  const std::string summary = coverageSummaryCsv(cov);
  CHECK(summary.find("category,kindergarten,幼儿园,5,1,1,0.5000,11.0,0.7674,\n") != std::string::npos);
  CHECK(summary.find("level,5min,,5,,1,0.5000,11.0,0.7674,off_network:1\n") != std::string::npos);
}

TEST_CASE("coverage recomputes one category when a facility moves, is added or removed", "[analysis]") {
  const model::Site site = testSite();
  const model::FacilityConfig config = test::kindergartenAndSchool();
  core::Diagnostics diag;
  const WalkGraph g = buildWalkGraph(site.roads, {}, diag);
  CoverageModel cov(g, site, config, model::facilitiesFromPois(site.pois, config), diag);
  const double kindergarten = cov.buildings()[0].minutes[0];
  // Move the school 100 m past the end of the street: 8 + 690 + 100 m = 798 m -> 11.08 min.
  REQUIRE(cov.facilities()[1].category == 1);
  REQUIRE(cov.moveFacility(1, {1100, 0}));
  CHECK(cov.buildings()[0].minutes[1] == Approx(798 / 1.2 / 60));
  CHECK(cov.buildings()[0].minutes[0] == kindergarten);
  CHECK(cov.buildings()[0].levelsMet == (kLevel5 | kLevel15));
  // "New school here" at x = 500: 8 + 190 = 198 m.
  model::Facility school;
  school.category = 1;
  school.position = {500, 30};
  const std::size_t added = cov.addFacility(school);
  CHECK(added == 2);
  CHECK(cov.buildings()[0].minutes[1] == Approx((198 + 30) / 1.2 / 60));
  CHECK(cov.buildings()[0].levelsMet == (kLevel5 | kLevel10 | kLevel15));
  REQUIRE(cov.removeFacility(added));
  CHECK(cov.buildings()[0].minutes[1] == Approx(798 / 1.2 / 60));
  REQUIRE(cov.removeFacility(0));
  CHECK(std::isinf(cov.buildings()[0].minutes[0]));
  CHECK_FALSE(cov.moveFacility(7, {0, 0}));
  CHECK_FALSE(cov.moveFacility(0, {std::nan(""), 0}));
  CHECK_FALSE(cov.removeFacility(9));
}

TEST_CASE("a tagged entrance on the footprint is the building's door", "[analysis]") {
  model::Site site = testSite();
  site.pois.push_back(poi(301, {300, 20}, {{"entrance", "main"}}));
  const model::FacilityConfig config = test::kindergartenAndSchool();
  core::Diagnostics diag;
  const WalkGraph g = buildWalkGraph(site.roads, {}, diag);
  CoverageModel cov(g, site, config, model::facilitiesFromPois(site.pois, config), diag);
  const BuildingCoverage& row = cov.buildings()[0];
  CHECK(row.anchor.taggedEntrance);
  CHECK(row.anchor.offsetMeters == Approx(20));
  // 20 m to the street at x = 300, then 100 m to the kindergarten.
  CHECK(row.minutes[0] == Approx(120 / 1.2 / 60));
}

TEST_CASE("TOD: stations with entrances, 500/800 m catchments, pedshed", "[analysis]") {
  model::Site site = testSite();
  site.pois.push_back(poi(401, {500, 30}, {{"railway", "station"}, {"station", "subway"}}));
  site.pois.back().name = "六道口";
  site.pois.push_back(poi(402, {600, 5}, {{"railway", "subway_entrance"}}));
  site.pois.push_back(poi(403, {-2000, 5}, {{"railway", "subway_entrance"}}));  // too far to belong
  site.pois.push_back(poi(404, {9000, 9000}, {{"railway", "station"}}));        // off the network
  const auto stations = findStations(site);
  REQUIRE(stations.size() == 2);
  CHECK(stations[0].name == "六道口");
  REQUIRE(stations[0].entrances.size() == 1);
  const model::FacilityConfig config = test::kindergartenAndSchool();
  core::Diagnostics diag;
  const WalkGraph g = buildWalkGraph(site.roads, {}, diag);
  const auto results = todCatchments(g, site, config, stations, {500, 800}, diag);
  REQUIRE(results.size() == 2);
  REQUIRE(results[0].catchments.size() == 2);
  const TodCatchment& c500 = results[0].catchments[0];
  const TodCatchment& c800 = results[0].catchments[1];
  // Building 101: min(30 + 190, 5 + 290) + 8 = 228 m. Building 102 (office): entrance at 600
  // -> 5 + 300 + 20 = 325 m. Kindergarten at 400: 30 + 100 = 130 m. School at 1000:
  // 5 + 400 = 405 m.
  CHECK(c500.buildings == 2);
  CHECK(c500.residentialBuildings == 1);
  CHECK(c500.floorAreaM2 == Approx(330 + 400 * 10));
  CHECK(c500.residents == Approx(11));
  CHECK(c500.facilities == std::vector<std::size_t>{1, 1});
  CHECK(c800.buildings == 2);
  CHECK(c500.pedshedRatio > 0);
  CHECK(c500.pedshedRatio < 1);
  CHECK(c800.walkableAreaM2 > c500.walkableAreaM2);
  CHECK_FALSE(results[1].onNetwork);
  CHECK(results[1].catchments[0].buildings == 0);
  CHECK(diag.items().back().message == "station '' and its entrances are farther than 250 m from any walkable way");
  const std::string csv = todCsv(results, config);
  CHECK(csv.rfind("station_osm_id,name,radius_m,on_network,buildings,residential_buildings,floor_area_m2,residents,"
                  "walkable_area_m2,pedshed_ratio,kindergarten,primary_school\n",
                  0) == 0);
  CHECK(csv.find("\n401,六道口,500,1,2,1,4330.0,11.0,") != std::string::npos);
}
