#include "twin/analysis/Isochrone.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <unordered_map>

namespace twin::analysis {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// The travel-time field on a regular grid of nodes.
struct Field {
  double x0 = 0, y0 = 0, cell = 10;
  int nx = 0, ny = 0;
  std::vector<float> v;
  core::Vec2 at(int i, int j) const { return {x0 + i * cell, y0 + j * cell}; }
  float& operator()(int i, int j) { return v[static_cast<std::size_t>(j) * nx + i]; }
  float operator()(int i, int j) const { return v[static_cast<std::size_t>(j) * nx + i]; }
};

Field travelField(const WalkGraph& graph, const ReachSet& reach, const IsochroneOptions& options, double maxLimit) {
  Field f;
  f.cell = options.cellMeters > 0 && std::isfinite(options.cellMeters) ? options.cellMeters : 10;
  const double off = options.walkOffMeters >= 0 && std::isfinite(options.walkOffMeters) ? options.walkOffMeters : 0;
  // Walking off the street costs the same per metre as walking along a flat one.
  const double perMeter = reach.metric == WalkMetric::Meters ? 1.0 : 1.0 / reach.speedMps;

  // Segments with something reached: those of reached nodes and those holding an origin.
  std::vector<std::uint32_t> segments;
  for (NodeId u : reach.reached)
    for (const WalkEdge* e = graph.edgesBegin(u); e != graph.edgesEnd(u); ++e)
      if (!reach.reachedNode(e->target) || u < e->target) segments.push_back(e->segment);
  for (const WalkOrigin& o : reach.origins) segments.push_back(o.at.segment);

  struct Piece {
    std::uint32_t segment;
    double t0, t1;
  };
  std::vector<Piece> pieces;
  core::Box2 box;
  for (std::uint32_t s : segments)
    for (const auto& [t0, t1] : edgeReach(graph, reach, s)) {
      pieces.push_back({s, t0, t1});
      box.add(graph.pointOn(s, t0));
      box.add(graph.pointOn(s, t1));
    }
  if (pieces.empty()) return f;
  // One spare cell beyond the walk-off on every side keeps the border "not reached", so every
  // contour closes inside the grid.
  // Keep the grid under ~16M points (a long search on a big city): coarsen the cell instead.
  while ((box.width() + 2 * (off + 4 * f.cell)) * (box.height() + 2 * (off + 4 * f.cell)) / (f.cell * f.cell) > 16e6)
    f.cell *= 2;
  const double margin = off + 4 * f.cell;
  // Grid points just beyond the walk-off get a steep ramp instead of "not reached", so that
  // contours cross within ~1/50 cell of the walk-off line rather than half a cell beyond it.
  const double ramp = off + f.cell;
  const double steep = 50 * std::max(maxLimit, 1.0) / f.cell;
  f.x0 = std::floor((box.minX - margin) / f.cell) * f.cell;
  f.y0 = std::floor((box.minY - margin) / f.cell) * f.cell;
  f.nx = static_cast<int>(std::ceil((box.maxX + margin - f.x0) / f.cell)) + 1;
  f.ny = static_cast<int>(std::ceil((box.maxY + margin - f.y0) / f.cell)) + 1;
  f.v.assign(static_cast<std::size_t>(f.nx) * f.ny, std::numeric_limits<float>::infinity());

  const double ramp2 = ramp * ramp;
  // Whole-segment weights a->b and b->a (they differ on a slope).
  auto segmentWeights = [&](const WalkSegment& seg) {
    return reach.metric == WalkMetric::Meters
               ? std::pair<double, double>(seg.lengthMeters, seg.lengthMeters)
               : std::pair<double, double>(seg.costMeters / reach.speedMps, seg.costBackMeters / reach.speedMps);
  };
  // A lower bound of every value a piece can give: its least time along the street plus the
  // perpendicular distance at the cheapest off-street rate. Filling pieces in ascending order of
  // that bound lets most grid points be skipped after one comparison (each point lies within
  // the walk-off of dozens of short segments), and a skipped point could not have been lowered,
  // so the field is exactly the same as filling every point of every piece.
  const double cheapestOff = std::min(perMeter, steep);
  std::vector<std::pair<double, std::uint32_t>> order(pieces.size());  // (least value, piece)
  for (std::size_t k = 0; k < pieces.size(); ++k) {
    const Piece& p = pieces[k];
    const WalkSegment& seg = graph.segments()[p.segment];
    const auto [wab, wba] = segmentWeights(seg);
    double least = std::min(reach.value[seg.a] + p.t0 * wab, reach.value[seg.b] + (1 - p.t1) * wba);
    for (const WalkOrigin& o : reach.origins)
      if (o.at.segment == p.segment) least = std::min(least, o.offsetSeconds);
    order[k] = {least, static_cast<std::uint32_t>(k)};
  }
  std::sort(order.begin(), order.end());

  std::vector<std::pair<double, double>> onSegment;  // origins on the piece's segment: (t, offset)
  for (const auto& [least, k] : order) {
    const Piece& p = pieces[k];
    const WalkSegment& seg = graph.segments()[p.segment];
    const auto [wab, wba] = segmentWeights(seg);
    const double va = reach.value[seg.a], vb = reach.value[seg.b];
    onSegment.clear();
    for (const WalkOrigin& o : reach.origins)
      if (o.at.segment == p.segment) onSegment.emplace_back(o.at.t, o.offsetSeconds);
    const core::Vec2 a = graph.pointOn(p.segment, p.t0), b = graph.pointOn(p.segment, p.t1);
    const core::Vec2 sa = graph.position(seg.a), sb = graph.position(seg.b);
    const double sdx = sb.x - sa.x, sdy = sb.y - sa.y, slen2 = sdx * sdx + sdy * sdy;
    const int i0 = std::max(0, static_cast<int>(std::floor((std::min(a.x, b.x) - ramp - f.x0) / f.cell)));
    const int i1 = std::min(f.nx - 1, static_cast<int>(std::ceil((std::max(a.x, b.x) + ramp - f.x0) / f.cell)));
    const int j0 = std::max(0, static_cast<int>(std::floor((std::min(a.y, b.y) - ramp - f.y0) / f.cell)));
    const int j1 = std::min(f.ny - 1, static_cast<int>(std::ceil((std::max(a.y, b.y) + ramp - f.y0) / f.cell)));
    // The points within `ramp` of the piece form a capsule; per row only its span is visited.
    const double plen = std::hypot(b.x - a.x, b.y - a.y);
    const double ux = plen > 0 ? (b.x - a.x) / plen : 1, uy = plen > 0 ? (b.y - a.y) / plen : 0;
    for (int j = j0; j <= j1; ++j) {
      float* row = &f.v[static_cast<std::size_t>(j) * f.nx];
      const double qy = f.y0 + j * f.cell;
      double lo = std::numeric_limits<double>::infinity(), hi = -lo;
      for (const core::Vec2& c : {a, b}) {
        const double dy = qy - c.y;
        if (std::abs(dy) > ramp) continue;
        const double h = std::sqrt(ramp * ramp - dy * dy);
        lo = std::min(lo, c.x - h);
        hi = std::max(hi, c.x + h);
      }
      // The strip beside the piece: 0 <= (P - a).u <= plen and |(P - a) x u| <= ramp, each
      // linear in the row's x.
      double sLo = -std::numeric_limits<double>::infinity(), sHi = -sLo;
      auto clip = [&](double coef, double constant, double min, double max) {
        // min <= coef * x + constant <= max
        if (coef == 0) {
          if (constant < min || constant > max) sLo = std::numeric_limits<double>::infinity();
          return;
        }
        double x0 = (min - constant) / coef, x1 = (max - constant) / coef;
        if (x0 > x1) std::swap(x0, x1);
        sLo = std::max(sLo, x0);
        sHi = std::min(sHi, x1);
      };
      clip(ux, -a.x * ux + (qy - a.y) * uy, 0, plen);
      clip(uy, -a.x * uy - (qy - a.y) * ux, -ramp, ramp);
      if (sLo <= sHi) {
        lo = std::min(lo, sLo);
        hi = std::max(hi, sHi);
      }
      if (!(lo <= hi)) continue;
      const int ilo = std::max(i0, static_cast<int>(std::ceil((lo - f.x0) / f.cell)));
      const int ihi = std::min(i1, static_cast<int>(std::floor((hi - f.x0) / f.cell)));
      // Perpendicular distance to the piece's line, |across0 + i * acrossStep|, bounds the
      // distance to the piece from below.
      const double across0 = (f.x0 - a.x) * uy - (qy - a.y) * ux, acrossStep = f.cell * uy;
      for (int i = ilo; i <= ihi; ++i) {
        if (row[i] <= least + std::abs(across0 + i * acrossStep) * cheapestOff) continue;
        const double qx = f.x0 + i * f.cell;
        double t = slen2 > 0 ? ((qx - sa.x) * sdx + (qy - sa.y) * sdy) / slen2 : p.t0;
        t = std::clamp(t, p.t0, p.t1);
        const double ex = qx - (sa.x + sdx * t), ey = qy - (sa.y + sdy * t);
        const double d2 = ex * ex + ey * ey;
        if (d2 > ramp2) continue;
        // Same as ReachSet::valueAt, inlined: this loop is the hot part of the polygons.
        double v = std::min(va + t * wab, vb + (1 - t) * wba);
        for (const auto& [ot, offset] : onSegment)
          v = std::min(v, offset + (t >= ot ? (t - ot) * wab : (ot - t) * wba));
        if (!(v <= reach.cutoff)) continue;
        const double d = std::sqrt(d2);
        const double value = d <= off ? v + d * perMeter : v + off * perMeter + (d - off) * steep;
        row[i] = std::min(row[i], static_cast<float>(value));
      }
    }
  }
  return f;
}

// Crossing of `level` on the edge a-b, computed in a fixed order so that both triangles that
// share the edge get the same point.
core::Vec2 crossing(core::Vec2 a, double va, core::Vec2 b, double vb, double level) {
  if (b.x < a.x || (b.x == a.x && b.y < a.y)) {
    std::swap(a, b);
    std::swap(va, vb);
  }
  const double t = vb == va ? 0.5 : std::clamp((level - va) / (vb - va), 0.0, 1.0);
  return {a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t};
}

struct Segment {
  std::uint64_t from, to;
  core::Vec2 p;  // the point of `from`
};

std::vector<core::Polygon> contour(const Field& f, double level, double big) {
  std::vector<Segment> segs;
  auto value = [&](int i, int j) {
    const double v = f(i, j);
    return std::isinf(v) ? big : v;
  };
  for (int j = 0; j + 1 < f.ny; ++j)
    for (int i = 0; i + 1 < f.nx; ++i) {
      const double c[4] = {value(i, j), value(i + 1, j), value(i + 1, j + 1), value(i, j + 1)};
      const double lo = std::min({c[0], c[1], c[2], c[3]}), hi = std::max({c[0], c[1], c[2], c[3]});
      if (lo > level || hi <= level) continue;
      const core::Vec2 p[4] = {f.at(i, j), f.at(i + 1, j), f.at(i + 1, j + 1), f.at(i, j + 1)};
      const double cv = (c[0] + c[1] + c[2] + c[3]) / 4;
      const core::Vec2 cp{p[0].x + f.cell / 2, p[0].y + f.cell / 2};
      const std::uint64_t cellIndex = static_cast<std::uint64_t>(j) * f.nx + i;
      // Edge keys: grid edges are shared with the neighbouring cell, diagonals are private.
      const std::uint64_t gridEdge[4] = {
          (cellIndex << 3) | 0,                                       // c0-c1 horizontal at (i, j)
          ((static_cast<std::uint64_t>(j) * f.nx + i + 1) << 3) | 1,  // c1-c2 vertical at (i+1, j)
          ((static_cast<std::uint64_t>(j + 1) * f.nx + i) << 3) | 0,  // c2-c3 horizontal at (i, j+1)
          (cellIndex << 3) | 1,                                       // c3-c0 vertical at (i, j)
      };
      for (int k = 0; k < 4; ++k) {
        // Triangle (corner k, corner k+1, centre), counter-clockwise.
        const int k1 = (k + 1) & 3;
        const core::Vec2 tp[3] = {p[k], p[k1], cp};
        const double tv[3] = {c[k], c[k1], cv};
        const std::uint64_t key[3] = {gridEdge[k], (cellIndex << 3) | (2 + k1), (cellIndex << 3) | (2 + k)};
        // key[e] = edge from vertex e to vertex e+1.
        std::uint64_t start = 0, end = 0;
        core::Vec2 startPoint;
        bool haveStart = false, haveEnd = false;
        for (int e = 0; e < 3; ++e) {
          const int e1 = (e + 1) % 3;
          const bool in0 = tv[e] <= level, in1 = tv[e1] <= level;
          if (in0 && !in1) {
            start = key[e];
            startPoint = crossing(tp[e], tv[e], tp[e1], tv[e1], level);
            haveStart = true;
          } else if (!in0 && in1) {
            end = key[e];
            haveEnd = true;
          }
        }
        if (haveStart && haveEnd) segs.push_back({start, end, startPoint});
      }
    }
  std::unordered_map<std::uint64_t, std::size_t> byStart;
  byStart.reserve(segs.size() * 2);
  for (std::size_t s = 0; s < segs.size(); ++s) byStart.emplace(segs[s].from, s);
  std::vector<char> used(segs.size(), 0);
  std::vector<core::Ring> outers, holes;
  for (std::size_t s = 0; s < segs.size(); ++s) {
    if (used[s]) continue;
    core::Ring ring;
    std::size_t cur = s;
    while (!used[cur]) {
      used[cur] = 1;
      const core::Vec2 q = segs[cur].p;
      if (ring.empty() || q.x != ring.back().x || q.y != ring.back().y) ring.push_back(q);
      const auto it = byStart.find(segs[cur].to);
      if (it == byStart.end()) break;  // cannot happen on a bordered grid; never loop forever
      cur = it->second;
    }
    while (ring.size() > 1 && ring.front().x == ring.back().x && ring.front().y == ring.back().y) ring.pop_back();
    if (ring.size() < 3) continue;
    const double a = core::signedArea(ring);
    if (a > 0)
      outers.push_back(std::move(ring));
    else if (a < 0)
      holes.push_back(std::move(ring));
  }
  std::vector<core::Polygon> polys(outers.size());
  std::vector<core::Box2> boxes(outers.size());
  std::vector<double> areas(outers.size());
  for (std::size_t o = 0; o < outers.size(); ++o) {
    boxes[o] = core::bounds(outers[o]);
    areas[o] = core::signedArea(outers[o]);
    polys[o].outer = std::move(outers[o]);
  }
  for (core::Ring& h : holes) {
    // The smallest outer ring around the hole owns it.
    std::size_t owner = polys.size();
    const core::Vec2 probe = h.front();
    for (std::size_t o = 0; o < polys.size(); ++o)
      if (boxes[o].contains(probe) && core::contains(core::Polygon{polys[o].outer, {}}, probe) &&
          (owner == polys.size() || areas[o] < areas[owner]))
        owner = o;
    if (owner < polys.size()) polys[owner].holes.push_back(std::move(h));
  }
  return polys;
}

void appendNumber(std::string& out, double v, int decimals) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  out += buf;
}

