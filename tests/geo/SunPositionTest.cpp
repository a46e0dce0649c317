#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "twin/geo/SunPosition.h"

using namespace twin::geo;
using twin::core::LonLat;

namespace {

constexpr double kPi = 3.14159265358979323846;
double rad(double d) { return d * kPi / 180; }
double deg(double r) { return r * 180 / kPi; }

// The second method: NOAA's solar calculator (Global Monitoring Laboratory, "NOAA_Solar_Calculations_day.xls",
// after Meeus, Astronomical Algorithms), without its refraction correction. Independent of libnova:
// mean-element series instead of VSOP87, equation of time from the series instead of sidereal time.
struct Noaa {
  double azimuth, altitude, eotMinutes, declination;
};
Noaa noaa(LonLat site, double utcSeconds) {
  const double jd = utcSeconds / 86400.0 + 2440587.5;
  const double jc = (jd - 2451545.0) / 36525.0;
  const double l0 = std::fmod(280.46646 + jc * (36000.76983 + jc * 0.0003032), 360.0);
  const double m = 357.52911 + jc * (35999.05029 - 0.0001537 * jc);
  const double e = 0.016708634 - jc * (0.000042037 + 0.0000001267 * jc);
  const double c = std::sin(rad(m)) * (1.914602 - jc * (0.004817 + 0.000014 * jc)) +
                   std::sin(rad(2 * m)) * (0.019993 - 0.000101 * jc) + std::sin(rad(3 * m)) * 0.000289;
  const double appLong = l0 + c - 0.00569 - 0.00478 * std::sin(rad(125.04 - 1934.136 * jc));
  const double meanObliq = 23 + (26 + (21.448 - jc * (46.815 + jc * (0.00059 - jc * 0.001813))) / 60) / 60;
  const double obliq = meanObliq + 0.00256 * std::cos(rad(125.04 - 1934.136 * jc));
  const double dec = deg(std::asin(std::sin(rad(obliq)) * std::sin(rad(appLong))));
  const double y = std::pow(std::tan(rad(obliq / 2)), 2);
  const double eot = 4 * deg(y * std::sin(2 * rad(l0)) - 2 * e * std::sin(rad(m)) +
                             4 * e * y * std::sin(rad(m)) * std::cos(2 * rad(l0)) -
                             0.5 * y * y * std::sin(4 * rad(l0)) - 1.25 * e * e * std::sin(2 * rad(m)));
  const double minutesUtc = std::fmod(utcSeconds / 60.0, 1440.0);
  const double tst = std::fmod(minutesUtc + eot + 4 * site.lon + 2880.0, 1440.0);
  const double ha = tst / 4 < 0 ? tst / 4 + 180 : tst / 4 - 180;
  const double zenith = deg(std::acos(std::sin(rad(site.lat)) * std::sin(rad(dec)) +
                                      std::cos(rad(site.lat)) * std::cos(rad(dec)) * std::cos(rad(ha))));
  const double a = deg(std::acos(std::clamp((std::sin(rad(site.lat)) * std::cos(rad(zenith)) - std::sin(rad(dec))) /
                                                (std::cos(rad(site.lat)) * std::sin(rad(zenith))),
                                            -1.0, 1.0)));
  const double azimuth = ha > 0 ? std::fmod(a + 180, 360) : std::fmod(540 - a, 360);
  return {azimuth, 90 - zenith, eot, dec};
}

double angleDiff(double a, double b) {
  double d = std::fmod(a - b + 540.0, 360.0) - 180.0;
  return std::abs(d);
}

}  // namespace

