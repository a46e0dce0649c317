// geo::readVector(): hand-made fixtures (one per diagnostic), a GeoPackage in a projected CRS,
// OSM relations with missing members, garbage inputs and truncated copies of both OSM assets.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <random>
#include <string>

#include "TestPaths.h"
#include "twin/geo/VectorReader.h"

using twin::core::Diagnostics;
using twin::core::LonLat;
using twin::geo::Feature;
using twin::geo::FeatureKind;
using twin::geo::ReadOptions;
using twin::geo::ReadStats;
using twin::geo::readVector;
using twin::geo::SiteFrame;

namespace {

const LonLat kOrigin{116.35, 40.0};

SiteFrame frame() {
  auto f = SiteFrame::create(kOrigin);
  REQUIRE(f.ok());
  return f.value();
}

void writeFile(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

std::vector<std::string> formatted(const Diagnostics& diag) {
  std::vector<std::string> out;
  for (const auto& d : diag.items()) out.push_back(twin::core::formatDiagnostic(d));
  return out;
}

std::string square(double lon, double lat, double size, bool closed = true) {
  char buf[512];
  std::snprintf(buf, sizeof buf, "[[%.7f,%.7f],[%.7f,%.7f],[%.7f,%.7f],[%.7f,%.7f]%s]", lon, lat, lon + size, lat,
                lon + size, lat + size, lon, lat + size, closed ? "" : "");
  std::string ring = buf;
  if (closed) {
    std::snprintf(buf, sizeof buf, ",[%.7f,%.7f]]", lon, lat);
    ring = ring.substr(0, ring.size() - 1) + buf;
  }
  return ring;
}

std::string geojsonFeature(const std::string& properties, const std::string& geometry) {
  return R"({"type":"Feature","properties":)" + properties + R"(,"geometry":)" + geometry + "}";
}

std::string collection(const std::vector<std::string>& features) {
  std::string out = R"({"type":"FeatureCollection","name":"fixture","features":[)";
  for (std::size_t i = 0; i < features.size(); ++i) out += (i ? ",\n" : "\n") + features[i];
  return out + "\n]}";
}

}  // namespace

TEST_CASE("readVector: a valid GeoJSON polygon, line and point in local metres", "[geo]") {
  twin::test::TempDir dir("geo");
  const auto path = dir.path() / "valid.geojson";
  writeFile(
      path,
      collection({
          geojsonFeature(R"({"building":"yes","name":"A"})",
                         R"({"type":"Polygon","coordinates":[)" + square(116.35, 40.0, 0.001) + "]}"),
          geojsonFeature(
              R"({"highway":"footway"})",
              R"({"type":"MultiLineString","coordinates":[[[116.35,40.0],[116.351,40.0]],[[116.35,40.0],[116.35,40.001]]]})"),
          geojsonFeature(R"({"amenity":"cafe"})", R"({"type":"Point","coordinates":[116.35,40.0]})"),
      }));
  Diagnostics diag;
  ReadStats stats;
  auto features = readVector(path.string(), frame(), {}, diag, &stats);
  REQUIRE(features.ok());
  CHECK(diag.empty());
  REQUIRE(features->size() == 4);  // the multi-line becomes two features
  const Feature& poly = (*features)[0];
  CHECK(poly.kind == FeatureKind::Polygon);
  CHECK(poly.idKind == "fid");
  CHECK(poly.recordLabel() == "fid 0");
  CHECK(poly.layer == "fixture");
  CHECK(poly.tags.at("building") == "yes");
  CHECK(poly.tags.at("name") == "A");
  REQUIRE(poly.polygons.size() == 1);
  const auto& ring = poly.polygons[0].outer;
  REQUIRE(ring.size() == 4);                // closing point dropped
  CHECK(twin::core::signedArea(ring) > 0);  // CCW
  // 0.001 degrees at 40N: 85.4 m east-west, 111.0 m north-south.
  CHECK(twin::core::area(poly.polygons[0]) == Approx(85.4 * 111.0).epsilon(0.01));
  CHECK((*features)[1].kind == FeatureKind::Line);
  CHECK((*features)[1].line.size() == 2);
  CHECK((*features)[1].line[1].x == Approx(85.4).epsilon(0.01));
  CHECK((*features)[2].line[1].y == Approx(111.0).epsilon(0.01));
  CHECK((*features)[3].kind == FeatureKind::Point);
  CHECK((*features)[3].point.x == Approx(0).margin(1e-6));
  CHECK(stats.featuresRead == 3);
  CHECK(stats.featuresKept == 3);
  CHECK(stats.featuresSkipped == 0);
}

TEST_CASE("isConnectionString: GDAL connection strings against file paths", "[geo]") {
  CHECK(twin::geo::isConnectionString("PG:dbname=city"));
  CHECK(twin::geo::isConnectionString("WFS:http://example.org/wfs"));
  CHECK(twin::geo::isConnectionString("MySQL:db,user=x"));
  CHECK(twin::geo::isConnectionString("OCI_8:x"));
  CHECK_FALSE(twin::geo::isConnectionString("assets/osm/site.osm"));
  CHECK_FALSE(twin::geo::isConnectionString("/vsizip/a.zip/b.shp"));
  CHECK_FALSE(twin::geo::isConnectionString("C:data.shp"));  // one letter: a drive, not a driver
  CHECK_FALSE(twin::geo::isConnectionString(":memory:"));
  CHECK_FALSE(twin::geo::isConnectionString("a b:c"));  // a prefix with a space is a file name
  CHECK_FALSE(twin::geo::isConnectionString(""));
}

TEST_CASE("readVector: each bad geometry gives its diagnostic", "[geo]") {
  twin::test::TempDir dir("geo");
  const auto path = dir.path() / "bad.geojson";
  writeFile(
      path,
      collection({
          // fid 0: unclosed ring -> closed and kept
          geojsonFeature(
              R"({"building":"yes"})",
              R"({"type":"Polygon","coordinates":[[[116.35,40.0],[116.351,40.0],[116.351,40.001],[116.35,40.001]]]})"),
          // fid 1: bow-tie -> repaired into two triangles
          geojsonFeature(
              R"({"building":"yes"})",
              R"({"type":"Polygon","coordinates":[[[116.35,40.0],[116.351,40.001],[116.351,40.0],[116.35,40.001],[116.35,40.0]]]})"),
          // fid 2: all points on one line
          geojsonFeature(
              R"({"building":"yes"})",
              R"({"type":"Polygon","coordinates":[[[116.35,40.0],[116.351,40.001],[116.352,40.002],[116.35,40.0]]]})"),
          // fid 3: NaN coordinate
          geojsonFeature(
              R"({"building":"yes"})",
              R"({"type":"Polygon","coordinates":[[[116.35,40.0],[NaN,40.001],[116.351,40.0],[116.35,40.0]]]})"),
          // fid 4: two distinct points
          geojsonFeature(
              R"({"building":"yes"})",
              R"({"type":"Polygon","coordinates":[[[116.35,40.0],[116.351,40.0],[116.351,40.0],[116.35,40.0]]]})"),
          // fid 5: a one-point line
          geojsonFeature(R"({"highway":"path"})",
                         R"({"type":"LineString","coordinates":[[116.35,40.0],[116.35,40.0]]})"),
          // fid 6: no geometry
          geojsonFeature(R"({"amenity":"bench"})", "null"),
      }));
  Diagnostics diag;
  ReadStats stats;
  auto features = readVector(path.string(), frame(), {}, diag, &stats);
  REQUIRE(features.ok());
  const std::vector<std::string> expected = {
      "geo::readVector(): bad.geojson fixture fid 0: polygon ring not closed; closed",
      "geo::readVector(): bad.geojson fixture fid 1: self-intersecting polygon; repaired (split into 2 valid parts)",
      "geo::readVector(): bad.geojson fixture fid 2: polygon has zero area; skipped",
      "geo::readVector(): bad.geojson fixture fid 3: coordinate is NaN or infinite; skipped",
      "geo::readVector(): bad.geojson fixture fid 4: polygon has fewer than 3 distinct points; skipped",
      "geo::readVector(): bad.geojson fixture fid 5: line has fewer than 2 distinct points; skipped",
      "geo::readVector(): bad.geojson fixture fid 6: feature has no geometry; skipped",
  };
  CHECK(formatted(diag) == expected);
  REQUIRE(features->size() == 2);
  CHECK((*features)[0].id == 0);
  CHECK((*features)[0].polygons.size() == 1);
  CHECK((*features)[0].polygons[0].outer.size() == 4);
  CHECK((*features)[1].id == 1);
  REQUIRE((*features)[1].polygons.size() == 2);
  for (const auto& part : (*features)[1].polygons) {
    CHECK(part.outer.size() == 3);
    CHECK(twin::core::signedArea(part.outer) > 0);
  }
  CHECK(stats.featuresRead == 7);
  CHECK(stats.featuresKept == 2);
  CHECK(stats.featuresRepaired == 2);
  CHECK(stats.featuresSkipped == 5);
}

TEST_CASE("readVector: a GeoPackage in EPSG:4547 with a hole, a bow-tie and typed fields", "[geo]") {
  twin::test::TempDir dir("geo");
  const auto path = dir.path() / "blocks.gpkg";
  {
    GDALAllRegister();
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("GPKG");
    REQUIRE(driver != nullptr);
    GDALDataset* ds = driver->Create(path.string().c_str(), 0, 0, 0, GDT_Unknown, nullptr);
    REQUIRE(ds != nullptr);
    OGRSpatialReference srs;
    srs.importFromEPSG(4547);
    OGRLayer* layer = ds->CreateLayer("blocks", &srs, wkbPolygon, nullptr);
    REQUIRE(layer != nullptr);
    OGRFieldDefn height("HGT", OFTReal);
    layer->CreateField(&height);
    OGRFieldDefn name("NAME", OFTString);
    layer->CreateField(&name);
    // EPSG:4547 stores northing first in its official order; GDAL's GeoPackage writer takes
    // x = easting with the traditional GIS axis mapping it sets on the layer.
    const char* wkts[] = {
        "POLYGON ((441000 4428000,441100 4428000,441100 4428100,441000 4428100,441000 4428000),"
        "(441040 4428040,441040 4428060,441060 4428060,441060 4428040,441040 4428040))",
        "POLYGON ((441200 4428000,441300 4428100,441300 4428000,441200 4428100,441200 4428000))",
    };
    for (int i = 0; i < 2; ++i) {
      OGRFeature* f = OGRFeature::CreateFeature(layer->GetLayerDefn());
      f->SetField("HGT", 24.5 + i);
      f->SetField("NAME", i == 0 ? "楼 A" : "Bow \"tie\"");
      OGRGeometry* g = nullptr;
      REQUIRE(OGRGeometryFactory::createFromWkt(wkts[i], &srs, &g) == OGRERR_NONE);
      f->SetGeometryDirectly(g);
      REQUIRE(layer->CreateFeature(f) == OGRERR_NONE);
      OGRFeature::DestroyFeature(f);
    }
    GDALClose(ds);
  }
  auto localFrame = SiteFrame::create({116.3519, 40.0033}, "EPSG:4547");
  REQUIRE(localFrame.ok());
  Diagnostics diag;
  auto features = readVector(path.string(), *localFrame, {}, diag);
  REQUIRE(features.ok());
  REQUIRE(features->size() == 2);
  const Feature& block = (*features)[0];
  CHECK(block.idKind == "fid");
  CHECK(block.id == 1);
  CHECK(block.tags.at("HGT") == "24.5");
  CHECK(block.tags.at("NAME") == "楼 A");
  REQUIRE(block.polygons.size() == 1);
  REQUIRE(block.polygons[0].holes.size() == 1);
  CHECK(twin::core::signedArea(block.polygons[0].holes[0]) < 0);  // holes CW
  CHECK(twin::core::area(block.polygons[0]) == Approx(100 * 100 - 20 * 20).epsilon(1e-9));
  const auto o = localFrame->originProjected();
  CHECK(twin::core::bounds(block.polygons[0].outer).minX == Approx(441000 - o.x).margin(1e-6));
  CHECK(twin::core::bounds(block.polygons[0].outer).minY == Approx(4428000 - o.y).margin(1e-6));
  CHECK((*features)[1].polygons.size() == 2);
  CHECK((*features)[1].tags.at("NAME") == "Bow \"tie\"");
  CHECK(formatted(diag) ==
        std::vector<std::string>{"geo::readVector(): blocks.gpkg blocks fid 2: self-intersecting polygon; repaired "
                                 "(split into 2 valid parts)"});

  // The same file into a local-tm frame: 441000 E lies west of the origin.
  Diagnostics diag2;
  auto tm = readVector(path.string(), frame(), {}, diag2);
  REQUIRE(tm.ok());
  CHECK(twin::core::area((*tm)[0].polygons[0]) == Approx(9600).epsilon(0.002));

  SECTION("a layer that does not exist is an error naming the layers") {
    ReadOptions options;
    options.layers = {"buildings"};
    Diagnostics d;
    auto r = readVector(path.string(), frame(), options, d);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message == "geo::readVector(): blocks.gpkg: no layer 'buildings' (layers: blocks)");
  }
}

