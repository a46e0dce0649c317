// `twin report`: the check-up report. Sections:
//   computeAll()      -> walk graph, coverage (before / after a scenario), TOD, sunlight, indicators
//   *Section()        -> one HTML section each, with its maps (MapRenderer) and tables (ReportHtml)
//   cmdReport()       -> options, output folder, the page
#include "twin/app/ReportCommand.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include "CliArgs.h"
#include "ReportHtml.h"
#include "ReportMap.h"
#include "twin/analysis/Coverage.h"
#include "twin/analysis/Indicators.h"
#include "twin/analysis/ScenarioAlgebra.h"
#include "twin/analysis/ScenarioSite.h"
#include "twin/analysis/Sunlight.h"
#include "twin/analysis/SunlightStandard.h"
#include "twin/analysis/Tod.h"
#include "twin/app/AnalysisCommands.h"
#include "twin/app/Cli.h"
#include "twin/app/MonitorView.h"
#include "twin/app/SceneLoading.h"
#include "twin/app/SiteInfo.h"
#include "twin/app/Version.h"
#include "twin/core/Stopwatch.h"
#include "twin/core/TextFormat.h"
#include "twin/model/Scenario.h"
#include "twin/ui/CoveragePanel.h"
#include "twin/ui/Fonts.h"

