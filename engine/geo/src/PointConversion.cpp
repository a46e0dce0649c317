#include "twin/geo/PointConversion.h"

#include <cmath>

#include "twin/geo/ChineseCoordinates.h"
#include "twin/geo/Transform.h"

namespace twin::geo {
namespace {

bool isLonLatDatum(const std::string& name, LonLatDatum& datum) {
  auto parsed = lonLatDatumFromName(name);
  if (!parsed) return false;
  datum = *parsed;
  return true;
}

// Runs PROJ from `from` to `to` on p; identity when both are the same text.
core::Status projTransform(const std::string& from, const std::string& to, core::Vec3& p) {
  if (canonicalCrs(from) == canonicalCrs(to)) return core::Ok{};
  auto transform = Transform::create(from, to);
  if (!transform) return core::fail("geo::convertPoint(): " + transform.error().message);
  if (!transform->forward(p))
    return core::fail("geo::convertPoint(): the point (" + std::to_string(p.x) + ", " + std::to_string(p.y) +
                      ") cannot be transformed from " + from + " to " + to);
  return core::Ok{};
}

}  // namespace

core::Result<core::Vec3> convertPoint(const std::string& from, const std::string& to, core::Vec3 p) {
  if (!std::isfinite(p.x) || !std::isfinite(p.y) || !std::isfinite(p.z))
    return core::fail("geo::convertPoint(): coordinates must be finite numbers");
  LonLatDatum fromDatum = LonLatDatum::Wgs84, toDatum = LonLatDatum::Wgs84;
  const bool fromIsDatum = isLonLatDatum(from, fromDatum);
  const bool toIsDatum = isLonLatDatum(to, toDatum);

  // Everything meets in WGS84 lon/lat.
  core::Vec3 wgs = p;
  if (fromIsDatum) {
    const core::LonLat q = convertLonLat({p.x, p.y}, fromDatum, LonLatDatum::Wgs84);
    wgs.x = q.lon;
    wgs.y = q.lat;
  } else if (toIsDatum) {
    if (auto s = projTransform(from, "EPSG:4326", wgs); !s) return s.error();
  }
  if (toIsDatum) {
    const core::LonLat q = convertLonLat({wgs.x, wgs.y}, LonLatDatum::Wgs84, toDatum);
    return core::Vec3{q.lon, q.lat, wgs.z};
  }
  // `to` is a PROJ CRS: go straight from `from` when it is one too (keeps datum shifts exact).
  core::Vec3 out = fromIsDatum ? wgs : p;
  if (auto s = projTransform(fromIsDatum ? std::string("EPSG:4326") : from, to, out); !s) return s.error();
  return out;
}

}  // namespace twin::geo
