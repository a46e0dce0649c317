// model::loadSite / interpretFeatures / buildingHeight: the height rules table, hand-made
// features, and both OSM assets with exact counts cross-checked against their SOURCE.md.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>

#include "TestPaths.h"
#include "twin/model/SiteLoader.h"

using namespace twin;
using model::HeightSource;

namespace {

std::vector<std::string> formatted(const core::Diagnostics& diag) {
  std::vector<std::string> out;
  for (const auto& d : diag.items()) out.push_back(core::formatDiagnostic(d));
  return out;
}

model::HeightRules rules() {
  model::HeightRules r;
  r.storeyMeters = 3;
  r.maxPlausibleMeters = 650;
  r.defaults = {{"*", 9}, {"residential", 18}, {"house", 6}};
  return r;
}

}  // namespace

TEST_CASE("buildingHeight follows the rules in order", "[model]") {
  struct Row {
    model::Tags tags;
    double height, minHeight, levels;
    HeightSource source;
  };
  const Row rows[] = {
      {{{"building", "yes"}, {"height", "12.5"}}, 12.5, 0, 0, HeightSource::Measured},
      {{{"building", "yes"}, {"height", "40 ft"}, {"building:levels", "6"}}, 12.192, 0, 6, HeightSource::Measured},
      {{{"building", "residential"}, {"building:levels", "6"}}, 18, 0, 6, HeightSource::Levels},
      {{{"building", "residential"}}, 18, 0, 0, HeightSource::Estimated},
      {{{"building", "house"}}, 6, 0, 0, HeightSource::Estimated},
      {{{"building", "hangar"}}, 9, 0, 0, HeightSource::Estimated},
      {{{"building", "yes"}, {"height", "30"}, {"min_height", "12"}}, 30, 12, 0, HeightSource::Measured},
      {{{"building", "yes"}, {"building:levels", "10"}, {"building:min_level", "2"}}, 30, 6, 10, HeightSource::Levels},
      {{{"building", "yes"}, {"height", "20"}, {"min_height", "5 m"}, {"building:min_level", "3"}},
       20,
       5,
       0,
       HeightSource::Measured},
  };
  for (const Row& row : rows) {
    core::Diagnostics diag;
    const auto h = model::buildingHeight(row.tags, rules(), diag, "t.osm", "way 1");
    INFO("height tag: " << (row.tags.count("height") ? row.tags.at("height") : "-"));
    CHECK(diag.empty());
    CHECK(h.heightMeters == Approx(row.height));
    CHECK(h.minHeightMeters == Approx(row.minHeight));
    CHECK(h.levels == Approx(row.levels));
    CHECK(h.source == row.source);
  }
  SECTION("no '*' in the table: three storeys") {
    model::HeightRules bare;
    core::Diagnostics diag;
    const auto h = model::buildingHeight({{"building", "yes"}}, bare, diag, "t.osm", "way 1");
    CHECK(h.heightMeters == Approx(9));
    CHECK(h.source == HeightSource::Estimated);
  }
}

