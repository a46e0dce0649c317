#include "twin/scene/Triangulate.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <osg/Geometry>
#include <osg/TriangleIndexFunctor>
#include <osgUtil/Tessellator>

namespace twin::scene::detail {

namespace {

using core::Ring;
using core::Vec2;

double cross(const Vec2& a, const Vec2& b, const Vec2& c) {
  return (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x);
}
bool samePoint(const Vec2& a, const Vec2& b) { return a.x == b.x && a.y == b.y; }

// Inclusive: a point on an edge counts as inside, so a diagonal never touches another vertex.
bool insideTriangle(const Vec2& a, const Vec2& b, const Vec2& c, const Vec2& p) {
  double d1 = cross(a, b, p), d2 = cross(b, c, p), d3 = cross(c, a, p);
  bool hasNegative = d1 < 0 || d2 < 0 || d3 < 0;
  bool hasPositive = d1 > 0 || d2 > 0 || d3 > 0;
  return !(hasNegative && hasPositive);
}

Ring cleanRing(const Ring& ring) {
  Ring out;
  out.reserve(ring.size());
  for (const Vec2& p : ring)
    if (out.empty() || !samePoint(out.back(), p)) out.push_back(p);
  while (out.size() > 1 && samePoint(out.front(), out.back())) out.pop_back();
  return out;
}

// A circular doubly linked list over point indices; bridges add duplicate points so that each
// node is used once.
struct Loop {
  std::vector<Vec2> points;
  std::vector<std::uint32_t> origin;  // node -> index in the concatenated rings
  std::vector<int> next, prev;