TEST_CASE("readVector: OSM ids, escaped other_tags and relations with missing members", "[geo]") {
  twin::test::TempDir dir("geo");
  const auto path = dir.path() / "small.osm";
  writeFile(path, R"(<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="test">
  <bounds minlat="40.0" minlon="116.35" maxlat="40.01" maxlon="116.36"/>
  <node id="1" lat="40.000" lon="116.350"/>
  <node id="2" lat="40.000" lon="116.351"/>
  <node id="3" lat="40.001" lon="116.351"/>
  <node id="4" lat="40.001" lon="116.350"/>
  <node id="5" lat="40.0005" lon="116.3505">
    <tag k="amenity" v="cafe"/>
    <tag k="name" v="Say &quot;hi&quot; \ cafe"/>
    <tag k="cuisine" v="coffee_shop"/>
  </node>
  <way id="10">
    <nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="4"/><nd ref="1"/>
    <tag k="building" v="residential"/>
    <tag k="building:levels" v="6"/>
    <tag k="description" v="a &quot;quoted&quot;, value =&gt; here"/>
  </way>
  <way id="11">
    <nd ref="1"/><nd ref="2"/>
    <tag k="barrier" v="fence"/>
  </way>
  <relation id="12">
    <member type="way" ref="11" role="outer"/>
    <member type="way" ref="999" role="outer"/>
    <tag k="type" v="multipolygon"/>
    <tag k="building" v="yes"/>
  </relation>
</osm>
)");
  Diagnostics diag;
  auto features = readVector(path.string(), frame(), {}, diag);
  REQUIRE(features.ok());
  CHECK(formatted(diag) ==
        std::vector<std::string>{"geo::readVector(): small.osm multipolygons relation 12: multipolygon relation has "
                                 "missing member ways; skipped"});
  const auto find = [&](const std::string& label, FeatureKind kind) -> const Feature* {
    for (const Feature& f : *features)
      if (f.recordLabel() == label && f.kind == kind) return &f;
    return nullptr;
  };
  const Feature* cafe = find("node 5", FeatureKind::Point);
  REQUIRE(cafe != nullptr);
  CHECK(cafe->layer == "points");
  CHECK(cafe->tags.at("name") == "Say \"hi\" \\ cafe");
  CHECK(cafe->tags.at("cuisine") == "coffee_shop");
  CHECK(cafe->tags.count("osm_id") == 0);
  const Feature* building = find("way 10", FeatureKind::Polygon);
  REQUIRE(building != nullptr);
  CHECK(building->layer == "multipolygons");
  CHECK(building->tags.at("building") == "residential");
  CHECK(building->tags.at("building:levels") == "6");
  CHECK(building->tags.at("description") == "a \"quoted\", value => here");
  CHECK(find("way 11", FeatureKind::Line) != nullptr);
  CHECK(find("relation 12", FeatureKind::Polygon) == nullptr);

  SECTION("only the chosen layers are read; relation diagnostics belong to multipolygons") {
    ReadOptions options;
    options.layers = {"points"};
    Diagnostics d;
    auto points = readVector(path.string(), frame(), options, d);
    REQUIRE(points.ok());
    CHECK(d.empty());
    REQUIRE(points->size() == 1);
    CHECK((*points)[0].recordLabel() == "node 5");
  }
  SECTION("clipLonLat drops what lies wholly outside") {
    ReadOptions options;
    options.clipLonLat = twin::core::Box2{116.3502, 40.0002, 116.3508, 40.0008};
    Diagnostics d;
    ReadStats stats;
    auto clipped = readVector(path.string(), frame(), options, d, &stats);
    REQUIRE(clipped.ok());
    // The cafe lies inside; way 10's bounds overlap the box; way 11 (the south edge) does not.
    CHECK(clipped->size() == 2);
    CHECK(stats.featuresClipped == 1);
  }
}