namespace twin::app {

const char* const kReportUsage =
    "usage: twin report SCENE -o DIR [--scenario NAME] [--lang zh-CN|en|both] [--alerts-db FILE]\n"
    "  The check-up report (体检报告) of a scene: DIR/index.html with its maps in DIR/maps/ (PNG),\n"
    "  a self-contained folder that opens without a network and prints on A4. Sections: life-circle\n"
    "  coverage by level (5/10/15 min) with the blocking categories, gaps by category, TOD\n"
    "  catchments, sunlight compliance against the scene's GB 50180 standard on its standard day\n"
    "  of the current year, the nine-scenario indicators (missing values with their reasons), the\n"
    "  data diagnostics and the data credits. Maps are plan views, north up, rendered headless.\n"
    "  A section the scene cannot support (no streets, no station, no sunlight standard) is left\n"
    "  out with the reason stated in the report. See docs/report.md.\n"
    "  --scenario NAME  the scene file's scenario NAME (key \"scenarios\"): maps and tables before\n"
    "                   and after side by side, and a differences section\n"
    "  --lang L         zh-CN, en, or both (default: both, in one page)\n"
    "  --alerts-db FILE the alert log the governance indicators read (default: as twin indicators)\n";

namespace {

using model::Color;

// Colours: ColorBrewer RdYlGn-like, readable in print and by most colour-blind readers when
// paired with the legend's words.
constexpr Color kMet{0.10f, 0.60f, 0.31f, 1}, kNotMet{0.84f, 0.19f, 0.15f, 1}, kPartial{0.99f, 0.60f, 0.20f, 1},
    kOffNetwork{0.48f, 0.20f, 0.58f, 1}, kOtherBuilding{0.80f, 0.80f, 0.80f, 1}, kOutline{0.45f, 0.45f, 0.48f, 1},
    kMajorRoad{0.55f, 0.55f, 0.58f, 1}, kMinorRoad{0.68f, 0.68f, 0.70f, 1}, kPath{0.75f, 0.72f, 0.66f, 1},
    kWalkArea{0.88f, 0.86f, 0.80f, 1}, kFacility{0.13f, 0.40f, 0.75f, 1}, kProposed{0.90f, 0.10f, 0.60f, 1},
    kProposedBuilding{0.20f, 0.20f, 0.25f, 0.85f}, kCatchmentOuter{0.26f, 0.57f, 0.78f, 0.30f},
    kCatchmentInner{0.13f, 0.35f, 0.65f, 0.40f}, kStation{0.75f, 0.05f, 0.10f, 1},
    kResidentialGrey{0.62f, 0.62f, 0.66f, 1};

std::string fmt(const char* format, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}
std::string num(std::size_t v) { return std::to_string(v); }
std::string signedNum(long long v) { return (v > 0 ? "+" : "") + std::to_string(v); }
std::string share(std::size_t part, std::size_t whole) {
  return whole ? fmt("%.1f %%", 100.0 * double(part) / double(whole)) : "—";
}
std::string buildingLabel(const model::Building& b) {
  const std::string id = b.idKind + "/" + std::to_string(b.osmId);
  return b.name.empty() ? id : b.name + " (" + id + ")";
}
// Categories have a Chinese label; their id stands for the English name.
std::string categoryLabel(const ReportText& tx, const model::FacilityCategory& c) { return tx.t(c.label, c.id); }

// ---------------------------------------------------------------- the computed state

struct BuildingSun {
  std::size_t building = 0;
  int storeys = 0, storeysPassBefore = 0, storeysPassAfter = 0;
  int windows = 0, windowsPassBefore = 0, windowsPassAfter = 0;
  int bestMinutesBefore = 0, bestMinutesAfter = 0;
  int storeysLost = 0, storeysGained = 0;
};

struct SunlightRun {
  bool done = false;
  std::string whyMissing;  // when !done
  analysis::SunlightStandard standard;
  geo::CivilDate date;
  int requiredMinutes = 0;
  std::size_t samples = 0, rays = 0;
  double seconds = 0;
  std::vector<BuildingSun> buildings;  // residential buildings with window samples, in site order
  bool compared = false;               // a scenario with proposed buildings was applied
  std::vector<analysis::ExtraVolume> proposed;
};

struct Report {
  ReportText tx{ReportLanguage::Both};
  std::string scenePath;
  LoadedScene scene;
  model::FacilityConfig config;
  std::optional<model::Scenario> scenario;
  std::size_t scenarioApplied = 0;
  core::Diagnostics diag;  // analysis diagnostics
  analysis::WalkGraph graph;
  analysis::WalkGraphStats graphStats;
  std::string walkWhyMissing;  // no walkable ways: coverage, gaps, TOD and indicators are left out
  std::unique_ptr<analysis::CoverageModel> before, after;  // after: with the scenario (else null)
  std::vector<analysis::TodResult> tod;
  std::string todWhyMissing;
  SunlightRun sun;
  std::vector<analysis::ScenarioIndicators> indicators;
  // With a scenario: TOD and the indicators on the site as the scenario leaves it.
  std::vector<analysis::TodResult> todAfter;
  std::vector<analysis::ScenarioIndicators> indicatorsAfter;
  std::filesystem::path alertsDb;
  // Maps.
  std::filesystem::path dir;
  std::unique_ptr<MapRenderer> maps;
  std::string mapsWhyMissing;
  int mapCount = 0;
  std::vector<std::pair<std::string, std::string>> leftOut;  // (section title HTML, reason HTML)
  std::string credits;
};

void progress(const std::string& line) { std::cerr << "twin report: " << line << '\n'; }

// As `twin sunlight`: "sunlight: 40%" every 10 %, once the rays have run for a second.
core::ProgressFn rayProgress(const std::string& label) {
  auto clock = std::make_shared<core::Stopwatch>();
  auto last = std::make_shared<int>(0);
  return [clock, last, label](std::string_view, double fraction) {
    const int tenth = static_cast<int>(fraction * 10);
    if (clock->elapsedMs() < 1000 || tenth <= *last) return;
    *last = tenth;
    std::cerr << "twin report: " << label << ' ' << tenth * 10 << "%\n";
  };
}

void computeSunlight(Report& r) {
  SunlightRun& s = r.sun;
  const model::Site& site = *r.scene.site;
  const auto section = r.scene.config.sections.find("sunlight");
  const std::string sceneName = r.scene.config.file.filename().string();
  auto standard =
      analysis::sceneSunlightStandard(section == r.scene.config.sections.end() ? "" : section->second, sceneName);
  if (!standard) {
    s.whyMissing = standard.error().message;
    return;
  }
  if (!standard->has_value()) {
    s.whyMissing =
        "the scene names no sunlight standard (key \"sunlight\": {\"standard\": NAME}); see twin sunlight --help";
    return;
  }
  s.standard = **standard;
  // The standard's day of the report's year (大寒日: solar longitude 300°, 冬至日: 270°).
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  const double termLongitude = s.standard.day == analysis::StandardDay::GreatCold ? 300 : 270;
  s.date = geo::solarTermDate(local.tm_year + 1900, termLongitude);
  s.requiredMinutes = static_cast<int>(std::lround(s.standard.minHours * 60));

  analysis::WindowSampleOptions sampling;
  sampling.storeyMeters = r.scene.config.heights.storeyMeters;
  const auto samples = analysis::windowSamples(site, sampling);
  if (samples.empty()) {
    s.whyMissing = "no residential buildings (building=residential, apartments, house, ...) in the scene";
    return;
  }
  const bool terrain = site.terrain && !site.terrain->empty();
  if (r.scenario)
    for (const model::ScenarioBuilding& b : r.scenario->buildings) {
      analysis::ExtraVolume v;
      for (const core::LonLat& p : b.footprint) v.footprint.outer.push_back(site.frame.toLocal(p));
      v.heightMeters = b.heightMeters;
      // Standing on the lowest ground under it, as twin sunlight and the model place buildings.
      const double base = terrain ? site.terrain->minHeightUnder(v.footprint) : 0;
      v.baseMeters = std::isfinite(base) ? base : 0;
      s.proposed.push_back(std::move(v));
    }
  const auto steps =
      analysis::sunSteps(site.frame.origin(), s.date, s.standard.windowStartHours, s.standard.windowEndHours);
  auto occluders = analysis::SunlightScene::build(site, {}, true);
  if (!occluders) {
    s.whyMissing = occluders.error().message;
    return;
  }
  progress("sunlight: " + std::to_string(samples.size()) + " windows on " + geo::formatCivilDate(s.date));
  analysis::SunlightStats stats;
  const auto counts = analysis::sunlightMinutes(*occluders, samples, steps, 0, &stats, rayProgress("sunlight"));
  std::vector<analysis::SunlightCount> after = counts;
  analysis::SunlightStats afterStats;
  if (!s.proposed.empty()) {
    auto withProposed = analysis::SunlightScene::build(site, s.proposed, true);
    if (!withProposed) {
      s.whyMissing = withProposed.error().message;
      return;
    }
    progress("sunlight with the scenario's proposed buildings");
    after = analysis::sunlightMinutes(*withProposed, samples, steps, 0, &afterStats, rayProgress("sunlight (after)"));
    s.compared = true;
  }
  s.samples = samples.size();
  s.rays = stats.rays + afterStats.rays;
  s.seconds = stats.seconds + afterStats.seconds;
  // Per storey: passes when one of its windows does (a stand-in for a dwelling, as twin sunlight).
  std::map<std::pair<std::size_t, int>, std::pair<bool, bool>> storeys;
  std::map<std::size_t, BuildingSun> buildings;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const bool passBefore = counts[i].sunMinutes >= s.requiredMinutes;
    const bool passAfter = after[i].sunMinutes >= s.requiredMinutes;
    BuildingSun& b = buildings[samples[i].building];
    b.building = samples[i].building;
    ++b.windows;
    b.windowsPassBefore += passBefore;
    b.windowsPassAfter += passAfter;
    b.bestMinutesBefore = std::max(b.bestMinutesBefore, counts[i].sunMinutes);
    b.bestMinutesAfter = std::max(b.bestMinutesAfter, after[i].sunMinutes);
    auto& st = storeys[{samples[i].building, samples[i].floor}];
    st.first = st.first || passBefore;
    st.second = st.second || passAfter;
  }
  for (const auto& [key, pass] : storeys) {
    BuildingSun& b = buildings[key.first];
    ++b.storeys;
    b.storeysPassBefore += pass.first;
    b.storeysPassAfter += pass.second;
    b.storeysLost += pass.first && !pass.second;
    b.storeysGained += !pass.first && pass.second;
  }
  for (auto& [index, b] : buildings) s.buildings.push_back(b);
  s.done = true;
}

// Everything the sections show; sections without their inputs get a reason instead.
void computeAll(Report& r, const std::string& alertsDb) {
  const model::Site& site = *r.scene.site;
  progress("walk graph");
  r.graph = sceneWalkGraph(r.scene, r.config, r.diag, &r.graphStats);
  if (r.graph.segmentCount() == 0) {
    r.walkWhyMissing = "no walkable ways in the scene (" + std::to_string(site.roads.size()) + " roads read)";
    r.todWhyMissing = r.walkWhyMissing;
  } else {
    progress("life-circle coverage");
    const auto facilities = model::facilitiesFromPois(site.pois, r.config);
    r.before = std::make_unique<analysis::CoverageModel>(r.graph, site, r.config, facilities, r.diag, 30.0,
                                                         r.config.walking.speedMps);
    if (r.scenario) {
      r.after = std::make_unique<analysis::CoverageModel>(r.graph, site, r.config, facilities, r.diag, 30.0,
                                                          r.config.walking.speedMps);
      r.scenarioApplied = analysis::applyScenario(*r.after, *r.scenario, site.frame, r.diag);
    }
    progress("TOD catchments");
    const auto stations = analysis::findStations(site);
    if (stations.empty())
      r.todWhyMissing = "no rail or metro station (railway=station|halt) in the scene";
    else
      r.tod = analysis::todCatchments(r.graph, site, r.config, stations, {500, 800}, r.diag);
    progress("nine-scenario indicators");
    r.alertsDb = alertsDb.empty() ? defaultAlertsDb() : std::filesystem::path(alertsDb);
    const analysis::OperationsFacts ops = operationsFacts(r.scene, r.alertsDb);
    r.indicators = analysis::nineScenarioIndicators(r.graph, site, r.config, ops, r.diag);
    if (r.scenario) {
      // The scenario's facilities become POIs (a station it adds is a TOD station) and its
      // buildings buildings; the walk graph is the same. Its problems are the coverage run's
      // again (skipped entries, buildings off the network): not reported twice.
      progress("TOD and indicators with the scenario");
      core::Diagnostics again;
      const analysis::ScenarioSite after = analysis::siteWithScenario(site, *r.scenario, r.config, again);
      const auto stationsAfter = analysis::findStations(after.site);
      if (!stationsAfter.empty())
        r.todAfter = analysis::todCatchments(r.graph, after.site, r.config, stationsAfter, {500, 800}, again);
      r.indicatorsAfter = analysis::nineScenarioIndicators(r.graph, after.site, r.config, ops, again);
    }
  }
  computeSunlight(r);
}

// ---------------------------------------------------------------- maps

core::Box2 mapExtent(const model::Site& site) {
  core::Box2 box;
  for (const model::Building& b : site.buildings)
    for (const core::Vec2& p : b.footprint.outer) box.add(p);
  for (const model::Poi& p : site.pois) box.add(p.position);
  if (box.empty()) box = site.extent;
  return box;
}

float roadWidth(const std::string& highway) {
  static const std::set<std::string> major = {"motorway",   "trunk",        "primary",
                                              "secondary",  "tertiary",     "motorway_link",
                                              "trunk_link", "primary_link", "secondary_link"};
  static const std::set<std::string> minor = {"residential", "unclassified", "service", "living_street",
                                              "tertiary_link"};
  if (major.count(highway)) return 3.5f;
  if (minor.count(highway)) return 2.0f;
  return 1.0f;
}

// The base of every map: pedestrian areas, roads, and buildings coloured by `colour` (alpha 0 =
// a non-residential grey).
MapSpec baseMap(const Report& r, const std::string& title, const std::function<Color(std::size_t)>& colour) {
  const model::Site& site = *r.scene.site;
  MapSpec map;
  map.title = title;
  map.extent = mapExtent(site);
  map.credits = r.credits;
  for (const model::WalkArea& a : site.walkAreas) map.polygons.push_back({a.polygon, kWalkArea, {0, 0, 0, 0}, 1});
  for (std::size_t i = 0; i < site.buildings.size(); ++i) {
    Color c = colour(i);
    if (c.a <= 0) c = kOtherBuilding;
    map.polygons.push_back({site.buildings[i].footprint, c, kOutline, 1});
  }
  // Roads under nothing but the buildings' outlines: lines are drawn after polygons, so thin ones.
  for (const model::Road& road : site.roads) {
    const float w = roadWidth(road.highway);
    map.lines.push_back({road.line, w >= 3 ? kMajorRoad : w >= 2 ? kMinorRoad : kPath, w});
  }
  // Lines are batched by width: keep equal widths together.
  std::stable_sort(map.lines.begin(), map.lines.end(),
                   [](const MapLine& a, const MapLine& b) { return a.widthPixels < b.widthPixels; });
  return map;
}

// Renders `map` as maps/<name>.png and returns its <figure>, or the reason it is missing.
std::string figure(Report& r, const MapSpec& map, const std::string& name, const std::string& captionHtml) {
  if (!r.maps)
    return "<p class=\"left-out\">" + r.tx.t("地图未绘制：", "Map not rendered: ") + htmlEscape(r.mapsWhyMissing) +
           "</p>\n";
  const std::string file = "maps/" + name + ".png";
  ++r.mapCount;
  progress("map " + std::to_string(r.mapCount) + ": " + file);
  const core::Status written = r.maps->render(map, (r.dir / file).string());
  if (!written) return "<p class=\"left-out\">" + htmlEscape(written.error().message) + "</p>\n";
  return "<figure id=\"map-" + htmlEscape(name) + "\"><img src=\"" + htmlEscape(file) + "\" alt=\"" +
         htmlEscape(map.title) + "\"><figcaption>" + captionHtml + "</figcaption></figure>\n";
}

std::string pair(const std::string& left, const std::string& right) {
  return "<div class=\"pair\">\n" + left + right + "</div>\n";
}

std::string leftOutNote(Report& r, const std::string& titleHtml, const std::string& reason) {
  r.leftOut.emplace_back(titleHtml, htmlEscape(reason));
  progress("left out: " + reason);
  return "<p class=\"left-out\">" + r.tx.t("本节略去：", "Section left out: ") + htmlEscape(reason) + "</p>\n";
}

void addFacilities(MapSpec& map, const analysis::CoverageModel& model, std::optional<std::size_t> category) {
  for (const model::Facility& f : model.facilities()) {
    if (category && f.category != *category) continue;
    const bool proposed = f.idKind.empty();
    if (!category && !proposed) continue;
    map.points.push_back({f.position, proposed ? kProposed : kFacility, proposed ? 14.f : 9.f, proposed});
  }
}

// ---------------------------------------------------------------- sections

std::string levelsTable(const Report& r) {
  const ReportText& tx = r.tx;
  const analysis::CoverageSummary b = r.before->summary();
  const std::optional<analysis::CoverageSummary> a =
      r.after ? std::optional<analysis::CoverageSummary>(r.after->summary()) : std::nullopt;
  HtmlTable t;
  t.id = "coverage-levels";
  t.caption = tx.t("生活圈等级达标情况", "Life-circle levels met");
  t.header = {tx.t("等级", "Level"), tx.t("达标楼栋", "Buildings meeting it"), tx.t("占比", "Share"),
              tx.t("达标人口（估）", "Residents (est.)"),
              tx.t("未达标原因：缺少的设施类别（楼栋数）", "Blocked by: missing category (buildings)")};
  t.numeric = {false, true, true, true, false};
  if (a) {
    t.header.insert(t.header.begin() + 2, tx.t("方案后", "After"));
    t.header.insert(t.header.begin() + 3, tx.t("变化", "Change"));
    t.numeric = {false, true, true, true, true, true, false};
  }
  for (std::size_t i = 0; i < b.levels.size(); ++i) {
    const analysis::LevelSummary& l = b.levels[i];
    const analysis::LevelSummary& shown = a ? a->levels[i] : l;
    std::string blocked;
    for (const auto& [id, n] : shown.blockedBy) {
      std::string label = id;
      for (const auto& c : r.config.categories)
        if (c.id == id) label = tx.plain(c.label, c.id);
      if (id == analysis::kOffNetwork) label = tx.plain("不在步行网络上", "off the walk network");
      blocked += (blocked.empty() ? "" : "; ") + htmlEscape(label) + " " + num(n);
    }
    HtmlTable::Row row;
    row.attributes = "data-level=\"" + std::to_string(l.minutes) + "\"";
    row.cells = {tx.t(std::to_string(l.minutes) + " 分钟", std::to_string(l.minutes) + " min"), num(l.buildingsMet)};
    if (a) {
      row.cells.push_back(num(shown.buildingsMet));
      row.cells.push_back(
          signedNum(static_cast<long long>(shown.buildingsMet) - static_cast<long long>(l.buildingsMet)));
      if (shown.buildingsMet != l.buildingsMet) row.cls = "changed";
    }
    row.cells.push_back(share(shown.buildingsMet, b.buildings));
    row.cells.push_back(fmt("%.0f", shown.residentsMet));
    row.cells.push_back(blocked.empty() ? "—" : blocked);
    t.rows.push_back(std::move(row));
  }
  return htmlTable(t);
}

std::string categoriesTable(const Report& r) {
  const ReportText& tx = r.tx;
  const analysis::CoverageSummary b = r.before->summary();
  const std::optional<analysis::CoverageSummary> a =
      r.after ? std::optional<analysis::CoverageSummary>(r.after->summary()) : std::nullopt;
  HtmlTable t;
  t.id = "coverage-categories";
  t.caption = tx.t("各类设施的步行覆盖", "Walking coverage per facility category");
  t.header = {tx.t("类别", "Category"),
              tx.t("等级", "Level"),
              tx.t("必备", "Required"),
              tx.t("设施数", "Facilities"),
              tx.t("覆盖楼栋", "Buildings covered"),
              tx.t("占比", "Share"),
              tx.t("覆盖人口（估）", "Residents (est.)")};
  t.numeric = {false, true, false, true, true, true, true};
  if (a) {
    t.header.insert(t.header.begin() + 4, tx.t("方案后设施数", "Facilities after"));
    t.header.insert(t.header.begin() + 6, tx.t("方案后覆盖", "Covered after"));
    t.numeric = {false, true, false, true, true, true, true, true, true};
  }
  for (std::size_t c = 0; c < r.config.categories.size(); ++c) {
    const model::FacilityCategory& cat = r.config.categories[c];
    const analysis::CategorySummary& cb = b.categories[c];
    const analysis::CategorySummary& shown = a ? a->categories[c] : cb;
    HtmlTable::Row row;
    row.attributes = "data-category=\"" + htmlEscape(cat.id) + "\"";
    row.cells = {categoryLabel(tx, cat),
                 tx.t(std::to_string(cat.levelMinutes) + " 分钟", std::to_string(cat.levelMinutes) + " min"),
                 cat.required ? tx.t("是", "yes") : tx.t("否", "no"), num(cb.facilities)};
    if (a) row.cells.push_back(num(shown.facilities));
    row.cells.push_back(num(cb.buildingsCovered));
    if (a) row.cells.push_back(num(shown.buildingsCovered));
    row.cells.push_back(share(shown.buildingsCovered, b.buildings));
    row.cells.push_back(fmt("%.0f", shown.residentsCovered));
    if (a && (shown.facilities != cb.facilities || shown.buildingsCovered != cb.buildingsCovered)) row.cls = "changed";
    t.rows.push_back(std::move(row));
  }
  return htmlTable(t);
}

std::string coverageSection(Report& r) {
  const ReportText& tx = r.tx;
  const std::string title = tx.t("生活圈覆盖（5/10/15 分钟）", "Life-circle coverage (5/10/15 min)");
  std::string out = "<h2>" + title + "</h2>\n";
  if (!r.before) return out + leftOutNote(r, title, r.walkWhyMissing);
  const analysis::CoverageSummary s = r.before->summary();
  char line[256];
  std::snprintf(line, sizeof line, "%zu", s.buildings);
  out += tx.para("按 GB 50180-2018 居住区生活圈，从每栋住宅楼沿步行网络（" + fmt("%.2f", r.config.walking.speedMps) +
                     " 米/秒）到各类设施最近一处的步行时间。住宅楼 " + num(s.buildings) + " 栋（" +
                     num(s.buildingsOffNetwork) + " 栋不在步行网络上），估算居民 " + fmt("%.0f", s.residents) + " 人。",
                 "Walking time along the street network (" + fmt("%.2f", r.config.walking.speedMps) +
                     " m/s) from every residential building to the nearest facility of each GB 50180-2018 "
                     "life-circle category. " +
                     num(s.buildings) + " residential buildings (" + num(s.buildingsOffNetwork) +
                     " off the walk network), about " + fmt("%.0f", s.residents) + " residents.");
  if (r.scenario)
    out += tx.para("方案「" + r.scenario->name + "」" + r.scenario->label + "：已应用 " + num(r.scenarioApplied) +
                       " 项变更。左图为现状，右图为方案后。",
                   "Scenario '" + r.scenario->name + "' " + r.scenario->label + ": " + num(r.scenarioApplied) +
                       " changes applied. Left: existing; right: with the scenario.");
  out += levelsTable(r) + categoriesTable(r);
  const model::Site& site = *r.scene.site;
  for (int level : {5, 10, 15}) {
    const unsigned bit = level == 5 ? analysis::kLevel5 : level == 10 ? analysis::kLevel10 : analysis::kLevel15;
    auto mapOf = [&](const analysis::CoverageModel& model, bool after) {
      std::vector<Color> colours(site.buildings.size(), Color{0, 0, 0, 0});
      std::size_t met = 0, notMet = 0, off = 0;
      for (const analysis::BuildingCoverage& row : model.buildings()) {
        if (!row.anchor.onNetwork) {
          colours[row.building] = kOffNetwork;
          ++off;
        } else if (row.levelsMet & bit) {
          colours[row.building] = kMet;
          ++met;
        } else {
          colours[row.building] = kNotMet;
          ++notMet;
        }
      }
      const std::string l = std::to_string(level);
      MapSpec map = baseMap(
          r,
          tx.plain(l + " 分钟生活圈", l + "-minute life circle") +
              (r.scenario ? (after ? " — " + tx.plain("方案后", "after") : " — " + tx.plain("现状", "existing")) : ""),
          [&](std::size_t i) { return colours[i]; });
      map.legend = {{kMet, tx.plain("达标", "met") + " (" + num(met) + ")"},
                    {kNotMet, tx.plain("未达标", "not met") + " (" + num(notMet) + ")"}};
      if (off)
        map.legend.push_back({kOffNetwork, tx.plain("不在步行网络上", "off the walk network") + " (" + num(off) + ")"});
      map.legend.push_back({kOtherBuilding, tx.plain("非住宅建筑", "other buildings")});
      if (after) {
        addFacilities(map, model, std::nullopt);
        if (!map.points.empty())
          map.legend.push_back({kProposed, tx.plain("规划设施", "proposed facility"), LegendEntry::Kind::Point});
      }
      return map;
    };
    out +=
        "<h3>" + tx.t(std::to_string(level) + " 分钟生活圈", std::to_string(level) + "-minute life circle") + "</h3>\n";
    const std::string caption =
        tx.t("住宅楼按是否步行 " + std::to_string(level) + " 分钟内到达该等级全部必备设施着色。",
             "Residential buildings coloured by whether every required category of the level lies within " +
                 std::to_string(level) + " minutes' walk.");
    const std::string name = "coverage-" + std::to_string(level);
    if (r.after)
      out += pair(figure(r, mapOf(*r.before, false), name + "-before", caption),
                  figure(r, mapOf(*r.after, true), name + "-after", caption));
    else
      out += figure(r, mapOf(*r.before, false), name, caption);
  }
  return out;
}

std::string gapsSection(Report& r) {
  const ReportText& tx = r.tx;
  const std::string title = tx.t("分类缺口", "Gaps by category");
  std::string out = "<h2>" + title + "</h2>\n";
  if (!r.before) return out + leftOutNote(r, title, r.walkWhyMissing);
  out += tx.para(
      "每个必备设施类别一张图：住宅楼在该类别等级时间内（5/10/15 "
      "分钟）步行可达为绿色，否则为红色；蓝色方块为该类设施。全部覆盖的类别只列于表中。",
      "One map per required category with gaps: residential buildings within the category's level "
      "(5/10/15 min) walk are green, the others red; blue squares are the category's facilities. "
      "Categories that cover every building are only listed.");
  const model::Site& site = *r.scene.site;
  std::vector<std::string> complete;
  for (std::size_t c = 0; c < r.config.categories.size(); ++c) {
    const model::FacilityCategory& cat = r.config.categories[c];
    if (!cat.required) continue;
    auto uncovered = [&](const analysis::CoverageModel& model) {
      std::size_t n = 0;
      for (const auto& row : model.buildings()) n += !(row.minutes[c] <= cat.levelMinutes);
      return n;
    };
    const std::size_t gapsBefore = uncovered(*r.before), gapsAfter = r.after ? uncovered(*r.after) : gapsBefore;
    if (gapsBefore == 0 && gapsAfter == 0) {
      complete.push_back(categoryLabel(tx, cat));
      continue;
    }
    auto mapOf = [&](const analysis::CoverageModel& model, bool after) {
      std::vector<Color> colours(site.buildings.size(), Color{0, 0, 0, 0});
      std::size_t covered = 0, gap = 0;
      for (const auto& row : model.buildings()) {
        const bool ok = row.minutes[c] <= cat.levelMinutes;
        colours[row.building] = ok ? kMet : kNotMet;
        ok ? ++covered : ++gap;
      }
      MapSpec map = baseMap(
          r,
          tx.plain(cat.label, cat.id) + " · " + std::to_string(cat.levelMinutes) + " min" +
              (r.after ? (after ? " — " + tx.plain("方案后", "after") : " — " + tx.plain("现状", "existing")) : ""),
          [&](std::size_t i) { return colours[i]; });
      addFacilities(map, model, c);
      map.legend = {{kMet, tx.plain("可达", "within reach") + " (" + num(covered) + ")"},
                    {kNotMet, tx.plain("缺口", "gap") + " (" + num(gap) + ")"},
                    {kFacility, tx.plain("现有设施", "existing facility"), LegendEntry::Kind::Point}};
      if (after) map.legend.push_back({kProposed, tx.plain("规划设施", "proposed facility"), LegendEntry::Kind::Point});
      return map;
    };
    out += "<h3 id=\"gap-" + htmlEscape(cat.id) + "\">" + categoryLabel(tx, cat) + "</h3>\n";
    const std::string caption =
        tx.t(num(gapsBefore) + " 栋住宅楼在 " + std::to_string(cat.levelMinutes) + " 分钟内无法步行到达",
             num(gapsBefore) + " residential buildings lack one within " + std::to_string(cat.levelMinutes) +
                 " minutes' walk");
    if (r.after && gapsAfter != gapsBefore)
      out += pair(figure(r, mapOf(*r.before, false), "gap-" + cat.id + "-before", caption),
                  figure(r, mapOf(*r.after, true), "gap-" + cat.id + "-after",
                         tx.t("方案后：" + num(gapsAfter) + " 栋", "After: " + num(gapsAfter) + " buildings")));
    else
      out += figure(r, mapOf(*r.before, false), "gap-" + cat.id, caption);
  }
  if (!complete.empty()) {
    out += "<p>" + tx.t("全部覆盖的必备类别：", "Required categories covering every building: ");
    for (std::size_t i = 0; i < complete.size(); ++i) out += (i ? ", " : "") + complete[i];
    out += "</p>\n";
  }
  return out;
}

std::string todSection(Report& r) {
  const ReportText& tx = r.tx;
  const std::string title = tx.t("TOD 站点步行圈", "TOD catchments");
  std::string out = "<h2>" + title + "</h2>\n";
  if (r.tod.empty()) return out + leftOutNote(r, title, r.todWhyMissing);
  out += tx.para(
      "每个轨道站（含其出入口）沿步行网络 500 米和 800 "
      "米可达的范围、其中的建筑、建筑面积、估算人口，以及步行圈面积与同半径圆面积之比（pedshed）。" +
          std::string(r.scenario ? "本节为现状；方案后的数字与变化见“方案前后差异”。" : ""),
      "The area within 500 m and 800 m of walking along the network from each rail or metro station "
      "and its entrances, the buildings, floor area and estimated residents in it, and the pedshed "
      "ratio (walkable area over the circle of the same radius)." +
          std::string(r.scenario ? " This section shows the existing state; the figures with the scenario and the "
                                   "changes are under Differences."
                                 : ""));
  HtmlTable t;
  t.id = "tod";
  t.header = {tx.t("站点", "Station"),
              tx.t("半径（米）", "Radius (m)"),
              tx.t("建筑", "Buildings"),
              tx.t("住宅", "Residential"),
              tx.t("建筑面积（m²）", "Floor area (m²)"),
              tx.t("人口（估）", "Residents (est.)"),
              tx.t("步行圈面积（m²）", "Walkable area (m²)"),
              "Pedshed"};
  t.numeric = {false, true, true, true, true, true, true, true};
  for (const analysis::TodResult& s : r.tod)
    for (const analysis::TodCatchment& c : s.catchments) {
      HtmlTable::Row row;
      row.attributes = "data-station=\"" + std::to_string(s.station.osmId) + "\"";
      row.cells = {
          htmlEscape(s.station.name.empty() ? "(" + s.station.idKind + "/" + std::to_string(s.station.osmId) + ")"
                                            : s.station.name) +
              (s.onNetwork ? "" : " " + tx.t("（不在步行网络上）", "(off the walk network)")),
          fmt("%.0f", c.radiusMeters),
          num(c.buildings),
          num(c.residentialBuildings),
          fmt("%.0f", c.floorAreaM2),
          fmt("%.0f", c.residents),
          fmt("%.0f", c.walkableAreaM2),
          fmt("%.2f", c.pedshedRatio)};
      t.rows.push_back(std::move(row));
    }
  out += htmlTable(t);
  const model::Site& site = *r.scene.site;
  MapSpec map =
      baseMap(r, tx.plain("TOD 站点 500/800 米步行圈", "TOD catchments, 500 / 800 m walk"), [&](std::size_t i) {
        return site.buildings[i].use == model::BuildingUse::Residential ? kResidentialGrey : Color{0, 0, 0, 0};
      });
  // Catchments under the buildings: insert them first.
  std::vector<MapPolygon> catchments;
  for (const analysis::TodResult& s : r.tod)
    for (auto it = s.catchments.rbegin(); it != s.catchments.rend(); ++it)
      for (const core::Polygon& p : it->polygons)
        catchments.push_back({p, it == s.catchments.rbegin() ? kCatchmentOuter : kCatchmentInner,
                              Color{0.13f, 0.35f, 0.65f, 0.9f}, 1.5f});
  map.polygons.insert(map.polygons.begin(), catchments.begin(), catchments.end());
  for (const analysis::TodResult& s : r.tod) {
    map.points.push_back({s.station.position, kStation, 16, true});
    for (const core::Vec2& e : s.station.entrances) map.points.push_back({e, kStation, 7, false});
  }
  map.legend = {{kCatchmentInner, tx.plain("500 米步行圈", "within 500 m walk")},
                {kCatchmentOuter, tx.plain("800 米步行圈", "within 800 m walk")},
                {kStation, tx.plain("站点 / 出入口", "station / entrances"), LegendEntry::Kind::Point},
                {kResidentialGrey, tx.plain("住宅", "residential")},
                {kOtherBuilding, tx.plain("其他建筑", "other buildings")}};
  out += figure(
      r, map, "tod",
      tx.t("轨道站点 500 米与 800 米步行可达范围。", "Walking catchments of 500 m and 800 m around each station."));
  return out;
}

std::string sunlightSection(Report& r) {
  const ReportText& tx = r.tx;
  const std::string title = tx.t("日照（GB 50180）", "Sunlight (GB 50180)");
  std::string out = "<h2>" + title + "</h2>\n";
  SunlightRun& s = r.sun;
  if (!s.done) return out + leftOutNote(r, title, s.whyMissing);
  const std::string day = geo::formatCivilDate(s.date);
  out += tx.para(
      "标准 " + s.standard.name + "（" + s.standard.description + "）：" + day + " " +
          analysis::standardDayName(s.standard.day) + "，真太阳时 " + fmt("%g", s.standard.windowStartHours) + "–" +
          fmt("%g", s.standard.windowEndHours) + " 时，累计日照不少于 " + std::to_string(s.requiredMinutes) +
          " 分钟。每层外墙每 3 米一个窗台采样点（楼层地面 + 0.9 "
          "米），逐分钟计算建筑与地形遮挡。一层有一个窗达标即视为该层达标（代替住户），各层均达标则该楼达标。",
      "Standard " + s.standard.name + ": on " + day + " (" + analysis::standardDayName(s.standard.day) + "), " +
          fmt("%g", s.standard.windowStartHours) + "–" + fmt("%g", s.standard.windowEndHours) +
          " h true solar time, at least " + std::to_string(s.requiredMinutes) +
          " minutes of sun in total. Window samples every 3 m on every outer wall of every storey "
          "(floor + 0.9 m), one-minute steps, shadows from every building and the terrain. A storey "
          "passes when one of its windows does (a stand-in for a dwelling); a building when every storey does.");
  std::size_t storeys = 0, storeysBefore = 0, storeysAfter = 0, windows = 0, windowsBefore = 0, windowsAfter = 0,
              buildingsBefore = 0, buildingsAfter = 0;
  for (const BuildingSun& b : s.buildings) {
    storeys += b.storeys;
    storeysBefore += b.storeysPassBefore;
    storeysAfter += b.storeysPassAfter;
    windows += b.windows;
    windowsBefore += b.windowsPassBefore;
    windowsAfter += b.windowsPassAfter;
    buildingsBefore += b.storeysPassBefore == b.storeys;
    buildingsAfter += b.storeysPassAfter == b.storeys;
  }
  HtmlTable totals;
  totals.id = "sunlight-totals";
  totals.caption = tx.t("达标汇总", "Compliance totals");
  totals.header = {"", tx.t("总数", "Total"), tx.t("达标", "Passing"), tx.t("占比", "Share")};
  totals.numeric = {false, true, true, true};
  if (s.compared) {
    totals.header = {"", tx.t("总数", "Total"), tx.t("现状达标", "Passing, existing"),
                     tx.t("方案后达标", "Passing, after"), tx.t("变化", "Change")};
    totals.numeric = {false, true, true, true, true};
  }
  auto totalRow = [&](const std::string& label, const char* key, std::size_t all, std::size_t passBefore,
                      std::size_t passAfter) {
    HtmlTable::Row row;
    row.attributes = std::string("data-sunlight=\"") + key + "\"";
    row.cells = {label, num(all), num(passBefore)};
    if (s.compared) {
      row.cells.push_back(num(passAfter));
      row.cells.push_back(signedNum(static_cast<long long>(passAfter) - static_cast<long long>(passBefore)));
      if (passAfter != passBefore) row.cls = "lost";
    } else {
      row.cells.push_back(share(passBefore, all));
    }
    totals.rows.push_back(std::move(row));
  };
  totalRow(tx.t("窗（采样点）", "Windows (samples)"), "windows", windows, windowsBefore, windowsAfter);
  totalRow(tx.t("楼层（住户）", "Storeys (dwellings)"), "storeys", storeys, storeysBefore, storeysAfter);
  totalRow(tx.t("住宅楼", "Residential buildings"), "buildings", s.buildings.size(), buildingsBefore, buildingsAfter);
  out += htmlTable(totals);
  out += tx.para(
      num(s.samples) + " 个采样点，" + num(s.rays) + " 条光线，用时 " + fmt("%.1f", s.seconds) + " 秒。",
      num(s.samples) + " window samples, " + num(s.rays) + " shadow rays in " + fmt("%.1f", s.seconds) + " s.", "meta");

  const model::Site& site = *r.scene.site;
  auto mapOf = [&](bool after) {
    std::vector<Color> colours(site.buildings.size(), Color{0, 0, 0, 0});
    std::size_t pass = 0, partial = 0, fail = 0, lost = 0;
    for (const BuildingSun& b : s.buildings) {
      const int ok = after ? b.storeysPassAfter : b.storeysPassBefore;
      colours[b.building] = ok == b.storeys ? kMet : ok > 0 ? kPartial : kNotMet;
      (ok == b.storeys ? pass : ok > 0 ? partial : fail)++;
    }
    MapSpec map = baseMap(
        r,
        tx.plain("日照达标（" + day + "）", "Sunlight compliance, " + day) +
            (s.compared ? (after ? " — " + tx.plain("方案后", "after") : " — " + tx.plain("现状", "existing")) : ""),
        [&](std::size_t i) { return colours[i]; });
    map.legend = {{kMet, tx.plain("各层均达标", "every storey passes") + " (" + num(pass) + ")"},
                  {kPartial, tx.plain("部分楼层不达标", "some storeys fail") + " (" + num(partial) + ")"},
                  {kNotMet, tx.plain("各层均不达标", "no storey passes") + " (" + num(fail) + ")"},
                  {kOtherBuilding, tx.plain("非住宅建筑", "other buildings")}};
    if (after) {
      for (const BuildingSun& b : s.buildings)
        if (b.storeysLost > 0) {
          map.polygons.push_back({site.buildings[b.building].footprint, Color{0, 0, 0, 0}, kProposed, 4});
          ++lost;
        }
      for (const analysis::ExtraVolume& v : s.proposed)
        map.polygons.push_back({v.footprint, kProposedBuilding, kProposed, 3});
      map.legend.push_back({kProposed, tx.plain("失去日照达标的楼", "lost compliance") + " (" + num(lost) + ")",
                            LegendEntry::Kind::Line});
      map.legend.push_back({kProposedBuilding, tx.plain("规划建筑", "proposed building")});
    }
    return map;
  };
  const std::string caption =
      tx.t("住宅楼按达标楼层着色。", "Residential buildings coloured by the storeys that pass.");
  if (s.compared)
    out += pair(figure(r, mapOf(false), "sunlight-before", caption), figure(r, mapOf(true), "sunlight-after", caption));
  else
    out += figure(r, mapOf(false), "sunlight", caption);

  HtmlTable t;
  t.id = "sunlight-buildings";
  t.caption = tx.t("各住宅楼日照", "Sunlight per residential building");
  t.header = {
      tx.t("建筑", "Building"), tx.t("楼层", "Storeys"),           tx.t("达标楼层", "Storeys passing"),
      tx.t("窗", "Windows"),    tx.t("达标窗", "Windows passing"), tx.t("最长日照（分钟）", "Best window (min)"),
      tx.t("结论", "Result")};
  t.numeric = {false, true, true, true, true, true, false};
  if (s.compared) {
    t.header.insert(t.header.begin() + 3, tx.t("方案后达标楼层", "Storeys passing after"));
    t.numeric.insert(t.numeric.begin() + 3, true);
    // The windows, best window and result columns describe the state after the scenario.
    t.header[5] = tx.t("方案后达标窗", "Windows passing after");
    t.header[6] = tx.t("方案后最长日照（分钟）", "Best window after (min)");
    t.header[7] = tx.t("方案后结论", "Result after");
  }
  for (const BuildingSun& b : s.buildings) {
    const int ok = s.compared ? b.storeysPassAfter : b.storeysPassBefore;
    HtmlTable::Row row;
    row.attributes = "data-building=\"" + std::to_string(site.buildings[b.building].osmId) + "\"";
    row.cells = {htmlEscape(buildingLabel(site.buildings[b.building])), std::to_string(b.storeys),
                 std::to_string(b.storeysPassBefore)};
    if (s.compared) row.cells.push_back(std::to_string(b.storeysPassAfter));
    row.cells.push_back(std::to_string(b.windows));
    row.cells.push_back(std::to_string(s.compared ? b.windowsPassAfter : b.windowsPassBefore));
    row.cells.push_back(std::to_string(s.compared ? b.bestMinutesAfter : b.bestMinutesBefore));
    row.cells.push_back(ok == b.storeys ? "<span class=\"pass\">" + tx.t("达标", "pass") + "</span>"
                                        : "<span class=\"fail\">" + tx.t("不达标", "fail") + "</span>");
    if (b.storeysLost) row.cls = "lost";
    t.rows.push_back(std::move(row));
  }
  out += htmlTable(t);
  return out;
}

// TOD before and after the scenario, station by station (a station the scenario adds has no
// existing figures; one it removes none after).
std::string todDifferences(Report& r) {
  const ReportText& tx = r.tx;
  std::string out = "<h3>" + tx.t("TOD 站点步行圈", "TOD catchments") + "</h3>\n";
  if (!r.before) return out + "<p class=\"left-out\">" + htmlEscape(r.walkWhyMissing) + "</p>\n";
  if (r.tod.empty() && r.todAfter.empty())
    return out + tx.para("现状与方案后都没有轨道站点。", "No rail or metro station, existing or with the scenario.");
  const auto key = [](const analysis::TodResult& s) {
    return s.station.idKind + "/" + std::to_string(s.station.osmId);
  };
  std::vector<std::string> order;
  std::map<std::string, std::pair<const analysis::TodResult*, const analysis::TodResult*>> stations;
  for (const analysis::TodResult& s : r.tod)
    if (stations.emplace(key(s), std::make_pair(&s, nullptr)).second) order.push_back(key(s));
  for (const analysis::TodResult& s : r.todAfter) {
    auto [it, added] = stations.emplace(key(s), std::make_pair(nullptr, &s));
    if (added)
      order.push_back(key(s));
    else
      it->second.second = &s;
  }
  HtmlTable t;
  t.id = "differences-tod";
  t.header = {tx.t("站点", "Station"),
              tx.t("半径（米）", "Radius (m)"),
              tx.t("建筑 现状", "Buildings, existing"),
              tx.t("建筑 方案后", "Buildings, after"),
              tx.t("人口 现状", "Residents, existing"),
              tx.t("人口 方案后", "Residents, after"),
              tx.t("人口变化", "Residents change"),
              tx.t("设施 现状→方案后", "Facilities, existing → after")};
  t.numeric = {false, true, true, true, true, true, true, true};
  std::size_t changed = 0;
  const auto facilities = [](const analysis::TodCatchment* c) {
    std::size_t n = 0;
    if (c)
      for (std::size_t f : c->facilities) n += f;
    return n;
  };
  for (const std::string& k : order) {
    const auto [before, after] = stations.at(k);
    const analysis::TodResult& any = before ? *before : *after;
    const std::size_t radii = std::max(before ? before->catchments.size() : 0, after ? after->catchments.size() : 0);
    for (std::size_t i = 0; i < radii; ++i) {
      const analysis::TodCatchment* a = before && i < before->catchments.size() ? &before->catchments[i] : nullptr;
      const analysis::TodCatchment* b = after && i < after->catchments.size() ? &after->catchments[i] : nullptr;
      const bool differs = !a || !b || a->buildings != b->buildings || std::abs(a->residents - b->residents) > 0.5 ||
                           a->facilities != b->facilities;
      changed += differs;
      std::string name =
          htmlEscape(any.station.name.empty() ? "(" + any.station.idKind + "/" + std::to_string(any.station.osmId) + ")"
                                              : any.station.name);
      if (!before) name += " " + tx.t("（方案新增）", "(added by the scenario)");
      if (!after) name += " " + tx.t("（方案移除）", "(removed by the scenario)");
      t.rows.push_back(
          {{name, fmt("%.0f", (a ? a : b)->radiusMeters), a ? num(a->buildings) : "—", b ? num(b->buildings) : "—",
            a ? fmt("%.0f", a->residents) : "—", b ? fmt("%.0f", b->residents) : "—",
            fmt("%+.0f", (b ? b->residents : 0) - (a ? a->residents : 0)),
            (a ? num(facilities(a)) : "—") + " → " + (b ? num(facilities(b)) : "—")},
           "data-station=\"" + htmlEscape(k) + "\"",
           differs ? "changed" : ""});
    }
  }
  if (!changed) out += tx.para("方案不改变任何站点的步行圈。", "The scenario changes no station's catchment.");
  return out + htmlTable(t);
}

// The nine-scenario indicators whose value the scenario changes, existing and after side by side.
std::string indicatorDifferences(Report& r) {
  const ReportText& tx = r.tx;
  std::string out = "<h3>" + tx.t("九大场景指标", "Nine-scenario indicators") + "</h3>\n";
  if (r.indicators.empty()) return out + "<p class=\"left-out\">" + htmlEscape(r.walkWhyMissing) + "</p>\n";
  std::map<std::string, const analysis::Indicator*> after;
  for (const analysis::ScenarioIndicators& s : r.indicatorsAfter)
    for (const analysis::Indicator& i : s.indicators) after[i.id] = &i;
  HtmlTable t;
  t.id = "differences-indicators";
  t.header = {tx.t("指标", "Indicator"), tx.t("现状", "Existing"), tx.t("方案后", "After"), tx.t("变化", "Change")};
  t.numeric = {false, true, true, true};
  for (const analysis::ScenarioIndicators& s : r.indicators)
    for (const analysis::Indicator& i : s.indicators) {
      const auto found = after.find(i.id);
      const analysis::Indicator* a = found == after.end() ? nullptr : found->second;
      const bool bothValued = i.value && a && a->value;
      if (bothValued ? std::abs(*a->value - *i.value) < 1e-9 : (!i.value && (!a || !a->value))) continue;
      std::string change = "—";
      if (bothValued)
        change = (*a->value > *i.value ? "+" : "") + core::compactNumber(*a->value - *i.value) +
                 (i.unit == "count" ? "" : " " + i.unit);
      t.rows.push_back({{tx.t(s.name, s.nameEn) + " · " + tx.t(i.name, i.nameEn), htmlEscape(indicatorValueText(i)),
                         a ? htmlEscape(indicatorValueText(*a)) : "—", htmlEscape(change)},
                        "data-indicator=\"" + htmlEscape(i.id) + "\"",
                        "changed"});
    }
  if (t.rows.empty()) return out + tx.para("方案不改变任何指标。", "The scenario changes no indicator.");
  return out + htmlTable(t);
}

std::string differencesSection(Report& r) {
  const ReportText& tx = r.tx;
  const std::string title = tx.t("方案前后差异", "Differences");
  std::string out = "<h2>" + title + "</h2>\n";
  out += tx.para("方案「" + r.scenario->name + "」" + r.scenario->label + "与现状相比。",
                 "Scenario '" + r.scenario->name + "' " + r.scenario->label + " compared with the existing state.");
  out += "<h3>" + tx.t("生活圈", "Life circle") + "</h3>\n";
  if (!r.before) {
    out += "<p class=\"left-out\">" + htmlEscape(r.walkWhyMissing) + "</p>\n";
  } else {
    const ui::CoverageComparison c = ui::compareCoverage(r.before->summary(), r.after->summary(), r.config);
    HtmlTable t;
    t.id = "differences-coverage";
    t.header = {tx.t("项目", "Item"), tx.t("现状", "Existing"), tx.t("方案后", "After"), tx.t("变化", "Change"),
                tx.t("人口变化（估）", "Residents change (est.)")};
    t.numeric = {false, true, true, true, true};
    for (const ui::LevelComparison& l : c.levels)
      if (l.buildingsMet.delta() != 0)
        t.rows.push_back({{tx.t(std::to_string(l.minutes) + " 分钟等级达标楼栋",
                                std::to_string(l.minutes) + "-min level: buildings meeting it"),
                           std::to_string(l.buildingsMet.before), std::to_string(l.buildingsMet.after),
                           signedNum(l.buildingsMet.delta()), fmt("%+.0f", l.residentsMet.delta())},
                          "data-level=\"" + std::to_string(l.minutes) + "\"",
                          "changed"});
    for (std::size_t i = 0; i < c.categories.size(); ++i) {
      const ui::CategoryComparison& row = c.categories[i];
      if (row.facilities.delta() == 0 && row.buildingsCovered.delta() == 0) continue;
      t.rows.push_back({{categoryLabel(tx, r.config.categories[i]) + tx.t("：覆盖楼栋", ": buildings covered") + " (" +
                             tx.t("设施 ", "facilities ") + std::to_string(row.facilities.before) + " → " +
                             std::to_string(row.facilities.after) + ")",
                         std::to_string(row.buildingsCovered.before), std::to_string(row.buildingsCovered.after),
                         signedNum(row.buildingsCovered.delta()), fmt("%+.0f", row.residentsCovered.delta())},
                        "data-category=\"" + htmlEscape(row.id) + "\"",
                        "changed"});
    }
    t.rows.push_back({{tx.t("有缺口的住宅楼", "Residential buildings with gaps"), std::to_string(c.gaps.before),
                       std::to_string(c.gaps.after), signedNum(c.gaps.delta()), ""},
                      "data-gaps",
                      c.gaps.delta() ? "changed" : ""});
    if (t.rows.size() == 1)
      out +=
          tx.para("方案不改变任何生活圈等级或类别的覆盖。", "The scenario changes no level's or category's coverage.");
    out += htmlTable(t);
  }
  out += todDifferences(r);
  out += indicatorDifferences(r);
  out += "<h3>" + tx.t("日照", "Sunlight") + "</h3>\n";
  const SunlightRun& s = r.sun;
  if (!s.done) {
    out += "<p class=\"left-out\">" + htmlEscape(s.whyMissing) + "</p>\n";
  } else if (!s.compared) {
    out += tx.para("方案没有规划建筑（键 \"buildings\"），日照不变。",
                   "The scenario proposes no buildings (key \"buildings\"): sunlight does not change.");
  } else {
    HtmlTable t;
    t.id = "differences-sunlight";
    t.header = {tx.t("建筑", "Building"), tx.t("楼层", "Storeys"), tx.t("失去达标的楼层", "Storeys losing compliance"),
                tx.t("新达标的楼层", "Storeys gaining compliance"),
                tx.t("达标窗 现状→方案后", "Windows passing, existing → after")};
    t.numeric = {false, true, true, true, true};
    std::size_t lost = 0, gained = 0;
    for (const BuildingSun& b : s.buildings) {
      if (!b.storeysLost && !b.storeysGained) continue;
      lost += b.storeysLost;
      gained += b.storeysGained;
      t.rows.push_back({{htmlEscape(buildingLabel(r.scene.site->buildings[b.building])), std::to_string(b.storeys),
                         std::to_string(b.storeysLost), std::to_string(b.storeysGained),
                         std::to_string(b.windowsPassBefore) + " → " + std::to_string(b.windowsPassAfter)},
                        "data-building=\"" + std::to_string(r.scene.site->buildings[b.building].osmId) + "\"",
                        b.storeysLost ? "lost" : "gained"});
    }
    out += tx.para(num(lost) + " 个楼层（住户）失去日照达标，" + num(gained) + " 个新达标。",
                   num(lost) + " storeys (dwellings) lose sunlight compliance, " + num(gained) + " gain it.");
    if (!t.rows.empty()) out += htmlTable(t);
  }
  return out;
}

std::string indicatorsSection(Report& r) {
  const ReportText& tx = r.tx;
  const std::string title = tx.t("九大场景指标", "Nine-scenario indicators");
  std::string out = "<h2>" + title + "</h2>\n";
  if (r.indicators.empty()) return out + leftOutNote(r, title, r.walkWhyMissing);
  out += tx.para("由场景自身数据计算（现状）；数据不足的指标不给数值，并说明原因。公式见 docs/indicators.md。",
                 "Computed from the scene's own data (existing state). An indicator the data cannot support has no "
                 "value and says why. Formulas: docs/indicators.md.");
  if (r.scenario)
    out += tx.para("本节为现状；方案后的数值与变化见“方案前后差异”。",
                   "These are the existing state's; the values with the scenario and the changes are under "
                   "Differences.");
  for (const analysis::ScenarioIndicators& s : r.indicators) {
    HtmlTable t;
    t.id = "indicators-" + s.id;
    t.caption = tx.t(s.name, s.nameEn);
    t.header = {tx.t("指标", "Indicator"), tx.t("数值", "Value"), tx.t("来源 / 缺失原因", "Source / why missing")};
    t.numeric = {false, true, false};
    for (const analysis::Indicator& i : s.indicators) {
      HtmlTable::Row row;
      row.attributes = "data-indicator=\"" + htmlEscape(i.id) + "\"";
      row.cells = {tx.t(i.name, i.nameEn), htmlEscape(indicatorValueText(i)),
                   i.value ? tx.t(i.source, i.sourceEn)
                           : "<span class=\"missing\">" + tx.t(i.whyMissing, i.whyMissingEn) + "</span>"};
      t.rows.push_back(std::move(row));
    }
    out += htmlTable(t);
  }
  return out;
}

std::string countsTable(const ReportText& tx, const std::string& id, const std::string& caption,
                        const std::map<std::string, std::size_t>& counts) {
  HtmlTable t;
  t.id = id;
  t.caption = caption;
  t.header = {tx.t("类型", "Kind"), tx.t("数量", "Count")};
  t.numeric = {false, true};
  std::vector<std::pair<std::string, std::size_t>> sorted(counts.begin(), counts.end());
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  for (const auto& [k, n] : sorted) t.rows.push_back({{htmlEscape(k), num(n)}, "", ""});
  return htmlTable(t);
}

std::string diagnosticsSection(Report& r) {
  const ReportText& tx = r.tx;
  std::string out = "<h2>" + tx.t("数据诊断", "Data diagnostics") + "</h2>\n";
  const SiteSummary s = summarizeSite(*r.scene.site, r.scene.config, r.scene.loadMs);
  out += tx.para("场景读入 " + num(s.buildings) + " 栋建筑、" + num(s.roads) + " 条道路、" + num(s.pois) +
                     " 个兴趣点，用时 " + fmt("%.0f", s.loadMs) + " 毫秒。",
                 "The scene holds " + num(s.buildings) + " buildings, " + num(s.roads) + " roads and " + num(s.pois) +
                     " points of interest, loaded in " + fmt("%.0f", s.loadMs) + " ms.");
  out += "<div class=\"grid\">\n" +
         countsTable(tx, "diag-use", tx.t("建筑用途", "Buildings by use"), s.buildingsByUse) +
         countsTable(tx, "diag-height", tx.t("建筑高度来源", "Building heights by source"), s.heightsBySource) +
         countsTable(tx, "diag-roads", tx.t("道路等级", "Roads by highway class"), s.roadsByHighway) +
         countsTable(tx, "diag-pois", tx.t("兴趣点类别", "POIs by category"), s.poisByCategory) + "</div>\n";
  out += tx.para("步行网络：" + num(r.graphStats.nodes) + " 个节点，" + num(r.graphStats.segments) + " 段，" +
                     fmt("%.1f", r.graphStats.totalLengthMeters / 1000) + " 公里，" + num(r.graphStats.components) +
                     " 个连通部分。",
                 "Walk network: " + num(r.graphStats.nodes) + " nodes, " + num(r.graphStats.segments) + " segments, " +
                     fmt("%.1f", r.graphStats.totalLengthMeters / 1000) + " km, " + num(r.graphStats.components) +
                     " connected parts.");
  auto list = [&](const char* id, const std::string& caption, const core::Diagnostics& d) {
    std::string html = "<h3 id=\"" + std::string(id) + "\">" + caption + "（" + num(d.total()) + "）</h3>\n";
    const auto items = d.items();
    if (items.empty()) return html + tx.para("无。", "None.");
    html += "<ol>\n";
    for (std::size_t i = 0; i < items.size() && i < 20; ++i)
      html += "<li><code>" + htmlEscape(core::formatDiagnostic(items[i])) + "</code></li>\n";
    html += "</ol>\n";
    if (d.total() > 20)
      html += tx.para("另有 " + num(d.total() - 20) + " 条（twin info 可列出全部）。",
                      "and " + num(d.total() - 20) + " more (twin info lists them).");
    return html;
  };
  out += list("diag-data", tx.t("数据读入问题", "Problems found reading the data"), r.scene.site->diagnostics);
  out += list("diag-analysis", tx.t("分析中的问题", "Problems found by the analyses"), r.diag);
  return out;
}

std::string creditsSection(Report& r) {
  const ReportText& tx = r.tx;
  std::string out = "<h2>" + tx.t("数据来源与署名", "Data credits") + "</h2>\n<ul>\n";
  std::set<std::string> seen;
  for (const std::string& a : r.scene.site->attributions)
    if (seen.insert(a).second) out += "<li>" + htmlEscape(a) + "</li>\n";
  if (!seen.count("© OpenStreetMap contributors (ODbL)"))
    out += "<li>" +
           tx.t("地图数据 © OpenStreetMap contributors，依 ODbL 许可",
                "Map data © OpenStreetMap contributors, under the ODbL") +
           "</li>\n";
  out += "<li>" +
         tx.t("标准：GB 50180-2018《城市居住区规划设计标准》",
              "Standard: GB 50180-2018, Standard for urban residential area planning and design") +
         "</li>\n";
  out += "<li>" +
         tx.t("地图与分析：CommunityTwin " TWIN_VERSION "，本机无头渲染",
              "Maps and analyses: CommunityTwin " TWIN_VERSION ", rendered headless on this machine") +
         "</li>\n</ul>\n";
  return out;
}

std::string todayIso() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M %z", &local);
  return buf;
}

