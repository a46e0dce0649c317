// The scene file: the one description of a twin (scenes/<name>.json).
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "twin/core/Geometry.h"
#include "twin/core/Result.h"
#include "twin/geo/ChineseCoordinates.h"

namespace twin::model {

/** RGBA in [0, 1]; the file writes "#rrggbb" or "#rrggbbaa". */
struct Color {
  float r = 1, g = 1, b = 1, a = 1;
};

/** Layer key "stream": the layer is not read when the scene opens but by the view's extent, tile
    by tile, as the camera moves (model::ExtentLoader; scene::SiteScene draws the tiles): for a
    city's buildings table too large to load whole. `true` takes the defaults. */
struct StreamConfig {
  double tileMeters = 500;     // "tile_m" in [50, 10000]: side of the square tiles read one at a time
  double radiusMeters = 1500;  // "radius_m" in [50, 50000]: tiles meeting this disc round the view are read
  std::size_t maxTiles = 64;   // "max_tiles" in [1, 4096]: held at most; the farthest beyond it are dropped
};

struct LayerConfig {
  std::string id;                      // unique within the scene
  std::string source;                  // absolute path (resolved against the scene file's folder) or connection string
  std::vector<std::string> ogrLayers;  // OGR layers to read; empty = all
  std::optional<std::string> crs;      // the source's CRS when it has none or it is wrong
  geo::LonLatDatum datum =
      geo::LonLatDatum::Wgs84;                // scene key "datum": "wgs84", "gcj02", "bd09";
                                              // the datum of lon/lat sources (a projected source must keep wgs84)
  std::string role = "auto";                  // "auto" (classify by tags), "buildings", "roads", "pois"
  std::map<std::string, std::string> fields;  // for non-OSM sources: our key -> source field,
                                              // keys "height", "levels", "name", "use", "min_height"
  std::string attribution;                    // shown in the UI, e.g. "© OpenStreetMap contributors"
  bool visible = true;
  std::optional<StreamConfig> stream;  // "stream": read by the view's extent (role "buildings" only)
};

struct HeightRules {
  double storeyMeters = 3.0;               // metres per building:levels
  std::map<std::string, double> defaults;  // building=* value -> height in metres; key "*" is the fallback
  double maxPlausibleMeters = 650;         // above this a tagged height is rejected (reported)
};

struct Bookmark {
  std::string name;     // id used on the command line (--bookmark NAME)
  std::string label;    // shown in the UI (Chinese allowed)
  std::string labelEn;  // "label_en": the label in English; empty = `label` in both languages
  core::LonLat target;  // point looked at
  double targetHeightMeters = 0;
  double distanceMeters = 800;  // eye distance from the target
  double headingDegrees = 0;    // 0 = looking north, 90 = looking east
  double pitchDegrees = 45;     // 90 = straight down
};

/** "carousel": the big screen's unattended tour (ui::Carousel). */
struct CarouselConfig {
  bool enabled = false;            // "enabled"; true when the key is given and says nothing else
  double intervalSeconds = 20;     // "interval_s" in [2, 3600]: between two stops
  double idleSeconds = 60;         // "idle_s" in [1, 86400]: no input this long before it resumes
  std::vector<std::string> stops;  // "stops": bookmark names in order; empty = every bookmark
};

struct Theme {
  std::string name;  // "dark" or "light"
  Color background, ground, roads, roadCasing, labels, poi;
  std::map<std::string, Color> buildingUse;  // key: buildingUseName()
};

/** Scene key "terrain": a DEM draped under the site (geo::readDem()). */
struct TerrainConfig {
  std::string source;               // absolute path (resolved like layer sources) or a /vsi path
  double resolutionMeters = 30;     // "resolutionMeters", in (0, 10000]
  double verticalOffsetMeters = 0;  // "verticalOffset", added to every height, in [-10000, 10000]
  double marginMeters = 200;        // "marginMeters", ground beyond the site extent, in [0, 100000]
  std::string attribution;          // "attribution", shown in the UI, e.g. "SRTM data courtesy of NASA / USGS"
};

struct SceneConfig {
  std::filesystem::path file;  // the scene file itself
  std::string name;            // display name
  core::LonLat origin;         // site origin
  std::string frameCrs = "local-tm";
  std::optional<core::Box2> clipLonLat;  // drop features wholly outside (lon as x, lat as y)
  std::vector<LayerConfig> layers;
  HeightRules heights;
  std::vector<Bookmark> bookmarks;
  std::string startBookmark;            // empty = first bookmark, or frame the site
  std::map<std::string, Theme> themes;  // "dark" and "light" always present (defaults filled in)
  std::string theme = "dark";
  std::string language = "zh-CN";             // "zh-CN" or "en"
  double uiScale = 0;                         // "ui.scale": panel scale in [0.5, 4]; 0 = follow the display height
  CarouselConfig carousel;                    // "carousel"; off when the key is absent
  std::map<std::string, bool> visibleLayers;  // "buildings", "roads", "pois", "labels", "ground"
  std::optional<TerrainConfig> terrain;       // parsed "terrain" (its raw text is also in sections)
  bool allowNetwork = false;                  // "allow_network": the scene may name network sources (DataAccess.h)
  /** Sections owned by other modules, kept as their raw JSON text for those modules to parse:
      keys "mqtt", "sensors", "alert_rules", "alerts", "facilities", "walking", "tours",
      "terrain", "models", "analysis", "scenarios", "sunlight" (model::parseSensorConfig() and parseFacilityConfig()
      read the file themselves). */
  std::map<std::string, std::string> sections;
};

/** Reads a scene file. Never throws. Error text names the file (its name, not the path) and
    the key, e.g. "model::loadSceneConfig(): x.json: key 'site.origin.lon': expected a number,
    got \"abc\"". Unknown keys are errors at every level (typos); keys starting with "_" are
    comments and ignored. Missing optional keys get defaults (documented in scenes/README.md):
    the height table is merged over a built-in one, themes "dark" and "light" always exist,
    visibleLayers are all true, and a missing site.origin is the centre of site.clip, else of
    the layers' extent (the only case that reads data). Layer paths are resolved relative to the
    scene file's folder; connection strings ("PG:...") and /vsi paths are kept as given. Each
    source must pass model::sourceProblem() with the process's dataAccess(), else an error
    naming the key, e.g. "model::loadSceneConfig(): x.json: key 'layers[0].source': '/etc/x' is
    outside the scene's data folders (...); allow its folder with --data-root DIR or TWIN_DATA_ROOTS=DIR".
    Untrusted input: the file must be a regular file of at most core::kSceneFileLimit (else
    "...: not a regular file (a FIFO)", "...: is N bytes, over the limit of ..."), and JSON nested
    deeper than core::kMaxJsonDepth is refused before it is parsed ("...: JSON nested deeper than
    256 levels (the limit for files read from outside)"). */
core::Result<SceneConfig> loadSceneConfig(const std::filesystem::path& file);

/** Parses scene JSON text; `file` is used for messages and relative paths. Same errors as
    loadSceneConfig() (they name "model::loadSceneConfig()"). */
core::Result<SceneConfig> parseSceneConfig(const std::string& jsonText, const std::filesystem::path& file);

/** A scene for a bare data file (`twin info FILE`): one auto layer, origin at the centre of the
    data's extent (for OSM files the <bounds>/header box), default rules and themes, one
    "overview" bookmark. Error "model::defaultSceneForDataFile(): geo::vectorExtentLonLat(): ..."
    when the data cannot be opened. */
core::Result<SceneConfig> defaultSceneForDataFile(const std::string& source);

/** The built-in themes (dark "command centre": navy background, buildings by use in cool
    blues with cyan/amber accents; light "print"), used to fill gaps. Any name other than
    "light" gives the dark colours under that name. */
Theme defaultTheme(const std::string& name);

}  // namespace twin::model
