#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <limits>
#include <map>

#include <osg/Geometry>
#include <osg/LOD>
#include <osg/NodeVisitor>

#include "SceneFixtures.h"
#include "TestPaths.h"
#include "twin/app/HeadlessRenderer.h"
#include "twin/model/SiteLoader.h"
#include "twin/scene/FrameStatistics.h"
#include "twin/scene/SiteScene.h"

using namespace twin;

namespace {

struct BuildingGeometries : osg::NodeVisitor {
  BuildingGeometries() : osg::NodeVisitor(TRAVERSE_ALL_CHILDREN) {}
  std::vector<osg::Geometry*> found;
  void apply(osg::Geometry& geometry) override {
    if (geometry.getName() == "twin:buildings") found.push_back(&geometry);
  }
};

osg::Group* layerGroup(scene::SiteScene& s, const std::string& name) {
  for (unsigned i = 0; i < s.root()->getNumChildren(); ++i)
    if (s.root()->getChild(i)->getName() == name) return s.root()->getChild(i)->asGroup();
  return nullptr;
}

struct Extent {
  float lowest = std::numeric_limits<float>::max(), highest = std::numeric_limits<float>::lowest();
};

// Lowest and highest vertex of every building in the near (full-detail) level of each tile. A
// block's LOD holds the group of its tiles' near geometries and, directly, its far and coarse ones.
std::map<int, Extent> buildingHeights(scene::SiteScene& s) {
  std::map<int, Extent> out;
  BuildingGeometries visitor;
  s.root()->accept(visitor);
  for (osg::Geometry* geometry : visitor.found) {
    if (!geometry->getNumParents() || dynamic_cast<osg::LOD*>(geometry->getParent(0))) continue;
    auto* vertices = dynamic_cast<osg::Vec3Array*>(geometry->getVertexArray());
    auto* ids = dynamic_cast<osg::Vec4Array*>(geometry->getVertexAttribArray(6));
    for (std::size_t i = 0; i < vertices->size(); ++i) {
      Extent& e = out[static_cast<int>((*ids)[i].x())];
      e.lowest = std::min(e.lowest, (*vertices)[i].z());
      e.highest = std::max(e.highest, (*vertices)[i].z());
    }
  }
  return out;
}

// A plane rising 0.1 m per metre east and 0.05 per metre north, 10 m samples, over the hand-made site.
geo::Heightfield slope() {
  geo::Heightfield t;
  t.originMeters = {-100, -100};
  t.spacingMeters = 10;
  t.columns = 51;
  t.rows = 21;
  for (int r = 0; r < t.rows; ++r)
    for (int c = 0; c < t.columns; ++c)
      t.heights.push_back(static_cast<float>(5 + 0.1 * (c * 10 - 100) + 0.05 * (r * 10 - 100)));
  return t;
}

osg::ref_ptr<scene::SiteScene> buildScene(const model::Site& site, core::Diagnostics& diag) {
  scene::SceneOptions options;
  options.theme = test::vividTheme();
  auto built = scene::SiteScene::build(site, options, diag);
  REQUIRE(built.ok());
  return built.value();
}

}  // namespace

TEST_CASE("SiteScene::build: counts of a hand-made site", "[scene]") {
  model::Site site = test::handMadeSite();
  core::Diagnostics diag;
  auto s = buildScene(site, diag);
  const scene::CompileStats& stats = s->stats();
  CHECK(stats.buildingTiles == 2);       // (0,0) and (300,0) lie in different 250 m tiles
  CHECK(stats.buildingBlocks == 1);      // but in the same 1 km block
  CHECK(stats.buildingGeometries == 4);  // a near level per tile, a far and a coarse level for the block
  CHECK_FALSE(stats.buildingsPaged);
  // Building 0: 4 walls x 2 + roof 2 = 10. Building 1: 8 walls x 2 + holed roof 8 = 24.
  CHECK(stats.buildingTriangles == 34);
  CHECK(stats.roadGeometries == 2);  // casing + fill in one tile
  CHECK(stats.poiMarkers == 2);
  CHECK(stats.labels == 1);  // the named school; building 0 is too small to label
  CHECK(stats.compileMs >= 0);
  CHECK(layerGroup(*s, "buildings")->getNumChildren() == 1);  // one LOD per block
  CHECK(dynamic_cast<osg::LOD*>(layerGroup(*s, "buildings")->getChild(0)) != nullptr);
  CHECK(layerGroup(*s, "ground")->getNumChildren() == 1);
}

