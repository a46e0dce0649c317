#include "PgCity.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>

#include "GeneratedCity.h"

namespace twin::test {

namespace {

std::string shellQuoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string fileText(const std::filesystem::path& file) {
  std::ifstream in(file);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The city's buildings, one row each: use, levels and name columns, as a city's own table has.
const char* kBuildingsSql =
    "SELECT GEOMETRY, building AS use, CAST(hstore_get_value(other_tags, 'building:levels') AS INTEGER) AS levels, "
    "name "
    "FROM multipolygons WHERE building IS NOT NULL";

}  // namespace

PgCityResult makePgCity(const std::filesystem::path& folder, std::size_t buildings) {
  PgCityResult out;
  const std::string initdb = std::string(ScratchPostgres::kDefaultBinDir) + "/initdb";
  if (::access(initdb.c_str(), X_OK) != 0) {
    out.skip = "needs PostgreSQL 15 (" + initdb + "; scripts/install-deps.sh)";
    return out;
  }
  if (std::system("command -v ogr2ogr > /dev/null 2>&1") != 0) {
    out.skip = "needs ogr2ogr (gdal-bin)";
    return out;
  }
  auto city = std::make_unique<PgCity>();
  auto started = ScratchPostgres::start(folder.string());
  if (!started.ok()) {
    out.error = started.error().message;
    return out;
  }
  city->pg = std::move(*started);
  if (!city->pg->sql("CREATE EXTENSION postgis;").ok()) {
    out.skip = "needs PostGIS (postgresql-15-postgis-3: scripts/install-deps.sh)";
    return out;
  }
  const auto osm = folder / "city.osm";
  GeneratedCityOptions options;
  options.buildings = buildings;
  options.poisPerBuilding = 0;
  if (auto written = writeGeneratedCityOsm(osm, options); !written.ok()) {
    out.error = written.error().message;
    return out;
  }
  city->gpkg = (folder / "city.gpkg").string();
  city->pgSource = "PG:host=" + folder.string() + " user=twin dbname=postgres";
  const std::string toFile = "ogr2ogr -f GPKG " + shellQuoted(city->gpkg) + " " + shellQuoted(osm.string()) +
                             " -dialect SQLite -sql " + shellQuoted(kBuildingsSql) +
                             " -nln buildings -nlt MULTIPOLYGON 2> " + shellQuoted((folder / "gpkg.err").string());
  if (std::system(toFile.c_str()) != 0) {
    out.error = "ogr2ogr to GeoPackage: " + fileText(folder / "gpkg.err");
    return out;
  }
  const std::string toPg = "ogr2ogr -f PostgreSQL " + shellQuoted(city->pgSource) + " " + shellQuoted(city->gpkg) +
                           " buildings -nln buildings -lco GEOMETRY_NAME=geom 2> " +
                           shellQuoted((folder / "pg.err").string());
  if (std::system(toPg.c_str()) != 0) {
    out.error = "ogr2ogr to PostGIS: " + fileText(folder / "pg.err");
    return out;
  }
  out.city = std::move(city);
  return out;
}

std::string pgCitySceneJson(const std::string& source, const std::string& ogrLayer, const std::string& layerExtra) {
  return R"({"site":{"origin":{"lon":)" + std::to_string(kGeneratedCityLon) + R"(,"lat":)" +
         std::to_string(kGeneratedCityLat) + R"(}},"layers":[{"id":"city","source":")" + source + R"(","layers":[")" +
         ogrLayer + R"("],"role":"buildings","fields":{"levels":"levels","use":"use","name":"name"})" + layerExtra +
         "}]}";
}

}  // namespace twin::test
