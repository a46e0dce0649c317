// Isochrone polygons: hand-worked areas, nesting, GeoJSON readable by ogrinfo.
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>
#include <random>

#include "TestPaths.h"
#include "twin/analysis/Isochrone.h"

using namespace twin;
using namespace twin::analysis;

namespace {

model::Road footway(std::vector<core::Vec2> line) {
  model::Road r;
  r.highway = "footway";
  r.idKind = "way";
  r.line = std::move(line);
  return r;
}

double distanceToRing(core::Vec2 p, const core::Ring& r) {
  double best = 1e300;
  for (std::size_t i = 0, j = r.size() - 1; i < r.size(); j = i++) {
    const double dx = r[i].x - r[j].x, dy = r[i].y - r[j].y, len2 = dx * dx + dy * dy;
    const double t = len2 > 0 ? std::clamp(((p.x - r[j].x) * dx + (p.y - r[j].y) * dy) / len2, 0.0, 1.0) : 0.0;
    best = std::min(best, std::hypot(p.x - r[j].x - dx * t, p.y - r[j].y - dy * t));
  }
  return best;
}

bool insideOrOn(const std::vector<core::Polygon>& polys, core::Vec2 p) {
  for (const core::Polygon& poly : polys) {
    if (core::contains(poly, p) || distanceToRing(p, poly.outer) < 1e-6) return true;
    for (const core::Ring& h : poly.holes)
      if (distanceToRing(p, h) < 1e-6) return true;
  }
  return false;
}

// Simple equirectangular lon/lat around (116.35 E, 40.0 N) for writing test GeoJSON.
core::LonLat toLonLat(core::Vec2 p) {
  return {116.35 + p.x / (111320.0 * std::cos(40.0 * M_PI / 180)), 40.0 + p.y / 110574.0};
}

std::string run(const std::string& command) {
  std::string out;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  REQUIRE(pipe);
  std::array<char, 4096> buf;
  while (fgets(buf.data(), buf.size(), pipe.get())) out += buf.data();
  return out;
}

}  // namespace

TEST_CASE("isochrone of a straight street: hand-worked area", "[analysis]") {
  // One street along the x axis, origin in the middle, 1 m/s, 10 m walk-off, 1 m grid.
  // Band of 50 s = {|x| + d <= 50, d <= 10}: 2 x (10 x 100 - 10^2) = 1,800 m2.
  core::Diagnostics diag;
  const WalkGraph g = buildWalkGraph(std::vector<model::Road>{footway({{-200, 0}, {200, 0}})}, {}, diag);
  auto reach = walkReach(g, {0, 0}, 60, 1.0, 10);
  REQUIRE(reach.ok());
  IsochroneOptions options;
  options.cellMeters = 1;
  options.walkOffMeters = 10;
  const auto bands = isochronePolygons(g, *reach, {30, 50}, options);
  REQUIRE(bands.size() == 2);
  REQUIRE(bands[1].polygons.size() == 1);
  CHECK(bands[1].polygons[0].holes.empty());
  CHECK(bands[1].areaM2 == Approx(1800).epsilon(0.03));
  // 30 s: 2 x (10 x 60 - 100) = 1,000 m2.
  CHECK(bands[0].areaM2 == Approx(1000).epsilon(0.04));
  const core::Box2 box = core::bounds(bands[1].polygons[0].outer);
  CHECK(box.minX == Approx(-50).margin(1));
  CHECK(box.maxX == Approx(50).margin(1));
  CHECK(box.maxY == Approx(10).margin(1));
}

TEST_CASE("isochrone reaches along a partially reached edge only as far as time allows", "[analysis]") {
  // An L: origin at the corner's far end; the second leg is reached for 20 m of its 100.
  core::Diagnostics diag;
  const WalkGraph g = buildWalkGraph(std::vector<model::Road>{footway({{0, 0}, {100, 0}, {100, 100}})}, {}, diag);
  auto reach = walkReach(g, {0, 0}, 120, 1.0, 1);
  REQUIRE(reach.ok());
  IsochroneOptions options;
  options.cellMeters = 2;
  options.walkOffMeters = 5;
  const auto bands = isochronePolygons(g, *reach, {120}, options);
  REQUIRE(bands[0].polygons.size() == 1);
  const core::Box2 box = core::bounds(bands[0].polygons[0].outer);
  CHECK(box.maxY == Approx(20).margin(2.5));
  CHECK(box.minX == Approx(-5).margin(2.5));
}

