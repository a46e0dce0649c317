// CRS transforms checked against PROJ's own command-line tool (cs2cs, Debian package proj-bin).
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "TestPaths.h"
#include "twin/geo/SiteFrame.h"
#include "twin/geo/Transform.h"

using twin::core::LonLat;
using twin::core::Vec2;
using twin::core::Vec3;
using twin::geo::SiteFrame;
using twin::geo::Transform;

namespace {

// Runs cs2cs on `lines` (in the source CRS's official axis order) and returns its output
// pairs (in the target CRS's official axis order). cs2cs is a declared dependency: if it cannot
// be run the test fails.
std::vector<std::pair<double, double>> cs2cs(const std::string& from, const std::string& to,
                                             const std::vector<std::pair<double, double>>& input) {
  twin::test::TempDir dir("cs2cs");
  const auto inPath = dir.path() / "in.txt";
  {
    std::ofstream in(inPath);
    in.precision(12);
    for (const auto& [a, b] : input) in << a << ' ' << b << '\n';
  }
  // A PROJ-string target goes in cs2cs's "+to" form: as one quoted argument it is not parsed.
  const std::string target = to.rfind("+proj=", 0) == 0 ? "+to " + to : "'" + to + "'";
  const std::string command = "cs2cs -f %.6f '" + from + "' " + target + " < '" + inPath.string() + "' 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string output;
  char buf[512];
  while (std::fgets(buf, sizeof buf, pipe)) output += buf;
  const int status = pclose(pipe);
  INFO("command: " << command << "\noutput: " << output);
  REQUIRE(status == 0);
  std::vector<std::pair<double, double>> result;
  std::istringstream lines(output);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    double a = NAN, b = NAN;
    fields >> a >> b;
    REQUIRE(std::isfinite(a));
    REQUIRE(std::isfinite(b));
    result.emplace_back(a, b);
  }
  REQUIRE(result.size() == input.size());
  return result;
}

const std::vector<LonLat> kBeijingPoints = {
    {116.3519, 40.0033}, {116.34664, 39.99967}, {116.3440, 39.9977}, {116.3597, 40.0089}, {116.40, 39.90},
};

}  // namespace

TEST_CASE("Transform: WGS84 -> EPSG:4547 (CGCS2000 GK CM 114E) matches cs2cs and round-trips", "[geo]") {
  auto t = Transform::create("wgs84", "EPSG:4547");
  REQUIRE(t.ok());
  std::vector<std::pair<double, double>> input;
  for (const LonLat& p : kBeijingPoints) input.emplace_back(p.lat, p.lon);  // EPSG:4326 is lat, lon
  const auto expected = cs2cs("EPSG:4326", "EPSG:4547", input);
  for (std::size_t i = 0; i < kBeijingPoints.size(); ++i) {
    Vec3 p{kBeijingPoints[i].lon, kBeijingPoints[i].lat, 0};
    REQUIRE(t->forward(p));
    // EPSG:4547 is northing, easting; ours is normalised to easting first.
    CHECK(p.x == Approx(expected[i].second).margin(0.001));
    CHECK(p.y == Approx(expected[i].first).margin(0.001));
    CHECK(p.x > 400000);  // east of the false easting's 500 km minus the distance to 114E
    REQUIRE(t->inverse(p));
    CHECK(p.x == Approx(kBeijingPoints[i].lon).margin(1e-9));
    CHECK(p.y == Approx(kBeijingPoints[i].lat).margin(1e-9));
  }
}

TEST_CASE("Transform: WGS84 -> EPSG:32650 (UTM 50N) matches cs2cs and round-trips", "[geo]") {
  auto t = Transform::create("EPSG:4326", "EPSG:32650");
  REQUIRE(t.ok());
  std::vector<std::pair<double, double>> input;
  for (const LonLat& p : kBeijingPoints) input.emplace_back(p.lat, p.lon);
  const auto expected = cs2cs("EPSG:4326", "EPSG:32650", input);
  std::vector<Vec3> many;
  for (const LonLat& p : kBeijingPoints) many.push_back({p.lon, p.lat, 0});
  REQUIRE(t->forwardMany(many.data(), many.size()) == 0);
  for (std::size_t i = 0; i < kBeijingPoints.size(); ++i) {
    CHECK(many[i].x == Approx(expected[i].first).margin(0.001));
    CHECK(many[i].y == Approx(expected[i].second).margin(0.001));
    Vec3 p{kBeijingPoints[i].lon, kBeijingPoints[i].lat, 0};
    REQUIRE(t->forward(p));
    CHECK(p.x == Approx(many[i].x).margin(1e-6));
    REQUIRE(t->inverse(p));
    CHECK(p.x == Approx(kBeijingPoints[i].lon).margin(1e-9));
    CHECK(p.y == Approx(kBeijingPoints[i].lat).margin(1e-9));
  }
}

