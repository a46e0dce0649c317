// The viewer: a loaded scene compiled into OSG, the city manipulator, building picking and the
// ImGui panels, shown in a window or rendered headless into an image.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <osg/Image>
#include <osg/Node>
#include <osg/Vec3d>
#include <osg/ref_ptr>
#include <osgGA/GUIEventAdapter>
#include <osgViewer/View>

#include "twin/app/CityManipulator.h"
#include "twin/app/SceneLoading.h"
#include "twin/app/VideoWall.h"
#include "twin/core/Result.h"
#include "twin/scene/FrameStatistics.h"
#include "twin/ui/I18n.h"
#include "twin/ui/Panels.h"

namespace twin::scene {
class SiteScene;
}  // namespace twin::scene

namespace twin::app {

/** Something live shown with the viewer (the sensor monitor): scene nodes, panels, picking and
    fly-to requests. Every call comes from the viewer's thread. */
class ViewerExtension {
 public:
  virtual ~ViewerExtension() = default;
  virtual osg::Node* sceneNode() = 0;                              // added under the scene root; may be null
  virtual std::vector<std::string> fontTexts() const = 0;          // extra glyphs for the panel font
  virtual void update(double timeSeconds) = 0;                     // before each frame
  virtual void drawPanels(ui::Language language) = 0;              // inside the ImGui frame
  virtual bool pick(osgViewer::View& view, float x, float y) = 0;  // a click (OSG pixels); true = taken
  virtual std::optional<osg::Vec3d> takeFlyTarget() = 0;           // site-frame point to fly to, once
  /** A whole camera pose to fly to, once (site frame): for views that choose their own framing,
      such as an alarm's building with its surroundings. Taken after takeFlyTarget(). */
  struct FlyPose {
    osg::Vec3d eye, center;
  };
  virtual std::optional<FlyPose> takeFlyPose() { return std::nullopt; }
  /** Called once by TwinViewer::addExtension() with a function that starts the viewer's next
      frame without waiting for its pace (ViewerOptions::maxFrameRate). It may be called from any
      thread, also after the viewer is gone: call it when something new must be shown at once
      (an alarm arriving on the monitor's thread). */
  virtual void setWake(std::function<void()> wake) { (void)wake; }
  /** Every mouse event (push, drag, release, move; OSG pixels) before the camera manipulator and
      building picking see it. Return true to take it: the manipulator then ignores it (dragging a
      facility does not pan the view). Events ImGui took arrive with getHandled() true. */
  virtual bool handleMouse(const osgGA::GUIEventAdapter& event, osgViewer::View& view) {
    (void)event;
    (void)view;
    return false;
  }
  /** True while the extension still loads content for the current view (tiles in flight):
      headless rendering keeps drawing frames until it is false (or a time limit). */
  virtual bool loading() const { return false; }
  /** Text that appeared since the last call and that the panels will draw (a picked model's
      attributes): the viewer has the panel font bake the glyphs it lacks. */
  virtual std::vector<std::string> takeNewTexts() { return {}; }
  /** Big-screen mode: draws what belongs in the right rail (the monitor's alarm list and trend)
      pinned inside `rail`, instead of drawPanels(). Default: nothing (the extension's windows are
      engineering-mode only). */
  virtual void drawRail(ui::Language language, const ui::WidgetRect& rail) {
    (void)language;
    (void)rail;
  }
  /** Adds what the extension knows to the big screen's frame view before each frame: title-bar
      status (sensors, alarms, scene clock) and legend groups for the colours it shows. */
  virtual void contribute(ui::FrameView& view) const { (void)view; }
  /** True while closing would lose work (unsaved planning edits): Esc asks first. */
  virtual bool unsavedEdits() const { return false; }
  /** While the extension drives the camera (a tour playing): the pose for this frame, given the
      camera's current one; applied after update() and before the frame is drawn. Default: none
      (the user's camera). */
  virtual std::optional<FlyPose> cameraPose(const FlyPose& current) {
    (void)current;
    return std::nullopt;
  }
  /** Key presses and wheel turns before the camera manipulator and the screen's keys (F2, F3,
      Esc) see them; true = taken. Not called while a text field has the keyboard. */
  virtual bool handleInput(const osgGA::GUIEventAdapter& event) {
    (void)event;
    return false;
  }
  /** Drawn inside the ImGui frame in every UI mode, with or without the panels, after them (tour
      captions, which a video burns in). `uiScale` is the panels' scale. */
  virtual void drawOverlay(ui::Language language, float uiScale) {
    (void)language;
    (void)uiScale;
  }
  /** A carousel stop that is a view, not a bookmark: "tour:<name>:<stop>" (a tour's stop, 1-based,
      as the scene's carousel.stops names it). The extension whose view it is shows it (overlays,
      scenario, layers, time of day) and returns the pose to fly to; others return nullopt. ""
      (the carousel moved on to a bookmark): take back what an earlier view showed. */
  virtual std::optional<FlyPose> showView(const std::string& view) {
    (void)view;
    return std::nullopt;
  }
  /** The panels' scale for this run (ui.scale / --ui-scale, else the display's default), told
      once before the first frame, so that what the extension draws in 3D grows with the panels. */
  virtual void setUiScale(float uiScale) { (void)uiScale; }
  /** True while something of the extension holds the screen's attention (an alarm the camera
      flew to, not yet acknowledged or dismissed): the carousel does not move the camera. */
  virtual bool holdsAttention() const { return false; }
  /** The camera of the frame about to be drawn, after input and flights moved it (called in the
      update traversal, before the frame is culled and drawn): for a seat that publishes its
      camera to a video wall. Default: nothing. */
  virtual void cameraUpdated(const OrbitState& state) { (void)state; }
  /** An orbit state to jump to before this frame (a wall tile following the driving seat),
      applied exactly (CityManipulator::setState) after cameraPose(). Default: none. */
  virtual std::optional<OrbitState> cameraState() { return std::nullopt; }
};

/** This viewer as one tile of a video wall (VideoWall.h): the image (or window) is the tile, the
    virtual screen is the whole wall. The scene is drawn with the tile's off-axis part of the
    wall's frustum; the panels are laid out on the virtual screen, so each tile shows the part of
    them that falls on it (the title bar across the top row, the rails on the outer columns). */
struct WallView {
  WallLayout layout;  // grid and bezels; the tile size is the render size
  WallTile tile;
};

struct ViewerOptions {
  std::string theme;                        // "dark" / "light"; empty = the scene file's
  std::string language;                     // "zh-CN" / "en"; empty = the scene file's
  std::string bookmark;                     // start view; empty = the scene's start bookmark, else frame the extent
  bool panels = true;                       // draw the ImGui panels (false: the credits line only)
  ui::UiMode mode = ui::UiMode::BigScreen;  // the starting UI mode (F2 / F3 switch in a window)
  float uiScale = 0;                        // panel scale; 0 = the scene's ui.scale, else ui::defaultUiScale(height)
  double maxFrameRate = 30;      // runWindow()/renderFrames() frames per second at most; an extension's wake starts
                                 // a frame at once; 0 = as fast as possible
  std::optional<bool> carousel;  // --carousel / --no-carousel; nullopt = the scene's "carousel.enabled"
  std::optional<WallView> wall;  // render one tile of a video wall; nullopt = the whole screen
};

/** What renderImage() drew: the time of each frame it rendered (first, GL compile included, to
    last) and, for the last frame's camera, a cull count of the scene graph (the ImGui overlay
    is not in it) and the labels shown. */
struct RenderFigures {
  std::vector<double> frameMs;
  scene::FrameStatistics drawn;
  std::size_t labelsDrawn = 0;
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
  /** Several tiles of the wall (ViewerOptions::wall gives the grid and bezels) from this one
      process: one frameless window of width x height per tile, at its place on the desktop
      (column x width, row x height), all drawn from one camera, each with its part of the
      panels. Runs like runWindow(). Error when a window cannot be opened. */
  core::Status runWallWindows(const std::vector<WallTile>& tiles, int frames, int width, int height);