TEST_CASE("SiteScene::build: a building with building:parts is drawn by its parts", "[scene]") {
  model::Site site = test::handMadeSiteWithParts();
  core::Diagnostics diag;
  auto s = buildScene(site, diag);
  // Building 0's own 10 triangles give way to the podium's 10 and the raised tower's 12 (walls,
  // roof and the underside at 6 m); building 1 keeps its 24.
  CHECK(s->stats().buildingTriangles == 22 + 24);
  CHECK(diag.total() == 1);  // only the collinear footprint of building 2
}

TEST_CASE("SiteScene::build: a footprint that cannot be triangulated is reported and skipped", "[scene]") {
  model::Site site = test::handMadeSite();
  core::Diagnostics diag;
  auto s = buildScene(site, diag);
  REQUIRE(diag.total() == 1);
  CHECK(core::formatDiagnostic(diag.items()[0]) ==
        "scene::SiteScene::build(): hand.osm buildings way 3: footprint cannot be triangulated: outer ring has "
        "zero area; skipped");
  SECTION("a building without a positive height is reported too") {
    site.buildings[0].heightMeters = std::numeric_limits<double>::quiet_NaN();
    core::Diagnostics again;
    auto s2 = buildScene(site, again);
    CHECK(again.total() == 2);
    CHECK(again.countByMessage()["building height is not a positive number"] == 1);
    CHECK(s2->stats().buildingTriangles == 24);
  }
}

TEST_CASE("SiteScene::build: per-vertex building ids match the footprints", "[scene]") {
  model::Site site = test::handMadeSite();
  core::Diagnostics diag;
  auto s = buildScene(site, diag);
  BuildingGeometries visitor;
  s->root()->accept(visitor);
  REQUIRE(visitor.found.size() == 4);
  std::size_t checked = 0;
  for (osg::Geometry* geometry : visitor.found) {
    auto* vertices = dynamic_cast<osg::Vec3Array*>(geometry->getVertexArray());
    auto* ids = dynamic_cast<osg::Vec4Array*>(geometry->getVertexAttribArray(6));
    REQUIRE(vertices);
    REQUIRE(ids);
    REQUIRE(ids->size() == vertices->size());
    for (std::size_t i = 0; i < vertices->size(); ++i) {
      int index = static_cast<int>((*ids)[i].x());
      REQUIRE((index == 0 || index == 1));
      core::Box2 box = core::bounds(site.buildings[static_cast<std::size_t>(index)].footprint.outer);
      CHECK(box.contains({(*vertices)[i].x(), (*vertices)[i].y()}));
      CHECK((*ids)[i].y() == static_cast<float>(site.buildings[static_cast<std::size_t>(index)].use));
      CHECK((*vertices)[i].z() <= site.buildings[static_cast<std::size_t>(index)].heightMeters);
      ++checked;
    }
  }
  CHECK(checked > 0);
}

