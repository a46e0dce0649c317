#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <iostream>
#include <sstream>

#include <imgui.h>
#include <osg/Image>
#include <osgDB/ReadFile>

#include <fstream>
#include <thread>

#include <osg/Viewport>

#include "TestPaths.h"
#include "twin/alerts/AlertStore.h"
#include "twin/app/Cli.h"
#include "twin/app/HeadlessRenderer.h"
#include "CliRunner.h"
#include "twin/scene/SensorLayer.h"
#include "twin/sensors/Payload.h"
#include "twin/ui/Style.h"
// MonitorView is the app's private class; its tests reach it from here.
#include "twin/app/MonitorView.h"

using namespace twin;

namespace {

osg::ref_ptr<osg::Image> snapshot(const std::vector<std::string>& extra, const std::filesystem::path& png) {
  std::vector<std::string> args = {"snapshot", (test::scenesDir() / "beijing-liudaokou.json").string(),
                                   "-o",       png.string(),
                                   "--size",   "960x540",
                                   "--lang",   "en"};
  args.insert(args.end(), extra.begin(), extra.end());
  std::string err;
  const int code = test::runTwinCode(args, &err);
  INFO(err);
  REQUIRE(code == app::kExitOk);
  osg::ref_ptr<osg::Image> image = osgDB::readImageFile(png.string());
  REQUIRE(image.valid());
  REQUIRE(image->s() == 960);
  REQUIRE(image->t() == 540);
  return image;
}

// Pixels within `tolerance` (0-255) of a marker colour, or of a critical marker at any pulse
// phase (mixed towards white by up to 45 %).
std::size_t markerPixels(const osg::Image& image, double tolerance) {
  using scene::MarkerState;
  std::vector<osg::Vec4> colours;
  for (MarkerState s : {MarkerState::Normal, MarkerState::Warning, MarkerState::Minor, MarkerState::Major,
                        MarkerState::Offline, MarkerState::Stale})
    colours.push_back(scene::markerColour(s));
  const osg::Vec4 critical = scene::markerColour(MarkerState::Critical);
  for (int step = 0; step <= 9; ++step) {
    const float k = 0.05f * float(step);
    colours.push_back(critical * (1 - k) + osg::Vec4(1, 1, 1, 1) * k);
  }
  std::size_t hits = 0;
  for (int y = 0; y < image.t(); ++y)
    for (int x = 0; x < image.s(); ++x) {
      const unsigned char* p = image.data(x, y);
      for (const osg::Vec4& c : colours)
        if (std::abs(p[0] - c.r() * 255) <= tolerance && std::abs(p[1] - c.g() * 255) <= tolerance &&
            std::abs(p[2] - c.b() * 255) <= tolerance) {
          ++hits;
          break;
        }
    }
  return hits;
}

double panelShare(const osg::Image& image, int x0, int y0, int x1, int y1) {
  const ui::Rgba bg = ui::panelBackground("dark");
  std::size_t hits = 0, all = 0;
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x, ++all) {
      const unsigned char* p = image.data(x, image.t() - 1 - y);
      if (std::abs(p[0] - bg.r * 255) <= 3 && std::abs(p[1] - bg.g * 255) <= 3 && std::abs(p[2] - bg.b * 255) <= 3)
        ++hits;
    }
  return all ? double(hits) / double(all) : 0;
}

constexpr std::int64_t kHourMs = 3600 * 1000;
constexpr std::int64_t kStartMs = 1577836800000LL;  // 2020-01-01T00:00:00Z
constexpr int kReadings = 300;

// A scene file with two replayed sensors 80 m apart ("t.a" values 0..299, "t.b" 1000..1299, one
// an hour, replayed as fast as possible) and the site they stand in.
struct SmallScene {
  test::TempDir dir{"app-monitor-small"};
  std::filesystem::path scene = dir.path() / "small.json";
  model::Site site;

