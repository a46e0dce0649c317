#include "twin/geo/SunPosition.h"

#include <cmath>
#include <cstdio>

#include "twin/core/Assert.h"

#include <libnova/julian_day.h>
#include <libnova/ln_types.h>
#include <libnova/precession.h>
#include <libnova/sidereal_time.h>
#include <libnova/solar.h>
#include <libnova/transform.h>

namespace twin::geo {
namespace {

constexpr double kUnixEpochJulianDay = 2440587.5;

double julianDay(double utcSeconds) { return utcSeconds / 86400.0 + kUnixEpochJulianDay; }

double wrap(double value, double period) {
  const double r = std::fmod(value, period);
  return r < 0 ? r + period : r;
}

// Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil).
long long daysFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long long>(doe) - 719468;
}

// libnova 0.16's solar coordinates come out referred to the J2000 equinox (its VSOP87 path ends
// in the fixed FK5 J2000 frame), 0.35 degree of precession away from the equinox of date in 2026,
// which sidereal time and the solar terms are counted from. Precess them to the date.
ln_equ_posn sunOfDate(double jd) {
  ln_equ_posn j2000{}, ofDate{};
  ln_get_solar_equ_coords(jd, &j2000);
  ln_get_equ_prec(&j2000, jd, &ofDate);
  return ofDate;
}

bool leapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

}  // namespace

SunPosition sunPosition(core::LonLat site, double utcSeconds) {
  if (!std::isfinite(site.lon) || !std::isfinite(site.lat) || !std::isfinite(utcSeconds))
    return {std::nan(""), std::nan("")};
  const double jd = julianDay(utcSeconds);
  ln_equ_posn equ = sunOfDate(jd);
  ln_lnlat_posn observer{site.lon, site.lat};
  ln_hrz_posn hrz{};
  ln_get_hrz_from_equ(&equ, &observer, jd, &hrz);
  // libnova counts azimuth from the south, westwards; ours is from the north, clockwise.
  return {wrap(hrz.az + 180.0, 360.0), hrz.alt};
}

double trueSolarHours(double lonDegrees, double utcSeconds) {
  const double jd = julianDay(utcSeconds);
  const ln_equ_posn equ = sunOfDate(jd);
  // Local hour angle = local apparent sidereal time - right ascension; true solar time is the
  // hour angle counted from midnight instead of from the transit.
  const double gastHours = ln_get_apparent_sidereal_time(jd);
  const double hourAngleDegrees = gastHours * 15.0 + lonDegrees - equ.ra;
  return wrap(hourAngleDegrees / 15.0 + 12.0, 24.0);
}

double equationOfTimeMinutes(double utcSeconds) {
  const double utcHours = wrap(utcSeconds / 3600.0, 24.0);
  // True solar time at Greenwich minus mean solar time there (UTC), folded into +-12 h.
  double diff = trueSolarHours(0.0, utcSeconds) - utcHours;
  diff = wrap(diff + 12.0, 24.0) - 12.0;
  return diff * 60.0;
}

core::Result<CivilDate> parseCivilDate(const std::string& text) {
  const auto bad = [&] { return core::fail("geo::parseCivilDate(): expected a date YYYY-MM-DD, got '" + text + "'"); };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return bad();
  for (std::size_t i = 0; i < text.size(); ++i)
    if (i != 4 && i != 7 && (text[i] < '0' || text[i] > '9')) return bad();
  CivilDate d{std::stoi(text.substr(0, 4)), std::stoi(text.substr(5, 2)), std::stoi(text.substr(8, 2))};
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (d.year < 1000 || d.year > 2999 || d.month < 1 || d.month > 12 || d.day < 1) return bad();
  const int days = kDays[d.month - 1] + (d.month == 2 && leapYear(d.year) ? 1 : 0);
  if (d.day > days) return bad();
  return d;
}

std::string formatCivilDate(CivilDate date) {
  char text[32];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d", date.year, date.month, date.day);
  return text;
}

double utcSecondsOfDate(CivilDate date) {
  return static_cast<double>(daysFromCivil(date.year, date.month, date.day)) * 86400.0;
}

double utcOfTrueSolarTime(CivilDate date, double lonDegrees, double trueHours) {
  // Local mean time is UTC + lon/15 h; true solar time is mean time + the equation of time, which
  // changes by under 30 s a day, so three corrections converge far below a second.
  const double meanGuess = utcSecondsOfDate(date) + (trueHours - lonDegrees / 15.0) * 3600.0;
  double t = meanGuess;
  for (int i = 0; i < 4; ++i) t = meanGuess - equationOfTimeMinutes(t) * 60.0;
  return t;
}

double solarLongitudeDegrees(double utcSeconds) {
  const double jd = julianDay(utcSeconds);
  ln_equ_posn equ = sunOfDate(jd);
  ln_lnlat_posn ecl{};
  ln_get_ecl_from_equ(&equ, jd, &ecl);
  return wrap(ecl.lng, 360.0);
}

CivilDate solarTermDate(int year, double longitudeDegrees) {
  TWIN_ASSERT(longitudeDegrees >= 0 && longitudeDegrees < 360, "geo::solarTermDate(): longitude must be in [0, 360)");
  // The sun moves about 1 degree a day: the term's day is the one whose CST midnight-to-midnight
  // span takes the longitude, measured relative to the target, from below 0 to 0 or above.
  const auto relative = [&](double t) {
    return wrap(solarLongitudeDegrees(t) - longitudeDegrees + 180.0, 360.0) - 180.0;
  };
  constexpr double kCst = 8 * 3600.0;
  CivilDate day{year, 1, 1};
  const double first = utcSecondsOfDate(day) - kCst;
  for (int d = 0; d < 366; ++d) {
    const double start = first + d * 86400.0;
    if (relative(start) < 0 && relative(start + 86400.0) >= 0) {
      const long long days = daysFromCivil(year, 1, 1) + d;
      // Back from days since 1970 to a date (H. Hinnant's civil_from_days).
      const long long z = days + 719468;
      const long long era = (z >= 0 ? z : z - 146096) / 146097;
      const unsigned doe = static_cast<unsigned>(z - era * 146097);
      const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
      const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
      const unsigned mp = (5 * doy + 2) / 153;
      const int dd = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
      const int mm = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
      return {static_cast<int>(yoe + era * 400 + (mm <= 2)), mm, dd};
    }
  }
  TWIN_ASSERT(false, "geo::solarTermDate(): the sun passes every longitude once a year");
  return day;
}

}  // namespace twin::geo
