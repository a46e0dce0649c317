// Issue 15: scene files and CityJSON that used to crash the twin (JSON nested 100,000 deep
// overflowed the stack in nlohmann's dump()) or block it (a FIFO), each built by the test.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <fstream>
#include <string>

#include "TestPaths.h"
#include "twin/core/Diagnostics.h"
#include "twin/core/UntrustedInput.h"
#include "twin/model/CityModel.h"
#include "twin/model/Facility.h"
#include "twin/model/Scenario.h"
#include "twin/model/SceneConfig.h"
#include "twin/model/Sensor.h"

using namespace twin;

namespace {

std::string nested(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

void writeText(const std::filesystem::path& file, const std::string& text) {
  std::ofstream out(file, std::ios::binary);
  out << text;
}

const std::string kDeep = "JSON nested deeper than 256 levels (the limit for files read from outside)";

}  // namespace

TEST_CASE("a scene file nested 100,000 deep is refused before parsing", "[model]") {
  test::TempDir dir("untrusted-scene");
  const auto file = dir.path() / "deep.json";
  writeText(file, R"({"name":"deep","site":{"origin":{"lon":7.42,"lat":43.73}},"layers":[],"sensors":)" +
                      nested(100000) + "}");
  auto scene = model::loadSceneConfig(file);
  REQUIRE_FALSE(scene.ok());
  CHECK(scene.error().message == "model::loadSceneConfig(): deep.json: " + kDeep);

  // At the limit it parses (the sections keep their raw text).
  writeText(file, R"({"name":"ok","site":{"origin":{"lon":7.42,"lat":43.73}},"layers":[{"id":"a","source":"a.osm"}],)"
                  R"("sensors":)" +
                      nested(255) + "}");
  auto atLimit = model::loadSceneConfig(file);
  INFO((atLimit.ok() ? std::string() : atLimit.error().message));
  REQUIRE(atLimit.ok());
  CHECK(atLimit->sections.at("sensors").size() == 510);
}

TEST_CASE("a scene file that is a FIFO or too large is refused before reading", "[model]") {
  test::TempDir dir("untrusted-scene-kind");
  const auto fifo = dir.path() / "pipe.json";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  auto fromFifo = model::loadSceneConfig(fifo);  // used to block for ever
  REQUIRE_FALSE(fromFifo.ok());
  CHECK(fromFifo.error().message == "model::loadSceneConfig(): pipe.json: not a regular file (a FIFO)");

  const auto big = dir.path() / "big.json";
  writeText(big, "{}");
  std::filesystem::resize_file(big, 65 * core::kMiB);  // sparse: no disk used
  auto tooBig = model::loadSceneConfig(big);
  REQUIRE_FALSE(tooBig.ok());
  CHECK(tooBig.error().message ==
        "model::loadSceneConfig(): big.json: is 68157440 bytes, over the limit of 67108864 "
        "bytes (64 MiB) for scene files");
}

TEST_CASE("a CityJSON attribute nested 100,000 deep is refused before parsing", "[model]") {
  test::TempDir dir("untrusted-cityjson");
  const auto file = dir.path() / "deep.city.json";
  writeText(file, R"({"type":"CityJSON","version":"2.0","CityObjects":{"b":{"type":"Building","attributes":{"a":)" +
                      nested(100000) + R"(}}},"vertices":[]})");
  core::Diagnostics diag;
  model::CityJsonOptions options;
  options.crs = "EPSG:28992";
  auto model = model::readCityJson(file, geo::SiteFrame{}, options, diag);
  REQUIRE_FALSE(model.ok());
  CHECK(model.error().message == "model::readCityJson(): deep.city.json: " + kDeep);

  const auto fifo = dir.path() / "pipe.city.json";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  auto fromFifo = model::readCityJson(fifo, geo::SiteFrame{}, options, diag);
  REQUIRE_FALSE(fromFifo.ok());
  CHECK(fromFifo.error().message == "model::readCityJson(): pipe.city.json: not a regular file (a FIFO)");
}

TEST_CASE("jsonNestingDepth counts brackets outside strings, without recursion", "[model]") {
  CHECK(core::jsonNestingDepth("") == 0);
  CHECK(core::jsonNestingDepth("1") == 0);
  CHECK(core::jsonNestingDepth(R"({"a":[1,{"b":[]}]})") == 4);
  CHECK(core::jsonNestingDepth(R"(["[[[[", "\"[[[", {}])") == 2);  // brackets in strings and escapes
  CHECK(core::jsonNestingDepth("]]]][[") == 2);                    // not validated, never negative
  CHECK(core::jsonNestingDepth(nested(1000000), 256) == 257);      // stops past the limit
  CHECK(core::jsonDepthProblem(nested(256)).empty());
  CHECK(core::jsonDepthProblem(nested(257)) == kDeep);
  CHECK(core::jsonDepthProblem(nested(11), 10) ==
        "JSON nested deeper than 10 levels (the limit for files read from outside)");
}

TEST_CASE("readWholeFile checks the kind and size of a file before reading it", "[model]") {
  test::TempDir dir("untrusted-read");
  const core::FileSizeLimit limit{10, "test files"};
  writeText(dir.path() / "ok.txt", "0123456789");
  auto ok = core::readWholeFile(dir.path() / "ok.txt", limit, "t()", "ok.txt");
  REQUIRE(ok.ok());
  CHECK(ok.value() == "0123456789");
  writeText(dir.path() / "big.txt", "0123456789A");
  auto big = core::readWholeFile(dir.path() / "big.txt", limit, "t()", "big.txt");
  REQUIRE_FALSE(big.ok());
  CHECK(big.error().message == "t(): big.txt: is 11 bytes, over the limit of 10 bytes (0 MiB) for test files");
  auto missing = core::readWholeFile(dir.path() / "none", limit, "t()", "none");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().message == "t(): none: file not found");
  auto folder = core::readWholeFile(dir.path(), limit, "t()", "dir");
  REQUIRE_FALSE(folder.ok());
  CHECK(folder.error().message == "t(): dir: is a directory");
  auto device = core::readWholeFile("/dev/zero", core::kSceneFileLimit, "t()", "zero");
  REQUIRE_FALSE(device.ok());
  CHECK(device.error().message == "t(): zero: not a regular file (a character device)");
  std::filesystem::create_symlink(dir.path() / "ok.txt", dir.path() / "link.txt");
  auto link = core::readWholeFile(dir.path() / "link.txt", limit, "t()", "link.txt");
  REQUIRE(link.ok());  // links are followed to a regular file
  CHECK(link.value() == "0123456789");
}

TEST_CASE("the other readers of a scene file refuse deep nesting too", "[model]") {
  const std::string deep = R"({"layers":[],"sensors":)" + nested(100000) + "}";
  auto sensors = model::parseSensorConfig(deep, "deep.json");
  REQUIRE_FALSE(sensors.ok());
  CHECK(sensors.error().message == "model::parseSensorConfig(): deep.json: " + kDeep);
  auto facilities = model::parseFacilityConfig(deep, "deep.json");
  REQUIRE_FALSE(facilities.ok());
  CHECK(facilities.error().message == "model::parseFacilityConfig(): deep.json: " + kDeep);
  auto scenarios = model::parseScenarios(deep, "deep.json");
  REQUIRE_FALSE(scenarios.ok());
  CHECK(scenarios.error().message == "model::parseScenarios(): deep.json: " + kDeep);

  test::TempDir dir("untrusted-sensors");
  const auto fifo = dir.path() / "pipe.json";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  auto fromFifo = model::loadSensorConfig(fifo);
  REQUIRE_FALSE(fromFifo.ok());
  CHECK(fromFifo.error().message == "model::loadSensorConfig(): " + fifo.string() + ": not a regular file (a FIFO)");
}
