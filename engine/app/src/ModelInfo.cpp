#include "twin/app/ModelInfo.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>
#include <osg/Geometry>
#include <osg/NodeVisitor>
#include <osg/PagedLOD>
#include <osg/Texture>
#include <osgDB/ReadFile>

#include "twin/core/Diagnostics.h"
#include "twin/core/TextFormat.h"
#include "twin/geo/ObliqueMetadata.h"
#include "twin/geo/PointConversion.h"
#include "twin/geo/SiteFrame.h"
#include "twin/model/CityModel.h"
#include "twin/model/ModelSource.h"
#include "twin/scene/Gltf.h"
#include "twin/scene/ObliqueModel.h"
#include "twin/scene/Tileset.h"

namespace twin::app {
namespace {

namespace fs = std::filesystem;

using core::fixed;

// "diagnostics: N" and the first 10 of them, indented. items() returns a copy: take it once.
std::string diagnosticsLines(const core::Diagnostics& diag) {
  std::string text = "diagnostics: " + std::to_string(diag.total()) + "\n";
  const std::vector<core::Diagnostic> items = diag.items();
  for (std::size_t i = 0; i < items.size() && i < 10; ++i) text += "  " + core::formatDiagnostic(items[i]) + "\n";
  return text;
}

core::Result<std::string> describeCityJson(const fs::path& file, const ModelInfoOptions& options) {
  core::Diagnostics diag;
  model::CityJsonOptions cityOptions;
  cityOptions.crs = options.crs;
  auto city = model::readCityJson(file, geo::SiteFrame{}, cityOptions, diag);
  if (options.problems) options.problems->merge(diag);
  if (!city) return city.error();
  const model::CityModelStats stats = model::cityModelStats(*city);
  if (!options.json) {
    std::string text = "model: " + file.filename().string() + " (CityJSON, CRS " + city->crs + ")\n" +
                       model::formatCityModelStats(stats);
    return text + diagnosticsLines(diag);
  }
  nlohmann::json j;
  j["format"] = "cityjson";
  j["file"] = file.filename().string();
  j["crs"] = city->crs;
  j["objects"] = stats.objects;
  j["objects_skipped"] = stats.objectsSkipped;
  j["objects_by_type"] = stats.objectsByType;
  j["geometries"] = stats.geometries;
  j["geometries_by_lod"] = stats.geometriesByLod;
  j["surfaces"] = stats.surfaces;
  j["surfaces_by_semantics"] = stats.surfacesBySemantics;
  j["vertices"] = stats.vertices;
  j["extent_wgs84"] = {{"min_lon", stats.extentLonLat.minX},
                       {"min_lat", stats.extentLonLat.minY},
                       {"max_lon", stats.extentLonLat.maxX},
                       {"max_lat", stats.extentLonLat.maxY}};
  j["diagnostics"] = diag.total();
  return j.dump(2) + "\n";
}

// Counts what one .osgb file holds. Paged children live in their own files, so a file's
// PagedLOD children beyond the first (already loaded) one are file names, not nodes.
class OsgbCounter : public osg::NodeVisitor {
 public:
  OsgbCounter() : osg::NodeVisitor(TRAVERSE_ALL_CHILDREN) {}
  std::size_t nodes = 0, pagedLods = 0, geometries = 0, triangles = 0, textures = 0;

  /** Ends one file: its distinct images join the texture count. Images are told apart by
      address, which is only meaningful while the file's nodes are alive. */
  void finishFile() {
    textures += _images.size();
    _images.clear();
  }

  void apply(osg::Node& node) override {
    ++nodes;
    countTextures(node.getStateSet());
    traverse(node);
  }
  void apply(osg::PagedLOD& lod) override {
    ++pagedLods;
    apply(static_cast<osg::Node&>(lod));
  }
  void apply(osg::Drawable& drawable) override {
    ++nodes;
    countTextures(drawable.getStateSet());
    osg::Geometry* geometry = drawable.asGeometry();
    if (!geometry) return;
    ++geometries;
    for (unsigned i = 0; i < geometry->getNumPrimitiveSets(); ++i) {
      const osg::PrimitiveSet* p = geometry->getPrimitiveSet(i);
      const unsigned n = p->getNumIndices();
      switch (p->getMode()) {
        case GL_TRIANGLES: triangles += n / 3; break;
        case GL_TRIANGLE_STRIP:
        case GL_TRIANGLE_FAN: triangles += n >= 3 ? n - 2 : 0; break;
        default: break;
      }
    }
  }

 private:
  void countTextures(const osg::StateSet* stateSet) {
    if (!stateSet) return;
    for (unsigned unit = 0; unit < stateSet->getNumTextureAttributeLists(); ++unit) {
      auto* texture =
          dynamic_cast<const osg::Texture*>(stateSet->getTextureAttribute(unit, osg::StateAttribute::TEXTURE));
      if (!texture) continue;
      for (unsigned i = 0; i < texture->getNumImages(); ++i)
        if (texture->getImage(i)) _images.insert(texture->getImage(i));
    }
  }

