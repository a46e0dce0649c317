// GCJ-02 ("Mars coordinates", used by Gaode/AMap, Tencent and other Chinese web maps) and BD-09
// (Baidu) conversions to and from WGS84. Pure functions of lon/lat in degrees; thread-safe.
#pragma once

#include <string>

#include "twin/core/Geometry.h"
#include "twin/core/Result.h"

namespace twin::geo {

/** The lon/lat datums a source can be written in. */
enum class LonLatDatum { Wgs84, Gcj02, Bd09 };

/** "wgs84", "gcj02", "bd09" (case-insensitive; "gcj-02", "bd-09" too). Error lists the accepted names. */
core::Result<LonLatDatum> lonLatDatumFromName(const std::string& name);
const char* lonLatDatumName(LonLatDatum datum);  // "wgs84", "gcj02", "bd09"

/** True outside the rough bounding box of mainland China (lon 72.004-137.8347, lat 0.8293-55.8271)
    used by the reference implementations; there every conversion is the identity. */
bool outOfChina(core::LonLat p);

/** WGS84 -> GCJ-02: the published forward formula (Krasovsky 1940 ellipsoid constants). */
core::LonLat wgs84ToGcj02(core::LonLat p);
/** GCJ-02 -> WGS84, exact to 1e-9 degrees: fixed-point iteration on the forward formula (not the
    common one-step approximation, which is off by up to ~1 m). */
core::LonLat gcj02ToWgs84(core::LonLat p);
/** GCJ-02 -> BD-09: Baidu's published forward formula. */
core::LonLat gcj02ToBd09(core::LonLat p);
/** BD-09 -> GCJ-02, exact to 1e-9 degrees by iterating on gcj02ToBd09. */
core::LonLat bd09ToGcj02(core::LonLat p);
core::LonLat wgs84ToBd09(core::LonLat p);
core::LonLat bd09ToWgs84(core::LonLat p);

/** Converts between any two datums (identity when equal). NaN in -> NaN out. */
core::LonLat convertLonLat(core::LonLat p, LonLatDatum from, LonLatDatum to);

}  // namespace twin::geo