TEST_CASE("buildingHeight rejects absurd values with a diagnostic and uses the next rule", "[model]") {
  struct Row {
    model::Tags tags;
    double height;
    HeightSource source;
    std::string diagnostic;
  };
  const std::string prefix = "model::buildingHeight(): t.osm way 7: ";
  const Row rows[] = {
      {{{"building", "residential"}, {"height", "-5"}},
       18,
       HeightSource::Estimated,
       prefix + "height '-5' is not plausible (must be > 0 and <= 650 m); ignored"},
      {{{"building", "residential"}, {"height", "0"}, {"building:levels", "4"}},
       12,
       HeightSource::Levels,
       prefix + "height '0' is not plausible (must be > 0 and <= 650 m); ignored"},
      {{{"building", "yes"}, {"height", "9000"}},
       9,
       HeightSource::Estimated,
       prefix + "height '9000' is not plausible (must be > 0 and <= 650 m); ignored"},
      {{{"building", "yes"}, {"height", "NaN"}},
       9,
       HeightSource::Estimated,
       prefix + "height 'NaN' is not a length; ignored"},
      {{{"building", "yes"}, {"height", "tall"}},
       9,
       HeightSource::Estimated,
       prefix + "height 'tall' is not a length; ignored"},
      {{{"building", "yes"}, {"building:levels", "RDC"}},
       9,
       HeightSource::Estimated,
       prefix + "building:levels 'RDC' is not a number; ignored"},
      {{{"building", "yes"}, {"building:levels", "0"}},
       9,
       HeightSource::Estimated,
       prefix + "building:levels '0' is not plausible (must be > 0 and <= 650 m); ignored"},
      {{{"building", "yes"}, {"building:levels", "400"}},
       9,
       HeightSource::Estimated,
       prefix + "building:levels '400' is not plausible (must be > 0 and <= 650 m); ignored"},
      {{{"building", "yes"}, {"height", "12"}, {"min_height", "30"}},
       12,
       HeightSource::Measured,
       prefix + "min height 30 m is not below height 12 m; min height set to 0"},
      {{{"building", "yes"}, {"height", "12"}, {"min_height", "-3"}},
       12,
       HeightSource::Measured,
       prefix + "min_height '-3' is not plausible (must be >= 0 and <= 650 m); ignored"},
      {{{"building", "yes"}, {"height", "12"}, {"building:min_level", "x"}},
       12,
       HeightSource::Measured,
       prefix + "building:min_level 'x' is not plausible; ignored"},
  };
  for (const Row& row : rows) {
    core::Diagnostics diag;
    const auto h = model::buildingHeight(row.tags, rules(), diag, "t.osm", "way 7");
    INFO(row.diagnostic);
    CHECK(formatted(diag) == std::vector<std::string>{row.diagnostic});
    CHECK(h.heightMeters == Approx(row.height));
    CHECK(h.source == row.source);
    CHECK(h.minHeightMeters == 0);
  }
}

TEST_CASE("buildingUseOf, names and road widths", "[model]") {
  using model::BuildingUse;
  CHECK(model::buildingUseOf({{"building", "apartments"}}) == BuildingUse::Residential);
  CHECK(model::buildingUseOf({{"building", "yes"}, {"amenity", "school"}}) == BuildingUse::Education);
  CHECK(model::buildingUseOf({{"building", "yes"}, {"shop", "bakery"}}) == BuildingUse::Commercial);
  CHECK(model::buildingUseOf({{"building", "yes"}, {"office", "company"}}) == BuildingUse::Office);
  CHECK(model::buildingUseOf({{"building", "church"}}) == BuildingUse::Religious);
  CHECK(model::buildingUseOf({{"building", "transportation"}}) == BuildingUse::Transport);
  CHECK(model::buildingUseOf({{"building", "yes"}}) == BuildingUse::Other);
  CHECK(model::buildingUseOf({{"building", "hospital"}, {"amenity", "school"}}) == BuildingUse::Healthcare);
  for (int i = 0; i < model::kBuildingUseCount; ++i) {
    BuildingUse back;
    REQUIRE(model::buildingUseFromName(model::buildingUseName(static_cast<BuildingUse>(i)), back));
    CHECK(static_cast<int>(back) == i);
  }
  BuildingUse unused;
  CHECK_FALSE(model::buildingUseFromName("castle", unused));
  CHECK(std::string(model::heightSourceName(HeightSource::Levels)) == "levels");
  CHECK(model::defaultRoadWidthMeters("primary") == 12);
  CHECK(model::defaultRoadWidthMeters("footway") == 2);
  CHECK(model::defaultRoadWidthMeters("no_such_class") == 4);
  // The one table the scene's road ribbons use too (the scene once had its own, which had drifted).
  CHECK(model::defaultRoadWidthMeters("motorway_link") == 6);
  CHECK(model::defaultRoadWidthMeters("pedestrian") == 5);
  CHECK(model::defaultRoadWidthMeters("cycleway") == 2);
}

