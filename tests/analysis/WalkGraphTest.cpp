// Walk graph and Dijkstra on small hand-drawn networks whose answers are worked out by hand.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <random>

#include "twin/analysis/WalkGraph.h"
#include "twin/analysis/WalkReach.h"

using namespace twin;
using namespace twin::analysis;

namespace {

model::Road road(std::int64_t id, const std::string& highway, std::vector<core::Vec2> line, model::Tags tags = {}) {
  model::Road r;
  r.osmId = id;
  r.idKind = "way";
  r.highway = highway;
  r.line = std::move(line);
  r.tags = std::move(tags);
  r.tags["highway"] = highway;
  return r;
}

NodeId nodeAt(const WalkGraph& g, core::Vec2 p) {
  for (NodeId n = 0; n < g.nodeCount(); ++n)
    if (g.position(n).x == p.x && g.position(n).y == p.y) return n;
  return kNoNode;
}

//   D (100,50)
//   |  steps (cost x2)
//   A(0,0) ---- B(100,0) ---- C(200,0)          E(500,0) ---- F(600,0)  (an island)
std::vector<model::Road> smallNetwork() {
  return {road(1, "footway", {{0, 0}, {100, 0}}), road(2, "residential", {{100, 0}, {200, 0}}),
          road(3, "steps", {{100, 0}, {100, 50}}), road(4, "path", {{500, 0}, {600, 0}}),
          road(5, "motorway", {{0, 0}, {0, -300}})};
}

}  // namespace

TEST_CASE("walkable classes and access rules", "[analysis]") {
  CHECK(isWalkable("footway", {}));
  CHECK(isWalkable("primary", {}));
  CHECK(isWalkable("steps", {}));
  CHECK_FALSE(isWalkable("motorway", {}));
  CHECK(isWalkable("motorway", {{"sidewalk", "both"}}));
  CHECK(isWalkable("trunk", {{"foot", "yes"}}));
  CHECK_FALSE(isWalkable("footway", {{"foot", "no"}}));
  CHECK_FALSE(isWalkable("service", {{"access", "private"}}));
  CHECK(isWalkable("service", {{"access", "private"}, {"foot", "yes"}}));
  CHECK_FALSE(isWalkable("construction", {}));
  CHECK_FALSE(isWalkable("", {}));
}

TEST_CASE("graph joins ways at shared vertices, counts components, costs steps", "[analysis]") {
  core::Diagnostics diag;
  WalkGraphStats stats;
  const WalkGraph g = buildWalkGraph(smallNetwork(), {}, diag, &stats);
  CHECK(stats.roadsUsed == 4);
  CHECK(stats.roadsNotWalkable == 1);
  CHECK(g.nodeCount() == 6);
  CHECK(g.segmentCount() == 4);
  CHECK(stats.totalLengthMeters == Approx(350));
  REQUIRE(g.componentCount() == 2);
  CHECK(g.componentSizes()[0] == 4);
  CHECK(g.componentSizes()[1] == 2);
  CHECK(g.component(nodeAt(g, {500, 0})) == 1);
  CHECK(g.component(nodeAt(g, {200, 0})) == 0);
  const NodeId b = nodeAt(g, {100, 0});
  CHECK(g.edgesEnd(b) - g.edgesBegin(b) == 3);
  bool sawSteps = false;
  for (const WalkEdge* e = g.edgesBegin(b); e != g.edgesEnd(b); ++e)
    if (e->target == nodeAt(g, {100, 50})) {
      sawSteps = true;
      CHECK(e->lengthMeters == Approx(50));
      CHECK(e->costMeters == Approx(100));
    }
  CHECK(sawSteps);
  REQUIRE(diag.total() == 1);
  CHECK(diag.items()[0].message == "walk network has 2 disconnected parts; 2 of 6 nodes are outside the largest");
}

TEST_CASE("ways that cross without a shared vertex are not joined", "[analysis]") {
  core::Diagnostics diag;
  // A bridge over a street: the lines cross at (50, 0) but share no vertex.
  const WalkGraph g = buildWalkGraph(
      std::vector<model::Road>{road(1, "footway", {{0, 0}, {100, 0}}), road(2, "footway", {{50, -50}, {50, 50}})}, {},
      diag);
  CHECK(g.nodeCount() == 4);
  CHECK(g.componentCount() == 2);
}

TEST_CASE("snapping finds the nearest point on an edge", "[analysis]") {
  core::Diagnostics diag;
  const WalkGraph g = buildWalkGraph(smallNetwork(), {}, diag);
  SnapPoint s;
  REQUIRE(g.snap({30, 5}, 50, s));
  CHECK(s.point.x == Approx(30));
  CHECK(s.point.y == Approx(0).margin(1e-9));
  CHECK(s.distanceMeters == Approx(5));
  CHECK(s.t == Approx(g.segments()[s.segment].a == nodeAt(g, {0, 0}) ? 0.3 : 0.7));
  REQUIRE(g.snap({104, 30}, 50, s));  // nearer the steps than the street
  CHECK(s.point.x == Approx(100));
  CHECK(s.point.y == Approx(30));
  CHECK(s.distanceMeters == Approx(4));
  REQUIRE(g.snap({-120, 0}, 150, s));  // beyond the end of the network
  CHECK(s.point.x == Approx(0));
  CHECK(s.distanceMeters == Approx(120));
  CHECK_FALSE(g.snap({-120, 0}, 100, s));
  CHECK_FALSE(g.snap({std::nan(""), 0}, 100, s));
  CHECK_FALSE(g.snap({300, 3000}, 250, s));
}

