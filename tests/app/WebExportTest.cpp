// `twin export`: a hand-made scene exported and read back with our own 3D Tiles reader, every
// error of the command, the GLBs through the Khronos glTF validator (node + web/node_modules) and
// the page in headless Chromium (SwiftShader WebGL). Tests that lack node, the npm packages or
// chromium are reported skipped with the reason.
#include <catch2/catch.hpp>

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>
#include <osg/Image>
#include <osgDB/ReadFile>

#include "CliRunner.h"
#include "TestPaths.h"
#include "twin/app/WebExport.h"
#include "twin/scene/Tileset.h"

using namespace twin;
namespace fs = std::filesystem;
using Json = nlohmann::json;

namespace {

// Local metres around (120.21, 30.25) to "lon,lat" degrees, near enough for a 200 m scene.
std::string lonLat(double x, double y) {
  char text[64];
  std::snprintf(text, sizeof text, "%.8f,%.8f", 120.21 + x / 96176.0, 30.25 + y / 110852.0);
  return text;
}

// A 200 m block: a footway grid (x and y = -100, 0, 100), two apartment blocks, a shop and a
// school, a kindergarten and a supermarket as POIs, a bookmark over it, and a scenario "clinic"
// adding a health station and proposing a 45 m tower.
void writeScene(const fs::path& dir) {
  std::ofstream osm(dir / "block.osm");
  osm << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<osm version=\"0.6\">\n";
  int node = 0;
  auto addNode = [&](double x, double y, const std::string& tags = "") {
    const std::string ll = lonLat(x, y);
    osm << " <node id=\"" << ++node << "\" lon=\"" << ll.substr(0, ll.find(',')) << "\" lat=\""
        << ll.substr(ll.find(',') + 1) << "\"" << (tags.empty() ? "/>\n" : ">" + tags + "</node>\n");
    return node;
  };
  int way = 100;
  auto addWay = [&](const std::vector<int>& nodes, const std::string& tags) {
    osm << " <way id=\"" << ++way << "\">";
    for (int n : nodes) osm << "<nd ref=\"" << n << "\"/>";
    osm << tags << "</way>\n";
  };
  const std::string footway = "<tag k=\"highway\" v=\"footway\"/>";
  for (double c : {-100.0, 0.0, 100.0}) {
    addWay({addNode(-100, c), addNode(0, c), addNode(100, c)}, footway);
    addWay({addNode(c, -100), addNode(c, 0), addNode(c, 100)}, footway);
  }
  auto building = [&](double x, double y, double w, double h, const std::string& tags) {
    const int a = addNode(x, y), b = addNode(x + w, y), c = addNode(x + w, y + h), d = addNode(x, y + h);
    addWay({a, b, c, d, a}, tags);
  };
  building(10, 10, 30, 12,
           "<tag k=\"building\" v=\"apartments\"/><tag k=\"building:levels\" v=\"6\"/><tag k=\"name\" v=\"1号楼\"/>");
  building(10, 40, 30, 12,
           "<tag k=\"building\" v=\"apartments\"/><tag k=\"height\" v=\"33\"/><tag k=\"name\" v=\"2号楼\"/>");
  building(-60, 10, 40, 20, "<tag k=\"building\" v=\"retail\"/><tag k=\"name\" v=\"商场\"/>");
  building(-60, -60, 40, 30, "<tag k=\"building\" v=\"school\"/>");
  addNode(-5, 30, "<tag k=\"amenity\" v=\"kindergarten\"/><tag k=\"name\" v=\"幼儿园\"/>");
  addNode(5, -5, "<tag k=\"shop\" v=\"supermarket\"/><tag k=\"name\" v=\"超市\"/>");
  osm << "</osm>\n";

  std::ofstream scene(dir / "block.json");
  const std::string centre = lonLat(0, 0);
  scene << R"({"name": "示范街区", "site": {"origin": {"lon": 120.21, "lat": 30.25}},
    "layers": [{"id": "osm", "source": "block.osm", "attribution": "© OpenStreetMap contributors"}],
    "bookmarks": [{"name": "block", "label": "街区", "target": {"lon": )"
        << centre.substr(0, centre.find(',')) << ", \"lat\": " << centre.substr(centre.find(',') + 1)
        << R"(}, "distance": 420, "heading": 20, "pitch": 45}],
    "scenarios": [{"name": "clinic", "label": "新建卫生站与住宅",
                   "add": [{"category": "health_station", "name": "规划卫生站", "lon": )"
        << lonLat(50, 50).substr(0, lonLat(50, 50).find(','))
        << ", \"lat\": " << lonLat(50, 50).substr(lonLat(50, 50).find(',') + 1) << R"(}],
                   "buildings": [{"name": "规划住宅", "height": 45, "footprint": [)"
        << "[" << lonLat(60, -40) << "], [" << lonLat(85, -40) << "], [" << lonLat(85, -20) << "], [" << lonLat(60, -20)
        << R"(]]}]}]})";
}

Json readJson(const fs::path& path) {
  std::ifstream in(path);
  REQUIRE(in);
  return Json::parse(in);
}

// The GLB's JSON chunk.
Json glbJson(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  REQUIRE(bytes.size() > 20);
  std::uint32_t length = 0;
  std::memcpy(&length, bytes.data() + 12, 4);
  REQUIRE(20 + std::size_t(length) <= bytes.size());
  return Json::parse(bytes.substr(20, length));
}

std::string shell(const std::string& command, int* status = nullptr) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe);
  char buf[4096];
  while (fgets(buf, sizeof buf, pipe)) out += buf;
  const int rc = pclose(pipe);
  if (status) *status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  return out;
}

bool haveCommand(const std::string& name) {
  int status = 0;
  shell("command -v " + name + " >/dev/null 2>&1", &status);
  return status == 0;
}

// Ends the test as skipped (ctest SKIP_RETURN_CODE) with the reason.
[[noreturn]] void skip(const std::string& why) {
  std::cout << "SKIPPED: " << why << std::endl;
  std::exit(test::kSkipExitCode);
}

fs::path webModules() { return test::sourceDir() / "web" / "node_modules"; }

// Counts (feature count of all property tables, tiles) of an export, read with our reader.
std::pair<std::size_t, std::size_t> readBack(const fs::path& dir, std::set<std::string>* classProperties = nullptr) {
  core::Diagnostics diag;
  auto tileset = scene::readTileset(dir / "tileset.json", diag);
  REQUIRE(tileset);
  std::size_t features = 0, tiles = 0;
  for (const scene::Tile& tile : tileset.value().tiles) {
    if (tile.contentType == scene::TileContentType::None) continue;
    REQUIRE(tile.contentType == scene::TileContentType::Glb);
    auto content = scene::loadTileContent(tile.contentPath, tile.contentType, diag);
    REQUIRE(content);
    const Json gltf = glbJson(tile.contentPath);
    const Json& metadata = gltf["extensions"]["EXT_structural_metadata"];
    features += metadata["propertyTables"][0]["count"].get<std::size_t>();
    if (classProperties)
      for (const auto& [name, p] : metadata["schema"]["classes"]["building"]["properties"].items())
        classProperties->insert(name);
    ++tiles;
  }
  CHECK(diag.total() == 0);
  return {features, tiles};
}

}  // namespace

TEST_CASE("twin export: a scene with a scenario, read back with our 3D Tiles reader", "[app][export]") {
  test::TempDir dir("export-block");
  writeScene(dir.path());
  const fs::path out = dir.path() / "web";
  const test::CliResult r = test::runTwin({"export", (dir.path() / "block.json").string(), "-o", out.string(),
                                           "--scenario", "clinic", "--no-viewer", "--tile-size", "50"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(r.out.find("scenario 'clinic': 1 of 1 facility changes applied, 1 proposed buildings\n") == 0);
  CHECK(r.out.find("exported 5 buildings (5 volumes, ") != std::string::npos);
  CHECK(r.out.find("no viewer (--no-viewer)") != std::string::npos);
  CHECK_FALSE(fs::exists(out / "index.html"));
  CHECK_FALSE(fs::exists(out / "Cesium"));

  // Four buildings and the proposed tower, each one feature; 50 m tiles split them.
  std::set<std::string> properties;
  const auto [features, tiles] = readBack(out, &properties);
  CHECK(features == 5);
  CHECK(tiles >= 3);
  CHECK(properties == std::set<std::string>{"id", "name", "use", "height", "status", "level", "minutes_5", "minutes_10",
                                            "minutes_15", "level_after", "minutes_5_after", "minutes_10_after",
                                            "minutes_15_after"});

  // GeoJSON beside the tiles: coverage of the two apartment blocks, the facilities before and
  // after (one more: the clinic), the three isochrone bands from the start view.
  const Json coverage = readJson(out / "coverage.geojson");
  CHECK(coverage["features"].size() == 2);
  const Json facilities = readJson(out / "facilities.geojson"), after = readJson(out / "facilities_after.geojson");
  CHECK(after["features"].size() == facilities["features"].size() + 1);
  std::set<std::string> categories;
  for (const Json& f : after["features"]) categories.insert(f["properties"]["category"].get<std::string>());
  CHECK(categories.count("kindergarten"));
  CHECK(categories.count("health_station"));
  CHECK(readJson(out / "coverage_after.geojson")["features"].size() == 2);
  const Json isochrones = readJson(out / "isochrones.geojson");
  REQUIRE(isochrones["features"].size() == 3);
  std::set<double> minutes;
  for (const Json& f : isochrones["features"]) minutes.insert(f["properties"]["minutes"].get<double>());
  CHECK(minutes == std::set<double>{5, 10, 15});

  // Without the scenario: no after columns, no proposed building.
  const fs::path plain = dir.path() / "plain";
  REQUIRE(test::runTwinCode({"export", (dir.path() / "block.json").string(), "-o", plain.string(), "--no-viewer"}) ==
          0);
  std::set<std::string> plainProperties;
  CHECK(readBack(plain, &plainProperties).first == 4);
  CHECK_FALSE(plainProperties.count("level_after"));
  CHECK_FALSE(fs::exists(plain / "coverage_after.geojson"));
}

TEST_CASE("twin export: the page", "[app][export]") {
  app::WebPage page;
  page.title = "示范街区";
  page.titleEn = "block";
  page.view.target = {120.21, 30.25};
  page.attributions = {"© OpenStreetMap contributors (ODbL)", "SRTM </script> data"};
  page.useColours = {{"residential", "#e0c090"}};
  page.scenarioName = "clinic";
  page.scenarioLabel = "新建卫生站";
  const std::string html = app::webPageHtml(page);
  CHECK(html.find("<script src=\"Cesium/Cesium.js\"></script>") != std::string::npos);
  CHECK(html.find("Cesium3DTileset.fromUrl(\"tileset.json\"") != std::string::npos);
  CHECK(html.find("baseLayer: false") != std::string::npos);
  CHECK(html.find("\"credits\":[\"© OpenStreetMap contributors\",\"SRTM <\\/script> data\",\"CesiumJS\"]") !=
        std::string::npos);
  CHECK(html.find("\"scenarioLabel\":\"新建卫生站\"") != std::string::npos);
  CHECK(html.find("id=\"status\" data-state=\"loading\"") != std::string::npos);
  // Nothing from the network: no http(s) URL but the page's own folder.
  CHECK(html.find("http://") == std::string::npos);
  CHECK(html.find("https://") == std::string::npos);
  // Cesium ion is never configured.
  CHECK(html.find("Ion.defaultAccessToken") == std::string::npos);
}

TEST_CASE("twin export: errors", "[app][export]") {
  test::TempDir dir("export-errors");
  writeScene(dir.path());
  const std::string scene = (dir.path() / "block.json").string();
  const std::string out = (dir.path() / "out").string();
  auto run = [](std::vector<std::string> args) { return test::runTwin(std::move(args)); };

  SECTION("usage") {
    test::CliResult r = run({"export"});
    CHECK(r.code == 2);
    CHECK(r.err == "twin export: missing SCENE; see 'twin export --help'\n");
    r = run({"export", scene});
    CHECK(r.code == 2);
    CHECK(r.err == "twin export: missing -o DIR; see 'twin export --help'\n");
    r = run({"export", scene, "-o", out, "--no-viewer", "--cesium", out});
    CHECK(r.code == 2);
    CHECK(r.err == "twin export: --cesium and --no-viewer exclude each other; see 'twin export --help'\n");
    r = run({"export", scene, "-o", out, "--tile-size", "5"});
    CHECK(r.code == 2);
    CHECK(r.err == "twin export: --tile-size expects metres in [10, 100000], got '5'; see 'twin export --help'\n");
    r = run({"export", "--help"});
    CHECK(r.code == 0);
    CHECK(r.out == app::kExportUsage);
  }
  SECTION("unknown scenario") {
    const test::CliResult r = run({"export", scene, "-o", out, "--no-viewer", "--scenario", "nope"});
    CHECK(r.code == 2);
    CHECK(r.err.find("twin export: unknown scenario 'nope' in ") != std::string::npos);
    CHECK_FALSE(fs::exists(out));
  }
  SECTION("no such scene") {
    const test::CliResult r = run({"export", (dir.path() / "none.json").string(), "-o", out, "--no-viewer"});
    CHECK(r.code == 1);
    CHECK(r.err.find("none.json") != std::string::npos);
  }
  SECTION("--cesium without Cesium.js") {
    const test::CliResult r = run({"export", scene, "-o", out, "--cesium", dir.path().string()});
    CHECK(r.code == 1);
    CHECK(r.err == "twin export: --cesium " + dir.path().string() +
                       " has no Cesium.js (expected the Build/Cesium folder of the npm package cesium)\n");
    CHECK_FALSE(fs::exists(out));
  }
  SECTION("findCesium: where it looks") {
    const char* old = std::getenv("TWIN_CESIUM_DIR");
    const std::string saved = old ? old : "";
    ::setenv("TWIN_CESIUM_DIR", dir.path().c_str(), 1);
    auto r = app::findCesium(std::nullopt, dir.path());
    REQUIRE_FALSE(r);
    CHECK(r.error().message == "twin export: TWIN_CESIUM_DIR " + dir.path().string() +
                                   " has no Cesium.js (expected the Build/Cesium folder of the npm package cesium)");
    ::setenv("TWIN_CESIUM_DIR", "", 1);
    r = app::findCesium(std::nullopt, dir.path());
    REQUIRE_FALSE(r);
    CHECK(r.error().message ==
          "twin export: CesiumJS not found: no --cesium DIR, TWIN_CESIUM_DIR is not set, and no "
          "web/node_modules/cesium/Build/Cesium above " +
              dir.path().string() +
              "; run scripts/install-web-deps.sh (npm ci in web/), or export without the page (--no-viewer)");
    // A fake build in a checkout-like tree above the executable's folder is found.
    const fs::path build = dir.path() / "web" / "node_modules" / "cesium" / "Build" / "Cesium";
    fs::create_directories(build);
    std::ofstream(build / "Cesium.js") << "// fake\n";
    fs::create_directories(dir.path() / "build" / "bin");
    r = app::findCesium(std::nullopt, dir.path() / "build" / "bin");
    REQUIRE(r);
    CHECK(r.value() == build);
    if (old)
      ::setenv("TWIN_CESIUM_DIR", saved.c_str(), 1);
    else
      ::unsetenv("TWIN_CESIUM_DIR");
  }
}

TEST_CASE("twin export: every GLB of the default scene passes the Khronos glTF validator", "[app][export]") {
  if (!haveCommand("node")) skip("needs node (Debian package nodejs) to run the glTF validator");
  if (!fs::exists(webModules() / "gltf-validator" / "package.json"))
    skip("needs web/node_modules/gltf-validator: run scripts/install-web-deps.sh");
  test::TempDir dir("export-validate");
  const fs::path out = dir.path() / "web";
  const test::CliResult r = test::runTwin(
      {"export", (test::scenesDir() / "hangzhou-qianjiang.json").string(), "-o", out.string(), "--no-viewer"});
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(readBack(out).first == 518);  // every building of the default scene, one feature each

  int status = -1;
  const std::string report = shell(
      "node '" + (test::sourceDir() / "web" / "validate-glb.js").string() + "' '" + (out / "tiles").string() + "' 2>&1",
      &status);
  INFO(report);
  CHECK(status == 0);
  const std::string last = report.substr(report.rfind('{'));
  const Json total = Json::parse(last);
  CHECK(total["files"].get<int>() > 0);
  CHECK(total["errors"] == 0);
}

namespace {

// A loopback port nobody listens on now (the kernel's choice for port 0).
int freePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  socklen_t length = sizeof address;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  ::close(fd);
  return ntohs(address.sin_port);
}

bool accepts(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return ok;
}

// python3's static file server on a loopback port, stopped by the destructor.
struct StaticServer {
  int port = 0;
  pid_t pid = -1;
  explicit StaticServer(const fs::path& root) : port(freePort()) {
    const std::string out = shell("python3 -m http.server " + std::to_string(port) + " --bind 127.0.0.1 --directory '" +
                                  root.string() + "' >/dev/null 2>&1 & echo $!");
    pid = static_cast<pid_t>(std::atoi(out.c_str()));
    for (int i = 0; i < 200 && !accepts(port); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ~StaticServer() {
    if (pid > 0) ::kill(pid, SIGTERM);
  }
};

}  // namespace

TEST_CASE("twin export: the page in headless Chromium shows the buildings", "[app][export][slow]") {
  if (!haveCommand("chromium")) skip("needs chromium (Debian package chromium) to load the page");
  if (!haveCommand("python3")) skip("needs python3 to serve the page");
  if (!fs::exists(webModules() / "cesium" / "Build" / "Cesium" / "Cesium.js"))
    skip("needs web/node_modules/cesium: run scripts/install-web-deps.sh");
  test::TempDir dir("export-page");
  const fs::path out = dir.path() / "web";
  const test::CliResult r =
      test::runTwin({"export", (test::scenesDir() / "hangzhou-qianjiang.json").string(), "-o", out.string()});
  INFO(r.err);
  REQUIRE(r.code == 0);
  REQUIRE(fs::exists(out / "Cesium" / "Cesium.js"));
  const std::string html = [&] {
    std::ifstream in(out / "index.html");
    return std::string{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }();
  CHECK(html.find("© OpenStreetMap contributors") != std::string::npos);

  StaticServer server(out);
  REQUIRE(accepts(server.port));
  // web/check-page.py drives headless Chromium (SwiftShader WebGL) through the DevTools protocol:
  // it waits in real time for the page's #status, collects console errors and uncaught
  // exceptions, and takes the screenshot.
  const std::string url = "http://127.0.0.1:" + std::to_string(server.port) + "/index.html";
  const fs::path png = dir.path() / "page.png";
  int status = -1;
  const std::string report = shell("python3 '" + (test::sourceDir() / "web" / "check-page.py").string() + "' " + url +
                                       " '" + png.string() + "' --timeout 480 --click-building 2>&1",
                                   &status);
  INFO(report);
  REQUIRE(status != 2);  // Chromium started and answered
  const Json page = Json::parse(report.substr(report.rfind("{\"state\"")));
  CHECK(page["state"] == "ready");
  CHECK(page["status"].get<std::string>().find("栋建筑") != std::string::npos);
  CHECK(page["console_errors"].empty());
  CHECK(page["exceptions"].empty());
  // A click on a building lists its attributes from the tile's property table, in Chinese.
  REQUIRE(page.contains("info"));
  const std::string info = page["info"];
  CHECK(info.find("编号\tway/") != std::string::npos);
  CHECK(info.find("高度（米）") != std::string::npos);
  CHECK(info.find("用途") != std::string::npos);
  CHECK(info.find("状态\t现状建筑") != std::string::npos);
  CHECK(status == 0);
  osg::ref_ptr<osg::Image> image = osgDB::readImageFile(png.string());
  REQUIRE(image);
  REQUIRE(image->s() == 1280);
  REQUIRE(image->t() == 800);
  const osg::Vec4 light = image->getColor(2, image->getOrigin() == osg::Image::BOTTOM_LEFT ? 2 : 797);
  INFO("status light " << light.r() << ", " << light.g() << ", " << light.b() << " (green: ready, red: error)");
  // The screenshot was taken once the page said it was ready: the light agrees.
  CHECK(light.g() > 0.6f);
  CHECK(light.r() < 0.2f);
  // Outside the panel (top left), the attributes (top right) and the credits: pixels that are not the plain globe
  // (#e6e9e4) are buildings (or isochrone-free ground shading): a real view has many of them, in
  // many colours.
  std::size_t building = 0, counted = 0;
  std::set<unsigned> colours;
  for (int row = 0; row < image->t(); ++row) {
    const int y = image->getOrigin() == osg::Image::BOTTOM_LEFT ? image->t() - 1 - row : row;
    if (y > 760) continue;  // the credits and the status light
    for (int x = 0; x < image->s(); ++x) {
      if ((x < 340 && y < 250) || (x > 960 && y < 320)) continue;  // the panel, the attributes
      const osg::Vec4 c = image->getColor(x, row);
      const int red = int(c.r() * 255 + 0.5f), green = int(c.g() * 255 + 0.5f), blue = int(c.b() * 255 + 0.5f);
      ++counted;
      colours.insert(unsigned(red / 8) << 10 | unsigned(green / 8) << 5 | unsigned(blue / 8));
      if (std::abs(red - 0xe6) + std::abs(green - 0xe9) + std::abs(blue - 0xe4) > 24) ++building;
    }
  }
  INFO("building pixels " << building << " of " << counted << ", " << colours.size() << " colours");
  CHECK(building > counted / 20);
  CHECK(colours.size() > 40);
}
