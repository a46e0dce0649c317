// The live sensor monitor inside the viewer: the scene's alerts::Monitor ingesting on its own
// thread, the monitoring panels and the 3D sensor markers fed from a snapshot of its state.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "twin/alerts/Monitor.h"
#include "twin/app/TwinViewer.h"
#include "twin/core/Result.h"
#include "twin/model/Site.h"

namespace twin::app {

struct MonitorViewOptions {
  std::optional<model::MqttConfig> broker;  // --mqtt HOST:PORT; replaces the scene's host and port
  std::filesystem::path alertsDb;           // empty = defaultAlertsDb()
};

/** The alert log used when none is given: $XDG_STATE_HOME/communitytwin/alerts.db, else
    ~/.local/state/communitytwin/alerts.db, else <temp>/communitytwin-alerts.db. The folder is
    created; nothing else is touched. */
std::filesystem::path defaultAlertsDb();

/** A ViewerExtension that owns one alerts::Monitor. The ingestion thread runs from start() until
    destruction; the viewer's thread only reads snapshots (refreshed at most 4 times a second,
    and right after a command) and acknowledges alerts. */
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
  bool pick(osgViewer::View& view, float x, float y) override;
  std::optional<osg::Vec3d> takeFlyTarget() override;

  /** The alert log in use (printed by the CLI). */
  const std::filesystem::path& alertsDb() const;
  alerts::Monitor& monitor();

  struct Impl;

 private:
  explicit MonitorView(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> _impl;
};

}  // namespace twin::app
