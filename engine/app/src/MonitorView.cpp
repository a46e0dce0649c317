// MonitorView: alerts::Monitor on its own thread; each frame the viewer thread reads a snapshot
// of sensor states, alerts and series into ui::MonitorView and scene::SensorLayer states.
#include "MonitorView.h"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <system_error>
#include <thread>
#include <variant>

#include "twin/core/Log.h"
#include "twin/scene/SensorLayer.h"
#include "twin/ui/MonitorPanels.h"

namespace twin::app {
namespace {

constexpr double kRefreshSeconds = 0.25;     // snapshots per second: 4 is plenty for a dashboard

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

struct MonitorView::Impl {
  model::SensorConfig config;
  std::filesystem::path alertsDb;
  alerts::SystemClock clock;
  std::unique_ptr<alerts::Monitor> monitor;
  std::thread thread;
  std::atomic<bool> stop{false};

  osg::ref_ptr<scene::SensorLayer> layer;
  std::vector<std::optional<std::size_t>> markerOfSensor;  // by config index
  ui::MonitorPanels panels;
  ui::MonitorView view;
  std::vector<model::AlertRuleDef> selectedRules;
  double lastRefresh = -1e9, now = 0;
  bool dirty = true;
  std::optional<osg::Vec3d> flyTarget;

  void refresh();
  void select(const std::string& sensorId);
  void apply(const std::vector<ui::MonitorCommand>& commands);
};

void MonitorView::Impl::select(const std::string& sensorId) {
  view.selectedSensor = sensorId;
  selectedRules = monitor->engine().rulesFor(sensorId);
  view.selectedRuleLines = ui::ruleLines(selectedRules);
  if (auto index = layer->indexOf(sensorId)) layer->setSelected(int(*index));
  else layer->setSelected(-1);
  dirty = true;
}

void MonitorView::Impl::refresh() {
  alerts::AlertEngine& engine = monitor->engine();
  const sensors::SeriesStore& store = monitor->series();
  const std::vector<alerts::SensorState> states = engine.sensorStates();
  view.alerts = engine.activeAlerts();
  view.activeBySeverity = engine.activeBySeverity();

  // sensorStates() is in config order; match by id all the same so a mismatch cannot mislabel.
  view.sensors.clear();
  std::vector<scene::MarkerState> markers(layer->markerCount(), scene::MarkerState::Offline);
  view.timelineFromMs = 0;
  view.timelineToMs = 0;
  view.selectedSeries.clear();
  bool anySample = false;
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
    if (view.scrubMs) row.scrubbed = ui::sampleAt(series, *view.scrubMs);
    if (def.id == view.selectedSensor) view.selectedSeries = series;
    if (markerOfSensor[i]) markers[*markerOfSensor[i]] = markerState(row.state);
    view.sensors.push_back(std::move(row));
  }
  layer->setStates(markers);
  // Sources replay different periods (the Aotizhongxin record is 2013-2017, the simulated feeds
  // are recent), so the timeline spans the selected sensor's history when it has one.
  if (!view.selectedSeries.empty()) {
    view.timelineFromMs = view.selectedSeries.front().tsMs;
    view.timelineToMs = view.selectedSeries.back().tsMs;
  }

  // Nothing chosen yet: show the chart of the sensor in the worst alarm, else the first one.
  if (view.selectedSensor.empty() && !view.sensors.empty()) {
    const ui::SensorRow* best = &view.sensors.front();
    for (const ui::SensorRow& row : view.sensors)
      if (row.state.hasAlert && (!best->state.hasAlert || int(row.state.worstSeverity) < int(best->state.worstSeverity)))
        best = &row;
    select(best->def->id);
    view.selectedSeries = store.series(view.selectedSensor);
  }
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
    }
    dirty = true;
  }
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
  alerts::MonitorOptions monitorOptions;
  monitorOptions.config = impl->config;
  monitorOptions.broker = options.broker;
  monitorOptions.alertsDb = impl->alertsDb;
  auto monitor = alerts::Monitor::start(monitorOptions, impl->clock);
  if (!monitor) return monitor.error();
  impl->monitor = std::move(monitor).value();

  const std::vector<scene::SensorPlacement> placements = scene::placeSensors(impl->config.sensors, site, site.diagnostics);
  impl->layer = new scene::SensorLayer(placements, &site);
  for (const model::SensorDef& def : impl->config.sensors) impl->markerOfSensor.push_back(impl->layer->indexOf(def.id));
  impl->view.operatorName = operatorName();

  Impl* raw = impl.get();
  raw->thread = std::thread([raw]() {
    // Hour-long rounds: Monitor::runFor converts its duration to nanoseconds, so "forever" as
    // one huge number would overflow.
    while (!raw->stop.load()) {
      auto status = raw->monitor->runFor(3600, &raw->stop);
      if (!status) {
        core::logWarning("twin: sensor monitor stopped: " + status.error().message);
        return;
      }
    }
  });
  return std::shared_ptr<MonitorView>(new MonitorView(std::move(impl)));
}

osg::Node* MonitorView::sceneNode() { return _impl->layer->root(); }

std::vector<std::string> MonitorView::fontTexts() const {
  std::vector<std::string> texts;
  for (const model::SensorDef& s : _impl->config.sensors) {
    texts.push_back(s.name);
    texts.push_back(s.unit);
  }
  for (const model::AlertRuleDef& r : _impl->config.rules) texts.push_back(r.name);
  return texts;
}

void MonitorView::update(double timeSeconds) {
  Impl& impl = *_impl;
  impl.now = timeSeconds;
  impl.layer->setTimeSeconds(timeSeconds);
  if (impl.dirty || timeSeconds - impl.lastRefresh >= kRefreshSeconds) {
    impl.refresh();
    impl.lastRefresh = timeSeconds;
    impl.dirty = false;
  }
}

void MonitorView::drawPanels(ui::Language language) {
  Impl& impl = *_impl;
  impl.view.language = language;
  impl.apply(impl.panels.draw(impl.view));
}

bool MonitorView::pick(osgViewer::View& view, float x, float y) {
  auto index = _impl->layer->pick(view, x, y);
  if (!index) return false;
  _impl->select(_impl->layer->placement(*index).sensorId);
  return true;
}

std::optional<osg::Vec3d> MonitorView::takeFlyTarget() {
  auto target = _impl->flyTarget;
  _impl->flyTarget.reset();
  if (!target) return std::nullopt;
  return target;
}

const std::filesystem::path& MonitorView::alertsDb() const { return _impl->alertsDb; }
alerts::Monitor& MonitorView::monitor() { return *_impl->monitor; }

}  // namespace twin::app
