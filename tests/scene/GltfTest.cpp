// glTF / GLB / b3dm reading: real 3D Tiles samples checked against their own headers and
// accessors, hand-made bad inputs, and a textured glTF written here with tinygltf.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <set>

#include <osg/ComputeBoundsVisitor>
#include <osg/Geode>
#include <osg/Geometry>
#include <osg/Material>
#include <osg/MatrixTransform>
#include <osg/NodeVisitor>
#include <osg/Texture2D>

#include <nlohmann/json.hpp>
#include <tiny_gltf.h>

#include "TestPaths.h"
#include "twin/geo/FrameFit.h"
#include "twin/scene/Gltf.h"

using namespace twin;
using Json = nlohmann::json;

namespace {

std::vector<std::uint8_t> readBytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  return std::vector<std::uint8_t>(std::istreambuf_iterator<char>(in), {});
}

std::uint32_t u32(const std::vector<std::uint8_t>& bytes, std::size_t at) {
  std::uint32_t v;
  std::memcpy(&v, bytes.data() + at, 4);
  return v;
}

void putU32(std::vector<std::uint8_t>& bytes, std::size_t at, std::uint32_t v) {
  std::memcpy(bytes.data() + at, &v, 4);
}

/** A GLB from JSON text and a binary chunk (both padded to 4 bytes as the spec asks). */
std::vector<std::uint8_t> makeGlb(std::string json, std::vector<std::uint8_t> bin) {
  while (json.size() % 4) json += ' ';
  while (bin.size() % 4) bin.push_back(0);
  std::vector<std::uint8_t> out(12);
  std::memcpy(out.data(), "glTF", 4);
  putU32(out, 4, 2);
  auto chunk = [&](const std::uint8_t* data, std::size_t size, std::uint32_t type) {
    std::size_t at = out.size();
    out.resize(at + 8 + size);
    putU32(out, at, std::uint32_t(size));
    putU32(out, at + 4, type);
    std::memcpy(out.data() + at + 8, data, size);
  };
  chunk(reinterpret_cast<const std::uint8_t*>(json.data()), json.size(), 0x4E4F534A);
  if (!bin.empty()) chunk(bin.data(), bin.size(), 0x004E4942);
  putU32(out, 8, std::uint32_t(out.size()));
  return out;
}

/** One triangle: 3 float positions (36 bytes) then 3 ushort indices (6 bytes). */
std::vector<std::uint8_t> triangleBin() {
  const float positions[9] = {0, 0, 0, 1, 0, 0, 0, 1, 0};
  const std::uint16_t indices[3] = {0, 1, 2};
  std::vector<std::uint8_t> bin(42);
  std::memcpy(bin.data(), positions, 36);
  std::memcpy(bin.data() + 36, indices, 6);
  return bin;
}

Json triangleJson() {
  return Json::parse(R"({
    "asset": {"version": "2.0"},
    "scene": 0, "scenes": [{"nodes": [0]}], "nodes": [{"mesh": 0, "name": "tri"}],
    "meshes": [{"primitives": [{"attributes": {"POSITION": 0}, "indices": 1}]}],
    "buffers": [{"byteLength": 42}],
    "bufferViews": [{"buffer": 0, "byteOffset": 0, "byteLength": 36}, {"buffer": 0, "byteOffset": 36, "byteLength": 6}],
    "accessors": [
      {"bufferView": 0, "componentType": 5126, "count": 3, "type": "VEC3", "min": [0,0,0], "max": [1,1,0]},
      {"bufferView": 1, "componentType": 5123, "count": 3, "type": "SCALAR"}]
  })");
}

struct Geometries : osg::NodeVisitor {
  Geometries() : osg::NodeVisitor(TRAVERSE_ALL_CHILDREN) {}
  std::vector<osg::Geometry*> found;
  void apply(osg::Geometry& geometry) override { found.push_back(&geometry); }
};

std::vector<osg::Geometry*> geometriesOf(osg::Node* node) {
  Geometries visitor;
  node->accept(visitor);
  return visitor.found;
}

osg::BoundingBox boundsOf(osg::Node* node) {
  osg::ComputeBoundsVisitor visitor;
  node->accept(visitor);
  return visitor.getBoundingBox();
}

bool hasMessage(const core::Diagnostics& diag, const std::string& text) {
  for (const core::Diagnostic& d : diag.items())
    if (formatDiagnostic(d).find(text) != std::string::npos) return true;
  return false;
}

/** What a b3dm's own bytes say, parsed here independently of the reader. */
struct B3dmFacts {
  std::uint32_t byteLength = 0;
  Json featureTable, batchTable, gltf;
  std::size_t gltfOffset = 0;
  std::size_t triangles = 0, vertices = 0, primitives = 0;
};

B3dmFacts b3dmFacts(const std::vector<std::uint8_t>& bytes) {
  B3dmFacts facts;
  REQUIRE(bytes.size() >= 28);
  REQUIRE(std::memcmp(bytes.data(), "b3dm", 4) == 0);
  REQUIRE(u32(bytes, 4) == 1);
  facts.byteLength = u32(bytes, 8);
  const std::size_t ftJson = u32(bytes, 12), ftBin = u32(bytes, 16), btJson = u32(bytes, 20), btBin = u32(bytes, 24);
  const char* text = reinterpret_cast<const char*>(bytes.data());
  facts.featureTable = Json::parse(std::string(text + 28, ftJson));
  facts.batchTable = btJson ? Json::parse(std::string(text + 28 + ftJson + ftBin, btJson)) : Json::object();
  facts.gltfOffset = 28 + ftJson + ftBin + btJson + btBin;
  REQUIRE(std::memcmp(bytes.data() + facts.gltfOffset, "glTF", 4) == 0);
  const std::size_t jsonLength = u32(bytes, facts.gltfOffset + 12);
  facts.gltf = Json::parse(std::string(text + facts.gltfOffset + 20, jsonLength));
  std::set<int> positionAccessors;
  for (const Json& mesh : facts.gltf["meshes"]) {
    for (const Json& primitive : mesh["primitives"]) {
      REQUIRE(primitive.value("mode", 4) == 4);
      const int position = primitive["attributes"]["POSITION"].get<int>();
      const std::size_t count =
          primitive.contains("indices")
              ? facts.gltf["accessors"][primitive["indices"].get<int>()]["count"].get<std::size_t>()
              : facts.gltf["accessors"][position]["count"].get<std::size_t>();
      facts.triangles += count / 3;
      if (positionAccessors.insert(position).second)
        facts.vertices += facts.gltf["accessors"][position]["count"].get<std::size_t>();
      ++facts.primitives;
    }
  }
  return facts;
}

