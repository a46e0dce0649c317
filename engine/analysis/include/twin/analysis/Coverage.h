// Per-building life-circle coverage (GB 50180-2018): walking minutes from every residential
// building to the nearest facility of each category, one multi-source search per category.
//
// Built once per site; afterwards moving, adding or removing one facility re-runs only that
// facility's category (one multi-source Dijkstra plus one lookup per building), and adding a
// facility is a single-origin search merged by minimum — cheap enough to run on every drag.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "twin/analysis/Isochrone.h"
#include "twin/analysis/WalkGraph.h"
#include "twin/analysis/WalkReach.h"
#include "twin/core/Diagnostics.h"
#include "twin/model/Facility.h"
#include "twin/model/Site.h"

namespace twin::analysis {

/** Where a building joins the street network. */
struct BuildingAnchor {
  bool onNetwork = false;
  bool taggedEntrance = false;  // an `entrance=*` POI on the footprint, else nearest point
  SnapPoint at;                 // on the network
  double offsetMeters = 0;      // door (or footprint) to `at`
};

/** Entrance: a POI tagged `entrance=*` (or of category "entrance") within 3 m of the footprint
    (inside or on its outline); else the footprint point nearest to the network (outline
    vertices and centroid are tried). Not on the network when farther than maxSnapMeters. */
BuildingAnchor anchorBuilding(const WalkGraph& graph, const model::Building& building,
                              const std::vector<core::Vec2>& entrances, double maxSnapMeters);

/** Positions of every entrance POI of the site (tag `entrance`, or category "entrance"). */
std::vector<core::Vec2> entrancePositions(const model::Site& site);

/** Floor area (footprint x levels; levels from building:levels, else height / storeyMeters,
    at least 1), square metres. */
double floorAreaM2(const model::Building& building, double storeyMeters);

/** Life-circle levels, as bits: 5 min = 1, 10 min = 2, 15 min = 4. */
constexpr unsigned kLevel5 = 1, kLevel10 = 2, kLevel15 = 4;

struct BuildingCoverage {
  std::size_t building = 0;  // index into Site::buildings
  BuildingAnchor anchor;
  double floorAreaM2 = 0;
  double residents = 0;
  std::vector<double> minutes;  // per category; +inf when none within the search limit
  unsigned levelsMet = 0;       // kLevel5 | kLevel10 | kLevel15
};

/** The blocker named for a building off the walk network (every level fails for it). */
constexpr const char* kOffNetwork = "off_network";

/** The reasons `row` fails life-circle level `levelMinutes` (5, 10 or 15): the ids of the
    required categories of that level not reached within it, in config order, or {kOffNetwork}
    for a building off the network. Empty when the level is met. */
std::vector<std::string> levelBlockers(const BuildingCoverage& row, const model::FacilityConfig& config,
                                       int levelMinutes);

struct CategorySummary {
  /** Distinct facilities (a station and its entrances count once: model::Facility::group). */
  std::size_t facilities = 0, facilitiesOffNetwork = 0;
  std::size_t buildingsCovered = 0;  // within the category's level minutes
  double residentsCovered = 0;
};
struct LevelSummary {
  int minutes = 0;
  std::size_t buildingsMet = 0;
  double residentsMet = 0;
  /** Why the level fails: for each blocker (a category id, or kOffNetwork), the number of
      buildings whose level it blocks; most buildings first, then by id. */
  std::vector<std::pair<std::string, std::size_t>> blockedBy;
};
struct CoverageSummary {
  std::size_t buildings = 0, buildingsOffNetwork = 0;
  double residents = 0;
  std::vector<CategorySummary> categories;  // parallel to FacilityConfig::categories
  std::vector<LevelSummary> levels;         // 5, 10, 15
  /** Buildings missing some required category of a level: (building index, category ids). */
  std::vector<std::pair<std::size_t, std::vector<std::string>>> gaps;
};

class CoverageModel {
 public:
  /** Anchors every residential building of `site` (use == Residential) and computes all
      categories. `facilities` normally comes from model::facilitiesFromPois(). Buildings and
      facilities off the network are kept (minutes +inf) and reported in `diag`. Speed and
      snapping come from config.walking; the search stops at `maxMinutes`. */
  CoverageModel(const WalkGraph& graph, const model::Site& site, const model::FacilityConfig& config,
                std::vector<model::Facility> facilities, core::Diagnostics& diag, double maxMinutes = 30.0,
                double speedMps = 0 /* 0 = config.walking.speedMps */);

  const std::vector<BuildingCoverage>& buildings() const { return _rows; }
  const std::vector<model::Facility>& facilities() const { return _facilities; }
  const model::FacilityConfig& config() const { return _config; }
  double speedMps() const { return _speed; }
  CoverageSummary summary() const;

  /** Adds a (hypothetical) facility; returns its index. Single-origin search only. */
  std::size_t addFacility(const model::Facility& facility);
  /** Moves facility `index` (re-runs its category). False when index is out of range or the
      new point is not finite. */
  bool moveFacility(std::size_t index, core::Vec2 to);
  /** Removes facility `index` (re-runs its category); later indices shift down by one. */
  bool removeFacility(std::size_t index);

 private:
  void recompute(std::size_t category);
  void applyReach(std::size_t category, const ReachSet& reach, bool replace);
  void updateLevels();
  bool facilityOrigin(const model::Facility& f, WalkOrigin& out) const;

  const WalkGraph* _graph;
  model::FacilityConfig _config;
  std::vector<model::Facility> _facilities;
  std::vector<BuildingCoverage> _rows;
  double _speed, _maxSeconds;
  WalkSearch _search;
};

/** CSV, one row per residential building: osm_id,id_kind,name,floor_area_m2,residents,
    on_network,entrance,snap_m,<category>_min...,level_5,level_10,level_15,missing,
    level_5_blocked_by,level_10_blocked_by,level_15_blocked_by (levelBlockers(), ';'-joined).
    Minutes blank when not reached within the search limit. Fields with commas or quotes are
    quoted (RFC 4180). */
std::string coverageCsv(const CoverageModel& model, const model::Site& site);

/** GeoJSON footprints with properties osm_id, name, residents, level (highest of 5/10/15 met
    with every lower one, 0 = none), levels_met ("5,10"), and <category>_min (null = none). */
std::string coverageGeoJson(const CoverageModel& model, const model::Site& site, const ToLonLat& toLonLat);

/** Summary table as CSV: scope,id,label,level,facilities,buildings_covered,share_buildings,
    residents_covered,share_residents,blocked_by. blocked_by, on level rows only: the level's
    blockers with their building counts, "kindergarten:40;off_network:2". */
std::string coverageSummaryCsv(const CoverageModel& model);

/** LevelSummary::blockedBy as text: "kindergarten:40;off_network:2" ("" when none). */
std::string blockedText(const std::vector<std::pair<std::string, std::size_t>>& blockedBy);

}  // namespace twin::analysis
