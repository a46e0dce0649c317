// Renders a scene headless (EGL, no X server) from each of its bookmarks into PNG files.
//   examples_render_snapshot [SCENE] [OUTPUT_DIR]   (defaults: the Beijing scene, the temp dir)
#include <filesystem>
#include <iostream>

#include "twin/app/HeadlessRenderer.h"
#include "twin/app/SceneLoading.h"
#include "twin/app/TwinViewer.h"

int main(int argc, char** argv) {
  const std::string path = argc > 1 ? argv[1] : "scenes/beijing-liudaokou.json";
  const std::filesystem::path outDir = argc > 2 ? argv[2] : std::filesystem::temp_directory_path();

  auto probe = twin::app::loadScene(path);
  if (!probe) {
    std::cerr << probe.error().message << '\n';
    return 1;
  }
  std::vector<std::string> bookmarks;
  for (const auto& b : probe->config.bookmarks) bookmarks.push_back(b.name);
  if (bookmarks.empty()) bookmarks.push_back("");  // frames the whole site

  for (const std::string& bookmark : bookmarks) {
    auto loaded = twin::app::loadScene(path);
    if (!loaded) return 1;
    twin::app::ViewerOptions options;
    options.bookmark = bookmark;
    auto viewer = twin::app::TwinViewer::create(std::move(loaded).value(), options);
    if (!viewer) {
      std::cerr << viewer.error().message << '\n';
      return 1;
    }
    auto image = (*viewer)->renderImage(1280, 720);
    if (!image) {
      std::cerr << image.error().message << '\n';
      return 1;
    }
    const auto file = outDir / ("twin-" + (bookmark.empty() ? std::string("site") : bookmark) + ".png");
    auto written = twin::app::writePng(**image, file.string());
    if (!written) {
      std::cerr << written.error().message << '\n';
      return 1;
    }
    std::cout << file.string() << '\n';
  }
  return 0;
}