TEST_CASE("readVector: progress reports read then reproject, ending at 1", "[geo]") {
  Diagnostics diag;
  std::vector<std::pair<std::string, double>> calls;
  auto features = readVector((twin::test::assetsDir() / "osm" / "cau_haidian_beijing.osm").string(), frame(), {}, diag,
                             nullptr, [&](std::string_view stage, double f) { calls.emplace_back(stage, f); });
  REQUIRE(features.ok());
  REQUIRE(calls.size() >= 4);
  CHECK(calls.front() == std::make_pair(std::string("read"), 0.0));
  CHECK(calls.back() == std::make_pair(std::string("reproject"), 1.0));
  const auto firstReproject =
      std::find_if(calls.begin(), calls.end(), [](const auto& c) { return c.first == "reproject"; });
  REQUIRE(firstReproject != calls.end());
  CHECK(std::all_of(calls.begin(), firstReproject, [](const auto& c) { return c.first == "read"; }));
  CHECK(std::all_of(firstReproject, calls.end(), [](const auto& c) { return c.first == "reproject"; }));
  for (std::size_t i = 1; i < calls.size(); ++i)
    if (calls[i].first == calls[i - 1].first) CHECK(calls[i].second >= calls[i - 1].second);
}

TEST_CASE("readVector: unusable inputs give one clear error", "[geo]") {
  twin::test::TempDir dir("geo");
  const SiteFrame f = frame();
  auto errorOf = [&](const std::string& source) {
    Diagnostics diag;
    auto r = readVector(source, f, {}, diag);
    REQUIRE_FALSE(r.ok());
    return r.error().message;
  };
  CHECK(errorOf((dir.path() / "missing.osm").string()) == "geo::readVector(): missing.osm: file not found");
  writeFile(dir.path() / "empty.geojson", "");
  CHECK(errorOf((dir.path() / "empty.geojson").string()) == "geo::readVector(): empty.geojson: file is empty");
  // A FIFO as a layer used to block for ever inside GDAL's open; a device would never end.
  REQUIRE(::mkfifo((dir.path() / "pipe.osm").c_str(), 0600) == 0);
  CHECK(errorOf((dir.path() / "pipe.osm").string()) == "geo::readVector(): pipe.osm: not a regular file (a FIFO)");
  CHECK(errorOf("/dev/zero") == "geo::readVector(): zero: not a regular file (a character device)");

  std::mt19937 rng(7);
  std::string noise(4096, '\0');
  for (char& c : noise) c = static_cast<char>(rng());
  for (const char* name : {"noise.osm", "noise.pbf", "noise.geojson", "noise.gpkg", "noise.bin"}) {
    writeFile(dir.path() / name, noise);
    const std::string message = errorOf((dir.path() / name).string());
    INFO(message);
    CHECK(message.rfind(std::string("geo::readVector(): ") + name + ": cannot open: ", 0) == 0);
  }
  // An OSM PBF under a GeoJSON name: GDAL identifies by content, so this reads fine.
  const auto pbf = twin::test::assetsDir() / "osm" / "monaco-latest-2026-07-10.osm.pbf";
  std::filesystem::copy_file(pbf, dir.path() / "monaco.geojson");
  {
    Diagnostics diag;
    ReadOptions options;
    options.layers = {"points"};
    auto r = readVector((dir.path() / "monaco.geojson").string(), f, options, diag);
    CHECK(r.ok());
  }
  // Text in the wrong format under an OSM name.
  writeFile(dir.path() / "text.osm", "this is not OpenStreetMap data\n");
  CHECK(errorOf((dir.path() / "text.osm").string()).rfind("geo::readVector(): text.osm: cannot open: ", 0) == 0);
  // A directory with nothing GDAL reads.
  std::filesystem::create_directory(dir.path() / "folder");
  writeFile(dir.path() / "folder" / "readme.txt", "nothing here");
  const std::string folderError = errorOf((dir.path() / "folder").string());
  INFO(folderError);
  CHECK((folderError == "geo::readVector(): folder: contains no vector layers" ||
         folderError.rfind("geo::readVector(): folder: cannot open: ", 0) == 0));
  // A shapefile without .prj has no CRS.
  {
    GDALAllRegister();
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName("ESRI Shapefile");
    GDALDataset* ds = driver->Create((dir.path() / "nocrs.shp").string().c_str(), 0, 0, 0, GDT_Unknown, nullptr);
    REQUIRE(ds != nullptr);
    OGRLayer* layer = ds->CreateLayer("nocrs", nullptr, wkbPoint, nullptr);
    OGRFeature* feature = OGRFeature::CreateFeature(layer->GetLayerDefn());
    OGRPoint point(441000, 4428000);
    feature->SetGeometry(&point);
    REQUIRE(layer->CreateFeature(feature) == OGRERR_NONE);
    OGRFeature::DestroyFeature(feature);
    GDALClose(ds);
  }
  CHECK(errorOf((dir.path() / "nocrs.shp").string()) ==
        "geo::readVector(): nocrs.shp layer 'nocrs': the source has no CRS; give the layer a \"crs\"");
  Diagnostics diag;
  ReadOptions withCrs;
  withCrs.sourceCrs = "EPSG:32650";
  auto r = readVector((dir.path() / "nocrs.shp").string(), f, withCrs, diag);
  REQUIRE(r.ok());
  REQUIRE(r->size() == 1);
  CHECK(std::abs((*r)[0].point.x) < 30000);
  // A connection string that cannot connect: the password is not repeated.
  const std::string pg = errorOf("PG:dbname=nowhere host=127.0.0.1 port=1 password=secret");
  INFO(pg);
  CHECK(pg.rfind("geo::readVector(): PG:dbname=nowhere host=127.0.0.1 port=1 password=***: cannot open: ", 0) == 0);
  CHECK(pg.find("secret") == std::string::npos);
}

