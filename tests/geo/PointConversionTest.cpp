#include <catch2/catch.hpp>

#include "twin/geo/ChineseCoordinates.h"
#include "twin/geo/PointConversion.h"

using twin::core::Vec3;
using twin::geo::convertPoint;

// Expected figures from PROJ's own cs2cs (authority axis order there, normalised here):
//   echo "40.0033 116.3519 0" | cs2cs -f %.6f EPSG:4326 +to EPSG:4548  -> 4430096.653077 444658.698035
//   echo "40.0033 116.3519 0" | cs2cs -f %.6f EPSG:4326 +to EPSG:32650 -> 444680.834556 4428324.614529
//   echo "4428893.0 441263.0 0" | cs2cs -f %.9f EPSG:4548 +to EPSG:4326 -> 39.992231248 116.312244482
TEST_CASE("convertPoint between WGS84 and projected CRSs matches cs2cs", "[geo]") {
  const auto gk = convertPoint("wgs84", "EPSG:4548", Vec3{116.3519, 40.0033, 0});
  REQUIRE(gk.ok());
  CHECK(gk->x == Approx(444658.698035).margin(1e-5));
  CHECK(gk->y == Approx(4430096.653077).margin(1e-5));
  const auto utm = convertPoint("EPSG:4326", "EPSG:32650", Vec3{116.3519, 40.0033, 0});
  REQUIRE(utm.ok());
  CHECK(utm->x == Approx(444680.834556).margin(1e-5));
  CHECK(utm->y == Approx(4428324.614529).margin(1e-5));
  const auto back = convertPoint("EPSG:4548", "wgs84", Vec3{441263.0, 4428893.0, 0});
  REQUIRE(back.ok());
  CHECK(back->x == Approx(116.312244482).margin(1e-9));
  CHECK(back->y == Approx(39.992231248).margin(1e-9));
}

TEST_CASE("convertPoint chains the Chinese datums through WGS84", "[geo]") {
  const Vec3 wgs{116.3519, 40.0033, 12};
  const auto gcj = convertPoint("wgs84", "gcj02", wgs);
  REQUIRE(gcj.ok());
  const auto expected = twin::geo::wgs84ToGcj02({wgs.x, wgs.y});
  CHECK(gcj->x == expected.lon);
  CHECK(gcj->y == expected.lat);
  CHECK(gcj->z == 12);
  // GCJ-02 -> a projected CRS lands where the WGS84 point does.
  const auto viaGcj = convertPoint("gcj02", "EPSG:4548", *gcj);
  REQUIRE(viaGcj.ok());
  CHECK(viaGcj->x == Approx(444658.698035).margin(1e-4));
  CHECK(viaGcj->y == Approx(4430096.653077).margin(1e-4));
  const auto bd = convertPoint("EPSG:4548", "bd09", *viaGcj);
  REQUIRE(bd.ok());
  const auto expectedBd = twin::geo::wgs84ToBd09({wgs.x, wgs.y});
  CHECK(bd->x == Approx(expectedBd.lon).margin(1e-9));
  CHECK(bd->y == Approx(expectedBd.lat).margin(1e-9));
}

TEST_CASE("convertPoint errors", "[geo]") {
  const auto unknown = convertPoint("wgs84", "EPSG:999999", Vec3{116, 40, 0});
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().message.rfind("geo::convertPoint(): ", 0) == 0);
  CHECK(unknown.error().message.find("EPSG:999999") != std::string::npos);
  const auto nan = convertPoint("wgs84", "gcj02", Vec3{std::nan(""), 40, 0});
  REQUIRE_FALSE(nan.ok());
  CHECK(nan.error().message == "geo::convertPoint(): coordinates must be finite numbers");
}
