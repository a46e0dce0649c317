// The light and the sky of a time of day: sun direction and colour, the sky's and the ground's
// ambient light, the sky gradient drawn behind the scene, and how dark it is (lit windows at
// night). Plain data from the sun's position (geo::sunPosition, libnova); no GL, no OSG state.
// SiteScene::setDaylight() turns it into the shaders' uniforms.
#pragma once

#include <osg/Vec3>
#include <osg/Vec3d>

#include "twin/core/Geometry.h"
#include "twin/geo/SunPosition.h"

namespace twin::scene {

/** Colours are linear RGB in [0, 1] (the shaders multiply surface colours by the light terms). */
struct Daylight {
  osg::Vec3 towardSun{0, 0, 1};   // unit vector to the sun, site frame (x east, y north, z up); held
                                  // at least kMinLightAltitudeDegrees above the horizon, so that a
                                  // sun below it never lights a wall from under the ground
  osg::Vec3 sunColor;             // direct light; zero once the sun is below the horizon
  osg::Vec3 skyLight;             // ambient light from the sky on an upward face
  osg::Vec3 groundBounce;         // ambient light from below on a downward face
  osg::Vec3 zenith, horizon;      // the sky gradient behind the scene: straight up, and at the horizon
  osg::Vec3 sunGlow;              // the halo around the sun on the sky (added to the gradient)
  float night = 0;                // 0 in daylight .. 1 in full night (sun 12 degrees below the horizon):
                                  // the share of windows lit from inside grows with it
  double sunAltitudeDegrees = 0;  // the real altitude (not held above the horizon)
};

constexpr double kMinLightAltitudeDegrees = 2;

/** The light and sky for the sun at `sun` (azimuth clockwise from north, altitude above the
    horizon, degrees). Colours follow the altitude through night (below -12), blue hour and
    twilight, sunrise/sunset (warm, low sun), morning/afternoon and high noon; they change
    continuously with the altitude. A position with a non-finite field gives the noon light of a
    sun due south at 60 degrees (the scene's fixed studio light direction is set by the caller). */
Daylight daylightFor(const geo::SunPosition& sun);

/** daylightFor() the sun seen from `site` (WGS84 degrees) at the UTC instant (Unix seconds). */
Daylight daylightAt(core::LonLat site, double utcSeconds);

/** The sun position of a direction towards it (site frame; any length > 0). Zero or non-finite
    -> NaN fields. */
geo::SunPosition sunPositionOfDirection(const osg::Vec3d& towardSun);

}  // namespace twin::scene
