// twin snapshot --stats FILE.json on a generated city: the keys, plausible values, and the errors.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "CliRunner.h"
#include "GeneratedCity.h"
#include "TestPaths.h"
#include "twin/app/Cli.h"

using namespace twin;

namespace {

// A scene file for a generated city of `buildings` buildings (and its POIs) in `dir`.
std::string writeCityScene(const std::filesystem::path& dir, std::size_t buildings) {
  test::GeneratedCityOptions city;
  city.buildings = buildings;
  auto written = test::writeGeneratedCityOsm(dir / "city.osm", city);
  REQUIRE(written.ok());
  nlohmann::json scene = {
      {"name", "generated city"},
      {"site", {{"origin", {{"lon", test::kGeneratedCityLon}, {"lat", test::kGeneratedCityLat}}}, {"crs", "local-tm"}}},
      {"layers", {{{"id", "city"}, {"source", "city.osm"}}}}};
  const std::filesystem::path file = dir / "city.json";
  std::ofstream(file) << scene.dump(2);
  return file.string();
}

nlohmann::json readJson(const std::filesystem::path& file) {
  std::ifstream in(file);
  REQUIRE(in);
  return nlohmann::json::parse(in);
}

}  // namespace

TEST_CASE("snapshot --stats: the frame's figures of a generated city as JSON", "[app][slow]") {
  test::TempDir dir("app-snapshot-stats");
  const std::string scene = writeCityScene(dir.path(), 2000);
  const std::string png = (dir.path() / "city.png").string();
  const std::filesystem::path stats = dir.path() / "stats.json";
  std::string err;
  REQUIRE(test::runTwinCode({"snapshot", scene, "-o", png, "--size", "640x360", "--stats", stats.string()}, &err) ==
          app::kExitOk);
  INFO(err);
  REQUIRE(std::filesystem::exists(png));
  const nlohmann::json j = readJson(stats);
  for (const char* key : {"draw_calls", "triangles", "buildings_drawn", "poi_markers_drawn", "labels_drawn", "frame_ms",
                          "rss_mib", "frames", "width", "height"})
    CHECK(j.contains(key));
  CHECK(j["width"] == 640);
  CHECK(j["height"] == 360);
  // The start view frames the whole city: most buildings drawn in few draw calls.
  CHECK(j["buildings_drawn"].get<int>() > 1000);
  CHECK(j["buildings_drawn"].get<int>() <= 2000);
  CHECK(j["draw_calls"].get<int>() > 0);
  CHECK(j["draw_calls"].get<int>() <= 1000);
  CHECK(j["triangles"].get<int>() > j["buildings_drawn"].get<int>());
  CHECK(j["poi_markers_drawn"].get<int>() > 0);
  CHECK(j["poi_markers_drawn"].get<int>() <= 400);
  CHECK(j["labels_drawn"].get<int>() >= 0);
  CHECK(j["frames"].get<int>() >= 4);
  CHECK(j["frame_ms"].get<double>() > 0);
  CHECK(j["rss_mib"].get<double>() > 10);
}

TEST_CASE("snapshot --stats: errors name the option and the file", "[app]") {
  test::TempDir dir("app-snapshot-stats-errors");
  const std::string scene = (test::scenesDir() / "beijing-liudaokou.json").string();
  const std::string png = (dir.path() / "x.png").string();
  std::string err;
  SECTION("an unwritable stats file: exit 1") {
    CHECK(test::runTwinCode({"snapshot", scene, "-o", png, "--size", "64x64", "--stats", "/nonexistent-dir/stats.json"},
                            &err) == app::kExitBadInput);
    CHECK(err.find("twin snapshot --stats: cannot write /nonexistent-dir/stats.json: No such file or directory") !=
          std::string::npos);
  }
  SECTION("an empty file name: a usage error") {
    CHECK(test::runTwinCode({"snapshot", scene, "-o", png, "--stats", ""}, &err) == app::kExitUsage);
    CHECK(err.find("--stats expects a file name, e.g. --stats frame.json") != std::string::npos);
  }
}
