// `twin export`: the scene as 3D Tiles 1.1 + GeoJSON + a CesiumJS page (see WebExport.h).
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <system_error>

#include "CliArgs.h"
#include "twin/analysis/Isochrone.h"
#include "twin/analysis/OutputLayers.h"
#include "twin/analysis/ScenarioAlgebra.h"
#include "twin/analysis/WalkGraph.h"
#include "twin/analysis/WalkReach.h"
#include "twin/app/Cli.h"
#include "twin/app/SceneLoading.h"
#include "twin/app/WebExport.h"
#include "twin/core/Stopwatch.h"
#include "twin/model/Facility.h"

namespace twin::app {

namespace fs = std::filesystem;

const char* const kExportUsage =
    "usage: twin export SCENE -o DIR [--scenario NAME] [--cesium DIR | --no-viewer] [--tile-size METRES]\n"
    "  Writes the twin for the web into DIR: tileset.json and tiles/*.glb (3D Tiles 1.1: the\n"
    "  buildings extruded and coloured by use, one feature per building with the attributes id,\n"
    "  name, use, height, status, life-circle level and walking minutes per level, through\n"
    "  EXT_mesh_features and EXT_structural_metadata), coverage.geojson, facilities.geojson and\n"
    "  isochrones.geojson (5/10/15 min from the start view), and index.html showing them with\n"
    "  CesiumJS copied into DIR/Cesium: it works offline from any static web server, e.g.\n"
    "  `python3 -m http.server -d DIR`. See docs/web-export.md.\n"
    "  --scenario NAME   also the scene file's planning scenario NAME: its proposed buildings,\n"
    "                    coverage after it (level_after, ...), coverage_after.geojson and\n"
    "                    facilities_after.geojson; the page gets a before/after toggle\n"
    "  --cesium DIR      CesiumJS's Build/Cesium folder (default: $TWIN_CESIUM_DIR, else the\n"
    "                    checkout's web/node_modules/cesium/Build/Cesium from\n"
    "                    scripts/install-web-deps.sh)\n"
    "  --no-viewer       write the tiles and GeoJSON only (no index.html, no Cesium)\n"
    "  --tile-size M     grid cell of the tiles in metres (default 500)\n";

namespace {

fs::path executableDir() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::current_path(ec) : exe.parent_path();
}

std::string cssColour(const model::Color& c) {
  char text[8];
  auto byte = [](float v) { return static_cast<int>(std::lround(std::clamp(v, 0.0f, 1.0f) * 255)); };
  std::snprintf(text, sizeof text, "#%02x%02x%02x", byte(c.r), byte(c.g), byte(c.b));
  return text;
}

// The facilities as points: key, category id and label, name.
analysis::OutputLayer facilityLayer(const analysis::CoverageModel& model, const geo::SiteFrame& frame) {
  analysis::OutputLayer layer;
  layer.name = "facilities";
  layer.fields = {{"key", geo::FieldType::String},
                  {"category", geo::FieldType::String},
                  {"category_label", geo::FieldType::String},
                  {"name", geo::FieldType::String}};
  for (const model::Facility& f : model.facilities()) {
    const core::LonLat p = frame.toLonLat(f.position);
    if (!std::isfinite(p.lon) || !std::isfinite(p.lat)) continue;
    char wkt[96];
    std::snprintf(wkt, sizeof wkt, "POINT (%.7f %.7f)", p.lon, p.lat);
    const model::FacilityCategory& c = model.config().categories[f.category];
    const std::string key = model::facilityKey(f);
    layer.features.push_back({wkt, {key.empty() ? std::string("proposed") : key, c.id, c.label, f.name}});
  }
  return layer;
}

bool writeOrReport(const fs::path& path, const analysis::OutputLayer& layer) {
  if (auto w = analysis::writeLayer(path, layer); !w) {
    std::cerr << w.error().message << '\n';
    return false;
  }
  return true;
}

}  // namespace

core::Result<fs::path> findCesium(const std::optional<std::string>& option, const fs::path& executableDir) {
  std::error_code ec;
  auto check = [&](const fs::path& dir, const std::string& from) -> core::Result<fs::path> {
    if (fs::is_regular_file(dir / "Cesium.js", ec)) return fs::absolute(dir, ec);
    return core::fail("twin export: " + from + " " + dir.string() +
                      " has no Cesium.js (expected the Build/Cesium folder of the npm package cesium)");
  };
  if (option) return check(*option, "--cesium");
  if (const char* env = std::getenv("TWIN_CESIUM_DIR"); env && *env) return check(env, "TWIN_CESIUM_DIR");
  for (fs::path dir = executableDir; !dir.empty(); dir = dir.parent_path()) {
    const fs::path candidate = dir / "web" / "node_modules" / "cesium" / "Build" / "Cesium";
    if (fs::is_regular_file(candidate / "Cesium.js", ec)) return candidate;
    if (dir == dir.parent_path()) break;
  }
  return core::fail(
      "twin export: CesiumJS not found: no --cesium DIR, TWIN_CESIUM_DIR is not set, and no "
      "web/node_modules/cesium/Build/Cesium above " +
      executableDir.string() +
      "; run scripts/install-web-deps.sh (npm ci in web/), or export without the page (--no-viewer)");
}

