// Headless frame time at 1920x1080 from each scene's start bookmark: median of 100 frames, and
// the draw calls (visible drawables) from OSG's cull statistics.
// Usage: bench_frame_bench [frames=100] [scene.json ...]
#include <cstdio>

#include "BenchSupport.h"
#include "twin/model/SiteLoader.h"

using namespace twin;

int main(int argc, char** argv) {
  unsetenv("DISPLAY");
  int frames = argc > 1 ? std::max(1, std::atoi(argv[1])) : 100;
  std::vector<std::string> scenes;
  for (int i = 2; i < argc; ++i) scenes.push_back(argv[i]);
  if (scenes.empty()) scenes = {bench::scenePath("beijing-liudaokou.json"), bench::scenePath("monaco.json")};

  auto renderer = app::HeadlessRenderer::create(1920, 1080);
  if (!renderer) bench::die(renderer.error().message);
  std::printf("renderer: %s, 1920x1080, %d frames\n", renderer.value()->rendererName().c_str(), frames);
  std::printf("%-28s %10s %8s %8s %10s %11s %7s\n", "scene", "median ms", "min ms", "max ms", "drawables",
              "triangles", "labels");
  for (const std::string& path : scenes) {
    auto config = model::loadSceneConfig(path);
    if (!config) bench::die(config.error().message);
    auto site = model::loadSite(*config);
    if (!site) bench::die(site.error().message);
    scene::SceneOptions options;
    options.theme = bench::sceneTheme(*config);
    core::Diagnostics diag;
    auto built = scene::SiteScene::build(*site, options, diag);
    if (!built) bench::die(built.error().message);
    bench::applyCamera(*renderer.value(), options.theme, bench::startPose(*config, *site));
    renderer.value()->viewer().setSceneData(built.value()->root());
    bench::FrameFigures f = bench::measureFrames(*renderer.value(), frames);
    std::string name = path.substr(path.find_last_of('/') + 1);
    std::printf("%-28s %10.1f %8.1f %8.1f %10.0f %11.0f %7zu\n", name.c_str(), f.medianMs, f.minMs, f.maxMs,
                f.drawables, f.triangles, built.value()->stats().labels);
    // Where the time goes: the same view with one layer hidden at a time.
    std::printf("  without layer:");
    for (int i = 0; i < scene::kLayerCount; ++i) {
      auto layer = static_cast<scene::Layer>(i);
      built.value()->setLayerVisible(layer, false);
      bench::FrameFigures without = bench::measureFrames(*renderer.value(), std::max(1, frames / 4), 2);
      built.value()->setLayerVisible(layer, true);
      std::printf(" %s %.1f ms;", scene::layerName(layer), without.medianMs);
    }
    std::printf("\n");
    if (const char* dir = std::getenv("TWIN_BENCH_SNAPSHOT_DIR")) {
      std::string png = std::string(dir) + "/" + name + ".png";
      auto written = app::writePng(*renderer.value()->capture(), png);
      if (!written) std::fprintf(stderr, "%s\n", written.error().message.c_str());
    }
    renderer.value()->viewer().setSceneData(nullptr);
  }
  return 0;
}
