// A buildings layer read by the view's extent ("stream" in the scene): not loaded with the site,
// drawn tile by tile around where the camera looks, refined as it moves, within its tile budget;
// a source that goes away is reported in the diagnostics, not a crash. The layer is a GeoJSON
// grid of buildings (OGR filters it by extent as it does a PostGIS table; the PostGIS round trip
// is in tests/model/PgCityTest.cpp and tests/app).
#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <thread>

#include <osgViewer/Viewer>

#include "GeneratedCity.h"
#include "PgCity.h"
#include "TestPaths.h"
#include "twin/app/HeadlessRenderer.h"
#include "twin/model/SiteLoader.h"
#include "twin/scene/FrameStatistics.h"
#include "twin/scene/SiteScene.h"

using namespace twin;

namespace {

constexpr double kLon = 120.2, kLat = 30.25;  // the grid's south-west corner and the site origin
constexpr int kSide = 40;                     // 40 x 40 buildings, 100 m apart
constexpr double kSpacing = 100, kSize = 30;
constexpr double kTile = 500, kRadius = 700;
constexpr int kMaxTiles = 20;

// The grid as GeoJSON, in lon/lat: building (i, j) is a kSize square at about (i, j) x kSpacing
// metres from the origin (local-tm: metres east and north).
void writeGrid(const std::filesystem::path& file, const geo::SiteFrame& frame) {
  std::ofstream out(file);
  out << R"({"type":"FeatureCollection","features":[)";
  for (int j = 0; j < kSide; ++j)
    for (int i = 0; i < kSide; ++i) {
      const double x = i * kSpacing + 10, y = j * kSpacing + 10;
      out << (i || j ? "," : "") << R"({"type":"Feature","properties":{"height":)" << 10 + (i + j) % 5 * 6
          << R"(,"use":")" << ((i + j) % 2 ? "commercial" : "residential") << R"("},"geometry":{"type":"Polygon",)"
          << R"("coordinates":[[)";
      const core::Vec2 corners[] = {{x, y}, {x + kSize, y}, {x + kSize, y + kSize}, {x, y + kSize}, {x, y}};
      for (int k = 0; k < 5; ++k) {
        const core::LonLat ll = frame.toLonLat(corners[k]);
        char point[80];
        std::snprintf(point, sizeof point, "%s[%.9f,%.9f]", k ? "," : "", ll.lon, ll.lat);
        out << point;
      }
      out << "]]}}";
    }
  out << "]}";
}

// Buildings (by footprint centroid) that lie in a tile meeting the disc of kRadius round `view`.
std::size_t inTilesAround(const std::vector<core::Vec2>& centres, core::Vec2 view) {
  std::size_t n = 0;
  for (const core::Vec2& c : centres) {
    const double tx = std::floor(c.x / kTile) * kTile, ty = std::floor(c.y / kTile) * kTile;
    const double dx = std::max({tx - view.x, 0.0, view.x - (tx + kTile)});
    const double dy = std::max({ty - view.y, 0.0, view.y - (ty + kTile)});
    n += std::hypot(dx, dy) <= kRadius;
  }
  return n;
}

// The grid's buildings in the tiles round `view`.
std::size_t expectedAround(core::Vec2 view) {
  std::vector<core::Vec2> centres;
  for (int j = 0; j < kSide; ++j)
    for (int i = 0; i < kSide; ++i) centres.push_back({i * kSpacing + 10 + kSize / 2, j * kSpacing + 10 + kSize / 2});
  return inTilesAround(centres, view);
}

std::string sceneJson(const std::string& source) {
  return R"({"site":{"origin":{"lon":)" + std::to_string(kLon) + R"(,"lat":)" + std::to_string(kLat) +
         R"(}},"layers":[{"id":"grid","source":")" + source +
         R"(","role":"buildings","fields":{"height":"height","use":"use"},"stream":{"tile_m":)" +
         std::to_string(kTile) + R"(,"radius_m":)" + std::to_string(kRadius) + R"(,"max_tiles":)" +
         std::to_string(kMaxTiles) + "}}]}";
}

