#include "twin/analysis/WalkReach.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>

#include "twin/core/Assert.h"

namespace twin::analysis {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// Whole-segment weights a->b and b->a in the search's unit.
struct Weights {
  double ab, ba;
};

Weights segmentWeights(const WalkSegment& s, WalkMetric metric, double speedMps) {
  if (metric == WalkMetric::Meters) return {s.lengthMeters, s.lengthMeters};
  return {s.costMeters / speedMps, s.costBackMeters / speedMps};
}

// From fraction `from` to fraction `to` along a segment.
double along(const Weights& w, double from, double to) { return to >= from ? (to - from) * w.ab : (from - to) * w.ba; }

}  // namespace

double ReachSet::valueAt(const WalkGraph& graph, const SnapPoint& p) const {
  if (p.segment >= graph.segmentCount() || value.size() != graph.nodeCount()) return kInf;
  const WalkSegment& s = graph.segments()[p.segment];
  const Weights w = segmentWeights(s, metric, speedMps);
  double best = std::min(value[s.a] + p.t * w.ab, value[s.b] + (1 - p.t) * w.ba);
  for (const WalkOrigin& o : origins)
    if (o.at.segment == p.segment) best = std::min(best, o.offsetSeconds + along(w, o.at.t, p.t));
  return best <= cutoff ? best : kInf;
}

WalkOrigin originAtNode(const WalkGraph& graph, NodeId n) {
  TWIN_ASSERT(n < graph.nodeCount() && graph.edgesBegin(n) != graph.edgesEnd(n),
              "analysis::originAtNode(): no such node, or a node without edges");
  const std::uint32_t s = graph.edgesBegin(n)->segment;
  WalkOrigin o;
  o.at.segment = s;
  o.at.t = graph.segments()[s].a == n ? 0.0 : 1.0;
  o.at.point = graph.position(n);
  return o;
}

ReachSet WalkSearch::reach(const std::vector<WalkOrigin>& origins, double cutoff, double speedMps, WalkMetric metric) {
  const WalkGraph& g = *_graph;
  ReachSet out;
  out.metric = metric;
  out.speedMps = speedMps;
  out.cutoff = cutoff;
  out.origins = origins;
  out.value.assign(g.nodeCount(), kInf);
  TWIN_ASSERT(metric == WalkMetric::Meters || (speedMps > 0 && std::isfinite(speedMps)),
              "analysis::WalkSearch::reach(): speedMps must be positive");
  if (!(cutoff >= 0)) return out;
  const double invSpeed = metric == WalkMetric::Meters ? 1.0 : 1.0 / speedMps;
  auto& heap = _heap;
  heap.clear();
  const auto later = std::greater<std::pair<double, NodeId>>();
  auto push = [&](NodeId n, double v) {
    if (v < out.value[n] && v <= cutoff) {
      out.value[n] = v;
      heap.emplace_back(v, n);
      std::push_heap(heap.begin(), heap.end(), later);
    }
  };
  for (const WalkOrigin& o : origins) {
    TWIN_ASSERT(o.at.segment < g.segmentCount(), "analysis::WalkSearch::reach(): origin not on this graph");
    const WalkSegment& s = g.segments()[o.at.segment];
    const Weights w = segmentWeights(s, metric, speedMps);
    push(s.a, o.offsetSeconds + o.at.t * w.ba);
    push(s.b, o.offsetSeconds + (1 - o.at.t) * w.ab);
  }
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), later);
    const auto [d, u] = heap.back();
    heap.pop_back();
    if (d > out.value[u]) continue;  // stale entry
    out.reached.push_back(u);
    for (const WalkEdge* e = g.edgesBegin(u); e != g.edgesEnd(u); ++e) {
      const double w = (metric == WalkMetric::Meters ? e->lengthMeters : e->costMeters) * invSpeed;
      push(e->target, d + w);
    }
  }
  return out;
}

core::Result<ReachSet> walkReach(const WalkGraph& graph, core::Vec2 from, double maxSeconds, double speedMps,
                                 double maxSnapMeters) {
  if (!core::isFinite(from)) return core::fail("analysis::walkReach(): origin is not a finite point");
  if (!(speedMps > 0) || !std::isfinite(speedMps))
    return core::fail("analysis::walkReach(): walking speed must be a positive number of m/s");
  SnapPoint at;
  if (!graph.snap(from, maxSnapMeters, at)) {
    char text[200];
    SnapPoint far;
    if (graph.snap(from, 1e7, far))
      std::snprintf(text, sizeof text,
                    "analysis::walkReach(): origin (%.1f, %.1f) is %.1f m from the nearest walkable way (limit %.0f m)",
                    from.x, from.y, far.distanceMeters, maxSnapMeters);
    else
      std::snprintf(text, sizeof text, "analysis::walkReach(): origin (%.1f, %.1f): the walk network is empty", from.x,
                    from.y);
    return core::fail(text);
  }
  WalkSearch search(graph);
  return search.reach({WalkOrigin{at, 0}}, maxSeconds, speedMps);
}

std::vector<std::pair<double, double>> edgeReach(const WalkGraph& graph, const ReachSet& reach, std::uint32_t segment) {
  std::vector<std::pair<double, double>> pieces;
  if (segment >= graph.segmentCount() || reach.value.size() != graph.nodeCount()) return pieces;
  const WalkSegment& s = graph.segments()[segment];
  const Weights w = segmentWeights(s, reach.metric, reach.speedMps);
  // Fraction of the segment walkable from value v with weight `weight` per whole segment.
  auto budget = [&](double v, double weight) {
    return v <= reach.cutoff ? (weight > 0 ? (reach.cutoff - v) / weight : 1.0) : -1.0;
  };
  if (double r = budget(reach.value[s.a], w.ab); r >= 0) pieces.emplace_back(0.0, std::min(1.0, r));
  if (double r = budget(reach.value[s.b], w.ba); r >= 0) pieces.emplace_back(std::max(0.0, 1 - r), 1.0);
  for (const WalkOrigin& o : reach.origins)
    if (o.at.segment == segment) {
      const double ahead = budget(o.offsetSeconds, w.ab), back = budget(o.offsetSeconds, w.ba);
      if (ahead >= 0) pieces.emplace_back(std::max(0.0, o.at.t - back), std::min(1.0, o.at.t + ahead));
    }
  std::sort(pieces.begin(), pieces.end());
  std::vector<std::pair<double, double>> merged;
  for (const auto& p : pieces) {
    if (!merged.empty() && p.first <= merged.back().second)
      merged.back().second = std::max(merged.back().second, p.second);
    else
      merged.push_back(p);
  }
  return merged;
}

}  // namespace twin::analysis
