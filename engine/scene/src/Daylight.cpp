#include "twin/scene/Daylight.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace twin::scene {

namespace {

constexpr double kDegrees = M_PI / 180;

// The look at one sun altitude; daylightFor() interpolates between neighbours. The noon row is
// the scene's studio light (SiteScene's fixed sun and sky colours), so a daytime scene keeps the
// colours its theme and legends were tuned with; the low rows follow what the eye sees at
// sunrise and in the blue hour (warm direct light, bluish ambient from the sky), the night row
// keeps enough cool ambient for the data colours to stay readable.
struct Key {
  double altitude;
  osg::Vec3 zenith, horizon, sun, sky, ground, glow;
  float night;
};

const std::array<Key, 7> kKeys = {{
    {-12,
     {0.015f, 0.025f, 0.07f},
     {0.05f, 0.07f, 0.14f},
     {0, 0, 0},
     {0.26f, 0.29f, 0.42f},
     {0.10f, 0.10f, 0.13f},
     {0, 0, 0},
     1.0f},
    {-6,
     {0.05f, 0.08f, 0.22f},
     {0.26f, 0.20f, 0.30f},
     {0, 0, 0},
     {0.30f, 0.31f, 0.43f},
     {0.12f, 0.11f, 0.13f},
     {0.10f, 0.04f, 0.04f},
     0.75f},
    {0,
     {0.16f, 0.26f, 0.50f},
     {0.80f, 0.46f, 0.32f},
     {0, 0, 0},
     {0.38f, 0.37f, 0.46f},
     {0.17f, 0.15f, 0.15f},
     {0.35f, 0.14f, 0.05f},
     0.35f},
    {3,
     {0.26f, 0.42f, 0.70f},
     {0.98f, 0.66f, 0.42f},
     {0.62f, 0.36f, 0.18f},
     {0.44f, 0.43f, 0.50f},
     {0.22f, 0.20f, 0.19f},
     {0.45f, 0.25f, 0.08f},
     0.1f},
    {10,
     {0.28f, 0.50f, 0.82f},
     {0.86f, 0.80f, 0.72f},
     {0.62f, 0.50f, 0.36f},
     {0.52f, 0.53f, 0.58f},
     {0.27f, 0.26f, 0.25f},
     {0.30f, 0.22f, 0.12f},
     0.0f},
    {25,
     {0.24f, 0.47f, 0.84f},
     {0.74f, 0.83f, 0.93f},
     {0.55f, 0.53f, 0.50f},
     {0.57f, 0.59f, 0.63f},
     {0.30f, 0.29f, 0.28f},
     {0.22f, 0.20f, 0.16f},
     0.0f},
    {90,
     {0.20f, 0.42f, 0.82f},
     {0.70f, 0.81f, 0.93f},
     {0.55f, 0.53f, 0.50f},
     {0.58f, 0.60f, 0.64f},
     {0.30f, 0.29f, 0.28f},
     {0.20f, 0.20f, 0.18f},
     0.0f},
}};

}  // namespace

Daylight daylightFor(const geo::SunPosition& position) {
  geo::SunPosition sun = position;
  if (!std::isfinite(sun.azimuthDegrees) || !std::isfinite(sun.altitudeDegrees)) sun = {180, 60};
  const double altitude = std::clamp(sun.altitudeDegrees, -90.0, 90.0);
  std::size_t upper = 0;
  while (upper + 1 < kKeys.size() && kKeys[upper].altitude < altitude) ++upper;
  const Key& hi = kKeys[upper];
  const Key& lo = kKeys[upper > 0 ? upper - 1 : 0];
  const float t = hi.altitude > lo.altitude
                      ? float(std::clamp((altitude - lo.altitude) / (hi.altitude - lo.altitude), 0.0, 1.0))
                      : 1.f;
  const auto mix = [t](const osg::Vec3& a, const osg::Vec3& b) { return a * (1 - t) + b * t; };

  Daylight d;
  d.sunAltitudeDegrees = altitude;
  const double lightAltitude = std::max(altitude, kMinLightAltitudeDegrees) * kDegrees;
  const double azimuth = sun.azimuthDegrees * kDegrees;
  d.towardSun = osg::Vec3(float(std::sin(azimuth) * std::cos(lightAltitude)),
                          float(std::cos(azimuth) * std::cos(lightAltitude)), float(std::sin(lightAltitude)));
  d.zenith = mix(lo.zenith, hi.zenith);
  d.horizon = mix(lo.horizon, hi.horizon);
  d.sunColor = mix(lo.sun, hi.sun);  // zero from the horizon down (the rows below it have none)
  d.skyLight = mix(lo.sky, hi.sky);
  d.groundBounce = mix(lo.ground, hi.ground);
  d.sunGlow = mix(lo.glow, hi.glow);
  d.night = lo.night * (1 - t) + hi.night * t;
  return d;
}

Daylight daylightAt(core::LonLat site, double utcSeconds) { return daylightFor(geo::sunPosition(site, utcSeconds)); }

geo::SunPosition sunPositionOfDirection(const osg::Vec3d& towardSun) {
  const double length = towardSun.length();
  if (!(length > 0) || !std::isfinite(length)) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    return {nan, nan};
  }
  double azimuth = std::atan2(towardSun.x(), towardSun.y()) / kDegrees;
  if (azimuth < 0) azimuth += 360;
  if (azimuth >= 360) azimuth -= 360;
  return {azimuth, std::asin(std::clamp(towardSun.z() / length, -1.0, 1.0)) / kDegrees};
}

}  // namespace twin::scene
