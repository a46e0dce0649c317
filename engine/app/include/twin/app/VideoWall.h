// A video wall: one large virtual screen split into a grid of tiles (one display each). The maths
// of which pixels of the virtual screen a tile shows and of its off-axis (asymmetric) viewing
// frustum, and the parsing of the --wall, --tile and --bezel options. Plain data, no OSG.
#pragma once

#include <string>
#include <vector>

#include "twin/core/Result.h"

namespace twin::app {

/** The grid of a wall and the size of one tile's image. Bezels are the pixels hidden between the
    images of two neighbouring displays (both frames together, measured in the displays' pixel
    pitch): they belong to the virtual screen but are drawn by no tile, so that a line crossing
    the gap stays straight. */
struct WallLayout {
  static constexpr int kMaxTiles = 16;  // per direction
  static constexpr int kMaxBezelPixels = 4096;

  int columns = 1, rows = 1;
  int bezelXPixels = 0, bezelYPixels = 0;  // between columns, between rows
  int tileWidth = 0, tileHeight = 0;       // pixels of one tile's image

  /** The virtual screen: all tiles and the bezels between them. */
  int virtualWidth() const { return columns * tileWidth + (columns - 1) * bezelXPixels; }
  int virtualHeight() const { return rows * tileHeight + (rows - 1) * bezelYPixels; }
};

/** One tile: column 0 is the left one, row 0 the top one. */
struct WallTile {
  int column = 0, row = 0;
  bool operator==(const WallTile& o) const { return column == o.column && row == o.row; }
};

/** A rectangle of the virtual screen in pixels, from its top-left corner. */
struct PixelRect {
  int x = 0, y = 0, width = 0, height = 0;
};

/** A viewing frustum as glFrustum takes it: the near plane's edges (eye space, metres) and the
    near and far distances. */
struct Frustum {
  double left = 0, right = 0, bottom = 0, top = 0, zNear = 0, zFar = 0;
};

/** The pixels of the virtual screen that `tile` shows. Precondition: the tile is inside the grid
    (TWIN_ASSERT). */
PixelRect tileRect(const WallLayout& layout, const WallTile& tile);

/** The symmetric perspective frustum of a screen (what gluPerspective builds): vertical field of
    view in degrees (0, 180), aspect = width / height > 0, 0 < zNear < zFar. */
Frustum perspectiveFrustum(double fovyDegrees, double aspect, double zNear, double zFar);

/** The part of `virtualScreen` (the frustum of the whole virtual screen) that `tile` shows: the
    same eye, near and far planes, and the near-plane window cut at the tile's pixel edges. Each
    edge is computed from its integer pixel position alone, so two tiles that touch (no bezel)
    share their edge bit for bit, and the tiles of a wall with bezels leave exactly the bezel
    pixels out. Precondition: the tile is inside the grid (TWIN_ASSERT). */
Frustum tileFrustum(const Frustum& virtualScreen, const WallLayout& layout, const WallTile& tile);

/** Every tile of the grid, row by row from the top-left. */
std::vector<WallTile> allTiles(const WallLayout& layout);

/** Parses --wall "COLSxROWS" (each 1..16, e.g. "2x2") into layout.columns/rows. Error:
    "bad --wall '3'; expected COLSxROWS with 1 to 16 columns and rows, e.g. 2x2". */
core::Status parseWallGrid(const std::string& text, WallLayout& layout);
/** Parses --bezel "PX" or "PX,PY" (whole pixels 0..4096; "PX" alone is used for both). Error:
    "bad --bezel '-4'; expected PX or PX,PY: whole pixels from 0 to 4096 hidden between tiles". */
core::Status parseBezel(const std::string& text, WallLayout& layout);
/** Parses --tile: "C,R" (0-based), "all", or a list "C,R;C,R" (no repeats), checked against the
    grid. Errors: "bad --tile 'x'; expected C,R (0-based column and row), a list C,R;C,R or all",
    "--tile 2,0 is outside the 2x1 wall (columns 0-1, rows 0-0)", "--tile lists 0,0 twice". */
core::Result<std::vector<WallTile>> parseTiles(const std::string& text, const WallLayout& layout);

/** "wall.png" for tile {1, 0} -> "wall-1-0.png": the file of one tile when one command renders
    several. */
std::string tileFileName(const std::string& output, const WallTile& tile);

}  // namespace twin::app