std::string parseError(const std::vector<std::uint8_t>& bytes) {
  core::Diagnostics diag;
  auto result = scene::parseB3dm(bytes.data(), bytes.size(), "bad.b3dm", {}, diag);
  REQUIRE_FALSE(result.ok());
  return result.error().message;
}

std::string gltfError(const std::vector<std::uint8_t>& bytes, core::Diagnostics& diag) {
  auto result = scene::gltfToNode(bytes.data(), bytes.size(), "bad.glb", {}, diag);
  REQUIRE_FALSE(result.ok());
  return result.error().message;
}

}  // namespace

TEST_CASE("gltfYUpToZUp: glTF +y up becomes +z, glTF +z forward becomes -y", "[scene][gltf]") {
  const osg::Matrixd m = scene::gltfYUpToZUp();
  const osg::Vec3d up = osg::Vec3d(0, 1, 0) * m, forward = osg::Vec3d(0, 0, 1) * m, right = osg::Vec3d(1, 0, 0) * m;
  CHECK((up - osg::Vec3d(0, 0, 1)).length() < 1e-12);
  CHECK((forward - osg::Vec3d(0, -1, 0)).length() < 1e-12);
  CHECK((right - osg::Vec3d(1, 0, 0)).length() < 1e-12);
}

TEST_CASE("parseB3dm: building.b3dm matches its header and accessors", "[scene][gltf]") {
  // The sample's detailed building (3.7 MB, left out of tests/data for its size).
  const auto path = test::requireSharedData("3dtiles-sample-requestvolume") / "building.b3dm";
  const auto bytes = readBytes(path);
  const B3dmFacts facts = b3dmFacts(bytes);
  REQUIRE(facts.byteLength == bytes.size());

  core::Diagnostics diag;
  auto content = scene::parseB3dm(bytes.data(), bytes.size(), "building.b3dm", path.parent_path(), diag);
  REQUIRE(content.ok());
  CHECK(diag.count(core::Severity::Warning) == 0);
  CHECK(content->batchLength == facts.featureTable["BATCH_LENGTH"].get<std::size_t>());
  CHECK_FALSE(content->rtcCenter.has_value());
  CHECK_FALSE(content->legacyHeader);
  CHECK(content->stats.primitives == facts.primitives);
  CHECK(content->stats.triangles == facts.triangles);
  CHECK(content->stats.vertices == facts.vertices);
  CHECK(content->stats.meshes == facts.gltf["meshes"].size());
  CHECK(content->stats.materials == facts.gltf["materials"].size());
  CHECK(content->stats.textures == 0);

  // The POSITION accessor's min/max (y-up) become z-up bounds: glTF y -> z, glTF z -> -y.
  const Json& position =
      facts.gltf["accessors"][facts.gltf["meshes"][0]["primitives"][0]["attributes"]["POSITION"].get<int>()];
  const osg::BoundingBox yUp = content->stats.bounds;
  CHECK(yUp.yMax() == Approx(position["max"][1].get<double>()).margin(1e-4));
  const osg::BoundingBox zUp = boundsOf(content->node.get());
  CHECK(zUp.zMax() == Approx(position["max"][1].get<double>()).margin(1e-4));
  CHECK(zUp.zMin() == Approx(position["min"][1].get<double>()).margin(1e-4));
  CHECK(zUp.yMin() == Approx(-position["max"][2].get<double>()).margin(1e-4));
  CHECK(zUp.xMax() == Approx(position["max"][0].get<double>()).margin(1e-4));

  // No _BATCHID here: no drawable carries a batch PickInfo.
  for (osg::Geometry* geometry : geometriesOf(content->node.get())) {
    CHECK(geometry->getUserData() == nullptr);
    CHECK(geometry->getNormalArray() != nullptr);
  }
}

TEST_CASE("parseB3dm: city/ll.b3dm batches, RTC_CENTER and picking", "[scene][gltf]") {
  const auto path = test::testDataDir() / "3dtiles-requestvolume" / "city" / "ll.b3dm";
  const auto bytes = readBytes(path);
  const B3dmFacts facts = b3dmFacts(bytes);

  core::Diagnostics diag;
  auto content = scene::parseB3dm(bytes.data(), bytes.size(), "ll.b3dm", path.parent_path(), diag);
  REQUIRE(content.ok());
  CHECK(diag.count(core::Severity::Warning) == 0);
  const std::size_t batchLength = facts.featureTable["BATCH_LENGTH"].get<std::size_t>();
  CHECK(content->batchLength == batchLength);
  REQUIRE(content->rtcCenter.has_value());
  for (int i = 0; i < 3; ++i) CHECK((*content->rtcCenter)[i] == facts.featureTable["RTC_CENTER"][i].get<double>());
  CHECK(content->stats.triangles == facts.triangles);
  CHECK(content->stats.vertices == facts.vertices);

  // The batch table in file order, every column BATCH_LENGTH long.
  std::vector<std::string> names;
  for (auto it = facts.batchTable.begin(); it != facts.batchTable.end(); ++it) names.push_back(it.key());
  std::vector<std::string> got = content->batchTable->names;
  std::sort(names.begin(), names.end());
  std::sort(got.begin(), got.end());
  CHECK(got == names);
  for (const auto& column : content->batchTable->values) CHECK(column.size() == batchLength);

  // Tile coordinates are ECEF: the tile's centre lies on the Earth's surface in Pennsylvania
  // (the tileset's region: lon -75.6144..-75.6097, lat 40.0407..40.0443, height 0..67 m).
  const osg::BoundingBox box = boundsOf(content->node.get());
  const osg::Vec3d centre = osg::Vec3d(box.center());
  const core::Vec3 lonLatHeight = geo::ecefToLonLatHeight({centre.x(), centre.y(), centre.z()});
  CHECK(lonLatHeight.x == Approx(-75.612).margin(0.01));
  CHECK(lonLatHeight.y == Approx(40.042).margin(0.01));
  CHECK(lonLatHeight.z == Approx(30).margin(60));

  // A pick on any vertex reports that vertex's _BATCHID row.
  const auto geometries = geometriesOf(content->node.get());
  REQUIRE(geometries.size() == 1);
  osg::Geometry* geometry = geometries[0];
  auto* pick = dynamic_cast<scene::PickInfo*>(geometry->getUserData());
  REQUIRE(pick != nullptr);
  const auto* ids = dynamic_cast<const osg::FloatArray*>(geometry->getVertexAttribArray(scene::kBatchIdAttribute));
  REQUIRE(ids != nullptr);
  REQUIRE(ids->size() == facts.vertices);
  std::set<int> seen;
  for (unsigned vertex = 0; vertex < ids->size(); vertex += 7) {
    const int id = int((*ids)[vertex]);
    seen.insert(id);
    const scene::PickedFeature feature = pick->describe(*geometry, 0, {vertex, vertex, vertex});
    CHECK(feature.title == "batch " + std::to_string(id));
    REQUIRE(feature.properties.size() == names.size());
    for (const auto& [name, value] : feature.properties) {
      const Json& expected = facts.batchTable[name][std::size_t(id)];
      CHECK(value == (expected.is_string() ? expected.get<std::string>() : expected.dump()));
    }
  }
  CHECK(seen.size() == batchLength);
}

