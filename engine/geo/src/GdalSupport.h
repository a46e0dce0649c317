// Small GDAL helpers shared by the vector and raster readers (private to geo).
#pragma once

#include <string>

class OGRSpatialReference;

namespace twin::geo::detail {

/** Registers GDAL's drivers once per process; thread-safe. */
void registerGdalOnce();

/** "EPSG:<code>" when the CRS carries an EPSG authority, else its WKT2 text, for Transform::create(). */
std::string crsTextOf(const OGRSpatialReference& srs);

}  // namespace twin::geo::detail
