// The scene's "models" section and model format detection.
#include <catch2/catch.hpp>

#include <fstream>

#include "TestPaths.h"
#include "twin/model/ModelSource.h"
#include "twin/model/SceneConfig.h"

using namespace twin;
namespace fs = std::filesystem;

namespace {

void writeText(const fs::path& file, const std::string& text) {
  fs::create_directories(file.parent_path());
  std::ofstream(file, std::ios::binary) << text;
}

// A scene in `dir` whose "models" key is `models`.
core::Result<std::vector<model::ModelSource>> parse(const fs::path& dir, const std::string& models) {
  const std::string text =
      R"({"site":{"origin":{"lon":116.35,"lat":40.0}},"layers":[{"source":"a.osm"}],"models":)" + models + "}";
  auto config = model::parseSceneConfig(text, dir / "scene.json");
  REQUIRE(config.ok());
  return model::parseModelSources(*config);
}

std::string errorOf(const fs::path& dir, const std::string& models) {
  auto r = parse(dir, models);
  REQUIRE_FALSE(r.ok());
  return r.error().message;
}

}  // namespace

TEST_CASE("detectModelFormat tells the model formats apart by name and content", "[model][models]") {
  test::TempDir tmp("models-detect");
  const fs::path d = tmp.path();
  writeText(d / "prod" / "metadata.xml", "<ModelMetadata/>");
  writeText(d / "a.glb", "glTF");
  writeText(d / "tiles" / "tileset.json", R"({"asset":{"version":"1.0"},"geometricError":1,"root":{}})");
  writeText(d / "city.json", R"({"type":"CityJSON","version":"2.0","CityObjects":{},"vertices":[]})");
  writeText(d / "other.json", R"({"hello":1})");
  writeText(d / "model.obj", "v 0 0 0");
  CHECK(*model::detectModelFormat(d / "prod") == model::ModelFormat::Osgb);
  CHECK(*model::detectModelFormat(d / "prod" / "metadata.xml") == model::ModelFormat::Osgb);
  CHECK(*model::detectModelFormat(d / "a.glb") == model::ModelFormat::Gltf);
  CHECK(*model::detectModelFormat(d / "tiles") == model::ModelFormat::Tiles3d);
  CHECK(*model::detectModelFormat(d / "tiles" / "tileset.json") == model::ModelFormat::Tiles3d);
  CHECK(*model::detectModelFormat(d / "city.json") == model::ModelFormat::CityJson);
  CHECK_THAT(model::detectModelFormat(d / "other.json").error().message,
             Catch::Contains("neither a 3D Tiles tileset") && Catch::StartsWith("model::detectModelFormat(): "));
  CHECK_THAT(model::detectModelFormat(d / "model.obj").error().message, Catch::Contains("unknown model format"));
  CHECK_THAT(model::detectModelFormat(d / "missing.glb").error().message, Catch::EndsWith("no such file or folder"));
  CHECK_THAT(model::detectModelFormat(d).error().message, Catch::Contains("a folder without metadata.xml"));
  // The samples in tests/data.
  const fs::path data = test::testDataDir();
  CHECK(*model::detectModelFormat(data / "3dtiles-requestvolume" / "tileset.json") == model::ModelFormat::Tiles3d);
  CHECK(*model::detectModelFormat(data / "3dtiles-requestvolume") == model::ModelFormat::Tiles3d);
  CHECK(*model::detectModelFormat(data / "cityjson" / "delft.json") == model::ModelFormat::CityJson);
}

