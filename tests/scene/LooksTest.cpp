// Building materials and the time of day: the facade attribute the mesh builder writes (storey
// height, roof flag, inside corners), the daylight of given times, and headless renders that the
// window rhythm, the lit windows at night and the sky are on screen.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <vector>

#include <osg/Geometry>
#include <osg/LOD>
#include <osg/NodeVisitor>

#include "SceneFixtures.h"
#include "twin/app/HeadlessRenderer.h"
#include "twin/geo/SunPosition.h"
#include "twin/scene/Daylight.h"
#include "twin/scene/SiteScene.h"

using namespace twin;

namespace {

constexpr unsigned kFacadeSlot = 1;  // SiteScene.h: the facade attribute
constexpr unsigned kBuildingSlot = 6;

struct NearGeometries : osg::NodeVisitor {
  NearGeometries() : osg::NodeVisitor(TRAVERSE_ALL_CHILDREN) {}
  std::vector<osg::Geometry*> found;
  void apply(osg::Geometry& geometry) override {
    // The near level: a tile's geometry under the block's group (far and coarse hang off the LOD).
    if (geometry.getName() == "twin:buildings" && geometry.getNumParents() &&
        !dynamic_cast<osg::LOD*>(geometry.getParent(0)))
      found.push_back(&geometry);
  }
};

struct Wall {
  float length = 0, storey = 0, corners = 0;
};
struct Facades {
  std::map<int, std::vector<Wall>> walls;  // by building index
  std::map<int, std::vector<osg::Vec4>> roofs;
  std::size_t vertices = 0, withFacade = 0;
};

// Walls are quads of four vertices (start foot, end foot, end top, start top): one Wall per quad.
Facades facadesOf(scene::SiteScene& s) {
  Facades out;
  NearGeometries visitor;
  s.root()->accept(visitor);
  for (osg::Geometry* g : visitor.found) {
    auto* vertices = dynamic_cast<osg::Vec3Array*>(g->getVertexArray());
    auto* normals = dynamic_cast<osg::Vec3Array*>(g->getNormalArray());
    auto* ids = dynamic_cast<osg::Vec4Array*>(g->getVertexAttribArray(kBuildingSlot));
    auto* facades = dynamic_cast<osg::Vec4Array*>(g->getVertexAttribArray(kFacadeSlot));
    REQUIRE(vertices);
    REQUIRE(normals);
    REQUIRE(ids);
    out.vertices += vertices->size();
    if (!facades) continue;
    REQUIRE(facades->size() == vertices->size());
    out.withFacade += facades->size();
    for (std::size_t i = 0; i < vertices->size();) {
      const int building = static_cast<int>((*ids)[i].x() + 0.5f);
      if (std::abs((*normals)[i].z()) > 0.5f) {
        out.roofs[building].push_back((*facades)[i]);
        ++i;
        continue;
      }
      REQUIRE(i + 3 < vertices->size());
      const osg::Vec4 start = (*facades)[i], end = (*facades)[i + 1];
      // Metres from the start corner and to the end corner add up to the wall's length.
      const float length = ((*vertices)[i + 1] - (*vertices)[i]).length();
      CHECK(start.x() == Approx(0).margin(1e-4));
      CHECK(start.y() == Approx(length).epsilon(1e-4));
      CHECK(end.x() == Approx(length).epsilon(1e-4));
      CHECK(end.y() == Approx(0).margin(1e-4));
      CHECK((*facades)[i + 2] == end);
      CHECK((*facades)[i + 3] == start);
      CHECK(start.z() == end.z());
      CHECK(start.w() == end.w());
      out.walls[building].push_back({length, start.z(), start.w()});
      i += 4;
    }
  }
  return out;
}

osg::ref_ptr<scene::SiteScene> buildScene(const model::Site& site, double storeyMeters = 3) {
  scene::SceneOptions options;
  options.theme = test::vividTheme();
  options.storeyMeters = storeyMeters;
  core::Diagnostics diag;
  auto built = scene::SiteScene::build(site, options, diag);
  REQUIRE(built.ok());
  return built.value();
}

// An L: 40 x 40 m with the north-east 20 x 20 m quarter cut away; its one inside corner is (20, 20).
core::Ring lShape(double x, double y) {
  return {{x, y}, {x + 40, y}, {x + 40, y + 20}, {x + 20, y + 20}, {x + 20, y + 40}, {x, y + 40}};
}

double luminance(const osg::Image& image, int x, int y) {
  const unsigned char* p = image.data(x, y);
  return 0.2126 * p[0] + 0.7152 * p[1] + 0.0722 * p[2];
}

// How often a profile crosses its own mean: a smooth shading gradient crosses it about once, a
// repeating pattern twice per period.
int meanCrossings(const std::vector<double>& profile) {
  if (profile.empty()) return 0;
  double mean = 0;
  for (double v : profile) mean += v;
  mean /= double(profile.size());
  int crossings = 0;
  for (std::size_t i = 1; i < profile.size(); ++i)
    if ((profile[i - 1] - mean) * (profile[i] - mean) < 0) ++crossings;
  return crossings;
}

std::unique_ptr<app::HeadlessRenderer> makeRenderer(int width, int height) {
  unsetenv("DISPLAY");
  auto renderer = app::HeadlessRenderer::create(width, height);
  INFO((renderer.ok() ? std::string() : renderer.error().message));
  REQUIRE(renderer.ok());
  return std::move(renderer.value());
}

}  // namespace

