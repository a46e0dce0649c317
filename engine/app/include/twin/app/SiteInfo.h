// What `twin info` reports about a loaded site: counts by layer and type, heights by source,
// extent, diagnostics and timings; as text or JSON.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "twin/core/Geometry.h"
#include "twin/model/SceneConfig.h"
#include "twin/model/Site.h"

namespace twin::app {

struct SiteSummary {
  std::string name, file;
  std::size_t buildings = 0, roads = 0, pois = 0;
  std::size_t buildingParts = 0, buildingsWithParts = 0;  // OSM building:part volumes, and the buildings they stand for
  std::map<std::string, std::size_t> buildingsByUse;      // model::buildingUseName()
  std::map<std::string, std::size_t> buildingsByTag;      // building=* value
  std::map<std::string, std::size_t> heightsBySource;     // "measured", "levels", "estimated"
  std::map<std::string, std::size_t> roadsByHighway;      // highway=* value
  std::map<std::string, std::size_t> poisByCategory;      // "amenity", "shop", ...
  std::map<std::string, std::map<std::string, std::size_t>> poisByKind;  // category -> kind -> count
  core::Box2 extentLocal;                                                // metres, site frame
  core::LonLat extentMinLonLat, extentMaxLonLat;                         // WGS84 corners of the local extent
  std::string frameCrs;
  core::LonLat origin;
  std::size_t diagnosticsTotal = 0;
  std::vector<std::string> firstDiagnostics;  // at most 10, formatted
  model::LoadTimings timings;
  double loadMs = 0;
  std::vector<std::string> attributions;
  /** Layers read by the view's extent ("stream"), not counted above: id and tiling. */
  struct Streamed {
    std::string id;
    double tileMeters = 0, radiusMeters = 0;
    std::size_t maxTiles = 0;
  };
  std::vector<Streamed> streamed;
};

/** Summarises a site (pure; thread-safe on a const Site). */
SiteSummary summarizeSite(const model::Site& site, const model::SceneConfig& config, double loadMs);

/** JSON object (keys: name, file, buildings{total,parts,withParts,byUse,byTag,heightSource}, roads{total,byHighway},
    pois{total,byCategory,byKind}, extent{local{minX,minY,maxX,maxY},wgs84{minLon,minLat,maxLon,maxLat}},
    frame{crs,originLon,originLat}, diagnostics{total,first}, timings{readMs,reprojectMs,interpretMs,loadMs},
    attributions). An empty extent is written as null. */
std::string summaryJson(const SiteSummary& summary);
/** Human-readable report of the same content. */
std::string summaryText(const SiteSummary& summary);

}  // namespace twin::app
