// Oblique-photography productions: root tiles read once, finer levels left to the viewer's
// DatabasePager, the whole production placed with one double-precision matrix.
#include "twin/scene/ObliqueModel.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <exception>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <streambuf>
#include <system_error>
#include <thread>
#include <vector>

#include <osg/MatrixTransform>
#include <osg/Notify>
#include <osg/NodeVisitor>
#include <osg/PagedLOD>
#include <osg/Program>
#include <osg/TexEnv>
#include <osgDB/DataTypes>
#include <osgDB/FileNameUtils>
#include <osgDB/FileUtils>
#include <osgDB/Options>
#include <osgDB/Registry>

#include "twin/core/Log.h"
#include "twin/core/UntrustedInput.h"
#include "twin/geo/FrameFit.h"
#include "twin/geo/ObliqueMetadata.h"
#include "twin/geo/Transform.h"

namespace twin::scene {
namespace {

namespace fs = std::filesystem;

constexpr const char* kWhere = "scene::loadObliqueProduction()";

// The pager resolves a PagedLOD's file names against its database path (the tile folder, where
// a production keeps every level of a tile) and reads them with its database options.
class PagedLodSetter : public osg::NodeVisitor {
 public:
  PagedLodSetter(std::string path, osgDB::Options* options)
      : osg::NodeVisitor(TRAVERSE_ALL_CHILDREN), _path(std::move(path)), _options(options) {}
  void apply(osg::PagedLOD& lod) override {
    lod.setDatabasePath(_path);
    lod.setDatabaseOptions(_options.get());
    traverse(lod);
  }

 private:
  std::string _path;
  osg::ref_ptr<osgDB::Options> _options;
};

std::string readProblem(const osgDB::ReaderWriter::ReadResult& result) {
  if (!result.message().empty()) return result.message();
  switch (result.status()) {
    case osgDB::ReaderWriter::ReadResult::FILE_NOT_FOUND: return "file not found";
    case osgDB::ReaderWriter::ReadResult::INSUFFICIENT_MEMORY_TO_LOAD: return "not enough memory to read it";
    default: return "holds no scene node";
  }
}

// readWholeFile()'s message without its "where: path: " prefix (the read result is reported
// with the file name already).
std::string withoutPrefix(const std::string& message, const std::string& path) {
  const std::size_t at = message.find(path + ": ");
  return at == std::string::npos ? message : message.substr(at + path.size() + 2);
}

struct TruncatedFile : std::exception {
  const char* what() const noexcept override { return "the file ends inside an object (truncated)"; }
};

// OSG's binary reader assumes complete files: at a truncated end it keeps the null objects it
// could not read and dereferences them. Reading from memory through a buffer that throws at its
// end turns a truncation into an exception, before OSG can use a half-read object.
class WholeFileBuffer : public std::streambuf {
 public:
  explicit WholeFileBuffer(std::string& bytes) { setg(bytes.data(), bytes.data(), bytes.data() + bytes.size()); }

