#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include <osg/Geode>
#include <osg/Geometry>
#include <osgViewer/View>

#include "SceneFixtures.h"
#include "twin/scene/PlanningLayer.h"

using namespace twin;

namespace {

const osg::Geode* findGeode(const osg::Group* group, const std::string& name) {
  for (unsigned i = 0; i < group->getNumChildren(); ++i) {
    const osg::Node* child = group->getChild(i);
    if (child->getName() == name) return child->asGeode();
    if (const osg::Group* g = child->asGroup())
      if (const osg::Geode* found = findGeode(g, name)) return found;
  }
  return nullptr;
}

core::Polygon square(double x, double y, double size) { return {test::squareRing(x, y, size), {}}; }

// A camera 500 m above (0, 0) looking straight down, north up, 800 x 600 pixels.
osg::ref_ptr<osgViewer::View> topView() {
  osg::ref_ptr<osgViewer::View> view = new osgViewer::View;
  osg::Camera* camera = view->getCamera();
  camera->setViewport(0, 0, 800, 600);
  camera->setProjectionMatrixAsPerspective(45.0, 800.0 / 600.0, 1.0, 5000.0);
  camera->setViewMatrixAsLookAt(osg::Vec3d(0, 0, 500), osg::Vec3d(0, 0, 0), osg::Vec3d(0, 1, 0));
  view->setSceneData(new osg::Group);
  return view;
}

}  // namespace

TEST_CASE("planning layer: bands are filled, nested and coloured by size", "[scene]") {
  osg::ref_ptr<scene::PlanningLayer> layer = new scene::PlanningLayer();
  CHECK_FALSE(layer->hasIsochrone());
  // Given in descending order on purpose: colours follow the size, not the order.
  core::Polygon ring = square(-50, -50, 200);
  core::Ring hole = test::squareRing(120, 120, 10);
  std::reverse(hole.begin(), hole.end());
  ring.holes.push_back(hole);
  layer->setIsochrone({{10, {ring}}, {5, {square(0, 0, 100)}}}, core::Vec2{50, 50});
  REQUIRE(layer->hasIsochrone());
  CHECK(layer->skippedPolygons() == 0);
  CHECK(layer->bandTriangles(0) >= 8);  // a square with a hole
  CHECK(layer->bandTriangles(1) == 2);
  CHECK(layer->bandCovers(0, {50, 50}));
  CHECK(layer->bandCovers(1, {50, 50}));
  CHECK(layer->bandCovers(0, {140, 140}));
  CHECK_FALSE(layer->bandCovers(1, {140, 140}));
  CHECK_FALSE(layer->bandCovers(0, {125, 125}));  // in the hole
  CHECK_FALSE(layer->bandCovers(0, {300, 0}));
  CHECK_FALSE(layer->bandCovers(7, {50, 50}));

  const osg::Geode* five = findGeode(layer->root(), "twin.planning.band.5");
  const osg::Geode* ten = findGeode(layer->root(), "twin.planning.band.10");
  REQUIRE(five);
  REQUIRE(ten);
  REQUIRE(five->getNumDrawables() == 2);  // fill and outline
  const auto* fill = static_cast<const osg::Vec4Array*>(five->getDrawable(0)->asGeometry()->getColorArray());
  CHECK(fill->front() == scene::bandColour(0));
  const auto* fillTen = static_cast<const osg::Vec4Array*>(ten->getDrawable(0)->asGeometry()->getColorArray());
  CHECK(fillTen->front() == scene::bandColour(1));
  CHECK(scene::bandColour(0).a() < 1);
  // The smaller band is drawn later (on top of the larger one).
  CHECK(five->getStateSet()->getBinNumber() > ten->getStateSet()->getBinNumber());
  CHECK(findGeode(layer->root(), "twin.planning.origin"));

  layer->clearIsochrone();
  CHECK_FALSE(layer->hasIsochrone());
  CHECK_FALSE(findGeode(layer->root(), "twin.planning.band.5"));
}

TEST_CASE("planning layer: bad polygons are skipped and counted", "[scene]") {
  osg::ref_ptr<scene::PlanningLayer> layer = new scene::PlanningLayer();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  core::Polygon bad{{{0, 0}, {nan, 0}, {10, 10}}, {}};
  core::Polygon tiny{{{0, 0}, {1, 1}}, {}};
  layer->setIsochrone({{5, {bad, tiny, square(0, 0, 10)}}}, core::Vec2{nan, 0});
  CHECK(layer->skippedPolygons() == 2);
  CHECK(layer->bandTriangles(0) == 2);
  CHECK_FALSE(findGeode(layer->root(), "twin.planning.origin"));
}

