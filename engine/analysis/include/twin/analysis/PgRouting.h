// Comparing walking searches with pgRouting: the walk graph as a pgRouting edge table and the
// parsing of pgr_drivingDistance's output (the throwaway PostgreSQL cluster that runs it is test
// support: tests/support/ScratchPostgres.h; the engine itself never needs PostgreSQL).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "twin/analysis/WalkGraph.h"
#include "twin/core/Result.h"

namespace twin::analysis {

/** One row of a pgRouting edge table. Node ids are WalkGraph node index + 1 (pgRouting wants
    positive ids); the edge id is the segment index + 1. `cost` is a->b, `reverseCost` b->a, in
    seconds, each computed exactly as WalkSearch::reach relaxes that direction
    (cost metres x (1 / speedMps)), so both searches add the same doubles. */
struct PgEdge {
  std::int64_t id = 0, source = 0, target = 0;
  double cost = 0, reverseCost = 0;
};

/** Every segment of `graph` as a directed pgRouting edge (costs per direction, so asymmetric
    costs survive). `speedMps` must be positive and finite (TWIN_ASSERT). */
std::vector<PgEdge> pgRoutingEdges(const WalkGraph& graph, double speedMps);

/** The edges as CSV lines "id,source,target,cost,reverse_cost" (17 significant digits: the
    doubles read back bit-identical), for COPY ... FROM ... WITH (FORMAT csv). */
std::string pgRoutingCsv(const std::vector<PgEdge>& edges);

/** One row of pgr_drivingDistance: a reached node (WalkGraph index) and its seconds. */
struct PgReached {
  NodeId node = 0;
  double seconds = 0;
};

/** Parses psql's "node|agg_cost" rows (node ids as in pgRoutingEdges, i.e. index + 1) into
    graph node indices. Error on a malformed row or a node outside [1, nodeCount]. */
core::Result<std::vector<PgReached>> parsePgReached(const std::string& psqlOutput, std::size_t nodeCount);

}  // namespace twin::analysis
