// A scenario applied to the site (siteWithScenario) on a hand-made site: the POIs and buildings it
// leaves, and the TOD catchment and indicators of a metro station it adds, worked out by hand.
#include <catch2/catch.hpp>

#include <cmath>

#include "twin/analysis/Indicators.h"
#include "twin/analysis/ScenarioSite.h"
#include "twin/analysis/Tod.h"
#include "SiteBuilder.h"

using namespace twin;
using namespace twin::analysis;

namespace {

// One street y = 0 from x = 0 to 1000; a residential building (3 storeys, 330 m² of floor area:
// 11 residents at 30 m² each) whose nearest point to the street is its corner (310, 8); a
// kindergarten node/201 at (400, 0) and a school node/202 at (1000, 0); no station.
model::Site testSite() {
  model::Site site;
  site.roads.push_back(test::street(1, {0, 0}, {1000, 0}));
  site.buildings.push_back(
      test::building(101, {{300, 10}, {310, 8}, {310, 20}, {300, 20}}, model::BuildingUse::Residential, 3));
  site.pois.push_back(test::poi(201, {400, 0}, {{"amenity", "kindergarten"}}));
  site.pois.push_back(test::poi(202, {1000, 0}, {{"amenity", "school"}}));
  return site;
}

// The usual two categories and a metro station category (as the default scene maps it).
model::FacilityConfig config() {
  model::FacilityConfig c = test::kindergartenAndSchool();
  c.categories.push_back(
      {"metro_station", "地铁站", 10, false, {{"railway", "station"}, {"railway", "subway_entrance"}}});
  return c;
}

geo::SiteFrame frame() {
  auto f = geo::SiteFrame::create({116.35, 40.0});
  REQUIRE(f.ok());
  return *f;
}

const Indicator* findIndicator(const std::vector<ScenarioIndicators>& all, const std::string& id) {
  for (const ScenarioIndicators& s : all)
    for (const Indicator& i : s.indicators)
      if (i.id == id) return &i;
  return nullptr;
}

}  // namespace

TEST_CASE("scenario site: removals, moves, additions and proposed buildings; bad entries reported", "[analysis]") {
  model::Site site = testSite();
  site.frame = frame();
  const model::FacilityConfig c = config();
  model::Scenario s;
  s.name = "plan";
  s.removed = {"node/201", "node/999"};
  s.moved = {{"node/202", site.frame.toLonLat({500, 0})}, {"way/5", site.frame.toLonLat({1, 1})}};
  s.added = {{"metro_station", "规划地铁站", site.frame.toLonLat({320, 0})}, {"spa", "", site.frame.toLonLat({0, 0})}};
  s.buildings = {{"塔楼",
                  {site.frame.toLonLat({600, 10}), site.frame.toLonLat({620, 10}), site.frame.toLonLat({620, 30}),
                   site.frame.toLonLat({600, 30})},
                  31}};
  core::Diagnostics diag;
  const ScenarioSite after = siteWithScenario(site, s, c, diag);
  CHECK(after.applied == 4);
  REQUIRE(after.site.pois.size() == 2);
  const model::Poi& school = after.site.pois[0];
  CHECK(school.osmId == 202);
  CHECK(school.position.x == Approx(500).margin(1e-6));
  const model::Poi& metro = after.site.pois[1];
  CHECK(metro.idKind == "scenario");
  CHECK(metro.osmId == -1);
  CHECK(metro.name == "规划地铁站");
  CHECK(metro.category == "railway");
  CHECK(metro.kind == "station");
  CHECK(metro.tags.at("railway") == "station");
  CHECK(metro.position.x == Approx(320).margin(1e-6));
  CHECK(metro.position.y == Approx(0).margin(1e-6));
  REQUIRE(after.site.buildings.size() == 2);
  const model::Building& tower = after.site.buildings[1];
  CHECK(tower.idKind == "scenario");
  CHECK(tower.use == model::BuildingUse::Other);
  CHECK(tower.heightMeters == 31);
  CHECK(tower.levels == 10);  // 31 m at 3 m a storey
  CHECK(tower.footprintAreaM2 == Approx(400).epsilon(1e-6));
  // The input site is untouched.
  CHECK(site.pois.size() == 2);
  CHECK(site.buildings.size() == 1);
  REQUIRE(diag.total() == 3);
  const auto items = diag.items();
  CHECK(items[0].message == "facility 'node/999' not in the site");
  CHECK(items[1].message == "facility 'way/5' not in the site");
  CHECK(items[2].message == "unknown facility category 'spa'");
  CHECK(items[2].recordId == "scenario 'plan'");
  CHECK(core::formatDiagnostic(items[2]).find("analysis::siteWithScenario()") != std::string::npos);
}

TEST_CASE("scenario site: a metro station the scenario adds has a TOD catchment and moves the indicators",
          "[analysis]") {
  model::Site site = testSite();
  site.frame = frame();
  const model::FacilityConfig c = config();
  core::Diagnostics diag;
  const WalkGraph g = buildWalkGraph(site.roads, {}, diag);
  REQUIRE(findStations(site).empty());

  model::Scenario s;
  s.name = "metro";
  s.added = {{"metro_station", "规划地铁站", site.frame.toLonLat({320, 0})}};
  const ScenarioSite after = siteWithScenario(site, s, c, diag);
  const auto stations = findStations(after.site);
  REQUIRE(stations.size() == 1);
  CHECK(stations[0].name == "规划地铁站");
  const auto tod = todCatchments(g, after.site, c, stations, {500, 800}, diag);
  REQUIRE(tod.size() == 1);
  CHECK(tod[0].onNetwork);
  // The building's corner (310, 8) is 8 m off the street and 10 m along it from the station at
  // (320, 0): 18 m, inside 500 m. The kindergarten is 80 m away, the school 680 m (800 m only).
  const TodCatchment& c500 = tod[0].catchments[0];
  const TodCatchment& c800 = tod[0].catchments[1];
  CHECK(c500.buildings == 1);
  CHECK(c500.residentialBuildings == 1);
  CHECK(c500.floorAreaM2 == Approx(330));
  CHECK(c500.residents == Approx(11));
  CHECK(c500.facilities == std::vector<std::size_t>{1, 0, 1});
  CHECK(c800.facilities == std::vector<std::size_t>{1, 1, 1});

  // Indicators: the one home is 18 m (0.25 min) from a metro station after, none before.
  const OperationsFacts ops;
  const auto before = nineScenarioIndicators(g, site, c, ops, diag);
  const auto withMetro = nineScenarioIndicators(g, after.site, c, ops, diag);
  const Indicator* shareBefore = findIndicator(before, "metro_10min_residents");
  const Indicator* shareAfter = findIndicator(withMetro, "metro_10min_residents");
  REQUIRE(shareBefore);
  REQUIRE(shareAfter);
  REQUIRE(shareBefore->value);
  REQUIRE(shareAfter->value);
  CHECK(*shareBefore->value == Approx(0));
  CHECK(*shareAfter->value == Approx(100));
  const Indicator* countBefore = findIndicator(before, "metro_stations");
  const Indicator* countAfter = findIndicator(withMetro, "metro_stations");
  REQUIRE(countBefore);
  REQUIRE(countAfter);
  CHECK(countBefore->value.value_or(-1) == 0);
  CHECK(countAfter->value.value_or(-1) == 1);
}