TEST_CASE("SiteScene: layer toggles, theme and highlight are state changes only", "[scene]") {
  model::Site site = test::handMadeSite();
  core::Diagnostics diag;
  auto s = buildScene(site, diag);
  SECTION("layers") {
    for (int i = 0; i < scene::kLayerCount; ++i) {
      auto layer = static_cast<scene::Layer>(i);
      osg::Group* group = layerGroup(*s, scene::layerName(layer));
      if (layer == scene::Layer::Labels) {  // no node: the app draws them from visibleLabels()
        CHECK(group == nullptr);
        CHECK(s->layerVisible(layer));
        s->setLayerVisible(layer, false);
        CHECK_FALSE(s->layerVisible(layer));
        s->setLayerVisible(layer, true);
        CHECK(s->layerVisible(layer));
        continue;
      }
      REQUIRE(group);
      CHECK(s->layerVisible(layer));
      CHECK(group->getNodeMask() != 0u);
      s->setLayerVisible(layer, false);
      CHECK_FALSE(s->layerVisible(layer));
      CHECK(group->getNodeMask() == 0u);
      s->setLayerVisible(layer, true);
      CHECK(group->getNodeMask() != 0u);
    }
  }
  SECTION("theme") {
    osg::Uniform* colors = layerGroup(*s, "buildings")->getStateSet()->getUniform("twin_useColor");
    REQUIRE(colors);
    osg::Vec4 before;
    colors->getElement(0, before);
    CHECK(before.r() == Approx(0.95f));
    model::Theme theme = test::vividTheme();
    theme.buildingUse["residential"] = {0.1f, 0.9f, 0.2f, 1};
    const osg::Node* groundChild = layerGroup(*s, "ground")->getChild(0);
    s->setTheme(theme);
    osg::Vec4 after;
    colors->getElement(0, after);
    CHECK(after.g() == Approx(0.9f));
    CHECK(layerGroup(*s, "ground")->getChild(0) == groundChild);  // nothing rebuilt
  }
  SECTION("highlight") {
    osg::Uniform* selected = layerGroup(*s, "buildings")->getStateSet()->getUniform("twin_selected");
    REQUIRE(selected);
    s->setSelectedBuilding(1);
    float value = 0;
    selected->get(value);
    CHECK(value == 1.f);
    CHECK(s->selectedBuilding() == 1);
    s->setHoveredBuilding(0);
    CHECK(s->hoveredBuilding() == 0);
    s->setSelectedBuilding(99);  // out of range: cleared, with a warning
    CHECK(s->selectedBuilding() == -1);
    selected->get(value);
    CHECK(value == -1.f);
  }
}

TEST_CASE("SiteScene::setBuildingColors: per-vertex colours on every LOD level, back to use on empty", "[scene]") {
  model::Site site = test::handMadeSite();
  core::Diagnostics diag;
  auto s = buildScene(site, diag);
  osg::Uniform* active = layerGroup(*s, "buildings")->getStateSet()->getUniform("twin_colorOverride");
  REQUIRE(active);
  float flag = -1;
  active->get(flag);
  CHECK(flag == 0.f);
  CHECK_FALSE(s->buildingColorsActive());
  BuildingGeometries visitor;
  s->root()->accept(visitor);
  REQUIRE(visitor.found.size() == 4);
  for (osg::Geometry* geometry : visitor.found) CHECK(geometry->getVertexAttribArray(7) == nullptr);

  // Building 1 keeps its use colour (alpha 0); building 2 was skipped but still has an entry.
  std::vector<model::Color> colors = {{0.2f, 0.8f, 0.3f, 1}, {0, 0, 0, 0}, {1, 0, 1, 1}};
  s->setBuildingColors(colors);
  CHECK(s->buildingColorsActive());
  active->get(flag);
  CHECK(flag == 1.f);
  std::size_t painted = 0, kept = 0;
  for (osg::Geometry* geometry : visitor.found) {
    auto* ids = dynamic_cast<osg::Vec4Array*>(geometry->getVertexAttribArray(6));
    auto* overrides = dynamic_cast<osg::Vec4Array*>(geometry->getVertexAttribArray(7));
    REQUIRE(ids);
    REQUIRE(overrides);
    REQUIRE(overrides->size() == ids->size());
    for (std::size_t i = 0; i < ids->size(); ++i) {
      const osg::Vec4& c = (*overrides)[i];
      if ((*ids)[i].x() == 0.f) {
        CHECK(c == osg::Vec4(0.2f, 0.8f, 0.3f, 1));
        ++painted;
      } else {
        CHECK(c.a() == 0.f);
        ++kept;
      }
    }
  }
  CHECK(painted > 0);
  CHECK(kept > 0);

  SECTION("a second call rewrites the same arrays") {
    std::vector<const osg::Array*> before;
    for (osg::Geometry* geometry : visitor.found) before.push_back(geometry->getVertexAttribArray(7));
    colors[0] = {0, 0, 1, 0.5f};
    s->setBuildingColors(colors);
    for (std::size_t g = 0; g < visitor.found.size(); ++g) {
      auto* ids = dynamic_cast<osg::Vec4Array*>(visitor.found[g]->getVertexAttribArray(6));
      auto* overrides = dynamic_cast<osg::Vec4Array*>(visitor.found[g]->getVertexAttribArray(7));
      REQUIRE(overrides == before[g]);
      for (std::size_t i = 0; i < ids->size(); ++i)
        if ((*ids)[i].x() == 0.f) CHECK((*overrides)[i] == osg::Vec4(0, 0, 1, 0.5f));
    }
  }
  SECTION("an empty vector goes back to colouring by use") {
    s->setBuildingColors({});
    CHECK_FALSE(s->buildingColorsActive());
    active->get(flag);
    CHECK(flag == 0.f);
    for (osg::Geometry* geometry : visitor.found) CHECK(geometry->getVertexAttribArray(7) == nullptr);
  }
}

