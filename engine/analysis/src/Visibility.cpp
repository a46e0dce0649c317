#include "twin/analysis/Visibility.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace twin::analysis {

namespace {

double cross(core::Vec2 o, core::Vec2 a, core::Vec2 b) { return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x); }

double pointSegmentDistance(core::Vec2 p, core::Vec2 a, core::Vec2 b) {
  const double dx = b.x - a.x, dy = b.y - a.y, len2 = dx * dx + dy * dy;
  const double t = len2 > 0 ? std::clamp(((p.x - a.x) * dx + (p.y - a.y) * dy) / len2, 0.0, 1.0) : 0.0;
  return std::hypot(p.x - (a.x + dx * t), p.y - (a.y + dy * t));
}

template <class Fn>
void forEachEdge(const core::Polygon& polygon, Fn&& fn) {
  auto ring = [&](const core::Ring& r) {
    for (std::size_t i = 0, j = r.size() - 1; i < r.size(); j = i++) fn(r[j], r[i]);
  };
  if (polygon.outer.size() >= 2) ring(polygon.outer);
  for (const core::Ring& h : polygon.holes)
    if (h.size() >= 2) ring(h);
}

// p-q and a-b cross at a point interior to both (a touch at an end, or collinear overlap, is not
// a crossing: walking along an edge or through a shared vertex stays on the boundary).
bool properlyCross(core::Vec2 p, core::Vec2 q, core::Vec2 a, core::Vec2 b, double eps) {
  const double lenPq = std::hypot(q.x - p.x, q.y - p.y), lenAb = std::hypot(b.x - a.x, b.y - a.y);
  if (lenPq <= 0 || lenAb <= 0) return false;
  // Signed distances of each end from the other line, in metres.
  const double da = cross(p, q, a) / lenPq, db = cross(p, q, b) / lenPq;
  const double dp = cross(a, b, p) / lenAb, dq = cross(a, b, q) / lenAb;
  return ((da > eps && db < -eps) || (da < -eps && db > eps)) && ((dp > eps && dq < -eps) || (dp < -eps && dq > eps));
}

bool insideOrOn(const core::Polygon& polygon, core::Vec2 p, double eps) {
  return boundaryDistance(polygon, p) <= eps || core::contains(polygon, p);
}

}  // namespace

double boundaryDistance(const core::Polygon& polygon, core::Vec2 p) {
  double best = std::numeric_limits<double>::infinity();
  forEachEdge(polygon, [&](core::Vec2 a, core::Vec2 b) { best = std::min(best, pointSegmentDistance(p, a, b)); });
  return best;
}

bool segmentInside(const core::Polygon& polygon, core::Vec2 p, core::Vec2 q, double eps) {
  bool crossing = false;
  forEachEdge(polygon, [&](core::Vec2 a, core::Vec2 b) { crossing = crossing || properlyCross(p, q, a, b, eps); });
  if (crossing) return false;
  // Without a proper crossing the segment can still leave the area through a vertex (a reflex
  // corner it grazes) or lie wholly outside (a chord of a concave outline): cut it at every
  // boundary vertex on it and test each piece's midpoint.
  const double dx = q.x - p.x, dy = q.y - p.y, len2 = dx * dx + dy * dy;
  std::vector<double> cuts{0.0, 1.0};
  auto vertexOn = [&](core::Vec2 v) {
    if (len2 <= 0) return;
    const double t = ((v.x - p.x) * dx + (v.y - p.y) * dy) / len2;
    if (t > 0 && t < 1 && std::hypot(p.x + dx * t - v.x, p.y + dy * t - v.y) <= eps) cuts.push_back(t);
  };
  for (const core::Vec2& v : polygon.outer) vertexOn(v);
  for (const core::Ring& h : polygon.holes)
    for (const core::Vec2& v : h) vertexOn(v);
  std::sort(cuts.begin(), cuts.end());
  for (std::size_t i = 0; i + 1 < cuts.size(); ++i) {
    const double t = (cuts[i] + cuts[i + 1]) / 2;
    if (!insideOrOn(polygon, {p.x + dx * t, p.y + dy * t}, eps)) return false;
  }
  return true;
}

std::vector<std::pair<core::Vec2, core::Vec2>> visibilityEdges(const core::Polygon& polygon,
                                                               const std::vector<core::Vec2>& entries, double eps) {
  std::vector<core::Vec2> points(polygon.outer.begin(), polygon.outer.end());
  for (const core::Ring& h : polygon.holes) points.insert(points.end(), h.begin(), h.end());
  points.insert(points.end(), entries.begin(), entries.end());
  std::vector<std::pair<core::Vec2, core::Vec2>> out;
  for (std::size_t i = 0; i < points.size(); ++i)
    for (std::size_t j = i + 1; j < points.size(); ++j) {
      if (std::hypot(points[i].x - points[j].x, points[i].y - points[j].y) <= eps) continue;
      if (segmentInside(polygon, points[i], points[j], eps)) out.emplace_back(points[i], points[j]);
    }
  return out;
}

}  // namespace twin::analysis
