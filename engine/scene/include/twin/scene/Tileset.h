// 3D Tiles 1.0 tilesets (and 1.1 ones with GLB content, as `twin export` writes): reading tileset.json (external
// tilesets included), placing tiles in the site frame, choosing the tiles to show by screen-space error, and streaming
// their contents (b3dm, pnts, cmpt) off the render thread in an OSG node.
//
// Index:
//   plain data ........ TileVolume, Tile, Tileset, readTileset(), expandExternalTileset()
//   placement ......... placeTileset(), placeTilesetWith()
//   selection ......... TileCamera, ContentState, TileSelection, selectTiles()
//   contents .......... parsePnts(), loadTileContent()
//   streaming node .... TilesetOptions, TilesetNode
//   app entry points .. loadTileset(), describeTileset()
#pragma once

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <osg/BoundingBox>
#include <osg/BoundingSphere>
#include <osg/Group>
#include <osg/Matrixd>
#include <osg/Plane>
#include <osg/ref_ptr>

#include "twin/core/Diagnostics.h"
#include "twin/core/Result.h"
#include "twin/geo/SiteFrame.h"
#include "twin/scene/SceneModel.h"

namespace twin::scene {

// ---------------------------------------------------------------------------------------------
// Plain data
// ---------------------------------------------------------------------------------------------

/** A bounding volume as written in the tileset. Region: west, south, east, north (radians,
    WGS84), minimum and maximum height (metres above the ellipsoid); not affected by transforms.
    Box: centre then the x, y and z half-axis vectors (12 numbers, tile coordinates).
    Sphere: centre and radius (4 numbers, tile coordinates). */
struct TileVolume {
  enum class Kind { Region, Box, Sphere };
  Kind kind = Kind::Sphere;
  std::array<double, 12> values{};
};

enum class Refine { Add, Replace };

/** What a tile's content file holds, from its extension (".b3dm", ".pnts", ".i3dm", ".cmpt",
    ".glb" = 3D Tiles 1.1 glTF content, ".json" = an external tileset); Unknown for anything else. */
enum class TileContentType { None, B3dm, Pnts, I3dm, Cmpt, ExternalTileset, Unknown, Glb };
const char* tileContentTypeName(TileContentType type);  // "none", "b3dm", ..., "glb", "external tileset"

/** One tile. Indices refer to Tileset::tiles. Site-frame fields are filled by placeTileset(). */
struct Tile {
  int parent = -1;
  int depth = 0;  // root 0; an external tileset's root is its tile's depth + 1
  std::vector<int> children;
  TileVolume boundingVolume;
  std::optional<TileVolume> viewerRequestVolume;
  double geometricError = 0;        // metres
  Refine refine = Refine::Replace;  // explicit or inherited from the parent
  /** Tile coordinates -> ECEF, all ancestors' transforms applied (OSG row-vector convention:
      ecef = local * transform; the file's column-major array loads as is). */
  osg::Matrixd transform;
  std::string contentUri;             // as written (legacy "url" accepted), query stripped, percent-decoded
  std::filesystem::path contentPath;  // resolved against the tileset file's folder; empty without content
  TileContentType contentType = TileContentType::None;
  int sourceFile = 0;               // index into Tileset::files of the tileset.json that holds the tile
  int externalRoot = -1;            // ExternalTileset: the root read from it (a child), -1 until expanded
  osg::BoundingSphered siteSphere;  // bounding volume in the site frame (placed tilesets)
  osg::BoundingBoxd siteBox;        // its axis-aligned box in the site frame
};

/** A tileset as plain data. External tilesets are not read by readTileset(): their tile has
    contentType ExternalTileset and no children until expandExternalTileset() (or the streaming
    node) reads it and appends its tiles, whose root then becomes that tile's last child. */
struct Tileset {
  std::filesystem::path path;                // the root tileset.json
  std::string version;                       // asset.version: "1.0" or "0.0"
  double geometricError = 0;                 // the tileset's top-level geometric error, metres
  std::vector<Tile> tiles;                   // tiles[0] is the root
  std::vector<std::filesystem::path> files;  // tileset files read; files[0] == path
  // Placement (placeTileset / placeTilesetWith):
  bool placed = false;
  osg::Matrixd ecefToSite;  // ECEF -> site frame (row-vector convention), height offset included
  geo::SiteFrame frame;     // the frame used (invalid with placeTilesetWith)
};

/** Reads a tileset.json. Never throws. Errors ("scene::readTileset(): tileset.json: <where>:
    <what>") for an unreadable file, bad JSON, asset.version other than "1.1"/"1.0"/"0.0", and any
    malformed field, named by its path, e.g. "root.children[2].boundingVolume.box: expected 12
    numbers". Problems that leave the tileset usable go to `diag` (a root without "refine":
    REPLACE assumed; non-local content URIs: content skipped). */
core::Result<Tileset> readTileset(const std::filesystem::path& path, core::Diagnostics& diag);

/** Reads the external tileset of tile `tileIndex` (contentType ExternalTileset, not yet
    expanded) and appends its tiles; its root becomes the tile's last child, with the tile's
    transform applied above its own. Placed tilesets get the new tiles placed. Errors (the file
    missing or malformed, or a cycle: the file is already an ancestor of the tile) leave the
    tileset unchanged; the caller reports them. Warnings about the file go to `diag`. Not
    thread-safe (it changes `tileset`). */
core::Status expandExternalTileset(Tileset& tileset, int tileIndex, core::Diagnostics& diag);

/** expandExternalTileset() for every external tileset, recursively; each failure goes to
    `diag` (record "tile <index>", action "skipped"). Returns how many were expanded. */
std::size_t expandAllExternalTilesets(Tileset& tileset, core::Diagnostics& diag);

// ---------------------------------------------------------------------------------------------
// Placement
// ---------------------------------------------------------------------------------------------

/** Places the tileset in `frame` with one affine map from ECEF (geo::fitFrameAffine around the
    root volume's centre, fitted over the root volume's size), z = ellipsoidal height +
    `heightOffsetMeters`. With an invalid frame a local-tm frame is made at the root volume's
    centre (stored in Tileset::frame). Fills every tile's site sphere and box. Errors when the
    root volume's centre is not finite or PROJ cannot place it. */
core::Status placeTileset(Tileset& tileset, const geo::SiteFrame& frame, double heightOffsetMeters = 0);

/** Places the tileset with a given ECEF -> site matrix (identity: tile coordinates are the
    site frame, e.g. hand-made or local tilesets). Tileset::frame is left invalid. */
void placeTilesetWith(Tileset& tileset, const osg::Matrixd& ecefToSite);

/** WGS84 extent of a tile's bounding volume: x lon, y lat (degrees), z height (m), exact for
    regions, from the 8 corners (boxes) or the 6 axis extremes (spheres) otherwise. */
osg::BoundingBoxd tileExtentWgs84(const Tile& tile);

// ---------------------------------------------------------------------------------------------
// Selection (pure: no OSG traversal, no GL; any thread)
// ---------------------------------------------------------------------------------------------

/** The viewer, in the site frame (the tileset node's local coordinates). */
struct TileCamera {
  osg::Vec3d eye;
  double viewportHeightPx = 1080;
  double fovyRadians = 0.7853981633974483;  // perspective vertical field of view
  double orthoHeightMeters = 0;             // > 0: orthographic, the view volume's height
  std::vector<osg::Plane> planes;           // inward-facing culling planes; empty: no culling

