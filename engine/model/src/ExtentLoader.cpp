// ExtentLoader: tiles of a buildings layer read by extent on a worker thread. Sections: the
// plan (which tiles are wanted, queued, dropped), the worker (one tile's read), the interface.
#include "twin/model/ExtentLoader.h"

#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <utility>

#include "twin/core/Stopwatch.h"
#include "twin/geo/VectorReader.h"
#include "twin/model/SiteLoader.h"

namespace twin::model {

namespace {

constexpr std::size_t kMaxErrors = 16;

// Distance from p to the nearest point of the box (0 inside).
double distanceTo(const core::Box2& b, core::Vec2 p) {
  const double dx = std::max({b.minX - p.x, 0.0, p.x - b.maxX});
  const double dy = std::max({b.minY - p.y, 0.0, p.y - b.maxY});
  return std::hypot(dx, dy);
}

}  // namespace

struct ExtentLoader::Impl {
  LayerConfig layer;
  HeightRules heights;
  geo::SiteFrame frame;
  ExtentLoaderOptions options;

  mutable std::mutex mutex;
  mutable std::condition_variable wake, idle;
  core::Vec2 view;
  bool hasView = false, busy = false, stop = false;
  std::set<TileKey> resident;       // read (or failed) and held
  std::set<TileKey> failed;         // of those, the ones that could not be read
  std::vector<TileKey> queue;       // wanted, not held, nearest first
  std::optional<TileKey> inFlight;  // being read by the worker
  std::vector<ExtentTile> loaded;
  std::vector<TileKey> dropped;
  ExtentLoaderStats stats;
  std::thread worker;

  core::Box2 boundsOf(TileKey k) const {
    core::Box2 b;
    b.add(core::Vec2{k.x * options.tileMeters, k.y * options.tileMeters});
    b.add(core::Vec2{(k.x + 1) * options.tileMeters, (k.y + 1) * options.tileMeters});
    return b;
  }
  TileKey tileAt(core::Vec2 p) const {
    return {static_cast<int>(std::floor(p.x / options.tileMeters)),
            static_cast<int>(std::floor(p.y / options.tileMeters))};
  }

  // ---- the plan (mutex held) ----
  // Wanted: tiles meeting the disc round the view, nearest first. The queue holds the wanted
  // tiles not yet held, cut so that what is held and queued stays within the budget; held
  // tiles beyond the budget are dropped, farthest first (tiles no longer wanted go first).
  void plan() {
    if (!hasView) return;
    const TileKey c = tileAt(view);
    const int reach = static_cast<int>(std::ceil(options.radiusMeters / options.tileMeters)) + 1;
    std::vector<std::pair<double, TileKey>> wanted;
    for (int y = c.y - reach; y <= c.y + reach; ++y)
      for (int x = c.x - reach; x <= c.x + reach; ++x) {
        const TileKey k{x, y};
        const double d = distanceTo(boundsOf(k), view);
        if (d <= options.radiusMeters) wanted.push_back({d, k});
      }
    std::sort(wanted.begin(), wanted.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first < b.first : a.second < b.second;
    });
    if (wanted.size() > options.maxResidentTiles) wanted.resize(options.maxResidentTiles);
    std::set<TileKey> keep;
    for (const auto& w : wanted) keep.insert(w.second);
    queue.clear();
    for (const auto& w : wanted)
      if (resident.count(w.second) == 0 && !(inFlight && *inFlight == w.second)) queue.push_back(w.second);
    // Held tiles: drop the unwanted ones while over the budget counting what is queued.
    std::vector<std::pair<double, TileKey>> held;
    for (const TileKey& k : resident) held.push_back({distanceTo(boundsOf(k), view), k});
    std::sort(held.begin(), held.end(), [&](const auto& a, const auto& b) {
      const bool ka = keep.count(a.second) != 0, kb = keep.count(b.second) != 0;
      if (ka != kb) return kb;  // unwanted first
      return a.first > b.first;
    });
    for (const auto& h : held) {
      const TileKey k = h.second;
      if (resident.size() + queue.size() <= options.maxResidentTiles) break;
      if (keep.count(k) != 0) break;  // the budget holds the wanted ones (wanted was cut to it)
      resident.erase(k);
      failed.erase(k);
      // A tile read but not yet taken simply goes: takeLoaded() never hands out a tile that is
      // no longer held, and takeDropped() names only tiles that were handed out.
      const auto unclaimed =
          std::find_if(loaded.begin(), loaded.end(), [&](const ExtentTile& t) { return t.key == k; });
      if (unclaimed != loaded.end())
        loaded.erase(unclaimed);
      else
        dropped.push_back(k);
      ++stats.tilesDropped;
    }
    stats.tilesResident = resident.size();
    stats.tilesQueued = queue.size();
  }

