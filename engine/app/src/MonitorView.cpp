// MonitorView: alerts::Monitor on its own thread; each frame the viewer thread reads a snapshot
// of sensor states, alerts and series into ui::MonitorView and scene::SensorLayer states.
#include "twin/app/MonitorView.h"

#include "twin/app/AlarmSound.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <map>
#include <mutex>
#include <system_error>
#include <thread>
#include <variant>

#include "twin/alerts/AlertStore.h"
#include "twin/core/Log.h"
#include "twin/scene/SiteScene.h"
#include "twin/scene/SensorLayer.h"
#include "twin/ui/MonitorPanels.h"

namespace twin::app {
namespace {

constexpr double kRefreshSeconds = 0.25;  // snapshots per second: 4 is plenty for a dashboard

scene::MarkerState markerState(const alerts::SensorState& s) {
  if (s.hasAlert) {
    switch (s.worstSeverity) {
      case model::AlertSeverity::Critical: return scene::MarkerState::Critical;
      case model::AlertSeverity::Major: return scene::MarkerState::Major;
      case model::AlertSeverity::Minor: return scene::MarkerState::Minor;
      case model::AlertSeverity::Warning: return scene::MarkerState::Warning;
    }
  }
  if (s.stale) return scene::MarkerState::Stale;
  if (!s.online) return scene::MarkerState::Offline;
  return scene::MarkerState::Normal;
}

// What the panels call a sensor's building (ui::buildingLabel()): its OSM names and address.
ui::BuildingName buildingName(const model::Building& b) {
  const auto tag = [&](const char* key) {
    const auto it = b.tags.find(key);
    return it == b.tags.end() ? std::string() : it->second;
  };
  ui::BuildingName n;
  n.name = tag("name");
  if (n.name.empty()) n.name = b.name;
  n.nameZh = tag("name:zh");
  n.nameEn = tag("name:en");
  n.address = tag("addr:full");
  if (n.address.empty() && !tag("addr:street").empty()) {
    n.address = tag("addr:street");
    if (!tag("addr:housenumber").empty()) n.address += " " + tag("addr:housenumber");
  }
  return n;
}

std::string operatorName() {
  for (const char* name : {"TWIN_OPERATOR", "USER", "LOGNAME"})
    if (const char* v = std::getenv(name); v && *v) return v;
  return "";
}

}  // namespace

std::filesystem::path defaultAlertsDb() {
  std::error_code ec;
  std::filesystem::path dir;
  if (const char* state = std::getenv("XDG_STATE_HOME"); state && *state)
    dir = std::filesystem::path(state) / "communitytwin";
  else if (const char* home = std::getenv("HOME"); home && *home)
    dir = std::filesystem::path(home) / ".local" / "state" / "communitytwin";
  if (!dir.empty()) {
    std::filesystem::create_directories(dir, ec);
    if (!ec && std::filesystem::is_directory(dir, ec)) return dir / "alerts.db";
  }
  return std::filesystem::temp_directory_path(ec) / "communitytwin-alerts.db";
}

std::filesystem::path historyDbBeside(const std::filesystem::path& alertsDb) {
  // A log in PostgreSQL is shared by the seats; each keeps its reading history where the
  // installation's own log would be.
  if (alerts::AlertStore::isServerLocation(alertsDb.string())) return historyDbBeside(defaultAlertsDb());
  return alertsDb.parent_path() / (alertsDb.stem().string() + "-history.db");
}

struct MonitorView::Impl {
  model::SensorConfig config;
  std::filesystem::path alertsDb, historyDb;
  std::size_t samplesPerSensor = 4096;
  alerts::SystemClock systemClock;
  const alerts::Clock* clock = &systemClock;  // live data's clock (MonitorViewOptions::clock)
  alerts::ReplayClock replayClock;            // the monitor's clock instead of `clock` when replaying up to a moment
  bool replaying = false;
  std::unique_ptr<alerts::Monitor> monitor;
  std::thread thread;
  std::atomic<bool> stop{false};
  std::mutex wakeMutex;        // guards `wake`: set on the viewer's thread, called on the monitor's
  std::function<void()> wake;  // TwinViewer's: starts its next frame at once