TEST_CASE("planning layer: bands are draped on the terrain", "[scene]") {
  geo::Heightfield terrain;
  terrain.originMeters = {-100, -100};
  terrain.spacingMeters = 10;
  terrain.columns = 41;
  terrain.rows = 41;
  for (int r = 0; r < terrain.rows; ++r)
    for (int c = 0; c < terrain.columns; ++c)
      terrain.heights.push_back(float(0.1 * (terrain.originMeters.x + c * terrain.spacingMeters)));  // 10 % east
  osg::ref_ptr<scene::PlanningLayer> layer = new scene::PlanningLayer(&terrain);
  CHECK(layer->drapeHeight({100, 0}) == Approx(10.3));
  layer->setIsochrone({{5, {square(0, 0, 200)}}}, core::Vec2{20, 20});
  // Split to the terrain spacing: far more than the 2 triangles of the square.
  CHECK(layer->bandTriangles(0) >= 400);
  const osg::Geode* five = findGeode(layer->root(), "twin.planning.band.5");
  REQUIRE(five);
  for (unsigned d = 0; d < five->getNumDrawables(); ++d) {
    const auto* v = static_cast<const osg::Vec3Array*>(five->getDrawable(d)->asGeometry()->getVertexArray());
    REQUIRE(v);
    REQUIRE_FALSE(v->empty());
    double worst = 0;
    for (const osg::Vec3& p : *v) worst = std::max(worst, std::abs(double(p.z()) - (0.1 * p.x() + 0.3)));
    CHECK(worst < 1e-3);
  }
}

TEST_CASE("planning layer: markers by kind and picking them on screen", "[scene]") {
  osg::ref_ptr<scene::PlanningLayer> layer = new scene::PlanningLayer();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  layer->setMarkers({{{0, 0}, 2, false, false}, {{nan, 0}, 1, false, false}, {{60, 0}, 3, true, false}});
  REQUIRE(layer->markers().size() == 2);
  CHECK(findGeode(layer->root(), "twin.planning.existing"));
  CHECK(findGeode(layer->root(), "twin.planning.planned"));
  CHECK_FALSE(findGeode(layer->root(), "twin.planning.drag"));
  const auto* colours = static_cast<const osg::Vec4Array*>(
      findGeode(layer->root(), "twin.planning.existing")->getDrawable(0)->asGeometry()->getColorArray());
  CHECK(colours->front() == scene::categoryColour(2));
  CHECK(scene::categoryColour(2) != scene::categoryColour(3));

  layer->setDragMarker(scene::PlanningMarker{{10, 10}, 2, false, false});
  CHECK(layer->dragMarkerShown());
  CHECK(findGeode(layer->root(), "twin.planning.drag"));
  layer->setDragMarker(std::nullopt);
  CHECK_FALSE(findGeode(layer->root(), "twin.planning.drag"));

  osg::ref_ptr<osgViewer::View> view = topView();
  // (0, 0) is at the window centre; the planned marker 60 m east is to its right.
  CHECK(layer->pickMarker(*view, 401, 302) == std::optional<std::size_t>(0));
  const auto right = layer->pickMarker(*view, 400 + 60 * 300 / (500 * std::tan(22.5 * M_PI / 180)), 300, 12);
  CHECK(right == std::optional<std::size_t>(1));
  CHECK_FALSE(layer->pickMarker(*view, 600, 100).has_value());
}

TEST_CASE("planning layer: ground point under the cursor", "[scene]") {
  osg::ref_ptr<osgViewer::View> view = topView();
  // Nothing in the scene: the ray meets z = 0.
  auto centre = scene::PlanningLayer::groundPoint(*view, 400, 300);
  REQUIRE(centre);
  CHECK(centre->x == Approx(0).margin(1e-6));
  CHECK(centre->y == Approx(0).margin(1e-6));
  auto north = scene::PlanningLayer::groundPoint(*view, 400, 450);
  REQUIRE(north);
  CHECK(north->y > 50);
  CHECK(north->x == Approx(0).margin(1e-6));

  // A drawn surface is hit first: the draped band at 0.3 m.
  osg::ref_ptr<scene::PlanningLayer> layer = new scene::PlanningLayer();
  layer->setIsochrone({{5, {square(-100, -100, 200)}}}, core::Vec2{0, 0});
  view->setSceneData(layer->root());
  auto hit = scene::PlanningLayer::groundPoint(*view, 400, 300);
  REQUIRE(hit);
  CHECK(hit->z == Approx(0.3).margin(1e-3));

  // A camera looking at the sky has no ground point.
  view->getCamera()->setViewMatrixAsLookAt(osg::Vec3d(0, 0, 10), osg::Vec3d(0, 0, 100), osg::Vec3d(0, 1, 0));
  view->setSceneData(new osg::Group);
  CHECK_FALSE(scene::PlanningLayer::groundPoint(*view, 400, 300).has_value());
}
