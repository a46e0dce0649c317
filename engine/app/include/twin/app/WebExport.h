// `twin export SCENE -o DIR`: the twin for the web. 3D Tiles 1.1 (scene::writeWebTiles()) of the
// scene's buildings with their attributes and life-circle coverage, the coverage, isochrones and
// facilities as GeoJSON, and an index.html that shows them with CesiumJS copied beside it, so that
// the folder works offline from any static web server.
//
// Index: kExportUsage, cmdExport(), findCesium(), buildingFeatures(), WebPage, webPageHtml().
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "twin/analysis/Coverage.h"
#include "twin/core/Result.h"
#include "twin/model/Scenario.h"
#include "twin/model/SceneConfig.h"
#include "twin/model/Site.h"
#include "twin/scene/WebTiles.h"

namespace twin::app {

extern const char* const kExportUsage;

/** `twin export`; argv[0] is the command name. Returns kExitOk, kExitBadInput (the message names
    the file and what is wrong) or kExitUsage. */
int cmdExport(int argc, char** argv);

/** The folder of CesiumJS's built files (the one holding Cesium.js): `option` (--cesium DIR) when
    given, else $TWIN_CESIUM_DIR when set and not empty, else web/node_modules/cesium/Build/Cesium
    in the checkout (the first ancestor of `executableDir` that has it). Error naming each place
    tried, and how to install it (scripts/install-web-deps.sh) or do without (--no-viewer); a
    given folder without Cesium.js is an error of its own. */
core::Result<std::filesystem::path> findCesium(const std::optional<std::string>& option,
                                               const std::filesystem::path& executableDir);

/** The features of the web tiles: one row per building of `site` (feature i = building i), then
    one per proposed building of `scenario` (when given), with the columns
      id ("way/123"; "proposed/1" for a scenario's), name, use (model::buildingUseName()),
      height (m above its base), status ("existing" or "proposed"),
      level, minutes_5, minutes_10, minutes_15 from `before` (residential buildings: the highest
      life-circle level met with every lower one, 0 = none, and for each level the walking
      minutes to the farthest of its required categories; no value for other buildings, a
      building off the walk network or a category not reached),
    and with a scenario also level_after, minutes_5_after, ... from `after`. Volumes: each
    building, or its building:part volumes when it has some, standing on its base
    (baseElevationMeters), coloured by use from `theme`; a proposed building stands on the
    ground (the terrain's lowest point under it) coloured as residential. */
scene::WebTilesInput buildingFeatures(const model::Site& site, const model::Theme& theme,
                                      const analysis::CoverageModel* before, const model::Scenario* scenario,
                                      const analysis::CoverageModel* after);

/** What the page shows (all text as UTF-8). */
struct WebPage {
  std::string title;                      // the scene's name (Chinese)
  std::string titleEn;                    // the same in English (the scene file's name when none)
  model::Bookmark view;                   // the first view
  std::vector<std::string> attributions;  // data credits; "© OpenStreetMap contributors" always shown
  std::vector<std::pair<std::string, std::string>> useColours;  // use name -> CSS colour "#rrggbb"
  std::string scenarioName, scenarioLabel;                      // empty without --scenario
  bool isochrones = false;                                      // isochrones.geojson was written
  bool facilities = false;                                      // facilities(_after).geojson were written
  std::string isochroneOrigin;                                  // "120.2380, 30.2358" (shown in the legend)
};

/** The index.html of an export: CesiumJS from ./Cesium/ (no Cesium ion, no online imagery or
    terrain: a plain globe), the tileset ./tileset.json, the GeoJSON layers beside it, Chinese UI
    with an English toggle, a click on a building listing its properties, a colour toggle (use /
    life-circle level), with a scenario a before/after toggle (proposed buildings and coverage),
    and a status element (id "status") whose data-state becomes "ready" once the tileset's first
    tiles are loaded, or "error" with the message. */
std::string webPageHtml(const WebPage& page);

}  // namespace twin::app
