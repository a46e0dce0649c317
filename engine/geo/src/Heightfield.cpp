// Heightfield queries: bilinear height and the exact minimum under a polygon.
#include "twin/geo/Heightfield.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "twin/core/Assert.h"

namespace twin::geo {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool finite(const core::Vec2& p) { return std::isfinite(p.x) && std::isfinite(p.y); }

// Even-odd test; points on the boundary may go either way, which is harmless here because the
// boundary itself is sampled separately.
bool insideRing(const core::Ring& ring, double x, double y) {
  bool inside = false;
  for (std::size_t i = 0, j = ring.size() - 1; i < ring.size(); j = i++) {
    const core::Vec2& a = ring[i];
    const core::Vec2& b = ring[j];
    if ((a.y > y) != (b.y > y) && x < (b.x - a.x) * (y - a.y) / (b.y - a.y) + a.x) inside = !inside;
  }
  return inside;
}

}  // namespace

bool Heightfield::empty() const {
  return columns < 2 || rows < 2 || !(spacingMeters > 0) ||
         heights.size() != static_cast<std::size_t>(columns) * static_cast<std::size_t>(rows);
}

core::Box2 Heightfield::extent() const {
  core::Box2 box;
  if (empty()) return box;
  box.add(originMeters);
  box.add(core::Vec2{originMeters.x + (columns - 1) * spacingMeters, originMeters.y + (rows - 1) * spacingMeters});
  return box;
}

double Heightfield::sample(int column, int row) const {
  TWIN_ASSERT(column >= 0 && column < columns && row >= 0 && row < rows,
              "geo::Heightfield::sample(): index outside the grid");
  return heights[static_cast<std::size_t>(row) * static_cast<std::size_t>(columns) + static_cast<std::size_t>(column)];
}

double Heightfield::heightAt(double x, double y) const {
  if (empty() || !std::isfinite(x) || !std::isfinite(y)) return kNaN;
  const double u = std::clamp((x - originMeters.x) / spacingMeters, 0.0, static_cast<double>(columns - 1));
  const double v = std::clamp((y - originMeters.y) / spacingMeters, 0.0, static_cast<double>(rows - 1));
  const int c = std::min(static_cast<int>(u), columns - 2);
  const int r = std::min(static_cast<int>(v), rows - 2);
  const double fu = u - c, fv = v - r;
  const double h00 = sample(c, r), h10 = sample(c + 1, r), h01 = sample(c, r + 1), h11 = sample(c + 1, r + 1);
  return (h00 * (1 - fu) + h10 * fu) * (1 - fv) + (h01 * (1 - fu) + h11 * fu) * fv;
}

double Heightfield::minHeightUnder(const core::Polygon& polygon) const {
  if (empty() || polygon.outer.size() < 3) return kNaN;
  for (const core::Vec2& p : polygon.outer)
    if (!finite(p)) return kNaN;
  double lowest = std::numeric_limits<double>::infinity();
  auto consider = [&](double x, double y) { lowest = std::min(lowest, heightAt(x, y)); };

  // Boundary: vertices, and every crossing of an edge with a grid line.
  auto walkRing = [&](const core::Ring& ring) {
    for (std::size_t i = 0; i < ring.size(); ++i) {
      const core::Vec2& a = ring[i];
      const core::Vec2& b = ring[(i + 1) % ring.size()];
      if (!finite(a) || !finite(b)) continue;
      consider(a.x, a.y);
      const double ua = (a.x - originMeters.x) / spacingMeters, ub = (b.x - originMeters.x) / spacingMeters;
      const double va = (a.y - originMeters.y) / spacingMeters, vb = (b.y - originMeters.y) / spacingMeters;
      // Only grid lines inside the grid matter: outside, heights are clamped and constant across.
      const double uLo = std::max(std::ceil(std::min(ua, ub)), 0.0),
                   uHi = std::min(std::floor(std::max(ua, ub)), columns - 1.0);
      for (double u = uLo; u <= uHi && ua != ub; u += 1) {
        const double t = (u - ua) / (ub - ua);
        consider(a.x + t * (b.x - a.x), a.y + t * (b.y - a.y));
      }
      const double vLo = std::max(std::ceil(std::min(va, vb)), 0.0),
                   vHi = std::min(std::floor(std::max(va, vb)), rows - 1.0);
      for (double v = vLo; v <= vHi && va != vb; v += 1) {
        const double t = (v - va) / (vb - va);
        consider(a.x + t * (b.x - a.x), a.y + t * (b.y - a.y));
      }
    }
  };
  walkRing(polygon.outer);
  for (const core::Ring& hole : polygon.holes)
    if (hole.size() >= 3) walkRing(hole);

  // Interior: grid samples inside the outer ring and outside every hole.
  const core::Box2 box = core::bounds(polygon.outer);
  const int c0 = std::max(0, static_cast<int>(std::ceil((box.minX - originMeters.x) / spacingMeters)));
  const int c1 = std::min(columns - 1, static_cast<int>(std::floor((box.maxX - originMeters.x) / spacingMeters)));
  const int r0 = std::max(0, static_cast<int>(std::ceil((box.minY - originMeters.y) / spacingMeters)));
  const int r1 = std::min(rows - 1, static_cast<int>(std::floor((box.maxY - originMeters.y) / spacingMeters)));
  for (int r = r0; r <= r1; ++r) {
    const double y = originMeters.y + r * spacingMeters;
    for (int c = c0; c <= c1; ++c) {
      const double x = originMeters.x + c * spacingMeters;
      if (!insideRing(polygon.outer, x, y)) continue;
      bool inHole = false;
      for (const core::Ring& hole : polygon.holes) inHole = inHole || (hole.size() >= 3 && insideRing(hole, x, y));
      if (!inHole) lowest = std::min(lowest, sample(c, r));
    }
  }
  return std::isfinite(lowest) ? lowest : kNaN;
}

}  // namespace twin::geo
