// Scene files: the shipped scenes, defaults, and one test per error message.
#include <catch2/catch.hpp>

#include <fstream>

#include "TestPaths.h"
#include "twin/model/SceneConfig.h"
#include "twin/model/Site.h"

using namespace twin;

namespace {

const std::filesystem::path kFile = "/scenes/x.json";

std::string errorOf(const std::string& json) {
  auto r = model::parseSceneConfig(json, kFile);
  REQUIRE_FALSE(r.ok());
  return r.error().message;
}

// A minimal valid scene with `extra` spliced in at the top level.
std::string scene(const std::string& extra = "") {
  return R"({"site":{"origin":{"lon":116.35,"lat":40.0}},"layers":[{"source":"a.osm"}])" +
         (extra.empty() ? "" : "," + extra) + "}";
}

const std::string kPrefix = "model::loadSceneConfig(): x.json: ";

}  // namespace

TEST_CASE("scene files: the shipped scenes parse with their values", "[model]") {
  auto beijing = model::loadSceneConfig(test::scenesDir() / "beijing-liudaokou.json");
  REQUIRE(beijing.ok());
  CHECK(beijing->name == "六道口 · 中国农业大学东校区");
  CHECK(beijing->origin.lon == Approx(116.3519));
  CHECK(beijing->language == "zh-CN");
  CHECK(beijing->theme == "dark");
  REQUIRE(beijing->layers.size() == 1);
  CHECK(std::filesystem::path(beijing->layers[0].source) ==
        (test::assetsDir() / "osm" / "cau_haidian_beijing.osm").lexically_normal());
  CHECK(std::filesystem::exists(beijing->layers[0].source));
  REQUIRE(beijing->bookmarks.size() == 3);
  CHECK(beijing->bookmarks[1].label == "六道口站（地铁15号线）");
  CHECK(beijing->bookmarks[2].label == "中国农业大学东校区");
  CHECK(beijing->heights.defaults.at("residential") == 21);
  CHECK(beijing->heights.defaults.at("shed") == 3);  // from the built-in table
  CHECK(beijing->themes.count("dark") == 1);
  CHECK(beijing->themes.count("light") == 1);

  auto monaco = model::loadSceneConfig(test::scenesDir() / "monaco.json");
  REQUIRE(monaco.ok());
  CHECK(monaco->language == "en");
  REQUIRE(monaco->clipLonLat.has_value());
  CHECK(monaco->clipLonLat->minX == 7.405);
  CHECK(monaco->clipLonLat->maxY == 43.755);
  CHECK(monaco->heights.storeyMeters == 3.2);
  CHECK(monaco->startBookmark == "overview");
}

TEST_CASE("scene files: defaults are filled in", "[model]") {
  auto c = model::parseSceneConfig(
      scene(R"("mqtt":{"host":"127.0.0.1"},"sunlight":{"standard":"gb50180-V-VI"},"_note":"comment")"), kFile);
  REQUIRE(c.ok());
  CHECK(c->name == "x");
  CHECK(c->frameCrs == "local-tm");
  CHECK_FALSE(c->clipLonLat.has_value());
  CHECK(c->layers[0].id == "a");
  CHECK(c->layers[0].role == "auto");
  CHECK(c->layers[0].visible);
  CHECK(std::filesystem::path(c->layers[0].source) == std::filesystem::path("/scenes/a.osm"));
  CHECK(c->heights.storeyMeters == 3.0);
  CHECK(c->heights.maxPlausibleMeters == 650);
  CHECK(c->heights.defaults.at("*") == 9);
  CHECK(c->theme == "dark");
  CHECK(c->language == "zh-CN");
  CHECK(c->uiScale == 0);                                                        // follow the display
  CHECK(c->themes.at("dark").background.b > c->themes.at("dark").background.r);  // navy
  CHECK(c->themes.at("light").background.r > 0.9f);
  CHECK(c->visibleLayers.size() == 5);
  CHECK(c->sections.at("mqtt") == R"({"host":"127.0.0.1"})");
  CHECK(c->sections.at("sunlight") == R"({"standard":"gb50180-V-VI"})");  // parsed by analysis::sceneSunlightStandard()

  auto pg = model::parseSceneConfig(
      R"({"site":{"origin":{"lon":1,"lat":2}},"layers":[{"id":"db","source":"PG:dbname=city","crs":"EPSG:4547","role":"buildings","fields":{"height":"h"}}],
          "themes":{"night":{"base":"dark","poi":"#ff000080","buildingUse":{"office":"#00ff00"}}},"theme":"night"})",
      kFile);
  REQUIRE(pg.ok());
  CHECK(pg->layers[0].source == "PG:dbname=city");
  CHECK(pg->layers[0].crs.value() == "EPSG:4547");
  CHECK(pg->layers[0].fields.at("height") == "h");
  CHECK(pg->themes.at("night").poi.r == 1.0f);
  CHECK(pg->themes.at("night").poi.a == Approx(128 / 255.0));
  CHECK(pg->themes.at("night").buildingUse.at("office").g == 1.0f);
  CHECK(pg->themes.at("night").buildingUse.count("residential") == 1);
}

