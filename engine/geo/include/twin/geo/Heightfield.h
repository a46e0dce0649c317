// A terrain heightfield in the site's local frame: a regular grid of heights in metres.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "twin/core/Geometry.h"

namespace twin::geo {

/** Heights on a regular grid in local metres (x east, y north). Sample (column c, row r) lies at
    (originMeters.x + c * spacingMeters, originMeters.y + r * spacingMeters); row 0 is the
    southern edge, column 0 the western one; `heights` is row-major (columns * rows values).
    Heights are metres in the DEM's vertical datum (SRTM: EGM96 geoid) plus the vertical offset
    asked for. A default-constructed Heightfield is empty(): every query returns NaN.
    Plain data: copyable; const queries are thread-safe. */
struct Heightfield {
  core::Vec2 originMeters;        // local position of sample (0, 0), the south-west corner
  double spacingMeters = 0;       // distance between neighbouring samples, > 0 when not empty
  int columns = 0, rows = 0;      // >= 2 each when not empty
  std::vector<float> heights;     // columns * rows, row-major from the south-west
  std::string sourceLabel;        // file the heights came from (name, or the /vsi path)
  std::size_t filledSamples = 0;  // DEM pixels that were nodata and were filled from neighbours
  double coveredFraction = 1;     // share of the asked site extent the DEM covers, in [0, 1]

  bool empty() const;
  /** Local bounds of the grid (the site extent plus margin it was built for). */
  core::Box2 extent() const;
  /** Height of sample (column, row); TWIN_ASSERT on an index outside the grid. */
  double sample(int column, int row) const;
  /** Bilinear height at a local point. Points outside the grid take the height of the nearest
      edge point (clamped); NaN for a non-finite point or an empty heightfield. */
  double heightAt(double x, double y) const;
  double heightAt(core::Vec2 p) const { return heightAt(p.x, p.y); }
  /** Lowest point of the bilinear surface under a polygon (outer ring minus holes, boundary
      included). Exact: the minimum of a bilinear patch over a polygonal region lies at a
      vertex of the region clipped to the grid cells, so it checks the ring vertices, where the
      ring edges cross grid lines, and the grid samples inside. NaN for an empty heightfield, an
      outer ring with fewer than 3 points or non-finite coordinates. */
  double minHeightUnder(const core::Polygon& polygon) const;
};

}  // namespace twin::geo
