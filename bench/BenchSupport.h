// Helpers shared by the bench programs (header only: every bench/*.cpp is its own program).
#pragma once

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <osg/Stats>
#include <osgViewer/Viewer>

#include "twin/app/HeadlessRenderer.h"
#include "twin/core/Stopwatch.h"
#include "twin/model/SceneConfig.h"
#include "twin/model/Site.h"
#include "twin/scene/SiteScene.h"

namespace twin::bench {

inline std::string scenePath(const std::string& name) { return std::string(TWIN_SOURCE_DIR) + "/scenes/" + name; }

inline double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  std::size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

/** Peak resident set of this process so far, MiB. */
inline double peakRssMiB() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is KiB on Linux
}

[[noreturn]] inline void die(const std::string& message) {
  std::fprintf(stderr, "%s\n", message.c_str());
  std::exit(1);
}

inline model::Theme sceneTheme(const model::SceneConfig& config) {
  auto it = config.themes.find(config.theme);
  return it != config.themes.end() ? it->second : model::defaultTheme(config.theme);
}

/** The scene's start bookmark (or its first), else a pose framing the site. */
inline scene::CameraPose startPose(const model::SceneConfig& config, const model::Site& site) {
  for (const model::Bookmark& b : config.bookmarks)
    if (b.name == config.startBookmark) return scene::poseForBookmark(b, site.frame);
  if (!config.bookmarks.empty()) return scene::poseForBookmark(config.bookmarks.front(), site.frame);
  return scene::poseFramingExtent(site.extent);
}

struct FrameFigures {
  double medianMs = 0, minMs = 0, maxMs = 0;
  double drawables = 0, triangles = 0;  // from OSG's cull statistics of the last frame
  std::size_t labelsShown = 0;
};

/** Renders `warmup` then `frames` frames and returns the median time per frame (glFinish included). */
inline FrameFigures measureFrames(app::HeadlessRenderer& renderer, int frames, int warmup = 5) {
  osgViewer::Viewer& viewer = renderer.viewer();
  osg::Stats* stats = viewer.getCamera()->getStats();
  if (stats) stats->collectStats("scene", true);
  for (int i = 0; i < warmup; ++i) renderer.renderFrame();
  std::vector<double> times;
  for (int i = 0; i < frames; ++i) {
    core::Stopwatch watch;
    renderer.renderFrame();
    times.push_back(watch.elapsedMs());
  }
  FrameFigures figures;
  figures.medianMs = median(times);
  figures.minMs = *std::min_element(times.begin(), times.end());
  figures.maxMs = *std::max_element(times.begin(), times.end());
  if (stats) {
    unsigned frame = viewer.getFrameStamp()->getFrameNumber();
    stats->getAttribute(frame, "Visible number of drawables", figures.drawables);
    stats->getAttribute(frame, "Visible number of GL_TRIANGLES", figures.triangles);
  }
  return figures;
}

inline void applyCamera(app::HeadlessRenderer& renderer, const model::Theme& theme, const scene::CameraPose& pose) {
  osg::Camera* camera = renderer.viewer().getCamera();
  camera->setClearColor(osg::Vec4(theme.background.r, theme.background.g, theme.background.b, 1));
  camera->setViewMatrixAsLookAt(pose.eye, pose.center, pose.up);
}

}  // namespace twin::bench
