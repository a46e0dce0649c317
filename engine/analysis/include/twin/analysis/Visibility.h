// The visibility graph of a walkable area: which straight walks across a pedestrian square stay
// inside it. WalkGraph uses it to connect the ways that touch a square through the square; it is
// public so that its geometry can be tested on its own.
#pragma once

#include <utility>
#include <vector>

#include "twin/core/Geometry.h"

namespace twin::analysis {

/** Whether the straight segment p-q lies in `polygon` (on its boundary counts as in; holes
    excluded, their boundary counts as in). `epsMeters`: how near a point must be to the
    boundary to count as on it. */
bool segmentInside(const core::Polygon& polygon, core::Vec2 p, core::Vec2 q, double epsMeters);

/** Every pair of points among the polygon's ring vertices and `entries` (points on or inside
    it: where ways touch the area) whose straight segment lies in the polygon (segmentInside).
    Cost O(n^3) for n points; the caller bounds n. */
std::vector<std::pair<core::Vec2, core::Vec2>> visibilityEdges(const core::Polygon& polygon,
                                                               const std::vector<core::Vec2>& entries,
                                                               double epsMeters);

/** Distance from p to the polygon's boundary (outer ring and holes). */
double boundaryDistance(const core::Polygon& polygon, core::Vec2 p);

}  // namespace twin::analysis
