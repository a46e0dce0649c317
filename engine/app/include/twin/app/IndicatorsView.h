// The big screen's indicator cards: the nine-scenario indicators of the scene computed on a
// thread of their own after load (no frame waits for them), then shown on the left rail.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "twin/analysis/Indicators.h"
#include "twin/app/TwinViewer.h"
#include "twin/core/Result.h"

namespace twin::app {

/** A ViewerExtension without scene nodes: it starts sceneIndicators(scenePath, alertsDb) on its
    own thread when constructed; until the result is in, the rail says the indicators are being
    computed (and loading() keeps a headless image waiting for them); then it shows
    ui::indicatorCards() in the UI language, or why there are none. The destructor waits for the
    thread. Every other call comes from the viewer's thread. */
class IndicatorsView final : public ViewerExtension {
 public:
  IndicatorsView(std::string scenePath, std::filesystem::path alertsDb);
  ~IndicatorsView() override;
  IndicatorsView(const IndicatorsView&) = delete;
  IndicatorsView& operator=(const IndicatorsView&) = delete;

  osg::Node* sceneNode() override { return nullptr; }
  std::vector<std::string> fontTexts() const override { return {}; }
  /** Takes the thread's result once it is there. */
  void update(double timeSeconds) override;
  void drawPanels(ui::Language) override {}
  bool pick(osgViewer::View&, float, float) override { return false; }
  std::optional<osg::Vec3d> takeFlyTarget() override { return std::nullopt; }
  bool loading() const override;
  /** Once, when the result came: the names, units and reasons the cards will draw. */
  std::vector<std::string> takeNewTexts() override;
  /** The left rail's cards (FrameView::indicators), else FrameView::indicatorsNote. */
  void contribute(ui::FrameView& view) const override;

  /** Blocks until the computation has finished and update() has taken it (for tests and
      benchmarks); returns the result. */
  const core::Result<std::vector<analysis::ScenarioIndicators>>& waitForResult();

  struct Impl;

 private:
  std::unique_ptr<Impl> _impl;
};

}  // namespace twin::app
