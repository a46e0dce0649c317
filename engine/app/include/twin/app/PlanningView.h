// Interactive life-circle planning inside the viewer: click for a walking isochrone draped on the
// ground, add a hypothetical facility or drag an existing one and see coverage change at once,
// buildings coloured by coverage, the coverage panel with before/after figures, and scenarios
// saved into / loaded from the scene file.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "twin/analysis/Coverage.h"
#include "twin/analysis/WalkGraph.h"
#include "twin/app/SceneLoading.h"
#include "twin/app/TwinViewer.h"
#include "twin/core/Diagnostics.h"
#include "twin/core/Result.h"
#include "twin/model/Scenario.h"
#include "twin/model/SceneConfig.h"
#include "twin/ui/CoveragePanel.h"

namespace twin::scene {
class SplitView;
class SiteScene;
class PlanningLayer;
}  // namespace twin::scene

namespace twin::app {

/** One colour per site building for scene::SiteScene::setBuildingColors(): residential buildings
    by the walking minutes to one category, or the worst minutes over the required categories of
    one level: within 5 min green, 10 yellow, 15 orange, else (or off the network) red. Other
    buildings (not scored: not residential) are grey (ui::unscoredGrey()); a residential building
    when the level has no required categories gets alpha 0 (keeps its use colour). ColourBy{}
    gives an empty vector (colour by use). */
std::vector<model::Color> coverageColours(const analysis::CoverageModel& model, std::size_t buildingCount,
                                          const ui::ColourBy& colourBy);

// ---------------------------------------------------------------- PlanningView

struct PlanningViewOptions {
  double speedMps = 0;                                // 0 = the scene's walking.speed_mps
  std::vector<double> minutes{5, 10, 15};             // isochrone bands, ascending
  std::string compareScenario;                        // a scenario of the scene file applied at start; empty = none
  std::optional<core::LonLat> isochroneFrom;          // an isochrone shown from the start (snapshots)
  ui::ColourBy colourBy;                              // initial building colouring (default: by use)
  ui::PlanningMode mode = ui::PlanningMode::Inspect;  // initial tool
  bool split = false;     // start in the split view: splitLeft left of the divider, compareScenario right
  std::string splitLeft;  // a scenario of the scene file; "" or "existing" = the existing state
};

/** A ViewerExtension that owns the walk graph and two coverage models (the existing state and
    the edited one) of a scene. Every call comes from the viewer's thread (not thread-safe). */
class PlanningView final : public ViewerExtension {
 public:
  /** Builds the walk graph and both coverage models (buildMs() says how long). `scene` and
      `siteScene` (may be null: no building colours) must outlive the view. Errors: the facility
      config's error, no walkable ways ("twin: <file>: no walkable ways in the scene"), a bad
      "scenarios" key, or an unknown compareScenario ("twin: unknown scenario 'x' in <file>;
      known: a, b"), or an isochroneFrom point off the walk network. */
  static core::Result<std::shared_ptr<PlanningView>> create(const LoadedScene& scene, scene::SiteScene* siteScene,
                                                            const PlanningViewOptions& options);
  ~PlanningView() override;

  osg::Node* sceneNode() override;
  std::vector<std::string> fontTexts() const override;
  void update(double timeSeconds) override;
  /** The coverage panel, and the "planned" labels beside planned facility markers. */
  void drawPanels(ui::Language language) override;
  /** Big screen: only the "planned" labels (the coverage panel is engineering-mode only). */
  void drawRail(ui::Language language, const ui::WidgetRect& rail) override;
  /** Legend: the coverage colours while colouring by coverage, the isochrone bands while shown. */
  void contribute(ui::FrameView& view) const override;
  /** Edits made since the last save (or load, or reset). */
  bool unsavedEdits() const override;
  bool pick(osgViewer::View& view, float x, float y) override;
  std::optional<osg::Vec3d> takeFlyTarget() override;
  bool handleMouse(const osgGA::GUIEventAdapter& event, osgViewer::View& view) override;
  /** While split: the divider with the two sides' names (in every UI mode, videos included). */
  void drawOverlay(ui::Language language, float uiScale) override;

