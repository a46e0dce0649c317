// An affine stand-in for a PROJ pipeline over a model's extent: models are drawn with one
// double-precision matrix on top of float vertices, so the map is sampled once, not per vertex.
#include "twin/geo/FrameFit.h"

#include <cmath>
#include <functional>
#include <sstream>

namespace twin::geo {
namespace {

constexpr double kA = 6378137.0;            // WGS84 semi-major axis (m)
constexpr double kF = 1.0 / 298.257223563;  // WGS84 flattening
constexpr double kE2 = kF * (2 - kF);       // first eccentricity squared
constexpr double kDegrees = 180.0 / 3.14159265358979323846;

bool finite(const core::Vec3& p) { return std::isfinite(p.x) && std::isfinite(p.y) && std::isfinite(p.z); }

std::string formatPoint(const core::Vec3& p) {
  std::ostringstream out;
  out.precision(12);
  out << "(" << p.x << ", " << p.y << ", " << p.z << ")";
  return out.str();
}

using MapFn = std::function<bool(const core::Vec3&, core::Vec3&)>;

core::Result<Affine3> fitByDifferences(const MapFn& map, const core::Vec3& anchor, double span,
                                       const std::string& what) {
  core::Vec3 centre;
  if (!map(anchor, centre))
    return core::fail("geo::fitFrameAffine(): " + what + ": the anchor " + formatPoint(anchor) +
                      " cannot be put in the site frame");
  Affine3 a;
  const core::Vec3 axes[3] = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
  for (int i = 0; i < 3; ++i) {
    const core::Vec3& e = axes[i];
    core::Vec3 plus{anchor.x + span * e.x, anchor.y + span * e.y, anchor.z + span * e.z};
    core::Vec3 minus{anchor.x - span * e.x, anchor.y - span * e.y, anchor.z - span * e.z};
    core::Vec3 fp, fm;
    if (!map(plus, fp) || !map(minus, fm))
      return core::fail("geo::fitFrameAffine(): " + what + ": points " + std::to_string(span) +
                        " m around the anchor " + formatPoint(anchor) + " cannot be put in the site frame");
    a.m[0 * 4 + i] = (fp.x - fm.x) / (2 * span);
    a.m[1 * 4 + i] = (fp.y - fm.y) / (2 * span);
    a.m[2 * 4 + i] = (fp.z - fm.z) / (2 * span);
  }
  for (int r = 0; r < 3; ++r)
    a.m[r * 4 + 3] = (r == 0   ? centre.x
                      : r == 1 ? centre.y
                               : centre.z) -
                     (a.m[r * 4 + 0] * anchor.x + a.m[r * 4 + 1] * anchor.y + a.m[r * 4 + 2] * anchor.z);
  for (double v : a.m)
    if (!std::isfinite(v)) return core::fail("geo::fitFrameAffine(): " + what + ": the fitted map is not finite");
  return a;
}

// East, north and up unit vectors at a geodetic point, in ECEF.
void enuAxes(const core::LonLat& origin, core::Vec3& east, core::Vec3& north, core::Vec3& up) {
  const double lon = origin.lon / kDegrees, lat = origin.lat / kDegrees;
  east = {-std::sin(lon), std::cos(lon), 0};
  north = {-std::sin(lat) * std::cos(lon), -std::sin(lat) * std::sin(lon), std::cos(lat)};
  up = {std::cos(lat) * std::cos(lon), std::cos(lat) * std::sin(lon), std::sin(lat)};
}

}  // namespace

core::Vec3 Affine3::apply(const core::Vec3& p) const {
  return {m[0] * p.x + m[1] * p.y + m[2] * p.z + m[3], m[4] * p.x + m[5] * p.y + m[6] * p.z + m[7],
          m[8] * p.x + m[9] * p.y + m[10] * p.z + m[11]};
}

core::Vec3 lonLatHeightToEcef(const core::LonLat& p, double heightMeters) {
  const double lon = p.lon / kDegrees, lat = p.lat / kDegrees;
  const double s = std::sin(lat), c = std::cos(lat);
  const double n = kA / std::sqrt(1 - kE2 * s * s);
  return {(n + heightMeters) * c * std::cos(lon), (n + heightMeters) * c * std::sin(lon),
          (n * (1 - kE2) + heightMeters) * s};
}

core::Vec3 ecefToLonLatHeight(const core::Vec3& e) {
  // Bowring's start and Newton-free fixed-point refinement: converges to < 1e-9 m in a few steps
  // for any point above the Earth's centre region.
  const double p = std::hypot(e.x, e.y);
  const double lon = std::atan2(e.y, e.x);
  double lat = std::atan2(e.z, p * (1 - kE2));
  double height = 0;
  for (int i = 0; i < 8; ++i) {
    const double s = std::sin(lat);
    const double n = kA / std::sqrt(1 - kE2 * s * s);
    const double c = std::cos(lat);
    height = std::abs(c) > 1e-12 ? p / c - n : std::abs(e.z) / std::abs(s) - n * (1 - kE2);
    const double next = std::atan2(e.z, p * (1 - kE2 * n / (n + height)));
    if (std::abs(next - lat) < 1e-15) {
      lat = next;
      break;
    }
    lat = next;
  }
  return {lon * kDegrees, lat * kDegrees, height};
}

core::Result<Affine3> fitFrameAffine(const ModelCrs& from, const core::Vec3& anchor, const SiteFrame& frame,
                                     double spanMeters) {
  if (!frame.valid()) return core::fail("geo::fitFrameAffine(): the site frame is not valid");
  if (!finite(anchor)) return core::fail("geo::fitFrameAffine(): the anchor " + formatPoint(anchor) + " is not finite");
  if (!(spanMeters > 0) || !std::isfinite(spanMeters))
    return core::fail("geo::fitFrameAffine(): span " + std::to_string(spanMeters) + " m is not a positive number");

  switch (from.kind) {
    case ModelCrs::Kind::Crs: {
      auto transform = frame.transformFrom(from.crs);
      if (!transform)
        return core::fail("geo::fitFrameAffine(): PROJ does not know CRS '" + from.crs +
                          "': " + transform.error().message);
      const Transform& t = transform.value();
      MapFn map = [&](const core::Vec3& in, core::Vec3& out) {
        core::Vec3 p{in.x, in.y, 0};
        if (!t.forward(p)) return false;
        const core::Vec2 local = frame.projectedToLocal(p);
        out = {local.x, local.y, in.z};
        return std::isfinite(local.x) && std::isfinite(local.y);
      };
      return fitByDifferences(map, anchor, spanMeters, "CRS '" + from.crs + "'");
    }
    case ModelCrs::Kind::Ecef: {
      MapFn map = [&](const core::Vec3& in, core::Vec3& out) {
        const core::Vec3 g = ecefToLonLatHeight(in);
        const core::Vec2 local = frame.toLocal({g.x, g.y});
        out = {local.x, local.y, g.z};
        return finite(out);
      };
      return fitByDifferences(map, anchor, spanMeters, "ECEF");
    }
    case ModelCrs::Kind::Enu: {
      const core::LonLat o = from.enuOrigin;
      if (!std::isfinite(o.lon) || !std::isfinite(o.lat) || std::abs(o.lat) > 90 || std::abs(o.lon) > 180)
        return core::fail("geo::fitFrameAffine(): ENU origin is not a valid lon/lat");
      core::Vec3 east, north, up;
      enuAxes(o, east, north, up);
      const core::Vec3 base = lonLatHeightToEcef(o, 0);
      MapFn map = [&](const core::Vec3& in, core::Vec3& out) {
        const core::Vec3 ecef{base.x + in.x * east.x + in.y * north.x + in.z * up.x,
                              base.y + in.x * east.y + in.y * north.y + in.z * up.y,
                              base.z + in.x * east.z + in.y * north.z + in.z * up.z};
        const core::Vec3 g = ecefToLonLatHeight(ecef);
        const core::Vec2 local = frame.toLocal({g.x, g.y});
        out = {local.x, local.y, g.z};
        return finite(out);
      };
      return fitByDifferences(map, anchor, spanMeters, "ENU");
    }
  }
  return core::fail("geo::fitFrameAffine(): unknown model CRS kind");
}

}  // namespace twin::geo
