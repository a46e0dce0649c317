// The walking network: a compact (CSR) graph built from a site's walkable ways, with a grid
// index for snapping points onto its edges.
//
// Nodes are way vertices; ways are joined where they share a vertex. The loader gives way
// geometry in local metres without OSM node ids, so shared OSM nodes are found by their
// coordinates: the same OSM node projects to bit-identical local coordinates, and vertices
// closer than WalkGraphOptions::mergeMeters (default 1 mm) are treated as one node.
// Every edge is one straight segment between two consecutive way vertices, so a point on an
// edge is exactly on the street.
// Slope: when heights are known (a terrain heightfield in the options, or per-vertex
// elevations on the roads or lines), each direction of a segment costs its horizontal length
// times toblerSlowness(grade in that direction), so uphill and downhill differ. Steps keep
// their own stepsFactor instead (Tobler's function is for paths, not stairs).
// Edge lengths are Euclidean in the site frame. With the default "local-tm" frame these are
// ground metres to better than 1e-7 relative within 5 km of the origin (transverse Mercator
// scale 1 + d^2/2R^2); with a projected frame CRS they carry that CRS's scale factor.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "twin/core/Diagnostics.h"
#include "twin/core/Geometry.h"
#include "twin/model/Site.h"

namespace twin::geo {
struct Heightfield;
}

namespace twin::analysis {

using NodeId = std::uint32_t;
constexpr NodeId kNoNode = 0xffffffffu;

/** How a way is walked. `stepsFactor` multiplies the time per metre on highway=steps.
    Slope: with `terrain` (not owned; must outlive the build call only), each segment is cut
    into pieces no longer than the terrain spacing and each piece's grade is taken from
    Heightfield::heightAt at its ends, so a hill between two vertices counts; without it, the
    per-vertex elevations of roads (model::Road::elevations) or lines (WalkLine::elevations)
    are used when they have one height per point. `toblerSlope = false` ignores heights. */
struct WalkGraphOptions {
  double stepsFactor = 2.0;
  double mergeMeters = 0.001;     // vertices this close become one node
  double indexCellMeters = 50.0;  // snapping grid cell
  const geo::Heightfield* terrain = nullptr;
  bool toblerSlope = true;
};

/** Tobler's hiking function normalised to flat ground: the time per horizontal metre on a
    grade `slope` (rise over run, positive uphill) relative to walking on the flat,
    exp(3.5 (|slope + 0.05| - 0.05)). 1 at 0, about 0.84 at -5 % (the fastest), 1 at -10 %,
    1.42 at +10 %. A non-finite slope gives 1 (treated as flat). */
double toblerSlowness(double slope);

/** Whether pedestrians may use a way with these tags (issue 3 rules): footway, path,
    pedestrian, steps, living_street, residential, service, track, unclassified, tertiary,
    secondary, primary (and their _link), cycleway, corridor, platform, bridleway; motorway and
    trunk (and links) only with sidewalk=both/left/right/yes or foot=yes/designated/permissive;
    never with foot=no, access=private/no (unless foot=yes/designated), or area=yes. */
bool isWalkable(const std::string& highway, const model::Tags& tags);

/** An edge of the CSR adjacency: `target`, its length and its cost. */
struct WalkEdge {
  NodeId target = 0;
  std::uint32_t segment = 0;  // index into WalkGraph::segments()
  float lengthMeters = 0;
  float costMeters = 0;  // length x slowness (steps); seconds = costMeters / speedMps
};

/** A street segment between two nodes (both directions are CSR edges). `costMeters` is the
    a->b cost, `costBackMeters` the b->a one; they differ on a slope. A point at fraction t is
    t x costMeters from a and (1 - t) x costBackMeters from b (cost spread evenly). */
struct WalkSegment {
  NodeId a = 0, b = 0;
  float lengthMeters = 0;    // horizontal
  float costMeters = 0;      // a->b: length x slowness (steps, slope)
  std::uint32_t road = 0;    // index of the source road (model::Site::roads or the input list)
  float costBackMeters = 0;  // b->a
};

/** The nearest point of the network to a query point. */
struct SnapPoint {
  std::uint32_t segment = 0;
  double t = 0;               // position along a->b in [0, 1]
  core::Vec2 point;           // the snapped point, local metres
  double distanceMeters = 0;  // from the query point
};

/** Immutable after construction; every const member is thread-safe. */
class WalkGraph {
 public:
  WalkGraph() = default;

  std::size_t nodeCount() const { return _positions.size(); }
  std::size_t segmentCount() const { return _segments.size(); }
  const core::Vec2& position(NodeId n) const { return _positions[n]; }
  const std::vector<core::Vec2>& positions() const { return _positions; }
  const std::vector<WalkSegment>& segments() const { return _segments; }
  /** OSM node id of a node, 0 when unknown (see assignOsmNodeIds). */
  std::int64_t osmNodeId(NodeId n) const { return _osmNodeIds.empty() ? 0 : _osmNodeIds[n]; }

