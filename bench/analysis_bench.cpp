// Walking-analysis figures: graph build, 15-minute reach and polygons (median over 1,000
// random origins), full life-circle coverage, a generated grid city of ~1M edges.
// Usage: bench_analysis [MONACO_SCENE] [BEIJING_SCENE]   (defaults: scenes/monaco.json,
// scenes/beijing-liudaokou.json relative to the working directory, i.e. run from the checkout)
#include <algorithm>
#include <cstdio>
#include <random>
#include <ctime>
#include <string>
#include <vector>

#include "twin/analysis/Coverage.h"
#include "twin/analysis/Isochrone.h"
#include "twin/analysis/Tod.h"
#include "twin/core/Stopwatch.h"
#include "twin/model/SiteLoader.h"

using namespace twin;
using namespace twin::analysis;

namespace {

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// CPU time of this thread: the bench machine is shared, so wall time also counts other jobs.
double threadCpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * v.size()))];
}

std::vector<WalkOrigin> randomOrigins(const WalkGraph& g, std::size_t count, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_int_distribution<std::uint32_t> seg(0, static_cast<std::uint32_t>(g.segmentCount() - 1));
  std::uniform_real_distribution<double> t(0, 1);
  std::vector<WalkOrigin> out;
  for (std::size_t i = 0; i < count; ++i) {
    SnapPoint s;
    s.segment = seg(rng);
    s.t = t(rng);
    s.point = g.pointOn(s.segment, s.t);
    out.push_back({s, 0});
  }
  return out;
}

void reachFigures(const char* name, const WalkGraph& g, std::size_t origins, bool polygons) {
  WalkSearch search(g);
  std::vector<double> reachMs, polyMs, polyCpuMs, reachedNodes, area;
  for (const WalkOrigin& o : randomOrigins(g, origins, 7)) {
    core::Stopwatch clock;
    const ReachSet r = search.reach({o}, 900, 1.2);
    reachMs.push_back(clock.elapsedMs());
    reachedNodes.push_back(static_cast<double>(r.reached.size()));
    if (polygons) {
      clock.restart();
      const double cpu0 = threadCpuMs();
      const auto bands = isochronePolygons(g, r, {300, 600, 900});
      polyCpuMs.push_back(threadCpuMs() - cpu0);
      polyMs.push_back(clock.elapsedMs());
      area.push_back(bands[2].areaM2);
    }
  }
  std::printf("%s: 15-min reach from %zu random origins: median %.3f ms, p95 %.3f ms (median %.0f nodes reached)\n",
              name, origins, median(reachMs), percentile(reachMs, 0.95), median(reachedNodes));
  if (polygons)
    std::printf(
        "%s: 5/10/15-min polygons (10 m grid): median %.3f ms, p95 %.3f ms; CPU median %.3f ms, p95 %.3f ms "
        "(median 15-min area %.2f km2)\n",
        name, median(polyMs), percentile(polyMs, 0.95), median(polyCpuMs), percentile(polyCpuMs, 0.95),
        median(area) / 1e6);
}

bool sceneFigures(const char* name, const char* scenePath, bool reach) {
  auto config = model::loadSceneConfig(scenePath);
  if (!config) {
    std::printf("%s: %s\n", name, config.error().message.c_str());
    return false;
  }
  core::Stopwatch load;
  auto site = model::loadSite(*config);
  if (!site) {
    std::printf("%s: %s\n", name, site.error().message.c_str());
    return false;
  }
  std::printf("%s: site loaded in %.0f ms: %zu roads, %zu buildings, %zu POIs\n", name, load.elapsedMs(),
              site->roads.size(), site->buildings.size(), site->pois.size());
  std::vector<double> buildMs;
  WalkGraph g;
  WalkGraphStats stats;
  for (int i = 0; i < 5; ++i) {
    core::Diagnostics diag;
    core::Stopwatch clock;
    g = buildWalkGraph(site->roads, {}, diag, &stats);
    buildMs.push_back(clock.elapsedMs());
  }
  std::printf("%s: graph build median %.2f ms: %zu nodes, %zu segments, %.1f km, %zu parts\n", name, median(buildMs),
              stats.nodes, stats.segments, stats.totalLengthMeters / 1000, stats.components);
  if (reach) reachFigures(name, g, 1000, true);
  const bool heights =
      std::any_of(site->roads.begin(), site->roads.end(), [](const model::Road& r) { return !r.elevations.empty(); });
  if (reach && heights) {
    // The same without the slope cost, comparable with figures from before it existed.
    core::Diagnostics diag;
    WalkGraphOptions flat;
    flat.toblerSlope = false;
    reachFigures((std::string(name) + " (slope off)").c_str(), buildWalkGraph(site->roads, flat, diag), 1000, true);
  }

  const model::FacilityConfig fc = model::defaultFacilityConfig();
  const auto facilities = model::facilitiesFromPois(site->pois, fc);
  std::vector<double> fullMs, moveMs, addMs;
  for (int i = 0; i < 5; ++i) {
    core::Diagnostics diag;
    core::Stopwatch clock;
    CoverageModel cov(g, *site, fc, facilities, diag);
    fullMs.push_back(clock.elapsedMs());
    if (!facilities.empty()) {
      const core::Vec2 p = facilities[0].position;
      clock.restart();
      cov.moveFacility(0, {p.x + 50, p.y + 20});
      moveMs.push_back(clock.elapsedMs());
      model::Facility extra = facilities[0];
      extra.position = {p.x - 200, p.y};
      clock.restart();
      cov.addFacility(extra);
      addMs.push_back(clock.elapsedMs());
    }
  }
  core::Diagnostics diag;
  CoverageModel cov(g, *site, fc, facilities, diag);
  std::printf(
      "%s: full coverage (%zu residential buildings x %zu categories, %zu facilities): median %.2f ms; "
      "move one facility %.3f ms; add one %.3f ms\n",
      name, cov.buildings().size(), fc.categories.size(), facilities.size(), median(fullMs), median(moveMs),
      median(addMs));
  core::Stopwatch tod;
  const auto stations = findStations(*site);
  const auto results = todCatchments(g, *site, fc, stations, {500, 800}, diag);
  std::printf("%s: TOD catchments for %zu stations: %.2f ms\n", name, results.size(), tod.elapsedMs());
  return true;
}

void gridCity() {
  // 708 x 708 intersections, 80 m blocks: 2 x 707 x 708 = 1,001,112 edges.
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
  WalkGraphStats stats;
  core::Stopwatch clock;
  const WalkGraph g = buildWalkGraph(lines, {}, diag, &stats);
  std::printf("grid city: graph build %.0f ms: %zu nodes, %zu edges\n", clock.elapsedMs(), stats.nodes, stats.segments);
  reachFigures("grid city", g, 200, true);
}

}  // namespace

int main(int argc, char** argv) {
  const char* monaco = argc > 1 ? argv[1] : "scenes/monaco.json";
  const char* beijing = argc > 2 ? argv[2] : "scenes/beijing-liudaokou.json";
  std::printf("bench_analysis (the pgRouting comparison is bench_pgrouting_bench)\n");
  sceneFigures("monaco", monaco, true);
  sceneFigures("beijing", beijing, true);
  gridCity();
  return 0;
}
