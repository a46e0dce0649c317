// Plain geometry types shared by every module. Coordinates are metres in the site's local
// frame (x east, y north, z up) unless a name says otherwise.
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace twin::core {

struct Vec2 {
  double x = 0, y = 0;
};
struct Vec3 {
  double x = 0, y = 0, z = 0;
};
struct LonLat {
  double lon = 0, lat = 0;  // degrees, WGS84
};

using Ring = std::vector<Vec2>;  // not repeated first point; outer rings CCW, holes CW

struct Polygon {
  Ring outer;
  std::vector<Ring> holes;
};

/** Axis-aligned box; empty() until a point is added. */
struct Box2 {
  double minX = std::numeric_limits<double>::infinity(), minY = minX;
  double maxX = -std::numeric_limits<double>::infinity(), maxY = maxX;
  bool empty() const { return !(minX <= maxX && minY <= maxY); }
  void add(const Vec2& p) {
    minX = std::min(minX, p.x);
    minY = std::min(minY, p.y);
    maxX = std::max(maxX, p.x);
    maxY = std::max(maxY, p.y);
  }
  void add(const Box2& b) {
    if (!b.empty()) {
      add(Vec2{b.minX, b.minY});
      add(Vec2{b.maxX, b.maxY});
    }
  }
  bool contains(const Vec2& p) const { return p.x >= minX && p.x <= maxX && p.y >= minY && p.y <= maxY; }
  double width() const { return empty() ? 0 : maxX - minX; }
  double height() const { return empty() ? 0 : maxY - minY; }
  Vec2 centre() const { return {(minX + maxX) / 2, (minY + maxY) / 2}; }
};

/** Signed area (positive for CCW) of a ring, shoelace formula. */
double signedArea(const Ring& ring);
/** Outer area minus holes, square metres. */
double area(const Polygon& polygon);
/** Area-weighted centroid of the outer ring (falls back to the vertex mean when degenerate). */
Vec2 centroid(const Ring& ring);
Box2 bounds(const Ring& ring);
bool isFinite(const Vec2& p);
/** Whether p lies inside the outer ring and outside every hole (even-odd rule; a point exactly
    on an edge may go either way). False for an outer ring of fewer than 3 points. */
bool contains(const Polygon& polygon, const Vec2& p);

}  // namespace twin::core
