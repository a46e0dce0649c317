// `twin video`: a tour rendered headless, frame by frame on the tour's own clock, into H.264/MP4.
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

#include "CliArgs.h"
#include "Commands.h"
#include "twin/app/VideoEncoder.h"
#include "twin/app/Cli.h"
#include "twin/app/PlanningView.h"
#include "twin/app/SceneLoading.h"
#include "twin/app/TourView.h"
#include "twin/app/TwinViewer.h"
#include "twin/core/Stopwatch.h"
#include "twin/model/Tour.h"

namespace twin::app {

namespace {

// Frames drawn at the tour's time 0 before the first one is encoded: auto-sized ImGui windows
// (the caption) appear on their second frame.
constexpr int kWarmUpFrames = 4;
constexpr int kMaxFps = 120;

std::string formatSeconds(double s) {
  char text[32];
  std::snprintf(text, sizeof text, "%.0f s", std::max(0.0, s));
  return text;
}

}  // namespace

int cmdVideo(int argc, char** argv) {
  CliArgs args("video", {"--tour", "-o", "--size", "--fps", "--lang"}, {});
  if (!args.parse(argc, argv)) return args.usageError(args.error());
  if (args.positionals().empty()) return args.usageError("missing SCENE");
  if (args.positionals().size() > 1) return args.usageError("unexpected argument '" + args.positionals()[1] + "'");
  const std::string scenePath = args.positionals()[0];
  const auto tourName = args.value("--tour");
  if (!tourName || tourName->empty()) return args.usageError("missing --tour NAME");
  const auto output = args.value("-o");
  if (!output || output->empty()) return args.usageError("missing -o OUT.mp4");
  int width = 1920, height = 1080, fps = 30;
  if (auto size = args.value("--size")) {
    if (!parseSize(*size, width, height) || width % 2 || height % 2)
      return args.usageError("bad --size '" + *size +
                             "'; expected an even WIDTHxHEIGHT between 16 and 8192 (H.264 4:2:0), e.g. 1920x1080");
  }
  if (auto rate = args.value("--fps"); rate && (!parsePositiveInt(*rate, fps) || fps > kMaxFps))
    return args.usageError("bad --fps '" + *rate + "'; expected an integer from 1 to " + std::to_string(kMaxFps));
  ViewerOptions viewerOptions;
  viewerOptions.panels = false;  // the scene, the credits and the captions: nothing of the control room
  viewerOptions.mode = ui::UiMode::Presentation;
  // Videos are watched on phones and projected in halls: captions and credits 1.4 times the
  // big screen's size for the same frame height.
  viewerOptions.uiScale = std::clamp(1.4f * float(height) / 1080.0f, ui::kMinUiScale, ui::kMaxUiScale);
  if (auto lang = args.value("--lang")) {
    if (*lang != "zh-CN" && *lang != "en") return args.usageError("bad --lang '" + *lang + "'; expected zh-CN or en");
    viewerOptions.language = *lang;
  }

  // The tour first, from the scene file alone: a misspelt name fails before the data loads.
  auto config = model::loadSceneConfig(scenePath);
  if (!config) {
    std::cerr << config.error().message << '\n';
    return kExitBadInput;
  }
  auto tours = model::parseTours(*config);
  if (!tours) {
    std::cerr << tours.error().message << '\n';
    return kExitBadInput;
  }
  const std::string sceneName = std::filesystem::path(scenePath).filename().string();
  const model::Tour* tour = model::findTour(*tours, *tourName);
  if (!tour) {
    std::cerr << "twin video: unknown tour '" << *tourName << "' in " << sceneName
              << "; known: " << model::tourNames(*tours) << '\n';
    return kExitBadInput;
  }
  const double duration = tour->durationSeconds();
  const int frames = std::max(1, int(std::lround(duration * fps)));

  auto encoder = VideoEncoder::open(*output, width, height, fps);
  if (!encoder) {
    std::cerr << "twin video: " << encoder.error().message << '\n';
    return kExitBadInput;
  }
  // From here on a failure removes the partial file: no unplayable video is left behind.
  const auto failed = [&](const std::string& message) {
    std::cerr << message << '\n';
    encoder->reset();
    std::error_code ec;
    std::filesystem::remove(*output, ec);
    return kExitBadInput;
  };

  auto loaded = loadScene(scenePath, stderrProgress());
  if (!loaded) return failed(loaded.error().message);
  auto viewer = TwinViewer::create(std::move(loaded).value(), viewerOptions);
  if (!viewer) return failed(viewer.error().message);
  std::shared_ptr<PlanningView> planning;
  if (tourNeedsPlanning(*tour)) {
    auto created = PlanningView::create((*viewer)->scene(), (*viewer)->siteScene(), {});
    if (!created) return failed(created.error().message);
    planning = *created;
    (*viewer)->addExtension(planning);
  }
  double tourSeconds = 0;  // the video's clock: frame n shows the tour at n / fps
  TourViewOptions tourOptions;
  tourOptions.controls = false;
  tourOptions.clock = [&tourSeconds] { return tourSeconds; };
  auto tourView = TourView::create((*viewer)->scene(), (*viewer)->siteScene(), planning, tourOptions);
  if (!tourView) return failed(tourView.error().message);
  (*viewer)->addExtension(*tourView);
  std::size_t tourIndex = 0;
  while ((*tourView)->tours()[tourIndex].name != tour->name) ++tourIndex;
  (*tourView)->start(tourIndex, false);

  std::cerr << "twin video: " << sceneName << ", tour '" << tour->name << "': " << frames << " frames at " << fps
            << " fps (" << duration << " s), " << width << "x" << height << ", H.264 (" << (*encoder)->encoderName()
            << ")\n";
  core::Stopwatch clock;
  double lastReportMs = -1e9;
  std::string encodeError;
  const bool terminal = ::isatty(STDERR_FILENO) == 1;
  auto rendered = (*viewer)->renderCapturedFrames(
      width, height, frames + kWarmUpFrames, [&](int n) { tourSeconds = double(std::max(0, n - kWarmUpFrames)) / fps; },
      [&](int n, const osg::Image& image) {
        if (n < kWarmUpFrames) return true;
        if (image.s() != width || image.t() != height || !image.data()) {
          encodeError = "twin video: the renderer returned a frame of the wrong size";
          return false;
        }
        if (auto added = (*encoder)->addFrame(image.data(), int(image.getRowSizeInBytes()), true); !added) {
          encodeError = "twin video: " + added.error().message;
          return false;
        }
        const int done = n - kWarmUpFrames + 1;
        const double ms = clock.elapsedMs();
        if (ms - lastReportMs >= 1000 || done == frames) {
          lastReportMs = ms;
          const double rate = done / std::max(ms / 1000, 1e-3);
          char line[160];
          std::snprintf(line, sizeof line, "twin video: frame %d/%d, %.1f fps, ETA %s", done, frames, rate,
                        formatSeconds((frames - done) / rate).c_str());
          std::cerr << (terminal ? "\r" : "") << line << (terminal && done < frames ? "" : "\n") << std::flush;
        }
        return true;
      });
  if (!rendered) return failed(rendered.error().message);
  if (!encodeError.empty()) return failed(encodeError);
  if (auto finished = (*encoder)->finish(); !finished) return failed("twin video: " + finished.error().message);
  const double seconds = clock.elapsedMs() / 1000;
  for (const std::string& problem : (*tourView)->problems()) std::cerr << "twin video: warning: " << problem << '\n';
  char summary[200];
  std::snprintf(summary, sizeof summary, "twin video: %d frames (%.2f s of video) in %.1f s: %.2f frames per second\n",
                (*encoder)->framesWritten(), double((*encoder)->framesWritten()) / fps, seconds,
                (*encoder)->framesWritten() / std::max(seconds, 1e-3));
  std::cerr << summary;
  std::cout << *output << '\n';
  return kExitOk;
}

}  // namespace twin::app