TEST_CASE("scene files: origin defaults to the clip centre, else the data's extent", "[model]") {
  auto clip = model::parseSceneConfig(
      R"({"site":{"clip":{"minLon":7.4,"minLat":43.7,"maxLon":7.5,"maxLat":43.8}},"layers":[{"source":"a.osm"}]})",
      kFile);
  REQUIRE(clip.ok());
  CHECK(clip->origin.lon == Approx(7.45));
  CHECK(clip->origin.lat == Approx(43.75));

  const auto file = test::scenesDir() / "probe.json";  // only used for the relative path
  auto extent = model::parseSceneConfig(R"({"layers":[{"source":"../assets/osm/cau_haidian_beijing.osm"}]})", file);
  REQUIRE(extent.ok());
  CHECK(extent->origin.lon == Approx((116.34403 + 116.35974) / 2).margin(1e-6));
  CHECK(extent->origin.lat == Approx((39.99767 + 40.00888) / 2).margin(1e-6));

  CHECK(errorOf(R"({"layers":[{"source":"nowhere.osm"}]})") ==
        kPrefix +
            "key 'site.origin': missing, and the extent of layer 'nowhere' is unknown: "
            "geo::vectorExtentLonLat(): nowhere.osm: file not found");
}

TEST_CASE("defaultSceneForDataFile frames the data", "[model]") {
  auto c = model::defaultSceneForDataFile((test::assetsDir() / "osm" / "monaco-latest-2026-07-10.osm.pbf").string());
  REQUIRE(c.ok());
  REQUIRE(c->layers.size() == 1);
  CHECK(c->layers[0].id == "monaco-latest-2026-07-10.osm");
  CHECK(c->layers[0].attribution == "© OpenStreetMap contributors (ODbL)");
  // The PBF header box (SOURCE.md): 7.408583,43.483817 - 7.595671,43.75293.
  CHECK(c->origin.lon == Approx((7.408583 + 7.595671) / 2).margin(1e-5));
  CHECK(c->origin.lat == Approx((43.483817 + 43.75293) / 2).margin(1e-5));
  REQUIRE(c->bookmarks.size() == 1);
  CHECK(c->bookmarks[0].distanceMeters > 20000);
  CHECK(c->themes.size() == 2);

  auto missing = model::defaultSceneForDataFile("nowhere.gpkg");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().message ==
        "model::defaultSceneForDataFile(): geo::vectorExtentLonLat(): nowhere.gpkg: file not found");
}