// Looks straight down (slightly tilted) at `target` from 900 m and renders until the streamed
// layer shows what the view wants (at most about 30 s).
bool renderAt(app::HeadlessRenderer& renderer, const scene::SiteScene& scene, core::Vec2 target) {
  const osg::Vec3d center(target.x, target.y, 0);
  renderer.viewer().getCamera()->setViewMatrixAsLookAt(center + osg::Vec3d(0, -200, 900), center, osg::Vec3d(0, 0, 1));
  for (int frame = 0; frame < 600; ++frame) {
    renderer.renderFrame();
    if (scene.streamingIdle()) return true;
    scene.waitStreamingRead(std::chrono::milliseconds(50));
  }
  return false;
}

// The site's scene and a headless renderer of width x height showing it through a 30-degree lens.
struct Drawn {
  osg::ref_ptr<scene::SiteScene> scene;
  std::unique_ptr<app::HeadlessRenderer> renderer;
};

Drawn draw(model::Site& site, int width, int height) {
  auto built = scene::SiteScene::build(site, scene::SceneOptions{}, site.diagnostics);
  REQUIRE(built.ok());
  auto renderer = app::HeadlessRenderer::create(width, height);
  INFO((renderer.ok() ? std::string() : renderer.error().message));
  REQUIRE(renderer.ok());
  Drawn d{built.value(), std::move(renderer).value()};
  d.renderer->viewer().setSceneData(d.scene->root());
  d.renderer->viewer().getCamera()->setProjectionMatrixAsPerspective(30, double(width) / height, 1, 100000);
  return d;
}

}  // namespace

