#include "twin/geo/SiteFrame.h"

#include <cmath>
#include <cstdio>
#include <limits>
#include <mutex>

namespace twin::geo {

struct SiteFrame::State {
  core::LonLat origin;
  std::string frameCrs, projString;
  core::Vec3 originProjected;
  // PROJ objects are not thread-safe; the frame is shared, so conversions take turns.
  mutable std::mutex mutex;
  Transform fromWgs84;
  State(Transform t) : fromWgs84(std::move(t)) {}
};

namespace {
std::string formatNumber(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}  // namespace

core::Result<SiteFrame> SiteFrame::create(core::LonLat origin, const std::string& frameCrs) {
  if (!std::isfinite(origin.lon) || !std::isfinite(origin.lat) || origin.lon < -180 || origin.lon > 180 ||
      origin.lat < -90 || origin.lat > 90)
    return core::fail("geo::SiteFrame::create(): origin (" + formatNumber(origin.lon) + ", " +
                      formatNumber(origin.lat) + ") is not a WGS84 longitude/latitude");
  const bool localTm = frameCrs.empty() || frameCrs == "local-tm";
  const std::string projString = localTm ? "+proj=tmerc +lat_0=" + formatNumber(origin.lat) +
                                               " +lon_0=" + formatNumber(origin.lon) +
                                               " +k=1 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs +type=crs"
                                         : canonicalCrs(frameCrs);
  auto transform = Transform::create("EPSG:4326", projString);
  if (!transform)
    return core::fail("geo::SiteFrame::create(): frame CRS '" + frameCrs + "': " + transform.error().message);
  auto state = std::make_shared<State>(std::move(transform).value());
  state->origin = origin;
  state->frameCrs = localTm ? "local-tm" : frameCrs;
  state->projString = projString;
  core::Vec3 o{origin.lon, origin.lat, 0};
  if (!state->fromWgs84.forward(o))
    return core::fail("geo::SiteFrame::create(): the origin lies outside the area of frame CRS '" + frameCrs + "'");
  state->originProjected = localTm ? core::Vec3{} : core::Vec3{o.x, o.y, 0};
  SiteFrame frame;
  frame._state = std::move(state);
  return frame;
}

core::LonLat SiteFrame::origin() const { return _state ? _state->origin : core::LonLat{}; }

const std::string& SiteFrame::frameCrs() const {
  static const std::string none;
  return _state ? _state->frameCrs : none;
}

const std::string& SiteFrame::frameProjString() const {
  static const std::string none;
  return _state ? _state->projString : none;
}

core::Vec3 SiteFrame::originProjected() const { return _state ? _state->originProjected : core::Vec3{}; }

core::Vec2 SiteFrame::toLocal(core::LonLat p) const {
  if (!_state) return {kNaN, kNaN};
  core::Vec3 v{p.lon, p.lat, 0};
  {
    std::lock_guard<std::mutex> lock(_state->mutex);
    if (!_state->fromWgs84.forward(v)) return {kNaN, kNaN};
  }
  return projectedToLocal(v);
}

core::LonLat SiteFrame::toLonLat(core::Vec2 p) const {
  if (!_state) return {kNaN, kNaN};
  core::Vec3 v{p.x + _state->originProjected.x, p.y + _state->originProjected.y, 0};
  std::lock_guard<std::mutex> lock(_state->mutex);
  if (!_state->fromWgs84.inverse(v)) return {kNaN, kNaN};
  return {v.x, v.y};
}

core::Result<Transform> SiteFrame::transformFrom(const std::string& sourceCrs) const {
  if (!_state) return core::fail("geo::SiteFrame::transformFrom(): the frame was never created");
  return Transform::create(sourceCrs, _state->projString);
}

core::Vec2 SiteFrame::projectedToLocal(const core::Vec3& projected) const {
  const core::Vec3 o = originProjected();
  return {projected.x - o.x, projected.y - o.y};
}

bool SiteFrame::valid() const { return _state != nullptr; }

}  // namespace twin::geo
