// A city in PostGIS read through a scene layer (`PG:` source): whole with the file's counts, and
// by the view's extent, tile by tile, as the camera moves (model::ExtentLoader). The city is
// generated (tests/support/GeneratedCity.h), loaded with GDAL's ogr2ogr into a GeoPackage and
// from there into a scratch PostgreSQL with PostGIS (test::ScratchPostgres). Without
// PostgreSQL 15, PostGIS or ogr2ogr the test is reported skipped with the reason.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <iterator>
#include <map>
#include <set>

#include "GeneratedCity.h"
#include "PgCity.h"
#include "TestPaths.h"
#include "twin/geo/VectorReader.h"
#include "twin/model/ExtentLoader.h"
#include "twin/model/SiteLoader.h"

using namespace twin;

namespace {

[[noreturn]] void skip(const std::string& why) {
  std::cout << "SKIPPED: " << why << "\n";
  std::exit(test::kSkipExitCode);
}

struct City {
  test::TempDir dir{"pgcity"};
  std::unique_ptr<test::PgCity> made;
  model::SceneConfig fileConfig, pgConfig;

  explicit City(std::size_t buildings) {
    test::PgCityResult result = test::makePgCity(dir.path(), buildings);
    if (!result.skip.empty()) skip(result.skip);
    if (!result.error.empty()) FAIL(result.error);
    made = std::move(result.city);
    auto f = model::parseSceneConfig(test::pgCitySceneJson("city.gpkg", "buildings"), dir.path() / "file.json");
    auto p = model::parseSceneConfig(test::pgCitySceneJson(made->pgSource, "buildings"), dir.path() / "pg.json");
    if (!f.ok()) FAIL(f.error().message);
    if (!p.ok()) FAIL(p.error().message);
    fileConfig = *f;
    pgConfig = *p;
  }
};

double levelSum(const model::Site& site) {
  double sum = 0;
  for (const model::Building& b : site.buildings) sum += b.levels;
  return sum;
}

}  // namespace

TEST_CASE("a city in PostGIS read through a PG: layer has the file's buildings", "[model][postgres][slow]") {
  City city(2000);
  auto fromFile = model::loadSite(city.fileConfig);
  auto fromPg = model::loadSite(city.pgConfig);
  if (!fromFile.ok()) FAIL(fromFile.error().message);
  if (!fromPg.ok()) FAIL(fromPg.error().message);
  CHECK(fromFile->buildings.size() == 2000);
  CHECK(fromPg->buildings.size() == fromFile->buildings.size());
  CHECK(levelSum(*fromPg) == levelSum(*fromFile));
  CHECK(levelSum(*fromPg) > 2000);  // the levels column reached the buildings
  // The use column reached the buildings, the same in both.
  auto uses = [](const model::Site& site) {
    std::map<model::BuildingUse, std::size_t> n;
    for (const model::Building& b : site.buildings) ++n[b.use];
    return n;
  };
  CHECK(uses(*fromPg) == uses(*fromFile));
  CHECK(uses(*fromPg).size() >= 3);
}

