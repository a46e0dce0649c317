// Per-stage load and compile times of the shipped scenes, median of several runs.
// Usage: bench_load_bench [runs=5] [scene.json ...]
#include <cstdio>

#include "BenchSupport.h"
#include "twin/model/SiteLoader.h"

using namespace twin;

int main(int argc, char** argv) {
  int runs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5;
  std::vector<std::string> scenes;
  for (int i = 2; i < argc; ++i) scenes.push_back(argv[i]);
  if (scenes.empty()) scenes = {bench::scenePath("beijing-liudaokou.json"), bench::scenePath("monaco.json")};

  std::printf("%-28s %6s %8s %8s %10s %10s %9s %8s %10s\n", "scene", "runs", "config", "read", "reproject", "interpret",
              "compile", "ready", "buildings");
  for (const std::string& path : scenes) {
    std::vector<double> config, read, reproject, interpret, compile, ready;
    std::size_t buildings = 0, triangles = 0, tiles = 0;
    for (int run = 0; run < runs; ++run) {
      core::Stopwatch total;
      core::Stopwatch stage;
      auto loaded = model::loadSceneConfig(path);
      if (!loaded) bench::die(loaded.error().message);
      config.push_back(stage.elapsedMs());
      auto site = model::loadSite(*loaded);
      if (!site) bench::die(site.error().message);
      scene::SceneOptions options;
      options.theme = bench::sceneTheme(*loaded);
      core::Diagnostics diag;
      auto built = scene::SiteScene::build(*site, options, diag);
      if (!built) bench::die(built.error().message);
      ready.push_back(total.elapsedMs());
      read.push_back(site->timings.readMs);
      reproject.push_back(site->timings.reprojectMs);
      interpret.push_back(site->timings.interpretMs);
      compile.push_back(built.value()->stats().compileMs);
      buildings = site->buildings.size();
      triangles = built.value()->stats().buildingTriangles;
      tiles = built.value()->stats().buildingTiles;
    }
    std::string name = path.substr(path.find_last_of('/') + 1);
    std::printf("%-28s %6d %8.1f %8.1f %10.1f %10.1f %9.1f %8.1f %10zu\n", name.c_str(), runs, bench::median(config),
                bench::median(read), bench::median(reproject), bench::median(interpret), bench::median(compile),
                bench::median(ready), buildings);
    std::printf("  (%zu building tiles, %zu full-detail triangles; times in ms, ready = config + load + compile)\n",
                tiles, triangles);
  }
  std::printf("peak RSS %.0f MiB\n", bench::peakRssMiB());
  return 0;
}
