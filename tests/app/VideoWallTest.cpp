#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include <osg/Image>
#include <osgDB/ReadFile>

#include "CliRunner.h"
#include "TestPaths.h"
#include "twin/app/Cli.h"
#include "twin/app/VideoWall.h"

using namespace twin;
using app::Frustum;
using app::WallLayout;
using app::WallTile;

namespace {

WallLayout layoutOf(int columns, int rows, int tileWidth, int tileHeight, int bezelX = 0, int bezelY = 0) {
  WallLayout l;
  l.columns = columns;
  l.rows = rows;
  l.tileWidth = tileWidth;
  l.tileHeight = tileHeight;
  l.bezelXPixels = bezelX;
  l.bezelYPixels = bezelY;
  return l;
}

// Where an eye-space point (z < 0) lands in a frustum's image of `width` x `height` pixels, from
// the top-left corner: the perspective divide and viewport mapping glFrustum + glViewport do.
std::pair<double, double> project(const Frustum& f, double x, double y, double z, int width, int height) {
  const double nx = f.zNear * x / -z, ny = f.zNear * y / -z;  // on the near plane
  const double u = (nx - f.left) / (f.right - f.left), v = (f.top - ny) / (f.top - f.bottom);
  return {u * width, v * height};
}

}  // namespace

TEST_CASE("wall: the frusta of neighbouring tiles share their edges exactly", "[app][wall]") {
  const Frustum full0 = app::perspectiveFrustum(30, 1, 1, 10000);  // aspect replaced per layout below
  for (const WallLayout& layout : {layoutOf(2, 1, 1920, 1080), layoutOf(4, 3, 1920, 1080), layoutOf(3, 2, 1366, 768),
                                   layoutOf(5, 4, 1000, 1001)}) {
    INFO(layout.columns << "x" << layout.rows);
    const Frustum full =
        app::perspectiveFrustum(30, double(layout.virtualWidth()) / layout.virtualHeight(), full0.zNear, full0.zFar);
    for (int r = 0; r < layout.rows; ++r)
      for (int c = 0; c < layout.columns; ++c) {
        const Frustum f = app::tileFrustum(full, layout, {c, r});
        CHECK(f.zNear == full.zNear);
        CHECK(f.zFar == full.zFar);
        CHECK(f.left < f.right);
        CHECK(f.bottom < f.top);
        if (c + 1 < layout.columns) {
          const Frustum right = app::tileFrustum(full, layout, {c + 1, r});
          CHECK(f.right == right.left);  // bit for bit: no seam, no overlap
          CHECK(f.top == right.top);
          CHECK(f.bottom == right.bottom);
        }
        if (r + 1 < layout.rows) {
          const Frustum below = app::tileFrustum(full, layout, {c, r + 1});
          CHECK(f.bottom == below.top);
          CHECK(f.left == below.left);
          CHECK(f.right == below.right);
        }
        if (c == 0) CHECK(f.left == full.left);
        if (c == layout.columns - 1) CHECK(f.right == Approx(full.right).epsilon(1e-15));
        if (r == 0) CHECK(f.top == full.top);
        if (r == layout.rows - 1) CHECK(f.bottom == Approx(full.bottom).epsilon(1e-15));
      }
  }
}

TEST_CASE("wall: a point lands on the same virtual-screen pixel through its tile's frustum", "[app][wall]") {
  for (const WallLayout& layout :
       {layoutOf(2, 2, 640, 360), layoutOf(3, 1, 800, 600, 24), layoutOf(2, 2, 500, 300, 30, 12)}) {
    INFO(layout.columns << "x" << layout.rows << " bezel " << layout.bezelXPixels << "," << layout.bezelYPixels);
    const int w = layout.virtualWidth(), h = layout.virtualHeight();
    const Frustum full = app::perspectiveFrustum(30, double(w) / h, 1, 10000);
    int landed = 0;
    for (double x = -900; x <= 900; x += 37)
      for (double y = -400; y <= 400; y += 23) {
        const double z = -1500 - 0.3 * x;
        const auto [px, py] = project(full, x, y, z, w, h);
        if (px < 0 || py < 0 || px >= w || py >= h) continue;
        // The tile whose rectangle holds the pixel, if not a bezel.
        for (const WallTile& tile : app::allTiles(layout)) {
          const app::PixelRect rect = app::tileRect(layout, tile);
          if (px < rect.x || px >= rect.x + rect.width || py < rect.y || py >= rect.y + rect.height) continue;
          const auto [tx, ty] = project(app::tileFrustum(full, layout, tile), x, y, z, rect.width, rect.height);
          CHECK(tx + rect.x == Approx(px).margin(1e-6));
          CHECK(ty + rect.y == Approx(py).margin(1e-6));
          ++landed;
        }
      }
    CHECK(landed > 500);
  }
}

