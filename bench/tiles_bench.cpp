// 3D Tiles selection (traversal) cost per frame: the request-volume sample and a generated
// quadtree tileset (depth 8, 87,381 tiles over 10 km, REPLACE; the content files need not exist), along a camera path
// that descends from high above to street level. Every content counts as loaded, so the figures are the traversal alone
// (SSE, frustum, request volumes, REPLACE bookkeeping), not file loading. Also: read + place time, and the sample
// streamed through TilesetNode's workers until idle. Usage: bench_tiles_bench [frames=300]   (the full sample:
// $TWIN_SHARED_DATA/3dtiles-sample-requestvolume, default ../shared/data beside the checkout; else the copy in
// tests/data without its two large contents)
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "BenchSupport.h"
#include "twin/core/Stopwatch.h"
#include "twin/geo/FrameFit.h"
#include "twin/scene/Tileset.h"

using namespace twin;
namespace fs = std::filesystem;

namespace {

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const std::size_t i = std::min(values.size() - 1, static_cast<std::size_t>(p * (values.size() - 1) + 0.5));
  return values[i];
}

long vmHwmKiB() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::atol(line.c_str() + 6);
  return -1;
}

// East-north-up at lon/lat as a column-major 3D Tiles transform.
std::string enuTransform(double lonDeg, double latDeg) {
  const double lon = lonDeg * 3.14159265358979323846 / 180, lat = latDeg * 3.14159265358979323846 / 180;
  const core::Vec3 o = geo::lonLatHeightToEcef({lonDeg, latDeg}, 0);
  const double e[3] = {-std::sin(lon), std::cos(lon), 0};
  const double n[3] = {-std::sin(lat) * std::cos(lon), -std::sin(lat) * std::sin(lon), std::cos(lat)};
  const double u[3] = {std::cos(lat) * std::cos(lon), std::cos(lat) * std::sin(lon), std::sin(lat)};
  char text[600];
  std::snprintf(text, sizeof text, "[%.17g,%.17g,%.17g,0,%.17g,%.17g,%.17g,0,%.17g,%.17g,%.17g,0,%.17g,%.17g,%.17g,1]",
                e[0], e[1], e[2], n[0], n[1], n[2], u[0], u[1], u[2], o.x, o.y, o.z);
  return text;
}

void writeQuad(std::string& out, double cx, double cy, double half, int level, int depth) {
  char head[300];
  std::snprintf(head, sizeof head,
                "{\"boundingVolume\":{\"box\":[%g,%g,15,%g,0,0,0,%g,0,0,0,15]},\"geometricError\":%g,"
                "\"content\":{\"uri\":\"t.b3dm\"}",
                cx, cy, half, half, level == depth ? 0.0 : half / 16);
  out += head;
  if (level < depth) {
    out += ",\"children\":[";
    const double q = half / 2;
    const double offsets[4][2] = {{-q, -q}, {q, -q}, {-q, q}, {q, q}};
    for (int i = 0; i < 4; ++i) {
      if (i) out += ",";
      writeQuad(out, cx + offsets[i][0], cy + offsets[i][1], q, level + 1, depth);
    }
    out += "]";
  }
  out += "}";
}

fs::path writeQuadtree(const fs::path& dir, int depth) {
  std::string json = "{\"asset\":{\"version\":\"1.0\"},\"geometricError\":1000,\"root\":{\"transform\":" +
                     enuTransform(120.15, 30.28) + ",\"refine\":\"REPLACE\",\"children\":[";
  writeQuad(json, 0, 0, 5000, 0, depth);
  json += "],\"boundingVolume\":{\"box\":[0,0,15,5000,0,0,0,5000,0,0,0,15]},\"geometricError\":1000}}";
  fs::create_directories(dir);
  const fs::path path = dir / "tileset.json";
  std::ofstream(path) << json;
  return path;
}

struct PathFigures {
  double medianUs = 0, p95Us = 0;
  double meanVisited = 0, meanRendered = 0, maxRendered = 0;
};

// `frames` cameras from (radius, 0, high) circling and descending to `low` over the centre.
PathFigures runPath(const scene::Tileset& tileset, const osg::Vec3d& centre, double radius, double high, double low,
                    int frames) {
  std::vector<scene::ContentState> ready(tileset.tiles.size(), scene::ContentState::Ready);
  const osg::Matrixd projection = osg::Matrixd::perspective(45, 16.0 / 9.0, 1, 1e6);
  std::vector<double> times;
  PathFigures f;
  for (int i = 0; i < frames; ++i) {
    const double t = frames > 1 ? static_cast<double>(i) / (frames - 1) : 0;
    const double angle = t * 2 * 3.14159265358979323846;
    const double height = high * std::pow(low / high, t);
    const osg::Vec3d eye =
        centre + osg::Vec3d(radius * (1 - t) * std::cos(angle), radius * (1 - t) * std::sin(angle), height);
    const osg::Matrixd view =
        osg::Matrixd::lookAt(eye, centre + osg::Vec3d(radius * 0.2 * std::cos(angle + 1), 0, 0), osg::Vec3d(0, 0, 1));
    const scene::TileCamera camera = scene::TileCamera::fromMatrices(view, projection, 1080);
    core::Stopwatch watch;
    scene::TileSelection s = scene::selectTiles(tileset, ready, camera, 16);
    times.push_back(watch.elapsedMs() * 1000);
    f.meanVisited += static_cast<double>(s.visited.size()) / frames;
    f.meanRendered += static_cast<double>(s.render.size()) / frames;
    f.maxRendered = std::max(f.maxRendered, static_cast<double>(s.render.size()));
  }
  f.medianUs = bench::median(times);
  f.p95Us = percentile(times, 0.95);
  return f;
}

