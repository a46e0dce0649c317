#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <tuple>

#include "twin/analysis/Sunlight.h"

using namespace twin;
using analysis::SunStep;
using analysis::WindowSample;

namespace {

constexpr double kPi = 3.14159265358979323846;
const core::LonLat kSite{120.0, 30.0};

core::Ring box(double x0, double y0, double x1, double y1) { return {{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}}; }

model::Building building(core::Ring ring, model::BuildingUse use, double height, double levels = 0) {
  model::Building b;
  b.osmId = 1;
  b.idKind = "way";
  b.use = use;
  b.footprint.outer = std::move(ring);
  b.heightMeters = height;
  b.levels = levels;
  return b;
}

// The receiver: a one-storey residential box, x 0..20, y 0..10; its south wall (y = 0) carries
// one window sample at (10, -0.1), 0.9 m up, when the spacing is 20 m.
model::Site receiverSite() {
  model::Site site;
  site.frame = geo::SiteFrame::create(kSite).value();
  site.buildings.push_back(building(box(0, 0, 20, 10), model::BuildingUse::Residential, 3, 1));
  return site;
}

analysis::WindowSampleOptions oneSamplePerWall() {
  analysis::WindowSampleOptions o;
  o.spacingMeters = 20;
  return o;
}

const WindowSample& facing(const std::vector<WindowSample>& samples, double azimuth) {
  for (const WindowSample& w : samples)
    if (std::abs(w.wallAzimuthDegrees - azimuth) < 1e-6) return w;
  FAIL("no sample on a wall facing " << azimuth);
  return samples.front();
}

// The instant in [a, b] where f changes sign (f(a) and f(b) of opposite signs), to 0.1 s.
double root(const std::function<double(double)>& f, double a, double b) {
  const double fa = f(a);
  REQUIRE(fa * f(b) < 0);
  while (b - a > 0.1) {
    const double m = (a + b) / 2;
    ((f(m) < 0) == (fa < 0) ? a : b) = m;
  }
  return (a + b) / 2;
}

double azimuthOf(double dx, double dy) {
  double a = std::atan2(dx, dy) * 180 / kPi;
  return a < 0 ? a + 360 : a;
}

struct Run {
  analysis::SunlightCount count;
  std::vector<SunStep> steps;
  std::vector<bool> shaded;  // per step: sun up and in front of the wall, but occluded
};

Run run(const model::Site& site, const WindowSample& w, geo::CivilDate date, double start, double end) {
  auto scene = analysis::SunlightScene::build(site, {}, true);
  REQUIRE(scene);
  Run r;
  r.steps = analysis::sunSteps(kSite, date, start, end);
  r.count = analysis::sunlightMinutes(*scene, {w}, r.steps).front();
  for (const SunStep& s : r.steps)
    r.shaded.push_back(s.altitudeDegrees > 0 && s.direction.x * w.normal.x + s.direction.y * w.normal.y > 0 &&
                       scene->occluded({w.position.x, w.position.y, w.z}, s.direction));
  return r;
}

}  // namespace

TEST_CASE("sunlight: window samples on every wall and storey", "[analysis][sunlight]") {
  model::Site site = receiverSite();
  site.buildings.push_back(building(box(100, 0, 112, 6), model::BuildingUse::Residential, 18, 6));  // 6 tagged storeys
  site.buildings.push_back(building(box(200, 0, 206, 6), model::BuildingUse::Residential, 10));     // 10 m: 3 storeys
  site.buildings.push_back(building(box(300, 0, 330, 30), model::BuildingUse::Commercial, 30));     // not sampled
  analysis::WindowSampleOptions o;
  o.spacingMeters = 3;
  const auto samples = analysis::windowSamples(site, o);
  std::size_t perBuilding[3] = {0, 0, 0};
  for (const WindowSample& w : samples) {
    REQUIRE(w.building < 3);
    ++perBuilding[w.building];
  }
  // Receiver: walls 20, 10, 20, 10 m -> 7 + 3 + 7 + 3 samples, one storey.
  CHECK(perBuilding[0] == 20);
  // 12 x 6 m, 6 storeys: (4 + 2 + 4 + 2) x 6.
  CHECK(perBuilding[1] == 72);
  // 6 x 6 m, round(10 / 3) = 3 storeys of 3.33 m: 4 x 2 x 3.
  CHECK(perBuilding[2] == 24);
  for (const WindowSample& w : samples) {
    if (w.building == 1) CHECK(w.heightMeters == Approx((w.floor - 1) * 3.0 + 0.9));
    if (w.building == 2) CHECK(w.heightMeters == Approx((w.floor - 1) * 10.0 / 3 + 0.9));
  }
  // Outward normals and the facing azimuths of the four walls, whichever the ring's winding.
  for (bool reversed : {false, true}) {
    model::Site one = receiverSite();
    if (reversed) std::reverse(one.buildings[0].footprint.outer.begin(), one.buildings[0].footprint.outer.end());
    const auto s = analysis::windowSamples(one, oneSamplePerWall());
    REQUIRE(s.size() == 4);
    const WindowSample& south = facing(s, 180);
    CHECK(south.position.x == Approx(10));
    CHECK(south.position.y == Approx(-0.1));
    CHECK(south.z == Approx(0.9));
    CHECK(facing(s, 90).position.x == Approx(20.1));
    CHECK(facing(s, 0).position.y == Approx(10.1));
    CHECK(facing(s, 270).position.x == Approx(-0.1));
  }
  // A courtyard's walls face into the courtyard.
  model::Site court = receiverSite();
  court.buildings[0].footprint = {box(0, 0, 40, 40), {{{10, 10}, {10, 30}, {30, 30}, {30, 10}}}};
  bool courtyardNorthWall = false;
  for (const WindowSample& w : analysis::windowSamples(court, oneSamplePerWall()))
    if (std::abs(w.position.y - 29.9) < 1e-9) courtyardNorthWall = w.wallAzimuthDegrees == Approx(180);
  CHECK(courtyardNorthWall);
}