TEST_CASE("readVector: truncated copies of both OSM assets never crash", "[geo][slow]") {
  twin::test::TempDir dir("geo");
  const SiteFrame f = frame();
  for (const char* name : {"cau_haidian_beijing.osm", "monaco-latest-2026-07-10.osm.pbf"}) {
    const auto source = twin::test::assetsDir() / "osm" / name;
    std::ifstream in(source, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    REQUIRE(bytes.size() > 100000);
    int errors = 0, loaded = 0;
    for (int cut = 1; cut <= 20; ++cut) {
      const std::size_t size = bytes.size() * static_cast<std::size_t>(cut) / 21;
      const auto copy = dir.path() / (std::to_string(cut) + "-" + name);
      writeFile(copy, bytes.substr(0, size));
      Diagnostics diag;
      auto r = readVector(copy.string(), f, {}, diag);
      INFO(name << " cut at " << size << " bytes");
      if (r.ok()) {
        ++loaded;
      } else {
        ++errors;
        INFO(r.error().message);
        CHECK(r.error().message.rfind("geo::readVector(): " + copy.filename().string() + ": ", 0) == 0);
      }
    }
    INFO(name << ": " << errors << " errors, " << loaded << " loaded");
    // A truncated XML document or PBF block stream is a read failure somewhere for most cuts.
    CHECK(errors >= 10);
  }
}

TEST_CASE("vectorExtentLonLat: OSM bounds and errors", "[geo]") {
  auto box = twin::geo::vectorExtentLonLat((twin::test::assetsDir() / "osm" / "cau_haidian_beijing.osm").string(), {});
  REQUIRE(box.ok());
  // The file's <bounds> element (SOURCE.md).
  CHECK(box->minX == Approx(116.34403).margin(1e-6));
  CHECK(box->maxX == Approx(116.35974).margin(1e-6));
  CHECK(box->minY == Approx(39.99767).margin(1e-6));
  CHECK(box->maxY == Approx(40.00888).margin(1e-6));
  auto missing = twin::geo::vectorExtentLonLat("nowhere.osm", {});
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().message == "geo::vectorExtentLonLat(): nowhere.osm: file not found");
}

