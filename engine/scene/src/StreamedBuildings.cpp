// StreamedBuildings: the view from the cull, the loader moved and its tiles turned into nodes in
// the update.
#include "StreamedBuildings.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include <osg/NodeCallback>
#include <osgUtil/CullVisitor>

#include "twin/core/Stopwatch.h"

namespace twin::scene::detail {

namespace {

constexpr const char* kWhere = "scene::SiteScene (streamed buildings)";
constexpr double kMaxLookMeters = 30000;  // a looked-at point farther than this is the horizon

class ViewCull : public osg::NodeCallback {
 public:
  void operator()(osg::Node* node, osg::NodeVisitor* nv) override {
    // The sun's depth-map camera (pre-render) culls the scene too: its eye is not the view.
    auto* cv = dynamic_cast<osgUtil::CullVisitor*>(nv);
    const osg::Camera* camera = cv ? cv->getCurrentCamera() : nullptr;
    if (cv && !(camera && camera->getRenderOrder() == osg::Camera::PRE_RENDER))
      static_cast<StreamedBuildings*>(node)->noteView(cv->getEyeLocal(), cv->getLookVectorLocal());
    traverse(node, nv);
  }
};

class TileUpdate : public osg::NodeCallback {
 public:
  void operator()(osg::Node* node, osg::NodeVisitor* nv) override {
    static_cast<StreamedBuildings*>(node)->update();
    traverse(node, nv);
  }
};

}  // namespace

core::Result<osg::ref_ptr<StreamedBuildings>> StreamedBuildings::create(const model::StreamedLayer& layer,
                                                                        const geo::SiteFrame& frame,
                                                                        const geo::Heightfield* terrain,
                                                                        double tileSizeMeters, double detailMeters,
                                                                        double storeyMeters, core::Diagnostics& diag) {
  const model::StreamConfig stream = layer.layer.stream.value_or(model::StreamConfig{});
  model::ExtentLoaderOptions options;
  options.tileMeters = stream.tileMeters;
  options.radiusMeters = stream.radiusMeters;
  options.maxResidentTiles = stream.maxTiles;
  auto loader = model::ExtentLoader::start(layer.layer, layer.heights, frame, options);
  if (!loader) return loader.error();
  osg::ref_ptr<StreamedBuildings> node = new StreamedBuildings;
  node->_loader = std::move(loader).value();
  node->_layerId = layer.layer.id;
  node->_terrain = terrain;
  node->_tileSize = tileSizeMeters;
  node->_detailMeters = detailMeters;
  node->_storeyMeters = storeyMeters;
  node->_radius = stream.radiusMeters;
  node->_diag = &diag;
  node->setName("streamed buildings " + layer.layer.id);
  // Not culled while any part of the layer's data may be in view: the cull callback is what
  // tells the loader where the view is, and an empty group has no bound of its own.
  if (!layer.extent.empty()) {
    const core::Vec2 c = layer.extent.centre();
    const double r = 0.5 * std::hypot(layer.extent.width(), layer.extent.height()) + stream.radiusMeters;
    node->setInitialBound(osg::BoundingSphere(osg::Vec3(float(c.x), float(c.y), 0.f), float(r)));
  }
  node->addCullCallback(new ViewCull);
  node->addUpdateCallback(new TileUpdate);
  return node;
}

StreamedBuildings::~StreamedBuildings() {
  _loader.reset();  // stops the worker before the tiles go
  for (auto& entry : _tiles) entry.second.blocks->close();
}

void StreamedBuildings::noteView(const osg::Vec3d& eye, const osg::Vec3d& look) {
  if (!eye.valid() || !look.valid()) return;
  // The ground point the view looks at. A view towards the horizon meets the ground far away
  // or never: the disc then starts below the eye and reaches the radius ahead of it.
  osg::Vec2d ahead(look.x(), look.y());
  if (ahead.length() > 1e-9) ahead.normalize();
  osg::Vec2d offset = ahead * _radius;
  if (look.z() < -1e-6) {
    const double t = -eye.z() / look.z();
    const osg::Vec2d hit(look.x() * t, look.y() * t);
    if (t > 0 && hit.length() <= kMaxLookMeters) offset = hit;
  }
  std::lock_guard<std::mutex> lock(_viewMutex);
  _view = osg::Vec3d(eye.x() + offset.x(), eye.y() + offset.y(), 0);
  _hasView = true;
}

void StreamedBuildings::update(std::size_t maxTiles) {
  {
    std::lock_guard<std::mutex> lock(_viewMutex);
    // Told again only when the view moved a metre: setView() replans the queue.
    if (_hasView && (!_sent || (_view - _sentView).length() > 1)) {
      _loader->setView(core::Vec2{_view.x(), _view.y()});
      _sentView = _view;
      _sent = true;
    }
  }
  for (const model::TileKey& key : _loader->takeDropped()) {
    auto it = _tiles.find(key);
    if (it == _tiles.end()) {
      _waiting.erase(
          std::remove_if(_waiting.begin(), _waiting.end(), [&](const model::ExtentTile& t) { return t.key == key; }),
          _waiting.end());
      continue;
    }
    removeChild(it->second.node);
    it->second.blocks->close();
    _tiles.erase(it);
  }
  for (model::ExtentTile& tile : _loader->takeLoaded()) _waiting.push_back(std::move(tile));
  const model::ExtentLoaderStats stats = _loader->stats();
  for (; _errorsReported < stats.errors.size(); ++_errorsReported)
    _diag->add(core::Severity::Error, kWhere, _layerId, "buildings", "", stats.errors[_errorsReported],
               "tile not drawn");
  // Nearest first: the loader read them so, and a view that moved on wants its new ones soon.
  std::size_t added = 0;
  while (!_waiting.empty() && added < maxTiles) {
    model::ExtentTile tile = std::move(_waiting.front());
    _waiting.erase(_waiting.begin());
    addTile(std::move(tile));
    ++added;
  }
}

void StreamedBuildings::addTile(model::ExtentTile tile) {
  core::Stopwatch clock;
  Tile& t = _tiles[tile.key];
  if (t.node) removeChild(t.node);  // read again after a drop that crossed the read
  t.buildings = std::move(tile.buildings);
  if (_terrain)
    for (model::Building& b : t.buildings) {
      const double h = _terrain->minHeightUnder(b.footprint);
      b.baseElevationMeters = std::isfinite(h) ? h : 0;
    }
  std::vector<BuildingVolume> volumes;
  volumes.reserve(t.buildings.size());
  t.uses.clear();
  t.measuredHeights = 0;
  for (const model::Building& b : t.buildings) {
    volumes.push_back({&b, kStreamedBuildingIndex, b.use});
    t.uses.insert(b.use);
    t.measuredHeights += b.heightSource == model::HeightSource::Measured;
  }
  t.blocks = new BuildingBlocks(_terrain, _tileSize, _detailMeters, _storeyMeters);
  if (_colorsActive) t.blocks->setColors({model::Color{0, 0, 0, 0}});
  // A row's or footprint's problem is reported once, not each time its tile is read again.
  core::Diagnostics problems = tile.problems;
  BuildingBlocks::Figures figures = t.blocks->compile(volumes, false, problems);
  if (_diagnosed.insert(tile.key).second) _diag->merge(problems);
  t.node = new osg::Group;
  t.node->setName("tile " + std::to_string(tile.key.x) + "," + std::to_string(tile.key.y));
  for (osg::Node* block : figures.nodes) t.node->addChild(block);
  addChild(t.node);
  _lastBuildMs = clock.elapsedMs();
}

bool StreamedBuildings::idle() const {
  {
    std::lock_guard<std::mutex> lock(_viewMutex);
    if (_hasView && (!_sent || (_view - _sentView).length() > 1)) return false;  // the next update tells the loader
  }
  return _waiting.empty() && _loader->waitIdle(std::chrono::milliseconds(0)) && _loader->readWaiting() == 0;
}

bool StreamedBuildings::waitRead(std::chrono::milliseconds timeout) const { return _loader->waitIdle(timeout); }

void StreamedBuildings::setColorsActive(bool active) {
  _colorsActive = active;
  for (auto& entry : _tiles)
    entry.second.blocks->setColors(active ? std::vector<model::Color>{model::Color{0, 0, 0, 0}}
                                          : std::vector<model::Color>{});
}

StreamedBuildings::Figures StreamedBuildings::figures() const {
  Figures f;
  f.layerId = _layerId;
  f.tilesShown = _tiles.size();
  for (const auto& entry : _tiles) {
    f.buildingsShown += entry.second.buildings.size();
    f.measuredHeightsShown += entry.second.measuredHeights;
    f.uses.insert(entry.second.uses.begin(), entry.second.uses.end());
  }
  f.tilesWaiting = _waiting.size();
  f.loader = _loader->stats();
  f.lastBuildMs = _lastBuildMs;
  return f;
}

}  // namespace twin::scene::detail
