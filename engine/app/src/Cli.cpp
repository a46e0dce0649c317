// The `twin` dispatcher: global options, the command table and per-command help.
#include "twin/app/Cli.h"

#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "twin/app/AnalysisCommands.h"
#include "twin/app/ReportCommand.h"
#include "twin/app/WebExport.h"
#include "Commands.h"
#include "MonitorCommands.h"
#include "twin/app/Version.h"
#include "twin/model/DataAccess.h"

namespace twin::app {
namespace {

struct CommandEntry {
  const char* name;
  int (*run)(int argc, char** argv);
  const char* summary;  // one line for `twin --help`
  const char* usage;    // `twin <name> --help`; nullptr = the command prints its own help
};

// One line per command. argv passed on starts at the command name.
constexpr CommandEntry kCommands[] = {
    {"run", cmdRun, "open the viewer on a scene (a window when DISPLAY is set, else a headless PNG)",
     "usage: twin run SCENE [--frames N] [--size WxH] [--bookmark NAME] [--theme dark|light]\n"
     "                [--lang zh-CN|en] [-o OUT.png] [--scenario NAME] [--plan-isochrone LON,LAT]\n"
     "                [--colour-by C] [--sun TIME] [--no-planning] [--at TIME] [--engineering|--presentation]\n"
     "                [--ui-scale X] [--swipe] [--swipe-left NAME] [--tour NAME]\n"
     "                [--carousel|--no-carousel]\n"
     "                [--wall COLSxROWS --tile C,R|C,R;C,R|all [--bezel PX[,PY]] [--wall-lead]]\n"
     "                [--publish-camera] [--wall-topic TOPIC]\n"
     "  Opens SCENE (a scene .json or a bare OSM/OGR data file) in a window when DISPLAY is set;\n"
     "  without a display renders the start view with the panels headless (EGL) and writes a PNG\n"
     "  (default: a new twin-<scene>-XXXXXX.png in the temporary directory), printing its path.\n"
     "  --frames N   stop after N frames (a bounded run, e.g. for tests)\n"
     "  --at TIME    first replay the scene's sensor files up to TIME (ISO-8601, e.g.\n"
     "               2026-06-18T15:10:00+08:00): charts carry that history, the alarm list shows\n"
     "               what it raised, stamped in data time, and the scene clock says \"replay\"; in a\n"
     "               window the replay then runs on. Headless, the scene's \"replay.at\" is the\n"
     "               default. A replay writes a fresh alert log of its own unless --alerts-db is given.\n"
     "  Planning (scenes with streets; see docs/life-circle.md): the coverage panel, click for a\n"
     "  walking isochrone, add or drag facilities, save scenarios into the scene file.\n"
     "  --scenario NAME          compare the scene's saved scenario NAME with the existing state\n"
     "  --plan-isochrone LON,LAT show the walking isochrone from this point at start\n"
     "  --colour-by C            colour buildings by coverage: 5, 10, 15 (life-circle level) or a\n"
     "                           facility category id (e.g. health_station)\n"
     "  --no-planning            no planning view (and no walk graph built)\n"
     "  Sunlight (scenes with a \"sunlight\" standard; see twin sunlight --help): the sunlight\n"
     "  panel (engineering mode) and bar (big screen): colour by sun hours, shadows, time slider.\n"
     "  --colour-by sunlight     colour walls and buildings by sun hours on the standard day\n"
     "  --sun TIME               shadows of the sun at TIME (ISO-8601, e.g. 2026-01-20T10:00+08:00)\n"
     "  --scenario NAME          (also) compare NAME's proposed buildings: windows losing sunlight\n"
     "  --swipe                  split view: the present left of a draggable line, NAME right of it\n"
     "                           (with a coverage --colour-by: the two sides' coverage, each side's\n"
     "                           planned facilities; --swipe-left NAME puts NAME, not the existing\n"
     "                           state, on the left)\n"
     "  Sensors (scenes with \"sensors\"): the monitor runs, with alarm banners and beacons.\n"
     "  --alerts-db FILE  the alert log (default: the installation's, shared with `twin monitor`\n"
     "                    and `twin alerts`: $XDG_STATE_HOME/communitytwin/alerts.db, else\n"
     "                    ~/.local/state/communitytwin/alerts.db; history in alerts-history.db\n"
     "                    beside it), or a postgresql:// URI: one alarm state shared by several\n"
     "                    seats (docs/alerts-postgresql.md)\n"
     "  --mqtt HOST:PORT  broker instead of the scene's; --no-monitor: no sensors at all\n"
     "  --size WxH   window or image size in pixels (default 1600x900, at most the screen)\n"
     "  --engineering   start in the engineering mode (movable windows, statistics, diagnostics)\n"
     "  --presentation  start in the presentation mode (scene, title bar and credits only)\n"
     "  --ui-scale X    panel scale 0.5..4 (default: the scene's ui.scale, else height / 1080)\n"
     "  --carousel      tour the scene's bookmarks unattended (the scene's \"carousel\": stops,\n"
     "                  interval_s, default 20, idle_s, default 60); --no-carousel: not even when the\n"
     "                  scene turns it on. Any input pauses it until idle_s without input; an alarm\n"
     "                  banner holds it until acknowledged or dismissed. F4 switches it in the window.\n"
     "  The default is the big screen: title bar, indicator rail, alarm rail, legend, credits.\n"
     "  Controls: left drag pan, right drag orbit, wheel zoom to cursor, arrows pan, +/- zoom,\n"
     "  Home start view, click a building for its details, F2 engineering mode, F3 presentation\n"
     "  mode, F4 carousel on/off, Esc quits (not while typing; asks first when planning edits are unsaved).\n"
     "  H opens the alarm history (also the alarm list's History button; Esc closes it). The scene's\n"
     "  alerts.sound (default on) plays a cue for new alarms at alerts.attention or worse, where an\n"
     "  audio player (paplay, pw-play, aplay) and a device exist.\n"
     "  Tours (scenes with \"tours\", docs/tours.md): the Tours button lists them; --tour NAME starts\n"
     "  one at once. While one plays: Space pause, Left/Right previous/next stop, Esc or a click ends it.\n"
     "  Video wall (docs/video-wall.md): one scene across a grid of displays.\n"
     "  --wall COLSxROWS  the wall's grid (1..16 each); --size is one tile's size\n"
     "  --tile C,R        the tile to show (0-based, row 0 at the top); a list C,R;C,R or all renders\n"
     "                    several from one process (a window each;\n"
     "                    headless: OUT-C-R.png each)\n"
     "  --bezel PX[,PY]   pixels hidden between neighbouring tiles (skipped, so lines stay straight)\n"
     "  A tile follows the camera the driving seat publishes on the broker (the scene's mqtt, or\n"
     "  --mqtt HOST:PORT), retained on <prefix>/wall/camera (<prefix>: the first level of the\n"
     "  scene's mqtt status_topic; --wall-topic TOPIC to change it).\n"
     "  --wall-lead       this tile drives: its camera is published for the others\n"
     "  --publish-camera  a normal viewer drives the wall: its camera is published\n"},
    {"snapshot", cmdSnapshot, "render a scene headless (EGL, no X needed) into a PNG",
     "usage: twin snapshot SCENE -o OUT.png [--size WxH] [--bookmark NAME] [--theme dark|light]\n"
     "                     [--lang zh-CN|en] [--no-panels] [--engineering|--presentation] [--ui-scale X]\n"
     "                     [--scenario NAME] [--plan-isochrone LON,LAT] [--colour-by C] [--no-planning]\n"
     "                     [--monitor-seconds S] [--alerts-db FILE] [--mqtt HOST:PORT] [--no-monitor] [--at TIME]\n"
     "                     [--sun TIME] [--swipe] [--swipe-left NAME] [--stats FILE.json]\n"
     "                     [--wall COLSxROWS --tile C,R|C,R;C,R|all [--bezel PX[,PY]]]\n"
     "       twin snapshot --model PATH [--crs CRS] -o OUT.png [--size WxH] [--no-panels]\n"
     "  Renders the start view (or the bookmark) with the panels and writes OUT.png, once paged\n"
     "  and streamed models have loaded (at most 120 s).\n"
     "  --at TIME    the sensors replayed up to TIME first (default: the scene's \"replay.at\");\n"
     "               see twin run --help\n"
     "  --model PATH render a 3D model alone, framed from its bounds: an oblique-photography\n"
     "               production folder, a .glb/.gltf, a 3D Tiles tileset.json or a CityJSON file\n"
     "  --crs CRS    the CRS of a CityJSON file that declares none\n"
     "  --size WxH   image size in pixels (default 1920x1080)\n"
     "  --no-panels  the scene and the credits line only\n"
     "  --stats FILE.json  also write the frame's figures: draw_calls, triangles, buildings_drawn,\n"
     "               poi_markers_drawn, labels_drawn, frame_ms (median of the frames rendered), rss_mib\n"
     "  --wall, --tile, --bezel: one tile of a video wall at its start view, as for twin run (several\n"
     "               tiles: OUT-C-R.png each)\n"
     "  --colour-by C, --sun TIME, --swipe, --scenario NAME: as for twin run (sunlight waits for its\n"
     "               analysis)\n"
     "  A snapshot writes nothing but OUT.png unless asked: the sensor monitor (which writes the\n"
     "  alert log and history) runs only with --monitor-seconds S (ingest S seconds first),\n"
     "  --alerts-db FILE or --mqtt HOST:PORT. The default alert log is the installation's, as for\n"
     "  `twin run`: $XDG_STATE_HOME/communitytwin/alerts.db, else ~/.local/state/communitytwin/alerts.db.\n"},
    {"info", cmdInfo, "print what a scene or a data file contains",
     "usage: twin info SCENE|DATAFILE [--json]\n"
     "       twin info --model PATH [--crs CRS] [--json]\n"
     "  Counts buildings by use and by building tag, roads by highway class, POIs by category\n"
     "  and kind, heights by source; the extent in WGS84 and in the site frame; the number of\n"
     "  diagnostics and the first 10; load timings. A bare .osm/.pbf/OGR file gets a default\n"
     "  scene centred on its data.\n"
     "  --model PATH describe a 3D model instead: a CityJSON file (objects, LoD, semantics,\n"
     "               extent), an oblique-photography production folder with metadata.xml\n"
     "               (SRS, origin, tiles, files per level, nodes, triangles, textures, extent),\n"
     "               a .glb/.gltf (nodes, meshes, triangles, textures) or a 3D Tiles\n"
     "               tileset.json (tiles, depth, contents, external tilesets, extent)\n"
     "  --crs CRS    the CRS of a CityJSON file that declares none (e.g. EPSG:28992)\n"
     "  --json       machine-readable output\n"},
    {"video", cmdVideo, "render a tour of a scene headless into an H.264 MP4 video",
     "usage: twin video SCENE --tour NAME -o OUT.mp4 [--size WxH] [--fps N] [--lang zh-CN|en]\n"
     "  Renders the scene's tour NAME (scene key \"tours\", see docs/tours.md) headless (EGL), frame\n"
     "  by frame on the tour's own clock, and encodes it as H.264 in an MP4 file (FFmpeg's\n"
     "  libraries; libx264 when present). The stops' captions and the data credits are burnt in;\n"
     "  progress (frame n/N, frames per second, time left) goes to stderr, the file's path to stdout.\n"
     "  --tour NAME   the tour (an unknown name lists the scene's tours)\n"
     "  --size WxH    frame size in pixels, both even (default 1920x1080)\n"
     "  --fps N       frames per second, 1 to 120 (default 30)\n"
     "  --lang L      caption language: zh-CN or en (default: the scene's ui.language)\n"
     "  The video lasts the tour's length (the sum of its fly_s and hold_s).\n"},
    {"crs", cmdCrs, "convert one point between coordinate reference systems", nullptr},
    {"isochrone", cmdIsochrone, "5/10/15-minute walking isochrones from a point", nullptr},
    {"coverage", cmdCoverage, "life-circle coverage of every building", nullptr},
    {"tod", cmdTod, "transit-oriented development catchment figures", nullptr},
    {"sunlight", cmdSunlight, "sunlight hours (日照) at every residential window against GB 50180", nullptr},
    {"indicators", cmdIndicators, "the nine-scenario (九大场景) indicators of a scene", nullptr},
    {"report", cmdReport, "the check-up report (体检报告): one HTML page with maps and tables", nullptr},
    {"export", cmdExport, "the twin for the web: 3D Tiles 1.1, GeoJSON and a CesiumJS page", nullptr},
    {"monitor", cmdMonitor, "ingest sensor streams and run the alert rules, without rendering", nullptr},
    {"alerts", cmdAlerts, "list alerts from the alert log", nullptr},
    {"replay", cmdReplay, "publish a recorded CSV/JSONL sensor file through an MQTT broker", nullptr},
};

void printGlobalHelp(std::ostream& out) {
  out << "twin " << TWIN_VERSION << " - CommunityTwin, a digital twin of a residential community\n\n"
      << "usage: twin <command> [options]\n"
      << "       twin --help | --version\n"
      << "       twin <command> --help\n\ncommands:\n";
  for (const CommandEntry& c : kCommands) {
    std::string name = c.name;
    name.resize(std::max<std::size_t>(name.size() + 2, 12), ' ');
    out << "  " << name << c.summary << '\n';
  }
  out << "\nscene data (run, snapshot, info, isochrone, coverage, tod, sunlight, indicators, monitor, video, report, "
         "export):\n"
      << "  a scene may read files under its own folder and the assets/ folder beside it;\n"
      << "  --data-root DIR   also allow DIR (repeatable; TWIN_DATA_ROOTS=DIR:DIR does the same)\n"
      << "  --allow-network   allow network sources (URLs, /vsicurl/, /vsis3/, PG: on another host)\n"
      << "\nexit codes: 0 ok, 1 bad input, 2 usage\n";
}

bool isHelp(const char* arg) { return std::strcmp(arg, "--help") == 0 || std::strcmp(arg, "-h") == 0; }

// Commands that load scene files take the data-access options, which are removed from argv here.
bool loadsScenes(const std::string& command) {
  for (const char* c : {"run", "snapshot", "info", "isochrone", "coverage", "tod", "sunlight", "indicators", "monitor",
                        "video", "report", "export"})
    if (command == c) return true;
  return false;
}

// Applies --data-root DIR (repeatable) and --allow-network on top of TWIN_DATA_ROOTS for this
// run and removes them from `args`. Empty string = ok, else the usage error.
std::string takeDataAccess(const std::string& command, std::vector<char*>& args) {
  model::DataAccess access = model::dataAccessFromEnvironment();
  std::vector<char*> kept;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string a = args[i];
    if (a == "--allow-network") {
      access.allowNetwork = true;
    } else if (a == "--data-root") {
      if (i + 1 >= args.size()) return "twin " + command + ": --data-root needs a folder";
      const std::string dir = args[++i];
      std::error_code ec;
      if (!std::filesystem::is_directory(dir, ec))
        return "twin " + command + ": --data-root: '" + dir + "' is not a folder";
      access.roots.emplace_back(dir);
    } else {
      kept.push_back(args[i]);
    }
  }
  args = std::move(kept);
  model::setDataAccess(std::move(access));
  return {};
}

}  // namespace