TEST_CASE("interpretFeatures: buildings, POIs, roads and unclosed building ways", "[model]") {
  auto frame = geo::SiteFrame::create({116.35, 40.0});
  REQUIRE(frame.ok());
  model::Site site;
  site.frame = *frame;
  core::Polygon square{{{0, 0}, {10, 0}, {10, 10}, {0, 10}}, {}};
  core::Polygon small{{{20, 0}, {24, 0}, {24, 4}, {20, 4}}, {}};
  std::vector<geo::Feature> features(5);
  features[0].layer = "multipolygons";
  features[0].id = 5;
  features[0].idKind = "relation";
  features[0].kind = geo::FeatureKind::Polygon;
  features[0].polygons = {square, small};
  features[0].tags = {{"building", "school"}, {"amenity", "school"}, {"name", "School"}, {"name:zh", "学校"}};
  features[1].layer = "lines";
  features[1].id = 6;
  features[1].idKind = "way";
  features[1].kind = geo::FeatureKind::Line;
  features[1].line = {{0, 0}, {100, 0}};
  features[1].tags = {{"highway", "residential"}, {"width", "7.5 m"}};
  features[2] = features[1];
  features[2].id = 7;
  features[2].tags = {{"highway", "path"}, {"width", "wide"}};
  features[3] = features[1];
  features[3].id = 8;
  features[3].tags = {{"building", "yes"}};
  features[4].layer = "points";
  features[4].id = 9;
  features[4].idKind = "node";
  features[4].kind = geo::FeatureKind::Point;
  features[4].point = {3, 4};
  features[4].tags = {{"highway", "bus_stop"}, {"public_transport", "platform"}, {"name", "Stop"}};
  model::LayerConfig layer;
  model::interpretFeatures(features, layer, rules(), "t.osm", site);

  REQUIRE(site.buildings.size() == 2);  // one per polygon part, same id
  CHECK(site.buildings[0].osmId == 5);
  CHECK(site.buildings[1].osmId == 5);
  CHECK(site.buildings[0].name == "学校");
  CHECK(site.buildings[0].use == model::BuildingUse::Education);
  CHECK(site.buildings[0].footprintAreaM2 == Approx(100));
  CHECK(site.buildings[1].footprintAreaM2 == Approx(16));
  CHECK(site.buildings[0].heightSource == HeightSource::Estimated);
  CHECK(site.buildings[0].heightMeters == Approx(9));
  REQUIRE(site.pois.size() == 2);
  CHECK(site.pois[0].category == "amenity");
  CHECK(site.pois[0].kind == "school");
  CHECK(site.pois[0].fromPolygon);
  CHECK(site.pois[0].position.x == Approx(5));  // centroid of the largest part
  CHECK(site.pois[1].category == "highway");
  CHECK(site.pois[1].kind == "bus_stop");
  CHECK(site.pois[1].name == "Stop");
  REQUIRE(site.roads.size() == 2);
  CHECK(site.roads[0].widthMeters == Approx(7.5));
  CHECK(site.roads[1].widthMeters == Approx(1.5));
  CHECK(
      formatted(site.diagnostics) ==
      std::vector<std::string>{
          "model::interpretFeatures(): t.osm lines way 7: road width 'wide' is not a plausible length (0.5 to 100 m); "
          "default width for path used",
          "model::interpretFeatures(): t.osm lines way 8: building ring not closed; skipped"});

  SECTION("a non-OSM buildings layer with a fields mapping") {
    model::Site s2;
    model::LayerConfig blocks;
    blocks.role = "buildings";
    blocks.fields = {{"height", "HGT"}, {"name", "NAME"}, {"use", "KIND"}};
    geo::Feature f;
    f.layer = "blocks";
    f.id = 3;
    f.idKind = "fid";
    f.kind = geo::FeatureKind::Polygon;
    f.polygons = {square};
    f.tags = {{"HGT", "31.5"}, {"NAME", "楼 A"}, {"KIND", "office"}};
    model::interpretFeatures({f}, blocks, rules(), "blocks.gpkg", s2);
    REQUIRE(s2.buildings.size() == 1);
    CHECK(s2.buildings[0].heightMeters == Approx(31.5));
    CHECK(s2.buildings[0].heightSource == HeightSource::Measured);
    CHECK(s2.buildings[0].name == "楼 A");
    CHECK(s2.buildings[0].use == model::BuildingUse::Office);
    CHECK(s2.buildings[0].idKind == "fid");
    CHECK(s2.pois.empty());
  }
}

