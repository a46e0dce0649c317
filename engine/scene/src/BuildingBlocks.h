// The buildings layer of a SiteScene: extruded buildings merged per tile, and tiles grouped into
// blocks. Far away a block is one merged roof-only geometry, farther still one coarse geometry of
// a rectangle per 100 m cell; close by it is its tiles' full extrusion. With paging, that near level is built on demand
// by the viewer's DatabasePager (its worker threads, then IncrementalCompileOperation for the GL objects) and expired
// when the camera leaves, so a large city keeps memory and draw calls bounded.
#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <utility>
#include <vector>

#include <osg/Geometry>
#include <osg/Group>
#include <osg/Node>
#include <osg/Referenced>
#include <osg/observer_ptr>
#include <osg/ref_ptr>

#include "twin/core/Diagnostics.h"
#include "twin/geo/Heightfield.h"
#include "twin/model/SceneConfig.h"
#include "twin/model/Site.h"

namespace twin::scene::detail {

/** One extruded volume: a building, or a building:part drawn for building `index` (its picking,
    colour and highlight are the building's). */
struct BuildingVolume {
  const model::Building* source = nullptr;
  std::size_t index = 0;  // into Site::buildings
  model::BuildingUse use = model::BuildingUse::Other;
};

constexpr int kTilesPerBlockSide = 4;  // a block is 4 x 4 tiles (1 km with the default 250 m tiles)

class BuildingBlocks : public osg::Referenced {
 public:
  /** `terrain` (null: flat) and the buildings given to compile() must outlive this object, or
      close() must be called before they go. `storeyMeters`: the scene's storey height for
      buildings without `building:levels` (storeyHeightMeters()), which sets the window rows. */
  BuildingBlocks(const geo::Heightfield* terrain, double tileSizeMeters, double detailMeters, double storeyMeters = 3);

  struct Figures {
    std::size_t blocks = 0, tiles = 0;           // blocks and tiles holding buildings
    std::size_t geometries = 0;                  // far geometries, plus the near ones when not paged
    std::size_t triangles = 0;                   // full-detail triangles (built or, when paged, to be built)
    std::vector<osg::ref_ptr<osg::Node>> nodes;  // one per block, for the buildings layer
  };
  /** Checks and triangulates every volume (each unusable one reported in `diag` and skipped),
      builds each block's far level, and the near level at once (an osg::LOD per block) or, when
      `paged`, through the pager (an osg::PagedLOD whose near child is a file name that only
      this object's read callback understands). Call once. */
  Figures compile(const std::vector<BuildingVolume>& volumes, bool paged, core::Diagnostics& diag);

  /** The near level of block (bx, by): one geometry per tile. Null for an unknown block or once
      close() was called. Thread-safe (pager threads); builds one block at a time. */
  osg::ref_ptr<osg::Group> buildNearBlock(long long bx, long long by);
  /** Near blocks built so far (by the pager or at compile time). */
  std::size_t nearBlocksBuilt() const;

  /** One colour per building (alpha 0: its use colour), or empty for colours by use; also
      applied to near levels built later. See SiteScene::setBuildingColors(). */
  void setColors(const std::vector<model::Color>& colors);
  /** Refuses further near blocks (the site may go away); waits for one being built. */
  void close();

 private:
  struct Block {
    std::vector<BuildingVolume> volumes;
  };
  osg::ref_ptr<osg::Group> buildNear(const Block& block, std::size_t* triangles);  // with _mutex held
  void registerGeometry(osg::Geometry* geometry);                                  // with _mutex held

  const geo::Heightfield* _terrain;
  double _tileSize;
  double _detailMeters;
  double _storeyMeters;
  std::map<std::pair<long long, long long>, Block> _blocks;
  mutable std::mutex _mutex;
  bool _closed = false;
  std::size_t _nearBuilt = 0;
  std::vector<model::Color> _colors;
  std::vector<osg::observer_ptr<osg::Geometry>> _geometries;  // every level built, for setColors()
};

}  // namespace twin::scene::detail
