#include <catch2/catch.hpp>

#include <cmath>

#include "twin/geo/FrameFit.h"
#include "twin/geo/PointConversion.h"
#include "twin/geo/SiteFrame.h"

using twin::core::LonLat;
using twin::core::Vec2;
using twin::core::Vec3;
using twin::geo::ModelCrs;

namespace {

twin::geo::SiteFrame frameAt(LonLat origin) {
  auto frame = twin::geo::SiteFrame::create(origin);
  REQUIRE(frame.ok());
  return frame.value();
}

}  // namespace

TEST_CASE("ECEF conversions agree with PROJ's EPSG:4979 <-> EPSG:4978", "[geo][framefit]") {
  for (const Vec3 g : {Vec3{116.3519, 40.0033, 50}, Vec3{113.38, 22.5, -3}, Vec3{-75.61, 40.04, 120},
                       Vec3{7.42, 43.73, 900}, Vec3{0, 89.9, 0}}) {
    const Vec3 mine = twin::geo::lonLatHeightToEcef({g.x, g.y}, g.z);
    const auto proj = twin::geo::convertPoint("EPSG:4979", "EPSG:4978", g);
    REQUIRE(proj.ok());
    CHECK(mine.x == Approx(proj->x).margin(1e-4));
    CHECK(mine.y == Approx(proj->y).margin(1e-4));
    CHECK(mine.z == Approx(proj->z).margin(1e-4));
    const Vec3 back = twin::geo::ecefToLonLatHeight(mine);
    CHECK(back.x == Approx(g.x).margin(1e-10));
    CHECK(back.y == Approx(g.y).margin(1e-10));
    CHECK(back.z == Approx(g.z).margin(1e-6));
  }
}

TEST_CASE("a Gauss-Kruger model maps into the site frame within a centimetre of PROJ", "[geo][framefit]") {
  // CGCS2000 3-degree zone CM 117E (EPSG:4548) near 六道口; the model anchor is ~1 km from the site origin.
  const auto frame = frameAt({116.3519, 40.0033});
  const auto anchor = twin::geo::convertPoint("wgs84", "EPSG:4548", Vec3{116.36, 40.01, 0});
  REQUIRE(anchor.ok());
  const auto fit = twin::geo::fitFrameAffine({ModelCrs::Kind::Crs, "EPSG:4548", {}}, *anchor, frame);
  REQUIRE(fit.ok());
  for (const Vec3 offset : {Vec3{0, 0, 0}, Vec3{500, 700, 30}, Vec3{-800, 300, -5}, Vec3{1000, -1000, 100}}) {
    const Vec3 model{anchor->x + offset.x, anchor->y + offset.y, offset.z};
    const auto lonlat = twin::geo::convertPoint("EPSG:4548", "wgs84", model);
    REQUIRE(lonlat.ok());
    const Vec2 expected = frame.toLocal({lonlat->x, lonlat->y});
    const Vec3 got = fit->apply(model);
    CHECK(got.x == Approx(expected.x).margin(0.01));
    CHECK(got.y == Approx(expected.y).margin(0.01));
    CHECK(got.z == Approx(offset.z).margin(1e-9));  // heights are kept
  }
}

TEST_CASE("an ECEF model maps to frame metres and ellipsoidal height", "[geo][framefit]") {
  const LonLat origin{-75.6120, 40.0425};  // the 3D Tiles sample's region
  const auto frame = frameAt(origin);
  const Vec3 anchor = twin::geo::lonLatHeightToEcef(origin, 20);
  const auto fit = twin::geo::fitFrameAffine({ModelCrs::Kind::Ecef, "", {}}, anchor, frame, 200);
  REQUIRE(fit.ok());
  for (const Vec3 g : {Vec3{-75.6120, 40.0425, 20}, Vec3{-75.6097, 40.0443, 67}, Vec3{-75.6144, 40.0407, 0}}) {
    const Vec3 got = fit->apply(twin::geo::lonLatHeightToEcef({g.x, g.y}, g.z));
    const Vec2 expected = frame.toLocal({g.x, g.y});
    CHECK(got.x == Approx(expected.x).margin(0.01));
    CHECK(got.y == Approx(expected.y).margin(0.01));
    // Over ~250 m the Earth's curvature drops the plane ~5 mm: a linear map keeps it within 1 cm.
    CHECK(got.z == Approx(g.z).margin(0.01));
  }
}

TEST_CASE("an ENU model keeps east, north and up", "[geo][framefit]") {
  const LonLat site{113.38, 22.50};
  const LonLat enuOrigin{113.381, 22.501};
  const auto frame = frameAt(site);
  const auto fit = twin::geo::fitFrameAffine({ModelCrs::Kind::Enu, "", enuOrigin}, Vec3{0, 0, 0}, frame);
  REQUIRE(fit.ok());
  const Vec2 originLocal = frame.toLocal(enuOrigin);
  const Vec3 o = fit->apply({0, 0, 0});
  CHECK(o.x == Approx(originLocal.x).margin(0.005));
  CHECK(o.y == Approx(originLocal.y).margin(0.005));
  CHECK(o.z == Approx(0).margin(0.005));
  const Vec3 up = fit->apply({0, 0, 100});
  CHECK(up.z - o.z == Approx(100).margin(0.01));
  CHECK(std::hypot(up.x - o.x, up.y - o.y) < 0.01);
  const Vec3 east = fit->apply({100, 0, 0});
  // The frame's grid north differs from true north by ~0.4 mrad 100 m away: east stays east.
  CHECK(east.x - o.x == Approx(100).margin(0.01));
  CHECK(std::abs(east.y - o.y) < 0.05);
}

TEST_CASE("fitFrameAffine rejects bad input with clear errors", "[geo][framefit]") {
  const auto frame = frameAt({116.3519, 40.0033});
  const auto unknown = twin::geo::fitFrameAffine({ModelCrs::Kind::Crs, "EPSG:99999", {}}, Vec3{0, 0, 0}, frame);
  REQUIRE_FALSE(unknown.ok());
  CHECK_THAT(unknown.error().message, Catch::StartsWith("geo::fitFrameAffine(): PROJ does not know CRS 'EPSG:99999'"));
  const auto nan = twin::geo::fitFrameAffine({ModelCrs::Kind::Ecef, "", {}}, Vec3{NAN, 0, 0}, frame);
  REQUIRE_FALSE(nan.ok());
  CHECK_THAT(nan.error().message, Catch::Contains("is not finite"));
  const auto invalid = twin::geo::fitFrameAffine({ModelCrs::Kind::Ecef, "", {}}, Vec3{1, 2, 3}, twin::geo::SiteFrame{});
  REQUIRE_FALSE(invalid.ok());
  CHECK(invalid.error().message == "geo::fitFrameAffine(): the site frame is not valid");
  const auto badEnu = twin::geo::fitFrameAffine({ModelCrs::Kind::Enu, "", LonLat{200, 95}}, Vec3{0, 0, 0}, frame);
  REQUIRE_FALSE(badEnu.ok());
  CHECK(badEnu.error().message == "geo::fitFrameAffine(): ENU origin is not a valid lon/lat");
}
