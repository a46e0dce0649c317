// Oblique-photography production in a headless 1280x720 EGL view from a fixed camera that sees
// the whole production: time to read the root tiles (serial and parallel), time to first frame,
// time and frames until the DatabasePager has paged in everything the view asks for, the paged
// files and nodes then in the graph, triangles drawn at full detail, frame time there, peak RSS.
// Usage: bench_osgb_bench <production folder or metadata.xml> [--png snapshot.png] [--quiet N]
//   --quiet N: full detail = N frames in a row with nothing requested, read, compiled or merged
//   (default 10).
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <osg/NodeVisitor>
#include <osg/PagedLOD>
#include <osgDB/DatabasePager>

#include "BenchSupport.h"
#include "twin/scene/ObliqueModel.h"

using namespace twin;

namespace {

constexpr int kWidth = 1280, kHeight = 720;
constexpr int kMaxFrames = 20000;

// VmHWM from /proc/self/status (the kernel's peak resident set), MiB.
double vmHwmMiB() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::atof(line.c_str() + 6) / 1024.0;
  return 0;
}

std::string loadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string one;
  in >> one;
  return one.empty() ? "?" : one;
}

// Nodes in the graph and the files paged in: each ContextCapture PagedLOD holds its coarse level
// inline and one file child, so children beyond the first are files the pager brought in.
class GraphCounter : public osg::NodeVisitor {
 public:
  GraphCounter() : osg::NodeVisitor(TRAVERSE_ALL_CHILDREN) {}
  std::size_t nodes = 0, pagedLods = 0, pagedFiles = 0;
  void apply(osg::Node& node) override {
    ++nodes;
    traverse(node);
  }
  void apply(osg::PagedLOD& lod) override {
    ++pagedLods;
    if (lod.getNumChildren() > 1) pagedFiles += lod.getNumChildren() - 1;
    apply(static_cast<osg::Node&>(lod));
  }
};

// CPU seconds of the whole process (every thread): the machine is shared, so wall times alone
// say little about the work.
double processCpuMs() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e3 +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e3;
}

double loadMs(const std::string& production, unsigned threads, scene::SceneModel* out = nullptr) {
  core::Diagnostics diag;
  scene::ObliqueLoadOptions options;
  options.readThreads = threads;
  core::Stopwatch watch;
  auto model = scene::loadObliqueProduction(production, std::nullopt, 0, geo::SiteFrame{}, diag, options);
  const double ms = watch.elapsedMs();
  if (!model) bench::die(model.error().message);
  for (const core::Diagnostic& d : diag.items()) std::fprintf(stderr, "%s\n", core::formatDiagnostic(d).c_str());
  if (out) *out = model.value();
  return ms;
}

}  // namespace