void printPath(const char* name, std::size_t tiles, const PathFigures& f) {
  std::printf("%-26s %8zu %11.1f %9.1f %12.1f %13.1f %12.0f\n", name, tiles, f.medianUs, f.p95Us, f.meanVisited,
              f.meanRendered, f.maxRendered);
}

}  // namespace

int main(int argc, char** argv) {
  const int frames = argc > 1 ? std::max(2, std::atoi(argv[1])) : 300;
  // The full sample from the shared data ($TWIN_SHARED_DATA, as the tests find it), else the
  // repository's copy without its two large contents (their loads then count as problems).
  const char* sharedEnv = std::getenv("TWIN_SHARED_DATA");
  const fs::path shared =
      sharedEnv && *sharedEnv ? fs::path(sharedEnv) : fs::path(TWIN_SOURCE_DIR) / ".." / "shared" / "data";
  fs::path sample = shared / "3dtiles-sample-requestvolume" / "tileset.json";
  if (!fs::exists(sample)) {
    sample = fs::path(TWIN_SOURCE_DIR) / "tests" / "data" / "3dtiles-requestvolume" / "tileset.json";
    std::printf("sample: %s (no building.b3dm, points.pnts: set TWIN_SHARED_DATA for the full sample)\n",
                sample.string().c_str());
  } else {
    std::printf("sample: %s\n", sample.string().c_str());
  }
  std::printf("selection over a %d-frame camera path (1080 px high, 45 deg fov, SSE 16 px, every content loaded)\n",
              frames);
  std::printf("%-26s %8s %11s %9s %12s %13s %12s\n", "tileset", "tiles", "median us", "p95 us", "mean visited",
              "mean rendered", "max rendered");

  core::Diagnostics diag;
  auto read = scene::readTileset(sample, diag);
  if (!read) bench::die(read.error().message);
  scene::expandAllExternalTilesets(read.value(), diag);
  if (auto placed = scene::placeTileset(read.value(), geo::SiteFrame()); !placed) bench::die(placed.error().message);
  const osg::Vec3d sampleCentre = read.value().tiles[0].siteSphere.center();
  printPath("request-volume sample", read.value().tiles.size(),
            runPath(read.value(), sampleCentre, 300, 2000, 3, frames));

  const fs::path dir = fs::temp_directory_path() / ("twin-tiles-bench-" + std::to_string(::getpid()));
  core::Stopwatch writeWatch;
  const fs::path quad = writeQuadtree(dir, 8);
  const double writeMs = writeWatch.elapsedMs();
  core::Stopwatch readWatch;
  auto big = scene::readTileset(quad, diag);
  if (!big) bench::die(big.error().message);
  const double readMs = readWatch.elapsedMs();
  core::Stopwatch placeWatch;
  if (auto placed = scene::placeTileset(big.value(), geo::SiteFrame()); !placed) bench::die(placed.error().message);
  const double placeMs = placeWatch.elapsedMs();
  printPath("quadtree depth 8 (10 km)", big.value().tiles.size(),
            runPath(big.value(), big.value().tiles[0].siteSphere.center(), 4000, 20000, 30, frames));
  std::printf("quadtree: %.1f MB tileset.json written in %.0f ms, read in %.0f ms, placed in %.0f ms\n",
              static_cast<double>(fs::file_size(quad)) / 1e6, writeMs, readMs, placeMs);
  fs::remove_all(dir);

  // Streaming the sample through the node's two workers, from standing inside the request volume.
  auto model = scene::loadTileset(sample, 16, 0, geo::SiteFrame(), diag);
  if (!model) bench::die(model.error().message);
  auto* node = dynamic_cast<scene::TilesetNode*>(model.value().node.get());
  scene::TileCamera camera;
  camera.eye = read.value().tiles[3].siteSphere.center() + osg::Vec3d(0, 0, 5);
  camera.viewportHeightPx = 1080;
  core::Stopwatch streamWatch;
  int streamFrames = 0;
  std::vector<double> frameUs;
  do {
    core::Stopwatch frameWatch;
    node->frame(camera);
    frameUs.push_back(frameWatch.elapsedMs() * 1000);
    ++streamFrames;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  } while (node->loading() && streamFrames < 100000);
  std::printf(
      "sample streamed: %zu contents (%.1f MB estimated) in %.0f ms over %d frames; frame() median %.1f us, "
      "p95 %.1f us; %zu problems\n",
      node->loadedContentCount(), static_cast<double>(node->residentBytes()) / 1e6, streamWatch.elapsedMs(),
      streamFrames, bench::median(frameUs), percentile(frameUs, 0.95), node->diagnostics().total());
  std::printf("peak resident memory (VmHWM): %.1f MiB\n", static_cast<double>(vmHwmKiB()) / 1024.0);
  return 0;
}
