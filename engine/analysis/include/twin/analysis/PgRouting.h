// Comparing walking searches with pgRouting: the walk graph as a pgRouting edge table, and a
// throwaway PostgreSQL cluster to run pgr_drivingDistance in (tests and benches only; the
// engine itself never needs PostgreSQL).
#pragma once

#include <cstdint>
#include <memory>
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

/** A PostgreSQL cluster of its own in a directory: initdb, then a server with no TCP listener
    (unix socket in that directory only), trust authentication, fsync off. PostgreSQL refuses
    to run as root, so when the effective user is root every PostgreSQL program runs through
    `runuser -u nobody` and the directory is handed to nobody. The destructor stops the server
    (immediate shutdown) whenever start() got as far as launching it. Not thread-safe: one
    owner; the programs it runs are blocking child processes. */
class ScratchPostgres {
 public:
  /** Creates the cluster in `directory` (must exist and be empty of a previous cluster; a
      short path: the socket path must stay under 107 bytes) using the programs in `binDir`.
      Errors name the step, e.g. "analysis::ScratchPostgres::start(): /usr/lib/postgresql/15/bin/initdb
      not found (install postgresql-15: scripts/install-deps.sh)" or "...: initdb failed: <its
      last output lines>". */
  static core::Result<std::unique_ptr<ScratchPostgres>> start(const std::string& directory,
                                                              const std::string& binDir = kDefaultBinDir);
  ~ScratchPostgres();
  ScratchPostgres(const ScratchPostgres&) = delete;
  ScratchPostgres& operator=(const ScratchPostgres&) = delete;

  /** Runs an SQL script with psql (stops at the first error) and returns its unaligned,
      tuples-only output ("a|b" per row). Error: "analysis::ScratchPostgres::sql(): <psql's
      message>". */
  core::Result<std::string> sql(const std::string& script) const;

  /** Creates table `table` (id, source, target bigint, cost, reverse_cost float8) and loads
      the edges into it with COPY. */
  core::Status loadEdges(const std::string& table, const std::vector<PgEdge>& edges) const;

  const std::string& directory() const { return _dir; }

  static constexpr const char* kDefaultBinDir = "/usr/lib/postgresql/15/bin";

 private:
  ScratchPostgres() = default;
  std::string program(const std::string& name) const;
  std::string _dir, _bin, _asUser;
  bool _launched = false;
  mutable int _scripts = 0;
};

/** One row of pgr_drivingDistance: a reached node (WalkGraph index) and its seconds. */
struct PgReached {
  NodeId node = 0;
  double seconds = 0;
};

/** Parses psql's "node|agg_cost" rows (node ids as in pgRoutingEdges, i.e. index + 1) into
    graph node indices. Error on a malformed row or a node outside [1, nodeCount]. */
core::Result<std::vector<PgReached>> parsePgReached(const std::string& psqlOutput, std::size_t nodeCount);

}  // namespace twin::analysis