TEST_CASE("a block surrounded by reached streets becomes a hole when the walk-off is short", "[analysis]") {
  core::Diagnostics diag;
  const WalkGraph g =
      buildWalkGraph(std::vector<model::Road>{footway({{0, 0}, {200, 0}, {200, 200}, {0, 200}, {0, 0}})}, {}, diag);
  auto reach = walkReach(g, {0, 0}, 1000, 1.0, 1);
  REQUIRE(reach.ok());
  IsochroneOptions options;
  options.cellMeters = 5;
  options.walkOffMeters = 20;
  const auto bands = isochronePolygons(g, *reach, {900}, options);
  REQUIRE(bands[0].polygons.size() == 1);
  REQUIRE(bands[0].polygons[0].holes.size() == 1);
  CHECK(core::contains(bands[0].polygons[0], {0, 100}));
  CHECK_FALSE(core::contains(bands[0].polygons[0], {100, 100}));
  // Outer: the 200 m square grown by 20 m with rounded corners, 200^2 + 4 x 200 x 20 +
  // pi x 20^2 = 57,257 m2; hole: 160 x 160 = 25,600 m2.
  CHECK(bands[0].areaM2 == Approx(57257 - 25600).epsilon(0.02));
}

TEST_CASE("property: bands are nested and grow on random grid cities", "[analysis]") {
  std::mt19937 rng(42);
  std::uniform_real_distribution<double> jitter(-15, 15), coin(0, 1);
  for (int trial = 0; trial < 4; ++trial) {
    std::vector<WalkLine> lines;
    const int n = 10;
    std::vector<std::vector<core::Vec2>> p(n, std::vector<core::Vec2>(n));
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) p[i][j] = {i * 100 + jitter(rng), j * 100 + jitter(rng)};
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) {
        if (i + 1 < n && coin(rng) > 0.2) lines.push_back({{p[i][j], p[i + 1][j]}, 1.0});
        if (j + 1 < n && coin(rng) > 0.2) lines.push_back({{p[i][j], p[i][j + 1]}, coin(rng) > 0.8 ? 2.0 : 1.0});
      }
    core::Diagnostics diag;
    const WalkGraph g = buildWalkGraph(lines, {}, diag);
    auto reach = walkReach(g, {450, 450}, 900, 1.2, 200);
    REQUIRE(reach.ok());
    const auto bands = isochronePolygons(g, *reach, {300, 600, 900});
    REQUIRE(bands.size() == 3);
    for (int b = 0; b + 1 < 3; ++b) {
      CHECK(bands[b].areaM2 <= bands[b + 1].areaM2);
      for (const core::Polygon& poly : bands[b].polygons) {
        for (const core::Vec2& v : poly.outer) CHECK(insideOrOn(bands[b + 1].polygons, v));
      }
    }
    CHECK(bands[0].areaM2 > 0);
    // Every reached node within the 5-min band's time lies inside that band.
    for (NodeId node : reach->reached)
      if (reach->value[node] <= 290) CHECK(insideOrOn(bands[0].polygons, g.position(node)));
  }
}

TEST_CASE("isochrone GeoJSON is RFC 7946 and readable by ogrinfo", "[analysis]") {
  core::Diagnostics diag;
  const WalkGraph g = buildWalkGraph(
      std::vector<model::Road>{footway({{0, 0}, {600, 0}}), footway({{300, -300}, {300, 0}, {300, 300}})}, {}, diag);
  auto reach = walkReach(g, {300, 0}, 300, 1.2, 10);
  REQUIRE(reach.ok());
  const auto bands = isochronePolygons(g, *reach, {60, 180, 300});
  const std::string json = isochroneGeoJson(bands, toLonLat);
  CHECK(json.rfind("{\"type\":\"FeatureCollection\"", 0) == 0);
  CHECK(json.find("\"minutes\":5.000") < json.find("\"minutes\":1.000"));  // largest first
  test::TempDir dir("iso");
  const std::string path = (dir.path() / "iso.geojson").string();
  REQUIRE(writeTextFile(path, json).ok());
  const std::string info = run("ogrinfo -ro -al -so '" + path + "' 2>&1");
  CHECK(info.find("Feature Count: 3") != std::string::npos);
  CHECK(info.find("Multi Polygon") != std::string::npos);
  CHECK(info.find("minutes: Real") != std::string::npos);
  CHECK(info.find("area_m2: Real") != std::string::npos);
  const std::string values = run("ogrinfo -ro -al -q '" + path + "' 2>&1");
  CHECK(values.find("minutes (Real) = 3") != std::string::npos);

  auto bad = writeTextFile((dir.path() / "missing" / "x.geojson").string(), json);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.rfind("analysis::writeTextFile(): ", 0) == 0);
  CHECK(bad.error().message.find("cannot open for writing") != std::string::npos);
}
