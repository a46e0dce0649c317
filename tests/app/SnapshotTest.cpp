#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <iostream>
#include <sstream>

#include <osg/Image>
#include <osgDB/ReadFile>

#include "TestPaths.h"
#include "twin/app/Cli.h"
#include "CliRunner.h"
#include "twin/model/SceneConfig.h"
#include "twin/ui/Style.h"

using namespace twin;

namespace {

struct Rgb {
  double r, g, b;
};

Rgb pixel(const osg::Image& image, int x, int yFromTop) {
  const int y = image.t() - 1 - yFromTop;  // OSG images are bottom row first
  const unsigned char* p = image.data(x, y);
  return {double(p[0]), double(p[1]), double(p[2])};
}

// Fraction of pixels in [x0,x1)x[y0,y1) (from the top) within `tolerance` of `colour` (0-255).
double share(const osg::Image& image, int x0, int y0, int x1, int y1, Rgb colour, double tolerance) {
  std::size_t hits = 0, all = 0;
  for (int y = y0; y < y1; ++y)
    for (int x = x0; x < x1; ++x, ++all) {
      const Rgb p = pixel(image, x, y);
      if (std::abs(p.r - colour.r) <= tolerance && std::abs(p.g - colour.g) <= tolerance &&
          std::abs(p.b - colour.b) <= tolerance)
        ++hits;
    }
  return all ? double(hits) / double(all) : 0;
}

// Fraction of the image whose colour is some building-use colour of the theme under a lighting
// factor (p close to k*c with k in [0.45, 1.3]): the shaded faces of extruded buildings.
double buildingShare(const osg::Image& image, const model::Theme& theme) {
  std::size_t hits = 0;
  for (int y = 0; y < image.t(); ++y)
    for (int x = 0; x < image.s(); ++x) {
      const unsigned char* p = image.data(x, y);
      const double pr = p[0], pg = p[1], pb = p[2];
      for (const auto& [use, c] : theme.buildingUse) {
        const double cr = c.r * 255, cg = c.g * 255, cb = c.b * 255;
        const double cc = cr * cr + cg * cg + cb * cb;
        if (cc < 1) continue;
        const double k = (pr * cr + pg * cg + pb * cb) / cc;
        if (k < 0.45 || k > 1.3) continue;
        const double dr = pr - k * cr, dg = pg - k * cg, db = pb - k * cb;
        if (dr * dr + dg * dg + db * db < 12 * 12) {
          ++hits;
          break;
        }
      }
    }
  return double(hits) / double(image.s() * image.t());
}

std::size_t distinctColours(const osg::Image& image) {
  std::set<unsigned> colours;
  for (int y = 0; y < image.t(); y += 3)
    for (int x = 0; x < image.s(); x += 3) {
      const unsigned char* p = image.data(x, y);
      colours.insert(unsigned(p[0]) << 16 | unsigned(p[1]) << 8 | p[2]);
    }
  return colours.size();
}

}  // namespace

TEST_CASE("snapshot: PNG with the theme's building colours and the panels", "[app][slow]") {
  test::TempDir dir("app-snapshot");
  const std::string scene = (test::scenesDir() / "beijing-liudaokou.json").string();
  auto config = model::loadSceneConfig(scene);
  REQUIRE(config.ok());

  for (const char* theme : {"dark", "light"}) {
    INFO("theme " << theme);
    const std::string png = (dir.path() / (std::string(theme) + ".png")).string();
    std::string err;
    const int code = test::runTwinCode(
        {"snapshot", scene, "-o", png, "--size", "960x540", "--theme", theme, "--lang", "en", "--engineering"}, &err);
    INFO(err);
    REQUIRE(code == app::kExitOk);
    osg::ref_ptr<osg::Image> image = osgDB::readImageFile(png);
    REQUIRE(image.valid());
    CHECK(image->s() == 960);
    CHECK(image->t() == 540);
    CHECK(distinctColours(*image) > 200);  // not blank

    CHECK(buildingShare(*image, config->themes.at(theme)) > 0.01);

    // Engineering mode: the controls panel sits in the top-left corner: its background fills much of that region.
    const ui::Rgba bg = ui::panelBackground(theme);
    const double panel = share(*image, 15, 40, 200, 120, {bg.r * 255, bg.g * 255, bg.b * 255}, 3);
    CHECK(panel > 0.4);
    const ui::Rgba other = ui::panelBackground(std::string(theme) == "dark" ? "light" : "dark");
    CHECK(share(*image, 15, 40, 200, 120, {other.r * 255, other.g * 255, other.b * 255}, 3) < 0.05);
  }
}

TEST_CASE("snapshot: without panels the top-left corner is scene, not panel", "[app][slow]") {
  test::TempDir dir("app-snapshot-nopanels");
  const std::string scene = (test::scenesDir() / "beijing-liudaokou.json").string();
  const std::string png = (dir.path() / "bare.png").string();
  REQUIRE(test::runTwinCode({"snapshot", scene, "-o", png, "--size", "640x360", "--no-panels"}) == app::kExitOk);
  osg::ref_ptr<osg::Image> image = osgDB::readImageFile(png);
  REQUIRE(image.valid());
  const ui::Rgba bg = ui::panelBackground("dark");
  CHECK(share(*image, 15, 40, 200, 120, {bg.r * 255, bg.g * 255, bg.b * 255}, 3) < 0.4);
}