TEST_CASE("scene file errors: the file itself", "[model]") {
  test::TempDir dir("scene");
  auto missing = model::loadSceneConfig(dir.path() / "gone.json");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().message == "model::loadSceneConfig(): gone.json: file not found");
  auto folder = model::loadSceneConfig(dir.path());
  REQUIRE_FALSE(folder.ok());
  CHECK(folder.error().message.rfind("model::loadSceneConfig(): ", 0) == 0);
  CHECK(folder.error().message.find(": is a directory") != std::string::npos);
  CHECK(errorOf("{\"layers\": [") ==
        kPrefix +
            "not valid JSON: parse error at line 1, column 13: syntax error while parsing value - unexpected "
            "end of input; expected '[', '{', or a literal");
  CHECK(errorOf("[1, 2]") == kPrefix + "expected a JSON object at the top level, got an array");
  CHECK(errorOf("") ==
        kPrefix +
            "not valid JSON: parse error at line 1, column 1: syntax error while parsing value - unexpected "
            "end of input; expected '[', '{', or a literal");
}

TEST_CASE("scene file errors: unknown keys", "[model]") {
  CHECK(errorOf(scene(R"("layer":[])")) ==
        kPrefix +
            "key 'layer': unknown key (expected one of: name, site, layers, heights, bookmarks, startBookmark, "
            "themes, theme, ui, visibleLayers, mqtt, sensors, alert_rules, alerts, facilities, walking, tours, "
            "terrain, models, analysis, scenarios, sunlight, replay, allow_network, carousel)");
  CHECK(errorOf(R"({"site":{"origin":{"lon":1,"lat":2},"orign":{}},"layers":[{"source":"a"}]})") ==
        kPrefix + "key 'site.orign': unknown key (expected one of: origin, crs, clip)");
  CHECK(errorOf(R"({"site":{"origin":{"lon":1,"lat":2}},"layers":[{"source":"a","fields":{"hieght":"h"}}]})") ==
        kPrefix +
            "key 'layers[0].fields.hieght': unknown key (expected one of: height, levels, name, use, min_height)");
  CHECK(errorOf(scene(R"("visibleLayers":{"trees":true})")) ==
        kPrefix + "key 'visibleLayers.trees': unknown key (expected one of: buildings, roads, pois, labels, ground)");
}

TEST_CASE("scene file errors: site", "[model]") {
  CHECK(errorOf(R"({"site":{"origin":{"lon":"abc","lat":40}},"layers":[{"source":"a"}]})") ==
        kPrefix + "key 'site.origin.lon': expected a number, got \"abc\"");
  CHECK(errorOf(R"({"site":{"origin":{"lon":116,"lat":95}},"layers":[{"source":"a"}]})") ==
        kPrefix + "key 'site.origin.lat': expected a number >= -90 and <= 90, got 95");
  CHECK(errorOf(R"({"site":{"origin":{"lon":116}},"layers":[{"source":"a"}]})") ==
        kPrefix + "key 'site.origin.lat': missing (required)");
  CHECK(errorOf(R"({"site":{"origin":[116,40]},"layers":[{"source":"a"}]})") ==
        kPrefix + "key 'site.origin': expected an object, got an array");
  CHECK(errorOf(R"({"site":{"origin":{"lon":1,"lat":2},"crs":""},"layers":[{"source":"a"}]})") ==
        kPrefix + "key 'site.crs': expected a non-empty string");
  CHECK(errorOf(
            R"({"site":{"clip":{"minLon":7.5,"minLat":43.7,"maxLon":7.4,"maxLat":43.8}},"layers":[{"source":"a"}]})") ==
        kPrefix + "key 'site.clip.maxLon': must be greater than minLon");
  CHECK(errorOf(R"({"site":{"clip":{"minLon":7.4,"minLat":43.7,"maxLon":7.5}},"layers":[{"source":"a"}]})") ==
        kPrefix + "key 'site.clip.maxLat': missing (required)");
}

