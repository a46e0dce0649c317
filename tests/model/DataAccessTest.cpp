// Scene files stay in their lane: files under the scene's folder, the assets folder beside it
// or a data root; network sources only when allowed. Each crafted scene is written here.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <fstream>

#include "TestPaths.h"
#include "twin/model/DataAccess.h"
#include "twin/model/ModelSource.h"
#include "twin/model/SceneConfig.h"
#include "twin/model/Sensor.h"

using namespace twin;
namespace fs = std::filesystem;

namespace {

// Sets the process-wide DataAccess for one test and puts the environment's back afterwards.
struct ScopedAccess {
  explicit ScopedAccess(model::DataAccess access) { model::setDataAccess(std::move(access)); }
  ~ScopedAccess() { model::setDataAccess(model::dataAccessFromEnvironment()); }
};

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary);
  out << text;
}

std::string layerScene(const std::string& source, const std::string& extra = "") {
  return R"({"site":{"origin":{"lon":116.35,"lat":40.0}},"layers":[{"source":")" + source + R"("}])" + extra + "}";
}

const std::string kNetworkHint =
    " is a network source; allow network sources with \"allow_network\": true in the scene or --allow-network on "
    "the command line";

}  // namespace

TEST_CASE("data access: scene paths must stay under the scene's folders", "[model][untrusted]") {
  test::TempDir dir("lane");
  const fs::path project = fs::weakly_canonical(dir.path());
  const fs::path sceneFile = project / "scenes" / "x.json";
  write(project / "scenes" / "local.osm", "<osm/>");
  write(project / "assets" / "a.osm", "<osm/>");
  write(project / "elsewhere" / "b.osm", "<osm/>");
  ScopedAccess access({});

  SECTION("the scene's folder and ../assets are allowed") {
    CHECK(model::parseSceneConfig(layerScene("local.osm"), sceneFile).ok());
    CHECK(model::parseSceneConfig(layerScene("../assets/a.osm"), sceneFile).ok());
  }
  SECTION("a path outside is an error naming the key, the path and how to allow it") {
    auto r = model::parseSceneConfig(layerScene("/etc/passwd"), sceneFile);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message ==
          "model::loadSceneConfig(): x.json: key 'layers[0].source': '/etc/passwd' is outside the "
          "scene's data folders (" +
              (project / "scenes").string() + ", " + (project / "assets").string() +
              "); allow its folder with --data-root DIR or TWIN_DATA_ROOTS=DIR");
    auto up = model::parseSceneConfig(layerScene("../elsewhere/b.osm"), sceneFile);
    REQUIRE_FALSE(up.ok());
    CHECK(up.error().message.find("key 'layers[0].source': '" + (project / "elsewhere" / "b.osm").string() +
                                  "' is outside") != std::string::npos);
  }
  SECTION("a symlink inside the scene's folder that points outside is followed and refused") {
    REQUIRE(::symlink("/etc/passwd", (project / "scenes" / "innocent.osm").c_str()) == 0);
    auto r = model::parseSceneConfig(layerScene("innocent.osm"), sceneFile);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find("'" + (project / "scenes" / "innocent.osm").string() +
                                 "' (it resolves to '/etc/passwd') is outside") != std::string::npos);
  }
  SECTION("a data root allows its folder") {
    ScopedAccess withRoot({{project / "elsewhere"}, false});
    CHECK(model::parseSceneConfig(layerScene("../elsewhere/b.osm"), sceneFile).ok());
  }
  SECTION("TWIN_DATA_ROOTS is read colon-separated") {
    const char* old = std::getenv("TWIN_DATA_ROOTS");
    const std::string saved = old ? old : "";
    setenv("TWIN_DATA_ROOTS", ("/nowhere::" + (project / "elsewhere").string()).c_str(), 1);
    const model::DataAccess env = model::dataAccessFromEnvironment();
    setenv("TWIN_DATA_ROOTS", saved.c_str(), 1);
    REQUIRE(env.roots.size() == 2);
    CHECK(env.roots[1] == project / "elsewhere");
    CHECK_FALSE(env.allowNetwork);
  }
  SECTION("terrain, replay files, TLS files and models follow the same rule") {
    auto terrain =
        model::parseSceneConfig(layerScene("local.osm", R"(,"terrain":{"source":"/etc/hostname"})"), sceneFile);
    REQUIRE_FALSE(terrain.ok());
    CHECK(terrain.error().message.find("key 'terrain.source': '/etc/hostname' is outside") != std::string::npos);

    auto ca = model::parseSensorConfig(R"({"mqtt":{"tls":true,"ca_file":"/etc/shadow"}})", sceneFile);
    REQUIRE_FALSE(ca.ok());
    CHECK(ca.error().message.find("model::parseSensorConfig(): x.json: key 'mqtt.ca_file': '/etc/shadow' is outside") ==
          0);

    auto replay = model::parseSensorConfig(
        R"({"sensors":[{"id":"a","name":"a","kind":"noise","unit":"dB","building":"b",
            "source":{"type":"replay","file":"../../x.csv","column":"v"}}]})",
        sceneFile);
    REQUIRE_FALSE(replay.ok());
    CHECK(replay.error().message.find("key 'sensors[0].source.file': '") != std::string::npos);

    model::SceneConfig config;
    config.file = sceneFile;
    config.sections["models"] = R"([{"id":"m","source":"/etc/passwd"}])";
    auto models = model::parseModelSources(config);
    REQUIRE_FALSE(models.ok());
    CHECK(models.error().message.find("'/etc/passwd' is outside") != std::string::npos);
  }
}