  std::set<const osg::Image*> _images;
};

struct LevelFigures {
  std::size_t files = 0, bytes = 0, triangles = 0;
};

core::Result<std::string> describeOblique(const fs::path& path, const ModelInfoOptions& options) {
  auto meta = geo::readObliqueMetadata(path);
  if (!meta) return meta.error();
  const fs::path production = meta->file.parent_path();
  const fs::path data = production / "Data";
  std::error_code ec;
  if (!fs::is_directory(data, ec))
    return core::fail("app::describeModel(): " + production.string() + ": no Data/ folder beside metadata.xml");

  auto origin = geo::obliqueOriginLonLat(*meta);
  if (!origin) return origin.error();

  // Root tiles are Data/Tile_X/Tile_X.osgb; every other .osgb is a paged level (…_L17_…).
  const std::regex levelPattern("_L([0-9]+)_");
  std::size_t tiles = 0, unreadable = 0;
  std::vector<std::string> unreadableFiles;
  std::map<std::string, LevelFigures> levels;
  OsgbCounter counter;
  osg::BoundingBox rootBounds;
  std::vector<fs::path> tileDirs;
  for (const auto& entry : fs::directory_iterator(data, ec))
    if (entry.is_directory()) tileDirs.push_back(entry.path());
  std::sort(tileDirs.begin(), tileDirs.end());
  for (const fs::path& tileDir : tileDirs) {
    const fs::path root = tileDir / (tileDir.filename().string() + ".osgb");
    if (fs::exists(root)) ++tiles;
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(tileDir, ec))
      if (entry.is_regular_file() && entry.path().extension() == ".osgb") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    for (const fs::path& file : files) {
      std::smatch match;
      const std::string name = file.filename().string();
      const std::string level = std::regex_search(name, match, levelPattern) ? "L" + match[1].str() : "root";
      LevelFigures& figures = levels[level];
      ++figures.files;
      figures.bytes += static_cast<std::size_t>(fs::file_size(file, ec));
      // OSG's reader can crash or hang on a damaged file: it reads in a child process first.
      auto read = scene::readOsgbFile(file);
      if (!read) {
        ++unreadable;
        unreadableFiles.push_back(tileDir.filename().string() + "/" + name);
        if (options.problems)
          options.problems->add(core::Severity::Warning, "app::describeModel()", name, tileDir.filename().string(), "",
                                read.error().message, "not counted");
        continue;
      }
      osg::ref_ptr<osg::Node> node = read.value();
      const std::size_t before = counter.triangles;
      node->accept(counter);
      counter.finishFile();
      figures.triangles += counter.triangles - before;
      if (level == "root") {
        const osg::BoundingSphere sphere = node->getBound();
        if (sphere.valid()) {
          rootBounds.expandBy(sphere.center() - osg::Vec3(sphere.radius(), sphere.radius(), 0));
          rootBounds.expandBy(sphere.center() + osg::Vec3(sphere.radius(), sphere.radius(), 0));
        }
      }
    }
  }
  if (tiles == 0) return core::fail("app::describeModel(): " + data.string() + ": no Tile_*/Tile_*.osgb root tiles");

  // Extent: the root tiles' bounds (local metres from SRSOrigin) taken to WGS84.
  core::Box2 extent;
  if (rootBounds.valid()) {
    for (double x : {rootBounds.xMin(), rootBounds.xMax()})
      for (double y : {rootBounds.yMin(), rootBounds.yMax()}) {
        if (meta->kind == geo::ObliqueSrsKind::Enu) {
          auto frame = geo::SiteFrame::create(*origin);
          if (frame) {
            const core::LonLat p = frame->toLonLat({x, y});
            extent.add(core::Vec2{p.lon, p.lat});
          }
        } else {
          auto p = geo::convertPoint(meta->srs, "wgs84",
                                     core::Vec3{meta->srsOrigin.x + x, meta->srsOrigin.y + y, meta->srsOrigin.z});
          if (p) extent.add(core::Vec2{p->x, p->y});
        }
      }
  }

