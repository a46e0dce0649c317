#include "twin/core/Geometry.h"

namespace twin::core {

double signedArea(const Ring& ring) {
  const std::size_t n = ring.size();
  if (n < 3) return 0.0;
  double twice = 0.0;
  for (std::size_t i = 0, j = n - 1; i < n; j = i++) twice += ring[j].x * ring[i].y - ring[i].x * ring[j].y;
  return twice / 2.0;
}

double area(const Polygon& polygon) {
  double a = std::abs(signedArea(polygon.outer));
  for (const Ring& hole : polygon.holes) a -= std::abs(signedArea(hole));
  return std::max(0.0, a);
}

Vec2 centroid(const Ring& ring) {
  const std::size_t n = ring.size();
  if (n == 0) return {};
  // Relative to the first vertex, for precision with large coordinates.
  const Vec2 o = ring[0];
  double a2 = 0, cx = 0, cy = 0;
  for (std::size_t i = 0, j = n - 1; i < n; j = i++) {
    const double xj = ring[j].x - o.x, yj = ring[j].y - o.y, xi = ring[i].x - o.x, yi = ring[i].y - o.y;
    const double cross = xj * yi - xi * yj;
    a2 += cross;
    cx += (xj + xi) * cross;
    cy += (yj + yi) * cross;
  }
  if (std::abs(a2) < 1e-12) {
    Vec2 mean;
    for (const Vec2& p : ring) {
      mean.x += p.x;
      mean.y += p.y;
    }
    return {mean.x / n, mean.y / n};
  }
  return {o.x + cx / (3.0 * a2), o.y + cy / (3.0 * a2)};
}

Box2 bounds(const Ring& ring) {
  Box2 b;
  for (const Vec2& p : ring) b.add(p);
  return b;
}

bool isFinite(const Vec2& p) { return std::isfinite(p.x) && std::isfinite(p.y); }

namespace {
bool insideRing(const Ring& ring, const Vec2& p) {
  bool inside = false;
  for (std::size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
    const Vec2 &a = ring[i], &b = ring[j];
    if ((a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x) inside = !inside;
  }
  return inside;
}
}  // namespace

bool contains(const Polygon& polygon, const Vec2& p) {
  if (polygon.outer.size() < 3 || !insideRing(polygon.outer, p)) return false;
  for (const Ring& hole : polygon.holes)
    if (hole.size() >= 3 && insideRing(hole, p)) return false;
  return true;
}

}  // namespace twin::core
