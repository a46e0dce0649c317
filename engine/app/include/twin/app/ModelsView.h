// The scene's 3D models inside the viewer: their nodes, the models panel, picking of model
// features with their attributes, and "still loading" for headless frames.
#pragma once

#include <memory>
#include <vector>

#include <osg/Group>

#include "twin/app/TwinViewer.h"
#include "twin/core/Result.h"
#include "twin/model/ModelSource.h"
#include "twin/model/Site.h"
#include "twin/scene/SceneModel.h"
#include "twin/ui/ModelsPanel.h"

namespace twin::app {

class ModelsView final : public ViewerExtension {
 public:
  /** Loads every model into `site`'s frame (scene::loadSceneModel); per-tile problems go to the
      site's diagnostics and the models' attributions to its attributions. Error: the first model
      that cannot be shown at all (its message names the model and file). */
  static core::Result<std::shared_ptr<ModelsView>> load(const std::vector<model::ModelSource>& sources,
                                                        model::Site& site);
  /** Wraps models that are already loaded. `problems` (the site's diagnostics; may be null)
      receives the problems the models find later (damaged 3D Tiles contents), which update()
      also writes on stderr; it must outlive this view. */
  explicit ModelsView(std::vector<scene::SceneModel> models, core::Diagnostics* problems = nullptr);

  osg::Node* sceneNode() override;
  std::vector<std::string> fontTexts() const override;
  void update(double timeSeconds) override;
  void drawPanels(ui::Language language) override;
  bool pick(osgViewer::View& view, float x, float y) override;
  std::optional<osg::Vec3d> takeFlyTarget() override;
  bool loading() const override;
  std::vector<std::string> takeNewTexts() override;  // the picked feature's title and attributes

  const std::vector<scene::SceneModel>& models() const { return _models; }
  const std::optional<scene::PickedFeature>& picked() const { return _picked; }
  void apply(const std::vector<ui::ModelsCommand>& commands);

 private:
  std::vector<scene::SceneModel> _models;
  osg::ref_ptr<osg::Group> _root = new osg::Group;
  ui::ModelsPanel _panel;
  std::optional<scene::PickedFeature> _picked;
  std::optional<osg::Vec3d> _flyTarget;
  bool _expand = false;
  core::Diagnostics* _problems = nullptr;
  std::vector<std::string> _newTexts;
};

}  // namespace twin::app