 protected:
  int_type underflow() override { throw TruncatedFile(); }
  pos_type seekoff(off_type offset, std::ios_base::seekdir dir, std::ios_base::openmode which) override {
    if (!(which & std::ios_base::in)) return pos_type(off_type(-1));
    const off_type base = dir == std::ios_base::beg   ? 0
                          : dir == std::ios_base::cur ? gptr() - eback()
                                                      : egptr() - eback();
    const off_type target = base + offset;
    if (target < 0 || target > egptr() - eback()) return pos_type(off_type(-1));
    setg(eback(), eback() + target, egptr());
    return pos_type(target);
  }
  pos_type seekpos(pos_type position, std::ios_base::openmode which) override {
    return seekoff(off_type(position), std::ios_base::beg, which);
  }
};

osgDB::ReaderWriter::ReadResult readOsgbGuarded(const std::string& path, const osgDB::Options* options,
                                                const IsolationLimits& limits) {
  using ReadResult = osgDB::ReaderWriter::ReadResult;
  auto read = core::readWholeFile(path, core::kOsgbTileLimit, kWhere, path);
  if (!read) return ReadResult(withoutPrefix(read.error().message, path));
  std::string& bytes = read.value();
  std::uint32_t header[2] = {0, 0};
  if (bytes.size() >= sizeof header) std::memcpy(header, bytes.data(), sizeof header);
  const bool native = header[0] == OSG_HEADER_LOW && header[1] == OSG_HEADER_HIGH;
  const bool swapped =
      header[0] == __builtin_bswap32(OSG_HEADER_LOW) && header[1] == __builtin_bswap32(OSG_HEADER_HIGH);
  if (!native && !swapped) {
    ReadResult notOsgb(ReadResult::FILE_NOT_HANDLED);
    notOsgb.message() = "not an OSG binary scene (no .osgb header)";
    return notOsgb;
  }
  osgDB::ReaderWriter* reader = osgDB::Registry::instance()->getReaderWriterForExtension("osgb");
  if (!reader) return ReadResult("OSG has no reader for .osgb (osgdb_osg plugin missing)");

  osg::ref_ptr<osgDB::Options> local = options ? options->cloneOptions() : new osgDB::Options;
  local->getDatabasePathList().push_front(osgDB::getFilePath(path));
  local->setReadFileCallback(nullptr);  // the child must not page in (or fork for) other files
  auto parse = [&]() -> ReadResult {
    WholeFileBuffer buffer(bytes);
    std::istream stream(&buffer);
    stream.exceptions(std::ios::badbit);
    try {
      ReadResult parsed = reader->readNode(stream, local.get());
      // The bound is what the loader computes next: a crash there is caught in the child too.
      if (osg::Node* node = parsed.getNode()) node->getBound();
      return parsed;
    } catch (const std::exception& e) {
      return ReadResult(e.what());
    } catch (...) {
      return ReadResult("OSG's .osgb reader failed");
    }
  };
  // OSG's .osgb reader crashes or spins for ever on some damaged files. The same parse first
  // runs in a child process with time and memory limits; only when the child came back on its
  // own does this process parse the same bytes, with the same reader and options: the parse
  // is deterministic, so it ends here as it ended there.
  const IsolatedOutcome checked = runIsolated(
      [&] {
        osg::setNotifyHandler(new osg::StandardNotifyHandler);  // not the twin's log (its locks)
        return parse().getNode() ? 0 : 3;
      },
      limits);
  if (!checked.exited) {
    std::string problem = "OSG's .osgb reader " + checked.problem;
    const std::string firstLine = checked.output.substr(0, checked.output.find('\n'));
    if (!firstLine.empty()) problem += "; it wrote: " + firstLine.substr(0, 160);
    return ReadResult(problem);
  }
  if (checked.exitCode == 124) return ReadResult("OSG's .osgb reader ran out of memory");
  if (checked.exitCode != 0 && checked.exitCode != 3)
    return ReadResult("OSG's .osgb reader ended with exit code " + std::to_string(checked.exitCode));
  std::lock_guard<std::mutex> lock(isolationMutex());
  return parse();
}

// Reads every .osgb of a production, roots and paged levels alike, through readOsgbGuarded():
// the PagedLODs it loads get `pagedLevels` (or this callback when null) in their database
// options, so that the DatabasePager reads with it too. A file that cannot be read is
// remembered: the pager asks again every frame it wants that level (and logs each failure), and
// then gets the same answer without the file being read again.
class ObliqueReadCallback : public osgDB::ReadFileCallback {
 public:
  /** `logFailures`: report each unreadable file once in the log (roots go to Diagnostics). */
  ObliqueReadCallback(bool logFailures, ObliqueReadCallback* pagedLevels, const IsolationLimits& limits)
      : _logFailures(logFailures), _pagedLevels(pagedLevels), _limits(limits) {}

