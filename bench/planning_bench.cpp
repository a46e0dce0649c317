// Interactive planning: time from a click to the isochrone overlay being ready (walk search,
// contours, draped overlay geometry), and to the first rendered frame that shows it (headless
// EGL); coverage edits through the fast path (add a clinic, move it, undo).
// Usage: bench_planning [scene.json ...]   (default: the Beijing and Monaco scenes)
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

#include <osg/Group>

#include "twin/app/PlanningView.h"
#include "BenchSupport.h"
#include "twin/analysis/Isochrone.h"
#include "twin/analysis/WalkReach.h"
#include "twin/app/SceneLoading.h"
#include "twin/core/Stopwatch.h"
#include "twin/scene/PlanningLayer.h"

using namespace twin;

namespace {

double percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(q * double(v.size())))];
}

void run(const std::string& path) {
  auto loaded = app::loadScene(path);
  if (!loaded) bench::die(loaded.error().message);
  const app::LoadedScene& scene = *loaded;
  core::Diagnostics diag;
  scene::SceneOptions options;
  options.theme = bench::sceneTheme(scene.config);
  auto built = scene::SiteScene::build(*scene.site, options, diag);
  if (!built) bench::die(built.error().message);
  osg::ref_ptr<scene::SiteScene> siteScene = built.value();
  auto created = app::PlanningView::create(scene, siteScene.get(), {});
  if (!created) bench::die(created.error().message);
  app::PlanningView& view = **created;
  const analysis::WalkGraph& graph = view.graph();
  std::printf("%s: %zu buildings, %zu residential, %zu facilities, walk graph %zu nodes\n", scene.config.name.c_str(),
              scene.site->buildings.size(), view.baseline().buildings().size(), view.baseline().facilities().size(),
              graph.nodeCount());
  std::printf("  build (walk graph + 2 coverage models): %.0f ms\n", view.buildMs());

  // Click -> overlay ready: 60 origins spread over the graph's nodes. Wall and process CPU time
  // (the shared machine is often loaded, which inflates wall time), and the split between the
  // analysis (search + contours) and the overlay geometry.
  std::vector<double> clickMs, clickCpuMs, analysisCpuMs, overlayCpuMs;
  const std::size_t clicks = 60;
  const double speed = view.config().walking.speedMps;
  analysis::IsochroneOptions iso;
  iso.walkOffMeters = view.config().walking.walkOffMeters;
  for (std::size_t i = 0; i < clicks; ++i) {
    const core::Vec2 p = graph.position(analysis::NodeId((i * 7919) % graph.nodeCount()));
    core::Stopwatch watch;
    const std::clock_t cpu = std::clock();
    if (!view.isochroneAt(p).ok()) continue;
    clickCpuMs.push_back(1000.0 * double(std::clock() - cpu) / CLOCKS_PER_SEC);
    clickMs.push_back(watch.elapsedMs());

    const std::clock_t a = std::clock();
    auto reach = analysis::walkReach(graph, p, 15 * 60, speed, view.config().walking.maxSnapMeters);
    if (!reach) continue;
    const auto bands = analysis::isochronePolygons(graph, *reach, {300, 600, 900}, iso);
    const std::clock_t b = std::clock();
    std::vector<scene::PlanningBand> planning;
    for (const auto& band : bands) planning.push_back({band.limit / 60, band.polygons});
    view.layer().setIsochrone(planning, p);
    const std::clock_t c = std::clock();
    analysisCpuMs.push_back(1000.0 * double(b - a) / CLOCKS_PER_SEC);
    overlayCpuMs.push_back(1000.0 * double(c - b) / CLOCKS_PER_SEC);
  }
  std::printf(
      "  click -> isochrone overlay ready (search + 5/10/15 contours + draped geometry): median %.1f ms wall, "
      "p95 %.1f ms (%zu clicks); CPU median %.1f ms = analysis %.1f + overlay %.1f\n",
      bench::median(clickMs), percentile(clickMs, 0.95), clickMs.size(), bench::median(clickCpuMs),
      bench::median(analysisCpuMs), bench::median(overlayCpuMs));

  // Coverage edits.
  std::size_t clinic = 0;
  for (std::size_t c = 0; c < view.config().categories.size(); ++c)
    if (view.config().categories[c].id == "health_station") clinic = c;
  std::vector<double> addMs, moveMs, undoMs;
  for (std::size_t i = 0; i < 20; ++i) {
    const core::Vec2 p = graph.position(analysis::NodeId((i * 104729) % graph.nodeCount()));
    core::Stopwatch watch;
    view.addFacility(clinic, p);
    addMs.push_back(watch.elapsedMs());
    watch.restart();
    view.moveFacility(view.working().facilities().size() - 1, {p.x + 80, p.y + 40});
    moveMs.push_back(watch.elapsedMs());
    watch.restart();
    view.undo();
    view.undo();
    undoMs.push_back(watch.elapsedMs() / 2);
  }
  std::printf(
      "  add a clinic (coverage + colours + markers): median %.1f ms; move it: median %.1f ms; undo: median %.1f ms\n",
      bench::median(addMs), bench::median(moveMs), bench::median(undoMs));

  // Click -> first frame showing it, headless at 1280x720.
  auto renderer = app::HeadlessRenderer::create(1280, 720);
  if (!renderer) {
    std::printf("  (no EGL: %s)\n", renderer.error().message.c_str());
    return;
  }
  osgViewer::Viewer& viewer = (*renderer)->viewer();
  osg::ref_ptr<osg::Group> root = new osg::Group;
  root->addChild(siteScene->root());
  root->addChild(view.sceneNode());
  viewer.setSceneData(root.get());
  const scene::CameraPose pose = bench::startPose(scene.config, *scene.site);
  viewer.getCamera()->setViewMatrixAsLookAt(pose.eye, pose.center, pose.up);
  for (int i = 0; i < 3; ++i) (*renderer)->renderFrame();
  std::vector<double> frameMs, plainMs;
  for (std::size_t i = 0; i < 10; ++i) {
    core::Stopwatch plain;
    (*renderer)->renderFrame();
    plainMs.push_back(plain.elapsedMs());
    const core::Vec2 p = graph.position(analysis::NodeId((i * 7919) % graph.nodeCount()));
    core::Stopwatch watch;
    if (!view.isochroneAt(p).ok()) continue;
    (*renderer)->renderFrame();
    frameMs.push_back(watch.elapsedMs());
  }
  std::printf("  click -> first frame with the overlay (%s): median %.1f ms (a frame alone: %.1f ms)\n",
              (*renderer)->rendererName().c_str(), bench::median(frameMs), bench::median(plainMs));
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> scenes;
  for (int i = 1; i < argc; ++i) scenes.push_back(argv[i]);
  if (scenes.empty()) scenes = {bench::scenePath("beijing-liudaokou.json"), bench::scenePath("monaco.json")};
  for (const std::string& s : scenes) run(s);
  std::printf("peak RSS %.0f MiB\n", bench::peakRssMiB());
  return 0;
}
