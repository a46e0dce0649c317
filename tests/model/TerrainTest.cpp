// Scene keys layers[].datum and terrain; loadSite with the Monaco SRTM crop; applyTerrain on
// hand-made records.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>

#include "TestPaths.h"
#include "twin/model/SceneConfig.h"
#include "twin/model/SiteLoader.h"

using namespace twin;

namespace {

const std::filesystem::path kFile = "/scenes/x.json";
const std::string kPrefix = "model::loadSceneConfig(): x.json: ";

std::string errorOf(const std::string& json) {
  auto r = model::parseSceneConfig(json, kFile);
  REQUIRE_FALSE(r.ok());
  return r.error().message;
}

std::string scene(const std::string& layerExtra, const std::string& extra = "") {
  return R"({"site":{"origin":{"lon":116.35,"lat":40.0}},"layers":[{"source":"a.geojson")" +
         (layerExtra.empty() ? "" : "," + layerExtra) + "}]" + (extra.empty() ? "" : "," + extra) + "}";
}

}  // namespace

TEST_CASE("scene key layers[].datum", "[model]") {
  auto c = model::parseSceneConfig(scene(""), kFile);
  REQUIRE(c.ok());
  CHECK(c->layers[0].datum == geo::LonLatDatum::Wgs84);
  c = model::parseSceneConfig(scene(R"("datum":"gcj02")"), kFile);
  REQUIRE(c.ok());
  CHECK(c->layers[0].datum == geo::LonLatDatum::Gcj02);
  c = model::parseSceneConfig(scene(R"("datum":"BD-09")"), kFile);
  REQUIRE(c.ok());
  CHECK(c->layers[0].datum == geo::LonLatDatum::Bd09);
  CHECK(errorOf(scene(R"("datum":"mars")")) ==
        kPrefix + "key 'layers[0].datum': expected \"wgs84\", \"gcj02\" or \"bd09\", got \"mars\"");
  CHECK(errorOf(scene(R"("datum":2)")) == kPrefix + "key 'layers[0].datum': expected a string, got 2");
}

TEST_CASE("scene key terrain", "[model]") {
  auto c = model::parseSceneConfig(scene("", R"("terrain":{"source":"../assets/dem/x.tif"})"), kFile);
  REQUIRE(c.ok());
  REQUIRE(c->terrain.has_value());
  CHECK(c->terrain->source == "/assets/dem/x.tif");
  CHECK(c->terrain->resolutionMeters == 30);
  CHECK(c->terrain->verticalOffsetMeters == 0);
  CHECK(c->terrain->marginMeters == 200);
  CHECK(c->sections.count("terrain") == 1);
  c = model::parseSceneConfig(
      scene("", R"("terrain":{"source":"/vsizip/t.zip/N43E007.hgt","resolutionMeters":10,"verticalOffset":-48.5,)"
                R"("marginMeters":0,"attribution":"SRTM"})"),
      kFile);
  REQUIRE(c.ok());
  CHECK(c->terrain->source == "/vsizip/t.zip/N43E007.hgt");
  CHECK(c->terrain->resolutionMeters == 10);
  CHECK(c->terrain->verticalOffsetMeters == -48.5);
  CHECK(c->terrain->marginMeters == 0);
  CHECK(c->terrain->attribution == "SRTM");
  CHECK_FALSE(model::parseSceneConfig(scene(""), kFile)->terrain.has_value());

  CHECK(errorOf(scene("", R"("terrain":{})")) == kPrefix + "key 'terrain.source': missing (required)");
  CHECK(errorOf(scene("", R"("terrain":"x.tif")")) == kPrefix + "key 'terrain': expected an object, got a string");
  CHECK(errorOf(scene("", R"("terrain":{"source":"x.tif","resolutionMeters":0})")) ==
        kPrefix + "key 'terrain.resolutionMeters': expected a number > 0 and <= 10000, got 0");
  CHECK(errorOf(scene("", R"("terrain":{"source":"x.tif","verticalOffset":"up"})")) ==
        kPrefix + "key 'terrain.verticalOffset': expected a number, got \"up\"");
  CHECK(errorOf(scene("", R"("terrain":{"source":"x.tif","resolution":5})")) ==
        kPrefix +
            "key 'terrain.resolution': unknown key (expected one of: source, resolutionMeters, verticalOffset, "
            "marginMeters, attribution)");
}

