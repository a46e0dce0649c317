// 3D models through the CLI and the viewer: `twin snapshot --model`, `twin info --model` for
// glTF and 3D Tiles, a scene file with "models", and picking a model feature.
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <set>
#include <vector>

#include <osg/Image>
#include <osgDB/ReadFile>

#include "twin/app/ModelsView.h"
#include "CliRunner.h"
#include "ObliqueProduction.h"
#include "TestPaths.h"
#include "twin/app/HeadlessRenderer.h"
#include "twin/scene/CityModelNode.h"
#include "twin/scene/SceneModel.h"

using namespace twin;
namespace fs = std::filesystem;

namespace {

fs::path data(const std::string& rel) { return test::testDataDir() / rel; }

// Pixels that differ from the top-left pixel (the clear colour).
double nonBackgroundShare(const osg::Image& image) {
  const unsigned char* bg = image.data(0, image.t() - 1);
  std::size_t hits = 0;
  for (int y = 0; y < image.t(); ++y)
    for (int x = 0; x < image.s(); ++x) {
      const unsigned char* p = image.data(x, y);
      if (std::abs(p[0] - bg[0]) + std::abs(p[1] - bg[1]) + std::abs(p[2] - bg[2]) > 24) ++hits;
    }
  return double(hits) / double(image.s() * image.t());
}

// The GLB payload of a b3dm (header 28 bytes, then feature and batch tables): a real glTF file.
fs::path extractGlb(const fs::path& b3dm, const fs::path& dir) {
  std::ifstream in(b3dm, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  REQUIRE(bytes.size() > 28);
  auto u32 = [&](std::size_t at) {
    std::uint32_t v = 0;
    std::memcpy(&v, bytes.data() + at, 4);
    return v;
  };
  const std::size_t glbAt = 28 + std::size_t(u32(12)) + u32(16) + u32(20) + u32(24);
  REQUIRE(glbAt < bytes.size());
  REQUIRE(std::string(bytes.data() + glbAt, 4) == "glTF");
  const fs::path out = dir / "building.glb";
  std::ofstream(out, std::ios::binary).write(bytes.data() + glbAt, std::streamsize(bytes.size() - glbAt));
  return out;
}

}  // namespace

TEST_CASE("twin snapshot --model renders each sample format alone", "[app][models][slow]") {
  test::TempDir tmp("model-snapshot");
  const fs::path production = test::writeObliqueProduction(tmp.path() / "Production_1").folder;
  const std::pair<std::string, fs::path> models[] = {{"tiles", data("3dtiles-requestvolume/city/tileset.json")},
                                                     {"cityjson", data("cityjson/delft.json")},
                                                     {"oblique", production}};
  for (const auto& [name, model] : models) {
    INFO(model.string());
    const fs::path png = tmp.path() / (name + ".png");
    std::vector<std::string> args = {"snapshot",   "--model", model.string(), "-o",
                                     png.string(), "--size",  "320x240",      "--no-panels"};
    const test::CliResult r = test::runTwin(args);
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(r.out == png.string() + "\n");
    osg::ref_ptr<osg::Image> image = osgDB::readImageFile(png.string());
    REQUIRE(image);
    CHECK(image->s() == 320);
    // The model is drawn in the view that frames it (the tileset's buildings are small and far
    // apart: about 1 % of the image; Delft and the oblique tiles fill much more).
    CHECK(nonBackgroundShare(*image) > 0.005);
  }
}

TEST_CASE("twin snapshot --model rejects bad input with a clear message (exit 1, usage 2)", "[app][models]") {
  test::TempDir tmp("model-snapshot-bad");
  std::string err;
  CHECK(test::runTwinCode(
            {"snapshot", "--model", (tmp.path() / "none.glb").string(), "-o", (tmp.path() / "x.png").string()}, &err) ==
        1);
  CHECK_THAT(err, Catch::Contains("no such file or folder"));
  const fs::path corrupt = tmp.path() / "corrupt.glb";
  std::ofstream(corrupt, std::ios::binary) << "glTF\x02\x00\x00\x00garbage";
  CHECK(test::runTwinCode({"snapshot", "--model", corrupt.string(), "-o", (tmp.path() / "x.png").string()}, &err) == 1);
  CHECK_THAT(err, Catch::Contains("corrupt.glb"));
  CHECK(test::runTwinCode({"snapshot", "scene.json", "--model", corrupt.string(), "-o", "x.png"}, &err) == 2);
  CHECK_THAT(err, Catch::Contains("give either SCENE or --model PATH, not both"));
  CHECK(test::runTwinCode({"snapshot", "scene.json", "--crs", "EPSG:28992", "-o", "x.png"}, &err) == 2);
  CHECK_THAT(err, Catch::Contains("--crs goes with --model"));
}

TEST_CASE("twin info --model describes glTF and 3D Tiles", "[app][models]") {
  test::TempDir tmp("model-info");
  const fs::path glb = extractGlb(data("3dtiles-requestvolume/city/ll.b3dm"), tmp.path());
  test::CliResult r = test::runTwin({"info", "--model", glb.string()});
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::StartsWith("model: building.glb (glTF 2.0)\n"));
  CHECK_THAT(r.out, Catch::Contains("triangles: "));
  r = test::runTwin({"info", "--model", glb.string(), "--json"});
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("\"format\":\"gltf\""));
  r = test::runTwin({"info", "--model", data("3dtiles-requestvolume/tileset.json").string()});
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::StartsWith("model: tileset.json (3D Tiles)\n"));
  r = test::runTwin({"info", "--model", data("3dtiles-requestvolume").string(), "--json"});
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Catch::Contains("\"format\":\"3dtiles\""));
  const fs::path other = tmp.path() / "model.obj";
  std::ofstream(other) << "v 0 0 0\n";
  r = test::runTwin({"info", "--model", other.string()});
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Catch::Contains("not a supported model"));
}