  osg::ref_ptr<scene::SensorLayer> layer;
  std::vector<std::optional<std::size_t>> markerOfSensor;  // by config index
  ui::MonitorPanels panels;
  ui::MonitorView view;
  std::vector<model::AlertRuleDef> selectedRules;
  double lastRefresh = -1e9, now = 0;
  bool dirty = true;
  std::optional<osg::Vec3d> flyTarget;
  std::optional<FlyPose> flyPose;
  std::uint64_t transitionsSeen = 0;  // EngineCounters::changes at the last update()
  const model::Site* site = nullptr;
  std::vector<std::int64_t> bannerSeen;  // alarms that have headed the banner queue (fly once each)
  std::vector<ui::AlarmLabel> labels;    // drawn at beacon tops in the last drawPanels()
  // The history window reads the log through its own connection: the engine's is written on
  // the monitor's thread and keeps its own change tracking.
  ui::AlarmHistoryPanel historyPanel;
  std::unique_ptr<alerts::AlertStore> historyStore;
  std::unique_ptr<ui::AlarmHistoryModel> historyModel;
  void setHistoryOpen(bool open);
  std::unique_ptr<AlarmSound> sound;  // the cue for new alarms at or above the attention level
  void updateAttention();
  std::optional<FlyPose> framing(const std::string& sensorId) const;

  // What was read from the history db for the current scrub time, so that a scrubbed view costs
  // the database nothing while it stays put. Cleared when the scrub time changes; the window is
  // read again when another sensor is selected.
  struct HistoryCache {
    std::optional<std::int64_t> scrubMs;
    std::string sensorId;
    std::vector<sensors::Sample> window;
    std::map<std::string, std::optional<sensors::Sample>> at;
  } cache;