TEST_CASE("parseB3dm: bad headers name the field", "[scene][gltf]") {
  const auto good = readBytes(test::testDataDir() / "3dtiles-requestvolume" / "city" / "ll.b3dm");

  auto bytes = good;
  std::memcpy(bytes.data(), "i3dm", 4);
  CHECK(parseError(bytes) == "scene::parseB3dm(): bad.b3dm: magic is 'i3dm', expected 'b3dm'");

  bytes = good;
  putU32(bytes, 4, 2);
  CHECK(parseError(bytes) == "scene::parseB3dm(): bad.b3dm: version 2 is not supported (expected 1)");

  bytes = good;
  putU32(bytes, 8, std::uint32_t(good.size() + 4));
  CHECK(parseError(bytes) == "scene::parseB3dm(): bad.b3dm: header byteLength " + std::to_string(good.size() + 4) +
                                 " does not match the data size " + std::to_string(good.size()));

  bytes = good;
  putU32(bytes, 12, 100000);
  CHECK(parseError(bytes) ==
        "scene::parseB3dm(): bad.b3dm: featureTableJsonByteLength 100000 runs past the end of the tile (" +
            std::to_string(good.size()) + " bytes)");

  bytes = good;
  putU32(bytes, 24, 9000);
  CHECK(parseError(bytes) ==
        "scene::parseB3dm(): bad.b3dm: batchTableBinaryByteLength 9000 runs past the end of the tile (" +
            std::to_string(good.size()) + " bytes)");

  bytes.assign(good.begin(), good.begin() + 20);
  CHECK(parseError(bytes) == "scene::parseB3dm(): bad.b3dm: truncated header (20 bytes, 28 expected)");

  bytes = good;
  bytes[28] = '[';
  CHECK(parseError(bytes) == "scene::parseB3dm(): bad.b3dm: feature table JSON: not valid JSON");

  // The glTF payload's own error, prefixed.
  bytes = good;
  const B3dmFacts facts = b3dmFacts(good);
  std::memcpy(bytes.data() + facts.gltfOffset, "glTX", 4);
  CHECK(parseError(bytes) ==
        "scene::parseB3dm(): bad.b3dm: glTF payload: scene::gltfToNode(): bad.b3dm: not a glTF "
        "(magic 'glTX', expected 'glTF' or JSON text)");
}

TEST_CASE("parseB3dm: a legacy header is detected and read", "[scene][gltf]") {
  const auto good = readBytes(test::testDataDir() / "3dtiles-requestvolume" / "city" / "ll.b3dm");
  const B3dmFacts facts = b3dmFacts(good);
  const std::size_t ftJson = u32(good, 12), btJson = u32(good, 20);
  // Legacy layout 2: [batchTableJsonByteLength, batchTableBinaryByteLength, batchLength], no feature table.
  std::vector<std::uint8_t> legacy(24);
  std::memcpy(legacy.data(), "b3dm", 4);
  putU32(legacy, 4, 1);
  putU32(legacy, 12, std::uint32_t(btJson));
  putU32(legacy, 16, 0);
  putU32(legacy, 20, 10);
  legacy.insert(legacy.end(), good.begin() + 28 + ftJson, good.end());
  putU32(legacy, 8, std::uint32_t(legacy.size()));

  core::Diagnostics diag;
  auto content = scene::parseB3dm(legacy.data(), legacy.size(), "legacy.b3dm", {}, diag);
  REQUIRE(content.ok());
  CHECK(content->legacyHeader);
  CHECK(content->batchLength == 10);
  CHECK_FALSE(content->rtcCenter.has_value());
  CHECK(content->stats.triangles == facts.triangles);
  CHECK(content->batchTable->row(3).size() == facts.batchTable.size());
  CHECK(
      hasMessage(diag, "legacy header [batchTableJsonByteLength, batchTableBinaryByteLength, batchLength] (pre-1.0)"));
}

TEST_CASE("parseB3dm: truncated and corrupted copies never crash", "[scene][gltf]") {
  const auto good = readBytes(test::testDataDir() / "3dtiles-requestvolume" / "city" / "ll.b3dm");
  std::size_t failures = 0;
  for (std::size_t size = 0; size < good.size(); size += (size < 200 ? 1 : 97)) {
    std::vector<std::uint8_t> cut(good.begin(), good.begin() + std::ptrdiff_t(size));
    core::Diagnostics diag;
    // byteLength no longer matches: every truncated copy fails on the header.
    if (!scene::parseB3dm(cut.data(), cut.size(), "cut.b3dm", {}, diag).ok()) ++failures;
    // With byteLength patched, the tables and the GLB inside must be checked themselves.
    if (size >= 28) {
      putU32(cut, 8, std::uint32_t(size));
      scene::parseB3dm(cut.data(), cut.size(), "cut.b3dm", {}, diag);
    }
  }
  CHECK(failures > 200);
  // Flipped bytes all over the file: any outcome but a crash.
  std::uint32_t seed = 12345;
  for (int round = 0; round < 300; ++round) {
    auto bytes = good;
    for (int k = 0; k < 4; ++k) {
      seed = seed * 1664525u + 1013904223u;
      bytes[12 + seed % (bytes.size() - 12)] ^= std::uint8_t(1u << (seed >> 29));
    }
    core::Diagnostics diag;
    scene::parseB3dm(bytes.data(), bytes.size(), "flipped.b3dm", {}, diag);
  }
}