TEST_CASE("wall: tile rectangles skip the bezels", "[app][wall]") {
  const WallLayout layout = layoutOf(3, 2, 1920, 1080, 40, 30);
  CHECK(layout.virtualWidth() == 3 * 1920 + 2 * 40);
  CHECK(layout.virtualHeight() == 2 * 1080 + 30);
  const app::PixelRect r = app::tileRect(layout, {2, 1});
  CHECK(r.x == 2 * (1920 + 40));
  CHECK(r.y == 1080 + 30);
  CHECK(r.width == 1920);
  CHECK(r.height == 1080);
  CHECK(app::allTiles(layout).size() == 6);
  CHECK(app::allTiles(layout)[1] == WallTile{1, 0});
}

TEST_CASE("wall: option parsing and its errors name the flag", "[app][wall]") {
  WallLayout layout;
  REQUIRE(app::parseWallGrid("3x2", layout).ok());
  CHECK(layout.columns == 3);
  CHECK(layout.rows == 2);
  for (const char* bad : {"3", "0x2", "2x0", "17x1", "-2x2", "2x2x2", "x2", "2x", "axb", ""}) {
    INFO(bad);
    auto s = app::parseWallGrid(bad, layout);
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().message ==
          "bad --wall '" + std::string(bad) + "'; expected COLSxROWS with 1 to 16 columns and rows, e.g. 2x2");
  }

  REQUIRE(app::parseBezel("12", layout).ok());
  CHECK(layout.bezelXPixels == 12);
  CHECK(layout.bezelYPixels == 12);
  REQUIRE(app::parseBezel("12,7", layout).ok());
  CHECK(layout.bezelYPixels == 7);
  for (const char* bad : {"-4", "4,-1", "1.5", "", "4,", "5000", "a"}) {
    INFO(bad);
    auto s = app::parseBezel(bad, layout);
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().message == "bad --bezel '" + std::string(bad) +
                                   "'; expected PX or PX,PY: whole pixels from 0 to 4096 hidden between tiles");
  }

  layout = layoutOf(3, 2, 100, 100);
  auto tiles = app::parseTiles("2,1", layout);
  REQUIRE(tiles.ok());
  CHECK(*tiles == std::vector<WallTile>{{2, 1}});
  tiles = app::parseTiles("0,0;2,1", layout);
  REQUIRE(tiles.ok());
  CHECK(tiles->size() == 2);
  tiles = app::parseTiles("all", layout);
  REQUIRE(tiles.ok());
  CHECK(tiles->size() == 6);
  CHECK(app::parseTiles("3,0", layout).error().message == "--tile 3,0 is outside the 3x2 wall (columns 0-2, rows 0-1)");
  CHECK(app::parseTiles("0,2", layout).error().message == "--tile 0,2 is outside the 3x2 wall (columns 0-2, rows 0-1)");
  CHECK(app::parseTiles("1,1;1,1", layout).error().message == "--tile lists 1,1 twice");
  for (const char* bad : {"1", "-1,0", "a,b", "1,1;", "", "1;1"}) {
    INFO(bad);
    CHECK(app::parseTiles(bad, layout).error().message ==
          "bad --tile '" + std::string(bad) + "'; expected C,R (0-based column and row), a list C,R;C,R or all");
  }

  CHECK(app::tileFileName("shots/wall.png", {1, 0}) == "shots/wall-1-0.png");
  CHECK(app::tileFileName("out/a.b/wall", {0, 2}) == "out/a.b/wall-0-2");
}

TEST_CASE("wall: bad wall options on the command line are usage errors naming the flag", "[app][wall]") {
  const std::string scene = (test::scenesDir() / "beijing-liudaokou.json").string();
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases = {
      {{"snapshot", scene, "-o", "x.png", "--tile", "0,0"}, "twin snapshot: --tile needs --wall COLSxROWS"},
      {{"snapshot", scene, "-o", "x.png", "--bezel", "4"}, "twin snapshot: --bezel needs --wall COLSxROWS"},
      {{"snapshot", scene, "-o", "x.png", "--wall", "2x1"},
       "twin snapshot: --wall needs --tile C,R (0-based column and row), a list C,R;C,R or all"},
      {{"snapshot", scene, "-o", "x.png", "--wall", "2by1", "--tile", "0,0"},
       "twin snapshot: bad --wall '2by1'; expected COLSxROWS with 1 to 16 columns and rows, e.g. 2x2"},
      {{"snapshot", scene, "-o", "x.png", "--wall", "2x1", "--tile", "2,0"},
       "twin snapshot: --tile 2,0 is outside the 2x1 wall (columns 0-1, rows 0-0)"},
      {{"snapshot", scene, "-o", "x.png", "--wall", "2x1", "--tile", "0,0", "--bezel", "-4"},
       "twin snapshot: bad --bezel '-4'; expected PX or PX,PY: whole pixels from 0 to 4096 hidden between tiles"},
      {{"run", scene, "--wall", "2x1", "--tile", "all", "--wall-lead"},
       "twin run: --wall-lead drives the wall from one tile; give one --tile C,R"},
      {{"run", scene, "--wall", "2x1", "--tile", "0,0", "--publish-camera"},
       "twin run: --publish-camera drives a wall from a normal viewer; a tile that drives takes --wall-lead"},
      {{"run", scene, "--wall-lead"}, "twin run: --wall-lead needs --wall COLSxROWS"},
      {{"run", scene, "--wall-topic", "a/b"}, "twin run: --wall-topic needs --wall or --publish-camera"},
      {{"run", scene, "--publish-camera", "--wall-topic", "a/#"},
       "twin run: bad --wall-topic 'a/#'; expected a topic name without wildcards"},
  };
  for (const Case& c : cases) {
    INFO(c.message);
    const test::CliResult r = test::runTwin(c.args);
    CHECK(r.code == app::kExitUsage);
    CHECK(r.err.find(c.message) != std::string::npos);
  }
}