TEST_CASE("SiteScene::setBuildingColors: a snapshot shows the caller's colours, then the use colours again",
          "[scene][render]") {
  model::Site site = test::handMadeSite();
  core::Diagnostics diag;
  auto s = buildScene(site, diag);
  unsetenv("DISPLAY");
  auto renderer = app::HeadlessRenderer::create(320, 240);
  INFO((renderer.ok() ? std::string() : renderer.error().message));
  REQUIRE(renderer.ok());
  osgViewer::Viewer& viewer = renderer.value()->viewer();
  viewer.getCamera()->setClearColor(osg::Vec4(0, 0, 0, 1));
  viewer.setSceneData(s->root());
  // Straight down onto building 0 (residential: red in the vivid theme) so it fills the centre.
  viewer.getCamera()->setViewMatrixAsLookAt(osg::Vec3d(10, 10, 120), osg::Vec3d(10, 10, 0), osg::Vec3d(0, 1, 0));
  auto centre = [&] {
    renderer.value()->renderFrame();
    osg::ref_ptr<osg::Image> image = renderer.value()->capture();
    const unsigned char* p = image->data(160, 120);
    return std::array<int, 3>{p[0], p[1], p[2]};
  };
  std::array<int, 3> byUse = centre();
  INFO("by use " << byUse[0] << "," << byUse[1] << "," << byUse[2]);
  CHECK(byUse[0] > 2 * byUse[1]);  // red
  s->setBuildingColors({{0.1f, 0.9f, 0.1f, 1}, {0, 0, 0, 0}, {0, 0, 0, 0}});
  std::array<int, 3> painted = centre();
  INFO("painted " << painted[0] << "," << painted[1] << "," << painted[2]);
  CHECK(painted[1] > 2 * painted[0]);  // green
  s->setBuildingColors({});
  std::array<int, 3> back = centre();
  CHECK(back == byUse);
}

