// scene::writeWebTiles(): 3D Tiles 1.1 written and read back with our own reader (readTileset,
// loadTileContent), the GLB's metadata, and every error.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <osg/ComputeBoundsVisitor>
#include <osg/Geometry>
#include <osg/NodeVisitor>

#include "TestPaths.h"
#include "twin/geo/FrameFit.h"
#include "twin/scene/Gltf.h"
#include "twin/scene/Tileset.h"
#include "twin/scene/WebTiles.h"

using namespace twin;
namespace fs = std::filesystem;

namespace {

core::Polygon square(double x, double y, double size) {
  return {{{x, y}, {x + size, y}, {x + size, y + size}, {x, y + size}}, {}};
}

// Three features: A (a 20 m square with a 6 m courtyard, 30 m tall), B (two volumes: a podium
// and a tower on it, 700 m east, so in another 500 m tile), C (12 m, beside A).
scene::WebTilesInput sample() {
  scene::WebTilesInput input;
  input.frame = geo::SiteFrame::create({120.24, 30.24}).value();
  input.featureCount = 3;
  input.copyright = "© OpenStreetMap contributors";
  using Type = scene::FeatureColumn::Type;
  input.columns = {{"id", Type::String, "", {"way/1", "way/2", "way/3"}, {}},
                   {"name", Type::String, "name", {"甲楼", "", "丙楼"}, {}},
                   {"height", Type::Float32, "", {}, {30, 80, 12}},
                   {"level", Type::Float32, "", {}, {15, std::nan(""), 0}}};
  core::Polygon a = square(10, 10, 20);
  a.holes.push_back({{17, 17}, {17, 23}, {23, 23}, {23, 17}});  // clockwise
  input.volumes.push_back({0, a, 0, 30, {230, 200, 150}});
  input.volumes.push_back({1, square(700, 0, 40), 0, 10, {120, 160, 220}});
  input.volumes.push_back({1, square(710, 10, 20), 10, 80, {120, 160, 220}});
  input.volumes.push_back({2, square(40, 10, 10), 0, 12, {230, 200, 150}});
  return input;
}

std::vector<std::uint8_t> readBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

nlohmann::json glbJson(const fs::path& path) {
  const auto bytes = readBytes(path);
  REQUIRE(bytes.size() > 20);
  REQUIRE(std::memcmp(bytes.data(), "glTF", 4) == 0);
  std::uint32_t length = 0;
  std::memcpy(&length, bytes.data() + 12, 4);
  REQUIRE(20 + length <= bytes.size());
  return nlohmann::json::parse(bytes.begin() + 20, bytes.begin() + 20 + length);
}

// Distinct values of the feature-id attribute (kBatchIdAttribute) under a node.
struct FeatureIds : osg::NodeVisitor {
  FeatureIds() : osg::NodeVisitor(TRAVERSE_ALL_CHILDREN) {}
  std::set<int> ids;
  std::size_t vertices = 0;
  void apply(osg::Drawable& drawable) override {
    auto* geometry = drawable.asGeometry();
    if (!geometry) return;
    const auto* values = dynamic_cast<const osg::FloatArray*>(geometry->getVertexAttribArray(scene::kBatchIdAttribute));
    if (!values) return;
    vertices += values->size();
    for (float v : *values) ids.insert(int(v));
  }
};

}  // namespace