TEST_CASE("sun position agrees with NOAA's formulas within 0.03 degrees", "[geo]") {
  // Hangzhou, Beijing, Sydney and a high-latitude site; every 37 minutes over several days of
  // 2026. 0.03 degree is 7 s of the sun's daily motion, far below the one-minute step.
  const LonLat sites[] = {{120.21, 30.25}, {116.35, 39.96}, {151.21, -33.87}, {18.95, 69.65}};
  const char* dates[] = {"2026-01-20", "2026-03-20", "2026-06-21", "2026-09-23", "2026-12-22"};
  int compared = 0;
  for (const LonLat& site : sites)
    for (const char* d : dates) {
      const double day = utcSecondsOfDate(parseCivilDate(d).value());
      for (double t = day; t < day + 86400; t += 37 * 60) {
        const SunPosition s = sunPosition(site, t);
        const Noaa n = noaa(site, t);
        INFO(d << " t=" << (t - day) / 3600 << " h at " << site.lon << "," << site.lat);
        CHECK(std::abs(s.altitudeDegrees - n.altitude) < 0.03);
        if (n.altitude > 0) {
          // The angle between the two directions on the sky (azimuth alone is ill-conditioned
          // near the zenith).
          const double cosSep = std::sin(rad(s.altitudeDegrees)) * std::sin(rad(n.altitude)) +
                                std::cos(rad(s.altitudeDegrees)) * std::cos(rad(n.altitude)) *
                                    std::cos(rad(s.azimuthDegrees - n.azimuth));
          CHECK(deg(std::acos(std::min(1.0, cosSep))) < 0.03);
          if (n.altitude < 60) CHECK(angleDiff(s.azimuthDegrees, n.azimuth) < 0.03);
          ++compared;
        }
        CHECK(s.azimuthDegrees >= 0);
        CHECK(s.azimuthDegrees < 360);
      }
    }
  CHECK(compared > 100);
}

TEST_CASE("equation of time and true solar time agree with NOAA within 0.1 minute", "[geo]") {
  for (const char* d : {"2026-01-20", "2026-02-11", "2026-05-14", "2026-07-26", "2026-11-03", "2026-12-22"}) {
    const double noon = utcSecondsOfDate(parseCivilDate(d).value()) + 4 * 3600;
    INFO(d);
    CHECK(std::abs(equationOfTimeMinutes(noon) - noaa({120, 30}, noon).eotMinutes) < 0.1);
  }
  // Known extremes: about -14.2 min in mid-February, +16.4 min in early November.
  CHECK(equationOfTimeMinutes(utcSecondsOfDate({2026, 2, 11}) + 12 * 3600) == Approx(-14.2).margin(0.2));
  CHECK(equationOfTimeMinutes(utcSecondsOfDate({2026, 11, 3}) + 12 * 3600) == Approx(16.45).margin(0.2));

  // True solar time = UTC + lon/15 h + equation of time.
  const double t = utcSecondsOfDate({2026, 1, 20}) + 2.5 * 3600;
  const double expected = 2.5 + 120.21 / 15 + equationOfTimeMinutes(t) / 60;
  CHECK(trueSolarHours(120.21, t) == Approx(expected).margin(1e-6));
}

TEST_CASE("the UTC instants of a true-solar-time window", "[geo]") {
  const CivilDate date{2026, 1, 20};
  const double lon = 120.21;
  for (double hours : {8.0, 12.0, 16.0}) {
    const double t = utcOfTrueSolarTime(date, lon, hours);
    CHECK(trueSolarHours(lon, t) == Approx(hours).margin(0.5 / 3600));  // within half a second
  }
  // Hangzhou on 大寒日 2026: the equation of time is about -11 minutes, so true noon falls at
  // 12:00 - 4 x 120.21 min + 11 min after midnight UTC = about 04:10:08 UTC (12:10 Beijing time).
  const double noon = utcOfTrueSolarTime(date, lon, 12.0) - utcSecondsOfDate(date);
  CHECK(noon / 60 == Approx(12 * 60 - 4 * lon - equationOfTimeMinutes(utcSecondsOfDate(date) + noon)).margin(0.01));
  CHECK(noon / 60 > 4 * 60 + 8);
  CHECK(noon / 60 < 4 * 60 + 12);
}

