#include <catch2/catch.hpp>

#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "CliRunner.h"
#include "TestPaths.h"
#include "twin/app/Cli.h"
#include "twin/model/SceneConfig.h"
#include "twin/model/SiteLoader.h"

using namespace twin;
using test::CliResult;
using test::runTwin;

namespace {

std::string scenePath(const char* name) { return (test::scenesDir() / name).string(); }

void writeFile(const std::filesystem::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

}  // namespace

TEST_CASE("cli: help and version", "[app]") {
  auto r = runTwin({"--version"});
  CHECK(r.code == app::kExitOk);
  CHECK(r.out == "twin 0.1.0\n");

  r = runTwin({"--help"});
  CHECK(r.code == app::kExitOk);
  CHECK(r.out.find("usage: twin <command> [options]") != std::string::npos);
  for (const char* command : {"run", "snapshot", "info"})
    CHECK(r.out.find(std::string("  ") + command) != std::string::npos);

  r = runTwin({"snapshot", "--help"});
  CHECK(r.code == app::kExitOk);
  CHECK(r.out.rfind("usage: twin snapshot SCENE -o OUT.png", 0) == 0);
  r = runTwin({"help", "info"});
  CHECK(r.code == app::kExitOk);
  CHECK(r.out.rfind("usage: twin info SCENE|DATAFILE [--json]", 0) == 0);
}

TEST_CASE("cli: usage errors exit 2 with exact messages", "[app]") {
  auto r = runTwin({});
  CHECK(r.code == app::kExitUsage);
  CHECK(r.err.find("usage: twin <command> [options]") != std::string::npos);

  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::string scene = scenePath("beijing-liudaokou.json");
  const std::vector<Case> cases = {
      {{"frobnicate"}, "twin: unknown command 'frobnicate'; see 'twin --help'\n"},
      {{"--frobnicate"}, "twin: unknown option '--frobnicate'; see 'twin --help'\n"},
      {{"info"}, "twin info: missing SCENE|DATAFILE; see 'twin info --help'\n"},
      {{"info", scene, "--frob"}, "twin info: unknown option '--frob'; see 'twin info --help'\n"},
      {{"info", scene, "extra"}, "twin info: unexpected argument 'extra'; see 'twin info --help'\n"},
      {{"info", scene, "--json=yes"}, "twin info: option '--json' takes no value; see 'twin info --help'\n"},
      {{"snapshot", scene}, "twin snapshot: missing -o OUT.png; see 'twin snapshot --help'\n"},
      {{"snapshot"}, "twin snapshot: missing SCENE; see 'twin snapshot --help'\n"},
      {{"snapshot", scene, "-o"}, "twin snapshot: option '-o' needs a value; see 'twin snapshot --help'\n"},
      {{"snapshot", scene, "-o", "x.png", "--size", "1920"},
       "twin snapshot: bad --size '1920'; expected WIDTHxHEIGHT between 16 and 8192, e.g. 1920x1080; see 'twin "
       "snapshot --help'\n"},
      {{"snapshot", scene, "-o", "x.png", "--size", "0x100"},
       "twin snapshot: bad --size '0x100'; expected WIDTHxHEIGHT between 16 and 8192, e.g. 1920x1080; see 'twin "
       "snapshot --help'\n"},
      {{"snapshot", scene, "-o", "x.png", "--size=100000x100"},
       "twin snapshot: bad --size '100000x100'; expected WIDTHxHEIGHT between 16 and 8192, e.g. 1920x1080; see 'twin "
       "snapshot --help'\n"},
      {{"snapshot", scene, "-o", "x.png", "--theme", "blue"},
       "twin snapshot: bad --theme 'blue'; expected dark or light; see 'twin snapshot --help'\n"},
      {{"snapshot", scene, "-o", "x.png", "--lang", "fr"},
       "twin snapshot: bad --lang 'fr'; expected zh-CN or en; see 'twin snapshot --help'\n"},
      {{"run", scene, "--frames", "-3"},
       "twin run: bad --frames '-3'; expected a positive integer; see 'twin run --help'\n"},
      {{"run", scene, "--frames", "2x"},
       "twin run: bad --frames '2x'; expected a positive integer; see 'twin run --help'\n"},
      {{"run", scene, "--frames"}, "twin run: option '--frames' needs a value; see 'twin run --help'\n"},
      {{"snapshot", scene, "-o", "x.png", "--ui-scale", "9"},
       "twin snapshot: bad --ui-scale '9'; expected a number between 0.5 and 4; see 'twin snapshot --help'\n"},
      {{"run", scene, "--ui-scale", "1.5x"},
       "twin run: bad --ui-scale '1.5x'; expected a number between 0.5 and 4; see 'twin run --help'\n"},
      {{"run", scene, "--engineering", "--presentation"},
       "twin run: give either --engineering or --presentation, not both; see 'twin run --help'\n"},
  };
  for (const Case& c : cases) {
    r = runTwin(c.args);
    INFO(c.message);
    CHECK(r.code == app::kExitUsage);
    CHECK(r.err == c.message);
    CHECK(r.out.empty());
  }
}

TEST_CASE("cli: bad input exits 1 naming the file and the problem", "[app]") {
  test::TempDir dir("app-cli");
  auto r = runTwin({"info", (dir.path() / "missing.json").string()});
  CHECK(r.code == app::kExitBadInput);
  CHECK(r.err == "twin: " + (dir.path() / "missing.json").string() + ": no such file\n");

  r = runTwin({"info", dir.path().string()});
  CHECK(r.code == app::kExitBadInput);
  CHECK(r.err == "twin: " + dir.path().string() + ": is a directory, expected a scene or data file\n");

  const auto garbage = dir.path() / "garbage.osm";
  writeFile(garbage, std::string(3000, '\x07') + "not osm at all");
  r = runTwin({"info", garbage.string()});
  CHECK(r.code == app::kExitBadInput);
  CHECK(r.err.find("garbage.osm") != std::string::npos);
  CHECK(r.out.empty());

  const auto badKey = dir.path() / "bad.json";
  writeFile(badKey, R"({"name": "x", "site": {"origin": {"lon": "east", "lat": 40}}, "layers": []})");
  r = runTwin({"info", badKey.string()});
  CHECK(r.code == app::kExitBadInput);
  CHECK(r.err == "model::loadSceneConfig(): bad.json: key 'site.origin.lon': expected a number, got \"east\"\n");

  const auto notJson = dir.path() / "broken.json";
  writeFile(notJson, "{\"name\": ");
  r = runTwin({"snapshot", notJson.string(), "-o", (dir.path() / "x.png").string()});
  CHECK(r.code == app::kExitBadInput);
  CHECK(r.err.rfind("model::loadSceneConfig(): broken.json: ", 0) == 0);
  CHECK_FALSE(std::filesystem::exists(dir.path() / "x.png"));
}

TEST_CASE("cli: info --json matches the loader's counts on both scenes", "[app][slow]") {
  for (const char* name : {"beijing-liudaokou.json", "monaco.json"}) {
    INFO(name);
    const std::string path = scenePath(name);
    auto r = runTwin({"info", path, "--json"});
    REQUIRE(r.code == app::kExitOk);
    const auto j = nlohmann::json::parse(r.out);

    auto config = model::loadSceneConfig(path);
    REQUIRE(config.ok());
    auto site = model::loadSite(*config);
    REQUIRE(site.ok());

    CHECK(j["buildings"]["total"] == site->buildings.size());
    CHECK(j["roads"]["total"] == site->roads.size());
    CHECK(j["pois"]["total"] == site->pois.size());
    CHECK(site->buildings.size() > 200);

    std::map<std::string, std::size_t> byUse, byTag, bySource, byHighway, byCategory;
    std::map<std::string, std::map<std::string, std::size_t>> byKind;
    for (const auto& b : site->buildings) {
      ++byUse[model::buildingUseName(b.use)];
      ++byTag[b.buildingTag.empty() ? "(none)" : b.buildingTag];
      ++bySource[model::heightSourceName(b.heightSource)];
    }
    for (const auto& road : site->roads) ++byHighway[road.highway.empty() ? "(none)" : road.highway];
    for (const auto& p : site->pois) {
      ++byCategory[p.category];
      ++byKind[p.category][p.kind];
    }
    CHECK(j["buildings"]["byUse"].get<std::map<std::string, std::size_t>>() == byUse);
    CHECK(j["buildings"]["byTag"].get<std::map<std::string, std::size_t>>() == byTag);
    CHECK(j["buildings"]["heightSource"].get<std::map<std::string, std::size_t>>() == bySource);
    CHECK(j["roads"]["byHighway"].get<std::map<std::string, std::size_t>>() == byHighway);
    CHECK(j["pois"]["byCategory"].get<std::map<std::string, std::size_t>>() == byCategory);
    CHECK(j["pois"]["byKind"].get<std::map<std::string, std::map<std::string, std::size_t>>>() == byKind);
    CHECK(j["diagnostics"]["total"] == site->diagnostics.total());
    CHECK(j["diagnostics"]["first"].size() == std::min<std::size_t>(10, site->diagnostics.total()));

    const auto& local = j["extent"]["local"];
    CHECK(local["minX"].get<double>() == Approx(site->extent.minX));
    CHECK(local["maxY"].get<double>() == Approx(site->extent.maxY));
    const auto& wgs = j["extent"]["wgs84"];
    const auto corner = site->frame.toLonLat({site->extent.minX, site->extent.minY});
    CHECK(wgs["minLon"].get<double>() == Approx(corner.lon).margin(1e-4));
    CHECK(wgs["minLat"].get<double>() == Approx(corner.lat).margin(1e-4));
    CHECK(wgs["minLon"].get<double>() < wgs["maxLon"].get<double>());
    CHECK(j["timings"]["loadMs"].get<double>() > 0);
  }
}

TEST_CASE("cli: info on the Beijing scene matches SOURCE.md", "[app]") {
  // Counts from shared/data/osm-beijing-haidian-cau/SOURCE.md.
  auto r = runTwin({"info", scenePath("beijing-liudaokou.json"), "--json"});
  REQUIRE(r.code == app::kExitOk);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["buildings"]["total"] == 257);
  CHECK(j["buildings"]["byTag"]["yes"] == 167);
  CHECK(j["buildings"]["heightSource"]["levels"] == 6);
  CHECK(j["roads"]["byHighway"]["service"] == 102);
  CHECK(j["roads"]["byHighway"]["footway"] == 64);
  CHECK(j["pois"]["byKind"]["highway"]["bus_stop"] == 24);
  CHECK(j["pois"]["byKind"]["railway"]["subway_entrance"] == 9);
  CHECK(j["pois"]["byKind"]["shop"]["supermarket"] == 2);

