// Tobler slope cost: hand-worked seconds uphill and downhill, per-vertex heights and terrain.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

#include "twin/analysis/PgRouting.h"
#include "twin/analysis/WalkReach.h"
#include "twin/geo/Heightfield.h"

using namespace twin;
using namespace twin::analysis;

namespace {

model::Road way(const char* highway, std::vector<core::Vec2> line, std::vector<double> heights) {
  model::Road r;
  r.highway = highway;
  r.idKind = "way";
  r.line = std::move(line);
  r.elevations = std::move(heights);
  return r;
}

// Heights h(x) on a grid from x = -50 to 250 and y = -50 to 50, 10 m apart.
geo::Heightfield terrain(double (*h)(double x)) {
  geo::Heightfield f;
  f.originMeters = {-50, -50};
  f.spacingMeters = 10;
  f.columns = 31;
  f.rows = 11;
  for (int r = 0; r < f.rows; ++r)
    for (int c = 0; c < f.columns; ++c) f.heights.push_back(static_cast<float>(h(-50 + 10.0 * c)));
  return f;
}

}  // namespace

TEST_CASE("Tobler's function normalised to flat ground", "[analysis]") {
  CHECK(toblerSlowness(0) == Approx(1.0));
  CHECK(toblerSlowness(-0.05) == Approx(std::exp(-0.175)));  // 0.8395: the fastest grade
  CHECK(toblerSlowness(-0.1) == Approx(1.0));
  CHECK(toblerSlowness(0.1) == Approx(1.4190675486));
  CHECK(toblerSlowness(std::numeric_limits<double>::quiet_NaN()) == 1.0);
}

TEST_CASE("a slope costs more uphill than downhill (per-vertex heights)", "[analysis]") {
  // 100 m rising 10 m (+10 %): uphill 100 x e^0.35 = 141.907 m of flat walking, downhill
  // (-10 %) exactly 100 m. At 1.2 m/s: 118.256 s up, 83.333 s down.
  core::Diagnostics diag;
  const WalkGraph g = buildWalkGraph(std::vector<model::Road>{way("footway", {{0, 0}, {100, 0}}, {0, 10})}, {}, diag);
  REQUIRE(g.segmentCount() == 1);
  const WalkSegment& s = g.segments()[0];
  REQUIRE(s.a == 0);
  CHECK(s.lengthMeters == Approx(100));
  CHECK(s.costMeters == Approx(141.9067549));
  CHECK(s.costBackMeters == Approx(100.0));
  CHECK(g.edgesBegin(0)->costMeters == Approx(141.9067549));
  CHECK(g.edgesBegin(1)->costMeters == Approx(100.0));

  WalkSearch search(g);
  const ReachSet up = search.reach({originAtNode(g, 0)}, 900, 1.2);
  CHECK(up.value[1] == Approx(118.2556291));
  const ReachSet down = search.reach({originAtNode(g, 1)}, 900, 1.2);
  CHECK(down.value[0] == Approx(83.3333333));

  // An origin halfway: 50 m down to a (41.667 s), 50 m up to b (59.128 s).
  WalkOrigin mid;
  mid.at.segment = 0;
  mid.at.t = 0.5;
  const ReachSet fromMid = search.reach({mid}, 900, 1.2);
  CHECK(fromMid.value[0] == Approx(41.6666667));
  CHECK(fromMid.value[1] == Approx(59.1278146));
  SnapPoint quarter;
  quarter.segment = 0;
  quarter.t = 0.25;
  CHECK(fromMid.valueAt(g, quarter) == Approx(20.8333333));
  quarter.t = 0.75;
  CHECK(fromMid.valueAt(g, quarter) == Approx(29.5639073));

  // 30 s from the middle: 36 m downhill, 36 / 1.41907 = 25.369 m uphill.
  const ReachSet short30 = search.reach({mid}, 30, 1.2);
  const auto pieces = edgeReach(g, short30, 0);
  REQUIRE(pieces.size() == 1);
  CHECK(pieces[0].first == Approx(0.5 - 0.36));
  CHECK(pieces[0].second == Approx(0.5 + 0.2536878));

  // pgRouting sees the two directions as two costs.
  const auto edges = pgRoutingEdges(g, 1.2);
  REQUIRE(edges.size() == 1);
  CHECK(edges[0].cost == Approx(118.2556291));
  CHECK(edges[0].reverseCost == Approx(83.3333333));

  // Slope off: flat both ways.
  WalkGraphOptions flat;
  flat.toblerSlope = false;
  const WalkGraph g2 =
      buildWalkGraph(std::vector<model::Road>{way("footway", {{0, 0}, {100, 0}}, {0, 10})}, flat, diag);
  CHECK(g2.segments()[0].costMeters == Approx(100));
  CHECK(g2.segments()[0].costBackMeters == Approx(100));
}

