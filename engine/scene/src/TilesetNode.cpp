// The streaming tileset node (selection in cull, attach/unload in update, loading on workers),
// and the app entry points loadTileset() / describeTileset().
#include <algorithm>
#include <cstdio>
#include <map>
#include <sstream>

#include <osg/Geometry>
#include <osg/MatrixTransform>
#include <osg/NodeVisitor>
#include <osg/Texture>
#include <osg/observer_ptr>
#include <osgUtil/CullVisitor>

#include "TilesetInternal.h"
#include "twin/scene/Tileset.h"

namespace twin::scene {

namespace fs = std::filesystem;

struct TilesetNode::Request {
  int tile = -1;
  fs::path path;
  TileContentType type = TileContentType::None;
  osg::Matrixd transform;  // external tilesets: the host tile's transform
  Refine refine = Refine::Replace;
  std::string label;
  bool taken = false;  // a worker has it (guarded by _queueMutex)
};

struct TilesetNode::Finished {
  int tile = -1;
  osg::ref_ptr<osg::Node> node;
  std::optional<Tileset> external;
  std::string error;
  std::size_t bytes = 0;
  core::Diagnostics diag;
};

namespace {

// Vertex, index and image bytes: what a content costs in memory once built.
class SizeVisitor : public osg::NodeVisitor {
 public:
  SizeVisitor() : osg::NodeVisitor(TRAVERSE_ALL_CHILDREN) {}
  std::size_t bytes = 0;

  void apply(osg::Node& node) override {
    addState(node.getStateSet());
    traverse(node);
  }
  void apply(osg::Drawable& drawable) override {
    addState(drawable.getStateSet());
    if (osg::Geometry* g = drawable.asGeometry()) {
      for (osg::Array* a : {g->getVertexArray(), g->getNormalArray(), g->getColorArray()})
        if (a) bytes += a->getTotalDataSize();
      for (unsigned i = 0; i < g->getNumTexCoordArrays(); ++i)
        if (g->getTexCoordArray(i)) bytes += g->getTexCoordArray(i)->getTotalDataSize();
      for (unsigned i = 0; i < g->getNumVertexAttribArrays(); ++i)
        if (g->getVertexAttribArray(i)) bytes += g->getVertexAttribArray(i)->getTotalDataSize();
      for (unsigned i = 0; i < g->getNumPrimitiveSets(); ++i)
        if (auto* elements = dynamic_cast<osg::DrawElements*>(g->getPrimitiveSet(i)))
          bytes += elements->getTotalDataSize();
    }
  }

