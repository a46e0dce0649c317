// model::readCityJson(): the four cjio samples (counts from their SOURCE.md; geometry, surface
// and semantics counts computed independently with Python's json module over the same files),
// placement against PROJ, hand-made files (one per error and diagnostic) and truncated copies.
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <iterator>
#include <map>
#include <string>

#include "TestPaths.h"
#include "twin/geo/PointConversion.h"
#include "twin/model/CityModel.h"

using namespace twin;
using model::CityJsonOptions;

namespace {

std::filesystem::path sample(const std::string& name) { return test::testDataDir() / "cityjson" / name; }

std::vector<std::string> formatted(const core::Diagnostics& diag) {
  std::vector<std::string> out;
  for (const auto& d : diag.items()) out.push_back(core::formatDiagnostic(d));
  return out;
}

CityJsonOptions rd() {
  CityJsonOptions o;
  o.crs = "EPSG:28992";
  return o;
}

// A frame in RD New itself, so local coordinates are RD minus the origin's RD coordinates.
geo::SiteFrame rdFrame() {
  auto f = geo::SiteFrame::create(core::LonLat{4.36, 52.01}, "EPSG:28992");
  REQUIRE(f.ok());
  return f.value();
}

// A small valid CityJSON 2.0 document; `objects` replaces the CityObjects body.
std::string document(
    const std::string& objects,
    const std::string& vertices =
        "[[0,0,0],[1000,0,0],[1000,1000,0],[0,1000,0],[0,0,3000],[1000,0,3000],[1000,1000,3000],[0,1000,3000]]",
    const std::string& extra = "") {
  return R"({"type":"CityJSON","version":"2.0","transform":{"scale":[0.01,0.01,0.001],"translate":[85000,447500,1]},)"
         R"("metadata":{"referenceSystem":"https://www.opengis.net/def/crs/EPSG/0/28992"},)" +
         extra + R"("CityObjects":{)" + objects + R"(},"vertices":)" + vertices + "}";
}

const char* kCube =
    R"("cube":{"type":"Building","attributes":{"name":"box","floors":1},"geometry":[{"type":"Solid","lod":"2.2",)"
    R"("boundaries":[[[[0,3,2,1]],[[4,5,6,7]],[[0,1,5,4]],[[1,2,6,5]],[[2,3,7,6]],[[3,0,4,7]]]],)"
    R"("semantics":{"surfaces":[{"type":"GroundSurface"},{"type":"RoofSurface"},{"type":"WallSurface"}],)"
    R"("values":[[0,1,2,2,2,null]]}}]})";

}  // namespace