  // ---- the worker ----
  // Reads one tile: the layer's features whose bounds meet the tile (the driver's spatial
  // filter), interpreted as buildings, kept where their centroid lies.
  core::Result<ExtentTile> read(TileKey key) const {
    core::Stopwatch clock;
    ExtentTile tile;
    tile.key = key;
    tile.bounds = boundsOf(key);
    core::Box2 lonLat;  // the tile's outline in WGS84 (lon as x)
    for (int i = 0; i <= 4; ++i) {
      const double t = i / 4.0;
      for (const core::Vec2& p : {core::Vec2{tile.bounds.minX + t * tile.bounds.width(), tile.bounds.minY},
                                  core::Vec2{tile.bounds.minX + t * tile.bounds.width(), tile.bounds.maxY},
                                  core::Vec2{tile.bounds.minX, tile.bounds.minY + t * tile.bounds.height()},
                                  core::Vec2{tile.bounds.maxX, tile.bounds.minY + t * tile.bounds.height()}}) {
        const core::LonLat ll = frame.toLonLat(p);
        if (std::isfinite(ll.lon) && std::isfinite(ll.lat)) lonLat.add(core::Vec2{ll.lon, ll.lat});
      }
    }
    if (lonLat.empty()) return core::fail("the tile lies outside the frame's domain");
    geo::ReadOptions ro;
    ro.layers = layer.ogrLayers;
    ro.sourceCrs = layer.crs;
    ro.datum = layer.datum;
    ro.filterLonLat = lonLat;
    geo::ReadStats rs;
    auto features = geo::readVector(layer.source, frame, ro, tile.problems, &rs);
    if (!features) return features.error();
    tile.featuresRead = rs.featuresRead;
    LayerConfig asBuildings = layer;
    asBuildings.role = "buildings";
    Site site;
    interpretFeatures(*features, asBuildings, heights, layer.id, site);
    tile.problems.merge(site.diagnostics);
    for (Building& b : site.buildings)
      if (tileAt(core::centroid(b.footprint.outer)) == key) tile.buildings.push_back(std::move(b));
    tile.readMs = clock.elapsedMs();
    return tile;
  }

  void run() {
    std::unique_lock<std::mutex> lock(mutex);
    for (;;) {
      wake.wait(lock, [&] { return stop || !queue.empty(); });
      if (stop) return;
      const TileKey key = queue.front();
      queue.erase(queue.begin());
      busy = true;
      inFlight = key;
      lock.unlock();
      auto tile = read(key);
      lock.lock();
      busy = false;
      inFlight.reset();
      resident.insert(key);
      ++stats.tilesRead;
      if (tile) {
        stats.buildingsRead += tile->buildings.size();
        stats.featuresRead += tile->featuresRead;
        loaded.push_back(std::move(*tile));
      } else {
        failed.insert(key);
        if (stats.errors.size() < kMaxErrors)
          stats.errors.push_back("tile " + std::to_string(key.x) + "," + std::to_string(key.y) + ": " +
                                 tile.error().message);
      }
      plan();  // the view may have moved on while the tile was read: the budget applies again
      if (queue.empty()) idle.notify_all();
    }
  }
};

core::Result<std::unique_ptr<ExtentLoader>> ExtentLoader::start(const LayerConfig& layer, const HeightRules& heights,
                                                                const geo::SiteFrame& frame,
                                                                const ExtentLoaderOptions& options) {
  const std::string where = "model::ExtentLoader::start(): layer '" + layer.id + "': ";
  if (layer.source.empty()) return core::fail(where + "no source");
  if (!(options.tileMeters > 0) || !(options.radiusMeters > 0) || options.maxResidentTiles == 0)
    return core::fail(where + "tile size, radius and resident tiles must be positive");
  if (!frame.valid()) return core::fail(where + "the site frame was never created");
  auto impl = std::make_unique<Impl>();
  impl->layer = layer;
  impl->heights = heights;
  impl->frame = frame;
  impl->options = options;
  Impl* raw = impl.get();
  impl->worker = std::thread([raw] { raw->run(); });
  return std::unique_ptr<ExtentLoader>(new ExtentLoader(std::move(impl)));
}

ExtentLoader::ExtentLoader(std::unique_ptr<Impl> impl) : _impl(std::move(impl)) {}

ExtentLoader::~ExtentLoader() {
  {
    std::lock_guard<std::mutex> lock(_impl->mutex);
    _impl->stop = true;
  }
  _impl->wake.notify_all();
  if (_impl->worker.joinable()) _impl->worker.join();
}

void ExtentLoader::setView(core::Vec2 groundPoint) {
  {
    std::lock_guard<std::mutex> lock(_impl->mutex);
    if (!std::isfinite(groundPoint.x) || !std::isfinite(groundPoint.y)) return;
    _impl->view = groundPoint;
    _impl->hasView = true;
    _impl->plan();
  }
  _impl->wake.notify_all();
}

std::vector<ExtentTile> ExtentLoader::takeLoaded() {
  std::lock_guard<std::mutex> lock(_impl->mutex);
  return std::exchange(_impl->loaded, {});
}

std::size_t ExtentLoader::readWaiting() const {
  std::lock_guard<std::mutex> lock(_impl->mutex);
  return _impl->loaded.size();
}

std::vector<TileKey> ExtentLoader::takeDropped() {
  std::lock_guard<std::mutex> lock(_impl->mutex);
  return std::exchange(_impl->dropped, {});
}

bool ExtentLoader::waitIdle(std::chrono::milliseconds timeout) const {
  std::unique_lock<std::mutex> lock(_impl->mutex);
  return _impl->idle.wait_for(lock, timeout, [&] { return _impl->queue.empty() && !_impl->busy; });
}

ExtentLoaderStats ExtentLoader::stats() const {
  std::lock_guard<std::mutex> lock(_impl->mutex);
  return _impl->stats;
}

TileKey ExtentLoader::tileAt(core::Vec2 p) const { return _impl->tileAt(p); }

}  // namespace twin::model
