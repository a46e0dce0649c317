// Publish-to-pixel: a real mosquitto, the viewer rendering headless frames (EGL) with the monitor
// attached, and a critical reading published through the broker; measured until the first frame
// whose panels drew that alarm's banner, next to publish -> stored alert (the engine's listener
// runs after the alert log's commit) in the same run, and the viewer's part (stored -> banner
// frame). After each alarm the bench acknowledges it and clears it, then waits for the next
// second. Background load: other readings at --load msg/s. Prints figures; never passes or
// fails on time.
//
//   bench_alarm_bench [--alarms N] [--load MSG_PER_S] [--width W] [--height H] [--max-fps F]
//
// --max-fps is the viewer's frame pacing (ViewerOptions::maxFrameRate, default the viewer's);
// 0 renders flat out, as the viewer did before it was paced.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <signal.h>
#include <unistd.h>

#include "BenchBroker.h"
#include "twin/app/MonitorView.h"
#include "twin/app/SceneLoading.h"
#include "twin/app/TwinViewer.h"
#include "twin/sensors/MqttSource.h"

using namespace twin;
using Clock = std::chrono::steady_clock;

namespace {

[[noreturn]] void die(const std::string& why) { bench::benchFail("bench_alarm_bench", why); }

// The 1-minute load average (/proc/loadavg): the machine is shared, so each figure says how busy it was.
double loadAverage() {
  std::ifstream in("/proc/loadavg");
  double one = 0;
  in >> one;
  return one;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * double(v.size() - 1) + 0.5))];
}

double msSince(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

}  // namespace