TEST_CASE("a 20k-building PostGIS city is read by the view's extent and refined as the camera moves",
          "[model][postgres][slow]") {
  City city(20000);
  auto whole = model::loadSite(city.fileConfig);  // the reference: every building, from the file
  if (!whole.ok()) FAIL(whole.error().message);
  REQUIRE(whole->buildings.size() == 20000);
  const double side = test::generatedCitySideMeters(20000);
  REQUIRE(side > 2000);

  model::ExtentLoaderOptions options;
  options.tileMeters = 250;
  options.radiusMeters = 400;
  options.maxResidentTiles = 24;
  auto frame = geo::SiteFrame::create({test::kGeneratedCityLon, test::kGeneratedCityLat});
  REQUIRE(frame.ok());
  auto loader = model::ExtentLoader::start(city.pgConfig.layers[0], city.pgConfig.heights, *frame, options);
  if (!loader.ok()) FAIL(loader.error().message);
  model::ExtentLoader& l = **loader;

  // The buildings of the file whose centroid lies in one of `tiles`.
  auto expected = [&](const std::set<model::TileKey>& tiles) {
    std::size_t n = 0;
    for (const model::Building& b : whole->buildings) n += tiles.count(l.tileAt(core::centroid(b.footprint.outer)));
    return n;
  };
  auto takeAll = [&](std::set<model::TileKey>& tiles, std::size_t& buildings) {
    for (const model::ExtentTile& t : l.takeLoaded()) {
      CHECK(tiles.insert(t.key).second);  // each tile read once
      buildings += t.buildings.size();
      for (const model::Building& b : t.buildings) CHECK(t.bounds.contains(core::centroid(b.footprint.outer)));
    }
  };

  SECTION("a small view reads only its own tiles") {
    const core::Vec2 view{600, 600};
    l.setView(view);
    REQUIRE(l.waitIdle(std::chrono::seconds(120)));
    std::set<model::TileKey> tiles;
    std::size_t buildings = 0;
    takeAll(tiles, buildings);
    INFO(l.stats().errors.size() << " errors, first: " << (l.stats().errors.empty() ? "" : l.stats().errors[0]));
    CHECK(l.stats().errors.empty());
    REQUIRE(!tiles.empty());
    CHECK(tiles.size() <= options.maxResidentTiles);
    CHECK(buildings == expected(tiles));
    CHECK(buildings > 0);
    CHECK(buildings < 20000 / 4);
    // The server sent the tiles' rows (and the edge-crossers), not the table.
    CHECK(l.stats().featuresRead < 20000 / 4);
    CHECK(l.stats().featuresRead >= buildings);
    for (const model::TileKey& k : tiles) {
      const core::Box2 b{k.x * 250.0, k.y * 250.0, (k.x + 1) * 250.0, (k.y + 1) * 250.0};
      CHECK(std::hypot(std::max({b.minX - view.x, 0.0, view.x - b.maxX}),
                       std::max({b.minY - view.y, 0.0, view.y - b.maxY})) <= options.radiusMeters);
    }
  }
  SECTION("moving the camera loads the next area and drops the far one") {
    l.setView({600, 600});
    REQUIRE(l.waitIdle(std::chrono::seconds(120)));
    std::set<model::TileKey> first;
    std::size_t firstBuildings = 0;
    takeAll(first, firstBuildings);
    REQUIRE(l.takeDropped().empty());
    const core::Vec2 next{side - 600, side - 600};
    l.setView(next);
    REQUIRE(l.waitIdle(std::chrono::seconds(120)));
    std::set<model::TileKey> second;
    std::size_t secondBuildings = 0;
    takeAll(second, secondBuildings);
    CHECK(l.stats().errors.empty());
    REQUIRE(!second.empty());
    for (const model::TileKey& k : second) CHECK(!first.count(k));  // the next area, none of the first
    CHECK(secondBuildings == expected(second));
    CHECK(secondBuildings > 0);
    // The budget (24 tiles) cannot hold both areas: the first one's tiles went, all of them far.
    const auto dropped = l.takeDropped();
    CHECK(!dropped.empty());
    for (const model::TileKey& k : dropped) CHECK(first.count(k));
    CHECK(l.stats().tilesResident <= options.maxResidentTiles);
    CHECK(l.stats().tilesRead == first.size() + second.size());
  }
}