int cmdExport(int argc, char** argv) {
  CliArgs args("export", {"-o", "--scenario", "--cesium", "--tile-size"}, {"--no-viewer", "--help"});
  if (!args.parse(argc, argv)) return args.usageError(args.error());
  if (args.has("--help")) {
    std::cout << kExportUsage;
    return kExitOk;
  }
  if (args.positionals().size() != 1)
    return args.usageError(args.positionals().empty() ? "missing SCENE"
                                                      : "unexpected argument '" + args.positionals()[1] + "'");
  if (!args.has("-o")) return args.usageError("missing -o DIR");
  if (args.has("--no-viewer") && args.has("--cesium"))
    return args.usageError("--cesium and --no-viewer exclude each other");
  scene::WebTilesOptions tileOptions;
  if (auto size = args.value("--tile-size")) {
    char* end = nullptr;
    tileOptions.tileSizeMeters = std::strtod(size->c_str(), &end);
    if (size->empty() || *end != '\0' || !(tileOptions.tileSizeMeters >= 10 && tileOptions.tileSizeMeters <= 100000))
      return args.usageError("--tile-size expects metres in [10, 100000], got '" + *size + "'");
  }
  const fs::path outDir = *args.value("-o");
  const std::string scenePath = args.positionals()[0];
  core::Stopwatch clock;

  // Cesium first: a missing viewer is found before minutes of analysis.
  fs::path cesium;
  if (!args.has("--no-viewer")) {
    auto found = findCesium(args.value("--cesium"), executableDir());
    if (!found) {
      std::cerr << found.error().message << '\n';
      return kExitBadInput;
    }
    cesium = found.value();
  }

  auto loaded = loadScene(scenePath, stderrProgress());
  if (!loaded) {
    std::cerr << loaded.error().message << '\n';
    return kExitBadInput;
  }
  const LoadedScene& scene = loaded.value();
  const model::Site& site = *scene.site;
  std::optional<model::Scenario> scenario;
  if (auto name = args.value("--scenario")) {
    int exitCode = kExitOk;
    scenario = scenarioForCommand("export", scene, scenePath, *name, exitCode);
    if (!scenario) return exitCode;
  }
  auto config = facilityConfigForScene(scene);
  if (!config) {
    std::cerr << config.error().message << '\n';
    return kExitBadInput;
  }

  // Coverage needs streets; a scene without any still exports its buildings.
  core::Diagnostics diag;
  analysis::WalkGraphOptions graphOptions;
  graphOptions.stepsFactor = config.value().walking.stepsFactor;
  if (site.terrain && !site.terrain->empty()) graphOptions.terrain = &*site.terrain;
  const analysis::WalkGraph graph = analysis::buildWalkGraph(site, graphOptions, diag);
  std::unique_ptr<analysis::CoverageModel> before, after;
  if (graph.segmentCount() > 0) {
    before = std::make_unique<analysis::CoverageModel>(graph, site, config.value(),
                                                       model::facilitiesFromPois(site.pois, config.value()), diag);
    if (scenario) {
      after = std::make_unique<analysis::CoverageModel>(*before);
      const std::size_t applied = analysis::applyScenario(*after, *scenario, site.frame, diag);
      std::cout << "scenario '" << scenario->name << "': " << applied << " of "
                << scenario->added.size() + scenario->moved.size() + scenario->removed.size()
                << " facility changes applied, " << scenario->buildings.size() << " proposed buildings\n";
    }
  } else {
    std::cerr << "twin export: " << scenePath << ": no walkable ways; buildings are exported without coverage\n";
  }

  const auto themeIt = scene.config.themes.find("light");
  const model::Theme theme = themeIt != scene.config.themes.end() ? themeIt->second : model::defaultTheme("light");
  scene::WebTilesInput input =
      buildingFeatures(site, theme, before.get(), scenario ? &*scenario : nullptr, after.get());
  input.copyright = "© OpenStreetMap contributors";
  auto tiles = scene::writeWebTiles(input, tileOptions, outDir, diag);
  if (!tiles) {
    std::cerr << tiles.error().message << '\n';
    return kExitBadInput;
  }

  // The start view: the scene's start bookmark, else its first, else the site's extent.
  model::Bookmark view;
  view.target = site.frame.toLonLat(site.extent.empty() ? core::Vec2{} : site.extent.centre());
  view.distanceMeters = std::max(800.0, 1.2 * std::max(site.extent.width(), site.extent.height()));
  for (const model::Bookmark& b : scene.config.bookmarks)
    if (b.name == scene.config.startBookmark ||
        (scene.config.startBookmark.empty() && &b == &scene.config.bookmarks[0]))
      view = b;

  // GeoJSON layers for GIS and the page.
  const geo::SiteFrame frame = site.frame;
  const analysis::ToLonLat toLonLat = [&](core::Vec2 v) { return frame.toLonLat(v); };
  bool isochrones = false;
  if (before) {
    if (!writeOrReport(outDir / "coverage.geojson", analysis::coverageLayer(*before, site, toLonLat)) ||
        !writeOrReport(outDir / "facilities.geojson", facilityLayer(*before, frame)))
      return kExitBadInput;
    if (after && (!writeOrReport(outDir / "coverage_after.geojson", analysis::coverageLayer(*after, site, toLonLat)) ||
                  !writeOrReport(outDir / "facilities_after.geojson", facilityLayer(*after, frame))))
      return kExitBadInput;
    const model::WalkingConfig& walking = config.value().walking;
    auto reach =
        analysis::walkReach(graph, frame.toLocal(view.target), 15 * 60, walking.speedMps, walking.maxSnapMeters);
    if (reach) {
      analysis::IsochroneOptions isoOptions;
      isoOptions.walkOffMeters = walking.walkOffMeters;
      const auto bands = analysis::isochronePolygons(graph, reach.value(), {300, 600, 900}, isoOptions);
      if (!writeOrReport(outDir / "isochrones.geojson", analysis::isochroneLayer(bands, toLonLat)))
        return kExitBadInput;
      isochrones = true;
    } else {
      std::cerr << "twin export: no isochrones: " << reach.error().message << '\n';
    }
  }

  if (!cesium.empty()) {
    std::error_code ec;
    fs::remove_all(outDir / "Cesium", ec);
    fs::copy(cesium, outDir / "Cesium", fs::copy_options::recursive | fs::copy_options::overwrite_existing, ec);
    if (ec) {
      std::cerr << "twin export: cannot copy " << cesium.string() << " to " << (outDir / "Cesium").string() << ": "
                << ec.message() << '\n';
      return kExitBadInput;
    }
    WebPage page;
    page.title = scene.config.name.empty() ? fs::path(scenePath).stem().string() : scene.config.name;
    page.titleEn = fs::path(scenePath).stem().string();
    page.view = view;
    page.attributions = site.attributions;
    for (int u = 0; u < model::kBuildingUseCount; ++u) {
      const std::string name = model::buildingUseName(static_cast<model::BuildingUse>(u));
      auto it = theme.buildingUse.find(name);
      if (it == theme.buildingUse.end()) it = theme.buildingUse.find("other");
      page.useColours.emplace_back(name, it != theme.buildingUse.end() ? cssColour(it->second) : "#bfbfc7");
    }
    if (scenario) {
      page.scenarioName = scenario->name;
      page.scenarioLabel = scenario->label.empty() ? scenario->name : scenario->label;
    }
    page.isochrones = isochrones;
    page.facilities = before != nullptr;
    char origin[64];
    std::snprintf(origin, sizeof origin, "%.4f, %.4f", view.target.lon, view.target.lat);
    page.isochroneOrigin = origin;
    if (auto w = analysis::writeTextFile((outDir / "index.html").string(), webPageHtml(page)); !w) {
      std::cerr << w.error().message << '\n';
      return kExitBadInput;
    }
  }

  std::uintmax_t totalBytes = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(outDir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec))
    if (it->is_regular_file(ec)) totalBytes += it->file_size(ec);
  char line[512];
  std::snprintf(
      line, sizeof line, "exported %zu buildings (%zu volumes, %zu triangles) in %zu tiles: %.2f MB of tiles; %s\n",
      tiles.value().features, tiles.value().volumes, tiles.value().triangles, tiles.value().tiles,
      double(tiles.value().bytes) / 1e6, cesium.empty() ? "no viewer (--no-viewer)" : "index.html with CesiumJS");
  std::cout << line;
  std::snprintf(line, sizeof line, "wrote %s: %.1f MB in %.1f s\n", outDir.string().c_str(), double(totalBytes) / 1e6,
                clock.elapsedMs() / 1000);
  std::cout << line;
  const auto items = diag.items();
  for (std::size_t i = 0; i < items.size() && i < 10; ++i) std::cerr << core::formatDiagnostic(items[i]) << '\n';
  if (diag.total() > 10) std::cerr << "and " << diag.total() - 10 << " more diagnostics\n";
  return kExitOk;
}

}  // namespace twin::app