TEST_CASE("readCityJson: delft.json (2.0, EPSG:7415) counts and placement against PROJ", "[model][slow]") {
  core::Diagnostics diag;
  auto city = model::readCityJson(sample("delft.json"), geo::SiteFrame{}, {}, diag);
  REQUIRE(city.ok());
  CHECK(diag.empty());
  CHECK(city->version == "2.0");
  CHECK(city->referenceSystem == "https://www.opengis.net/def/crs/EPSG/0/7415");
  CHECK(city->crs == "EPSG:28992");  // the horizontal part of RD New + NAP
  const auto stats = model::cityModelStats(city.value());
  CHECK(stats.objects == 570);
  CHECK(stats.objectsByType == std::map<std::string, std::size_t>{{"Building", 160},
                                                                  {"Road", 143},
                                                                  {"PlantCover", 126},
                                                                  {"LandUse", 81},
                                                                  {"GenericCityObject", 54},
                                                                  {"WaterBody", 3},
                                                                  {"Bridge", 3}});
  CHECK(stats.geometriesByLod == std::map<std::string, std::size_t>{{"1", 570}});
  CHECK(stats.vertices == 18262);
  CHECK(stats.surfaces == 36271);
  CHECK(stats.surfacesBySemantics == std::map<std::string, std::size_t>{{"", 36271}});
  CHECK(stats.minZ == Approx(-0.45).margin(0.005));
  CHECK(stats.maxZ == Approx(16.85).margin(0.005));

  // SOURCE.md extent: x 84616.5-85140.8, y 447423.0-447750.6 (RD). Every point lies inside that
  // box, so in the frame inside the box's four corners placed with PROJ (the frame is turned
  // ~0.8 degree from RD grid north, so the corners' bounds, not the box, are the test).
  core::Box2 cornersLocal;
  for (const core::Vec3 rdCorner : {core::Vec3{84616.4, 447422.9, 0}, core::Vec3{85140.9, 447422.9, 0},
                                    core::Vec3{84616.4, 447750.7, 0}, core::Vec3{85140.9, 447750.7, 0}}) {
    auto ll = geo::convertPoint("EPSG:28992", "wgs84", rdCorner);
    REQUIRE(ll.ok());
    cornersLocal.add(city->frame.toLocal({ll->x, ll->y}));
  }
  CHECK(cornersLocal.contains({stats.extentLocal.minX, stats.extentLocal.minY}));
  CHECK(cornersLocal.contains({stats.extentLocal.maxX, stats.extentLocal.maxY}));
  CHECK(stats.extentLocal.width() > 500);
  CHECK(stats.extentLocal.height() > 300);
  CHECK(std::abs(stats.extentLocal.centre().x) < 1.0);  // the frame is centred on the model

  // Vertex 0 of the file, [411283, 25181, 572] * 0.001 + translate = RD (85027.751, 447448.180),
  // placed with PROJ + the frame, must be a surface point of the model (to the centimetre).
  auto vertex0 = geo::convertPoint("EPSG:28992", "wgs84", {85027.751, 447448.180, 0});
  REQUIRE(vertex0.ok());
  const core::Vec2 expected = city->frame.toLocal({vertex0->x, vertex0->y});
  double nearest = 1e9;
  for (const auto& o : city->objects)
    for (const auto& g : o.geometries)
      for (const auto& s : g.surfaces)
        for (const auto& p : s.outer) nearest = std::min(nearest, std::hypot(p.x - expected.x, p.y - expected.y));
  CHECK(nearest < 0.01);
}

TEST_CASE("readCityJson: zurich (1.1, EPSG:2056) buildings with parts, LoD2 semantics", "[model][slow]") {
  core::Diagnostics diag;
  auto city = model::readCityJson(sample("zurich_subset_lod2.json"), geo::SiteFrame{}, {}, diag);
  REQUIRE(city.ok());
  CHECK(diag.empty());
  CHECK(city->version == "1.1");
  CHECK(city->crs == "EPSG:2056");
  const auto stats = model::cityModelStats(city.value());
  CHECK(stats.objectsByType == std::map<std::string, std::size_t>{{"Building", 49}, {"BuildingPart", 161}});
  CHECK(stats.geometriesByLod == std::map<std::string, std::size_t>{{"2", 161}});
  CHECK(stats.surfaces == 2039);
  CHECK(stats.holes == 4);
  CHECK(stats.surfacesBySemantics ==
        std::map<std::string, std::size_t>{{"WallSurface", 1340}, {"RoofSurface", 644}, {"GroundSurface", 55}});
  CHECK(stats.minZ == Approx(395.8).margin(0.05));
  CHECK(stats.maxZ == Approx(620.9).margin(0.05));
  // Parent/child links point at objects that exist, both ways.
  std::map<std::string, const model::CityObject*> byId;
  for (const auto& o : city->objects) byId[o.id] = &o;
  std::size_t links = 0;
  for (const auto& o : city->objects) {
    for (const auto& child : o.children) {
      REQUIRE(byId.count(child));
      const auto& parents = byId[child]->parents;
      CHECK(std::find(parents.begin(), parents.end(), o.id) != parents.end());
      ++links;
    }
  }
  CHECK(links == 161);
}

