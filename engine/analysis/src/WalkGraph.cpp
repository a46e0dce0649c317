#include "twin/analysis/WalkGraph.h"

#include "twin/geo/Heightfield.h"

#include "twin/analysis/Visibility.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace twin::analysis {

namespace {

std::string tagValue(const model::Tags& tags, const char* key) {
  const auto it = tags.find(key);
  return it == tags.end() ? std::string() : it->second;
}

bool oneOf(const std::string& v, std::initializer_list<const char*> list) {
  for (const char* s : list)
    if (v == s) return true;
  return false;
}

std::uint64_t cellKey(std::int64_t cx, std::int64_t cy) {
  return (static_cast<std::uint64_t>(cx) << 32) ^ static_cast<std::uint64_t>(cy & 0xffffffff);
}

double dist2(core::Vec2 a, core::Vec2 b) {
  const double dx = a.x - b.x, dy = a.y - b.y;
  return dx * dx + dy * dy;
}

}  // namespace

bool isWalkable(const std::string& highway, const model::Tags& tags) {
  const std::string foot = tagValue(tags, "foot");
  const std::string access = tagValue(tags, "access");
  const bool footAllowed = oneOf(foot, {"yes", "designated", "permissive", "official"});
  if (foot == "no" || foot == "private") return false;
  if (oneOf(access, {"private", "no"}) && !footAllowed) return false;
  if (tagValue(tags, "area") == "yes" && highway != "pedestrian") return false;
  if (oneOf(highway, {"footway",       "path",      "pedestrian",     "steps",        "living_street",
                      "residential",   "service",   "track",          "unclassified", "tertiary",
                      "tertiary_link", "secondary", "secondary_link", "primary",      "primary_link",
                      "cycleway",      "corridor",  "platform",       "bridleway",    "road"}))
    return true;
  if (oneOf(highway, {"motorway", "motorway_link", "trunk", "trunk_link"})) {
    const std::string sidewalk = tagValue(tags, "sidewalk");
    return footAllowed || oneOf(sidewalk, {"both", "left", "right", "yes", "separate"});
  }
  return false;
}

double toblerSlowness(double slope) {
  if (!std::isfinite(slope)) return 1.0;
  return std::exp(3.5 * (std::abs(slope + 0.05) - 0.05));
}

class WalkGraphBuilder {
 public:
  explicit WalkGraphBuilder(const WalkGraphOptions& o) : _options(o) {
    _merge = o.mergeMeters > 0 && std::isfinite(o.mergeMeters) ? o.mergeMeters : 0.001;
  }

  NodeId node(core::Vec2 p) {
    const std::int64_t cx = static_cast<std::int64_t>(std::floor(p.x / _merge));
    const std::int64_t cy = static_cast<std::int64_t>(std::floor(p.y / _merge));
    for (std::int64_t dx = -1; dx <= 1; ++dx)
      for (std::int64_t dy = -1; dy <= 1; ++dy) {
        const auto it = _index.find(cellKey(cx + dx, cy + dy));
        if (it != _index.end() && dist2(_g._positions[it->second], p) <= _merge * _merge) return it->second;
      }
    const NodeId id = static_cast<NodeId>(_g._positions.size());
    _g._positions.push_back(p);
    _index.emplace(cellKey(cx, cy), id);
    return id;
  }

  /** `heights`: one per point or null; `slope`: whether grades change the cost (not on steps). */
  void addLine(const std::vector<core::Vec2>& points, double slowness, std::uint32_t road,
               const std::vector<double>* heights, bool slope) {
    NodeId prev = kNoNode;
    const geo::Heightfield* terrain = slope && _options.toblerSlope && _options.terrain && !_options.terrain->empty() &&
                                              _options.terrain->spacingMeters > 0 &&
                                              std::isfinite(_options.terrain->spacingMeters)
                                          ? _options.terrain
                                          : nullptr;
    const bool perVertex = slope && _options.toblerSlope && !terrain && heights && heights->size() == points.size();
    for (std::size_t k = 0; k < points.size(); ++k) {
      const core::Vec2& p = points[k];
      const NodeId n = node(p);
      if (prev != kNoNode && prev != n) {
        const core::Vec2 from = _g._positions[prev];
        const double len = std::sqrt(dist2(from, p));
        double forward = len * slowness, backward = forward;
        if (terrain) {
          slopeCost(from, p, len, *terrain, forward, backward);
          forward *= slowness;
          backward *= slowness;
        } else if (perVertex) {
          const double rise = (*heights)[k] - (*heights)[k - 1];
          if (std::isfinite(rise) && len > 0) {
            forward = len * slowness * toblerSlowness(rise / len);
            backward = len * slowness * toblerSlowness(-rise / len);
          } else if (!std::isfinite(rise)) {
            ++_badHeights;
          }
        }
        _g._segments.push_back(
            {prev, n, static_cast<float>(len), static_cast<float>(forward), road, static_cast<float>(backward)});
      }
      prev = n;
    }
  }

