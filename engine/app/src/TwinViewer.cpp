// TwinViewer: composition of SiteScene, CityManipulator, picking and the ImGui panels, for a
// window (osgViewer on X) or headless (HeadlessRenderer, EGL).
#include "twin/app/TwinViewer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <map>
#include <ctime>
#include <thread>
#include <variant>

#include <osg/Stats>
#include <osg/ValueObject>
#include <osg/Timer>
#include <osgDB/DatabasePager>
#include <osgGA/GUIEventHandler>
#include <osgUtil/IncrementalCompileOperation>
#include <osgViewer/Viewer>
#include <osgViewer/config/SingleWindow>
#include <set>

#include <imgui.h>

#include "FramePacer.h"
#include "twin/app/CityManipulator.h"
#include "twin/app/HeadlessRenderer.h"
#include "twin/app/ImGuiOverlay.h"
#include "twin/core/Assert.h"
#include "twin/core/Log.h"
#include "twin/core/Stopwatch.h"
#include "twin/scene/FrameStatistics.h"
#include "twin/scene/SiteScene.h"
#include "twin/scene/TerrainMesh.h"
#include "twin/ui/Carousel.h"
#include "twin/ui/Fonts.h"
#include "twin/ui/MonitorPanels.h"
#include "twin/ui/Panels.h"
#include "twin/ui/Style.h"

namespace twin::app {
namespace {

constexpr float kClickSlopPixels = 4.0f;
constexpr int kHeadlessFrames = 4;         // auto-sized panels appear on their second frame
constexpr int kQuietFramesToSettle = 3;    // frames with nothing loading before a headless image is taken
constexpr double kSettleLimitMs = 120000;  // give up waiting for paged/streamed content after this
constexpr int kLoadingFrameGapMs = 20;
// A wall's vertical field of view: the headless renderer's (setUpViewerAsEmbeddedInWindow), which
// the city manipulator assumes too; a window's default view derives its own from the display
// settings, and tiles in windows must match a seat rendered either way.
constexpr double kWallFovyDegrees = 30;

// The whole wall as one screen: its frustum (the wall's field of view and aspect, `camera`'s near
// and far planes) and that frustum's projection.
struct WallScreen {
  Frustum full;
  osg::Matrixd projection;
};
WallScreen wallScreen(const osg::Camera& camera, const WallLayout& layout) {
  double fovy = kWallFovyDegrees, aspect = 1, zNear = 1, zFar = 10000;
  camera.getProjectionMatrixAsPerspective(fovy, aspect, zNear, zFar);
  WallScreen screen;
  screen.full =
      perspectiveFrustum(kWallFovyDegrees, double(layout.virtualWidth()) / double(layout.virtualHeight()), zNear, zFar);
  const Frustum& f = screen.full;
  screen.projection = osg::Matrixd::frustum(f.left, f.right, f.bottom, f.top, f.zNear, f.zFar);
  return screen;
}

// A camera that draws one tile carries the whole wall's screen, so that the scene clusters its
// POI markers on the whole wall, as on one big screen (SiteScene.cpp, PoiMarkerCull).
void markWallScreen(osg::Camera& camera, const WallScreen& screen, const WallLayout& layout) {
  camera.setUserValue("twin:screenProjection", screen.projection);
  camera.setUserValue("twin:screenWidth", layout.virtualWidth());
  camera.setUserValue("twin:screenHeight", layout.virtualHeight());
}

bool pagerBusy(osgViewer::Viewer& viewer) {
  const osgDB::DatabasePager* pager = viewer.getDatabasePager();
  return pager &&
         (pager->getRequestsInProgress() || pager->getFileRequestListSize() > 0 || pager->getDataToMergeListSize() > 0);
}

osg::Vec4 toVec4(const model::Color& c) { return osg::Vec4(c.r, c.g, c.b, c.a); }

std::string joinNames(const std::vector<model::Bookmark>& bookmarks) {
  std::string out;
  for (const model::Bookmark& b : bookmarks) out += (out.empty() ? "" : ", ") + b.name;
  return out.empty() ? "(none)" : out;
}

// Bookmark heights are above the ground: with terrain, the pose is raised by the ground height
// under its target so that hills are looked at, not looked through.
scene::CameraPose groundedPose(scene::CameraPose pose, const model::Site& site) {
  if (!site.terrain || site.terrain->empty()) return pose;
  const double ground = scene::groundHeight(&*site.terrain, pose.center.x(), pose.center.y());
  if (!std::isfinite(ground)) return pose;
  pose.eye.z() += ground;
  pose.center.z() += ground;
  return pose;
}

}  // namespace

struct TwinViewer::Impl {
  LoadedScene loaded;
  ViewerOptions options;
  osg::ref_ptr<scene::SiteScene> siteScene;
  double compileMs = 0;
  std::string theme;
  ui::Language language = ui::Language::ZhCN;
  OrbitState startState;
  std::vector<std::shared_ptr<ViewerExtension>> extensions;  // monitor, planning, models: in the order added
  std::shared_ptr<FramePacer> pacer;  // shared with the extensions' wake functions, which may outlive the viewer

  // Per viewer run.
  osg::ref_ptr<CityManipulator> manipulator;
  osg::ref_ptr<ImGuiOverlay> overlay;
  osg::Camera* camera = nullptr;
  ui::Panels panels;
  ui::FrameView frameView;
  std::vector<ui::Command> pending;
  double averageFrameMs = 0;
  std::size_t siteMeasuredHeights = 0;  // of the site's buildings; streamed ones are added per frame
  ui::UiMode mode = ui::UiMode::BigScreen;
  float uiScale = 1;
  bool confirmQuit = false;                // the "discard unsaved edits?" dialog is open
  bool quit = false;                       // the user asked to close the window
  RenderFigures figures;                   // of the last renderImage()
  std::unique_ptr<ui::Carousel> carousel;  // a window's unattended tour; none headless
  // 3D label texts in each UI language: a feature's name -> its OSM name:en / name:zh.
  std::map<std::string, std::string> labelNamesEn, labelNamesZh;
  std::optional<ui::Language> labelNamesLanguage;  // the names siteScene draws now (setLabelNames())
  std::set<std::string> unshownViews;              // carousel views no extension showed (warned once)
  void collectLabelNames();

