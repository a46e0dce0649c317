// Headless rendering through EGL: an EGL device display on GPU machines, else Mesa's surfaceless
// platform; a GL 3.3 compatibility context (Debian's OSG is a GL2-compatibility build) on a
// pbuffer, with an osgViewer embedded in it.
#include "twin/app/HeadlessRenderer.h"

#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <vector>

#include <EGL/egl.h>
#include <EGL/eglext.h>
#include <osg/GL>
#include <osgDB/WriteFile>

namespace twin::app {

namespace {

constexpr const char* kWhere = "app::HeadlessRenderer::create()";

std::string eglErrorName(EGLint code) {
  switch (code) {
    case EGL_SUCCESS: return "EGL_SUCCESS";
    case EGL_NOT_INITIALIZED: return "EGL_NOT_INITIALIZED";
    case EGL_BAD_ACCESS: return "EGL_BAD_ACCESS";
    case EGL_BAD_ALLOC: return "EGL_BAD_ALLOC";
    case EGL_BAD_ATTRIBUTE: return "EGL_BAD_ATTRIBUTE";
    case EGL_BAD_CONFIG: return "EGL_BAD_CONFIG";
    case EGL_BAD_CONTEXT: return "EGL_BAD_CONTEXT";
    case EGL_BAD_CURRENT_SURFACE: return "EGL_BAD_CURRENT_SURFACE";
    case EGL_BAD_DISPLAY: return "EGL_BAD_DISPLAY";
    case EGL_BAD_MATCH: return "EGL_BAD_MATCH";
    case EGL_BAD_NATIVE_PIXMAP: return "EGL_BAD_NATIVE_PIXMAP";
    case EGL_BAD_NATIVE_WINDOW: return "EGL_BAD_NATIVE_WINDOW";
    case EGL_BAD_PARAMETER: return "EGL_BAD_PARAMETER";
    case EGL_BAD_SURFACE: return "EGL_BAD_SURFACE";
    case EGL_CONTEXT_LOST: return "EGL_CONTEXT_LOST";
    default: {
      char buffer[32];
      std::snprintf(buffer, sizeof buffer, "0x%04X", static_cast<unsigned>(code));
      return buffer;
    }
  }
}

std::string eglFailure(const std::string& call) { return call + " failed: " + eglErrorName(eglGetError()); }

// eglTerminate() ends every context of a display, and EGL hands out one display per platform and
// device: count the renderers that use each initialised display.
std::mutex displayMutex;
std::map<EGLDisplay, int> displayUsers;

void releaseDisplay(EGLDisplay display) {
  std::lock_guard<std::mutex> lock(displayMutex);
  if (--displayUsers[display] <= 0) {
    displayUsers.erase(display);
    eglTerminate(display);
  }
}

struct EglSetup {
  EGLDisplay display = EGL_NO_DISPLAY;
  EGLSurface surface = EGL_NO_SURFACE;
  EGLContext context = EGL_NO_CONTEXT;
};

// Initialises `display` and makes a current pbuffer context on it; on failure returns the
// failing call and code and leaves nothing behind.
bool setUpContext(EGLDisplay display, int width, int height, EglSetup& out, std::string& error) {
  if (display == EGL_NO_DISPLAY) {
    error = eglFailure("eglGetPlatformDisplayEXT");
    return false;
  }
  {
    std::lock_guard<std::mutex> lock(displayMutex);
    EGLint major = 0, minor = 0;
    if (displayUsers[display] == 0 && !eglInitialize(display, &major, &minor)) {
      error = eglFailure("eglInitialize");
      displayUsers.erase(display);
      return false;
    }
    ++displayUsers[display];
  }
  auto fail = [&](const std::string& call) {
    error = eglFailure(call);
    releaseDisplay(display);
    return false;
  };
  if (!eglBindAPI(EGL_OPENGL_API)) return fail("eglBindAPI(EGL_OPENGL_API)");
  const EGLint configAttributes[] = {EGL_SURFACE_TYPE,
                                     EGL_PBUFFER_BIT,
                                     EGL_RENDERABLE_TYPE,
                                     EGL_OPENGL_BIT,
                                     EGL_RED_SIZE,
                                     8,
                                     EGL_GREEN_SIZE,
                                     8,
                                     EGL_BLUE_SIZE,
                                     8,
                                     EGL_ALPHA_SIZE,
                                     8,
                                     EGL_DEPTH_SIZE,
                                     24,
                                     EGL_NONE};
  EGLConfig config = nullptr;
  EGLint configCount = 0;
  if (!eglChooseConfig(display, configAttributes, &config, 1, &configCount)) return fail("eglChooseConfig");
  if (configCount < 1) {
    error = "eglChooseConfig found no RGBA8 + depth 24 pbuffer config for desktop OpenGL";
    releaseDisplay(display);
    return false;
  }
  const EGLint surfaceAttributes[] = {EGL_WIDTH, width, EGL_HEIGHT, height, EGL_NONE};
  EGLSurface surface = eglCreatePbufferSurface(display, config, surfaceAttributes);
  if (surface == EGL_NO_SURFACE) return fail("eglCreatePbufferSurface");
  const EGLint contextAttributes[] = {EGL_CONTEXT_MAJOR_VERSION,
                                      3,
                                      EGL_CONTEXT_MINOR_VERSION,
                                      3,
                                      EGL_CONTEXT_OPENGL_PROFILE_MASK,
                                      EGL_CONTEXT_OPENGL_COMPATIBILITY_PROFILE_BIT,
                                      EGL_NONE};
  EGLContext context = eglCreateContext(display, config, EGL_NO_CONTEXT, contextAttributes);
  if (context == EGL_NO_CONTEXT) {
    std::string message = eglFailure("eglCreateContext(OpenGL 3.3 compatibility)");
    eglDestroySurface(display, surface);
    error = message;
    releaseDisplay(display);
    return false;
  }
  if (!eglMakeCurrent(display, surface, surface, context)) {
    std::string message = eglFailure("eglMakeCurrent");
    eglDestroyContext(display, context);
    eglDestroySurface(display, surface);
    error = message;
    releaseDisplay(display);
    return false;
  }
  out = {display, surface, context};
  return true;
}

bool hasExtension(const char* list, const char* name) {
  if (!list) return false;
  const std::size_t length = std::strlen(name);
  for (const char* p = list; (p = std::strstr(p, name)) != nullptr; p += length)
    if ((p == list || p[-1] == ' ') && (p[length] == ' ' || p[length] == '\0')) return true;
  return false;
}

}  // namespace

struct HeadlessRenderer::Impl {
  EglSetup egl;
  int width = 0, height = 0;
  std::string rendererName;
  osg::ref_ptr<osgViewer::Viewer> viewer;