TEST_CASE("SiteScene::build with terrain: mesh ground, buildings on their base, draped roads and POIs",
          "[scene][terrain]") {
  model::Site site = test::handMadeSite();
  site.terrain = slope();
  for (model::Building& b : site.buildings) b.baseElevationMeters = site.terrain->minHeightUnder(b.footprint);
  for (model::Poi& p : site.pois) p.elevationMeters = site.terrain->heightAt(p.position);
  core::Diagnostics diag;
  auto s = buildScene(site, diag);
  CHECK(s->stats().terrain.chunks == 2);  // 50 x 20 cells in 32-cell chunks
  CHECK(s->stats().terrain.triangles == 50 * 20 * 2);
  osg::Group* ground = layerGroup(*s, "ground");
  REQUIRE(ground->getNumChildren() == 1);
  CHECK(ground->getChild(0)->getName() == "terrain");
  CHECK(s->stats().buildingTriangles == 34);  // as without terrain

  std::map<int, Extent> heights = buildingHeights(*s);
  REQUIRE(heights.size() == 2);
  for (const auto& [index, extent] : heights) {
    const model::Building& b = site.buildings[static_cast<std::size_t>(index)];
    INFO("building " << index << " base " << b.baseElevationMeters);
    CHECK(b.baseElevationMeters > 0);
    // On a plane the drawn surface and the bilinear DEM agree: walls start exactly at the base.
    CHECK(extent.lowest == Approx(b.baseElevationMeters).margin(1e-3));
    CHECK(extent.highest == Approx(b.baseElevationMeters + b.heightMeters).margin(1e-3));
  }
  SECTION("road ribbons lie 0.5 m above the ground") {
    std::size_t checked = 0;
    osg::Group* roads = layerGroup(*s, "roads");
    for (unsigned i = 0; i < roads->getNumChildren(); ++i) {
      auto* vertices = dynamic_cast<osg::Vec3Array*>(roads->getChild(i)->asGeometry()->getVertexArray());
      REQUIRE(vertices);
      for (const osg::Vec3& v : *vertices) {
        CHECK(v.z() == Approx(scene::groundHeight(&*site.terrain, v.x(), v.y()) + 0.5).margin(1e-3));
        ++checked;
      }
    }
    // The 400 m road crosses 40 grid columns (on a grid row, so the diagonals meet it there too):
    // 2 ribbons x 2 edges x about 43 points rather than its 3.
    CHECK(checked > 2 * 2 * 40);
  }
  SECTION("POI stems stand on their elevation") {
    // The markers are made for the view during the cull: 500 m above the site, both POIs 140 m
    // apart are markers of their own (the school, more important, first), 3 vertices each: the
    // stem's foot and top, and the disc's.
    osg::ref_ptr<osg::Camera> camera = new osg::Camera;
    camera->setViewport(0, 0, 800, 600);
    camera->setProjectionMatrixAsPerspective(30, 800.0 / 600, 1, 10000);
    camera->setViewMatrixAsLookAt(osg::Vec3d(130, 40, 500), osg::Vec3d(130, 40, 0), osg::Vec3d(0, 1, 0));
    REQUIRE(s->poiMarkers(*camera).size() == 2);
    scene::cullStatistics(*s->root(), camera->getViewMatrix(), camera->getProjectionMatrix(), *camera->getViewport());
    osg::Group* pois = layerGroup(*s, "pois");
    auto* vertices = dynamic_cast<osg::Vec3Array*>(pois->getChild(0)->asGeometry()->getVertexArray());
    REQUIRE(vertices);
    REQUIRE(vertices->size() == 6);
    CHECK((*vertices)[0].z() == Approx(site.pois[0].elevationMeters));
    CHECK((*vertices)[1].z() == Approx(site.pois[0].elevationMeters + 16));
    CHECK((*vertices)[2].z() == Approx(site.pois[0].elevationMeters + 16));
    CHECK((*vertices)[3].z() == Approx(site.pois[1].elevationMeters));
  }
}

