// Headless frame time at 1920x1080 from each scene's start bookmark: median of 100 frames, and
// the draw calls (visible drawables) from OSG's cull statistics. Labels are drawn as the app draws
// them (ImGuiOverlay's background draw list, no panels), so the "labels" figures below include
// their declutter and the ImGui pass.
// Usage: bench_frame_bench [frames=100] [scene.json ...]
#include <cstdio>
#include <memory>

#include "BenchSupport.h"
#include "twin/app/ImGuiOverlay.h"
#include "twin/model/SiteLoader.h"

using namespace twin;

namespace {

struct LoadedSite {
  std::string name;
  model::SceneConfig config;
  std::unique_ptr<model::Site> site;
};

// Measured after the default cap, to see what more labels would cost.
constexpr int kRaisedMaxLabels = 200;

}  // namespace

int main(int argc, char** argv) {
  unsetenv("DISPLAY");
  int frames = argc > 1 ? std::max(1, std::atoi(argv[1])) : 100;
  std::vector<std::string> scenes;
  for (int i = 2; i < argc; ++i) scenes.push_back(argv[i]);
  if (scenes.empty()) scenes = {bench::scenePath("beijing-liudaokou.json"), bench::scenePath("monaco.json")};

  // Every site first: the one overlay's font atlas needs all their names.
  std::vector<LoadedSite> sites;
  ui::FontOptions fonts;
  for (const std::string& path : scenes) {
    auto config = model::loadSceneConfig(path);
    if (!config) bench::die(config.error().message);
    auto site = model::loadSite(*config);
    if (!site) bench::die(site.error().message);
    for (const model::Building& b : site->buildings) fonts.extraTexts.push_back(b.name);
    for (const model::Poi& p : site->pois) fonts.extraTexts.push_back(p.name);
    sites.push_back(
        {path.substr(path.find_last_of('/') + 1), *config, std::make_unique<model::Site>(std::move(site.value()))});
  }

  auto renderer = app::HeadlessRenderer::create(1920, 1080);
  if (!renderer) bench::die(renderer.error().message);
  osg::ref_ptr<app::ImGuiOverlay> overlay = new app::ImGuiOverlay(fonts);
  if (!overlay->fontError().empty()) std::fprintf(stderr, "%s\n", overlay->fontError().c_str());
  overlay->install(renderer.value()->viewer(), {});
  osg::Camera* camera = renderer.value()->viewer().getCamera();

  std::printf("renderer: %s, 1920x1080, %d frames\n", renderer.value()->rendererName().c_str(), frames);
  std::printf("%-28s %9s %10s %8s %8s %10s %11s %7s %6s %12s\n", "scene", "maxLabels", "median ms", "min ms", "max ms",
              "drawables", "triangles", "labels", "shown", "declutter us");
  for (LoadedSite& loaded : sites) {
    const int caps[] = {scene::SceneOptions().maxLabels, kRaisedMaxLabels};
    for (const int& maxLabels : caps) {
      scene::SceneOptions options;
      options.theme = bench::sceneTheme(loaded.config);
      options.maxLabels = maxLabels;
      core::Diagnostics diag;
      auto built = scene::SiteScene::build(*loaded.site, options, diag);
      if (!built) bench::die(built.error().message);
      bench::applyCamera(*renderer.value(), options.theme, bench::startPose(loaded.config, *loaded.site));
      renderer.value()->viewer().setSceneData(built.value()->root());
      overlay->setLabelSource(built.value().get());
      bench::FrameFigures f = bench::measureFrames(*renderer.value(), frames);
      const std::size_t shown = built.value()->visibleLabels(*camera).size();
      // The CPU side of the labels alone (the ImGui pass is in the frame times).
      std::vector<double> declutterMs;
      for (int i = 0; i < 50; ++i) {
        core::Stopwatch watch;
        (void)built.value()->visibleLabels(*camera);
        declutterMs.push_back(watch.elapsedMs());
      }
      std::printf("%-28s %9d %10.1f %8.1f %8.1f %10.0f %11.0f %7zu %6zu %12.0f\n", loaded.name.c_str(), maxLabels,
                  f.medianMs, f.minMs, f.maxMs, f.drawables, f.triangles, built.value()->stats().labels, shown,
                  bench::median(declutterMs) * 1000);
      if (&maxLabels == &caps[0]) {
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
          renderer.value()->renderFrame();
          std::string png = std::string(dir) + "/" + loaded.name + ".png";
          auto written = app::writePng(*renderer.value()->capture(), png);
          if (!written) std::fprintf(stderr, "%s\n", written.error().message.c_str());
        }
      }
      overlay->setLabelSource(nullptr);
      renderer.value()->viewer().setSceneData(nullptr);
    }
  }
  overlay->releaseGraphics();  // the EGL context is still current
  return 0;
}
