// `twin snapshot --stats FILE.json`: the figures of the rendered frame as JSON.
#pragma once

#include <string>

#include "twin/app/TwinViewer.h"
#include "twin/core/Result.h"

namespace twin::app {

/** Resident memory of this process now, MiB (VmRSS of /proc/self/status); 0 where unknown. */
double residentMiB();

/** The JSON object of a snapshot's figures: draw_calls, drawables, triangles, buildings_drawn,
    poi_markers_drawn, labels_drawn (the scene's labels, cluster counts not included), frame_ms
    (median of the frames rendered), frames, rss_mib, width, height. */
std::string snapshotStatsJson(const RenderFigures& figures, int width, int height, double rssMiB);

/** Writes snapshotStatsJson() to `path`; error "twin snapshot --stats: cannot write PATH: why". */
core::Status writeSnapshotStats(const std::string& path, const RenderFigures& figures, int width, int height);

}  // namespace twin::app
