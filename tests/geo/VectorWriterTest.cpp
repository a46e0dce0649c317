// geo::writeVectorLayer(): each format written and read back through GDAL (field types, values,
// nulls, geometry), the layer type rules, and one test per error message.
#include <catch2/catch.hpp>

#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include <unistd.h>

#include "TestPaths.h"
#include "twin/geo/VectorWriter.h"

using twin::geo::FieldDef;
using twin::geo::FieldType;
using twin::geo::FieldValue;
using twin::geo::VectorFeature;
using twin::geo::writeVectorLayer;

namespace {

struct Closer {
  void operator()(GDALDataset* d) const { GDALClose(d); }
};
using Dataset = std::unique_ptr<GDALDataset, Closer>;

Dataset openVector(const std::filesystem::path& path) {
  GDALAllRegister();
  return Dataset(static_cast<GDALDataset*>(GDALOpenEx(path.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr)));
}

std::string readText(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

const std::vector<FieldDef> kFields{{"name", FieldType::String},
                                    {"floors", FieldType::Integer},
                                    {"minutes", FieldType::Real},
                                    {"empty_minutes", FieldType::Real},
                                    {"empty_count", FieldType::Integer}};

std::vector<VectorFeature> sampleFeatures() {
  return {{"POLYGON ((120.0 30.0,120.001 30.0,120.001 30.001,120.0 30.001,120.0 30.0))",
           {std::string("楼 A"), 6LL, 4.5, std::monostate{}, std::monostate{}}},
          {"POLYGON ((120.002 30.0,120.003 30.0,120.003 30.001,120.002 30.0))",
           {std::string("B, \"quoted\""), std::monostate{}, 12.25, std::monostate{}, std::monostate{}}}};
}

void checkFieldTypes(OGRLayer* layer, bool allNullKeepsType) {
  OGRFeatureDefn* defn = layer->GetLayerDefn();
  REQUIRE(defn->GetFieldIndex("name") >= 0);
  CHECK(defn->GetFieldDefn(defn->GetFieldIndex("name"))->GetType() == OFTString);
  const OGRFieldType floors = defn->GetFieldDefn(defn->GetFieldIndex("floors"))->GetType();
  CHECK((floors == OFTInteger || floors == OFTInteger64));
  CHECK(defn->GetFieldDefn(defn->GetFieldIndex("minutes"))->GetType() == OFTReal);
  if (allNullKeepsType) {
    CHECK(defn->GetFieldDefn(defn->GetFieldIndex("empty_minutes"))->GetType() == OFTReal);
    const OGRFieldType count = defn->GetFieldDefn(defn->GetFieldIndex("empty_count"))->GetType();
    CHECK((count == OFTInteger || count == OFTInteger64));
  }
}

void checkFeatures(OGRLayer* layer) {
  REQUIRE(layer->GetFeatureCount() == 2);
  layer->ResetReading();
  std::unique_ptr<OGRFeature> a(layer->GetNextFeature());
  std::unique_ptr<OGRFeature> b(layer->GetNextFeature());
  REQUIRE(a);
  REQUIRE(b);
  CHECK(std::string(a->GetFieldAsString("name")) == "楼 A");
  CHECK(a->GetFieldAsInteger64("floors") == 6);
  CHECK(a->GetFieldAsDouble("minutes") == Approx(4.5));
  CHECK(!a->IsFieldSetAndNotNull(a->GetFieldIndex("empty_minutes")));
  CHECK(std::string(b->GetFieldAsString("name")) == "B, \"quoted\"");
  CHECK(!b->IsFieldSetAndNotNull(b->GetFieldIndex("floors")));
  CHECK(b->GetFieldAsDouble("minutes") == Approx(12.25));
  const OGRGeometry* g = a->GetGeometryRef();
  REQUIRE(g);
  CHECK(wkbFlatten(g->getGeometryType()) == wkbPolygon);
  OGREnvelope env;
  g->getEnvelope(&env);
  CHECK(env.MinX == Approx(120.0));
  CHECK(env.MaxX == Approx(120.001));
  CHECK(env.MinY == Approx(30.0));
  CHECK(env.MaxY == Approx(30.001));
  CHECK(static_cast<const OGRPolygon*>(g)->get_Area() == Approx(1e-6).epsilon(1e-6));
}

}  // namespace

TEST_CASE("writeVectorLayer writes each format with typed fields and WGS84 geometry", "[geo][writer]") {
  twin::test::TempDir dir("vector-writer");

  SECTION("GeoPackage") {
    const auto path = dir.path() / "out.gpkg";
    auto w = writeVectorLayer(path, "buildings", kFields, sampleFeatures());
    REQUIRE(w.ok());
    Dataset ds = openVector(path);
    REQUIRE(ds);
    OGRLayer* layer = ds->GetLayerByName("buildings");
    REQUIRE(layer);
    CHECK(wkbFlatten(layer->GetGeomType()) == wkbPolygon);
    REQUIRE(layer->GetSpatialRef());
    CHECK(std::string(layer->GetSpatialRef()->GetAuthorityCode(nullptr)) == "4326");
    checkFieldTypes(layer, true);
    checkFeatures(layer);
  }
  SECTION("CSV with a WKT column and a .csvt of types") {
    const auto path = dir.path() / "out.csv";
    REQUIRE(writeVectorLayer(path, "buildings", kFields, sampleFeatures()).ok());
    const std::string text = readText(path);
    CHECK(text.rfind("WKT,name,floors,minutes,empty_minutes,empty_count\n", 0) == 0);
    // Numbers unquoted; a field with a comma or quote quoted (RFC 4180).
    CHECK(text.find("\",楼 A,6,4.5,,\n") != std::string::npos);
    CHECK(text.find(",\"B, \"\"quoted\"\"\",,12.25,,\n") != std::string::npos);
    CHECK(readText(dir.path() / "out.csvt").find("Real") != std::string::npos);
    Dataset ds = openVector(path);
    REQUIRE(ds);
    OGRLayer* layer = ds->GetLayer(0);
    REQUIRE(layer);
    checkFieldTypes(layer, true);
    checkFeatures(layer);
  }
  SECTION("GeoJSON") {
    const auto path = dir.path() / "out.geojson";
    REQUIRE(writeVectorLayer(path, "buildings", kFields, sampleFeatures()).ok());
    CHECK(readText(path).find("\"name\": \"buildings\"") != std::string::npos);
    Dataset ds = openVector(path);
    REQUIRE(ds);
    OGRLayer* layer = ds->GetLayer(0);
    REQUIRE(layer);
    // GeoJSON has no schema: all-null properties are typed by the reader, not by the file.
    checkFieldTypes(layer, false);
    checkFeatures(layer);
  }
  SECTION("an existing file is replaced and no temporary file is left") {
    const auto path = dir.path() / "out.gpkg";
    REQUIRE(writeVectorLayer(path, "first", kFields, sampleFeatures()).ok());
    REQUIRE(writeVectorLayer(path, "second", kFields, {sampleFeatures()[0]}).ok());
    Dataset ds = openVector(path);
    REQUIRE(ds);
    CHECK(ds->GetLayerCount() == 1);
    REQUIRE(ds->GetLayerByName("second"));
    CHECK(ds->GetLayerByName("second")->GetFeatureCount() == 1);
    std::size_t entries = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
      (void)e;
      ++entries;
    }
    CHECK(entries == 1);
  }
  SECTION("an extension is recognised without case") {
    REQUIRE(writeVectorLayer(dir.path() / "OUT.GPKG", "x", kFields, sampleFeatures()).ok());
    CHECK(openVector(dir.path() / "OUT.GPKG"));
  }
}

