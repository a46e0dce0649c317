#include <catch2/catch.hpp>

#include <fstream>

#include <nlohmann/json.hpp>

#include "CliRunner.h"
#include "TestPaths.h"

using twin::test::runTwin;

namespace {
const std::filesystem::path kProduction = twin::test::sharedDataDir() / "osgb-oblique-zhongshan" / "Production_5";
const std::filesystem::path kCityJson = twin::test::sharedDataDir() / "cityjson-samples";
}  // namespace

TEST_CASE("info --model: the Zhongshan OSGB production", "[app][slow]") {
  const auto r = runTwin({"info", "--model", kProduction.string(), "--json"});
  INFO(r.err);
  REQUIRE(r.code == twin::app::kExitOk);
  const auto j = nlohmann::json::parse(r.out);
  // SOURCE.md of the sample: 6 tiles, 66 .osgb files, L15..L19 below each root. Its byte figures
  // count the folder entries too (its per-tile table sums to 62,292,606 = files + 6 x 4096), so the
  // expected bytes are summed here from the files themselves.
  std::uintmax_t osgbBytes = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(kProduction / "Data"))
    if (entry.is_regular_file() && entry.path().extension() == ".osgb") osgbBytes += entry.file_size();
  CHECK(osgbBytes == 62292606u - 6u * 4096u);
  CHECK(j["tiles"] == 6);
  CHECK(j["files"] == 66);
  CHECK(j["bytes"].get<std::uintmax_t>() == osgbBytes);
  CHECK(j["levels"]["root"]["files"] == 6);
  CHECK(j["levels"]["L15"]["files"] == 6);
  CHECK(j["levels"]["L19"]["files"] == 36);
  CHECK(j["unreadable_files"].empty());
  // Every file is one or more textured meshes: one texture per geometry, triangles in every level.
  CHECK(j["geometries"].get<int>() > 0);
  CHECK(j["textures"] == j["geometries"]);
  std::size_t levelTriangles = 0;
  for (auto& [level, figures] : j["levels"].items()) {
    INFO(level);
    CHECK(figures["triangles"].get<std::size_t>() > 0);
    levelTriangles += figures["triangles"].get<std::size_t>();
  }
  CHECK(j["triangles"].get<std::size_t>() == levelTriangles);
  // Origin through PROJ from the WKT (see tests/geo/ObliqueMetadataTest.cpp).
  CHECK(j["origin_wgs84"]["lon"].get<double>() == Approx(113.379985671).margin(1e-8));
  CHECK(j["origin_wgs84"]["lat"].get<double>() == Approx(22.495136792).margin(1e-8));
  // SOURCE.md: the data cover lon 113.37999-113.38096 E, lat 22.50597-22.51139 N. The extent comes
  // from the root tiles' bounding spheres, so it contains that strip and exceeds it by < 100 m.
  const auto& e = j["extent_wgs84"];
  CHECK(e["min_lon"].get<double>() <= 113.37999);
  CHECK(e["max_lon"].get<double>() >= 113.38096);
  CHECK(e["min_lat"].get<double>() <= 22.50597);
  CHECK(e["max_lat"].get<double>() >= 22.51139);
  CHECK(e["min_lon"].get<double>() > 113.37999 - 0.001);
  CHECK(e["max_lat"].get<double>() < 22.51139 + 0.001);
}

TEST_CASE("info --model: CityJSON files", "[app]") {
  auto r = runTwin({"info", "--model", (kCityJson / "DH_01_subs.city.json").string(), "--crs", "EPSG:28992", "--json"});
  INFO(r.err);
  REQUIRE(r.code == twin::app::kExitOk);
  auto j = nlohmann::json::parse(r.out);
  CHECK(j["format"] == "cityjson");
  CHECK(j["objects_by_type"]["Building"] == 4);
  CHECK(j["objects_by_type"]["BuildingPart"] == 8);

  // Rotterdam declares no CRS: an error naming the file until one is given.
  const auto rotterdam = (kCityJson / "rotterdam" / "rotterdam_subset.json").string();
  r = runTwin({"info", "--model", rotterdam});
  CHECK(r.code == twin::app::kExitBadInput);
  CHECK(r.err == "model::readCityJson(): rotterdam_subset.json: the file declares no CRS "
                 "(metadata.referenceSystem) and none was given\n");
  r = runTwin({"info", "--model", rotterdam, "--crs", "EPSG:28992"});
  CHECK(r.code == twin::app::kExitOk);
  CHECK(r.out.find("  Building: 16\n") != std::string::npos);
}

TEST_CASE("info --model: bad paths and usage", "[app]") {
  auto r = runTwin({"info", "--model", "no-such-model.json"});
  CHECK(r.code == twin::app::kExitBadInput);
  CHECK(r.err == "app::describeModel(): no-such-model.json: no such file or folder\n");
  const auto readme = (twin::test::sourceDir() / "README.md").string();
  r = runTwin({"info", "--model", readme});
  CHECK(r.code == twin::app::kExitBadInput);
  CHECK(r.err == "app::describeModel(): " + readme +
                     ": not a supported model (supported: oblique-photography productions with metadata.xml, "
                     ".gltf/.glb, 3D Tiles tileset.json, CityJSON)\n");
  // A folder without metadata.xml.
  twin::test::TempDir dir("model-info");
  r = runTwin({"info", "--model", dir.path().string()});
  CHECK(r.code == twin::app::kExitBadInput);
  CHECK(r.err.find("metadata.xml") != std::string::npos);
  // metadata.xml but no Data/ folder.
  { std::ofstream(dir.path() / "metadata.xml") << "<ModelMetadata><SRS>EPSG:4547</SRS><SRSOrigin>500000,2500000,0</SRSOrigin></ModelMetadata>"; }
  r = runTwin({"info", "--model", dir.path().string()});
  CHECK(r.code == twin::app::kExitBadInput);
  CHECK(r.err == "app::describeModel(): " + dir.path().string() + ": no Data/ folder beside metadata.xml\n");
  r = runTwin({"info", "--crs", "EPSG:28992", "scenes/beijing-liudaokou.json"});
  CHECK(r.code == twin::app::kExitUsage);
}