  // Direct control (the panel's commands and clicks end here; tests and automation call them).
  void setMode(ui::PlanningMode mode);
  ui::PlanningMode mode() const;
  void setAddCategory(std::size_t category);
  void setColourBy(const ui::ColourBy& colourBy);
  /** Isochrone from a ground point (local metres): bands computed and the overlay rebuilt.
      Error when the point is off the walk network (walkReach()'s message). */
  core::Status isochroneAt(core::Vec2 ground);
  /** Adds a hypothetical facility of `category` (index into the config) at a ground point and
      recomputes coverage. Error for an out-of-range category or a non-finite point. */
  core::Status addFacility(std::size_t category, core::Vec2 at, const std::string& name = "");
  /** Moves facility `index` of the working model (and every entry of the same POI) to `to`. */
  core::Status moveFacility(std::size_t index, core::Vec2 to);
  /** Undoes the last add or move; false when there is none. */
  bool undo();
  /** Back to the existing state (no edits, no scenario). */
  void reset();
  /** Saves the edits as scenario `name` into the scene file (model::saveScenario()). */
  core::Status saveScenario(const std::string& name);
  /** Resets, then applies scenario `name` of the scene file. */
  core::Status loadScenario(const std::string& name);

  /** The before/after split view (the shared SplitScreen): scenario `left` of the scene file
      ("" or "existing": the existing state) left of the divider, `right` right of it, each side's
      buildings coloured by its own coverage (the 15-minute level unless a colouring is chosen)
      and its own planned facilities marked; the edits of the working state are kept aside until
      clearSplit(). Errors: an unknown scenario (as loadScenario()), no site scene to draw in
      ("app::PlanningView::setSplit(): no scene to split"), the right scene's shaders. */
  core::Status setSplit(const std::string& left, const std::string& right);
  void clearSplit();
  bool splitActive() const;
  /** The divider's place, 0 = left edge, 1 = right edge (clamped). */
  void moveSplit(float fraction);
  /** The coverage models of the two sides (null while not split). */
  const analysis::CoverageModel* splitModel(bool right) const;
  /** The right side's scene (null until the split is first turned on) and colours. */
  scene::SiteScene* rightScene() const;
  const std::vector<model::Color>& rightBuildingColours() const;
  /** The right side's facility markers (planned ones included). */
  scene::PlanningLayer* rightLayer() const;
  /** The split view component (its second camera and scissor, for tests). */
  const scene::SplitView& splitView() const;

  /** Writes the coverage table of the working state (analysis::coverageLayer(): one row per
      residential building, the columns of twin coverage) to `path`, whose extension picks the
      format (.csv, .geojson, .gpkg); the panel's status line then shows the path. Returns the
      rows written, or the writer's error (naming the file). The panel's "Export" button writes
      <scene>-coverage.csv in the current folder. */
  core::Result<std::size_t> exportCoverageTable(const std::filesystem::path& path);

  const analysis::CoverageModel& baseline() const;
  const analysis::CoverageModel& working() const;
  const analysis::WalkGraph& graph() const;
  const model::FacilityConfig& config() const;
  ui::CoveragePanelView panelView() const;
  scene::PlanningLayer& layer();
  /** The colours last pushed to the SiteScene (empty = by use). */
  const std::vector<model::Color>& buildingColours() const;
  std::size_t edits() const;
  double buildMs() const;       // walk graph + both coverage models, at create()
  double lastUpdateMs() const;  // the last isochrone or coverage update, computation + overlay
  const core::Diagnostics& diagnostics() const;

  struct Impl;

 private:
  explicit PlanningView(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> _impl;
};

/** PlanningView::create() as the viewer's extension type, for `twin run/snapshot`. */
core::Result<std::shared_ptr<ViewerExtension>> makePlanningView(const LoadedScene& scene, scene::SiteScene* siteScene,
                                                                const PlanningViewOptions& options = {});

}  // namespace twin::app
