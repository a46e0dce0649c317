#include "twin/app/AnalysisCommands.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <filesystem>
#include <optional>
#include <set>
#include <sstream>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "CliArgs.h"
#include "twin/app/MonitorView.h"
#include "twin/geo/ChineseCoordinates.h"
#include "twin/geo/VectorReader.h"
#include "twin/alerts/AlertStore.h"
#include "twin/geo/VectorWriter.h"
#include "twin/analysis/Coverage.h"
#include "twin/analysis/Indicators.h"
#include "twin/analysis/Isochrone.h"
#include "twin/analysis/OutputLayers.h"
#include "twin/analysis/ScenarioAlgebra.h"
#include "twin/analysis/Tod.h"
#include "twin/app/Cli.h"
#include "twin/app/SceneLoading.h"
#include "twin/core/TextFormat.h"
#include "twin/model/Facility.h"
#include "twin/model/Scenario.h"
#include "twin/model/Sensor.h"
#include "twin/sensors/Replay.h"
#include "twin/ui/CoveragePanel.h"

namespace twin::app {

const char* const kIsochroneUsage =
    "usage: twin isochrone SCENE|--osm FILE --from LON,LAT -o ISO.geojson|.gpkg|.csv [--minutes 5,10,15]\n"
    "                      [--speed-mps 1.2 | --elderly] [--nodes NODES.csv]\n"
    "  Walking isochrones along the street network from one point: one MultiPolygon (WGS84) per\n"
    "  band with fields minutes and area_m2, as GeoJSON, GeoPackage or CSV (geometry as WKT),\n"
    "  by the extension of -o.\n"
    "  --from LON,LAT  WGS84 origin; it snaps to the nearest walkable way (scene walking.max_snap_m)\n"
    "  --minutes LIST  ascending band limits in minutes (default 5,10,15)\n"
    "  --speed-mps V   walking speed (default: the scene's walking.speed_mps, else 1.2)\n"
    "  --elderly       use the scene's slower walking.elderly_speed_mps (default 0.8)\n"
    "  --nodes FILE    CSV osm_node_id,seconds for every reached OSM node (needs an OSM layer: .osm or .osm.pbf)\n";
const char* const kCoverageUsage =
    "usage: twin coverage SCENE -o COVERAGE.csv|.geojson|.gpkg [--geojson COVERAGE.geojson]\n"
    "                     [--summary SUMMARY.csv] [--elderly] [--scenario NAME]\n"
    "  Walking minutes from every residential building to the nearest facility of each GB 50180\n"
    "  life-circle category, the 5/10/15-minute levels met and the categories that block each\n"
    "  level; prints the summary table. -o: one building footprint per row with typed fields\n"
    "  (CSV: geometry as a first column WKT), by its extension.\n"
    "  --scenario NAME  apply the scene file's planning scenario NAME (key \"scenarios\"): the\n"
    "                   outputs describe the scenario; prints the before/after figures\n";
const char* const kTodUsage =
    "usage: twin tod SCENE -o TOD.csv|.geojson|.gpkg [--radii 500,800]\n"
    "  For each rail/metro station (and its entrances): buildings, floor area, residents,\n"
    "  facilities and pedshed ratio within the walking catchments (metres along the network).\n"
    "  -o gets one catchment polygon per station and radius; the stations and their entrances\n"
    "  go as points to TOD_stations.<ext> beside it.\n";

const char* const kIndicatorsUsage =
    "usage: twin indicators SCENE [--json] [--alerts-db FILE]\n"
    "  The nine-scenario indicators (九大场景: 邻里 教育 健康 创业 建筑 交通 低碳 服务 治理) computed\n"
    "  from the scene's own data: life-circle coverage of residents, the building stock, POIs,\n"
    "  the power sensors' recorded readings and the alert log. An indicator the data cannot\n"
    "  support has no value and says why. Formulas and standards: docs/indicators.md.\n"
    "  --json           {\"scenarios\":[{\"id\",\"name\",\"name_en\",\"indicators\":[{\"id\",\"name\",\"name_en\",\n"
    "                   \"value\",\"unit\",\"source\",\"source_en\",\"why_missing\",\"why_missing_en\"}]}]}\n"
    "                   (value null when missing; source and why_missing in Chinese, _en in English)\n"
    "  --alerts-db FILE the alert log to read (default: the one `twin run` writes); it is never created\n";

analysis::WalkGraph sceneWalkGraph(const LoadedScene& scene, const model::FacilityConfig& config,
                                   core::Diagnostics& diag, analysis::WalkGraphStats* stats) {
  analysis::WalkGraphOptions options;
  options.stepsFactor = config.walking.stepsFactor;
  // With a DEM, grades are read from the terrain every terrain cell, not only at way vertices.
  if (scene.site->terrain && !scene.site->terrain->empty()) options.terrain = &*scene.site->terrain;
  return analysis::buildWalkGraph(*scene.site, options, diag, stats);
}

namespace {

struct Prepared {
  LoadedScene scene;
  model::FacilityConfig config;
  analysis::WalkGraph graph;
  core::Diagnostics diag;
};

// The -o check shared by the analyses: the format follows the extension.
bool knownOutput(const std::string& path) { return geo::isVectorOutputPath(path); }
const char* const kOutputFormats = "expects a file ending .csv, .geojson or .gpkg";

bool parseList(const std::string& text, std::vector<double>& out) {
  out.clear();
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    char* end = nullptr;
    const double v = std::strtod(item.c_str(), &end);
    if (item.empty() || *end != '\0' || !std::isfinite(v)) return false;
    out.push_back(v);
  }
  return !out.empty();
}

// `quiet`: no progress or walk-graph figures on stderr (the viewer computes the indicators on a
// thread of its own while it draws).
core::Result<Prepared> prepare(const std::string& path, bool quiet = false) {
  auto loaded = loadScene(path, quiet ? core::ProgressFn() : stderrProgress());
  if (!loaded) return loaded.error();
  Prepared p;
  p.scene = std::move(loaded).value();
  auto config = facilityConfigForScene(p.scene);
  if (!config) return config.error();
  p.config = std::move(config).value();
  const bool terrain = p.scene.site->terrain && !p.scene.site->terrain->empty();
  analysis::WalkGraphStats stats;
  p.graph = sceneWalkGraph(p.scene, p.config, p.diag, &stats);
  if (p.graph.segmentCount() == 0)
    return core::fail("twin: " + path + ": no walkable ways in the scene (" +
                      std::to_string(p.scene.site->roads.size()) + " roads read)");
  if (quiet) return p;
  std::fprintf(stderr, "walk graph: %zu nodes, %zu segments, %.1f km, %zu parts%s", stats.nodes, stats.segments,
               stats.totalLengthMeters / 1000, stats.components, terrain ? ", Tobler slope from the terrain" : "");
  if (stats.areasUsed)
    std::fprintf(stderr, "; %zu pedestrian areas crossed by %zu of the segments", stats.areasUsed, stats.areaSegments);
  std::fprintf(stderr, "\n");
  return p;
}

void reportDiagnostics(const core::Diagnostics& diag) {
  const auto items = diag.items();
  for (std::size_t i = 0; i < items.size() && i < 10; ++i) std::cerr << core::formatDiagnostic(items[i]) << '\n';
  if (diag.total() > 10) std::cerr << "and " << diag.total() - 10 << " more analysis diagnostics\n";
}

// OSM node ids of the scene's OSM layers (.osm XML and .osm.pbf), by position: the loader gives
// way geometry without node ids, so every node is read once and matched by projected position.
std::size_t attachOsmNodeIds(Prepared& p, std::string& error) {
  std::vector<std::pair<std::int64_t, core::Vec2>> nodes;
  bool anyOsm = false;
  for (const model::LayerConfig& layer : p.scene.config.layers) {
    const std::string name = std::filesystem::path(layer.source).filename().string();
    const bool osm = (name.size() > 4 && name.compare(name.size() - 4, 4, ".osm") == 0) ||
                     (name.size() > 4 && name.compare(name.size() - 4, 4, ".pbf") == 0);
    if (!osm) continue;
    anyOsm = true;
    auto read = geo::readOsmNodes(layer.source);
    if (!read) {
      error = "twin isochrone: --nodes: " + read.error().message;
      return 0;
    }
    for (const geo::OsmNode& n : *read) {
      const core::LonLat wgs = geo::convertLonLat(n.position, layer.datum, geo::LonLatDatum::Wgs84);
      nodes.emplace_back(n.id, p.scene.site->frame.toLocal(wgs));
    }
  }
  if (!anyOsm) {
    error =
        "twin isochrone: --nodes needs OSM node ids, which come from OSM layers (.osm, .osm.pbf); this scene has none";
    return 0;
  }
  return p.graph.assignOsmNodeIds(nodes, 0.05);
}

}  // namespace