TEST_CASE("Dijkstra from a snapped origin: partial edges both ways, steps, cutoff, islands", "[analysis]") {
  core::Diagnostics diag;
  const WalkGraph g = buildWalkGraph(smallNetwork(), {}, diag);
  // Speed 1 m/s so that seconds equal cost metres. Origin at (30, 5) snaps to (30, 0):
  // A = 30 s, B = 70 s, C = 170 s, D = 70 + 2 x 50 = 170 s, E and F unreachable.
  auto r = walkReach(g, {30, 5}, 1000, 1.0, 50);
  REQUIRE(r.ok());
  const ReachSet& reach = r.value();
  CHECK(reach.value[nodeAt(g, {0, 0})] == Approx(30));
  CHECK(reach.value[nodeAt(g, {100, 0})] == Approx(70));
  CHECK(reach.value[nodeAt(g, {200, 0})] == Approx(170));
  CHECK(reach.value[nodeAt(g, {100, 50})] == Approx(170));
  CHECK(std::isinf(reach.value[nodeAt(g, {500, 0})]));
  CHECK(reach.reached.size() == 4);

  // With a 100 s cutoff: A and B only; BC reached for its first 30 m, the steps for 15 m.
  auto cut = walkReach(g, {30, 5}, 100, 1.0, 50);
  REQUIRE(cut.ok());
  CHECK(cut->reached.size() == 2);
  CHECK_FALSE(cut->reachedNode(nodeAt(g, {200, 0})));
  for (std::uint32_t s = 0; s < g.segmentCount(); ++s) {
    const WalkSegment& seg = g.segments()[s];
    const auto pieces = edgeReach(g, *cut, s);
    const core::Vec2 a = g.position(seg.a), b = g.position(seg.b);
    double reachedMeters = 0;
    for (const auto& [t0, t1] : pieces) reachedMeters += (t1 - t0) * seg.lengthMeters;
    if ((a.x == 100 && b.x == 200) || (a.x == 200 && b.x == 100))
      CHECK(reachedMeters == Approx(30));
    else if (a.y == 50 || b.y == 50)
      CHECK(reachedMeters == Approx(15));
    else if (a.x >= 500)
      CHECK(pieces.empty());
    else
      CHECK(reachedMeters == Approx(100));
  }
  // A point on BC 20 m past B takes 90 s; 40 m past B is beyond the cutoff.
  SnapPoint p;
  REQUIRE(g.snap({120, 0}, 1, p));
  CHECK(cut->valueAt(g, p) == Approx(90));
  REQUIRE(g.snap({140, 0}, 1, p));
  CHECK(std::isinf(cut->valueAt(g, p)));

  // Tiny cutoff: neither end of AB reached, but the origin's own edge is, 5 m each side.
  auto tiny = walkReach(g, {30, 5}, 5, 1.0, 50);
  REQUIRE(tiny.ok());
  CHECK(tiny->reached.empty());
  const auto pieces = edgeReach(g, *tiny, tiny->origins[0].at.segment);
  REQUIRE(pieces.size() == 1);
  CHECK((pieces[0].second - pieces[0].first) * 100 == Approx(10));

  // Walking speed scales time: 1.2 m/s -> B at 70 / 1.2 s.
  auto fast = walkReach(g, {30, 5}, 1000, 1.2, 50);
  CHECK(fast->value[nodeAt(g, {100, 0})] == Approx(70 / 1.2));
}

TEST_CASE("origin errors name the distance and the limit", "[analysis]") {
  core::Diagnostics diag;
  const WalkGraph g = buildWalkGraph(smallNetwork(), {}, diag);
  // Nearest is the top of the steps, (100, 50): hypot(70, 350) = 356.9 m.
  auto far = walkReach(g, {30, 400}, 900, 1.2, 250);
  REQUIRE_FALSE(far.ok());
  CHECK(far.error().message ==
        "analysis::walkReach(): origin (30.0, 400.0) is 356.9 m from the nearest walkable way (limit 250 m)");
  auto nan = walkReach(g, {std::nan(""), 0}, 900, 1.2, 250);
  REQUIRE_FALSE(nan.ok());
  CHECK(nan.error().message == "analysis::walkReach(): origin is not a finite point");
  auto speed = walkReach(g, {30, 0}, 900, 0, 250);
  REQUIRE_FALSE(speed.ok());
  CHECK(speed.error().message == "analysis::walkReach(): walking speed must be a positive number of m/s");
  const WalkGraph empty = buildWalkGraph(std::vector<model::Road>{}, {}, diag);
  auto none = walkReach(empty, {0, 0}, 900, 1.2, 250);
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().message == "analysis::walkReach(): origin (0.0, 0.0): the walk network is empty");
}