TEST_CASE("gltfToNode: bad GLB framing names what is wrong", "[scene][gltf]") {
  const auto good = makeGlb(triangleJson().dump(), triangleBin());
  core::Diagnostics diag;
  {
    auto node = scene::gltfToNode(good.data(), good.size(), "tri.glb", {}, diag);
    REQUIRE(node.ok());
    CHECK(diag.empty());
  }
  auto bytes = good;
  bytes[0] = 'x';
  CHECK(gltfError(bytes, diag) ==
        "scene::gltfToNode(): bad.glb: not a glTF (magic 'xlTF', expected 'glTF' or JSON text)");

  bytes.assign(good.begin(), good.begin() + 10);
  CHECK(gltfError(bytes, diag) == "scene::gltfToNode(): bad.glb: truncated GLB header (10 bytes, 12 expected)");

  bytes.assign(good.begin(), good.end() - 4);
  CHECK(gltfError(bytes, diag) == "scene::gltfToNode(): bad.glb: GLB length " + std::to_string(good.size()) +
                                      " is past the end of the data (" + std::to_string(good.size() - 4) + " bytes)");

  bytes = good;
  putU32(bytes, 12, 5000);
  CHECK(gltfError(bytes, diag) == "scene::gltfToNode(): bad.glb: JSON chunk length 5000 is past the end of the GLB (" +
                                      std::to_string(good.size()) + " bytes)");

  bytes = good;
  const std::size_t binHeader = 20 + u32(good, 12);
  putU32(bytes, binHeader, 4000);
  CHECK(gltfError(bytes, diag) == "scene::gltfToNode(): bad.glb: BIN chunk length 4000 is past the end of the GLB (" +
                                      std::to_string(good.size()) + " bytes)");

  bytes = good;
  putU32(bytes, 4, 1);
  CHECK(gltfError(bytes, diag) == "scene::gltfToNode(): bad.glb: GLB version 1 is not supported (expected 2)");

  // Every truncation of a valid GLB with its length patched: an error or a reported skip, never a crash.
  for (std::size_t size = 0; size < good.size(); ++size) {
    std::vector<std::uint8_t> cut(good.begin(), good.begin() + std::ptrdiff_t(size));
    if (size >= 12) putU32(cut, 8, std::uint32_t(size));
    core::Diagnostics local;
    CHECK_FALSE(scene::gltfToNode(cut.data(), cut.size(), "cut.glb", {}, local).ok());
  }
  // And of the JSON text alone.
  const std::string text = triangleJson().dump();
  for (std::size_t size = 1; size < text.size(); size += 3) {
    core::Diagnostics local;
    CHECK_FALSE(
        scene::gltfToNode(reinterpret_cast<const std::uint8_t*>(text.data()), size, "cut.gltf", {}, local).ok());
  }
}

TEST_CASE("gltfToNode: bad accessors and indices are reported and the primitive skipped", "[scene][gltf]") {
  core::Diagnostics diag;
  SECTION("an accessor past its bufferView") {
    Json json = triangleJson();
    json["accessors"][0]["count"] = 4;
    const auto bytes = makeGlb(json.dump(), triangleBin());
    CHECK(gltfError(bytes, diag) == "scene::gltfToNode(): bad.glb: no primitive could be built (1 skipped)");
    CHECK(hasMessage(diag,
                     "scene::gltfToNode(): bad.glb mesh 0 primitive 0: POSITION accessor 0 is past the end of its "
                     "bufferView (4 elements); skipped"));
  }
  SECTION("a bufferView past its buffer") {
    Json json = triangleJson();
    json["bufferViews"][1]["byteLength"] = 600;
    const auto bytes = makeGlb(json.dump(), triangleBin());
    CHECK(gltfError(bytes, diag) == "scene::gltfToNode(): bad.glb: no primitive could be built (1 skipped)");
    CHECK(hasMessage(diag, "indices accessor 1: bufferView 1 is past the end of its buffer; skipped"));
  }
  SECTION("an index past the vertices") {
    auto bin = triangleBin();
    const std::uint16_t bad = 7;
    std::memcpy(bin.data() + 40, &bad, 2);
    CHECK(gltfError(makeGlb(triangleJson().dump(), bin), diag) ==
          "scene::gltfToNode(): bad.glb: no primitive could be built (1 skipped)");
    CHECK(hasMessage(diag, "index 7 (element 2) is past the 3 vertices; skipped"));
  }
  SECTION("a sparse index past the accessor") {
    Json json = triangleJson();
    json["accessors"][0]["sparse"] = Json::parse(R"({"count": 1, "indices": {"bufferView": 1, "componentType": 5123},
                                                    "values": {"bufferView": 0}})");
    auto bin = triangleBin();
    const std::uint16_t bad = 9;
    std::memcpy(bin.data() + 36, &bad, 2);  // the sparse index shares the indices view here
    CHECK(gltfError(makeGlb(json.dump(), bin), diag) ==
          "scene::gltfToNode(): bad.glb: no primitive could be built (1 skipped)");
    CHECK(hasMessage(diag, "POSITION accessor 0: sparse index 9 is past the accessor's 3 elements; skipped"));
  }
  SECTION("sparse values past their bufferView") {
    Json json = triangleJson();
    json["accessors"][0]["sparse"] = Json::parse(R"({"count": 2, "indices": {"bufferView": 1, "componentType": 5123},
                                                    "values": {"bufferView": 1}})");
    CHECK(gltfError(makeGlb(json.dump(), triangleBin()), diag) ==
          "scene::gltfToNode(): bad.glb: no primitive could be built (1 skipped)");
    CHECK(hasMessage(diag, "POSITION accessor 0 sparse values is past the end of its bufferView; skipped"));
  }
  SECTION("sparse indices of a float type") {
    Json json = triangleJson();
    json["accessors"][0]["sparse"] = Json::parse(R"({"count": 1, "indices": {"bufferView": 1, "componentType": 5126},
                                                    "values": {"bufferView": 0}})");
    CHECK(gltfError(makeGlb(json.dump(), triangleBin()), diag) ==
          "scene::gltfToNode(): bad.glb: no primitive could be built (1 skipped)");
    CHECK(hasMessage(
        diag, "POSITION accessor 0: sparse indices componentType 5126 is not an unsigned integer type; skipped"));
  }
  SECTION("a non-finite position") {
    auto bin = triangleBin();
    const float nan = std::nanf("");
    std::memcpy(bin.data() + 4, &nan, 4);
    CHECK(gltfError(makeGlb(triangleJson().dump(), bin), diag) ==
          "scene::gltfToNode(): bad.glb: no primitive could be built (1 skipped)");
    CHECK(hasMessage(diag, "POSITION 0 is not finite; skipped"));
  }
  SECTION("one bad primitive beside a good one") {
    Json json = triangleJson();
    json["meshes"][0]["primitives"].push_back(Json::parse(R"({"attributes": {"POSITION": 5}})"));
    scene::GltfStats stats;
    const auto bytes = makeGlb(json.dump(), triangleBin());
    auto node = scene::gltfToNode(bytes.data(), bytes.size(), "two.glb", {}, diag, &stats);
    REQUIRE(node.ok());
    CHECK(stats.primitives == 1);
    CHECK(stats.triangles == 1);
    CHECK(stats.vertices == 3);
    CHECK(diag.total() == 1);
    CHECK(hasMessage(diag,
                     "scene::gltfToNode(): two.glb mesh 0 primitive 1: POSITION accessor 5 does not exist; skipped"));
  }
}