TEST_CASE("applyTerrain sets base, road and POI elevations", "[model]") {
  geo::Heightfield terrain;
  terrain.originMeters = {0, 0};
  terrain.spacingMeters = 10;
  terrain.columns = 3;
  terrain.rows = 2;
  terrain.heights = {10, 20, 30, 12, 22, 32};  // the plane h = 10 + x + 0.2 y
  model::Site site;
  model::Building b;
  b.footprint.outer = {{5, 2}, {15, 2}, {15, 8}, {5, 8}};
  b.osmId = 7;
  b.idKind = "way";
  site.buildings.push_back(b);
  model::Building broken = b;
  broken.footprint.outer = {{1, 1}, {NAN, 2}, {3, 1}};
  broken.osmId = 8;
  broken.sourceFile = "x.osm";
  site.buildings.push_back(broken);
  model::Road r;
  r.line = {{0, 0}, {20, 10}, {5, 5}};
  site.roads.push_back(r);
  model::Poi p;
  p.position = {10, 5};
  site.pois.push_back(p);
  model::applyTerrain(terrain, site);
  CHECK(site.buildings[0].baseElevationMeters == Approx(15 + 0.4));  // lowest corner (5, 2)
  CHECK(site.buildings[1].baseElevationMeters == 0);
  REQUIRE(site.roads[0].elevations.size() == 3);
  CHECK(site.roads[0].elevations[0] == Approx(10));
  CHECK(site.roads[0].elevations[1] == Approx(32));
  CHECK(site.roads[0].elevations[2] == Approx(16));
  CHECK(site.pois[0].elevationMeters == Approx(21));
  REQUIRE(site.diagnostics.total() == 1);
  CHECK(core::formatDiagnostic(site.diagnostics.items()[0]) ==
        "model::applyTerrain(): x.osm way 8: no terrain height under the feature; elevation set to 0");
}

TEST_CASE("loadSite: Monaco sits on the SRTM crop", "[model][slow]") {
  auto config = model::loadSceneConfig(test::scenesDir() / "monaco.json");
  REQUIRE(config.ok());
  REQUIRE(config->terrain.has_value());
  auto site = model::loadSite(*config);
  REQUIRE(site.ok());
  REQUIRE(site->terrain.has_value());
  const geo::Heightfield& terrain = *site->terrain;
  CHECK(terrain.spacingMeters == 30);
  CHECK(terrain.coveredFraction == 1);
  CHECK(terrain.extent().minX <= site->extent.minX - 199.9);
  CHECK(terrain.extent().maxY >= site->extent.maxY + 199.9);
  CHECK(std::find(site->attributions.begin(), site->attributions.end(), "SRTM data courtesy of NASA / USGS") !=
        site->attributions.end());
  std::size_t above50 = 0;
  for (const auto& b : site->buildings) {
    REQUIRE(std::isfinite(b.baseElevationMeters));
    CHECK(b.baseElevationMeters == terrain.minHeightUnder(b.footprint));
    CHECK(b.baseElevationMeters <= terrain.heightAt(b.footprint.outer[0]) + 1e-9);
    above50 += b.baseElevationMeters > 50 ? 1 : 0;
  }
  // Monaco climbs from the harbour to Moyenne Corniche: many buildings stand well above sea level.
  CHECK(above50 > 200);
  for (const auto& r : site->roads) REQUIRE(r.elevations.size() == r.line.size());
  for (const auto& p : site->pois) CHECK(p.elevationMeters == terrain.heightAt(p.position));
}

