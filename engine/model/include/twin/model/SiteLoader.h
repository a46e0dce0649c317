// From a scene configuration to a loaded Site.
#pragma once

#include "twin/core/Progress.h"
#include "twin/core/Result.h"
#include "twin/model/SceneConfig.h"
#include "twin/model/Site.h"

namespace twin::model {

/** Reads every layer of `config` and interprets the features as buildings, roads and POIs.
    Never throws. A layer that cannot be read at all -> Error
    "model::loadSite(): layer '<id>': geo::readVector(): <file>: <reason>". Record-level
    problems land in site.diagnostics. site.extent covers buildings and POIs (roads only when
    there are neither). Attributions: each layer's, or "© OpenStreetMap contributors (ODbL)"
    for .osm/.pbf layers without one. Progress stages: "read", "reproject", "interpret"; the
    fraction runs over all layers.
    Terrain (config.terrain set): after the layers, the DEM is read over site.extent (a 1 km
    square round the origin when the site has no features) plus terrain.marginMeters, into
    site.terrain, and applyTerrain() sets the elevations. A DEM that cannot be read, or does not
    overlap the site at all -> Error "model::loadSite(): terrain: geo::readDem(): <file>: ...";
    partial coverage and filled nodata are diagnostics. The terrain's attribution is added.
    Progress stage "terrain" at the end. */
core::Result<Site> loadSite(const SceneConfig& config, const core::ProgressFn& progress = {});

/** Sets Building::baseElevationMeters (lowest terrain point under the footprint),
    Road::elevations (terrain height per line point) and Poi::elevationMeters from `terrain`.
    Records whose geometry gives no finite height (NaN coordinates) keep 0 and are reported
    ("model::applyTerrain()", "no terrain height under the feature", "elevation set to 0"). */
void applyTerrain(const geo::Heightfield& terrain, Site& site);

/** Puts each of site.buildingParts in the building whose outline holds the part's centroid (the
    smallest such outline): sets the part's partOf, its use and the building's partCount. A part
    in no outline moves to site.buildings (Info diagnostic, "drawn as a building"). loadSite()
    calls it after reading every layer. */
void linkBuildingParts(Site& site);

/** Interprets already-read features (used by loadSite and by tests on hand-made features),
    appending to `site`. Role "auto": polygons with building=* (not "no") -> one Building per
    polygon part; lines with highway=* -> Road; features with a POI tag (see poiCategory
    rules in scenes/README.md) -> Poi, polygons by the centroid of their largest part, so a
    building with amenity=* gives a Building and a Poi; polygons with building:part=* (not
    "no") and no building=* -> site.buildingParts (see linkBuildingParts). A line with building=* (an OSM way
    that does not close) -> diagnostic "building ring not closed; skipped". Role "buildings" /
    "roads" / "pois": every polygon / line / point-or-polygon of the layer, with
    LayerConfig::fields mapping source fields onto height, building:levels, name, min_height
    and building (the "use" field). Never throws. */
void interpretFeatures(const std::vector<geo::Feature>& features, const LayerConfig& layer, const HeightRules& heights,
                       const std::string& sourceFile, Site& site);

/** Height of one building from its tags, per the rules; reports implausible values in `diag`.
    Exposed for the height table tests. */
struct HeightResult {
  double heightMeters = 0, minHeightMeters = 0, levels = 0;
  HeightSource source = HeightSource::Estimated;
};
/** Rules, first that applies: `height` (core::parseLengthMeters) -> Measured; else
    `building:levels` x rules.storeyMeters -> Levels; else rules.defaults[building value],
    else rules.defaults["*"], else 3 storeys -> Estimated. A value that is not a number, NaN,
    <= 0 or above rules.maxPlausibleMeters is reported ("height '-5' is not plausible (must be
    > 0 and <= 650 m)"; "ignored") and the next rule is used. Bottom: `min_height`, else
    `building:min_level` x storeyMeters; a bottom at or above the top is reported ("min height
    30 m is not below height 12 m"; "min height set to 0"). Diagnostics name
    "model::buildingHeight()", `file` and `recordId`. */
HeightResult buildingHeight(const Tags& tags, const HeightRules& rules, core::Diagnostics& diag,
                            const std::string& file, const std::string& recordId);

/** Use class from tags: building=* value first, then amenity, shop (commercial), office,
    healthcare, railway/public_transport (transport); Other when nothing matches. The table is
    in scenes/README.md. */
BuildingUse buildingUseOf(const Tags& tags);

/** Default carriageway width for a highway=* class, metres (4 for unknown classes). */
double defaultRoadWidthMeters(const std::string& highway);

}  // namespace twin::model