int cmdIsochrone(int argc, char** argv) {
  CliArgs args("isochrone", {"--osm", "--from", "--minutes", "--speed-mps", "-o", "--nodes"}, {"--elderly", "--help"});
  if (!args.parse(argc, argv)) return args.usageError(args.error());
  if (args.has("--help")) {
    std::cout << kIsochroneUsage;
    return kExitOk;
  }
  const bool osm = args.has("--osm");
  if (osm && !args.positionals().empty()) return args.usageError("give SCENE or --osm FILE, not both");
  if (!osm && args.positionals().size() != 1)
    return args.usageError(args.positionals().empty() ? "missing SCENE or --osm FILE"
                                                      : "unexpected argument '" + args.positionals()[1] + "'");
  if (!args.has("--from")) return args.usageError("missing --from LON,LAT");
  if (!args.has("-o")) return args.usageError("missing -o ISO.geojson");
  core::LonLat from;
  if (!parseLonLat(*args.value("--from"), from))
    return args.usageError("--from expects LON,LAT in degrees, got '" + *args.value("--from") + "'");
  std::vector<double> minutes{5, 10, 15};
  if (args.has("--minutes")) {
    if (!parseList(*args.value("--minutes"), minutes))
      return args.usageError("--minutes expects a list such as 5,10,15, got '" + *args.value("--minutes") + "'");
    for (std::size_t i = 0; i < minutes.size(); ++i)
      if (!(minutes[i] > 0 && minutes[i] <= 240) || (i && minutes[i] <= minutes[i - 1]))
        return args.usageError("--minutes must ascend, each in (0, 240]");
  }
  double speed = 0;
  if (args.has("--speed-mps")) {
    std::vector<double> v;
    if (!parseList(*args.value("--speed-mps"), v) || v.size() != 1 || !(v[0] > 0 && v[0] < 10))
      return args.usageError("--speed-mps expects a speed in (0, 10) m/s");
    speed = v[0];
    if (args.has("--elderly")) return args.usageError("give --speed-mps or --elderly, not both");
  }

  if (!knownOutput(*args.value("-o")))
    return args.usageError(std::string("-o ") + kOutputFormats + ", got '" + *args.value("-o") + "'");

  const std::string source = osm ? *args.value("--osm") : args.positionals()[0];
  auto prepared = prepare(source);
  if (!prepared) {
    std::cerr << prepared.error().message << '\n';
    return kExitBadInput;
  }
  Prepared& p = prepared.value();
  if (speed == 0) speed = args.has("--elderly") ? p.config.walking.elderlySpeedMps : p.config.walking.speedMps;
  const core::Vec2 origin = p.scene.site->frame.toLocal(from);
  char where[96];
  std::snprintf(where, sizeof where, "%.6f,%.6f", from.lon, from.lat);
  const double maxSnap = p.config.walking.maxSnapMeters;
  core::Box2 data = p.graph.bounds();
  data.add(p.scene.site->extent);
  if (!core::isFinite(origin) || origin.x < data.minX - maxSnap || origin.x > data.maxX + maxSnap ||
      origin.y < data.minY - maxSnap || origin.y > data.maxY + maxSnap) {
    std::cerr << "twin isochrone: origin " << where << " lies outside the data of " << source << '\n';
    return kExitBadInput;
  }
  auto reach = analysis::walkReach(p.graph, origin, minutes.back() * 60, speed, maxSnap);
  if (!reach) {
    std::cerr << "twin isochrone: origin " << where << " is off the walk network: " << reach.error().message << '\n';
    return kExitBadInput;
  }
  std::vector<double> limits;
  for (double m : minutes) limits.push_back(m * 60);
  analysis::IsochroneOptions iso;
  iso.walkOffMeters = p.config.walking.walkOffMeters;
  const auto bands = analysis::isochronePolygons(p.graph, *reach, limits, iso);
  const geo::SiteFrame frame = p.scene.site->frame;
  const std::string out = *args.value("-o");
  if (auto w =
          analysis::writeLayer(out, analysis::isochroneLayer(bands, [&](core::Vec2 v) { return frame.toLonLat(v); }));
      !w) {
    std::cerr << w.error().message << '\n';
    return kExitBadInput;
  }
  for (const auto& b : bands) std::printf("%6.1f min  %12.0f m2\n", b.limit / 60, b.areaM2);
  std::printf("wrote %s (%zu nodes reached)\n", out.c_str(), reach->reached.size());

  if (args.has("--nodes")) {
    std::string error;
    const std::size_t withIds = attachOsmNodeIds(p, error);
    if (!error.empty()) {
      std::cerr << error << '\n';
      return kExitBadInput;
    }
    std::string csv = "osm_node_id,seconds\n";
    std::size_t rows = 0;
    for (analysis::NodeId n : reach->reached)
      if (const std::int64_t id = p.graph.osmNodeId(n)) {
        char line[64];
        std::snprintf(line, sizeof line, "%lld,%.2f\n", static_cast<long long>(id), reach->value[n]);
        csv += line;
        ++rows;
      }
    if (auto w = analysis::writeTextFile(*args.value("--nodes"), csv); !w) {
      std::cerr << w.error().message << '\n';
      return kExitBadInput;
    }
    std::printf("wrote %s (%zu OSM nodes; %zu of %zu graph nodes matched an OSM node)\n",
                args.value("--nodes")->c_str(), rows, withIds, p.graph.nodeCount());
  }
  reportDiagnostics(p.diag);
  return kExitOk;
}