  void makeCurrent() const {
    if (eglGetCurrentContext() != egl.context) eglMakeCurrent(egl.display, egl.surface, egl.surface, egl.context);
  }
};

HeadlessRenderer::HeadlessRenderer() : _impl(std::make_unique<Impl>()) {}

HeadlessRenderer::~HeadlessRenderer() {
  if (!_impl || _impl->egl.display == EGL_NO_DISPLAY) return;
  _impl->makeCurrent();
  // Close the embedded context while ours is current so that OSG deletes its GL objects here.
  if (_impl->viewer) {
    osgViewer::Viewer::Contexts contexts;
    _impl->viewer->getContexts(contexts);
    for (osg::GraphicsContext* context : contexts) context->close(true);
    _impl->viewer = nullptr;
  }
  eglMakeCurrent(_impl->egl.display, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
  eglDestroyContext(_impl->egl.display, _impl->egl.context);
  eglDestroySurface(_impl->egl.display, _impl->egl.surface);
  releaseDisplay(_impl->egl.display);
}

core::Result<std::unique_ptr<HeadlessRenderer>> HeadlessRenderer::create(int width, int height) {
  if (width <= 0 || height <= 0 || width > 16384 || height > 16384)
    return core::fail(std::string(kWhere) + ": size " + std::to_string(width) + "x" + std::to_string(height) +
                      " is not within 1..16384");
  auto getPlatformDisplay =
      reinterpret_cast<PFNEGLGETPLATFORMDISPLAYEXTPROC>(eglGetProcAddress("eglGetPlatformDisplayEXT"));
  if (!getPlatformDisplay)
    return core::fail(std::string(kWhere) + ": eglGetProcAddress(\"eglGetPlatformDisplayEXT\") returned null: " +
                      eglErrorName(eglGetError()) + " (EGL_EXT_platform_base missing)");

  std::unique_ptr<HeadlessRenderer> renderer(new HeadlessRenderer);
  Impl& impl = *renderer->_impl;
  std::vector<std::string> attempts;
  bool ready = false;

  // A hardware EGL device first (NVIDIA headless); Mesa's software device is skipped because the
  // surfaceless platform below is the documented path for llvmpipe.
  auto queryDevices = reinterpret_cast<PFNEGLQUERYDEVICESEXTPROC>(eglGetProcAddress("eglQueryDevicesEXT"));
  auto queryDeviceString =
      reinterpret_cast<PFNEGLQUERYDEVICESTRINGEXTPROC>(eglGetProcAddress("eglQueryDeviceStringEXT"));
  if (queryDevices) {
    EGLDeviceEXT devices[16];
    EGLint deviceCount = 0;
    if (queryDevices(16, devices, &deviceCount)) {
      for (EGLint i = 0; i < deviceCount && !ready; ++i) {
        const char* extensions = queryDeviceString ? queryDeviceString(devices[i], EGL_EXTENSIONS) : nullptr;
        if (hasExtension(extensions, "EGL_MESA_device_software")) continue;
        std::string error;
        EGLDisplay display = getPlatformDisplay(EGL_PLATFORM_DEVICE_EXT, devices[i], nullptr);
        ready = setUpContext(display, width, height, impl.egl, error);
        if (!ready) attempts.push_back("EGL device " + std::to_string(i) + ": " + error);
      }
    }
  }
  if (!ready) {
    std::string error;
    EGLDisplay display = getPlatformDisplay(EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY, nullptr);
    ready = setUpContext(display, width, height, impl.egl, error);
    if (!ready) attempts.push_back("Mesa surfaceless: " + error);
  }
  if (!ready) {
    std::string message = std::string(kWhere) + ": no EGL context";
    for (const std::string& attempt : attempts) message += "; " + attempt;
    return core::fail(message);
  }

  impl.width = width;
  impl.height = height;
  const auto* vendor = reinterpret_cast<const char*>(glGetString(GL_VENDOR));
  const auto* rendererString = reinterpret_cast<const char*>(glGetString(GL_RENDERER));
  impl.rendererName = std::string(vendor ? vendor : "?") + " / " + (rendererString ? rendererString : "?");

  impl.viewer = new osgViewer::Viewer;
  impl.viewer->setThreadingModel(osgViewer::ViewerBase::SingleThreaded);
  impl.viewer->setUpViewerAsEmbeddedInWindow(0, 0, width, height);
  impl.viewer->setKeyEventSetsDone(0);
  impl.viewer->setQuitEventSetsDone(false);
  impl.viewer->setReleaseContextAtEndOfFrameHint(false);
  osg::Camera* camera = impl.viewer->getCamera();
  camera->setDrawBuffer(GL_BACK);
  camera->setReadBuffer(GL_BACK);
  return renderer;
}

osgViewer::Viewer& HeadlessRenderer::viewer() { return *_impl->viewer; }
int HeadlessRenderer::width() const { return _impl->width; }
int HeadlessRenderer::height() const { return _impl->height; }
std::string HeadlessRenderer::rendererName() const { return _impl->rendererName; }

void HeadlessRenderer::renderFrame() {
  _impl->makeCurrent();
  _impl->viewer->frame();
  glFinish();
}

osg::ref_ptr<osg::Image> HeadlessRenderer::capture() {
  _impl->makeCurrent();
  osg::ref_ptr<osg::Image> image = new osg::Image;
  image->allocateImage(_impl->width, _impl->height, 1, GL_RGB, GL_UNSIGNED_BYTE);
  image->setPacking(1);
  glReadBuffer(GL_BACK);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadPixels(0, 0, _impl->width, _impl->height, GL_RGB, GL_UNSIGNED_BYTE, image->data());
  return image;
}

core::Status writePng(const osg::Image& image, const std::string& path) {
  if (!image.data() || image.s() <= 0 || image.t() <= 0)
    return core::fail("app::writePng(): " + path + ": the image is empty");
  if (!osgDB::writeImageFile(image, path))
    return core::fail("app::writePng(): " + path +
                      ": could not be written (no PNG plugin, or the folder is not writable)");
  return core::Ok{};
}

}  // namespace twin::app