TEST_CASE("scene file errors: layers", "[model]") {
  CHECK(errorOf(R"({"site":{"origin":{"lon":1,"lat":2}}})") == kPrefix + "key 'layers': missing (required)");
  CHECK(errorOf(R"({"site":{"origin":{"lon":1,"lat":2}},"layers":[]})") ==
        kPrefix + "key 'layers': expected at least one layer");
  CHECK(errorOf(R"({"site":{"origin":{"lon":1,"lat":2}},"layers":[{"id":"a"}]})") ==
        kPrefix + "key 'layers[0].source': missing (required)");
  CHECK(errorOf(R"({"site":{"origin":{"lon":1,"lat":2}},"layers":[{"source":"a.osm"},{"source":"b/a.gpkg"}]})") ==
        kPrefix + "key 'layers[1].id': duplicate layer id 'a'");
  CHECK(errorOf(R"({"site":{"origin":{"lon":1,"lat":2}},"layers":[{"source":"a","role":"trees"}]})") ==
        kPrefix + "key 'layers[0].role': expected \"auto\", \"buildings\", \"roads\" or \"pois\", got \"trees\"");
  CHECK(errorOf(R"({"site":{"origin":{"lon":1,"lat":2}},"layers":[{"source":"a","layers":["points",3]}]})") ==
        kPrefix + "key 'layers[0].layers[1]': expected a string, got 3");
  CHECK(errorOf(R"({"site":{"origin":{"lon":1,"lat":2}},"layers":[{"source":"a","visible":"yes"}]})") ==
        kPrefix + "key 'layers[0].visible': expected true or false, got \"yes\"");
}

TEST_CASE("scene file errors: heights", "[model]") {
  CHECK(errorOf(scene(R"("heights":{"storeyMeters":0})")) ==
        kPrefix + "key 'heights.storeyMeters': expected a number > 0 and <= 20, got 0");
  CHECK(errorOf(scene(R"("heights":{"defaults":{"residential":-3}})")) ==
        kPrefix + "key 'heights.defaults.residential': expected a number > 0 and <= 650, got -3");
  CHECK(errorOf(scene(R"("heights":{"defaults":{"residential":"tall"}})")) ==
        kPrefix + "key 'heights.defaults.residential': expected a number, got \"tall\"");
}

TEST_CASE("scene file errors: bookmarks", "[model]") {
  CHECK(errorOf(scene(
            R"("bookmarks":[{"name":"a","target":{"lon":1,"lat":2}},{"name":"a","target":{"lon":1,"lat":2}}])")) ==
        kPrefix + "key 'bookmarks[1].name': duplicate bookmark name 'a'");
  CHECK(errorOf(scene(R"("bookmarks":[{"name":"a"}])")) == kPrefix + "key 'bookmarks[0].target': missing (required)");
  CHECK(errorOf(scene(R"("bookmarks":[{"name":"a","target":{"lon":1,"lat":2},"pitch":120}])")) ==
        kPrefix + "key 'bookmarks[0].pitch': expected a number >= 0 and <= 90, got 120");
  CHECK(errorOf(scene(R"("bookmarks":[{"name":"a","target":{"lon":1,"lat":2}}],"startBookmark":"b")")) ==
        kPrefix + "key 'startBookmark': no bookmark named 'b'");
}