  void setUp(osgViewer::Viewer& viewer, int width, int height);
  void setUpWall(osgViewer::Viewer& viewer, int width, int height);
  void setUpCarousel(osgViewer::Viewer& viewer);
  void runCarousel();
  void showCarouselStop(const std::string& stop);
  void flyToBookmark(const std::string& name);
  bool unsavedEdits() const;
  void fillLegend();
  void applyCommands();
  void refreshView(osgViewer::Viewer& viewer, double frameMs);
  /** Realizes the viewer's windows, titles them with the app and site name when `title` (a
      wall's tile windows keep their own names), and draws `frames` frames (<= 0: until the viewer
      is done or quit); error when no window could be opened. */
  core::Status runWindows(osgViewer::Viewer& viewer, int frames, bool title);
  void tearDownGraphics();
  void applyTheme(const std::string& name);
  class CameraReport;
  ui::FontOptions fontOptions;                           // of the overlay, for a wall's further windows
  ImGuiOverlay::DrawFn panelDraw;                        // the overlay's panels, likewise
  std::vector<osg::ref_ptr<ImGuiOverlay>> tileOverlays;  // runWallWindows(): one per window
  bool extensionsLoading() const {
    for (const auto& extension : extensions)
      if (extension->loading()) return true;
    return false;
  }
};

namespace {

// Hover on mouse move (picked once per frame, not per event) and selection on a click that did
// not drag. Events ImGui took arrive marked handled and are ignored.
class PickHandler : public osgGA::GUIEventHandler {
 public:
  PickHandler(scene::SiteScene* siteScene, ImGuiOverlay* overlay) : _scene(siteScene), _overlay(overlay) {}
  std::vector<ViewerExtension*> extensions;  // get mouse events and clicks first (sensor markers sit on top)

  bool handle(const osgGA::GUIEventAdapter& ea, osgGA::GUIActionAdapter& aa) override {
    using E = osgGA::GUIEventAdapter;
    auto* view = dynamic_cast<osgViewer::View*>(aa.asView());
    if (!view) return false;
    const auto type = ea.getEventType();
    if (type == E::PUSH || type == E::DRAG || type == E::RELEASE || type == E::MOVE) {
      for (ViewerExtension* extension : extensions) {
        if (!extension->handleMouse(ea, *view)) continue;
        // Taken: the manipulator skips handled events, and a taken press is no click.
        ea.setHandled(true);
        if (type == E::PUSH) _pushValid = false;
        aa.requestRedraw();
        return true;
      }
    }
    switch (type) {
      case E::FRAME:
        if (_hoverPending) {
          _hoverPending = false;
          const bool overPanel = _overlay && _overlay->wantsMouse();
          const auto hit = overPanel ? std::nullopt : _scene->pickBuilding(*view, _hoverX, _hoverY);
          _scene->setHoveredBuilding(hit ? int(*hit) : -1);
        }
        return false;
      case E::MOVE:
        if (ea.getHandled()) return false;
        _hoverPending = true;
        _hoverX = ea.getX();
        _hoverY = ea.getY();
        return false;
      case E::PUSH:
        _pushX = ea.getX();
        _pushY = ea.getY();
        _pushValid = !ea.getHandled() && ea.getButton() == E::LEFT_MOUSE_BUTTON;
        return false;
      case E::RELEASE: {
        if (!_pushValid || ea.getHandled() || ea.getButton() != E::LEFT_MOUSE_BUTTON) return false;
        _pushValid = false;
        if (std::abs(ea.getX() - _pushX) > kClickSlopPixels || std::abs(ea.getY() - _pushY) > kClickSlopPixels)
          return false;  // a drag (pan), not a click
        for (ViewerExtension* extension : extensions) {
          if (!extension->pick(*view, ea.getX(), ea.getY())) continue;
          aa.requestRedraw();
          return false;
        }
        const auto hit = _scene->pickBuilding(*view, ea.getX(), ea.getY());
        _scene->setSelectedBuilding(hit ? int(*hit) : -1);
        aa.requestRedraw();
        return false;
      }
      default: return false;
    }
  }

 private:
  osg::ref_ptr<scene::SiteScene> _scene;
  osg::ref_ptr<ImGuiOverlay> _overlay;
  bool _hoverPending = false, _pushValid = false;
  float _hoverX = 0, _hoverY = 0, _pushX = 0, _pushY = 0;
};

// The screen's keys: F2 engineering mode (on/off), F3 presentation mode (on/off), F4 the
// carousel (on/off), Esc closes
// the window (asking first when planning edits are unsaved). Nothing while a text field has the
// keyboard: Esc there only leaves the field.
class ScreenKeyHandler : public osgGA::GUIEventHandler {
 public:
  /** `onKey` gets F2, F3 and Esc presses and returns true when it took the key. */
  ScreenKeyHandler(std::function<bool(int)> onKey, ImGuiOverlay* overlay)
      : _onKey(std::move(onKey)), _overlay(overlay) {}
  bool handle(const osgGA::GUIEventAdapter& ea, osgGA::GUIActionAdapter& aa) override {
    using E = osgGA::GUIEventAdapter;
    if (ea.getEventType() != E::KEYDOWN || ea.getHandled()) return false;
    if (_overlay && _overlay->wantsTextInput()) return false;
    const int key = ea.getKey();
    if (key != E::KEY_F2 && key != E::KEY_F3 && key != E::KEY_F4 && key != E::KEY_Escape) return false;
    if (!_onKey(key)) return false;
    aa.requestRedraw();
    return true;
  }

