#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include <osg/AutoTransform>
#include <osg/Depth>
#include <osg/Geode>
#include <osg/Geometry>

#include "SceneFixtures.h"
#include "twin/scene/SensorLayer.h"

using namespace twin;

namespace {

const core::LonLat kOrigin{116.35, 40.0};

model::SensorDef positioned(const std::string& id, core::LonLat at, double height) {
  model::SensorDef s;
  s.id = id;
  s.name = id;
  s.kind = "noise";
  s.unit = "dB(A)";
  s.position = at;
  s.heightMeters = height;
  return s;
}

model::SensorDef inBuilding(const std::string& id, const std::string& building, int floor) {
  model::SensorDef s;
  s.id = id;
  s.name = id;
  s.kind = "smoke";
  s.unit = "%/m";
  s.building = building;
  s.floor = floor;
  return s;
}

model::Site siteWithFrame() {
  model::Site site = test::handMadeSite();
  auto frame = geo::SiteFrame::create(kOrigin);
  REQUIRE(frame.ok());
  site.frame = *frame;
  return site;
}

}  // namespace

TEST_CASE("sensor layer: placement by lon/lat and by building floor", "[scene]") {
  model::Site site = siteWithFrame();
  site.buildings[1].levels = 5;  // 20 m / 5 levels = 4 m storeys
  core::Diagnostics diag;
  const core::LonLat inside = site.frame.toLonLat({10, 10});     // inside building 0
  const core::LonLat outside = site.frame.toLonLat({150, -60});  // open ground
  const auto placements =
      scene::placeSensors({positioned("in", inside, 3), positioned("out", outside, 2), inBuilding("b1f2", "way/2", 2),
                           inBuilding("b0f0", "way/1", 0), inBuilding("ghost", "way/999", 1), model::SensorDef{}},
                          site, diag);
  REQUIRE(placements.size() == 4);

  CHECK(placements[0].sensorId == "in");
  CHECK(placements[0].buildingIndex == 0);
  CHECK(placements[0].position.x() == Approx(10).margin(0.01));
  CHECK(placements[0].position.y() == Approx(10).margin(0.01));
  CHECK(placements[0].position.z() == Approx(3));

  CHECK(placements[1].buildingIndex == -1);
  CHECK(placements[1].position.x() == Approx(150).margin(0.01));
  CHECK(placements[1].position.z() == Approx(2));

  // Building 1 (way/2) is a 30 m square at (300, 0) with a hole; the centroid of its outer ring.
  CHECK(placements[2].buildingIndex == 1);
  CHECK(placements[2].position.x() == Approx(315).margin(0.01));
  CHECK(placements[2].position.y() == Approx(15).margin(0.01));
  CHECK(placements[2].position.z() == Approx(2 * 4 + 1.5));
  // Unknown levels: 3 m storeys.
  CHECK(placements[3].position.z() == Approx(1.5));

  REQUIRE(diag.total() == 2);
  const auto items = diag.items();
  CHECK(items[0].recordId == "sensor 'ghost'");
  CHECK(items[0].message == "building 'way/999' not in the site");
  CHECK(items[0].action == "skipped");
  CHECK(items[1].message == "neither position nor building");
  CHECK(items[0].where == "scene::placeSensors()");
}

TEST_CASE("sensor layer: a sensor in a footprint's hole is not in the building", "[scene]") {
  model::Site site = siteWithFrame();
  core::Diagnostics diag;
  const auto placements = scene::placeSensors({positioned("hole", site.frame.toLonLat({315, 15}), 1)}, site, diag);
  REQUIRE(placements.size() == 1);
  CHECK(placements[0].buildingIndex == -1);
  CHECK(diag.total() == 0);
}

TEST_CASE("sensor layer: non-finite positions are reported and skipped", "[scene]") {
  model::Site site = siteWithFrame();
  core::Diagnostics diag;
  const auto placements = scene::placeSensors(
      {positioned("nan", {std::nan(""), 40.0}, 1), positioned("inf", kOrigin, INFINITY)}, site, diag);
  CHECK(placements.empty());
  REQUIRE(diag.total() == 2);
  CHECK(diag.items()[0].recordId == "sensor 'nan'");
  CHECK(diag.items()[0].message == "position is not finite");
}

