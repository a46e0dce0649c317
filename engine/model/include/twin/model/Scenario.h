// Planning scenarios (scene key "scenarios"): facilities a planner adds, moves or removes, kept in
// the scene file so that a proposal can be reloaded and compared with the existing state.
//
// Format, an array of objects (positions WGS84 degrees):
//   "scenarios": [
//     {"name": "new-clinic", "label": "新建卫生服务站",
//      "add":    [{"category": "health_station", "name": "规划卫生站", "lon": 116.351, "lat": 40.002}],
//      "move":   [{"facility": "node/123", "lon": 116.352, "lat": 40.003}],
//      "remove": ["node/456"],
//      "buildings": [{"name": "规划住宅1号楼", "height": 54,
//                     "footprint": [[120.211, 30.251], [120.2113, 30.251], [120.2113, 30.2512], [120.211, 30.2512]]}]}
//   ]
// "buildings" are proposed building volumes (footprint ring in WGS84 degrees, height in metres
// above the ground), used as shadow casters by the sunlight analysis (twin sunlight --scenario).
// A facility key is "<idKind>/<osmId>" of the POI (model::Facility::idKind and osmId); a POI that
// belongs to several categories is moved or removed in all of them.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "twin/core/Geometry.h"
#include "twin/core/Result.h"
#include "twin/model/Facility.h"

namespace twin::model {

/** A hypothetical facility of a scenario. */
struct ScenarioFacility {
  std::string category;   // FacilityCategory::id
  std::string name;       // may be empty
  core::LonLat position;  // WGS84 degrees
};

/** An existing facility moved to a new place. */
struct ScenarioMove {
  std::string facility;  // "node/123"
  core::LonLat to;       // WGS84 degrees
};

/** A proposed building: an extruded footprint. */
struct ScenarioBuilding {
  std::string name;                     // may be empty
  std::vector<core::LonLat> footprint;  // WGS84 degrees, >= 3 points, first point not repeated
  double heightMeters = 0;              // above the ground, in (0, 1000]
};

struct Scenario {
  std::string name;   // unique within a scene file, not empty
  std::string label;  // display name; may be empty
  std::vector<ScenarioFacility> added;
  std::vector<ScenarioMove> moved;
  std::vector<std::string> removed;  // facility keys
  std::vector<ScenarioBuilding> buildings;
};

/** "<idKind>/<osmId>" of a facility ("node/123"); "" for a hypothetical one (idKind empty). */
std::string facilityKey(const Facility& facility);

/** Reads the optional "scenarios" key of a scene file's JSON text (absent -> empty list). Never
    throws. Errors name the function, file and key, e.g.
    "model::parseScenarios(): x.json: key 'scenarios[0].add[1].lon': expected a longitude in
    [-180, 180]". Checked: names present, not empty and unique; categories and facility keys
    non-empty strings (a key must look like "kind/123"); positions finite and in range; a building's
    footprint an array of at least 3 [lon, lat] pairs (a repeated closing point is dropped) and its
    height a number in (0, 1000]. Whether a
    category or facility exists in the site is checked when the scenario is applied. */
core::Result<std::vector<Scenario>> parseScenarios(const std::string& sceneJsonText, const std::filesystem::path& file);

/** parseScenarios() of a scene file; error "model::loadScenarios(): <path>: cannot read" when it
    cannot be opened. */
core::Result<std::vector<Scenario>> loadScenarios(const std::filesystem::path& sceneFile);

/** Writes `scenario` into the scene file: the entry of "scenarios" with the same name is
    replaced, else the scenario is appended (the key is added at the end when absent). A scenario
    with no buildings keeps the "buildings" of the entry it replaces (the planning view edits
    facilities only; proposed buildings are written in the file). Every other
    key and its order are kept (the file is re-serialised with 2-space indentation; values are
    unchanged). The file is written to a temporary file beside it and renamed over it, so a failure
    leaves the original intact; its permissions are kept. Errors (nothing is written): the file
    cannot be read or is not a JSON object, "scenarios" is not an array, the scenario is invalid
    (empty name, non-finite position), the file is read-only
    ("model::saveScenario(): x.json: the file is read-only"), or the write/rename fails. Not
    thread-safe with other writers of the same file. */
core::Status saveScenario(const std::filesystem::path& sceneFile, const Scenario& scenario);

}  // namespace twin::model
