// A generated grid city of N buildings and its streets, written as .osm, loaded through
// model::loadSite, compiled and rendered at 1920x1080 from an overview pose.
// Usage: bench_city_bench [N=10000] [frames=100]   (run one process per N: peak RSS is per process)
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "BenchSupport.h"
#include "twin/model/SiteLoader.h"

using namespace twin;

namespace {

constexpr double kLon0 = 120.15, kLat0 = 30.28;  // Hangzhou
constexpr double kMetresPerDegree = 111320.0;
constexpr int kBlockSide = 4;                // buildings per block side
constexpr double kPitch = 25, kStreet = 22;  // metres

struct Writer {
  std::ofstream out;
  long long nextNode = 1;
  long long node(double x, double y) {
    double lat = kLat0 + y / kMetresPerDegree;
    double lon = kLon0 + x / (kMetresPerDegree * std::cos(kLat0 * 3.14159265358979 / 180));
    char line[128];
    std::snprintf(line, sizeof line, "  <node id=\"%lld\" lat=\"%.8f\" lon=\"%.8f\" version=\"1\"/>\n", nextNode, lat,
                  lon);
    out << line;
    return nextNode++;
  }
};

// Buildings vary in size, height and use so that LOD and colour paths are all exercised.
std::filesystem::path writeCity(const std::filesystem::path& file, int buildings) {
  int blocksPerSide = static_cast<int>(std::ceil(std::sqrt(buildings / double(kBlockSide * kBlockSide))));
  double blockPitch = kBlockSide * kPitch + kStreet;
  Writer w;
  w.out.open(file);
  w.out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<osm version=\"0.6\" generator=\"bench_city_bench\">\n";
  std::vector<std::pair<std::vector<long long>, std::string>> ways;
  const char* uses[] = {"residential", "apartments", "residential", "commercial", "office", "school", "residential"};
  int made = 0;
  for (int by = 0; by < blocksPerSide && made < buildings; ++by) {
    for (int bx = 0; bx < blocksPerSide && made < buildings; ++bx) {
      for (int j = 0; j < kBlockSide * kBlockSide && made < buildings; ++j, ++made) {
        double x = bx * blockPitch + (j % kBlockSide) * kPitch, y = by * blockPitch + (j / kBlockSide) * kPitch;
        double wx = 12 + (made * 7 % 9), wy = 10 + (made * 5 % 8);
        std::vector<long long> refs = {w.node(x, y), w.node(x + wx, y), w.node(x + wx, y + wy), w.node(x, y + wy)};
        refs.push_back(refs.front());
        int levels = 3 + (made * 37 % 28);
        ways.push_back({refs, std::string("    <tag k=\"building\" v=\"") + uses[made % 7] +
                                  "\"/>\n    <tag k=\"building:levels\" v=\"" + std::to_string(levels) + "\"/>\n"});
      }
    }
  }
  double length = blocksPerSide * blockPitch;
  for (int i = 0; i <= blocksPerSide; ++i) {
    double c = i * blockPitch - kStreet / 2;
    std::string tags =
        std::string("    <tag k=\"highway\" v=\"") + (i % 5 == 0 ? "secondary" : "residential") + "\"/>\n";
    ways.push_back({{w.node(-kStreet, c), w.node(length, c)}, tags});
    ways.push_back({{w.node(c, -kStreet), w.node(c, length)}, tags});
  }
  long long wayId = 1;
  for (const auto& [refs, tags] : ways) {
    w.out << "  <way id=\"" << wayId++ << "\" version=\"1\">\n";
    for (long long ref : refs) w.out << "    <nd ref=\"" << ref << "\"/>\n";
    w.out << tags << "  </way>\n";
  }
  w.out << "</osm>\n";
  return file;
}

}  // namespace

int main(int argc, char** argv) {
  unsetenv("DISPLAY");
  int buildings = argc > 1 ? std::max(1, std::atoi(argv[1])) : 10000;
  int frames = argc > 2 ? std::max(1, std::atoi(argv[2])) : 100;
  std::filesystem::path dir = std::filesystem::temp_directory_path() / ("twin-city-bench-" + std::to_string(buildings));
  std::filesystem::create_directories(dir);
  core::Stopwatch writeWatch;
  std::filesystem::path osm = writeCity(dir / "city.osm", buildings);
  double writeMs = writeWatch.elapsedMs();

  core::Stopwatch loadWatch;
  model::SceneConfig sceneConfig;
  sceneConfig.name = "grid city";
  sceneConfig.origin = {kLon0, kLat0};
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
  renderer.value()->viewer().setSceneData(built.value()->root());
  bench::FrameFigures f = bench::measureFrames(*renderer.value(), frames);
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
  std::printf("compile: %.0f ms  (%zu tiles, %zu building geometries, %zu full-detail triangles, %zu skipped)\n",
              stats.compileMs, stats.buildingTiles, stats.buildingGeometries, stats.buildingTriangles, diag.total());
  std::printf("ready (load + compile): %.0f ms\n", loadMs + stats.compileMs);
  std::printf(
      "frame 1920x1080, %d frames: median %.1f ms (min %.1f, max %.1f), drawables %.0f, visible triangles %.0f\n",
      frames, f.medianMs, f.minMs, f.maxMs, f.drawables, f.triangles);
  std::printf("peak RSS: %.0f MiB\n", bench::peakRssMiB());
  std::filesystem::remove_all(dir);
  return 0;
}
