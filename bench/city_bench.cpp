// A generated grid city of N buildings, its streets and POIs (tests/support GeneratedCity), written
// as .osm, loaded through model::loadSite, compiled and rendered at 1920x1080 from an overview pose.
// Usage: bench_city_bench [N [frames]]     one city (run one process per N: peak RSS is per process)
//        bench_city_bench compare [frames] the 20k and 200k cities, each in a child process, and the
//                                           ratios frame(200k)/frame(20k) and memory(200k)/memory(20k)
#include <unistd.h>

#include <cmath>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include <osgDB/DatabasePager>
#include <osgUtil/IncrementalCompileOperation>

#include "BenchSupport.h"
#include "GeneratedCity.h"
#include "twin/model/SiteLoader.h"
#include "twin/scene/FrameStatistics.h"

using namespace twin;

namespace {

struct ChildFigures {
  double frameMs = -1, rssMiB = -1;
};

// Runs this program for one city and reads its "frame ... median" and "peak RSS" lines.
ChildFigures runChild(std::size_t buildings, int frames) {
  // The shell that popen() starts is not this program: resolve our own path first.
  std::error_code error;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) bench::die("bench_city_bench: cannot find its own program: " + error.message());
  const std::string command = "'" + self.string() + "' " + std::to_string(buildings) + " " + std::to_string(frames);
  ChildFigures figures;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) bench::die("bench_city_bench: cannot run " + command);
  char line[512];
  while (std::fgets(line, sizeof line, pipe)) {
    std::fputs(line, stdout);
    double value = 0;
    if (const char* median = std::strstr(line, "median ");
        median && std::strncmp(line, "frame", 5) == 0 && std::sscanf(median, "median %lf", &value) == 1)
      figures.frameMs = value;
    if (std::sscanf(line, "peak RSS: %lf", &value) == 1) figures.rssMiB = value;
  }
  if (pclose(pipe) != 0) bench::die("bench_city_bench: " + command + " failed");
  return figures;
}