TEST_CASE("sensor layer: one marker node per sensor, coloured by state, critical pulses", "[scene]") {
  std::vector<scene::SensorPlacement> placements;
  for (int i = 0; i < 7; ++i) placements.push_back({"s" + std::to_string(i), osg::Vec3(float(i) * 10, 0, 2), -1});
  osg::ref_ptr<scene::SensorLayer> layer = new scene::SensorLayer(placements);
  REQUIRE(layer->markerCount() == 7);
  REQUIRE(layer->root()->getNumChildren() == 7);
  for (unsigned i = 0; i < 7; ++i) {
    auto* transform = dynamic_cast<osg::AutoTransform*>(layer->root()->getChild(i));
    REQUIRE(transform);
    CHECK(transform->getName() == "s" + std::to_string(i));
    CHECK(transform->getPosition() == placements[i].position);
    CHECK(layer->colour(i) == scene::markerColour(scene::MarkerState::Normal));
    CHECK_FALSE(layer->pulsing(i));
  }
  CHECK(layer->indexOf("s3") == std::optional<std::size_t>(3));
  CHECK_FALSE(layer->indexOf("nope").has_value());

  const std::vector<scene::MarkerState> states = {
      scene::MarkerState::Normal,   scene::MarkerState::Warning, scene::MarkerState::Minor, scene::MarkerState::Major,
      scene::MarkerState::Critical, scene::MarkerState::Offline, scene::MarkerState::Stale};
  layer->setStates(states);
  for (std::size_t i = 0; i < states.size(); ++i) {
    INFO(i);
    CHECK(layer->state(i) == states[i]);
    CHECK(layer->colour(i) == scene::markerColour(states[i]));
    CHECK(layer->pulsing(i) == (states[i] == scene::MarkerState::Critical));
  }
  // Colours are distinct; critical is red, normal green, offline grey.
  for (std::size_t i = 0; i < states.size(); ++i)
    for (std::size_t j = i + 1; j < states.size(); ++j)
      CHECK((scene::markerColour(states[i]) - scene::markerColour(states[j])).length() > 0.2f);
  const osg::Vec4 critical = scene::markerColour(scene::MarkerState::Critical);
  CHECK((critical.r() > 0.8f && critical.g() < 0.3f));
  const osg::Vec4 offline = scene::markerColour(scene::MarkerState::Offline);
  CHECK(std::abs(offline.r() - offline.g()) < 0.05f);

  // Back to normal: the pulse stops. A shorter vector sets only the first markers.
  layer->setStates({scene::MarkerState::Normal, scene::MarkerState::Normal, scene::MarkerState::Normal,
                    scene::MarkerState::Normal, scene::MarkerState::Normal});
  CHECK_FALSE(layer->pulsing(4));
  CHECK(layer->state(5) == scene::MarkerState::Offline);

  layer->setSelected(2);
  CHECK(layer->selected() == 2);
  layer->setSelected(99);
  CHECK(layer->selected() == -1);
  layer->setTimeSeconds(1e9);  // any time is fine, no NaN in the uniform
}

namespace {

// The disc drawn under marker i: AutoTransform -> Geode -> Geometry.
const osg::Geometry* markerDisc(const scene::SensorLayer& layer, unsigned i) {
  const auto* transform = dynamic_cast<const osg::AutoTransform*>(layer.root()->getChild(i));
  const auto* geode = transform ? dynamic_cast<const osg::Geode*>(transform->getChild(0)) : nullptr;
  return geode ? dynamic_cast<const osg::Geometry*>(geode->getDrawable(0)) : nullptr;
}

// Largest distance of a disc vertex from its centre, in the marker's (screen-pixel) units.
float discRadius(const osg::Geometry& disc) {
  const auto* vertices = dynamic_cast<const osg::Vec3Array*>(disc.getVertexArray());
  float r = 0;
  if (vertices)
    for (const osg::Vec3& v : *vertices) r = std::max(r, v.length());
  return r;
}

}  // namespace

