// `twin run` and `twin snapshot`.
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <iostream>
#include <thread>

#include <unistd.h>

#include "CliArgs.h"
#include "Commands.h"
#include "SnapshotStats.h"
#include "twin/alerts/AlertStore.h"
#include "WallArgs.h"
#include "twin/app/IndicatorsView.h"
#include "twin/app/ModelsView.h"
#include "twin/app/MonitorView.h"
#include "twin/app/PlanningView.h"
#include "twin/app/SunlightView.h"
#include "twin/app/Cli.h"
#include "twin/app/HeadlessRenderer.h"
#include "twin/app/SceneLoading.h"
#include "twin/app/TourView.h"
#include "twin/app/TwinViewer.h"
#include "twin/app/WallCamera.h"
#include "twin/core/PrivateTempDir.h"
#include "twin/model/ModelSource.h"
#include "twin/scene/SceneModel.h"
#include "twin/scene/SiteScene.h"
#include "twin/sensors/Payload.h"

namespace twin::app {
namespace {

struct ViewArgs {
  std::string scene, output;
  int width = 0, height = 0, frames = 0;
  ViewerOptions viewer;
  MonitorViewOptions monitor;
  bool monitorEnabled = true;
  double monitorSeconds = 0;
  bool snapshot = false;  // `twin snapshot`: no monitor (no writes) unless asked
  PlanningViewOptions planning;
  bool planningEnabled = true;
  std::string colourBy;            // --colour-by: a facility category id or 5 / 10 / 15
  std::string model;               // snapshot --model PATH: the model alone, no scene
  std::optional<std::string> crs;  // --crs for a CityJSON model without one
  std::optional<std::int64_t> at;  // --at: replay the sensor data up to this data time (UTC epoch ms)
  bool headless = false;           // a picture of one moment (snapshot, or run without a display)
  std::string statsFile;           // snapshot --stats FILE.json: the rendered frame's figures
  SunlightViewOptions sunlight;    // --colour-by sunlight, --sun, --scenario (proposed buildings)
  bool sunlightAsked = false;
  WallArgs wall;  // --wall, --tile, --bezel (run and snapshot); --wall-lead, --publish-camera (run)
};

constexpr const char* kAtExample = "an ISO-8601 time such as 2026-06-18T15:10:00+08:00";
constexpr const char* kSunExample = "an ISO-8601 time such as 2026-01-20T10:00+08:00";

// The alert log and history of a replay brought up to a moment: fresh files of this process, so
// that a reconstruction never mixes with (or restores alerts from) the operator's real log. They
// lie in a private folder (core::PrivateTempDir): a predictable /tmp name could be a symlink
// planted by another user, which SQLite would follow. Removed, with SQLite's -wal and -shm files,
// when the command ends.
struct ReplayLog {
  std::unique_ptr<core::PrivateTempDir> dir;
};

bool parseHostPort(const std::string& text, model::MqttConfig& out) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  int port = 0;
  if (!parsePositiveInt(text.substr(colon + 1), port) || port > 65535) return false;
  out.host = text.substr(0, colon);
  out.port = port;
  return true;
}

// Parses the options run and snapshot share; returns kExitOk or kExitUsage (message printed).
int parseViewArgs(CliArgs& args, int argc, char** argv, int defaultWidth, int defaultHeight, ViewArgs& out) {
  if (!args.parse(argc, argv)) return args.usageError(args.error());
  if (auto model = args.value("--model")) out.model = *model;
  if (auto crs = args.value("--crs")) out.crs = *crs;
  if (out.crs && out.model.empty()) return args.usageError("--crs goes with --model");
  if (!out.model.empty()) {
    if (!args.positionals().empty()) return args.usageError("give either SCENE or --model PATH, not both");
  } else {
    if (args.positionals().empty()) return args.usageError("missing SCENE");
    if (args.positionals().size() > 1) return args.usageError("unexpected argument '" + args.positionals()[1] + "'");
    out.scene = args.positionals()[0];
  }
  out.width = defaultWidth;
  out.height = defaultHeight;
  if (auto size = args.value("--size"); size && !parseSize(*size, out.width, out.height))
    return args.usageError("bad --size '" + *size + "'; expected WIDTHxHEIGHT between 16 and 8192, e.g. 1920x1080");
  if (auto frames = args.value("--frames"); frames && !parsePositiveInt(*frames, out.frames))
    return args.usageError("bad --frames '" + *frames + "'; expected a positive integer");
  if (auto theme = args.value("--theme")) {
    if (*theme != "dark" && *theme != "light")
      return args.usageError("bad --theme '" + *theme + "'; expected dark or light");
    out.viewer.theme = *theme;
  }
  if (auto lang = args.value("--lang")) {
    if (*lang != "zh-CN" && *lang != "en") return args.usageError("bad --lang '" + *lang + "'; expected zh-CN or en");
    out.viewer.language = *lang;
  }
  if (auto bookmark = args.value("--bookmark")) out.viewer.bookmark = *bookmark;
  if (auto output = args.value("-o")) out.output = *output;
  out.viewer.panels = !args.has("--no-panels");
  if (args.has("--engineering") && args.has("--presentation"))
    return args.usageError("give either --engineering or --presentation, not both");
  if (args.has("--carousel") && args.has("--no-carousel"))
    return args.usageError("give either --carousel or --no-carousel, not both");
  if (args.has("--carousel")) out.viewer.carousel = true;
  if (args.has("--no-carousel")) out.viewer.carousel = false;
  if (args.has("--engineering")) out.viewer.mode = ui::UiMode::Engineering;
  if (args.has("--presentation")) out.viewer.mode = ui::UiMode::Presentation;
  if (auto scale = args.value("--ui-scale")) {
    char* end = nullptr;
    const double v = std::strtod(scale->c_str(), &end);
    if (scale->empty() || end != scale->c_str() + scale->size() || !(v >= ui::kMinUiScale && v <= ui::kMaxUiScale))
      return args.usageError("bad --ui-scale '" + *scale + "'; expected a number between 0.5 and 4");
    out.viewer.uiScale = float(v);
  }
  if (auto mqtt = args.value("--mqtt")) {
    model::MqttConfig broker;
    if (!parseHostPort(*mqtt, broker)) return args.usageError("--mqtt expects HOST:PORT, got '" + *mqtt + "'");
    out.monitor.broker = broker;
  }
  if (auto db = args.value("--alerts-db")) out.monitor.alertsDb = *db;
  if (auto seconds = args.value("--monitor-seconds")) {
    char* end = nullptr;
    out.monitorSeconds = std::strtod(seconds->c_str(), &end);
    if (seconds->empty() || end != seconds->c_str() + seconds->size() || !std::isfinite(out.monitorSeconds) ||
        out.monitorSeconds < 0 || out.monitorSeconds > 3600)
      return args.usageError("bad --monitor-seconds '" + *seconds + "'; expected seconds between 0 and 3600");
  }
  out.monitorEnabled = !args.has("--no-monitor");
  out.planningEnabled = !args.has("--no-planning");
  if (auto scenario = args.value("--scenario")) out.planning.compareScenario = *scenario;
  if (auto from = args.value("--plan-isochrone")) {
    core::LonLat p;
    if (!parseLonLat(*from, p)) return args.usageError("bad --plan-isochrone '" + *from + "'; expected LON,LAT");
    out.planning.isochroneFrom = p;
  }
  if (auto colour = args.value("--colour-by")) out.colourBy = *colour;
  if (out.colourBy == "sunlight") {
    out.colourBy.clear();
    out.sunlight.colour = out.sunlightAsked = true;
  }
  // --swipe splits what is coloured: coverage (a coverage --colour-by) between --swipe-left (default
  // the existing state) and --scenario, else sunlight between the present and the proposal.
  if (args.has("--swipe") && !out.colourBy.empty()) {
    if (!args.value("--scenario"))
      return args.usageError("--swipe with --colour-by " + out.colourBy + " needs --scenario NAME (the right side)");
    out.planning.split = true;
    out.planning.splitLeft = args.value("--swipe-left").value_or("");
  } else if (args.has("--swipe")) {
    out.sunlight.swipe = out.sunlightAsked = true;
  }
  if (args.value("--swipe-left") && !out.planning.split)
    return args.usageError("--swipe-left NAME goes with --swipe, --scenario and a coverage --colour-by");
  if (auto sun = args.value("--sun")) {
    const auto ms = sensors::parseIsoTimeMs(*sun);
    if (!ms) return args.usageError("bad --sun '" + *sun + "'; expected " + kSunExample);
    out.sunlight.sunUtcSeconds = double(*ms) / 1000;
    out.sunlightAsked = true;
  }
  if (auto at = args.value("--at")) {
    out.at = sensors::parseIsoTimeMs(*at);
    if (!out.at) return args.usageError("bad --at '" + *at + "'; expected " + kAtExample);
    if (!out.monitorEnabled) return args.usageError("--at replays the scene's sensors: drop --no-monitor");
  }
  if (auto error = parseWallArgs(args, out.wall); !error.empty()) return args.usageError(error);
  if (out.wall.layout) out.viewer.wall = out.wall.view(0);
  const bool planningAsked = args.value("--scenario") || args.value("--plan-isochrone") || !out.colourBy.empty();
  if (out.sunlightAsked && !out.model.empty())
    return args.usageError("--colour-by sunlight, --sun and --swipe need a scene, not --model");
  if (planningAsked && !out.planningEnabled)
    return args.usageError("--scenario, --plan-isochrone and --colour-by need the planning view (drop --no-planning)");
  return kExitOk;
}

// Loads the scene and compiles the viewer; prints the error and returns nullptr on bad input.
std::unique_ptr<TwinViewer> openViewer(const ViewArgs& a) {
  auto loaded = loadScene(a.scene, stderrProgress());
  if (!loaded) {
    std::cerr << loaded.error().message << '\n';
    return nullptr;
  }
  auto viewer = TwinViewer::create(std::move(loaded).value(), a.viewer);
  if (!viewer) {
    std::cerr << viewer.error().message << '\n';
    return nullptr;
  }
  return std::move(viewer).value();
}

// Starts the scene's sensor monitor and attaches it to the viewer. A scene without sensors (or
// a bare data file) has nothing to monitor: true, no monitor. False (message printed) on error.
// With --at, or headless on a scene with "replay.at", the replay files are first brought up to
// that moment (MonitorViewOptions::replayUntilMs) into a fresh alert log of this process.
bool attachMonitor(TwinViewer& viewer, const ViewArgs& a, ReplayLog& replayLog) {
  if (!a.monitorEnabled || std::filesystem::path(a.scene).extension() != ".json") {
    if (a.at) std::cerr << "twin: --at: " << a.scene << " has no sensors to replay\n";
    return !a.at;
  }
  auto config = model::loadSensorConfig(a.scene);
  if (!config) {
    std::cerr << config.error().message << '\n';
    return false;
  }
  if (config->sensors.empty()) {
    if (a.at) std::cerr << "twin: --at: " << a.scene << " has no sensors to replay\n";
    return !a.at;
  }
  MonitorViewOptions options = a.monitor;
  options.replayUntilMs = a.at;
  options.sound = !a.headless;  // the scene's alerts.sound cue, in a window only
  if (!options.replayUntilMs && a.headless && !config->replayAt.empty()) {
    options.replayUntilMs = sensors::parseIsoTimeMs(config->replayAt);
    if (!options.replayUntilMs) {
      std::cerr << "twin: " << std::filesystem::path(a.scene).filename().string() << ": key 'replay.at': expected "
                << kAtExample << ", got '" << config->replayAt << "'\n";
      return false;
    }
  }
  // A snapshot writes nothing unless asked: it runs the monitor (which writes the alert log and
  // the history) only with --monitor-seconds, --alerts-db or --mqtt, or to replay up to a moment
  // (into a temporary log of this process).
  if (a.snapshot && !options.replayUntilMs && a.monitorSeconds <= 0 && a.monitor.alertsDb.empty() && !a.monitor.broker)
    return true;
  if (options.replayUntilMs) {
    options.replayHoldAtMoment = a.headless;
    if (options.alertsDb.empty()) {
      auto dir = core::PrivateTempDir::create("twin-replay-");
      if (!dir) {
        std::cerr << "twin: --at: " << dir.error().message << '\n';
        return false;
      }
      replayLog.dir = std::move(*dir);
      options.alertsDb = replayLog.dir->path() / "alerts.db";
      options.historyDb = replayLog.dir->path() / "alerts-history.db";
    }
  }
  auto monitor = MonitorView::start(a.scene, *viewer.scene().site, options);
  if (!monitor) {
    std::cerr << monitor.error().message << '\n';
    return false;
  }
  std::cerr << "twin: alert log " << alerts::AlertStore::displayLocation((*monitor)->alertsDb().string())
            << (options.replayUntilMs ? " (replay)" : "") << '\n';
  viewer.addExtension(*monitor);
  if (a.monitorSeconds > 0)
    std::this_thread::sleep_for(std::chrono::milliseconds(std::llround(a.monitorSeconds * 1000)));
  return true;
}

// The left rail's nine-scenario indicator cards, computed on a thread of their own from the
// scene file and the alert log the monitor writes (the replay's own when replaying), else the
// installation's, which is only read. Only for a scene shown with its panels, and headless only
// on the big screen (the other modes' images have no rail to show them).
void attachIndicators(TwinViewer& viewer, const ViewArgs& a, const ReplayLog& replayLog) {
  if (a.scene.empty() || !a.viewer.panels) return;
  if (a.headless && a.viewer.mode != ui::UiMode::BigScreen) return;
  const std::filesystem::path alertsDb = replayLog.dir                 ? replayLog.dir->path() / "alerts.db"
                                         : !a.monitor.alertsDb.empty() ? a.monitor.alertsDb
                                                                       : defaultAlertsDb();
  viewer.addExtension(std::make_shared<IndicatorsView>(a.scene, alertsDb));
}

// The life-circle planning view (isochrone on click, facility edits, coverage colours and panel).
// A scene without roads has nothing to walk on: no planning view, unless one was asked for.
bool attachPlanning(TwinViewer& viewer, ViewArgs& a, std::shared_ptr<PlanningView>* attached = nullptr) {
  if (!a.planningEnabled) return true;
  const LoadedScene& scene = viewer.scene();
  const bool asked = !a.planning.compareScenario.empty() || a.planning.isochroneFrom || !a.colourBy.empty();
  if (scene.site->roads.empty() && !asked) return true;
  if (!a.colourBy.empty()) {
    if (a.colourBy == "5" || a.colourBy == "10" || a.colourBy == "15") {
      a.planning.colourBy.levelMinutes = std::stoi(a.colourBy);
    } else {
      auto config = facilityConfigForScene(scene);
      if (!config) {
        std::cerr << config.error().message << '\n';
        return false;
      }
      std::string known;
      for (std::size_t i = 0; i < config->categories.size(); ++i) {
        if (config->categories[i].id == a.colourBy) a.planning.colourBy.category = int(i);
        known += (known.empty() ? "" : ", ") + config->categories[i].id;
      }
      if (a.planning.colourBy.category < 0) {
        std::cerr << "twin: unknown --colour-by '" << a.colourBy << "'; expected 5, 10, 15 or a category: " << known
                  << '\n';
        return false;
      }
    }
  }
  auto view = PlanningView::create(scene, viewer.siteScene(), a.planning);
  if (!view) {
    std::cerr << view.error().message << '\n';
    return false;
  }
  viewer.addExtension(*view);
  if (attached) *attached = *view;
  return true;
}

// Sunlight: colours by sun hours, shadows, a scenario's proposed buildings (SunlightView). Every
// scene that names a sunlight standard gets the view (its bar and panel); one that names none gets
// it only when asked, and then the missing standard is an error.
bool attachSunlight(TwinViewer& viewer, ViewArgs& a) {
  const LoadedScene& scene = viewer.scene();
  const bool hasStandard = scene.config.sections.count("sunlight") > 0;
  if (!hasStandard && !a.sunlightAsked) return true;
  if (!a.planning.compareScenario.empty() && std::filesystem::path(a.scene).extension() == ".json") {
    // --scenario compares facilities in the planning view; its proposed buildings, if any, here.
    auto all = model::loadScenarios(a.scene);
    if (all)
      for (const model::Scenario& s : *all)
        if (s.name == a.planning.compareScenario && !s.buildings.empty()) a.sunlight.proposal = s.name;
  }
  auto view = makeSunlightView(scene, viewer.siteScene(), a.sunlight);
  if (!view) {
    std::cerr << view.error().message << '\n';
    return false;
  }
  viewer.addExtension(*view);
  return true;
}

// The scene's tours (TourView.h): the tour menu, captions and controls; `tour` (run --tour NAME)
// starts one at once. A scene without tours gets none. False (message printed) on error.
bool attachTours(TwinViewer& viewer, std::shared_ptr<PlanningView> planning, const std::string& tour) {
  if (!viewer.scene().config.sections.count("tours")) {
    if (!tour.empty()) std::cerr << "twin: unknown tour '" << tour << "': the scene has no tours\n";
    return tour.empty();
  }
  auto view = TourView::create(viewer.scene(), viewer.siteScene(), std::move(planning));
  if (!view) {
    std::cerr << view.error().message << '\n';
    return false;
  }
  viewer.addExtension(*view);
  if (tour.empty()) return true;
  const std::vector<model::Tour>& tours = (*view)->tours();
  for (std::size_t i = 0; i < tours.size(); ++i)
    if (tours[i].name == tour) {
      (*view)->start(i, true);
      return true;
    }
  std::cerr << "twin: unknown tour '" << tour << "' in " << viewer.scene().config.file.filename().string()
            << "; known: " << model::tourNames(tours) << '\n';
  return false;
}

// The scene's "models": loaded into the site frame and shown through a ModelsView. A scene
// without models (or a bare data file) gets none. False (message printed) on error.
bool attachModels(TwinViewer& viewer, model::Site& site, const model::SceneConfig& config) {
  auto sources = model::parseModelSources(config);
  if (!sources) {
    std::cerr << sources.error().message << '\n';
    return false;
  }
  if (sources->empty()) return true;
  auto models = ModelsView::load(*sources, site);
  if (!models) {
    std::cerr << models.error().message << '\n';
    return false;
  }
  viewer.addExtension(*models);
  return true;
}

// `snapshot --model PATH`: a scene of its own around the model (its frame, no ground, a view
// framing its bounds) so that it is rendered alone.
std::unique_ptr<TwinViewer> openModelViewer(ViewArgs& a) {
  const std::filesystem::path path = a.model;
  auto format = model::detectModelFormat(path);
  if (!format) {
    std::cerr << format.error().message << '\n';
    return nullptr;
  }
  model::ModelSource source;
  source.id = path.filename().empty() ? path.parent_path().filename().string() : path.filename().string();
  source.format = *format;
  source.source = path;
  source.crs = a.crs;
  LoadedScene scene;
  scene.site = std::make_unique<model::Site>();
  model::Site& site = *scene.site;
  auto loaded = scene::loadSceneModel(source, geo::SiteFrame{}, site.diagnostics);
  for (const core::Diagnostic& d : site.diagnostics.items()) std::cerr << "twin: " << core::formatDiagnostic(d) << '\n';
  if (!loaded) {
    std::cerr << loaded.error().message << '\n';
    return nullptr;
  }
  site.name = source.id;
  site.frame = loaded->frame;
  site.attributions = loaded->attributions;
  const osg::BoundingBoxd& b = loaded->bounds;
  if (b.valid()) {
    site.extent.add(core::Vec2{b.xMin(), b.yMin()});
    site.extent.add(core::Vec2{b.xMax(), b.yMax()});
  }
  model::SceneConfig& config = scene.config;
  config.name = source.id;
  config.origin = site.frame.origin();
  config.themes["dark"] = model::defaultTheme("dark");
  config.themes["light"] = model::defaultTheme("light");
  config.visibleLayers["ground"] = false;  // the model brings its own ground, or floats on none
  if (b.valid()) {
    // Frame the bounding sphere, 10 % to spare.
    model::Bookmark view;
    view.name = "model";
    view.label = source.id;
    const osg::Vec3d c = b.center();
    view.target = site.frame.toLonLat({c.x(), c.y()});
    view.targetHeightMeters = c.z();
    view.distanceMeters = scene::framingDistance(std::max(b.radius(), 1.0), 1.1);
    view.headingDegrees = 30;
    view.pitchDegrees = 40;
    config.bookmarks.push_back(view);
  }
  auto viewer = TwinViewer::create(std::move(scene), a.viewer);
  if (!viewer) {
    std::cerr << viewer.error().message << '\n';
    return nullptr;
  }
  // The site now belongs to the viewer; its diagnostics stay where they are (the site is held
  // by pointer), for as long as the viewer and so this extension live.
  (*viewer)->addExtension(
      std::make_shared<ModelsView>(std::vector<scene::SceneModel>{std::move(loaded).value()}, &site.diagnostics));
  return std::move(viewer).value();
}

int renderOneFile(TwinViewer& viewer, const ViewArgs& a, const std::string& output, const std::string& statsFile) {
  auto image = viewer.renderImage(a.width, a.height);
  if (!image) {
    std::cerr << image.error().message << '\n';
    return kExitBadInput;
  }
  auto written = writePng(**image, output);
  if (!written) {
    std::cerr << written.error().message << '\n';
    return kExitBadInput;
  }
  if (!statsFile.empty()) {
    auto stats = writeSnapshotStats(statsFile, viewer.lastRenderFigures(), a.width, a.height);
    if (!stats) {
      std::cerr << stats.error().message << '\n';
      return kExitBadInput;
    }
  }
  std::cout << output << '\n';
  return kExitOk;
}

// One image, or one per wall tile (OUT-C-R.png, and FILE-C-R.json for --stats, when several).
int renderToFile(TwinViewer& viewer, const ViewArgs& a, const std::string& output) {
  if (!a.wall.layout) return renderOneFile(viewer, a, output, a.statsFile);
  const bool several = a.wall.tiles.size() > 1;
  for (std::size_t i = 0; i < a.wall.tiles.size(); ++i) {
    const WallTile& tile = a.wall.tiles[i];
    viewer.setWall(a.wall.view(i));
    const std::string stats = several && !a.statsFile.empty() ? tileFileName(a.statsFile, tile) : a.statsFile;
    if (int code = renderOneFile(viewer, a, several ? tileFileName(output, tile) : output, stats); code != kExitOk)
      return code;
  }
  return kExitOk;
}

// The broker of the wall camera: the scene's "mqtt" settings with --mqtt's host and port.
std::optional<model::MqttConfig> wallBroker(const ViewArgs& a) {
  model::MqttConfig broker;
  if (std::filesystem::path(a.scene).extension() == ".json") {
    auto config = model::loadSensorConfig(a.scene);
    if (!config) {
      std::cerr << config.error().message << '\n';
      return std::nullopt;
    }
    broker = config->mqtt;
  }
  if (a.monitor.broker) {
    broker.host = a.monitor.broker->host;
    broker.port = a.monitor.broker->port;
  }
  return broker;
}

}  // namespace

