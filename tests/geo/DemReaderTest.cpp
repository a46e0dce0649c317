// geo::readDem() and geo::sampleDem(): the SRTM crop against gdallocationinfo, the heightfield
// queries on hand-made grids, synthetic GeoTIFFs (a plane, nodata, partial coverage) and bad files.
#include <catch2/catch.hpp>

#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <array>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <vector>

#include "TestPaths.h"
#include "twin/geo/DemReader.h"

using twin::core::Box2;
using twin::core::Diagnostics;
using twin::core::LonLat;
using twin::core::Polygon;
using twin::core::Vec2;
using twin::geo::DemOptions;
using twin::geo::Heightfield;
using twin::geo::SiteFrame;

namespace {

const LonLat kMonaco{7.425, 43.7375};

std::filesystem::path cropTif() { return twin::test::assetsDir() / "dem" / "monaco_srtm3_crop.tif"; }
std::string hgtInZip() {
  return "/vsizip/" + (twin::test::testDataDir() / "dem-monaco-srtm3" / "N43E007.hgt.zip").string() + "/N43E007.hgt";
}

SiteFrame frameAt(LonLat origin) {
  auto f = SiteFrame::create(origin);
  REQUIRE(f.ok());
  return f.value();
}

// gdallocationinfo is part of gdal-bin, a declared dependency: if it cannot be run, the test fails.
double gdalLocationValue(const std::string& file, double lon, double lat) {
  char command[1024];
  std::snprintf(command, sizeof command, "gdallocationinfo -valonly -wgs84 '%s' %.9f %.9f 2>&1", file.c_str(), lon,
                lat);
  FILE* pipe = popen(command, "r");
  REQUIRE(pipe != nullptr);
  std::string output;
  char buf[256];
  while (std::fgets(buf, sizeof buf, pipe)) output += buf;
  const int status = pclose(pipe);
  INFO("command: " << command << "\noutput: " << output);
  REQUIRE(status == 0);
  char* end = nullptr;
  const double value = std::strtod(output.c_str(), &end);
  REQUIRE(end != output.c_str());
  return value;
}

std::array<double, 6> geoTransformOf(const std::string& file) {
  GDALAllRegister();
  GDALDataset* ds = static_cast<GDALDataset*>(GDALOpen(file.c_str(), GA_ReadOnly));
  REQUIRE(ds != nullptr);
  std::array<double, 6> gt{};
  ds->GetGeoTransform(gt.data());
  GDALClose(ds);
  return gt;
}

// A Float32 GeoTIFF in EPSG:4326 from a function of (column, row).
void writeGeoTiff(const std::filesystem::path& file, int width, int height, const std::array<double, 6>& gt,
                  const std::function<float(int, int)>& value, bool withCrs = true, double nodata = -32768) {
  GDALAllRegister();
  GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GTiff");
  REQUIRE(driver != nullptr);
  GDALDataset* ds = driver->Create(file.string().c_str(), width, height, 1, GDT_Float32, nullptr);
  REQUIRE(ds != nullptr);
  std::array<double, 6> t = gt;
  ds->SetGeoTransform(t.data());
  if (withCrs) {
    OGRSpatialReference srs;
    srs.importFromEPSG(4326);
    ds->SetSpatialRef(&srs);
  }
  GDALRasterBand* band = ds->GetRasterBand(1);
  band->SetNoDataValue(nodata);
  std::vector<float> row(static_cast<std::size_t>(width));
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) row[static_cast<std::size_t>(x)] = value(x, y);
    REQUIRE(band->RasterIO(GF_Write, 0, y, width, 1, row.data(), width, 1, GDT_Float32, 0, 0) == CE_None);
  }
  GDALClose(ds);
}

Heightfield handMade() {
  // 3 x 3 samples, 10 m apart, from (100, 200):
  //   row 2:  5  6  7
  //   row 1:  2  0  4
  //   row 0:  1  3  8
  Heightfield h;
  h.originMeters = {100, 200};
  h.spacingMeters = 10;
  h.columns = 3;
  h.rows = 3;
  h.heights = {1, 3, 8, 2, 0, 4, 5, 6, 7};
  return h;
}