  void refresh();
  void select(const std::string& sensorId);
  void apply(const std::vector<ui::MonitorCommand>& commands);
  std::optional<sensors::Sample> historyAt(const std::string& sensorId, std::int64_t tsMs);
  std::vector<sensors::Sample> historyWindow(const std::string& sensorId, const std::vector<sensors::Sample>& ring,
                                             std::int64_t tsMs);
};

void MonitorView::Impl::select(const std::string& sensorId) {
  view.selectedSensor = sensorId;
  selectedRules = monitor->engine().rulesFor(sensorId);
  view.selectedRuleLines = ui::ruleLines(selectedRules);
  if (auto index = layer->indexOf(sensorId))
    layer->setSelected(int(*index));
  else
    layer->setSelected(-1);
  dirty = true;
}

std::optional<sensors::Sample> MonitorView::Impl::historyAt(const std::string& sensorId, std::int64_t tsMs) {
  auto it = cache.at.find(sensorId);
  if (it != cache.at.end()) return it->second;
  std::optional<sensors::Sample> sample;
  if (auto found = monitor->historyAt(sensorId, tsMs))
    sample = *found;
  else
    core::logWarning("twin: " + found.error().message);
  cache.at[sensorId] = sample;
  return sample;
}

// The chart's samples around a scrubbed time older than the ring: a window as long as the ring
// spans (at least an hour), centred on that time, so the chart looks the same as when live.
std::vector<sensors::Sample> MonitorView::Impl::historyWindow(const std::string& sensorId,
                                                              const std::vector<sensors::Sample>& ring,
                                                              std::int64_t tsMs) {
  if (cache.sensorId == sensorId) return cache.window;
  std::int64_t span = ring.size() >= 2 ? ring.back().tsMs - ring.front().tsMs : 0;
  span = std::max<std::int64_t>(span, 3600 * 1000);
  auto window = monitor->history(sensorId, tsMs - span / 2, tsMs + span / 2);
  if (!window) core::logWarning("twin: " + window.error().message);
  cache.sensorId = sensorId;
  cache.window = window ? std::move(*window) : std::vector<sensors::Sample>();
  if (cache.window.size() > samplesPerSensor) {
    // Thin an over-dense window to about the ring's size; PlotLines draws one point per sample.
    const std::size_t stride = (cache.window.size() + samplesPerSensor - 1) / samplesPerSensor;
    std::vector<sensors::Sample> thinned;
    for (std::size_t i = 0; i < cache.window.size(); i += stride) thinned.push_back(cache.window[i]);
    cache.window = std::move(thinned);
  }
  return cache.window;
}

void MonitorView::Impl::refresh() {
  alerts::AlertEngine& engine = monitor->engine();
  const sensors::SeriesStore& store = monitor->series();
  const std::vector<alerts::SensorState> states = engine.sensorStates();
  view.alerts = engine.openAlerts();
  if (sound) sound->update(view.alerts);  // spawns the player and returns: never holds the frame
  view.replayClockMs = replaying ? std::optional<std::int64_t>(replayClock.nowMs()) : std::nullopt;
  view.activeBySeverity = engine.activeBySeverity();
  // "How long ago" counts on the clock that stamped the alerts' arrival: a replay's data time
  // (counting on the wall clock made a replayed alarm "171 days ago"), else the wall clock.
  view.nowMs = replaying ? replayClock.nowMs() : clock->nowMs();
  if (cache.scrubMs != view.scrubMs) cache = HistoryCache{view.scrubMs, {}, {}, {}};
  const bool history = monitor->hasHistory();

  // Nothing chosen yet: show the chart of the sensor in the worst alarm, else the first one.
  if (view.selectedSensor.empty() && !config.sensors.empty()) {
    const alerts::SensorState* best = nullptr;
    for (const alerts::SensorState& s : states)
      if (s.hasAlert && (!best || int(s.worstSeverity) < int(best->worstSeverity))) best = &s;
    select(best ? best->sensorId : config.sensors.front().id);
  }

  // sensorStates() is in config order; match by id all the same so a mismatch cannot mislabel.
  view.sensors.clear();
  std::vector<scene::MarkerState> markers(layer->markerCount(), scene::MarkerState::Offline);
  view.timelineFromMs = 0;
  view.timelineToMs = 0;
  view.selectedSeries.clear();
  bool anySample = false;
  std::vector<sensors::Sample> selectedRing;
  for (std::size_t i = 0; i < config.sensors.size(); ++i) {
    const model::SensorDef& def = config.sensors[i];
    ui::SensorRow row;
    row.def = &def;
    row.state.sensorId = def.id;
    for (const alerts::SensorState& s : states)
      if (s.sensorId == def.id) row.state = s;
    const std::vector<sensors::Sample> series = store.series(def.id);
    if (!series.empty()) {
      view.timelineFromMs = anySample ? std::min(view.timelineFromMs, series.front().tsMs) : series.front().tsMs;
      view.timelineToMs = anySample ? std::max(view.timelineToMs, series.back().tsMs) : series.back().tsMs;
      anySample = true;
    }
    if (view.scrubMs) {
      // The ring answers for times it still holds; older ones come from the history db.
      const bool inRing = !series.empty() && *view.scrubMs >= series.front().tsMs;
      row.scrubbed = inRing || !history ? ui::sampleAt(series, *view.scrubMs) : historyAt(def.id, *view.scrubMs);
    }
    if (def.id == view.selectedSensor) {
      view.selectedSeries = series;
      selectedRing = series;
    }
    if (markerOfSensor[i]) markers[*markerOfSensor[i]] = markerState(row.state);
    view.sensors.push_back(std::move(row));
  }
  layer->setStates(markers);
  updateAttention();
  // Sources replay different periods (the Aotizhongxin record is 2013-2017, the simulated feeds
  // are recent), so the timeline spans the selected sensor's history when it has one: everything
  // stored for it, not only what the ring still holds.
  if (!view.selectedSeries.empty()) {
    view.timelineFromMs = view.selectedSeries.front().tsMs;
    view.timelineToMs = view.selectedSeries.back().tsMs;
  }
  if (history && !view.selectedSensor.empty()) {
    auto range = monitor->historyRange(view.selectedSensor);
    if (range && *range) {
      const bool hadRange = !view.selectedSeries.empty();
      view.timelineFromMs = hadRange ? std::min(view.timelineFromMs, (*range)->first) : (*range)->first;
      view.timelineToMs = hadRange ? std::max(view.timelineToMs, (*range)->second) : (*range)->second;
    } else if (!range) {
      core::logWarning("twin: " + range.error().message);
    }
    if (view.scrubMs && (selectedRing.empty() || *view.scrubMs < selectedRing.front().tsMs))
      view.selectedSeries = historyWindow(view.selectedSensor, selectedRing, *view.scrubMs);
  }
}

// Beacons for every unacknowledged alarm at or above the attention level (dismissing a banner
// does not put out the beacon); the camera flies to each alarm that newly heads the queue.
void MonitorView::Impl::updateAttention() {
  std::vector<scene::SensorLayer::Beacon> beacons;
  for (const alerts::Alert& a : ui::bannerAlarms(view.alerts, view.attention, {})) {
    scene::MarkerState state = scene::MarkerState::Critical;
    switch (a.severity) {
      case model::AlertSeverity::Critical: state = scene::MarkerState::Critical; break;
      case model::AlertSeverity::Major: state = scene::MarkerState::Major; break;
      case model::AlertSeverity::Minor: state = scene::MarkerState::Minor; break;
      case model::AlertSeverity::Warning: state = scene::MarkerState::Warning; break;
    }
    beacons.push_back({a.sensorId, state});  // worst first: a sensor's beacon takes its worst alarm
  }
  layer->setBeacons(beacons);
  const std::vector<alerts::Alert> queue = ui::bannerAlarms(view.alerts, view.attention, view.dismissedBanners);
  if (queue.empty()) return;
  const alerts::Alert& head = queue.front();
  if (std::find(bannerSeen.begin(), bannerSeen.end(), head.id) != bannerSeen.end()) return;
  bannerSeen.push_back(head.id);
  if (config.display.flyTo) {
    flyPose = framing(head.sensorId);
  }
}

std::optional<ViewerExtension::FlyPose> MonitorView::Impl::framing(const std::string& sensorId) const {
  auto index = layer->indexOf(sensorId);
  if (!index) return std::nullopt;
  const scene::SensorPlacement& p = layer->placement(*index);
  osg::Vec3d centre(p.position);
  double radius = 0;
  if (site && p.buildingIndex >= 0 && std::size_t(p.buildingIndex) < site->buildings.size()) {
    const model::Building& b = site->buildings[std::size_t(p.buildingIndex)];
    const core::Vec2 c = core::centroid(b.footprint.outer);
    for (const core::Vec2& v : b.footprint.outer) radius = std::max(radius, std::hypot(v.x - c.x, v.y - c.y));
    centre = osg::Vec3d(c.x, c.y, b.baseElevationMeters + model::drawnTopMeters(b) * 0.5);
  }
  const double distance = scene::framingDistance(std::max(80.0, 3.0 * radius));
  const double pitch = osg::DegreesToRadians(45.0);
  FlyPose pose;
  pose.center = centre;
  pose.eye = centre + osg::Vec3d(0, -distance * std::cos(pitch), distance * std::sin(pitch));
  return pose;
}

void MonitorView::Impl::apply(const std::vector<ui::MonitorCommand>& commands) {
  for (const ui::MonitorCommand& command : commands) {
    if (auto* c = std::get_if<ui::SelectSensor>(&command)) {
      select(c->sensorId);
    } else if (auto* c = std::get_if<ui::AcknowledgeAlert>(&command)) {
      auto status = monitor->engine().acknowledge(c->alertId, c->who, c->comment);
      if (!status) core::logWarning("twin: " + status.error().message);
    } else if (auto* c = std::get_if<ui::FlyToSensor>(&command)) {
      select(c->sensorId);
      if (auto index = layer->indexOf(c->sensorId)) flyTarget = osg::Vec3d(layer->placement(*index).position);
    } else if (auto* c = std::get_if<ui::ScrubTo>(&command)) {
      view.scrubMs = c->tsMs;
    } else if (std::holds_alternative<ui::OpenHistory>(command)) {
      setHistoryOpen(true);
    } else if (auto* c = std::get_if<ui::DismissBanner>(&command)) {
      if (std::find(view.dismissedBanners.begin(), view.dismissedBanners.end(), c->alertId) ==
          view.dismissedBanners.end())
        view.dismissedBanners.push_back(c->alertId);
    }
    dirty = true;
  }
}

void MonitorView::Impl::setHistoryOpen(bool open) {
  if (open && !historyModel) {
    auto store = alerts::AlertStore::open(alertsDb);
    if (!store) {
      core::logWarning("twin: alarm history: " + store.error().message);
      return;
    }
    historyStore = std::move(store).value();
    historyModel = std::make_unique<ui::AlarmHistoryModel>(*historyStore);
  }
  historyPanel.setOpen(open);
}

MonitorView::MonitorView(std::unique_ptr<Impl> impl) : _impl(std::move(impl)) {}

MonitorView::~MonitorView() {
  _impl->stop.store(true);
  if (_impl->thread.joinable()) _impl->thread.join();
}

core::Result<std::shared_ptr<MonitorView>> MonitorView::start(const std::filesystem::path& sceneFile, model::Site& site,
                                                              const MonitorViewOptions& options) {
  auto config = model::loadSensorConfig(sceneFile);
  if (!config) return config.error();
  if (config->sensors.empty()) return core::fail("twin: " + sceneFile.string() + ": the scene has no \"sensors\"");

  auto impl = std::make_unique<Impl>();
  impl->config = std::move(config).value();
  impl->alertsDb = options.alertsDb.empty() ? defaultAlertsDb() : options.alertsDb;
  impl->historyDb = options.historyDb.empty() ? historyDbBeside(impl->alertsDb) : options.historyDb;
  alerts::MonitorOptions monitorOptions;
  monitorOptions.config = impl->config;
  monitorOptions.broker = options.broker;
  monitorOptions.alertsDb = impl->alertsDb;
  monitorOptions.historyDb = impl->historyDb;
  // The viewer shows the link state and keeps retrying; only `twin monitor` fails at start.
  monitorOptions.waitForBroker = true;
  impl->samplesPerSensor = std::max<std::size_t>(1, options.samplesPerSensor);
  monitorOptions.samplesPerSensor = impl->samplesPerSensor;
  impl->replaying = options.replayUntilMs.has_value();
  if (impl->replaying) {
    monitorOptions.replayUntilMs = options.replayUntilMs;
    monitorOptions.replayClock = &impl->replayClock;
    monitorOptions.replayHoldAtMoment = options.replayHoldAtMoment;
  }
  if (options.clock) impl->clock = options.clock;
  const alerts::Clock& clock = impl->replaying ? static_cast<const alerts::Clock&>(impl->replayClock) : *impl->clock;
  auto monitor = alerts::Monitor::start(monitorOptions, clock);
  if (!monitor) return monitor.error();
  impl->monitor = std::move(monitor).value();

  const std::vector<scene::SensorPlacement> placements =
      scene::placeSensors(impl->config.sensors, site, site.diagnostics);
  impl->layer = new scene::SensorLayer(placements, &site);
  for (const model::SensorDef& def : impl->config.sensors) impl->markerOfSensor.push_back(impl->layer->indexOf(def.id));
  for (const scene::SensorPlacement& p : placements) {
    if (p.buildingIndex < 0 || std::size_t(p.buildingIndex) >= site.buildings.size()) continue;
    for (const model::SensorDef& def : impl->config.sensors)
      if (def.id == p.sensorId && !def.building.empty())
        impl->view.buildings[def.building] = buildingName(site.buildings[std::size_t(p.buildingIndex)]);
  }
  impl->view.operatorName = operatorName();
  impl->view.rules = impl->config.rules;
  impl->view.attention = impl->config.display.attention;
  if (options.sound && impl->config.display.sound) {
    AlarmSoundOptions soundOptions;
    soundOptions.attention = impl->config.display.attention;
    impl->sound = std::make_unique<AlarmSound>(soundOptions);
  }
  impl->site = &site;

  Impl* raw = impl.get();
  raw->thread = std::thread([raw]() {
    // Step by step (Monitor::runFor's loop), so that each logged change wakes the viewer: the
    // frame that shows a new alarm starts now, not when the frame pacer's interval is up.
    auto seen = [raw] {
      const alerts::EngineCounters c = raw->monitor->engine().counters();
      return c.changes + c.external;  // an acknowledgement at another seat too
    };
    std::uint64_t changes = seen();
    while (!raw->stop.load()) {
      auto status = raw->monitor->step(std::chrono::milliseconds(50));
      if (!status) {
        core::logWarning("twin: sensor monitor stopped: " + status.error().message);
        return;
      }
      const std::uint64_t now = seen();
      if (now != changes) {
        changes = now;
        std::lock_guard<std::mutex> lock(raw->wakeMutex);
        if (raw->wake) raw->wake();
      }
    }
  });
  return std::shared_ptr<MonitorView>(new MonitorView(std::move(impl)));
}

osg::Node* MonitorView::sceneNode() { return _impl->layer->root(); }

void MonitorView::setUiScale(float uiScale) { _impl->layer->setMarkerScale(uiScale); }

std::vector<std::string> MonitorView::fontTexts() const {
  std::vector<std::string> texts;
  for (const model::SensorDef& s : _impl->config.sensors) {
    texts.push_back(s.name);
    texts.push_back(s.unit);
  }
  for (const model::AlertRuleDef& r : _impl->config.rules) {
    texts.push_back(r.name);
    texts.insert(texts.end(), r.procedure.begin(), r.procedure.end());
    texts.insert(texts.end(), r.procedureEn.begin(), r.procedureEn.end());
  }
  for (const model::SensorDef& s : _impl->config.sensors) texts.push_back(s.building);
  for (const auto& [reference, name] : _impl->view.buildings)
    texts.insert(texts.end(), {name.name, name.nameZh, name.nameEn, name.address});
  return texts;
}

void MonitorView::update(double timeSeconds) {
  Impl& impl = *_impl;
  impl.now = timeSeconds;
  impl.layer->setTimeSeconds(timeSeconds);
  // A new, cleared or acknowledged alert refreshes at once rather than at the next quarter
  // second: the banner is on the next frame (bench/alarm_bench.cpp measures publish -> banner).
  const alerts::EngineCounters counters = impl.monitor->engine().counters();
  const std::uint64_t transitions = counters.changes + counters.external;  // an escalation, another seat's ack too
  if (transitions != impl.transitionsSeen) {
    impl.transitionsSeen = transitions;
    impl.dirty = true;
  }
  if (impl.dirty || timeSeconds - impl.lastRefresh >= kRefreshSeconds) {
    impl.refresh();
    impl.lastRefresh = timeSeconds;
    impl.dirty = false;
  }
}

void MonitorView::drawPanels(ui::Language language) {
  Impl& impl = *_impl;
  impl.view.language = language;
  impl.panels.setRail(std::nullopt);
  // Beacon labels: each beacon's top projected through the camera that draws the layer (the
  // first node of its parental path), so they sit above the rooftops wherever the view is.
  impl.labels.clear();
  const osg::NodePathList paths = impl.layer->root()->getParentalNodePaths();
  const osg::Camera* camera = paths.empty() || paths.front().empty() ? nullptr : paths.front().front()->asCamera();
  if (camera && camera->getViewport()) {
    const osg::Matrixd view = camera->getViewMatrix();
    const osg::Matrixd toWindow = view * camera->getProjectionMatrix() * camera->getViewport()->computeWindowMatrix();
    const double height = camera->getViewport()->height();
    std::vector<std::string> labelled;  // one label per beacon: the sensor's worst alarm (queue order)
    for (const alerts::Alert& a : ui::bannerAlarms(impl.view.alerts, impl.view.attention, {})) {
      auto top = impl.layer->beaconTop(a.sensorId);
      if (!top || std::find(labelled.begin(), labelled.end(), a.sensorId) != labelled.end()) continue;
      if ((osg::Vec3d(*top) * view).z() >= 0) continue;  // behind the camera
      labelled.push_back(a.sensorId);
      const osg::Vec3d w = osg::Vec3d(*top) * toWindow;
      impl.labels.push_back({float(w.x()), float(height - w.y()) - 4.0f, ui::beaconLabel(a, impl.view), a.severity});
    }
  }
  ui::drawAlarmLabels(impl.labels);
  impl.apply(impl.panels.draw(impl.view));
}

void MonitorView::drawRail(ui::Language language, const ui::WidgetRect& rail) {
  Impl& impl = *_impl;
  impl.view.language = language;
  impl.panels.setRail(rail);
  impl.apply(impl.panels.draw(impl.view));
}

void MonitorView::contribute(ui::FrameView& view) const {
  const ui::MonitorView& v = _impl->view;
  const ui::DashboardCounts counts = ui::dashboardCounts(v);
  view.status.hasSensors = counts.sensors > 0;
  view.status.sensors = counts.sensors;
  view.status.sensorsOnline = counts.online;
  view.status.activeBySeverity = counts.activeBySeverity;
  if (v.scrubMs) {
    view.status.clock = ui::formatDataTime(*v.scrubMs, v.displayUtcOffsetMinutes);
    view.status.replay = true;
  } else if (v.replayClockMs) {
    // Replaying recorded data up to a moment (--at): the scene clock is the replay's data time.
    view.status.clock = ui::formatDataTime(*v.replayClockMs, v.displayUtcOffsetMinutes);
    view.status.replay = true;
  } else if (v.timelineToMs > 0) {
    view.status.clock = ui::formatDataTime(v.timelineToMs, v.displayUtcOffsetMinutes);
    view.status.replay = false;
  }
}

bool MonitorView::holdsAttention() const {
  const ui::MonitorView& v = _impl->view;
  return !ui::bannerAlarms(v.alerts, v.attention, v.dismissedBanners).empty();
}

bool MonitorView::pick(osgViewer::View& view, float x, float y) {
  auto index = _impl->layer->pick(view, x, y);
  if (!index) return false;
  _impl->select(_impl->layer->placement(*index).sensorId);
  return true;
}

void MonitorView::setWake(std::function<void()> wake) {
  std::lock_guard<std::mutex> lock(_impl->wakeMutex);
  _impl->wake = std::move(wake);
}

std::optional<osg::Vec3d> MonitorView::takeFlyTarget() {
  auto target = _impl->flyTarget;
  _impl->flyTarget.reset();
  if (!target) return std::nullopt;
  return target;
}

std::optional<ViewerExtension::FlyPose> MonitorView::takeFlyPose() {
  auto pose = _impl->flyPose;
  _impl->flyPose.reset();
  return pose;
}

std::optional<ViewerExtension::FlyPose> MonitorView::framingAlarm(const std::string& sensorId) const {
  return _impl->framing(sensorId);
}

bool MonitorView::handleInput(const osgGA::GUIEventAdapter& event) {
  using E = osgGA::GUIEventAdapter;
  if (event.getEventType() != E::KEYDOWN) return false;
  if (event.getKey() == 'h' || event.getKey() == 'H') {
    _impl->setHistoryOpen(!_impl->historyPanel.isOpen());
    return true;
  }
  if (event.getKey() == E::KEY_Escape && _impl->historyPanel.isOpen()) {
    _impl->setHistoryOpen(false);  // Esc closes the window, not the viewer
    return true;
  }
  return false;
}

void MonitorView::drawOverlay(ui::Language language, float uiScale) {
  (void)uiScale;  // the panel font's size carries the scale
  Impl& impl = *_impl;
  if (!impl.historyPanel.isOpen() || !impl.historyModel) return;
  impl.view.language = language;
  // The history opens below the alarm banner, whose buttons must stay within reach.
  const auto banner = impl.panels.widgetRect("window.alarm.banner");
  impl.apply(impl.historyPanel.draw(*impl.historyModel, impl.view, banner ? banner->maxY : 0));
}

void MonitorView::setHistoryOpen(bool open) { _impl->setHistoryOpen(open); }
bool MonitorView::historyOpen() const { return _impl->historyPanel.isOpen(); }
const ui::AlarmHistoryModel* MonitorView::historyModel() const { return _impl->historyModel.get(); }
const ui::AlarmHistoryPanel& MonitorView::historyPanel() const { return _impl->historyPanel; }

const std::vector<ui::AlarmLabel>& MonitorView::alarmLabels() const { return _impl->labels; }
std::int64_t MonitorView::bannerAlertId() const { return _impl->panels.bannerAlertId(); }

const std::filesystem::path& MonitorView::alertsDb() const { return _impl->alertsDb; }
const std::filesystem::path& MonitorView::historyDb() const { return _impl->historyDb; }
alerts::Monitor& MonitorView::monitor() { return *_impl->monitor; }
void MonitorView::apply(const std::vector<ui::MonitorCommand>& commands) { _impl->apply(commands); }
const ui::MonitorView& MonitorView::panelView() const { return _impl->view; }
const std::string& MonitorView::selectedSensor() const { return _impl->view.selectedSensor; }
const scene::SensorLayer& MonitorView::layer() const { return *_impl->layer; }

}  // namespace twin::app