int cmdRun(int argc, char** argv) {
  CliArgs args("run",
               {"--frames",    "--size",       "--bookmark",       "--theme",     "--lang",     "-o",          "--mqtt",
                "--alerts-db", "--scenario",   "--plan-isochrone", "--colour-by", "--ui-scale", "--at",        "--tour",
                "--sun",       "--swipe-left", "--wall",           "--tile",      "--bezel",    "--wall-topic"},
               {"--no-panels", "--no-monitor", "--no-planning", "--engineering", "--presentation", "--swipe",
                "--carousel", "--no-carousel", "--wall-lead", "--publish-camera"});
  ViewArgs a;
  if (int code = parseViewArgs(args, argc, argv, 1600, 900, a); code != kExitOk) return code;
  const char* display = std::getenv("DISPLAY");
  a.headless = !(display && *display);
  ReplayLog replayLog;  // outlives the viewer, which holds its files open
  auto viewer = openViewer(a);
  std::shared_ptr<PlanningView> planning;
  if (!viewer || !attachMonitor(*viewer, a, replayLog) || !attachPlanning(*viewer, a, &planning) ||
      !attachSunlight(*viewer, a) || !attachModels(*viewer, *viewer->scene().site, viewer->scene().config))
    return kExitBadInput;
  // The tour menu belongs to a window; headless, a tour is shown only when asked for.
  if ((!a.headless || args.value("--tour")) && !attachTours(*viewer, planning, args.value("--tour").value_or("")))
    return kExitBadInput;
  attachIndicators(*viewer, a, replayLog);
  std::shared_ptr<WallCameraFollower> follower;
  if (a.wall.layout || a.wall.publish) {
    const auto broker = wallBroker(a);
    bool ok = broker.has_value();
    if (ok) follower = attachWallCamera(*viewer, a.wall, *broker, ok);
    if (!ok) return kExitBadInput;
  }
  if (!a.headless) {
    auto status = a.wall.tiles.size() > 1 ? viewer->runWallWindows(a.wall.tiles, a.frames, a.width, a.height)
                                          : viewer->runWindow(a.frames, a.width, a.height);
    if (!status) {
      std::cerr << status.error().message << '\n';
      return kExitBadInput;
    }
    return kExitOk;
  }
  std::string output = a.output;
  if (output.empty()) {
    // A fresh name created exclusively (mkstemps): a fixed /tmp/twin-<scene>.png could be a
    // symlink planted by another user, which the PNG writer would follow.
    std::string pattern = (std::filesystem::temp_directory_path() /
                           ("twin-" + std::filesystem::path(a.scene).stem().string() + "-XXXXXX.png"))
                              .string();
    const int fd = ::mkstemps(pattern.data(), 4);
    if (fd < 0) {
      std::cerr << "twin run: cannot create an output file in the temporary folder: " << std::strerror(errno) << '\n';
      return kExitBadInput;
    }
    ::close(fd);
    output = pattern;
  }
  if (follower && !follower->waitForPose(std::chrono::seconds(5)))
    std::cerr << "twin run: no wall camera pose on the broker within 5 s; rendering the start view\n";
  std::cerr << "twin run: no DISPLAY; rendering the " << (follower ? "wall camera's view" : "start view")
            << " headless\n";
  return renderToFile(*viewer, a, output);
}