TEST_CASE("building facades: storey height, roof flag and inside corners from the mesh builder", "[scene]") {
  model::Site site;
  site.name = "facades";
  // 0: an L of 30 m with 10 levels: 3 m storeys, one inside corner.
  site.buildings.push_back(test::makeBuilding(1, {lShape(0, 0), {}}, 30, model::BuildingUse::Residential));
  site.buildings[0].levels = 10;
  // 1: a 30 m square with a 10 m courtyard, 36 m over 9 levels: 4 m storeys; every courtyard corner is inside.
  core::Ring courtyard = test::squareRing(110, 10, 10);
  std::reverse(courtyard.begin(), courtyard.end());
  site.buildings.push_back(
      test::makeBuilding(2, {test::squareRing(100, 0, 30), {courtyard}}, 36, model::BuildingUse::Office));
  site.buildings[1].levels = 9;
  // 2: no levels: the scene's storey height.
  site.buildings.push_back(
      test::makeBuilding(3, {test::squareRing(200, 0, 20), {}}, 20, model::BuildingUse::Commercial));
  // 3: 100 m over 2 levels is no storey height: the scene's instead.
  site.buildings.push_back(
      test::makeBuilding(4, {test::squareRing(300, 0, 20), {}}, 100, model::BuildingUse::Commercial));
  site.buildings[3].levels = 2;
  // 4: a part lifted to 12 m whose 10 levels count from the ground: 40 m / 10.
  model::Building lifted = test::makeBuilding(5, {test::squareRing(400, 0, 20), {}}, 40, model::BuildingUse::Office);
  lifted.minHeightMeters = 12;
  lifted.levels = 10;
  site.buildings.push_back(lifted);
  for (const auto& b : site.buildings)
    for (const auto& p : b.footprint.outer) site.extent.add(p);

  auto s = buildScene(site, 3.5);
  const Facades f = facadesOf(*s);
  REQUIRE(f.vertices > 0);
  CHECK(f.withFacade == f.vertices);

  SECTION("storey heights") {
    const std::map<int, float> expected = {{0, 3.0f}, {1, 4.0f}, {2, 3.5f}, {3, 3.5f}, {4, 4.0f}};
    for (const auto& [building, storey] : expected) {
      INFO("building " << building);
      REQUIRE(f.walls.count(building));
      for (const Wall& w : f.walls.at(building)) CHECK(w.storey == Approx(storey));
    }
  }
  SECTION("roofs carry the roof flag and no windows") {
    for (int building = 0; building < 5; ++building) {
      INFO("building " << building);
      REQUIRE(f.roofs.count(building));
      for (const osg::Vec4& r : f.roofs.at(building)) {
        CHECK(r.w() == -1.0f);
        CHECK(r.z() == 0.0f);
      }
    }
    // The lifted part has an underside too: twice the roof's vertices.
    CHECK(f.roofs.at(4).size() == 2 * f.roofs.at(2).size());
  }
  SECTION("inside corners") {
    // The L: the wall that ends at (20, 20) and the one that starts there; the other four are open.
    std::map<float, int> l;
    for (const Wall& w : f.walls.at(0)) ++l[w.corners];
    CHECK(l[0] == 4);
    CHECK(l[1] == 1);  // starts at the inside corner
    CHECK(l[2] == 1);  // ends at it
    // The courtyard's four walls have inside corners at both ends; the outer square's none.
    std::map<float, int> c;
    for (const Wall& w : f.walls.at(1)) ++c[w.corners];
    CHECK(c[0] == 4);
    CHECK(c[3] == 4);
    CHECK(c.size() == 2);
    for (const Wall& w : f.walls.at(2)) CHECK(w.corners == 0);
  }
}