TEST_CASE("sensor layer: dots scale with the UI like the labels", "[scene]") {
  osg::ref_ptr<scene::SensorLayer> layer =
      new scene::SensorLayer({{"a", osg::Vec3(0, 0, 2), -1}, {"b", osg::Vec3(10, 0, 2), -1}}, nullptr, 9.0f);
  REQUIRE(markerDisc(*layer, 0));
  REQUIRE(markerDisc(*layer, 1));
  CHECK(layer->markerScale() == 1.0f);
  CHECK(discRadius(*markerDisc(*layer, 0)) == Approx(9.0f));

  SECTION("a 4K wall's scale doubles every dot") {
    layer->setMarkerScale(2.0f);
    CHECK(layer->markerScale() == 2.0f);
    CHECK(layer->drawnPixelRadius() == Approx(18.0f));
    CHECK(discRadius(*markerDisc(*layer, 0)) == Approx(18.0f));
    CHECK(discRadius(*markerDisc(*layer, 1)) == Approx(18.0f));
    CHECK(markerDisc(*layer, 0)->getBoundingBox().xMax() == Approx(18.0f));  // picking sees the larger dot
    layer->setMarkerScale(0.75f);
    CHECK(discRadius(*markerDisc(*layer, 0)) == Approx(6.75f));
  }
  SECTION("a scale that is not positive or not finite counts as 1") {
    layer->setMarkerScale(2.0f);
    for (float bad : {0.0f, -1.0f, std::nanf(""), INFINITY}) {
      layer->setMarkerScale(bad);
      CHECK(layer->markerScale() == 1.0f);
      CHECK(discRadius(*markerDisc(*layer, 0)) == Approx(9.0f));
      layer->setMarkerScale(2.0f);
    }
  }
}

TEST_CASE("sensor layer: no sensors, no markers", "[scene]") {
  osg::ref_ptr<scene::SensorLayer> layer = new scene::SensorLayer({});
  CHECK(layer->markerCount() == 0);
  CHECK(layer->root()->getNumChildren() == 0);
  layer->setStates({scene::MarkerState::Critical});
  layer->setSelected(0);
  CHECK(layer->selected() == -1);
}

TEST_CASE("sensor layer: a building is tinted while its sensors alarm, in the worst colour", "[scene]") {
  model::Site site = siteWithFrame();
  // Two sensors in building 0, one in building 1, one outside any building.
  std::vector<scene::SensorPlacement> placements = {{"a", osg::Vec3(5, 5, 2), 0},
                                                    {"b", osg::Vec3(15, 15, 6), 0},
                                                    {"c", osg::Vec3(315, 15, 2), 1},
                                                    {"d", osg::Vec3(150, -60, 1), -1}};
  osg::ref_ptr<scene::SensorLayer> layer = new scene::SensorLayer(placements, &site);
  REQUIRE(layer->hullCount() == 2);
  CHECK(layer->root()->getNumChildren() == 6);  // two hulls, four markers
  CHECK_FALSE(layer->buildingTinted(0));
  CHECK_FALSE(layer->buildingTinted(1));
  CHECK_FALSE(layer->buildingTinted(2));  // no sensors: no hull at all
  CHECK_FALSE(layer->buildingTint(0).has_value());

  using S = scene::MarkerState;
  layer->setStates({S::Minor, S::Major, S::Offline, S::Critical});
  CHECK(layer->buildingTinted(0));
  CHECK(layer->buildingTint(0) == std::optional<osg::Vec4>(scene::markerColour(S::Major)));
  CHECK_FALSE(layer->buildingTinted(1));  // offline is not an alarm

  layer->setStates({S::Normal, S::Critical, S::Warning, S::Normal});
  CHECK(layer->buildingTint(0) == std::optional<osg::Vec4>(scene::markerColour(S::Critical)));
  CHECK(layer->buildingTint(1) == std::optional<osg::Vec4>(scene::markerColour(S::Warning)));

  layer->setStates({S::Normal, S::Normal, S::Stale, S::Normal});
  CHECK_FALSE(layer->buildingTinted(0));
  CHECK_FALSE(layer->buildingTinted(1));
}

