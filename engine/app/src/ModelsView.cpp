#include "twin/app/ModelsView.h"

#include <iostream>
#include <variant>

namespace twin::app {

core::Result<std::shared_ptr<ModelsView>> ModelsView::load(const std::vector<model::ModelSource>& sources,
                                                           model::Site& site) {
  std::vector<scene::SceneModel> models;
  for (const model::ModelSource& source : sources) {
    // Damaged tiles and skipped objects go to stderr as well as to the diagnostics panel.
    core::Diagnostics found;
    auto loaded = scene::loadSceneModel(source, site.frame, found);
    for (const core::Diagnostic& d : found.items()) std::cerr << "twin: " << core::formatDiagnostic(d) << '\n';
    site.diagnostics.merge(found);
    if (!loaded) return loaded.error();
    for (const std::string& a : loaded->attributions) site.attributions.push_back(a);
    models.push_back(std::move(loaded).value());
  }
  return std::make_shared<ModelsView>(std::move(models), &site.diagnostics);
}

ModelsView::ModelsView(std::vector<scene::SceneModel> models, core::Diagnostics* problems)
    : _models(std::move(models)), _problems(problems) {
  _root->setName("models");
  for (const scene::SceneModel& m : _models) _root->addChild(m.node);
}

osg::Node* ModelsView::sceneNode() { return _root.get(); }

std::vector<std::string> ModelsView::fontTexts() const {
  std::vector<std::string> texts;
  for (const scene::SceneModel& m : _models) texts.push_back(m.id);
  return texts;
}

void ModelsView::update(double) {
  // A tile found damaged while streaming joins the diagnostics panel and stderr, never only
  // leaves a hole where its buildings should be.
  core::Diagnostics found;
  for (const scene::SceneModel& m : _models)
    if (m.takeProblems) m.takeProblems(found);
  for (const core::Diagnostic& d : found.items()) std::cerr << "twin: " << core::formatDiagnostic(d) << '\n';
  if (_problems) _problems->merge(found);
}

void ModelsView::drawPanels(ui::Language language) {
  ui::ModelsView view;
  view.language = language;
  for (const scene::SceneModel& m : _models)
    view.models.push_back(
        {m.id, model::modelFormatName(m.format), m.node->getNodeMask() != 0, m.loading && m.loading()});
  if (_picked) view.picked = ui::PickedRow{_picked->model, _picked->title, _picked->properties};
  view.expand = _expand;
  _expand = false;
  apply(_panel.draw(view));
}

void ModelsView::apply(const std::vector<ui::ModelsCommand>& commands) {
  for (const ui::ModelsCommand& command : commands) {
    if (const auto* c = std::get_if<ui::SetModelVisible>(&command)) {
      for (scene::SceneModel& m : _models)
        if (m.id == c->id) m.node->setNodeMask(c->visible ? ~0u : 0u);
    } else if (const auto* c = std::get_if<ui::FlyToModel>(&command)) {
      for (const scene::SceneModel& m : _models)
        if (m.id == c->id && m.bounds.valid()) _flyTarget = m.bounds.center();
    } else if (std::holds_alternative<ui::ClearPicked>(command)) {
      _picked.reset();
    }
  }
}

bool ModelsView::pick(osgViewer::View& view, float x, float y) {
  auto feature = scene::pickModel(view, _root.get(), x, y);
  if (!feature) return false;
  _picked = std::move(feature);
  _expand = true;
  _newTexts.push_back(_picked->title);
  for (const auto& [key, value] : _picked->properties) _newTexts.push_back(key + value);
  return true;
}

std::vector<std::string> ModelsView::takeNewTexts() {
  std::vector<std::string> texts;
  texts.swap(_newTexts);
  return texts;
}

std::optional<osg::Vec3d> ModelsView::takeFlyTarget() {
  auto target = _flyTarget;
  _flyTarget.reset();
  return target;
}

bool ModelsView::loading() const {
  for (const scene::SceneModel& m : _models)
    if (m.loading && m.loading()) return true;
  return false;
}

}  // namespace twin::app