Polygon square(double x0, double y0, double x1, double y1) {
  return Polygon{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}}, {}};
}

DemOptions optionsAround(const Box2& extent, double resolution, double margin = 0) {
  DemOptions o;
  o.extentLocal = extent;
  o.resolutionMeters = resolution;
  o.marginMeters = margin;
  return o;
}

std::vector<std::string> formatted(const Diagnostics& diag) {
  std::vector<std::string> out;
  for (const auto& d : diag.items()) out.push_back(twin::core::formatDiagnostic(d));
  return out;
}

}  // namespace

TEST_CASE("sampleDem gives gdallocationinfo's values at pixel centres (GeoTIFF crop and zipped .hgt)", "[geo]") {
  const std::string tif = cropTif().string();
  const auto gt = geoTransformOf(tif);
  const std::vector<std::pair<int, int>> pixels = {{0, 0}, {10, 20}, {55, 40}, {60, 35}, {80, 50}, {119, 83}, {37, 71}};
  std::vector<LonLat> centres;
  for (const auto& [col, row] : pixels) centres.push_back({gt[0] + (col + 0.5) * gt[1], gt[3] + (row + 0.5) * gt[5]});
  for (const std::string& source : {tif, hgtInZip()}) {
    INFO(source);
    Diagnostics diag;
    auto heights = twin::geo::sampleDem(source, centres, diag);
    REQUIRE(heights.ok());
    // The window round these pixels holds SRTM voids (nodata): they are filled and reported.
    for (const std::string& line : formatted(diag))
      CHECK_THAT(line, Catch::EndsWith("nodata pixels; filled from neighbours"));
    bool anyAboveSea = false;
    for (std::size_t i = 0; i < centres.size(); ++i) {
      const double expected = gdalLocationValue(source, centres[i].lon, centres[i].lat);
      CHECK(heights.value()[i] == Approx(expected).margin(1e-6));
      anyAboveSea = anyAboveSea || expected > 50;
    }
    CHECK(anyAboveSea);  // the pixels are not all sea: the comparison means something
  }
}

TEST_CASE("sampleDem is bilinear between pixel centres and NaN outside the raster", "[geo]") {
  const std::string tif = cropTif().string();
  const auto gt = geoTransformOf(tif);
  auto centre = [&](int col, int row) { return LonLat{gt[0] + (col + 0.5) * gt[1], gt[3] + (row + 0.5) * gt[5]}; };
  const LonLat a = centre(60, 35), b = centre(61, 35), c = centre(60, 36), d = centre(61, 36);
  const LonLat between{a.lon + 0.25 * (b.lon - a.lon), a.lat + 0.75 * (c.lat - a.lat)};
  Diagnostics diag;
  auto heights = twin::geo::sampleDem(tif, {a, b, c, d, between, {7.0, 43.0}}, diag);
  REQUIRE(heights.ok());
  const auto& h = heights.value();
  const double expected = (h[0] * 0.75 + h[1] * 0.25) * 0.25 + (h[2] * 0.75 + h[3] * 0.25) * 0.75;
  CHECK(h[4] == Approx(expected).margin(1e-9));
  CHECK(std::isnan(h[5]));
}

TEST_CASE("Heightfield::heightAt is bilinear and clamps outside the grid", "[geo]") {
  const Heightfield h = handMade();
  CHECK(h.heightAt(100, 200) == 1);
  CHECK(h.heightAt(110, 210) == 0);
  CHECK(h.heightAt(105, 200) == Approx(2));  // halfway along the bottom row
  CHECK(h.heightAt(115, 215) == Approx((0 + 4 + 6 + 7) / 4.0));
  CHECK(h.heightAt(102.5, 207.5) == Approx((1 * 0.75 + 3 * 0.25) * 0.25 + (2 * 0.75 + 0 * 0.25) * 0.75));
  CHECK(h.heightAt(90, 180) == 1);             // clamped to the south-west corner
  CHECK(h.heightAt(200, 215) == Approx(5.5));  // clamped to the east edge, halfway up
  CHECK(std::isnan(h.heightAt(NAN, 200)));
  CHECK(std::isnan(Heightfield{}.heightAt(0, 0)));
  CHECK(h.extent().minX == 100);
  CHECK(h.extent().maxY == 220);
}

