// The live sensor monitor inside the viewer: the scene's alerts::Monitor ingesting on its own
// thread, the monitoring panels and the 3D sensor markers fed from a snapshot of its state.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "twin/alerts/Monitor.h"
#include "twin/app/TwinViewer.h"
#include "twin/core/Result.h"
#include "twin/model/Site.h"
#include "twin/ui/AlarmHistory.h"
#include "twin/ui/AlarmHistoryPanel.h"
#include "twin/ui/MonitorPanels.h"

namespace twin::scene {
class SensorLayer;
}

namespace twin::app {

struct MonitorViewOptions {
  std::optional<model::MqttConfig> broker;  // --mqtt HOST:PORT; replaces the scene's host and port
  std::filesystem::path alertsDb;           // empty = defaultAlertsDb()
  std::filesystem::path historyDb;          // empty = historyDbBeside(alerts db)
  std::size_t samplesPerSensor = 4096;      // in-memory ring per sensor; older readings come from historyDb
  /** Replay up to this data time (UTC epoch ms) before the first frame (`--at`): charts carry
      the history, alerts are raised and stamped in data time, the scene clock shows "replay".
      Then the replay runs on from there, or holds there with replayHoldAtMoment (a headless
      picture of that moment). */
  std::optional<std::int64_t> replayUntilMs;
  bool replayHoldAtMoment = false;
  /** The engine's clock for live data (escalation, stale, "how long ago"); nullptr = the system
      clock. Tests pass an alerts::ManualClock, which must outlive the MonitorView. Not used with
      replayUntilMs, which runs on the replay's own clock. */
  const alerts::Clock* clock = nullptr;
  /** Play the alarm cue (app::AlarmSound) for alarms at or above the scene's attention level
      when the scene's "alerts.sound" is on (its default). Off here by default: the windowed
      viewer turns it on; headless pictures and tests stay silent. */
  bool sound = false;
};

/** The reading history kept beside an alert log: "alerts.db" -> "alerts-history.db". */
std::filesystem::path historyDbBeside(const std::filesystem::path& alertsDb);

/** The alert log used when none is given: $XDG_STATE_HOME/communitytwin/alerts.db, else
    ~/.local/state/communitytwin/alerts.db, else <temp>/communitytwin-alerts.db. The folder is
    created; nothing else is touched. */
std::filesystem::path defaultAlertsDb();

/** A ViewerExtension that owns one alerts::Monitor. The ingestion thread runs from start() until
    destruction; the viewer's thread only reads snapshots (refreshed 4 times a second, on the frame after any logged
   change, and right after a command) and acknowledges alerts. */
class MonitorView final : public ViewerExtension {
 public:
  /** Loads the scene file's sensors, places them in `site` (unplaceable sensors are reported in
      the site's diagnostics), opens the alert log and starts ingestion. Errors: the scene has no
      "sensors" ("twin: <file>: the scene has no \"sensors\""), a bad sensor key, or the monitor's
      own start error. `site` must outlive the MonitorView. */
  static core::Result<std::shared_ptr<MonitorView>> start(const std::filesystem::path& sceneFile, model::Site& site,
                                                          const MonitorViewOptions& options);
  ~MonitorView() override;

  osg::Node* sceneNode() override;
  std::vector<std::string> fontTexts() const override;
  void update(double timeSeconds) override;
  void drawPanels(ui::Language language) override;
  void drawRail(ui::Language language, const ui::WidgetRect& rail) override;
  /** Title bar: sensors online, active alerts by severity, and the scene clock: the scrubbed data
      time, else the replay clock (--at), both marked replay; else the newest sample's time. */
  void contribute(ui::FrameView& view) const override;
  bool pick(osgViewer::View& view, float x, float y) override;
  /** The sensor dots grow with the panels (scene::SensorLayer::setMarkerScale). */
  void setUiScale(float uiScale) override;
  /** True while an alarm has a banner (ui::bannerAlarms(): unacknowledged, not dismissed, at or
      above the scene's attention level): its fly-to keeps the camera. */
  bool holdsAttention() const override;
  std::optional<osg::Vec3d> takeFlyTarget() override;
  /** With the scene's alerts.fly_to: once per alarm that newly heads the banner queue, a pose
      framing its building and surroundings (framingAlarm()). */
  std::optional<FlyPose> takeFlyPose() override;
  /** Called on the monitor's thread after each step that logged a change (raise, clear, ack,
      escalation): the alarm is on the next frame without waiting for the viewer's pace. */
  void setWake(std::function<void()> wake) override;

  /** The alert log in use (printed by the CLI). */
  const std::filesystem::path& alertsDb() const;
  const std::filesystem::path& historyDb() const;
  alerts::Monitor& monitor();

  /** Carries out panel commands as if they came from a click (select, acknowledge, fly to,
      scrub); the next update() shows their effect. Scrubbing to a time older than a sensor's
      in-memory ring reads that time's window from the history db; ScrubTo{nullopt} is live again. */
  void apply(const std::vector<ui::MonitorCommand>& commands);
  /** What the panels show as of the last update(). */
  const ui::MonitorView& panelView() const;
  /** The selected sensor's id (a picked marker, a clicked row); empty = none. */
  const std::string& selectedSensor() const;
  /** Where the camera goes for an alarm of `sensorId`: looking from the south at 45 degrees down
      onto its building's centre (or the sensor's position) from scene::framingDistance() of a
      sphere three times the building's radius, at least 80 m: the building and its
      surroundings, not a close-up. nullopt when the sensor has no marker. */
  std::optional<FlyPose> framingAlarm(const std::string& sensorId) const;
  /** The alert whose banner the last drawPanels() drew; 0 = none. */
  std::int64_t bannerAlertId() const;
  /** The labels drawn at beacon tops in the last drawPanels() (for tests). */
  const std::vector<ui::AlarmLabel>& alarmLabels() const;
  /** Key presses: H toggles the alarm history window (ui::AlarmHistoryPanel), Esc closes it
      while it is open. */
  bool handleInput(const osgGA::GUIEventAdapter& event) override;
  /** The alarm history window, in every UI mode, while it is open. It reads the alert log
      through a connection of its own, opened when the window first opens. */
  void drawOverlay(ui::Language language, float uiScale) override;
  /** Opens or closes the history window (as H or the alarm list's History button do). */
  void setHistoryOpen(bool open);
  bool historyOpen() const;
  /** The history window's model; null until the window has first been opened. */
  const ui::AlarmHistoryModel* historyModel() const;
  /** The history window (widget places for tests and automation). */
  const ui::AlarmHistoryPanel& historyPanel() const;
  /** The marker layer (placements, states, selection). */
  const scene::SensorLayer& layer() const;

  struct Impl;

 private:
  explicit MonitorView(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> _impl;
};

}  // namespace twin::app