int runCli(int argc, char** argv) {
  if (argc < 2) {
    printGlobalHelp(std::cerr);
    return kExitUsage;
  }
  const std::string first = argv[1];
  if (isHelp(argv[1])) {
    printGlobalHelp(std::cout);
    return kExitOk;
  }
  if (first == "--version") {
    std::cout << "twin " << TWIN_VERSION << '\n';
    return kExitOk;
  }
  if (first == "help" && argc >= 3) {
    for (const CommandEntry& c : kCommands)
      if (c.usage && argv[2] == std::string(c.name)) {
        std::cout << c.usage;
        return kExitOk;
      }
  }
  for (const CommandEntry& c : kCommands) {
    if (first != c.name) continue;
    if (c.usage)
      for (int i = 2; i < argc; ++i)
        if (isHelp(argv[i])) {
          std::cout << c.usage;
          return kExitOk;
        }
    std::vector<char*> args(argv + 1, argv + argc);
    if (loadsScenes(first)) {
      const std::string error = takeDataAccess(first, args);
      if (!error.empty()) {
        std::cerr << error << "\n";
        return kExitUsage;
      }
    }
    const int n = static_cast<int>(args.size());
    args.push_back(nullptr);
    return c.run(n, args.data());
  }
  if (!first.empty() && first[0] == '-')
    std::cerr << "twin: unknown option '" << first << "'; see 'twin --help'\n";
  else
    std::cerr << "twin: unknown command '" << first << "'; see 'twin --help'\n";
  return kExitUsage;
}

}  // namespace twin::app
