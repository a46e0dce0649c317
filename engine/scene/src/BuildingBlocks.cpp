#include "BuildingBlocks.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

#include <osg/LOD>
#include <osg/PagedLOD>
#include <osgDB/FileNameUtils>
#include <osgDB/Options>
#include <osgDB/ReadFile>

#include "MeshBuilder.h"
#include "twin/scene/TerrainMesh.h"
#include "twin/scene/Triangulate.h"

namespace twin::scene::detail {

namespace {

constexpr const char* kWhere = "scene::SiteScene::build()";
constexpr const char* kExtension = "twinbuildings";  // the pager's "file" of a block's near level

std::string recordLabel(const std::string& idKind, std::int64_t id) {
  return (idKind.empty() ? std::string("id") : idKind) + " " + std::to_string(id);
}

using Key = std::pair<long long, long long>;

constexpr double kCoarseCellMeters = 100;

struct CoarseCell {
  core::Box2 box;  // over the footprints' bounds of the buildings whose centre lies in the cell
  float top = -std::numeric_limits<float>::max();
  osg::Vec4 attribute;  // the tallest building's
  std::size_t volumes = 0;
};

Key cellOf(const core::Vec2& p, double size) {
  return {static_cast<long long>(std::floor(p.x / size)), static_cast<long long>(std::floor(p.y / size))};
}

// Where a triangulated volume stands: the ground under it, its walls' foot and its roof.
struct Heights {
  double base = 0, bottom = 0, wallBottom = 0;
  float top = 0;
};

Heights volumeHeights(const model::Building& building, const Triangulation& triangulation,
                      const geo::Heightfield* terrain) {
  Heights h;
  h.bottom = building.minHeightMeters;
  if (!std::isfinite(h.bottom) || h.bottom < 0 || h.bottom >= building.heightMeters) h.bottom = 0;
  if (terrain) {
    h.base = std::isfinite(building.baseElevationMeters)
                 ? building.baseElevationMeters
                 : groundHeight(terrain, building.footprint.outer[0].x, building.footprint.outer[0].y);
  }
  h.wallBottom = h.base + h.bottom;
  if (terrain && h.bottom == 0) {
    // The base is the lowest point of the bilinear DEM under the footprint, but the drawn mesh is
    // made of triangles, which can dip a little lower inside a cell: walls start at the lowest
    // point of the drawn surface along the outline so that no gap shows under them. (Inside the
    // outline the mesh's lowest points are grid samples, which the base already accounts for.)
    for (const core::Ring& ring : triangulation.rings) {
      std::vector<core::Vec2> closed(ring);
      closed.push_back(ring.front());
      for (const osg::Vec3& p : drapeLine(terrain, closed, 0))
        h.wallBottom = std::min(h.wallBottom, static_cast<double>(p.z()));
    }
  }
  h.top = static_cast<float>(h.base + building.heightMeters);
  return h;
}

osg::Vec4 volumeAttribute(const BuildingVolume& v, const Heights& h) {
  return {static_cast<float>(v.index), static_cast<float>(static_cast<int>(v.use)), h.top, static_cast<float>(h.base)};
}

// The far level keeps roofs only, and drops small low buildings (they are a few pixels there).
bool drawnFar(const BuildingVolume& v, const Triangulation& t) {
  const core::Box2 box = core::bounds(t.rings[0]);
  return std::max(box.width(), box.height()) >= 12 || v.source->heightMeters >= 20;
}

std::size_t distinctBuildings(const Mesh& mesh) {
  std::vector<std::uint32_t> ids;
  ids.reserve(mesh.attributes->size());
  for (const osg::Vec4& a : *mesh.attributes) ids.push_back(static_cast<std::uint32_t>(a.x() + 0.5f));
  std::sort(ids.begin(), ids.end());
  return static_cast<std::size_t>(std::unique(ids.begin(), ids.end()) - ids.begin());
}

osg::ref_ptr<osg::Geometry> blockGeometry(Mesh& mesh) {
  osg::ref_ptr<osg::Geometry> geometry = makeBuildingGeometry(mesh);
  geometry->setUserValue("twin:buildings", static_cast<unsigned>(distinctBuildings(mesh)));
  return geometry;
}

// Reads "<bx>_<by>.twinbuildings" for the pager: builds that block's near level. It holds the
// blocks weakly, so a graph that outlives its SiteScene only gets "not found".
class BlockReader : public osgDB::ReadFileCallback {
 public:
  explicit BlockReader(BuildingBlocks* blocks) : _blocks(blocks) {}
  osgDB::ReaderWriter::ReadResult readNode(const std::string& fileName, const osgDB::Options*) override {
    using Result = osgDB::ReaderWriter::ReadResult;
    const std::string name = osgDB::getSimpleFileName(fileName);
    long long bx = 0, by = 0;
    if (osgDB::getLowerCaseFileExtension(name) != kExtension || std::sscanf(name.c_str(), "%lld_%lld.", &bx, &by) != 2)
      return Result(Result::FILE_NOT_HANDLED);
    osg::ref_ptr<BuildingBlocks> blocks;
    if (!_blocks.lock(blocks)) return Result(Result::FILE_NOT_FOUND);
    osg::ref_ptr<osg::Group> group = blocks->buildNearBlock(bx, by);
    if (!group) return Result(Result::FILE_NOT_FOUND);
    return Result(group.get());
  }