TEST_CASE("Heightfield::minHeightUnder finds the lowest point of the surface under a polygon", "[geo]") {
  const Heightfield h = handMade();
  // Contains the pit sample (110, 210) = 0.
  CHECK(h.minHeightUnder(square(104, 204, 116, 216)) == 0);
  // Wholly inside one cell, no sample inside: the lowest corner of the polygon.
  const Polygon small = square(101, 201, 103, 203);
  double corners = 1e9;
  for (const Vec2& p : small.outer) corners = std::min(corners, h.heightAt(p));
  CHECK(h.minHeightUnder(small) == Approx(corners));
  // A thin strip crossing x = 110 between rows: the minimum is on the grid line, not at a vertex.
  const Polygon strip = square(106, 209, 114, 209.5);
  double vertexMin = 1e9;
  for (const Vec2& p : strip.outer) vertexMin = std::min(vertexMin, h.heightAt(p));
  const double onLine = std::min(h.heightAt(110, 209), h.heightAt(110, 209.5));
  CHECK(onLine < vertexMin);
  CHECK(h.minHeightUnder(strip) == Approx(onLine));
  // A courtyard hole round the pit: the pit is not under the building, its boundary is.
  Polygon courtyard = square(102, 202, 118, 218);
  courtyard.holes.push_back({{105, 205}, {105, 215}, {115, 215}, {115, 205}});
  const double withHole = h.minHeightUnder(courtyard);
  CHECK(withHole > 0);
  CHECK(withHole == Approx(std::min(h.heightAt(105, 210), h.heightAt(110, 205))));
  // Bad input.
  CHECK(std::isnan(h.minHeightUnder(Polygon{{{0, 0}, {1, 1}}, {}})));
  CHECK(std::isnan(h.minHeightUnder(Polygon{{{0, 0}, {NAN, 1}, {2, 0}}, {}})));
  CHECK(std::isnan(Heightfield{}.minHeightUnder(square(0, 0, 1, 1))));
}

TEST_CASE("readDem resamples the Monaco crop onto the site grid", "[geo]") {
  const SiteFrame frame = frameAt(kMonaco);
  const Box2 site{-1200, -1500, 1200, 1500};
  Diagnostics diag;
  auto field = twin::geo::readDem(cropTif().string(), frame, optionsAround(site, 50, 100), diag);
  REQUIRE(field.ok());
  CHECK(diag.empty());
  const Heightfield& h = field.value();
  CHECK(h.sourceLabel == "monaco_srtm3_crop.tif");
  CHECK(h.columns == 53);  // (2400 + 200) / 50 + 1
  CHECK(h.rows == 65);     // (3000 + 200) / 50 + 1
  CHECK(h.originMeters.x == -1300);
  CHECK(h.originMeters.y == -1600);
  CHECK(h.coveredFraction == 1);
  CHECK(h.filledSamples == 0);
  // Every tenth node against the DEM sampled directly at the node's lon/lat.
  std::vector<LonLat> nodes;
  std::vector<double> fieldHeights;
  for (int r = 0; r < h.rows; r += 7)
    for (int c = 0; c < h.columns; c += 5) {
      nodes.push_back(frame.toLonLat({h.originMeters.x + c * h.spacingMeters, h.originMeters.y + r * h.spacingMeters}));
      fieldHeights.push_back(h.sample(c, r));
    }
  auto direct = twin::geo::sampleDem(cropTif().string(), nodes, diag);
  REQUIRE(direct.ok());
  double highest = 0;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    CHECK(fieldHeights[i] == Approx(direct.value()[i]).margin(1e-3));
    highest = std::max(highest, fieldHeights[i]);
  }
  CHECK(highest > 100);  // the hills behind Monaco are in the window
}

