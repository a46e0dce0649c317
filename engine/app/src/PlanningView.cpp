// PlanningView: the walk graph and two coverage models (existing state, edited state); panel
// commands and mouse events become fast-path coverage edits, isochrones and overlay updates on
// the viewer's thread.
#include "twin/app/PlanningView.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <variant>

#include <imgui.h>
#include <osgGA/GUIEventAdapter>

#include "twin/analysis/Isochrone.h"
#include "twin/analysis/OutputLayers.h"
#include "twin/analysis/ScenarioAlgebra.h"
#include "twin/analysis/WalkReach.h"
#include "twin/core/Log.h"
#include "twin/core/Stopwatch.h"
#include "twin/app/SplitScreen.h"
#include "twin/scene/PlanningLayer.h"
#include "twin/scene/SiteScene.h"
#include "twin/scene/SplitView.h"
#include "twin/ui/SunlightPanel.h"

namespace twin::app {
namespace {

constexpr double kMaxCoverageMinutes = 30.0;

model::Color toColor(const osg::Vec4& c) { return model::Color{c.r(), c.g(), c.b(), 1.0f}; }

model::Color minutesColour(double minutes) {
  if (minutes <= 5) return toColor(scene::bandColour(0));
  if (minutes <= 10) return toColor(scene::bandColour(1));
  if (minutes <= 15) return toColor(scene::bandColour(2));
  return model::Color{0.86f, 0.18f, 0.16f, 1.0f};
}

bool sameFacility(const model::Facility& a, const model::Facility& b) {
  return a.category == b.category && a.osmId == b.osmId && a.idKind == b.idKind && a.name == b.name &&
         a.position.x == b.position.x && a.position.y == b.position.y;
}

std::optional<std::size_t> findFacility(const analysis::CoverageModel& model, const model::Facility& f) {
  const auto& all = model.facilities();
  for (std::size_t i = 0; i < all.size(); ++i)
    if (sameFacility(all[i], f)) return i;
  return std::nullopt;
}

std::string buildingName(const model::Building& b) {
  if (!b.name.empty()) return b.name;
  return b.idKind + "/" + std::to_string(b.osmId);
}

}  // namespace

std::vector<model::Color> coverageColours(const analysis::CoverageModel& model, std::size_t buildingCount,
                                          const ui::ColourBy& colourBy) {
  const auto& categories = model.config().categories;
  const bool byCategory = colourBy.category >= 0 && std::size_t(colourBy.category) < categories.size();
  const bool byLevel = !byCategory && colourBy.levelMinutes > 0;
  if (!byCategory && !byLevel) return {};
  // Buildings the coverage does not score (not residential) are greyed, so that the scored ones
  // stand out and no use colour is mistaken for a coverage colour.
  const ui::Rgba grey = ui::unscoredGrey();
  std::vector<model::Color> colours(buildingCount, model::Color{grey.r, grey.g, grey.b, 1});
  for (const analysis::BuildingCoverage& row : model.buildings()) {
    if (row.building >= buildingCount) continue;
    double minutes = 0;
    if (byCategory) {
      minutes = std::size_t(colourBy.category) < row.minutes.size() ? row.minutes[std::size_t(colourBy.category)]
                                                                    : std::numeric_limits<double>::infinity();
    } else {
      bool any = false;
      for (std::size_t c = 0; c < categories.size() && c < row.minutes.size(); ++c)
        if (categories[c].required && categories[c].levelMinutes == colourBy.levelMinutes) {
          minutes = std::max(minutes, row.minutes[c]);
          any = true;
        }
      if (!any) {  // a level without required categories says nothing: keep the use colour
        colours[row.building] = model::Color{0, 0, 0, 0};
        continue;
      }
    }
    colours[row.building] = minutesColour(std::isfinite(minutes) ? minutes : 1e9);
  }
  return colours;
}

// ---------------------------------------------------------------- PlanningView

namespace {

// One undoable edit: the facilities as they were before it (empty for an addition) and after.
struct Edit {
  std::vector<model::Facility> before, after;
};

}  // namespace

struct PlanningView::Impl {
  PlanningView* owner = nullptr;
  const LoadedScene* scene = nullptr;
  scene::SiteScene* siteScene = nullptr;
  PlanningViewOptions options;
  model::FacilityConfig config;
  std::unique_ptr<analysis::WalkGraph> graph;
  std::unique_ptr<analysis::CoverageModel> baseline, working;
  std::unique_ptr<analysis::WalkSearch> search;
  core::Diagnostics diag;
  double speed = 1.2, buildMs = 0, lastUpdateMs = 0;
  osg::ref_ptr<scene::PlanningLayer> layer;
  osg::ref_ptr<osg::Group> node;  // the extension's scene node: the layer and the split view