TEST_CASE("solar noon altitude on the solstices is 90 - latitude +- 23.44", "[geo]") {
  const double obliquity = 23.436;  // of 2026 (IAU 2006 mean obliquity)
  for (double lat : {30.25, 39.96}) {
    const LonLat site{120.0, lat};
    for (const auto& [date, sign] :
         {std::pair{CivilDate{2026, 6, 21}, 1.0}, std::pair{CivilDate{2026, 12, 22}, -1.0}}) {
      const double noon = utcOfTrueSolarTime(date, site.lon, 12.0);
      const SunPosition s = sunPosition(site, noon);
      INFO(formatCivilDate(date) << " lat " << lat);
      // The solstice instant is within a day of true noon, when the declination differs from the
      // obliquity by under 0.005 degree.
      CHECK(s.altitudeDegrees == Approx(90 - lat + sign * obliquity).margin(0.01));
      CHECK(angleDiff(s.azimuthDegrees, 180) < 0.05);  // due south at true noon
      // And it is the day's highest: a minute either side is lower.
      CHECK(sunPosition(site, noon - 60).altitudeDegrees < s.altitudeDegrees);
      CHECK(sunPosition(site, noon + 60).altitudeDegrees < s.altitudeDegrees);
    }
  }
  // Sunrise in the east-south-east in winter, west-south-west at sunset (northern hemisphere).
  const CivilDate winter{2026, 12, 22};
  CHECK(sunPosition({120, 30}, utcOfTrueSolarTime(winter, 120, 8)).azimuthDegrees == Approx(124).margin(4));
  CHECK(sunPosition({120, 30}, utcOfTrueSolarTime(winter, 120, 16)).azimuthDegrees == Approx(236).margin(4));
}

TEST_CASE("parseCivilDate accepts real dates only", "[geo]") {
  auto d = parseCivilDate("2026-01-20");
  REQUIRE(d);
  CHECK(d->year == 2026);
  CHECK(d->month == 1);
  CHECK(d->day == 20);
  CHECK(formatCivilDate(*d) == "2026-01-20");
  CHECK(parseCivilDate("2024-02-29"));
  CHECK(utcSecondsOfDate({1970, 1, 1}) == 0);
  CHECK(utcSecondsOfDate({2026, 1, 20}) == 1768867200);
  for (const char* bad : {"2026-1-20", "2025-02-29", "2026-13-01", "2026-04-31", "20260120", "2026-01-2x", ""}) {
    auto r = parseCivilDate(bad);
    REQUIRE_FALSE(r);
    CHECK(r.error().message == std::string("geo::parseCivilDate(): expected a date YYYY-MM-DD, got '") + bad + "'");
  }
  CHECK(std::isnan(sunPosition({NAN, 30}, 0).azimuthDegrees));
}

TEST_CASE("solar terms: 大寒 and 冬至 dates", "[geo]") {
  // Published dates (China Standard Time): 大寒 2026-01-20, 冬至 2026-12-22, 冬至 2025-12-21,
  // 大寒 2025-01-20, 冬至 2024-12-21.
  CHECK(formatCivilDate(solarTermDate(2026, 300)) == "2026-01-20");
  CHECK(formatCivilDate(solarTermDate(2026, 270)) == "2026-12-22");
  CHECK(formatCivilDate(solarTermDate(2025, 270)) == "2025-12-21");
  CHECK(formatCivilDate(solarTermDate(2025, 300)) == "2025-01-20");
  CHECK(formatCivilDate(solarTermDate(2024, 270)) == "2024-12-21");
  // 春分: the longitude 0 crossing, 2026-03-20.
  CHECK(formatCivilDate(solarTermDate(2026, 0)) == "2026-03-20");
  CHECK(solarLongitudeDegrees(utcSecondsOfDate({2026, 6, 21}) + 12 * 3600) == Approx(90).margin(0.6));
}