TEST_CASE("sunlight: open walls at 30 N in winter", "[analysis][sunlight]") {
  const model::Site site = receiverSite();
  const auto samples = analysis::windowSamples(site, oneSamplePerWall());
  for (const auto& [date, start, end] :
       {std::tuple{geo::CivilDate{2026, 1, 20}, 8.0, 16.0}, std::tuple{geo::CivilDate{2026, 12, 22}, 9.0, 15.0}}) {
    INFO(geo::formatCivilDate(date));
    const int window = static_cast<int>((end - start) * 60);
    // South: the sun stays south of east-west all winter day at 30 N, so the whole window.
    const Run south = run(site, facing(samples, 180), date, start, end);
    CHECK(south.count.sunMinutes == window);
    CHECK(south.count.longestRunMinutes == window);
    // North: never any sun in winter.
    CHECK(run(site, facing(samples, 0), date, start, end).count.sunMinutes == 0);
    // East until true noon (when the sun crosses due south), west after it.
    const int half = static_cast<int>((12 - start) * 60);
    CHECK(std::abs(run(site, facing(samples, 90), date, start, end).count.sunMinutes - half) <= 1);
    CHECK(std::abs(run(site, facing(samples, 270), date, start, end).count.sunMinutes - half) <= 1);
  }
}

TEST_CASE("sunlight: a tall narrow tower's shadow sweeps the wall between two azimuths", "[analysis][sunlight]") {
  // A 500 m tower x 23..27, y -28..-24, south-south-east of the south window at (10, -0.1): its
  // shadow covers the window while the sun's azimuth lies between the tower's extreme corners as
  // seen from the window (144.6 and 155.0 degrees; the tower is so tall that the sun never gets
  // over it).
  model::Site site = receiverSite();
  site.buildings.push_back(building(box(23, -28, 27, -24), model::BuildingUse::Office, 500));
  const WindowSample w = facing(analysis::windowSamples(site, oneSamplePerWall()), 180);
  double a1 = 360, a2 = 0;
  for (const core::Vec2 c : box(23, -28, 27, -24)) {
    a1 = std::min(a1, azimuthOf(c.x - 10, c.y + 0.1));
    a2 = std::max(a2, azimuthOf(c.x - 10, c.y + 0.1));
  }
  REQUIRE(a1 == Approx(144.6).margin(0.1));
  REQUIRE(a2 == Approx(155.0).margin(0.1));
  for (const auto& [date, start, end] :
       {std::tuple{geo::CivilDate{2026, 1, 20}, 8.0, 16.0}, std::tuple{geo::CivilDate{2026, 12, 22}, 9.0, 15.0}}) {
    INFO(geo::formatCivilDate(date));
    const double t0 = geo::utcOfTrueSolarTime(date, kSite.lon, start);
    const double noon = geo::utcOfTrueSolarTime(date, kSite.lon, 12);
    const auto azimuthMinus = [&](double a) {
      return [a](double t) { return geo::sunPosition(kSite, t).azimuthDegrees - a; };
    };
    const double shadowStart = root(azimuthMinus(a1), t0, noon);
    const double shadowEnd = root(azimuthMinus(a2), t0, noon);
    const Run r = run(site, w, date, start, end);
    const int window = static_cast<int>((end - start) * 60);
    CHECK(std::abs((window - r.count.sunMinutes) - (shadowEnd - shadowStart) / 60) <= 1);
    // The longest run is the afternoon, from the shadow's end to the window's end.
    const double afternoon = (geo::utcOfTrueSolarTime(date, kSite.lon, end) - shadowEnd) / 60;
    CHECK(std::abs(r.count.longestRunMinutes - afternoon) <= 1);
    // The first and last shaded steps lie within a minute step of the trigonometric instants.
    std::size_t first = r.steps.size(), last = 0;
    for (std::size_t i = 0; i < r.steps.size(); ++i)
      if (r.shaded[i]) {
        first = std::min(first, i);
        last = i;
      }
    REQUIRE(first < r.steps.size());
    CHECK(std::abs(r.steps[first].utcSeconds - shadowStart) <= 60);
    CHECK(std::abs(r.steps[last].utcSeconds - shadowEnd) <= 60);
  }
}

