// Issue 15: models and tiles that used to crash or hang the twin, or lose buildings without a
// word. Every hostile file is built by the test: OSGB tiles written with OSG and then mangled,
// JSON nested 100,000 deep, FIFOs, an emptied b3dm.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <chrono>
#include <csignal>
#include <cstring>
#include <fstream>
#include <map>
#include <thread>
#include <vector>

#include <osg/Geode>
#include <osg/Geometry>
#include <osg/Notify>
#include <osgDB/Registry>
#include <osgDB/WriteFile>

#include "TestPaths.h"
#include "twin/core/Diagnostics.h"
#include "twin/scene/Gltf.h"
#include "twin/scene/IsolatedCall.h"
#include "twin/scene/ObliqueModel.h"
#include "twin/scene/Tileset.h"

using namespace twin;
namespace fs = std::filesystem;

namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;  // ASan turns a crash into its report and an abort
#else
constexpr bool kSanitized = false;
#endif

const std::string kDeep = "JSON nested deeper than 256 levels (the limit for files read from outside)";

std::string nested(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

void writeText(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

std::string readText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// A small photogrammetry-like tile: one indexed triangle grid, as .osgb.
void writeGridTile(const fs::path& file) {
  osg::ref_ptr<osg::Geometry> geometry = new osg::Geometry;
  osg::ref_ptr<osg::Vec3Array> vertices = new osg::Vec3Array;
  osg::ref_ptr<osg::Vec2Array> uvs = new osg::Vec2Array;
  for (int j = 0; j <= 4; ++j)
    for (int i = 0; i <= 4; ++i) {
      vertices->push_back(osg::Vec3(25.f * i, 25.f * j, 5));
      uvs->push_back(osg::Vec2(i / 4.f, j / 4.f));
    }
  osg::ref_ptr<osg::DrawElementsUInt> triangles = new osg::DrawElementsUInt(GL_TRIANGLES);
  for (unsigned j = 0; j < 4; ++j)
    for (unsigned i = 0; i < 4; ++i) {
      const unsigned a = j * 5 + i, b = a + 1, c = a + 5, d = c + 1;
      for (unsigned k : {a, b, d, a, d, c}) triangles->push_back(k);
    }
  geometry->setVertexArray(vertices);
  geometry->setTexCoordArray(0, uvs);
  geometry->addPrimitiveSet(triangles);
  osg::ref_ptr<osg::Geode> geode = new osg::Geode;
  geode->addDrawable(geometry);
  REQUIRE(osgDB::writeNodeFile(*geode, file.string()));
}

// A 3D Tiles b3dm around `glb` with the given batch table JSON.
std::vector<std::uint8_t> makeB3dm(std::string featureJson, std::string batchJson) {
  while ((28 + featureJson.size()) % 8) featureJson += ' ';
  while ((28 + featureJson.size() + batchJson.size()) % 8) batchJson += ' ';
  const std::string glb = "glTF";  // payload never reached: the tables fail first
  std::vector<std::uint8_t> out(28);
  std::memcpy(out.data(), "b3dm", 4);
  auto put = [&](std::size_t at, std::uint32_t v) { std::memcpy(out.data() + at, &v, 4); };
  put(4, 1);
  put(8, static_cast<std::uint32_t>(28 + featureJson.size() + batchJson.size() + glb.size()));
  put(12, static_cast<std::uint32_t>(featureJson.size()));
  put(16, 0);
  put(20, static_cast<std::uint32_t>(batchJson.size()));
  put(24, 0);
  out.insert(out.end(), featureJson.begin(), featureJson.end());
  out.insert(out.end(), batchJson.begin(), batchJson.end());
  out.insert(out.end(), glb.begin(), glb.end());
  return out;
}

}  // namespace

TEST_CASE("runIsolated: a child's crash, hang, output flood or memory blow-up stays in the child",
          "[scene][isolation]") {
  scene::IsolationLimits limits;
  limits.wallSeconds = 1;

  const scene::IsolatedOutcome normal = scene::runIsolated([] { return 7; }, limits);
  CHECK(normal.exited);
  CHECK(normal.exitCode == 7);

  const scene::IsolatedOutcome crashed = scene::runIsolated(
      [] {
        std::raise(SIGSEGV);
        return 0;
      },
      limits);
  if (kSanitized) {
    CHECK((!crashed.exited || crashed.exitCode != 0));
  } else {
    CHECK_FALSE(crashed.exited);
    CHECK(crashed.problem == "crashed (signal 11, Segmentation fault)");
  }

  // OSG's "InputIterator::checkStream()" spin: writes without end, never returns.
  const scene::IsolatedOutcome spun = scene::runIsolated(
      [] {
        for (;;) std::fputs("InputIterator::checkStream() : _in->rdstate() 4, 4\n", stderr);
        return 0;
      },
      limits);
  CHECK_FALSE(spun.exited);
  CHECK((spun.problem == "did not finish within 1 s (killed)" || spun.problem == "exceeded its CPU time limit (1 s)"));
  CHECK(spun.output.size() == limits.outputBytes);
  CHECK(spun.output.rfind("InputIterator::checkStream()", 0) == 0);

  const scene::IsolatedOutcome sleeper = scene::runIsolated(
      [] {
        std::this_thread::sleep_for(std::chrono::hours(1));
        return 0;
      },
      limits);
  CHECK_FALSE(sleeper.exited);
  CHECK(sleeper.problem == "did not finish within 1 s (killed)");

  if (!kSanitized) {  // ASan reserves its own address space and dies on a failed mapping instead
    scene::IsolationLimits small = limits;
    small.memoryBytes = 64ull << 20;
    const scene::IsolatedOutcome greedy = scene::runIsolated(
        [] {
          std::vector<char> huge(std::size_t(4) << 30, 1);
          return huge[12345] == 1 ? 0 : 1;
        },
        small);
    CHECK(greedy.exited);
    CHECK(greedy.exitCode == 124);
  }
}

TEST_CASE("readOsgbFile: mangled tiles are read or reported, OSG's crashes and hangs stay in the child",
          "[scene][isolation][oblique][slow]") {
  test::TempDir dir("osgb-mangled");
  const fs::path good = dir.path() / "Tile_+000_+000.osgb";
  writeGridTile(good);
  REQUIRE(scene::readOsgbFile(good).ok());
  const std::string bytes = readText(good);
  REQUIRE(bytes.size() > 200);

  scene::IsolationLimits limits;
  limits.wallSeconds = 2;  // the whole file parses in milliseconds; a hang costs this much
  const fs::path bad = dir.path() / "Tile_+000_+001.osgb";
  std::map<std::string, int> outcomes;
  const std::string prefix = "scene::readOsgbFile(): " + bad.string() + ": ";
  // Past the 8-byte header, overwrite 4 bytes at every offset with values that make sizes and
  // counts huge or negative; a number in the middle of an object's data is what OSG trusts most.
  for (std::size_t at = 8; at + 4 <= bytes.size(); ++at)
    for (const std::uint32_t value : {0xffffffffu, 0x00100000u}) {
      if (value != 0xffffffffu && at % 4 != 0) continue;
      std::string mangled = bytes;
      std::memcpy(&mangled[at], &value, 4);
      writeText(bad, mangled);
      auto read = scene::readOsgbFile(bad, limits);
      if (read.ok()) {
        ++outcomes["read"];
        continue;
      }
      const std::string& message = read.error().message;
      REQUIRE(message.rfind(prefix, 0) == 0);
      const std::string problem = message.substr(prefix.size());
      if (problem.rfind("OSG's .osgb reader crashed", 0) == 0)
        ++outcomes["crashed in the child"];
      else if (problem.rfind("OSG's .osgb reader did not finish", 0) == 0)
        ++outcomes["hung in the child"];
      else if (problem.rfind("OSG's .osgb reader", 0) == 0)
        ++outcomes["failed in the child"];
      else
        ++outcomes["refused: " + problem.substr(0, 60)];
    }
  std::string summary;
  for (const auto& [what, n] : outcomes) summary += what + ": " + std::to_string(n) + "\n";
  INFO(summary);
  // Reaching this line is the test: this process never ran a parse that crashed or hung. The
  // mangled copies do make OSG's reader crash, so the child did real work.
  CHECK(outcomes["crashed in the child"] + outcomes["hung in the child"] + outcomes["failed in the child"] > 0);
}

TEST_CASE("readOsgbFile: a tile on which OSG's own reader spins for ever is reported, not read to its end",
          "[scene][isolation][oblique]") {
  // The hang the issue met: with a vertex array's count past the end of the file, OSG reads on
  // element by element, writing an "InputIterator::checkStream()" line for each, millions of them.
  test::TempDir dir("osgb-spin");
  osg::ref_ptr<osg::Vec3Array> vertices = new osg::Vec3Array;
  for (int i = 0; i < 1234; ++i) vertices->push_back(osg::Vec3(float(i), float(2 * i), 0.5f));
  osg::ref_ptr<osg::Geometry> geometry = new osg::Geometry;
  geometry->setVertexArray(vertices);
  geometry->addPrimitiveSet(new osg::DrawArrays(GL_TRIANGLES, 0, 1233));
  osg::ref_ptr<osg::Geode> geode = new osg::Geode;
  geode->addDrawable(geometry);
  const fs::path file = dir.path() / "Tile_+000_+000.osgb";
  REQUIRE(osgDB::writeNodeFile(*geode, file.string()));
  REQUIRE(scene::readOsgbFile(file).ok());

  // The array's count (1234) is followed by its first vertex (0, 0, 0.5).
  std::string bytes = readText(file);
  std::string pattern(16, '\0');
  const std::uint32_t count = 1234;
  const float first[3] = {0, 0, 0.5f};
  std::memcpy(&pattern[0], &count, 4);
  std::memcpy(&pattern[4], first, 12);
  const std::size_t at = bytes.find(pattern);
  REQUIRE(at != std::string::npos);
  const std::uint32_t huge = 2000000;
  std::memcpy(&bytes[at], &huge, 4);
  writeText(file, bytes.substr(0, at + 64));

  scene::IsolationLimits limits;
  limits.wallSeconds = 2;
  // OSG's plugin reading the file itself really spins: in a child, stopped at the limit.
  const scene::IsolatedOutcome osgAlone = scene::runIsolated(
      [&] {
        osg::setNotifyHandler(new osg::StandardNotifyHandler);  // OSG's own messages, on stderr
        osgDB::ReaderWriter* plugin = osgDB::Registry::instance()->getReaderWriterForExtension("osgb");
        return plugin && plugin->readNode(file.string()).getNode() ? 0 : 3;
      },
      limits);
  CHECK_FALSE(osgAlone.exited);
  CHECK(osgAlone.problem == "did not finish within 2 s (killed)");
  INFO(osgAlone.output);
  CHECK(osgAlone.output.rfind("InputIterator::checkStream() : _in->rdstate() 6, 4", 0) == 0);
  // The twin's reader gives OSG the bytes through a buffer that ends the parse at the file's end.
  auto read = scene::readOsgbFile(file, limits);
  REQUIRE_FALSE(read.ok());
  CHECK(read.error().message ==
        "scene::readOsgbFile(): " + file.string() + ": the file ends inside an object (truncated)");
}

TEST_CASE("tiles and models nested 100,000 deep are refused before any recursion", "[scene][isolation]") {
  test::TempDir dir("deep-tiles");
  core::Diagnostics diag;

  std::string children;
  for (int i = 0; i < 3000; ++i)
    children += R"({"geometricError":1,"boundingVolume":{"sphere":[0,0,0,1]},"children":[)";
  children += "{}";
  for (int i = 0; i < 3000; ++i) children += "]}";
  writeText(dir.path() / "tileset.json", R"({"asset":{"version":"1.0"},"geometricError":1,"root":)" + children + "}");
  auto tileset = scene::readTileset(dir.path() / "tileset.json", diag);
  REQUIRE_FALSE(tileset.ok());
  CHECK(tileset.error().message == "scene::readTileset(): tileset.json: " + kDeep);

  const std::string gltf = R"({"asset":{"version":"2.0","extras":)" + nested(100000) + "}}";
  auto node =
      scene::gltfToNode(reinterpret_cast<const std::uint8_t*>(gltf.data()), gltf.size(), "deep.gltf", dir.path(), diag);
  REQUIRE_FALSE(node.ok());
  CHECK(node.error().message == "scene::gltfToNode(): deep.gltf: " + kDeep);

  const std::vector<std::uint8_t> b3dm = makeB3dm(R"({"BATCH_LENGTH":1})", R"({"name":)" + nested(100000) + "}");
  auto content = scene::parseTileContent(b3dm.data(), b3dm.size(), "deep.b3dm", dir.path(), diag);
  REQUIRE_FALSE(content.ok());
  CHECK(content.error().message.rfind("scene::parseB3dm(): deep.b3dm: ", 0) == 0);
  CHECK(content.error().message.find(kDeep) != std::string::npos);
}

TEST_CASE("a FIFO as a tile, a tileset or a glTF buffer is refused without blocking", "[scene][isolation]") {
  test::TempDir dir("fifo-tiles");
  const fs::path fifo = dir.path() / "pipe.b3dm";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  core::Diagnostics diag;
  auto content = scene::loadTileContent(fifo, scene::TileContentType::B3dm, diag);
  REQUIRE_FALSE(content.ok());
  CHECK(content.error().message == "scene::loadTileContent(): pipe.b3dm: not a regular file (a FIFO)");

  auto tileset = scene::readTileset(fifo, diag);
  REQUIRE_FALSE(tileset.ok());
  CHECK(tileset.error().message == "scene::readTileset(): pipe.b3dm: not a regular file (a FIFO)");

  // tinygltf's own reader would open the FIFO named by a buffer URI and wait for a writer.
  const std::string gltf =
      R"({"asset":{"version":"2.0"},"buffers":[{"uri":"pipe.b3dm","byteLength":12}],)"
      R"("bufferViews":[{"buffer":0,"byteLength":12}],)"
      R"("accessors":[{"bufferView":0,"componentType":5126,"count":1,"type":"VEC3"}],)"
      R"("meshes":[{"primitives":[{"attributes":{"POSITION":0},"mode":0}]}],"nodes":[{"mesh":0}],"scenes":[{"nodes":[0]}]})";
  auto node =
      scene::gltfToNode(reinterpret_cast<const std::uint8_t*>(gltf.data()), gltf.size(), "pipe.gltf", dir.path(), diag);
  REQUIRE_FALSE(node.ok());
  CHECK(node.error().message.rfind("scene::gltfToNode(): pipe.gltf: glTF does not parse: ", 0) == 0);
  CHECK(node.error().message.find("pipe.b3dm") != std::string::npos);

  auto osgb = scene::readOsgbFile(fifo);
  REQUIRE_FALSE(osgb.ok());
  CHECK(osgb.error().message == "scene::readOsgbFile(): " + fifo.string() + ": not a regular file (a FIFO)");
}

TEST_CASE("an emptied b3dm is reported by describeTileset and by a streaming tileset", "[scene][tileset][isolation]") {
  test::TempDir dir("emptied-b3dm");
  const std::string box = R"({"box":[0,0,0,50,0,0,0,50,0,0,0,10]})";
  writeText(dir.path() / "tileset.json",
            R"({"asset":{"version":"1.0"},"geometricError":100,"root":{"boundingVolume":)" + box +
                R"(,"geometricError":0,"refine":"ADD","content":{"uri":"empty.b3dm"}}})");
  writeText(dir.path() / "empty.b3dm", "");

  core::Diagnostics problems;
  auto text = scene::describeTileset(dir.path() / "tileset.json", &problems);
  REQUIRE(text.ok());
  CHECK(text->find("content files read: 1 (1 damaged)\n") != std::string::npos);
  CHECK(text->find("problems: 1\n") != std::string::npos);
  REQUIRE(problems.items().size() == 1);
  const core::Diagnostic d = problems.items()[0];
  CHECK(d.severity == core::Severity::Error);
  CHECK(d.where == "scene::describeTileset()");
  CHECK(d.file == "tileset.json");
  CHECK(d.recordId == "tile 0 (empty.b3dm)");
  CHECK(d.message.rfind("scene::loadTileContent(): empty.b3dm: ", 0) == 0);

  core::Diagnostics loadDiag;
  auto frame = geo::SiteFrame::create({113.04, 22.6});
  REQUIRE(frame.ok());
  auto read = scene::readTileset(dir.path() / "tileset.json", loadDiag);
  REQUIRE(read.ok());
  scene::placeTilesetWith(read.value(), osg::Matrixd());
  osg::ref_ptr<scene::TilesetNode> node = new scene::TilesetNode(std::move(read.value()));
  scene::TileCamera camera;
  camera.eye = {0, 0, 500};
  camera.viewportHeightPx = 1000;
  camera.fovyRadians = 3.14159265358979323846 / 2;
  for (int i = 0; i < 2000 && (i < 2 || node->loading()); ++i) {
    node->frame(camera);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  core::Diagnostics streamed;
  CHECK(node->takeNewProblems(streamed) == 1);
  CHECK(node->takeNewProblems(streamed) == 0);  // each problem is handed out once
  REQUIRE(streamed.items().size() == 1);
  CHECK(streamed.items()[0].recordId == "tile 0 (empty.b3dm)");
  CHECK(streamed.items()[0].message.rfind("scene::loadTileContent(): empty.b3dm: ", 0) == 0);
}