void appendRing(std::string& out, const core::Ring& ring, bool wantCcw, const ToLonLat& toLonLat) {
  // RFC 7946: exterior rings counter-clockwise, holes clockwise, first point repeated.
  const bool ccw = core::signedArea(ring) > 0;
  std::vector<core::Vec2> pts(ring.begin(), ring.end());
  if (ccw != wantCcw) std::reverse(pts.begin(), pts.end());
  out += '[';
  for (std::size_t i = 0; i <= pts.size(); ++i) {
    const core::LonLat ll = toLonLat(pts[i % pts.size()]);
    if (i) out += ',';
    out += '[';
    appendNumber(out, ll.lon, 7);
    out += ',';
    appendNumber(out, ll.lat, 7);
    out += ']';
  }
  out += ']';
}

}  // namespace

std::vector<IsochroneBand> isochronePolygons(const WalkGraph& graph, const ReachSet& reach,
                                             const std::vector<double>& limits, const IsochroneOptions& options) {
  for (std::size_t i = 0; i < limits.size(); ++i) {
    TWIN_ASSERT(i == 0 || limits[i] > limits[i - 1], "analysis::isochronePolygons(): limits must ascend");
    TWIN_ASSERT(limits[i] <= reach.cutoff, "analysis::isochronePolygons(): a limit exceeds the search cutoff");
  }
  std::vector<IsochroneBand> bands(limits.size());
  for (std::size_t i = 0; i < limits.size(); ++i) bands[i].limit = limits[i];
  const Field f = travelField(graph, reach, options, limits.empty() ? 0.0 : limits.back());
  if (f.v.empty() || limits.empty()) return bands;
  const double big = 2 * limits.back() + 1;
  for (IsochroneBand& band : bands) {
    band.polygons = contour(f, band.limit, big);
    for (const core::Polygon& p : band.polygons) band.areaM2 += core::area(p);
  }
  return bands;
}

