// Plan-view maps for `twin report`: flat polygons, lines and points of the site frame drawn north
// up by the headless renderer (HeadlessRenderer, EGL), with a title, a legend, a scale bar, a
// north arrow and the credits on the image itself (so that a map copied out of the report keeps
// its attribution).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "twin/app/HeadlessRenderer.h"
#include "twin/core/Geometry.h"
#include "twin/core/Result.h"
#include "twin/model/SceneConfig.h"

namespace twin::app {

struct MapPolygon {
  core::Polygon polygon;  // local metres
  model::Color fill;      // alpha 0 = no fill
  model::Color outline;   // alpha 0 = no outline
  float outlinePixels = 1;
};

struct MapLine {
  std::vector<core::Vec2> points;  // local metres, >= 2
  model::Color colour;
  float widthPixels = 1;
};

struct MapPoint {
  core::Vec2 at;  // local metres
  model::Color colour;
  float sizePixels = 8;  // side of the square marker (diamond when `diamond`)
  bool diamond = false;
};

struct LegendEntry {
  model::Color colour;
  std::string text;  // UTF-8
  enum class Kind { Fill, Line, Point } kind = Kind::Fill;
};

/** One map. Layers are drawn in this order: polygons, lines, points (each in list order). */
struct MapSpec {
  std::string title;  // top left, UTF-8
  core::Box2 extent;  // local metres shown (grown to the image's aspect ratio); not empty
  std::vector<MapPolygon> polygons;
  std::vector<MapLine> lines;
  std::vector<MapPoint> points;
  std::vector<LegendEntry> legend;
  std::string credits;  // bottom right, e.g. "© OpenStreetMap contributors"
};

/** Draws map after map into one headless context of a fixed size. Not thread-safe. */
class MapRenderer {
 public:
  /** Error when no EGL context can be had (HeadlessRenderer::create()'s message) or the font
      cannot be read ("app::MapRenderer::create(): <font>: cannot read the font"). */
  static core::Result<std::unique_ptr<MapRenderer>> create(int width, int height, const std::string& fontPath);
  ~MapRenderer();

  /** Renders `map` and writes it as PNG. Errors: an empty extent, or writePng()'s error. */
  core::Status render(const MapSpec& map, const std::string& pngPath);

 private:
  MapRenderer();
  struct Impl;
  std::unique_ptr<Impl> _impl;
};

/** A "nice" scale-bar length (1, 2 or 5 x 10^n metres) not longer than `maxMeters` (> 0). */
double scaleBarMeters(double maxMeters);

}  // namespace twin::app