  int add(const Vec2& p, std::uint32_t originIndex) {
    points.push_back(p);
    origin.push_back(originIndex);
    next.push_back(-1);
    prev.push_back(-1);
    return static_cast<int>(points.size()) - 1;
  }
  void link(int a, int b) {
    next[a] = b;
    prev[b] = a;
  }
  void remove(int n) { link(prev[n], next[n]); }
  bool reflex(int n) const { return cross(points[prev[n]], points[n], points[next[n]]) < 0; }
};

// Eberly's hole bridging: the hole's rightmost vertex M sees the nearest edge hit by a ray to +x;
// the bridge goes to that edge's right end P unless a reflex vertex inside triangle (M, I, P)
// blocks it, in which case the one with the smallest angle to the ray is visible.
bool bridgeHole(Loop& loop, int start, int holeStart, int holeSize) {
  int m = holeStart;
  for (int i = holeStart; i < holeStart + holeSize; ++i)
    if (loop.points[i].x > loop.points[m].x) m = i;
  const Vec2 mp = loop.points[m];

  double bestX = std::numeric_limits<double>::infinity();
  int bridge = -1;
  int a = start;
  do {
    int b = loop.next[a];
    const Vec2 &pa = loop.points[a], &pb = loop.points[b];
    if (pa.y != pb.y && ((pa.y <= mp.y && mp.y <= pb.y) || (pb.y <= mp.y && mp.y <= pa.y))) {
      double x = pa.x + (mp.y - pa.y) * (pb.x - pa.x) / (pb.y - pa.y);
      if (x >= mp.x && x < bestX) {
        bestX = x;
        bridge = pa.x > pb.x ? a : b;
      }
    }
    a = b;
  } while (a != start);
  if (bridge < 0) return false;

  const Vec2 hit{bestX, mp.y};
  const Vec2 candidate = loop.points[bridge];
  if (!samePoint(hit, candidate)) {
    double bestTan = std::numeric_limits<double>::infinity();
    int n = start;
    do {
      const Vec2& p = loop.points[n];
      if (n != bridge && p.x > mp.x && loop.reflex(n) && insideTriangle(mp, hit, candidate, p)) {
        double tan = std::abs(p.y - mp.y) / (p.x - mp.x);
        if (tan < bestTan || (tan == bestTan && p.x < loop.points[bridge].x)) {
          bestTan = tan;
          bridge = n;
        }
      }
      n = loop.next[n];
    } while (n != start);
  }

  // P -> M -> hole ... -> M' -> P' -> old next of P
  int afterBridge = loop.next[bridge];
  int previous = bridge;
  for (int k = 0; k < holeSize; ++k) {
    int node = holeStart + (m - holeStart + k) % holeSize;
    loop.link(previous, node);
    previous = node;
  }
  int mCopy = loop.add(mp, loop.origin[m]);
  int pCopy = loop.add(loop.points[bridge], loop.origin[bridge]);
  loop.link(previous, mCopy);
  loop.link(mCopy, pCopy);
  loop.link(pCopy, afterBridge);
  return true;
}

bool isEar(const Loop& loop, int ear) {
  int p = loop.prev[ear], n = loop.next[ear];
  const Vec2 &a = loop.points[p], &b = loop.points[ear], &c = loop.points[n];
  if (cross(a, b, c) <= 0) return false;
  for (int v = loop.next[n]; v != p; v = loop.next[v]) {
    const Vec2& q = loop.points[v];
    if (samePoint(q, a) || samePoint(q, b) || samePoint(q, c)) continue;
    if (insideTriangle(a, b, c, q)) return false;
  }
  return true;
}

struct TriangleCollector {
  std::vector<std::uint32_t>* triangles = nullptr;
  void operator()(unsigned int a, unsigned int b, unsigned int c) {
    triangles->push_back(a);
    triangles->push_back(b);
    triangles->push_back(c);
  }
};

bool tessellateWithGlu(const std::vector<Ring>& rings, Triangulation& out) {
  const Vec2 offset = rings[0][0];  // float precision: tessellate near the origin
  osg::ref_ptr<osg::Geometry> geometry = new osg::Geometry;
  osg::ref_ptr<osg::Vec3Array> vertices = new osg::Vec3Array;
  for (const Ring& ring : rings) {
    auto first = static_cast<GLint>(vertices->size());
    for (const Vec2& p : ring)
      vertices->push_back(osg::Vec3(static_cast<float>(p.x - offset.x), static_cast<float>(p.y - offset.y), 0));
    geometry->addPrimitiveSet(new osg::DrawArrays(GL_POLYGON, first, static_cast<GLsizei>(ring.size())));
  }
  geometry->setVertexArray(vertices);
  osg::ref_ptr<osgUtil::Tessellator> tessellator = new osgUtil::Tessellator;
  tessellator->setTessellationType(osgUtil::Tessellator::TESS_TYPE_GEOMETRY);
  tessellator->setWindingType(osgUtil::Tessellator::TESS_WINDING_ODD);
  tessellator->setBoundaryOnly(false);
  tessellator->setTessellationNormal(osg::Vec3(0, 0, 1));
  tessellator->retessellatePolygons(*geometry);

  auto* result = dynamic_cast<osg::Vec3Array*>(geometry->getVertexArray());
  if (!result) return false;
  std::vector<std::uint32_t> raw;
  osg::TriangleIndexFunctor<TriangleCollector> collector;
  collector.triangles = &raw;
  geometry->accept(collector);

  out.vertices.clear();
  for (const osg::Vec3& v : *result) out.vertices.push_back({v.x() + offset.x, v.y() + offset.y});
  out.triangles.clear();
  for (std::size_t i = 0; i + 2 < raw.size(); i += 3) {
    std::uint32_t a = raw[i], b = raw[i + 1], c = raw[i + 2];
    if (a >= out.vertices.size() || b >= out.vertices.size() || c >= out.vertices.size()) continue;
    double area2 = cross(out.vertices[a], out.vertices[b], out.vertices[c]);
    if (std::abs(area2) < 1e-9) continue;
    if (area2 < 0) std::swap(b, c);
    out.triangles.insert(out.triangles.end(), {a, b, c});
  }
  return !out.triangles.empty();
}

}  // namespace

bool earClip(const std::vector<Ring>& rings, std::vector<std::uint32_t>& triangles) {
  triangles.clear();
  if (rings.empty() || rings[0].size() < 3) return false;
  Loop loop;
  std::uint32_t originIndex = 0;
  std::vector<std::pair<int, int>> holes;  // (first node, size)
  for (std::size_t r = 0; r < rings.size(); ++r) {
    int first = static_cast<int>(loop.points.size());
    for (const Vec2& p : rings[r]) loop.add(p, originIndex++);
    int size = static_cast<int>(rings[r].size());
    for (int i = 0; i < size; ++i) loop.link(first + i, first + (i + 1) % size);
    if (r > 0) holes.emplace_back(first, size);
  }
  auto maxX = [&](const std::pair<int, int>& hole) {
    double x = -std::numeric_limits<double>::infinity();
    for (int i = hole.first; i < hole.first + hole.second; ++i) x = std::max(x, loop.points[i].x);
    return x;
  };
  // Rightmost holes first, so a later hole may bridge to an earlier one through the outer loop.
  std::sort(holes.begin(), holes.end(), [&](const auto& a, const auto& b) { return maxX(a) > maxX(b); });
  for (const auto& hole : holes)
    if (!bridgeHole(loop, 0, hole.first, hole.second)) return false;

  int count = 1;
  for (int n = loop.next[0]; n != 0; n = loop.next[n]) ++count;
  int ear = 0, stop = 0;
  while (count > 3) {
    if (isEar(loop, ear)) {
      int p = loop.prev[ear], n = loop.next[ear];
      triangles.insert(triangles.end(), {loop.origin[p], loop.origin[ear], loop.origin[n]});
      loop.remove(ear);
      --count;
      ear = stop = n;
      continue;
    }
    ear = loop.next[ear];
    if (ear != stop) continue;
    // A full turn without an ear: drop zero-area corners (collinear or repeated points), which
    // add no triangle; if there are none the polygon is not simple.
    bool removed = false;
    int n = ear;
    for (int visited = 0, total = count; visited < total && count > 3; ++visited) {
      int following = loop.next[n];
      if (cross(loop.points[loop.prev[n]], loop.points[n], loop.points[following]) == 0) {
        if (n == ear) ear = following;
        loop.remove(n);
        --count;
        removed = true;
      }
      n = following;
    }
    if (!removed) return false;
    stop = ear;
  }
  int p = loop.prev[ear], n = loop.next[ear];
  if (cross(loop.points[p], loop.points[ear], loop.points[n]) > 0)
    triangles.insert(triangles.end(), {loop.origin[p], loop.origin[ear], loop.origin[n]});
  return !triangles.empty();
}

bool triangulateFootprint(const core::Polygon& polygon, Triangulation& out, std::string& why) {
  out = Triangulation{};
  auto finiteRing = [](const Ring& ring) {
    return std::all_of(ring.begin(), ring.end(), [](const Vec2& p) { return core::isFinite(p); });
  };
  if (!finiteRing(polygon.outer) || !std::all_of(polygon.holes.begin(), polygon.holes.end(), finiteRing)) {
    why = "non-finite coordinate";
    return false;
  }
  Ring outer = cleanRing(polygon.outer);
  if (outer.size() < 3) {
    why = "outer ring has fewer than 3 distinct points";
    return false;
  }
  double outerArea = core::signedArea(outer);
  if (std::abs(outerArea) < 1e-6) {
    why = "outer ring has zero area";
    return false;
  }
  if (outerArea < 0) std::reverse(outer.begin(), outer.end());
  out.rings.push_back(std::move(outer));
  for (const Ring& hole : polygon.holes) {
    Ring cleaned = cleanRing(hole);
    if (cleaned.size() < 3) continue;
    double a = core::signedArea(cleaned);
    if (std::abs(a) < 1e-6) continue;
    if (a > 0) std::reverse(cleaned.begin(), cleaned.end());
    out.rings.push_back(std::move(cleaned));
  }
  for (const Ring& ring : out.rings) out.vertices.insert(out.vertices.end(), ring.begin(), ring.end());

  // Ear clipping cannot see self-intersections: it then returns overlapping triangles whose areas
  // add up to more than the polygon's. Such footprints go to the tessellator.
  double expectedArea = 0;
  for (const Ring& ring : out.rings) expectedArea += core::signedArea(ring);
  if (earClip(out.rings, out.triangles)) {
    double sum = 0;
    for (std::size_t i = 0; i + 2 < out.triangles.size(); i += 3)
      sum += cross(out.vertices[out.triangles[i]], out.vertices[out.triangles[i + 1]],
                   out.vertices[out.triangles[i + 2]]) /
             2;
    if (std::abs(sum - expectedArea) <= 1e-6 * std::max(1.0, std::abs(expectedArea))) return true;
  }
  out.usedFallback = true;
  if (tessellateWithGlu(out.rings, out)) return true;
  why = "neither ear clipping nor the GLU tessellator produced triangles";
  return false;
}

}  // namespace twin::scene::detail