TEST_CASE("loadSite: the Beijing scene, counts cross-checked with SOURCE.md", "[model][slow]") {
  auto config = model::loadSceneConfig(test::scenesDir() / "beijing-liudaokou.json");
  REQUIRE(config.ok());
  std::vector<std::string> stages;
  auto site = model::loadSite(*config, [&](std::string_view stage, double) {
    if (stages.empty() || stages.back() != stage) stages.emplace_back(stage);
  });
  REQUIRE(site.ok());
  CHECK(stages == std::vector<std::string>{"read", "reproject", "interpret"});
  CHECK(site->name == "六道口 · 中国农业大学东校区");

  // SOURCE.md: 257 buildings (GDAL multipolygons with building). All lie inside the clip box.
  std::set<std::pair<std::string, std::int64_t>> ids;
  std::map<std::string, int> bySource;
  for (const auto& b : site->buildings) {
    ids.emplace(b.idKind, b.osmId);
    ++bySource[model::heightSourceName(b.heightSource)];
  }
  CHECK(site->buildings.size() == 257);
  CHECK(ids.size() == 257);
  // SOURCE.md: only 6 buildings have building:levels, none has height.
  CHECK(bySource == std::map<std::string, int>{{"estimated", 251}, {"levels", 6}});

  // SOURCE.md: 302 highway=* ways, all crossing or inside the clip box.
  std::map<std::string, int> roads;
  for (const auto& r : site->roads) ++roads[r.highway];
  CHECK(site->roads.size() == 302);
  CHECK(roads["service"] == 102);
  CHECK(roads["footway"] == 64);
  CHECK(roads["primary"] == 25);
  CHECK(roads["path"] == 24);
  CHECK(roads["motorway"] == 2);

  std::map<std::string, int> byCategory, byKind;
  for (const auto& p : site->pois) {
    ++byCategory[p.category];
    ++byKind[p.category + "=" + p.kind];
  }
  // SOURCE.md: 126 amenity objects, 63 shops, 24 bus stops, 1 subway station, 9 entrances.
  CHECK(
      byCategory ==
      std::map<std::string, int>{
          {"amenity", 126}, {"shop", 63}, {"highway", 24}, {"railway", 10}, {"leisure", 33}, {"public_transport", 1}});
  CHECK(byKind["amenity=school"] == 3);
  CHECK(byKind["amenity=kindergarten"] == 2);
  CHECK(byKind["amenity=hospital"] == 2);
  CHECK(byKind["amenity=restaurant"] == 33);
  CHECK(byKind["amenity=parking"] == 19);
  CHECK(byKind["shop=supermarket"] == 2);
  CHECK(byKind["railway=station"] == 1);
  CHECK(byKind["railway=subway_entrance"] == 9);
  const auto station =
      std::find_if(site->pois.begin(), site->pois.end(), [](const model::Poi& p) { return p.kind == "station"; });
  REQUIRE(station != site->pois.end());
  CHECK(station->name == "六道口");
  CHECK(station->idKind == "node");
  CHECK(station->osmId == 5687426566);

  // SOURCE.md: relations are included without all their members; GDAL drops two multipolygons.
  CHECK(formatted(site->diagnostics) ==
        std::vector<std::string>{
            "geo::readVector(): cau_haidian_beijing.osm multipolygons relation 14400092: multipolygon relation has "
            "missing member ways; skipped",
            "geo::readVector(): cau_haidian_beijing.osm multipolygons relation 15972224: multipolygon relation has "
            "missing member ways; skipped"});
  CHECK(site->attributions == std::vector<std::string>{"© OpenStreetMap contributors (ODbL)"});
  // Buildings extent lon 116.342678-116.361288, lat 39.997243-40.009601 around the origin.
  const core::LonLat sw = site->frame.toLonLat({site->extent.minX, site->extent.minY});
  const core::LonLat ne = site->frame.toLonLat({site->extent.maxX, site->extent.maxY});
  CHECK(sw.lon >= 116.340);
  CHECK(ne.lon <= 116.364);
  CHECK(sw.lat >= 39.995);
  CHECK(ne.lat <= 40.012);
  CHECK(site->extent.width() > 1500);
}