TEST_CASE("gltfToNode: a triangle list that is not whole triangles draws the whole ones only", "[scene][gltf]") {
  // Found by the gltf fuzzer: two indices in TRIANGLES mode made OSG's smoothing read a third one past
  // the end of the index array.
  core::Diagnostics diag;
  SECTION("two indices") {
    Json json = triangleJson();
    json["accessors"][1]["count"] = 2;
    scene::GltfStats stats;
    const auto bytes = makeGlb(json.dump(), triangleBin());
    auto node = scene::gltfToNode(bytes.data(), bytes.size(), "short.glb", {}, diag, &stats);
    REQUIRE(node.ok());
    CHECK(stats.triangles == 0);
    CHECK(hasMessage(diag,
                     "short.glb mesh 0 primitive 0: 2 indices are not a whole number of triangles; the last 2 "
                     "dropped"));
    const auto geometries = geometriesOf(node.value().get());
    REQUIRE(geometries.size() == 1);
    CHECK(geometries[0]->getPrimitiveSet(0)->getNumIndices() == 0);
  }
  SECTION("four vertices without indices") {
    Json json = triangleJson();
    json["meshes"][0]["primitives"][0].erase("indices");
    json["accessors"][0]["count"] = 4;
    json["buffers"][0]["byteLength"] = 48;
    json["bufferViews"][0]["byteLength"] = 48;
    json["bufferViews"].erase(1);
    json["accessors"].erase(1);
    std::vector<std::uint8_t> bin(48);
    const float positions[12] = {0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 1, 0};
    std::memcpy(bin.data(), positions, 48);
    scene::GltfStats stats;
    const auto bytes = makeGlb(json.dump(), bin);
    auto node = scene::gltfToNode(bytes.data(), bytes.size(), "four.glb", {}, diag, &stats);
    REQUIRE(node.ok());
    CHECK(stats.triangles == 1);
    CHECK(hasMessage(diag, "4 vertices are not a whole number of triangles; the last 1 dropped"));
    const auto geometries = geometriesOf(node.value().get());
    REQUIRE(geometries.size() == 1);
    CHECK(geometries[0]->getPrimitiveSet(0)->getNumIndices() == 3);
    // Smoothing gave every vertex a normal from whole triangles only.
    CHECK(geometries[0]->getNormalArray() != nullptr);
  }
}

TEST_CASE("gltfToNode: sparse accessors replace the listed elements; no bufferView means zeros", "[scene][gltf]") {
  core::Diagnostics diag;
  SECTION("one vertex moved by a sparse substitution") {
    // Bytes 42-43: the sparse index (ushort 2); 44-55: its new position (0, 0, 5).
    auto bin = triangleBin();
    bin.resize(56, 0);
    const std::uint16_t index = 2;
    const float moved[3] = {0, 0, 5};
    std::memcpy(bin.data() + 42, &index, 2);
    std::memcpy(bin.data() + 44, moved, 12);
    Json json = triangleJson();
    json["buffers"][0]["byteLength"] = 56;
    json["bufferViews"].push_back(Json::parse(R"({"buffer": 0, "byteOffset": 42, "byteLength": 2})"));
    json["bufferViews"].push_back(Json::parse(R"({"buffer": 0, "byteOffset": 44, "byteLength": 12})"));
    json["accessors"][0]["sparse"] = Json::parse(R"({"count": 1, "indices": {"bufferView": 2, "componentType": 5123},
                                                    "values": {"bufferView": 3}})");
    json["accessors"][0]["max"] = Json::array({1, 1, 5});
    const auto bytes = makeGlb(json.dump(), bin);
    auto node = scene::gltfToNode(bytes.data(), bytes.size(), "sparse.glb", {}, diag);
    REQUIRE(node.ok());
    CHECK(diag.total() == 0);
    // In glTF's own axes: vertex 2 moved from (0, 1, 0) to (0, 0, 5); the others stay.
    const osg::BoundingBox box = boundsOf(node->get());
    CHECK(box.zMax() == Approx(5));
    CHECK(box.yMax() == Approx(0).margin(1e-6));
    CHECK(box.xMax() == Approx(1));
  }
  SECTION("positions with no bufferView: zeros, then every vertex from sparse values (ubyte indices)") {
    // Bytes 0-2: sparse indices 0, 1, 2 (padded to 4); 4-39: the three positions; 40-45: indices.
    std::vector<std::uint8_t> bin(48, 0);
    const std::uint8_t sparseIndices[3] = {0, 1, 2};
    const float positions[9] = {0, 0, 0, 2, 0, 0, 0, 3, 0};
    const std::uint16_t indices[3] = {0, 1, 2};
    std::memcpy(bin.data(), sparseIndices, 3);
    std::memcpy(bin.data() + 4, positions, 36);
    std::memcpy(bin.data() + 40, indices, 6);
    Json json = triangleJson();
    json["buffers"][0]["byteLength"] = 48;
    json["bufferViews"] = Json::parse(R"([{"buffer": 0, "byteOffset": 0, "byteLength": 3},
                                          {"buffer": 0, "byteOffset": 4, "byteLength": 36},
                                          {"buffer": 0, "byteOffset": 40, "byteLength": 6}])");
    json["accessors"][0].erase("bufferView");
    json["accessors"][0]["max"] = Json::array({2, 3, 0});
    json["accessors"][0]["sparse"] = Json::parse(R"({"count": 3, "indices": {"bufferView": 0, "componentType": 5121},
                                                    "values": {"bufferView": 1}})");
    json["accessors"][1]["bufferView"] = 2;
    scene::GltfStats stats;
    const auto bytes = makeGlb(json.dump(), bin);
    auto node = scene::gltfToNode(bytes.data(), bytes.size(), "zeros.glb", {}, diag, &stats);
    REQUIRE(node.ok());
    CHECK(diag.total() == 0);
    CHECK(stats.triangles == 1);
    const osg::BoundingBox box = boundsOf(node->get());
    CHECK(box.xMax() == Approx(2));
    CHECK(box.yMax() == Approx(3));
    CHECK(box.zMax() == Approx(0).margin(1e-6));
  }
}