TEST_CASE("a scene with models renders them beside its OSM layers", "[app][models][slow]") {
  test::TempDir tmp("model-scene");
  const fs::path glb = extractGlb(data("3dtiles-requestvolume/city/ll.b3dm"), tmp.path());
  const fs::path scene = tmp.path() / "scene.json";
  std::ofstream(scene) << R"({"name":"models","site":{"origin":{"lon":116.3519,"lat":40.0033}},
    "layers":[{"id":"osm","source":")"
                       << (test::assetsDir() / "osm" / "cau_haidian_beijing.osm").string() << R"json("}],
    "models":[{"id":"proposal","source":"building.glb","lon":116.3519,"lat":40.0033,"heading":30,
               "attribution":"model: Richard Edwards (CC BY 3.0)"}]})json";
  const fs::path png = tmp.path() / "scene.png";
  test::CliResult r =
      test::runTwin({"snapshot", scene.string(), "-o", png.string(), "--size", "320x240", "--no-monitor"});
  INFO(r.err);
  CHECK(r.code == 0);
  // A bad model entry fails the scene with the key named.
  std::ofstream(scene) << R"({"site":{"origin":{"lon":116.3519,"lat":40.0033}},
    "layers":[{"source":")"
                       << (test::assetsDir() / "osm" / "cau_haidian_beijing.osm").string() << R"("}],
    "models":[{"id":"proposal","source":"building.glb"}]})";
  r = test::runTwin({"snapshot", scene.string(), "-o", png.string(), "--size", "320x240", "--no-monitor"});
  CHECK(r.code == 1);
  CHECK_THAT(r.err, Catch::Contains("key 'models[0].lon': missing"));
}