TEST_CASE("reading by extent: errors name the source and the loader's layer", "[model]") {
  test::TempDir dir("extenterr");
  const auto osm = dir.path() / "city.osm";
  test::GeneratedCityOptions options;
  options.buildings = 16;
  REQUIRE(test::writeGeneratedCityOsm(osm, options).ok());
  auto frame = geo::SiteFrame::create({test::kGeneratedCityLon, test::kGeneratedCityLat});
  REQUIRE(frame.ok());
  geo::ReadOptions ro;
  ro.filterLonLat = core::Box2{120.1, 30.2, 120.2, 30.3};
  core::Diagnostics diag;
  auto r = geo::readVector(osm.string(), *frame, ro, diag);
  REQUIRE(!r.ok());
  CHECK(r.error().message ==
        "geo::readVector(): city.osm: an extent filter does not apply to OSM files; use clipLonLat");
  // A file with an index-less driver filters too: the box decides which features are read.
  const auto one = dir.path() / "one.geojson";
  std::ofstream(one) << R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":)"
                     << R"({"type":"Polygon","coordinates":[[[120.15,30.28],[120.151,30.28],[120.151,30.281],)"
                     << R"([120.15,30.28]]]}}]})";
  ro.filterLonLat = core::Box2{120.1505, 30.2805, 120.2, 30.3};
  auto inside = geo::readVector(one.string(), *frame, ro, diag);
  REQUIRE(inside.ok());
  CHECK(inside->size() == 1);
  ro.filterLonLat = core::Box2{120.16, 30.28, 120.2, 30.3};
  auto outside = geo::readVector(one.string(), *frame, ro, diag);
  REQUIRE(outside.ok());
  CHECK(outside->empty());
  ro.filterLonLat = core::Box2{};
  auto empty = geo::readVector(one.string(), *frame, ro, diag);
  REQUIRE(!empty.ok());
  CHECK(empty.error().message ==
        "geo::readVector(): one.geojson layer 'one': the extent filter is empty or not finite");

  model::LayerConfig layer;
  layer.id = "city";
  auto none = model::ExtentLoader::start(layer, {}, *frame);
  REQUIRE(!none.ok());
  CHECK(none.error().message == "model::ExtentLoader::start(): layer 'city': no source");
  layer.source = osm.string();
  model::ExtentLoaderOptions bad;
  bad.tileMeters = 0;
  auto zero = model::ExtentLoader::start(layer, {}, *frame, bad);
  REQUIRE(!zero.ok());
  CHECK(zero.error().message ==
        "model::ExtentLoader::start(): layer 'city': tile size, radius and resident tiles must be positive");
  auto invalid = model::ExtentLoader::start(layer, {}, geo::SiteFrame{});
  REQUIRE(!invalid.ok());
  CHECK(invalid.error().message == "model::ExtentLoader::start(): layer 'city': the site frame was never created");
  // A tile that cannot be read is reported, not retried while held.
  auto loader = model::ExtentLoader::start(layer, {}, *frame);
  REQUIRE(loader.ok());
  (*loader)->setView({100, 100});
  REQUIRE((*loader)->waitIdle(std::chrono::seconds(60)));
  const auto stats = (*loader)->stats();
  REQUIRE(!stats.errors.empty());
  CHECK(stats.errors[0].find(": geo::readVector(): city.osm: an extent filter does not apply to OSM files") !=
        std::string::npos);
  CHECK((*loader)->takeLoaded().empty());
}

TEST_CASE("reading by extent: a tile dropped before it was taken is neither handed out nor named dropped", "[model]") {
  test::TempDir dir("extent-unclaimed");
  auto frame = geo::SiteFrame::create({test::kGeneratedCityLon, test::kGeneratedCityLat});
  REQUIRE(frame.ok());
  // One 20 m building in the middle of each 200 m tile of a 6 x 6 grid of tiles.
  std::ofstream out(dir.path() / "b.geojson");
  out << R"({"type":"FeatureCollection","features":[)";
  for (int j = 0; j < 6; ++j)
    for (int i = 0; i < 6; ++i) {
      const double x = i * 200 + 90, y = j * 200 + 90;
      out << (i || j ? "," : "")
          << R"({"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[)";
      const core::Vec2 corners[] = {{x, y}, {x + 20, y}, {x + 20, y + 20}, {x, y + 20}, {x, y}};
      for (int k = 0; k < 5; ++k) {
        const core::LonLat ll = frame->toLonLat(corners[k]);
        out << (k ? "," : "") << "[" << std::setprecision(12) << ll.lon << "," << ll.lat << "]";
      }
      out << "]]}}";
    }
  out << "]}";
  out.close();
  model::LayerConfig layer;
  layer.id = "b";
  layer.source = (dir.path() / "b.geojson").string();
  model::ExtentLoaderOptions options;
  options.tileMeters = 200;
  options.radiusMeters = 150;
  options.maxResidentTiles = 4;
  auto loader = model::ExtentLoader::start(layer, {}, *frame, options);
  REQUIRE(loader.ok());
  model::ExtentLoader& l = **loader;
  l.setView({100, 100});  // the south-west corner's tiles, read and left untaken
  REQUIRE(l.waitIdle(std::chrono::seconds(60)));
  REQUIRE(l.readWaiting() > 0);
  l.setView({1100, 1100});  // the north-east corner: the first tiles go before they were taken
  REQUIRE(l.waitIdle(std::chrono::seconds(60)));
  CHECK(l.stats().errors.empty());
  CHECK(l.stats().tilesDropped > 0);
  CHECK(l.takeDropped().empty());  // none of them was handed out
  const auto tiles = l.takeLoaded();
  REQUIRE(!tiles.empty());
  CHECK(tiles.size() <= options.maxResidentTiles);
  for (const model::ExtentTile& t : tiles) {
    CHECK(t.key.x >= 4);  // only the north-east corner's
    CHECK(t.key.y >= 4);
    CHECK(t.buildings.size() == (t.key.x <= 5 && t.key.y <= 5 ? 1u : 0u));  // the grid is 6 x 6 tiles
  }
}