TEST_CASE("gltfToNode: an image that does not decode skips the texture, not the mesh", "[scene][gltf]") {
  Json json = triangleJson();
  // Texture coordinates reuse the first two floats of each position; the "image" is 8 bytes of junk.
  json["bufferViews"].push_back(Json::parse(R"({"buffer": 0, "byteOffset": 0, "byteLength": 36, "byteStride": 12})"));
  json["bufferViews"].push_back(Json::parse(R"({"buffer": 0, "byteOffset": 42, "byteLength": 8})"));
  json["accessors"].push_back(Json::parse(R"({"bufferView": 2, "componentType": 5126, "count": 3, "type": "VEC2"})"));
  json["meshes"][0]["primitives"][0]["attributes"]["TEXCOORD_0"] = 2;
  json["meshes"][0]["primitives"][0]["material"] = 0;
  json["materials"] = Json::parse(R"([{"pbrMetallicRoughness": {"baseColorTexture": {"index": 0},
                                      "baseColorFactor": [1, 0.5, 0.25, 1]}}])");
  json["textures"] = Json::parse(R"([{"source": 0}])");
  json["images"] = Json::parse(R"([{"bufferView": 3, "mimeType": "image/png"}])");
  json["buffers"][0]["byteLength"] = 50;
  auto bin = triangleBin();
  bin.resize(50, 0x5a);

  core::Diagnostics diag;
  scene::GltfStats stats;
  const auto bytes = makeGlb(json.dump(), bin);
  auto node = scene::gltfToNode(bytes.data(), bytes.size(), "junk-image.glb", {}, diag, &stats);
  REQUIRE(node.ok());
  CHECK(stats.primitives == 1);
  CHECK(stats.textures == 0);
  CHECK(hasMessage(diag, "scene::gltfToNode(): junk-image.glb image 0: image does not decode"));
  const auto geometries = geometriesOf(node.value().get());
  REQUIRE(geometries.size() == 1);
  const osg::StateSet* state = geometries[0]->getStateSet();
  REQUIRE(state != nullptr);
  CHECK(state->getTextureAttribute(0, osg::StateAttribute::TEXTURE) == nullptr);
  const auto* material = dynamic_cast<const osg::Material*>(state->getAttribute(osg::StateAttribute::MATERIAL));
  REQUIRE(material != nullptr);
  CHECK(material->getDiffuse(osg::Material::FRONT) == osg::Vec4(1, 0.5f, 0.25f, 1));
  // Texture coordinates were read through the 12-byte stride.
  const auto* texcoords = dynamic_cast<const osg::Vec2Array*>(geometries[0]->getTexCoordArray(0));
  REQUIRE(texcoords != nullptr);
  CHECK((*texcoords)[1] == osg::Vec2(1, 0));
  CHECK((*texcoords)[2] == osg::Vec2(0, 1));
  // Missing normals were generated: the triangle lies in z = 0.
  const auto* normals = dynamic_cast<const osg::Vec3Array*>(geometries[0]->getNormalArray());
  REQUIRE(normals != nullptr);
  CHECK(std::abs((*normals)[0].z()) == Approx(1));
}

namespace {

/** A unit cube (24 vertices, 12 triangles, 4x4 RGBA texture written as cube.png), instanced by
    node 0 (TRS: translation (10, 2, -3), 90 degrees about y, scale 2) and by its child node 1
    (matrix: translation (0, 5, 0)). */
tinygltf::Model texturedCube() {
  std::vector<float> positions, normals, uvs;
  std::vector<std::uint16_t> indices;
  const float faces[6][3] = {{1, 0, 0}, {-1, 0, 0}, {0, 1, 0}, {0, -1, 0}, {0, 0, 1}, {0, 0, -1}};
  for (const auto& n : faces) {
    const osg::Vec3 normal(n[0], n[1], n[2]);
    const osg::Vec3 u = std::abs(normal.x()) > 0 ? osg::Vec3(0, 1, 0) : osg::Vec3(1, 0, 0);
    const osg::Vec3 v = normal ^ u;
    const auto base = std::uint16_t(positions.size() / 3);
    const float corners[4][2] = {{-1, -1}, {1, -1}, {1, 1}, {-1, 1}};
    for (const auto& c : corners) {
      const osg::Vec3 p = normal * 0.5f + u * (0.5f * c[0]) + v * (0.5f * c[1]);
      positions.insert(positions.end(), {p.x(), p.y(), p.z()});
      normals.insert(normals.end(), {normal.x(), normal.y(), normal.z()});
      uvs.insert(uvs.end(), {(c[0] + 1) / 2, (c[1] + 1) / 2});
    }
    indices.insert(indices.end(), {base, std::uint16_t(base + 1), std::uint16_t(base + 2), base,
                                   std::uint16_t(base + 2), std::uint16_t(base + 3)});
  }
  tinygltf::Model model;
  tinygltf::Buffer buffer;
  auto append = [&](const void* data, std::size_t size) {
    const std::size_t at = buffer.data.size();
    buffer.data.resize(at + size);
    std::memcpy(buffer.data.data() + at, data, size);
    return at;
  };
  auto view = [&](std::size_t offset, std::size_t length) {
    tinygltf::BufferView v;
    v.buffer = 0;
    v.byteOffset = offset;
    v.byteLength = length;
    model.bufferViews.push_back(v);
    return int(model.bufferViews.size() - 1);
  };
  auto accessor = [&](int bufferView, int componentType, std::size_t count, int type) {
    tinygltf::Accessor a;
    a.bufferView = bufferView;
    a.componentType = componentType;
    a.count = count;
    a.type = type;
    if (type == TINYGLTF_TYPE_VEC3 && bufferView == 0) {
      a.minValues = {-0.5, -0.5, -0.5};
      a.maxValues = {0.5, 0.5, 0.5};
    }
    model.accessors.push_back(a);
    return int(model.accessors.size() - 1);
  };
  const int positionView = view(append(positions.data(), positions.size() * 4), positions.size() * 4);
  const int normalView = view(append(normals.data(), normals.size() * 4), normals.size() * 4);
  const int uvView = view(append(uvs.data(), uvs.size() * 4), uvs.size() * 4);
  const int indexView = view(append(indices.data(), indices.size() * 2), indices.size() * 2);
  buffer.uri = "cube.bin";
  model.buffers.push_back(buffer);

  tinygltf::Primitive primitive;
  primitive.attributes["POSITION"] = accessor(positionView, TINYGLTF_COMPONENT_TYPE_FLOAT, 24, TINYGLTF_TYPE_VEC3);
  primitive.attributes["NORMAL"] = accessor(normalView, TINYGLTF_COMPONENT_TYPE_FLOAT, 24, TINYGLTF_TYPE_VEC3);
  primitive.attributes["TEXCOORD_0"] = accessor(uvView, TINYGLTF_COMPONENT_TYPE_FLOAT, 24, TINYGLTF_TYPE_VEC2);
  primitive.indices = accessor(indexView, TINYGLTF_COMPONENT_TYPE_UNSIGNED_SHORT, 36, TINYGLTF_TYPE_SCALAR);
  primitive.material = 0;
  primitive.mode = TINYGLTF_MODE_TRIANGLES;
  tinygltf::Mesh mesh;
  mesh.name = "cube";
  mesh.primitives.push_back(primitive);
  model.meshes.push_back(mesh);

  tinygltf::Image image;
  image.uri = "cube.png";
  image.mimeType = "image/png";
  image.width = image.height = 4;
  image.component = 4;
  image.bits = 8;
  image.pixel_type = TINYGLTF_COMPONENT_TYPE_UNSIGNED_BYTE;
  for (int i = 0; i < 16; ++i) image.image.insert(image.image.end(), {std::uint8_t(i * 16), 200, 40, 255});
  model.images.push_back(image);
  tinygltf::Sampler sampler;
  sampler.wrapS = TINYGLTF_TEXTURE_WRAP_CLAMP_TO_EDGE;
  sampler.wrapT = TINYGLTF_TEXTURE_WRAP_MIRRORED_REPEAT;
  model.samplers.push_back(sampler);
  tinygltf::Texture texture;
  texture.source = 0;
  texture.sampler = 0;
  model.textures.push_back(texture);
  tinygltf::Material material;
  material.pbrMetallicRoughness.baseColorTexture.index = 0;
  material.pbrMetallicRoughness.baseColorFactor = {1, 1, 1, 1};
  model.materials.push_back(material);

  tinygltf::Node trs;
  trs.name = "trs";
  trs.mesh = 0;
  trs.translation = {10, 2, -3};
  trs.rotation = {0, std::sqrt(0.5), 0, std::sqrt(0.5)};
  trs.scale = {2, 2, 2};
  trs.children = {1};
  tinygltf::Node matrix;
  matrix.name = "matrix";
  matrix.mesh = 0;
  matrix.matrix = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 5, 0, 1};
  model.nodes = {trs, matrix};
  tinygltf::Scene scene;
  scene.nodes = {0};
  model.scenes.push_back(scene);
  model.defaultScene = 0;
  model.asset.version = "2.0";
  return model;
}

