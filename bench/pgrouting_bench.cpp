// WalkSearch vs pgRouting's pgr_drivingDistance: the same origins (random nodes of the largest
// part), the same 15-minute cutoff, on Monaco and on a generated grid city of ~1M edges.
// pgRouting's time is measured inside PostgreSQL (clock_timestamp around each call in a
// PL/pgSQL function), so it leaves out psql and the socket; it includes reading the edge table
// through the edges SQL, which is how pgr_drivingDistance works. Ours is thread CPU time and
// wall time of WalkSearch::reach with its buffers warm. Checks that both reach the same nodes.
// Needs postgresql-15 and postgresql-15-pgrouting (scripts/install-deps.sh).
// Usage: bench_pgrouting_bench [MONACO_SCENE]   (default scenes/monaco.json, run from the checkout)
#include <stdlib.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "ScratchPostgres.h"
#include "twin/analysis/PgRouting.h"
#include "twin/analysis/WalkReach.h"
#include "twin/core/Stopwatch.h"
#include "twin/model/SiteLoader.h"

using namespace twin;
using namespace twin::analysis;

namespace {

double threadCpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

std::vector<NodeId> randomNodes(const WalkGraph& g, std::size_t count, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<NodeId> pick(0, static_cast<NodeId>(g.nodeCount() - 1));
  std::vector<NodeId> out;
  while (out.size() < count) {
    const NodeId n = pick(rng);
    if (g.component(n) == 0 && g.edgesBegin(n) != g.edgesEnd(n)) out.push_back(n);
  }
  return out;
}

void compare(const char* name, const WalkGraph& g, std::size_t originCount) {
  const double speed = 1.2, cutoff = 900;
  char pattern[] = "/tmp/twin-pgbench-XXXXXX";
  if (!mkdtemp(pattern)) {
    std::printf("%s: cannot create a temporary directory\n", name);
    return;
  }
  const std::string dir = pattern;
  {
    auto pg = test::ScratchPostgres::start(dir);
    if (!pg) {
      std::printf("%s: %s\n", name, pg.error().message.c_str());
      std::filesystem::remove_all(dir);
      return;
    }
    core::Stopwatch load;
    auto ext = (*pg)->sql("CREATE EXTENSION pgrouting CASCADE;");
    const core::Status loaded = ext ? (*pg)->loadEdges("walk", pgRoutingEdges(g, speed)) : core::Status(ext.error());
    if (!loaded) {
      std::printf("%s: %s\n", name, loaded.error().message.c_str());
      std::filesystem::remove_all(dir);
      return;
    }
    std::printf("%s: %zu edges loaded into PostgreSQL in %.0f ms\n", name, g.segmentCount(), load.elapsedMs());

    const std::vector<NodeId> origins = randomNodes(g, originCount, 11);
    WalkSearch search(g);
    std::vector<double> oursCpu, oursWall;
    std::vector<std::size_t> oursReached;
    for (const NodeId n : origins) {
      const WalkOrigin o = originAtNode(g, n);
      search.reach({o}, cutoff, speed);  // warm the buffers and the caches, as a server would be
      core::Stopwatch clock;
      const double cpu0 = threadCpuMs();
      const ReachSet r = search.reach({o}, cutoff, speed);
      oursCpu.push_back(threadCpuMs() - cpu0);
      oursWall.push_back(clock.elapsedMs());
      oursReached.push_back(r.reached.size());
    }
    // The usual pgRouting practice: hand it only the edges near the origin. Cost per metre is at
    // least Tobler's fastest (-5 %) slowness, so every node reachable within the cutoff lies
    // within cutoff x speed / that of the origin, and edges whose source lies outside that box
    // cannot be used.
    std::string nodes =
        "CREATE TABLE node (id bigint PRIMARY KEY, x float8, y float8);\nCOPY node FROM STDIN WITH (FORMAT csv);\n";
    char row[96];
    for (NodeId v = 0; v < g.nodeCount(); ++v) {
      std::snprintf(row, sizeof row, "%u,%.3f,%.3f\n", v + 1, g.position(v).x, g.position(v).y);
      nodes += row;
    }
    nodes +=
        "\\.\nALTER TABLE walk ADD x float8, ADD y float8;\n"
        "UPDATE walk SET x = node.x, y = node.y FROM node WHERE node.id = walk.source;\n"
        "CREATE INDEX ON walk (x, y);\nANALYZE walk;\n";
    if (auto r = (*pg)->sql(nodes); !r) std::printf("%s: %s\n", name, r.error().message.c_str());
    const double radius = cutoff * speed / toblerSlowness(-0.05) + 1;
    std::ostringstream ids, xs, ys;
    for (std::size_t i = 0; i < origins.size(); ++i) {
      ids << (i ? "," : "") << origins[i] + 1;
      xs << (i ? "," : "") << g.position(origins[i]).x;
      ys << (i ? "," : "") << g.position(origins[i]).y;
    }
    const std::string boxTiming =
        "CREATE FUNCTION twin_dd_box(origin bigint, cutoff float8, ox float8, oy float8, r float8, OUT ms float8, "
        "OUT reached bigint) LANGUAGE plpgsql AS $$\n"
        "DECLARE t0 timestamptz;\n"
        "BEGIN\n"
        "  t0 := clock_timestamp();\n"
        "  SELECT count(*) INTO reached FROM pgr_drivingDistance(format('SELECT id, source, target, cost, reverse_cost "
        "FROM walk WHERE x BETWEEN %s AND %s AND y BETWEEN %s AND %s', ox - r, ox + r, oy - r, oy + r), origin, "
        "cutoff, true);\n"
        "  ms := 1000 * extract(epoch FROM clock_timestamp() - t0);\n"
        "END $$;\n"
        "SELECT (twin_dd_box(o, " +
        std::to_string(cutoff) + ", ox, oy, " + std::to_string(radius) + ")).* FROM unnest(ARRAY[" + ids.str() +
        "]::bigint[], ARRAY[" + xs.str() + "]::float8[], ARRAY[" + ys.str() +
        "]::float8[]) WITH ORDINALITY AS u(o, ox, oy, k) ORDER BY k;\n";
    const std::string timing =
        "CREATE FUNCTION twin_dd(origin bigint, cutoff float8, OUT ms float8, OUT reached bigint) LANGUAGE plpgsql AS "
        "$$\n"
        "DECLARE t0 timestamptz;\n"
        "BEGIN\n"
        "  t0 := clock_timestamp();\n"
        "  SELECT count(*) INTO reached FROM pgr_drivingDistance("
        "'SELECT id, source, target, cost, reverse_cost FROM walk', origin, cutoff, true);\n"
        "  ms := 1000 * extract(epoch FROM clock_timestamp() - t0);\n"
        "END $$;\n"
        "SELECT (twin_dd(o, " +
        std::to_string(cutoff) + ")).* FROM unnest(ARRAY[" + ids.str() +
        "]::bigint[]) WITH ORDINALITY AS u(o, k) ORDER BY k;\n";
    for (const bool box : {false, true}) {
      auto out = (*pg)->sql(box ? boxTiming : timing);
      if (!out) {
        std::printf("%s: %s\n", name, out.error().message.c_str());
      } else {
        std::vector<double> pgMs;
        std::size_t agree = 0;
        std::istringstream in(*out);
        std::string line;
        for (std::size_t i = 0; std::getline(in, line) && i < origins.size(); ++i) {
          const auto bar = line.find('|');
          if (bar == std::string::npos) continue;
          pgMs.push_back(std::stod(line.substr(0, bar)));
          if (std::stoul(line.substr(bar + 1)) == oursReached[i]) ++agree;
        }
        const double ours = median(oursWall), theirs = median(pgMs);
        std::printf(
            "%s: 15-min reach from %zu random nodes (median %zu nodes reached): WalkSearch median %.3f ms wall, "
            "%.3f ms CPU; pgr_drivingDistance (%s) median %.1f ms (inside PostgreSQL); ratio %.0fx; same reach "
            "count for %zu of %zu origins\n",
            name, origins.size(),
            static_cast<std::size_t>(median(std::vector<double>(oursReached.begin(), oursReached.end()))), ours,
            median(oursCpu), box ? "edges in the origin's box" : "whole edge table", theirs,
            ours > 0 ? theirs / ours : 0.0, agree, origins.size());
      }
    }
  }  // the cluster stops here
  std::filesystem::remove_all(dir);
}

}  // namespace

int main(int argc, char** argv) {
  const char* monaco = argc > 1 ? argv[1] : "scenes/monaco.json";
  auto config = model::loadSceneConfig(monaco);
  auto site = config ? model::loadSite(*config) : core::Result<model::Site>(config.error());
  if (!site) {
    std::printf("monaco: %s\n", site.error().message.c_str());
  } else {
    core::Diagnostics diag;
    compare("monaco", buildWalkGraph(site->roads, {}, diag), 50);
  }
  // The grid city of bench_analysis_bench: 708 x 708 intersections, 80 m blocks, ~1M edges.
  const int n = 708;
  std::vector<WalkLine> lines;
  lines.reserve(2 * n * (n - 1));
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      const core::Vec2 p{i * 80.0, j * 80.0};
      if (i + 1 < n) lines.push_back({{p, {p.x + 80, p.y}}, 1.0});
      if (j + 1 < n) lines.push_back({{p, {p.x, p.y + 80}}, 1.0});
    }
  core::Diagnostics diag;
  compare("grid city", buildWalkGraph(lines, {}, diag), 5);
  return 0;
}
