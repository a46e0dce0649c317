#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <random>

#include "twin/scene/Triangulate.h"

using twin::core::Polygon;
using twin::core::Ring;
using twin::core::Vec2;
using twin::scene::detail::triangulateFootprint;
using twin::scene::detail::Triangulation;

namespace {
double trianglesArea(const Triangulation& t) {
  double sum = 0;
  for (std::size_t i = 0; i + 2 < t.triangles.size(); i += 3) {
    const Vec2 &a = t.vertices[t.triangles[i]], &b = t.vertices[t.triangles[i + 1]],
               &c = t.vertices[t.triangles[i + 2]];
    double cross = (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x);
    REQUIRE(cross > 0);  // every triangle CCW (faces up)
    sum += cross / 2;
  }
  return sum;
}
Ring square(double x, double y, double s) { return {{x, y}, {x + s, y}, {x + s, y + s}, {x, y + s}}; }
Ring reversed(Ring r) {
  std::reverse(r.begin(), r.end());
  return r;
}
}  // namespace

TEST_CASE("triangulateFootprint: simple and concave polygons", "[scene]") {
  Triangulation t;
  std::string why;
  SECTION("square") {
    REQUIRE(triangulateFootprint({square(0, 0, 10), {}}, t, why));
    CHECK(t.triangles.size() == 6);
    CHECK(trianglesArea(t) == Approx(100));
    CHECK_FALSE(t.usedFallback);
  }
  SECTION("clockwise input is reoriented") {
    REQUIRE(triangulateFootprint({reversed(square(0, 0, 10)), {}}, t, why));
    CHECK(twin::core::signedArea(t.rings[0]) > 0);
    CHECK(trianglesArea(t) == Approx(100));
  }
  SECTION("L shape with a repeated closing point") {
    Ring l = {{0, 0}, {20, 0}, {20, 10}, {10, 10}, {10, 20}, {0, 20}, {0, 0}};
    REQUIRE(triangulateFootprint({l, {}}, t, why));
    CHECK(t.rings[0].size() == 6);
    CHECK(t.triangles.size() == 12);
    CHECK(trianglesArea(t) == Approx(300));
  }
  SECTION("square with a hole: n + 2h - 2 triangles") {
    REQUIRE(triangulateFootprint({square(0, 0, 30), {reversed(square(10, 10, 10))}}, t, why));
    CHECK(t.rings.size() == 2);
    CHECK(t.triangles.size() == 8 * 3);
    CHECK(trianglesArea(t) == Approx(800));
    CHECK_FALSE(t.usedFallback);
  }
  SECTION("two holes, one given counter-clockwise") {
    REQUIRE(triangulateFootprint({square(0, 0, 40), {square(5, 5, 10), reversed(square(25, 25, 10))}}, t, why));
    CHECK(trianglesArea(t) == Approx(1600 - 200));
    CHECK_FALSE(t.usedFallback);
  }
  SECTION("hole whose rightmost vertex lines up with an outer vertex") {
    Ring outer = {{0, 0}, {40, 0}, {40, 20}, {30, 20}, {30, 40}, {0, 40}};
    REQUIRE(triangulateFootprint({outer, {reversed(square(10, 15, 10))}}, t, why));
    CHECK(trianglesArea(t) == Approx(40 * 40 - 10 * 20 - 100));
  }
}

TEST_CASE("triangulateFootprint: random star polygons keep their area", "[scene]") {
  std::mt19937 random(7);
  std::uniform_real_distribution<double> radius(5, 50);
  for (int round = 0; round < 200; ++round) {
    int n = 3 + round % 40;
    Ring ring;
    for (int i = 0; i < n; ++i) {
      double angle = 2 * 3.14159265358979 * i / n;
      double r = radius(random);
      ring.push_back({r * std::cos(angle), r * std::sin(angle)});
    }
    Polygon polygon{ring, {}};
    if (n >= 8) polygon.holes.push_back(reversed(square(-1.5, -1.5, 3)));
    Triangulation t;
    std::string why;
    REQUIRE(triangulateFootprint(polygon, t, why));
    CHECK_FALSE(t.usedFallback);
    CHECK(trianglesArea(t) == Approx(twin::core::area(polygon)).epsilon(1e-9));
  }
}

TEST_CASE("triangulateFootprint: bad footprints", "[scene]") {
  Triangulation t;
  std::string why;
  SECTION("self-intersecting bow tie falls back to the GLU tessellator") {
    // Edges (0,0)-(20,20) and (20,0)-(0,10) cross at (20/3, 20/3): lobes of 100/3 and 400/3 m2.
    Ring bowtie = {{0, 0}, {20, 20}, {20, 0}, {0, 10}};
    REQUIRE(triangulateFootprint({bowtie, {}}, t, why));
    CHECK(t.usedFallback);
    CHECK(trianglesArea(t) == Approx(500.0 / 3).epsilon(1e-4));
  }
  SECTION("symmetric bow tie has zero signed area") {
    CHECK_FALSE(triangulateFootprint({{{0, 0}, {10, 10}, {10, 0}, {0, 10}}, {}}, t, why));
    CHECK(why == "outer ring has zero area");
  }
  SECTION("collinear points") {
    CHECK_FALSE(triangulateFootprint({{{0, 0}, {5, 5}, {10, 10}}, {}}, t, why));
    CHECK(why == "outer ring has zero area");
  }
  SECTION("too few points") {
    CHECK_FALSE(triangulateFootprint({{{0, 0}, {5, 5}, {5, 5}, {0, 0}}, {}}, t, why));
    CHECK(why == "outer ring has fewer than 3 distinct points");
  }
  SECTION("NaN coordinate") {
    double nan = std::numeric_limits<double>::quiet_NaN();
    CHECK_FALSE(triangulateFootprint({{{0, 0}, {nan, 5}, {10, 0}}, {}}, t, why));
    CHECK(why == "non-finite coordinate");
  }
  SECTION("degenerate hole is dropped") {
    REQUIRE(triangulateFootprint({square(0, 0, 10), {{{1, 1}, {2, 2}}}}, t, why));
    CHECK(t.rings.size() == 1);
    CHECK(trianglesArea(t) == Approx(100));
  }
}
