// Terrain: chunked LOD mesh of a Heightfield, and draping of lines and triangles on it.
//
// Sections: grid access | chunk levels (samples, error, geometry) | buildTerrainMesh |
// groundHeight | drapeLine | drapeTriangles / drapePolygon.
#include "twin/scene/TerrainMesh.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <string>
#include <unordered_map>
#include <utility>

#include <osg/Geometry>
#include <osg/LOD>

#include "twin/scene/Triangulate.h"

namespace twin::scene {

namespace {

// ---------------------------------------------------------------------------------------------
// Grid access

// A usable heightfield: Heightfield's own invariants checked once, so that a malformed one (a
// vector of the wrong size) is drawn as nothing instead of read out of bounds.
bool usable(const geo::Heightfield* terrain) {
  return terrain && !terrain->empty() && terrain->columns >= 2 && terrain->rows >= 2 &&
         std::isfinite(terrain->spacingMeters) && terrain->spacingMeters > 0 && core::isFinite(terrain->originMeters) &&
         terrain->heights.size() ==
             static_cast<std::size_t>(terrain->columns) * static_cast<std::size_t>(terrain->rows);
}

// Non-finite samples (a DEM hole that was not filled) are drawn at 0 rather than poisoning the mesh.
float at(const geo::Heightfield& t, int column, int row) {
  float h =
      t.heights[static_cast<std::size_t>(row) * static_cast<std::size_t>(t.columns) + static_cast<std::size_t>(column)];
  return std::isfinite(h) ? h : 0.f;
}

// Height on the triangle pair of one cell split along the (0,0)-(1,1) diagonal; fu, fv in [0, 1].
double cellHeight(double h00, double h10, double h01, double h11, double fu, double fv) {
  if (fu >= fv) return h00 + fu * (h10 - h00) + fv * (h11 - h10);
  return h00 + fv * (h01 - h00) + fu * (h11 - h01);
}

osg::Vec3 sampleNormal(const geo::Heightfield& t, int c, int r) {
  int c0 = std::max(c - 1, 0), c1 = std::min(c + 1, t.columns - 1);
  int r0 = std::max(r - 1, 0), r1 = std::min(r + 1, t.rows - 1);
  double dzdx = (at(t, c1, r) - at(t, c0, r)) / ((c1 - c0) * t.spacingMeters);
  double dzdy = (at(t, c, r1) - at(t, c, r0)) / ((r1 - r0) * t.spacingMeters);
  osg::Vec3 n(static_cast<float>(-dzdx), static_cast<float>(-dzdy), 1.f);
  n.normalize();
  return n;
}

// ---------------------------------------------------------------------------------------------
// Chunk levels

// 1080 pixels over a 30 degree vertical field of view.
constexpr double kPixelsPerRadian = 1080.0 / (30.0 * 3.14159265358979323846 / 180.0);

// Sample indices of one level along one axis: every step-th from `first`, always ending on `last`.
std::vector<int> levelSamples(int first, int last, int step) {
  std::vector<int> out;
  for (int i = first; i < last; i += step) out.push_back(i);
  out.push_back(last);
  return out;
}

// Position of `sample` between the level samples around it: (interval index, fraction).
std::pair<std::size_t, double> locate(const std::vector<int>& samples, int sample) {
  auto it = std::upper_bound(samples.begin(), samples.end(), sample);
  std::size_t i = it == samples.begin() ? 0 : static_cast<std::size_t>(it - samples.begin()) - 1;
  if (i + 1 >= samples.size()) i = samples.size() - 2;
  return {i, static_cast<double>(sample - samples[i]) / (samples[i + 1] - samples[i])};
}

// Largest vertical distance between the full-detail samples of the chunk and the level's surface.
double levelError(const geo::Heightfield& t, const std::vector<int>& columns, const std::vector<int>& rows) {
  double error = 0;
  for (int r = rows.front(); r <= rows.back(); ++r) {
    auto [j, fv] = locate(rows, r);
    for (int c = columns.front(); c <= columns.back(); ++c) {
      auto [i, fu] = locate(columns, c);
      double h = cellHeight(at(t, columns[i], rows[j]), at(t, columns[i + 1], rows[j]), at(t, columns[i], rows[j + 1]),
                            at(t, columns[i + 1], rows[j + 1]), fu, fv);
      error = std::max(error, std::abs(h - at(t, c, r)));
    }
  }
  return error;
}

osg::ref_ptr<osg::Geometry> levelGeometry(const geo::Heightfield& t, const std::vector<int>& columns,
                                          const std::vector<int>& rows, float skirtMeters, TerrainStats& stats,
                                          bool countTriangles) {
  osg::ref_ptr<osg::Vec3Array> vertices = new osg::Vec3Array;
  osg::ref_ptr<osg::Vec3Array> normals = new osg::Vec3Array;
  const std::size_t nu = columns.size(), nv = rows.size();
  vertices->reserve(nu * nv + 2 * (nu + nv) * 2);
  for (int r : rows) {
    for (int c : columns) {
      vertices->push_back(osg::Vec3(static_cast<float>(t.originMeters.x + c * t.spacingMeters),
                                    static_cast<float>(t.originMeters.y + r * t.spacingMeters), at(t, c, r)));
      normals->push_back(sampleNormal(t, c, r));
    }
  }
  std::vector<std::uint32_t> indices;
  indices.reserve((nu - 1) * (nv - 1) * 6);
  auto index = [nu](std::size_t i, std::size_t j) { return static_cast<std::uint32_t>(j * nu + i); };
  for (std::size_t j = 0; j + 1 < nv; ++j) {
    for (std::size_t i = 0; i + 1 < nu; ++i) {
      std::uint32_t a = index(i, j), b = index(i + 1, j), c = index(i + 1, j + 1), d = index(i, j + 1);
      indices.insert(indices.end(), {a, b, c, a, c, d});
    }
  }
  if (countTriangles) stats.triangles += indices.size() / 3;
  // Skirt: the border ring, counter-clockwise, each vertex repeated skirtMeters lower.
  std::vector<std::uint32_t> ring;
  for (std::size_t i = 0; i < nu; ++i) ring.push_back(index(i, 0));
  for (std::size_t j = 1; j < nv; ++j) ring.push_back(index(nu - 1, j));
  for (std::size_t i = nu - 1; i-- > 0;) ring.push_back(index(i, nv - 1));
  for (std::size_t j = nv - 1; j-- > 1;) ring.push_back(index(0, j));
  ring.push_back(ring.front());
  std::vector<std::uint32_t> lowered;
  for (std::uint32_t v : ring) {
    lowered.push_back(static_cast<std::uint32_t>(vertices->size()));
    vertices->push_back((*vertices)[v] - osg::Vec3(0, 0, skirtMeters));
    normals->push_back((*normals)[v]);
  }
  for (std::size_t k = 0; k + 1 < ring.size(); ++k)
    indices.insert(indices.end(), {ring[k], lowered[k], lowered[k + 1], ring[k], lowered[k + 1], ring[k + 1]});

  osg::ref_ptr<osg::Geometry> geometry = new osg::Geometry;
  geometry->setName(kTerrainGeometryName);
  geometry->setUseDisplayList(false);
  geometry->setUseVertexBufferObjects(true);
  geometry->setVertexArray(vertices);
  geometry->setNormalArray(normals, osg::Array::BIND_PER_VERTEX);
  if (vertices->size() <= 0xFFFF) {
    osg::ref_ptr<osg::DrawElementsUShort> elements = new osg::DrawElementsUShort(GL_TRIANGLES);
    elements->reserve(indices.size());
    for (std::uint32_t i : indices) elements->push_back(static_cast<GLushort>(i));
    geometry->addPrimitiveSet(elements);
  } else {
    geometry->addPrimitiveSet(new osg::DrawElementsUInt(GL_TRIANGLES, indices.begin(), indices.end()));
  }
  stats.vertices += vertices->size();
  ++stats.geometries;
  return geometry;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// buildTerrainMesh

osg::ref_ptr<osg::Group> buildTerrainMesh(const geo::Heightfield& terrain, const TerrainOptions& options,
                                          TerrainStats* statsOut) {
  TerrainStats stats;
  osg::ref_ptr<osg::Group> group = new osg::Group;
  group->setName("terrain");
  if (!usable(&terrain)) {
    if (statsOut) *statsOut = stats;
    return group;
  }
  const int chunkCells = std::clamp(options.chunkCells, 2, 4096);
  const int levels = std::clamp(options.levels, 1, 6);
  const double maxPixelError =
      std::isfinite(options.maxPixelError) && options.maxPixelError > 0.01 ? options.maxPixelError : 2;
  for (int r0 = 0; r0 < terrain.rows - 1; r0 += chunkCells) {
    const int r1 = std::min(r0 + chunkCells, terrain.rows - 1);
    for (int c0 = 0; c0 < terrain.columns - 1; c0 += chunkCells) {
      const int c1 = std::min(c0 + chunkCells, terrain.columns - 1);
      float lowest = std::numeric_limits<float>::max(), highest = std::numeric_limits<float>::lowest();
      for (int r = r0; r <= r1; ++r)
        for (int c = c0; c <= c1; ++c) {
          lowest = std::min(lowest, at(terrain, c, r));
          highest = std::max(highest, at(terrain, c, r));
        }
      const float skirt = highest - lowest + 1.f;
      osg::ref_ptr<osg::LOD> lod = new osg::LOD;
      lod->setName("terrain chunk " + std::to_string(c0 / chunkCells) + "," + std::to_string(r0 / chunkCells));
      const double radius = 0.5 * std::hypot(c1 - c0, r1 - r0) * terrain.spacingMeters;
      // The LOD measures from the chunk's centre; the nearest point of the chunk is up to `radius` closer.
      float near = 0;
      std::vector<int> previousColumns, previousRows;
      std::vector<std::pair<osg::ref_ptr<osg::Geometry>, float>> children;  // geometry, distance it starts at
      for (int level = 0; level < levels; ++level) {
        std::vector<int> columns = levelSamples(c0, c1, 1 << level), rows = levelSamples(r0, r1, 1 << level);
        if (columns == previousColumns && rows == previousRows) break;  // the chunk is too small to decimate further
        float start = 0;
        if (level > 0) {
          double switchMeters = levelError(terrain, columns, rows) * kPixelsPerRadian / maxPixelError + radius;
          start = std::max(near, static_cast<float>(switchMeters));
        }
        children.emplace_back(levelGeometry(terrain, columns, rows, skirt, stats, level == 0), start);
        near = start;
        previousColumns = std::move(columns);
        previousRows = std::move(rows);
      }
      for (std::size_t k = 0; k < children.size(); ++k) {
        float end = k + 1 < children.size() ? children[k + 1].second : std::numeric_limits<float>::max();
        lod->addChild(children[k].first, children[k].second, end);
      }
      group->addChild(lod);
      ++stats.chunks;
    }
  }
  if (statsOut) *statsOut = stats;
  return group;
}

// ---------------------------------------------------------------------------------------------
// groundHeight

double groundHeight(const geo::Heightfield* terrain, double x, double y) {
  if (!usable(terrain) || !std::isfinite(x) || !std::isfinite(y)) return 0;
  const geo::Heightfield& t = *terrain;
  double u = std::clamp((x - t.originMeters.x) / t.spacingMeters, 0.0, static_cast<double>(t.columns - 1));
  double v = std::clamp((y - t.originMeters.y) / t.spacingMeters, 0.0, static_cast<double>(t.rows - 1));
  int c = std::min(static_cast<int>(u), t.columns - 2), r = std::min(static_cast<int>(v), t.rows - 2);
  return cellHeight(at(t, c, r), at(t, c + 1, r), at(t, c, r + 1), at(t, c + 1, r + 1), u - c, v - r);
}

// ---------------------------------------------------------------------------------------------
// drapeLine

namespace {

constexpr std::size_t kMaxPointsPerSegment = 100000;

// The whole numbers k in [lo, hi] strictly between a and b: the first and how many.
std::pair<double, double> crossingRange(double a, double b, double lo, double hi) {
  double first = std::max(std::floor(std::min(a, b)) + 1, lo);
  double last = std::min(std::ceil(std::max(a, b)) - 1, hi);
  return {first, last >= first ? last - first + 1 : 0};
}

// Parameters in (0, 1) where the coordinate a + t (b - a) crosses a whole number in [lo, hi].
void addCrossings(double a, double b, double lo, double hi, std::vector<double>& ts) {
  auto [first, count] = crossingRange(a, b, lo, hi);
  for (double i = 0; i < count; i += 1) ts.push_back((first + i - a) / (b - a));
}

}  // namespace

std::vector<osg::Vec3> drapeLine(const geo::Heightfield* terrain, const std::vector<core::Vec2>& line,
                                 double liftMeters) {
  std::vector<core::Vec2> points;
  for (const core::Vec2& p : line)
    if (core::isFinite(p)) points.push_back(p);
  if (points.size() < 2) return {};
  const double lift = std::isfinite(liftMeters) ? liftMeters : 0;
  const bool hasTerrain = usable(terrain);
  auto emit = [&](std::vector<osg::Vec3>& out, double x, double y) {
    out.push_back(osg::Vec3(static_cast<float>(x), static_cast<float>(y),
                            static_cast<float>(groundHeight(terrain, x, y) + lift)));
  };
  std::vector<osg::Vec3> out;
  std::vector<double> ts;
  for (std::size_t i = 0; i + 1 < points.size(); ++i) {
    const core::Vec2 a = points[i], b = points[i + 1];
    emit(out, a.x, a.y);
    if (!hasTerrain) continue;
    const geo::Heightfield& t = *terrain;
    // Outside the grid groundHeight() clamps, so only crossings of lines inside the grid matter.
    const double ua = (a.x - t.originMeters.x) / t.spacingMeters, ub = (b.x - t.originMeters.x) / t.spacingMeters;
    const double va = (a.y - t.originMeters.y) / t.spacingMeters, vb = (b.y - t.originMeters.y) / t.spacingMeters;
    const double uMax = t.columns - 1.0, vMax = t.rows - 1.0;
    const double count = crossingRange(ua, ub, 0, uMax).second + crossingRange(va, vb, 0, vMax).second +
                         crossingRange(ua - va, ub - vb, -vMax, uMax).second;
    ts.clear();
    if (count > static_cast<double>(kMaxPointsPerSegment)) {
      for (std::size_t k = 1; k < kMaxPointsPerSegment; ++k)
        ts.push_back(static_cast<double>(k) / kMaxPointsPerSegment);
    } else {
      addCrossings(ua, ub, 0, uMax, ts);
      addCrossings(va, vb, 0, vMax, ts);
      // Cell diagonals (u - v a whole number) only bend the surface inside the grid.
      const std::size_t diagonals = ts.size();
      addCrossings(ua - va, ub - vb, -vMax, uMax, ts);
      ts.erase(std::remove_if(ts.begin() + static_cast<std::ptrdiff_t>(diagonals), ts.end(),
                              [&](double s) {
                                double u = ua + s * (ub - ua), v = va + s * (vb - va);
                                return u < -1e-9 || u > uMax + 1e-9 || v < -1e-9 || v > vMax + 1e-9;
                              }),
               ts.end());
      std::sort(ts.begin(), ts.end());
    }
    double previous = 0;
    for (double s : ts) {
      if (s - previous < 1e-9 || s >= 1 - 1e-9) continue;
      emit(out, a.x + s * (b.x - a.x), a.y + s * (b.y - a.y));
      previous = s;
    }
  }
  emit(out, points.back().x, points.back().y);
  return out;
}

// ---------------------------------------------------------------------------------------------
// drapeTriangles / drapePolygon

namespace {
constexpr std::size_t kMaxDrapedTriangles = 2000000;
}

DrapedMesh drapeTriangles(const geo::Heightfield* terrain, const std::vector<core::Vec2>& points,
                          const std::vector<std::uint32_t>& triangles, double liftMeters) {
  DrapedMesh mesh;
  const double lift = std::isfinite(liftMeters) ? liftMeters : 0;
  std::vector<core::Vec2> work(points);
  std::vector<std::array<std::uint32_t, 3>> input;
  double area = 0, perimeter = 0;
  for (std::size_t i = 0; i + 2 < triangles.size(); i += 3) {
    std::array<std::uint32_t, 3> tri = {triangles[i], triangles[i + 1], triangles[i + 2]};
    bool ok = true;
    for (std::uint32_t v : tri) ok = ok && v < points.size() && core::isFinite(points[v]);
    if (!ok) continue;
    const core::Vec2 &a = points[tri[0]], &b = points[tri[1]], &c = points[tri[2]];
    area += 0.5 * std::abs((b.x - a.x) * (c.y - a.y) - (c.x - a.x) * (b.y - a.y));
    perimeter += std::hypot(b.x - a.x, b.y - a.y) + std::hypot(c.x - b.x, c.y - b.y) + std::hypot(a.x - c.x, a.y - c.y);
    input.push_back(tri);
  }
  // Bisection down to edges of length L makes about 4 area / L^2 triangles, and slivers about
  // perimeter / L more: L grows so that neither passes the bound.
  double maxEdge = std::numeric_limits<double>::infinity();
  if (usable(terrain)) {
    maxEdge = std::max({terrain->spacingMeters, std::sqrt(4 * area / static_cast<double>(kMaxDrapedTriangles)),
                        2 * perimeter / static_cast<double>(kMaxDrapedTriangles)});
  }
  const double maxEdge2 = maxEdge * maxEdge;
  std::unordered_map<std::uint64_t, std::uint32_t> midpoints;
  std::vector<std::uint32_t> outputIndex(points.size(), std::numeric_limits<std::uint32_t>::max());
  auto output = [&](std::uint32_t v) {
    if (v >= outputIndex.size()) outputIndex.resize(v + 1, std::numeric_limits<std::uint32_t>::max());
    if (outputIndex[v] == std::numeric_limits<std::uint32_t>::max()) {
      outputIndex[v] = static_cast<std::uint32_t>(mesh.vertices.size());
      const core::Vec2& p = work[v];
      mesh.vertices.push_back(osg::Vec3(static_cast<float>(p.x), static_cast<float>(p.y),
                                        static_cast<float>(groundHeight(terrain, p.x, p.y) + lift)));
    }
    return outputIndex[v];
  };
  auto length2 = [&](std::uint32_t a, std::uint32_t b) {
    double dx = work[a].x - work[b].x, dy = work[a].y - work[b].y;
    return dx * dx + dy * dy;
  };
  std::vector<std::array<std::uint32_t, 3>> stack;
  for (const auto& start : input) {
    stack.push_back(start);
    while (!stack.empty()) {
      std::array<std::uint32_t, 3> t = stack.back();
      stack.pop_back();
      double e[3] = {length2(t[0], t[1]), length2(t[1], t[2]), length2(t[2], t[0])};
      int longest = static_cast<int>(std::max_element(e, e + 3) - e);
      if (e[longest] <= maxEdge2 || mesh.triangles.size() / 3 >= 2 * kMaxDrapedTriangles) {
        for (std::uint32_t v : t) mesh.triangles.push_back(output(v));
        continue;
      }
      std::uint32_t a = t[static_cast<std::size_t>(longest)], b = t[static_cast<std::size_t>((longest + 1) % 3)],
                    c = t[static_cast<std::size_t>((longest + 2) % 3)];
      std::uint64_t key = (static_cast<std::uint64_t>(std::min(a, b)) << 32) | std::max(a, b);
      auto found = midpoints.find(key);
      std::uint32_t m;
      if (found != midpoints.end()) {
        m = found->second;
      } else {
        m = static_cast<std::uint32_t>(work.size());
        work.push_back({(work[a].x + work[b].x) / 2, (work[a].y + work[b].y) / 2});
        midpoints.emplace(key, m);
      }
      stack.push_back({a, m, c});
      stack.push_back({m, b, c});
    }
  }
  return mesh;
}

DrapedMesh drapePolygon(const geo::Heightfield* terrain, const core::Polygon& polygon, double liftMeters) {
  detail::Triangulation triangulation;
  std::string why;
  if (!detail::triangulateFootprint(polygon, triangulation, why)) return {};
  return drapeTriangles(terrain, triangulation.vertices, triangulation.triangles, liftMeters);
}

}  // namespace twin::scene
