// WalkSearch against pgRouting's pgr_drivingDistance on the real Beijing walk graph, in a
// PostgreSQL cluster of the test's own (postgresql-15 and postgresql-15-pgrouting are required:
// scripts/install-deps.sh; without them the test fails and says so).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>

#include "TestPaths.h"
#include "ScratchPostgres.h"
#include "twin/analysis/PgRouting.h"
#include "twin/analysis/Tod.h"
#include "twin/analysis/WalkReach.h"
#include "twin/model/SiteLoader.h"

using namespace twin;
using namespace twin::analysis;

namespace {

// A search from exactly a node (one with edges: the assertion in originAtNode is not a test failure).
WalkOrigin atNode(const WalkGraph& g, NodeId n) {
  REQUIRE(g.edgesBegin(n) != g.edgesEnd(n));
  return originAtNode(g, n);
}

}  // namespace

TEST_CASE("pgRouting edge table: ids from 1, costs per direction in seconds", "[analysis]") {
  core::Diagnostics diag;
  model::Road steps;
  steps.highway = "steps";
  steps.line = {{0, 0}, {10, 0}};
  model::Road way;
  way.highway = "footway";
  way.line = {{10, 0}, {10, 30}};
  const WalkGraph g = buildWalkGraph(std::vector<model::Road>{steps, way}, {}, diag);
  const auto edges = pgRoutingEdges(g, 1.25);
  REQUIRE(edges.size() == 2);
  CHECK(edges[0].id == 1);
  CHECK(edges[0].source == 1);
  CHECK(edges[0].target == 2);
  CHECK(edges[0].cost == Approx(10 * 2.0 / 1.25));  // steps: twice the time per metre
  CHECK(edges[0].reverseCost == Approx(16.0));
  CHECK(edges[1].source == 2);
  CHECK(edges[1].target == 3);
  CHECK(edges[1].cost == Approx(24.0));
  CHECK(pgRoutingCsv({edges[1]}) == "2,2,3,24,24\n");

  auto parsed = parsePgReached("1|0\n3|40\n", g.nodeCount());
  REQUIRE(parsed.ok());
  REQUIRE(parsed->size() == 2);
  CHECK(parsed->at(1).node == 2);
  CHECK(parsed->at(1).seconds == 40);
  auto bad = parsePgReached("1|0\nx|4\n", g.nodeCount());
  REQUIRE(!bad.ok());
  CHECK(bad.error().message == "analysis::parsePgReached(): line 2: expected 'node|agg_cost', got 'x|4'");
  auto outside = parsePgReached("4|1.5\n", g.nodeCount());
  REQUIRE(!outside.ok());
  CHECK(outside.error().message == "analysis::parsePgReached(): line 1: node 4 is not in the graph (1..3)");
}

TEST_CASE("a scratch cluster without PostgreSQL binaries is a clear error", "[analysis]") {
  test::TempDir dir("pgmissing");
  auto pg = test::ScratchPostgres::start(dir.path().string(), "/nonexistent/postgresql/bin");
  REQUIRE(!pg.ok());
  CHECK(pg.error().message ==
        "test::ScratchPostgres::start(): /nonexistent/postgresql/bin/initdb not found (install postgresql-15: "
        "scripts/install-deps.sh)");
}

TEST_CASE("pgr_drivingDistance reaches the same nodes in the same seconds as WalkSearch (Beijing)",
          "[pgrouting][slow]") {
  auto config = model::loadSceneConfig(test::scenesDir() / "beijing-liudaokou.json");
  REQUIRE(config.ok());
  auto site = model::loadSite(*config);
  REQUIRE(site.ok());
  core::Diagnostics diag;
  const WalkGraph g = buildWalkGraph(site->roads, {}, diag);
  REQUIRE(g.segmentCount() > 1000);
  const double speed = 1.2, cutoff = 900;
  const auto edges = pgRoutingEdges(g, speed);
  REQUIRE(edges.size() == g.segmentCount());

  test::TempDir dir("pg");
  auto pg = test::ScratchPostgres::start(dir.path().string());
  if (!pg.ok()) FAIL(pg.error().message);
  auto ext = (*pg)->sql("CREATE EXTENSION pgrouting CASCADE; SELECT pgr_version();");
  if (!ext.ok()) FAIL(ext.error().message);
  CHECK(ext->rfind("3.", 0) == 0);
  const core::Status loaded = (*pg)->loadEdges("walk", edges);
  if (!loaded.ok()) FAIL(loaded.error().message);
  auto count = (*pg)->sql("SELECT count(*) FROM walk;");
  REQUIRE(count.ok());
  CHECK(std::stoul(*count) == g.segmentCount());

  // Origins: the node nearest the 六道口 station, and two more in the largest part.
  std::vector<NodeId> origins;
  const auto stations = findStations(*site);
  const auto it =
      std::find_if(stations.begin(), stations.end(), [](const TodStation& s) { return s.name == "六道口"; });
  REQUIRE(it != stations.end());
  SnapPoint snapped;
  REQUIRE(g.snap(it->position, 250, snapped));
  const WalkSegment& seg = g.segments()[snapped.segment];
  origins.push_back(snapped.t < 0.5 ? seg.a : seg.b);
  for (const std::size_t start : {g.nodeCount() / 3, 2 * g.nodeCount() / 3}) {
    NodeId n = static_cast<NodeId>(start);
    while (n < g.nodeCount() && g.component(n) != 0) ++n;
    if (n < g.nodeCount()) origins.push_back(n);
  }
  REQUIRE(origins.size() == 3);

  WalkSearch search(g);
  for (const NodeId origin : origins) {
    INFO("origin node " << origin);
    const ReachSet ours = search.reach({atNode(g, origin)}, cutoff, speed);
    auto out = (*pg)->sql(
        "SELECT node, agg_cost FROM pgr_drivingDistance("
        "'SELECT id, source, target, cost, reverse_cost FROM walk', " +
        std::to_string(origin + 1) + ", " + std::to_string(cutoff) + ", true) ORDER BY node;");
    if (!out.ok()) FAIL(out.error().message);
    auto theirs = parsePgReached(*out, g.nodeCount());
    REQUIRE(theirs.ok());
    // A real comparison: hundreds of nodes reached, not the origin alone.
    CHECK(ours.reached.size() > 100);
    CHECK(theirs->size() == ours.reached.size());
    std::map<NodeId, double> pgSeconds;
    for (const PgReached& r : *theirs) pgSeconds[r.node] = r.seconds;
    std::size_t missing = 0, differing = 0;
    for (const NodeId n : ours.reached) {
      const auto found = pgSeconds.find(n);
      if (found == pgSeconds.end()) {
        ++missing;
        continue;
      }
      if (std::abs(found->second - ours.value[n]) > 1e-6 * std::max(1.0, ours.value[n])) ++differing;
    }
    CHECK(missing == 0);
    CHECK(differing == 0);
    CHECK(pgSeconds.at(origin) == 0);
  }
}