  // The split view: each side's coverage model, the right side's markers and colours.
  osg::ref_ptr<scene::SplitView> split;
  std::unique_ptr<SplitScreen> splitScreen;
  std::unique_ptr<analysis::CoverageModel> splitLeftModel, splitRightModel;
  std::string splitLeft, splitRight;  // scenario names, "" = existing
  osg::ref_ptr<scene::PlanningLayer> rightLayer;
  std::vector<model::Color> rightColours;
  bool splitOn() const { return splitLeftModel && splitRightModel; }
  // What the main scene shows: the split's left side, else the working state.
  const analysis::CoverageModel& shown() const { return splitOn() ? *splitLeftModel : *working; }
  core::Result<std::unique_ptr<analysis::CoverageModel>> scenarioModel(const std::string& name);
  core::Status setSplit(const std::string& left, const std::string& right);
  void clearSplit();
  void drawLabels(ui::Language language) const;

  ui::CoveragePanel panel;
  ui::PlanningMode mode = ui::PlanningMode::Inspect;
  std::size_t addCategory = 0;
  ui::ColourBy colourBy;
  std::vector<model::Color> colours;
  std::vector<Edit> edits;
  std::size_t savedEdits = 0;  // edits.size() at the last save
  std::string loadedScenario, status;
  std::filesystem::path exportedPath;  // the last table written (shown until the next status)
  std::size_t exportedRows = 0;
  std::string statusKey, statusArg;  // a translated status (ui::CoveragePanelView::statusKey) before `status`
  void setStatus(std::string key, std::string arg, std::string detail = "") {
    statusKey = std::move(key);
    statusArg = std::move(arg);
    status = std::move(detail);
  }
  std::vector<std::string> savedScenarios;
  std::optional<osg::Vec3d> flyTarget;
  // The panel's figures need two summaries (a pass over every building): kept until an edit.
  mutable std::optional<ui::CoveragePanelView> panelCache;

  // Dragging: the working-model facilities being moved (same POI), where they were.
  bool dragging = false;
  std::vector<model::Facility> dragStart;
  std::vector<model::Facility> dragNow;

