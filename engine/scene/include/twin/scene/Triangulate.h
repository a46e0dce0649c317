// Footprint triangulation for roofs: ear clipping with hole bridging, then the GLU tessellator as
// a fallback for footprints that are not simple polygons.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "twin/core/Geometry.h"

namespace twin::scene::detail {

/** A footprint cleaned for extrusion and its roof triangles. */
struct Triangulation {
  std::vector<core::Ring> rings;         // rings[0] outer (CCW), then holes (CW); no duplicate points
  std::vector<core::Vec2> vertices;      // roof vertices (the rings' points, plus any the fallback added)
  std::vector<std::uint32_t> triangles;  // CCW triples into `vertices`
  bool usedFallback = false;             // ear clipping failed; the GLU tessellator made the triangles
};

/** Cleans and triangulates a polygon. Never throws. Returns false, with a reason in `why` (e.g.
    "non-finite coordinate", "outer ring has fewer than 3 distinct points", "outer ring has zero
    area"), when nothing usable can be made. Degenerate holes (< 3 points or zero area) are dropped.
    Thread-safe (no shared state). */
bool triangulateFootprint(const core::Polygon& polygon, Triangulation& out, std::string& why);

/** Ear clipping only (no fallback), on rings as triangulateFootprint() cleans them; exposed for
    tests. Returns false when the polygon is not simple enough for ear clipping. */
bool earClip(const std::vector<core::Ring>& rings, std::vector<std::uint32_t>& triangles);

}  // namespace twin::scene::detail
