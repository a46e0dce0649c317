// The before/after split view's right side and divider, shared by the planning view (two
// scenarios' coverage) and the sunlight view (present | proposal): a second SiteScene of the same
// site, coloured and shadowed on its own, kept in step with the main one, drawn right of the
// divider by a scene::SplitView; the divider with the two sides' names on screen.
#pragma once

#include <optional>
#include <string>

#include <osg/Node>
#include <osg/Vec3d>
#include <osg/ref_ptr>

#include "twin/app/SceneLoading.h"
#include "twin/core/Result.h"
#include "twin/scene/SiteScene.h"
#include "twin/scene/SplitView.h"
#include "twin/ui/BigScreen.h"

namespace twin::app {

/** Not thread-safe: every call from the viewer's thread. `scene`, `main` and `split` must outlive
    it; `split.root()` must hang where the main camera draws it (under the main scene's root). */
class SplitScreen {
 public:
  SplitScreen(const LoadedScene& scene, scene::SiteScene& main, scene::SplitView& split);
  /** Turns the split off: the right scene leaves the graph with its owner. */
  ~SplitScreen();
  SplitScreen(const SplitScreen&) = delete;
  SplitScreen& operator=(const SplitScreen&) = delete;

  /** The right side's scene, built (with the scene file's theme) on the first call. Error only
      when its shaders cannot be compiled (SiteScene::build()). */
  core::Result<scene::SiteScene*> rightScene();
  /** Turns the split on (building the right scene if needed) or off. */
  core::Status setEnabled(bool on);
  bool enabled() const { return _split.enabled(); }

  /** Extra shadow casters of the right side only (a proposed tower): hung under the right scene's
      shadow camera whenever the right side casts shadows. Null: none. */
  void setRightCasters(osg::Node* casters);

  /** Copies the main scene's state to the right one: layer visibility, the lighting uniforms of
      its root (the sun a tour or the sunlight view moved, hover and selection) and its sun
      shadows. Call once per frame while enabled (cheap when nothing changed). */
  void sync();

  float fraction() const { return _fraction; }
  void setFraction(float fraction);  // clamped to [0, 1]
  /** Draws the divider with the names `left` and `right` over the whole ImGui display and moves
      the second camera's columns to it; a drag of the handle moves it. Call inside the ImGui
      frame, once per frame while enabled. */
  void draw(const std::string& left, const std::string& right);
  /** Sets the second camera's columns for a `width` x `height` viewport now (drawing does it for
      the display; a headless first frame needs it before any drawing). */
  void placeDivider(int width, int height);

 private:
  const LoadedScene& _scene;
  scene::SiteScene& _main;
  scene::SplitView& _split;
  osg::ref_ptr<scene::SiteScene> _right;
  osg::ref_ptr<osg::Node> _casters;
  float _fraction = 0.5f;
  std::optional<osg::Vec3d> _sunShadowed;  // the direction the right scene's shadows were cast for
};

}  // namespace twin::app
