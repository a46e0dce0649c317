// `twin run` and `twin snapshot`.
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "CliArgs.h"
#include "Commands.h"
#include "twin/app/Cli.h"
#include "twin/app/HeadlessRenderer.h"
#include "twin/app/SceneLoading.h"
#include "twin/app/TwinViewer.h"

namespace twin::app {
namespace {

struct ViewArgs {
  std::string scene, output;
  int width = 0, height = 0, frames = 0;
  ViewerOptions viewer;
};

// Parses the options run and snapshot share; returns kExitOk or kExitUsage (message printed).
int parseViewArgs(CliArgs& args, int argc, char** argv, int defaultWidth, int defaultHeight, ViewArgs& out) {
  if (!args.parse(argc, argv)) return args.usageError(args.error());
  if (args.positionals().empty()) return args.usageError("missing SCENE");
  if (args.positionals().size() > 1) return args.usageError("unexpected argument '" + args.positionals()[1] + "'");
  out.scene = args.positionals()[0];
  out.width = defaultWidth;
  out.height = defaultHeight;
  if (auto size = args.value("--size"); size && !parseSize(*size, out.width, out.height))
    return args.usageError("bad --size '" + *size + "'; expected WIDTHxHEIGHT between 16 and 8192, e.g. 1920x1080");
  if (auto frames = args.value("--frames"); frames && !parsePositiveInt(*frames, out.frames))
    return args.usageError("bad --frames '" + *frames + "'; expected a positive integer");
  if (auto theme = args.value("--theme")) {
    if (*theme != "dark" && *theme != "light") return args.usageError("bad --theme '" + *theme + "'; expected dark or light");
    out.viewer.theme = *theme;
  }
  if (auto lang = args.value("--lang")) {
    if (*lang != "zh-CN" && *lang != "en") return args.usageError("bad --lang '" + *lang + "'; expected zh-CN or en");
    out.viewer.language = *lang;
  }
  if (auto bookmark = args.value("--bookmark")) out.viewer.bookmark = *bookmark;
  if (auto output = args.value("-o")) out.output = *output;
  out.viewer.panels = !args.has("--no-panels");
  return kExitOk;
}

// Loads the scene and compiles the viewer; prints the error and returns nullptr on bad input.
std::unique_ptr<TwinViewer> openViewer(const ViewArgs& a) {
  auto loaded = loadScene(a.scene, stderrProgress());
  if (!loaded) {
    std::cerr << loaded.error().message << '\n';
    return nullptr;
  }
  auto viewer = TwinViewer::create(std::move(loaded).value(), a.viewer);
  if (!viewer) {
    std::cerr << viewer.error().message << '\n';
    return nullptr;
  }
  return std::move(viewer).value();
}

int renderToFile(TwinViewer& viewer, const ViewArgs& a, const std::string& output) {
  auto image = viewer.renderImage(a.width, a.height);
  if (!image) {
    std::cerr << image.error().message << '\n';
    return kExitBadInput;
  }
  auto written = writePng(**image, output);
  if (!written) {
    std::cerr << written.error().message << '\n';
    return kExitBadInput;
  }
  std::cout << output << '\n';
  return kExitOk;
}

}  // namespace

int cmdRun(int argc, char** argv) {
  CliArgs args("run", {"--frames", "--size", "--bookmark", "--theme", "--lang", "-o"}, {"--no-panels"});
  ViewArgs a;
  if (int code = parseViewArgs(args, argc, argv, 1600, 900, a); code != kExitOk) return code;
  auto viewer = openViewer(a);
  if (!viewer) return kExitBadInput;
  const char* display = std::getenv("DISPLAY");
  if (display && *display) {
    auto status = viewer->runWindow(a.frames, a.width, a.height);
    if (!status) {
      std::cerr << status.error().message << '\n';
      return kExitBadInput;
    }
    return kExitOk;
  }
  std::string output = a.output;
  if (output.empty())
    output = (std::filesystem::temp_directory_path() / ("twin-" + std::filesystem::path(a.scene).stem().string() + ".png"))
                 .string();
  std::cerr << "twin run: no DISPLAY; rendering the start view headless\n";
  return renderToFile(*viewer, a, output);
}

int cmdSnapshot(int argc, char** argv) {
  CliArgs args("snapshot", {"--size", "--bookmark", "--theme", "--lang", "-o"}, {"--no-panels"});
  ViewArgs a;
  if (int code = parseViewArgs(args, argc, argv, 1920, 1080, a); code != kExitOk) return code;
  if (a.output.empty()) return args.usageError("missing -o OUT.png");
  auto viewer = openViewer(a);
  if (!viewer) return kExitBadInput;
  return renderToFile(*viewer, a, a.output);
}

}  // namespace twin::app