TEST_CASE("a streamed buildings layer is drawn around the view, refined as it moves, within its budget",
          "[scene][stream]") {
  test::TempDir dir("streamed");
  auto frame = geo::SiteFrame::create({kLon, kLat});
  REQUIRE(frame.ok());
  writeGrid(dir.path() / "grid.geojson", *frame);
  auto config = model::parseSceneConfig(sceneJson("grid.geojson"), dir.path() / "scene.json");
  INFO((config.ok() ? std::string() : config.error().message));
  REQUIRE(config.ok());
  REQUIRE(config->layers[0].stream.has_value());
  auto site = model::loadSite(*config);
  INFO((site.ok() ? std::string() : site.error().message));
  REQUIRE(site.ok());
  // Nothing is read with the site; its extent is the layer's, so the camera frames the grid.
  CHECK(site->buildings.empty());
  REQUIRE(site->streamedLayers.size() == 1);
  CHECK(site->extent.minX == Approx(10).margin(5));
  CHECK(site->extent.maxX == Approx((kSide - 1) * kSpacing + 10 + kSize).margin(5));
  CHECK(site->extent.maxY == Approx((kSide - 1) * kSpacing + 10 + kSize).margin(5));

  Drawn shown = draw(*site, 800, 600);
  osg::ref_ptr<scene::SiteScene> s = shown.scene;
  app::HeadlessRenderer* renderer = shown.renderer.get();
  osgViewer::Viewer& viewer = renderer->viewer();

  const core::Vec2 first{800, 800};
  REQUIRE(renderAt(*renderer, *s, first));
  renderer->renderFrame();
  auto figures = s->streamedLayers();
  REQUIRE(figures.size() == 1);
  INFO("errors: " << figures[0].errors.size());
  CHECK(figures[0].errors.empty());
  CHECK(figures[0].layerId == "grid");
  CHECK(figures[0].tilesShown > 0);
  CHECK(figures[0].tilesShown <= std::size_t(kMaxTiles));
  CHECK(figures[0].buildingsShown == expectedAround(first));
  CHECK(figures[0].measuredHeightsShown == figures[0].buildingsShown);  // every row has its height
  CHECK(figures[0].buildingsShown < std::size_t(kSide * kSide) / 2);    // not the whole layer
  CHECK(figures[0].tilesQueued == 0);
  // They are drawn: the frame's cull counts them, and the image shows the use colours.
  const osg::Camera& camera = *viewer.getCamera();
  const scene::FrameStatistics drawn =
      scene::cullStatistics(*s->root(), camera.getViewMatrix(), camera.getProjectionMatrix(), *camera.getViewport());
  CHECK(drawn.buildingsDrawn > 0);
  CHECK(drawn.buildingsDrawn <= figures[0].buildingsShown);
  // Streamed buildings are not the site's: picking passes over them rather than naming one.
  CHECK_FALSE(s->pickBuilding(viewer, 400, 300).has_value());

  SECTION("moving the camera reads the next area and drops the far tiles") {
    const core::Vec2 next{3300, 3300};
    REQUIRE(renderAt(*renderer, *s, next));
    renderer->renderFrame();
    figures = s->streamedLayers();
    CHECK(figures[0].errors.empty());
    CHECK(figures[0].tilesDropped > 0);
    CHECK(figures[0].tilesShown <= std::size_t(kMaxTiles));
    // All of the new area's, and only what is left of the first within the budget (both do not fit).
    CHECK(figures[0].buildingsShown >= expectedAround(next));
    CHECK(figures[0].buildingsShown < expectedAround(next) + expectedAround(first));
    CHECK(figures[0].tilesQueued == 0);
    CHECK(s->layerVisible(scene::Layer::Buildings));
    // Hidden with the buildings layer: nothing of it is drawn.
    s->setLayerVisible(scene::Layer::Buildings, false);
    const scene::FrameStatistics hidden =
        scene::cullStatistics(*s->root(), camera.getViewMatrix(), camera.getProjectionMatrix(), *camera.getViewport());
    CHECK(hidden.buildingsDrawn == 0);
  }
  SECTION("a source that goes away is reported for each tile it cannot give, and the scene goes on") {
    std::filesystem::remove(dir.path() / "grid.geojson");
    const std::size_t before = site->diagnostics.total();
    REQUIRE(renderAt(*renderer, *s, {3300, 300}));
    renderer->renderFrame();
    figures = s->streamedLayers();
    CHECK(!figures[0].errors.empty());
    CHECK(site->diagnostics.total() > before);
    bool named = false;
    for (const core::Diagnostic& d : site->diagnostics.items())
      named = named || (d.file == "grid" && d.action == "tile not drawn" && d.message.find("tile ") == 0);
    CHECK(named);
  }
}