  SmallScene() {
    {
      std::ofstream jsonl(dir.path() / "readings.jsonl");
      for (int i = 0; i < kReadings; ++i) {
        jsonl << sensors::encodeReading({"t.a", kStartMs + i * kHourMs, double(i)}) << "\n";
        jsonl << sensors::encodeReading({"t.b", kStartMs + i * kHourMs, 1000.0 + i}) << "\n";
      }
    }
    std::ofstream(scene) << R"({"sensors": [
      {"id": "t.a", "name": "A", "kind": "pm25", "unit": "u", "position": [116.3540, 40.0040, 10],
       "source": {"type": "replay", "format": "jsonl", "file": "readings.jsonl", "speed": 0}},
      {"id": "t.b", "name": "B", "kind": "pm25", "unit": "u", "position": [116.3550, 40.0043, 10],
       "source": {"type": "replay", "format": "jsonl", "file": "readings.jsonl", "speed": 0}}]})";
    auto frame = geo::SiteFrame::create(core::LonLat{116.3545, 40.0040});
    REQUIRE(frame.ok());
    site.frame = *frame;
  }

  std::shared_ptr<app::MonitorView> start(std::size_t samplesPerSensor) {
    app::MonitorViewOptions options;
    options.alertsDb = dir.path() / "alerts.db";
    options.samplesPerSensor = samplesPerSensor;
    auto view = app::MonitorView::start(scene, site, options);
    INFO((view.ok() ? std::string() : view.error().message));
    REQUIRE(view.ok());
    // Wait until the ingestion thread has judged and stored every reading.
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < end) {
      auto range = (*view)->monitor().historyRange("t.b");
      if ((*view)->monitor().summary().replayed == 2 * kReadings && range.ok() && *range &&
          (*range)->second == kStartMs + (kReadings - 1) * kHourMs)
        break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    REQUIRE((*view)->monitor().summary().replayed == 2 * kReadings);
    return *view;
  }
};

const ui::SensorRow& row(const ui::MonitorView& view, const std::string& id) {
  for (const ui::SensorRow& r : view.sensors)
    if (r.def && r.def->id == id) return r;
  FAIL("no row " << id);
  return view.sensors.front();
}

}  // namespace

TEST_CASE("monitor view: scrubbing older than the ring reads the history db; live again after", "[app]") {
  SmallScene scene;
  auto view = scene.start(50);  // the ring keeps the last 50 of 300 hourly readings
  view->update(0);
  const ui::MonitorView& panel = view->panelView();
  REQUIRE(panel.selectedSensor == "t.a");
  REQUIRE(panel.selectedSeries.size() == 50);
  CHECK(panel.selectedSeries.front().tsMs == kStartMs + 250 * kHourMs);
  // The timeline spans the whole history, not only the ring.
  CHECK(panel.timelineFromMs == kStartMs);
  CHECK(panel.timelineToMs == kStartMs + 299 * kHourMs);

  // Half past hour 10: long gone from the ring.
  const std::int64_t scrub = kStartMs + 10 * kHourMs + kHourMs / 2;
  view->apply({ui::ScrubTo{scrub}});
  view->update(0.01);
  REQUIRE(panel.scrubMs == scrub);
  REQUIRE_FALSE(panel.selectedSeries.empty());
  CHECK(panel.selectedSeries.front().tsMs <= scrub);
  CHECK(panel.selectedSeries.back().tsMs >= scrub);
  const auto shown = ui::sampleAt(panel.selectedSeries, scrub);
  REQUIRE(shown.has_value());
  CHECK(shown->tsMs == kStartMs + 10 * kHourMs);
  CHECK(shown->value == 10);
  REQUIRE(row(panel, "t.a").scrubbed.has_value());
  CHECK(row(panel, "t.a").scrubbed->value == 10);
  REQUIRE(row(panel, "t.b").scrubbed.has_value());
  CHECK(row(panel, "t.b").scrubbed->value == 1010);

  // Selecting the other sensor while scrubbed shows its history window.
  view->apply({ui::SelectSensor{"t.b"}});
  view->update(0.02);
  const auto shownB = ui::sampleAt(panel.selectedSeries, scrub);
  REQUIRE(shownB.has_value());
  CHECK(shownB->value == 1010);

  // Before the first reading: nothing to show, and no error.
  view->apply({ui::ScrubTo{kStartMs - kHourMs}});
  view->update(0.03);
  CHECK_FALSE(row(panel, "t.a").scrubbed.has_value());

  // Back to live: the ring again.
  view->apply({ui::ScrubTo{std::nullopt}});
  view->update(0.04);
  CHECK_FALSE(panel.scrubMs.has_value());
  REQUIRE(panel.selectedSeries.size() == 50);
  CHECK(panel.selectedSeries.back().value == 1299);
  CHECK_FALSE(row(panel, "t.a").scrubbed.has_value());
}