osg::Matrixd worldMatrix(osg::Node* root, const std::string& name) {
  struct Find : osg::NodeVisitor {
    Find(std::string n) : osg::NodeVisitor(TRAVERSE_ALL_CHILDREN), name(std::move(n)) {}
    std::string name;
    osg::Matrixd found;
    bool ok = false;
    void apply(osg::Node& node) override {
      if (node.getName() == name && !ok) {
        found = osg::computeLocalToWorld(getNodePath());
        ok = true;
      }
      traverse(node);
    }
  } find(name);
  root->accept(find);
  REQUIRE(find.ok);
  return find.found;
}

void checkCube(osg::Node* node, const scene::GltfStats& stats) {
  CHECK(stats.nodes == 2);
  CHECK(stats.meshes == 1);
  CHECK(stats.primitives == 1);
  CHECK(stats.triangles == 12);
  CHECK(stats.vertices == 24);
  CHECK(stats.textures == 1);
  CHECK(stats.materials == 1);
  // Instance 0 spans x 9..11, y 1..3, z -4..-2; instance 1 (5 m up in node 0's scaled frame) y 11..13.
  CHECK(stats.bounds.xMin() == Approx(9).margin(1e-5));
  CHECK(stats.bounds.xMax() == Approx(11).margin(1e-5));
  CHECK(stats.bounds.yMin() == Approx(1).margin(1e-5));
  CHECK(stats.bounds.yMax() == Approx(13).margin(1e-5));
  CHECK(stats.bounds.zMin() == Approx(-4).margin(1e-5));
  CHECK(stats.bounds.zMax() == Approx(-2).margin(1e-5));

  // TRS: (1, 0, 0) scaled to (2, 0, 0), turned about y to (0, 0, -2), moved to (10, 2, -5).
  const osg::Vec3d p = osg::Vec3d(1, 0, 0) * worldMatrix(node, "trs");
  CHECK((p - osg::Vec3d(10, 2, -5)).length() < 1e-9);
  const osg::Vec3d q = osg::Vec3d(0, 0, 0) * worldMatrix(node, "matrix");
  CHECK((q - osg::Vec3d(10, 12, -3)).length() < 1e-9);

  const auto geometries = geometriesOf(node);
  REQUIRE(geometries.size() == 2);  // one geometry, reached through both nodes
  CHECK(geometries[0] == geometries[1]);
  const osg::StateSet* state = geometries[0]->getStateSet();
  REQUIRE(state != nullptr);
  const auto* texture =
      dynamic_cast<const osg::Texture2D*>(state->getTextureAttribute(0, osg::StateAttribute::TEXTURE));
  REQUIRE(texture != nullptr);
  CHECK(texture->getWrap(osg::Texture::WRAP_S) == osg::Texture::CLAMP_TO_EDGE);
  CHECK(texture->getWrap(osg::Texture::WRAP_T) == osg::Texture::MIRROR);
  const osg::Image* image = texture->getImage();
  REQUIRE(image != nullptr);
  CHECK(image->s() == 4);
  CHECK(image->t() == 4);
  CHECK(image->getPixelFormat() == GLenum(GL_RGBA));
  CHECK(int(image->data(1, 0)[0]) == 16);  // pixel 1 of the first row, as written
  CHECK(int(image->data(3, 3)[0]) == 240);
  CHECK(int(image->data(3, 3)[1]) == 200);
  CHECK(geometries[0]->getTexCoordArray(0) != nullptr);
  CHECK(geometries[0]->getNormalArray() != nullptr);
}

}  // namespace