int cmdCoverage(int argc, char** argv) {
  CliArgs args("coverage", {"-o", "--geojson", "--summary", "--scenario"}, {"--elderly", "--help"});
  if (!args.parse(argc, argv)) return args.usageError(args.error());
  if (args.has("--help")) {
    std::cout << kCoverageUsage;
    return kExitOk;
  }
  if (args.positionals().size() != 1)
    return args.usageError(args.positionals().empty() ? "missing SCENE"
                                                      : "unexpected argument '" + args.positionals()[1] + "'");
  if (!args.has("-o")) return args.usageError("missing -o COVERAGE.csv");
  if (!knownOutput(*args.value("-o")))
    return args.usageError(std::string("-o ") + kOutputFormats + ", got '" + *args.value("-o") + "'");
  auto prepared = prepare(args.positionals()[0]);
  if (!prepared) {
    std::cerr << prepared.error().message << '\n';
    return kExitBadInput;
  }
  Prepared& p = prepared.value();
  const model::Site& site = *p.scene.site;
  const double speed = args.has("--elderly") ? p.config.walking.elderlySpeedMps : p.config.walking.speedMps;
  analysis::CoverageModel cov(p.graph, site, p.config, model::facilitiesFromPois(site.pois, p.config), p.diag, 30.0,
                              speed);
  std::optional<analysis::CoverageSummary> before;
  if (auto name = args.value("--scenario")) {
    int exitCode = kExitOk;
    const std::optional<model::Scenario> chosen =
        scenarioForCommand("coverage", p.scene, args.positionals()[0], *name, exitCode);
    if (!chosen) return exitCode;
    before = cov.summary();
    const std::size_t applied = analysis::applyScenario(cov, *chosen, site.frame, p.diag);
    std::cout << "scenario '" << chosen->name << "'" << (chosen->label.empty() ? "" : " ") << chosen->label << ": "
              << applied << " of " << chosen->added.size() + chosen->moved.size() + chosen->removed.size()
              << " changes applied\n";
  }
  const geo::SiteFrame siteFrame = site.frame;
  const analysis::ToLonLat toLonLat = [&](core::Vec2 v) { return siteFrame.toLonLat(v); };
  if (auto w = analysis::writeLayer(*args.value("-o"), analysis::coverageLayer(cov, site, toLonLat)); !w) {
    std::cerr << w.error().message << '\n';
    return kExitBadInput;
  }
  if (args.has("--geojson")) {
    const geo::SiteFrame frame = site.frame;
    auto w =
        analysis::writeTextFile(*args.value("--geojson"),
                                analysis::coverageGeoJson(cov, site, [&](core::Vec2 v) { return frame.toLonLat(v); }));
    if (!w) {
      std::cerr << w.error().message << '\n';
      return kExitBadInput;
    }
  }
  const std::string summary = analysis::coverageSummaryCsv(cov);
  if (args.has("--summary"))
    if (auto w = analysis::writeTextFile(*args.value("--summary"), summary); !w) {
      std::cerr << w.error().message << '\n';
      return kExitBadInput;
    }
  const analysis::CoverageSummary s = cov.summary();
  std::printf("%zu residential buildings (%zu off the walk network), %.0f estimated residents, at %.2f m/s\n",
              s.buildings, s.buildingsOffNetwork, s.residents, speed);
  for (std::size_t c = 0; c < p.config.categories.size(); ++c) {
    const auto& cat = p.config.categories[c];
    const double share = s.buildings ? 100.0 * s.categories[c].buildingsCovered / s.buildings : 0;
    std::printf("  %-18s %2d min  %3zu facilities  %5.1f%% of buildings  %s\n", cat.id.c_str(), cat.levelMinutes,
                s.categories[c].facilities, share, std::string(static_cast<std::size_t>(share / 5), '#').c_str());
  }
  for (const auto& l : s.levels) {
    std::printf("  level %2d min met by %zu buildings (%.0f residents)", l.minutes, l.buildingsMet, l.residentsMet);
    // Why the others fail: each blocking category with the number of buildings it blocks.
    std::string why;
    for (const auto& [id, n] : l.blockedBy) {
      if (why.size() > 200) {
        why += ", ...";
        break;
      }
      why += (why.empty() ? "" : ", ") + id + " " + std::to_string(n);
    }
    std::printf("%s%s\n", why.empty() ? "" : "; blocked by ", why.c_str());
  }
  std::printf("%zu buildings have gaps; wrote %s\n", s.gaps.size(), args.value("-o")->c_str());
  if (before) {
    // std::cout (not printf) so that the figures can be captured by the in-process CLI tests.
    const ui::CoverageComparison c = ui::compareCoverage(*before, s, p.config);
    char line[256];
    std::cout << "before/after (buildings covered):\n";
    for (const ui::CategoryComparison& row : c.categories)
      if (row.facilities.delta() != 0 || row.buildingsCovered.delta() != 0) {
        std::snprintf(line, sizeof line,
                      "  %-18s facilities %3lld -> %3lld  buildings %5lld -> %5lld (%+lld)  residents %+.0f\n",
                      row.id.c_str(), row.facilities.before, row.facilities.after, row.buildingsCovered.before,
                      row.buildingsCovered.after, row.buildingsCovered.delta(), row.residentsCovered.delta());
        std::cout << line;
      }
    for (const ui::LevelComparison& l : c.levels) {
      std::snprintf(line, sizeof line, "  level %2d min met by %lld -> %lld buildings (%+lld), residents %+.0f\n",
                    l.minutes, l.buildingsMet.before, l.buildingsMet.after, l.buildingsMet.delta(),
                    l.residentsMet.delta());
      std::cout << line;
    }
    std::cout << "  buildings with gaps " << c.gaps.before << " -> " << c.gaps.after << '\n';
    std::cout.flush();
  }
  reportDiagnostics(p.diag);
  return kExitOk;
}

