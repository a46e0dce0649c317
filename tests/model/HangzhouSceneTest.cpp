// The default scene, scenes/hangzhou-qianjiang.json (钱江世纪城): counts cross-checked with GDAL's
// OSM driver on the asset (ogrinfo figures in the comments), the share of measured heights, and
// its simulated sensors bound to buildings that exist in the loaded site.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <set>

#include "TestPaths.h"
#include "twin/model/Sensor.h"
#include "twin/model/SiteLoader.h"

using namespace twin;

TEST_CASE("loadSite: the Hangzhou Qianjiang scene, counts cross-checked with ogrinfo", "[model][slow]") {
  auto config = model::loadSceneConfig(test::scenesDir() / "hangzhou-qianjiang.json");
  REQUIRE(config.ok());
  auto site = model::loadSite(*config);
  REQUIRE(site.ok());
  CHECK(site->name == "钱江世纪城 · 丰瑞北苑社区");

  std::set<std::pair<std::string, std::int64_t>> ids;
  std::map<std::string, int> bySource;
  int withHeightTag = 0, withNameEn = 0, withMinHeight = 0;
  for (const auto& b : site->buildings) {
    ids.emplace(b.idKind, b.osmId);
    ++bySource[model::heightSourceName(b.heightSource)];
    withHeightTag += b.tags.count("height") ? 1 : 0;
    withNameEn += b.tags.count("name:en") ? 1 : 0;
    withMinHeight += b.tags.count("min_height") ? 1 : 0;
  }
  // ogrinfo (GDAL OSM driver, default osmconf.ini) on the asset: 505 multipolygons with
  // building=*, 270 of them with `height` in other_tags. The loader adds one building:part that
  // stands in no outline (drawn as a building of its own) and splits multi-outline buildings
  // into one Building per polygon part, all sharing the OSM id.
  CHECK(ids.size() == 506);
  CHECK(site->buildings.size() == 518);
  CHECK(site->buildingParts.size() == 11);
  // `height`, `min_height` and `name:en` live in GDAL's other_tags: they must reach the model.
  CHECK(withHeightTag == 276);
  CHECK(withMinHeight > 0);
  CHECK(withNameEn > 0);
  CHECK(bySource == std::map<std::string, int>{{"measured", 276}, {"levels", 1}, {"estimated", 241}});
  // More than half the buildings carry a measured height.
  CHECK(double(bySource["measured"]) / double(site->buildings.size()) > 0.5);

  // ogrinfo: 472 lines with highway=* (footway 108, service 133, primary 53).
  std::map<std::string, int> roads;
  for (const auto& r : site->roads) ++roads[r.highway];
  CHECK(site->roads.size() == 472);
  CHECK(roads["footway"] == 108);
  CHECK(roads["service"] == 133);
  CHECK(roads["primary"] == 53);

  // ogrinfo -spat (the clip box): 28 subway entrances, 7 railway=station nodes; 27 bus stops.
  std::map<std::string, int> byKind;
  for (const auto& p : site->pois) ++byKind[p.category + "=" + p.kind];
  CHECK(byKind["railway=subway_entrance"] == 28);
  CHECK(byKind["railway=station"] == 7);
  CHECK(byKind["highway=bus_stop"] == 27);
  CHECK(byKind["amenity=kindergarten"] == 3);
  CHECK(byKind["amenity=clinic"] == 1);
  const auto station = std::find_if(site->pois.begin(), site->pois.end(),
                                    [](const model::Poi& p) { return p.kind == "station" && p.name == "钱江世纪城"; });
  CHECK(station != site->pois.end());
  CHECK(site->attributions == std::vector<std::string>{"© OpenStreetMap contributors (ODbL)"});
}

TEST_CASE("Hangzhou Qianjiang scene: every sensor is simulated and bound to a building of the site", "[model][slow]") {
  const auto file = test::scenesDir() / "hangzhou-qianjiang.json";
  auto sensors = model::loadSensorConfig(file);
  REQUIRE(sensors.ok());
  auto config = model::loadSceneConfig(file);
  REQUIRE(config.ok());
  auto site = model::loadSite(*config);
  REQUIRE(site.ok());

  std::set<std::string> kinds;
  REQUIRE(sensors->sensors.size() == 6);
  for (const model::SensorDef& s : sensors->sensors) {
    INFO(s.id);
    kinds.insert(s.kind);
    CHECK(s.simulated);
    CHECK(s.name.find("模拟") != std::string::npos);
    CHECK(s.nameEn.find("simulated") != std::string::npos);
    CHECK_FALSE(s.position.has_value());
    REQUIRE(s.building.rfind("way/", 0) == 0);
    const std::int64_t way = std::stoll(s.building.substr(4));
    const auto building = std::find_if(site->buildings.begin(), site->buildings.end(),
                                       [&](const model::Building& b) { return b.idKind == "way" && b.osmId == way; });
    REQUIRE(building != site->buildings.end());
    // All six stand in the 丰瑞北苑 compound: residential towers and its 25 m service building.
    CHECK(building->heightSource == model::HeightSource::Measured);
    if (s.kind == "water_level" || s.kind == "parking_occupancy") CHECK(s.floor == -1);
    CHECK(s.source.kind == model::SourceKind::Replay);
    CHECK(s.source.replay.file.filename() == "simulated-qianjiang.jsonl");
  }
  CHECK(kinds ==
        std::set<std::string>{"water_level", "smoke", "lift_vibration", "power", "parking_occupancy", "noise"});
  // Every kind has at least one rule, so the replay's episodes raise alerts.
  for (const model::SensorDef& s : sensors->sensors) CHECK_FALSE(sensors->rulesFor(s).empty());
}
