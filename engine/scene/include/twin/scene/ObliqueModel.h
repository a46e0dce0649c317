// Oblique-photography productions (ContextCapture / Smart3D OSGB: metadata.xml + Data/Tile_*/)
// placed in the site frame, their detail levels paged in by the viewer's DatabasePager.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "twin/core/Diagnostics.h"
#include "twin/core/Result.h"
#include "twin/geo/SiteFrame.h"
#include "twin/scene/IsolatedCall.h"
#include "twin/scene/SceneModel.h"

namespace twin::scene {

/** How loadObliqueProduction() reads the root tiles. */
struct ObliqueLoadOptions {
  /** Threads reading root .osgb files at once; 0 = one per hardware thread, at most one per tile.
      1 reads them one after another on the calling thread. */
  unsigned readThreads = 0;
  /** Limits of the child process that reads each .osgb first (root tiles and paged levels). */
  IsolationLimits tileLimits;
};

/** Loads an oblique-photography production: `folderOrMetadata` is its folder or its metadata.xml
    (SRS as an EPSG code, WKT, PROJ string or ENU:lat,lon; SRSOrigin), with the tiles in
    Data/<Tile>/<Tile>.osgb beside it (<Tile> usually Tile_+XXX_+YYY).
    - `srsOverride` replaces metadata.xml's SRS (same forms as <SRS>); `heightOffsetMeters` is
      added to every z (e.g. geoid vs. ellipsoid).
    - Only the root tile files are read. Their osg::PagedLODs (and those inside them) get the
      tile folder, with a trailing separator, as database path, and database options whose
      read callback is the loader's own .osgb reader, so the viewer's DatabasePager reads the
      finer levels by screen size later, with the same checks (and gives the PagedLODs it
      loads the same settings). A level that fails to load then is logged once (core log)
      and by the pager on each request; the coarser level stays on screen.
    - Placement: tile vertices stay in metres relative to SRSOrigin (z up); one
      osg::MatrixTransform (geo::fitFrameAffine fitted at the tiles' centre) puts them in
      `frame`. An invalid frame (SiteFrame{}) -> a local-tm frame at SRSOrigin's lon/lat,
      returned in SceneModel::frame. The tile nodes are named after their folders.
    - Drawing: the content is fixed-function and textured; the model's state set turns GL
      lighting off (productions carry no normals; their lighting is baked into the textures),
      selects the fixed-function pipeline and makes the texture colour the surface colour,
      all protected against ancestors' overrides, so GLSL programs set above the model do not
      reach it.
    - SceneModel: id = the production folder's name, format Osgb, bounds = the root tiles'
      bounding spheres (as boxes) through the placement, `loading` null.
    Bad input: an unreadable, non-.osgb or truncated root .osgb, or a tile folder without its
    root file, is skipped and reported in `diag` (file, what). A truncated file is caught
    before OSG can use the objects it could not finish (OSG's own reader would crash). Every
    .osgb (root or paged level) must be a regular file of at most core::kOsgbTileLimit, and is
    parsed first in a child process (runIsolated() with options.tileLimits): one that crashes,
    hangs or runs out of memory there is reported ("OSG's .osgb reader crashed (signal 11,
    Segmentation fault)", "... did not finish within 30 s (killed)") and never parsed in this
    process; only after the child came back is it parsed here. Errors (naming the file): missing or malformed
    metadata.xml (geo::readObliqueMetadata()'s message), an SRS PROJ does not know or that
    cannot be placed in the frame, no readable root tile at all. Never throws.
    Thread safety: may run on any thread (OSG's reader registry is thread-safe); the returned
    node is not yet attached to any viewer. */
core::Result<SceneModel> loadObliqueProduction(const std::filesystem::path& folderOrMetadata,
                                               const std::optional<std::string>& srsOverride, double heightOffsetMeters,
                                               const geo::SiteFrame& frame, core::Diagnostics& diag);

/** The same with explicit read options. */
core::Result<SceneModel> loadObliqueProduction(const std::filesystem::path& folderOrMetadata,
                                               const std::optional<std::string>& srsOverride, double heightOffsetMeters,
                                               const geo::SiteFrame& frame, core::Diagnostics& diag,
                                               const ObliqueLoadOptions& options);

/** Reads one .osgb file (a root tile or a paged level) as loadObliqueProduction() does: a
    regular file of at most core::kOsgbTileLimit with OSG's binary header, parsed first in a child
    process (runIsolated() with `limits`) and only after that child came back in this process.
    Errors "scene::readOsgbFile(): <path>: <problem>": not found, not a regular file, too large,
    "not an OSG binary scene (no .osgb header)", "the file ends inside an object (truncated)",
    "OSG's .osgb reader crashed (signal 11, Segmentation fault)", "OSG's .osgb reader did not
    finish within 30 s (killed)", "OSG's .osgb reader ran out of memory". PagedLOD children are
    not read. Never throws. Any thread. */
core::Result<osg::ref_ptr<osg::Node>> readOsgbFile(const std::filesystem::path& file,
                                                   const IsolationLimits& limits = {});

}  // namespace twin::scene
