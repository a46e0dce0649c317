// A buildings layer read by the view's extent, tile by tile on a worker thread: for a city in
// PostGIS (a `PG:` source) too large to load whole.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "twin/core/Diagnostics.h"
#include "twin/core/Geometry.h"
#include "twin/core/Result.h"
#include "twin/geo/SiteFrame.h"
#include "twin/model/SceneConfig.h"
#include "twin/model/Site.h"

namespace twin::model {

struct ExtentLoaderOptions {
  double tileMeters = 500;            // side of the square tiles the plane is cut into, site frame
  double radiusMeters = 1500;         // tiles meeting this disc round the view's ground point are wanted
  std::size_t maxResidentTiles = 64;  // beyond this, the tiles farthest from the view are dropped
};

/** One tile of the plane: column x, row y of tileMeters squares from the frame's origin. */
struct TileKey {
  int x = 0, y = 0;
  bool operator<(const TileKey& o) const { return x != o.x ? x < o.x : y < o.y; }
  bool operator==(const TileKey& o) const { return x == o.x && y == o.y; }
};

/** The buildings of one tile, as read. */
struct ExtentTile {
  TileKey key;
  core::Box2 bounds;                // the tile's square, site frame
  std::vector<Building> buildings;  // those whose footprint centroid lies in the tile
  std::size_t featuresRead = 0;     // records the source sent for the tile's extent (edge-crossers included)
  double readMs = 0;                // reading and interpreting, on the worker
  core::Diagnostics problems;       // the rows' problems (repaired or skipped), as a whole load reports them
};

struct ExtentLoaderStats {
  std::size_t tilesRead = 0, tilesDropped = 0, tilesResident = 0, tilesQueued = 0;
  std::size_t buildingsRead = 0;    // kept buildings over every tile read (a tile read again counts again)
  std::size_t featuresRead = 0;     // records the source sent
  std::vector<std::string> errors;  // tiles that could not be read, "tile 3,4: <reason>" (at most 16, oldest first)
};

/** Reads one buildings layer by extent. setView() (from the frame loop: cheap, never reads)
    names the tiles within radiusMeters of the view's ground point; a worker thread reads the
    missing ones, nearest first, each with geo::ReadOptions::filterLonLat (the tile's extent:
    PostGIS answers from its spatial index), interprets the features with the layer's role
    "buildings" and `fields` (interpretFeatures) and keeps each building in the one tile that
    holds its footprint's centroid, so a building crossing a tile edge is kept once. When more
    than maxResidentTiles are held, those farthest from the view are dropped (takeDropped()).
    A tile that cannot be read is reported in stats().errors and not retried until it has been
    dropped. Thread-safe; the destructor stops the worker (a read in progress finishes first). */
class ExtentLoader {
 public:
  /** Error when `layer` has no source, options are not positive, or the frame is invalid:
      "model::ExtentLoader::start(): layer '<id>': <what>". The source is not opened here:
      the first tile's read reports a source that cannot be opened. */
  static core::Result<std::unique_ptr<ExtentLoader>> start(const LayerConfig& layer, const HeightRules& heights,
                                                           const geo::SiteFrame& frame,
                                                           const ExtentLoaderOptions& options = {});
  ~ExtentLoader();
  ExtentLoader(const ExtentLoader&) = delete;
  ExtentLoader& operator=(const ExtentLoader&) = delete;

  /** The view's ground point (site frame, metres): queues the wanted tiles not yet held. */
  void setView(core::Vec2 groundPoint);
  /** Tiles read since the last call, in the order read. */
  std::vector<ExtentTile> takeLoaded();
  /** Tiles read and not yet taken by takeLoaded(). */
  std::size_t readWaiting() const;
  /** Tiles dropped since the last call that takeLoaded() had handed out (their buildings should
      leave the scene); a tile dropped before it was taken is not handed out at all. Take the
      dropped tiles before the loaded ones: a tile dropped and read again is then replaced. */
  std::vector<TileKey> takeDropped();
  /** Waits until nothing is queued or being read, up to `timeout`; true when idle. */
  bool waitIdle(std::chrono::milliseconds timeout) const;
  ExtentLoaderStats stats() const;
  /** The tile holding a point of the site frame. */
  TileKey tileAt(core::Vec2 p) const;

  struct Impl;

 private:
  explicit ExtentLoader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> _impl;
};

}  // namespace twin::model