int cmdSnapshot(int argc, char** argv) {
  CliArgs args("snapshot", {"--size",      "--bookmark",   "--theme",     "--lang",
                            "-o",          "--mqtt",       "--alerts-db", "--monitor-seconds",
                            "--model",     "--crs",        "--scenario",  "--plan-isochrone",
                            "--colour-by", "--ui-scale",   "--at",        "--stats",
                            "--sun",       "--swipe-left", "--wall",      "--tile",
                            "--bezel"},
               {"--no-panels", "--no-monitor", "--no-planning", "--engineering", "--presentation", "--swipe"});
  ViewArgs a;
  a.snapshot = true;
  if (int code = parseViewArgs(args, argc, argv, 1920, 1080, a); code != kExitOk) return code;
  if (a.output.empty()) return args.usageError("missing -o OUT.png");
  if (auto stats = args.value("--stats")) {
    if (stats->empty()) return args.usageError("--stats expects a file name, e.g. --stats frame.json");
    a.statsFile = *stats;
  }
  if (a.at && !a.model.empty()) return args.usageError("--at replays a scene's sensors; it does not go with --model");
  a.headless = true;
  ReplayLog replayLog;  // outlives the viewer, which holds its files open
  if (!a.model.empty()) {
    auto viewer = openModelViewer(a);
    if (!viewer) return kExitBadInput;
    return renderToFile(*viewer, a, a.output);
  }
  auto viewer = openViewer(a);
  if (!viewer || !attachMonitor(*viewer, a, replayLog) || !attachPlanning(*viewer, a) || !attachSunlight(*viewer, a) ||
      !attachModels(*viewer, *viewer->scene().site, viewer->scene().config))
    return kExitBadInput;
  attachIndicators(*viewer, a, replayLog);
  return renderToFile(*viewer, a, a.output);
}

}  // namespace twin::app