int main(int argc, char** argv) {
  unsetenv("DISPLAY");
  std::string production, png;
  int quietFrames = 10;
  bool usable = true;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--png") == 0 && i + 1 < argc)
      png = argv[++i];
    else if (std::strcmp(argv[i], "--quiet") == 0 && i + 1 < argc)
      quietFrames = std::max(1, std::atoi(argv[++i]));
    else if (production.empty() && argv[i][0] != '-')
      production = argv[i];
    else
      usable = false;
  }
  if (production.empty() || !usable) {
    std::fprintf(stderr,
                 "usage: bench_osgb_bench <production folder or metadata.xml> [--png snapshot.png] [--quiet N]\n"
                 "  e.g. the shared sample osgb-oblique-zhongshan/Production_5\n");
    return 2;
  }

  auto renderer = app::HeadlessRenderer::create(kWidth, kHeight);
  if (!renderer) bench::die(renderer.error().message);
  std::printf("renderer: %s, %dx%d, %u hardware threads\n", renderer.value()->rendererName().c_str(), kWidth, kHeight,
              std::thread::hardware_concurrency());

  // The first load also pays for the .osgb plugin and cold file reads; it is the one the view uses.
  scene::SceneModel model;
  core::Stopwatch sinceStart;
  double cpu = processCpuMs();
  const double coldMs = loadMs(production, 0, &model);
  const double coldCpuMs = processCpuMs() - cpu;
  osgViewer::Viewer& viewer = renderer.value()->viewer();
  viewer.getCamera()->setClearColor(osg::Vec4(0.55f, 0.62f, 0.70f, 1));
  viewer.setSceneData(model.node);
  // Looks across the production's long side, about 40 degrees down, from where its length fits
  // the horizontal field of view (30 degrees vertical at 16:9) with a 10% margin.
  const osg::Vec3d centre = model.bounds.center();
  const double lengthX = model.bounds.xMax() - model.bounds.xMin(), lengthY = model.bounds.yMax() - model.bounds.yMin();
  osg::Vec3d direction = lengthY >= lengthX ? osg::Vec3d(1, -0.2, 0.85) : osg::Vec3d(0.2, -1, 0.85);
  direction.normalize();
  const double halfWidth = std::tan(osg::DegreesToRadians(15.0)) * kWidth / kHeight;
  const double distance = 1.1 * std::max(lengthX, lengthY) / 2 / halfWidth;
  viewer.getCamera()->setViewMatrixAsLookAt(centre + direction * distance, centre, osg::Vec3d(0, 0, 1));
  osg::Stats* stats = viewer.getCamera()->getStats();
  if (stats) stats->collectStats("scene", true);

  core::Stopwatch firstFrame;
  cpu = processCpuMs();
  renderer.value()->renderFrame();
  const double firstFrameMs = firstFrame.elapsedMs();
  const double firstFrameCpuMs = processCpuMs() - cpu;
  const double toFirstFrameMs = sinceStart.elapsedMs();

  osgDB::DatabasePager* pager = viewer.getDatabasePager();
  core::Stopwatch paging;
  cpu = processCpuMs();
  double busyCpuMs = 0;
  int frames = 1, quiet = 0;
  double lastBusyMs = 0;
  for (; frames < kMaxFrames && quiet < quietFrames; ++frames) {
    renderer.value()->renderFrame();
    if (pager->getRequestsInProgress()) {
      quiet = 0;
      lastBusyMs = paging.elapsedMs();
      busyCpuMs = processCpuMs() - cpu;
    } else {
      ++quiet;
    }
  }
  const double fullDetailMs = firstFrameMs + lastBusyMs;
  const int fullDetailFrames = frames - quiet;

  GraphCounter counter;
  model.node->accept(counter);
  bench::FrameFigures figures = bench::measureFrames(*renderer.value(), 30, 0);

  std::vector<double> serial, parallel, serialCpu, parallelCpu;
  for (int i = 0; i < 3; ++i) {
    cpu = processCpuMs();
    serial.push_back(loadMs(production, 1));
    serialCpu.push_back(processCpuMs() - cpu);
    cpu = processCpuMs();
    parallel.push_back(loadMs(production, 0));
    parallelCpu.push_back(processCpuMs() - cpu);
  }

  std::printf("production: %s (%s)\n", production.c_str(), model.id.c_str());
  std::printf("roots: cold %.1f ms (cpu %.1f ms); warm median serial %.1f ms (cpu %.1f), parallel %.1f ms (cpu %.1f)\n",
              coldMs, coldCpuMs, bench::median(serial), bench::median(serialCpu), bench::median(parallel),
              bench::median(parallelCpu));
  std::printf("first frame: %.1f ms (cpu %.1f ms); load start to first frame %.1f ms\n", firstFrameMs, firstFrameCpuMs,
              toFirstFrameMs);
  std::printf(
      "full detail: %.0f ms after the first frame's start (cpu %.0f ms after it), %d frames (idle for %d frames%s)\n",
      fullDetailMs, busyCpuMs, fullDetailFrames, quietFrames, frames >= kMaxFrames ? ", NOT reached" : "");
  std::printf("graph: %zu nodes, %zu PagedLODs, %zu paged files loaded\n", counter.nodes, counter.pagedLods,
              counter.pagedFiles);
  std::printf("at full detail: %.0f triangles, %.0f drawables drawn; frame median %.1f ms (min %.1f, max %.1f)\n",
              figures.triangles, figures.drawables, figures.medianMs, figures.minMs, figures.maxMs);
  std::printf("peak RSS (VmHWM): %.0f MiB; load average now %s\n", vmHwmMiB(), loadAverage().c_str());
  if (!png.empty()) {
    auto written = app::writePng(*renderer.value()->capture(), png);
    if (!written) bench::die(written.error().message);
    std::printf("snapshot: %s\n", png.c_str());
  }
  return 0;
}
