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