int cmdTod(int argc, char** argv) {
  CliArgs args("tod", {"-o", "--radii"}, {"--help"});
  if (!args.parse(argc, argv)) return args.usageError(args.error());
  if (args.has("--help")) {
    std::cout << kTodUsage;
    return kExitOk;
  }
  if (args.positionals().size() != 1)
    return args.usageError(args.positionals().empty() ? "missing SCENE"
                                                      : "unexpected argument '" + args.positionals()[1] + "'");
  if (!args.has("-o")) return args.usageError("missing -o TOD.csv");
  if (!knownOutput(*args.value("-o")))
    return args.usageError(std::string("-o ") + kOutputFormats + ", got '" + *args.value("-o") + "'");
  std::vector<double> radii{500, 800};
  if (args.has("--radii")) {
    if (!parseList(*args.value("--radii"), radii))
      return args.usageError("--radii expects a list such as 500,800, got '" + *args.value("--radii") + "'");
    for (std::size_t i = 0; i < radii.size(); ++i)
      if (!(radii[i] > 0 && radii[i] <= 5000) || (i && radii[i] <= radii[i - 1]))
        return args.usageError("--radii must ascend, each in (0, 5000] metres");
  }
  auto prepared = prepare(args.positionals()[0]);
  if (!prepared) {
    std::cerr << prepared.error().message << '\n';
    return kExitBadInput;
  }
  Prepared& p = prepared.value();
  const auto stations = analysis::findStations(*p.scene.site);
  if (stations.empty()) {
    std::cerr << "twin tod: " << args.positionals()[0]
              << ": no rail or metro station (railway=station|halt) in the scene\n";
    return kExitBadInput;
  }
  const auto results = analysis::todCatchments(p.graph, *p.scene.site, p.config, stations, radii, p.diag);
  const geo::SiteFrame frame = p.scene.site->frame;
  const analysis::ToLonLat toLonLat = [&](core::Vec2 v) { return frame.toLonLat(v); };
  const std::filesystem::path out = *args.value("-o");
  const std::filesystem::path stationsOut = analysis::siblingPath(out, "stations");
  if (auto w = analysis::writeLayer(out, analysis::todCatchmentLayer(results, p.config, toLonLat)); !w) {
    std::cerr << w.error().message << '\n';
    return kExitBadInput;
  }
  if (auto w = analysis::writeLayer(stationsOut, analysis::todStationLayer(results, toLonLat)); !w) {
    std::cerr << w.error().message << '\n';
    return kExitBadInput;
  }
  for (const auto& r : results)
    for (const auto& c : r.catchments)
      std::printf("%s %4.0f m: %zu buildings, %.0f m2 floor, %.0f residents, pedshed %.2f\n",
                  r.station.name.empty() ? "(unnamed)" : r.station.name.c_str(), c.radiusMeters, c.buildings,
                  c.floorAreaM2, c.residents, c.pedshedRatio);
  std::printf("wrote %s and %s\n", out.string().c_str(), stationsOut.string().c_str());
  reportDiagnostics(p.diag);
  return kExitOk;
}