TEST_CASE("a layer's \"stream\" key: defaults, limits and what it cannot stream", "[scene][stream]") {
  test::TempDir dir("stream-config");
  std::ofstream(dir.path() / "b.geojson") << R"({"type":"FeatureCollection","features":[]})";
  auto parse = [&](const std::string& layerExtra, const std::string& source = "b.geojson") {
    return model::parseSceneConfig(R"({"site":{"origin":{"lon":120,"lat":30}},"layers":[{"id":"b","source":")" +
                                       source + R"(")" + layerExtra + "}]}",
                                   dir.path() / "s.json");
  };
  auto defaults = parse(R"(,"role":"buildings","stream":true)");
  REQUIRE(defaults.ok());
  REQUIRE(defaults->layers[0].stream.has_value());
  CHECK(defaults->layers[0].stream->tileMeters == 500);
  CHECK(defaults->layers[0].stream->radiusMeters == 1500);
  CHECK(defaults->layers[0].stream->maxTiles == 64);
  auto off = parse(R"(,"role":"buildings","stream":false)");
  REQUIRE(off.ok());
  CHECK_FALSE(off->layers[0].stream.has_value());
  auto custom = parse(R"(,"role":"buildings","stream":{"tile_m":250,"radius_m":800,"max_tiles":30})");
  REQUIRE(custom.ok());
  CHECK(custom->layers[0].stream->tileMeters == 250);
  CHECK(custom->layers[0].stream->radiusMeters == 800);
  CHECK(custom->layers[0].stream->maxTiles == 30);

  auto noRole = parse(R"(,"stream":true)");
  REQUIRE_FALSE(noRole.ok());
  CHECK(noRole.error().message ==
        "model::loadSceneConfig(): s.json: key 'layers[0].stream': streams buildings only: give the layer \"role\": "
        "\"buildings\" (its role is \"auto\")");
  std::ofstream(dir.path() / "c.osm") << "<osm/>";
  auto osm = parse(R"(,"role":"buildings","stream":true)", "c.osm");
  REQUIRE_FALSE(osm.ok());
  CHECK(osm.error().message ==
        "model::loadSceneConfig(): s.json: key 'layers[0].stream': an OSM file is read whole (it has no spatial "
        "index); stream a GeoPackage or a PostGIS table (PG:)");
  auto small = parse(R"(,"role":"buildings","stream":{"tile_m":10})");
  REQUIRE_FALSE(small.ok());
  CHECK(
      small.error().message ==
      "model::loadSceneConfig(): s.json: key 'layers[0].stream.tile_m': expected a number >= 50 and <= 10000, got 10");
  auto fraction = parse(R"(,"role":"buildings","stream":{"max_tiles":2.5})");
  REQUIRE_FALSE(fraction.ok());
  CHECK(fraction.error().message ==
        "model::loadSceneConfig(): s.json: key 'layers[0].stream.max_tiles': expected a whole number, got 2.5");
  auto typo = parse(R"(,"role":"buildings","stream":{"tiles":2})");
  REQUIRE_FALSE(typo.ok());
  CHECK(typo.error().message.find("key 'layers[0].stream.tiles': unknown key") != std::string::npos);
  auto wrongType = parse(R"(,"role":"buildings","stream":"yes")");
  REQUIRE_FALSE(wrongType.ok());
  CHECK(wrongType.error().message ==
        "model::loadSceneConfig(): s.json: key 'layers[0].stream': expected true, false or an object, got \"yes\"");
}

TEST_CASE("a city in PostGIS streamed into the scene shows the file's buildings round the view",
          "[scene][stream][postgres][slow]") {
  test::TempDir dir("streamed-pg");
  test::PgCityResult made = test::makePgCity(dir.path(), 20000);
  if (!made.skip.empty()) {
    std::cout << "SKIPPED: " << made.skip << "\n";
    std::exit(test::kSkipExitCode);
  }
  INFO(made.error);
  REQUIRE(made.error.empty());
  const std::string stream = R"(,"stream":{"tile_m":)" + std::to_string(kTile) + R"(,"radius_m":)" +
                             std::to_string(kRadius) + R"(,"max_tiles":64})";
  auto whole = model::parseSceneConfig(test::pgCitySceneJson("city.gpkg", "buildings"), dir.path() / "file.json");
  auto streamed =
      model::parseSceneConfig(test::pgCitySceneJson(made.city->pgSource, "buildings", stream), dir.path() / "pg.json");
  REQUIRE(whole.ok());
  INFO((streamed.ok() ? std::string() : streamed.error().message));
  REQUIRE(streamed.ok());
  auto reference = model::loadSite(*whole);
  REQUIRE(reference.ok());
  REQUIRE(reference->buildings.size() == 20000);
  auto site = model::loadSite(*streamed);
  INFO((site.ok() ? std::string() : site.error().message));
  REQUIRE(site.ok());
  CHECK(site->buildings.empty());
  // PostGIS told the table's extent: the same as the buildings' own, within a metre or two.
  CHECK(site->extent.minX == Approx(reference->extent.minX).margin(5));
  CHECK(site->extent.maxY == Approx(reference->extent.maxY).margin(5));

  Drawn shown = draw(*site, 800, 600);
  osg::ref_ptr<scene::SiteScene> s = shown.scene;
  app::HeadlessRenderer* renderer = shown.renderer.get();
  std::vector<core::Vec2> centres;
  for (const model::Building& b : reference->buildings) centres.push_back(core::centroid(b.footprint.outer));
  const core::Vec2 view = reference->extent.centre();
  REQUIRE(renderAt(*renderer, *s, view));
  renderer->renderFrame();
  const auto figures = s->streamedLayers();
  REQUIRE(figures.size() == 1);
  INFO((figures[0].errors.empty() ? std::string() : figures[0].errors[0]));
  CHECK(figures[0].errors.empty());
  CHECK(figures[0].buildingsShown == inTilesAround(centres, view));
  CHECK(figures[0].buildingsShown > 0);
  CHECK(figures[0].featuresRead < 20000 / 4);  // PostGIS sent the view's rows, not the table
}

