// A streamed buildings layer of a SiteScene (model::StreamedLayer): the tiles a model::ExtentLoader
// reads around the view, each drawn as the buildings layer draws its blocks (BuildingBlocks: a
// merged roof-only level far away, full detail close by), added as they arrive and removed when
// the loader drops them. The cull traversal tells where the view is; the update traversal moves
// the loader and turns what it read into nodes.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <osg/Group>
#include <osg/ref_ptr>

#include "BuildingBlocks.h"
#include "twin/core/Diagnostics.h"
#include "twin/core/Result.h"
#include "twin/model/ExtentLoader.h"
#include "twin/model/Site.h"

namespace twin::scene::detail {

/** The index a streamed building carries in the building attribute: beyond every Site::buildings
    index, so picking and highlighting pass over it (exact in a float). */
constexpr std::size_t kStreamedBuildingIndex = 16777215;

class StreamedBuildings : public osg::Group {
 public:
  struct Figures {
    std::string layerId;
    std::size_t tilesShown = 0;            // tiles with nodes in the scene now
    std::size_t buildingsShown = 0;        // their buildings
    std::size_t measuredHeightsShown = 0;  // of those, with a measured height
    std::size_t tilesWaiting = 0;          // read, not yet turned into nodes
    std::set<model::BuildingUse> uses;     // of the buildings shown
    model::ExtentLoaderStats loader;
    double lastBuildMs = 0;  // turning the last tile into nodes, on the frame's thread
  };

  /** Starts the loader. `diag` (the site's diagnostics) must outlive this node; per-tile problems
      (a tile that cannot be read, a footprint that cannot be triangulated) are added to it from
      the update traversal. `terrain` (null: flat) must outlive it too. */
  static core::Result<osg::ref_ptr<StreamedBuildings>> create(const model::StreamedLayer& layer,
                                                              const geo::SiteFrame& frame,
                                                              const geo::Heightfield* terrain, double tileSizeMeters,
                                                              double detailMeters, double storeyMeters,
                                                              core::Diagnostics& diag);

  /** The cull traversal's view: the ground point the loader reads around. */
  void noteView(const osg::Vec3d& eye, const osg::Vec3d& look);
  /** From the update traversal: moves the loader to the last view, removes dropped tiles and
      adds at most `maxTiles` read ones. */
  void update(std::size_t maxTiles = 2);
  /** True when nothing is being read or waiting to be added for the last view. */
  bool idle() const;
  /** Waits until the loader has read what the last view wants, up to `timeout` (the nodes are
      added by the next update()). */
  bool waitRead(std::chrono::milliseconds timeout) const;
  /** Coverage colours are on: streamed buildings keep their use colour (they have no entry). */
  void setColorsActive(bool active);
  Figures figures() const;

 private:
  StreamedBuildings() = default;
  ~StreamedBuildings() override;

  struct Tile {
    std::vector<model::Building> buildings;  // the volumes point into it
    std::set<model::BuildingUse> uses;
    std::size_t measuredHeights = 0;
    osg::ref_ptr<BuildingBlocks> blocks;
    osg::ref_ptr<osg::Group> node;
  };
  void addTile(model::ExtentTile tile);

  std::unique_ptr<model::ExtentLoader> _loader;
  std::string _layerId, _sourceLabel;
  const geo::Heightfield* _terrain = nullptr;
  double _tileSize = 250, _detailMeters = 3000, _storeyMeters = 3, _radius = 1500;
  core::Diagnostics* _diag = nullptr;
  mutable std::mutex _viewMutex;  // the view comes from the cull, read by the update
  osg::Vec3d _view;
  bool _hasView = false;
  osg::Vec3d _sentView;
  bool _sent = false;
  std::map<model::TileKey, Tile> _tiles;
  std::vector<model::ExtentTile> _waiting;
  std::size_t _errorsReported = 0;
  std::set<model::TileKey> _diagnosed;  // tiles whose footprint problems are in the diagnostics
  bool _colorsActive = false;
  double _lastBuildMs = 0;
};

}  // namespace twin::scene::detail
