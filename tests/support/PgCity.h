// A generated city (GeneratedCity.h) as a city's buildings table: written by GDAL's ogr2ogr into a
// GeoPackage and from there into a scratch PostgreSQL with PostGIS (ScratchPostgres.h), as
// docs/postgis-city.md describes. For the tests that read a city from PostGIS.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>

#include "ScratchPostgres.h"

namespace twin::test {

struct PgCity {
  std::unique_ptr<ScratchPostgres> pg;  // the cluster, in the folder given; stopped with this object
  std::string gpkg;                     // the GeoPackage, layer "buildings"
  std::string pgSource;                 // "PG:host=<folder> user=twin dbname=postgres", table "buildings"
};

/** The outcome of makePgCity(): a city, or why the test must be skipped (PostgreSQL 15, PostGIS
    or ogr2ogr missing), or what failed. */
struct PgCityResult {
  std::unique_ptr<PgCity> city;
  std::string skip;
  std::string error;
};

/** A city of `buildings` buildings (columns use, levels, name) in `folder`. */
PgCityResult makePgCity(const std::filesystem::path& folder, std::size_t buildings);

/** The scene JSON of one buildings layer `source` (OGR layer `ogrLayer`) at the generated city's
    origin, with its columns mapped to `fields`; `layerExtra` is added to the layer's object
    (e.g. R"(,"stream":true)"). */
std::string pgCitySceneJson(const std::string& source, const std::string& ogrLayer, const std::string& layerExtra = "");

}  // namespace twin::test