 private:
  osg::observer_ptr<BuildingBlocks> _blocks;
};

}  // namespace

BuildingBlocks::BuildingBlocks(const geo::Heightfield* terrain, double tileSizeMeters, double detailMeters,
                               double storeyMeters)
    : _terrain(terrain),
      _tileSize(tileSizeMeters > 1 ? tileSizeMeters : 250),
      _detailMeters(std::isfinite(detailMeters) && detailMeters > 0 ? detailMeters : 3000),
      _storeyMeters(storeyMeters) {}

BuildingBlocks::Figures BuildingBlocks::compile(const std::vector<BuildingVolume>& volumes, bool paged,
                                                core::Diagnostics& diag) {
  Figures figures;
  const double blockSize = _tileSize * kTilesPerBlockSide;
  std::map<Key, Mesh> far;
  std::map<Key, CoarseCell> coarse;  // by coarse cell; each cell lies in one block
  std::map<Key, core::Box2> extents;
  std::map<Key, float> tops;
  std::map<Key, std::size_t> tiles;  // per tile, to count them
  Triangulation triangulation;
  std::string why;
  for (const BuildingVolume& v : volumes) {
    const model::Building& building = *v.source;
    const std::string record = recordLabel(building.idKind, building.osmId);
    if (!std::isfinite(building.heightMeters) || building.heightMeters <= 0) {
      diag.add(core::Severity::Warning, kWhere, building.sourceFile, "buildings", record,
               "building height is not a positive number", "skipped");
      continue;
    }
    if (!triangulateFootprint(building.footprint, triangulation, why)) {
      diag.add(core::Severity::Warning, kWhere, building.sourceFile, "buildings", record,
               "footprint cannot be triangulated: " + why, "skipped");
      continue;
    }
    if (triangulation.usedFallback)
      diag.add(core::Severity::Info, kWhere, building.sourceFile, "buildings", record,
               "footprint is not a simple polygon", "roof triangulated by the GLU tessellator");
    const Heights h = volumeHeights(building, triangulation, _terrain);
    const core::Box2 box = core::bounds(triangulation.rings[0]);
    const Key key = cellOf(box.centre(), blockSize);
    _blocks[key].volumes.push_back(v);
    extents[key].add(core::Vec2{box.minX, box.minY});
    extents[key].add(core::Vec2{box.maxX, box.maxY});
    tops[key] = std::max(tops[key], h.top);
    ++tiles[cellOf(box.centre(), _tileSize)];
    // Full detail: two triangles per wall, the roof, and the underside of a raised part.
    std::size_t walls = 0;
    for (const core::Ring& ring : triangulation.rings)
      for (std::size_t i = 0; i < ring.size(); ++i) {
        const core::Vec2& a = ring[i];
        const core::Vec2& b = ring[(i + 1) % ring.size()];
        if (std::hypot(b.x - a.x, b.y - a.y) > 0) ++walls;
      }
    figures.triangles += 2 * walls + triangulation.triangles.size() / 3 * (h.bottom > 0 ? 2 : 1);
    if (drawnFar(v, triangulation)) addRoof(far[key], triangulation, h.top, volumeAttribute(v, h), true);
    CoarseCell& cell = coarse[cellOf(box.centre(), kCoarseCellMeters)];
    ++cell.volumes;
    cell.box.add(core::Vec2{box.minX, box.minY});
    cell.box.add(core::Vec2{box.maxX, box.maxY});
    if (h.top > cell.top) {
      cell.top = h.top;
      cell.attribute = volumeAttribute(v, h);
    }
  }
  figures.tiles = tiles.size();

  // The coarse level: per block, one roof-high rectangle per cell over the buildings standing in
  // it, at the height and in the colour of its tallest. Cells are 100 m, blocks a multiple of it
  // only by chance, so a cell goes to the block its centre lies in.
  std::map<Key, Mesh> coarseMeshes;
  std::map<Key, std::size_t> coarseVolumes;  // the volumes a block's coarse level stands for
  for (const auto& [cellKey, cell] : coarse) {
    const Key block = cellOf(cell.box.centre(), blockSize);
    Mesh& mesh = coarseMeshes[block];
    coarseVolumes[block] += cell.volumes;
    const auto x0 = static_cast<float>(cell.box.minX), y0 = static_cast<float>(cell.box.minY);
    const auto x1 = static_cast<float>(cell.box.maxX), y1 = static_cast<float>(cell.box.maxY);
    const osg::Vec3 up(0, 0, 1);
    const std::uint32_t a = mesh.add({x0, y0, cell.top}, up, cell.attribute, kRoofFacade);
    const std::uint32_t b = mesh.add({x1, y0, cell.top}, up, cell.attribute, kRoofFacade);
    const std::uint32_t c = mesh.add({x1, y1, cell.top}, up, cell.attribute, kRoofFacade);
    const std::uint32_t d = mesh.add({x0, y1, cell.top}, up, cell.attribute, kRoofFacade);
    mesh.indices.insert(mesh.indices.end(), {a, b, c, a, c, d});
  }

  // Full detail within this distance of a block's centre: the detail distance (at least 12
  // tiles) beyond its edge.
  const float nearRange = static_cast<float>(std::max(_detailMeters, 12 * _tileSize) + blockSize * std::sqrt(2.0) / 2);
  // Coarse beyond four times that (about 15 km by default): there a 15 m building is about a pixel
  // high on a 1080-line screen, and the city's roof count would dominate the frame.
  const float coarseRange = 4 * nearRange;
  std::lock_guard<std::mutex> lock(_mutex);
  for (auto& [key, block] : _blocks) {
    const core::Box2& box = extents[key];
    const osg::Vec3 centre(static_cast<float>(box.centre().x), static_cast<float>(box.centre().y), tops[key] / 2);
    const auto radius =
        static_cast<float>(std::hypot(std::hypot(box.width(), box.height()) / 2, static_cast<double>(tops[key]) / 2));
    osg::ref_ptr<osg::Node> coarseNode = new osg::Group;
    if (auto cells = coarseMeshes.find(key); cells != coarseMeshes.end() && !cells->second.indices.empty()) {
      osg::ref_ptr<osg::Geometry> geometry = blockGeometry(cells->second);
      // It stands for every building of its cells, not only the tallest ones whose ids it carries.
      geometry->setUserValue("twin:buildings", static_cast<unsigned>(coarseVolumes[key]));
      registerGeometry(geometry.get());
      coarseNode = geometry;
      ++figures.geometries;
    }
    osg::ref_ptr<osg::Node> farNode;
    auto farMesh = far.find(key);
    if (farMesh != far.end() && !farMesh->second.indices.empty()) {
      osg::ref_ptr<osg::Geometry> geometry = blockGeometry(farMesh->second);
      registerGeometry(geometry.get());
      farNode = geometry;
      ++figures.geometries;
    } else {
      farNode = new osg::Group;  // every building of the block is too small to show far away
    }
    const std::string name = std::to_string(key.first) + "_" + std::to_string(key.second);
    if (paged) {
      osg::ref_ptr<osg::PagedLOD> lod = new osg::PagedLOD;
      lod->setName("block " + name);
      lod->setCenterMode(osg::LOD::USER_DEFINED_CENTER);
      lod->setCenter(centre);
      lod->setRadius(radius);
      // Coarse first and far second: picking takes the last child present, the finest one.
      lod->addChild(coarseNode, coarseRange, std::numeric_limits<float>::max());
      lod->addChild(farNode, nearRange, coarseRange);
      lod->setFileName(2, name + "." + kExtension);
      lod->setRange(2, 0, nearRange);
      lod->setNumChildrenThatCannotBeExpired(2);  // the far and coarse levels stay
      osg::ref_ptr<osgDB::Options> options = new osgDB::Options;
      options->setReadFileCallback(new BlockReader(this));
      options->setObjectCacheHint(osgDB::Options::CACHE_NONE);
      lod->setDatabaseOptions(options);
      figures.nodes.push_back(lod);
    } else {
      std::size_t triangles = 0;
      osg::ref_ptr<osg::Group> near = buildNear(block, &triangles);
      figures.geometries += near->getNumChildren();
      osg::ref_ptr<osg::LOD> lod = new osg::LOD;
      lod->setName("block " + name);
      lod->setCenterMode(osg::LOD::USER_DEFINED_CENTER);
      lod->setCenter(centre);
      lod->setRadius(radius);
      lod->addChild(near, 0, nearRange);
      lod->addChild(farNode, nearRange, coarseRange);
      lod->addChild(coarseNode, coarseRange, std::numeric_limits<float>::max());
      figures.nodes.push_back(lod);
    }
  }
  figures.blocks = _blocks.size();
  return figures;
}

osg::ref_ptr<osg::Group> BuildingBlocks::buildNearBlock(long long bx, long long by) {
  std::lock_guard<std::mutex> lock(_mutex);
  if (_closed) return nullptr;
  auto found = _blocks.find({bx, by});
  if (found == _blocks.end()) return nullptr;
  return buildNear(found->second, nullptr);
}

osg::ref_ptr<osg::Group> BuildingBlocks::buildNear(const Block& block, std::size_t* triangles) {
  std::map<Key, Mesh> tiles;
  Triangulation triangulation;
  std::string why;
  for (const BuildingVolume& v : block.volumes) {
    // compile() kept only volumes that triangulate; the footprints have not changed since.
    if (!triangulateFootprint(v.source->footprint, triangulation, why)) continue;
    const Heights h = volumeHeights(*v.source, triangulation, _terrain);
    Mesh& mesh = tiles[cellOf(core::bounds(triangulation.rings[0]).centre(), _tileSize)];
    const osg::Vec4 attribute = volumeAttribute(v, h);
    addWalls(mesh, triangulation.rings, static_cast<float>(h.wallBottom), h.top, attribute,
             static_cast<float>(storeyHeightMeters(*v.source, _storeyMeters)));
    addRoof(mesh, triangulation, h.top, attribute, true);
    if (h.bottom > 0) addRoof(mesh, triangulation, static_cast<float>(h.wallBottom), attribute, false);
  }
  osg::ref_ptr<osg::Group> group = new osg::Group;
  for (auto& [key, mesh] : tiles) {
    if (mesh.indices.empty()) continue;
    if (triangles) *triangles += mesh.triangles();
    osg::ref_ptr<osg::Geometry> geometry = blockGeometry(mesh);
    registerGeometry(geometry.get());
    group->addChild(geometry);
  }
  ++_nearBuilt;
  return group;
}

std::size_t BuildingBlocks::nearBlocksBuilt() const {
  std::lock_guard<std::mutex> lock(_mutex);
  return _nearBuilt;
}

namespace {
// Writes the override colour of every vertex from its building's entry (alpha 0: by use).
void applyColors(osg::Geometry& geometry, const std::vector<model::Color>& colors) {
  if (colors.empty()) {
    // Dropping the array frees its memory; the uniform tells the shader not to read the
    // attribute, whose unbound value is undefined.
    geometry.setVertexAttribArray(kBuildingColorAttribute, nullptr);
    return;
  }
  const auto* attributes = dynamic_cast<const osg::Vec4Array*>(geometry.getVertexAttribArray(kBuildingAttribute));
  if (!attributes) return;
  auto* overrides = dynamic_cast<osg::Vec4Array*>(geometry.getVertexAttribArray(kBuildingColorAttribute));
  const bool created = overrides == nullptr;
  osg::ref_ptr<osg::Vec4Array> fresh;
  if (created) {
    fresh = new osg::Vec4Array(attributes->size());
    overrides = fresh.get();
  }
  for (std::size_t i = 0; i < attributes->size(); ++i) {
    auto index = static_cast<std::size_t>((*attributes)[i].x() + 0.5f);
    const model::Color& c = colors[std::min(index, colors.size() - 1)];
    (*overrides)[i] = c.a > 0 ? osg::Vec4(c.r, c.g, c.b, std::min(c.a, 1.f)) : osg::Vec4();
  }
  if (created)
    geometry.setVertexAttribArray(kBuildingColorAttribute, fresh, osg::Array::BIND_PER_VERTEX);
  else
    overrides->dirty();
}
}  // namespace

void BuildingBlocks::registerGeometry(osg::Geometry* geometry) {
  if (!_colors.empty()) applyColors(*geometry, _colors);
  _geometries.emplace_back(geometry);
}

void BuildingBlocks::setColors(const std::vector<model::Color>& colors) {
  std::lock_guard<std::mutex> lock(_mutex);
  _colors = colors;
  // Expired near levels leave null observers behind: drop them while walking the list.
  std::vector<osg::observer_ptr<osg::Geometry>> live;
  live.reserve(_geometries.size());
  for (const auto& observer : _geometries) {
    osg::ref_ptr<osg::Geometry> geometry;
    if (!observer.lock(geometry)) continue;
    applyColors(*geometry, _colors);
    live.push_back(observer);
  }
  _geometries.swap(live);
}

void BuildingBlocks::close() {
  std::lock_guard<std::mutex> lock(_mutex);
  _closed = true;
}

}  // namespace twin::scene::detail