  /** Renders the start view headless (EGL, no X) at width x height with the panels, running a
      few frames so that auto-sized panels and labels settle. Returns the RGB image (OSG order). */
  core::Result<osg::ref_ptr<osg::Image>> renderImage(int width, int height);
  /** Renders headless frames one after another, paced as a window is, calling `afterFrame` after
      each (with the frame's number from 0) until it returns false or `maxFrames` frames were
      drawn. For benchmarks that wait for something to appear on screen. */
  core::Status renderFrames(int width, int height, int maxFrames, const std::function<bool(int frame)>& afterFrame);
  /** Renders `frames` headless frames for a video: `beforeFrame(n)` runs before frame n's
      update (to set the clock the extensions read), then the frame is drawn with the panels and
      read back, and `onFrame(n, image)` gets the RGB image (OSG order, bottom row first); false
      stops early. Error when no EGL context can be had. */
  core::Status renderCapturedFrames(int width, int height, int frames,
                                    const std::function<void(int frame)>& beforeFrame,
                                    const std::function<bool(int frame, const osg::Image& image)>& onFrame);

  /** Figures of the last renderImage() (empty before the first). */
  const RenderFigures& lastRenderFigures() const;

  const LoadedScene& scene() const;
  /** The compiled site (building colours, layers); owned by the viewer. */
  scene::SiteScene* siteScene() const;
  double compileMs() const;
  /** Shows `extension` from the next runWindow()/renderImage() on, after those added before
      (the first added gets clicks and mouse events first; panels are drawn in order). */
  void addExtension(std::shared_ptr<ViewerExtension> extension);
  /** Which wall tile the next run renders (ViewerOptions::wall); nullopt = the whole screen. */
  void setWall(std::optional<WallView> wall);

 private:
  TwinViewer();
  struct Impl;
  std::unique_ptr<Impl> _impl;
};

}  // namespace twin::app
