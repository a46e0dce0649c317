#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "twin/geo/ChineseCoordinates.h"

using namespace twin::geo;
using twin::core::LonLat;

// Published vectors. eviltransform (github.com/googollee/eviltransform, its test suite):
// WGS84 -> GCJ-02 for Shanghai, Shenzhen and Beijing.
// coordtransform (github.com/wandergis/coordtransform, test/app.js): the four conversions at
// (116.404, 39.915).
TEST_CASE("WGS84 -> GCJ-02 matches eviltransform's vectors", "[geo]") {
  struct Row {
    LonLat wgs, gcj;
  };
  const Row rows[] = {
      {{121.5272106, 31.1774276}, {121.531541859215, 31.17530398364597}},  // Shanghai
      {{113.912316, 22.543847}, {113.9171764808363, 22.540796131694766}},  // Shenzhen
      {{116.377817, 39.911954}, {116.38404722455657, 39.91334545536069}},  // Beijing
  };
  for (const Row& r : rows) {
    const LonLat g = wgs84ToGcj02(r.wgs);
    CHECK(g.lon == Approx(r.gcj.lon).margin(1e-11));
    CHECK(g.lat == Approx(r.gcj.lat).margin(1e-11));
    // The exact inverse comes back to the WGS84 point within 1e-9 degrees (0.1 mm).
    const LonLat w = gcj02ToWgs84(r.gcj);
    CHECK(w.lon == Approx(r.wgs.lon).margin(1e-9));
    CHECK(w.lat == Approx(r.wgs.lat).margin(1e-9));
  }
}

TEST_CASE("conversions match coordtransform's vectors at (116.404, 39.915)", "[geo]") {
  const LonLat p{116.404, 39.915};
  const LonLat toGcj = wgs84ToGcj02(p);
  CHECK(toGcj.lon == Approx(116.41024449916938).margin(1e-11));
  CHECK(toGcj.lat == Approx(39.91640428150164).margin(1e-11));
  const LonLat toBd = gcj02ToBd09(p);
  CHECK(toBd.lon == Approx(116.41036949371029).margin(1e-11));
  CHECK(toBd.lat == Approx(39.92133699351021).margin(1e-11));
  // coordtransform's inverses are the one-step approximations; ours are exact, so they agree
  // only to the approximation's error (a few 1e-6 degrees, well under a metre).
  const LonLat fromBd = bd09ToGcj02(p);
  CHECK(fromBd.lon == Approx(116.39762729119315).margin(5e-6));
  CHECK(fromBd.lat == Approx(39.90865673957631).margin(5e-6));
  const LonLat fromGcj = gcj02ToWgs84(p);
  CHECK(fromGcj.lon == Approx(116.39775550083061).margin(5e-5));
  CHECK(fromGcj.lat == Approx(39.91359571849836).margin(5e-5));
  // ... and are true inverses, which the approximations are not.
  CHECK(gcj02ToBd09(fromBd).lon == Approx(p.lon).margin(1e-9));
  CHECK(gcj02ToBd09(fromBd).lat == Approx(p.lat).margin(1e-9));
  CHECK(wgs84ToGcj02(fromGcj).lon == Approx(p.lon).margin(1e-9));
  CHECK(wgs84ToGcj02(fromGcj).lat == Approx(p.lat).margin(1e-9));
}

TEST_CASE("BD-09 round trips are exact across the Chinese mainland", "[geo]") {
  // eviltransform's own BD-09 vectors are not used: its code multiplies by pi where Baidu's
  // published formula (and coordtransform, checked above) multiplies by pi * 3000 / 180.
  for (double lon = 74.0; lon < 135.0; lon += 7.3)
    for (double lat = 18.0; lat < 53.0; lat += 4.1) {
      const LonLat wgs{lon, lat};
      const LonLat bd = wgs84ToBd09(wgs);
      const LonLat back = bd09ToWgs84(bd);
      INFO("lon " << lon << " lat " << lat);
      CHECK(back.lon == Approx(wgs.lon).margin(1e-9));
      CHECK(back.lat == Approx(wgs.lat).margin(1e-9));
      // The offsets are real: hundreds of metres, not zero.
      CHECK(std::abs(bd.lon - wgs.lon) + std::abs(bd.lat - wgs.lat) > 1e-3);
    }
}

TEST_CASE("outside China every conversion is the identity; NaN passes through", "[geo]") {
  const LonLat monaco{7.42, 43.73};
  for (auto from : {LonLatDatum::Wgs84, LonLatDatum::Gcj02, LonLatDatum::Bd09})
    for (auto to : {LonLatDatum::Wgs84, LonLatDatum::Gcj02, LonLatDatum::Bd09}) {
      const LonLat q = convertLonLat(monaco, from, to);
      CHECK(q.lon == monaco.lon);
      CHECK(q.lat == monaco.lat);
    }
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const LonLat n = gcj02ToWgs84(LonLat{nan, 30});
  CHECK(std::isnan(n.lon));
}

TEST_CASE("datum names", "[geo]") {
  CHECK(*lonLatDatumFromName("GCJ-02") == LonLatDatum::Gcj02);
  CHECK(*lonLatDatumFromName("bd09") == LonLatDatum::Bd09);
  CHECK(*lonLatDatumFromName("WGS84") == LonLatDatum::Wgs84);
  const auto bad = lonLatDatumFromName("mars");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message ==
        "geo::lonLatDatumFromName(): unknown lon/lat datum 'mars' (expected wgs84, gcj02 or bd09)");
  CHECK(std::string(lonLatDatumName(LonLatDatum::Bd09)) == "bd09");
}