 private:
  void addState(const osg::StateSet* state) {
    if (!state) return;
    for (unsigned unit = 0; unit < state->getTextureAttributeList().size(); ++unit) {
      auto* texture = dynamic_cast<const osg::Texture*>(state->getTextureAttribute(unit, osg::StateAttribute::TEXTURE));
      if (!texture) continue;
      for (unsigned i = 0; i < texture->getNumImages(); ++i)
        if (const osg::Image* image = texture->getImage(i)) bytes += image->getTotalSizeInBytes();
    }
  }
};

class UpdateCallback : public osg::NodeCallback {
 public:
  void operator()(osg::Node* node, osg::NodeVisitor* nv) override {
    static_cast<TilesetNode*>(node)->update();
    traverse(node, nv);
  }
};

ContentState initialState(const Tile& tile) {
  return tile.contentType == TileContentType::None ? ContentState::None : ContentState::Unloaded;
}

}  // namespace

TilesetNode::TilesetNode(Tileset tileset, const TilesetOptions& options)
    : _tileset(std::move(tileset)), _options(options) {
  TWIN_ASSERT(_tileset.placed, "scene::TilesetNode: the tileset must be placed");
  TWIN_ASSERT(_options.maximumScreenSpaceError > 0, "scene::TilesetNode: maximumScreenSpaceError must be positive");
  setName(_tileset.path.filename().string());
  resizeState();
  setUpdateCallback(new UpdateCallback);
  const unsigned workers = std::max(1u, _options.workers);
  for (unsigned i = 0; i < workers; ++i) _threads.emplace_back([this] { workerLoop(); });
}

TilesetNode::~TilesetNode() {
  {
    std::lock_guard<std::mutex> lock(_queueMutex);
    _stop = true;
    _queue.clear();
  }
  _wake.notify_all();
  for (std::thread& t : _threads) t.join();
}

void TilesetNode::resizeState() {
  const std::size_t n = _tileset.tiles.size();
  for (std::size_t i = _states.size(); i < n; ++i) _states.push_back(initialState(_tileset.tiles[i]));
  _nodes.resize(n);
  _bytes.resize(n, 0);
  _lastUsedFrame.resize(n, 0);
  _unloadPending.resize(n, 0);
  _everLoaded.resize(n, 0);
}

void TilesetNode::workerLoop() {
  for (;;) {
    std::shared_ptr<Request> request;
    {
      std::unique_lock<std::mutex> lock(_queueMutex);
      _wake.wait(lock, [this] { return _stop || !_queue.empty(); });
      if (_stop) return;
      request = _queue.front();
      _queue.pop_front();
      request->taken = true;
      ++_inFlight;
    }
    auto done = std::make_shared<Finished>();
    done->tile = request->tile;
    if (request->type == TileContentType::ExternalTileset) {
      auto sub = detail::parseTilesetFile(request->path, "scene::TilesetNode", request->label, request->transform,
                                          request->refine, done->diag);
      if (sub)
        done->external = std::move(sub.value());
      else
        done->error = sub.error().message;
    } else {
      auto node = loadTileContent(request->path, request->type, done->diag);
      if (node) {
        done->node = node.value();
        SizeVisitor size;
        done->node->accept(size);
        done->bytes = size.bytes;
      } else {
        done->error = node.error().message;
      }
    }
    {
      std::lock_guard<std::mutex> lock(_queueMutex);
      --_inFlight;
      _finished.push_back(std::move(done));
    }
  }
}

std::size_t TilesetNode::takeNewProblems(core::Diagnostics& into) {
  std::lock_guard<std::mutex> lock(_mutex);
  const std::vector<core::Diagnostic> items = _diagnostics.items();
  std::size_t taken = 0;
  for (; _problemsTaken < items.size(); ++_problemsTaken, ++taken) into.add(items[_problemsTaken]);
  return taken;
}

bool TilesetNode::loading() const {
  std::lock_guard<std::mutex> lock(_queueMutex);
  return !_queue.empty() || _inFlight > 0 || !_finished.empty();
}

void TilesetNode::attach(Finished& done) {
  const int tile = done.tile;
  const std::string file = _tileset.path.filename().string();
  if (!_everLoaded[tile]) _diagnostics.merge(done.diag);
  _everLoaded[tile] = 1;
  if (done.error.empty() && done.external) {
    auto spliced = detail::spliceExternal(_tileset, tile, std::move(*done.external), "scene::TilesetNode");
    if (!spliced)
      done.error = spliced.error().message;
    else
      resizeState();
  }
  if (!done.error.empty()) {
    _states[tile] = ContentState::Failed;
    _diagnostics.add(core::Severity::Error, "scene::TilesetNode", file, "", detail::tileRecord(_tileset, tile),
                     done.error, "skipped");
    return;
  }
  _states[tile] = ContentState::Ready;
  _lastUsedFrame[tile] = _frameNumber;
  if (!done.node) return;  // an external tileset: its tiles are now in the tree
  osg::ref_ptr<osg::MatrixTransform> placed =
      new osg::MatrixTransform(_tileset.tiles[tile].transform * _tileset.ecefToSite);
  placed->setName("tile " + std::to_string(tile));
  placed->addChild(done.node.get());
  addChild(placed.get());
  _nodes[tile] = placed;
  _bytes[tile] = done.bytes;
  _residentBytes += done.bytes;
  ++_loadsCompleted;
}

void TilesetNode::update() {
  std::vector<std::shared_ptr<Finished>> done;
  {
    std::lock_guard<std::mutex> lock(_queueMutex);
    done.swap(_finished);
  }
  std::lock_guard<std::mutex> lock(_mutex);
  for (auto& d : done) {
    _requests.erase(d->tile);
    attach(*d);
  }
  for (int tile : _pendingUnloads) {
    _unloadPending[tile] = 0;
    // Drawn again since it was chosen: keep it.
    if (!_nodes[tile] || _frameNumber - _lastUsedFrame[tile] <= _options.unloadAfterFrames) continue;
    removeChild(_nodes[tile].get());
    _nodes[tile] = nullptr;
    _residentBytes -= _bytes[tile];
    _bytes[tile] = 0;
    _states[tile] = ContentState::Unloaded;
    ++_unloadsCompleted;
  }
  _pendingUnloads.clear();
}

void TilesetNode::queueLoads(const std::vector<int>& wanted, bool appendToFrame) {
  std::vector<char> isWanted(_tileset.tiles.size(), 0);
  for (int tile : wanted) isWanted[tile] = 1;
  std::lock_guard<std::mutex> lock(_queueMutex);
  std::deque<std::shared_ptr<Request>> next;
  if (appendToFrame) {
    next = _queue;
  } else {
    for (const auto& r : _queue)
      if (!isWanted[r->tile]) {
        _states[r->tile] = ContentState::Unloaded;
        _requests.erase(r->tile);
      }
  }
  std::vector<char> inNext(_tileset.tiles.size(), 0);
  for (const auto& r : next) inNext[r->tile] = 1;
  for (int tile : wanted) {
    if (inNext[tile]) continue;
    const ContentState state = _states[tile];
    if (state == ContentState::Queued) {
      auto it = _requests.find(tile);
      if (it != _requests.end() && !it->second->taken) {
        next.push_back(it->second);
        inNext[tile] = 1;
      }
      continue;
    }
    if (state != ContentState::Unloaded) continue;
    const Tile& t = _tileset.tiles[tile];
    if (t.contentType == TileContentType::ExternalTileset) {
      auto cycle = detail::checkExternalCycle(_tileset, tile, "scene::TilesetNode");
      if (!cycle) {
        _states[tile] = ContentState::Failed;
        _diagnostics.add(core::Severity::Error, "scene::TilesetNode", _tileset.path.filename().string(), "",
                         detail::tileRecord(_tileset, tile), cycle.error().message, "skipped");
        continue;
      }
    }
    auto r = std::make_shared<Request>();
    r->tile = tile;
    r->path = t.contentPath;
    r->type = t.contentType;
    r->transform = t.transform;
    r->refine = t.refine;
    r->label = t.contentUri;
    _requests[tile] = r;
    _states[tile] = ContentState::Queued;
    next.push_back(r);
    inNext[tile] = 1;
  }
  _queue.swap(next);
  if (!_queue.empty()) _wake.notify_all();
}

void TilesetNode::planUnloads() {
  if (_residentBytes <= _options.memoryBudgetBytes) return;
  std::vector<int> stale;
  for (std::size_t i = 0; i < _nodes.size(); ++i)
    if (_nodes[i] && !_unloadPending[i] && _frameNumber - _lastUsedFrame[i] > _options.unloadAfterFrames)
      stale.push_back(static_cast<int>(i));
  std::sort(stale.begin(), stale.end(), [this](int a, int b) { return _lastUsedFrame[a] < _lastUsedFrame[b]; });
  std::size_t projected = _residentBytes;
  for (int tile : _pendingUnloads) projected -= _bytes[tile];
  for (int tile : stale) {
    if (projected <= _options.memoryBudgetBytes) break;
    _pendingUnloads.push_back(tile);
    _unloadPending[tile] = 1;
    projected -= _bytes[tile];
  }
}

std::vector<int> TilesetNode::cull(const TileCamera& camera, unsigned frameNumber) {
  std::lock_guard<std::mutex> lock(_mutex);
  const bool newFrame = !_haveFrame || frameNumber != _frameNumber;
  _haveFrame = true;
  _frameNumber = frameNumber;
  TileSelection selection = selectTiles(_tileset, _states, camera, _options.maximumScreenSpaceError);
  for (int tile : selection.visited)
    if (_states[tile] == ContentState::Ready) _lastUsedFrame[tile] = frameNumber;
  queueLoads(selection.load, !newFrame);
  if (newFrame) planUnloads();
  _lastRendered = selection.render;
  return selection.render;
}

void TilesetNode::frame(const TileCamera& camera) {
  update();
  unsigned frameNumber;
  {
    std::lock_guard<std::mutex> lock(_mutex);
    frameNumber = ++_ownFrames;
  }
  cull(camera, frameNumber);
}

std::vector<osg::ref_ptr<osg::Node>> TilesetNode::nodesOf(const std::vector<int>& tiles) const {
  std::lock_guard<std::mutex> lock(_mutex);
  std::vector<osg::ref_ptr<osg::Node>> nodes;
  nodes.reserve(tiles.size());
  for (int tile : tiles)
    if (tile >= 0 && tile < static_cast<int>(_nodes.size()) && _nodes[tile]) nodes.push_back(_nodes[tile]);
  return nodes;
}

void TilesetNode::traverse(osg::NodeVisitor& nv) {
  if (nv.getVisitorType() == osg::NodeVisitor::CULL_VISITOR) {
    auto* cv = dynamic_cast<osgUtil::CullVisitor*>(&nv);
    if (cv && cv->getModelViewMatrix() && cv->getProjectionMatrix()) {
      const osg::Viewport* viewport = cv->getViewport();
      const TileCamera camera = TileCamera::fromMatrices(*cv->getModelViewMatrix(), *cv->getProjectionMatrix(),
                                                         viewport ? viewport->height() : 1080.0);
      unsigned frameNumber;
      if (nv.getFrameStamp()) {
        frameNumber = nv.getFrameStamp()->getFrameNumber();
      } else {
        std::lock_guard<std::mutex> lock(_mutex);
        frameNumber = ++_ownFrames;
      }
      for (const auto& node : nodesOf(cull(camera, frameNumber))) node->accept(nv);
      return;
    }
  }
  if (nv.getVisitorType() == osg::NodeVisitor::UPDATE_VISITOR ||
      nv.getTraversalMode() == osg::NodeVisitor::TRAVERSE_ALL_CHILDREN) {
    osg::Group::traverse(nv);
    return;
  }
  for (const auto& node : nodesOf(lastRendered())) node->accept(nv);
}

osg::BoundingSphere TilesetNode::computeBound() const {
  osg::BoundingSphere bound = osg::Group::computeBound();
  std::lock_guard<std::mutex> lock(_mutex);
  if (!_tileset.tiles.empty()) {
    const osg::BoundingSphered& root = _tileset.tiles.front().siteSphere;
    if (root.valid()) bound.expandBy(osg::BoundingSphere(osg::Vec3(root.center()), static_cast<float>(root.radius())));
  }
  return bound;
}

ContentState TilesetNode::contentState(int tile) const {
  std::lock_guard<std::mutex> lock(_mutex);
  if (tile < 0 || tile >= static_cast<int>(_states.size())) return ContentState::None;
  if (_states[tile] == ContentState::Queued) {
    std::lock_guard<std::mutex> queueLock(_queueMutex);
    auto it = _requests.find(tile);
    if (it != _requests.end() && it->second->taken) return ContentState::Loading;
  }
  return _states[tile];
}

std::vector<int> TilesetNode::lastRendered() const {
  std::lock_guard<std::mutex> lock(_mutex);
  return _lastRendered;
}

std::size_t TilesetNode::tileCount() const {
  std::lock_guard<std::mutex> lock(_mutex);
  return _tileset.tiles.size();
}

std::size_t TilesetNode::loadedContentCount() const {
  std::lock_guard<std::mutex> lock(_mutex);
  return static_cast<std::size_t>(std::count_if(_nodes.begin(), _nodes.end(), [](const auto& n) { return n.valid(); }));
}

std::size_t TilesetNode::residentBytes() const {
  std::lock_guard<std::mutex> lock(_mutex);
  return _residentBytes;
}

std::size_t TilesetNode::loadsCompleted() const {
  std::lock_guard<std::mutex> lock(_mutex);
  return _loadsCompleted;
}

std::size_t TilesetNode::unloadsCompleted() const {
  std::lock_guard<std::mutex> lock(_mutex);
  return _unloadsCompleted;
}

osg::ref_ptr<osg::Node> TilesetNode::contentNode(int tile) const {
  std::lock_guard<std::mutex> lock(_mutex);
  if (tile < 0 || tile >= static_cast<int>(_nodes.size())) return nullptr;
  return _nodes[tile];
}

geo::SiteFrame TilesetNode::siteFrame() const {
  std::lock_guard<std::mutex> lock(_mutex);
  return _tileset.frame;
}

core::Result<SceneModel> loadTileset(const fs::path& tilesetJson, double maximumScreenSpaceError,
                                     double heightOffsetMeters, const geo::SiteFrame& frame, core::Diagnostics& diag) {
  const std::string name = tilesetJson.filename().string();
  if (!(maximumScreenSpaceError > 0 && maximumScreenSpaceError <= 1000))
    return core::fail("scene::loadTileset(): " + name + ": maximumScreenSpaceError " +
                      std::to_string(maximumScreenSpaceError) + " is outside (0, 1000]");
  auto tileset = readTileset(tilesetJson, diag);
  if (!tileset) return tileset.error();
  if (auto placed = placeTileset(tileset.value(), frame, heightOffsetMeters); !placed) return placed.error();
  TilesetOptions options;
  options.maximumScreenSpaceError = maximumScreenSpaceError;
  SceneModel model;
  model.id = name;
  model.format = model::ModelFormat::Tiles3d;
  model.bounds = tileset.value().tiles.front().siteBox;
  model.frame = tileset.value().frame;
  osg::ref_ptr<TilesetNode> node = new TilesetNode(std::move(tileset.value()), options);
  model.node = node;
  // Weak: a SceneModel kept after its node left the scene must not keep the workers alive.
  osg::observer_ptr<TilesetNode> weak(node);
  model.loading = [weak]() {
    osg::ref_ptr<TilesetNode> strong;
    return weak.lock(strong) && strong->loading();
  };
  model.takeProblems = [weak](core::Diagnostics& into) -> std::size_t {
    osg::ref_ptr<TilesetNode> strong;
    return weak.lock(strong) ? strong->takeNewProblems(into) : 0;
  };
  return model;
}

namespace {

std::string formatNumber(double v) {
  char text[64];
  std::snprintf(text, sizeof text, "%g", v);
  return text;
}

}  // namespace

core::Result<std::string> describeTileset(const fs::path& tilesetJson, core::Diagnostics* problems) {
  core::Diagnostics diag;
  auto read = readTileset(tilesetJson, diag);
  if (!read) {
    if (problems) problems->merge(diag);
    return read.error();
  }
  Tileset& tileset = read.value();
  const std::size_t expanded = expandAllExternalTilesets(tileset, diag);

  // Every content file is read: a damaged one would otherwise only show as missing buildings.
  std::size_t contentsRead = 0, contentsDamaged = 0;
  for (std::size_t i = 0; i < tileset.tiles.size(); ++i) {
    const Tile& t = tileset.tiles[i];
    if (t.contentType == TileContentType::None || t.contentType == TileContentType::ExternalTileset) continue;
    ++contentsRead;
    auto content = loadTileContent(t.contentPath, t.contentType, diag);
    if (content) continue;
    ++contentsDamaged;
    diag.add(core::Severity::Error, "scene::describeTileset()", tilesetJson.filename().string(), "",
             detail::tileRecord(tileset, static_cast<int>(i)), content.error().message, "skipped");
  }

  int deepest = 0;
  std::size_t refineAdd = 0, withoutContent = 0, requestVolumes = 0, external = 0;
  double minError = tileset.tiles.front().geometricError, maxError = minError;
  std::map<std::string, std::size_t> byType;
  std::vector<std::string> externalNames;
  for (const Tile& t : tileset.tiles) {
    deepest = std::max(deepest, t.depth);
    refineAdd += t.refine == Refine::Add;
    requestVolumes += t.viewerRequestVolume.has_value();
    minError = std::min(minError, t.geometricError);
    maxError = std::max(maxError, t.geometricError);
    if (t.contentType == TileContentType::ExternalTileset) {
      ++external;
      externalNames.push_back(t.contentUri);
    } else if (t.contentType == TileContentType::None) {
      ++withoutContent;
    } else {
      ++byType[tileContentTypeName(t.contentType)];
    }
  }

  std::ostringstream out;
  out << "3D Tiles " << tileset.version << " tileset " << tilesetJson.filename().string() << "\n";
  out << "tiles: " << tileset.tiles.size() << " (deepest level " << deepest << ", root 0)\n";
  out << "contents:";
  if (byType.empty()) out << " none";
  bool first = true;
  for (const auto& [type, count] : byType) {
    out << (first ? " " : ", ") << type << " " << count;
    first = false;
  }
  out << "; tiles without content: " << withoutContent << "\n";
  out << "external tilesets: " << external << " (" << expanded << " read)";
  for (std::size_t i = 0; i < externalNames.size(); ++i) out << (i ? ", " : ": ") << externalNames[i];
  out << "\n";
  out << "refinement: ADD " << refineAdd << ", REPLACE " << tileset.tiles.size() - refineAdd << "\n";
  out << "geometric error (m): tileset " << formatNumber(tileset.geometricError) << ", root "
      << formatNumber(tileset.tiles.front().geometricError) << ", tiles " << formatNumber(minError) << " .. "
      << formatNumber(maxError) << "\n";
  out << "viewer request volumes: " << requestVolumes << "\n";
  out << "content files read: " << contentsRead << " (" << contentsDamaged << " damaged)\n";
  const osg::BoundingBoxd extent = tileExtentWgs84(tileset.tiles.front());
  char line[200];
  std::snprintf(line, sizeof line,
                "extent (WGS84, root volume): lon %.6f .. %.6f, lat %.6f .. %.6f, height %.1f .. %.1f m\n",
                extent.xMin(), extent.xMax(), extent.yMin(), extent.yMax(), extent.zMin(), extent.zMax());
  out << line;
  out << "problems: " << diag.total() << "\n";
  for (const core::Diagnostic& d : diag.items()) out << "  " << core::formatDiagnostic(d) << "\n";
  if (problems) problems->merge(diag);
  return out.str();
}

}  // namespace twin::scene