namespace {

// Share of the w x h pixels whose colour differs by more than `tolerance` (0-255, any channel)
// between `a` at (ax, ay) and `b` at (bx, by); rectangles from the top-left corner.
double differingShare(const osg::Image& a, int ax, int ay, const osg::Image& b, int bx, int by, int w, int h,
                      int tolerance = 40) {
  std::size_t differ = 0;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const unsigned char* p = a.data(ax + x, a.t() - 1 - (ay + y));
      const unsigned char* q = b.data(bx + x, b.t() - 1 - (by + y));
      if (std::abs(int(p[0]) - int(q[0])) > tolerance || std::abs(int(p[1]) - int(q[1])) > tolerance ||
          std::abs(int(p[2]) - int(q[2])) > tolerance)
        ++differ;
    }
  return double(differ) / double(w * h);
}

// Renders the scene headless; returns the image, or null when the command wrote one per tile.
osg::ref_ptr<osg::Image> snapshot(const std::string& png, const std::string& size, std::vector<std::string> extra) {
  std::vector<std::string> args = {"snapshot",
                                   (test::scenesDir() / "beijing-liudaokou.json").string(),
                                   "-o",
                                   png,
                                   "--size",
                                   size,
                                   "--no-monitor",
                                   "--no-planning",
                                   "--no-panels",
                                   "--lang",
                                   "en"};
  args.insert(args.end(), extra.begin(), extra.end());
  std::string err;
  const int code = test::runTwinCode(args, &err);
  INFO(err);
  REQUIRE(code == app::kExitOk);
  if (std::find(extra.begin(), extra.end(), "all") != extra.end()) return nullptr;
  osg::ref_ptr<osg::Image> image = osgDB::readImageFile(png);
  REQUIRE(image.valid());
  return image;
}

}  // namespace

TEST_CASE("wall: stitched headless tiles equal one large render of the same camera", "[app][wall][slow]") {
  test::TempDir dir("app-wall");
  const auto file = [&](const std::string& name) { return (dir.path() / name).string(); };

  SECTION("two tiles side by side") {
    const auto full = snapshot(file("full.png"), "960x270", {});
    snapshot(file("wall.png"), "480x270", {"--wall", "2x1", "--tile", "all"});
    osg::ref_ptr<osg::Image> left = osgDB::readImageFile(file("wall-0-0.png"));
    osg::ref_ptr<osg::Image> right = osgDB::readImageFile(file("wall-1-0.png"));
    REQUIRE(left.valid());
    REQUIRE(right.valid());
    CHECK(left->s() == 480);
    CHECK(left->t() == 270);
    CHECK(differingShare(*left, 0, 0, *full, 0, 0, 480, 270) < 0.005);
    CHECK(differingShare(*right, 0, 0, *full, 480, 0, 480, 270) < 0.005);
    // The comparison can fail: a tile set at the other tile's place is far off.
    CHECK(differingShare(*left, 0, 0, *full, 480, 0, 480, 270) > 0.05);
  }

  SECTION("four tiles in a 2x2 grid") {
    const auto full = snapshot(file("full.png"), "960x540", {});
    snapshot(file("wall.png"), "480x270", {"--wall", "2x2", "--tile", "all"});
    for (const WallTile tile : {WallTile{0, 0}, WallTile{1, 0}, WallTile{0, 1}, WallTile{1, 1}}) {
      INFO("tile " << tile.column << "," << tile.row);
      osg::ref_ptr<osg::Image> image = osgDB::readImageFile(file(app::tileFileName("wall.png", tile)));
      REQUIRE(image.valid());
      CHECK(differingShare(*image, 0, 0, *full, tile.column * 480, tile.row * 270, 480, 270) < 0.005);
    }
  }

  SECTION("a bezel skips its columns") {
    // 2x1 tiles of 480 with 40 hidden pixels between them: a virtual screen 1000 wide.
    const auto full = snapshot(file("full.png"), "1000x270", {});
    const auto right = snapshot(file("right.png"), "480x270", {"--wall", "2x1", "--tile", "1,0", "--bezel", "40"});
    const auto left = snapshot(file("left.png"), "480x270", {"--wall", "2x1", "--tile", "0,0", "--bezel", "40"});
    CHECK(differingShare(*left, 0, 0, *full, 0, 0, 480, 270) < 0.005);
    CHECK(differingShare(*right, 0, 0, *full, 520, 0, 480, 270) < 0.005);
    // Without the skip (the tile placed right after the left one) it would not match.
    CHECK(differingShare(*right, 0, 0, *full, 480, 0, 480, 270) > 0.05);
  }
}
