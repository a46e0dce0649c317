#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <iostream>
#include <sstream>

#include <osg/Image>
#include <osgDB/ReadFile>

#include "TestPaths.h"
#include "twin/alerts/AlertStore.h"
#include "twin/app/Cli.h"
#include "CliRunner.h"
#include "twin/scene/SensorLayer.h"
#include "twin/ui/Style.h"

using namespace twin;

namespace {

osg::ref_ptr<osg::Image> snapshot(const std::vector<std::string>& extra, const std::filesystem::path& png) {
  std::vector<std::string> args = {"snapshot", (test::scenesDir() / "beijing-liudaokou.json").string(), "-o",
                                   png.string(), "--size", "960x540", "--lang", "en"};
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

}  // namespace

TEST_CASE("monitor view: snapshot after 3 s of replay shows the monitoring panels and sensor markers", "[app][slow]") {
  test::TempDir dir("app-monitor-view");
  const std::string db = (dir.path() / "alerts.db").string();

  // The dashboard sits at the top centre: its background fills much of that strip.
  osg::ref_ptr<osg::Image> withPanels =
      snapshot({"--monitor-seconds", "3", "--alerts-db", db}, dir.path() / "panels.png");
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

TEST_CASE("monitor view: bad monitor options are usage errors", "[app]") {
  const std::string scene = (test::scenesDir() / "beijing-liudaokou.json").string();
  std::string err;
  CHECK(test::runTwinCode({"snapshot", scene, "-o", "x.png", "--monitor-seconds", "-1"}, &err) == app::kExitUsage);
  CHECK(err.find("bad --monitor-seconds '-1'; expected seconds between 0 and 3600") != std::string::npos);
  CHECK(test::runTwinCode({"snapshot", scene, "-o", "x.png", "--monitor-seconds", "nan"}, &err) == app::kExitUsage);
  CHECK(test::runTwinCode({"snapshot", scene, "-o", "x.png", "--mqtt", "localhost"}, &err) == app::kExitUsage);
  CHECK(err.find("--mqtt expects HOST:PORT, got 'localhost'") != std::string::npos);
  CHECK(test::runTwinCode({"run", scene, "--mqtt", "h:99999"}, &err) == app::kExitUsage);
  CHECK_FALSE(std::filesystem::exists("x.png"));
}

TEST_CASE("monitor view: an unopenable alert log is an error naming it", "[app]") {
  test::TempDir dir("app-monitor-baddb");
  const std::string scene = (test::scenesDir() / "beijing-liudaokou.json").string();
  const std::string png = (dir.path() / "x.png").string();
  std::string err;
  CHECK(test::runTwinCode({"snapshot", scene, "-o", png, "--size", "64x64", "--alerts-db", "/nonexistent-dir/a.db"}, &err) ==
        app::kExitBadInput);
  CHECK(err.find("alerts::AlertStore::open(): a.db: cannot open: unable to open database file\n") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(png));
}