TEST_CASE("vectorExtentLonLat measures an OSM file without <bounds> from its features", "[geo]") {
  twin::test::TempDir dir("geo-nobounds");
  const auto path = dir.path() / "nobounds.osm";
  writeFile(path, R"(<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="test">
  <node id="1" lat="40.000" lon="116.350"/>
  <node id="2" lat="40.000" lon="116.352"/>
  <node id="3" lat="40.003" lon="116.352"/>
  <node id="4" lat="40.003" lon="116.350"/>
  <node id="5" lat="40.004" lon="116.355"><tag k="amenity" v="cafe"/></node>
  <way id="10"><nd ref="1"/><nd ref="2"/><nd ref="3"/><nd ref="4"/><nd ref="1"/><tag k="building" v="yes"/></way>
</osm>
)");
  auto box = twin::geo::vectorExtentLonLat(path.string(), {});
  REQUIRE(box.ok());
  CHECK(box->minX == Approx(116.350).margin(1e-9));
  CHECK(box->maxX == Approx(116.355).margin(1e-9));
  CHECK(box->minY == Approx(40.000).margin(1e-9));
  CHECK(box->maxY == Approx(40.004).margin(1e-9));
}

TEST_CASE("readOsmNodes lists every node of .osm and .osm.pbf files", "[geo]") {
  // XML: the hand-made file's untagged corner nodes are there too.
  twin::test::TempDir dir("geo-osmnodes");
  const auto xml = dir.path() / "nodes.osm";
  writeFile(xml, R"(<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="test">
  <node id="11" lat="40.000" lon="116.350"/>
  <node id="12" lat="40.000" lon="116.352"/>
  <node id="13" lat="40.003" lon="116.352"><tag k="amenity" v="cafe"/></node>
  <way id="20"><nd ref="11"/><nd ref="12"/><nd ref="13"/><tag k="highway" v="footway"/></way>
</osm>
)");
  auto nodes = twin::geo::readOsmNodes(xml.string());
  REQUIRE(nodes.ok());
  REQUIRE(nodes->size() == 3);
  std::map<std::int64_t, twin::core::LonLat> byId;
  for (const auto& n : *nodes) byId[n.id] = n.position;
  CHECK(byId.at(11).lon == 116.350);
  CHECK(byId.at(12).lon == 116.352);
  CHECK(byId.at(13).lat == 40.003);

  // PBF: every tagged node GDAL's default configuration reports is among ours, at the same place,
  // and the untagged way vertices make many more.
  const std::string pbf = (twin::test::assetsDir() / "osm" / "monaco-latest-2026-07-10.osm.pbf").string();
  auto all = twin::geo::readOsmNodes(pbf);
  REQUIRE(all.ok());
  std::map<std::int64_t, twin::core::LonLat> ours;
  for (const auto& n : *all) ours[n.id] = n.position;
  GDALDataset* ds = GDALDataset::Open(pbf.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY);
  REQUIRE(ds);
  OGRLayer* points = ds->GetLayerByName("points");
  REQUIRE(points);
  const int idField = points->GetLayerDefn()->GetFieldIndex("osm_id");
  std::size_t tagged = 0, matched = 0;
  OGRLayer* belonging = nullptr;
  while (OGRFeature* f = ds->GetNextFeature(&belonging, nullptr, nullptr, nullptr)) {
    if (belonging == points && f->GetGeometryRef()) {
      ++tagged;
      const auto it = ours.find(std::strtoll(f->GetFieldAsString(idField), nullptr, 10));
      const OGRPoint* p = f->GetGeometryRef()->toPoint();
      if (it != ours.end() && it->second.lon == p->getX() && it->second.lat == p->getY()) ++matched;
    }
    OGRFeature::DestroyFeature(f);
  }
  GDALClose(ds);
  CHECK(tagged > 100);
  CHECK(matched == tagged);
  CHECK(ours.size() > 5 * tagged);

  auto notOsm = twin::geo::readOsmNodes((dir.path() / "missing.osm").string());
  REQUIRE_FALSE(notOsm.ok());
  CHECK(notOsm.error().message == "geo::readOsmNodes(): missing.osm: file not found");
}