TEST_CASE("sunlight: a wide block's shadow by its height and distance", "[analysis][sunlight]") {
  // A 25 m block x -200..220, y -60..-40 south of the south window at (10, -0.1, 0.9): the window
  // is in its shadow while the ray toward the sun reaches the block's north face (y = -40,
  // 39.9 m away northwards, 39.9 / -cos(azimuth) along the ray) below its top:
  //   0.9 + 39.9 / -cos(azimuth) x tan(altitude) < 25.
  model::Site site = receiverSite();
  site.buildings.push_back(building(box(-200, -60, 220, -40), model::BuildingUse::Residential, 25));
  analysis::WindowSampleOptions o = oneSamplePerWall();
  o.spacingMeters = 1000;  // one sample per wall of the block too; only the receiver's is used
  WindowSample w;
  for (const WindowSample& s : analysis::windowSamples(site, o))
    if (s.building == 0 && std::abs(s.wallAzimuthDegrees - 180) < 1e-9) w = s;
  REQUIRE(w.position.y == Approx(-0.1));
  const auto clearance = [](double t) {
    const geo::SunPosition p = geo::sunPosition(kSite, t);
    const double along = 39.9 / -std::cos(p.azimuthDegrees * kPi / 180);
    return 0.9 + along * std::tan(p.altitudeDegrees * kPi / 180) - 25;
  };
  for (const auto& [date, start, end] :
       {std::tuple{geo::CivilDate{2026, 1, 20}, 8.0, 16.0}, std::tuple{geo::CivilDate{2026, 12, 22}, 9.0, 15.0}}) {
    INFO(geo::formatCivilDate(date));
    const double t0 = geo::utcOfTrueSolarTime(date, kSite.lon, start);
    const double noon = geo::utcOfTrueSolarTime(date, kSite.lon, 12);
    const double t1 = geo::utcOfTrueSolarTime(date, kSite.lon, end);
    const double sunIn = root(clearance, t0, noon);   // the sun clears the block's top
    const double sunOut = root(clearance, noon, t1);  // and sinks behind it again
    const Run r = run(site, w, date, start, end);
    CHECK(std::abs(r.count.sunMinutes - (sunOut - sunIn) / 60) <= 1);
    CHECK(r.count.longestRunMinutes == r.count.sunMinutes);
    // A 40 m block at the same place shades it all day (tan(altitude) < 39.1 / 39.9 while the sun is below 44
    // degrees, which it never exceeds in winter at 30 N).
    model::Site taller = site;
    taller.buildings[1].heightMeters = 40;
    CHECK(run(taller, w, date, start, end).count.sunMinutes == 0);
  }
}

TEST_CASE("sunlight: short runs are left out when a rule asks for a minimum run", "[analysis][sunlight]") {
  // The tower of the sweep test splits the morning: a run before its shadow, a run after it.
  model::Site site = receiverSite();
  site.buildings.push_back(building(box(23, -28, 27, -24), model::BuildingUse::Office, 500));
  const WindowSample w = facing(analysis::windowSamples(site, oneSamplePerWall()), 180);
  auto scene = analysis::SunlightScene::build(site, {}, false);
  REQUIRE(scene);
  const auto steps = analysis::sunSteps(kSite, {2026, 1, 20}, 8, 16);
  const analysis::SunlightCount all = analysis::sunlightMinutes(*scene, {w}, steps).front();
  const int morning = all.sunMinutes - all.longestRunMinutes;
  REQUIRE(morning > 0);
  REQUIRE(morning < all.longestRunMinutes);
  CHECK(analysis::sunlightMinutes(*scene, {w}, steps, morning).front().sunMinutes == all.sunMinutes);
  CHECK(analysis::sunlightMinutes(*scene, {w}, steps, morning + 1).front().sunMinutes == all.longestRunMinutes);
  analysis::SunlightStats stats;
  analysis::sunlightMinutes(*scene, {w, w}, steps, 0, &stats);
  CHECK(stats.rays == 2 * 480);  // the sun is up and in front of a south wall all window long
}