  WalkGraph finish(core::Diagnostics& diag, WalkGraphStats* stats) {
    WalkGraph& g = _g;
    const std::size_t n = g._positions.size();
    g._offsets.assign(n + 1, 0);
    for (const WalkSegment& s : g._segments) {
      ++g._offsets[s.a + 1];
      ++g._offsets[s.b + 1];
    }
    for (std::size_t i = 0; i < n; ++i) g._offsets[i + 1] += g._offsets[i];
    g._edges.resize(g._offsets[n]);
    std::vector<std::uint32_t> fill(g._offsets.begin(), g._offsets.end() - 1);
    for (std::uint32_t i = 0; i < g._segments.size(); ++i) {
      const WalkSegment& s = g._segments[i];
      g._edges[fill[s.a]++] = {s.b, i, s.lengthMeters, s.costMeters};
      g._edges[fill[s.b]++] = {s.a, i, s.lengthMeters, s.costBackMeters};
    }
    components();
    for (const core::Vec2& p : g._positions) g._bounds.add(p);
    buildIndex();
    double total = 0;
    for (const WalkSegment& s : g._segments) total += s.lengthMeters;
    if (_badHeights > 0)
      diag.add(core::Severity::Warning, "analysis::buildWalkGraph()", "", "", "",
               std::to_string(_badHeights) + " segment pieces have a non-finite height", "treated as flat");
    if (g.componentCount() > 1) {
      diag.add(core::Severity::Info, "analysis::buildWalkGraph()", "", "", "",
               "walk network has " + std::to_string(g.componentCount()) + " disconnected parts; " +
                   std::to_string(n - g._componentSizes[0]) + " of " + std::to_string(n) +
                   " nodes are outside the largest",
               "kept");
    }
    if (stats) {
      stats->nodes = n;
      stats->segments = g._segments.size();
      stats->components = g.componentCount();
      stats->nodesOutsideLargestComponent = n ? n - g._componentSizes[0] : 0;
      stats->totalLengthMeters = total;
    }
    return std::move(_g);
  }

 private:
  // Cost both ways over pieces no longer than the terrain spacing, so that a hill or a dip
  // between two vertices is climbed; a piece with a non-finite height counts as flat.
  void slopeCost(core::Vec2 from, core::Vec2 to, double len, const geo::Heightfield& terrain, double& forward,
                 double& backward) {
    const int pieces = std::max(1, static_cast<int>(std::ceil(len / terrain.spacingMeters)));
    const double step = len / pieces;
    forward = backward = 0;
    double h0 = terrain.heightAt(from);
    for (int i = 1; i <= pieces; ++i) {
      const double t = static_cast<double>(i) / pieces;
      const double h1 = terrain.heightAt(from.x + (to.x - from.x) * t, from.y + (to.y - from.y) * t);
      const double rise = h1 - h0;
      if (!std::isfinite(rise)) ++_badHeights;
      const double grade = std::isfinite(rise) && step > 0 ? rise / step : 0.0;
      forward += step * toblerSlowness(grade);
      backward += step * toblerSlowness(-grade);
      h0 = h1;
    }
  }