TEST_CASE("readCityJson: files without a CRS need one from the caller", "[model]") {
  core::Diagnostics diag;
  auto none = model::readCityJson(sample("rotterdam/rotterdam_subset.json"), geo::SiteFrame{}, {}, diag);
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().message ==
        "model::readCityJson(): rotterdam_subset.json: the file declares no CRS (metadata.referenceSystem) and none "
        "was given");

  auto rotterdam = model::readCityJson(sample("rotterdam/rotterdam_subset.json"), rdFrame(), rd(), diag);
  REQUIRE(rotterdam.ok());
  auto stats = model::cityModelStats(rotterdam.value());
  CHECK(stats.objectsByType == std::map<std::string, std::size_t>{{"Building", 16}});
  CHECK(stats.geometriesByLod == std::map<std::string, std::size_t>{{"2", 16}});
  CHECK(stats.surfacesBySemantics ==
        std::map<std::string, std::size_t>{{"RoofSurface", 41}, {"GroundSurface", 16}, {"WallSurface", 191}});
  // In an RD frame, local = RD - origin: the translate (90409.32, 435440.44) shows through.
  const core::Vec3 o = rdFrame().originProjected();
  CHECK(stats.extentLocal.minX + o.x > 90000);
  CHECK(stats.extentLocal.maxX + o.x < 91500);
  CHECK(stats.extentLocal.minY + o.y > 435000);
  CHECK(stats.extentLocal.maxY + o.y < 436500);

  auto denHaag = model::readCityJson(sample("DH_01_subs.city.json"), geo::SiteFrame{}, rd(), diag);
  REQUIRE(denHaag.ok());
  stats = model::cityModelStats(denHaag.value());
  CHECK(stats.objectsByType == std::map<std::string, std::size_t>{{"Building", 4}, {"BuildingPart", 8}});
  CHECK(stats.surfacesBySemantics ==
        std::map<std::string, std::size_t>{{"WallSurface", 48}, {"RoofSurface", 13}, {"GroundSurface", 9}});
  CHECK(stats.minZ == Approx(3.45).margin(0.01));
  CHECK(stats.maxZ == Approx(14.74).margin(0.01));
  CHECK(diag.empty());
}

TEST_CASE("readCityJson: a hand-made solid: transform, semantics, attributes, frame", "[model]") {
  core::Diagnostics diag;
  const geo::SiteFrame frame = rdFrame();
  auto city = model::parseCityJson(document(kCube), "cube.json", frame, {}, diag);
  REQUIRE(city.ok());
  CHECK(diag.empty());
  REQUIRE(city->objects.size() == 1);
  const auto& cube = city->objects[0];
  CHECK(cube.id == "cube");
  CHECK(cube.attributesJson == R"({"floors":1,"name":"box"})");
  REQUIRE(cube.geometries.size() == 1);
  const auto& g = cube.geometries[0];
  CHECK(g.type == "Solid");
  CHECK(g.lod == "2.2");
  REQUIRE(g.surfaces.size() == 6);
  CHECK(g.surfaces[0].semantic == "GroundSurface");
  CHECK(g.surfaces[1].semantic == "RoofSurface");
  CHECK(g.surfaces[2].semantic == "WallSurface");
  CHECK(g.surfaces[5].semantic.empty());
  // Vertex 6 = (1000, 1000, 3000) * (0.01, 0.01, 0.001) + (85000, 447500, 1) = (85010, 447510, 4).
  const core::Vec3 o = frame.originProjected();
  const core::Vec3 p = g.surfaces[1].outer[2];
  CHECK(p.x == Approx(85010 - o.x).margin(1e-6));
  CHECK(p.y == Approx(447510 - o.y).margin(1e-6));
  CHECK(p.z == Approx(4));
  const auto text = model::formatCityModelStats(model::cityModelStats(city.value()));
  CHECK(text.rfind("objects: 1\n  Building: 1\ngeometries: 1\n  LoD 2.2: 1\nsurfaces: 6 (0 holes)\n", 0) == 0);
}

TEST_CASE("readCityJson: CityJSON 1.0 names, MultiSolid with holes, numeric lod", "[model]") {
  const std::string text =
      R"({"type":"CityJSON","version":"1.0","metadata":{"referenceSystem":"urn:ogc:def:crs:EPSG::7415"},)"
      R"("CityObjects":{"b":{"type":"Building","children":["p"],"geometry":[{"type":"MultiSolid","lod":2,)"
      R"("boundaries":[[[[[0,1,2,3],[4,5,6]]]],[[[[0,1,2]]]]]}]},"p":{"type":"BuildingPart","parents":["b"]}},)"
      R"("vertices":[[85000,447500,0],[85010,447500,0],[85010,447510,0],[85000,447510,0],[85002,447502,0],[85004,447502,0],[85004,447504,0]]})";
  core::Diagnostics diag;
  auto city = model::parseCityJson(text, "v10.json", rdFrame(), {}, diag);
  REQUIRE(city.ok());
  CHECK(diag.empty());
  CHECK(city->version == "1.0");
  CHECK(city->crs == "EPSG:28992");
  const auto stats = model::cityModelStats(city.value());
  CHECK(stats.geometriesByLod == std::map<std::string, std::size_t>{{"2", 1}});
  CHECK(stats.surfaces == 2);
  CHECK(stats.holes == 1);
  const auto& b = city->objects[0];
  CHECK(b.children == std::vector<std::string>{"p"});
  CHECK(b.geometries[0].surfaces[0].holes.size() == 1);
  CHECK(b.geometries[0].surfaces[1].solid == 1);
  CHECK(city->objects[1].parents == std::vector<std::string>{"b"});
}