  /** From OSG view and projection matrices (eye space -> clip space, row-vector convention):
      eye, field of view (or ortho height) and the four side planes of the frustum (near and far
      are left out: OSG computes them from what is drawn). */
  static TileCamera fromMatrices(const osg::Matrixd& view, const osg::Matrixd& projection, double viewportHeightPx);
};

/** A tile content's state, as the selection sees it. */
enum class ContentState : std::uint8_t {
  None,      // no content (or not yet known)
  Unloaded,  // content exists, not loaded
  Queued,    // requested, waiting for a worker
  Loading,   // a worker is reading it
  Ready,     // loaded (external tileset: expanded)
  Failed,    // could not be loaded; never requested again
};

struct TileSelection {
  std::vector<int> render;   // tiles to draw (content Ready), nearest first
  std::vector<int> load;     // contents to request (not Ready/Failed), largest SSE first, then nearest
  std::vector<int> visited;  // tiles that passed frustum and request-volume tests, in visit order
};

/** Screen-space error of a tile seen from the camera, pixels: geometricError * viewportHeight /
    (2 * distance * tan(fovy / 2)), distance from the eye to the tile's site sphere and box (the
    larger lower bound; at least 1 mm), or geometricError * viewportHeight / orthoHeight. */
double screenSpaceError(const Tile& tile, const TileCamera& camera);

/** Chooses what to draw and what to load. `states` is indexed like Tileset::tiles (missing
    entries count as Unloaded for tiles with content). A tile is considered only when its site
    sphere meets every camera plane and, with a viewerRequestVolume, the eye is inside that
    volume. It is refined when its SSE exceeds `maximumScreenSpaceError` and it has children (an
    unexpanded external tileset is requested instead). REPLACE: the tile stays drawn (and is
    requested) until every considered child subtree can draw without holes; ADD: the tile is
    drawn with its children. Tiles without content pass through. Requires a placed tileset. */
TileSelection selectTiles(const Tileset& tileset, const std::vector<ContentState>& states, const TileCamera& camera,
                          double maximumScreenSpaceError);

// ---------------------------------------------------------------------------------------------
// Contents
// ---------------------------------------------------------------------------------------------

/** Parses a Point Cloud (.pnts) tile into a node drawing GL_POINTS in tile coordinates
    (RTC_CENTER applied in a MatrixTransform). POSITION (float) or POSITION_QUANTIZED (with
    QUANTIZED_VOLUME_OFFSET/SCALE); colours RGBA, RGB, RGB565 or CONSTANT_RGBA (default grey).
    Never throws; errors name `label` and what is wrong ("bad magic", "feature table JSON ...",
    "POSITION runs past the feature table binary", ...). Bounds-checked for untrusted input.
    Points with non-finite positions are dropped and counted in `diag`. Thread-safe. */
core::Result<osg::ref_ptr<osg::Node>> parsePnts(const std::uint8_t* data, std::size_t size, const std::string& label,
                                                core::Diagnostics& diag);

/** Parses one content file's bytes, told apart by their magic (b3dm through parseB3dm, a GLB
    (3D Tiles 1.1) through gltfToNode() turned z-up, whose _FEATURE_ID_0 goes where _BATCHID does, pnts,
    cmpt of those, nested at most a few levels), into a node in tile coordinates (z-up). `label`
    names the input in messages; `baseDir` resolves a glTF payload's external files. i3dm and
    unknown magic are errors. Never throws; any bytes are safe input. Any thread. */
core::Result<osg::ref_ptr<osg::Node>> parseTileContent(const std::uint8_t* data, std::size_t size,
                                                       const std::string& label, const std::filesystem::path& baseDir,
                                                       core::Diagnostics& diag);

/** Reads and parses one content file (parseTileContent()) into a node in tile coordinates (z-up).
    The file must be a regular file of at most core::kTileFileLimit ("...: not a regular file
    (a FIFO)", "...: is N bytes, over the limit of ..."). Any thread. */
core::Result<osg::ref_ptr<osg::Node>> loadTileContent(const std::filesystem::path& path, TileContentType type,
                                                      core::Diagnostics& diag);

// ---------------------------------------------------------------------------------------------
// Streaming node
// ---------------------------------------------------------------------------------------------

struct TilesetOptions {
  double maximumScreenSpaceError = 16;  // pixels, > 0
  /** Loaded contents are unloaded, least recently used first, while their estimated size (vertex,
      index and image bytes) exceeds this budget, but only those not drawn for `unloadAfterFrames`
      frames: the budget may be exceeded by what recent frames use. */
  std::size_t memoryBudgetBytes = std::size_t(512) << 20;
  unsigned unloadAfterFrames = 60;
  unsigned workers = 2;  // loader threads, at least 1
};

/** Streams a placed tileset. Each cull traversal selects tiles for that camera (TileCamera::
    fromMatrices of the cull visitor's matrices, in the node's local coordinates = the site frame),
    draws the selected loaded ones and queues the wanted loads; the update traversal attaches
    finished contents (and splices expanded external tilesets) and removes unloaded ones. Workers
    read and parse files only; nodes enter the graph on the update traversal and are compiled by
    OSG on first draw. Requests no longer wanted are dropped from the queue each frame (work in
    flight finishes and is kept). A content that fails is reported once in diagnostics() (record
    "tile <index>", action "skipped") and never requested again.
    Threads: cull, update and frame() may run on different threads (a mutex serialises them);
    loading() and diagnostics() are safe from any thread. The destructor stops and joins the
    workers (requests in flight finish first). Other visitors (picking) see the tiles drawn by
    the last cull; TRAVERSE_ALL_CHILDREN visitors see every loaded content. */
class TilesetNode : public osg::Group {
 public:
  /** `tileset` must be placed. */
  TilesetNode(Tileset tileset, const TilesetOptions& options = {});