  osgDB::ReaderWriter::ReadResult readNode(const std::string& fileName, const osgDB::Options* options) override {
    if (osgDB::getLowerCaseFileExtension(fileName) != "osgb")
      return osgDB::Registry::instance()->readNodeImplementation(fileName, options);
    {
      std::lock_guard<std::mutex> lock(_mutex);
      auto failed = _failed.find(fileName);
      if (failed != _failed.end()) return failed->second;
    }
    osgDB::ReaderWriter::ReadResult result = readOsgb(fileName, options);
    if (!result.getNode()) {
      std::lock_guard<std::mutex> lock(_mutex);
      if (_failed.emplace(fileName, result).second && _logFailures)
        core::logWarning("scene: oblique tile " + fileName + " not loaded: " + readProblem(result));
    }
    return result;
  }

 private:
  osgDB::ReaderWriter::ReadResult readOsgb(const std::string& fileName, const osgDB::Options* options) {
    const std::string path = osgDB::findDataFile(fileName, options);
    if (path.empty()) return osgDB::ReaderWriter::ReadResult(osgDB::ReaderWriter::ReadResult::FILE_NOT_FOUND);
    osgDB::ReaderWriter::ReadResult result = readOsgbGuarded(path, options, _limits);
    if (osg::Node* node = result.getNode()) {
      osg::ref_ptr<osgDB::Options> paged = new osgDB::Options;
      paged->setReadFileCallback(_pagedLevels ? _pagedLevels.get() : this);
      paged->setObjectCacheHint(osgDB::Options::CACHE_NONE);
      PagedLodSetter setter(osgDB::getFilePath(path) + "/", paged.get());
      node->accept(setter);
    }
    return result;
  }

  bool _logFailures;
  osg::ref_ptr<ObliqueReadCallback> _pagedLevels;  // null: this one reads the levels too
  IsolationLimits _limits;
  std::mutex _mutex;
  std::map<std::string, osgDB::ReaderWriter::ReadResult> _failed;
};

struct RootTile {
  std::string name;  // the tile folder's name
  fs::path folder;
  fs::path file;  // <folder>/<name>.osgb
  osg::ref_ptr<osg::Node> node;
  std::string problem;  // why node is null
};

void readRoot(RootTile& tile, const osgDB::Options* options) {
  osgDB::ReaderWriter::ReadResult result = osgDB::Registry::instance()->readNode(tile.file.string(), options);
  osg::ref_ptr<osg::Node> node = result.getNode();
  if (!node) {
    tile.problem = readProblem(result);
    return;
  }
  const osg::BoundingSphere sphere = node->getBound();
  if (!sphere.valid() || !std::isfinite(sphere.radius()) || !std::isfinite(sphere.center().x()) ||
      !std::isfinite(sphere.center().y()) || !std::isfinite(sphere.center().z())) {
    tile.problem = "holds no geometry with finite coordinates";
    return;
  }
  node->setName(tile.name);
  tile.node = node;
}

// Plugins and the registry are shared; reading from several threads at once is what the
// DatabasePager itself does.
void readRoots(std::vector<RootTile>& tiles, unsigned threads, const IsolationLimits& limits) {
  osg::ref_ptr<osgDB::Options> options = new osgDB::Options;
  options->setObjectCacheHint(osgDB::Options::CACHE_NONE);
  options->setReadFileCallback(new ObliqueReadCallback(false, new ObliqueReadCallback(true, nullptr, limits), limits));
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, tiles.size()));
  if (threads <= 1) {
    for (RootTile& tile : tiles) readRoot(tile, options.get());
    return;
  }
  std::atomic<std::size_t> next{0};
  std::vector<std::thread> workers;
  for (unsigned i = 0; i < threads; ++i)
    workers.emplace_back([&] {
      for (std::size_t k = next++; k < tiles.size(); k = next++) readRoot(tiles[k], options.get());
    });
  for (std::thread& worker : workers) worker.join();
}

osg::Matrixd toOsg(const geo::Affine3& a) {
  const auto& m = a.m;
  return osg::Matrixd(m[0], m[4], m[8], m[12], m[1], m[5], m[9], m[13], m[2], m[6], m[10], m[14], m[3], m[7], m[11],
                      m[15]);
}