TEST_CASE("writeWebTiles: the tileset read back with our 3D Tiles reader", "[scene][webtiles]") {
  test::TempDir dir("webtiles");
  core::Diagnostics diag;
  const scene::WebTilesInput input = sample();
  auto written = scene::writeWebTiles(input, {}, dir.path(), diag);
  REQUIRE(written);
  CHECK(diag.total() == 0);
  const scene::WebTilesResult& r = written.value();
  CHECK(r.tiles == 2);  // A and C share the tile at the origin; B lies 700 m east
  CHECK(r.features == 3);
  CHECK(r.volumes == 4);
  // Walls: A 4 + 4 (courtyard) edges, B 4 + 4, C 4; two triangles each. Roofs: A's ring with a
  // hole (8 vertices) 8 triangles, each square 2.
  CHECK(r.triangles == 2 * (8 + 8 + 4) + 8 + 2 + 2 + 2);
  REQUIRE(r.glbFiles.size() == 2);

  core::Diagnostics readDiag;
  auto tileset = scene::readTileset(dir.path() / "tileset.json", readDiag);
  REQUIRE(tileset);
  const scene::Tileset& t = tileset.value();
  CHECK(t.version == "1.1");
  REQUIRE(t.tiles.size() == 3);
  CHECK(t.tiles[0].contentType == scene::TileContentType::None);
  CHECK(t.tiles[0].refine == scene::Refine::Add);

  std::set<std::string> names;
  std::size_t features = 0;
  for (int i : t.tiles[0].children) {
    const scene::Tile& tile = t.tiles[std::size_t(i)];
    REQUIRE(tile.contentType == scene::TileContentType::Glb);
    auto content = scene::loadTileContent(tile.contentPath, tile.contentType, readDiag);
    REQUIRE(content);
    FeatureIds visitor;
    content.value()->accept(visitor);
    features += visitor.ids.size();
    // Feature ids are the tile's own rows 0..n-1.
    CHECK(*visitor.ids.begin() == 0);
    CHECK(*visitor.ids.rbegin() == int(visitor.ids.size()) - 1);

    // Placed through the root's transform, the content stands where the input said.
    osg::ComputeBoundsVisitor bounds;
    content.value()->accept(bounds);
    const osg::Vec3d centre = osg::Vec3d(bounds.getBoundingBox().center()) * tile.transform;
    const core::Vec3 lonLatHeight = geo::ecefToLonLatHeight({centre.x(), centre.y(), centre.z()});
    const core::Vec2 local = input.frame.toLocal({lonLatHeight.x, lonLatHeight.y});
    const bool east = local.x > 350;
    CHECK(local.x == Approx(east ? 720 : 30).margin(0.05));
    CHECK(local.y == Approx(20).margin(0.05));
    CHECK(lonLatHeight.z == Approx(east ? 40 : 15).margin(0.05));
    CHECK(bounds.getBoundingBox().zMax() == Approx(east ? 80 : 30).margin(0.3));  // earth curvature over 700 m: < 4 cm

    // The GLB's metadata: the property table of the tile's features.
    const nlohmann::json gltf = glbJson(tile.contentPath);
    CHECK(gltf["asset"]["copyright"] == "© OpenStreetMap contributors");
    const auto& used = gltf["extensionsUsed"];
    CHECK(std::find(used.begin(), used.end(), "EXT_mesh_features") != used.end());
    CHECK(std::find(used.begin(), used.end(), "EXT_structural_metadata") != used.end());
    const auto& primitive = gltf["meshes"][0]["primitives"][0];
    CHECK(primitive["attributes"].contains("_FEATURE_ID_0"));
    CHECK(primitive["extensions"]["EXT_mesh_features"]["featureIds"][0]["featureCount"] == visitor.ids.size());
    const auto& metadata = gltf["extensions"]["EXT_structural_metadata"];
    CHECK(metadata["propertyTables"][0]["count"] == visitor.ids.size());
    CHECK(metadata["schema"]["classes"]["building"]["properties"]["level"]["noData"] == scene::kFeatureNoData);
    CHECK(metadata["schema"]["classes"]["building"]["properties"]["name"]["type"] == "STRING");
    CHECK(metadata["schema"]["classes"]["building"]["properties"]["name"]["description"] == "name");
    for (const auto& [key, property] : metadata["propertyTables"][0]["properties"].items()) {
      const int view = property["values"];
      CHECK(gltf["bufferViews"][std::size_t(view)]["byteOffset"].get<std::size_t>() % 8 == 0);
    }

    // The strings decode back: the ids of this tile, in feature order.
    const auto bytes = readBytes(tile.contentPath);
    std::uint32_t jsonLength = 0;
    std::memcpy(&jsonLength, bytes.data() + 12, 4);
    const std::size_t bin = 20 + jsonLength + 8;
    const auto& idProperty = metadata["propertyTables"][0]["properties"]["id"];
    const auto& valuesView = gltf["bufferViews"][idProperty["values"].get<std::size_t>()];
    const auto& offsetsView = gltf["bufferViews"][idProperty["stringOffsets"].get<std::size_t>()];
    std::vector<std::uint32_t> offsets(visitor.ids.size() + 1);
    std::memcpy(offsets.data(), bytes.data() + bin + offsetsView["byteOffset"].get<std::size_t>(), offsets.size() * 4);
    const char* strings =
        reinterpret_cast<const char*>(bytes.data() + bin + valuesView["byteOffset"].get<std::size_t>());
    for (std::size_t k = 0; k + 1 < offsets.size(); ++k)
      names.insert(std::string(strings + offsets[k], offsets[k + 1] - offsets[k]));
  }
  CHECK(features == 3);
  CHECK(names == std::set<std::string>{"way/1", "way/2", "way/3"});
  CHECK(readDiag.total() == 0);
}