TEST_CASE("loadSite: a terrain that cannot be read or misses the site is an error", "[model]") {
  test::TempDir dir("terrain");
  const std::string ring = "[[[7.420,43.730],[7.421,43.730],[7.421,43.731],[7.420,43.731],[7.420,43.730]]]";
  std::ofstream(dir.path() / "b.geojson")
      << R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"building":"yes"},"geometry":{"type":"Polygon","coordinates":)"
      << ring << "}}]}";
  const std::string dem = (test::assetsDir() / "dem" / "monaco_srtm3_crop.tif").string();
  const std::string farRing = "[[[8.520,43.730],[8.521,43.730],[8.521,43.731],[8.520,43.731],[8.520,43.730]]]";
  std::ofstream(dir.path() / "far.geojson")
      << R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"building":"yes"},"geometry":{"type":"Polygon","coordinates":)"
      << farRing << "}}]}";
  auto load = [&](const std::string& origin, const std::string& terrainSource, const std::string& layer = "b.geojson") {
    std::ofstream(dir.path() / "scene.json") << R"({"site":{"origin":)" << origin << R"(},"layers":[{"source":")"
                                             << layer << R"("}],"terrain":{"source":")" << terrainSource << R"("}})";
    auto config = model::loadSceneConfig(dir.path() / "scene.json");
    REQUIRE(config.ok());
    return model::loadSite(*config);
  };
  auto missing = load(R"({"lon":7.42,"lat":43.73})", "none.tif");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().message == "model::loadSite(): terrain: geo::readDem(): none.tif: file not found");
  auto far = load(R"({"lon":8.52,"lat":43.73})", dem, "far.geojson");
  REQUIRE_FALSE(far.ok());
  CHECK(far.error().message ==
        "model::loadSite(): terrain: geo::readDem(): monaco_srtm3_crop.tif: does not cover the site: DEM lon "
        "7.37958..7.47958, lat 43.70042..43.77042; site lon 8.52000..8.52100, lat 43.73000..43.73100");
  auto ok = load(R"({"lon":7.42,"lat":43.73})", dem);
  REQUIRE(ok.ok());
  REQUIRE(ok->buildings.size() == 1);
  CHECK(ok->buildings[0].baseElevationMeters == ok->terrain->minHeightUnder(ok->buildings[0].footprint));
}

TEST_CASE("loadSite: a layer with datum gcj02 lands on its WGS84 twin", "[model]") {
  test::TempDir dir("datum-scene");
  auto polygonIn = [](geo::LonLatDatum datum) {
    std::string ring;
    for (const core::LonLat corner :
         {core::LonLat{116.3490, 39.9991}, core::LonLat{116.3502, 39.9991}, core::LonLat{116.3502, 40.0003},
          core::LonLat{116.3490, 40.0003}, core::LonLat{116.3490, 39.9991}}) {
      const core::LonLat p = geo::convertLonLat(corner, geo::LonLatDatum::Wgs84, datum);
      char buf[64];
      std::snprintf(buf, sizeof buf, "%s[%.10f,%.10f]", ring.empty() ? "" : ",", p.lon, p.lat);
      ring += buf;
    }
    return R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{"building":"yes"},)"
           R"("geometry":{"type":"Polygon","coordinates":[[)" +
           ring + "]]}}]}";
  };
  std::ofstream(dir.path() / "wgs.geojson") << polygonIn(geo::LonLatDatum::Wgs84);
  std::ofstream(dir.path() / "amap.geojson") << polygonIn(geo::LonLatDatum::Gcj02);
  std::ofstream(dir.path() / "scene.json")
      << R"({"site":{"origin":{"lon":116.35,"lat":40.0}},"layers":[{"id":"osm","source":"wgs.geojson"},)"
         R"({"id":"amap","source":"amap.geojson","datum":"gcj02"}]})";
  auto config = model::loadSceneConfig(dir.path() / "scene.json");
  REQUIRE(config.ok());
  auto site = model::loadSite(*config);
  REQUIRE(site.ok());
  REQUIRE(site->buildings.size() == 2);
  const auto& a = site->buildings[0].footprint.outer;
  const auto& b = site->buildings[1].footprint.outer;
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) CHECK(std::hypot(a[i].x - b[i].x, a[i].y - b[i].y) < 0.05);
}