TEST_CASE("snapshot: the big screen by default; presentation keeps the middle and the rails clear", "[app][slow]") {
  test::TempDir dir("app-snapshot-bigscreen");
  const std::string scene = (test::scenesDir() / "beijing-liudaokou.json").string();
  auto render = [&](const std::string& name, std::vector<std::string> extra) {
    const std::string png = (dir.path() / (name + ".png")).string();
    std::vector<std::string> args = {"snapshot", scene, "-o", png, "--size", "960x540", "--no-monitor"};
    args.insert(args.end(), extra.begin(), extra.end());
    REQUIRE(test::runTwinCode(args) == app::kExitOk);
    osg::ref_ptr<osg::Image> image = osgDB::readImageFile(png);
    REQUIRE(image.valid());
    return image;
  };
  // Share of pixels in [x0, x1) x [y0, y1) (top-left origin) that differ between two images.
  auto differing = [](const osg::Image& a, const osg::Image& b, int x0, int y0, int x1, int y1) {
    std::size_t n = 0, d = 0;
    for (int y = y0; y < y1; ++y)
      for (int x = x0; x < x1; ++x, ++n) {
        const unsigned char* p = a.data(x, a.t() - 1 - y);
        const unsigned char* q = b.data(x, b.t() - 1 - y);
        d += std::abs(int(p[0]) - int(q[0])) + std::abs(int(p[1]) - int(q[1])) + std::abs(int(p[2]) - int(q[2])) > 12;
      }
    return n ? double(d) / double(n) : 0.0;
  };
  auto bare = render("bare", {"--no-panels"});
  auto big = render("big", {});
  auto presentation = render("presentation", {"--presentation"});
  // Title bar across the top and the left rail: drawn over the scene on the big screen.
  CHECK(differing(*bare, *big, 200, 2, 760, 18) > 0.5);
  CHECK(differing(*bare, *big, 10, 60, 130, 200) > 0.5);
  // The scene in the middle is left alone (labels and all).
  CHECK(differing(*bare, *big, 330, 150, 630, 400) < 0.02);
  // Presentation: the title bar, but no rails.
  CHECK(differing(*bare, *presentation, 200, 2, 760, 18) > 0.5);
  CHECK(differing(*bare, *presentation, 10, 60, 130, 200) < 0.02);
}

TEST_CASE("snapshot: unknown bookmark exits 1 naming it and the known ones", "[app]") {
  test::TempDir dir("app-bookmark");
  const std::string scene = (test::scenesDir() / "beijing-liudaokou.json").string();
  auto config = model::loadSceneConfig(scene);
  REQUIRE(config.ok());
  REQUIRE(!config->bookmarks.empty());
  std::string known;
  for (const auto& b : config->bookmarks) known += (known.empty() ? "" : ", ") + b.name;

  std::string err;
  const std::string png = (dir.path() / "x.png").string();
  CHECK(test::runTwinCode({"snapshot", scene, "-o", png, "--bookmark", "atlantis"}, &err) == app::kExitBadInput);
  // Load progress may precede it on a slow machine; the error is the last line.
  const std::string expected = "twin: unknown bookmark 'atlantis' in " + scene + "; known: " + known + "\n";
  REQUIRE(err.size() >= expected.size());
  CHECK(err.substr(err.size() - expected.size()) == expected);
  CHECK((err.size() == expected.size() || err[err.size() - expected.size() - 1] == '\n'));
  CHECK_FALSE(std::filesystem::exists(png));

  // A known bookmark renders.
  CHECK(test::runTwinCode({"snapshot", scene, "-o", png, "--size", "320x200", "--bookmark",
                           config->bookmarks.back().name}) == app::kExitOk);
  CHECK(std::filesystem::exists(png));
}

TEST_CASE("snapshot: unwritable output exits 1 naming the file", "[app]") {
  const std::string scene = (test::scenesDir() / "beijing-liudaokou.json").string();
  std::string err;
  CHECK(test::runTwinCode({"snapshot", scene, "-o", "/nonexistent-dir/x.png", "--size", "64x64"}, &err) ==
        app::kExitBadInput);
  CHECK(err.find("/nonexistent-dir/x.png") != std::string::npos);
}

TEST_CASE("run: window mode under Xvfb for 3 frames exits 0", "[app][slow]") {
  REQUIRE(std::system("command -v xvfb-run >/dev/null 2>&1") == 0);
  const std::string twin = (test::binaryDir() / "engine" / "app" / "twin").string();
  const std::string scene = (test::scenesDir() / "beijing-liudaokou.json").string();
  const std::string command = "xvfb-run -a -s '-screen 0 1920x1080x24' '" + twin + "' run '" + scene +
                              "' --frames 3 --size 1280x720 > /dev/null 2>&1";
  const int status = std::system(command.c_str());
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("run: without DISPLAY renders headless and prints the PNG path", "[app][slow]") {
  test::TempDir dir("app-run-headless");
  const char* old = std::getenv("DISPLAY");
  const std::string saved = old ? old : "";
  unsetenv("DISPLAY");
  const std::string png = (dir.path() / "run.png").string();
  std::vector<std::string> args = {
      "twin", "run", (test::scenesDir() / "beijing-liudaokou.json").string(), "-o", png, "--size", "320x200"};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  std::ostringstream out, err;
  auto* oldOut = std::cout.rdbuf(out.rdbuf());
  auto* oldErr = std::cerr.rdbuf(err.rdbuf());
  const int code = app::runCli(int(args.size()), argv.data());
  std::cout.rdbuf(oldOut);
  std::cerr.rdbuf(oldErr);
  if (old) setenv("DISPLAY", saved.c_str(), 1);
  CHECK(code == app::kExitOk);
  CHECK(out.str() == png + "\n");
  CHECK(err.str().find("no DISPLAY") != std::string::npos);
  osg::ref_ptr<osg::Image> image = osgDB::readImageFile(png);
  REQUIRE(image.valid());
  CHECK(image->s() == 320);
}