int compare(int frames) {
  std::printf("== 20,000 buildings\n");
  std::fflush(stdout);
  const ChildFigures small = runChild(20000, frames);
  std::printf("== 200,000 buildings\n");
  std::fflush(stdout);
  const ChildFigures large = runChild(200000, frames);
  if (small.frameMs <= 0 || small.rssMiB <= 0 || large.frameMs < 0 || large.rssMiB < 0)
    bench::die("bench_city_bench: a child printed no frame time or peak RSS");
  std::printf("frame(200k)/frame(20k) = %.1f / %.1f ms = %.2f  (target <= 2)\n", large.frameMs, small.frameMs,
              large.frameMs / small.frameMs);
  std::printf("memory(200k)/memory(20k) = %.0f / %.0f MiB = %.2f  (target <= 4)\n", large.rssMiB, small.rssMiB,
              large.rssMiB / small.rssMiB);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  unsetenv("DISPLAY");
  if (argc > 1 && std::string(argv[1]) == "compare") return compare(argc > 2 ? std::max(1, std::atoi(argv[2])) : 50);
  int buildings = argc > 1 ? std::max(1, std::atoi(argv[1])) : 10000;
  int frames = argc > 2 ? std::max(1, std::atoi(argv[2])) : 100;
  std::filesystem::path dir = std::filesystem::temp_directory_path() / ("twin-city-bench-" + std::to_string(buildings));
  std::filesystem::create_directories(dir);
  core::Stopwatch writeWatch;
  const std::filesystem::path osm = dir / "city.osm";
  test::GeneratedCityOptions city;
  city.buildings = static_cast<std::size_t>(buildings);
  if (auto written = test::writeGeneratedCityOsm(osm, city); !written) bench::die(written.error().message);
  double writeMs = writeWatch.elapsedMs();

  core::Stopwatch loadWatch;
  model::SceneConfig sceneConfig;
  sceneConfig.name = "grid city";
  sceneConfig.origin = {test::kGeneratedCityLon, test::kGeneratedCityLat};
  model::LayerConfig layer;
  layer.id = "city";
  layer.source = osm.string();
  sceneConfig.layers.push_back(layer);
  sceneConfig.themes["dark"] = model::defaultTheme("dark");
  const model::SceneConfig* config = &sceneConfig;
  auto site = model::loadSite(*config);
  if (!site) bench::die(site.error().message);
  double loadMs = loadWatch.elapsedMs();

  scene::SceneOptions options;
  options.theme = bench::sceneTheme(*config);
  core::Diagnostics diag;
  auto built = scene::SiteScene::build(*site, options, diag);
  if (!built) bench::die(built.error().message);
  const scene::CompileStats& stats = built.value()->stats();

  auto renderer = app::HeadlessRenderer::create(1920, 1080);
  if (!renderer) bench::die(renderer.error().message);
  bench::applyCamera(*renderer.value(), options.theme, scene::poseFramingExtent(site->extent));
  osgViewer::Viewer& viewer = renderer.value()->viewer();
  viewer.setSceneData(built.value()->root());
  viewer.setIncrementalCompileOperation(new osgUtil::IncrementalCompileOperation);
  // Paged near levels the overview asks for are loaded before timing (at most 60 s).
  for (int i = 0; i < 3000; ++i) {
    renderer.value()->renderFrame();
    const osgDB::DatabasePager* pager = viewer.getDatabasePager();
    if (!pager || (!pager->getRequestsInProgress() && pager->getFileRequestListSize() == 0 &&
                   pager->getDataToMergeListSize() == 0))
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  bench::FrameFigures f = bench::measureFrames(*renderer.value(), frames);
  const osg::Camera* camera = viewer.getCamera();
  const scene::FrameStatistics drawn = scene::cullStatistics(*built.value()->root(), camera->getViewMatrix(),
                                                             camera->getProjectionMatrix(), *camera->getViewport());
  if (const char* snapshots = std::getenv("TWIN_BENCH_SNAPSHOT_DIR")) {
    auto written = app::writePng(*renderer.value()->capture(),
                                 std::string(snapshots) + "/city-" + std::to_string(buildings) + ".png");
    if (!written) std::fprintf(stderr, "%s\n", written.error().message.c_str());
  }

  std::printf("renderer: %s\n", renderer.value()->rendererName().c_str());
  std::printf(
      "city: %d buildings requested, %zu loaded, %zu roads, extent %.0f x %.0f m, .osm %.1f MB (written in %.0f ms)\n",
      buildings, site->buildings.size(), site->roads.size(), site->extent.width(), site->extent.height(),
      std::filesystem::file_size(osm) / 1e6, writeMs);
  std::printf("load (config + read + reproject + interpret): %.0f ms  [read %.0f, reproject %.0f, interpret %.0f]\n",
              loadMs, site->timings.readMs, site->timings.reprojectMs, site->timings.interpretMs);
  std::printf(
      "compile: %.0f ms  (%zu tiles in %zu blocks%s, %zu building geometries, %zu full-detail triangles, %zu "
      "skipped)\n",
      stats.compileMs, stats.buildingTiles, stats.buildingBlocks, stats.buildingsPaged ? ", near levels paged" : "",
      stats.buildingGeometries, stats.buildingTriangles, diag.total());
  std::printf("ready (load + compile): %.0f ms\n", loadMs + stats.compileMs);
  std::printf(
      "frame 1920x1080, %d frames: median %.1f ms (min %.1f, max %.1f), drawables %.0f, visible triangles %.0f\n",
      frames, f.medianMs, f.minMs, f.maxMs, f.drawables, f.triangles);
  std::printf("drawn: %zu draw calls, %zu triangles, %zu buildings, %zu POI markers (of %zu POIs)\n", drawn.drawCalls,
              drawn.triangles, drawn.buildingsDrawn, drawn.poiMarkersDrawn, site->pois.size());
  std::printf("peak RSS: %.0f MiB\n", bench::peakRssMiB());
  std::filesystem::remove_all(dir);
  return 0;
}