// Creates DIR and DIR/maps and checks that a file can be written there. Empty string = ok.
std::string prepareFolder(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir / "maps", ec);
  if (ec) return "twin report: cannot create the output folder " + dir.string() + ": " + ec.message();
  const std::filesystem::path probe = dir / ".twin-report-write-test";
  {
    std::ofstream out(probe);
    if (!out) return "twin report: cannot write to the output folder " + dir.string() + ": " + std::strerror(errno);
  }
  std::filesystem::remove(probe, ec);
  return {};
}

}  // namespace

int cmdReport(int argc, char** argv) {
  CliArgs args("report", {"-o", "--scenario", "--lang", "--alerts-db"}, {"--help"});
  if (!args.parse(argc, argv)) return args.usageError(args.error());
  if (args.has("--help")) {
    std::cout << kReportUsage;
    return kExitOk;
  }
  if (args.positionals().size() != 1)
    return args.usageError(args.positionals().empty() ? "missing SCENE"
                                                      : "unexpected argument '" + args.positionals()[1] + "'");
  if (!args.has("-o")) return args.usageError("missing -o DIR");
  Report r;
  if (auto lang = args.value("--lang")) {
    if (*lang == "zh-CN")
      r.tx = ReportText(ReportLanguage::ZhCN);
    else if (*lang == "en")
      r.tx = ReportText(ReportLanguage::En);
    else if (*lang != "both")
      return args.usageError("--lang expects zh-CN, en or both, got '" + *lang + "'");
  }
  const core::Stopwatch clock;
  r.scenePath = args.positionals()[0];
  r.dir = *args.value("-o");
  auto loaded = loadScene(r.scenePath, stderrProgress());
  if (!loaded) {
    std::cerr << loaded.error().message << '\n';
    return kExitBadInput;
  }
  r.scene = std::move(loaded).value();
  if (auto name = args.value("--scenario")) {
    int exitCode = kExitOk;
    r.scenario = scenarioForCommand("report", r.scene, r.scenePath, *name, exitCode);
    if (!r.scenario) return exitCode;
  }
  auto config = facilityConfigForScene(r.scene);
  if (!config) {
    std::cerr << config.error().message << '\n';
    return kExitBadInput;
  }
  r.config = std::move(config).value();
  if (const std::string error = prepareFolder(r.dir); !error.empty()) {
    std::cerr << error << '\n';
    return kExitBadInput;
  }

  computeAll(r, args.value("--alerts-db").value_or(""));

  r.credits = "© OpenStreetMap contributors";
  for (const std::string& a : r.scene.site->attributions)
    if (a.find("OpenStreetMap") == std::string::npos) r.credits += " · " + a;
  auto renderer = MapRenderer::create(1600, 1100, ui::defaultFontPath());
  if (renderer)
    r.maps = std::move(renderer).value();
  else {
    r.mapsWhyMissing = renderer.error().message;
    r.leftOut.emplace_back(r.tx.t("地图", "Maps"), htmlEscape(r.mapsWhyMissing));
    progress("maps left out: " + r.mapsWhyMissing);
  }

  const ReportText& tx = r.tx;
  struct Part {
    const char* id;
    std::string zh, en, html;
  };
  std::vector<Part> parts;
  parts.push_back({"coverage", "生活圈覆盖", "Life-circle coverage", coverageSection(r)});
  parts.push_back({"gaps", "分类缺口", "Gaps by category", gapsSection(r)});
  parts.push_back({"tod", "TOD 站点步行圈", "TOD catchments", todSection(r)});
  parts.push_back({"sunlight", "日照", "Sunlight", sunlightSection(r)});
  if (r.scenario) parts.push_back({"differences", "方案前后差异", "Differences", differencesSection(r)});
  parts.push_back({"indicators", "九大场景指标", "Nine-scenario indicators", indicatorsSection(r)});
  parts.push_back({"diagnostics", "数据诊断", "Data diagnostics", diagnosticsSection(r)});
  parts.push_back({"credits", "数据来源与署名", "Data credits", creditsSection(r)});

  const std::string sceneName = r.scene.config.name.empty() ? r.scene.site->name : r.scene.config.name;
  std::string html = std::string("<!DOCTYPE html>\n<html lang=\"") + tx.htmlLang() +
                     "\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, "
                     "initial-scale=1\">\n<title>" +
                     htmlEscape(tx.plain("体检报告 · ", "Check-up report · ") + sceneName) + "</title>\n<style>" +
                     reportStylesheet() + "</style>\n</head>\n<body>\n<header>\n<h1>" +
                     tx.t("社区体检报告", "Community check-up report") + "</h1>\n<p class=\"scene-name\">" +
                     htmlEscape(sceneName) + "</p>\n<table class=\"meta\">\n";
  auto meta = [&](const std::string& label, const std::string& value) {
    html += "<tr><td>" + label + "</td><td>" + value + "</td></tr>\n";
  };
  meta(tx.t("场景文件", "Scene file"), htmlEscape(r.scene.config.file.filename().string()));
  meta(tx.t("生成时间", "Date"), htmlEscape(todayIso()));
  meta(tx.t("引擎版本", "Engine version"), "CommunityTwin " + htmlEscape(TWIN_VERSION));
  if (r.scenario)
    meta(tx.t("方案", "Scenario"),
         htmlEscape(r.scenario->name + (r.scenario->label.empty() ? "" : " · " + r.scenario->label)));
  html += "</table>\n";
  if (!r.leftOut.empty()) {
    html += "<div class=\"left-out\" id=\"left-out\"><strong>" + tx.t("略去的内容", "Left out") + "</strong><ul>\n";
    for (const auto& [title, reason] : r.leftOut) html += "<li>" + title + ": " + reason + "</li>\n";
    html += "</ul></div>\n";
  }
  html += "</header>\n<nav>\n<h2>" + tx.t("目录", "Contents") + "</h2>\n<ol>\n";
  for (const Part& p : parts) html += std::string("<li><a href=\"#") + p.id + "\">" + tx.t(p.zh, p.en) + "</a></li>\n";
  html += "</ol>\n</nav>\n";
  for (const Part& p : parts) html += std::string("<section id=\"") + p.id + "\">\n" + p.html + "</section>\n";
  html += "<footer><p>" + htmlEscape(sceneName) + " · " + htmlEscape(todayIso()) + " · CommunityTwin " TWIN_VERSION +
          " · © OpenStreetMap contributors</p></footer>\n</body>\n</html>\n";

  const std::filesystem::path index = r.dir / "index.html";
  {
    std::ofstream out(index, std::ios::binary);
    out << html;
    if (!out) {
      std::cerr << "twin report: cannot write " << index.string() << ": " << std::strerror(errno) << '\n';
      return kExitBadInput;
    }
  }
  char line[256];
  std::snprintf(line, sizeof line, "wrote %s (%d maps, %zu sections left out) in %.1f s\n", index.string().c_str(),
                r.mapCount, r.leftOut.size(), clock.elapsedMs() / 1000);
  std::cout << line;
  std::cout.flush();
  return kExitOk;
}

}  // namespace twin::app
