// Publish-to-pixel: a real mosquitto, the viewer rendering headless frames (EGL) with the monitor
// attached, and a critical reading published through the broker; measured until the first frame
// whose panels drew that alarm's banner, next to publish -> stored alert (the engine's listener
// runs after the alert log's commit) in the same run. After each alarm the bench acknowledges it
// and clears it, then waits for the next second. Background load: other readings at --load msg/s.
// Prints figures; never passes or fails on time.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

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

#include "twin/app/MonitorView.h"
#include "twin/app/SceneLoading.h"
#include "twin/app/TwinViewer.h"
#include "twin/sensors/MqttSource.h"

using namespace twin;
using Clock = std::chrono::steady_clock;

namespace {

[[noreturn]] void die(const std::string& why) {
  std::fprintf(stderr, "alarm_bench: %s\n", why.c_str());
  std::exit(1);
}

std::string findBinary(const char* name) {
  const std::string path = std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/usr/sbin";
  for (const char* dir : {"/usr/sbin", "/usr/bin"}) {
    const std::string candidate = std::string(dir) + "/" + name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find(':', start);
    if (end == std::string::npos) end = path.size();
    const std::string candidate = path.substr(start, end - start) + "/" + name;
    if (end > start && ::access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  die(std::string(name) + " not found (Debian package mosquitto)");
}

int freePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    die("no free loopback port");
  ::close(fd);
  return ntohs(addr.sin_port);
}

bool accepts(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
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
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i], v = argv[i + 1];
    if (a == "--alarms")
      alarms = std::max(1, std::atoi(v.c_str()));
    else if (a == "--load")
      loads = {std::atof(v.c_str())};
    else if (a == "--width")
      width = std::max(64, std::atoi(v.c_str()));
    else if (a == "--height")
      height = std::max(64, std::atoi(v.c_str()));
    else
      die("unknown option " + a + " (--alarms N, --load MSG_PER_S, --width W, --height H)");
  }
  ::signal(SIGPIPE, SIG_IGN);
  const int port = freePort();
  const auto dir = std::filesystem::temp_directory_path() / ("twin-alarm-bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    std::ofstream(dir / "mosquitto.conf")
        << "listener " << port << " 127.0.0.1\nallow_anonymous true\npersistence false\n"
        << "log_dest none\nmax_queued_messages 0\n";
  }
  const std::string broker = findBinary("mosquitto");
  const std::string confPath = (dir / "mosquitto.conf").string();
  std::vector<char*> args = {const_cast<char*>(broker.c_str()), const_cast<char*>("-c"),
                             const_cast<char*>(confPath.c_str()), nullptr};
  pid_t brokerPid = 0;
  if (posix_spawn(&brokerPid, broker.c_str(), nullptr, nullptr, args.data(), environ) != 0)
    die("cannot start mosquitto");
  for (int i = 0; i < 200 && !accepts(port); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(25));
  if (!accepts(port)) die("mosquitto did not start");

  // The Beijing OSM site with one flood sensor in a named building and 50 load sensors.
  const std::string osm = std::string(TWIN_SOURCE_DIR) + "/assets/osm/cau_haidian_beijing.osm";
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
  std::printf("alarm_bench: mosquitto on 127.0.0.1:%d, headless %dx%d frames, one alarm a second\n", port, width,
              height);
  for (double load : loads) {
    // A fresh viewer per load level: extensions cannot be removed from one.
    auto loaded = app::loadScene((dir / "scene.json").string());
    if (!loaded) die(loaded.error().message);
    app::ViewerOptions viewerOptions;
    viewerOptions.language = "en";
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
    Clock::time_point published;
    std::vector<double> storedMs, bannerMs, frameMs;
    (*view)->monitor().engine().setListener([&](const alerts::Alert&, const alerts::Transition& t) {
      if (t.kind != alerts::TransitionKind::Raise) return;
      std::lock_guard<std::mutex> lock(mutex);
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
          bannerMs.push_back(msSince(published));
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
        "publish->first frame with the banner p50 %.1f ms  p99 %.1f ms  |  frame p50 %.1f ms  p99 %.1f ms  "
        "(%llu messages ingested)\n",
        load, bannerMs.size(), percentile(storedMs, 0.5), percentile(storedMs, 0.99), percentile(bannerMs, 0.5),
        percentile(bannerMs, 0.99), percentile(frameMs, 0.5), percentile(frameMs, 0.99),
        static_cast<unsigned long long>(ingest.messages));
    std::fflush(stdout);
  }
  ::kill(brokerPid, SIGTERM);
  int st = 0;
  ::waitpid(brokerPid, &st, 0);
  std::filesystem::remove_all(dir);
  return 0;
}
