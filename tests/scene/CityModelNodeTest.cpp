// CityJSON in 3D: surfaces triangulated by semantics, counts on the samples, picks give attributes.
#include <catch2/catch.hpp>

#include <fstream>

#include <osg/Geometry>
#include <osg/MatrixTransform>

#include "TestPaths.h"
#include "twin/scene/CityModelNode.h"

using namespace twin;
namespace fs = std::filesystem;

namespace {

fs::path sample(const std::string& name) { return test::testDataDir() / "cityjson" / name; }

std::size_t objectsWithSurfaces(const model::CityModel& city) {
  std::size_t n = 0;
  for (const model::CityObject& o : city.objects) {
    bool any = false;
    for (const model::CityGeometry& g : o.geometries) any = any || !g.surfaces.empty();
    n += any ? 1 : 0;
  }
  return n;
}

// The drawables under a model's transform.
std::vector<osg::Geometry*> geometries(osg::Node* node) {
  std::vector<osg::Geometry*> out;
  auto* group = node->asGroup();
  REQUIRE(group);
  for (unsigned i = 0; i < group->getNumChildren(); ++i)
    if (auto* g = dynamic_cast<osg::Geometry*>(group->getChild(i))) out.push_back(g);
  return out;
}

}  // namespace

TEST_CASE("Delft LoD1: every object with geometry is drawn, heights kept", "[scene][cityjson]") {
  core::Diagnostics readDiag;
  auto city = model::readCityJson(sample("delft.json"), geo::SiteFrame{}, {}, readDiag);
  REQUIRE(city.ok());
  core::Diagnostics diag;
  scene::CityNodeStats stats;
  osg::BoundingBoxd bounds;
  auto node = scene::cityModelNode(*city, 0, diag, &stats, &bounds);
  REQUIRE(node);
  CHECK(stats.objectsDrawn + stats.surfacesSkipped >= objectsWithSurfaces(*city));
  CHECK(stats.objectsDrawn == objectsWithSurfaces(*city));
  CHECK(stats.triangles >= stats.surfaces);  // at least one triangle per drawn surface (Delft is mostly triangles)
  // SOURCE.md: z -0.45 .. 16.85 (NAP metres).
  CHECK(bounds.zMin() == Approx(-0.45).margin(0.01));
  CHECK(bounds.zMax() == Approx(16.85).margin(0.01));
  // The transform puts the model's centre back: geometry is float near zero.
  auto* transform = dynamic_cast<osg::MatrixTransform*>(node.get());
  REQUIRE(transform);
  CHECK(transform->getMatrix().getTrans().x() == Approx(bounds.center().x()));
}

TEST_CASE("Zurich LoD2: roofs, walls and grounds are told apart", "[scene][cityjson]") {
  core::Diagnostics diag;
  auto model = scene::loadCityModel(sample("zurich_subset_lod2.json"), std::nullopt, 5, geo::SiteFrame{}, diag);
  REQUIRE(model.ok());
  CHECK(model->format == model::ModelFormat::CityJson);
  CHECK(model->frame.valid());
  CHECK(model->bounds.valid());
  // SOURCE.md z 395.8 .. 620.9, raised by the 5 m offset.
  CHECK(model->bounds.zMin() == Approx(400.8).margin(0.1));
  CHECK(model->bounds.zMax() == Approx(625.9).margin(0.1));
  const auto drawables = geometries(model->node.get());
  std::set<std::string> names;
  for (osg::Geometry* g : drawables) names.insert(g->getName());
  CHECK(names.count("cityjson.0"));  // roof
  CHECK(names.count("cityjson.1"));  // wall
  CHECK(names.count("cityjson.2"));  // ground
}