TEST_CASE("readDem on a plane GeoTIFF reproduces the plane; vertical offset is added", "[geo]") {
  twin::test::TempDir dir("dem-plane");
  const auto file = dir.path() / "plane.tif";
  const std::array<double, 6> gt{116.34, 0.001, 0, 40.01, 0, -0.001};
  auto plane = [](double lon, double lat) { return 50.0 + 2000.0 * (lon - 116.34) + 3000.0 * (lat - 39.99); };
  writeGeoTiff(file, 20, 20, gt, [&](int x, int y) {
    return static_cast<float>(plane(gt[0] + (x + 0.5) * gt[1], gt[3] + (y + 0.5) * gt[5]));
  });
  const SiteFrame frame = frameAt({116.35, 40.0});
  DemOptions options = optionsAround(Box2{-300, -300, 300, 300}, 25, 50);
  options.verticalOffsetMeters = -10;
  Diagnostics diag;
  auto field = twin::geo::readDem(file.string(), frame, options, diag);
  REQUIRE(field.ok());
  CHECK(diag.empty());
  for (const Vec2 p : {Vec2{0, 0}, Vec2{-123.4, 211.7}, Vec2{290, -299}, Vec2{17, 3}}) {
    const LonLat ll = frame.toLonLat(p);
    CHECK(field->heightAt(p) == Approx(plane(ll.lon, ll.lat) - 10).margin(0.01));
  }
}

TEST_CASE("readDem fills nodata from neighbours and reports it", "[geo]") {
  twin::test::TempDir dir("dem-nodata");
  const auto file = dir.path() / "holes.tif";
  const std::array<double, 6> gt{116.34, 0.001, 0, 40.01, 0, -0.001};
  writeGeoTiff(file, 20, 20, gt, [](int x, int y) {
    if (x >= 9 && x <= 10 && y >= 9 && y <= 10) return -32768.0f;
    return 100.0f;
  });
  Diagnostics diag;
  auto field =
      twin::geo::readDem(file.string(), frameAt({116.35, 40.0}), optionsAround(Box2{-200, -200, 200, 200}, 20), diag);
  REQUIRE(field.ok());
  CHECK(field->filledSamples == 4);
  for (float v : field->heights) CHECK(v == Approx(100));
  CHECK(formatted(diag) ==
        std::vector<std::string>{"geo::readDem(): holes.tif: 4 nodata pixels; filled from neighbours"});

  const auto allNodata = dir.path() / "nodata.tif";
  writeGeoTiff(allNodata, 8, 8, gt, [](int, int) { return -32768.0f; });
  auto none = twin::geo::readDem(allNodata.string(), frameAt({116.3440, 40.0060}),
                                 optionsAround(Box2{-50, -50, 50, 50}, 10), diag);
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().message == "geo::readDem(): nodata.tif: every pixel under the site is nodata");
}

TEST_CASE("readDem: a DEM that covers part of the site warns, one that misses it is an error", "[geo]") {
  twin::test::TempDir dir("dem-cover");
  const auto file = dir.path() / "small.tif";
  // lon 116.34..116.35, lat 39.99..40.00: the site origin (116.35, 40.0) is its north-east corner.
  const std::array<double, 6> gt{116.34, 0.001, 0, 40.00, 0, -0.001};
  writeGeoTiff(file, 10, 10, gt, [](int x, int) { return static_cast<float>(10 + x); });
  Diagnostics diag;
  auto partial =
      twin::geo::readDem(file.string(), frameAt({116.35, 40.0}), optionsAround(Box2{-400, -400, 400, 400}, 20), diag);
  REQUIRE(partial.ok());
  CHECK(partial->coveredFraction == Approx(121.0 / 441.0));  // an 11 x 11 quarter of the 21 x 21 lattice
  CHECK(formatted(diag) ==
        std::vector<std::string>{"geo::readDem(): small.tif: DEM covers only 27% of the site extent; heights extended "
                                 "from the DEM edge"});
  CHECK(partial->heightAt(300, 300) == Approx(19));  // north-east of the DEM: its nearest edge pixel

  Diagnostics none;
  auto missed =
      twin::geo::readDem(file.string(), frameAt({7.425, 43.7375}), optionsAround(Box2{-100, -100, 100, 100}, 20), none);
  REQUIRE_FALSE(missed.ok());
  CHECK(missed.error().message ==
        "geo::readDem(): small.tif: does not cover the site: DEM lon 116.34000..116.35000, lat 39.99000..40.00000; "
        "site lon 7.42376..7.42624, lat 43.73660..43.73840");
}

