// The twin's state for one site: buildings, roads, points of interest, in the local frame.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "twin/core/Diagnostics.h"
#include "twin/core/Geometry.h"
#include "twin/geo/Heightfield.h"
#include "twin/geo/SiteFrame.h"
#include "twin/geo/VectorReader.h"
#include "twin/model/SceneConfig.h"

namespace twin::model {

using Tags = geo::Tags;

/** Where a building's height came from; the info panel and `twin info` show it. */
enum class HeightSource {
  Measured,   // `height` (or the source's height field)
  Levels,     // `building:levels` x storey height
  Estimated,  // default for the building type, from the scene's height table
};
const char* heightSourceName(HeightSource s);  // "measured", "levels", "estimated"

/** Coarse use class: drives colour and, later, residents and facility analysis. */
enum class BuildingUse {
  Residential,
  Commercial,
  Office,
  Education,
  Healthcare,
  Public,
  Industrial,
  Transport,
  Religious,
  Other,
};
constexpr int kBuildingUseCount = 10;
const char* buildingUseName(BuildingUse u);  // "residential", "commercial", ...
bool buildingUseFromName(const std::string& name, BuildingUse& out);

struct Building {
  std::int64_t osmId = 0;   // OSM id, or FID for other sources
  std::string idKind;       // "way", "relation", "fid"
  std::string sourceFile;   // file name the building came from
  std::string name;         // name:zh, else name, else empty
  std::string buildingTag;  // value of building=* ("yes", "residential", ...)
  BuildingUse use = BuildingUse::Other;
  core::Polygon footprint;     // local metres; a multipolygon building is one Building per part, same osmId
  double heightMeters = 0;     // top of the building above ground
  double minHeightMeters = 0;  // bottom (min_height / building:min_level), < heightMeters
  double levels = 0;           // building:levels, 0 when unknown
  HeightSource heightSource = HeightSource::Estimated;
  double footprintAreaM2 = 0;
  double baseElevationMeters = 0;  // terrain height of the building's base: the lowest terrain point
                                   // under the footprint (Heightfield::minHeightUnder); 0 without terrain.
                                   // heightMeters / minHeightMeters are above this base.
  Tags tags;                       // all source tags (address, amenity, ...)
  // OSM Simple 3D Buildings: `building:part` volumes inside this outline (Site::buildingParts)
  // are drawn instead of it; the outline stays the building for analysis, picking and panels.
  std::size_t partCount = 0;
  double partsTopMeters = 0;  // the highest part's top above the base; 0 without parts
  std::int64_t partOf = -1;   // in Site::buildingParts: index of the building whose outline holds it
};

/** The top of what is drawn for a building above its base: its parts' when it has any. */
inline double drawnTopMeters(const Building& b) { return b.partCount > 0 ? b.partsTopMeters : b.heightMeters; }

/** Width classes of the walk/road layer, widest first. */
struct Road {
  std::int64_t osmId = 0;
  std::string idKind;
  std::string name;
  std::string highway;             // value of highway=*
  std::vector<core::Vec2> line;    // local metres, >= 2 points
  double widthMeters = 0;          // from `width`, else a default by class
  std::vector<double> elevations;  // terrain height at each point of `line` (same size), metres; empty
                                   // without terrain. Per vertex only: segments longer than the terrain
                                   // spacing should be subdivided and sampled with Heightfield::heightAt
  Tags tags;                       // all tags (foot, sidewalk, access, surface, ...)
};

/** A pedestrian area (a square, a plaza) that people walk across in any straight line that
    stays inside it (analysis::buildWalkGraph). From OSM: an area (closed way with area=yes, or
    a multipolygon relation) tagged highway=pedestrian; any closed way or area tagged
    area:highway=* other than a carriageway (motorway, trunk, primary, secondary, tertiary,
    unclassified, residential, service and their _link) or "no"; or place=square with a
    highway tag. Not with foot=no or access=no|private (unless foot=yes|designated). A closed
    highway=pedestrian way without area=yes is a loop street (a Road), as OSM defines it. */
struct WalkArea {
  std::int64_t osmId = 0;
  std::string idKind;
  std::string name;
  core::Polygon polygon;  // local metres; outer CCW, holes CW (fountains, planters)
  Tags tags;
};

/** Whether tags make an area a WalkArea (the rule above); `closedWay` is true for a closed way
    that the reader gave as a line (then only area:highway counts). */
bool isPedestrianArea(const Tags& tags, bool closedWay);

/** A point of interest; polygon POIs (a school's grounds) are reduced to their centroid. */
struct Poi {
  std::int64_t osmId = 0;
  std::string idKind;
  std::string name;
  std::string category;  // the key that made it a POI: "amenity", "shop", "leisure",
                         // "healthcare", "railway", "public_transport", "highway"
  std::string kind;      // that key's value: "school", "supermarket", "bus_stop", "subway_entrance", ...
  core::Vec2 position;
  double elevationMeters = 0;  // terrain height at `position`; 0 without terrain
  bool fromPolygon = false;
  Tags tags;
};

/** Timings of the load stages, milliseconds. */
struct LoadTimings {
  double readMs = 0, reprojectMs = 0, interpretMs = 0;
  double terrainMs = 0;  // reading + resampling the DEM and setting elevations
};

/** A buildings layer read by the view's extent (LayerConfig::stream): its buildings are not in
    Site::buildings; the viewer reads and draws them tile by tile (model::ExtentLoader). */
struct StreamedLayer {
  LayerConfig layer;
  HeightRules heights;  // the scene's, for interpreting its rows
  core::Box2 extent;    // its data's bounds in the site frame (within the scene's clip), as the source tells
};

struct Site {
  std::string name;
  geo::SiteFrame frame;
  std::vector<Building> buildings;
  /** OSM `building:part` volumes (podium, tower, ...) with their own heights and min heights,
      each inside a building's outline (Building::partOf). A part outside every outline is a
      building of its own instead. Drawn; not counted as buildings. */
  std::vector<Building> buildingParts;
  std::vector<Road> roads;
  std::vector<WalkArea> walkAreas;  // pedestrian squares, walked across (isPedestrianArea)
  std::vector<Poi> pois;
  core::Diagnostics diagnostics;
  core::Box2 extent;  // local bounds of the buildings and POIs (roads only when there are neither:
                      // OSM exports keep whole ways, which reach far beyond the site)
  std::optional<geo::Heightfield> terrain;  // the scene's DEM over extent + margin; none without "terrain"
  LoadTimings timings;
  std::vector<std::string> attributions;      // e.g. "© OpenStreetMap contributors (ODbL)"
  std::vector<StreamedLayer> streamedLayers;  // read by the view's extent, not loaded here; in `extent`
};

}  // namespace twin::model