  std::size_t files = 0, bytes = 0;
  for (const auto& [level, f] : levels) {
    files += f.files;
    bytes += f.bytes;
  }
  if (options.json) {
    nlohmann::json j;
    j["format"] = "osgb-production";
    j["path"] = production.string();
    j["srs"] = meta->srs;
    j["srs_origin"] = {meta->srsOrigin.x, meta->srsOrigin.y, meta->srsOrigin.z};
    j["origin_wgs84"] = {{"lon", origin->lon}, {"lat", origin->lat}};
    j["tiles"] = tiles;
    j["files"] = files;
    j["bytes"] = bytes;
    j["nodes"] = counter.nodes;
    j["paged_lods"] = counter.pagedLods;
    j["geometries"] = counter.geometries;
    j["triangles"] = counter.triangles;
    j["textures"] = counter.textures;
    j["unreadable_files"] = unreadableFiles;
    for (const auto& [level, f] : levels)
      j["levels"][level] = {{"files", f.files}, {"bytes", f.bytes}, {"triangles", f.triangles}};
    if (!extent.empty())
      j["extent_wgs84"] = {
          {"min_lon", extent.minX}, {"min_lat", extent.minY}, {"max_lon", extent.maxX}, {"max_lat", extent.maxY}};
    return j.dump(2) + "\n";
  }
  std::ostringstream out;
  const std::string srsLine = meta->srs.substr(0, meta->srs.find('\n'));
  out << "model: " << production.filename().string() << " (oblique photography, OSGB)\n"
      << "srs: " << srsLine << (srsLine.size() < meta->srs.size() ? " ..." : "") << "\n"
      << "srs origin: " << fixed(meta->srsOrigin.x, 3) << ", " << fixed(meta->srsOrigin.y, 3) << ", "
      << fixed(meta->srsOrigin.z, 3) << " -> lon " << fixed(origin->lon, 6) << " lat " << fixed(origin->lat, 6) << "\n"
      << "tiles: " << tiles << "\n"
      << "files: " << files << " (" << fixed(bytes / 1048576.0, 1) << " MiB)\n";
  for (const auto& [level, f] : levels)
    out << "  " << level << ": " << f.files << " files, " << fixed(f.bytes / 1048576.0, 1) << " MiB, " << f.triangles
        << " triangles\n";
  out << "nodes: " << counter.nodes << " (" << counter.pagedLods << " PagedLOD)\n"
      << "geometries: " << counter.geometries << "\n"
      << "triangles: " << counter.triangles << "\n"
      << "textures: " << counter.textures << "\n";
  if (!extent.empty())
    out << "extent (WGS84): lon " << fixed(extent.minX, 6) << " .. " << fixed(extent.maxX, 6) << ", lat "
        << fixed(extent.minY, 6) << " .. " << fixed(extent.maxY, 6) << "\n";
  out << "unreadable files: " << unreadable << "\n";
  for (const std::string& f : unreadableFiles) out << "  " << f << "\n";
  return out.str();
}

core::Result<std::string> describeGltfFile(const fs::path& file, const ModelInfoOptions& options) {
  core::Diagnostics diag;
  auto stats = scene::describeGltf(file, &diag);
  if (options.problems) options.problems->merge(diag);
  if (!stats) return stats.error();
  const osg::BoundingBox& b = stats->bounds;
  if (options.json) {
    nlohmann::json j;
    j["format"] = "gltf";
    j["file"] = file.string();
    j["nodes"] = stats->nodes;
    j["meshes"] = stats->meshes;
    j["primitives"] = stats->primitives;
    j["triangles"] = stats->triangles;
    j["vertices"] = stats->vertices;
    j["textures"] = stats->textures;
    j["materials"] = stats->materials;
    if (b.valid()) j["bounds_model_yup"] = {b.xMin(), b.yMin(), b.zMin(), b.xMax(), b.yMax(), b.zMax()};
    j["diagnostics"] = diag.total();
    return j.dump() + "\n";
  }
  std::ostringstream out;
  out << "model: " << file.filename().string() << " (glTF 2.0)\n"
      << "nodes: " << stats->nodes << "\nmeshes: " << stats->meshes << "\nprimitives: " << stats->primitives
      << "\ntriangles: " << stats->triangles << "\nvertices: " << stats->vertices << "\ntextures: " << stats->textures
      << "\nmaterials: " << stats->materials << "\n";
  if (b.valid())
    out << "bounds (model space, y up, m): " << fixed(b.xMin(), 3) << " " << fixed(b.yMin(), 3) << " "
        << fixed(b.zMin(), 3) << " .. " << fixed(b.xMax(), 3) << " " << fixed(b.yMax(), 3) << " " << fixed(b.zMax(), 3)
        << "\n";
  out << "extent (WGS84): none (glTF carries no georeference; place it with lon/lat in a scene's \"models\")\n";
  return out.str() + diagnosticsLines(diag);
}

}  // namespace

core::Result<std::string> describeModel(const fs::path& path, const ModelInfoOptions& options) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return core::fail("app::describeModel(): " + path.string() + ": no such file or folder");
  auto format = model::detectModelFormat(path);
  if (!format)
    return core::fail("app::describeModel(): " + path.string() +
                      ": not a supported model (supported: oblique-photography productions with metadata.xml, "
                      ".gltf/.glb, 3D Tiles tileset.json, CityJSON)");
  switch (*format) {
    case model::ModelFormat::Osgb: return describeOblique(path, options);
    case model::ModelFormat::CityJson: return describeCityJson(path, options);
    case model::ModelFormat::Gltf: return describeGltfFile(path, options);
    case model::ModelFormat::Tiles3d: {
      const fs::path file = fs::is_directory(path, ec) ? path / "tileset.json" : path;
      auto text = scene::describeTileset(file, options.problems);
      if (!text) return text.error();
      if (!options.json) return "model: " + file.filename().string() + " (3D Tiles)\n" + *text;
      nlohmann::json j;
      j["format"] = "3dtiles";
      j["file"] = file.string();
      j["lines"] = nlohmann::json::array();
      std::istringstream lines(*text);
      for (std::string line; std::getline(lines, line);) j["lines"].push_back(line);
      return j.dump() + "\n";
    }
  }
  return core::fail("app::describeModel(): " + path.string() + ": unknown model format");
}

}  // namespace twin::app