TEST_CASE("a pick on a CityJSON triangle gives the object's id, type and attributes", "[scene][cityjson]") {
  core::Diagnostics diag;
  auto model = scene::loadCityModel(sample("zurich_subset_lod2.json"), std::nullopt, 0, geo::SiteFrame{}, diag);
  REQUIRE(model.ok());
  core::Diagnostics readDiag;
  auto city = model::readCityJson(sample("zurich_subset_lod2.json"), model->frame, {}, readDiag);
  REQUIRE(city.ok());
  std::set<std::string> ids;
  for (const model::CityObject& o : city->objects) ids.insert(o.id);
  for (osg::Geometry* g : geometries(model->node.get())) {
    const auto* info = dynamic_cast<const scene::PickInfo*>(g->getUserData());
    REQUIRE(info);
    const unsigned triangles = g->getPrimitiveSet(0)->getNumPrimitives();
    REQUIRE(triangles > 0);
    for (unsigned t : {0u, triangles / 2, triangles - 1}) {
      const scene::PickedFeature f = info->describe(*g, t, {3 * t, 3 * t + 1, 3 * t + 2});
      CHECK(ids.count(f.title) == 1);
      REQUIRE(f.properties.size() >= 2);
      CHECK(f.properties[0].first == "type");
      CHECK((f.properties[0].second == "Building" || f.properties[0].second == "BuildingPart"));
      CHECK(f.properties[1].first == "lod");
    }
    // Past the end: nothing, not a crash.
    CHECK(info->describe(*g, triangles + 10, {}).title.empty());
  }
}

TEST_CASE("CityJSON models with bad geometry draw what they can and report the rest", "[scene][cityjson]") {
  test::TempDir tmp("cityjson-node");
  const fs::path file = tmp.path() / "bad.city.json";
  // Object a: a good square; object b: an out-of-range index (the reader skips it);
  // object c: a degenerate surface (three collinear points).
  std::ofstream(file)
      << R"({"type":"CityJSON","version":"2.0","metadata":{"referenceSystem":"https://www.opengis.net/def/crs/EPSG/0/28992"},
    "transform":{"scale":[1,1,1],"translate":[85000,447500,0]},
    "CityObjects":{
      "a":{"type":"Building","attributes":{"name":"good","levels":{"n":3}},"geometry":[{"type":"MultiSurface","lod":"1","boundaries":[[[0,1,2,3]]]}]},
      "b":{"type":"Building","geometry":[{"type":"MultiSurface","lod":"1","boundaries":[[[0,1,99]]]}]},
      "c":{"type":"Building","geometry":[{"type":"MultiSurface","lod":"1","boundaries":[[[0,4,5]]]}]}},
    "vertices":[[0,0,0],[10,0,0],[10,10,0],[0,10,0],[5,0,0],[7,0,0]]})";
  core::Diagnostics diag;
  auto model = scene::loadCityModel(file, std::nullopt, 0, geo::SiteFrame{}, diag);
  REQUIRE(model.ok());
  bool reportedB = false, reportedC = false;
  for (const core::Diagnostic& d : diag.items()) {
    reportedB = reportedB || d.recordId == "object b";
    reportedC = reportedC || (d.recordId == "object c" && d.action == "surface skipped");
  }
  CHECK(reportedB);
  CHECK(reportedC);
  const auto drawables = geometries(model->node.get());
  REQUIRE(drawables.size() == 1);
  const auto* info = dynamic_cast<const scene::PickInfo*>(drawables[0]->getUserData());
  REQUIRE(info);
  const scene::PickedFeature f = info->describe(*drawables[0], 0, {});
  CHECK(f.title == "a");
  CHECK(f.properties == std::vector<std::pair<std::string, std::string>>{
                            {"type", "Building"}, {"lod", "1"}, {"levels", "{\"n\":3}"}, {"name", "good"}});

  // Nothing drawable at all: an error naming the file.
  const fs::path empty = tmp.path() / "empty.city.json";
  std::ofstream(empty) << R"({"type":"CityJSON","version":"2.0","metadata":{"referenceSystem":"EPSG:28992"},
    "CityObjects":{"c":{"type":"Building","geometry":[{"type":"MultiSurface","lod":"1","boundaries":[[[0,1,2]]]}]}},
    "vertices":[[85000,447500,0],[85001,447500,0],[85002,447500,0]]})";
  auto none = scene::loadCityModel(empty, std::nullopt, 0, geo::SiteFrame{}, diag);
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().message == "scene::loadCityModel(): " + empty.string() + ": nothing to draw");
}
