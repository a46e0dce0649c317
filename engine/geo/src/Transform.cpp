#include "twin/geo/Transform.h"

#include <proj.h>

#include <cctype>
#include <cmath>
#include <limits>
#include <utility>

namespace twin::geo {

namespace {

// PROJ only builds a CRS (rather than a bare conversion) from a "+proj=" string that says so.
std::string projInput(const std::string& crs) {
  std::string s = canonicalCrs(crs);
  if (s.rfind("+proj=", 0) == 0 && s.find("+type=crs") == std::string::npos) s += " +type=crs";
  return s;
}

std::string contextError(PJ_CONTEXT* ctx) {
  const int err = proj_context_errno(ctx);
  const char* text = err ? proj_context_errno_string(ctx, err) : nullptr;
  return text ? text : "not a CRS";
}

// Checks that `crs` names a CRS, so the error can say which of the two PROJ rejected.
bool isCrs(PJ_CONTEXT* ctx, const std::string& crs, std::string& reason) {
  PJ* pj = proj_create(ctx, projInput(crs).c_str());
  if (!pj) {
    reason = contextError(ctx);
    return false;
  }
  const PJ_TYPE type = proj_get_type(pj);
  proj_destroy(pj);
  switch (type) {
    case PJ_TYPE_GEOGRAPHIC_2D_CRS:
    case PJ_TYPE_GEOGRAPHIC_3D_CRS:
    case PJ_TYPE_GEOCENTRIC_CRS:
    case PJ_TYPE_PROJECTED_CRS:
    case PJ_TYPE_COMPOUND_CRS:
    case PJ_TYPE_BOUND_CRS:
    case PJ_TYPE_GEODETIC_CRS:
    case PJ_TYPE_ENGINEERING_CRS:
    case PJ_TYPE_OTHER_CRS:
    case PJ_TYPE_VERTICAL_CRS:
    case PJ_TYPE_TEMPORAL_CRS: return true;
    default: reason = "not a CRS"; return false;
  }
}

}  // namespace

std::string canonicalCrs(const std::string& crs) {
  std::string lower;
  for (char c : crs) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "wgs84") return "EPSG:4326";
  if (lower == "cgcs2000") return "EPSG:4490";
  return crs;
}

struct Transform::Impl {
  PJ_CONTEXT* ctx = nullptr;
  PJ* pj = nullptr;
  std::string from, to;
  ~Impl() {
    if (pj) proj_destroy(pj);
    if (ctx) proj_context_destroy(ctx);
  }
};

Transform::Transform(std::unique_ptr<Impl> impl) : _impl(std::move(impl)) {}
Transform::Transform(Transform&&) noexcept = default;
Transform& Transform::operator=(Transform&&) noexcept = default;
Transform::~Transform() = default;

core::Result<Transform> Transform::create(const std::string& from, const std::string& to) {
  auto impl = std::make_unique<Impl>();
  impl->from = from;
  impl->to = to;
  impl->ctx = proj_context_create();
  if (!impl->ctx) return core::fail("geo::Transform::create(): PROJ could not create a context");
  // PROJ would otherwise print its own messages to stderr; we report through the error text.
  proj_log_level(impl->ctx, PJ_LOG_NONE);
  std::string reason;
  if (!isCrs(impl->ctx, from, reason))
    return core::fail("geo::Transform::create(): unknown CRS '" + from + "': " + reason);
  if (!isCrs(impl->ctx, to, reason)) return core::fail("geo::Transform::create(): unknown CRS '" + to + "': " + reason);
  PJ* raw = proj_create_crs_to_crs(impl->ctx, projInput(from).c_str(), projInput(to).c_str(), nullptr);
  if (!raw)
    return core::fail("geo::Transform::create(): no transformation from '" + from + "' to '" + to +
                      "': " + contextError(impl->ctx));
  impl->pj = proj_normalize_for_visualization(impl->ctx, raw);
  proj_destroy(raw);
  if (!impl->pj)
    return core::fail("geo::Transform::create(): cannot normalise the axis order of '" + from + "' -> '" + to +
                      "': " + contextError(impl->ctx));
  return Transform(std::move(impl));
}

namespace {
bool transformOne(PJ* pj, PJ_DIRECTION dir, core::Vec3& p) {
  PJ_COORD c = proj_coord(p.x, p.y, p.z, 0);
  const PJ_COORD r = proj_trans(pj, dir, c);
  if (!std::isfinite(r.xyzt.x) || !std::isfinite(r.xyzt.y) || !std::isfinite(r.xyzt.z)) {
    proj_errno_reset(pj);
    return false;
  }
  p = {r.xyzt.x, r.xyzt.y, r.xyzt.z};
  return true;
}
}  // namespace

bool Transform::forward(core::Vec3& p) const { return transformOne(_impl->pj, PJ_FWD, p); }
bool Transform::inverse(core::Vec3& p) const { return transformOne(_impl->pj, PJ_INV, p); }

std::size_t Transform::forwardMany(core::Vec3* points, std::size_t count) const {
  if (count == 0) return 0;
  const std::size_t stride = sizeof(core::Vec3);
  proj_trans_generic(_impl->pj, PJ_FWD, &points[0].x, stride, count, &points[0].y, stride, count, &points[0].z, stride,
                     count, nullptr, 0, 0);
  proj_errno_reset(_impl->pj);
  std::size_t failed = 0;
  for (std::size_t i = 0; i < count; ++i) {
    core::Vec3& p = points[i];
    if (!std::isfinite(p.x) || !std::isfinite(p.y) || !std::isfinite(p.z)) {
      p.x = p.y = p.z = std::numeric_limits<double>::quiet_NaN();
      ++failed;
    }
  }
  return failed;
}

core::Result<Transform> Transform::clone() const { return create(_impl->from, _impl->to); }

const std::string& Transform::from() const { return _impl->from; }
const std::string& Transform::to() const { return _impl->to; }

core::Result<std::string> horizontalCrs(const std::string& crs) {
  PJ_CONTEXT* ctx = proj_context_create();
  if (!ctx) return core::fail("geo::horizontalCrs(): PROJ context could not be created");
  proj_log_level(ctx, PJ_LOG_NONE);  // the reason is returned in the error instead
  std::string result = canonicalCrs(crs), reason;
  PJ* pj = proj_create(ctx, projInput(crs).c_str());
  if (!pj) reason = contextError(ctx);
  if (pj && proj_get_type(pj) == PJ_TYPE_COMPOUND_CRS) {
    PJ* horizontal = proj_crs_get_sub_crs(ctx, pj, 0);
    if (horizontal) {
      const char* authority = proj_get_id_auth_name(horizontal, 0);
      const char* code = proj_get_id_code(horizontal, 0);
      if (authority && code) {
        result = std::string(authority) + ":" + code;
      } else {
        const char* wkt = proj_as_wkt(ctx, horizontal, PJ_WKT2_2019, nullptr);
        if (wkt) result = wkt;
      }
      proj_destroy(horizontal);
    }
  }
  if (pj) proj_destroy(pj);
  proj_context_destroy(ctx);
  if (!reason.empty()) return core::fail("geo::horizontalCrs(): unknown CRS '" + crs + "': " + reason);
  return result;
}

}  // namespace twin::geo
