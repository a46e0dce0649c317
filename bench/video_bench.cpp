// Frames per second of `twin video` (render headless + encode H.264) on a short tour of the
// default scene, at 1280x720 and 1920x1080. Prints figures, never passes or fails on time.
//   bench_video_bench [SECONDS]   (the short tour's length, default 4)
// The short tour is written into a temporary copy of the default scene (layer paths made
// absolute, run with --data-root assets/); the videos are left in the temporary folder.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "BenchSupport.h"
#include "twin/app/Cli.h"

namespace {

struct Run {
  int code = 0;
  std::string err;
};

Run twinVideo(std::vector<std::string> args) {
  args.insert(args.begin(), {"twin", "video"});
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::ostringstream out, err;  // the command's path on stdout and its progress on stderr are kept quiet
  auto* oldOut = std::cout.rdbuf(out.rdbuf());
  auto* oldErr = std::cerr.rdbuf(err.rdbuf());
  Run r;
  r.code = twin::app::runCli(int(args.size()), argv.data());
  std::cout.rdbuf(oldOut);
  std::cerr.rdbuf(oldErr);
  r.err = err.str();
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 4.0;
  if (!(seconds > 0 && seconds <= 60)) twin::bench::die("bench_video_bench: SECONDS must be in (0, 60]");
  const std::filesystem::path source = twin::bench::scenePath("hangzhou-qianjiang.json");
  std::ifstream in(source);
  nlohmann::ordered_json scene = nlohmann::ordered_json::parse(in, nullptr, false);
  if (scene.is_discarded()) twin::bench::die("bench_video_bench: cannot read " + source.string());
  for (auto& layer : scene["layers"])
    layer["source"] = (source.parent_path() / layer["source"].get<std::string>()).lexically_normal().string();
  // A held view, then a flight between two bookmarks: both the still and the moving case.
  scene["tours"] =
      nlohmann::ordered_json::parse(R"([{"name": "bench", "title": "基准", "title_en": "Bench",
    "stops": [{"bookmark": "qianjiang-century-city-station", "fly_s": 0, "hold_s": )" +
                                    std::to_string(seconds / 4) +
                                    R"(, "caption": "钱江世纪城站", "caption_en": "The station"},
              {"bookmark": "fengrui-beiyuan", "fly_s": )" +
                                    std::to_string(seconds / 2) + R"(, "hold_s": )" + std::to_string(seconds / 4) +
                                    R"(, "caption": "丰瑞北苑", "caption_en": "The compound"}]}])");
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "twin-video-bench";
  std::filesystem::create_directories(dir);
  const std::filesystem::path file = dir / "bench-scene.json";
  std::ofstream(file) << scene.dump(2);
  const std::string assets = (source.parent_path().parent_path() / "assets").string();

  std::printf("scene %s, a %.1f s tour at 30 fps; frames per second of render + H.264 encode\n",
              source.filename().string().c_str(), seconds);
  std::printf("%-10s %8s %10s %14s\n", "size", "frames", "seconds", "frames/s");
  for (const char* size : {"1280x720", "1920x1080"}) {
    const std::string out = (dir / (std::string("bench-") + size + ".mp4")).string();
    twin::core::Stopwatch clock;
    const Run r = twinVideo({file.string(), "--tour", "bench", "-o", out, "--size", size, "--fps", "30", "--data-root",
                             assets, "--lang", "en"});
    if (r.code != 0) twin::bench::die("bench_video_bench: twin video failed:\n" + r.err);
    // The command's own summary: "twin video: N frames (... s of video) in S s: F frames per second"
    // (rendering and encoding only, without loading the scene).
    int frames = 0;
    double loopSeconds = 0, fps = 0, videoSeconds = 0;
    const auto at = r.err.rfind("twin video: ");
    if (at == std::string::npos ||
        std::sscanf(r.err.c_str() + at, "twin video: %d frames (%lf s of video) in %lf s: %lf frames per second",
                    &frames, &videoSeconds, &loopSeconds, &fps) != 4)
      twin::bench::die("bench_video_bench: no summary line in:\n" + r.err);
    std::printf("%-10s %8d %10.1f %14.2f   (whole command %.1f s with loading; %s)\n", size, frames, loopSeconds, fps,
                clock.elapsedMs() / 1000, out.c_str());
  }
  return 0;
}