  /** For callers without a viewer (tests, benches): update() then a cull step for `camera`. */
  void frame(const TileCamera& camera);
  /** The update step: attaches finished loads, applies unloads. Render thread. */
  void update();
  /** The cull step: selection, load requests, unload candidates. Returns the tiles to draw. */
  std::vector<int> cull(const TileCamera& camera, unsigned frameNumber);

  /** True while requests are queued, in flight, or finished but not yet attached. */
  bool loading() const;
  core::Diagnostics& diagnostics() { return _diagnostics; }
  /** Adds to `into` the problems of diagnostics() not handed out by an earlier call (each
      damaged content once), and returns how many. Any thread. */
  std::size_t takeNewProblems(core::Diagnostics& into);

  // Inspection (any thread; snapshots taken under the mutex).
  ContentState contentState(int tile) const;
  std::vector<int> lastRendered() const;  // the last cull's drawn tiles
  std::size_t tileCount() const;
  std::size_t loadedContentCount() const;  // Ready contents with a node attached
  std::size_t residentBytes() const;       // their estimated size
  std::size_t loadsCompleted() const;      // contents loaded so far (reloads counted again)
  std::size_t unloadsCompleted() const;
  /** The content node of a tile (site-frame MatrixTransform above the tile's content), or null. */
  osg::ref_ptr<osg::Node> contentNode(int tile) const;
  geo::SiteFrame siteFrame() const;  // Tileset::frame of the placed tileset

