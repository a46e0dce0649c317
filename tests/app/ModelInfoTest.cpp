#include <catch2/catch.hpp>

#include <fstream>

#include <nlohmann/json.hpp>

#include "CliRunner.h"
#include "ObliqueProduction.h"
#include "TestPaths.h"
#include "twin/geo/PointConversion.h"

using twin::test::runTwin;

namespace {
const std::filesystem::path kCityJson = twin::test::testDataDir() / "cityjson";
}  // namespace

TEST_CASE("info --model: an OSGB production of 2 x 2 tiles and three levels", "[app]") {
  twin::test::TempDir dir("model-info-oblique");
  twin::test::ObliqueProductionOptions options;
  options.tilesX = 2;
  options.tilesY = 2;
  const auto facts = twin::test::writeObliqueProduction(dir.path() / "Production_3", options);
  const auto r = runTwin({"info", "--model", facts.folder.string(), "--json"});
  INFO(r.err);
  REQUIRE(r.code == twin::app::kExitOk);
  const auto j = nlohmann::json::parse(r.out);
  std::uintmax_t osgbBytes = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(facts.folder / "Data"))
    if (entry.is_regular_file() && entry.path().extension() == ".osgb") osgbBytes += entry.file_size();
  CHECK(j["tiles"] == 4);
  CHECK(j["files"] == facts.files);
  CHECK(j["files"] == 4 * 6);
  CHECK(j["bytes"].get<std::uintmax_t>() == osgbBytes);
  REQUIRE(j["levels"].size() == 3);
  for (const auto& [level, files] : facts.filesByLevel) {
    INFO(level);
    CHECK(j["levels"][level]["files"] == files);
    CHECK(j["levels"][level]["triangles"] == facts.trianglesByLevel.at(level));
  }
  CHECK(j["unreadable_files"].empty());
  CHECK(j["geometries"] == facts.geometries);
  CHECK(j["textures"] == facts.geometries);
  CHECK(j["triangles"] == facts.triangles);
  // The origin and the extent through PROJ: the tiles cover x 0-200, y 0-200 from SRSOrigin, and
  // the extent is the root spheres' (radius 71 m round each tile's centre): x, y -21 .. 221.
  auto origin = twin::geo::convertPoint("EPSG:4547", "wgs84", {400000.5, 2500000.25, 10});
  auto low = twin::geo::convertPoint("EPSG:4547", "wgs84", {400000.5 - 21, 2500000.25 - 21, 10});
  auto high = twin::geo::convertPoint("EPSG:4547", "wgs84", {400000.5 + 221, 2500000.25 + 221, 10});
  REQUIRE(origin.ok());
  REQUIRE(low.ok());
  REQUIRE(high.ok());
  CHECK(j["origin_wgs84"]["lon"].get<double>() == Approx(origin->x).margin(1e-8));
  CHECK(j["origin_wgs84"]["lat"].get<double>() == Approx(origin->y).margin(1e-8));
  const auto& e = j["extent_wgs84"];
  // Grid convergence turns the corners by a few metres (1e-4 degrees is about 10 m).
  CHECK(e["min_lon"].get<double>() == Approx(low->x).margin(1e-4));
  CHECK(e["min_lat"].get<double>() == Approx(low->y).margin(1e-4));
  CHECK(e["max_lon"].get<double>() == Approx(high->x).margin(1e-4));
  CHECK(e["max_lat"].get<double>() == Approx(high->y).margin(1e-4));

  // The same production in text form.
  const auto text = runTwin({"info", "--model", facts.folder.string()});
  REQUIRE(text.code == twin::app::kExitOk);
  CHECK_THAT(text.out, Catch::Contains("  L16: 16 files, "));

  // A level file that OSG cannot read is listed, not fatal.
  const auto broken = facts.folder / "Data" / "Tile_+001_+000" / "Tile_+001_+000_L16_02.osgb";
  { std::ofstream(broken, std::ios::binary | std::ios::trunc) << "not an osgb file"; }
  const auto damaged = runTwin({"info", "--model", facts.folder.string(), "--json"});
  REQUIRE(damaged.code == twin::app::kExitOk);
  const auto d = nlohmann::json::parse(damaged.out);
  CHECK(d["unreadable_files"] == nlohmann::json::array({"Tile_+001_+000/Tile_+001_+000_L16_02.osgb"}));
  CHECK(d["levels"]["L16"]["triangles"] == facts.trianglesByLevel.at("L16") - 32);
}

TEST_CASE("info --model: the Zhongshan OSGB production", "[app][slow]") {
  const std::filesystem::path kProduction = twin::test::requireSharedData("osgb-oblique-zhongshan") / "Production_5";
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
  CHECK(r.err ==
        "model::readCityJson(): rotterdam_subset.json: the file declares no CRS "
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
  {
    std::ofstream(dir.path() / "metadata.xml")
        << "<ModelMetadata><SRS>EPSG:4547</SRS><SRSOrigin>500000,2500000,0</SRSOrigin></ModelMetadata>";
  }
  r = runTwin({"info", "--model", dir.path().string()});
  CHECK(r.code == twin::app::kExitBadInput);
  CHECK(r.err == "app::describeModel(): " + dir.path().string() + ": no Data/ folder beside metadata.xml\n");
  r = runTwin({"info", "--crs", "EPSG:28992", "scenes/beijing-liudaokou.json"});
  CHECK(r.code == twin::app::kExitUsage);
}