TEST_CASE("SiteScene::build: Monaco with its SRTM terrain", "[scene][terrain][slow]") {
  auto config = model::loadSceneConfig(test::scenesDir() / "monaco.json");
  REQUIRE(config.ok());
  auto site = model::loadSite(config.value());
  REQUIRE(site.ok());
  REQUIRE(site.value().terrain.has_value());
  const geo::Heightfield& terrain = *site.value().terrain;
  core::Diagnostics diag;
  auto s = buildScene(site.value(), diag);
  const scene::TerrainStats& stats = s->stats().terrain;
  INFO("terrain " << terrain.columns << " x " << terrain.rows << " samples, " << terrain.spacingMeters << " m");
  const std::size_t chunks = static_cast<std::size_t>((terrain.columns - 1 + 31) / 32) * ((terrain.rows - 1 + 31) / 32);
  CHECK(stats.chunks == chunks);
  CHECK(stats.geometries == 3 * chunks);
  CHECK(stats.triangles == static_cast<std::size_t>(terrain.columns - 1) * (terrain.rows - 1) * 2);

  std::map<int, Extent> heights = buildingHeights(*s);
  CHECK(heights.size() + diag.total() >= site.value().buildings.size());
  // A building with building:parts (Tour Odéon: a 22 m outline, a 170 m tower part) is drawn by
  // its parts, which stand on its base: its top is the highest part's.
  std::map<std::size_t, double> partTop;
  for (const model::Building& part : site.value().buildingParts) {
    double& top = partTop[static_cast<std::size_t>(part.partOf)];
    top = std::max(top, part.heightMeters);
  }
  CHECK(partTop.size() > 10);
  std::size_t onSlope = 0;
  for (const auto& [index, extent] : heights) {
    const model::Building& b = site.value().buildings[static_cast<std::size_t>(index)];
    INFO("building " << index << " base " << b.baseElevationMeters << " lowest " << extent.lowest);
    if (b.partCount > 0) {
      CHECK(extent.highest == Approx(b.baseElevationMeters + partTop.at(static_cast<std::size_t>(index))).margin(1e-2));
      CHECK(model::drawnTopMeters(b) == partTop.at(static_cast<std::size_t>(index)));
      continue;
    }
    CHECK(extent.highest == Approx(b.baseElevationMeters + b.heightMeters).margin(1e-2));
    if (b.minHeightMeters > 0) {
      CHECK(extent.lowest == Approx(b.baseElevationMeters + b.minHeightMeters).margin(1e-2));
      continue;
    }
    // Walls start at the base, or a little below where the drawn triangles dip under the DEM.
    CHECK(extent.lowest <= b.baseElevationMeters + 1e-2);
    CHECK(extent.lowest >= b.baseElevationMeters - 10);
    if (b.baseElevationMeters > 20) ++onSlope;
  }
  CHECK(onSlope > 100);  // Monaco climbs steeply from the harbour
}

TEST_CASE("SiteScene::build: empty site", "[scene]") {
  model::Site empty;
  core::Diagnostics diag;
  auto s = buildScene(empty, diag);
  CHECK(s->stats().buildingTiles == 0);
  CHECK(s->stats().labels == 0);
  // One group per layer except labels, which the app draws from visibleLabels().
  CHECK(s->root()->getNumChildren() == scene::kLayerCount - 1);
  CHECK(layerGroup(*s, "labels") == nullptr);
  CHECK(diag.total() == 0);
}

TEST_CASE("poseFramingExtent: looks at the centre from the south-west at 45 degrees", "[scene]") {
  core::Box2 box;
  box.add(core::Vec2{0, 0});
  box.add(core::Vec2{1000, 500});
  scene::CameraPose pose = scene::poseFramingExtent(box);
  CHECK(pose.center.x() == Approx(500));
  CHECK(pose.center.y() == Approx(250));
  osg::Vec3d d = pose.eye - pose.center;
  CHECK(d.x() < 0);
  CHECK(d.y() < 0);
  CHECK(d.x() == Approx(d.y()));
  CHECK(std::atan2(d.z(), std::hypot(d.x(), d.y())) == Approx(3.14159265 / 4));
  CHECK(pose.up * d == Approx(0).margin(1e-6));  // up is perpendicular to the view
  // From there the box's bounding circle just fits the 30-degree field of view, 5 % to spare.
  CHECK(d.length() == Approx(scene::framingDistance(0.5 * std::hypot(1000.0, 500.0))));
  CHECK(scene::framingDistance(100, 1.0) * std::sin(15 * 3.14159265 / 180) == Approx(100));
  CHECK(scene::framingDistance(100, 1.1) == Approx(1.1 * scene::framingDistance(100, 1.0)));
}
