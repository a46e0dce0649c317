// SplitScreen: a second SiteScene for the right side, because one building colour per vertex
// cannot differ between two cameras (SiteScene::setBuildingColors writes the vertices), and its
// own sun shadows, because a proposal must cast its shadow on one side only.
#include "twin/app/SplitScreen.h"

#include <algorithm>
#include <cmath>

#include <osg/Uniform>

#include <imgui.h>

#include "twin/ui/SplitDivider.h"

namespace twin::app {

SplitScreen::SplitScreen(const LoadedScene& scene, scene::SiteScene& main, scene::SplitView& split)
    : _scene(scene), _main(main), _split(split) {}

// The right scene's nodes keep serving callbacks that read its SiteScene (POI markers rebuilt in
// the cull): they must not stay under the second camera once that SiteScene is gone.
SplitScreen::~SplitScreen() { _split.disable(); }

core::Result<scene::SiteScene*> SplitScreen::rightScene() {
  if (_right) return _right.get();
  scene::SceneOptions options;
  const auto theme = _scene.config.themes.find(_scene.config.theme);
  options.theme = theme != _scene.config.themes.end() ? theme->second : model::defaultTheme("dark");
  core::Diagnostics diag;  // the main scene reported the site's problems already
  auto built = scene::SiteScene::build(_main.site(), options, diag);
  if (!built) return built.error();
  _right = built.value();
  _right->root()->setName("twin.split.scene");
  _sunShadowed.reset();
  return _right.get();
}

core::Status SplitScreen::setEnabled(bool on) {
  if (!on) {
    _split.disable();
    return core::Ok{};
  }
  auto right = rightScene();
  if (!right) return right.error();
  _split.enable((*right)->root());
  sync();
  return core::Ok{};
}

void SplitScreen::setRightCasters(osg::Node* casters) {
  if (_right && _casters)
    if (osg::Camera* camera = _right->shadowCamera()) camera->removeChild(_casters.get());
  _casters = casters;
  _sunShadowed.reset();  // hang them at the next sync()
}

void SplitScreen::sync() {
  if (!_right) return;
  for (int i = 0; i < scene::kLayerCount; ++i) {
    const auto layer = scene::Layer(i);
    if (_right->layerVisible(layer) != _main.layerVisible(layer))
      _right->setLayerVisible(layer, _main.layerVisible(layer));
  }
  const osg::StateSet* from = _main.root()->getStateSet();
  osg::StateSet* to = _right->root()->getStateSet();
  osg::Vec3 sun;
  const osg::Uniform* sunUniform = from ? from->getUniform("twin_sunDirection") : nullptr;
  const bool hasSun = sunUniform && sunUniform->get(sun);
  // Shadows first (setSun() and resetSun() set the light too), then the main scene's uniforms
  // over them: a tour moves the sun by its uniforms alone.
  if (_main.shadowsActive() && hasSun) {
    const osg::Vec3d direction(sun);
    if (!_sunShadowed || (*_sunShadowed - direction).length2() > 1e-12 || !_right->shadowsActive()) {
      _right->setSun(direction, true);
      _sunShadowed = direction;
      if (osg::Camera* camera = _right->shadowCamera(); camera && _casters && !camera->containsNode(_casters.get()))
        camera->addChild(_casters.get());
    }
  } else if (_right->shadowsActive()) {
    _right->resetSun();
    _sunShadowed.reset();
  }
  if (!from || !to) return;
  for (const auto& [name, entry] : from->getUniformList()) {
    if (name.rfind("twin_shadow", 0) == 0 || name == "twin_colorOverride") continue;  // the right scene's own
    osg::Uniform* target = to->getUniform(name);
    if (target && entry.first && target->getType() == entry.first->getType() &&
        target->getNumElements() == entry.first->getNumElements())
      target->copyData(*entry.first);
  }
}

void SplitScreen::setFraction(float fraction) {
  _fraction = std::isfinite(fraction) ? std::clamp(fraction, 0.0f, 1.0f) : 0.5f;
}

void SplitScreen::placeDivider(int width, int height) {
  _split.setDivider(int(std::lround(_fraction * float(width))), width, height);
}

void SplitScreen::draw(const std::string& left, const std::string& right) {
  const ImGuiIO& io = ImGui::GetIO();
  ui::SplitDividerView view;
  view.fraction = _fraction;
  view.left = left;
  view.right = right;
  if (const std::optional<float> moved =
          ui::drawSplitDivider(view, ui::WidgetRect{0, 0, io.DisplaySize.x, io.DisplaySize.y}))
    setFraction(*moved);
  placeDivider(int(io.DisplaySize.x), int(io.DisplaySize.y));
}

}  // namespace twin::app