TEST_CASE("parseModelSources reads every key and resolves paths against the scene", "[model][models]") {
  test::TempDir tmp("models-parse");
  const fs::path d = tmp.path();
  writeText(d / "m" / "house.glb", "glTF");
  writeText(d / "city.json", R"({"type":"CityJSON","CityObjects":{}})");
  auto r = parse(d, R"([
    {"id":"house","source":"m/house.glb","lon":116.351,"lat":40.002,"height":3.5,"heading":90,"scale":2,
     "attribution":"made here","_note":"comments are ignored"},
    {"id":"city","source":"city.json","crs":"EPSG:28992","heightOffset":-2,"visible":false},
    {"id":"tiles","source":"m","format":"3dtiles","maximumScreenSpaceError":8}])");
  REQUIRE(r.ok());
  REQUIRE(r->size() == 3);
  const model::ModelSource& house = (*r)[0];
  CHECK(house.format == model::ModelFormat::Gltf);
  CHECK(house.source == d / "m" / "house.glb");
  REQUIRE(house.placement);
  CHECK(house.placement->position.lon == 116.351);
  CHECK(house.placement->heightMeters == 3.5);
  CHECK(house.placement->headingDegrees == 90);
  CHECK(house.placement->scale == 2);
  CHECK(house.attribution == "made here");
  const model::ModelSource& city = (*r)[1];
  CHECK(city.format == model::ModelFormat::CityJson);
  CHECK(city.crs == std::optional<std::string>("EPSG:28992"));
  CHECK(city.heightOffsetMeters == -2);
  CHECK_FALSE(city.visible);
  CHECK((*r)[2].format == model::ModelFormat::Tiles3d);
  CHECK((*r)[2].maximumScreenSpaceError == 8);

  // No "models" key: no models.
  auto none = model::parseSceneConfig(R"({"site":{"origin":{"lon":116.35,"lat":40.0}},"layers":[{"source":"a.osm"}]})",
                                      d / "s.json");
  REQUIRE(none.ok());
  CHECK(model::parseModelSources(*none)->empty());
}

TEST_CASE("parseModelSources names the scene file and key on bad entries", "[model][models]") {
  test::TempDir tmp("models-bad");
  const fs::path d = tmp.path();
  writeText(d / "a.glb", "glTF");
  const std::string p = "model::parseModelSources(): scene.json: key 'models";
  CHECK(errorOf(d, R"({"id":"a"})") == p + "': expected an array");
  CHECK(errorOf(d, R"([3])") == p + "[0]': expected an object");
  CHECK(errorOf(d, R"([{"source":"a.glb"}])") == p + "[0].id': missing");
  CHECK(errorOf(d, R"([{"id":"a","source":"a.glb","lon":1,"lat":2,"colour":"red"}])") ==
        p + "[0].colour': unknown key");
  CHECK(errorOf(d, R"([{"id":"a"}])") == p + "[0].source': missing");
  CHECK_THAT(errorOf(d, R"([{"id":"a","source":"b.glb"}])"),
             Catch::StartsWith(p + "[0].source': no such file or folder: "));
  CHECK(errorOf(d, R"([{"id":"a","source":"a.glb","lon":1,"lat":2},{"id":"a","source":"a.glb","lon":1,"lat":2}])") ==
        p + "[1].id': duplicate model id 'a'");
  CHECK(errorOf(d, R"([{"id":"a","source":"a.glb"}])") ==
        p + "[0].lon': missing: a glTF model needs lon and lat to be placed");
  CHECK(errorOf(d, R"([{"id":"a","source":"a.glb","lon":1}])") == p + "[0].lat': missing (lon and lat go together)");
  CHECK(errorOf(d, R"([{"id":"a","source":"a.glb","lon":"x","lat":2}])") == p + "[0].lon': expected a number");
  CHECK(errorOf(d, R"([{"id":"a","source":"a.glb","lon":1,"lat":95}])") ==
        p + "[0].lat': expected a number from -90 to 90, got 95");
  CHECK(errorOf(d, R"([{"id":"a","source":"a.glb","lon":1,"lat":2,"scale":0}])") ==
        p + "[0].scale': expected a number from 1e-06 to 1e+06, got 0");
  CHECK(errorOf(d, R"([{"id":"a","source":"a.glb","format":"obj"}])") ==
        p + "[0].format': expected \"osgb\", \"gltf\", \"3dtiles\" or \"cityjson\", got \"obj\"");
  CHECK(errorOf(d, R"([{"id":"a","source":"a.glb","lon":1,"lat":2,"visible":"yes"}])") ==
        p + "[0].visible': expected true or false");
}