TEST_CASE("readCityJson: bad objects are skipped and reported with file and id", "[model]") {
  const std::string objects =
      std::string(kCube) +
      R"(,"far":{"type":"Building","geometry":[{"type":"MultiSurface","lod":"1","boundaries":[[[0,1,99]]]}]})"
      R"(,"neg":{"type":"Building","geometry":[{"type":"MultiSurface","lod":"1","boundaries":[[[0,1,-2]]]}]})"
      R"(,"flat":{"type":"Building","geometry":[{"type":"MultiSurface","lod":"1","boundaries":[0,1,2]}]})"
      R"(,"nolod":{"type":"Building","geometry":[{"type":"MultiSurface","boundaries":[[[0,1,2]]]}]})"
      R"(,"sem":{"type":"Building","geometry":[{"type":"MultiSurface","lod":"1","boundaries":[[[0,1,2]]],)"
      R"("semantics":{"surfaces":[{"type":"RoofSurface"}],"values":[4]}}]})"
      R"(,"str":{"type":"Building","geometry":[{"type":"MultiSurface","lod":"1","boundaries":[[["a",1,2]]]}]})"
      R"(,"notype":{"geometry":[]})"
      R"(,"attrs":{"type":"Building","attributes":[1,2]})"
      R"(,"pts":{"type":"GenericCityObject","geometry":[{"type":"MultiPoint","lod":"1","boundaries":[0,1]}]})"
      R"(,"badvertex":{"type":"Building","geometry":[{"type":"MultiSurface","lod":"1","boundaries":[[[0,1,8]]]}]})";
  const std::string vertices =
      "[[0,0,0],[1000,0,0],[1000,1000,0],[0,1000,0],[0,0,3000],[1000,0,3000],[1000,1000,3000],[0,1000,3000],[1,\"x\",2]"
      "]";
  core::Diagnostics diag;
  auto city = model::parseCityJson(document(objects, vertices), "broken.json", rdFrame(), {}, diag);
  REQUIRE(city.ok());
  CHECK(city->objectsSkipped == 9);
  REQUIRE(city->objects.size() == 2);  // cube and pts (its MultiPoint dropped)
  CHECK(city->objects[0].id == "cube");
  CHECK(city->objects[1].id == "pts");
  CHECK(city->objects[1].geometries.empty());
  CHECK(
      formatted(diag) ==
      std::vector<std::string>{
          "model::readCityJson(): broken.json object attrs: \"attributes\" is not an object; skipped",
          "model::readCityJson(): broken.json object badvertex: vertex 8 is not three finite numbers; skipped",
          "model::readCityJson(): broken.json object far: vertex index 99 out of range (file has 9 vertices); skipped",
          "model::readCityJson(): broken.json object flat: geometry 0: boundaries surface: expected an array; skipped",
          "model::readCityJson(): broken.json object neg: vertex index -2 out of range (file has 9 vertices); skipped",
          "model::readCityJson(): broken.json object nolod: geometry 0: no lod; skipped",
          "model::readCityJson(): broken.json object notype: not an object with a \"type\"; skipped",
          "model::readCityJson(): broken.json object pts: geometry 0: type 'MultiPoint' not supported; geometry "
          "skipped",
          "model::readCityJson(): broken.json object sem: geometry 0: semantics value 4 out of range (1 surfaces); "
          "skipped",
          "model::readCityJson(): broken.json object str: geometry 0: boundaries ring: vertex index is not an "
          "integer: \"a\"; skipped"});
}

