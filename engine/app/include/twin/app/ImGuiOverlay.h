// Dear ImGui drawn inside an OSG view: the opengl3 backend in the main camera's final draw
// callback, and an event handler that feeds mouse, wheel, keys and text into ImGui and swallows
// the events ImGui wants.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <osg/Referenced>
#include <osg/ref_ptr>
#include <osgViewer/View>

#include "twin/ui/Fonts.h"

struct ImGuiContext;

namespace twin::app {

/** Owns one ImGui context. Use with a single-threaded viewer (the draw callback and the event
    handler run on the viewer's thread). The GL objects are created on the first frame with the
    graphics context current; call releaseGraphics() with that context current before it goes. */
class ImGuiOverlay : public osg::Referenced {
 public:
  /** Called every frame between ImGui::NewFrame() and ImGui::Render(), on the draw thread. */
  using DrawFn = std::function<void()>;

  /** Creates the context, loads the fonts (a font error is kept in fontError() and the default
      font is used) and applies the "dark" style. */
  explicit ImGuiOverlay(const ui::FontOptions& fonts);

  /** Sets the main camera's final draw callback and adds the event handler to `view`. */
  void install(osgViewer::View& view, DrawFn draw);
  /** Frees the backend's GL objects; the graphics context must be current. Idempotent. */
  void releaseGraphics();

  /** True while ImGui wants the mouse (cursor over a panel or dragging one). */
  bool wantsMouse() const;
  const std::string& fontError() const { return _fontError; }
  const ui::FontReport& fontReport() const { return _fontReport; }
  ImGuiContext* context() const { return _context; }

 protected:
  ~ImGuiOverlay() override;

 private:
  class DrawCallback;
  class EventHandler;
  void renderFrame(int width, int height, double timeSeconds);

  ImGuiContext* _context = nullptr;
  DrawFn _draw;
  bool _backendReady = false;
  double _lastTime = -1;
  std::string _fontError;
  ui::FontReport _fontReport;
};

}  // namespace twin::app
