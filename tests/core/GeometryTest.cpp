#include <catch2/catch.hpp>

#include "twin/core/Geometry.h"

using namespace twin::core;

TEST_CASE("ring area, polygon area with a hole, centroid", "[core]") {
  const Ring square{{0, 0}, {10, 0}, {10, 10}, {0, 10}};
  CHECK(signedArea(square) == Approx(100));
  const Ring clockwise(square.rbegin(), square.rend());
  CHECK(signedArea(clockwise) == Approx(-100));
  Polygon withHole{square, {Ring{{2, 2}, {2, 4}, {4, 4}, {4, 2}}}};
  CHECK(area(withHole) == Approx(96));
  const Vec2 c = centroid(Ring{{1000000, 0}, {1000010, 0}, {1000010, 20}, {1000000, 20}});
  CHECK(c.x == Approx(1000005));
  CHECK(c.y == Approx(10));
  const Vec2 degenerate = centroid(Ring{{0, 0}, {2, 0}, {4, 0}});
  CHECK(degenerate.x == Approx(2));
  CHECK(degenerate.y == Approx(0));
  const Box2 b = bounds(square);
  CHECK(b.width() == 10);
  CHECK(Box2{}.empty());
}

TEST_CASE("contains: inside the outer ring and outside the holes, either winding", "[core]") {
  const Ring square{{0, 0}, {10, 0}, {10, 10}, {0, 10}};
  const Polygon withHole{square, {Ring{{2, 2}, {2, 4}, {4, 4}, {4, 2}}}};
  CHECK(contains(withHole, Vec2{5, 5}));
  CHECK_FALSE(contains(withHole, Vec2{3, 3}));   // in the hole
  CHECK_FALSE(contains(withHole, Vec2{11, 5}));  // outside
  CHECK(contains(Polygon{Ring(square.rbegin(), square.rend()), {}}, Vec2{9, 1}));
  // An L: the bounding box's corner is outside.
  const Polygon ell{Ring{{0, 0}, {10, 0}, {10, 4}, {4, 4}, {4, 10}, {0, 10}}, {}};
  CHECK(contains(ell, Vec2{2, 8}));
  CHECK_FALSE(contains(ell, Vec2{8, 8}));
  CHECK_FALSE(contains(Polygon{Ring{{0, 0}, {1, 1}}, {}}, Vec2{0.5, 0.5}));
}