  void coverageChanged();
  void pushColours();
  // Open the coverage panel at start when the command line asked for planning output.
  bool startOpen() const {
    return options.isochroneFrom || !options.compareScenario.empty() || options.colourBy.category >= 0 ||
           options.colourBy.levelMinutes > 0;
  }
  void rebuildMarkers();
  void refreshSavedScenarios();
  core::Status moveGroup(std::vector<model::Facility>& current, core::Vec2 to);
  void apply(const std::vector<ui::CoverageCommand>& commands);
};

void PlanningView::Impl::pushColours() {
  colours = coverageColours(shown(), scene->site->buildings.size(), colourBy);
  if (siteScene) siteScene->setBuildingColors(colours);
  if (splitOn() && splitScreen)
    if (auto right = splitScreen->rightScene(); right) {
      rightColours = coverageColours(*splitRightModel, scene->site->buildings.size(), colourBy);
      (*right)->setBuildingColors(rightColours);
    }
}

namespace {

// The facility markers of a coverage model: planned ones (no OSM identity) and moved ones told
// apart from the existing state's.
std::vector<scene::PlanningMarker> facilityMarkers(const analysis::CoverageModel& baseline,
                                                   const analysis::CoverageModel& model) {
  std::map<std::string, core::Vec2> original;
  for (const model::Facility& f : baseline.facilities())
    if (const std::string key = model::facilityKey(f); !key.empty()) original.emplace(key, f.position);
  std::vector<scene::PlanningMarker> markers;
  for (const model::Facility& f : model.facilities()) {
    scene::PlanningMarker m;
    m.position = f.position;
    m.category = f.category;
    m.hypothetical = f.idKind.empty();
    if (!m.hypothetical) {
      const auto it = original.find(model::facilityKey(f));
      m.moved = it != original.end() && (it->second.x != f.position.x || it->second.y != f.position.y);
    }
    markers.push_back(m);
  }
  return markers;
}

}  // namespace

void PlanningView::Impl::rebuildMarkers() {
  layer->setMarkers(facilityMarkers(*baseline, shown()));
  if (splitOn() && rightLayer) rightLayer->setMarkers(facilityMarkers(*baseline, *splitRightModel));
}

core::Result<std::unique_ptr<analysis::CoverageModel>> PlanningView::Impl::scenarioModel(const std::string& name) {
  auto model = std::make_unique<analysis::CoverageModel>(*baseline);
  if (name.empty() || name == "existing") return model;
  if (scene->config.file.empty() || scene->config.file.extension() != ".json")
    return core::fail("twin: unknown scenario '" + name + "': the scene is not a scene file");
  auto list = model::loadScenarios(scene->config.file);
  if (!list) return list.error();
  std::string known;
  for (const model::Scenario& s : *list) {
    if (s.name == name) {
      core::Diagnostics problems;
      analysis::applyScenario(*model, s, scene->site->frame, problems);
      if (problems.total()) core::logWarning(core::formatDiagnostic(problems.items().front()));
      return model;
    }
    known += (known.empty() ? "" : ", ") + s.name;
  }
  return core::fail("twin: unknown scenario '" + name + "' in " + scene->config.file.string() + "; known: existing, " +
                    (known.empty() ? "(none)" : known));
}

core::Status PlanningView::Impl::setSplit(const std::string& left, const std::string& right) {
  if (!siteScene) return core::fail("app::PlanningView::setSplit(): no scene to split");
  auto leftModel = scenarioModel(left);
  if (!leftModel) return leftModel.error();
  auto rightModel = scenarioModel(right);
  if (!rightModel) return rightModel.error();
  if (!splitScreen) splitScreen = std::make_unique<SplitScreen>(*scene, *siteScene, *split);
  if (core::Status on = splitScreen->setEnabled(true); !on) return on;
  if (!rightLayer) {
    rightLayer = new scene::PlanningLayer(
        scene->site->terrain && !scene->site->terrain->empty() ? &*scene->site->terrain : nullptr);
    split->rightGroup()->addChild(rightLayer->root());
  }
  splitLeftModel = std::move(leftModel).value();
  splitRightModel = std::move(rightModel).value();
  splitLeft = left == "existing" ? "" : left;
  splitRight = right == "existing" ? "" : right;
  // A split compares coverage: without a chosen colouring, the 15-minute level.
  if (colourBy.category < 0 && colourBy.levelMinutes <= 0) colourBy.levelMinutes = 15;
  layer->clearIsochrone();  // drawn on the left only, it would read as the left scenario's
  panelCache.reset();
  coverageChanged();
  return core::Ok{};
}

void PlanningView::Impl::clearSplit() {
  if (!splitOn()) return;
  splitLeftModel.reset();
  splitRightModel.reset();
  rightColours.clear();
  if (splitScreen) splitScreen->setEnabled(false);
  if (rightLayer) rightLayer->setMarkers({});
  panelCache.reset();
  coverageChanged();
}

void PlanningView::Impl::coverageChanged() {
  panelCache.reset();
  pushColours();
  rebuildMarkers();
}

void PlanningView::Impl::refreshSavedScenarios() {
  panelCache.reset();
  savedScenarios.clear();
  if (scene->config.file.empty() || scene->config.file.extension() != ".json") return;
  auto list = model::loadScenarios(scene->config.file);
  if (!list) {
    setStatus("", "", list.error().message);
    return;
  }
  for (const model::Scenario& s : *list) savedScenarios.push_back(s.name);
}

core::Status PlanningView::Impl::moveGroup(std::vector<model::Facility>& current, core::Vec2 to) {
  if (!core::isFinite(to)) return core::fail("app::PlanningView::moveFacility(): the target point is not finite");
  for (model::Facility& f : current) {
    auto index = findFacility(*working, f);
    if (!index) continue;
    working->moveFacility(*index, to);
    f.position = to;
  }
  return core::Ok{};
}

PlanningView::PlanningView(std::unique_ptr<Impl> impl) : _impl(std::move(impl)) { _impl->owner = this; }
PlanningView::~PlanningView() = default;

core::Result<std::shared_ptr<PlanningView>> PlanningView::create(const LoadedScene& scene, scene::SiteScene* siteScene,
                                                                 const PlanningViewOptions& options) {
  if (!scene.site) return core::fail("app::PlanningView::create(): the scene has no site");
  for (std::size_t i = 0; i < options.minutes.size(); ++i)
    if (!(options.minutes[i] > 0 && options.minutes[i] <= 120) || (i && options.minutes[i] <= options.minutes[i - 1]))
      return core::fail("app::PlanningView::create(): isochrone minutes must ascend, each in (0, 120]");
  auto impl = std::make_unique<Impl>();
  impl->scene = &scene;
  impl->siteScene = siteScene;
  impl->options = options;
  if (impl->options.minutes.empty()) impl->options.minutes = {5, 10, 15};
  auto config = facilityConfigForScene(scene);
  if (!config) return config.error();
  impl->config = std::move(config).value();
  impl->speed = options.speedMps > 0 ? options.speedMps : impl->config.walking.speedMps;

  core::Stopwatch watch;
  const model::Site& site = *scene.site;
  analysis::WalkGraphOptions graphOptions;
  graphOptions.stepsFactor = impl->config.walking.stepsFactor;
  if (site.terrain && !site.terrain->empty()) graphOptions.terrain = &*site.terrain;
  impl->graph = std::make_unique<analysis::WalkGraph>(analysis::buildWalkGraph(site, graphOptions, impl->diag));
  if (impl->graph->segmentCount() == 0)
    return core::fail("twin: " + scene.config.file.string() + ": no walkable ways in the scene");
  impl->baseline = std::make_unique<analysis::CoverageModel>(*impl->graph, site, impl->config,
                                                             model::facilitiesFromPois(site.pois, impl->config),
                                                             impl->diag, kMaxCoverageMinutes, impl->speed);
  impl->working = std::make_unique<analysis::CoverageModel>(*impl->baseline);
  impl->search = std::make_unique<analysis::WalkSearch>(*impl->graph);
  impl->buildMs = watch.elapsedMs();

  impl->layer = new scene::PlanningLayer(site.terrain && !site.terrain->empty() ? &*site.terrain : nullptr);
  impl->split = new scene::SplitView;
  impl->node = new osg::Group;
  impl->node->setName("twin.planning.view");
  impl->node->addChild(impl->layer->root());
  impl->node->addChild(impl->split->root());
  impl->refreshSavedScenarios();
  impl->mode = options.mode;
  impl->colourBy = options.colourBy;
  std::shared_ptr<PlanningView> view(new PlanningView(std::move(impl)));
  if (!options.compareScenario.empty()) {
    if (auto loaded = view->loadScenario(options.compareScenario); !loaded) return loaded.error();
  } else {
    view->_impl->coverageChanged();
  }
  if (options.isochroneFrom)
    if (auto shown = view->isochroneAt(site.frame.toLocal(*options.isochroneFrom)); !shown) return shown.error();
  if (options.split)
    if (auto split = view->setSplit(options.splitLeft, options.compareScenario); !split) return split.error();
  return view;
}

osg::Node* PlanningView::sceneNode() { return _impl->node.get(); }

std::vector<std::string> PlanningView::fontTexts() const {
  std::vector<std::string> texts;
  for (const model::FacilityCategory& c : _impl->config.categories) texts.push_back(c.label);
  for (const std::string& s : _impl->savedScenarios) texts.push_back(s);
  for (const auto& gap : _impl->baseline->summary().gaps)
    if (gap.first < _impl->scene->site->buildings.size())
      texts.push_back(_impl->scene->site->buildings[gap.first].name);
  return texts;
}

void PlanningView::update(double timeSeconds) {
  (void)timeSeconds;
  if (_impl->splitOn() && _impl->splitScreen) _impl->splitScreen->sync();
}

void PlanningView::drawOverlay(ui::Language language, float uiScale) {
  (void)uiScale;
  Impl& impl = *_impl;
  if (!impl.splitOn() || !impl.splitScreen) return;
  const auto name = [&](const std::string& scenario) {
    if (scenario.empty()) return std::string(ui::tr(language, "split.existing"));
    return ui::trFill(language, "split.scenario", {scenario});
  };
  impl.splitScreen->draw(name(impl.splitLeft), name(impl.splitRight));
}

core::Status PlanningView::setSplit(const std::string& left, const std::string& right) {
  return _impl->setSplit(left, right);
}
void PlanningView::clearSplit() { _impl->clearSplit(); }
bool PlanningView::splitActive() const { return _impl->splitOn(); }
void PlanningView::moveSplit(float fraction) {
  if (_impl->splitScreen) _impl->splitScreen->setFraction(fraction);
}
const analysis::CoverageModel* PlanningView::splitModel(bool right) const {
  return right ? _impl->splitRightModel.get() : _impl->splitLeftModel.get();
}
scene::SiteScene* PlanningView::rightScene() const {
  if (!_impl->splitScreen) return nullptr;
  auto right = _impl->splitScreen->rightScene();
  return right ? *right : nullptr;
}
const std::vector<model::Color>& PlanningView::rightBuildingColours() const { return _impl->rightColours; }
scene::PlanningLayer* PlanningView::rightLayer() const { return _impl->rightLayer.get(); }
const scene::SplitView& PlanningView::splitView() const { return *_impl->split; }

bool PlanningView::unsavedEdits() const { return !_impl->edits.empty() && _impl->edits.size() != _impl->savedEdits; }

void PlanningView::contribute(ui::FrameView& view) const {
  const Impl& impl = *_impl;
  const ui::Language lang = view.language;
  auto minutesLabel = [&](const char* key, double minutes) {
    char text[96];
    std::snprintf(text, sizeof text, ui::tr(lang, key), int(std::lround(minutes)));
    return std::string(text);
  };
  auto rgba = [](const model::Color& c) { return ui::Rgba{c.r, c.g, c.b, 1}; };
  if (impl.colourBy.category >= 0 || impl.colourBy.levelMinutes > 0) {
    ui::LegendGroup group;
    group.title = ui::tr(lang, "legend.coverage");
    for (double m : {5.0, 10.0, 15.0})
      group.entries.push_back({rgba(minutesColour(m)), minutesLabel("legend.minutes", m)});
    group.entries.push_back({rgba(minutesColour(1e9)), minutesLabel("legend.beyond", 15)});
    const ui::Rgba grey = ui::unscoredGrey();
    group.entries.push_back({grey, ui::tr(lang, "legend.unscored")});
    view.legend.push_back(std::move(group));
  }
  {
    // Facility markers: existing ones in their category's colour, planned ones (added by a
    // planner) larger with a white ring and the "planned" label.
    bool planned = false;
    std::set<std::size_t> categories;
    for (const scene::PlanningMarker& m : impl.layer->markers()) {
      planned = planned || m.hypothetical;
      if (!m.hypothetical) categories.insert(m.category);
    }
    ui::LegendGroup group;
    group.title = ui::tr(lang, "legend.facilities");
    for (std::size_t c : categories) {
      if (c >= impl.config.categories.size()) continue;
      const osg::Vec4 colour = scene::categoryColour(c);
      group.entries.push_back({ui::Rgba{colour.r(), colour.g(), colour.b(), 1}, impl.config.categories[c].label});
    }
    if (planned) group.entries.push_back({ui::Rgba{1, 1, 1, 1}, ui::tr(lang, "legend.plannedFacility")});
    if (impl.colourBy.category >= 0 || impl.colourBy.levelMinutes > 0 || planned)
      view.legend.push_back(std::move(group));
  }
  if (impl.layer && impl.layer->hasIsochrone()) {
    ui::LegendGroup group;
    group.title = ui::tr(lang, "legend.isochrone");
    for (std::size_t i = 0; i < impl.options.minutes.size(); ++i) {
      const osg::Vec4 c = scene::bandColour(i);
      group.entries.push_back(
          {ui::Rgba{c.r(), c.g(), c.b(), 1}, minutesLabel("legend.minutes", impl.options.minutes[i])});
    }
    view.legend.push_back(std::move(group));
  }
}

namespace {

// "规划" / "planned" beside each planned facility marker, under the panels; only those whose
// marker stands in [minX, maxX) (a split view's side).
void drawPlannedLabels(const scene::PlanningLayer& layer, ui::Language language, float minX = -1e9f,
                       float maxX = 1e9f) {
  const std::vector<osg::Vec2> at = layer.plannedScreenPositions();
  if (at.empty()) return;
  const char* text = ui::tr(language, "planning.planned");
  ImDrawList* list = ImGui::GetBackgroundDrawList();
  const ImVec2 size = ImGui::CalcTextSize(text);
  const float pad = ImGui::GetFontSize() * 0.25f, dx = ImGui::GetFontSize() * 0.9f;
  for (const osg::Vec2& p : at) {
    if (p.x() < minX || p.x() >= maxX) continue;
    const ImVec2 a(p.x() + dx, p.y() - size.y / 2);
    list->AddRectFilled(ImVec2(a.x - pad, a.y - pad), ImVec2(a.x + size.x + pad, a.y + size.y + pad),
                        IM_COL32(255, 255, 255, 235), pad);
    list->AddText(a, IM_COL32(20, 20, 20, 255), text);
  }
}

}  // namespace

void PlanningView::Impl::drawLabels(ui::Language language) const {
  if (!splitOn() || !rightLayer || !splitScreen) {
    drawPlannedLabels(*layer, language);
    return;
  }
  const float divider = splitScreen->fraction() * ImGui::GetIO().DisplaySize.x;
  drawPlannedLabels(*layer, language, -1e9f, divider);
  drawPlannedLabels(*rightLayer, language, divider, 1e9f);
}

void PlanningView::drawRail(ui::Language language, const ui::WidgetRect&) { _impl->drawLabels(language); }

void PlanningView::drawPanels(ui::Language language) {
  _impl->drawLabels(language);
  ui::CoveragePanelView view = panelView();
  view.language = language;
  if (view.status.empty() && !_impl->exportedPath.empty()) {
    char text[600];
    std::snprintf(text, sizeof text, ui::tr(language, "coverage.exported"), _impl->exportedPath.string().c_str(),
                  _impl->exportedRows);
    view.status = text;
  }
  _impl->apply(_impl->panel.draw(view));
}

void PlanningView::Impl::apply(const std::vector<ui::CoverageCommand>& commands) {
  for (const ui::CoverageCommand& command : commands) {
    panelCache.reset();
    if (auto* c = std::get_if<ui::SetPlanningMode>(&command)) {
      mode = c->mode;
    } else if (auto* c = std::get_if<ui::SetAddCategory>(&command)) {
      if (c->category >= 0 && std::size_t(c->category) < config.categories.size())
        addCategory = std::size_t(c->category);
    } else if (auto* c = std::get_if<ui::SetColourBy>(&command)) {
      colourBy = c->colourBy;
      pushColours();
    } else if (auto* c = std::get_if<ui::FlyToBuilding>(&command)) {
      if (c->building < scene->site->buildings.size()) {
        const model::Building& b = scene->site->buildings[c->building];
        const core::Vec2 centre = core::centroid(b.footprint.outer);
        if (siteScene) siteScene->setSelectedBuilding(int(c->building));
        flyTarget = osg::Vec3d(centre.x, centre.y, b.baseElevationMeters + b.heightMeters / 2);
      }
    } else if (std::holds_alternative<ui::UndoEdit>(command)) {
      if (!edits.empty()) {
        Edit e = edits.back();
        edits.pop_back();
        if (e.before.empty()) {
          for (const model::Facility& f : e.after)
            if (auto i = findFacility(*working, f)) working->removeFacility(*i);
        } else {
          for (std::size_t k = 0; k < e.after.size() && k < e.before.size(); ++k)
            if (auto i = findFacility(*working, e.after[k])) working->moveFacility(*i, e.before[k].position);
        }
        coverageChanged();
      }
    } else if (std::holds_alternative<ui::ResetEdits>(command)) {
      working = std::make_unique<analysis::CoverageModel>(*baseline);
      edits.clear();
      loadedScenario.clear();
      coverageChanged();
    } else if (auto* c = std::get_if<ui::SaveScenarioAs>(&command)) {
      const model::Scenario s = analysis::scenarioFromModels(*baseline, *working, scene->site->frame, c->name);
      auto saved = model::saveScenario(scene->config.file, s);
      if (saved)
        setStatus("planning.saved", c->name);
      else
        setStatus("", "", saved.error().message);
      if (saved) {
        savedEdits = edits.size();
        loadedScenario = c->name;
        refreshSavedScenarios();
      }
    } else if (std::holds_alternative<ui::ExportCoverageTable>(command)) {
      const std::string stem = scene->config.file.empty() ? "twin" : scene->config.file.stem().string();
      auto written = owner->exportCoverageTable(std::filesystem::current_path() / (stem + "-coverage.csv"));
      if (!written) status = written.error().message;
    } else if (auto* c = std::get_if<ui::SetSplit>(&command)) {
      if (!c->on) {
        clearSplit();
      } else if (core::Status on = setSplit(c->left, c->right); !on) {
        setStatus("", "", on.error().message);
      }
    } else if (auto* c = std::get_if<ui::LoadScenario>(&command)) {
      auto list = model::loadScenarios(scene->config.file);
      if (!list) {
        setStatus("", "", list.error().message);
        continue;
      }
      const model::Scenario* found = nullptr;
      for (const model::Scenario& s : *list)
        if (s.name == c->name) found = &s;
      if (!found) {
        setStatus("planning.unknownScenario", c->name);
        continue;
      }
      core::Stopwatch watch;
      working = std::make_unique<analysis::CoverageModel>(*baseline);
      edits.clear();
      core::Diagnostics problems;
      analysis::applyScenario(*working, *found, scene->site->frame, problems);
      loadedScenario = c->name;
      if (problems.total())
        setStatus("planning.skipped", std::to_string(problems.total()),
                  core::formatDiagnostic(problems.items().front()));
      else
        setStatus("", "");
      coverageChanged();
      lastUpdateMs = watch.elapsedMs();
    }
  }
}

bool PlanningView::pick(osgViewer::View& view, float x, float y) {
  Impl& impl = *_impl;
  if (impl.mode != ui::PlanningMode::Isochrone && impl.mode != ui::PlanningMode::AddFacility) return false;
  const auto ground = scene::PlanningLayer::groundPoint(view, x, y);
  if (!ground) return false;
  const core::Vec2 p{ground->x, ground->y};
  core::Status done = impl.mode == ui::PlanningMode::Isochrone ? isochroneAt(p) : addFacility(impl.addCategory, p);
  if (!done) impl.setStatus("", "", done.error().message);
  return true;
}

bool PlanningView::handleMouse(const osgGA::GUIEventAdapter& event, osgViewer::View& view) {
  using E = osgGA::GUIEventAdapter;
  Impl& impl = *_impl;
  if (impl.mode != ui::PlanningMode::MoveFacility) return false;
  const auto type = event.getEventType();
  if (type == E::PUSH) {
    if (event.getHandled() || event.getButton() != E::LEFT_MOUSE_BUTTON) return false;
    const auto marker = impl.layer->pickMarker(view, event.getX(), event.getY(), 12.0f);
    if (!marker || *marker >= impl.working->facilities().size()) return false;
    const model::Facility picked = impl.working->facilities()[*marker];
    impl.dragStart.clear();
    const std::string key = model::facilityKey(picked);
    for (const model::Facility& f : impl.working->facilities())
      if (key.empty() ? sameFacility(f, picked) : model::facilityKey(f) == key) impl.dragStart.push_back(f);
    impl.dragNow = impl.dragStart;
    impl.dragging = true;
    scene::PlanningMarker m;
    m.position = picked.position;
    m.category = picked.category;
    impl.layer->setDragMarker(m);
    return true;
  }
  if (!impl.dragging) return false;
  if (type == E::DRAG || type == E::RELEASE) {
    const auto ground = scene::PlanningLayer::groundPoint(view, event.getX(), event.getY());
    if (ground) {
      core::Stopwatch watch;
      const core::Vec2 to{ground->x, ground->y};
      impl.moveGroup(impl.dragNow, to);
      scene::PlanningMarker m;
      m.position = to;
      m.category = impl.dragNow.empty() ? 0 : impl.dragNow.front().category;
      impl.layer->setDragMarker(m);
      impl.coverageChanged();
      impl.lastUpdateMs = watch.elapsedMs();
    }
    if (type == E::RELEASE) {
      impl.dragging = false;
      impl.layer->setDragMarker(std::nullopt);
      bool movedAtAll = false;
      for (std::size_t k = 0; k < impl.dragNow.size(); ++k)
        movedAtAll = movedAtAll || impl.dragNow[k].position.x != impl.dragStart[k].position.x ||
                     impl.dragNow[k].position.y != impl.dragStart[k].position.y;
      if (movedAtAll) impl.edits.push_back({impl.dragStart, impl.dragNow});
    }
    return true;
  }
  return false;
}

std::optional<osg::Vec3d> PlanningView::takeFlyTarget() {
  auto target = _impl->flyTarget;
  _impl->flyTarget.reset();
  return target;
}

void PlanningView::setMode(ui::PlanningMode mode) { _impl->apply({ui::SetPlanningMode{mode}}); }
ui::PlanningMode PlanningView::mode() const { return _impl->mode; }
void PlanningView::setAddCategory(std::size_t category) { _impl->apply({ui::SetAddCategory{int(category)}}); }
void PlanningView::setColourBy(const ui::ColourBy& colourBy) { _impl->apply({ui::SetColourBy{colourBy}}); }

core::Status PlanningView::isochroneAt(core::Vec2 ground) {
  Impl& impl = *_impl;
  core::Stopwatch watch;
  if (!core::isFinite(ground)) return core::fail("app::PlanningView::isochroneAt(): the point is not finite");
  analysis::SnapPoint snap;
  const double maxSnap = impl.config.walking.maxSnapMeters;
  if (!impl.graph->snap(ground, maxSnap, snap)) {
    char text[160];
    std::snprintf(text, sizeof text,
                  "app::PlanningView::isochroneAt(): (%.1f, %.1f) is farther than %.0f m from any walkable way",
                  ground.x, ground.y, maxSnap);
    return core::fail(text);
  }
  const double cutoff = impl.options.minutes.back() * 60;
  const analysis::ReachSet reach = impl.search->reach({analysis::WalkOrigin{snap, 0}}, cutoff, impl.speed);
  std::vector<double> limits;
  for (double m : impl.options.minutes) limits.push_back(m * 60);
  analysis::IsochroneOptions iso;
  iso.walkOffMeters = impl.config.walking.walkOffMeters;
  const auto bands = analysis::isochronePolygons(*impl.graph, reach, limits, iso);
  std::vector<scene::PlanningBand> planning;
  for (const analysis::IsochroneBand& b : bands) planning.push_back({b.limit / 60, b.polygons});
  impl.layer->setIsochrone(planning, ground);
  impl.lastUpdateMs = watch.elapsedMs();
  return core::Ok{};
}

core::Status PlanningView::addFacility(std::size_t category, core::Vec2 at, const std::string& name) {
  Impl& impl = *_impl;
  if (category >= impl.config.categories.size())
    return core::fail("app::PlanningView::addFacility(): category " + std::to_string(category) + " out of range");
  if (!core::isFinite(at)) return core::fail("app::PlanningView::addFacility(): the point is not finite");
  core::Stopwatch watch;
  model::Facility f;
  f.category = category;
  f.position = at;
  f.name = name.empty() ? impl.config.categories[category].label : name;
  impl.working->addFacility(f);
  impl.edits.push_back({{}, {f}});
  impl.coverageChanged();
  impl.lastUpdateMs = watch.elapsedMs();
  return core::Ok{};
}

core::Status PlanningView::moveFacility(std::size_t index, core::Vec2 to) {
  Impl& impl = *_impl;
  if (index >= impl.working->facilities().size())
    return core::fail("app::PlanningView::moveFacility(): facility " + std::to_string(index) + " out of range");
  core::Stopwatch watch;
  const model::Facility picked = impl.working->facilities()[index];
  const std::string key = model::facilityKey(picked);
  std::vector<model::Facility> group;
  for (const model::Facility& f : impl.working->facilities())
    if (key.empty() ? sameFacility(f, picked) : model::facilityKey(f) == key) group.push_back(f);
  std::vector<model::Facility> moved = group;
  if (auto status = impl.moveGroup(moved, to); !status) return status;
  impl.edits.push_back({group, moved});
  impl.coverageChanged();
  impl.lastUpdateMs = watch.elapsedMs();
  return core::Ok{};
}

bool PlanningView::undo() {
  const std::size_t before = _impl->edits.size();
  _impl->apply({ui::UndoEdit{}});
  return _impl->edits.size() < before;
}

void PlanningView::reset() { _impl->apply({ui::ResetEdits{}}); }

core::Status PlanningView::saveScenario(const std::string& name) {
  if (name.empty()) return core::fail("app::PlanningView::saveScenario(): the scenario needs a name");
  const model::Scenario s =
      analysis::scenarioFromModels(*_impl->baseline, *_impl->working, _impl->scene->site->frame, name);
  auto saved = model::saveScenario(_impl->scene->config.file, s);
  if (!saved) return saved;
  _impl->savedEdits = _impl->edits.size();
  _impl->loadedScenario = name;
  _impl->setStatus("planning.saved", name);
  _impl->refreshSavedScenarios();
  return core::Ok{};
}

core::Status PlanningView::loadScenario(const std::string& name) {
  Impl& impl = *_impl;
  if (impl.scene->config.file.empty() || impl.scene->config.file.extension() != ".json")
    return core::fail("twin: unknown scenario '" + name + "': the scene is not a scene file");
  auto list = model::loadScenarios(impl.scene->config.file);
  if (!list) return list.error();
  std::string known;
  for (const model::Scenario& s : *list) {
    if (s.name == name) {
      impl.apply({ui::LoadScenario{name}});
      return core::Ok{};
    }
    known += (known.empty() ? "" : ", ") + s.name;
  }
  return core::fail("twin: unknown scenario '" + name + "' in " + impl.scene->config.file.string() +
                    "; known: " + (known.empty() ? "(none)" : known));
}

core::Result<std::size_t> PlanningView::exportCoverageTable(const std::filesystem::path& path) {
  Impl& impl = *_impl;
  const geo::SiteFrame& frame = impl.scene->site->frame;
  const analysis::ToLonLat toLonLat = [&](core::Vec2 v) { return frame.toLonLat(v); };
  const analysis::OutputLayer layer = analysis::coverageLayer(*impl.working, *impl.scene->site, toLonLat);
  if (auto written = analysis::writeLayer(path, layer); !written) return written.error();
  impl.status.clear();
  impl.exportedPath = path;
  impl.exportedRows = layer.features.size();
  impl.panelCache.reset();
  return layer.features.size();
}

const analysis::CoverageModel& PlanningView::baseline() const { return *_impl->baseline; }
const analysis::CoverageModel& PlanningView::working() const { return *_impl->working; }
const analysis::WalkGraph& PlanningView::graph() const { return *_impl->graph; }
const model::FacilityConfig& PlanningView::config() const { return _impl->config; }
scene::PlanningLayer& PlanningView::layer() { return *_impl->layer; }
const std::vector<model::Color>& PlanningView::buildingColours() const { return _impl->colours; }
std::size_t PlanningView::edits() const { return _impl->edits.size(); }
double PlanningView::buildMs() const { return _impl->buildMs; }
double PlanningView::lastUpdateMs() const { return _impl->lastUpdateMs; }
const core::Diagnostics& PlanningView::diagnostics() const { return _impl->diag; }

ui::CoveragePanelView PlanningView::panelView() const {
  const Impl& impl = *_impl;
  if (impl.panelCache) {
    ui::CoveragePanelView v = *impl.panelCache;
    v.status = impl.status;
    v.statusKey = impl.statusKey;
    v.statusArg = impl.statusArg;
    v.lastUpdateMs = impl.lastUpdateMs;
    v.startOpen = impl.startOpen();
    return v;
  }
  ui::CoveragePanelView v;
  const analysis::CoverageSummary after = impl.working->summary();
  const bool comparing = !impl.edits.empty() || !impl.loadedScenario.empty();
  v.figures = ui::compareCoverage(comparing ? impl.baseline->summary() : after, after, impl.config);
  v.comparing = comparing;
  v.comparingWhat = impl.loadedScenario;
  for (const model::FacilityCategory& c : impl.config.categories) v.categoryLabels.push_back(c.label);
  const auto& buildings = impl.scene->site->buildings;
  v.gapsTotal = after.gaps.size();
  for (const auto& gap : after.gaps) {
    if (v.gaps.size() >= ui::CoveragePanel::kMaxGapRows) break;
    if (gap.first >= buildings.size()) continue;
    ui::GapRow row;
    row.building = gap.first;
    row.name = buildingName(buildings[gap.first]);
    for (const std::string& id : gap.second) {
      std::string label = id;
      for (const model::FacilityCategory& c : impl.config.categories)
        if (c.id == id) label = c.label;
      row.missing.push_back(label);
    }
    v.gaps.push_back(std::move(row));
  }
  v.mode = impl.mode;
  v.addCategory = int(impl.addCategory);
  v.colourBy = impl.colourBy;
  v.edits = impl.edits.size();
  v.savedScenarios = impl.savedScenarios;
  v.status = impl.status;
  v.statusKey = impl.statusKey;
  v.statusArg = impl.statusArg;
  v.lastUpdateMs = impl.lastUpdateMs;
  v.startOpen = impl.startOpen();
  v.split = impl.splitOn();
  v.splitLeft = impl.splitLeft;
  v.splitRight = impl.splitRight;
  impl.panelCache = v;
  return v;
}

core::Result<std::shared_ptr<ViewerExtension>> makePlanningView(const LoadedScene& scene, scene::SiteScene* siteScene,
                                                                const PlanningViewOptions& options) {
  auto view = PlanningView::create(scene, siteScene, options);
  if (!view) return view.error();
  return std::shared_ptr<ViewerExtension>(std::move(view).value());
}

}  // namespace twin::app