 private:
  std::function<bool(int)> _onKey;
  osg::ref_ptr<ImGuiOverlay> _overlay;
};

// Key presses and wheel turns for the extensions (tour keys; input that ends a tour), before the
// screen's keys and the camera manipulator.
class ExtensionInputHandler : public osgGA::GUIEventHandler {
 public:
  ExtensionInputHandler(std::vector<ViewerExtension*> extensions, ImGuiOverlay* overlay)
      : _extensions(std::move(extensions)), _overlay(overlay) {}
  bool handle(const osgGA::GUIEventAdapter& ea, osgGA::GUIActionAdapter& aa) override {
    using E = osgGA::GUIEventAdapter;
    if (ea.getEventType() != E::KEYDOWN && ea.getEventType() != E::SCROLL) return false;
    if (ea.getHandled() || (_overlay && _overlay->wantsTextInput())) return false;
    for (ViewerExtension* extension : _extensions)
      if (extension->handleInput(ea)) {
        aa.requestRedraw();
        return true;
      }
    return false;
  }

 private:
  std::vector<ViewerExtension*> _extensions;
  osg::ref_ptr<ImGuiOverlay> _overlay;
};

// Tells the carousel about every input from a person (keys, buttons, drags, wheel, pointer
// moves), whoever handles it afterwards. F4 is the carousel's own switch, not a use of the screen.
class CarouselInputHandler : public osgGA::GUIEventHandler {
 public:
  explicit CarouselInputHandler(ui::Carousel* carousel) : _carousel(carousel) {}
  bool handle(const osgGA::GUIEventAdapter& ea, osgGA::GUIActionAdapter&) override {
    using E = osgGA::GUIEventAdapter;
    switch (ea.getEventType()) {
      case E::KEYDOWN:
        if (ea.getKey() == E::KEY_F4) return false;
        [[fallthrough]];
      case E::PUSH:
      case E::RELEASE:
      case E::DRAG:
      case E::MOVE:
      case E::SCROLL: _carousel->input(); return false;
      default: return false;
    }
  }

 private:
  ui::Carousel* _carousel;
};

}  // namespace

// Tells the extensions the camera of the frame being drawn. An update operation runs after the
// event traversal (input and flights have moved the manipulator) and before cull and draw, so a
// wall's lead publishes the pose of this frame, not of the last one.
class TwinViewer::Impl::CameraReport : public osg::Operation {
 public:
  explicit CameraReport(TwinViewer::Impl* impl) : osg::Operation("twin camera report", true), _impl(impl) {}
  void operator()(osg::Object*) override {
    if (!_impl->manipulator) return;
    for (const auto& extension : _impl->extensions) extension->cameraUpdated(_impl->manipulator->state());
  }

