// Dear ImGui drawn inside an OSG view: the opengl3 backend in the main camera's final draw
// callback, and an event handler that feeds mouse, wheel, keys and text into ImGui and swallows
// the events ImGui wants. It also draws a SiteScene's decluttered labels, under the panels, in
// the same ImGui draw data (one draw call for all labels).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include <osg/Matrixd>
#include <osg/Referenced>
#include <osg/ref_ptr>
#include <osgViewer/View>

#include "twin/ui/Fonts.h"
#include "twin/ui/InputQueue.h"

struct ImGuiContext;

namespace twin::scene {
class SiteScene;
}

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

  /** Sets the main camera's final draw callback and adds the event handler to `view`. An empty
      `draw` draws no panels (the labels, if any, are still drawn). */
  void install(osgViewer::View& view, DrawFn draw);
  /** Draws in `camera`'s final draw callback only, without taking input: a further window of
      the same view (one tile of a video wall among several). */
  void installOnCamera(osg::Camera& camera, DrawFn draw);
  /** Each frame, draws `labels`' SiteScene::visibleLabels() for the camera being drawn, before
      (under) the panels: text in the label colour with a 1-pixel halo in the theme's background
      colour, in the loaded font (glyphs missing from it show as '?', so pass the site's names in
      FontOptions::extraTexts). Null stops drawing labels. Call from the viewer's thread. */
  void setLabelSource(scene::SiteScene* labels);
  /** Label texts to show instead of the scene's (a name -> its form in the UI language, from the
      OSM name:en / name:zh tags); labels not in it show as they are. Null: none. The map must
      outlive its use; call from the viewer's thread. */
  void setLabelNames(const std::map<std::string, std::string>* names) { _labelNames = names; }
  /** Runtime text the panels will draw (picked model attributes, say): glyphs of it that the
      atlas lacks are baked in before the next frame (the atlas is rebuilt and its texture made
      again, about 0.1-0.3 s). Glyphs the font file lacks as well stay '?' and are not asked for
      again. Call from the viewer's thread. */
  void requireTexts(const std::vector<std::string>& texts);
  /** How many times requireTexts() rebuilt the atlas. */
  int fontRebuilds() const { return _fontRebuilds; }
  /** A video wall's tile: the panels are laid out on a virtual screen of `width` x `height`
      pixels, of which this view shows the rectangle at (`x`, `y`) (from the top-left) of its
      viewport's size; labels and the mouse are moved by (`x`, `y`). A width or height of 0 goes
      back to the viewport alone. `projection` is the whole virtual screen's: the 3D labels are
      decluttered on it, so every tile shows the labels one screen of the wall's size would.
      Call from the viewer's thread. */
  void setVirtualScreen(int x, int y, int width, int height, const osg::Matrixd& projection) {
    _originX = x;
    _originY = y;
    _virtualWidth = width;
    _virtualHeight = height;
    _virtualProjection = projection;
  }
  /** Frees the backend's GL objects; the graphics context must be current. Idempotent. */
  void releaseGraphics();

  /** True while ImGui wants the mouse (cursor over a panel or dragging one). */
  bool wantsMouse() const;
  /** True while a text field has the keyboard (ImGui's WantTextInput of the last frame). */
  bool wantsTextInput() const;
  const std::string& fontError() const { return _fontError; }
  const ui::FontReport& fontReport() const { return _fontReport; }
  ImGuiContext* context() const { return _context; }

 protected:
  ~ImGuiOverlay() override;

 private:
  class DrawCallback;
  class EventHandler;
  void renderFrame(const osg::Camera& camera, int width, int height, double timeSeconds);
  void rebuildFonts();  // on the draw thread, before a frame

  ImGuiContext* _context = nullptr;
  DrawFn _draw;
  osg::ref_ptr<scene::SiteScene> _labels;
  const std::map<std::string, std::string>* _labelNames = nullptr;
  bool _backendReady = false;
  double _lastTime = -1;
  std::string _fontError;
  ui::FontReport _fontReport;
  ui::FontOptions _fontOptions;  // grows with requireTexts()
  std::vector<unsigned> _asked;  // code points requireTexts() has asked the font for
  bool _fontsDirty = false;
  ui::InputQueue _input;  // events since the last frame; fed one transition per frame
  int _fontRebuilds = 0;
  int _originX = 0, _originY = 0, _virtualWidth = 0, _virtualHeight = 0;  // setVirtualScreen()
  osg::Matrixd _virtualProjection;
};

}  // namespace twin::app