  void components() {
    WalkGraph& g = _g;
    const std::size_t n = g._positions.size();
    std::vector<std::uint32_t> raw(n, 0xffffffffu), sizes;
    std::vector<NodeId> stack;
    for (NodeId start = 0; start < n; ++start) {
      if (raw[start] != 0xffffffffu) continue;
      const std::uint32_t c = static_cast<std::uint32_t>(sizes.size());
      std::uint32_t size = 0;
      raw[start] = c;
      stack.push_back(start);
      while (!stack.empty()) {
        const NodeId u = stack.back();
        stack.pop_back();
        ++size;
        for (const WalkEdge* e = g.edgesBegin(u); e != g.edgesEnd(u); ++e)
          if (raw[e->target] == 0xffffffffu) {
            raw[e->target] = c;
            stack.push_back(e->target);
          }
      }
      sizes.push_back(size);
    }
    // Largest first, so component 0 is "the" network and the rest are islands.
    std::vector<std::uint32_t> order(sizes.size());
    for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return sizes[a] > sizes[b]; });
    std::vector<std::uint32_t> rank(sizes.size());
    g._componentSizes.resize(sizes.size());
    for (std::uint32_t r = 0; r < order.size(); ++r) {
      rank[order[r]] = r;
      g._componentSizes[r] = sizes[order[r]];
    }
    g._component.resize(n);
    for (std::size_t i = 0; i < n; ++i) g._component[i] = rank[raw[i]];
  }

  void buildIndex() {
    WalkGraph& g = _g;
    if (g._segments.empty()) return;
    double cell =
        _options.indexCellMeters > 0 && std::isfinite(_options.indexCellMeters) ? _options.indexCellMeters : 50;
    // Keep the grid below ~4M cells whatever the extent.
    while ((g._bounds.width() / cell + 1) * (g._bounds.height() / cell + 1) > 4e6) cell *= 2;
    g._cell = cell;
    g._cols = static_cast<int>(g._bounds.width() / cell) + 1;
    g._rows = static_cast<int>(g._bounds.height() / cell) + 1;
    const std::size_t cells = static_cast<std::size_t>(g._cols) * g._rows;
    g._cellOffsets.assign(cells + 1, 0);
    auto forCells = [&](const WalkSegment& s, auto&& fn) {
      const core::Vec2 a = g._positions[s.a], b = g._positions[s.b];
      const int x0 = static_cast<int>((std::min(a.x, b.x) - g._bounds.minX) / cell);
      const int x1 = static_cast<int>((std::max(a.x, b.x) - g._bounds.minX) / cell);
      const int y0 = static_cast<int>((std::min(a.y, b.y) - g._bounds.minY) / cell);
      const int y1 = static_cast<int>((std::max(a.y, b.y) - g._bounds.minY) / cell);
      for (int y = y0; y <= std::min(y1, g._rows - 1); ++y)
        for (int x = x0; x <= std::min(x1, g._cols - 1); ++x) fn(static_cast<std::size_t>(y) * g._cols + x);
    };
    for (const WalkSegment& s : g._segments) forCells(s, [&](std::size_t c) { ++g._cellOffsets[c + 1]; });
    for (std::size_t i = 0; i < cells; ++i) g._cellOffsets[i + 1] += g._cellOffsets[i];
    g._cellSegments.resize(g._cellOffsets[cells]);
    std::vector<std::uint32_t> fill(g._cellOffsets.begin(), g._cellOffsets.end() - 1);
    for (std::uint32_t i = 0; i < g._segments.size(); ++i)
      forCells(g._segments[i], [&](std::size_t c) { g._cellSegments[fill[c]++] = i; });
  }

  WalkGraphOptions _options;
  double _merge = 0.001;
  std::size_t _badHeights = 0;
  WalkGraph _g;
  std::unordered_map<std::uint64_t, NodeId> _index;
};

core::Vec2 WalkGraph::pointOn(std::uint32_t segment, double t) const {
  const core::Vec2 a = _positions[_segments[segment].a], b = _positions[_segments[segment].b];
  return {a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t};
}

bool WalkGraph::snap(core::Vec2 p, double maxMeters, SnapPoint& out) const {
  if (!core::isFinite(p) || _segments.empty() || !(maxMeters >= 0)) return false;
  const int cx = static_cast<int>(std::floor((p.x - _bounds.minX) / _cell));
  const int cy = static_cast<int>(std::floor((p.y - _bounds.minY) / _cell));
  double best = std::numeric_limits<double>::infinity();
  // Rings of cells around p; cells beyond ring r are at least r cells away, so stop once the
  // best distance is within that. Distance from p to the grid limits the useful rings.
  const double outside =
      std::max({_bounds.minX - p.x, p.x - _bounds.maxX, _bounds.minY - p.y, p.y - _bounds.maxY, 0.0});
  // 1e7 m: nothing in a site frame is that far; also keeps the cell arithmetic in int range.
  if (outside > maxMeters || outside > 1e7) return false;
  // Beyond cols + rows rings every cell has been seen; the cap also keeps huge limits finite.
  const double rings = std::min((maxMeters + outside) / _cell, outside / _cell + _cols + _rows) + 2;
  const int maxRing = static_cast<int>(rings);
  for (int r = 0; r <= maxRing; ++r) {
    for (int y = cy - r; y <= cy + r; ++y) {
      if (y < 0 || y >= _rows) continue;
      const bool edgeRow = (y == cy - r || y == cy + r);
      for (int x = cx - r; x <= cx + r; x += (edgeRow ? 1 : 2 * r)) {
        if (x >= 0 && x < _cols) {
          const std::size_t c = static_cast<std::size_t>(y) * _cols + x;
          for (std::uint32_t k = _cellOffsets[c]; k < _cellOffsets[c + 1]; ++k) {
            const std::uint32_t si = _cellSegments[k];
            const core::Vec2 a = _positions[_segments[si].a], b = _positions[_segments[si].b];
            const double dx = b.x - a.x, dy = b.y - a.y, len2 = dx * dx + dy * dy;
            double t = len2 > 0 ? ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2 : 0;
            t = std::clamp(t, 0.0, 1.0);
            const core::Vec2 q{a.x + dx * t, a.y + dy * t};
            const double d = std::sqrt(dist2(p, q));
            if (d < best) {
              best = d;
              out = {si, t, q, d};
            }
          }
        }
        if (r == 0) break;
      }
    }
    if (best <= r * _cell - outside) break;
  }
  return best <= maxMeters;
}

