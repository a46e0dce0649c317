// `twin sunlight`: sunlight hours (日照) at every window of every residential building against a
// GB 50180-2018 standard, optionally before and after a scenario's proposed buildings.
#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>

#include "twin/app/AnalysisCommands.h"
#include "CliArgs.h"
#include "twin/analysis/Isochrone.h"
#include "twin/analysis/Sunlight.h"
#include "twin/analysis/SunlightStandard.h"
#include "twin/app/Cli.h"
#include "twin/app/SceneLoading.h"
#include "twin/app/SunlightView.h"
#include "twin/core/Stopwatch.h"
#include "twin/core/TextFormat.h"
#include "twin/geo/SunPosition.h"
#include "twin/geo/VectorWriter.h"
#include "twin/model/Scenario.h"

namespace twin::app {

const char* const kSunlightUsage =
    "usage: twin sunlight SCENE --date YYYY-MM-DD -o OUT.csv|.gpkg|.geojson [--standard NAME]\n"
    "                     [--window 8-16] [--spacing 3] [--scenario NAME] [--min-run MINUTES]\n"
    "                     [--no-terrain]\n"
    "  Sunlight hours (日照时数) at window samples on every outer wall of every storey of every\n"
    "  residential building (every --spacing metres, at the storey's floor + 0.9 m), counted at\n"
    "  one-minute steps in true solar time (真太阳时) within the standard's window; shadows from\n"
    "  every building (building:part volumes as drawn) and the terrain. Writes one CSV row per\n"
    "  sample: building, building_id, floor, wall_azimuth_deg (the way the wall faces, 0 = north),\n"
    "  lon, lat, height_m (above the ground), sun_minutes, longest_run_minutes, pass; prints the\n"
    "  windows, storeys and buildings passing and failing. .gpkg and .geojson get the same fields\n"
    "  on WGS84 points, typed (pass flags as 0/1).\n"
    "  --date DATE       the day to check, normally the standard's: 大寒日 (e.g. 2026-01-20) or\n"
    "                    冬至日 (e.g. 2026-12-22); another date is computed but warned about\n"
    "  --standard NAME   a row of GB 50180-2018 Table 4.0.9 (default: the scene's\n"
    "                    \"sunlight\": {\"standard\": NAME}); names:\n"
    "                      gb50180-I-II-III-VII-large  大寒日 >= 2 h (Hangzhou, Beijing)\n"
    "                      gb50180-I-II-III-VII-small  大寒日 >= 3 h\n"
    "                      gb50180-IV-large            大寒日 >= 3 h\n"
    "                      gb50180-IV-small            冬至日 >= 1 h\n"
    "                      gb50180-V-VI                冬至日 >= 1 h\n"
    "                      gb50180-renewal             大寒日 >= 1 h (old-district renewal)\n"
    "  --window A-B      true-solar-time hours (default the standard's: 8-16 on 大寒日, 9-15 on 冬至日)\n"
    "  --spacing M       metres between samples along a wall, in [0.5, 100] (default 3)\n"
    "  --scenario NAME   add the scene's scenario NAME's proposed buildings (key \"scenarios\",\n"
    "                    \"buildings\": [{name, footprint [[lon,lat],...], height}]) as shadow casters;\n"
    "                    adds the columns sun_minutes_before, pass_before, pass_after, lost\n"
    "  --min-run M       count only unbroken runs of at least M minutes (local rules; GB 50180\n"
    "                    counts every minute: 0, the default)\n"
    "  --no-terrain      no shadows from the scene's terrain\n"
    "  A sample passes when its minutes reach the standard's hours (accumulated, as GB 50180\n"
    "  counts). A storey passes when one of its windows does (a stand-in for a dwelling, whose\n"
    "  rooms the data do not give); a building when every storey does.\n";

namespace {

using core::csvField;

bool parseWindow(const std::string& text, double& start, double& end) {
  const auto dash = text.find('-');
  if (dash == std::string::npos) return false;
  char* stop = nullptr;
  const std::string a = text.substr(0, dash), b = text.substr(dash + 1);
  start = std::strtod(a.c_str(), &stop);
  if (a.empty() || *stop) return false;
  end = std::strtod(b.c_str(), &stop);
  if (b.empty() || *stop) return false;
  return std::isfinite(start) && std::isfinite(end) && start >= 0 && start < end && end <= 24;
}

bool hasSuffix(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

using Tally = analysis::SunlightTally;

// "sunlight: 40%" on stderr every 10 %, once the rays have run for a second (short runs stay quiet).
core::ProgressFn rayProgress() {
  auto clock = std::make_shared<core::Stopwatch>();
  auto last = std::make_shared<int>(0);
  return [clock, last](std::string_view, double fraction) {
    const int tenth = static_cast<int>(fraction * 10);
    if (clock->elapsedMs() < 1000 || tenth <= *last) return;
    *last = tenth;
    std::cerr << "sunlight: " << tenth * 10 << "%\n";
  };
}

// The summary goes to std::cout (not printf) so that the in-process CLI tests can capture it.
void printTally(const std::string& label, const Tally& t) {
  char line[256];
  std::snprintf(line, sizeof line,
                "%s: windows %zu pass, %zu fail; storeys %zu pass, %zu fail; buildings %zu pass, %zu fail\n",
                label.c_str(), t.windowsPass, t.windows - t.windowsPass, t.storeysPass, t.storeys - t.storeysPass,
                t.buildingsPass, t.buildings - t.buildingsPass);
  std::cout << line;
}

}  // namespace

int cmdSunlight(int argc, char** argv) {
  CliArgs args("sunlight", {"-o", "--date", "--window", "--standard", "--spacing", "--scenario", "--min-run"},
               {"--no-terrain", "--help"});
  if (!args.parse(argc, argv)) return args.usageError(args.error());
  if (args.has("--help")) {
    std::cout << kSunlightUsage;
    return kExitOk;
  }
  if (args.positionals().size() != 1)
    return args.usageError(args.positionals().empty() ? "missing SCENE"
                                                      : "unexpected argument '" + args.positionals()[1] + "'");
  if (!args.has("--date")) return args.usageError("missing --date YYYY-MM-DD");
  if (!args.has("-o")) return args.usageError("missing -o OUT.csv|.gpkg|.geojson");
  const std::string out = *args.value("-o");
  if (!hasSuffix(out, ".csv") && !hasSuffix(out, ".gpkg") && !hasSuffix(out, ".geojson"))
    return args.usageError("-o expects a file ending in .csv, .gpkg or .geojson, got '" + out + "'");
  auto date = geo::parseCivilDate(*args.value("--date"));
  if (!date) return args.usageError("--date: " + date.error().message);
  double windowStart = 0, windowEnd = 0;
  if (args.has("--window") && !parseWindow(*args.value("--window"), windowStart, windowEnd))
    return args.usageError("--window expects true-solar-time hours START-END with 0 <= START < END <= 24, got '" +
                           *args.value("--window") + "'");
  analysis::WindowSampleOptions sampling;
  if (args.has("--spacing")) {
    char* stop = nullptr;
    const std::string text = *args.value("--spacing");
    sampling.spacingMeters = std::strtod(text.c_str(), &stop);
    if (text.empty() || *stop || !(sampling.spacingMeters >= 0.5 && sampling.spacingMeters <= 100))
      return args.usageError("--spacing expects metres in [0.5, 100], got '" + text + "'");
  }
  int minRun = 0;
  if (args.has("--min-run") && (!parsePositiveInt(*args.value("--min-run"), minRun) || minRun > 1440))
    return args.usageError("--min-run expects whole minutes in [1, 1440], got '" + *args.value("--min-run") + "'");

  auto loaded = loadScene(args.positionals()[0], stderrProgress());
  if (!loaded) {
    std::cerr << loaded.error().message << '\n';
    return kExitBadInput;
  }
  const LoadedScene& scene = *loaded;
  const model::Site& site = *scene.site;
  const std::string sceneName = scene.config.file.filename().string();

  // The standard: --standard, else the scene's "sunlight" key.
  analysis::SunlightStandard standard;
  if (auto name = args.value("--standard")) {
    auto s = analysis::sunlightStandard(*name);
    if (!s) return args.usageError("--standard: " + s.error().message);
    standard = *s;
  } else {
    const auto section = scene.config.sections.find("sunlight");
    auto s = analysis::sceneSunlightStandard(section == scene.config.sections.end() ? "" : section->second, sceneName);
    if (!s) {
      std::cerr << s.error().message << '\n';
      return kExitBadInput;
    }
    if (!s->has_value()) {
      std::string known;
      for (const auto& row : analysis::sunlightStandards()) known += (known.empty() ? "" : ", ") + row.name;
      std::cerr << "twin sunlight: " << args.positionals()[0]
                << " names no standard (scene key \"sunlight\": {\"standard\": NAME}); give --standard NAME, one of: "
                << known << '\n';
      return kExitUsage;
    }
    standard = **s;
  }
  if (!args.has("--window")) {
    windowStart = standard.windowStartHours;
    windowEnd = standard.windowEndHours;
  }
  const double termLongitude = standard.day == analysis::StandardDay::GreatCold ? 300 : 270;
  const geo::CivilDate termDate = geo::solarTermDate(date->year, termLongitude);
  if (geo::formatCivilDate(termDate) != geo::formatCivilDate(*date))
    std::cerr << "twin sunlight: warning: " << geo::formatCivilDate(*date) << " is not "
              << analysis::standardDayName(standard.day) << " of " << date->year << " ("
              << geo::formatCivilDate(termDate) << "), the day " << standard.name << " is checked on\n";

  // The scenario's proposed buildings.
  std::vector<analysis::ExtraVolume> proposed;
  std::string scenarioName;
  if (auto name = args.value("--scenario")) {
    int exitCode = kExitOk;
    const std::optional<model::Scenario> chosen =
        scenarioForCommand("sunlight", scene, args.positionals()[0], *name, exitCode);
    if (!chosen) return exitCode;
    if (chosen->buildings.empty()) {
      std::cerr << "twin sunlight: scenario '" << *name << "' in " << sceneName
                << " proposes no buildings (key \"buildings\"); nothing to compare\n";
      return kExitBadInput;
    }
    scenarioName = chosen->name;
    proposed = proposedVolumes(site, chosen->buildings);
  }

  sampling.storeyMeters = scene.config.heights.storeyMeters;
  const auto samples = analysis::windowSamples(site, sampling);
  if (samples.empty()) {
    std::cerr << "twin sunlight: " << args.positionals()[0]
              << ": no residential buildings (building=residential, apartments, "
              << "house, ...) in the scene\n";
    return kExitBadInput;
  }
  const core::LonLat origin = site.frame.origin();
  const auto steps = analysis::sunSteps(origin, *date, windowStart, windowEnd);
  const bool withTerrain = !args.has("--no-terrain");
  auto occluders = analysis::SunlightScene::build(site, {}, withTerrain);
  if (!occluders) {
    std::cerr << occluders.error().message << '\n';
    return kExitBadInput;
  }
  const int required = static_cast<int>(std::lround(standard.minHours * 60));
  analysis::SunlightStats stats;
  const auto counts = analysis::sunlightMinutes(*occluders, samples, steps, minRun, &stats, rayProgress());
  std::vector<analysis::SunlightCount> after;
  analysis::SunlightStats afterStats;
  if (!proposed.empty()) {
    auto withProposed = analysis::SunlightScene::build(site, proposed, withTerrain);
    if (!withProposed) {
      std::cerr << withProposed.error().message << '\n';
      return kExitBadInput;
    }
    after = analysis::sunlightMinutes(*withProposed, samples, steps, minRun, &afterStats, rayProgress());
  }

  std::vector<bool> passBefore(samples.size()), passAfter(samples.size());
  for (std::size_t i = 0; i < samples.size(); ++i) {
    passBefore[i] = counts[i].sunMinutes >= required;
    passAfter[i] = after.empty() ? passBefore[i] : after[i].sunMinutes >= required;
  }
  const bool csvOut = hasSuffix(out, ".csv");
  std::string csv = "building,building_id,floor,wall_azimuth_deg,lon,lat,height_m,sun_minutes,longest_run_minutes,pass";
  if (!after.empty()) csv += ",sun_minutes_before,pass_before,pass_after,lost";
  csv += '\n';
  // .gpkg / .geojson: one point feature per sample with the same columns, typed (pass flags as
  // integers 0/1: neither GeoPackage nor the writer has a boolean type).
  using geo::FieldType;
  std::vector<geo::FieldDef> fields = {{"building", FieldType::String},
                                       {"building_id", FieldType::String},
                                       {"floor", FieldType::Integer},
                                       {"wall_azimuth_deg", FieldType::Real},
                                       {"lon", FieldType::Real},
                                       {"lat", FieldType::Real},
                                       {"height_m", FieldType::Real},
                                       {"sun_minutes", FieldType::Integer},
                                       {"longest_run_minutes", FieldType::Integer},
                                       {"pass", FieldType::Integer}};
  if (!after.empty())
    for (const char* name : {"sun_minutes_before", "pass_before", "pass_after", "lost"})
      fields.push_back({name, FieldType::Integer});
  std::vector<geo::VectorFeature> features;
  char line[256];
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const analysis::WindowSample& w = samples[i];
    const model::Building& b = site.buildings[w.building];
    const std::string id = b.idKind + "/" + std::to_string(b.osmId);
    const std::string label = b.name.empty() ? id : b.name;
    const core::LonLat ll = site.frame.toLonLat(w.position);
    const analysis::SunlightCount& c = after.empty() ? counts[i] : after[i];
    const bool lost = passBefore[i] && !passAfter[i];
    if (!csvOut) {
      std::snprintf(line, sizeof line, "POINT (%.7f %.7f)", ll.lon, ll.lat);
      geo::VectorFeature f{line,
                           {label, id, static_cast<long long>(w.floor), std::round(w.wallAzimuthDegrees * 10) / 10,
                            std::round(ll.lon * 1e7) / 1e7, std::round(ll.lat * 1e7) / 1e7,
                            std::round(w.heightMeters * 100) / 100, static_cast<long long>(c.sunMinutes),
                            static_cast<long long>(c.longestRunMinutes), static_cast<long long>(passAfter[i])}};
      if (!after.empty())
        for (long long v : {static_cast<long long>(counts[i].sunMinutes), static_cast<long long>(passBefore[i]),
                            static_cast<long long>(passAfter[i]), static_cast<long long>(lost)})
          f.values.emplace_back(v);
      features.push_back(std::move(f));
      continue;
    }
    std::snprintf(line, sizeof line, ",%d,%.1f,%.7f,%.7f,%.2f,%d,%d,%s", w.floor, w.wallAzimuthDegrees, ll.lon, ll.lat,
                  w.heightMeters, c.sunMinutes, c.longestRunMinutes, passAfter[i] ? "true" : "false");
    csv += csvField(label) + "," + csvField(id) + line;
    if (!after.empty()) {
      std::snprintf(line, sizeof line, ",%d,%s,%s,%s", counts[i].sunMinutes, passBefore[i] ? "true" : "false",
                    passAfter[i] ? "true" : "false", lost ? "true" : "false");
      csv += line;
    }
    csv += '\n';
  }
  const core::Status written =
      csvOut ? analysis::writeTextFile(out, csv) : geo::writeVectorLayer(out, "sunlight", fields, features);
  if (!written) {
    std::cerr << written.error().message << '\n';
    return kExitBadInput;
  }