TEST_CASE("scene file errors: themes and ui", "[model]") {
  CHECK(errorOf(scene(R"("theme":"night")")) == kPrefix + "key 'theme': no theme named 'night'");
  CHECK(errorOf(scene(R"("themes":{"dark":{"background":"navy"}})")) ==
        kPrefix + "key 'themes.dark.background': expected a colour \"#rrggbb\" or \"#rrggbbaa\", got \"navy\"");
  CHECK(errorOf(scene(R"("themes":{"dark":{"buildingUse":{"castle":"#ffffff"}}})")) ==
        kPrefix +
            "key 'themes.dark.buildingUse.castle': unknown key (expected one of: residential, commercial, office, "
            "education, healthcare, public, industrial, transport, religious, other)");
  CHECK(errorOf(scene(R"("themes":{"x":{"base":"sepia"}})")) ==
        kPrefix + "key 'themes.x.base': expected \"dark\" or \"light\", got \"sepia\"");
  CHECK(errorOf(scene(R"("ui":{"language":"fr"})")) ==
        kPrefix + "key 'ui.language': expected \"zh-CN\" or \"en\", got \"fr\"");
  CHECK(errorOf(scene(R"("ui":{"scale":9})")) == kPrefix + "key 'ui.scale': expected a number >= 0.5 and <= 4, got 9");
  CHECK(errorOf(scene(R"("ui":{"scale":"big"})")) == kPrefix + "key 'ui.scale': expected a number, got \"big\"");
  {
    auto c = model::parseSceneConfig(scene(R"("ui":{"scale":1.5})"), kFile);
    REQUIRE(c.ok());
    CHECK(c->uiScale == 1.5);
  }
  CHECK(errorOf(scene(R"("visibleLayers":{"roads":1})")) ==
        kPrefix + "key 'visibleLayers.roads': expected true or false, got 1");
}

TEST_CASE("scene file: bookmark English labels and the carousel", "[model]") {
  const std::string two =
      R"("bookmarks":[{"name":"a","label":"总览","label_en":"Overview","target":{"lon":1,"lat":2}},)"
      R"({"name":"b","target":{"lon":1,"lat":2}}])";
  {
    auto c = model::parseSceneConfig(scene(two), kFile);
    REQUIRE(c.ok());
    CHECK(c->bookmarks[0].labelEn == "Overview");
    CHECK(c->bookmarks[1].labelEn.empty());
    CHECK_FALSE(c->carousel.enabled);  // no key: off
  }
  {
    auto c = model::parseSceneConfig(scene(two + R"(,"carousel":{})"), kFile);
    REQUIRE(c.ok());
    CHECK(c->carousel.enabled);
    CHECK(c->carousel.intervalSeconds == 20);
    CHECK(c->carousel.idleSeconds == 60);
    CHECK(c->carousel.stops.empty());  // every bookmark
  }
  {
    auto c = model::parseSceneConfig(
        scene(two + R"(,"carousel":{"enabled":false,"interval_s":30,"idle_s":120,"stops":["b","a"]})"), kFile);
    REQUIRE(c.ok());
    CHECK_FALSE(c->carousel.enabled);
    CHECK(c->carousel.intervalSeconds == 30);
    CHECK(c->carousel.idleSeconds == 120);
    CHECK(c->carousel.stops == std::vector<std::string>{"b", "a"});
  }
  {
    // A stop can be a view: a tour's stop, with its overlays, scenario and time of day.
    const std::string tours = R"(,"tours":[{"name":"walk","stops":[{"bookmark":"a"},{"bookmark":"b"}]}])";
    auto c = model::parseSceneConfig(scene(two + tours + R"(,"carousel":{"stops":["a",{"tour":"walk","stop":2},"b"]})"),
                                     kFile);
    REQUIRE(c.ok());
    CHECK(c->carousel.stops == std::vector<std::string>{"a", "tour:walk:2", "b"});
    CHECK(errorOf(scene(two + tours + R"(,"carousel":{"stops":[{"tour":"run","stop":1}]})")) ==
          kPrefix + "key 'carousel.stops[0].tour': no tour named 'run' (tours: walk)");
    CHECK(errorOf(scene(two + R"(,"carousel":{"stops":[{"tour":"run","stop":1}]})")) ==
          kPrefix + "key 'carousel.stops[0].tour': no tour named 'run' (tours: none)");
    CHECK(errorOf(scene(two + tours + R"(,"carousel":{"stops":[{"tour":"walk","stop":3}]})")) ==
          kPrefix + "key 'carousel.stops[0].stop': tour 'walk' has 2 stops");
    CHECK(errorOf(scene(two + tours + R"(,"carousel":{"stops":[{"tour":"walk","stop":1.5}]})")) ==
          kPrefix + "key 'carousel.stops[0].stop': must be a whole number");
    CHECK(errorOf(scene(two + tours + R"(,"carousel":{"stops":[{"tour":"walk","stop":0}]})")) ==
          kPrefix + "key 'carousel.stops[0].stop': expected a number >= 1 and <= 1000, got 0");
    CHECK(errorOf(scene(two + tours + R"(,"carousel":{"stops":[{"tour":"walk"}]})")) ==
          kPrefix + "key 'carousel.stops[0].stop': missing (required)");
    CHECK(errorOf(scene(two + tours + R"(,"carousel":{"stops":[{"stop":1}]})")) ==
          kPrefix + "key 'carousel.stops[0].tour': missing (required)");
    CHECK(errorOf(scene(two + tours + R"(,"carousel":{"stops":[{"tour":"walk","stop":1,"hold":3}]})")) ==
          kPrefix + "key 'carousel.stops[0].hold': unknown key (expected one of: tour, stop)");
  }
  CHECK(errorOf(scene(two + R"(,"carousel":{"stops":["a","c"]})")) ==
        kPrefix + "key 'carousel.stops[1]': no bookmark named 'c' (bookmarks: a, b)");
  CHECK(errorOf(scene(R"("carousel":{"stops":["a"]})")) ==
        kPrefix + "key 'carousel.stops[0]': no bookmark named 'a' (bookmarks: none)");
  CHECK(errorOf(scene(two + R"(,"carousel":{"interval_s":0})")) ==
        kPrefix + "key 'carousel.interval_s': expected a number >= 2 and <= 3600, got 0");
  CHECK(errorOf(scene(two + R"(,"carousel":{"idle_s":"long"})")) ==
        kPrefix + "key 'carousel.idle_s': expected a number, got \"long\"");
  CHECK(errorOf(scene(two + R"(,"carousel":{"enabled":"yes"})")) ==
        kPrefix + "key 'carousel.enabled': expected true or false, got \"yes\"");
  CHECK(errorOf(scene(two + R"(,"carousel":{"stops":"a"})")) ==
        kPrefix + "key 'carousel.stops': expected an array, got a string");
  CHECK(errorOf(scene(two + R"(,"carousel":{"stops":[""]})")) ==
        kPrefix + "key 'carousel.stops[0]': expected a non-empty string");
  CHECK(errorOf(scene(two + R"(,"carousel":{"every":5})")) ==
        kPrefix + "key 'carousel.every': unknown key (expected one of: enabled, interval_s, idle_s, stops)");
  CHECK(errorOf(scene(two + R"(,"carousel":[])")) == kPrefix + "key 'carousel': expected an object, got an array");
  CHECK(errorOf(scene(R"("bookmarks":[{"name":"a","label_en":7,"target":{"lon":1,"lat":2}}])")) ==
        kPrefix + "key 'bookmarks[0].label_en': expected a string, got 7");
}

TEST_CASE("defaultTheme: dark command centre and light print", "[model]") {
  const model::Theme dark = model::defaultTheme("dark");
  const model::Theme light = model::defaultTheme("light");
  CHECK(dark.name == "dark");
  CHECK(light.name == "light");
  CHECK(dark.buildingUse.size() == static_cast<std::size_t>(model::kBuildingUseCount));
  CHECK(light.buildingUse.size() == static_cast<std::size_t>(model::kBuildingUseCount));
  // Dark navy background, cyan POIs, amber commerce.
  CHECK(dark.background.r < 0.1f);
  CHECK(dark.background.b > dark.background.r);
  CHECK(dark.poi.g > 0.8f);
  CHECK(dark.poi.b > 0.9f);
  CHECK(dark.buildingUse.at("commercial").r == 1.0f);
  CHECK(light.background.r > 0.9f);
  CHECK(light.labels.r < 0.2f);
}