TEST_CASE("readGltfFile: a textured cube written with tinygltf (.gltf + .bin + .png)", "[scene][gltf]") {
  test::TempDir dir("gltf");
  tinygltf::Model model = texturedCube();
  tinygltf::TinyGLTF writer;
  // tinygltf writes external image files only through FsCallbacks passed as the writer's user data.
  tinygltf::FsCallbacks files{&tinygltf::FileExists, &tinygltf::ExpandFilePath, &tinygltf::ReadWholeFile,
                              &tinygltf::WriteWholeFile, nullptr};
  writer.SetImageWriter(&tinygltf::WriteImageData, &files);
  const auto file = dir.path() / "cube.gltf";
  REQUIRE(writer.WriteGltfSceneToFile(&model, file.string(), false, false, true, false));
  REQUIRE(std::filesystem::exists(dir.path() / "cube.png"));
  REQUIRE(std::filesystem::exists(dir.path() / "cube.bin"));

  core::Diagnostics diag;
  scene::GltfStats stats;
  auto node = scene::readGltfFile(file, diag, &stats);
  REQUIRE(node.ok());
  CHECK(diag.empty());
  checkCube(node.value().get(), stats);

  auto described = scene::describeGltf(file);
  REQUIRE(described.ok());
  CHECK(described->triangles == 12);
  CHECK(described->textures == 1);

  SECTION("a missing image file skips the texture") {
    std::filesystem::remove(dir.path() / "cube.png");
    core::Diagnostics missing;
    scene::GltfStats without;
    REQUIRE(scene::readGltfFile(file, missing, &without).ok());
    CHECK(without.textures == 0);
    CHECK(hasMessage(
        missing, "scene::gltfToNode(): cube.gltf image 0: image file 'cube.png' could not be read; texture skipped"));
  }
  SECTION("a missing buffer file is an error") {
    std::filesystem::remove(dir.path() / "cube.bin");
    core::Diagnostics missing;
    auto failed = scene::readGltfFile(file, missing);
    REQUIRE_FALSE(failed.ok());
    CHECK(failed.error().message.rfind("scene::gltfToNode(): cube.gltf: glTF does not parse: ", 0) == 0);
  }
  SECTION("a missing file") {
    auto failed = scene::readGltfFile(dir.path() / "none.glb", diag);
    REQUIRE_FALSE(failed.ok());
    CHECK(failed.error().message ==
          "scene::readGltfFile(): " + (dir.path() / "none.glb").string() + ": file not found");
  }
}

TEST_CASE("readGltfFile: the same cube as one GLB with embedded image and buffer", "[scene][gltf]") {
  test::TempDir dir("glb");
  tinygltf::Model model = texturedCube();
  model.buffers[0].uri.clear();
  tinygltf::TinyGLTF writer;
  const auto file = dir.path() / "cube.glb";
  REQUIRE(writer.WriteGltfSceneToFile(&model, file.string(), true, true, false, true));
  REQUIRE_FALSE(std::filesystem::exists(dir.path() / "cube.png"));
  core::Diagnostics diag;
  scene::GltfStats stats;
  auto node = scene::readGltfFile(file, diag, &stats);
  REQUIRE(node.ok());
  CHECK(diag.empty());
  checkCube(node.value().get(), stats);
}

TEST_CASE("loadGltfModel: placement lands where SiteFrame says", "[scene][gltf]") {
  test::TempDir dir("gltf-place");
  tinygltf::Model model = texturedCube();
  model.buffers[0].uri.clear();
  tinygltf::TinyGLTF writer;
  const auto file = dir.path() / "cube.glb";
  REQUIRE(writer.WriteGltfSceneToFile(&model, file.string(), true, true, false, true));

  auto frame = geo::SiteFrame::create({116.35, 40.0});
  REQUIRE(frame.ok());
  model::ModelPlacement placement;
  placement.position = {116.352, 40.001};
  placement.heightMeters = 10;
  placement.headingDegrees = 90;
  placement.scale = 1;
  core::Diagnostics diag;
  auto loaded = scene::loadGltfModel(file, &placement, 2, frame.value(), diag);
  REQUIRE(loaded.ok());
  CHECK(loaded->id == "cube.glb");
  CHECK(loaded->format == model::ModelFormat::Gltf);
  auto* transform = dynamic_cast<osg::MatrixTransform*>(loaded->node.get());
  REQUIRE(transform != nullptr);
  const osg::Matrixd m = transform->getMatrix();
  const core::Vec2 expected = frame->toLocal(placement.position);
  const osg::Vec3d origin = osg::Vec3d(0, 0, 0) * m;
  CHECK(std::abs(origin.x() - expected.x) < 0.01);
  CHECK(std::abs(origin.y() - expected.y) < 0.01);
  CHECK(std::abs(origin.z() - 12) < 0.01);
  // Heading 90: the model's +x (east at heading 0) points south; glTF +y stays up.
  const osg::Vec3d east = osg::Vec3d(1, 0, 0) * m - origin, up = osg::Vec3d(0, 1, 0) * m - origin;
  CHECK((east - osg::Vec3d(0, -1, 0)).length() < 1e-3);
  CHECK((up - osg::Vec3d(0, 0, 1)).length() < 1e-9);
  // The model's forward (glTF -z, north at heading 0) turned 90 degrees clockwise points due east
  // from true north: a metre along it keeps the latitude, as SiteFrame maps it back.
  const osg::Vec3d ahead = osg::Vec3d(0, 0, -1) * m;
  const core::LonLat aheadLonLat = frame->toLonLat({ahead.x(), ahead.y()});
  CHECK(aheadLonLat.lon > placement.position.lon);
  CHECK(std::abs(aheadLonLat.lat - placement.position.lat) < 1e-7);
  // Bounds: the cube instances span glTF y 1..13, so z 13..25 after the height.
  CHECK(loaded->bounds.zMin() == Approx(13).margin(1e-3));
  CHECK(loaded->bounds.zMax() == Approx(25).margin(1e-3));

  SECTION("no placement and no frame: the origin of a frame made at lon/lat 0,0") {
    auto bare = scene::loadGltfModel(file, nullptr, 0, geo::SiteFrame{}, diag);
    REQUIRE(bare.ok());
    REQUIRE(bare->frame.valid());
    CHECK(bare->frame.origin().lon == 0);
    CHECK(bare->frame.origin().lat == 0);
    const osg::Vec3d at = osg::Vec3d(0, 0, 0) * dynamic_cast<osg::MatrixTransform*>(bare->node.get())->getMatrix();
    CHECK(at.length() < 1e-9);
  }
  SECTION("bad placements") {
    placement.scale = 0;
    auto failed = scene::loadGltfModel(file, &placement, 0, frame.value(), diag);
    REQUIRE_FALSE(failed.ok());
    CHECK(failed.error().message == "scene::loadGltfModel(): cube.glb: placement scale must be positive");
    placement.scale = 1;
    placement.heightMeters = std::nan("");
    failed = scene::loadGltfModel(file, &placement, 0, frame.value(), diag);
    REQUIRE_FALSE(failed.ok());
    CHECK(failed.error().message == "scene::loadGltfModel(): cube.glb: placement is not finite");
  }
}