TEST_CASE("loadSite: the Monaco scene, counts cross-checked with SOURCE.md", "[model][slow]") {
  auto config = model::loadSceneConfig(test::scenesDir() / "monaco.json");
  REQUIRE(config.ok());
  auto site = model::loadSite(*config);
  REQUIRE(site.ok());
  std::set<std::pair<std::string, std::int64_t>> ids;
  std::map<std::string, int> bySource;
  int withLevelsTag = 0, withHeightTag = 0;
  for (const auto& b : site->buildings) {
    ids.emplace(b.idKind, b.osmId);
    ++bySource[model::heightSourceName(b.heightSource)];
    withLevelsTag += b.tags.count("building:levels") ? 1 : 0;
    withHeightTag += b.tags.count("height") ? 1 : 0;
  }
  // SOURCE.md: 1,626 ways+relations with building=*, 1,624 of them in GDAL's multipolygons
  // layer (the other two are relations GDAL drops for missing member ways). A type=building
  // relation in GDAL's other_relations layer is not counted again.
  CHECK(ids.size() == 1624);
  CHECK(site->buildings.size() == 1624);
  // SOURCE.md: 492 with building:levels, 45 with height (counted over all 1,626).
  CHECK(withHeightTag == 45);
  CHECK(withLevelsTag == 492);
  // 52 features carry building:part (ogrinfo: 49 closed ways the OSM driver gives as lines, 3 in
  // multipolygons); two of those also have building=* and are buildings. The other 50 all stand
  // in 13 building outlines (Tour Odéon's 170 m tower among them).
  CHECK(site->buildingParts.size() == 50);
  std::set<std::int64_t> withParts;
  for (const auto& part : site->buildingParts) withParts.insert(part.partOf);
  CHECK(withParts.size() == 13);
  CHECK(std::count_if(site->buildings.begin(), site->buildings.end(),
                      [](const model::Building& b) { return b.partCount > 0; }) == 13);
  // 45 measured; of the 492 with levels, 36 also have a height and two are unusable ("0", "RDC").
  CHECK(bySource == std::map<std::string, int>{{"measured", 45}, {"levels", 454}, {"estimated", 1125}});
  CHECK(site->diagnostics.countByMessage() ==
        std::map<std::string, std::size_t>{
            {"multipolygon relation has missing member ways", 35},
            {"self-intersecting polygon", 1},
            {"building:levels '0' is not plausible (must be > 0 and <= 650 m)", 1},
            {"building:levels 'RDC' is not a number", 1},
            {"1 nodata pixel", 1}});  // an SRTM void in the terrain window, filled from its neighbours

  std::map<std::string, int> roads;
  for (const auto& r : site->roads) ++roads[r.highway];
  // SOURCE.md counts 3,636 highway=* ways; 3,611 are lines here: closed highway ways that the
  // OSM driver turns into areas (pedestrian squares, platforms) are polygons, not roads.
  CHECK(site->roads.size() == 3611);
  CHECK(roads["footway"] == 1804);
  CHECK(roads["steps"] == 467);
  CHECK(roads["service"] == 400);
  CHECK(roads["residential"] == 317);
  CHECK(roads["secondary"] == 203);
  CHECK(roads["primary"] == 135);

  std::map<std::string, int> byKind;
  for (const auto& p : site->pois) ++byKind[p.category + "=" + p.kind];
  // SOURCE.md: school 11, kindergarten 2, hospital 5, pharmacy 18, restaurant 127, cafe 29,
  // parking 93, 117 bus stops, 1 railway station, 10 supermarkets.
  CHECK(byKind["amenity=school"] == 11);
  CHECK(byKind["amenity=kindergarten"] == 2);
  CHECK(byKind["amenity=hospital"] == 5);
  CHECK(byKind["amenity=pharmacy"] == 18);
  CHECK(byKind["amenity=restaurant"] == 127);
  CHECK(byKind["amenity=cafe"] == 29);
  CHECK(byKind["amenity=parking"] == 93);
  CHECK(byKind["highway=bus_stop"] == 117);
  CHECK(byKind["railway=station"] == 1);
  CHECK(byKind["shop=supermarket"] == 10);
  // SOURCE.md counts 1,295 amenity objects and 253 benches; open ways are not POIs, and seven
  // amenity-tagged ways are lines (5 benches drawn as lines, 2 parking_exit).
  CHECK(byKind["amenity=bench"] == 248);
  int amenities = 0;
  for (const auto& p : site->pois) amenities += p.category == "amenity" ? 1 : 0;
  CHECK(amenities == 1288);
  CHECK(site->attributions ==
        std::vector<std::string>{"© OpenStreetMap contributors (ODbL)", "SRTM data courtesy of NASA / USGS"});
  // The clip keeps far boundary nodes out of the extent: about 2.5 km x 3.1 km of buildings.
  CHECK(site->extent.width() < 3000);
  CHECK(site->extent.height() < 3500);
}

