// Life-circle facilities (GB 50180-2018): categories, the OSM-tag mapping that finds them among
// a site's POIs, and the walking settings of a scene ("facilities" and "walking" keys).
// The default mapping and its source are documented in docs/life-circle.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "twin/core/Geometry.h"
#include "twin/core/Result.h"
#include "twin/model/Site.h"

namespace twin::model {

/** One tag condition: `key=value`, or `key=*` (any value but "no"). */
struct TagRule {
  std::string key;
  std::string value;  // "*" = any value other than "no"
};

/** A facility category of the life circle, e.g. {"kindergarten", "幼儿园", 5, ...}. */
struct FacilityCategory {
  std::string id;              // stable ASCII id, used in CSV headers and the scene file
  std::string label;           // display name (Chinese allowed)
  int levelMinutes = 15;       // life-circle level it belongs to: 5, 10 or 15
  bool required = true;        // counts towards "level met"
  std::vector<TagRule> rules;  // a POI matching any rule belongs to the category
};

/** Walking settings of a scene. */
struct WalkingConfig {
  double speedMps = 1.2;               // default walking speed
  double elderlySpeedMps = 0.8;        // the slower profile ("elderly")
  double stepsFactor = 2.0;            // highway=steps takes this many times longer per metre
  double floorAreaPerPersonM2 = 33.0;  // residents = residential floor area / this
  double storeyMeters = 3.0;           // levels estimated from height when building:levels is absent
  double maxSnapMeters = 250.0;        // farther from any walkable way -> not on the network
  double walkOffMeters = 50.0;         // isochrone polygons reach this far off the reached ways
};

struct FacilityConfig {
  std::vector<FacilityCategory> categories;  // in output order
  WalkingConfig walking;
};

/** The built-in mapping (docs/life-circle.md): GB 50180-2018 5/10/15-minute facility types
    with OSM tags. */
FacilityConfig defaultFacilityConfig();

/** Reads the optional "facilities" and "walking" keys of a scene file's JSON text; absent keys
    keep the defaults. Never throws. Errors name the file and key, e.g.
    "model::parseFacilityConfig(): x.json: key 'walking.speed_mps': expected a positive number".
    Format:
      "walking": {"speed_mps": 1.2, "elderly_speed_mps": 0.8, "steps_factor": 2,
                  "floor_area_per_person_m2": 33, "storey_m": 3, "max_snap_m": 250, "walk_off_m": 50},
      "facilities": {"replace_defaults": false,
                     "categories": {"<id>": {"label": "...", "level": 5|10|15, "required": true,
                                             "tags": ["amenity=clinic", "leisure=*"]}}}
    A category id that exists replaces that default category; a new id is appended (unless
    replace_defaults, which starts from an empty list). */
core::Result<FacilityConfig> parseFacilityConfig(const std::string& sceneJsonText, const std::filesystem::path& file);

/** Indices into config.categories of every category whose rules match `tags`. */
std::vector<std::size_t> matchFacilityCategories(const FacilityConfig& config, const Tags& tags);

/** A facility of one category at a point (a POI, or a hypothetical one placed by a planner). */
struct Facility {
  std::size_t category = 0;  // index into FacilityConfig::categories
  core::Vec2 position;       // local metres
  std::int64_t osmId = 0;    // 0 for hypothetical facilities
  std::string idKind;        // "node", "way", "relation", or "" for hypothetical
  std::string name;
  /** Facilities of one category with the same non-empty group are the doors of one place (a
      metro station and its entrances): each is a walking destination, but they count once. */
  std::string group;
};

/** How far an entrance may lie from the station it belongs to (metres). */
constexpr double kStationEntranceRadiusMeters = 400.0;

/** One Facility per (POI, matching category). POIs with non-finite positions are skipped.
    Grouping (Facility::group): a station POI (railway=station|halt, or public_transport=station)
    is the group "<idKind> <id>" of itself; an entrance (railway=subway_entrance|
    train_station_entrance) joins the group of the nearest station within
    kStationEntranceRadiusMeters; an entrance with no station that near joins the other such
    entrances of the same non-empty `name` (group "name <name>"), or stays alone (no group). */
std::vector<Facility> facilitiesFromPois(const std::vector<Poi>& pois, const FacilityConfig& config);

/** The number of distinct facilities of `category` in `facilities`: one per group, plus one per
    facility without a group. */
std::size_t distinctFacilityCount(const std::vector<Facility>& facilities, std::size_t category);

}  // namespace twin::model