TEST_CASE("a click on a model picks the feature under it with its attributes", "[app][models]") {
  core::Diagnostics diag;
  model::ModelSource source;
  source.id = "denhaag";
  source.format = model::ModelFormat::CityJson;
  source.source = data("cityjson/DH_01_subs.city.json");
  source.crs = "EPSG:28992";
  auto model = scene::loadSceneModel(source, geo::SiteFrame{}, diag);
  REQUIRE(model.ok());
  auto renderer = app::HeadlessRenderer::create(400, 300);
  REQUIRE(renderer.ok());
  osgViewer::Viewer& viewer = (*renderer)->viewer();
  osg::ref_ptr<osg::Group> root = new osg::Group;
  root->addChild(model->node);
  viewer.setSceneData(root);
  // Straight down on the model's centre from above its top.
  const osg::BoundingBoxd& b = model->bounds;
  const osg::Vec3d centre = b.center();
  viewer.getCamera()->setViewMatrixAsLookAt(osg::Vec3d(centre.x(), centre.y(), b.zMax() + 300), centre,
                                            osg::Vec3d(0, 1, 0));
  viewer.getCamera()->setProjectionMatrixAsPerspective(40, 400.0 / 300.0, 1, 5000);
  (*renderer)->renderFrame();
  // Project the model's roof points to window pixels and pick there: each hit must name the model
  // and a CityJSON object of the file.
  core::Diagnostics readDiag;
  auto city = model::readCityJson(source.source, model->frame, {source.crs}, readDiag);
  REQUIRE(city.ok());
  std::set<std::string> ids;
  for (const model::CityObject& o : city->objects) ids.insert(o.id);
  osg::Camera* camera = viewer.getCamera();
  const osg::Matrixd toWindow =
      camera->getViewMatrix() * camera->getProjectionMatrix() * camera->getViewport()->computeWindowMatrix();
  int hits = 0;
  for (const model::CityObject& o : city->objects) {
    for (const model::CityGeometry& g : o.geometries)
      for (const model::CitySurface& surface : g.surfaces) {
        if (surface.semantic != "RoofSurface" || surface.outer.size() < 3) continue;
        // The roof's centroid is inside it for the convex roof faces of this sample.
        osg::Vec3d c;
        for (const core::Vec3& p : surface.outer) c += osg::Vec3d(p.x, p.y, p.z);
        c /= double(surface.outer.size());
        const osg::Vec3d w = c * toWindow;
        auto hit = scene::pickModel(viewer, root.get(), float(w.x()), float(w.y()));
        if (!hit) continue;
        ++hits;
        CHECK(hit->model == "denhaag");
        CHECK(ids.count(hit->title) == 1);
        REQUIRE(hit->properties.size() >= 2);
        CHECK(hit->properties[0].first == "type");
        CHECK(hit->point.z() <= b.zMax() + 0.01);
      }
  }
  CHECK(hits >= 4);
  // A corner of the window looks past the model: nothing.
  CHECK_FALSE(scene::pickModel(viewer, root.get(), 2, 2));

  // Through the viewer extension: a pick hands its title and attributes to the panel font once
  // (the viewer bakes glyphs the atlas lacks), a miss hands nothing.
  app::ModelsView models({*model});
  viewer.setSceneData(models.sceneNode());
  (*renderer)->renderFrame();
  const osg::Vec3d top = osg::Vec3d(centre.x(), centre.y(), b.zMax()) * toWindow;
  bool picked = false;
  for (int dx = -60; dx <= 60 && !picked; dx += 10)
    for (int dy = -60; dy <= 60 && !picked; dy += 10)
      picked = models.pick(viewer, float(top.x() + dx), float(top.y() + dy));
  REQUIRE(picked);
  const std::vector<std::string> texts = models.takeNewTexts();
  REQUIRE(models.picked().has_value());
  REQUIRE(texts.size() == 1 + models.picked()->properties.size());
  CHECK(texts[0] == models.picked()->title);
  CHECK(texts[1] == models.picked()->properties[0].first + models.picked()->properties[0].second);
  CHECK(models.takeNewTexts().empty());
  CHECK_FALSE(models.pick(viewer, 2, 2));
  CHECK(models.takeNewTexts().empty());
}