TEST_CASE("readCityJson: a file without vertices reports it and skips objects with geometry", "[model]") {
  const std::string text =
      R"({"type":"CityJSON","version":"2.0","metadata":{"referenceSystem":"EPSG:28992"},"CityObjects":{)" +
      std::string(kCube) + R"(,"empty":{"type":"Building"}}})";
  core::Diagnostics diag;
  auto city = model::parseCityJson(text, "novertices.json", rdFrame(), {}, diag);
  REQUIRE(city.ok());
  REQUIRE(city->objects.size() == 1);
  CHECK(city->objects[0].id == "empty");
  CHECK(formatted(diag) ==
        std::vector<std::string>{
            "model::readCityJson(): novertices.json: no \"vertices\" array; objects with geometry skipped",
            "model::readCityJson(): novertices.json object cube: vertex index 0 out of range (file has 0 vertices); "
            "skipped"});
}

TEST_CASE("readCityJson: file-level errors", "[model]") {
  core::Diagnostics diag;
  const geo::SiteFrame frame = rdFrame();
  auto errorOf = [&](const std::string& text) {
    auto r = model::parseCityJson(text, "x.json", frame, {}, diag);
    REQUIRE_FALSE(r.ok());
    return r.error().message;
  };
  const std::string p = "model::readCityJson(): x.json: ";
  CHECK(errorOf("{\"type\":") ==
        p + "not valid JSON: parse error at line 1, column 9: syntax error while parsing value - unexpected end of "
            "input; expected '[', '{', or a literal");
  CHECK(errorOf("[1]") == p + "not a CityJSON file (\"type\" is not \"CityJSON\")");
  CHECK(errorOf(R"({"type":"FeatureCollection"})") == p + "not a CityJSON file (\"type\" is not \"CityJSON\")");
  CHECK(errorOf(R"({"type":"CityJSON","version":"3.0","CityObjects":{}})") ==
        p + "unsupported CityJSON version \"3.0\" (expected \"1.0\", \"1.1\" or \"2.0\")");
  CHECK(errorOf(R"({"type":"CityJSON","CityObjects":{}})") ==
        p + "unsupported CityJSON version (missing) (expected \"1.0\", \"1.1\" or \"2.0\")");
  CHECK(errorOf(R"({"type":"CityJSON","version":"2.0","CityObjects":[]})") == p + "no \"CityObjects\" object");
  CHECK(errorOf(R"({"type":"CityJSON","version":"2.0","transform":{"scale":[1,1]},"CityObjects":{}})") ==
        p + "malformed \"transform\" (expected \"scale\" and \"translate\", three finite numbers each, scales not 0)");
  CHECK(errorOf(R"({"type":"CityJSON","version":"2.0","metadata":{"referenceSystem":"EPSG:999999"},"CityObjects":{}})")
            .rfind(p + "geo::horizontalCrs(): unknown CRS 'EPSG:999999': ", 0) == 0);
  // Coordinates PROJ cannot place: latitude 1000 in a geographic CRS.
  CHECK(errorOf(R"({"type":"CityJSON","version":"2.0","metadata":{"referenceSystem":"EPSG:4326"},)"
                R"("CityObjects":{},"vertices":[[5,1000,0]]})") ==
        p + "no vertex can be transformed from EPSG:4326 into the frame");
  auto missing = model::readCityJson("/nonexistent/none.city.json", frame, {}, diag);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().message == "model::readCityJson(): none.city.json: file not found");
}

TEST_CASE("readCityJson: truncated copies of a sample give an error or a model, never a crash", "[model][slow]") {
  std::ifstream in(sample("DH_01_subs.city.json"), std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  REQUIRE(bytes.size() == 26587);
  const geo::SiteFrame frame = rdFrame();
  std::size_t errors = 0;
  for (std::size_t size = 0; size < bytes.size(); size += 211) {
    core::Diagnostics diag;
    auto r = model::parseCityJson(bytes.substr(0, size), "cut.json", frame, rd(), diag);
    if (!r.ok()) {
      ++errors;
      CHECK(r.error().message.rfind("model::readCityJson(): cut.json: not valid JSON: ", 0) == 0);
    }
  }
  // Every strict prefix of a JSON document is invalid JSON.
  CHECK(errors == (bytes.size() + 210) / 211);
}