 private:
  TwinViewer::Impl* _impl;
};

// A wall tile: the tile's part of the wall's frustum (same eye, same vertical field of view as
// one screen of the wall's size), fixed when a window is resized, and the panels laid out on the
// virtual screen.
void TwinViewer::Impl::setUpWall(osgViewer::Viewer& viewer, int width, int height) {
  WallLayout layout = options.wall->layout;
  layout.tileWidth = width;
  layout.tileHeight = height;
  const WallScreen screen = wallScreen(*camera, layout);
  const Frustum f = tileFrustum(screen.full, layout, options.wall->tile);
  camera->setProjectionMatrixAsFrustum(f.left, f.right, f.bottom, f.top, f.zNear, f.zFar);
  camera->setProjectionResizePolicy(osg::Camera::FIXED);
  markWallScreen(*camera, screen, layout);
  const PixelRect rect = tileRect(layout, options.wall->tile);
  if (overlay)
    overlay->setVirtualScreen(rect.x, rect.y, layout.virtualWidth(), layout.virtualHeight(), screen.projection);
  (void)viewer;
}

bool TwinViewer::Impl::unsavedEdits() const {
  for (const auto& extension : extensions)
    if (extension->unsavedEdits()) return true;
  return false;
}

core::Status TwinViewer::Impl::runWindows(osgViewer::Viewer& viewer, int frames, bool title) {
  viewer.realize();
  if (!viewer.isRealized()) {
    const char* display = std::getenv("DISPLAY");
    return core::fail(std::string("twin: cannot open a window on display '") + (display ? display : "") + "'");
  }
  if (title) {
    osgViewer::ViewerBase::Windows windows;
    viewer.getWindows(windows);
    const std::string& name = frameView.siteName;
    const std::string text = std::string(ui::tr(language, "app.title")) + (name.empty() ? "" : " - " + name);
    for (osgViewer::GraphicsWindow* window : windows) window->setWindowName(text);
  }
  int frame = 0;
  while (!viewer.done() && !quit && (frames <= 0 || frame < frames)) {
    pacer->waitForFrame();
    applyCommands();
    core::Stopwatch clock;
    viewer.frame();
    refreshView(viewer, clock.elapsedMs());
    ++frame;
  }
  return core::Ok{};
}

TwinViewer::TwinViewer() : _impl(std::make_unique<Impl>()) {}
TwinViewer::~TwinViewer() = default;

core::Result<std::unique_ptr<TwinViewer>> TwinViewer::create(LoadedScene loaded, const ViewerOptions& options) {
  const model::SceneConfig& config = loaded.config;
  const std::string file = config.file.empty() ? std::string("the data file") : config.file.string();
  const std::string theme = options.theme.empty() ? config.theme : options.theme;
  if (config.themes.find(theme) == config.themes.end())
    return core::fail("twin: unknown theme '" + theme + "' in " + file + "; known: dark, light");
  ui::Language language = ui::Language::ZhCN;
  const std::string languageCode = options.language.empty() ? config.language : options.language;
  if (!ui::languageFromCode(languageCode, language))
    return core::fail("twin: unknown language '" + languageCode + "' in " + file + "; known: zh-CN, en");

  // The start view: the named bookmark, else the scene's start bookmark, else the first, else
  // the whole site.
  const model::Bookmark* start = nullptr;
  const std::string wanted = !options.bookmark.empty() ? options.bookmark : config.startBookmark;
  for (const model::Bookmark& b : config.bookmarks)
    if (b.name == wanted) start = &b;
  if (!wanted.empty() && !start)
    return core::fail("twin: unknown bookmark '" + wanted + "' in " + file + "; known: " + joinNames(config.bookmarks));
  if (!start && !config.bookmarks.empty()) start = &config.bookmarks.front();
  const scene::CameraPose pose = groundedPose(
      start ? scene::poseForBookmark(*start, loaded.site->frame) : scene::poseFramingExtent(loaded.site->extent),
      *loaded.site);

  scene::SceneOptions sceneOptions;
  sceneOptions.theme = config.themes.at(theme);
  sceneOptions.storeyMeters = config.heights.storeyMeters;  // the rows of windows
  core::Stopwatch clock;
  auto built = scene::SiteScene::build(*loaded.site, sceneOptions, loaded.site->diagnostics);
  if (!built) return built.error();

  std::unique_ptr<TwinViewer> viewer(new TwinViewer);
  Impl& impl = *viewer->_impl;
  impl.compileMs = clock.elapsedMs();
  impl.siteScene = built.value();
  impl.theme = theme;
  impl.language = language;
  impl.options = options;
  impl.mode = options.mode;
  impl.pacer = std::make_shared<FramePacer>(options.maxFrameRate);
  impl.startState = CityManipulator::stateFromLookAt(pose.eye, pose.center);
  for (const auto& [layerName, visible] : config.visibleLayers)
    for (int i = 0; i < scene::kLayerCount; ++i)
      if (layerName == scene::layerName(scene::Layer(i))) impl.siteScene->setLayerVisible(scene::Layer(i), visible);
  impl.loaded = std::move(loaded);
  return viewer;
}

const LoadedScene& TwinViewer::scene() const { return _impl->loaded; }
scene::SiteScene* TwinViewer::siteScene() const { return _impl->siteScene.get(); }
void TwinViewer::addExtension(std::shared_ptr<ViewerExtension> extension) {
  if (!extension) return;
  extension->setWake([pacer = _impl->pacer] { pacer->wake(); });
  _impl->extensions.push_back(std::move(extension));
}
const RenderFigures& TwinViewer::lastRenderFigures() const { return _impl->figures; }
void TwinViewer::setWall(std::optional<WallView> wall) { _impl->options.wall = std::move(wall); }

double TwinViewer::compileMs() const { return _impl->compileMs; }

void TwinViewer::Impl::applyTheme(const std::string& name) {
  auto it = loaded.config.themes.find(name);
  if (it == loaded.config.themes.end()) return;
  theme = name;
  siteScene->setTheme(it->second);
  if (camera) camera->setClearColor(toVec4(it->second.background));
  if (overlay) {
    ImGuiContext* previous = ImGui::GetCurrentContext();
    ImGui::SetCurrentContext(overlay->context());
    ui::applyStyle(name);
    ImGui::GetStyle().ScaleAllSizes(uiScale);  // paddings and spacings follow the font
    ImGui::SetCurrentContext(previous);
  }
}

void TwinViewer::Impl::setUp(osgViewer::Viewer& viewer, int width, int height) {
  const model::Site& site = *loaded.site;
  // The scale is fixed per run: the font atlas is baked for it. A wall's panels are sized for
  // the whole wall, as one screen of its size would have them.
  int screenHeight = height;
  if (options.wall) {
    WallLayout layout = options.wall->layout;
    layout.tileWidth = width;
    layout.tileHeight = height;
    screenHeight = layout.virtualHeight();
  }
  uiScale = options.uiScale > 0         ? options.uiScale
            : loaded.config.uiScale > 0 ? float(loaded.config.uiScale)
                                        : ui::defaultUiScale(screenHeight);
  quit = false;
  confirmQuit = false;
  camera = viewer.getCamera();
  carousel.reset();                   // a window's (setUpCarousel()); a headless image is one moment
  siteScene->setLabelScale(uiScale);  // 3D labels grow with the panels on a large wall
  viewer.setThreadingModel(osgViewer::ViewerBase::SingleThreaded);
  viewer.setSceneData(siteScene->root());
  for (const auto& extension : extensions) extension->setUiScale(uiScale);
  for (const auto& extension : extensions)
    if (osg::Node* node = extension->sceneNode())
      if (!siteScene->root()->containsNode(node)) siteScene->root()->addChild(node);
  camera->getStats()->collectStats("scene", true);
  // The pager (paged building blocks, oblique models) compiles what it loads a little per frame.
  if (!viewer.getIncrementalCompileOperation())
    viewer.setIncrementalCompileOperation(new osgUtil::IncrementalCompileOperation);

  manipulator = new CityManipulator(site.extent);
  manipulator->setStartState(startState);
  manipulator->setState(startState);
  viewer.setCameraManipulator(manipulator.get(), true);

  {
    // The overlay draws the scene's labels as well, so it is needed even without the panels.
    ui::FontOptions fonts;
    fonts.sizePixels = ui::kBaseFontPixels * uiScale;
    fonts.extraTexts.push_back(site.name);
    fonts.extraTexts.push_back(loaded.config.name);
    for (const model::Building& b : site.buildings) fonts.extraTexts.push_back(b.name);
    for (const model::Poi& p : site.pois) fonts.extraTexts.push_back(p.name);
    for (const model::Road& r : site.roads) fonts.extraTexts.push_back(r.name);
    for (const model::Bookmark& b : loaded.config.bookmarks) fonts.extraTexts.push_back(b.label);
    for (const std::string& a : site.attributions) fonts.extraTexts.push_back(a);
    for (const auto& extension : extensions)
      for (std::string& t : extension->fontTexts()) fonts.extraTexts.push_back(std::move(t));
    collectLabelNames();
    for (const auto* names : {&labelNamesEn, &labelNamesZh})
      for (const auto& entry : *names) fonts.extraTexts.push_back(entry.second);
    overlay = new ImGuiOverlay(fonts);
    fontOptions = fonts;
    overlay->setLabelSource(siteScene.get());
    ImGuiOverlay::DrawFn drawPanels = [this]() {
      if (!options.panels) {
        panels.drawCredits(frameView);  // the data's licences want their credit on every image
      } else {
        auto commands = panels.draw(frameView);
        pending.insert(pending.end(), commands.begin(), commands.end());
        for (const auto& extension : extensions) {
          if (mode == ui::UiMode::Engineering)
            extension->drawPanels(language);
          else if (mode == ui::UiMode::BigScreen)
            extension->drawRail(language, panels.layout().right);
        }
      }
      for (const auto& extension : extensions) extension->drawOverlay(language, uiScale);
    };
    panelDraw = drawPanels;
    overlay->install(viewer, std::move(drawPanels));
  }
  {
    std::vector<ViewerExtension*> inputExtensions;
    for (const auto& extension : extensions) inputExtensions.push_back(extension.get());
    viewer.addEventHandler(new ExtensionInputHandler(std::move(inputExtensions), overlay.get()));
  }
  viewer.addEventHandler(new ScreenKeyHandler(
      [this](int key) {
        using E = osgGA::GUIEventAdapter;
        if (key == E::KEY_F2)
          pending.push_back(
              ui::SetUiMode{mode == ui::UiMode::Engineering ? ui::UiMode::BigScreen : ui::UiMode::Engineering});
        else if (key == E::KEY_F3)
          pending.push_back(
              ui::SetUiMode{mode == ui::UiMode::Presentation ? ui::UiMode::BigScreen : ui::UiMode::Presentation});
        else if (key == E::KEY_F4) {
          if (!carousel) return false;
          carousel->setEnabled(!carousel->enabled());
        } else
          switch (ui::escapeAction(overlay && overlay->wantsTextInput(), confirmQuit, unsavedEdits())) {
            case ui::EscapeAction::Ignore: return false;
            case ui::EscapeAction::CloseDialog: confirmQuit = false; break;
            case ui::EscapeAction::AskToQuit: confirmQuit = true; break;
            case ui::EscapeAction::Quit: quit = true; break;
          }
        return true;
      },
      overlay.get()));
  auto* pickHandler = new PickHandler(siteScene.get(), overlay.get());
  for (const auto& extension : extensions) pickHandler->extensions.push_back(extension.get());
  viewer.addEventHandler(pickHandler);
  applyTheme(theme);

  frameView.siteName = loaded.config.name.empty() ? site.name : loaded.config.name;
  frameView.bookmarks = &loaded.config.bookmarks;
  frameView.diagnostics = &site.diagnostics;
  frameView.attributions = site.attributions;
  frameView.stats.buildings = site.buildings.size();
  frameView.stats.roads = site.roads.size();
  frameView.stats.pois = site.pois.size();
  frameView.stats.triangles = siteScene->stats().buildingTriangles;
  frameView.stats.loadMs = loaded.loadMs;
  frameView.stats.compileMs = compileMs;
  frameView.figures = ui::SceneFigures{};
  frameView.figures.buildings = site.buildings.size();
  siteMeasuredHeights = 0;
  for (const model::Building& b : site.buildings)
    if (b.heightSource == model::HeightSource::Measured) ++siteMeasuredHeights;
  frameView.figures.measuredHeights = siteMeasuredHeights;
  for (const model::Poi& p : site.pois) ++frameView.figures.poisByCategory[p.category];
  viewer.addUpdateOperation(new CameraReport(this));
  if (options.wall) setUpWall(viewer, width, height);
  refreshView(viewer, 0);
}

void TwinViewer::Impl::collectLabelNames() {
  labelNamesEn.clear();
  labelNamesZh.clear();
  labelNamesLanguage.reset();  // refreshView() hands the new names to the scene
  const auto add = [this](const std::string& name, const model::Tags& tags) {
    if (name.empty()) return;
    if (auto en = tags.find("name:en"); en != tags.end() && !en->second.empty() && en->second != name)
      labelNamesEn.emplace(name, en->second);
    if (auto zh = tags.find("name:zh"); zh != tags.end() && !zh->second.empty() && zh->second != name)
      labelNamesZh.emplace(name, zh->second);
  };
  const model::Site& site = *loaded.site;
  for (const model::Building& b : site.buildings) add(b.name, b.tags);
  for (const model::Poi& p : site.pois) add(p.name, p.tags);
  for (const model::Road& r : site.roads) add(r.name, r.tags);
}

void TwinViewer::Impl::fillLegend() {
  frameView.legend.clear();
  frameView.status = ui::ScreenStatus{};
  // Building use: the use colours of the theme, for the uses the site has (not while the
  // buildings are coloured by an analysis, whose legend the extension gives).
  if (siteScene->layerVisible(scene::Layer::Buildings) && !siteScene->buildingColorsActive()) {
    const model::Theme& t = loaded.config.themes.at(theme);
    std::set<std::string> uses;
    for (const model::Building& b : loaded.site->buildings) uses.insert(model::buildingUseName(b.use));
    for (const scene::StreamedLayerFigures& streamed : siteScene->streamedLayers())
      for (model::BuildingUse use : streamed.uses) uses.insert(model::buildingUseName(use));
    ui::LegendGroup group;
    group.title = ui::tr(language, "legend.buildingUse");
    for (const auto& [use, colour] : t.buildingUse) {
      if (!uses.count(use)) continue;
      const std::string key = "use." + use;
      group.entries.push_back({ui::Rgba{colour.r, colour.g, colour.b, 1},
                               ui::findTranslation(language, key) ? ui::tr(language, key.c_str()) : use});
    }
    frameView.legend.push_back(std::move(group));
  }
  for (const auto& extension : extensions) extension->contribute(frameView);
  frameView.status.carousel = carousel && carousel->state() != ui::CarouselState::Off;
  if (frameView.status.clock.empty()) {
    // No sensor data: the clock is the wall clock, shown in China Standard Time like the data.
    frameView.status.clock = ui::formatDataTime(std::int64_t(std::time(nullptr)) * 1000, 480);
  }
}

void TwinViewer::Impl::applyCommands() {
  for (const auto& extension : extensions) {
    extension->update(osg::Timer::instance()->time_s());
    if (overlay) {
      const std::vector<std::string> texts = extension->takeNewTexts();
      if (!texts.empty()) overlay->requireTexts(texts);
    }
    if (auto target = extension->takeFlyTarget())
      manipulator->flyTo(CityManipulator::stateFromLookAt(*target + osg::Vec3d(0, -190, 180), *target));
    if (auto pose = extension->takeFlyPose())
      manipulator->flyTo(CityManipulator::stateFromLookAt(pose->eye, pose->center));
    ViewerExtension::FlyPose current;
    osg::Vec3d up;
    CityManipulator::lookAt(manipulator->state(), current.eye, current.center, up);
    if (auto pose = extension->cameraPose(current))
      manipulator->setState(CityManipulator::stateFromLookAt(pose->eye, pose->center));
    if (auto state = extension->cameraState()) manipulator->setState(*state);
  }
  for (const ui::Command& command : pending) {
    if (auto* c = std::get_if<ui::SetLayerVisible>(&command)) {
      siteScene->setLayerVisible(scene::Layer(int(c->layer)), c->visible);
    } else if (auto* c = std::get_if<ui::FlyToBookmark>(&command)) {
      flyToBookmark(c->name);
    } else if (auto* c = std::get_if<ui::SetLanguage>(&command)) {
      language = c->language;
    } else if (auto* c = std::get_if<ui::SetTheme>(&command)) {
      applyTheme(c->theme);
    } else if (std::holds_alternative<ui::ClearSelection>(command)) {
      siteScene->setSelectedBuilding(-1);
    } else if (auto* c = std::get_if<ui::SetUiMode>(&command)) {
      mode = c->mode;
    } else if (auto* c = std::get_if<ui::AnswerQuit>(&command)) {
      confirmQuit = false;
      quit = c->quit;
    }
  }
  pending.clear();
  runCarousel();
}

void TwinViewer::Impl::flyToBookmark(const std::string& name) {
  for (const model::Bookmark& b : loaded.config.bookmarks) {
    if (b.name != name) continue;
    const scene::CameraPose pose = groundedPose(scene::poseForBookmark(b, loaded.site->frame), *loaded.site);
    manipulator->flyTo(CityManipulator::stateFromLookAt(pose.eye, pose.center));
  }
}

// The tour goes through the scene's "carousel.stops" (default: every bookmark), starting with the
// one after the start view so that its first move shows something new.
void TwinViewer::Impl::setUpCarousel(osgViewer::Viewer& viewer) {
  const model::CarouselConfig& config = loaded.config.carousel;
  std::vector<std::string> stops = config.stops;
  if (stops.empty())
    for (const model::Bookmark& b : loaded.config.bookmarks) stops.push_back(b.name);
  const std::string start = !options.bookmark.empty() ? options.bookmark : loaded.config.startBookmark;
  auto at = std::find(stops.begin(), stops.end(), start);
  if (at != stops.end()) std::rotate(stops.begin(), at + 1, stops.end());
  carousel = std::make_unique<ui::Carousel>(std::move(stops), config.intervalSeconds, config.idleSeconds,
                                            []() { return osg::Timer::instance()->time_s(); });
  carousel->setEnabled(options.carousel.value_or(config.enabled));
  viewer.addEventHandler(new CarouselInputHandler(carousel.get()));
}

// After the extensions' fly-to requests: an alarm's flight wins, and the tour waits for it.
void TwinViewer::Impl::runCarousel() {
  if (!carousel) return;
  bool held = false;
  for (const auto& extension : extensions) held = held || extension->holdsAttention();
  carousel->setAlarmHold(held);
  if (mode == ui::UiMode::Engineering) return;  // someone is at work on the screen
  if (auto stop = carousel->poll()) showCarouselStop(*stop);
}

// A bookmark, or a view ("tour:<name>:<stop>", model's parseCarousel) that an extension shows.
void TwinViewer::Impl::showCarouselStop(const std::string& stop) {
  const bool view = stop.rfind("tour:", 0) == 0;
  std::optional<ViewerExtension::FlyPose> pose;
  for (const auto& extension : extensions)
    if (auto p = extension->showView(view ? stop : std::string())) pose = p;
  if (!view)
    flyToBookmark(stop);
  else if (pose)
    manipulator->flyTo(CityManipulator::stateFromLookAt(pose->eye, pose->center));
  else if (unshownViews.insert(stop).second)
    core::logWarning("twin: carousel stop '" + stop +
                     "': no view of this run shows it (a tour's view needs the tours of the scene)");
}

void TwinViewer::Impl::refreshView(osgViewer::Viewer& viewer, double frameMs) {
  const model::Site& site = *loaded.site;
  frameView.language = language;
  if (labelNamesLanguage != language) {
    // The scene draws the translated names itself, so that their declutter boxes fit them.
    siteScene->setLabelNames(language == ui::Language::En ? labelNamesEn : labelNamesZh);
    labelNamesLanguage = language;
  }
  frameView.theme = theme;
  frameView.mode = mode;
  frameView.uiScale = uiScale;
  frameView.confirmQuit = confirmQuit;
  fillLegend();
  for (int i = 0; i < ui::kLayerIdCount; ++i)
    frameView.layerVisible[std::size_t(i)] = siteScene->layerVisible(scene::Layer(i));
  const int selected = siteScene->selectedBuilding(), hovered = siteScene->hoveredBuilding();
  frameView.selectedBuilding =
      selected >= 0 && std::size_t(selected) < site.buildings.size() ? &site.buildings[std::size_t(selected)] : nullptr;
  frameView.hoveredBuilding =
      hovered >= 0 && std::size_t(hovered) < site.buildings.size() ? &site.buildings[std::size_t(hovered)] : nullptr;
  if (frameMs > 0) {
    averageFrameMs = averageFrameMs > 0 ? 0.9 * averageFrameMs + 0.1 * frameMs : frameMs;
    frameView.stats.frameMs = frameMs;
    frameView.stats.fps = 1000.0 / averageFrameMs;
  }
  {
    ui::FrameStats& s = frameView.stats;
    s.streamedLayers = s.streamedBuildings = s.streamedTiles = s.streamedQueued = 0;
    std::size_t streamedMeasured = 0;
    for (const scene::StreamedLayerFigures& f : siteScene->streamedLayers()) {
      ++s.streamedLayers;
      s.streamedBuildings += f.buildingsShown;
      s.streamedTiles += f.tilesShown;
      s.streamedQueued += f.tilesQueued;
      streamedMeasured += f.measuredHeightsShown;
    }
    // The big screen's figures count the streamed buildings in the scene now with the site's.
    frameView.figures.buildings = site.buildings.size() + s.streamedBuildings;
    frameView.figures.measuredHeights = siteMeasuredHeights + streamedMeasured;
  }
  if (osg::Stats* stats = camera ? camera->getStats() : nullptr) {
    double drawables = 0;
    if (stats->getAttribute(stats->getLatestFrameNumber(), "Visible number of drawables", drawables))
      frameView.stats.drawCalls = std::size_t(drawables);
  }
  (void)viewer;
}

void TwinViewer::Impl::tearDownGraphics() {
  if (overlay) overlay->releaseGraphics();
}

core::Status TwinViewer::runWindow(int frames, int width, int height) {
  Impl& impl = *_impl;
  osg::ref_ptr<osgViewer::Viewer> viewer = new osgViewer::Viewer;
  // The window fits the screen: no larger than the screen less room for the desktop's bars.
  int x = 40, y = 40;
  if (auto* wsi = impl.options.wall ? nullptr : osg::GraphicsContext::getWindowingSystemInterface()) {
    osg::GraphicsContext::ScreenSettings screen;
    osg::GraphicsContext::ScreenIdentifier id;
    id.readDISPLAY();  // the screen of $DISPLAY, not ":0.0"
    id.setUndefinedScreenDetailsToDefaultScreen();
    wsi->getScreenSettings(id, screen);
    if (screen.width > 0 && screen.height > 0) {
      width = std::min(width, screen.width);
      height = std::min(height, screen.height);
      x = (screen.width - width) / 2;
      y = (screen.height - height) / 2;
    }
  }
  if (impl.options.wall) {
    // A tile's window sits, without a frame, at its place on a desktop whose outputs are laid
    // out like the wall's displays (each output one tile; the bezels are not desktop pixels).
    osg::ref_ptr<osgViewer::SingleWindow> window = new osgViewer::SingleWindow(
        impl.options.wall->tile.column * width, impl.options.wall->tile.row * height, width, height);
    window->setWindowDecoration(false);
    viewer->apply(window.get());
  } else {
    viewer->setUpViewInWindow(x, y, width, height);
  }
  viewer->setKeyEventSetsDone(0);  // Esc goes through ScreenKeyHandler (text fields, unsaved edits)
  impl.setUp(*viewer, width, height);
  impl.setUpCarousel(*viewer);
  if (auto ran = impl.runWindows(*viewer, frames, true); !ran) return ran;
  osgViewer::ViewerBase::Contexts contexts;
  viewer->getContexts(contexts);
  if (!contexts.empty() && contexts.front()->makeCurrent()) {
    impl.tearDownGraphics();
    contexts.front()->releaseContext();
  }
  impl.overlay = nullptr;
  impl.camera = nullptr;
  return core::Ok{};
}

// Several wall tiles from one process: the master camera holds the wall's whole frustum and the
// city manipulator and draws nothing itself; each tile is a slave camera with its own window,
// whose projection offset cuts the tile's part out of the master's (P_tile = P_master x offset),
// and its own ImGui overlay showing its rectangle of the panels. One thread draws them in turn.
core::Status TwinViewer::runWallWindows(const std::vector<WallTile>& tiles, int frames, int width, int height) {
  Impl& impl = *_impl;
  TWIN_ASSERT(impl.options.wall && !tiles.empty(), "app::TwinViewer::runWallWindows(): needs ViewerOptions::wall");
  WallLayout layout = impl.options.wall->layout;
  layout.tileWidth = width;
  layout.tileHeight = height;
  osg::ref_ptr<osgViewer::Viewer> viewer = new osgViewer::Viewer;
  // The view's own planes and the wall's field of view, as setUpWall() takes them for the first tile.
  const WallScreen screen = wallScreen(*viewer->getCamera(), layout);
  const osg::Matrixd& fullProjection = screen.projection;
  std::vector<osg::ref_ptr<osg::Camera>> cameras;
  for (const WallTile& tile : tiles) {
    osg::ref_ptr<osg::GraphicsContext::Traits> traits = new osg::GraphicsContext::Traits;
    traits->readDISPLAY();
    traits->setUndefinedScreenDetailsToDefaultScreen();
    traits->x = tile.column * width;
    traits->y = tile.row * height;
    traits->width = width;
    traits->height = height;
    traits->windowDecoration = false;
    traits->doubleBuffer = true;
    traits->windowName = "twin wall " + std::to_string(tile.column) + "," + std::to_string(tile.row);
    osg::ref_ptr<osg::GraphicsContext> context = osg::GraphicsContext::createGraphicsContext(traits.get());
    if (!context) {
      const char* display = std::getenv("DISPLAY");
      return core::fail(std::string("twin: cannot open a window on display '") + (display ? display : "") +
                        "' for wall tile " + std::to_string(tile.column) + "," + std::to_string(tile.row));
    }
    osg::ref_ptr<osg::Camera> camera = new osg::Camera;
    camera->setGraphicsContext(context.get());
    camera->setViewport(new osg::Viewport(0, 0, width, height));
    camera->setDrawBuffer(GL_BACK);
    camera->setReadBuffer(GL_BACK);
    camera->setProjectionResizePolicy(osg::Camera::FIXED);
    const Frustum f = tileFrustum(screen.full, layout, tile);
    const osg::Matrixd tileProjection = osg::Matrixd::frustum(f.left, f.right, f.bottom, f.top, f.zNear, f.zFar);
    markWallScreen(*camera, screen, layout);
    viewer->addSlave(camera.get(), osg::Matrixd::inverse(fullProjection) * tileProjection, osg::Matrixd(), true);
    cameras.push_back(camera);
  }
  viewer->setKeyEventSetsDone(0);
  impl.options.wall->tile = tiles.front();
  impl.setUp(*viewer, width, height);
  // setUp() gave the master the first tile's frustum: it holds the whole wall's instead.
  viewer->getCamera()->setProjectionMatrix(fullProjection);
  viewer->getCamera()->setProjectionResizePolicy(osg::Camera::FIXED);
  impl.tileOverlays.clear();
  for (std::size_t i = 0; i < tiles.size(); ++i) {
    cameras[i]->setClearColor(viewer->getCamera()->getClearColor());
    if (i == 0) {
      // The viewer's own overlay (which takes the input) draws the first tile; setUpWall() gave
      // it that tile's rectangle.
      impl.overlay->installOnCamera(*cameras[0], impl.panelDraw);
      impl.tileOverlays.push_back(impl.overlay);
      continue;
    }
    osg::ref_ptr<ImGuiOverlay> overlay = new ImGuiOverlay(impl.fontOptions);
    overlay->setLabelSource(impl.siteScene.get());
    overlay->setLabelNames(impl.language == ui::Language::En ? &impl.labelNamesEn : &impl.labelNamesZh);
    const PixelRect rect = tileRect(layout, tiles[i]);
    overlay->setVirtualScreen(rect.x, rect.y, layout.virtualWidth(), layout.virtualHeight(), fullProjection);
    ImGui::SetCurrentContext(overlay->context());
    ui::applyStyle(impl.theme);
    ImGui::GetStyle().ScaleAllSizes(impl.uiScale);
    overlay->installOnCamera(*cameras[i], impl.panelDraw);
    impl.tileOverlays.push_back(overlay);
  }
  if (auto ran = impl.runWindows(*viewer, frames, false); !ran) return ran;
  for (std::size_t i = 0; i < cameras.size(); ++i) {
    osg::GraphicsContext* context = cameras[i]->getGraphicsContext();
    if (context && context->makeCurrent()) {
      impl.tileOverlays[i]->releaseGraphics();
      context->releaseContext();
    }
  }
  impl.tileOverlays.clear();
  impl.overlay = nullptr;
  impl.camera = nullptr;
  return core::Ok{};
}

core::Status TwinViewer::renderFrames(int width, int height, int maxFrames,
                                      const std::function<bool(int)>& afterFrame) {
  Impl& impl = *_impl;
  auto renderer = HeadlessRenderer::create(width, height);
  if (!renderer) return renderer.error();
  osgViewer::Viewer& viewer = (*renderer)->viewer();
  impl.setUp(viewer, width, height);
  for (int i = 0; i < maxFrames; ++i) {
    impl.pacer->waitForFrame();
    impl.applyCommands();
    core::Stopwatch clock;
    (*renderer)->renderFrame();
    impl.refreshView(viewer, clock.elapsedMs());
    if (!afterFrame(i)) break;
  }
  impl.tearDownGraphics();
  impl.overlay = nullptr;
  impl.camera = nullptr;
  return core::Ok{};
}

core::Status TwinViewer::renderCapturedFrames(int width, int height, int frames,
                                              const std::function<void(int)>& beforeFrame,
                                              const std::function<bool(int, const osg::Image&)>& onFrame) {
  Impl& impl = *_impl;
  auto renderer = HeadlessRenderer::create(width, height);
  if (!renderer) return renderer.error();
  osgViewer::Viewer& viewer = (*renderer)->viewer();
  impl.setUp(viewer, width, height);
  for (int i = 0; i < frames; ++i) {
    beforeFrame(i);
    impl.applyCommands();
    core::Stopwatch clock;
    (*renderer)->renderFrame();
    impl.refreshView(viewer, clock.elapsedMs());
    osg::ref_ptr<osg::Image> image = (*renderer)->capture();
    if (!onFrame(i, *image)) break;
  }
  impl.tearDownGraphics();
  impl.overlay = nullptr;
  impl.camera = nullptr;
  return core::Ok{};
}

core::Result<osg::ref_ptr<osg::Image>> TwinViewer::renderImage(int width, int height) {
  Impl& impl = *_impl;
  auto renderer = HeadlessRenderer::create(width, height);
  if (!renderer) return renderer.error();
  osgViewer::Viewer& viewer = (*renderer)->viewer();
  impl.setUp(viewer, width, height);
  impl.figures = RenderFigures{};
  for (int i = 0; i < kHeadlessFrames; ++i) {
    impl.applyCommands();
    core::Stopwatch clock;
    (*renderer)->renderFrame();
    impl.figures.frameMs.push_back(clock.elapsedMs());
    impl.refreshView(viewer, impl.figures.frameMs.back());
  }
  // Paged and streamed models: keep drawing until nothing is in flight for a few frames, so the
  // image shows the detail this view asks for. Frames are spaced out while loading: on a small
  // machine, rendering flat out would starve the loader threads.
  core::Stopwatch settling;
  for (int quietFrames = 0; quietFrames < kQuietFramesToSettle;) {
    const bool busy = pagerBusy(viewer) || impl.extensionsLoading() || !impl.siteScene->streamingIdle();
    quietFrames = busy ? 0 : quietFrames + 1;
    if (settling.elapsedMs() > kSettleLimitMs) {
      core::logWarning("twin: models still loading after " + std::to_string(int(kSettleLimitMs / 1000)) +
                       " s; the image shows what had arrived");
      break;
    }
    if (busy) std::this_thread::sleep_for(std::chrono::milliseconds(kLoadingFrameGapMs));
    impl.applyCommands();
    core::Stopwatch clock;
    (*renderer)->renderFrame();
    impl.figures.frameMs.push_back(clock.elapsedMs());
    impl.refreshView(viewer, impl.figures.frameMs.back());
  }
  if (const osg::Viewport* viewport = viewer.getCamera()->getViewport()) {
    impl.figures.drawn = scene::cullStatistics(*impl.siteScene->root(), viewer.getCamera()->getViewMatrix(),
                                               viewer.getCamera()->getProjectionMatrix(), *viewport);
    impl.figures.labelsDrawn = impl.siteScene->visibleLabels(*viewer.getCamera()).size();
  }
  osg::ref_ptr<osg::Image> image = (*renderer)->capture();
  impl.tearDownGraphics();  // the EGL context is still current
  impl.overlay = nullptr;
  impl.camera = nullptr;
  return image;
}

}  // namespace twin::app
