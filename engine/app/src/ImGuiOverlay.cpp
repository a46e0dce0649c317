#include "twin/app/ImGuiOverlay.h"

#include <algorithm>
#include <cfloat>
#include <cmath>

#include <osg/Camera>
#include <osgGA/GUIEventHandler>

#include <imgui.h>
#include <backends/imgui_impl_opengl3.h>

#include "twin/core/Log.h"
#include "twin/scene/SiteScene.h"
#include "twin/ui/Style.h"

namespace twin::app {
namespace {

ImU32 packColor(const model::Color& c) { return ImGui::ColorConvertFloat4ToU32(ImVec4(c.r, c.g, c.b, c.a)); }

// All labels go into the background draw list: under every panel, and batched with the panels'
// vertices into the one ImGui render pass (same font atlas texture), so they cost about one draw
// call in total. The halo is the text drawn 1 px off in the four axis directions: four times the
// glyph quads, still far cheaper than an outline shader on a software rasteriser.
void drawLabels(const std::vector<scene::ScreenLabel>& labels, const std::map<std::string, std::string>* names,
                const ImVec2& offset) {
  if (labels.empty()) return;
  ImDrawList* list = ImGui::GetBackgroundDrawList();
  ImFont* font = ImGui::GetFont();
  static const ImVec2 kHaloOffsets[] = {{-1, 0}, {1, 0}, {0, -1}, {0, 1}};
  for (const scene::ScreenLabel& label : labels) {
    const std::string* text = &label.text;
    if (names)
      if (auto it = names->find(label.text); it != names->end()) text = &it->second;
    const char* begin = text->c_str();
    const char* end = begin + text->size();
    const float size = label.sizePixels > 0 ? label.sizePixels : font->FontSize;
    const ImVec2 extent = font->CalcTextSizeA(size, FLT_MAX, 0.0f, begin, end);
    // Whole pixels keep the glyphs sharp (the atlas is baked with PixelSnapH).
    const ImVec2 at(std::floor(offset.x + label.x - extent.x * 0.5f), std::floor(offset.y + label.y - extent.y));
    const ImU32 halo = packColor(label.halo);
    for (const ImVec2& d : kHaloOffsets) list->AddText(font, size, ImVec2(at.x + d.x, at.y + d.y), halo, begin, end);
    list->AddText(font, size, at, packColor(label.color), begin, end);
  }
}

}  // namespace

class ImGuiOverlay::DrawCallback : public osg::Camera::DrawCallback {
 public:
  explicit DrawCallback(ImGuiOverlay* overlay) : _overlay(overlay) {}
  void operator()(osg::RenderInfo& renderInfo) const override {
    const osg::Camera* camera = renderInfo.getCurrentCamera();
    const osg::Viewport* viewport = camera ? camera->getViewport() : nullptr;
    if (!viewport) return;
    const osg::FrameStamp* stamp = renderInfo.getState() ? renderInfo.getState()->getFrameStamp() : nullptr;
    _overlay->renderFrame(*camera, int(viewport->width()), int(viewport->height()),
                          stamp ? stamp->getReferenceTime() : 0.0);
  }

 private:
  osg::ref_ptr<ImGuiOverlay> _overlay;
};

class ImGuiOverlay::EventHandler : public osgGA::GUIEventHandler {
 public:
  explicit EventHandler(ImGuiOverlay* overlay) : _overlay(overlay) {
    ImGui::SetCurrentContext(overlay->_context);
    ImGuiIO& io = ImGui::GetIO();
    using E = osgGA::GUIEventAdapter;
    const std::pair<ImGuiKey, int> keys[] = {{ImGuiKey_Tab, E::KEY_Tab},
                                             {ImGuiKey_LeftArrow, E::KEY_Left},
                                             {ImGuiKey_RightArrow, E::KEY_Right},
                                             {ImGuiKey_UpArrow, E::KEY_Up},
                                             {ImGuiKey_DownArrow, E::KEY_Down},
                                             {ImGuiKey_PageUp, E::KEY_Page_Up},
                                             {ImGuiKey_PageDown, E::KEY_Page_Down},
                                             {ImGuiKey_Home, E::KEY_Home},
                                             {ImGuiKey_End, E::KEY_End},
                                             {ImGuiKey_Insert, E::KEY_Insert},
                                             {ImGuiKey_Delete, E::KEY_Delete},
                                             {ImGuiKey_Backspace, E::KEY_BackSpace},
                                             {ImGuiKey_Space, E::KEY_Space},
                                             {ImGuiKey_Enter, E::KEY_Return},
                                             {ImGuiKey_Escape, E::KEY_Escape},
                                             {ImGuiKey_KeyPadEnter, E::KEY_KP_Enter},
                                             {ImGuiKey_A, 'a'},
                                             {ImGuiKey_C, 'c'},
                                             {ImGuiKey_V, 'v'},
                                             {ImGuiKey_X, 'x'},
                                             {ImGuiKey_Y, 'y'},
                                             {ImGuiKey_Z, 'z'}};
    for (const auto& [imguiKey, osgKey] : keys) io.KeyMap[imguiKey] = keyIndex(osgKey);
  }