TEST_CASE("sensor layer: an untriangulable footprint still gets a hull (walls only)", "[scene]") {
  model::Site site = siteWithFrame();  // building 2's points are collinear
  osg::ref_ptr<scene::SensorLayer> layer =
      new scene::SensorLayer({{"x", osg::Vec3(110, 110, 2), 2}, {"bad", osg::Vec3(), 99}}, &site);
  CHECK(layer->hullCount() == 1);  // index 99 is not a building of the site
  layer->setStates({scene::MarkerState::Major, scene::MarkerState::Major});
  CHECK(layer->buildingTinted(2));
}

TEST_CASE("sensor layer: alarm beacons rise above the rooftops, drawn over everything", "[scene]") {
  model::Site site = siteWithFrame();
  std::vector<scene::SensorPlacement> placements = {
      {"a", osg::Vec3(5, 5, 2), 0}, {"b", osg::Vec3(315, 15, 2), 1}, {"d", osg::Vec3(150, -60, 1), -1}};
  osg::ref_ptr<scene::SensorLayer> layer = new scene::SensorLayer(placements, &site);
  const unsigned before = layer->root()->getNumChildren();
  CHECK(layer->beaconCount() == 0);
  const float roof0 = float(site.buildings[0].baseElevationMeters + model::drawnTopMeters(site.buildings[0]));
  CHECK(layer->topOf(0) == Approx(std::max(roof0, 2.0f)));
  CHECK(layer->topOf(2) == Approx(1.0f));  // outside any building: its own height

  layer->setBeacons({{"a", scene::MarkerState::Critical},
                     {"d", scene::MarkerState::Major},
                     {"ghost", scene::MarkerState::Critical},  // no marker: skipped
                     {"b", scene::MarkerState::Offline},       // not an alarm: skipped
                     {"a", scene::MarkerState::Minor}});       // one beacon per sensor
  CHECK(layer->beaconCount() == 2);
  REQUIRE(layer->beaconTop("a").has_value());
  CHECK(layer->beaconTop("a")->z() == Approx(layer->topOf(0) + scene::SensorLayer::kBeaconRiseMeters));
  CHECK(layer->beaconTop("a")->z() > roof0 + 30);
  CHECK(layer->beaconTop("a")->x() == 5);
  CHECK(*layer->beaconColour("a") == scene::markerColour(scene::MarkerState::Critical));
  CHECK(*layer->beaconColour("d") == scene::markerColour(scene::MarkerState::Major));
  CHECK_FALSE(layer->beaconTop("b").has_value());
  // The beams are in the graph, under the layer's depth-always state (over the buildings).
  REQUIRE(layer->root()->getNumChildren() == before + 1);
  auto* group = layer->root()->getChild(before)->asGroup();
  REQUIRE(group);
  CHECK(group->getName() == "twin.alarmBeacons");
  REQUIRE(group->getNumChildren() == 2);
  CHECK(group->getChild(0)->getName() == "a");
  auto* depth = dynamic_cast<osg::Depth*>(layer->root()->getStateSet()->getAttribute(osg::StateAttribute::DEPTH));
  REQUIRE(depth);
  CHECK(depth->getFunction() == osg::Depth::ALWAYS);
  const osg::BoundingSphere bound = group->getChild(0)->getBound();
  CHECK(bound.center().z() + bound.radius() >= layer->beaconTop("a")->z() - 0.01f);
  // Acknowledged: no beacon left.
  layer->setBeacons({});
  CHECK(layer->beaconCount() == 0);
  CHECK(group->getNumChildren() == 0);
  CHECK(layer->root()->getNumChildren() == before + 1);
}