TEST_CASE("monitor view: clicking a marker in a rendered frame selects its sensor; a miss selects nothing", "[app]") {
  SmallScene scene;
  auto view = scene.start(64);
  view->update(0);
  auto renderer = app::HeadlessRenderer::create(640, 480);
  INFO((renderer.ok() ? std::string() : renderer.error().message));
  REQUIRE(renderer.ok());
  osgViewer::Viewer& viewer = (*renderer)->viewer();
  viewer.setSceneData(view->sceneNode());
  osg::Camera* camera = viewer.getCamera();
  camera->setProjectionMatrixAsPerspective(45.0, 640.0 / 480.0, 1.0, 5000.0);
  camera->setViewMatrixAsLookAt(osg::Vec3d(0, -250, 200), osg::Vec3d(0, 0, 10), osg::Vec3d(0, 0, 1));
  (*renderer)->renderFrame();

  const scene::SensorLayer& layer = view->layer();
  const auto index = layer.indexOf("t.b");
  REQUIRE(index.has_value());
  const osg::Matrixd toWindow =
      camera->getViewMatrix() * camera->getProjectionMatrix() * camera->getViewport()->computeWindowMatrix();
  const osg::Vec3d b = osg::Vec3d(layer.placement(*index).position) * toWindow;
  const osg::Vec3d a = osg::Vec3d(layer.placement(*layer.indexOf("t.a")).position) * toWindow;
  INFO("t.a at " << a.x() << "," << a.y() << "; t.b at " << b.x() << "," << b.y());
  REQUIRE(b.x() > 10);
  REQUIRE(b.x() < 630);
  REQUIRE(b.y() > 10);
  REQUIRE(b.y() < 470);
  REQUIRE((a - b).length() > 30);  // far enough apart on screen that a pick cannot confuse them

  // The marker is drawn where the matrices say.
  osg::ref_ptr<osg::Image> image = (*renderer)->capture();
  const unsigned char* p = image->data(int(b.x()), int(b.y()));
  const osg::Vec4 normal = scene::markerColour(scene::MarkerState::Normal);
  CHECK(std::abs(p[0] - normal.r() * 255) <= 12);
  CHECK(std::abs(p[1] - normal.g() * 255) <= 12);
  CHECK(std::abs(p[2] - normal.b() * 255) <= 12);

  CHECK(view->pick(viewer, float(b.x()), float(b.y())));
  CHECK(view->selectedSensor() == "t.b");
  CHECK(layer.selected() == int(*index));
  CHECK(view->pick(viewer, float(a.x()), float(a.y())));
  CHECK(view->selectedSensor() == "t.a");

  // A click on empty ground picks nothing and keeps the selection.
  CHECK_FALSE(view->pick(viewer, 5, 5));
  CHECK(view->selectedSensor() == "t.a");
}

