// Sunlight (日照) analysis: every window sample of every residential building of a scene for one
// standard day (大寒日 2026-01-20, 08-16 true solar time, one-minute steps), as `twin sunlight`
// runs it. Prints samples, rays, rays per second and the wall time of each stage.
// Usage: bench_sunlight_bench [scene.json ...] [--date YYYY-MM-DD] [--spacing M] [--repeat N]
//        (default: scenes/beijing-liudaokou.json; any scene file may be passed)
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "BenchSupport.h"
#include "twin/analysis/Sunlight.h"
#include "twin/app/SceneLoading.h"
#include "twin/core/Stopwatch.h"
#include "twin/geo/SunPosition.h"

using namespace twin;

namespace {

void run(const std::string& path, geo::CivilDate date, double spacing, int repeat) {
  core::Stopwatch total;
  auto loaded = app::loadScene(path);
  if (!loaded) bench::die(loaded.error().message);
  const app::LoadedScene& scene = *loaded;
  const model::Site& site = *scene.site;
  std::size_t residential = 0;
  for (const model::Building& b : site.buildings) residential += b.use == model::BuildingUse::Residential;
  std::printf("%s: %zu buildings (%zu residential), %zu building parts, terrain %s; load %.0f ms\n",
              scene.config.name.c_str(), site.buildings.size(), residential, site.buildingParts.size(),
              site.terrain ? "yes" : "no", scene.loadMs);

  core::Stopwatch clock;
  analysis::WindowSampleOptions options;
  options.spacingMeters = spacing;
  options.storeyMeters = scene.config.heights.storeyMeters;
  const auto samples = analysis::windowSamples(site, options);
  const double samplesMs = clock.elapsedMs();
  clock = core::Stopwatch();
  const auto steps = analysis::sunSteps(site.frame.origin(), date, 8, 16);
  const double sunMs = clock.elapsedMs();
  clock = core::Stopwatch();
  auto occluders = analysis::SunlightScene::build(site, {}, true);
  if (!occluders) bench::die(occluders.error().message);
  const double bvhMs = clock.elapsedMs();
  std::printf(
      "  %zu window samples (spacing %.1f m) in %.1f ms; %zu sun steps (%s, 08-16 true solar time) in %.1f ms\n",
      samples.size(), spacing, samplesMs, steps.size(), geo::formatCivilDate(date).c_str(), sunMs);
  std::printf("  BVH: %zu triangles, built in %.1f ms\n", occluders->triangles(), bvhMs);

  std::vector<double> seconds;
  analysis::SunlightStats stats;
  std::size_t sunny = 0;
  for (int r = 0; r < repeat; ++r) {
    const auto counts = analysis::sunlightMinutes(*occluders, samples, steps, 0, &stats);
    seconds.push_back(stats.seconds);
    sunny = 0;
    for (const auto& c : counts) sunny += c.sunMinutes >= 120;
  }
  const double s = bench::median(seconds);
  std::printf(
      "  rays: %zu cast (sun up and in front of the wall), median %.3f s over %d runs on %u threads: %.2f M rays/s\n",
      stats.rays, s, repeat, std::thread::hardware_concurrency(), stats.rays / s / 1e6);
  std::printf("  windows with >= 2 h: %zu of %zu\n", sunny, samples.size());
  std::printf(
      "  wall time: %.2f s from loading to the last of %d runs; one analysis (samples, sun, BVH, rays): %.2f s\n",
      total.elapsedMs() / 1000, repeat, (samplesMs + sunMs + bvhMs) / 1000 + s);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> scenes;
  geo::CivilDate date{2026, 1, 20};
  double spacing = 3;
  int repeat = 3;
  for (int i = 1; i < argc; ++i) {
    const bool hasValue = i + 1 < argc;
    if (!std::strcmp(argv[i], "--date") && hasValue) {
      auto d = geo::parseCivilDate(argv[++i]);
      if (!d) bench::die(d.error().message);
      date = *d;
    } else if (!std::strcmp(argv[i], "--spacing") && hasValue) {
      spacing = std::atof(argv[++i]);
      if (!(spacing >= 0.5)) bench::die("bench_sunlight_bench: --spacing expects metres >= 0.5");
    } else if (!std::strcmp(argv[i], "--repeat") && hasValue) {
      repeat = std::atoi(argv[++i]);
      if (repeat < 1) bench::die("bench_sunlight_bench: --repeat expects a count >= 1");
    } else {
      scenes.push_back(argv[i]);
    }
  }
  if (scenes.empty()) scenes.push_back(bench::scenePath("beijing-liudaokou.json"));
  for (const std::string& s : scenes) run(s, date, spacing, repeat);
}
