// geo::ReadOptions::datum: GCJ-02 / BD-09 sources land where their WGS84 twins do.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "TestPaths.h"
#include "twin/geo/ChineseCoordinates.h"
#include "twin/geo/VectorReader.h"

using twin::core::Diagnostics;
using twin::core::LonLat;
using twin::geo::LonLatDatum;
using twin::geo::ReadOptions;
using twin::geo::SiteFrame;

namespace {

const LonLat kOrigin{116.35, 40.0};

// One point and one square, written in `datum` from the same WGS84 positions.
std::string geojson(LonLatDatum datum) {
  const std::vector<LonLat> wgs = {
      {116.3512, 40.0013}, {116.3490, 39.9991}, {116.3502, 39.9991}, {116.3502, 40.0003}, {116.3490, 40.0003}};
  std::vector<LonLat> p;
  for (const LonLat& q : wgs) p.push_back(twin::geo::convertLonLat(q, LonLatDatum::Wgs84, datum));
  char buf[1024];
  std::snprintf(
      buf, sizeof buf,
      R"({"type":"FeatureCollection","features":[)"
      R"({"type":"Feature","properties":{"name":"gate"},"geometry":{"type":"Point","coordinates":[%.10f,%.10f]}},)"
      R"({"type":"Feature","properties":{"building":"yes"},"geometry":{"type":"Polygon","coordinates":)"
      R"([[[%.10f,%.10f],[%.10f,%.10f],[%.10f,%.10f],[%.10f,%.10f],[%.10f,%.10f]]]}}]})",
      p[0].lon, p[0].lat, p[1].lon, p[1].lat, p[2].lon, p[2].lat, p[3].lon, p[3].lat, p[4].lon, p[4].lat, p[1].lon,
      p[1].lat);
  return buf;
}

std::vector<twin::geo::Feature> readAs(const std::filesystem::path& file, const SiteFrame& frame, LonLatDatum datum) {
  ReadOptions options;
  options.datum = datum;
  Diagnostics diag;
  auto features = twin::geo::readVector(file.string(), frame, options, diag);
  REQUIRE(features.ok());
  REQUIRE(diag.empty());
  REQUIRE(features->size() == 2);
  return features.value();
}

}  // namespace

TEST_CASE("GCJ-02 and BD-09 layers load onto the same local coordinates as WGS84", "[geo]") {
  twin::test::TempDir dir("datum");
  auto frame = SiteFrame::create(kOrigin);
  REQUIRE(frame.ok());
  const auto wgsFile = dir.path() / "wgs84.geojson", gcjFile = dir.path() / "gcj02.geojson",
             bdFile = dir.path() / "bd09.geojson";
  std::ofstream(wgsFile) << geojson(LonLatDatum::Wgs84);
  std::ofstream(gcjFile) << geojson(LonLatDatum::Gcj02);
  std::ofstream(bdFile) << geojson(LonLatDatum::Bd09);
  const auto reference = readAs(wgsFile, frame.value(), LonLatDatum::Wgs84);

  for (const auto& [file, datum] : {std::pair{gcjFile, LonLatDatum::Gcj02}, std::pair{bdFile, LonLatDatum::Bd09}}) {
    INFO(file.filename().string());
    const auto converted = readAs(file, frame.value(), datum);
    CHECK(std::abs(converted[0].point.x - reference[0].point.x) < 0.05);
    CHECK(std::abs(converted[0].point.y - reference[0].point.y) < 0.05);
    REQUIRE(converted[1].polygons.size() == 1);
    const auto& ring = converted[1].polygons[0].outer;
    const auto& ref = reference[1].polygons[0].outer;
    REQUIRE(ring.size() == ref.size());
    for (std::size_t i = 0; i < ring.size(); ++i) {
      CHECK(std::abs(ring[i].x - ref[i].x) < 0.05);
      CHECK(std::abs(ring[i].y - ref[i].y) < 0.05);
    }
    // Read without the datum setting, the same file lands hundreds of metres away: the
    // setting is what moves it.
    const auto unconverted = readAs(file, frame.value(), LonLatDatum::Wgs84);
    CHECK(std::hypot(unconverted[0].point.x - reference[0].point.x, unconverted[0].point.y - reference[0].point.y) >
          100);
  }
}

TEST_CASE("a GCJ-02 clip box is compared with converted coordinates", "[geo]") {
  twin::test::TempDir dir("datum-clip");
  auto frame = SiteFrame::create(kOrigin);
  REQUIRE(frame.ok());
  const auto gcjFile = dir.path() / "gcj02.geojson";
  std::ofstream(gcjFile) << geojson(LonLatDatum::Gcj02);
  ReadOptions options;
  options.datum = LonLatDatum::Gcj02;
  // A tight WGS84 box round the true positions: the GCJ-02 coordinates themselves lie ~ 600 m
  // outside it, so without conversion both features would be clipped.
  options.clipLonLat = twin::core::Box2{116.3485, 39.9985, 116.3515, 40.0015};
  Diagnostics diag;
  auto features = twin::geo::readVector(gcjFile.string(), frame.value(), options, diag);
  REQUIRE(features.ok());
  CHECK(features->size() == 2);
}

TEST_CASE("a non-WGS84 datum on a projected layer is an error naming the layer", "[geo]") {
  twin::test::TempDir dir("datum-projected");
  auto frame = SiteFrame::create(kOrigin);
  REQUIRE(frame.ok());
  const auto file = dir.path() / "projected.geojson";
  std::ofstream(file)
      << R"({"type":"FeatureCollection","name":"plots",)"
         R"("crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4547"}},)"
         R"("features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[441000,4428000]}}]})";
  ReadOptions options;
  options.datum = LonLatDatum::Gcj02;
  Diagnostics diag;
  auto features = twin::geo::readVector(file.string(), frame.value(), options, diag);
  REQUIRE_FALSE(features.ok());
  CHECK(features.error().message ==
        "geo::readVector(): projected.geojson layer 'plots': datum 'gcj02' applies only to lon/lat sources, but the "
        "layer's CRS is projected");
  options.datum = LonLatDatum::Wgs84;
  CHECK(twin::geo::readVector(file.string(), frame.value(), options, diag).ok());
}