TEST_CASE("writeWebTiles: bad input is named", "[scene][webtiles]") {
  test::TempDir dir("webtiles-errors");
  core::Diagnostics diag;
  const std::string where = "scene::writeWebTiles(): ";
  auto error = [&](const scene::WebTilesInput& input, const scene::WebTilesOptions& options = {}) {
    auto r = scene::writeWebTiles(input, options, dir.path(), diag);
    REQUIRE_FALSE(r);
    return r.error().message;
  };
  SECTION("invalid frame") {
    scene::WebTilesInput input = sample();
    input.frame = geo::SiteFrame{};
    CHECK(error(input) == where + "the site frame is not valid");
  }
  SECTION("tile size") {
    scene::WebTilesOptions options;
    options.tileSizeMeters = 0;
    CHECK(error(sample(), options) == where + "tileSizeMeters must be a positive number, got 0");
  }
  SECTION("column name") {
    scene::WebTilesInput input = sample();
    input.columns[1].name = "2nd name";
    CHECK(error(input) == where + "column '2nd name': not a property name ([A-Za-z_][A-Za-z0-9_]*)");
  }
  SECTION("column length") {
    scene::WebTilesInput input = sample();
    input.columns[2].numbers.pop_back();
    CHECK(error(input) == where + "column 'height' has 2 values for 3 features");
  }
  SECTION("feature out of range") {
    scene::WebTilesInput input = sample();
    input.volumes[3].feature = 3;
    CHECK(error(input) == where + "volume 3 belongs to feature 3, past the 3 features");
  }
  SECTION("nothing drawable; each bad volume reported") {
    scene::WebTilesInput input = sample();
    input.volumes.resize(2);
    input.volumes[0].topMeters = input.volumes[0].bottomMeters;
    input.volumes[1].footprint = {{{0, 0}, {1, 1}}, {}};
    CHECK(error(input) == where + "no volume to draw (2 given)");
    const auto items = diag.items();
    REQUIRE(items.size() == 2);
    CHECK(items[0].recordId == "volume 0");
    CHECK(items[0].message == "top 0 m is not above bottom 0 m");
    CHECK(items[1].recordId == "volume 1");
    CHECK(items[1].message.rfind("footprint: ", 0) == 0);
    CHECK(items[1].action == "skipped");
  }
  SECTION("unwritable folder") {
    const fs::path file = dir.path() / "a-file";
    std::ofstream(file) << "x";
    auto r = scene::writeWebTiles(sample(), {}, file, diag);
    REQUIRE_FALSE(r);
    CHECK(r.error().message.rfind(where + (file / "tiles").string() + ": cannot create the folder (", 0) == 0);
  }
}