  bool handle(const osgGA::GUIEventAdapter& ea, osgGA::GUIActionAdapter&) override {
    using E = osgGA::GUIEventAdapter;
    ImGui::SetCurrentContext(_overlay->_context);
    ImGuiIO& io = ImGui::GetIO();
    switch (ea.getEventType()) {
      // Moves, buttons and keys go through the overlay's InputQueue: a press and release within
      // one slow frame must reach ImGui in two frames, or the click is lost.
      case E::MOVE:
      case E::DRAG: {
        const ImVec2 p = mousePosition(ea);
        _overlay->_input.mouseMove(p.x, p.y);
        return io.WantCaptureMouse && ea.getEventType() == E::DRAG;
      }
      case E::PUSH:
      case E::RELEASE: {
        const ImVec2 p = mousePosition(ea);
        const bool down = ea.getEventType() == E::PUSH;
        const unsigned button = ea.getButton();
        if (button == E::LEFT_MOUSE_BUTTON)
          _overlay->_input.mouseButton(0, down, p.x, p.y);
        else if (button == E::RIGHT_MOUSE_BUTTON)
          _overlay->_input.mouseButton(1, down, p.x, p.y);
        else if (button == E::MIDDLE_MOUSE_BUTTON)
          _overlay->_input.mouseButton(2, down, p.x, p.y);
        return io.WantCaptureMouse;
      }
      case E::SCROLL:
        if (ea.getScrollingMotion() == E::SCROLL_UP)
          io.MouseWheel += 1;
        else if (ea.getScrollingMotion() == E::SCROLL_DOWN)
          io.MouseWheel -= 1;
        else if (ea.getScrollingMotion() == E::SCROLL_2D)
          io.MouseWheel += ea.getScrollingDeltaY();
        return io.WantCaptureMouse;
      case E::KEYDOWN:
      case E::KEYUP: {
        const bool down = ea.getEventType() == E::KEYDOWN;
        const int key = ea.getKey();
        _overlay->_input.key(keyIndex(key), down);
        const unsigned mods = ea.getModKeyMask();
        io.KeyCtrl = mods & E::MODKEY_CTRL;
        io.KeyShift = mods & E::MODKEY_SHIFT;
        io.KeyAlt = mods & E::MODKEY_ALT;
        io.KeySuper = mods & E::MODKEY_SUPER;
        if (down && key >= 0x20 && key < 0x7f) io.AddInputCharacter(unsigned(key));
        return io.WantCaptureKeyboard;
      }
      default: return false;
    }
  }

 private:
  // OSG's special keys are 0xFFxx; ImGui has 512 slots, so those go to 256 + the low byte.
  static int keyIndex(int osgKey) {
    if (osgKey >= 0 && osgKey < 256) return osgKey;
    return 256 + (osgKey & 0xff);
  }
  static ImVec2 mousePosition(const osgGA::GUIEventAdapter& ea) {
    const float x = ea.getX() - ea.getXmin();
    float y = ea.getY() - ea.getYmin();
    if (ea.getMouseYOrientation() == osgGA::GUIEventAdapter::Y_INCREASING_UPWARDS)
      y = (ea.getYmax() - ea.getYmin()) - y;
    return ImVec2(x, y);
  }

