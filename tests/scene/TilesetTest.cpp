#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <osg/Geode>
#include <osg/Geometry>
#include <osg/FrameStamp>
#include <osg/MatrixTransform>
#include <osgUtil/SceneView>

#include "TestPaths.h"
#include "twin/scene/Tileset.h"

using namespace twin;
namespace fs = std::filesystem;

namespace {

const double kPi = 3.14159265358979323846;

// Cesium's request-volume sample in tests/data: the root tileset.json and its external city/
// tileset; the root's building.b3dm and points.pnts are not there (see tests/data/README.md).
fs::path samplePath() { return test::testDataDir() / "3dtiles-requestvolume" / "tileset.json"; }

void writeText(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

void writeBytes(const fs::path& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

void putU32(std::vector<std::uint8_t>& out, std::size_t at, std::uint32_t v) { std::memcpy(out.data() + at, &v, 4); }

// A pnts file: the feature table JSON padded to 8 bytes, then `binary`.
std::vector<std::uint8_t> makePnts(std::string featureJson, const std::vector<std::uint8_t>& binary) {
  while ((28 + featureJson.size()) % 8) featureJson += ' ';
  std::vector<std::uint8_t> out(28 + featureJson.size() + binary.size(), 0);
  std::memcpy(out.data(), "pnts", 4);
  putU32(out, 4, 1);
  putU32(out, 8, static_cast<std::uint32_t>(out.size()));
  putU32(out, 12, static_cast<std::uint32_t>(featureJson.size()));
  putU32(out, 16, static_cast<std::uint32_t>(binary.size()));
  std::copy(featureJson.begin(), featureJson.end(), out.begin() + 28);
  std::copy(binary.begin(), binary.end(), out.begin() + 28 + static_cast<std::ptrdiff_t>(featureJson.size()));
  return out;
}

template <class T>
void append(std::vector<std::uint8_t>& out, T value) {
  const auto* p = reinterpret_cast<const std::uint8_t*>(&value);
  out.insert(out.end(), p, p + sizeof(T));
}

// `count` points along x from `from`, RGB red.
std::vector<std::uint8_t> pointsAt(osg::Vec3 from, int count) {
  std::vector<std::uint8_t> binary;
  for (int i = 0; i < count; ++i) {
    append(binary, from.x() + i);
    append(binary, from.y());
    append(binary, from.z());
  }
  const std::size_t rgbOffset = binary.size();
  for (int i = 0; i < count; ++i) {
    binary.push_back(255);
    binary.push_back(0);
    binary.push_back(0);
  }
  return makePnts("{\"POINTS_LENGTH\":" + std::to_string(count) +
                      ",\"POSITION\":{\"byteOffset\":0},\"RGB\":{\"byteOffset\":" + std::to_string(rgbOffset) + "}}",
                  binary);
}

std::string box(double cx, double cy, double half) {
  char text[200];
  std::snprintf(text, sizeof text, "{\"box\":[%g,%g,0,%g,0,0,0,%g,0,0,0,10]}", cx, cy, half, half);
  return text;
}

// Root box 200 x 200 m (geometric error 100) over four 100 x 100 m children (error 0), in
// site-frame metres (placed with identity). Contents root.pnts and c0..c3 with `extension`.
std::string quadTileset(const std::string& refine, bool rootContent = true, const std::string& extension = "pnts") {
  std::string children;
  const double centres[4][2] = {{-50, -50}, {50, -50}, {-50, 50}, {50, 50}};
  for (int i = 0; i < 4; ++i) {
    if (i) children += ",";
    children += "{\"boundingVolume\":" + box(centres[i][0], centres[i][1], 50) +
                ",\"geometricError\":0,\"content\":{\"uri\":\"c" + std::to_string(i) + "." + extension + "\"}}";
  }
  return "{\"asset\":{\"version\":\"1.0\"},\"geometricError\":200,\"root\":{\"boundingVolume\":" + box(0, 0, 100) +
         ",\"geometricError\":100,\"refine\":\"" + refine + "\"" +
         (rootContent ? ",\"content\":{\"uri\":\"root.pnts\"}" : "") + ",\"children\":[" + children + "]}}";
}

scene::Tileset handMade(const test::TempDir& dir, const std::string& json) {
  writeText(dir.path() / "tileset.json", json);
  core::Diagnostics diag;
  auto tileset = scene::readTileset(dir.path() / "tileset.json", diag);
  REQUIRE(tileset.ok());
  scene::placeTilesetWith(tileset.value(), osg::Matrixd());
  return std::move(tileset.value());
}

scene::TileCamera cameraAt(osg::Vec3d eye) {
  scene::TileCamera camera;
  camera.eye = eye;
  camera.viewportHeightPx = 1000;
  camera.fovyRadians = kPi / 2;  // tan(fovy / 2) = 1: sse = error * 500 / distance
  return camera;
}

std::vector<int> sorted(std::vector<int> v) {
  std::sort(v.begin(), v.end());
  return v;
}

using CS = scene::ContentState;

std::string errorOf(const fs::path& path) {
  core::Diagnostics diag;
  auto read = scene::readTileset(path, diag);
  REQUIRE_FALSE(read.ok());
  return read.error().message;
}

// Frames until nothing is queued or in flight (a loaded parent may ask for more on the next frame).
void runUntilLoaded(scene::TilesetNode& node, const scene::TileCamera& camera) {
  for (int i = 0; i < 2000; ++i) {
    node.frame(camera);
    if (!node.loading()) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  FAIL("the tileset kept loading for 2000 frames");
}

}  // namespace

TEST_CASE("tileset: the request-volume sample parses (volumes, refine, transforms, external tileset)",
          "[scene][tileset]") {
  core::Diagnostics diag;
  auto read = scene::readTileset(samplePath(), diag);
  REQUIRE(read.ok());
  scene::Tileset& t = read.value();
  CHECK(diag.empty());
  CHECK(t.version == "1.0");
  CHECK(t.geometricError == 100);
  REQUIRE(t.tiles.size() == 4);
  CHECK(t.tiles[0].children == std::vector<int>{1, 2, 3});
  for (const scene::Tile& tile : t.tiles) CHECK(tile.refine == scene::Refine::Add);
  CHECK(t.tiles[0].boundingVolume.kind == scene::TileVolume::Kind::Region);
  CHECK(t.tiles[0].boundingVolume.values[5] == Approx(67.01));
  CHECK(t.tiles[0].contentType == scene::TileContentType::None);

  const scene::Tile& city = t.tiles[1];
  CHECK(city.contentType == scene::TileContentType::ExternalTileset);
  CHECK(city.contentUri == "city/tileset.json");
  CHECK(city.externalRoot == -1);
  CHECK(city.geometricError == 70);

  const scene::Tile& building = t.tiles[2];
  CHECK(building.contentType == scene::TileContentType::B3dm);
  CHECK(building.boundingVolume.kind == scene::TileVolume::Kind::Box);
  CHECK(building.boundingVolume.values[11] == Approx(6.701));
  CHECK(building.transform(3, 0) == Approx(1215011.9317263428));
  CHECK(building.transform(0, 0) == Approx(4.843178171884396));  // column-major as in the file
  CHECK(building.transform(0, 1) == Approx(1.2424271388626869));

  const scene::Tile& points = t.tiles[3];
  CHECK(points.contentType == scene::TileContentType::Pnts);
  REQUIRE(points.viewerRequestVolume);
  CHECK(points.viewerRequestVolume->kind == scene::TileVolume::Kind::Sphere);
  CHECK(points.viewerRequestVolume->values[3] == 15);
  CHECK(points.contentPath == (samplePath().parent_path() / "points.pnts").lexically_normal());

  REQUIRE(scene::expandAllExternalTilesets(t, diag) == 1);
  CHECK(diag.empty());
  REQUIRE(t.tiles.size() == 9);
  CHECK(t.tiles[1].externalRoot == 4);
  CHECK(t.tiles[1].children == std::vector<int>{4});
  CHECK(t.tiles[4].parent == 1);
  CHECK(t.tiles[4].depth == 2);
  CHECK(t.tiles[4].children == std::vector<int>{5, 6, 7, 8});
  CHECK(t.tiles[5].contentUri == "ll.b3dm");
  CHECK(t.tiles[5].contentPath == (samplePath().parent_path() / "city" / "ll.b3dm").lexically_normal());
  CHECK(t.tiles[8].depth == 3);
  CHECK(t.files.size() == 2);
  // Expanding again is a no-op.
  CHECK(scene::expandExternalTileset(t, 1, diag).ok());
  CHECK(t.tiles.size() == 9);
}

TEST_CASE("tileset: the root volume's WGS84 extent is the sample's documented region", "[scene][tileset]") {
  core::Diagnostics diag;
  auto read = scene::readTileset(samplePath(), diag);
  REQUIRE(read.ok());
  const osg::BoundingBoxd e = scene::tileExtentWgs84(read.value().tiles[0]);
  CHECK(e.xMin() == Approx(-75.6144).margin(1e-4));
  CHECK(e.xMax() == Approx(-75.6097).margin(1e-4));
  CHECK(e.yMin() == Approx(40.0407).margin(1e-4));
  CHECK(e.yMax() == Approx(40.0443).margin(1e-4));
  CHECK(e.zMin() == 0);
  CHECK(e.zMax() == Approx(67.01));
  // The building's box (transformed) lies inside the region.
  const osg::BoundingBoxd b = scene::tileExtentWgs84(read.value().tiles[2]);
  CHECK(b.xMin() > e.xMin());
  CHECK(b.xMax() < e.xMax());
  CHECK(b.yMin() > e.yMin());
  CHECK(b.yMax() < e.yMax());
}

TEST_CASE("tileset: placement in a local frame at the root centre", "[scene][tileset]") {
  core::Diagnostics diag;
  auto read = scene::readTileset(samplePath(), diag);
  REQUIRE(read.ok());
  scene::Tileset& t = read.value();
  REQUIRE(scene::placeTileset(t, geo::SiteFrame(), 2.5).ok());
  REQUIRE(t.frame.valid());
  CHECK(t.frame.origin().lon == Approx(-75.61208).margin(1e-4));
  CHECK(t.frame.origin().lat == Approx(40.04251).margin(1e-4));
  const osg::BoundingBoxd& root = t.tiles[0].siteBox;
  // ~0.00469 deg of longitude and ~0.00362 deg of latitude at 40 N: about 400 m each way.
  CHECK(root.xMax() - root.xMin() == Approx(400).margin(15));
  CHECK(root.yMax() - root.yMin() == Approx(402).margin(15));
  CHECK(root.center().x() == Approx(0).margin(1));
  CHECK(root.zMin() == Approx(2.5).margin(0.05));  // heights plus the offset
  CHECK(root.zMax() == Approx(69.51).margin(0.05));
  // The building stands inside the root; the point cloud's sphere is 1.25 m.
  CHECK(root.contains(t.tiles[2].siteSphere.center()));
  CHECK(t.tiles[3].siteSphere.radius() == Approx(1.25).epsilon(0.01));
}

TEST_CASE("tileset: malformed tileset.json files are errors naming the file and the field", "[scene][tileset]") {
  test::TempDir dir("tileset-bad");
  const fs::path path = dir.path() / "tileset.json";
  auto withRoot = [](const std::string& root) {
    return "{\"asset\":{\"version\":\"1.0\"},\"geometricError\":10,\"root\":" + root + "}";
  };
  const std::string good = "\"boundingVolume\":{\"sphere\":[0,0,0,1]},\"geometricError\":1,\"refine\":\"ADD\"";

  CHECK(errorOf(dir.path() / "missing.json") == "scene::readTileset(): missing.json: file not found");
  writeText(path, "{\"asset\":");
  CHECK(errorOf(path) == "scene::readTileset(): tileset.json: not valid JSON");
  writeText(path, "[1]");
  CHECK(errorOf(path) == "scene::readTileset(): tileset.json: (document): expected a JSON object");
  writeText(path, "{\"geometricError\":1,\"root\":{}}");
  CHECK(errorOf(path) == "scene::readTileset(): tileset.json: asset: expected an object");
  writeText(path, "{\"asset\":{\"version\":\"2.0\"},\"geometricError\":1,\"root\":{}}");
  CHECK(errorOf(path) ==
        "scene::readTileset(): tileset.json: asset.version: version '2.0' is not supported (1.1, 1.0, 0.0)");
  writeText(path, "{\"asset\":{\"version\":\"1.0\"},\"root\":{}}");
  CHECK(errorOf(path) == "scene::readTileset(): tileset.json: geometricError: expected a number");
  writeText(path, withRoot("{" + good + ",\"children\":[{" + good + "},{" + good +
                           "},{\"boundingVolume\":{\"box\":[1,2,3]},\"geometricError\":1}]}"));
  CHECK(errorOf(path) ==
        "scene::readTileset(): tileset.json: root.children[2].boundingVolume.box: expected 12 numbers");
  writeText(path, withRoot("{\"boundingVolume\":{\"region\":[0,0,1,1,0]},\"geometricError\":1}"));
  CHECK(errorOf(path) == "scene::readTileset(): tileset.json: root.boundingVolume.region: expected 6 numbers");
  writeText(path, withRoot("{\"boundingVolume\":{\"sphere\":[0,0,0,\"1\"]},\"geometricError\":1}"));
  CHECK(errorOf(path) == "scene::readTileset(): tileset.json: root.boundingVolume.sphere: expected 4 numbers");
  writeText(path, withRoot("{\"boundingVolume\":{\"cylinder\":[]},\"geometricError\":1}"));
  CHECK(errorOf(path) ==
        "scene::readTileset(): tileset.json: root.boundingVolume: expected one of region, box, sphere");
  writeText(path, withRoot("{\"boundingVolume\":{\"sphere\":[0,0,0,1]}}"));
  CHECK(errorOf(path) == "scene::readTileset(): tileset.json: root.geometricError: missing");
  writeText(path, withRoot("{" + good + ",\"transform\":[1,0,0,0]}"));
  CHECK(errorOf(path) == "scene::readTileset(): tileset.json: root.transform: expected 16 numbers");
  writeText(path, withRoot("{\"boundingVolume\":{\"sphere\":[0,0,0,1]},\"geometricError\":1,\"refine\":\"MERGE\"}"));
  CHECK(errorOf(path) == "scene::readTileset(): tileset.json: root.refine: expected \"ADD\" or \"REPLACE\"");
  writeText(path, withRoot("{" + good + ",\"content\":{\"uri\":5}}"));
  CHECK(errorOf(path) == "scene::readTileset(): tileset.json: root.content.uri: expected a string");
  writeText(path, withRoot("{" + good + ",\"children\":{}}"));
  CHECK(errorOf(path) == "scene::readTileset(): tileset.json: root.children: expected an array");

  // Usable with warnings: a root without refine, a remote content URI; legacy "url", queries, %-escapes.
  writeText(path, withRoot("{\"boundingVolume\":{\"sphere\":[0,0,0,1]},\"geometricError\":1,\"children\":["
                           "{" +
                           good +
                           ",\"content\":{\"uri\":\"https://example.com/a.b3dm\"}},"
                           "{" +
                           good + ",\"content\":{\"url\":\"sub%20dir/b.pnts?v=2\"}}]}"));
  core::Diagnostics diag;
  auto read = scene::readTileset(path, diag);
  REQUIRE(read.ok());
  REQUIRE(diag.total() == 2);
  CHECK(core::formatDiagnostic(diag.items()[0]) ==
        "scene::readTileset(): tileset.json root: root.refine is required and missing; REPLACE assumed");
  CHECK(diag.items()[1].message == "content URI 'https://example.com/a.b3dm' is not a local file");
  CHECK(read.value().tiles[0].refine == scene::Refine::Replace);
  CHECK(read.value().tiles[1].contentType == scene::TileContentType::None);
  CHECK(read.value().tiles[2].contentUri == "sub dir/b.pnts");
  CHECK(read.value().tiles[2].contentPath == dir.path() / "sub dir" / "b.pnts");
  CHECK(read.value().tiles[2].contentType == scene::TileContentType::Pnts);
}

TEST_CASE("tileset: missing and cyclic external tilesets are reported, not fatal", "[scene][tileset]") {
  test::TempDir dir("tileset-external");
  const std::string head =
      "{\"asset\":{\"version\":\"1.0\"},\"geometricError\":10,\"root\":{\"boundingVolume\":"
      "{\"sphere\":[0,0,0,10]},\"geometricError\":10,\"refine\":\"ADD\",\"children\":[";
  auto child = [](const std::string& uri) {
    return "{\"boundingVolume\":{\"sphere\":[0,0,0,5]},\"geometricError\":5,\"content\":{\"uri\":\"" + uri + "\"}}";
  };
  writeText(dir.path() / "tileset.json", head + child("a.json") + "," + child("none.json") + "]}}");
  writeText(dir.path() / "a.json", head + child("tileset.json") + "]}}");  // points back: a cycle
  core::Diagnostics diag;
  auto read = scene::readTileset(dir.path() / "tileset.json", diag);
  REQUIRE(read.ok());
  CHECK(scene::expandAllExternalTilesets(read.value(), diag) == 1);
  REQUIRE(diag.total() == 2);
  const auto items = diag.items();
  CHECK(items[0].recordId == "tile 2 (none.json)");
  CHECK(items[0].message == "scene::expandExternalTileset(): none.json: file not found");
  CHECK(items[1].message ==
        "scene::expandExternalTileset(): tileset.json: external tileset cycle (the file is an ancestor of tile 4)");
  CHECK(read.value().tiles.size() == 5);
}

TEST_CASE("tileset: screen-space error and the refinement threshold on both sides", "[scene][tileset]") {
  test::TempDir dir("tileset-sse");
  scene::Tileset t = handMade(dir, quadTileset("REPLACE"));
  // Eye 1000 m above the centre; the box top is at z = 10: distance 990 m, sse = 100 * 500 / 990.
  scene::TileCamera camera = cameraAt({0, 0, 1000});
  const double sse = scene::screenSpaceError(t.tiles[0], camera);
  CHECK(sse == Approx(100.0 * 500 / 990));
  std::vector<CS> states(5, CS::Ready);

  auto above = scene::selectTiles(t, states, camera, sse * 1.01);  // not refined: the root alone
  CHECK(above.render == std::vector<int>{0});
  CHECK(above.load.empty());
  auto below = scene::selectTiles(t, states, camera, sse * 0.99);  // refined: the four children
  CHECK(sorted(below.render) == std::vector<int>{1, 2, 3, 4});
  CHECK(below.visited.size() == 5);

  camera.orthoHeightMeters = 500;  // orthographic: error * viewport / height
  CHECK(scene::screenSpaceError(t.tiles[0], camera) == Approx(100.0 * 1000 / 500));
}

TEST_CASE("tileset: REPLACE keeps the parent until every child is loaded; ADD draws both", "[scene][tileset]") {
  test::TempDir dir("tileset-replace");
  const scene::TileCamera camera = cameraAt({0, 0, 1000});
  SECTION("REPLACE") {
    scene::Tileset t = handMade(dir, quadTileset("REPLACE"));
    auto nothing = scene::selectTiles(t, {}, camera, 16);
    CHECK(nothing.render.empty());
    REQUIRE(nothing.load.size() == 5);
    CHECK(nothing.load.front() == 0);  // the parent first: largest SSE

    std::vector<CS> states{CS::Ready, CS::Unloaded, CS::Ready, CS::Ready, CS::Ready};
    auto partial = scene::selectTiles(t, states, camera, 16);
    CHECK(partial.render == std::vector<int>{0});
    CHECK(partial.load == std::vector<int>{1});

    states[1] = CS::Loading;
    CHECK(scene::selectTiles(t, states, camera, 16).render == std::vector<int>{0});
    states[1] = CS::Ready;
    auto all = scene::selectTiles(t, states, camera, 16);
    CHECK(sorted(all.render) == std::vector<int>{1, 2, 3, 4});
    CHECK(all.load.empty());

    // A child that failed for good does not hold the parent forever.
    states[1] = CS::Failed;
    CHECK(sorted(scene::selectTiles(t, states, camera, 16).render) == std::vector<int>{2, 3, 4});
  }
  SECTION("REPLACE without content at the root: what is ready is drawn") {
    scene::Tileset t = handMade(dir, quadTileset("REPLACE", false));
    std::vector<CS> states{CS::None, CS::Ready, CS::Unloaded, CS::Unloaded, CS::Ready};
    auto s = scene::selectTiles(t, states, camera, 16);
    CHECK(sorted(s.render) == std::vector<int>{1, 4});
    CHECK(sorted(s.load) == std::vector<int>{2, 3});
  }
  SECTION("ADD") {
    scene::Tileset t = handMade(dir, quadTileset("ADD"));
    std::vector<CS> states(5, CS::Ready);
    CHECK(sorted(scene::selectTiles(t, states, camera, 16).render) == std::vector<int>{0, 1, 2, 3, 4});
    states[2] = CS::Unloaded;
    auto s = scene::selectTiles(t, states, camera, 16);
    CHECK(sorted(s.render) == std::vector<int>{0, 1, 3, 4});
    CHECK(s.load == std::vector<int>{2});
  }
}

TEST_CASE("tileset: frustum culling and viewer request volumes", "[scene][tileset]") {
  test::TempDir dir("tileset-cull");
  scene::Tileset t = handMade(dir, quadTileset("REPLACE"));
  std::vector<CS> states(5, CS::Ready);

  scene::TileCamera camera = cameraAt({0, 0, 1000});
  camera.planes = {osg::Plane(1, 0, 0, -60)};  // keep x >= 60: children at x = -50 (r 71.4) are out
  auto s = scene::selectTiles(t, states, camera, 16);
  CHECK(sorted(s.render) == std::vector<int>{2, 4});
  CHECK(std::find(s.visited.begin(), s.visited.end(), 1) == s.visited.end());
  camera.planes = {osg::Plane(1, 0, 0, -500)};  // everything out
  auto none = scene::selectTiles(t, states, camera, 16);
  CHECK(none.render.empty());
  CHECK(none.visited.empty());

  // From OSG matrices: looking down from 1000 m, a tile 5 km to the side is outside the frustum.
  const osg::Matrixd view = osg::Matrixd::lookAt(osg::Vec3d(0, 0, 1000), osg::Vec3d(0, 0, 0), osg::Vec3d(0, 1, 0));
  const osg::Matrixd projection = osg::Matrixd::perspective(60, 1.5, 1, 10000);
  const scene::TileCamera fromOsg = scene::TileCamera::fromMatrices(view, projection, 720);
  CHECK(fromOsg.fovyRadians == Approx(kPi / 3));
  CHECK(fromOsg.eye.z() == Approx(1000));
  REQUIRE(fromOsg.planes.size() == 4);
  for (const osg::Plane& p : fromOsg.planes) {
    CHECK(p.distance(osg::Vec3d(0, 0, 0)) > 0);
    CHECK(p.distance(osg::Vec3d(0, 0, 2000)) < 0);  // behind the eye
  }
  bool outside = false;
  for (const osg::Plane& p : fromOsg.planes) outside = outside || p.distance(osg::Vec3d(5000, 0, 0)) < 0;
  CHECK(outside);
  const osg::Matrixd ortho = osg::Matrixd::ortho(-300, 300, -200, 200, 1, 5000);
  CHECK(scene::TileCamera::fromMatrices(view, ortho, 720).orthoHeightMeters == Approx(400));

  SECTION("request volume: the tile counts only with the eye inside") {
    const std::string json =
        "{\"asset\":{\"version\":\"1.0\"},\"geometricError\":10,\"root\":{\"boundingVolume\":" + box(0, 0, 100) +
        ",\"geometricError\":10,\"refine\":\"ADD\",\"children\":[{\"boundingVolume\":{\"sphere\":[0,0,0,2]},"
        "\"viewerRequestVolume\":{\"sphere\":[0,0,0,20]},\"geometricError\":0,\"content\":{\"uri\":\"p.pnts\"}},"
        "{\"boundingVolume\":{\"sphere\":[50,0,0,2]},\"viewerRequestVolume\":" +
        box(50, 0, 10) + ",\"geometricError\":0,\"content\":{\"uri\":\"q.pnts\"}}]}}";
    scene::Tileset r = handMade(dir, json);
    CHECK(scene::selectTiles(r, {}, cameraAt({0, 0, 10}), 16).load == std::vector<int>{1});
    CHECK(scene::selectTiles(r, {}, cameraAt({0, 0, 30}), 16).load.empty());
    CHECK(scene::selectTiles(r, {}, cameraAt({55, 5, 5}), 16).load == std::vector<int>{2});
    CHECK(scene::selectTiles(r, {}, cameraAt({55, 5, 11}), 16).load.empty());  // above the box's 10 m
  }
}

TEST_CASE("tileset: an unexpanded external tileset is requested when refining", "[scene][tileset]") {
  core::Diagnostics diag;
  auto read = scene::readTileset(samplePath(), diag);
  REQUIRE(read.ok());
  scene::Tileset& t = read.value();
  REQUIRE(scene::placeTileset(t, geo::SiteFrame()).ok());
  scene::TileCamera near = cameraAt(t.tiles[0].siteSphere.center() + osg::Vec3d(0, 0, 100));
  auto s = scene::selectTiles(t, {}, near, 16);
  REQUIRE(s.load.size() == 2);
  CHECK(s.load[0] == 1);  // the city (sse > 0) before the building (error 0)
  CHECK(s.load[1] == 2);
  // Far away (error 70 m seen from 100 km) nothing is refined: no content at the root.
  auto far = scene::selectTiles(t, {}, cameraAt(t.tiles[0].siteSphere.center() + osg::Vec3d(0, 0, 100000)), 16);
  CHECK(far.load.empty());
  CHECK(far.render.empty());
}

TEST_CASE("tileset: the sample's point cloud of 125000 points (shared data)", "[scene][tileset]") {
  const fs::path file = test::requireSharedData("3dtiles-sample-requestvolume") / "points.pnts";
  core::Diagnostics diag;
  std::ifstream in(file, std::ios::binary);
  std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto node = scene::parsePnts(bytes.data(), bytes.size(), "points.pnts", diag);
  REQUIRE(node.ok());
  auto* geode = dynamic_cast<osg::Geode*>(node.value().get());
  REQUIRE(geode);
  auto* g = geode->getDrawable(0)->asGeometry();
  CHECK(g->getVertexArray()->getNumElements() == 125000);
  CHECK(g->getColorArray()->getNumElements() == 125000);
  CHECK(g->getPrimitiveSet(0)->getMode() == GL_POINTS);
}

TEST_CASE("tileset: pnts point clouds (float, quantized, colour forms) and bad input", "[scene][tileset]") {
  core::Diagnostics diag;
  SECTION("quantized positions, RGB565, RTC_CENTER") {
    std::vector<std::uint8_t> binary;
    for (std::uint16_t q : {0, 0, 0, 65535, 65535, 65535}) append(binary, q);
    const std::size_t colour = binary.size();
    append(binary, std::uint16_t(0xF800));  // pure red
    append(binary, std::uint16_t(0x07E0));  // pure green
    auto pnts = makePnts(
        "{\"POINTS_LENGTH\":2,\"POSITION_QUANTIZED\":{\"byteOffset\":0},"
        "\"QUANTIZED_VOLUME_OFFSET\":[-1,-2,-3],\"QUANTIZED_VOLUME_SCALE\":[2,4,6],"
        "\"RGB565\":{\"byteOffset\":" +
            std::to_string(colour) + "},\"RTC_CENTER\":[100,200,300]}",
        binary);
    auto node = scene::parsePnts(pnts.data(), pnts.size(), "q.pnts", diag);
    REQUIRE(node.ok());
    auto* rtc = dynamic_cast<osg::MatrixTransform*>(node.value().get());
    REQUIRE(rtc);
    CHECK(rtc->getMatrix().getTrans() == osg::Vec3d(100, 200, 300));
    auto* g = rtc->getChild(0)->asGeode()->getDrawable(0)->asGeometry();
    auto* v = static_cast<osg::Vec3Array*>(g->getVertexArray());
    CHECK((*v)[0] == osg::Vec3(-1, -2, -3));
    CHECK((*v)[1] == osg::Vec3(1, 2, 3));
    auto* c = static_cast<osg::Vec4ubArray*>(g->getColorArray());
    CHECK((*c)[0] == osg::Vec4ub(255, 0, 0, 255));
    CHECK((*c)[1] == osg::Vec4ub(0, 255, 0, 255));
  }
  SECTION("RGBA and CONSTANT_RGBA; non-finite positions dropped and reported") {
    std::vector<std::uint8_t> binary;
    for (float f : {0.f, 0.f, 0.f, NAN, 1.f, 1.f, 2.f, 2.f, 2.f}) append(binary, f);
    auto pnts =
        makePnts("{\"POINTS_LENGTH\":3,\"POSITION\":{\"byteOffset\":0},\"CONSTANT_RGBA\":[10,20,30,128]}", binary);
    auto node = scene::parsePnts(pnts.data(), pnts.size(), "c.pnts", diag);
    REQUIRE(node.ok());
    auto* g = node.value()->asGeode()->getDrawable(0)->asGeometry();
    CHECK(g->getVertexArray()->getNumElements() == 2);
    CHECK(g->getColorBinding() == osg::Geometry::BIND_OVERALL);
    REQUIRE(diag.total() == 1);
    CHECK(core::formatDiagnostic(diag.items()[0]) ==
          "scene::parsePnts(): c.pnts: 1 points with non-finite positions; skipped");
  }
  SECTION("errors") {
    auto error = [&](const std::vector<std::uint8_t>& bytes) {
      auto r = scene::parsePnts(bytes.data(), bytes.size(), "bad.pnts", diag);
      REQUIRE_FALSE(r.ok());
      return r.error().message;
    };
    std::vector<std::uint8_t> good = pointsAt({0, 0, 0}, 3);
    std::vector<std::uint8_t> magic = good;
    magic[0] = 'x';
    CHECK(error(magic) == "scene::parsePnts(): bad.pnts: bad magic (expected 'pnts')");
    CHECK(error({}) == "scene::parsePnts(): bad.pnts: shorter than the 28-byte header");
    std::vector<std::uint8_t> length = good;
    putU32(length, 8, 999);
    CHECK(error(length) ==
          "scene::parsePnts(): bad.pnts: byteLength 999 is not the size " + std::to_string(good.size()));
    CHECK(error(makePnts("{\"POINTS_LENGTH\":3,\"POSITION\":{\"byteOffset\":8}}", std::vector<std::uint8_t>(36))) ==
          "scene::parsePnts(): bad.pnts: POSITION runs past the feature table binary");
    CHECK(error(makePnts("{\"POSITION\":{\"byteOffset\":0}}", std::vector<std::uint8_t>(36))) ==
          "scene::parsePnts(): bad.pnts: POINTS_LENGTH missing");
    CHECK(error(makePnts("{\"POINTS_LENGTH\":1}", std::vector<std::uint8_t>(16))) ==
          "scene::parsePnts(): bad.pnts: neither POSITION nor POSITION_QUANTIZED");
    CHECK(error(makePnts("{\"POINTS_LENGTH\":1", {})) ==
          "scene::parsePnts(): bad.pnts: feature table JSON is not a JSON object");
    CHECK(error(makePnts("{\"POINTS_LENGTH\":1,\"POSITION_QUANTIZED\":{\"byteOffset\":0}}",
                         std::vector<std::uint8_t>(8))) ==
          "scene::parsePnts(): bad.pnts: POSITION_QUANTIZED needs QUANTIZED_VOLUME_OFFSET and _SCALE");

    // Every truncation, with byteLength patched to match so the inner checks run: never a crash.
    for (std::size_t n = 0; n < good.size(); ++n) {
      std::vector<std::uint8_t> cut(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(n));
      if (n >= 12) putU32(cut, 8, static_cast<std::uint32_t>(n));
      CHECK_FALSE(scene::parsePnts(cut.data(), cut.size(), "cut.pnts", diag).ok());
    }
  }
}

TEST_CASE("tileset: the node loads through its workers and attaches what the selection wants", "[scene][tileset]") {
  test::TempDir dir("tileset-load");
  writeText(dir.path() / "tileset.json", quadTileset("REPLACE"));
  writeBytes(dir.path() / "root.pnts", pointsAt({-90, 0, 0}, 10));
  const osg::Vec3 starts[4] = {{-90, -50, 0}, {10, -50, 0}, {-90, 50, 0}, {10, 50, 0}};
  for (int i = 0; i < 4; ++i) writeBytes(dir.path() / ("c" + std::to_string(i) + ".pnts"), pointsAt(starts[i], 5));
  core::Diagnostics diag;
  auto read = scene::readTileset(dir.path() / "tileset.json", diag);
  REQUIRE(read.ok());
  scene::placeTilesetWith(read.value(), osg::Matrixd());
  osg::ref_ptr<scene::TilesetNode> node = new scene::TilesetNode(std::move(read.value()));

  // From far away: the root only.
  runUntilLoaded(*node, cameraAt({0, 0, 10000}));
  CHECK(node->lastRendered() == std::vector<int>{0});
  CHECK(node->contentState(0) == CS::Ready);
  CHECK(node->contentState(1) == CS::Unloaded);
  CHECK(node->loadedContentCount() == 1);
  REQUIRE(node->contentNode(0));
  CHECK(node->containsNode(node->contentNode(0).get()));

  // Close: the children replace the root once all four are attached.
  runUntilLoaded(*node, cameraAt({0, 0, 1000}));
  CHECK(sorted(node->lastRendered()) == std::vector<int>{1, 2, 3, 4});
  CHECK(node->loadedContentCount() == 5);
  CHECK(node->loadsCompleted() == 5);
  CHECK(node->residentBytes() > 5 * 5 * 12);
  CHECK(node->diagnostics().empty());
  CHECK(node->getBound().radius() > 100);  // the root volume at least
  for (int i = 1; i <= 4; ++i) CHECK(node->containsNode(node->contentNode(i).get()));
}

TEST_CASE("tileset: the node loads the sample; the point cloud only inside its request volume", "[scene][tileset]") {
  // The sample beside stand-ins for its two large contents: six points round the cloud tile's
  // origin (their bound's centre is the tile's centre) and a city tile as the building.
  test::TempDir dir("tileset-sample");
  fs::copy(samplePath().parent_path(), dir.path(), fs::copy_options::recursive);
  std::vector<std::uint8_t> six;
  for (const osg::Vec3 p : {osg::Vec3(1, 0, 0), osg::Vec3(-1, 0, 0), osg::Vec3(0, 1, 0), osg::Vec3(0, -1, 0),
                            osg::Vec3(0, 0, 1), osg::Vec3(0, 0, -1)})
    for (float v : {p.x(), p.y(), p.z()}) append(six, v);
  writeBytes(dir.path() / "points.pnts", makePnts("{\"POINTS_LENGTH\":6,\"POSITION\":{\"byteOffset\":0}}", six));
  fs::copy_file(dir.path() / "city" / "ll.b3dm", dir.path() / "building.b3dm");
  const fs::path sample = dir.path() / "tileset.json";
  core::Diagnostics diag;
  auto model = scene::loadTileset(sample, 16, 0, geo::SiteFrame(), diag);
  REQUIRE(model.ok());
  CHECK(diag.empty());
  CHECK(model.value().format == model::ModelFormat::Tiles3d);
  CHECK(model.value().frame.valid());
  CHECK(model.value().bounds.xMax() - model.value().bounds.xMin() == Approx(400).margin(15));
  auto* node = dynamic_cast<scene::TilesetNode*>(model.value().node.get());
  REQUIRE(node);
  REQUIRE(model.value().loading);

  auto read = scene::readTileset(sample, diag);
  REQUIRE(read.ok());
  REQUIRE(scene::placeTileset(read.value(), model.value().frame).ok());
  const osg::Vec3d cloud = read.value().tiles[3].siteSphere.center();

  runUntilLoaded(*node, cameraAt(cloud + osg::Vec3d(0, 0, 50)));  // outside the 15 m volume
  CHECK_FALSE(model.value().loading());
  CHECK(node->tileCount() == 9);
  CHECK(sorted(node->lastRendered()) == std::vector<int>{2, 5, 6, 7, 8});
  CHECK(node->contentState(3) == CS::Unloaded);

  runUntilLoaded(*node, cameraAt(cloud + osg::Vec3d(0, 0, 5)));
  CHECK(sorted(node->lastRendered()) == std::vector<int>{2, 3, 5, 6, 7, 8});
  CHECK(node->loadedContentCount() == 6);
  INFO(node->diagnostics().total());
  CHECK(node->diagnostics().count(core::Severity::Error) == 0);
  // The content sits where its volume is: the point cloud's bound centre is the tile's centre.
  const osg::BoundingSphere b = node->contentNode(3)->getBound();
  CHECK((osg::Vec3d(b.center()) - cloud).length() < 1.0);
}

TEST_CASE("tileset: bad and missing content files are reported once and never retried", "[scene][tileset]") {
  test::TempDir dir("tileset-failures");
  writeText(dir.path() / "tileset.json", quadTileset("ADD", false, "b3dm"));
  // c0: a good point cloud named .b3dm (contents are recognised by magic); c1: missing;
  // c2: a b3dm with a bad header; c3: not a tile at all.
  writeBytes(dir.path() / "c0.b3dm", pointsAt({-90, -50, 0}, 4));
  std::vector<std::uint8_t> badB3dm(40, 0);
  std::memcpy(badB3dm.data(), "b3dm", 4);
  putU32(badB3dm, 4, 1);
  putU32(badB3dm, 8, 4000);
  writeBytes(dir.path() / "c2.b3dm", badB3dm);
  writeText(dir.path() / "c3.b3dm", "hello, world");
  core::Diagnostics diag;
  auto read = scene::readTileset(dir.path() / "tileset.json", diag);
  REQUIRE(read.ok());
  scene::placeTilesetWith(read.value(), osg::Matrixd());
  osg::ref_ptr<scene::TilesetNode> node = new scene::TilesetNode(std::move(read.value()));
  const scene::TileCamera camera = cameraAt({0, 0, 500});
  runUntilLoaded(*node, camera);
  for (int i = 0; i < 20; ++i) node->frame(camera);
  CHECK_FALSE(node->loading());
  CHECK(node->lastRendered() == std::vector<int>{1});
  CHECK(node->contentState(2) == CS::Failed);
  CHECK(node->contentState(3) == CS::Failed);
  CHECK(node->contentState(4) == CS::Failed);
  REQUIRE(node->diagnostics().count(core::Severity::Error) == 3);
  std::vector<std::string> messages;
  for (const core::Diagnostic& d : node->diagnostics().items())
    if (d.severity == core::Severity::Error) messages.push_back(d.recordId + ": " + d.message);
  std::sort(messages.begin(), messages.end());
  CHECK(messages[0] == "tile 2 (c1.b3dm): scene::loadTileContent(): c1.b3dm: file not found");
  CHECK(messages[1].rfind("tile 3 (c2.b3dm): scene::parseB3dm(): c2.b3dm: ", 0) == 0);
  CHECK(messages[2] ==
        "tile 4 (c3.b3dm): scene::loadTileContent(): c3.b3dm: bad magic (expected b3dm, pnts, cmpt, glTF)");
}

TEST_CASE("tileset: contents beyond the memory budget are unloaded when unused; destruction while loading",
          "[scene][tileset]") {
  test::TempDir dir("tileset-unload");
  writeText(dir.path() / "tileset.json", quadTileset("ADD", false));
  const osg::Vec3 starts[4] = {{-90, -50, 0}, {10, -50, 0}, {-90, 50, 0}, {10, 50, 0}};
  for (int i = 0; i < 4; ++i) writeBytes(dir.path() / ("c" + std::to_string(i) + ".pnts"), pointsAt(starts[i], 50));
  core::Diagnostics diag;
  auto read = scene::readTileset(dir.path() / "tileset.json", diag);
  REQUIRE(read.ok());
  scene::placeTilesetWith(read.value(), osg::Matrixd());
  scene::TilesetOptions options;
  options.memoryBudgetBytes = 1;  // everything unused is over budget
  options.unloadAfterFrames = 3;
  scene::Tileset copy = read.value();
  osg::ref_ptr<scene::TilesetNode> node = new scene::TilesetNode(std::move(read.value()), options);
  runUntilLoaded(*node, cameraAt({0, 0, 500}));
  REQUIRE(node->loadedContentCount() == 4);

  scene::TileCamera right = cameraAt({0, 0, 500});
  right.planes = {osg::Plane(1, 0, 0, -60)};  // only the children at x = +50 stay in view
  for (int i = 0; i < 3; ++i) node->frame(right);
  CHECK(node->loadedContentCount() == 4);  // not yet unused for 3 frames
  for (int i = 0; i < 3; ++i) node->frame(right);
  CHECK(node->loadedContentCount() == 2);
  CHECK(node->unloadsCompleted() == 2);
  CHECK(node->contentState(1) == CS::Unloaded);
  CHECK(node->contentState(2) == CS::Ready);
  CHECK_FALSE(node->containsNode(node->contentNode(1).get()));

  // Looking back loads them again.
  runUntilLoaded(*node, cameraAt({0, 0, 500}));
  CHECK(node->loadedContentCount() >= 3);

  // Destroyed with requests queued and in flight: the workers are joined cleanly.
  osg::ref_ptr<scene::TilesetNode> busy = new scene::TilesetNode(copy, scene::TilesetOptions{});
  busy->frame(cameraAt({0, 0, 500}));
  CHECK(busy->loading());
  busy = nullptr;
}

TEST_CASE("tileset: describeTileset() summarises the sample for twin info", "[scene][tileset]") {
  auto text = scene::describeTileset(samplePath());
  REQUIRE(text.ok());
  const std::string& t = text.value();
  INFO(t);
  CHECK(t.find("3D Tiles 1.0 tileset tileset.json\n") != std::string::npos);
  CHECK(t.find("tiles: 9 (deepest level 3, root 0)\n") != std::string::npos);
  CHECK(t.find("contents: b3dm 5, pnts 1; tiles without content: 2\n") != std::string::npos);
  CHECK(t.find("external tilesets: 1 (1 read): city/tileset.json\n") != std::string::npos);
  CHECK(t.find("refinement: ADD 9, REPLACE 0\n") != std::string::npos);
  CHECK(t.find("geometric error (m): tileset 100, root 100, tiles 0 .. 100\n") != std::string::npos);
  CHECK(t.find("viewer request volumes: 1\n") != std::string::npos);
  CHECK(t.find("extent (WGS84, root volume): lon -75.614") != std::string::npos);
  // The repository's copy lacks the root's two large contents: every content file is read, and
  // the two missing ones are reported by name.
  CHECK(t.find("content files read: 6 (2 damaged)\n") != std::string::npos);
  CHECK(t.find("problems: 2\n") != std::string::npos);
  CHECK(t.find("tile 2 (building.b3dm): scene::loadTileContent(): building.b3dm: file not found; skipped") !=
        std::string::npos);
  CHECK(t.find("tile 3 (points.pnts): scene::loadTileContent(): points.pnts: file not found; skipped") !=
        std::string::npos);
  auto missing = scene::describeTileset(samplePath().parent_path() / "nope.json");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().message == "scene::readTileset(): nope.json: file not found");
}

TEST_CASE("tileset: OSG's update and cull traversals drive the node (no GL needed)", "[scene][tileset]") {
  test::TempDir dir("tileset-cull-traversal");
  writeText(dir.path() / "tileset.json", quadTileset("REPLACE"));
  writeBytes(dir.path() / "root.pnts", pointsAt({-90, 0, 0}, 10));
  const osg::Vec3 starts[4] = {{-90, -50, 0}, {10, -50, 0}, {-90, 50, 0}, {10, 50, 0}};
  for (int i = 0; i < 4; ++i) writeBytes(dir.path() / ("c" + std::to_string(i) + ".pnts"), pointsAt(starts[i], 5));
  core::Diagnostics diag;
  auto read = scene::readTileset(dir.path() / "tileset.json", diag);
  REQUIRE(read.ok());
  scene::placeTilesetWith(read.value(), osg::Matrixd());
  osg::ref_ptr<scene::TilesetNode> node = new scene::TilesetNode(std::move(read.value()));
  // Under a transform: the selection works in the node's own coordinates.
  osg::ref_ptr<osg::MatrixTransform> shifted = new osg::MatrixTransform(osg::Matrixd::translate(1000, 0, 0));
  shifted->addChild(node.get());

  osg::ref_ptr<osgUtil::SceneView> view = new osgUtil::SceneView;
  view->setDefaults();
  view->setViewport(0, 0, 1280, 720);
  view->setProjectionMatrixAsPerspective(60, 1280.0 / 720.0, 1, 100000);
  view->setSceneData(shifted.get());
  osg::ref_ptr<osg::FrameStamp> stamp = new osg::FrameStamp;
  view->setFrameStamp(stamp.get());
  auto runFrames = [&](const osg::Vec3d& eye, const osg::Vec3d& centre) {
    view->setViewMatrixAsLookAt(eye, centre, osg::Vec3d(0, 1, 0));
    for (int i = 0; i < 2000; ++i) {
      stamp->setFrameNumber(stamp->getFrameNumber() + 1);
      view->update();
      view->cull();
      if (!node->loading() && i > 0) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    FAIL("the tileset kept loading");
  };
  // Looking at the tileset from 1 km: the four children replace the root.
  runFrames({1000, 0, 1000}, {1000, 0, 0});
  CHECK(sorted(node->lastRendered()) == std::vector<int>{1, 2, 3, 4});
  // Looking away (the tileset behind the camera, culled by its bound): nothing more is loaded.
  const std::size_t loads = node->loadsCompleted();
  runFrames({1000, 0, 1000}, {1000, 0, 5000});
  CHECK(node->loadsCompleted() == loads);
  CHECK(node->loadsCompleted() == 5);

  // Other visitors (picking) see what the last cull drew; TRAVERSE_ALL_CHILDREN sees every content.
  runFrames({1000, 0, 1000}, {1000, 0, 0});
  struct GeodeCounter : osg::NodeVisitor {
    explicit GeodeCounter(TraversalMode mode) : osg::NodeVisitor(mode) {}
    int geodes = 0;
    void apply(osg::Geode& geode) override { ++geodes; }
  };
  GeodeCounter active(osg::NodeVisitor::TRAVERSE_ACTIVE_CHILDREN), all(osg::NodeVisitor::TRAVERSE_ALL_CHILDREN);
  shifted->accept(active);
  shifted->accept(all);
  CHECK(active.geodes == 4);
  CHECK(all.geodes == 5);
  CHECK(node->getNumChildren() == 5);
}
