// Guided tours in the viewer: a ViewerExtension that plays the scene's tours (model::Tour) with a
// model::TourPlayer, drives the camera, shows each stop's scenario, layers, overlays and time of
// day (the scene's sun, on the spring equinox in true solar time), and draws
// the captions and controls (ui::TourPanel). The same extension renders `twin video` on the
// video's own clock.
//   keys while a tour plays: Space pause / resume, Right or Page Down next stop, Left or Page Up
//   previous stop, Esc ends the tour; any other key, a wheel turn or a click in the scene ends it
//   too (the user takes the camera), as in other viewers.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "twin/app/PlanningView.h"
#include "twin/app/SceneLoading.h"
#include "twin/app/TwinViewer.h"
#include "twin/core/Result.h"
#include "twin/model/Tour.h"
#include "twin/model/TourPlayer.h"
#include "twin/ui/TourPanel.h"

namespace twin::scene {
class SiteScene;
}  // namespace twin::scene

namespace twin::app {

struct TourViewOptions {
  bool controls = true;            // the menu, buttons and keys; false: captions only (a video)
  model::TourPlayer::Clock clock;  // seconds; empty = the wall clock (osg::Timer)
};

/** True when a stop of `tour` shows a scenario or an overlay, which needs the planning view. */
bool tourNeedsPlanning(const model::Tour& tour);

/** Every call comes from the viewer's thread (not thread-safe). */
class TourView final : public ViewerExtension {
 public:
  /** Reads the scene's tours (model::parseTours(); its error is passed on). `siteScene` (layers)
      and `planning` (scenarios and overlays; may be null) must outlive the view. Without the
      planning view a stop's scenario and overlays are not shown (a problem is reported). */
  static core::Result<std::shared_ptr<TourView>> create(const LoadedScene& scene, scene::SiteScene* siteScene,
                                                        std::shared_ptr<PlanningView> planning,
                                                        TourViewOptions options = {});
  ~TourView() override;

  const std::vector<model::Tour>& tours() const;
  /** Plays tour `index` (TWIN_ASSERT in range) from its start: in a window the camera flies to
      the first stop from where it is; with `fromCamera` false the first view is shown at once. */
  void start(std::size_t index, bool fromCamera = true);
  /** The playing (or last played) tour's player; null before the first start(). */
  model::TourPlayer* player();
  bool playing() const;
  /** Problems met while showing stops (a scenario that failed to load, an isochrone off the
      network): logged once each as warnings and kept here. */
  const std::vector<std::string>& problems() const;

  // ViewerExtension
  osg::Node* sceneNode() override { return nullptr; }
  std::vector<std::string> fontTexts() const override;
  void update(double timeSeconds) override;
  void drawPanels(ui::Language language) override { (void)language; }
  bool pick(osgViewer::View& view, float x, float y) override;
  std::optional<osg::Vec3d> takeFlyTarget() override { return std::nullopt; }
  bool handleMouse(const osgGA::GUIEventAdapter& event, osgViewer::View& view) override;
  std::optional<FlyPose> cameraPose(const FlyPose& current) override;
  bool handleInput(const osgGA::GUIEventAdapter& event) override;
  void drawOverlay(ui::Language language, float uiScale) override;
  /** The carousel's views: "tour:<name>:<stop>" shows that stop of a tour (1-based) as the tour
      would (scenario, layers, overlays, time of day) without playing it, and returns its pose;
      nullopt for a key of another kind, an unknown tour or stop, or while a tour plays. ""
      takes back what the last view showed (existing state, no overlays, the layers and sun
      as they were before the first view). */
  std::optional<FlyPose> showView(const std::string& view) override;
  /** The carousel view shown now ("tour:<name>:<stop>"), empty when none. */
  const std::string& viewShown() const;
  /** A playing tour holds the screen: the carousel does not move the camera under it. */
  bool holdsAttention() const override { return playing(); }

  struct Impl;

 private:
  explicit TourView(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> _impl;
};

}  // namespace twin::app