  osg::ref_ptr<ImGuiOverlay> _overlay;
};

ImGuiOverlay::ImGuiOverlay(const ui::FontOptions& fonts) : _fontOptions(fonts) {
  ImGuiContext* previous = ImGui::GetCurrentContext();
  _context = ImGui::CreateContext();
  ImGui::SetCurrentContext(_context);
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // a fixed layout; no imgui.ini littering the working directory
  auto report = ui::loadFonts(fonts);
  if (report) {
    _fontReport = *report;
  } else {
    _fontError = report.error().message;
    core::logError(_fontError + "; using ImGui's default font (no Chinese glyphs)");
  }
  ui::applyStyle("dark");
  if (previous) ImGui::SetCurrentContext(previous);
}

ImGuiOverlay::~ImGuiOverlay() {
  // The GL objects belong to a context that may be gone; releaseGraphics() frees them while it
  // is current. Here only the CPU side is destroyed.
  ImGui::SetCurrentContext(_context);
  if (_backendReady) ImGui::GetIO().BackendRendererUserData = nullptr;
  ImGui::DestroyContext(_context);
}

void ImGuiOverlay::install(osgViewer::View& view, DrawFn draw) {
  _draw = std::move(draw);
  view.getCamera()->setFinalDrawCallback(new DrawCallback(this));
  view.getEventHandlers().push_front(new EventHandler(this));
}

void ImGuiOverlay::installOnCamera(osg::Camera& camera, DrawFn draw) {
  _draw = std::move(draw);
  camera.setFinalDrawCallback(new DrawCallback(this));
}

void ImGuiOverlay::releaseGraphics() {
  if (!_backendReady) return;
  ImGui::SetCurrentContext(_context);
  ImGui_ImplOpenGL3_Shutdown();
  _backendReady = false;
}

void ImGuiOverlay::setLabelSource(scene::SiteScene* labels) { _labels = labels; }

void ImGuiOverlay::requireTexts(const std::vector<std::string>& texts) {
  if (!_fontError.empty()) return;  // the default font: no CJK face to take glyphs from
  ImGui::SetCurrentContext(_context);
  for (const std::string& text : texts) {
    bool added = false;
    for (unsigned c : ui::missingGlyphs(text)) {
      if (std::find(_asked.begin(), _asked.end(), c) != _asked.end()) continue;
      _asked.push_back(c);
      added = true;
    }
    if (!added) continue;
    _fontOptions.extraTexts.push_back(text);
    _fontsDirty = true;
  }
}

void ImGuiOverlay::rebuildFonts() {
  _fontsDirty = false;
  auto report = ui::loadFonts(_fontOptions);
  ++_fontRebuilds;
  if (report) {
    _fontReport = *report;
  } else {
    _fontError = report.error().message;
    core::logError(_fontError + "; using ImGui's default font (no Chinese glyphs)");
  }
  if (_backendReady) {
    // The old texture holds the old atlas: make the new one (the GL context is current here).
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
  }
}

bool ImGuiOverlay::wantsMouse() const {
  ImGui::SetCurrentContext(_context);
  return ImGui::GetIO().WantCaptureMouse;
}

bool ImGuiOverlay::wantsTextInput() const {
  ImGui::SetCurrentContext(_context);
  return ImGui::GetIO().WantTextInput;
}

void ImGuiOverlay::renderFrame(const osg::Camera& camera, int width, int height, double timeSeconds) {
  if (!_draw && !_labels) return;
  ImGui::SetCurrentContext(_context);
  if (!_backendReady) {
    // GLSL 1.30 works on every context OSG gets here (GLX legacy, EGL 3.3 compatibility).
    if (!ImGui_ImplOpenGL3_Init("#version 130")) {
      core::logError("app::ImGuiOverlay: the ImGui OpenGL 3 backend could not start; panels and labels are off");
      _draw = nullptr;
      _labels = nullptr;
      return;
    }
    _backendReady = true;
  }
  if (_fontsDirty) rebuildFonts();
  ImGuiIO& io = ImGui::GetIO();
  // A wall tile lays the panels out on the whole virtual screen and shows its own part of it:
  // its labels (computed in the tile's pixels) and the mouse move by the tile's origin.
  const bool wall = _virtualWidth > 0 && _virtualHeight > 0;
  const ImVec2 origin = wall ? ImVec2(float(_originX), float(_originY)) : ImVec2(0, 0);
  io.DisplaySize = wall ? ImVec2(float(_virtualWidth), float(_virtualHeight)) : ImVec2(float(width), float(height));
  const double dt = _lastTime < 0 ? 1.0 / 60.0 : timeSeconds - _lastTime;
  io.DeltaTime = float(dt > 1e-4 ? dt : 1e-4);
  _lastTime = timeSeconds;
  _input.feed(io);
  if (wall && io.MousePos.x > -FLT_MAX && io.MousePos.y > -FLT_MAX)
    io.MousePos = ImVec2(io.MousePos.x + origin.x, io.MousePos.y + origin.y);
  ImGui_ImplOpenGL3_NewFrame();
  ImGui::NewFrame();
  if (_labels) {
    if (wall) {
      // Declutter on the whole wall, not per tile: a label near a seam is then kept or dropped
      // the same way on both tiles (and drawn across the seam), as on one big screen.
      osg::ref_ptr<osg::Camera> screen = new osg::Camera;
      screen->setViewMatrix(camera.getViewMatrix());
      screen->setProjectionMatrix(_virtualProjection);
      screen->setViewport(0, 0, _virtualWidth, _virtualHeight);
      drawLabels(_labels->visibleLabels(*screen), _labelNames, ImVec2(0, 0));
      drawLabels(_labels->poiClusterLabels(*screen), _labelNames, ImVec2(0, 0));
    } else {
      drawLabels(_labels->visibleLabels(camera), _labelNames, origin);
      drawLabels(_labels->poiClusterLabels(camera), _labelNames, origin);  // the counts on cluster markers
    }
  }
  if (_draw) _draw();
  ImGui::Render();
  ImDrawData* data = ImGui::GetDrawData();
  if (wall && data) {
    // The backend maps [DisplayPos, DisplayPos + DisplaySize] onto the viewport and scissors
    // relative to DisplayPos: the tile's rectangle of the virtual screen.
    data->DisplayPos = origin;
    data->DisplaySize = ImVec2(float(width), float(height));
  }
  ImGui_ImplOpenGL3_RenderDrawData(data);
}

}  // namespace twin::app
