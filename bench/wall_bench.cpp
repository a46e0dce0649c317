// Video-wall camera lag: a real mosquitto on a loopback port, a driving seat publishing a moving
// camera (retained, QoS 0, as WallCameraPublisher does) and a wall tile (TwinViewer, headless,
// paced at 30 frames per second) following it through WallCameraFollower. For every pose: the
// time from publishing to the tile applying it before a frame, and to that frame being drawn.
// Prints figures only.
//
//   bench_wall_bench [--scene FILE] [--size WxH] [--poses N] [--interval-ms MS]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "twin/app/SceneLoading.h"
#include "twin/app/TwinViewer.h"
#include "twin/app/WallCamera.h"
#include "twin/sensors/MqttSource.h"

#include "BenchBroker.h"

using namespace twin;
using namespace std::chrono_literals;

namespace {

constexpr const char* kProgram = "bench_wall_bench";

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

void printFigures(const char* name, const std::vector<double>& ms) {
  std::printf("%-34s median %7.2f  p95 %7.2f  max %7.2f ms  (n = %zu)\n", name, percentile(ms, 0.5),
              percentile(ms, 0.95), ms.empty() ? 0.0 : *std::max_element(ms.begin(), ms.end()), ms.size());
}

}  // namespace

int main(int argc, char** argv) {
  std::string scene = std::string(TWIN_SOURCE_DIR) + "/scenes/beijing-liudaokou.json";
  int width = 960, height = 540, poses = 60, intervalMs = 100;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i], v = argv[i + 1];
    if (a == "--scene")
      scene = v;
    else if (a == "--size" && std::sscanf(v.c_str(), "%dx%d", &width, &height) == 2)
      continue;
    else if (a == "--poses")
      poses = std::max(1, std::atoi(v.c_str()));
    else if (a == "--interval-ms")
      intervalMs = std::max(1, std::atoi(v.c_str()));
    else
      bench::benchFail(kProgram, "unknown option " + a);
  }

  bench::BenchBroker broker(kProgram);
  model::MqttConfig mqtt;
  mqtt.host = "127.0.0.1";
  mqtt.port = broker.port();
  const std::string topic = app::wallCameraTopic(mqtt);

  auto loaded = app::loadScene(scene);
  if (!loaded) bench::benchFail(kProgram, loaded.error().message);
  const core::LonLat origin = loaded->site->frame.origin();
  const core::Box2 extent = loaded->site->extent;
  app::ViewerOptions options;
  options.panels = false;
  options.language = "en";
  app::WallView wall;
  wall.layout.columns = 2;
  wall.layout.rows = 1;
  wall.tile = {0, 0};
  options.wall = wall;
  auto viewer = app::TwinViewer::create(std::move(loaded).value(), options);
  if (!viewer) bench::benchFail(kProgram, viewer.error().message);
  auto follower = app::WallCameraFollower::start(mqtt, topic, origin, 5s);
  if (!follower) bench::benchFail(kProgram, follower.error().message);
  (*viewer)->addExtension(*follower);
  auto publisher = sensors::MqttPublisher::connect(mqtt, 5s);
  if (!publisher) bench::benchFail(kProgram, publisher.error().message);

  // The seat turns about the site's centre, one pose per interval.
  std::atomic<int> sent{0};
  std::thread seat([&] {
    const core::Vec2 c{(extent.minX + extent.maxX) / 2, (extent.minY + extent.maxY) / 2};
    for (int i = 1; i <= poses; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(intervalMs));
      app::WallCameraPose pose;
      pose.state.center.set(c.x, c.y, 0);
      pose.state.distanceMeters = 900;
      pose.state.headingDegrees = std::fmod(3.0 * i, 360.0);
      pose.state.pitchDegrees = 45;
      pose.sequence = std::uint64_t(i);
      pose.origin = origin;
      pose.sentMicros = app::epochMicros();
      if (!(*publisher)->publish(topic, app::wallCameraPayload(pose), 0, true)) break;
      sent = i;
    }
  });

  std::vector<double> toApplied, toDrawn, drawMs, frameMs;
  std::uint64_t lastSeen = 0;
  std::size_t superseded = 0, frames = 0;
  const auto started = std::chrono::steady_clock::now();
  auto frameStart = started;
  auto status = (*viewer)->renderFrames(width, height, 100000, [&](int) {
    const auto now = std::chrono::steady_clock::now();
    frameMs.push_back(std::chrono::duration<double, std::milli>(now - frameStart).count());
    ++frames;
    if (auto applied = (*follower)->lastApplied(); applied && applied->first.sequence != lastSeen) {
      const std::int64_t drawnMicros = app::epochMicros();
      superseded += applied->first.sequence - lastSeen - 1;
      lastSeen = applied->first.sequence;
      toApplied.push_back(double(applied->second - applied->first.sentMicros) / 1000.0);
      toDrawn.push_back(double(drawnMicros - applied->first.sentMicros) / 1000.0);
      drawMs.push_back(double(drawnMicros - applied->second) / 1000.0);
    }
    frameStart = std::chrono::steady_clock::now();
    const bool done = sent == poses && lastSeen == std::uint64_t(poses);
    return !done && now - started < std::chrono::seconds(30 + poses * intervalMs / 1000);
  });
  seat.join();
  if (!status) bench::benchFail(kProgram, status.error().message);

  std::printf("wall camera lag: tile %dx%d of a 2x1 wall, %s, llvmpipe or GPU as EGL gives\n", width, height,
              scene.c_str());
  std::printf("poses published %d (one per %d ms), applied %zu, superseded before a frame %zu, frames %zu\n",
              sent.load(), intervalMs, toApplied.size(), superseded, frames);
  printFigures("publish -> applied before a frame", toApplied);
  printFigures("publish -> that frame drawn", toDrawn);
  printFigures("frame drawn (applied -> drawn)", drawMs);
  printFigures("frame period (paced 30/s + wakes)", frameMs);
  // A pose waits at most for the frame being drawn when it arrives: "within one frame" is a
  // publish -> applied time no longer than one frame's drawing.
  std::size_t withinOne = 0;
  const double longestDraw = drawMs.empty() ? 0.0 : *std::max_element(drawMs.begin(), drawMs.end());
  for (double ms : toApplied)
    if (ms <= longestDraw) ++withinOne;
  std::printf("applied before the next frame (publish -> applied <= longest frame draw %.2f ms): %zu of %zu\n",
              longestDraw, withinOne, toApplied.size());
  std::size_t withinMedian = 0;
  const double medianDraw = percentile(drawMs, 0.5);
  for (double ms : toApplied)
    if (ms <= medianDraw) ++withinMedian;
  std::printf("publish -> applied <= median frame draw %.2f ms: %zu of %zu\n", medianDraw, withinMedian,
              toApplied.size());
  return 0;
}