analysis::OperationsFacts operationsFacts(const LoadedScene& scene, const std::filesystem::path& alertsDb) {
  analysis::OperationsFacts ops;
  model::SensorConfig sensors;
  if (!scene.config.file.empty() && scene.config.file.extension() == ".json") {
    auto loaded = model::loadSensorConfig(scene.config.file);
    if (loaded)
      sensors = std::move(loaded).value();
    else {
      ops.powerWhyMissingEn = ops.alertLogWhyMissingEn = loaded.error().message;
      ops.powerWhyMissing = ops.alertLogWhyMissing = "无法读取场景的传感器：" + loaded.error().message;
    }
  }
  ops.sensorsDeclared = sensors.sensors.size();
  std::set<std::string> ids;
  for (const model::SensorDef& s : sensors.sensors) ids.insert(s.id);

  // A PostgreSQL log is named by its kind only: its URI may hold a password.
  const bool server = alerts::AlertStore::isServerLocation(alertsDb.string());
  ops.alertLogSource = server ? std::string("PostgreSQL 告警日志") : "告警日志 " + alertsDb.filename().string();
  ops.alertLogSourceEn = server ? std::string("alert log in PostgreSQL") : "alert log " + alertsDb.filename().string();
  std::error_code ec;
  if (sensors.sensors.empty()) {
    if (ops.alertLogWhyMissingEn.empty()) {
      ops.alertLogWhyMissing = "场景未声明传感器";
      ops.alertLogWhyMissingEn = "the scene declares no sensors";
    }
  } else if (!server && !std::filesystem::is_regular_file(alertsDb, ec)) {
    // Opening would create an empty log, which would then read as "no alerts": say so instead.
    ops.alertLogWhyMissing = alertsDb.string() + " 处没有告警日志（请先运行 `twin monitor` 或 `twin run`）";
    ops.alertLogWhyMissingEn = "no alert log at " + alertsDb.string() + " (run `twin monitor` or `twin run` first)";
  } else if (auto store = alerts::AlertStore::open(alertsDb); !store) {
    ops.alertLogWhyMissing = "无法打开告警日志：" + store.error().message;
    ops.alertLogWhyMissingEn = store.error().message;
  } else if (auto all = (*store)->allAlerts(); !all) {
    ops.alertLogWhyMissing = "无法读取告警日志：" + all.error().message;
    ops.alertLogWhyMissingEn = all.error().message;
  } else {
    ops.alertLogRead = true;
    for (const alerts::Alert& a : *all) {
      if (!ids.count(a.sensorId)) continue;
      ops.alerts.push_back(
          {a.sensorId, a.raisedMs, a.ackMs, alerts::isActive(a.state), a.kind == model::RuleKind::Stale});
    }
  }

  std::vector<std::string> files, why, whyEn;
  for (const model::SensorDef& s : sensors.sensors) {
    if (s.kind != "power") continue;
    if (s.unit != "kW") {
      why.push_back("电力传感器 '" + s.id + "' 的单位是 '" + s.unit + "'，不是 kW");
      whyEn.push_back("power sensor '" + s.id + "' reports in '" + s.unit + "', not kW");
      continue;
    }
    if (s.source.kind != model::SourceKind::Replay) {
      why.push_back("电力传感器 '" + s.id + "' 为实时接入（MQTT）：没有可积分的记录读数");
      whyEn.push_back("power sensor '" + s.id + "' is live (MQTT): no recorded readings to integrate");
      continue;
    }
    const model::ReplayMapping& m = s.source.replay;
    core::Diagnostics diag;
    const std::unordered_set<std::string> only{s.id};
    auto readings = [&]() -> core::Result<std::vector<sensors::Reading>> {
      if (m.format == "csv") {
        sensors::CsvMapping csv;
        csv.columns[m.column] = s.id;
        csv.timeColumn = m.timeColumn;
        csv.utcOffsetMinutes = m.utcOffsetMinutes;
        csv.missing = m.missing;
        return sensors::readReplayCsv(m.file, csv, diag);
      }
      sensors::DecodeOptions decode;
      decode.knownSensors = &only;
      sensors::IngestStats stats;
      return sensors::readReplayJsonl(m.file, decode, stats, diag);
    }();
    if (!readings) {
      why.push_back("无法读取回放文件：" + readings.error().message);
      whyEn.push_back(readings.error().message);
      continue;
    }
    analysis::PowerSeries series{s.id, {}};
    for (const sensors::Reading& r : *readings)
      if (r.sensorId == s.id && r.finite) series.samplesKw.emplace_back(r.tsMs, r.value);
    if (series.samplesKw.size() < 2) {
      why.push_back("电力传感器 '" + s.id + "' 在 " + m.file.filename().string() + " 中的读数少于两个");
      whyEn.push_back("power sensor '" + s.id + "' has fewer than two readings in " + m.file.filename().string());
      continue;
    }
    files.push_back(m.file.filename().string());
    ops.power.push_back(std::move(series));
  }
  for (const std::string& f : files) {
    ops.powerSource += (ops.powerSource.empty() ? "回放文件 " : "、") + f;
    ops.powerSourceEn += (ops.powerSourceEn.empty() ? "replay file " : ", ") + f;
  }
  if (ops.power.empty() && ops.powerWhyMissingEn.empty()) {
    if (why.empty()) {
      ops.powerWhyMissing = "场景没有电力传感器（kind \"power\"）";
      ops.powerWhyMissingEn = "the scene has no power sensor (kind \"power\")";
    }
    for (const std::string& w : why) ops.powerWhyMissing += (ops.powerWhyMissing.empty() ? "" : "；") + w;
    for (const std::string& w : whyEn) ops.powerWhyMissingEn += (ops.powerWhyMissingEn.empty() ? "" : "; ") + w;
  }
  return ops;
}

