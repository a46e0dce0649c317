// The viewer: a loaded scene compiled into OSG, the city manipulator, building picking and the
// ImGui panels, shown in a window or rendered headless into an image.
#pragma once

#include <memory>
#include <string>

#include <osg/Image>
#include <osg/ref_ptr>

#include "twin/app/SceneLoading.h"
#include "twin/core/Result.h"

namespace twin::app {

struct ViewerOptions {
  std::string theme;        // "dark" / "light"; empty = the scene file's
  std::string language;     // "zh-CN" / "en"; empty = the scene file's
  std::string bookmark;     // start view; empty = the scene's start bookmark, else frame the extent
  bool panels = true;       // draw the ImGui panels
};

/** Owns the scene graph and UI state of one loaded scene. Not thread-safe; one viewer at a time
    per thread (ImGui and GL contexts are per thread). */
class TwinViewer {
 public:
  /** Compiles the scene (scene::SiteScene::build) and checks the options. Errors: unknown theme
      or language, unknown bookmark ("twin: unknown bookmark 'x' in <file>; known: a, b"), or the
      scene compiler's error. Takes ownership of the loaded scene. */
  static core::Result<std::unique_ptr<TwinViewer>> create(LoadedScene scene, const ViewerOptions& options);
  ~TwinViewer();

  /** Opens a window (needs DISPLAY) and runs until it is closed, or for `frames` frames when
      frames > 0. Error when no window can be opened. */
  core::Status runWindow(int frames, int width = 1600, int height = 900);

  /** Renders the start view headless (EGL, no X) at width x height with the panels, running a
      few frames so that auto-sized panels and labels settle. Returns the RGB image (OSG order). */
  core::Result<osg::ref_ptr<osg::Image>> renderImage(int width, int height);

  const LoadedScene& scene() const;
  double compileMs() const;

 private:
  TwinViewer();
  struct Impl;
  std::unique_ptr<Impl> _impl;
};

}  // namespace twin::app