int main(int argc, char** argv) {
  int alarms = 20, width = 960, height = 540;
  std::vector<double> loads = {1, 1000};
  double maxFps = app::ViewerOptions().maxFrameRate;
  const std::string usage = "--alarms N, --load MSG_PER_S, --width W, --height H, --max-fps F (0 = flat out)";
  for (int i = 1; i < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      std::printf("bench_alarm_bench [%s]\n", usage.c_str());
      return 0;
    }
    if (i + 1 >= argc) die(a + " needs a value (" + usage + ")");
    const std::string v = argv[i + 1];
    if (a == "--alarms")
      alarms = std::max(1, std::atoi(v.c_str()));
    else if (a == "--load")
      loads = {std::atof(v.c_str())};
    else if (a == "--width")
      width = std::max(64, std::atoi(v.c_str()));
    else if (a == "--height")
      height = std::max(64, std::atoi(v.c_str()));
    else if (a == "--max-fps")
      maxFps = std::max(0.0, std::atof(v.c_str()));
    else
      die("unknown option " + a + " (" + usage + ")");
  }
  ::signal(SIGPIPE, SIG_IGN);
  const bench::BenchBroker broker("bench_alarm_bench", "max_queued_messages 0\n");
  const int port = broker.port();
  const auto dir = std::filesystem::temp_directory_path() / ("twin-alarm-bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);

  // The Beijing OSM site with one flood sensor in a named building and 50 load sensors.
  const std::string osmFolder = std::string(TWIN_SOURCE_DIR) + "/assets/osm";
  const std::string osm = osmFolder + "/cau_haidian_beijing.osm";
  {
    // The scene file lies in a temporary folder: its data, in the checkout, is allowed explicitly.
    const char* roots = std::getenv("TWIN_DATA_ROOTS");
    const std::string allowed = roots && *roots ? std::string(roots) + ":" + osmFolder : osmFolder;
    ::setenv("TWIN_DATA_ROOTS", allowed.c_str(), 1);
  }
  {
    std::ofstream scene(dir / "scene.json");
    scene << R"({"name": "alarm bench", "site": {"origin": {"lon": 116.3519, "lat": 40.0033}, "crs": "local-tm"},
      "layers": [{"id": "osm", "source": ")"
          << osm << R"(", "role": "auto"}],
      "mqtt": {"host": "127.0.0.1", "port": )"
          << port << R"(},
      "alerts": {"attention": "major"},
      "sensors": [{"id": "flood", "name": "地下车库水位", "kind": "water_level", "unit": "m", "building": "way/154823425",
                   "floor": -1, "source": {"type": "mqtt", "topic": "bench/flood"}})";
    for (int i = 0; i < 50; ++i)
      scene << R"(, {"id": "load.)" << i
            << R"(", "name": "负载", "kind": "noise", "unit": "dB", "position": [116.354, 40.004],
                   "source": {"type": "mqtt", "topic": "bench/load/+"}})";
    scene << R"(],
      "alert_rules": [{"id": "flood-high", "type": "above", "severity": "critical", "sensors": ["flood"], "level": 0.3,
                       "clear_level": 0.2}]})";
  }
  std::printf(
      "alarm_bench: mosquitto on 127.0.0.1:%d, headless %dx%d frames at most %.0f/s (0 = flat out), one alarm a "
      "second, %u hardware threads\n",
      port, width, height, maxFps, std::thread::hardware_concurrency());
  for (double load : loads) {
    // A fresh viewer per load level: extensions cannot be removed from one.
    auto loaded = app::loadScene((dir / "scene.json").string());
    if (!loaded) die(loaded.error().message);
    app::ViewerOptions viewerOptions;
    viewerOptions.language = "en";
    viewerOptions.maxFrameRate = maxFps;
    const double loadBefore = loadAverage();
    auto viewer = app::TwinViewer::create(std::move(*loaded), viewerOptions);
    if (!viewer) die(viewer.error().message);
    model::Site& site = *(*viewer)->scene().site;
    std::filesystem::remove(dir / "alerts.db");
    std::filesystem::remove(dir / "alerts-history.db");
    app::MonitorViewOptions options;
    options.alertsDb = dir / "alerts.db";
    auto view = app::MonitorView::start(dir / "scene.json", site, options);
    if (!view) die(view.error().message);
    if (!(*view)->monitor().mqtt()->waitConnected(std::chrono::seconds(5))) die("monitor did not connect");
    (*viewer)->addExtension(*view);
    model::MqttConfig brokerConfig;
    brokerConfig.port = port;
    auto pub = sensors::MqttPublisher::connect(brokerConfig, std::chrono::seconds(5));
    if (!pub) die(pub.error().message);

    std::mutex mutex;
    Clock::time_point published, stored;
    std::vector<double> storedMs, bannerMs, viewerMs, frameMs;
    (*view)->monitor().engine().setListener([&](const alerts::Alert&, const alerts::Transition& t) {
      if (t.kind != alerts::TransitionKind::Raise) return;
      std::lock_guard<std::mutex> lock(mutex);
      stored = Clock::now();
      storedMs.push_back(msSince(published));
    });
    std::atomic<bool> stopLoad{false};
    std::thread loader([&] {
      auto loadPub = sensors::MqttPublisher::connect(brokerConfig, std::chrono::seconds(5));
      if (!loadPub) die(loadPub.error().message);
      const auto start = Clock::now();
      for (std::uint64_t n = 0; !stopLoad.load(); ++n) {
        const auto due =
            start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(double(n) / load));
        std::this_thread::sleep_until(due);
        (void)(*loadPub)->publish("bench/load/" + std::to_string(n % 50),
                                  R"({"sensor":"load.)" + std::to_string(n % 50) + R"(","value":42})", 0);
      }
    });

    // One alarm per second: publish, draw frames until its banner is drawn, acknowledge, clear.
    int measured = 0;
    bool waiting = false;
    std::int64_t shownId = 0;
    Clock::time_point nextAlarm = Clock::now() + std::chrono::seconds(1), lastFrame = Clock::now();
    auto status = (*viewer)->renderFrames(width, height, 1000000, [&](int) {
      frameMs.push_back(msSince(lastFrame));
      lastFrame = Clock::now();
      if (waiting) {
        const std::int64_t id = (*view)->bannerAlertId();
        if (id != 0 && id != shownId) {
          {
            std::lock_guard<std::mutex> lock(mutex);
            bannerMs.push_back(msSince(published));
            viewerMs.push_back(msSince(stored));  // the viewer's part: stored -> banner frame drawn
          }
          shownId = id;
          waiting = false;
          ++measured;
          (*view)->apply({ui::AcknowledgeAlert{id, "bench", ""}});
          (void)(*pub)->publish("bench/flood", R"({"sensor":"flood","value":0.1})", 1);
        }
        return true;
      }
      if (measured >= alarms) return false;
      if (Clock::now() >= nextAlarm) {
        {
          std::lock_guard<std::mutex> lock(mutex);
          published = Clock::now();
        }
        (void)(*pub)->publish("bench/flood", R"({"sensor":"flood","value":0.5})", 1);
        waiting = true;
        nextAlarm += std::chrono::seconds(1);
      }
      return true;
    });
    stopLoad.store(true);
    loader.join();
    if (!status) die(status.error().message);
    const sensors::IngestStats ingest = (*view)->monitor().summary().ingest;
    std::printf(
        "load %.0f msg/s: %zu alarms  publish->stored alert p50 %.1f ms  p99 %.1f ms  |  "
        "publish->first frame with the banner p50 %.1f ms  p99 %.1f ms  |  stored->banner frame p50 %.1f ms  "
        "p99 %.1f ms  |  frame interval p50 %.1f ms  p99 %.1f ms  (%llu messages ingested; load average %.2f -> "
        "%.2f)\n",
        load, bannerMs.size(), percentile(storedMs, 0.5), percentile(storedMs, 0.99), percentile(bannerMs, 0.5),
        percentile(bannerMs, 0.99), percentile(viewerMs, 0.5), percentile(viewerMs, 0.99), percentile(frameMs, 0.5),
        percentile(frameMs, 0.99), static_cast<unsigned long long>(ingest.messages), loadBefore, loadAverage());
    std::fflush(stdout);
  }
  std::filesystem::remove_all(dir);
  return 0;
}