TEST_CASE("a streamed row's problem is in the diagnostics once, however often its tile is read", "[scene][stream]") {
  test::TempDir dir("streamed-problem");
  auto frame = geo::SiteFrame::create({kLon, kLat});
  REQUIRE(frame.ok());
  // One building whose height is not a length near the origin, and a good one 2 km away.
  std::ofstream out(dir.path() / "one.geojson");
  out << R"({"type":"FeatureCollection","features":[)";
  for (const double at : {100.0, 2000.0}) {
    out << (at > 100 ? "," : "") << R"({"type":"Feature","properties":{"height":)" << (at > 100 ? "\"20\"" : "\"tall\"")
        << R"(},"geometry":{"type":"Polygon","coordinates":[[)";
    const core::Vec2 corners[] = {{at, at}, {at + 30, at}, {at + 30, at + 30}, {at, at + 30}, {at, at}};
    for (int k = 0; k < 5; ++k) {
      const core::LonLat ll = frame->toLonLat(corners[k]);
      char point[80];
      std::snprintf(point, sizeof point, "%s[%.9f,%.9f]", k ? "," : "", ll.lon, ll.lat);
      out << point;
    }
    out << "]]}}";
  }
  out << "]}";
  out.close();
  auto config = model::parseSceneConfig(
      R"({"site":{"origin":{"lon":)" + std::to_string(kLon) + R"(,"lat":)" + std::to_string(kLat) +
          R"(}},"layers":[{"id":"one","source":"one.geojson","role":"buildings","fields":{"height":"height"},)"
          R"("stream":{"tile_m":200,"radius_m":100,"max_tiles":1}}]})",
      dir.path() / "scene.json");
  REQUIRE(config.ok());
  auto site = model::loadSite(*config);
  REQUIRE(site.ok());
  Drawn shown = draw(*site, 320, 240);
  osg::ref_ptr<scene::SiteScene> s = shown.scene;
  app::HeadlessRenderer* renderer = shown.renderer.get();
  auto heightProblems = [&] {
    std::size_t n = 0;
    for (const core::Diagnostic& d : site->diagnostics.items())
      n += d.message == "height 'tall' is not a length" && d.file == "one";
    return n;
  };
  // There, away (the budget of one tile drops it), and back: the tile is read twice.
  REQUIRE(renderAt(*renderer, *s, {115, 115}));
  renderer->renderFrame();
  CHECK(s->streamedLayers()[0].buildingsShown == 1);  // drawn, with the height of its kind
  CHECK(s->streamedLayers()[0].measuredHeightsShown == 0);
  CHECK(heightProblems() == 1);
  REQUIRE(renderAt(*renderer, *s, {2015, 2015}));
  CHECK(s->streamedLayers()[0].tilesDropped >= 1);
  REQUIRE(renderAt(*renderer, *s, {115, 115}));
  renderer->renderFrame();
  CHECK(s->streamedLayers()[0].tilesRead >= 3);
  CHECK(s->streamedLayers()[0].buildingsShown == 1);
  CHECK(heightProblems() == 1);
}
