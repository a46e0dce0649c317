// Walking reach: single- and multi-origin Dijkstra with a cutoff on a WalkGraph.
#pragma once

#include <cstdint>
#include <vector>

#include "twin/analysis/WalkGraph.h"
#include "twin/core/Result.h"

namespace twin::analysis {

/** A start of a search: a point on an edge (partial edge cost to both ends), with a time
    offset (e.g. the walk from a door to the street, or a facility's opening delay). */
struct WalkOrigin {
  SnapPoint at;
  double offsetSeconds = 0;
};

/** A search from exactly node `n`: an origin at the node's end of its first segment, offset 0.
    Precondition: n < graph.nodeCount() and the node has at least one edge (TWIN_ASSERT). For
    comparisons with node-based routers (pgRouting) and benches that pick origins by node. */
WalkOrigin originAtNode(const WalkGraph& graph, NodeId n);

/** What the search measures: time (cost metres / speed: steps are slower) or plain distance
    (metres along the network, for the 500/800 m TOD catchments). */
enum class WalkMetric { Seconds, Meters };

/** Result of a search. `value[n]` is the seconds (or metres) to node n, +inf when not reached
    within the cutoff. `reached` lists the reached nodes in the order settled (ascending value).
    `origins`, `speedMps`, `metric` and `cutoff` are kept so that partially reached edges can
    be measured afterwards (edgeReach). */
struct ReachSet {
  std::vector<double> value;
  std::vector<NodeId> reached;
  std::vector<WalkOrigin> origins;
  WalkMetric metric = WalkMetric::Seconds;
  double speedMps = 1.2;
  double cutoff = 0;

  bool reachedNode(NodeId n) const { return n < value.size() && value[n] <= cutoff; }
  /** Seconds (or metres) to a point on a segment: via either end, or directly from an origin
      on the same segment. +inf when not reached within the cutoff. */
  double valueAt(const WalkGraph& graph, const SnapPoint& p) const;
};

/** Reusable search state: keeps its buffers between calls, so that repeated queries (a planner
    clicking, a bench of 1,000 origins) do not allocate. Not thread-safe: one per thread. */
class WalkSearch {
 public:
  explicit WalkSearch(const WalkGraph& graph) : _graph(&graph) {}

  /** Runs Dijkstra from all origins at once (each starts at its offset), stopping at
      `cutoff` (seconds or metres). `speedMps` must be > 0 for WalkMetric::Seconds.
      Origins must come from graph.snap(); an empty list gives an empty ReachSet. */
  ReachSet reach(const std::vector<WalkOrigin>& origins, double cutoff, double speedMps,
                 WalkMetric metric = WalkMetric::Seconds);

 private:
  const WalkGraph* _graph;
  std::vector<std::pair<double, NodeId>> _heap;
};

/** One-shot convenience: snaps `from` (within maxSnapMeters) and searches. Error when the
    point is not finite or farther than maxSnapMeters from the network:
    "analysis::walkReach(): origin (x, y) is 312.4 m from the nearest walkable way (limit 250 m)". */
core::Result<ReachSet> walkReach(const WalkGraph& graph, core::Vec2 from, double maxSeconds, double speedMps,
                                 double maxSnapMeters);

/** The reached part of one segment as up to two pieces [t0, t1] along a->b (fractions), from
    the a end, the b end and origins on the segment. Empty when nothing of it is reached. */
std::vector<std::pair<double, double>> edgeReach(const WalkGraph& graph, const ReachSet& reach, std::uint32_t segment);

}  // namespace twin::analysis