TEST_CASE("readDem errors name the file", "[geo]") {
  twin::test::TempDir dir("dem-bad");
  const SiteFrame frame = frameAt(kMonaco);
  const DemOptions options = optionsAround(Box2{-100, -100, 100, 100}, 30);
  Diagnostics diag;
  auto errorOf = [&](const std::string& source, const DemOptions& o) {
    auto r = twin::geo::readDem(source, frame, o, diag);
    REQUIRE_FALSE(r.ok());
    return r.error().message;
  };
  CHECK(errorOf((dir.path() / "missing.tif").string(), options) == "geo::readDem(): missing.tif: file not found");
  std::ofstream(dir.path() / "empty.tif").close();
  CHECK(errorOf((dir.path() / "empty.tif").string(), options) == "geo::readDem(): empty.tif: file is empty");
  std::ofstream(dir.path() / "garbage.tif") << "this is not a raster at all\n";
  CHECK(errorOf((dir.path() / "garbage.tif").string(), options) ==
        "geo::readDem(): garbage.tif: cannot open: not a recognised raster format");
  const auto noCrs = dir.path() / "nocrs.tif";
  writeGeoTiff(
      noCrs, 4, 4, {7.4, 0.01, 0, 43.8, 0, -0.01}, [](int, int) { return 1.0f; }, false);
  CHECK(errorOf(noCrs.string(), options) == "geo::readDem(): nocrs.tif: no georeference (the raster has no CRS)");

  DemOptions bad = options;
  bad.resolutionMeters = 0;
  CHECK(errorOf(cropTif().string(), bad) ==
        "geo::readDem(): monaco_srtm3_crop.tif: resolution must be a number > 0 metres");
  bad = options;
  bad.extentLocal = Box2{};
  CHECK(errorOf(cropTif().string(), bad) == "geo::readDem(): monaco_srtm3_crop.tif: the site extent is empty");
  bad = options;
  bad.resolutionMeters = 0.01;
  CHECK(errorOf(cropTif().string(), bad) ==
        "geo::readDem(): monaco_srtm3_crop.tif: a 20001 x 20001 grid at 0.01 m exceeds the limit of 16000000 samples");
  bad = options;
  bad.marginMeters = NAN;
  CHECK(errorOf(cropTif().string(), bad) ==
        "geo::readDem(): monaco_srtm3_crop.tif: margin must be a number >= 0 metres");
  CHECK(errorOf("/vsizip/" + (dir.path() / "none.zip").string() + "/x.hgt", options)
            .rfind("geo::readDem(): /vsizip/", 0) == 0);
}

TEST_CASE("readDem on truncated copies of the crop: an error or a valid grid, never a crash", "[geo][slow]") {
  twin::test::TempDir dir("dem-truncated");
  std::ifstream in(cropTif(), std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  REQUIRE(bytes.size() == 6132);
  const SiteFrame frame = frameAt(kMonaco);
  const DemOptions options = optionsAround(Box2{-1000, -1000, 1000, 1000}, 100);
  std::size_t errors = 0;
  for (std::size_t size = 1; size < bytes.size(); size += 97) {
    const auto file = dir.path() / ("cut" + std::to_string(size) + ".tif");
    std::ofstream(file, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(size));
    Diagnostics diag;
    auto r = twin::geo::readDem(file.string(), frame, options, diag);
    if (r.ok()) {
      for (float v : r->heights) REQUIRE(std::isfinite(v));
    } else {
      ++errors;
      CHECK(r.error().message.rfind("geo::readDem(): " + file.filename().string() + ": ", 0) == 0);
    }
  }
  CHECK(errors > 0);
}
