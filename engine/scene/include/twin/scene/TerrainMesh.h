// The site's terrain as a chunked level-of-detail mesh, and the helpers that drape lines and
// polygons on it (roads, isochrone overlays).
//
// Sections: TerrainOptions / TerrainStats | buildTerrainMesh | groundHeight | drapeLine |
// drapeTriangles / drapePolygon.
//
// The full-detail mesh splits every heightfield cell (c, r) along the diagonal from sample
// (c, r) to sample (c + 1, r + 1). groundHeight() interpolates on exactly those triangles, so a
// line draped with drapeLine() lies on the drawn full-detail surface (not merely near the
// bilinear Heightfield::heightAt, which can differ from the triangles inside a cell).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include <osg/Group>
#include <osg/Vec3>
#include <osg/ref_ptr>

#include "twin/core/Geometry.h"
#include "twin/geo/Heightfield.h"

namespace twin::scene {

struct TerrainOptions {
  int chunkCells = 32;       // heightfield cells per chunk side (the last row/column of chunks may be
                             // smaller); values below 2 are taken as 2
  int levels = 3;            // detail levels per chunk: level k keeps every 2^k-th sample; 1..6
  double maxPixelError = 2;  // a coarser level is shown once its height error projects below this
                             // many pixels (assuming 1080 pixels over a 30 degree field of view)
};

struct TerrainStats {
  std::size_t chunks = 0;      // osg::LOD nodes
  std::size_t geometries = 0;  // all levels of all chunks
  std::size_t vertices = 0;    // all levels, skirts included
  std::size_t triangles = 0;   // full-detail level only, skirts excluded
};

/** Name of every terrain chunk geometry ("twin:terrain"), for tests and picking filters. */
constexpr const char* kTerrainGeometryName = "twin:terrain";

/** Builds the terrain of `terrain` in the site frame: a group of osg::LOD chunks, each with
    `options.levels` geometries (level 0 full detail; level k every 2^k-th sample, always keeping
    the chunk's border samples), switched by the distance at which the level's largest height
    error against full detail stays under options.maxPixelError. Vertex heights are the
    heightfield samples (equal to Heightfield::heightAt at the vertex), normals come from the
    heightfield's central differences (the same at every level, so lighting does not pop), and
    each level has a skirt hanging below its border by the chunk's height range, which hides the
    cracks between neighbouring chunks at different levels. Geometries carry vertices and normals
    only (no colour, no state): the caller sets the program and colour. An empty heightfield
    gives an empty group; non-finite samples are drawn at 0. Fills `stats` when given.
    Thread-safe (no shared state). */
osg::ref_ptr<osg::Group> buildTerrainMesh(const geo::Heightfield& terrain, const TerrainOptions& options = {},
                                          TerrainStats* stats = nullptr);

/** Height of the drawn full-detail terrain surface at local (x, y), metres: the sample heights
    at grid points, linear on the mesh triangles in between; points outside the grid take the
    height of the nearest edge point. 0 without terrain (null or empty) and for non-finite input.
    Thread-safe. */
double groundHeight(const geo::Heightfield* terrain, double x, double y);

/** A polyline on the terrain: each segment is split wherever it crosses a grid line or a cell
    diagonal (so the result lies exactly on the full-detail mesh), every point at groundHeight()
    plus `liftMeters`. Without terrain: the same points at z = liftMeters. Non-finite points are
    dropped; fewer than 2 usable points give an empty result. A segment that would need more
    than 100,000 points (a huge line on a fine grid) is split evenly into 100,000 instead.
    Coordinates are local metres as floats: keep them near the site origin. Thread-safe. */
std::vector<osg::Vec3> drapeLine(const geo::Heightfield* terrain, const std::vector<core::Vec2>& line,
                                 double liftMeters);

/** A triangle mesh draped on the terrain. */
struct DrapedMesh {
  std::vector<osg::Vec3> vertices;       // local metres, z = groundHeight() + lift
  std::vector<std::uint32_t> triangles;  // CCW (seen from above) index triples into `vertices`
};

/** Drapes 2D triangles (index triples into `points`): triangles are bisected along their longest
    edge until no edge is longer than the terrain spacing (midpoints are shared between
    neighbours, so the result has no cracks), then every vertex is set to groundHeight() +
    `liftMeters`. Without terrain, nothing is split and z = liftMeters. Triangles with an index
    out of range or a non-finite point are dropped; winding is kept. To bound the output, the
    split length grows so that at most about 2 million triangles come out. Thread-safe. */
DrapedMesh drapeTriangles(const geo::Heightfield* terrain, const std::vector<core::Vec2>& points,
                          const std::vector<std::uint32_t>& triangles, double liftMeters);

/** Triangulates `polygon` (outer ring plus holes, any orientation) and drapes it with
    drapeTriangles(). An empty mesh when the polygon cannot be triangulated (fewer than 3 distinct
    points, zero area, non-finite coordinates). Thread-safe. */
DrapedMesh drapePolygon(const geo::Heightfield* terrain, const core::Polygon& polygon, double liftMeters);

}  // namespace twin::scene