std::string indicatorValueText(const analysis::Indicator& i) {
  if (!i.value) return "—";
  return core::compactNumber(*i.value) + (i.unit == "count" ? "" : " " + i.unit);
}

std::string indicatorsJson(const std::vector<analysis::ScenarioIndicators>& scenarios) {
  nlohmann::json out = {{"scenarios", nlohmann::json::array()}};
  for (const auto& s : scenarios) {
    nlohmann::json js = {
        {"id", s.id}, {"name", s.name}, {"name_en", s.nameEn}, {"indicators", nlohmann::json::array()}};
    for (const auto& i : s.indicators) {
      nlohmann::json ji = {{"id", i.id}, {"name", i.name}, {"name_en", i.nameEn}};
      ji["value"] = i.value ? nlohmann::json(*i.value) : nlohmann::json(nullptr);
      ji["unit"] = i.unit;
      ji["source"] = i.source;
      ji["source_en"] = i.sourceEn;
      ji["why_missing"] = i.value ? nlohmann::json(nullptr) : nlohmann::json(i.whyMissing);
      ji["why_missing_en"] = i.value ? nlohmann::json(nullptr) : nlohmann::json(i.whyMissingEn);
      js["indicators"].push_back(std::move(ji));
    }
    out["scenarios"].push_back(std::move(js));
  }
  return out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string indicatorsTable(const std::vector<analysis::ScenarioIndicators>& scenarios) {
  std::string out;
  for (const auto& s : scenarios) {
    out += s.name + " " + s.nameEn + "\n";
    for (const auto& i : s.indicators) {
      out += "  " + i.name + " / " + i.nameEn + ": " + indicatorValueText(i);
      if (!i.value) out += "  (" + i.whyMissing + " / " + i.whyMissingEn + ")";
      out += "\n";
    }
  }
  return out;
}

core::Result<std::vector<analysis::ScenarioIndicators>> sceneIndicators(const std::string& scenePath,
                                                                        const std::filesystem::path& alertsDb) {
  auto prepared = prepare(scenePath, true);
  if (!prepared) return prepared.error();
  Prepared& p = prepared.value();
  const analysis::OperationsFacts ops = operationsFacts(p.scene, alertsDb);
  return analysis::nineScenarioIndicators(p.graph, *p.scene.site, p.config, ops, p.diag);
}

int cmdIndicators(int argc, char** argv) {
  CliArgs args("indicators", {"--alerts-db"}, {"--json", "--help"});
  if (!args.parse(argc, argv)) return args.usageError(args.error());
  if (args.has("--help")) {
    std::cout << kIndicatorsUsage;
    return kExitOk;
  }
  if (args.positionals().size() != 1)
    return args.usageError(args.positionals().empty() ? "missing SCENE"
                                                      : "unexpected argument '" + args.positionals()[1] + "'");
  auto prepared = prepare(args.positionals()[0]);
  if (!prepared) {
    std::cerr << prepared.error().message << '\n';
    return kExitBadInput;
  }
  Prepared& p = prepared.value();
  const std::filesystem::path db =
      args.has("--alerts-db") ? std::filesystem::path(*args.value("--alerts-db")) : defaultAlertsDb();
  const analysis::OperationsFacts ops = operationsFacts(p.scene, db);
  const auto scenarios = analysis::nineScenarioIndicators(p.graph, *p.scene.site, p.config, ops, p.diag);
  std::cout << (args.has("--json") ? indicatorsJson(scenarios) + "\n" : indicatorsTable(scenarios));
  reportDiagnostics(p.diag);
  return kExitOk;
}

}  // namespace twin::app