TEST_CASE("loadSite: a layer that cannot be read names the layer and the file", "[model]") {
  test::TempDir dir("model");
  {
    std::ofstream(dir.path() / "scene.json") << R"({"site":{"origin":{"lon":7.42,"lat":43.73}},
      "layers":[{"id":"streets","source":"missing.gpkg"}]})";
  }
  auto config = model::loadSceneConfig(dir.path() / "scene.json");
  REQUIRE(config.ok());
  auto site = model::loadSite(*config);
  REQUIRE_FALSE(site.ok());
  CHECK(site.error().message == "model::loadSite(): layer 'streets': geo::readVector(): missing.gpkg: file not found");
}

TEST_CASE("loadSite: OSM building:parts stand in their building's outline; a stray part is a building", "[model]") {
  // Through GDAL's OSM driver: a closed way tagged only building:part comes as a line there.
  test::TempDir dir("model-parts");
  {
    std::ofstream osm(dir.path() / "parts.osm");
    osm << R"(<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="hand">
 <node id="1" lat="40.0000" lon="116.3000"/><node id="2" lat="40.0000" lon="116.3005"/>
 <node id="3" lat="40.0004" lon="116.3005"/><node id="4" lat="40.0004" lon="116.3000"/>
 <node id="5" lat="40.0001" lon="116.3001"/><node id="6" lat="40.0001" lon="116.3004"/>
 <node id="7" lat="40.0003" lon="116.3004"/><node id="8" lat="40.0003" lon="116.3001"/>
 <node id="9" lat="40.0010" lon="116.3020"/><node id="10" lat="40.0010" lon="116.3022"/>
 <node id="11" lat="40.0012" lon="116.3022"/><node id="12" lat="40.0012" lon="116.3020"/>
 <way id="100"><nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="4"/><nd ref="1"/>
  <tag k="building" v="yes"/><tag k="height" v="60"/><tag k="name" v="双子塔"/></way>
 <way id="101"><nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="4"/><nd ref="1"/>
  <tag k="building:part" v="yes"/><tag k="height" v="12"/></way>
 <way id="102"><nd ref="5"/><nd ref="6"/><nd ref="7"/><nd ref="8"/><nd ref="5"/>
  <tag k="building:part" v="yes"/><tag k="height" v="60"/><tag k="min_height" v="12"/></way>
 <way id="103"><nd ref="9"/><nd ref="10"/><nd ref="11"/><nd ref="12"/><nd ref="9"/>
  <tag k="building:part" v="yes"/><tag k="building:levels" v="4"/></way>
 <way id="104"><nd ref="9"/><nd ref="10"/><nd ref="11"/><tag k="building:part" v="yes"/></way>
 <way id="105"><nd ref="5"/><nd ref="6"/><nd ref="7"/><nd ref="8"/><nd ref="5"/><tag k="building:part" v="no"/></way>
</osm>
)";
    std::ofstream(dir.path() / "scene.json") << R"({"site":{"origin":{"lon":116.3,"lat":40.0}},
      "layers":[{"id":"osm","source":"parts.osm"}]})";
  }
  auto config = model::loadSceneConfig(dir.path() / "scene.json");
  REQUIRE(config.ok());
  auto site = model::loadSite(*config);
  REQUIRE(site.ok());
  REQUIRE(site->buildings.size() == 2);
  const model::Building& outline = site->buildings[0];
  CHECK(outline.osmId == 100);
  CHECK(outline.partCount == 2);
  CHECK(outline.heightMeters == 60);
  CHECK(outline.partsTopMeters == 60);
  CHECK(model::drawnTopMeters(outline) == 60);
  REQUIRE(site->buildingParts.size() == 2);
  for (const model::Building& part : site->buildingParts) {
    CHECK(part.partOf == 0);
    CHECK(part.use == outline.use);
  }
  const model::Building& podium = site->buildingParts[0].osmId == 101 ? site->buildingParts[0] : site->buildingParts[1];
  const model::Building& tower = site->buildingParts[0].osmId == 102 ? site->buildingParts[0] : site->buildingParts[1];
  CHECK(podium.heightMeters == 12);
  CHECK(podium.minHeightMeters == 0);
  CHECK(podium.footprintAreaM2 == Approx(outline.footprintAreaM2).epsilon(1e-6));
  CHECK(tower.heightMeters == 60);
  CHECK(tower.minHeightMeters == 12);
  CHECK(tower.footprintAreaM2 < outline.footprintAreaM2 / 2);
  // The stray part, away from every outline, is a building of its own (4 storeys).
  const model::Building& stray = site->buildings[1];
  CHECK(stray.osmId == 103);
  CHECK(stray.partCount == 0);
  CHECK(stray.heightSource == HeightSource::Levels);
  CHECK(stray.buildingTag == "yes");
  const auto messages = formatted(site->diagnostics);
  CHECK(std::count(messages.begin(), messages.end(),
                   "model::interpretFeatures(): parts.osm way 103: building:part outside every building outline; "
                   "drawn as a building") == 1);
  CHECK(std::count(messages.begin(), messages.end(),
                   "model::interpretFeatures(): parts.osm lines way 104: building:part ring not closed; skipped") == 1);
}