std::size_t WalkGraph::assignOsmNodeIds(const std::vector<std::pair<std::int64_t, core::Vec2>>& osmNodes,
                                        double toleranceMeters) {
  if (!(toleranceMeters > 0)) toleranceMeters = 0.01;
  std::unordered_map<std::uint64_t, std::vector<NodeId>> cells;
  for (NodeId i = 0; i < _positions.size(); ++i)
    cells[cellKey(static_cast<std::int64_t>(std::floor(_positions[i].x / toleranceMeters)),
                  static_cast<std::int64_t>(std::floor(_positions[i].y / toleranceMeters)))]
        .push_back(i);
  _osmNodeIds.assign(_positions.size(), 0);
  std::vector<double> bestD(_positions.size(), std::numeric_limits<double>::infinity());
  for (const auto& [id, p] : osmNodes) {
    if (!core::isFinite(p)) continue;
    const auto cx = static_cast<std::int64_t>(std::floor(p.x / toleranceMeters));
    const auto cy = static_cast<std::int64_t>(std::floor(p.y / toleranceMeters));
    for (std::int64_t dx = -1; dx <= 1; ++dx)
      for (std::int64_t dy = -1; dy <= 1; ++dy) {
        const auto it = cells.find(cellKey(cx + dx, cy + dy));
        if (it == cells.end()) continue;
        for (NodeId n : it->second) {
          const double d = dist2(_positions[n], p);
          if (d <= toleranceMeters * toleranceMeters && d < bestD[n]) {
            bestD[n] = d;
            _osmNodeIds[n] = id;
          }
        }
      }
  }
  std::size_t count = 0;
  for (std::int64_t id : _osmNodeIds) count += id != 0;
  return count;
}

namespace {

bool usableLine(const std::vector<core::Vec2>& points) {
  if (points.size() < 2) return false;
  for (const core::Vec2& p : points)
    if (!core::isFinite(p)) return false;
  return true;
}

}  // namespace

namespace {

// Road vertices on an area's boundary or inside it: where ways enter the area. OSM ways share
// the area's nodes, which project to identical coordinates; 5 cm absorbs rounding only.
constexpr double kOnBoundaryMeters = 0.05;

std::vector<core::Vec2> areaEntries(const model::WalkArea& area, const std::vector<model::Road>& roads,
                                    const std::vector<bool>& used) {
  core::Box2 box = core::bounds(area.polygon.outer);
  std::vector<core::Vec2> entries;
  for (std::size_t i = 0; i < roads.size(); ++i) {
    if (!used[i]) continue;
    for (const core::Vec2& v : roads[i].line) {
      if (v.x < box.minX - kOnBoundaryMeters || v.x > box.maxX + kOnBoundaryMeters ||
          v.y < box.minY - kOnBoundaryMeters || v.y > box.maxY + kOnBoundaryMeters)
        continue;
      if (!core::contains(area.polygon, v) && boundaryDistance(area.polygon, v) > kOnBoundaryMeters) continue;
      bool seen = false;
      for (const core::Vec2& e : entries) seen = seen || dist2(e, v) <= kOnBoundaryMeters * kOnBoundaryMeters;
      if (!seen) entries.push_back(v);
    }
  }
  return entries;
}

bool usableArea(const core::Polygon& polygon) {
  if (polygon.outer.size() < 3) return false;
  for (const core::Vec2& p : polygon.outer)
    if (!core::isFinite(p)) return false;
  for (const core::Ring& h : polygon.holes)
    for (const core::Vec2& p : h)
      if (!core::isFinite(p)) return false;
  return true;
}

}  // namespace

WalkGraph buildWalkGraph(const std::vector<model::Road>& roads, const WalkGraphOptions& options,
                         core::Diagnostics& diag, WalkGraphStats* stats) {
  return buildWalkGraph(roads, {}, options, diag, stats);
}

