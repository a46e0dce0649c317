// Placing a model given in another CRS (a projected CRS, ECEF, or an east-north-up frame) in the
// site frame with one 4x4 affine matrix, fitted through PROJ around an anchor point.
#pragma once

#include <array>
#include <string>

#include "twin/core/Geometry.h"
#include "twin/core/Result.h"
#include "twin/geo/SiteFrame.h"

namespace twin::geo {

/** A 3D affine map, row-major 4x4 with the last row (0, 0, 0, 1):
    out = M * (x, y, z, 1). Column-vector convention (transpose it for osg::Matrixd, which
    multiplies row vectors: osg::Matrixd(m[0], m[4], m[8], m[12], m[1], ...)). */
struct Affine3 {
  std::array<double, 16> m{1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};
  core::Vec3 apply(const core::Vec3& p) const;
};

/** Where model coordinates come from. */
struct ModelCrs {
  enum class Kind {
    Crs,   // `crs` is a CRS PROJ knows ("EPSG:4547", WKT, "+proj=..."); model z is metres above
           // its vertical reference and is kept as the frame's z
    Ecef,  // EPSG:4978 geocentric metres (3D Tiles): frame z = ellipsoidal height
    Enu,   // a local east-north-up frame (metres) with origin at `enuOrigin`, height 0
  };
  Kind kind = Kind::Crs;
  std::string crs;
  core::LonLat enuOrigin;
};

/** The affine map from model coordinates near `anchor` (in the model's CRS) into `frame`
    (x, y local metres; z as documented per kind), fitted from PROJ by central differences over
    +-`spanMeters` along each model axis, so that over a model a few kilometres wide the map is
    within millimetres of PROJ. Thread-safe. Errors name what is wrong: an unknown CRS ("geo::
    fitFrameAffine(): PROJ does not know CRS 'EPSG:99999'"), a non-finite anchor, an anchor that
    PROJ cannot put in the frame, or an invalid frame. */
core::Result<Affine3> fitFrameAffine(const ModelCrs& from, const core::Vec3& anchor, const SiteFrame& frame,
                                     double spanMeters = 100);

/** ECEF (EPSG:4978, metres) of a WGS84 lon/lat/ellipsoidal height, and back (exact formulas,
    no PROJ). */
core::Vec3 lonLatHeightToEcef(const core::LonLat& p, double heightMeters);
core::Vec3 ecefToLonLatHeight(const core::Vec3& ecef);  // x lon, y lat (degrees), z height (m)

}  // namespace twin::geo
