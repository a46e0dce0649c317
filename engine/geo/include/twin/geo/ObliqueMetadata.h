// The georeference of a ContextCapture / Smart3D oblique-photography production: the
// `metadata.xml` beside its `Data/` folder.
#pragma once

#include <filesystem>
#include <string>

#include "twin/core/Geometry.h"
#include "twin/core/Result.h"

namespace twin::geo {

enum class ObliqueSrsKind {
  Crs,  // <SRS> is an EPSG code ("EPSG:4547"), WKT or a PROJ string: tiles are in that CRS
  Enu,  // <SRS> is "ENU:lat,lon": tiles are in a local east-north-up frame at that point
};

struct ObliqueMetadata {
  std::filesystem::path file;  // the metadata.xml read
  ObliqueSrsKind kind = ObliqueSrsKind::Crs;
  std::string srs;         // the <SRS> text as written (trimmed); for Enu, "ENU:lat,lon"
  core::LonLat enuOrigin;  // Enu only
  core::Vec3 srsOrigin;    // <SRSOrigin>: added to every tile coordinate (required unless Enu; zero when absent)
};

/** Reads `metadata.xml` (pass the file or the production folder that holds it). Never throws.
    Errors name the file and what is wrong: missing file, not a regular file or over
    core::kMetadataXmlLimit, no closing </ModelMetadata> (a truncated file), no <SRS>, an <SRS>
    that is none of "EPSG:<digits>", WKT (PROJCS[..., GEOGCS[..., PROJCRS[..., ...), a PROJ string
    ("+proj...") or ENU:lat,lon (PROJ would search its database by name for seconds), a malformed
    ENU origin or <SRSOrigin> (not three finite numbers), latitude/longitude out of range, no
    <SRSOrigin> with a projected (non-ENU) SRS. XML comments are
    ignored. The SRS text itself is checked by PROJ only when it is used (obliqueOriginLonLat). */
core::Result<ObliqueMetadata> readObliqueMetadata(const std::filesystem::path& fileOrFolder);

/** Parses metadata text; `file` is used in messages. */
core::Result<ObliqueMetadata> parseObliqueMetadata(const std::string& xml, const std::filesystem::path& file);

/** WGS84 position of the production's origin (SRSOrigin in the SRS, or the ENU origin).
    Error when PROJ does not understand the SRS, naming the file. */
core::Result<core::LonLat> obliqueOriginLonLat(const ObliqueMetadata& metadata);

}  // namespace twin::geo
