// Isochrone polygons from a reach set: a travel-time grid and its contours (Valhalla style).
//
// Method: every grid point within `walkOffMeters` of a reached piece of street (whole or
// partially reached segments alike) gets the time at the nearest point of that piece plus the
// time to walk straight off the street to it; other grid points are "not reached". The field
// is interpolated linearly on four triangles per cell (the centre takes the mean of the
// corners) and each band is the region where it is <= the band's limit. All bands contour the
// same piecewise-linear field, so they are nested by construction (15 ⊇ 10 ⊇ 5).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "twin/analysis/WalkReach.h"
#include "twin/core/Geometry.h"
#include "twin/core/Result.h"

namespace twin::analysis {

struct IsochroneOptions {
  double cellMeters = 10.0;     // grid spacing; smaller = finer and slower (doubled while the
                                // grid would exceed ~16M points)
  double walkOffMeters = 50.0;  // how far off a reached street a polygon extends
};

/** One band: the area reachable within `limit` (seconds, or metres for WalkMetric::Meters). */
struct IsochroneBand {
  double limit = 0;
  std::vector<core::Polygon> polygons;  // outer rings CCW, holes CW, local metres
  double areaM2 = 0;
};

/** Polygons for each limit in `limits` (ascending, each <= reach.cutoff: TWIN_ASSERT). An
    empty reach gives empty bands. Thread-safe (no shared state). */
std::vector<IsochroneBand> isochronePolygons(const WalkGraph& graph, const ReachSet& reach,
                                             const std::vector<double>& limits, const IsochroneOptions& options = {});

/** Local metres -> WGS84, normally `[&](core::Vec2 p) { return site.frame.toLonLat(p); }`. */
using ToLonLat = std::function<core::LonLat(core::Vec2)>;

/** RFC 7946 FeatureCollection, one MultiPolygon feature per band, largest band first (so a
    map draws the small ones on top), properties `minutes` (limit / 60) and `area_m2`;
    coordinates WGS84 lon/lat with 7 decimals (~1 cm). */
std::string isochroneGeoJson(const std::vector<IsochroneBand>& bands, const ToLonLat& toLonLat);

/** Writes text to a file; error names the function and the path. */
core::Status writeTextFile(const std::string& path, const std::string& text);

}  // namespace twin::analysis