TEST_CASE("data access: network sources only when the scene or the command line allows them", "[model][untrusted]") {
  test::TempDir dir("lane-net");
  const fs::path sceneFile = dir.path() / "x.json";
  ScopedAccess access({});
  for (const std::string source : {"/vsicurl/http://example.com/a.geojson", "/vsis3/bucket/a.gpkg",
                                   "/vsizip//vsicurl/http://example.com/a.zip/a.shp", "https://example.com/a.geojson",
                                   "PG:host=db.example.com dbname=city", "PG:postgresql://u@db.example.com:5432/city",
                                   "WFS:http://example.com/wfs"}) {
    INFO(source);
    CHECK(model::isNetworkSource(source));
    auto r = model::parseSceneConfig(layerScene(source), sceneFile);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message ==
          "model::loadSceneConfig(): x.json: key 'layers[0].source': '" + source + "'" + kNetworkHint);
    CHECK(model::parseSceneConfig(layerScene(source, R"(,"allow_network":true)"), sceneFile).ok());
    ScopedAccess cli({{}, true});
    CHECK(model::parseSceneConfig(layerScene(source), sceneFile).ok());
  }
  // Local databases need no permission.
  for (const std::string source :
       {"PG:dbname=city", "PG:host=localhost dbname=city", "PG:host=/var/run/postgresql dbname=x",
        "PG:postgresql:///city", "PG:host=127.0.0.1 port=5432"}) {
    INFO(source);
    CHECK_FALSE(model::isNetworkSource(source));
    CHECK(model::parseSceneConfig(layerScene(source), sceneFile).ok());
  }
  // Passwords stay out of the message.
  auto secret = model::parseSceneConfig(layerScene("PG:host=db.example.com password=hunter2"), sceneFile);
  REQUIRE_FALSE(secret.ok());
  CHECK(secret.error().message.find("hunter2") == std::string::npos);
  CHECK(secret.error().message.find("password=***") != std::string::npos);
  auto bad = model::parseSceneConfig(layerScene("a.osm", R"(,"allow_network":"yes")"), sceneFile);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message ==
        "model::loadSceneConfig(): x.json: key 'allow_network': expected true or false, got \"yes\"");
}