TEST_CASE("daylight: the sun's direction and the sky for times of day", "[scene]") {
  const core::LonLat hangzhou{120.24, 30.23};
  const geo::CivilDate equinox{2026, 3, 20};
  const auto at = [&](double trueHours) {
    return scene::daylightAt(hangzhou, geo::utcOfTrueSolarTime(equinox, hangzhou.lon, trueHours));
  };
  const scene::Daylight dawn = at(6.2), morning = at(9), noon = at(12), dusk = at(17.9), night = at(0);

  // Noon: due south, 90 - 30.2 degrees up; the light of the scene's studio sun.
  CHECK(noon.towardSun.y() < -0.45f);
  CHECK(std::abs(noon.towardSun.x()) < 0.02f);
  CHECK(noon.towardSun.z() == Approx(std::sin((90 - 30.24) * M_PI / 180)).margin(0.01));
  CHECK(noon.sunColor.x() == Approx(0.55f));
  CHECK(noon.night == 0.0f);
  // Morning from the east, evening from the west; the sun climbs through the morning.
  CHECK(morning.towardSun.x() > 0.5f);
  CHECK(dusk.towardSun.x() < -0.9f);
  CHECK(dawn.towardSun.z() < morning.towardSun.z());
  CHECK(morning.towardSun.z() < noon.towardSun.z());
  // A low sun: weaker, warmer light and a warm horizon; noon's horizon is bluish.
  CHECK(dawn.sunColor.length() < noon.sunColor.length());
  CHECK(dawn.sunColor.x() > 2 * dawn.sunColor.z());
  CHECK(dusk.horizon.x() > dusk.horizon.z());
  CHECK(noon.horizon.z() > noon.horizon.x());
  CHECK(noon.zenith.z() > noon.zenith.x());
  // Night: no sunlight, the light still from above the horizon, a dark sky, windows lit.
  CHECK(night.sunAltitudeDegrees < -12);
  CHECK(night.sunColor.length() == Approx(0).margin(1e-6));
  CHECK(night.towardSun.z() > 0);
  CHECK(night.night == 1.0f);
  CHECK(night.zenith.length() < 0.2f * noon.zenith.length());
  CHECK(night.skyLight.length() < noon.skyLight.length());

  SECTION("continuous and ordered through the altitudes") {
    scene::Daylight previous = scene::daylightFor({180, -30});
    for (double altitude = -29.5; altitude <= 90; altitude += 0.5) {
      const scene::Daylight d = scene::daylightFor({180, altitude});
      INFO("altitude " << altitude);
      CHECK((d.zenith - previous.zenith).length() < 0.05f);
      CHECK((d.sunColor - previous.sunColor).length() < 0.15f);
      CHECK(d.night <= previous.night);
      CHECK(d.skyLight.length() >= previous.skyLight.length() - 1e-6f);
      CHECK((altitude > 0 || d.sunColor.length() == 0.0f));
      CHECK(d.towardSun.z() >= std::sin(scene::kMinLightAltitudeDegrees * M_PI / 180) - 1e-6);
      previous = d;
    }
  }
  SECTION("direction and position round trip; bad input") {
    const geo::SunPosition back = scene::sunPositionOfDirection(osg::Vec3d(noon.towardSun));
    const geo::SunPosition real = geo::sunPosition(hangzhou, geo::utcOfTrueSolarTime(equinox, hangzhou.lon, 12));
    CHECK(back.azimuthDegrees == Approx(real.azimuthDegrees).margin(0.01));
    CHECK(back.altitudeDegrees == Approx(real.altitudeDegrees).margin(0.01));
    const geo::SunPosition west = scene::sunPositionOfDirection({-2, 0, 0});
    CHECK(west.azimuthDegrees == Approx(270));
    CHECK(west.altitudeDegrees == Approx(0).margin(1e-9));
    CHECK(std::isnan(scene::sunPositionOfDirection({0, 0, 0}).azimuthDegrees));
    CHECK(std::isnan(scene::sunPositionOfDirection({NAN, 0, 1}).altitudeDegrees));
    const scene::Daylight fallback = scene::daylightFor({NAN, 10});
    CHECK(fallback.night == 0.0f);
    CHECK(fallback.towardSun.y() < 0);  // due south, high
    CHECK(fallback.towardSun.z() == Approx(std::sin(60 * M_PI / 180)));
  }
}