  /** Outgoing edges of `n` (both directions of every segment are stored). */
  const WalkEdge* edgesBegin(NodeId n) const { return _edges.data() + _offsets[n]; }
  const WalkEdge* edgesEnd(NodeId n) const { return _edges.data() + _offsets[n + 1]; }

  /** Connected component of each node; components are numbered by size, largest = 0. */
  std::uint32_t component(NodeId n) const { return _component[n]; }
  std::size_t componentCount() const { return _componentSizes.size(); }
  const std::vector<std::uint32_t>& componentSizes() const { return _componentSizes; }

  /** Nearest point on any segment within `maxMeters`; false when none (or p not finite). */
  bool snap(core::Vec2 p, double maxMeters, SnapPoint& out) const;
  /** Point on a segment at fraction t. */
  core::Vec2 pointOn(std::uint32_t segment, double t) const;
  core::Box2 bounds() const { return _bounds; }

  /** Gives nodes their OSM ids from (id, local position) pairs: each node takes the id of a
      point within `toleranceMeters` (closest wins). Returns how many nodes got an id. */
  std::size_t assignOsmNodeIds(const std::vector<std::pair<std::int64_t, core::Vec2>>& osmNodes,
                               double toleranceMeters = 0.01);

 private:
  friend class WalkGraphBuilder;
  std::vector<core::Vec2> _positions;
  std::vector<std::int64_t> _osmNodeIds;
  std::vector<std::uint32_t> _offsets;
  std::vector<WalkEdge> _edges;
  std::vector<WalkSegment> _segments;
  std::vector<std::uint32_t> _component, _componentSizes;
  core::Box2 _bounds;
  // Snapping grid: cell -> segment indices (CSR).
  double _cell = 50;
  int _cols = 0, _rows = 0;
  std::vector<std::uint32_t> _cellOffsets, _cellSegments;
};

/** Figures about a built graph, for logs and `twin info`. */
struct WalkGraphStats {
  std::size_t roadsUsed = 0, roadsNotWalkable = 0, roadsSkipped = 0;
  std::size_t areasUsed = 0, areasSkipped = 0, areaSegments = 0;  // walk areas and their visibility edges
  std::size_t nodes = 0, segments = 0, components = 0, nodesOutsideLargestComponent = 0;
  double totalLengthMeters = 0;
};

/** A polyline to turn into edges (for sources other than model::Road, e.g. generated grids). */
struct WalkLine {
  std::vector<core::Vec2> points;       // local metres
  double slowness = 1.0;                // cost per metre relative to flat walking (steps: stepsFactor)
  std::vector<double> elevations = {};  // optional: one height per point (metres) for the slope cost
};

/** Builds the graph from every walkable road (isWalkable). Never throws. Roads with fewer
    than 2 finite points or non-finite coordinates are skipped and reported in `diag`
    ("analysis::buildWalkGraph(): <file> way 12: ..."); an empty result is a valid, empty
    graph. Disconnected components are reported as one Info diagnostic. Non-finite heights
    make the segments that touch them flat, reported once as a Warning. */
WalkGraph buildWalkGraph(const std::vector<model::Road>& roads, const WalkGraphOptions& options,
                         core::Diagnostics& diag, WalkGraphStats* stats = nullptr);

/** A walk area with more ring vertices and entries than this is walked along its outline only
    (the visibility graph costs O(n^3)). */
constexpr std::size_t kMaxWalkAreaPoints = 400;

/** Same, plus pedestrian areas (model::WalkArea): each is crossed in straight lines. Its nodes
    are its ring vertices (outer and holes) and its entries, the vertices of walkable roads on
    its boundary or inside it (within 5 cm: OSM ways share the area's nodes); every pair of
    them whose straight segment stays inside the area and outside its holes (touching the
    boundary is inside) becomes a segment (a visibility graph), so a walk between two ways
    that touch a square goes straight across, or around a corner or a fountain. A way that
    crosses the boundary with no vertex on it or inside is not joined to the area. Segments of
    area a have road index roads.size() + a. An area with fewer than 3 points or a non-finite
    coordinate is skipped and reported ("analysis::buildWalkGraph(): way 12: area has fewer
    than 3 points or a non-finite coordinate"); one over kMaxWalkAreaPoints is walked along its
    outer ring and reported as Info. */
WalkGraph buildWalkGraph(const std::vector<model::Road>& roads, const std::vector<model::WalkArea>& areas,
                         const WalkGraphOptions& options, core::Diagnostics& diag, WalkGraphStats* stats = nullptr);

/** The site's roads and walk areas (model::Site::walkAreas): the graph the analyses use. */
WalkGraph buildWalkGraph(const model::Site& site, const WalkGraphOptions& options, core::Diagnostics& diag,
                         WalkGraphStats* stats = nullptr);

/** Same, from plain lines (every line walkable). */
WalkGraph buildWalkGraph(const std::vector<WalkLine>& lines, const WalkGraphOptions& options, core::Diagnostics& diag,
                         WalkGraphStats* stats = nullptr);

}  // namespace twin::analysis