  char line2[512];
  std::snprintf(line2, sizeof line2, "%s on %s (%s), %g-%g h true solar time, needs %d min%s\n", standard.name.c_str(),
                geo::formatCivilDate(*date).c_str(), analysis::standardDayName(standard.day), windowStart, windowEnd,
                required, minRun ? (" in runs of >= " + std::to_string(minRun) + " min").c_str() : "");
  std::cout << line2;
  const Tally before = analysis::tallySunlight(samples, passBefore);
  std::snprintf(line2, sizeof line2,
                "%zu window samples on %zu residential buildings, %zu occluder triangles%s; %zu rays in %.2f s\n",
                samples.size(), before.buildings, occluders->triangles(),
                withTerrain && site.terrain ? " (terrain included)" : "", stats.rays + afterStats.rays,
                stats.seconds + afterStats.seconds);
  std::cout << line2;
  printTally(after.empty() ? "result" : "before", before);
  if (!after.empty()) {
    const Tally t = analysis::tallySunlight(samples, passAfter);
    printTally("after '" + scenarioName + "'", t);
    std::size_t lostWindows = 0;
    for (std::size_t i = 0; i < samples.size(); ++i) lostWindows += passBefore[i] && !passAfter[i];
    std::snprintf(line2, sizeof line2,
                  "lost compliance: %zu windows; storeys passing %zu -> %zu; buildings passing %zu -> %zu\n",
                  lostWindows, before.storeysPass, t.storeysPass, before.buildingsPass, t.buildingsPass);
    std::cout << line2;
  }
  std::cout << "wrote " << out << '\n';
  std::cout.flush();
  return kExitOk;
}

}  // namespace twin::app
