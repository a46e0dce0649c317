#include "SnapshotStats.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

#include <nlohmann/json.hpp>

namespace twin::app {

double residentMiB() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::strtod(line.c_str() + 6, nullptr) / 1024.0;  // kB
  return 0;
}

std::string snapshotStatsJson(const RenderFigures& figures, int width, int height, double rssMiB) {
  std::vector<double> times = figures.frameMs;
  double median = 0;
  if (!times.empty()) {
    std::sort(times.begin(), times.end());
    const std::size_t n = times.size();
    median = n % 2 ? times[n / 2] : (times[n / 2 - 1] + times[n / 2]) / 2;
  }
  nlohmann::ordered_json out;
  out["draw_calls"] = figures.drawn.drawCalls;
  out["drawables"] = figures.drawn.drawables;
  out["triangles"] = figures.drawn.triangles;
  out["buildings_drawn"] = figures.drawn.buildingsDrawn;
  out["poi_markers_drawn"] = figures.drawn.poiMarkersDrawn;
  out["labels_drawn"] = figures.labelsDrawn;
  out["frame_ms"] = median;
  out["frames"] = figures.frameMs.size();
  out["rss_mib"] = rssMiB;
  out["width"] = width;
  out["height"] = height;
  return out.dump(2) + "\n";
}

core::Status writeSnapshotStats(const std::string& path, const RenderFigures& figures, int width, int height) {
  std::ofstream file(path, std::ios::trunc);
  if (file) file << snapshotStatsJson(figures, width, height, residentMiB());
  if (!file || !file.flush())
    return core::fail("twin snapshot --stats: cannot write " + path + ": " + std::strerror(errno));
  return core::Ok{};
}

}  // namespace twin::app