TEST_CASE("writeVectorLayer: the layer's geometry type", "[geo][writer]") {
  twin::test::TempDir dir("vector-writer-types");
  const std::vector<FieldDef> fields{{"id", FieldType::Integer}};

  SECTION("Polygon and MultiPolygon together become MultiPolygon") {
    const auto path = dir.path() / "mixed.gpkg";
    REQUIRE(writeVectorLayer(path, "bands", fields,
                             {{"POLYGON ((0 0,1 0,1 1,0 0))", {1LL}},
                              {"MULTIPOLYGON (((2 0,3 0,3 1,2 0)),((4 0,5 0,5 1,4 0)))", {2LL}}})
                .ok());
    Dataset ds = openVector(path);
    REQUIRE(ds);
    OGRLayer* layer = ds->GetLayer(0);
    CHECK(wkbFlatten(layer->GetGeomType()) == wkbMultiPolygon);
    std::unique_ptr<OGRFeature> f(layer->GetNextFeature());
    REQUIRE(f);
    CHECK(wkbFlatten(f->GetGeometryRef()->getGeometryType()) == wkbMultiPolygon);
  }
  SECTION("points") {
    const auto path = dir.path() / "stations.geojson";
    REQUIRE(writeVectorLayer(path, "stations", fields, {{"POINT (120.5 30.25)", {7LL}}}).ok());
    Dataset ds = openVector(path);
    REQUIRE(ds);
    std::unique_ptr<OGRFeature> f(ds->GetLayer(0)->GetNextFeature());
    REQUIRE(f);
    const auto* p = static_cast<const OGRPoint*>(f->GetGeometryRef());
    REQUIRE(p);
    CHECK(p->getX() == Approx(120.5));
    CHECK(p->getY() == Approx(30.25));
    CHECK(f->GetFieldAsInteger64("id") == 7);
  }
  SECTION("no geometry: a CSV without the WKT column") {
    const auto path = dir.path() / "table.csv";
    REQUIRE(writeVectorLayer(path, "t", {{"id", FieldType::Integer}, {"v", FieldType::Real}},
                             {{"", {1LL, 0.5}}, {"", {std::monostate{}, std::monostate{}}}})
                .ok());
    const std::string written = readText(path);
    INFO(written);
    CHECK(written.rfind("id,v\n", 0) == 0);
    Dataset ds = openVector(path);
    REQUIRE(ds);
    OGRLayer* layer = ds->GetLayer(0);
    CHECK(layer->GetGeomType() == wkbNone);
    CHECK(layer->GetLayerDefn()->GetFieldDefn(1)->GetType() == OFTReal);
    std::unique_ptr<OGRFeature> f(layer->GetNextFeature());
    REQUIRE(f);
    CHECK(f->GetFieldAsInteger64("id") == 1);
    CHECK(f->GetFieldAsDouble("v") == 0.5);
  }
  SECTION("a value beyond 32 bits makes a 64-bit integer field; a long long fills a Real field") {
    const auto path = dir.path() / "big.gpkg";
    REQUIRE(writeVectorLayer(path, "t", {{"osm_id", FieldType::Integer}, {"r", FieldType::Real}},
                             {{"POINT (1 2)", {8000000000LL, 3LL}}})
                .ok());
    Dataset ds = openVector(path);
    REQUIRE(ds);
    OGRLayer* layer = ds->GetLayer(0);
    CHECK(layer->GetLayerDefn()->GetFieldDefn(0)->GetType() == OFTInteger64);
    std::unique_ptr<OGRFeature> f(layer->GetNextFeature());
    CHECK(f->GetFieldAsInteger64("osm_id") == 8000000000LL);
    CHECK(f->GetFieldAsDouble("r") == 3.0);
  }
}

