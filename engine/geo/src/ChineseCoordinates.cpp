#include "twin/geo/ChineseCoordinates.h"

#include <algorithm>
#include <cctype>
#include <cmath>

namespace twin::geo {
namespace {

constexpr double kPi = 3.14159265358979323846;
// Krasovsky 1940 semi-major axis and eccentricity squared, as in the published GCJ-02 formula.
constexpr double kA = 6378245.0;
constexpr double kEe = 0.00669342162296594323;
constexpr double kBdXPi = kPi * 3000.0 / 180.0;
constexpr double kToleranceDeg = 1e-10;
constexpr int kMaxIterations = 30;

double offsetLat(double x, double y) {
  double r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * std::sqrt(std::abs(x));
  r += (20.0 * std::sin(6.0 * x * kPi) + 20.0 * std::sin(2.0 * x * kPi)) * 2.0 / 3.0;
  r += (20.0 * std::sin(y * kPi) + 40.0 * std::sin(y / 3.0 * kPi)) * 2.0 / 3.0;
  r += (160.0 * std::sin(y / 12.0 * kPi) + 320.0 * std::sin(y * kPi / 30.0)) * 2.0 / 3.0;
  return r;
}

double offsetLon(double x, double y) {
  double r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * std::sqrt(std::abs(x));
  r += (20.0 * std::sin(6.0 * x * kPi) + 20.0 * std::sin(2.0 * x * kPi)) * 2.0 / 3.0;
  r += (20.0 * std::sin(x * kPi) + 40.0 * std::sin(x / 3.0 * kPi)) * 2.0 / 3.0;
  r += (150.0 * std::sin(x / 12.0 * kPi) + 300.0 * std::sin(x / 30.0 * kPi)) * 2.0 / 3.0;
  return r;
}

bool finite(core::LonLat p) { return std::isfinite(p.lon) && std::isfinite(p.lat); }

// Inverts `forward` at `target` by fixed-point iteration x <- x - (forward(x) - target). The
// offsets change by far less than a degree per degree, so the map is a contraction and this
// converges in a handful of steps.
template <class Forward>
core::LonLat invert(core::LonLat target, core::LonLat start, Forward forward) {
  core::LonLat x = start;
  for (int i = 0; i < kMaxIterations; ++i) {
    const core::LonLat f = forward(x);
    const double dLon = f.lon - target.lon, dLat = f.lat - target.lat;
    x.lon -= dLon;
    x.lat -= dLat;
    if (std::abs(dLon) < kToleranceDeg && std::abs(dLat) < kToleranceDeg) break;
  }
  return x;
}

}  // namespace

core::Result<LonLatDatum> lonLatDatumFromName(const std::string& name) {
  std::string n;
  for (char c : name)
    if (c != '-' && c != '_') n += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (n == "wgs84" || n == "epsg:4326") return LonLatDatum::Wgs84;
  if (n == "gcj02") return LonLatDatum::Gcj02;
  if (n == "bd09" || n == "bd09ll") return LonLatDatum::Bd09;
  return core::fail("geo::lonLatDatumFromName(): unknown lon/lat datum '" + name + "' (expected wgs84, gcj02 or bd09)");
}

const char* lonLatDatumName(LonLatDatum datum) {
  switch (datum) {
    case LonLatDatum::Wgs84: return "wgs84";
    case LonLatDatum::Gcj02: return "gcj02";
    case LonLatDatum::Bd09: return "bd09";
  }
  return "?";
}

bool outOfChina(core::LonLat p) {
  return !(p.lon >= 72.004 && p.lon <= 137.8347 && p.lat >= 0.8293 && p.lat <= 55.8271);
}

core::LonLat wgs84ToGcj02(core::LonLat p) {
  if (!finite(p) || outOfChina(p)) return p;
  double dLat = offsetLat(p.lon - 105.0, p.lat - 35.0);
  double dLon = offsetLon(p.lon - 105.0, p.lat - 35.0);
  const double radLat = p.lat / 180.0 * kPi;
  double magic = std::sin(radLat);
  magic = 1 - kEe * magic * magic;
  const double sqrtMagic = std::sqrt(magic);
  dLat = (dLat * 180.0) / ((kA * (1 - kEe)) / (magic * sqrtMagic) * kPi);
  dLon = (dLon * 180.0) / (kA / sqrtMagic * std::cos(radLat) * kPi);
  return {p.lon + dLon, p.lat + dLat};
}

core::LonLat gcj02ToWgs84(core::LonLat p) {
  if (!finite(p) || outOfChina(p)) return p;
  return invert(p, p, wgs84ToGcj02);
}

core::LonLat gcj02ToBd09(core::LonLat p) {
  if (!finite(p) || outOfChina(p)) return p;
  const double x = p.lon, y = p.lat;
  const double z = std::sqrt(x * x + y * y) + 0.00002 * std::sin(y * kBdXPi);
  const double theta = std::atan2(y, x) + 0.000003 * std::cos(x * kBdXPi);
  return {z * std::cos(theta) + 0.0065, z * std::sin(theta) + 0.006};
}

core::LonLat bd09ToGcj02(core::LonLat p) {
  if (!finite(p) || outOfChina(p)) return p;
  // Baidu's published approximate inverse as the starting point, then exact iteration.
  const double x = p.lon - 0.0065, y = p.lat - 0.006;
  const double z = std::sqrt(x * x + y * y) - 0.00002 * std::sin(y * kBdXPi);
  const double theta = std::atan2(y, x) - 0.000003 * std::cos(x * kBdXPi);
  return invert(p, core::LonLat{z * std::cos(theta), z * std::sin(theta)}, gcj02ToBd09);
}

core::LonLat wgs84ToBd09(core::LonLat p) { return gcj02ToBd09(wgs84ToGcj02(p)); }
core::LonLat bd09ToWgs84(core::LonLat p) { return gcj02ToWgs84(bd09ToGcj02(p)); }

core::LonLat convertLonLat(core::LonLat p, LonLatDatum from, LonLatDatum to) {
  if (from == to) return p;
  core::LonLat wgs = p;
  if (from == LonLatDatum::Gcj02) wgs = gcj02ToWgs84(p);
  if (from == LonLatDatum::Bd09) wgs = bd09ToWgs84(p);
  if (to == LonLatDatum::Gcj02) return wgs84ToGcj02(wgs);
  if (to == LonLatDatum::Bd09) return wgs84ToBd09(wgs);
  return wgs;
}

}  // namespace twin::geo
