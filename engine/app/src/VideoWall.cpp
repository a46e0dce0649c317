// The video wall's tile maths and option parsing.
#include "twin/app/VideoWall.h"

#include <cmath>
#include <set>
#include <utility>

#include "twin/core/Assert.h"

namespace twin::app {
namespace {

constexpr double kPi = 3.14159265358979323846;

// A whole decimal number 0..limit (no sign, no spaces); false otherwise.
bool parseCount(const std::string& text, int limit, int& out) {
  if (text.empty() || text.size() > 6) return false;
  int v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  if (v > limit) return false;
  out = v;
  return true;
}

bool inside(const WallLayout& layout, const WallTile& tile) {
  return tile.column >= 0 && tile.column < layout.columns && tile.row >= 0 && tile.row < layout.rows;
}

std::string tileText(const WallTile& tile) { return std::to_string(tile.column) + "," + std::to_string(tile.row); }

// The x of the near-plane window at virtual-screen pixel column `x` (0..width): a function of
// the integer alone, so neighbouring tiles compute their common edge identically.
double edgeX(const Frustum& f, int x, int width) { return f.left + (f.right - f.left) * (double(x) / double(width)); }
// Pixel rows count from the top; the frustum's y grows upwards.
double edgeY(const Frustum& f, int y, int height) { return f.top - (f.top - f.bottom) * (double(y) / double(height)); }

}  // namespace

PixelRect tileRect(const WallLayout& layout, const WallTile& tile) {
  TWIN_ASSERT(inside(layout, tile), "app::tileRect(): tile outside the wall's grid");
  PixelRect r;
  r.x = tile.column * (layout.tileWidth + layout.bezelXPixels);
  r.y = tile.row * (layout.tileHeight + layout.bezelYPixels);
  r.width = layout.tileWidth;
  r.height = layout.tileHeight;
  return r;
}

Frustum perspectiveFrustum(double fovyDegrees, double aspect, double zNear, double zFar) {
  TWIN_ASSERT(fovyDegrees > 0 && fovyDegrees < 180 && aspect > 0 && zNear > 0 && zFar > zNear,
              "app::perspectiveFrustum(): field of view, aspect or planes out of range");
  Frustum f;
  f.top = zNear * std::tan(fovyDegrees * kPi / 360.0);
  f.bottom = -f.top;
  f.right = f.top * aspect;
  f.left = -f.right;
  f.zNear = zNear;
  f.zFar = zFar;
  return f;
}

Frustum tileFrustum(const Frustum& virtualScreen, const WallLayout& layout, const WallTile& tile) {
  const PixelRect r = tileRect(layout, tile);
  const int w = layout.virtualWidth(), h = layout.virtualHeight();
  TWIN_ASSERT(w > 0 && h > 0, "app::tileFrustum(): the wall has no pixels");
  Frustum f = virtualScreen;
  f.left = edgeX(virtualScreen, r.x, w);
  f.right = edgeX(virtualScreen, r.x + r.width, w);
  f.top = edgeY(virtualScreen, r.y, h);
  f.bottom = edgeY(virtualScreen, r.y + r.height, h);
  return f;
}

std::vector<WallTile> allTiles(const WallLayout& layout) {
  std::vector<WallTile> tiles;
  for (int row = 0; row < layout.rows; ++row)
    for (int column = 0; column < layout.columns; ++column) tiles.push_back({column, row});
  return tiles;
}

core::Status parseWallGrid(const std::string& text, WallLayout& layout) {
  const auto x = text.find('x');
  int columns = 0, rows = 0;
  if (x == std::string::npos || !parseCount(text.substr(0, x), WallLayout::kMaxTiles, columns) ||
      !parseCount(text.substr(x + 1), WallLayout::kMaxTiles, rows) || columns < 1 || rows < 1)
    return core::fail("bad --wall '" + text + "'; expected COLSxROWS with 1 to " +
                      std::to_string(WallLayout::kMaxTiles) + " columns and rows, e.g. 2x2");
  layout.columns = columns;
  layout.rows = rows;
  return core::Ok{};
}

core::Status parseBezel(const std::string& text, WallLayout& layout) {
  const auto comma = text.find(',');
  int bx = 0, by = 0;
  const bool ok = comma == std::string::npos ? parseCount(text, WallLayout::kMaxBezelPixels, bx)
                                             : parseCount(text.substr(0, comma), WallLayout::kMaxBezelPixels, bx) &&
                                                   parseCount(text.substr(comma + 1), WallLayout::kMaxBezelPixels, by);
  if (!ok)
    return core::fail("bad --bezel '" + text + "'; expected PX or PX,PY: whole pixels from 0 to " +
                      std::to_string(WallLayout::kMaxBezelPixels) + " hidden between tiles");
  layout.bezelXPixels = bx;
  layout.bezelYPixels = comma == std::string::npos ? bx : by;
  return core::Ok{};
}

core::Result<std::vector<WallTile>> parseTiles(const std::string& text, const WallLayout& layout) {
  if (text == "all") return allTiles(layout);
  std::vector<WallTile> tiles;
  std::set<std::pair<int, int>> seen;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(';', start);
    if (end == std::string::npos) end = text.size();
    const std::string item = text.substr(start, end - start);
    const auto comma = item.find(',');
    WallTile tile;
    if (comma == std::string::npos || !parseCount(item.substr(0, comma), 99999, tile.column) ||
        !parseCount(item.substr(comma + 1), 99999, tile.row))
      return core::fail("bad --tile '" + text + "'; expected C,R (0-based column and row), a list C,R;C,R or all");
    if (!inside(layout, tile))
      return core::fail("--tile " + tileText(tile) + " is outside the " + std::to_string(layout.columns) + "x" +
                        std::to_string(layout.rows) + " wall (columns 0-" + std::to_string(layout.columns - 1) +
                        ", rows 0-" + std::to_string(layout.rows - 1) + ")");
    if (!seen.insert({tile.column, tile.row}).second) return core::fail("--tile lists " + tileText(tile) + " twice");
    tiles.push_back(tile);
    start = end + 1;
  }
  return tiles;
}

std::string tileFileName(const std::string& output, const WallTile& tile) {
  const std::string suffix = "-" + std::to_string(tile.column) + "-" + std::to_string(tile.row);
  const auto slash = output.find_last_of('/');
  const auto dot = output.find_last_of('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return output + suffix;
  return output.substr(0, dot) + suffix + output.substr(dot);
}

}  // namespace twin::app
