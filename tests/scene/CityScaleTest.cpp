// A city on one screen: POI clustering (counts conserved, no overlap, full detail close up), the
// cull statistics of a generated city, picking through merged and paged building tiles, and the
// paged near levels staying bounded while the camera crosses the city.
#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <set>
#include <thread>

#include <osg/PagedLOD>
#include <osgDB/DatabasePager>
#include <osgViewer/Viewer>

#include "GeneratedCity.h"
#include "SceneFixtures.h"
#include "twin/app/HeadlessRenderer.h"
#include "twin/scene/FrameStatistics.h"
#include "twin/scene/SiteScene.h"

using namespace twin;

namespace {

constexpr int kWidth = 1920, kHeight = 1080;

osg::ref_ptr<osg::Camera> cameraAt(const osg::Vec3d& eye, const osg::Vec3d& center, const osg::Vec3d& up) {
  osg::ref_ptr<osg::Camera> camera = new osg::Camera;
  camera->setViewport(0, 0, kWidth, kHeight);
  camera->setProjectionMatrixAsPerspective(30, double(kWidth) / kHeight, 1, 100000);
  camera->setViewMatrixAsLookAt(eye, center, up);
  return camera;
}

osg::ref_ptr<osg::Camera> overviewCamera(const model::Site& site) {
  const scene::CameraPose pose = scene::poseFramingExtent(site.extent);
  return cameraAt(pose.eye, pose.center, pose.up);
}

osg::ref_ptr<scene::SiteScene> buildScene(const model::Site& site, scene::SceneOptions options = {}) {
  options.theme = test::vividTheme();
  core::Diagnostics diag;
  auto built = scene::SiteScene::build(site, options, diag);
  REQUIRE(built.ok());
  CHECK(diag.total() == 0);
  return built.value();
}

// POIs whose marker head (16 m above the ground) a camera sees: in front, inside the viewport.
std::size_t poisInView(const model::Site& site, const osg::Camera& camera) {
  const osg::Matrixd vp = camera.getViewMatrix() * camera.getProjectionMatrix();
  std::size_t count = 0;
  for (const model::Poi& poi : site.pois) {
    const osg::Vec4d clip = osg::Vec4d(poi.position.x, poi.position.y, 16, 1) * vp;
    if (clip.w() <= 0) continue;
    const double x = clip.x() / clip.w(), y = clip.y() / clip.w();
    if (x >= -1 && x <= 1 && y >= -1 && y <= 1) ++count;
  }
  return count;
}

void checkMarkers(const std::vector<scene::PoiMarker>& markers, const model::Site& site, const osg::Camera& camera,
                  std::size_t maxMarkers) {
  std::size_t total = 0;
  for (const scene::PoiMarker& m : markers) {
    REQUIRE(m.poi < site.pois.size());
    CHECK(m.count >= 1);
    CHECK(m.x >= 0);
    CHECK(m.x <= kWidth);
    CHECK(m.y >= 0);
    CHECK(m.y <= kHeight);
    total += m.count;
  }
  CHECK(total == poisInView(site, camera));  // every POI in view stands in exactly one marker
  CHECK(markers.size() <= maxMarkers);
  std::size_t overlaps = 0;
  for (std::size_t i = 0; i < markers.size(); ++i)
    for (std::size_t j = i + 1; j < markers.size(); ++j) {
      const double d = std::hypot(markers[i].x - markers[j].x, markers[i].y - markers[j].y);
      if (d < (markers[i].sizePixels + markers[j].sizePixels) / 2) ++overlaps;
    }
  CHECK(overlaps == 0);
}

std::unique_ptr<app::HeadlessRenderer> makeRenderer(int width, int height) {
  unsetenv("DISPLAY");
  auto renderer = app::HeadlessRenderer::create(width, height);
  INFO((renderer.ok() ? std::string() : renderer.error().message));
  REQUIRE(renderer.ok());
  return std::move(renderer.value());
}

bool pagerBusy(osgViewer::Viewer& viewer) {
  const osgDB::DatabasePager* pager = viewer.getDatabasePager();
  return pager &&
         (pager->getRequestsInProgress() || pager->getFileRequestListSize() > 0 || pager->getDataToMergeListSize() > 0);
}

// Renders until the pager has nothing in flight for a few frames (at most about 20 s).
void renderSettled(app::HeadlessRenderer& renderer) {
  int quiet = 0;
  for (int frame = 0; frame < 400 && quiet < 3; ++frame) {
    renderer.renderFrame();
    quiet = pagerBusy(renderer.viewer()) ? 0 : quiet + 1;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

struct PagedCount : osg::NodeVisitor {
  PagedCount() : osg::NodeVisitor(TRAVERSE_ALL_CHILDREN) {}
  std::size_t blocks = 0, loaded = 0;
  std::vector<osg::PagedLOD*> lods;
  void apply(osg::PagedLOD& lod) override {
    ++blocks;
    if (lod.getNumChildren() > 2) ++loaded;  // the coarse and far levels, and the paged near one
    lods.push_back(&lod);
    // Not traversed further: only the blocks are of interest.
  }
};

}  // namespace

TEST_CASE("SiteScene::poiMarkers: clusters conserve the POIs in view and never overlap", "[scene]") {
  test::GeneratedCityOptions city;
  city.buildings = 4000;
  city.poisPerBuilding = 0.5;
  const model::Site site = test::generatedCitySite(city);
  REQUIRE(site.pois.size() == 2000);

  SECTION("overview: clusters, at most 400 markers, one drawable") {
    auto s = buildScene(site);
    osg::ref_ptr<osg::Camera> camera = overviewCamera(site);
    const std::vector<scene::PoiMarker> markers = s->poiMarkers(*camera);
    REQUIRE(poisInView(site, *camera) > 1000);
    checkMarkers(markers, site, *camera, 400);
    std::size_t clusters = 0;
    for (const scene::PoiMarker& m : markers) clusters += m.count > 1;
    CHECK(clusters > 0);
    CHECK(markers.size() < site.pois.size());
    // The cluster counts are labelled; the POI layer draws the markers as one drawable.
    CHECK(s->poiClusterLabels(*camera).size() == clusters);
    const scene::FrameStatistics drawn =
        scene::cullStatistics(*s->root(), camera->getViewMatrix(), camera->getProjectionMatrix(),
                              *camera->getViewport(), 1u << static_cast<unsigned>(scene::Layer::Pois));
    CHECK(drawn.drawables == 1);
    CHECK(drawn.poiMarkersDrawn == markers.size());
  }
  SECTION("a smaller cap: the spacing grows, counts are still conserved") {
    scene::SceneOptions options;
    options.maxPoiMarkers = 30;
    auto s = buildScene(site, options);
    osg::ref_ptr<osg::Camera> camera = overviewCamera(site);
    checkMarkers(s->poiMarkers(*camera), site, *camera, 30);
  }
  SECTION("close up every POI in view has a marker of its own") {
    auto s = buildScene(site);
    // 150 m above a street crossing: POIs are metres apart on the ground, tens of pixels on screen.
    osg::ref_ptr<osg::Camera> camera = cameraAt({600, 600, 150}, {600, 600, 0}, {0, 1, 0});
    const std::vector<scene::PoiMarker> markers = s->poiMarkers(*camera);
    REQUIRE(poisInView(site, *camera) > 0);
    checkMarkers(markers, site, *camera, 400);
    for (const scene::PoiMarker& m : markers) CHECK(m.count == 1);
    CHECK(s->poiClusterLabels(*camera).empty());
  }
  SECTION("the POI layer hidden: no markers") {
    auto s = buildScene(site);
    s->setLayerVisible(scene::Layer::Pois, false);
    CHECK(s->poiMarkers(*overviewCamera(site)).empty());
  }
}

TEST_CASE("cullStatistics: a 20,000-building city overview stays within the draw-call budget", "[scene][slow]") {
  test::GeneratedCityOptions city;
  city.buildings = 20000;
  const model::Site site = test::generatedCitySite(city);
  auto s = buildScene(site);
  CHECK(s->stats().buildingBlocks < 40);  // 4.4 km square: 5 x 5 blocks of 1 km
  CHECK(s->stats().buildingTiles > 300);
  osg::ref_ptr<osg::Camera> camera = overviewCamera(site);
  const scene::FrameStatistics overview =
      scene::cullStatistics(*s->root(), camera->getViewMatrix(), camera->getProjectionMatrix(), *camera->getViewport());
  CHECK(overview.drawCalls <= 1000);
  CHECK(overview.drawCalls >= overview.drawables);
  CHECK(overview.poiMarkersDrawn > 0);
  CHECK(overview.poiMarkersDrawn <= 400);
  CHECK(overview.buildingsDrawn > 10000);  // the city fills the view
  CHECK(overview.buildingsDrawn <= site.buildings.size());
  CHECK(overview.triangles > 0);

  // Close up: fewer buildings, in full detail (walls), so more triangles per building.
  osg::ref_ptr<osg::Camera> close = cameraAt({1000, 700, 250}, {1000, 1000, 0}, {0, 0, 1});
  const scene::FrameStatistics near =
      scene::cullStatistics(*s->root(), close->getViewMatrix(), close->getProjectionMatrix(), *close->getViewport());
  CHECK(near.buildingsDrawn > 0);
  CHECK(near.buildingsDrawn < overview.buildingsDrawn);
  CHECK(double(near.triangles) / double(near.buildingsDrawn) >
        double(overview.triangles) / double(overview.buildingsDrawn));
}

TEST_CASE("SiteScene::pickBuilding: a building merged into a tile, or paged in, is still identified",
          "[scene][render]") {
  test::GeneratedCityOptions city;
  city.buildings = 400;
  const model::Site site = test::generatedCitySite(city);
  const std::size_t target = 137;
  const core::Box2 box = core::bounds(site.buildings[target].footprint.outer);
  const osg::Vec3d roof(box.centre().x, box.centre().y, site.buildings[target].heightMeters);
  auto renderer = makeRenderer(400, 300);
  osgViewer::Viewer& viewer = renderer->viewer();

  auto pickCentre = [&](scene::SiteScene& s, double distance) {
    viewer.getCamera()->setViewMatrixAsLookAt(roof + osg::Vec3d(0, -0.3 * distance, distance), roof,
                                              osg::Vec3d(0, 0, 1));
    renderSettled(*renderer);
    osg::Camera* camera = viewer.getCamera();
    const osg::Vec3d at =
        roof * camera->getViewMatrix() * camera->getProjectionMatrix() * camera->getViewport()->computeWindowMatrix();
    return s.pickBuilding(viewer, static_cast<float>(at.x()), static_cast<float>(at.y()));
  };

  SECTION("merged tiles, full detail") {
    auto s = buildScene(site);
    viewer.setSceneData(s->root());
    auto hit = pickCentre(*s, 300);
    REQUIRE(hit.has_value());
    CHECK(*hit == target);
  }
  SECTION("paged: the near level loaded by the pager") {
    scene::SceneOptions options;
    options.pageBuildingsAbove = 0;
    auto s = buildScene(site, options);
    REQUIRE(s->stats().buildingsPaged);
    viewer.setSceneData(s->root());
    auto hit = pickCentre(*s, 300);
    PagedCount count;
    s->root()->accept(count);
    CHECK(count.loaded > 0);
    REQUIRE(hit.has_value());
    CHECK(*hit == target);
  }
  SECTION("paged, seen from beyond the detail distance: the merged roofs are picked") {
    scene::SceneOptions options;
    options.pageBuildingsAbove = 0;
    options.buildingDetailMeters = 100;
    options.tileSizeMeters = 8;  // blocks of 32 m: the detail distance is 100 m past the block
    auto s = buildScene(site, options);
    viewer.setSceneData(s->root());
    auto hit = pickCentre(*s, 1500);
    PagedCount count;
    s->root()->accept(count);
    CHECK(count.loaded == 0);
    REQUIRE(hit.has_value());
    CHECK(*hit == target);
  }
}

TEST_CASE("paged buildings: the near levels loaded stay bounded as the camera crosses the city",
          "[scene][render][slow]") {
  test::GeneratedCityOptions city;
  city.buildings = 3000;
  city.poisPerBuilding = 0;
  const model::Site site = test::generatedCitySite(city);
  scene::SceneOptions options;
  options.pageBuildingsAbove = 0;
  options.tileSizeMeters = 25;        // blocks of 100 m
  options.buildingDetailMeters = 50;  // near within max(50, 12 tiles) = 300 m of a block's edge
  auto s = buildScene(site, options);
  REQUIRE(s->stats().buildingBlocks > 200);
  auto renderer = makeRenderer(480, 270);
  osgViewer::Viewer& viewer = renderer->viewer();
  viewer.setSceneData(s->root());
  constexpr unsigned kTarget = 4;  // the pager drops unused near levels beyond this many
  viewer.getDatabasePager()->setTargetMaximumNumberOfPageLOD(kTarget);
  const double side = test::generatedCitySideMeters(city.buildings);
  const double nearRange = 300 + 100 * std::sqrt(2.0) / 2;

  std::set<osg::PagedLOD*> everLoaded;
  osg::Vec3d eye;
  for (int step = 0; step < 6; ++step) {  // south-west to north-east, looking ahead
    const double along = side * step / 6.0;
    eye = osg::Vec3d(along, along, 120);
    viewer.getCamera()->setViewMatrixAsLookAt(eye, eye + osg::Vec3d(50, 50, -120), osg::Vec3d(0, 0, 1));
    renderSettled(*renderer);
    PagedCount count;
    s->root()->accept(count);
    for (osg::PagedLOD* lod : count.lods)
      if (lod->getNumChildren() > 2) everLoaded.insert(lod);
  }
  // A few more frames at the last pose, spaced out: children unused for 0.1 s may be expired.
  for (int i = 0; i < 5; ++i) {
    renderer->renderFrame();
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
  }
  PagedCount count;
  s->root()->accept(count);
  std::size_t inRange = 0;
  for (osg::PagedLOD* lod : count.lods)
    if ((lod->getCenter() - eye).length() < nearRange) ++inRange;
  INFO("loaded " << count.loaded << ", in range " << inRange << ", ever loaded " << everLoaded.size());
  CHECK(count.loaded > 0);
  CHECK(count.loaded <= std::max<std::size_t>(kTarget, inRange));
  CHECK(everLoaded.size() > count.loaded);  // near levels were dropped on the way
  CHECK(count.loaded < count.blocks / 4);
}