TEST_CASE("loadSite: absurd heights in a GeoJSON layer are reported and estimated", "[model]") {
  test::TempDir dir("model");
  const std::string ring = "[[[7.420,43.730],[7.421,43.730],[7.421,43.731],[7.420,43.731],[7.420,43.730]]]";
  {
    std::ofstream(dir.path() / "heights.geojson") << R"({"type":"FeatureCollection","name":"blocks","features":[
{"type":"Feature","properties":{"building":"apartments","height":"-5"},"geometry":{"type":"Polygon","coordinates":)"
                                                  << ring << R"(}},
{"type":"Feature","properties":{"building":"yes","height":"9000","building:levels":"4"},"geometry":{"type":"Polygon","coordinates":)"
                                                  << ring << R"(}},
{"type":"Feature","properties":{"building":"yes","height":"25","min_height":"40"},"geometry":{"type":"Polygon","coordinates":)"
                                                  << ring << R"(}}]})";
    std::ofstream(dir.path() / "scene.json") << R"({"site":{"origin":{"lon":7.42,"lat":43.73}},
      "heights":{"defaults":{"apartments":21}},"layers":[{"id":"blocks","source":"heights.geojson"}]})";
  }
  auto config = model::loadSceneConfig(dir.path() / "scene.json");
  REQUIRE(config.ok());
  auto site = model::loadSite(*config);
  REQUIRE(site.ok());
  REQUIRE(site->buildings.size() == 3);
  CHECK(site->buildings[0].heightMeters == 21);
  CHECK(site->buildings[0].heightSource == HeightSource::Estimated);
  CHECK(site->buildings[1].heightMeters == 12);
  CHECK(site->buildings[1].heightSource == HeightSource::Levels);
  CHECK(site->buildings[2].heightMeters == 25);
  CHECK(site->buildings[2].minHeightMeters == 0);
  CHECK(site->attributions.empty());
  CHECK(formatted(site->diagnostics) ==
        std::vector<std::string>{"model::buildingHeight(): heights.geojson fid 0: height '-5' is not plausible (must "
                                 "be > 0 and <= 650 m); ignored",
                                 "model::buildingHeight(): heights.geojson fid 1: height '9000' is not plausible (must "
                                 "be > 0 and <= 650 m); ignored",
                                 "model::buildingHeight(): heights.geojson fid 2: min height 40 m is not below height "
                                 "25 m; min height set to 0"});
}
