// The sun's position in the sky and true solar time (真太阳时), from libnova (VSOP87 solar
// coordinates, apparent sidereal time). Pure functions; thread-safe.
//
// Instants are UTC seconds since 1970-01-01T00:00:00Z (Unix time: no leap seconds; the ~70 s
// between UT1 and terrestrial time moves the sun by ~0.001 degree and is ignored).
#pragma once

#include <string>

#include "twin/core/Geometry.h"
#include "twin/core/Result.h"

namespace twin::geo {

/** Where the sun is for an observer on the ellipsoid (geometric: no refraction, no parallax). */
struct SunPosition {
  double azimuthDegrees = 0;   // direction of the sun, 0 = north, 90 = east, clockwise, in [0, 360)
  double altitudeDegrees = 0;  // above the horizon, in [-90, 90]; negative below it
};

/** The sun as seen from `site` (WGS84 degrees) at the UTC instant. NaN fields for non-finite input. */
SunPosition sunPosition(core::LonLat site, double utcSeconds);

/** Equation of time in minutes: apparent (true) solar time minus mean solar time, in about
    [-14.5, 16.5]. From libnova: 12 h plus the sun's Greenwich hour angle, minus UTC. */
double equationOfTimeMinutes(double utcSeconds);

/** True solar time (the sun's local hour angle + 12 h) at longitude `lonDegrees` (east positive),
    in hours in [0, 24). Noon (12.0) is the sun's upper transit. */
double trueSolarHours(double lonDegrees, double utcSeconds);

/** A calendar date (proleptic Gregorian). */
struct CivilDate {
  int year = 1970, month = 1, day = 1;
};

/** Parses "YYYY-MM-DD" (years 1000-2999, a real day of the month). Error:
    "geo::parseCivilDate(): expected a date YYYY-MM-DD, got '<text>'". */
core::Result<CivilDate> parseCivilDate(const std::string& text);
std::string formatCivilDate(CivilDate date);  // "YYYY-MM-DD"

/** UTC seconds of 00:00 UTC on `date`. */
double utcSecondsOfDate(CivilDate date);

/** The UTC instant at which the true solar time at longitude `lonDegrees` is `trueHours`
    (in [0, 24]) on `date` (the date counted in local mean time, i.e. the site's own calendar
    day). Solves trueSolarHours(lon, t) = trueHours by iteration on the equation of time; the
    result is exact to well under a second. */
double utcOfTrueSolarTime(CivilDate date, double lonDegrees, double trueHours);

/** The sun's apparent ecliptic longitude, degrees in [0, 360): 270 at the winter solstice. */
double solarLongitudeDegrees(double utcSeconds);

/** The day of `year` on which the sun's apparent longitude reaches `longitudeDegrees` (a solar
    term, 节气: 270 = 冬至, 300 = 大寒), counted in China Standard Time (UTC+8) as the Chinese
    calendar does. TWIN_ASSERT on a longitude outside [0, 360). */
CivilDate solarTermDate(int year, double longitudeDegrees);

}  // namespace twin::geo