  r = runTwin({"info", scenePath("beijing-liudaokou.json")});
  REQUIRE(r.code == app::kExitOk);
  CHECK(r.out.find("buildings: 257\n") != std::string::npos);
  CHECK(r.out.find("extent (WGS84): lon 116.") != std::string::npos);
}

TEST_CASE("cli: info on a bare OSM file", "[app]") {
  const auto osm = test::assetsDir() / "osm" / "cau_haidian_beijing.osm";
  auto r = runTwin({"info", osm.string(), "--json"});
  REQUIRE(r.code == app::kExitOk);
  const auto j = nlohmann::json::parse(r.out);
  CHECK(j["buildings"]["total"] == 257);
  CHECK(j["roads"]["total"].get<int>() >= 300);
}

TEST_CASE("cli: a streamed buildings layer is named by info and drawn by snapshot", "[app][stream]") {
  test::TempDir dir("cli-stream");
  // Two 30 m buildings 60 m apart near the origin, in lon/lat.
  writeFile(dir.path() / "b.geojson",
            R"({"type":"FeatureCollection","features":[)"
            R"({"type":"Feature","properties":{"h":20},"geometry":{"type":"Polygon","coordinates":[[[120.2,30.25],)"
            R"([120.2003,30.25],[120.2003,30.2503],[120.2,30.2503],[120.2,30.25]]]}},)"
            R"({"type":"Feature","properties":{"h":35},"geometry":{"type":"Polygon","coordinates":[[[120.2009,30.25],)"
            R"([120.2012,30.25],[120.2012,30.2503],[120.2009,30.2503],[120.2009,30.25]]]}}]})");
  writeFile(dir.path() / "s.json",
            R"({"site":{"origin":{"lon":120.2005,"lat":30.2501}},"layers":[{"id":"city","source":"b.geojson",)"
            R"("role":"buildings","fields":{"height":"h"},"stream":{"tile_m":200,"radius_m":400}}]})");
  const std::string scene = (dir.path() / "s.json").string();
  auto r = runTwin({"info", scene});
  REQUIRE(r.code == app::kExitOk);
  CHECK(r.out.find("buildings: 0\n") != std::string::npos);
  CHECK(r.out.find("streamed buildings layer 'city': read by the view's extent when drawn (tiles of 200 m within "
                   "400 m, at most 64), not counted here\n") != std::string::npos);
  r = runTwin({"info", scene, "--json"});
  REQUIRE(r.code == app::kExitOk);
  const auto j = nlohmann::json::parse(r.out);
  REQUIRE(j["streamedLayers"].size() == 1);
  CHECK(j["streamedLayers"][0]["id"] == "city");
  CHECK(j["streamedLayers"][0]["maxTiles"] == 64);
  // The snapshot waits for the view's tiles: both buildings are in the image's figures.
  const auto png = dir.path() / "s.png", stats = dir.path() / "s.json.stats";
  r = runTwin({"snapshot", scene, "-o", png.string(), "--size", "640x360", "--no-panels", "--stats", stats.string()});
  INFO(r.err);
  REQUIRE(r.code == app::kExitOk);
  std::ifstream in(stats);
  const auto figures = nlohmann::json::parse(in);
  CHECK(figures["buildings_drawn"] == 2);
}