WalkGraph buildWalkGraph(const model::Site& site, const WalkGraphOptions& options, core::Diagnostics& diag,
                         WalkGraphStats* stats) {
  return buildWalkGraph(site.roads, site.walkAreas, options, diag, stats);
}

WalkGraph buildWalkGraph(const std::vector<model::Road>& roads, const std::vector<model::WalkArea>& areas,
                         const WalkGraphOptions& options, core::Diagnostics& diag, WalkGraphStats* stats) {
  WalkGraphBuilder builder(options);
  WalkGraphStats local;
  const double steps = options.stepsFactor > 0 && std::isfinite(options.stepsFactor) ? options.stepsFactor : 1.0;
  std::vector<bool> used(roads.size(), false);
  for (std::uint32_t i = 0; i < roads.size(); ++i) {
    const model::Road& r = roads[i];
    if (!isWalkable(r.highway, r.tags)) {
      ++local.roadsNotWalkable;
      continue;
    }
    if (!usableLine(r.line)) {
      ++local.roadsSkipped;
      diag.add(core::Severity::Warning, "analysis::buildWalkGraph()", "", "roads",
               r.idKind + " " + std::to_string(r.osmId),
               r.line.size() < 2 ? "way has fewer than 2 points" : "way has a non-finite coordinate", "skipped");
      continue;
    }
    ++local.roadsUsed;
    used[i] = true;
    const bool isSteps = r.highway == "steps";
    builder.addLine(r.line, isSteps ? steps : 1.0, i, &r.elevations, !isSteps);
  }
  double areaMeters = 0;
  // Squares are crossed as people cross them: in any straight line that stays inside, between
  // the ways that touch the square and around its corners and holes (a visibility graph).
  for (std::size_t a = 0; a < areas.size(); ++a) {
    const model::WalkArea& area = areas[a];
    const std::string record = area.idKind + " " + std::to_string(area.osmId);
    if (!usableArea(area.polygon)) {
      ++local.areasSkipped;
      diag.add(core::Severity::Warning, "analysis::buildWalkGraph()", "", "walk areas", record,
               "area has fewer than 3 points or a non-finite coordinate", "skipped");
      continue;
    }
    const std::uint32_t road = static_cast<std::uint32_t>(roads.size() + a);
    const std::vector<core::Vec2> entries = areaEntries(area, roads, used);
    std::size_t points = area.polygon.outer.size() + entries.size();
    for (const core::Ring& h : area.polygon.holes) points += h.size();
    ++local.areasUsed;
    if (points > kMaxWalkAreaPoints) {
      // The visibility graph costs O(n^3): a huge area is walked along its outline instead.
      diag.add(core::Severity::Info, "analysis::buildWalkGraph()", "", "walk areas", record,
               "area has " + std::to_string(points) + " vertices and entries (limit " +
                   std::to_string(kMaxWalkAreaPoints) + ")",
               "walked along its outline only");
      std::vector<core::Vec2> ring(area.polygon.outer.begin(), area.polygon.outer.end());
      ring.push_back(ring.front());
      builder.addLine(ring, 1.0, road, nullptr, true);
      continue;
    }
    for (const auto& [from, to] : visibilityEdges(area.polygon, entries, kOnBoundaryMeters)) {
      builder.addLine({from, to}, 1.0, road, nullptr, true);
      ++local.areaSegments;
      areaMeters += std::sqrt(dist2(from, to));
    }
  }
  WalkGraph g = builder.finish(diag, &local);
  // The visibility edges overlap one another: the length figure stays the length of the ways.
  local.totalLengthMeters = std::max(0.0, local.totalLengthMeters - areaMeters);
  if (stats) *stats = local;
  return g;
}

WalkGraph buildWalkGraph(const std::vector<WalkLine>& lines, const WalkGraphOptions& options, core::Diagnostics& diag,
                         WalkGraphStats* stats) {
  WalkGraphBuilder builder(options);
  WalkGraphStats local;
  for (std::uint32_t i = 0; i < lines.size(); ++i) {
    const double slowness = lines[i].slowness;
    if (!usableLine(lines[i].points) || !(slowness > 0) || !std::isfinite(slowness)) {
      ++local.roadsSkipped;
      diag.add(core::Severity::Warning, "analysis::buildWalkGraph()", "", "lines", "line " + std::to_string(i),
               "line has fewer than 2 points, a non-finite coordinate or a bad slowness", "skipped");
      continue;
    }
    ++local.roadsUsed;
    builder.addLine(lines[i].points, slowness, i, &lines[i].elevations, true);
  }
  WalkGraph g = builder.finish(diag, &local);
  if (stats) *stats = local;
  return g;
}

}  // namespace twin::analysis