TEST_CASE("steps keep their own factor; bad heights are flat and reported", "[analysis]") {
  core::Diagnostics diag;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const WalkGraph g = buildWalkGraph(
      std::vector<model::Road>{way("steps", {{0, 0}, {20, 0}}, {0, 10}), way("footway", {{0, 50}, {40, 50}}, {nan, 3}),
                               way("footway", {{0, 90}, {40, 90}}, {1})},  // wrong count: no heights
      {}, diag);
  REQUIRE(g.segmentCount() == 3);
  CHECK(g.segments()[0].costMeters == Approx(40));  // 20 m x stepsFactor 2, both ways
  CHECK(g.segments()[0].costBackMeters == Approx(40));
  CHECK(g.segments()[1].costMeters == Approx(40));
  CHECK(g.segments()[1].costBackMeters == Approx(40));
  CHECK(g.segments()[2].costMeters == Approx(40));
  const auto items = diag.items();
  CHECK(std::count_if(items.begin(), items.end(), [](const core::Diagnostic& d) {
          return d.message == "1 segment pieces have a non-finite height" && d.severity == core::Severity::Warning;
        }) == 1);
}

TEST_CASE("with a terrain heightfield the grade is taken every terrain cell", "[analysis]") {
  core::Diagnostics diag;
  // Both ends at height 0, a 10 m hill in the middle: the vertices alone say flat, the terrain
  // says 100 m at +10 % and 100 m at -10 %: 100 e^0.35 + 100 = 241.907 m both ways.
  const geo::Heightfield hill = terrain([](double x) { return std::max(0.0, 10 - std::abs(x - 100) * 0.1); });
  WalkGraphOptions options;
  options.terrain = &hill;
  const WalkGraph g =
      buildWalkGraph(std::vector<model::Road>{way("footway", {{0, 0}, {200, 0}}, {0, 0})}, options, diag);
  REQUIRE(g.segmentCount() == 1);
  CHECK(g.segments()[0].costMeters == Approx(241.9067549));
  CHECK(g.segments()[0].costBackMeters == Approx(241.9067549));
  const WalkGraph perVertex =
      buildWalkGraph(std::vector<model::Road>{way("footway", {{0, 0}, {200, 0}}, {0, 0})}, {}, diag);
  CHECK(perVertex.segments()[0].costMeters == Approx(200));

  // A steady 5 % ramp: 200 e^0.175 = 238.249 m up, 200 e^-0.175 = 167.891 m down.
  const geo::Heightfield ramp = terrain([](double x) { return 0.05 * x; });
  options.terrain = &ramp;
  WalkLine line;
  line.points = {{0, 0}, {200, 0}};
  const WalkGraph r = buildWalkGraph(std::vector<WalkLine>{line}, options, diag);
  CHECK(r.segments()[0].costMeters == Approx(238.2492433));
  CHECK(r.segments()[0].costBackMeters == Approx(167.8914042));
}
