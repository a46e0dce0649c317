// The real Beijing asset (六道口, OSM export; counts in shared/data/osm-beijing-haidian-cau/SOURCE.md).
#include <catch2/catch.hpp>

#include <algorithm>

#include "TestPaths.h"
#include "twin/analysis/Coverage.h"
#include "twin/analysis/Isochrone.h"
#include "twin/analysis/Tod.h"
#include "twin/model/SiteLoader.h"

using namespace twin;
using namespace twin::analysis;

namespace {

const model::Site& beijing() {
  static const model::Site site = [] {
    auto config = model::loadSceneConfig(test::scenesDir() / "beijing-liudaokou.json");
    REQUIRE(config.ok());
    auto site = model::loadSite(*config);
    REQUIRE(site.ok());
    return std::move(site.value());
  }();
  return site;
}

}  // namespace

TEST_CASE("Beijing: walk graph from the real street layer", "[analysis][slow]") {
  const model::Site& site = beijing();
  core::Diagnostics diag;
  WalkGraphStats stats;
  const WalkGraph g = buildWalkGraph(site.roads, {}, diag, &stats);
  // SOURCE.md: 302 highway ways, of which motorway 2 and motorway_link 3 are not walkable
  // without sidewalk tags; the rest are.
  CHECK(site.roads.size() == 302);
  CHECK(stats.roadsUsed + stats.roadsNotWalkable + stats.roadsSkipped == 302);
  CHECK(stats.roadsNotWalkable >= 5);
  CHECK(stats.roadsUsed >= 280);
  // Ways are joined: the largest part holds most of the network. The export also has real
  // islands (campus footway loops, a primary carriageway whose link is a motorway_link);
  // they are kept and reported.
  CHECK(g.componentSizes()[0] > g.nodeCount() * 3 / 4);
  CHECK(g.componentCount() > 1);
  const auto items = diag.items();
  CHECK(std::any_of(items.begin(), items.end(), [](const core::Diagnostic& d) {
    return d.message.find("disconnected parts") != std::string::npos;
  }));
}

TEST_CASE("Beijing: the 六道口 station's isochrone covers its entrances", "[analysis][slow]") {
  const model::Site& site = beijing();
  const auto stations = findStations(site);
  const auto it =
      std::find_if(stations.begin(), stations.end(), [](const TodStation& s) { return s.name == "六道口"; });
  REQUIRE(it != stations.end());
  REQUIRE(it->entrances.size() >= 4);  // SOURCE.md: 9 subway entrances in the export
  core::Diagnostics diag;
  const WalkGraph g = buildWalkGraph(site.roads, {}, diag);
  auto reach = walkReach(g, it->position, 900, 1.2, 250);
  REQUIRE(reach.ok());
  const auto bands = isochronePolygons(g, *reach, {300, 600, 900});
  REQUIRE(bands.size() == 3);
  CHECK(bands[0].areaM2 > 0);
  CHECK(bands[0].areaM2 < bands[1].areaM2);
  CHECK(bands[1].areaM2 < bands[2].areaM2);
  // 15 minutes at 1.2 m/s is at most a 1,080 m radius.
  CHECK(bands[2].areaM2 < 3.1416 * 1080 * 1080);
  for (const core::Vec2& e : it->entrances) {
    bool inside = false;
    for (const core::Polygon& p : bands[2].polygons) inside = inside || core::contains(p, e);
    CHECK(inside);
  }
}

TEST_CASE("Beijing: one coverage row per residential building, TOD figures", "[analysis][slow]") {
  const model::Site& site = beijing();
  const std::size_t residential = static_cast<std::size_t>(
      std::count_if(site.buildings.begin(), site.buildings.end(),
                    [](const model::Building& b) { return b.use == model::BuildingUse::Residential; }));
  // SOURCE.md: building=residential 44, house 9, apartments 4.
  CHECK(residential >= 57);
  core::Diagnostics diag;
  const WalkGraph g = buildWalkGraph(site.roads, {}, diag);
  const model::FacilityConfig config = model::defaultFacilityConfig();
  CoverageModel cov(g, site, config, model::facilitiesFromPois(site.pois, config), diag);
  CHECK(cov.buildings().size() == residential);
  const std::string csv = coverageCsv(cov, site);
  CHECK(static_cast<std::size_t>(std::count(csv.begin(), csv.end(), '\n')) == residential + 1);
  const CoverageSummary s = cov.summary();
  // The export has 2 kindergartens and a subway station: some homes are covered.
  std::size_t kindergarten = 0, metro = 0;
  for (std::size_t c = 0; c < config.categories.size(); ++c) {
    if (config.categories[c].id == "kindergarten") kindergarten = c;
    if (config.categories[c].id == "metro_station") metro = c;
  }
  CHECK(s.categories[kindergarten].facilities >= 2);
  CHECK(s.categories[kindergarten].buildingsCovered > 0);
  CHECK(s.categories[metro].buildingsCovered > 0);

  const auto tod = todCatchments(g, site, config, findStations(site), {500, 800}, diag);
  REQUIRE_FALSE(tod.empty());
  for (const TodResult& r : tod) {
    if (!r.onNetwork) continue;
    CHECK(r.catchments[0].buildings <= r.catchments[1].buildings);
    CHECK(r.catchments[1].pedshedRatio > 0.05);
    CHECK(r.catchments[1].pedshedRatio < 1.0);
  }
}