  void traverse(osg::NodeVisitor& nv) override;
  osg::BoundingSphere computeBound() const override;

 protected:
  ~TilesetNode() override;

 private:
  struct Request;
  struct Finished;
  void workerLoop();
  void queueLoads(const std::vector<int>& wanted, bool appendToFrame);
  void attach(Finished& done);
  void planUnloads();
  void resizeState();
  std::vector<osg::ref_ptr<osg::Node>> nodesOf(const std::vector<int>& tiles) const;

  Tileset _tileset;
  TilesetOptions _options;
  core::Diagnostics _diagnostics;
  std::size_t _problemsTaken = 0;  // items of _diagnostics given to takeNewProblems()

  mutable std::mutex _mutex;  // tileset, states, nodes, selection (render side)
  std::vector<ContentState> _states;
  std::vector<osg::ref_ptr<osg::Node>> _nodes;
  std::vector<std::size_t> _bytes;
  std::vector<unsigned> _lastUsedFrame;
  std::vector<int> _lastRendered;
  std::vector<int> _pendingUnloads;
  std::vector<char> _unloadPending;
  std::vector<char> _everLoaded;                      // a tile's load warnings are reported on its first load only
  std::map<int, std::shared_ptr<Request>> _requests;  // queued or in flight, by tile
  std::size_t _residentBytes = 0;
  std::size_t _loadsCompleted = 0;
  std::size_t _unloadsCompleted = 0;
  unsigned _frameNumber = 0;
  bool _haveFrame = false;
  unsigned _ownFrames = 0;

  mutable std::mutex _queueMutex;  // the queue, in-flight count, finished list, stop flag
  std::condition_variable _wake;
  std::deque<std::shared_ptr<Request>> _queue;
  std::vector<std::shared_ptr<Finished>> _finished;
  std::size_t _inFlight = 0;
  bool _stop = false;
  std::vector<std::thread> _threads;
};

// ---------------------------------------------------------------------------------------------
// App entry points
// ---------------------------------------------------------------------------------------------

/** Reads, places and wraps a tileset for the scene (ModelFormat::Tiles3d): node = a TilesetNode
    (streaming starts with the first frame), bounds = the root volume in the site frame, frame =
    `frame` or a local-tm frame at the root volume's centre, loading = TilesetNode::loading.
    Per-tile problems found later go to the node's diagnostics(). Errors from readTileset() and
    placeTileset(), or a maximumScreenSpaceError outside (0, 1000]. Never throws. */
core::Result<SceneModel> loadTileset(const std::filesystem::path& tilesetJson, double maximumScreenSpaceError,
                                     double heightOffsetMeters, const geo::SiteFrame& frame, core::Diagnostics& diag);

/** Text lines for `twin info --model tileset.json`: version, tiles and depth (external tilesets
    expanded), contents by type, external tilesets, refinement, geometric errors, request
    volumes, "content files read: N (M damaged)" (every b3dm / pnts / cmpt is read with
    loadTileContent()) and the WGS84 extent of the root volume. Error when readTileset() fails;
    external tilesets and content files that fail are listed as problems (a damaged content as
    an Error, where "scene::describeTileset()", record "tile 3 (x.b3dm)") and, when `problems` is
    given, added to it too. */
core::Result<std::string> describeTileset(const std::filesystem::path& tilesetJson,
                                          core::Diagnostics* problems = nullptr);

}  // namespace twin::scene
