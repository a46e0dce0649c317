// Off-screen rendering without any X server: an EGL context (Mesa surfaceless platform, or an
// EGL device on a GPU machine) with an osgViewer embedded in it.
#pragma once

#include <memory>
#include <string>

#include <osg/Image>
#include <osg/Node>
#include <osg/ref_ptr>
#include <osgViewer/Viewer>

#include "twin/core/Result.h"

namespace twin::app {

/** One EGL pbuffer context of a fixed size and a viewer drawing into it.
    Create, set the scene and camera through viewer(), then renderFrame()/capture().
    Not thread-safe; the context is current on the creating thread. */
class HeadlessRenderer {
 public:
  /** Error (naming EGL's failing call and code) when no EGL display/config/context can be had. */
  static core::Result<std::unique_ptr<HeadlessRenderer>> create(int width, int height);
  ~HeadlessRenderer();

  osgViewer::Viewer& viewer();
  int width() const;
  int height() const;
  /** The EGL vendor/renderer strings, e.g. "Mesa / llvmpipe (LLVM 15.0.6, 256 bits)". */
  std::string rendererName() const;

  /** Draws one frame (event, update, cull, draw traversals) and finishes GL. */
  void renderFrame();
  /** Reads the back buffer of the last frame as an RGB image, bottom row first (OSG order). */
  osg::ref_ptr<osg::Image> capture();

 private:
  HeadlessRenderer();
  struct Impl;
  std::unique_ptr<Impl> _impl;
};

/** Writes an image as PNG; error names the file. */
core::Status writePng(const osg::Image& image, const std::string& path);

}  // namespace twin::app
