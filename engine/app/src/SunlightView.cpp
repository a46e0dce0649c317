// SunlightView: twin sunlight's analysis (window samples, Embree shadow rays) run on a worker
// thread, its results turned into wall marks, building colours and the legend; the real sun with
// shadows for the slider's time; a scenario's proposed buildings before and after.
#include "twin/app/SunlightView.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <future>
#include <map>

#include "twin/app/SplitScreen.h"
#include "twin/core/Stopwatch.h"
#include "twin/geo/SunPosition.h"
#include "twin/model/Scenario.h"
#include "twin/scene/SiteScene.h"
#include "twin/scene/SunlightLayer.h"
#include "twin/ui/BigScreen.h"

#include <imgui.h>

namespace twin::app {
namespace {

constexpr double kCstSeconds = 8 * 3600;  // China Standard Time, UTC+8: the slider's clock

model::Color toColor(const ui::Rgba& c) { return model::Color{c.r, c.g, c.b, 1.0f}; }
osg::Vec4 toVec4(const ui::Rgba& c) { return osg::Vec4(c.r, c.g, c.b, 1.0f); }

// The civil date of a day count since 1970-01-01 (H. Hinnant's days_from_civil inverse).
geo::CivilDate civilFromDays(long long z) {
  z += 719468;
  const long long era = (z >= 0 ? z : z - 146096) / 146097;
  const long long doe = z - era * 146097;
  const long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const long long mp = (5 * doy + 2) / 153;
  const int day = int(doy - (153 * mp + 2) / 5 + 1);
  const int month = int(mp < 10 ? mp + 3 : mp - 9);
  return geo::CivilDate{int(yoe + era * 400 + (month <= 2)), month, day};
}

struct JobResult {
  std::vector<analysis::WindowSample> samples;
  std::vector<int> before, after;
  double seconds = 0;
  std::string error;
};

}  // namespace

std::vector<double> buildingSunMinutes(const std::vector<analysis::WindowSample>& samples,
                                       const std::vector<int>& minutes, std::size_t buildingCount) {
  std::map<std::pair<std::size_t, int>, int> storeys;  // best window per storey
  for (std::size_t i = 0; i < samples.size() && i < minutes.size(); ++i) {
    auto [it, inserted] = storeys.emplace(std::make_pair(samples[i].building, samples[i].floor), minutes[i]);
    if (!inserted) it->second = std::max(it->second, minutes[i]);
  }
  std::vector<double> out(buildingCount, -1.0);
  for (const auto& [key, best] : storeys) {
    if (key.first >= buildingCount) continue;
    double& b = out[key.first];
    b = b < 0 ? best : std::min(b, double(best));
  }
  return out;
}

std::vector<analysis::ExtraVolume> proposedVolumes(const model::Site& site,
                                                   const std::vector<model::ScenarioBuilding>& buildings) {
  std::vector<analysis::ExtraVolume> out;
  for (const model::ScenarioBuilding& b : buildings) {
    analysis::ExtraVolume v;
    for (const core::LonLat& p : b.footprint) v.footprint.outer.push_back(site.frame.toLocal(p));
    v.heightMeters = b.heightMeters;
    const bool terrain = site.terrain && !site.terrain->empty();
    const double base = terrain ? site.terrain->minHeightUnder(v.footprint) : 0;
    v.baseMeters = std::isfinite(base) ? base : 0;
    out.push_back(std::move(v));
  }
  return out;
}

ui::SunlightTally sunlightTally(const std::vector<analysis::WindowSample>& samples, const std::vector<int>& minutes,
                                int requiredMinutes) {
  std::vector<bool> pass(std::min(samples.size(), minutes.size()));
  for (std::size_t i = 0; i < pass.size(); ++i) pass[i] = minutes[i] >= requiredMinutes;
  return analysis::tallySunlight(samples, pass);
}

// ---------------------------------------------------------------- SunlightView

struct SunlightView::Impl {
  const LoadedScene* scene = nullptr;
  scene::SiteScene* siteScene = nullptr;
  SunlightViewOptions options;
  analysis::SunlightStandard standard;
  geo::CivilDate analysisDate;  // the standard day of the slider's year
  geo::CivilDate sunDate;       // the slider's day (China Standard Time)
  int sunMinutes = 600;
  bool colouring = false, shadows = false;
  bool swipe = false;                      // the before/after split view
  float swipeFraction = 0.5f;              // the swipe line, share of the width
  std::vector<model::Scenario> proposals;  // scenarios with proposed buildings
  std::string proposal;
  std::vector<analysis::ExtraVolume> proposedVolumes;
  osg::ref_ptr<scene::SunlightLayer> layer;
  std::unique_ptr<SplitScreen> splitScreen;  // the split view's right side (made on first use)
  ui::SunlightPanel panel;
  std::string status;