// Photogrammetry meshes have no normals and bake the light into their textures: they are drawn
// unlit, fixed-function, with the texel as the colour (so neither a GLSL program nor a colour
// left current by other geometry can tint them). PROTECTED keeps an ancestor's OVERRIDE out.
void setObliqueState(osg::StateSet& state) {
  const auto on = osg::StateAttribute::ON | osg::StateAttribute::PROTECTED;
  state.setAttributeAndModes(new osg::Program, on);
  state.setMode(GL_LIGHTING, osg::StateAttribute::OFF | osg::StateAttribute::PROTECTED);
  state.setTextureAttribute(0, new osg::TexEnv(osg::TexEnv::REPLACE), on);
}

}  // namespace

core::Result<SceneModel> loadObliqueProduction(const fs::path& folderOrMetadata,
                                               const std::optional<std::string>& srsOverride, double heightOffsetMeters,
                                               const geo::SiteFrame& frame, core::Diagnostics& diag) {
  return loadObliqueProduction(folderOrMetadata, srsOverride, heightOffsetMeters, frame, diag, ObliqueLoadOptions{});
}

core::Result<SceneModel> loadObliqueProduction(const fs::path& folderOrMetadata,
                                               const std::optional<std::string>& srsOverride, double heightOffsetMeters,
                                               const geo::SiteFrame& frame, core::Diagnostics& diag,
                                               const ObliqueLoadOptions& options) {
  auto read = geo::readObliqueMetadata(folderOrMetadata);
  if (!read) return read.error();
  geo::ObliqueMetadata meta = std::move(read.value());
  const std::string metaPath = meta.file.string();
  if (!std::isfinite(heightOffsetMeters))
    return core::fail(std::string(kWhere) + ": " + metaPath + ": height offset is not a finite number");

  if (srsOverride) {
    // Reuse the metadata parser so an override takes exactly the forms <SRS> takes; the origin
    // stays the file's, so the wrapper's is a placeholder that is not used.
    auto parsed = geo::parseObliqueMetadata(
        "<ModelMetadata><SRS>" + *srsOverride + "</SRS><SRSOrigin>0,0,0</SRSOrigin></ModelMetadata>", meta.file);
    if (!parsed) return core::fail(std::string(kWhere) + ": " + metaPath + ": SRS override: " + parsed.error().message);
    meta.kind = parsed->kind;
    meta.srs = parsed->srs;
    meta.enuOrigin = parsed->enuOrigin;
  }
  // Creating PROJ transforms for a WKT SRS costs tens of milliseconds of database lookups each,
  // the largest part of a load: the SRS is checked on its own only to explain a failure.
  auto failure = [&](const core::Error& error) {
    if (meta.kind == geo::ObliqueSrsKind::Crs) {
      auto known = geo::Transform::create(meta.srs, "EPSG:4326");
      if (!known)
        return core::fail(std::string(kWhere) + ": " + metaPath + ": SRS not understood: " + known.error().message);
    }
    return core::fail(std::string(kWhere) + ": " + metaPath + ": " + error.message);
  };

  geo::SiteFrame siteFrame = frame;
  if (!siteFrame.valid()) {
    auto origin = geo::obliqueOriginLonLat(meta);
    if (!origin) return failure(origin.error());
    auto made = geo::SiteFrame::create(origin.value());
    if (!made) return core::fail(std::string(kWhere) + ": " + metaPath + ": " + made.error().message);
    siteFrame = made.value();
  }

  const fs::path production = meta.file.parent_path();
  const fs::path data = production / "Data";
  std::error_code ec;
  if (!fs::is_directory(data, ec))
    return core::fail(std::string(kWhere) + ": " + data.string() + ": no Data/ folder beside metadata.xml");

  std::vector<fs::path> folders;
  for (fs::directory_iterator it(data, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_directory(ec)) folders.push_back(it->path());
  std::sort(folders.begin(), folders.end());
  std::vector<RootTile> tiles;
  for (const fs::path& folder : folders) {
    RootTile tile;
    tile.name = folder.filename().string();
    tile.folder = folder;
    tile.file = folder / (tile.name + ".osgb");
    if (!fs::is_regular_file(tile.file, ec)) {
      diag.add(core::Severity::Warning, kWhere, tile.name, "", "",
               "tile folder without its root " + tile.name + ".osgb", "skipped");
      continue;
    }
    tiles.push_back(std::move(tile));
  }
  if (tiles.empty())
    return core::fail(std::string(kWhere) + ": " + data.string() + ": no <Tile>/<Tile>.osgb root tiles");

  readRoots(tiles, options.readThreads, options.tileLimits);

  osg::ref_ptr<osg::Group> content = new osg::Group;
  osg::BoundingBoxd localBox;  // the root spheres as boxes, metres from SRSOrigin
  std::size_t unreadable = 0;
  for (RootTile& tile : tiles) {
    if (!tile.node) {
      ++unreadable;
      diag.add(core::Severity::Warning, kWhere, tile.file.filename().string(), tile.name, "", tile.problem, "skipped");
      continue;
    }
    const osg::BoundingSphere sphere = tile.node->getBound();
    const osg::Vec3d r(sphere.radius(), sphere.radius(), sphere.radius());
    localBox.expandBy(osg::Vec3d(sphere.center()) - r);
    localBox.expandBy(osg::Vec3d(sphere.center()) + r);
    content->addChild(tile.node);
  }
  if (content->getNumChildren() == 0)
    return core::fail(std::string(kWhere) + ": " + data.string() + ": none of the " + std::to_string(unreadable) +
                      " root tiles could be read");

  // Fit at the tiles' centre rather than at SRSOrigin: productions often lie kilometres from it.
  const osg::Vec3d centre = localBox.center();
  geo::ModelCrs crs;
  if (meta.kind == geo::ObliqueSrsKind::Enu) {
    crs.kind = geo::ModelCrs::Kind::Enu;
    crs.enuOrigin = meta.enuOrigin;
  } else {
    crs.kind = geo::ModelCrs::Kind::Crs;
    crs.crs = meta.srs;
  }
  const core::Vec3 anchor{meta.srsOrigin.x + centre.x(), meta.srsOrigin.y + centre.y(), meta.srsOrigin.z + centre.z()};
  auto fit = geo::fitFrameAffine(crs, anchor, siteFrame);
  if (!fit) return failure(fit.error());

  // Tile vertices are relative to SRSOrigin: fold it (and the height offset) into the translation.
  geo::Affine3 placement = fit.value();
  const core::Vec3 originInFrame = placement.apply(meta.srsOrigin);
  placement.m[3] = originInFrame.x;
  placement.m[7] = originInFrame.y;
  placement.m[11] = originInFrame.z + heightOffsetMeters;
  const osg::Matrixd matrix = toOsg(placement);

  osg::ref_ptr<osg::MatrixTransform> transform = new osg::MatrixTransform(matrix);
  transform->setName(production.filename().string());
  transform->addChild(content);
  setObliqueState(*transform->getOrCreateStateSet());

  SceneModel model;
  model.id = production.filename().string();
  model.format = model::ModelFormat::Osgb;
  model.node = transform;
  for (int i = 0; i < 8; ++i) model.bounds.expandBy(localBox.corner(static_cast<unsigned>(i)) * matrix);
  model.frame = siteFrame;
  return model;
}

core::Result<osg::ref_ptr<osg::Node>> readOsgbFile(const fs::path& file, const IsolationLimits& limits) {
  osgDB::ReaderWriter::ReadResult result = readOsgbGuarded(file.string(), nullptr, limits);
  if (osg::Node* node = result.getNode()) return osg::ref_ptr<osg::Node>(node);
  return core::fail("scene::readOsgbFile(): " + file.string() + ": " + readProblem(result));
}

}  // namespace twin::scene