TEST_CASE("bad way geometry is skipped and reported", "[analysis]") {
  core::Diagnostics diag;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  WalkGraphStats stats;
  const WalkGraph g =
      buildWalkGraph(std::vector<model::Road>{road(7, "footway", {{0, 0}}), road(8, "footway", {{0, 0}, {nan, 5}}),
                                              road(9, "footway", {{0, 0}, {10, 0}, {10, 0}, {20, 0}})},
                     {}, diag, &stats);
  CHECK(stats.roadsSkipped == 2);
  CHECK(g.nodeCount() == 3);  // the repeated vertex is one node, no zero-length edge
  CHECK(g.segmentCount() == 2);
  const auto items = diag.items();
  REQUIRE(items.size() == 2);
  CHECK(core::formatDiagnostic(items[0]).find("way 7") != std::string::npos);
  CHECK(items[0].message == "way has fewer than 2 points");
  CHECK(items[1].message == "way has a non-finite coordinate");
  CHECK(items[1].action == "skipped");
}

TEST_CASE("OSM node ids are matched to nodes by position", "[analysis]") {
  core::Diagnostics diag;
  WalkGraph g = buildWalkGraph(smallNetwork(), {}, diag);
  const std::size_t n = g.assignOsmNodeIds({{11, {0, 0}}, {12, {100.004, 0}}, {13, {200.5, 0}}}, 0.01);
  CHECK(n == 2);
  CHECK(g.osmNodeId(nodeAt(g, {0, 0})) == 11);
  CHECK(g.osmNodeId(nodeAt(g, {100, 0})) == 12);
  CHECK(g.osmNodeId(nodeAt(g, {200, 0})) == 0);
}

namespace {

// A jittered grid city with random missing blocks and steps, for property tests.
WalkGraph randomGrid(unsigned seed, int size) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> jitter(-10, 10), coin(0, 1);
  std::vector<std::vector<core::Vec2>> p(size, std::vector<core::Vec2>(size));
  for (int i = 0; i < size; ++i)
    for (int j = 0; j < size; ++j) p[i][j] = {i * 80 + jitter(rng), j * 80 + jitter(rng)};
  std::vector<WalkLine> lines;
  for (int i = 0; i < size; ++i)
    for (int j = 0; j < size; ++j) {
      if (i + 1 < size && coin(rng) > 0.15) lines.push_back({{p[i][j], p[i + 1][j]}, coin(rng) > 0.9 ? 2.0 : 1.0});
      if (j + 1 < size && coin(rng) > 0.15) lines.push_back({{p[i][j], p[i][j + 1]}, 1.0});
    }
  core::Diagnostics diag;
  return buildWalkGraph(lines, {}, diag);
}

}  // namespace

TEST_CASE("property: multi-source equals the minimum of single sources; times grow along paths", "[analysis]") {
  for (unsigned seed = 1; seed <= 5; ++seed) {
    const WalkGraph g = randomGrid(seed, 12);
    std::mt19937 rng(seed * 7);
    std::uniform_real_distribution<double> coord(0, 880);
    WalkSearch search(g);
    std::vector<WalkOrigin> origins;
    for (int k = 0; k < 3; ++k) {
      SnapPoint s;
      REQUIRE(g.snap({coord(rng), coord(rng)}, 500, s));
      origins.push_back({s, k * 20.0});
    }
    const ReachSet multi = search.reach(origins, 600, 1.2);
    std::vector<ReachSet> singles;
    for (const WalkOrigin& o : origins) singles.push_back(search.reach({o}, 600, 1.2));
    std::size_t reachedCount = 0;
    for (NodeId n = 0; n < g.nodeCount(); ++n) {
      double best = std::numeric_limits<double>::infinity();
      for (const ReachSet& s : singles) best = std::min(best, s.value[n]);
      if (std::isinf(best))
        CHECK(std::isinf(multi.value[n]));
      else
        CHECK(multi.value[n] == Approx(best).margin(1e-9));
      reachedCount += multi.reachedNode(n);
      // Monotonic along edges: no neighbour is more than one edge's time away.
      if (multi.reachedNode(n))
        for (const WalkEdge* e = g.edgesBegin(n); e != g.edgesEnd(n); ++e)
          if (multi.reachedNode(e->target))
            CHECK(multi.value[e->target] <= multi.value[n] + e->costMeters / 1.2 + 1e-9);
    }
    CHECK(reachedCount == multi.reached.size());
    for (std::size_t i = 1; i < multi.reached.size(); ++i)
      CHECK(multi.value[multi.reached[i - 1]] <= multi.value[multi.reached[i]]);
  }
}