TEST_CASE("data access: a VRT may only name sources the scene may use", "[model][untrusted]") {
  test::TempDir dir("lane-vrt");
  const fs::path project = fs::weakly_canonical(dir.path());
  const fs::path sceneFile = project / "scenes" / "x.json";
  write(project / "scenes" / "local.osm", "<osm/>");
  auto rasterVrt = [](const std::string& source, bool relative) {
    return std::string(R"(<VRTDataset rasterXSize="1" rasterYSize="1"><VRTRasterBand dataType="Byte" band="1">)") +
           "<SimpleSource><SourceFilename relativeToVRT=\"" + (relative ? "1" : "0") + "\">" + source +
           "</SourceFilename></SimpleSource></VRTRasterBand></VRTDataset>";
  };
  auto vectorVrt = [](const std::string& source) {
    return "<OGRVRTDataSource><OGRVRTUnionLayer name=\"u\"><OGRVRTLayer name=\"a\"><SrcDataSource>" + source +
           "</SrcDataSource></OGRVRTLayer></OGRVRTUnionLayer></OGRVRTDataSource>";
  };
  ScopedAccess access({});

  SECTION("a VRT naming files beside it is allowed") {
    write(project / "scenes" / "ok.vrt", rasterVrt("local.osm", true));
    CHECK(model::parseSceneConfig(layerScene("ok.vrt"), sceneFile).ok());
  }
  SECTION("a VRT naming a URL needs network permission") {
    write(project / "scenes" / "net.vrt", rasterVrt("/vsicurl/http://example.com/a.tif", false));
    auto r = model::parseSceneConfig(layerScene("net.vrt"), sceneFile);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message == "model::loadSceneConfig(): x.json: key 'layers[0].source': the VRT '" +
                                   (project / "scenes" / "net.vrt").string() +
                                   "' names '/vsicurl/http://example.com/a.tif'" + kNetworkHint);
    CHECK(model::parseSceneConfig(layerScene("net.vrt", R"(,"allow_network":true)"), sceneFile).ok());
  }
  SECTION("a vector VRT naming a remote database, inside a union layer, needs network permission") {
    write(project / "scenes" / "pg.VRT", vectorVrt("PG:host=db.example.com dbname=city"));
    auto r = model::parseSceneConfig(layerScene("pg.VRT"), sceneFile);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find("names 'PG:host=db.example.com dbname=city' is a network source") !=
          std::string::npos);
  }
  SECTION("a VRT naming a file outside the scene's folders, relative to itself, is refused") {
    write(project / "scenes" / "up.vrt", vectorVrt("/etc/passwd"));
    write(project / "scenes" / "rel.vrt", rasterVrt("../../../../../../../../etc/hostname", true));
    auto r = model::parseSceneConfig(layerScene("up.vrt"), sceneFile);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find("names '/etc/passwd' is outside the scene's data folders") != std::string::npos);
    auto rel = model::parseSceneConfig(layerScene("rel.vrt"), sceneFile);
    REQUIRE_FALSE(rel.ok());
    CHECK(rel.error().message.find("names '/etc/hostname' is outside") != std::string::npos);
  }
  SECTION("a VRT inside a VRT is checked too; one naming itself ends at the depth limit") {
    write(project / "scenes" / "outer.vrt", vectorVrt("inner.vrt"));
    write(project / "scenes" / "inner.vrt", vectorVrt("/vsicurl/http://example.com/x.geojson"));
    const fs::path cwd = fs::current_path();
    fs::current_path(project / "scenes");  // names not marked relativeToVRT are relative to the working folder
    auto r = model::parseSceneConfig(layerScene("outer.vrt"), sceneFile);
    write(project / "scenes" / "self.vrt", rasterVrt("self.vrt", true));
    auto self = model::parseSceneConfig(layerScene("self.vrt"), sceneFile);
    fs::current_path(cwd);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find("the VRT '" + (project / "scenes" / "outer.vrt").string() + "' names the VRT '" +
                                 (project / "scenes" / "inner.vrt").string() +
                                 "' names '/vsicurl/http://example.com/x.geojson' is a network source") !=
          std::string::npos);
    REQUIRE_FALSE(self.ok());
    CHECK(self.error().message.find("is a VRT nested more than 8 deep (does it name itself?)") != std::string::npos);
  }
  SECTION("a vrt:// connection is checked like the file it names") {
    auto r = model::parseSceneConfig(layerScene("vrt:///etc/hostname?bands=1"), sceneFile);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find("the VRT 'vrt:///etc/hostname?bands=1' names '/etc/hostname' is outside") !=
          std::string::npos);
  }
  SECTION("a VRT that is not XML is refused, not passed unchecked") {
    write(project / "scenes" / "broken.vrt", "<VRTDataset><SourceFilename>");
    auto r = model::parseSceneConfig(layerScene("broken.vrt"), sceneFile);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find("cannot be checked: geo::vrtSources(): " +
                                 (project / "scenes" / "broken.vrt").string() + ": not XML") != std::string::npos);
  }
}

TEST_CASE("data access: the shipped scenes keep working with no data roots", "[model]") {
  ScopedAccess access({});
  for (const char* name : {"beijing-liudaokou.json", "monaco.json"}) {
    INFO(name);
    auto scene = model::loadSceneConfig(test::scenesDir() / name);
    REQUIRE(scene.ok());
    auto sensors = model::loadSensorConfig(test::scenesDir() / name);
    CHECK(sensors.ok());
  }
}