std::string isochroneGeoJson(const std::vector<IsochroneBand>& bands, const ToLonLat& toLonLat) {
  std::string out = "{\"type\":\"FeatureCollection\",\"features\":[";
  bool first = true;
  for (auto it = bands.rbegin(); it != bands.rend(); ++it) {
    if (!first) out += ',';
    first = false;
    out += "{\"type\":\"Feature\",\"properties\":{\"minutes\":";
    appendNumber(out, it->limit / 60.0, 3);
    out += ",\"area_m2\":";
    appendNumber(out, it->areaM2, 1);
    out += "},\"geometry\":{\"type\":\"MultiPolygon\",\"coordinates\":[";
    for (std::size_t p = 0; p < it->polygons.size(); ++p) {
      if (p) out += ',';
      out += '[';
      appendRing(out, it->polygons[p].outer, true, toLonLat);
      for (const core::Ring& h : it->polygons[p].holes) {
        out += ',';
        appendRing(out, h, false, toLonLat);
      }
      out += ']';
    }
    out += "]}}";
  }
  out += "]}\n";
  return out;
}

core::Status writeTextFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out)
    return core::fail("analysis::writeTextFile(): " + path + ": cannot open for writing: " + std::strerror(errno));
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.close();
  if (!out) return core::fail("analysis::writeTextFile(): " + path + ": write failed");
  return core::Ok{};
}

}  // namespace twin::analysis
