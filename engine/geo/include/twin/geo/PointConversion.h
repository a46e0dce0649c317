// One-point conversion between any two coordinate systems the engine knows: the lon/lat datums
// WGS84, GCJ-02 and BD-09, and any CRS PROJ understands.
#pragma once

#include <string>

#include "twin/core/Geometry.h"
#include "twin/core/Result.h"

namespace twin::geo {

/** Converts `p` from `from` to `to`. Each is "wgs84", "gcj02", "bd09" (x = lon, y = lat, degrees;
    GCJ-02 and BD-09 go through WGS84 with the exact inverses of ChineseCoordinates.h) or a CRS
    string for PROJ ("EPSG:4548", "cgcs2000", WKT, "+proj=..."), easting/longitude first. z is
    passed through PROJ (heights) and unchanged by the datum offsets. Never throws; errors name
    the CRS PROJ did not understand or say that the point could not be transformed. Not for hot
    loops: it builds the PROJ transform on every call. */
core::Result<core::Vec3> convertPoint(const std::string& from, const std::string& to, core::Vec3 p);

}  // namespace twin::geo