TEST_CASE("writeVectorLayer errors", "[geo][writer]") {
  twin::test::TempDir dir("vector-writer-errors");
  const std::vector<FieldDef> fields{{"id", FieldType::Integer}};
  const std::vector<VectorFeature> one{{"POINT (1 2)", {1LL}}};

  SECTION("unknown extension") {
    const auto path = dir.path() / "out.shp";
    auto w = writeVectorLayer(path, "x", fields, one);
    REQUIRE(!w.ok());
    CHECK(w.error().message == "geo::writeVectorLayer(): " + path.string() +
                                   ": unknown output format '.shp'; expected .geojson, .gpkg or .csv");
    CHECK(!twin::geo::isVectorOutputPath(path));
    CHECK(twin::geo::isVectorOutputPath(dir.path() / "a.GeoJSON"));
  }
  SECTION("a folder that does not exist") {
    const auto path = dir.path() / "missing" / "out.gpkg";
    auto w = writeVectorLayer(path, "x", fields, one);
    REQUIRE(!w.ok());
    CHECK(w.error().message == "geo::writeVectorLayer(): " + path.string() + ": folder " +
                                   (dir.path() / "missing").string() + " does not exist");
  }
  SECTION("a folder that is not writable") {
    const auto locked = dir.path() / "locked";
    std::filesystem::create_directory(locked);
    std::filesystem::permissions(locked, std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
    const auto path = locked / "out.csv";
    auto w = writeVectorLayer(path, "x", fields, one);
    std::filesystem::permissions(locked, std::filesystem::perms::owner_all);
    // root writes anyway (and so does the writer, rightly); the message is checked for others.
    if (::geteuid() == 0) {
      WARN("running as root: a read-only folder is writable; the message is not checked");
    } else {
      REQUIRE(!w.ok());
      CHECK(w.error().message ==
            "geo::writeVectorLayer(): " + path.string() + ": folder " + locked.string() + " is not writable");
    }
  }
  SECTION("a path that is a folder") {
    const auto path = dir.path() / "folder.gpkg";
    std::filesystem::create_directory(path);
    auto w = writeVectorLayer(path, "x", fields, one);
    REQUIRE(!w.ok());
    CHECK(w.error().message.rfind("geo::writeVectorLayer(): " + path.string() + ": cannot replace the file: ", 0) == 0);
  }
  SECTION("field names") {
    auto empty = writeVectorLayer(dir.path() / "a.gpkg", "x", {{"", FieldType::Real}}, {});
    REQUIRE(!empty.ok());
    CHECK(empty.error().message ==
          "geo::writeVectorLayer(): " + (dir.path() / "a.gpkg").string() + ": a field has an empty name");
    auto dup =
        writeVectorLayer(dir.path() / "a.gpkg", "x", {{"Minutes", FieldType::Real}, {"minutes", FieldType::Real}}, {});
    REQUIRE(!dup.ok());
    CHECK(dup.error().message ==
          "geo::writeVectorLayer(): " + (dir.path() / "a.gpkg").string() + ": duplicate field name 'minutes'");
  }
  SECTION("values that do not match the fields") {
    const auto path = dir.path() / "a.gpkg";
    auto count = writeVectorLayer(path, "x", fields, {{"POINT (1 2)", {1LL, 2LL}}});
    REQUIRE(!count.ok());
    CHECK(count.error().message ==
          "geo::writeVectorLayer(): " + path.string() + ": feature 0 has 2 values for 1 fields");
    auto type = writeVectorLayer(path, "x", fields, {{"POINT (1 2)", {1LL}}, {"POINT (1 2)", {std::string("7")}}});
    REQUIRE(!type.ok());
    CHECK(type.error().message == "geo::writeVectorLayer(): " + path.string() +
                                      ": feature 1 field 'id': a string value for a field of type Integer");
    auto real = writeVectorLayer(path, "x", fields, {{"POINT (1 2)", {2.5}}});
    REQUIRE(!real.ok());
    CHECK(real.error().message == "geo::writeVectorLayer(): " + path.string() +
                                      ": feature 0 field 'id': a real value for a field of type Integer");
    CHECK(!std::filesystem::exists(path));
  }
  SECTION("unreadable WKT") {
    const auto path = dir.path() / "a.geojson";
    auto w = writeVectorLayer(path, "x", fields, {{"POINT (1 2)", {1LL}}, {"POLYGON ((0 0, 1", {2LL}}});
    REQUIRE(!w.ok());
    CHECK(w.error().message ==
          "geo::writeVectorLayer(): " + path.string() + ": feature 1: unreadable WKT 'POLYGON ((0 0, 1'");
    CHECK(std::filesystem::is_empty(dir.path()));
  }
}