TEST_CASE("building material: rows and columns of windows, lit at night; the sky behind", "[scene][render]") {
  // A tower of 20 storeys (3 m) whose 30 m south wall faces the camera, 80 m away at mid-height.
  model::Site site;
  site.name = "tower";
  site.buildings.push_back(test::makeBuilding(1, {test::squareRing(0, 0, 30), {}}, 60, model::BuildingUse::Commercial));
  site.buildings[0].levels = 20;
  for (const auto& p : site.buildings[0].footprint.outer) site.extent.add(p);
  auto s = buildScene(site);
  const int width = 400, height = 400;
  auto renderer = makeRenderer(width, height);
  osgViewer::Viewer& viewer = renderer->viewer();
  const model::Theme theme = test::vividTheme();
  viewer.getCamera()->setClearColor(osg::Vec4(theme.background.r, theme.background.g, theme.background.b, 1));
  viewer.setSceneData(s->root());
  osg::Camera& camera = *viewer.getCamera();
  camera.setProjectionMatrixAsPerspective(30, 1, 1, 5000);
  camera.setViewMatrixAsLookAt(osg::Vec3d(15, -80, 30), osg::Vec3d(15, 0, 30), osg::Vec3d(0, 0, 1));
  const osg::Matrixd toWindow =
      camera.getViewMatrix() * camera.getProjectionMatrix() * camera.getViewport()->computeWindowMatrix();
  const auto onScreen = [&](double x, double z) {
    const osg::Vec3d w = osg::Vec3d(x, 0, z) * toWindow;
    return std::make_pair(int(w.x()), int(w.y()));
  };
  renderer->renderFrame();
  osg::ref_ptr<osg::Image> day = renderer->capture();

  // The wall between 20 m and 40 m up, x in [3, 27] m (clear of the roof band and foot shading).
  const auto [x0, y0] = onScreen(3, 20);
  const auto [x1, y1] = onScreen(27, 40);
  REQUIRE(x1 - x0 > 60);
  REQUIRE(y1 - y0 > 60);
  // Vertical profiles: through each column in turn; at least one crosses a window bay in all
  // storeys: 20 m is 6.7 storeys, so some 13 crossings (a plain wall: about 1).
  int bestVertical = 0;
  for (int x = x0; x < x1; x += 2) {
    std::vector<double> column;
    for (int y = y0; y < y1; ++y) column.push_back(luminance(*day, x, y));
    bestVertical = std::max(bestVertical, meanCrossings(column));
  }
  // Horizontal profiles: 24 m of a 30 m wall of 9 bays of 3.33 m is some 7 bays.
  int bestHorizontal = 0;
  for (int y = y0; y < y1; y += 2) {
    std::vector<double> row;
    for (int x = x0; x < x1; ++x) row.push_back(luminance(*day, x, y));
    bestHorizontal = std::max(bestHorizontal, meanCrossings(row));
  }
  INFO("vertical crossings " << bestVertical << ", horizontal " << bestHorizontal);
  CHECK(bestVertical >= 11);
  CHECK(bestVertical <= 16);
  CHECK(bestHorizontal >= 11);
  CHECK(bestHorizontal <= 16);
  // The glass darkens the wall's colour without changing its hue: the commercial blue still reads.
  std::size_t blue = 0, all = 0;
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x, ++all) {
      const unsigned char* p = day->data(x, y);
      if (p[2] > 2 * p[0] && p[2] > 2 * p[1]) ++blue;
    }
  CHECK(blue > all * 9 / 10);

  // The sky: without a daylight the corner above the tower is the theme's background.
  const auto [skyX, skyY] = std::make_pair(5, height - 5);
  const unsigned char* corner = day->data(skyX, skyY);
  CHECK(int(corner[2]) == int(theme.background.b * 255 + 0.5f));
  CHECK_FALSE(s->daylightActive());

  const auto warmShare = [&](const osg::Image& image) {
    std::size_t warm = 0;
    for (int y = y0; y < y1; ++y)
      for (int x = x0; x < x1; ++x) {
        const unsigned char* p = image.data(x, y);
        if (p[0] > p[2] + 20 && p[0] > 80) ++warm;
      }
    return double(warm) / double((x1 - x0) * (y1 - y0));
  };
  const core::LonLat hangzhou{120.24, 30.23};
  const geo::CivilDate equinox{2026, 3, 20};
  s->setDaylight(scene::daylightAt(hangzhou, geo::utcOfTrueSolarTime(equinox, hangzhou.lon, 12)), false);
  CHECK(s->daylightActive());
  renderer->renderFrame();
  osg::ref_ptr<osg::Image> noon = renderer->capture();
  const unsigned char* noonSky = noon->data(skyX, skyY);
  INFO("noon sky " << int(noonSky[0]) << " " << int(noonSky[1]) << " " << int(noonSky[2]));
  CHECK(noonSky[2] > 120);
  CHECK(noonSky[2] > noonSky[0] + 30);
  CHECK(warmShare(*noon) < 0.01);

  s->setDaylight(scene::daylightAt(hangzhou, geo::utcOfTrueSolarTime(equinox, hangzhou.lon, 0)), false);
  renderer->renderFrame();
  osg::ref_ptr<osg::Image> night = renderer->capture();
  const unsigned char* nightSky = night->data(skyX, skyY);
  INFO("night sky " << int(nightSky[0]) << " " << int(nightSky[1]) << " " << int(nightSky[2]));
  CHECK(nightSky[2] < noonSky[2] / 3);
  // Some 45 % of the windows (about 13 % of the wall) glow warm from inside.
  const double lit = warmShare(*night);
  INFO("lit share " << lit);
  CHECK(lit > 0.05);
  CHECK(lit < 0.4);

  s->resetSun();
  CHECK_FALSE(s->daylightActive());
  renderer->renderFrame();
  osg::ref_ptr<osg::Image> back = renderer->capture();
  CHECK(int(back->data(skyX, skyY)[2]) == int(theme.background.b * 255 + 0.5f));
  CHECK(warmShare(*back) < 0.01);
}