TEST_CASE("monitor view: snapshot after 3 s of replay shows the monitoring panels and sensor markers", "[app][slow]") {
  test::TempDir dir("app-monitor-view");
  const std::string db = (dir.path() / "alerts.db").string();

  // Engineering mode: the dashboard sits at the top centre: its background fills much of that strip.
  osg::ref_ptr<osg::Image> withPanels =
      snapshot({"--monitor-seconds", "3", "--alerts-db", db, "--engineering"}, dir.path() / "panels.png");
  CHECK(panelShare(*withPanels, 330, 40, 630, 70) > 0.3);
  CHECK(std::filesystem::exists(db));

  // Without panels, the marker colours come from the 3D markers alone; compare with the same
  // view without the monitor.
  osg::ref_ptr<osg::Image> markers =
      snapshot({"--monitor-seconds", "1", "--alerts-db", db, "--no-panels"}, dir.path() / "markers.png");
  osg::ref_ptr<osg::Image> bare = snapshot({"--no-monitor", "--no-panels"}, dir.path() / "bare.png");
  const std::size_t withMarkers = markerPixels(*markers, 10), without = markerPixels(*bare, 10);
  INFO("marker-coloured pixels: " << withMarkers << " with markers, " << without << " without");
  CHECK(withMarkers > without + 300);  // at least a few 9-pixel-radius dots
  CHECK(panelShare(*bare, 330, 40, 630, 70) < 0.3);

  // The monitor ran: the alert log exists and opens.
  auto store = alerts::AlertStore::open(db);
  CHECK(store.ok());
}

TEST_CASE("monitor view: the sensor dots grow with --ui-scale", "[app][slow]") {
  test::TempDir dir("app-monitor-dots");
  const std::string db = (dir.path() / "alerts.db").string();
  osg::ref_ptr<osg::Image> bare = snapshot({"--no-monitor", "--no-panels", "--ui-scale", "1"}, dir.path() / "bare.png");
  osg::ref_ptr<osg::Image> one =
      snapshot({"--monitor-seconds", "1", "--alerts-db", db, "--no-panels", "--ui-scale", "1"}, dir.path() / "one.png");
  osg::ref_ptr<osg::Image> two =
      snapshot({"--monitor-seconds", "1", "--alerts-db", db, "--no-panels", "--ui-scale", "2"}, dir.path() / "two.png");
  const double base = double(markerPixels(*bare, 10));
  const double small = double(markerPixels(*one, 10)) - base, large = double(markerPixels(*two, 10)) - base;
  INFO("marker-coloured pixels beyond the bare scene: " << small << " at scale 1, " << large << " at scale 2");
  REQUIRE(small > 300);
  // Twice the radius is four times the area; dots that overlap each other give back some of it.
  CHECK(large > 2.5 * small);
}

TEST_CASE("monitor view: bad monitor options are usage errors", "[app]") {
  const std::string scene = (test::scenesDir() / "beijing-liudaokou.json").string();
  std::string err;
  CHECK(test::runTwinCode({"snapshot", scene, "-o", "x.png", "--monitor-seconds", "-1"}, &err) == app::kExitUsage);
  CHECK(err.find("bad --monitor-seconds '-1'; expected seconds between 0 and 3600") != std::string::npos);
  CHECK(test::runTwinCode({"snapshot", scene, "-o", "x.png", "--monitor-seconds", "nan"}, &err) == app::kExitUsage);
  CHECK(test::runTwinCode({"snapshot", scene, "-o", "x.png", "--mqtt", "localhost"}, &err) == app::kExitUsage);
  CHECK(err.find("--mqtt expects HOST:PORT, got 'localhost'") != std::string::npos);
  CHECK(test::runTwinCode({"run", scene, "--mqtt", "h:99999"}, &err) == app::kExitUsage);
  CHECK(test::runTwinCode({"monitor", scene, "--durability", "fast"}, &err) == app::kExitUsage);
  CHECK(err.find("--durability expects normal or full, got 'fast'") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists("x.png"));
}