TEST_CASE("sunlight: terrain and proposed buildings cast shadows", "[analysis][sunlight]") {
  model::Site site = receiverSite();
  // A cliff: ground at 0 north of y = -50, 100 m from y = -60 southwards.
  geo::Heightfield t;
  t.originMeters = {-200, -200};
  t.spacingMeters = 10;
  t.columns = t.rows = 41;
  for (int r = 0; r < t.rows; ++r)
    for (int c = 0; c < t.columns; ++c) t.heights.push_back(-200 + r * 10 <= -60 ? 100.0f : 0.0f);
  site.terrain = t;
  const WindowSample w = facing(analysis::windowSamples(site, oneSamplePerWall()), 180);
  const auto steps = analysis::sunSteps(kSite, {2026, 1, 20}, 8, 16);
  auto withTerrain = analysis::SunlightScene::build(site, {}, true);
  auto without = analysis::SunlightScene::build(site, {}, false);
  REQUIRE(withTerrain);
  REQUIRE(without);
  CHECK(withTerrain->triangles() == without->triangles() + 2 * 40 * 40);
  CHECK(analysis::sunlightMinutes(*without, {w}, steps).front().sunMinutes == 480);
  CHECK(analysis::sunlightMinutes(*withTerrain, {w}, steps).front().sunMinutes == 0);

  // A proposed 60 m tower right in front of the window.
  site.terrain.reset();
  analysis::ExtraVolume tower{{box(-20, -30, 40, -20), {}}, 0, 60};
  auto proposed = analysis::SunlightScene::build(site, {tower}, false);
  REQUIRE(proposed);
  CHECK(analysis::sunlightMinutes(*proposed, {w}, steps).front().sunMinutes < 480);
  CHECK(analysis::sunlightMinutes(*proposed, {w}, steps).front().sunMinutes <
        analysis::sunlightMinutes(*without, {w}, steps).front().sunMinutes);
}

TEST_CASE("sunlight: building:part volumes cast the shadow instead of their outline", "[analysis][sunlight]") {
  // The outline south of the window is 3 m tall but holds a 60 m tower part: the part shades.
  model::Site site = receiverSite();
  site.buildings.push_back(building(box(-20, -30, 40, -20), model::BuildingUse::Office, 3));
  const WindowSample w = facing(analysis::windowSamples(site, oneSamplePerWall()), 180);
  const auto steps = analysis::sunSteps(kSite, {2026, 1, 20}, 8, 16);
  const auto minutes = [&] {
    auto scene = analysis::SunlightScene::build(site, {}, false);
    REQUIRE(scene);
    return analysis::sunlightMinutes(*scene, {w}, steps).front().sunMinutes;
  };
  CHECK(minutes() == 480);
  model::Building part = building(box(-20, -30, 40, -20), model::BuildingUse::Office, 60);
  part.partOf = 1;
  site.buildingParts.push_back(part);
  site.buildings[1].partCount = 1;
  site.buildings[1].partsTopMeters = 60;
  CHECK(minutes() < 480);
}

TEST_CASE("sunlight: packets of rays agree with single rays", "[analysis][sunlight]") {
  model::Site site = receiverSite();
  site.buildings.push_back(building(box(-200, -60, 220, -40), model::BuildingUse::Office, 25));
  site.buildings.push_back(building(box(23, -28, 27, -24), model::BuildingUse::Office, 100));
  auto scene = analysis::SunlightScene::build(site, {}, false);
  REQUIRE(scene);
  std::vector<core::Vec3> directions;
  for (const SunStep& s : analysis::sunSteps(kSite, {2026, 1, 20}, 8, 16)) directions.push_back(s.direction);
  directions.resize(470);  // not a multiple of 16: the last packet is partly empty
  std::size_t shaded = 0;
  for (const core::Vec3& origin : {core::Vec3{10, -0.1, 0.9}, core::Vec3{10, -0.1, 15}, core::Vec3{-5, -30, 5}}) {
    std::vector<unsigned char> many(directions.size(), 7);
    CHECK(scene->occludedMany(origin, directions.data(), directions.size(), many.data()) == directions.size());
    for (std::size_t k = 0; k < directions.size(); ++k) {
      CHECK(many[k] == (scene->occluded(origin, directions[k]) ? 1 : 0));
      shaded += many[k];
    }
  }
  CHECK(shaded > 0);
  CHECK(shaded < 3 * directions.size());
  // Above the highest occluder (100 m) no rising ray can be hit: none is cast.
  std::vector<unsigned char> high(directions.size(), 7);
  CHECK(scene->occludedMany({10, -0.1, 100.5}, directions.data(), directions.size(), high.data()) == 0);
  CHECK(std::count(high.begin(), high.end(), 0) == static_cast<long>(directions.size()));
}
