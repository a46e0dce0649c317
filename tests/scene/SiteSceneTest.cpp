#include <catch2/catch.hpp>

#include <osg/Geometry>
#include <osg/LOD>
#include <osg/NodeVisitor>

#include "SceneFixtures.h"
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
  CHECK(stats.buildingTiles == 2);          // (0,0) and (300,0) lie in different 250 m tiles
  CHECK(stats.buildingGeometries == 4);     // near + far level per tile
  // Building 0: 4 walls x 2 + roof 2 = 10. Building 1: 8 walls x 2 + holed roof 8 = 24.
  CHECK(stats.buildingTriangles == 34);
  CHECK(stats.roadGeometries == 2);         // casing + fill in one tile
  CHECK(stats.poiMarkers == 2);
  CHECK(stats.labels == 1);                 // the named school; building 0 is too small to label
  CHECK(stats.compileMs >= 0);
  CHECK(layerGroup(*s, "buildings")->getNumChildren() == 2);
  CHECK(dynamic_cast<osg::LOD*>(layerGroup(*s, "buildings")->getChild(0)) != nullptr);
  CHECK(layerGroup(*s, "ground")->getNumChildren() == 1);
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
    auto* ids = dynamic_cast<osg::Vec3Array*>(geometry->getVertexAttribArray(6));
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
}