TEST_CASE("monitor view: an unopenable alert log is an error naming it", "[app]") {
  test::TempDir dir("app-monitor-baddb");
  const std::string scene = (test::scenesDir() / "beijing-liudaokou.json").string();
  const std::string png = (dir.path() / "x.png").string();
  std::string err;
  CHECK(test::runTwinCode({"snapshot", scene, "-o", png, "--size", "64x64", "--alerts-db", "/nonexistent-dir/a.db"},
                          &err) == app::kExitBadInput);
  CHECK(err.find("alerts::AlertStore::open(): a.db: cannot open: unable to open database file\n") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(png));
}

TEST_CASE("monitor view: H and the alarm list's History button open the alarm history; Esc closes it", "[app]") {
  SmallScene scene;
  // A past alarm in the log, cleared and acknowledged: the open list no longer shows it.
  {
    auto store = alerts::AlertStore::open(scene.dir.path() / "alerts.db");
    REQUIRE(store.ok());
    alerts::Alert a;
    a.id = 1;
    a.ruleId = "a-high";
    a.sensorId = "t.a";
    a.severity = a.raisedSeverity = model::AlertSeverity::Critical;
    a.state = alerts::AlertState::ClearedAcknowledged;
    a.raisedMs = a.receivedMs = kStartMs;
    a.clearedMs = kStartMs + kHourMs;
    a.ackMs = kStartMs + 2 * kHourMs;
    a.ackBy = "值班员 王";
    a.ackComment = "已处理";
    a.message = "A above 100";
    std::vector<alerts::Transition> t(3);
    t[0] = {
        1,         alerts::TransitionKind::Raise, alerts::AlertState::ActiveUnacknowledged, kStartMs, 120, "engine", "",
        a.severity};
    t[1] = {1,
            alerts::TransitionKind::Clear,
            alerts::AlertState::ClearedUnacknowledged,
            a.clearedMs,
            20,
            "engine",
            "",
            a.severity};
    t[2] = {1,
            alerts::TransitionKind::Acknowledge,
            alerts::AlertState::ClearedAcknowledged,
            a.ackMs,
            std::nan(""),
            "值班员 王",
            "已处理",
            a.severity};
    REQUIRE((*store)->commit({a}, t).ok());
  }
  auto view = scene.start(50);
  view->update(0);
  CHECK(view->panelView().alerts.empty());
  CHECK_FALSE(view->historyOpen());
  CHECK(view->historyModel() == nullptr);  // no connection until the window opens

  const auto key = [&](int k) {
    osg::ref_ptr<osgGA::GUIEventAdapter> event = new osgGA::GUIEventAdapter;
    event->setEventType(osgGA::GUIEventAdapter::KEYDOWN);
    event->setKey(k);
    return view->handleInput(*event);
  };
  REQUIRE(key('h'));
  REQUIRE(view->historyOpen());
  REQUIRE(view->historyModel() != nullptr);

  // One frame of the window reads the log: the past alarm with its three transitions.
  ImGuiContext* ctx = ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;
  ImGui::GetIO().DisplaySize = ImVec2(1920, 1080);
  ImGui::GetIO().Fonts->AddFontDefault();
  ImGui::GetIO().Fonts->Build();
  ImGui::NewFrame();
  view->drawOverlay(ui::Language::En, 1);
  ImGui::Render();
  REQUIRE(view->historyModel()->rows().size() == 1);
  CHECK(view->historyModel()->rows()[0].ackComment == "已处理");
  CHECK(view->historyPanel().widgetRect("window.alarm.history").has_value());
  ImGui::DestroyContext(ctx);

  // Esc closes the window and is taken; with the window closed it is the viewer's again.
  CHECK(key(osgGA::GUIEventAdapter::KEY_Escape));
  CHECK_FALSE(view->historyOpen());
  CHECK_FALSE(key(osgGA::GUIEventAdapter::KEY_Escape));
  CHECK_FALSE(key('x'));
  // The alarm list's History button.
  view->apply({ui::OpenHistory{}});
  CHECK(view->historyOpen());
  CHECK(key('H'));
  CHECK_FALSE(view->historyOpen());
}