  // The worker: one analysis at a time; a request made while it runs starts after it.
  std::future<JobResult> job;
  std::shared_ptr<std::atomic<double>> progress = std::make_shared<std::atomic<double>>(0.0);
  bool restart = false;

  // Results of the last finished analysis.
  bool computed = false;
  std::vector<analysis::WindowSample> samples;
  std::vector<int> before, after;
  double computeSeconds = 0;
  std::vector<model::Color> colours;

  int requiredMinutes() const { return int(std::lround(standard.minHours * 60)); }
  double windowHours() const { return standard.windowEndHours - standard.windowStartHours; }
  bool running() const { return job.valid(); }
  void startJob();
  void takeResults(JobResult result);
  void poll(bool wait);
  void applyColours();
  void applySun();
  void placeCasters();
  core::Status chooseProposal(const std::string& name);
  std::string dayLabel(ui::Language language) const;
  void apply(const std::vector<ui::SunlightCommand>& commands);
  void drawSwipe(const ui::SunlightPanelView& view);
};

void SunlightView::Impl::startJob() {
  if (running()) {
    restart = true;
    return;
  }
  restart = false;
  progress->store(0.0);
  const model::Site* site = scene->site.get();
  analysis::WindowSampleOptions sampling;
  sampling.spacingMeters = options.spacingMeters;
  sampling.storeyMeters = scene->config.heights.storeyMeters;
  const geo::CivilDate date = analysisDate;
  const double start = standard.windowStartHours, end = standard.windowEndHours;
  const std::vector<analysis::ExtraVolume> extra = proposedVolumes;
  auto fraction = progress;
  const bool twoPasses = !extra.empty();
  job = std::async(std::launch::async, [=]() {
    JobResult r;
    core::Stopwatch watch;
    r.samples = analysis::windowSamples(*site, sampling);
    const auto steps = analysis::sunSteps(site->frame.origin(), date, start, end);
    auto present = analysis::SunlightScene::build(*site, {}, true);
    if (!present) {
      r.error = present.error().message;
      return r;
    }
    const double share = twoPasses ? 0.5 : 1.0;
    auto count = [&](const analysis::SunlightScene& casters, double offset) {
      const auto counts = analysis::sunlightMinutes(
          casters, r.samples, steps, 0, nullptr,
          [&](std::string_view, double f) { fraction->store(offset + share * std::clamp(f, 0.0, 1.0)); });
      std::vector<int> minutes;
      minutes.reserve(counts.size());
      for (const analysis::SunlightCount& c : counts) minutes.push_back(c.sunMinutes);
      return minutes;
    };
    r.before = count(*present, 0);
    if (twoPasses) {
      auto proposed = analysis::SunlightScene::build(*site, extra, true);
      if (!proposed) {
        r.error = proposed.error().message;
        return r;
      }
      r.after = count(*proposed, 0.5);
    } else {
      r.after = r.before;
    }
    fraction->store(1.0);
    r.seconds = watch.elapsedMs() / 1000;
    return r;
  });
}

void SunlightView::Impl::takeResults(JobResult result) {
  if (!result.error.empty()) {
    status = result.error;
    computed = false;
    return;
  }
  status.clear();
  samples = std::move(result.samples);
  before = std::move(result.before);
  after = std::move(result.after);
  computeSeconds = result.seconds;
  computed = true;
  applyColours();
}

void SunlightView::Impl::poll(bool wait) {
  while (running()) {
    if (!wait && job.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return;
    takeResults(job.get());
    if (restart) startJob();
  }
}

// The marks of one state: coloured by `minutes`; with `lostAgainst`, windows that pass there
// and fail here are magenta and larger.
static std::vector<scene::WallMark> wallMarks(const std::vector<analysis::WindowSample>& samples,
                                              const std::vector<int>& minutes, const std::vector<int>* lostAgainst,
                                              int required, double requiredHours, double window) {
  std::vector<scene::WallMark> marks;
  marks.reserve(samples.size());
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const analysis::WindowSample& w = samples[i];
    scene::WallMark m;
    m.position = w.position;
    m.normal = w.normal;
    m.z = w.z;
    const bool lost = lostAgainst && (*lostAgainst)[i] >= required && minutes[i] < required;
    m.colour = toVec4(lost ? ui::lostComplianceColour() : ui::sunlightColour(minutes[i], requiredHours, window));
    m.emphasised = lost;
    marks.push_back(m);
  }
  return marks;
}

void SunlightView::Impl::applyColours() {
  std::vector<scene::ProposedVolume> volumes;
  for (const analysis::ExtraVolume& v : proposedVolumes) volumes.push_back({v.footprint, v.baseMeters, v.heightMeters});
  layer->setProposed(volumes);
  if (swipe && !proposal.empty() && siteScene) {
    // Split view: present marks on the left, the proposal's on the right, drawn over a second
    // scene of the site (SplitScreen) in which the proposal alone casts its shadow; the buildings
    // keep their use colours.
    if (!splitScreen) splitScreen = std::make_unique<SplitScreen>(*scene, *siteScene, layer->split());
    auto right = splitScreen->rightScene();
    if (!right) {
      status = right.error().message;
      swipe = false;
    } else {
      layer->enableSwipe((*right)->root());
      splitScreen->setRightCasters(layer->proposedCasters());
      splitScreen->sync();
      placeCasters();
      if (computed) {
        layer->setMarks(wallMarks(samples, before, nullptr, requiredMinutes(), standard.minHours, windowHours()));
        layer->setAfterMarks(wallMarks(samples, after, &before, requiredMinutes(), standard.minHours, windowHours()));
      } else {
        layer->setMarks({});
        layer->setAfterMarks({});
      }
      if (!colours.empty()) siteScene->setBuildingColors({});
      colours.clear();
      return;
    }
  }
  layer->disableSwipe();
  layer->setAfterMarks({});
  placeCasters();
  if (!colouring || !computed) {
    layer->setMarks({});
    if (!colours.empty() && siteScene) siteScene->setBuildingColors({});
    colours.clear();
    return;
  }
  const double window = windowHours();
  layer->setMarks(wallMarks(samples, after, &before, requiredMinutes(), standard.minHours, window));
  const auto& buildings = scene->site->buildings;
  const std::vector<double> perBuilding = buildingSunMinutes(samples, after, buildings.size());
  colours.assign(buildings.size(), toColor(ui::unscoredGrey()));
  for (std::size_t b = 0; b < buildings.size(); ++b)
    if (perBuilding[b] >= 0) colours[b] = toColor(ui::sunlightColour(perBuilding[b], standard.minHours, window));
  if (siteScene) siteScene->setBuildingColors(colours);
}

// The proposal casts its shadow in the one scene, or only on the right side of a split (the
// left shows the present); its casters hang under the shadow camera of the scene that shows it.
void SunlightView::Impl::placeCasters() {
  if (!siteScene) return;
  osg::Camera* camera = siteScene->shadowCamera();
  if (!camera) return;
  osg::Node* casters = layer->proposedCasters();
  const bool here = !layer->swipeEnabled();
  if (here && !camera->containsNode(casters)) camera->addChild(casters);
  if (!here) camera->removeChild(casters);
}

void SunlightView::Impl::applySun() {
  if (!siteScene) return;
  if (!shadows) {
    siteScene->resetSun();
    return;
  }
  const double utc = geo::utcSecondsOfDate(sunDate) + sunMinutes * 60.0 - kCstSeconds;
  const geo::SunPosition sun = geo::sunPosition(scene->site->frame.origin(), utc);
  const double az = sun.azimuthDegrees * M_PI / 180, alt = sun.altitudeDegrees * M_PI / 180;
  siteScene->setSun(osg::Vec3d(std::sin(az) * std::cos(alt), std::cos(az) * std::cos(alt), std::sin(alt)), true);
  placeCasters();  // the shadow camera exists from the first setSun() with shadows
}

core::Status SunlightView::Impl::chooseProposal(const std::string& name) {
  if (name.empty()) {
    proposal.clear();
    proposedVolumes.clear();
    return core::Ok{};
  }
  const std::string file = scene->config.file.filename().string();
  for (const model::Scenario& s : proposals) {
    if (s.name != name) continue;
    proposal = name;
    proposedVolumes = app::proposedVolumes(*scene->site, s.buildings);
    return core::Ok{};
  }
  auto all = model::loadScenarios(scene->config.file);
  if (all)
    for (const model::Scenario& s : *all)
      if (s.name == name)
        return core::fail("twin: scenario '" + name + "' in " + file + " proposes no buildings (key \"buildings\")");
  std::string known;
  for (const model::Scenario& s : proposals) known += (known.empty() ? "" : ", ") + s.name;
  return core::fail("twin: unknown scenario '" + name + "' with proposed buildings in " + file +
                    "; known: " + (known.empty() ? "(none)" : known));
}

std::string SunlightView::Impl::dayLabel(ui::Language language) const {
  char text[96];
  std::snprintf(text, sizeof text,
                ui::tr(language, standard.day == analysis::StandardDay::GreatCold ? "sunlight.greatCold"
                                                                                  : "sunlight.winterSolstice"),
                geo::formatCivilDate(analysisDate).c_str());
  return text;
}

void SunlightView::Impl::apply(const std::vector<ui::SunlightCommand>& commands) {
  for (const ui::SunlightCommand& command : commands) {
    if (auto* c = std::get_if<ui::SetSunlightColouring>(&command)) {
      colouring = c->on;
      if (colouring && !computed && !running()) startJob();
      applyColours();
    } else if (auto* c = std::get_if<ui::SetShadows>(&command)) {
      shadows = c->on;
      applySun();
    } else if (auto* c = std::get_if<ui::SetSunMinutes>(&command)) {
      sunMinutes = std::clamp(c->minutes, 0, 24 * 60 - 1);
      applySun();
    } else if (auto* c = std::get_if<ui::SetSwipe>(&command)) {
      swipe = c->on && !proposal.empty();
      applyColours();
    } else if (auto* c = std::get_if<ui::MoveSwipe>(&command)) {
      swipeFraction = std::clamp(c->fraction, 0.0f, 1.0f);
    } else if (auto* c = std::get_if<ui::ChooseProposal>(&command)) {
      if (c->scenario == proposal) continue;
      if (c->scenario.empty()) swipe = false;
      core::Status chosen = chooseProposal(c->scenario);
      if (!chosen) {
        status = chosen.error().message;
        continue;
      }
      computed = false;  // the counts no longer match the casters
      applyColours();
      startJob();
    }
  }
}

SunlightView::SunlightView(std::unique_ptr<Impl> impl) : _impl(std::move(impl)) {}
SunlightView::~SunlightView() {
  if (_impl->job.valid()) _impl->job.wait();  // the worker reads the site: finish before it goes
}

core::Result<std::shared_ptr<SunlightView>> SunlightView::create(const LoadedScene& scene, scene::SiteScene* siteScene,
                                                                 const SunlightViewOptions& options) {
  if (!scene.site) return core::fail("app::SunlightView::create(): the scene has no site");
  if (!(options.spacingMeters >= 0.5 && options.spacingMeters <= 100))
    return core::fail("app::SunlightView::create(): spacing must be in [0.5, 100] m");
  auto impl = std::make_unique<Impl>();
  impl->scene = &scene;
  impl->siteScene = siteScene;
  impl->options = options;
  const std::string file = scene.config.file.filename().string();
  if (!options.standard.empty()) {
    auto s = analysis::sunlightStandard(options.standard);
    if (!s) return s.error();
    impl->standard = *s;
  } else {
    const auto section = scene.config.sections.find("sunlight");
    auto s = analysis::sceneSunlightStandard(section == scene.config.sections.end() ? "" : section->second, file);
    if (!s) return s.error();
    if (!s->has_value())
      return core::fail("twin: " + (file.empty() ? std::string("the data file") : file) +
                        " names no sunlight standard (scene key \"sunlight\": {\"standard\": NAME})");
    impl->standard = **s;
  }
  // The slider's day: the --sun instant's, else the standard day of this year.
  const double termLongitude = impl->standard.day == analysis::StandardDay::GreatCold ? 300 : 270;
  if (options.sunUtcSeconds) {
    const double local = *options.sunUtcSeconds + kCstSeconds;
    const long long day = static_cast<long long>(std::floor(local / 86400));
    impl->sunDate = civilFromDays(day);
    impl->sunMinutes = int(std::floor((local - double(day) * 86400) / 60));
    impl->shadows = true;
  } else {
    const std::time_t now = std::time(nullptr);
    impl->sunDate = geo::solarTermDate(civilFromDays((now + 8 * 3600) / 86400).year, termLongitude);
  }
  impl->analysisDate = geo::solarTermDate(impl->sunDate.year, termLongitude);
  impl->layer = new scene::SunlightLayer;
  if (scene.config.file.extension() == ".json") {
    auto all = model::loadScenarios(scene.config.file);
    if (!all) return all.error();
    for (const model::Scenario& s : *all)
      if (!s.buildings.empty()) impl->proposals.push_back(s);
  }
  if (!options.proposal.empty()) {
    core::Status chosen = impl->chooseProposal(options.proposal);
    if (!chosen) return chosen.error();
  }
  impl->colouring = options.colour;
  if (options.swipe && impl->proposal.empty())
    return core::fail("twin: the split view compares a proposal: give --scenario NAME with proposed buildings");
  impl->swipe = options.swipe;
  if (impl->colouring || !impl->proposal.empty()) impl->startJob();
  impl->applyColours();
  impl->applySun();
  return std::shared_ptr<SunlightView>(new SunlightView(std::move(impl)));
}

osg::Node* SunlightView::sceneNode() { return _impl->layer->root(); }

std::vector<std::string> SunlightView::fontTexts() const {
  std::vector<std::string> texts{_impl->standard.name};
  for (const model::Scenario& s : _impl->proposals) texts.push_back(s.name);
  return texts;
}

void SunlightView::update(double) {
  _impl->poll(false);
  if (_impl->swipe && _impl->splitScreen && _impl->layer->swipeEnabled()) _impl->splitScreen->sync();
}

// The split view's line and handle over the whole screen, and the second camera's scissor.
void SunlightView::Impl::drawSwipe(const ui::SunlightPanelView& view) {
  if (!swipe) return;
  const ImGuiIO& io = ImGui::GetIO();
  apply(panel.drawSwipe(view, ui::WidgetRect{0, 0, io.DisplaySize.x, io.DisplaySize.y}));
  const int width = int(io.DisplaySize.x), height = int(io.DisplaySize.y);
  layer->setSwipeLine(int(std::lround(swipeFraction * float(width))), width, height);
}

void SunlightView::drawPanels(ui::Language language) {
  const ui::SunlightPanelView view = panelView(language);
  _impl->apply(_impl->panel.draw(view));
  _impl->drawSwipe(view);
}

void SunlightView::drawRail(ui::Language language, const ui::WidgetRect&) {
  // The big screen keeps its right rail for the monitor: the sunlight bar sits at the bottom
  // centre of the whole screen instead, scaled like the rest of the big screen's text.
  const ImGuiIO& io = ImGui::GetIO();
  const ui::WidgetRect screen{0, 0, io.DisplaySize.x, io.DisplaySize.y};
  const ui::SunlightPanelView view = panelView(language);
  _impl->apply(_impl->panel.drawBar(view, screen, ImGui::GetFontSize() / ui::kBaseFontPixels));
  _impl->drawSwipe(view);
}

void SunlightView::contribute(ui::FrameView& view) const {
  const Impl& impl = *_impl;
  const std::string stage = ui::tr(view.language, "sunlight.computing");
  if (impl.running() && (impl.colouring || !impl.proposal.empty())) {
    view.progress.active = true;
    view.progress.stage = stage;
    view.progress.fraction = impl.progress->load();
  } else if (view.progress.active && view.progress.stage == stage) {
    view.progress.active = false;  // the viewer keeps the frame view between frames: take ours down
  }
  auto rgba = [](const ui::Rgba& c) { return ui::Rgba{c.r, c.g, c.b, 1}; };
  if ((impl.colouring || impl.swipe) && impl.computed) {
    ui::LegendGroup group =
        ui::sunlightLegend(view.language, impl.standard.minHours, impl.windowHours(), impl.dayLabel(view.language));
    group.entries.push_back({rgba(ui::unscoredGrey()), ui::tr(view.language, "legend.unscored")});
    if (!impl.proposal.empty()) {
      // How many windows, and storeys (a storey passes when one of its windows does), the
      // proposal takes below the standard.
      const int required = impl.requiredMinutes();
      int windows = 0;
      std::map<std::pair<std::size_t, int>, std::pair<bool, bool>> storeys;  // passes before, after
      for (std::size_t i = 0; i < impl.samples.size() && i < impl.before.size() && i < impl.after.size(); ++i) {
        windows += impl.before[i] >= required && impl.after[i] < required;
        auto& s = storeys[{impl.samples[i].building, impl.samples[i].floor}];
        s.first = s.first || impl.before[i] >= required;
        s.second = s.second || impl.after[i] >= required;
      }
      int lostStoreys = 0;
      for (const auto& entry : storeys) lostStoreys += entry.second.first && !entry.second.second;
      char text[200];
      std::snprintf(text, sizeof text, ui::tr(view.language, "legend.lostCount"), windows, lostStoreys);
      group.entries.push_back({rgba(ui::lostComplianceColour()), text});
    }
    view.legend.push_back(std::move(group));
  }
  if (!impl.proposedVolumes.empty()) {
    ui::LegendGroup group;
    group.title = ui::tr(view.language, "sunlight.proposal");
    group.entries.push_back({rgba(ui::proposedBuildingColour()), ui::tr(view.language, "legend.proposed")});
    view.legend.push_back(std::move(group));
  }
}

bool SunlightView::loading() const { return _impl->running(); }
bool SunlightView::pick(osgViewer::View&, float, float) { return false; }
std::optional<osg::Vec3d> SunlightView::takeFlyTarget() { return std::nullopt; }

void SunlightView::setColouring(bool on) { _impl->apply({ui::SetSunlightColouring{on}}); }
void SunlightView::setShadows(bool on) { _impl->apply({ui::SetShadows{on}}); }
void SunlightView::setSunMinutes(int minutesCst) { _impl->apply({ui::SetSunMinutes{minutesCst}}); }
void SunlightView::setSwipe(bool on) { _impl->apply({ui::SetSwipe{on}}); }
void SunlightView::moveSwipe(float fraction) { _impl->apply({ui::MoveSwipe{fraction}}); }

core::Status SunlightView::setProposal(const std::string& name) {
  Impl& impl = *_impl;
  if (name == impl.proposal) return core::Ok{};
  core::Status chosen = impl.chooseProposal(name);
  if (!chosen) return chosen;
  impl.computed = false;
  impl.applyColours();
  impl.startJob();
  return core::Ok{};
}

void SunlightView::waitForResults() { _impl->poll(true); }

ui::SunlightPanelView SunlightView::panelView(ui::Language language) const {
  const Impl& impl = *_impl;
  ui::SunlightPanelView v;
  v.language = language;
  v.standard = impl.standard.name;
  v.dayLabel = impl.dayLabel(language);
  v.requiredHours = impl.standard.minHours;
  v.computing = impl.running();
  v.progress = impl.progress->load();
  v.computed = impl.computed;
  v.colouring = impl.colouring;
  v.shadows = impl.shadows;
  v.sunMinutes = impl.sunMinutes;
  {
    const double utc = geo::utcSecondsOfDate(impl.sunDate) + impl.sunMinutes * 60.0 - kCstSeconds;
    const geo::SunPosition sun = geo::sunPosition(impl.scene->site->frame.origin(), utc);
    char clock[16], text[200];
    std::snprintf(clock, sizeof clock, "%02d:%02d", impl.sunMinutes / 60, impl.sunMinutes % 60);
    const std::string day = geo::formatCivilDate(impl.sunDate);
    if (sun.altitudeDegrees > 0)
      std::snprintf(text, sizeof text, ui::tr(language, "sunlight.sunUp"), clock, day.c_str(), sun.altitudeDegrees,
                    sun.azimuthDegrees);
    else
      std::snprintf(text, sizeof text, ui::tr(language, "sunlight.sunDown"), clock, day.c_str());
    v.sunText = text;
  }
  if (impl.computed) {
    const int required = impl.requiredMinutes();
    v.before = sunlightTally(impl.samples, impl.before, required);
    v.after = sunlightTally(impl.samples, impl.after, required);
    for (std::size_t i = 0; i < impl.samples.size(); ++i)
      v.lostWindows += impl.before[i] >= required && impl.after[i] < required;
  }
  for (const model::Scenario& s : impl.proposals) v.proposals.push_back(s.name);
  v.proposal = impl.proposal;
  v.status = impl.status;
  v.computeSeconds = impl.computeSeconds;
  v.startOpen = impl.colouring || !impl.proposal.empty() || impl.shadows;
  v.swipe = impl.swipe;
  v.swipeFraction = impl.swipeFraction;
  return v;
}

const analysis::SunlightStandard& SunlightView::standard() const { return _impl->standard; }
const std::vector<analysis::WindowSample>& SunlightView::samples() const { return _impl->samples; }
const std::vector<int>& SunlightView::minutesBefore() const { return _impl->before; }
const std::vector<int>& SunlightView::minutesAfter() const { return _impl->after; }
scene::SunlightLayer& SunlightView::layer() { return *_impl->layer; }
const std::vector<model::Color>& SunlightView::buildingColours() const { return _impl->colours; }

osg::Vec3d SunlightView::sunDirection() const {
  const double utc = geo::utcSecondsOfDate(_impl->sunDate) + _impl->sunMinutes * 60.0 - kCstSeconds;
  const geo::SunPosition sun = geo::sunPosition(_impl->scene->site->frame.origin(), utc);
  const double az = sun.azimuthDegrees * M_PI / 180, alt = sun.altitudeDegrees * M_PI / 180;
  return osg::Vec3d(std::sin(az) * std::cos(alt), std::cos(az) * std::cos(alt), std::sin(alt));
}

core::Result<std::shared_ptr<ViewerExtension>> makeSunlightView(const LoadedScene& scene, scene::SiteScene* siteScene,
                                                                const SunlightViewOptions& options) {
  auto view = SunlightView::create(scene, siteScene, options);
  if (!view) return view.error();
  return std::shared_ptr<ViewerExtension>(std::move(view).value());
}

}  // namespace twin::app
