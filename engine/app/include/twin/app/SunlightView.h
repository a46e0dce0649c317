// Sunlight (日照) in the viewer: walls and residential buildings coloured by sun hours on the
// standard day (twin sunlight's analysis, run off the UI thread with its progress shown), the
// legend with the standard's pass line, shadows at a chosen date and time (a time slider), and a
// scenario's proposed buildings with the windows that lose compliance to them.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "twin/analysis/Sunlight.h"
#include "twin/analysis/SunlightStandard.h"
#include "twin/app/SceneLoading.h"
#include "twin/app/TwinViewer.h"
#include "twin/core/Result.h"
#include "twin/model/Scenario.h"
#include "twin/model/Site.h"
#include "twin/ui/SunlightPanel.h"

namespace twin::scene {
class SiteScene;
class SunlightLayer;
}  // namespace twin::scene

namespace twin::app {

/** Sun minutes per storey and per building from per-window results: a storey gets the best of its
    windows (it passes when one window does), a building the worst of its storeys. `minutes` is
    parallel to `samples`. Returns one value per site building: -1 for buildings without samples
    (not residential). */
std::vector<double> buildingSunMinutes(const std::vector<analysis::WindowSample>& samples,
                                       const std::vector<int>& minutes, std::size_t buildingCount);

/** A scenario's proposed buildings as shadow casters in the site frame, each standing on the
    lowest ground under its footprint (as the model places buildings; 0 without terrain). Shared
    by `twin sunlight --scenario` and the viewer's proposal. */
std::vector<analysis::ExtraVolume> proposedVolumes(const model::Site& site,
                                                   const std::vector<model::ScenarioBuilding>& buildings);

/** Pass counts: windows with minutes >= requiredMinutes; storeys when one of their windows
    passes; buildings when every storey does. */
ui::SunlightTally sunlightTally(const std::vector<analysis::WindowSample>& samples, const std::vector<int>& minutes,
                                int requiredMinutes);

struct SunlightViewOptions {
  bool colour = false;                  // start computing and colouring at once (--colour-by sunlight)
  std::optional<double> sunUtcSeconds;  // shadows at this instant (--sun); its date becomes the slider's
  std::string proposal;                 // a scenario whose proposed buildings are compared; empty = none
  std::string standard;                 // a standard's name; empty = the scene's "sunlight" key
  bool swipe = false;                   // start in the split view (needs a proposal)
  double spacingMeters = 3;             // between window samples along a wall
};

/** A ViewerExtension for sunlight. Every call comes from the viewer's thread; the analysis runs
    on a worker thread (its results are taken over in update()). */
class SunlightView final : public ViewerExtension {
 public:
  /** Checks the options and the scene. Errors: a scene without a standard and no `standard`
      ("twin: <file> names no sunlight standard (scene key \"sunlight\": {\"standard\": NAME})"), an
      unknown standard (analysis::sunlightStandard()'s message), an unknown proposal or one with no
      proposed buildings ("twin: scenario 'x' in <file> proposes no buildings (key \"buildings\")").
      `scene` and `siteScene` (may be null: no colours, no shadows) must outlive the view. */
  static core::Result<std::shared_ptr<SunlightView>> create(const LoadedScene& scene, scene::SiteScene* siteScene,
                                                            const SunlightViewOptions& options);
  ~SunlightView() override;

  osg::Node* sceneNode() override;
  std::vector<std::string> fontTexts() const override;
  void update(double timeSeconds) override;
  void drawPanels(ui::Language language) override;
  void drawRail(ui::Language language, const ui::WidgetRect& rail) override;
  /** The sunlight legend (bands, pass line, unscored grey, lost windows and the proposal) while
      colouring; the progress bar while computing. */
  void contribute(ui::FrameView& view) const override;
  /** True while the analysis runs: a headless snapshot waits for the colours. */
  bool loading() const override;
  bool pick(osgViewer::View& view, float x, float y) override;
  std::optional<osg::Vec3d> takeFlyTarget() override;

  // Direct control (the panel's commands end here; tests and automation call them).
  void setColouring(bool on);
  void setShadows(bool on);
  /** The shadows' time: minutes after midnight China Standard Time on the slider's date. */
  void setSunMinutes(int minutesCst);
  /** The before/after split view: the present state left of a draggable line, the proposal
      right of it (SunlightLayer's swipe camera). Needs a proposal; ignored without one. */
  void setSwipe(bool on);
  /** The line's place as a share of the screen's width, clamped to [0, 1]. */
  void moveSwipe(float fraction);
  /** Compares scenario `name`'s proposed buildings (recomputes); empty = none. Errors as create(). */
  core::Status setProposal(const std::string& name);
  /** Blocks until the running analysis (if any) has finished and its results are applied. */
  void waitForResults();

  ui::SunlightPanelView panelView(ui::Language language = ui::Language::En) const;
  const analysis::SunlightStandard& standard() const;
  const std::vector<analysis::WindowSample>& samples() const;  // empty until computed
  const std::vector<int>& minutesBefore() const;
  const std::vector<int>& minutesAfter() const;  // == before without a proposal
  scene::SunlightLayer& layer();
  const std::vector<model::Color>& buildingColours() const;  // last pushed (empty = by use)
  /** The sun's direction (site frame, toward the sun) at the current slider time. */
  osg::Vec3d sunDirection() const;

  struct Impl;

 private:
  explicit SunlightView(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> _impl;
};

/** SunlightView::create() as the viewer's extension type, for `twin run/snapshot`. */
core::Result<std::shared_ptr<ViewerExtension>> makeSunlightView(const LoadedScene& scene, scene::SiteScene* siteScene,
                                                                const SunlightViewOptions& options);

}  // namespace twin::app