TEST_CASE("SiteFrame local-tm matches cs2cs with the same tmerc definition", "[geo]") {
  const LonLat origin{116.3519, 40.0033};
  auto frame = SiteFrame::create(origin);
  REQUIRE(frame.ok());
  CHECK(frame->frameCrs() == "local-tm");
  CHECK(frame->frameProjString().find("+proj=tmerc +lat_0=40.0033 +lon_0=116.3519") == 0);
  const Vec2 zero = frame->toLocal(origin);
  CHECK(zero.x == Approx(0).margin(1e-6));
  CHECK(zero.y == Approx(0).margin(1e-6));

  std::vector<std::pair<double, double>> input;
  for (const LonLat& p : kBeijingPoints) input.emplace_back(p.lat, p.lon);
  const auto expected = cs2cs("EPSG:4326", frame->frameProjString(), input);
  for (std::size_t i = 0; i < kBeijingPoints.size(); ++i) {
    const Vec2 local = frame->toLocal(kBeijingPoints[i]);
    CHECK(local.x == Approx(expected[i].first).margin(0.001));
    CHECK(local.y == Approx(expected[i].second).margin(0.001));
    const LonLat back = frame->toLonLat(local);
    CHECK(back.lon == Approx(kBeijingPoints[i].lon).margin(1e-9));
    CHECK(back.lat == Approx(kBeijingPoints[i].lat).margin(1e-9));
  }
  // The 六道口 station lies about 450 m west and 320 m south of the campus origin.
  const Vec2 station = frame->toLocal(kBeijingPoints[1]);
  CHECK(station.x == Approx(-449).margin(5));
  CHECK(station.y == Approx(-403).margin(5));
}

TEST_CASE("SiteFrame in a projected CRS subtracts the origin's projected coordinates", "[geo]") {
  const LonLat origin{116.3519, 40.0033};
  auto frame = SiteFrame::create(origin, "EPSG:4547");
  REQUIRE(frame.ok());
  const auto expected = cs2cs("EPSG:4326", "EPSG:4547", {{origin.lat, origin.lon}, {39.99967, 116.34664}});
  CHECK(frame->originProjected().x == Approx(expected[0].second).margin(0.001));
  CHECK(frame->originProjected().y == Approx(expected[0].first).margin(0.001));
  const Vec2 station = frame->toLocal({116.34664, 39.99967});
  CHECK(station.x == Approx(expected[1].second - expected[0].second).margin(0.001));
  CHECK(station.y == Approx(expected[1].first - expected[0].first).margin(0.001));
  const LonLat back = frame->toLonLat(station);
  CHECK(back.lon == Approx(116.34664).margin(1e-9));
  CHECK(back.lat == Approx(39.99967).margin(1e-9));

  auto fromUtm = frame->transformFrom("EPSG:32650");
  REQUIRE(fromUtm.ok());
  auto toUtm = Transform::create("EPSG:4326", "EPSG:32650");
  REQUIRE(toUtm.ok());
  Vec3 p{116.34664, 39.99967, 0};
  REQUIRE(toUtm->forward(p));
  REQUIRE(fromUtm->forward(p));
  const Vec2 viaUtm = frame->projectedToLocal(p);
  CHECK(viaUtm.x == Approx(station.x).margin(0.001));
  CHECK(viaUtm.y == Approx(station.y).margin(0.001));
}

TEST_CASE("Transform and SiteFrame errors name the CRS", "[geo]") {
  auto bad = Transform::create("EPSG:999999", "EPSG:4326");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.rfind("geo::Transform::create(): unknown CRS 'EPSG:999999': ", 0) == 0);
  auto garbage = Transform::create("EPSG:4326", "not a crs");
  REQUIRE_FALSE(garbage.ok());
  CHECK(garbage.error().message.rfind("geo::Transform::create(): unknown CRS 'not a crs': ", 0) == 0);

  auto frame = SiteFrame::create({116.35, 40.0}, "EPSG:999999");
  REQUIRE_FALSE(frame.ok());
  CHECK(frame.error().message.rfind(
            "geo::SiteFrame::create(): frame CRS 'EPSG:999999': geo::Transform::create(): unknown CRS", 0) == 0);
  auto nanOrigin = SiteFrame::create({NAN, 40.0});
  REQUIRE_FALSE(nanOrigin.ok());
  CHECK(nanOrigin.error().message == "geo::SiteFrame::create(): origin (nan, 40) is not a WGS84 longitude/latitude");
  auto outOfRange = SiteFrame::create({200, 40.0});
  REQUIRE_FALSE(outOfRange.ok());
  CHECK(outOfRange.error().message == "geo::SiteFrame::create(): origin (200, 40) is not a WGS84 longitude/latitude");

  SiteFrame invalid;
  CHECK_FALSE(invalid.valid());
  CHECK(std::isnan(invalid.toLocal({116.35, 40.0}).x));
}

TEST_CASE("canonicalCrs knows the shorthands", "[geo]") {
  CHECK(twin::geo::canonicalCrs("wgs84") == "EPSG:4326");
  CHECK(twin::geo::canonicalCrs("WGS84") == "EPSG:4326");
  CHECK(twin::geo::canonicalCrs("cgcs2000") == "EPSG:4490");
  CHECK(twin::geo::canonicalCrs("EPSG:4547") == "EPSG:4547");
  auto t = Transform::create("cgcs2000", "EPSG:4547");
  REQUIRE(t.ok());
  Vec3 p{114.0, 40.0, 0};
  REQUIRE(t->forward(p));
  CHECK(p.x == Approx(500000).margin(0.001));  // on the central meridian
}
