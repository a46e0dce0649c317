#include "twin/scene/WebTiles.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <system_error>
#include <utility>

#include <nlohmann/json.hpp>
#include <tiny_gltf.h>

#include "twin/geo/FrameFit.h"
#include "twin/scene/Triangulate.h"

namespace twin::scene {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

const char* const kWhere = "scene::writeWebTiles()";

// The east-north-up axes at the site origin (height 0) in ECEF: the root tile's frame. Every
// vertex is placed exactly (site frame -> WGS84 -> ECEF -> this frame), so the transverse
// Mercator of the site frame and the earth's curvature are both accounted for.
struct EnuFrame {
  core::Vec3 origin, east, north, up;

  explicit EnuFrame(core::LonLat o) {
    const double lon = o.lon * M_PI / 180, lat = o.lat * M_PI / 180;
    origin = geo::lonLatHeightToEcef(o, 0);
    east = {-std::sin(lon), std::cos(lon), 0};
    north = {-std::sin(lat) * std::cos(lon), -std::sin(lat) * std::sin(lon), std::cos(lat)};
    up = {std::cos(lat) * std::cos(lon), std::cos(lat) * std::sin(lon), std::sin(lat)};
  }
  core::Vec3 toEnu(const core::Vec3& ecef) const {
    const core::Vec3 d{ecef.x - origin.x, ecef.y - origin.y, ecef.z - origin.z};
    return {dot(d, east), dot(d, north), dot(d, up)};
  }
  // Column-major 4x4 (the tileset's "transform"): ENU -> ECEF.
  json matrix() const {
    return json::array({east.x, east.y, east.z, 0, north.x, north.y, north.z, 0, up.x, up.y, up.z, 0, origin.x,
                        origin.y, origin.z, 1});
  }
  static double dot(const core::Vec3& a, const core::Vec3& b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
};

// glTF's COLOR_0 is linear; the input colours are sRGB (as the scene's themes and CSS give them).
std::uint8_t linear(std::uint8_t srgb) {
  const double c = srgb / 255.0;
  const double l = c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
  return static_cast<std::uint8_t>(std::lround(l * 255));
}

// One tile's mesh, in glTF axes (x east, y up, z south).
struct TileMesh {
  std::vector<float> positions, normals, featureIds;
  std::vector<std::uint8_t> colours;
  std::vector<std::uint32_t> indices;
  std::vector<std::uint32_t> features;  // input feature of each local feature id
  std::map<std::uint32_t, std::uint32_t> localOf;
  double minE = std::numeric_limits<double>::infinity(), minN = minE, minU = minE;
  double maxE = -std::numeric_limits<double>::infinity(), maxN = maxE, maxU = maxE;
  std::size_t volumes = 0;

  std::uint32_t vertex(const core::Vec3& enu, const core::Vec3& normal, const std::array<std::uint8_t, 3>& colour,
                       std::uint32_t local) {
    const auto index = static_cast<std::uint32_t>(featureIds.size());
    positions.insert(positions.end(), {float(enu.x), float(enu.z), float(-enu.y)});
    normals.insert(normals.end(), {float(normal.x), float(normal.z), float(-normal.y)});
    colours.insert(colours.end(), {linear(colour[0]), linear(colour[1]), linear(colour[2]), 255});
    featureIds.push_back(float(local));
    minE = std::min(minE, enu.x), maxE = std::max(maxE, enu.x);
    minN = std::min(minN, enu.y), maxN = std::max(maxN, enu.y);
    minU = std::min(minU, enu.z), maxU = std::max(maxU, enu.z);
    return index;
  }
};

core::Vec3 normalised(const core::Vec3& v) {
  const double length = std::sqrt(v.x * v.x + v.y * v.y + v.z * v.z);
  if (!(length > 0)) return {0, 0, 1};
  return {v.x / length, v.y / length, v.z / length};
}

core::Vec3 cross(const core::Vec3& a, const core::Vec3& b) {
  return {a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x};
}

core::Vec3 minus(const core::Vec3& a, const core::Vec3& b) { return {a.x - b.x, a.y - b.y, a.z - b.z}; }

std::string number(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", v);
  return text;
}

bool validPropertyName(const std::string& name) {
  if (name.empty() || !(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_')) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

tinygltf::Value toValue(const json& j) {
  switch (j.type()) {
    case json::value_t::object: {
      tinygltf::Value::Object o;
      for (auto it = j.begin(); it != j.end(); ++it) o[it.key()] = toValue(it.value());
      return tinygltf::Value(std::move(o));
    }
    case json::value_t::array: {
      tinygltf::Value::Array a;
      for (const json& item : j) a.push_back(toValue(item));
      return tinygltf::Value(std::move(a));
    }
    case json::value_t::string: return tinygltf::Value(j.get<std::string>());
    case json::value_t::boolean: return tinygltf::Value(j.get<bool>());
    case json::value_t::number_integer:
    case json::value_t::number_unsigned: return tinygltf::Value(j.get<int>());
    case json::value_t::number_float: return tinygltf::Value(j.get<double>());
    default: return tinygltf::Value();
  }
}

// Appends `bytes` to the buffer at an 8-byte boundary (EXT_structural_metadata asks it of
// property-table views; it suits every accessor) and returns the new buffer view's index.
int addView(tinygltf::Model& model, const void* bytes, std::size_t size, int target) {
  std::vector<unsigned char>& data = model.buffers[0].data;
  data.resize((data.size() + 7) / 8 * 8, 0);
  tinygltf::BufferView view;
  view.buffer = 0;
  view.byteOffset = data.size();
  view.byteLength = size;
  view.target = target;
  const auto* p = static_cast<const unsigned char*>(bytes);
  data.insert(data.end(), p, p + size);
  model.bufferViews.push_back(view);
  return static_cast<int>(model.bufferViews.size() - 1);
}

int addAccessor(tinygltf::Model& model, int view, int componentType, int type, std::size_t count,
                bool normalized = false) {
  tinygltf::Accessor accessor;
  accessor.bufferView = view;
  accessor.componentType = componentType;
  accessor.type = type;
  accessor.count = count;
  accessor.normalized = normalized;
  model.accessors.push_back(accessor);
  return static_cast<int>(model.accessors.size() - 1);
}

// The GLB of one tile: the mesh, its feature ids and the property table of its features.
core::Status writeTileGlb(const TileMesh& mesh, const WebTilesInput& input, const fs::path& file) {
  tinygltf::Model model;
  model.asset.version = "2.0";
  model.asset.generator = "CommunityTwin (twin export)";
  model.buffers.resize(1);
  model.extensionsUsed = {"EXT_mesh_features", "EXT_structural_metadata"};

  const std::size_t vertices = mesh.featureIds.size();
  const int positions = addAccessor(
      model, addView(model, mesh.positions.data(), mesh.positions.size() * sizeof(float), TINYGLTF_TARGET_ARRAY_BUFFER),
      TINYGLTF_COMPONENT_TYPE_FLOAT, TINYGLTF_TYPE_VEC3, vertices);
  {
    // POSITION needs its bounds (glTF 2.0 §5.1.1); taken from the floats as written.
    std::array<double, 3> lo{}, hi{};
    for (int k = 0; k < 3; ++k) {
      lo[k] = std::numeric_limits<double>::infinity();
      hi[k] = -lo[k];
    }
    for (std::size_t i = 0; i < vertices; ++i)
      for (int k = 0; k < 3; ++k) {
        lo[k] = std::min<double>(lo[k], mesh.positions[i * 3 + k]);
        hi[k] = std::max<double>(hi[k], mesh.positions[i * 3 + k]);
      }
    model.accessors[positions].minValues.assign(lo.begin(), lo.end());
    model.accessors[positions].maxValues.assign(hi.begin(), hi.end());
  }
  const int normals = addAccessor(
      model, addView(model, mesh.normals.data(), mesh.normals.size() * sizeof(float), TINYGLTF_TARGET_ARRAY_BUFFER),
      TINYGLTF_COMPONENT_TYPE_FLOAT, TINYGLTF_TYPE_VEC3, vertices);
  const int colours =
      addAccessor(model, addView(model, mesh.colours.data(), mesh.colours.size(), TINYGLTF_TARGET_ARRAY_BUFFER),
                  TINYGLTF_COMPONENT_TYPE_UNSIGNED_BYTE, TINYGLTF_TYPE_VEC4, vertices, true);
  const int featureIds = addAccessor(
      model,
      addView(model, mesh.featureIds.data(), mesh.featureIds.size() * sizeof(float), TINYGLTF_TARGET_ARRAY_BUFFER),
      TINYGLTF_COMPONENT_TYPE_FLOAT, TINYGLTF_TYPE_SCALAR, vertices);
  const int indices = addAccessor(model,
                                  addView(model, mesh.indices.data(), mesh.indices.size() * sizeof(std::uint32_t),
                                          TINYGLTF_TARGET_ELEMENT_ARRAY_BUFFER),
                                  TINYGLTF_COMPONENT_TYPE_UNSIGNED_INT, TINYGLTF_TYPE_SCALAR, mesh.indices.size());

  tinygltf::Material material;
  material.name = "buildings";
  material.pbrMetallicRoughness.baseColorFactor = {1, 1, 1, 1};
  material.pbrMetallicRoughness.metallicFactor = 0;
  material.pbrMetallicRoughness.roughnessFactor = 0.9;
  model.materials.push_back(material);

  tinygltf::Primitive primitive;
  primitive.attributes = {
      {"POSITION", positions}, {"NORMAL", normals}, {"COLOR_0", colours}, {"_FEATURE_ID_0", featureIds}};
  primitive.indices = indices;
  primitive.material = 0;
  primitive.mode = TINYGLTF_MODE_TRIANGLES;
  const auto featureCount = static_cast<int>(mesh.features.size());
  primitive.extensions["EXT_mesh_features"] = toValue(
      json{{"featureIds", json::array({{{"featureCount", featureCount}, {"attribute", 0}, {"propertyTable", 0}}})}});
  tinygltf::Mesh gltfMesh;
  gltfMesh.name = "buildings";
  gltfMesh.primitives.push_back(primitive);
  model.meshes.push_back(gltfMesh);
  tinygltf::Node node;
  node.mesh = 0;
  model.nodes.push_back(node);
  tinygltf::Scene scene;
  scene.nodes.push_back(0);
  model.scenes.push_back(scene);
  model.defaultScene = 0;

  // The property table: one column per input column, rows = this tile's features.
  json classProperties = json::object(), tableProperties = json::object();
  for (const FeatureColumn& column : input.columns) {
    if (column.type == FeatureColumn::Type::String) {
      std::string values;
      std::vector<std::uint32_t> offsets{0};
      for (std::uint32_t f : mesh.features) {
        values += column.strings[f];
        offsets.push_back(static_cast<std::uint32_t>(values.size()));
      }
      // A zero-length buffer view is invalid glTF; a table whose strings are all empty keeps one byte.
      const int valuesView =
          addView(model, values.empty() ? "\0" : values.data(), std::max<std::size_t>(values.size(), 1), 0);
      const int offsetsView = addView(model, offsets.data(), offsets.size() * sizeof(std::uint32_t), 0);
      classProperties[column.name] = {{"type", "STRING"}};
      tableProperties[column.name] = {
          {"values", valuesView}, {"stringOffsets", offsetsView}, {"stringOffsetType", "UINT32"}};
    } else {
      std::vector<float> values;
      for (std::uint32_t f : mesh.features) {
        const double v = column.numbers[f];
        values.push_back(std::isfinite(v) ? float(v) : float(kFeatureNoData));
      }
      const int valuesView = addView(model, values.data(), values.size() * sizeof(float), 0);
      classProperties[column.name] = {{"type", "SCALAR"}, {"componentType", "FLOAT32"}, {"noData", kFeatureNoData}};
      tableProperties[column.name] = {{"values", valuesView}};
    }
    if (!column.description.empty()) classProperties[column.name]["description"] = column.description;
  }
  model.extensions["EXT_structural_metadata"] = toValue(
      json{{"schema", {{"id", "communitytwin"}, {"classes", {{input.className, {{"properties", classProperties}}}}}}},
           {"propertyTables",
            json::array({{{"class", input.className}, {"count", featureCount}, {"properties", tableProperties}}})}});
  if (!input.copyright.empty()) model.asset.copyright = input.copyright;
  // The GLB's binary chunk is padded to 4 bytes by the writer; the buffer's length is its data's.
  model.buffers[0].data.resize((model.buffers[0].data.size() + 3) / 4 * 4, 0);

  std::ostringstream out;
  tinygltf::TinyGLTF writer;
  if (!writer.WriteGltfSceneToStream(&model, out, false, true))
    return core::fail(std::string(kWhere) + ": " + file.string() + ": tinygltf could not write the GLB");
  std::ofstream f(file, std::ios::binary | std::ios::trunc);
  const std::string bytes = out.str();
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!f) return core::fail(std::string(kWhere) + ": " + file.string() + ": cannot write");
  return core::Ok{};
}

json boxOf(double minE, double maxE, double minN, double maxN, double minU, double maxU) {
  // Half axes of at least 1 cm: a flat or empty extent still makes a valid box.
  const double hx = std::max((maxE - minE) / 2, 0.01), hy = std::max((maxN - minN) / 2, 0.01),
               hz = std::max((maxU - minU) / 2, 0.01);
  return json{
      {"box", json::array({(minE + maxE) / 2, (minN + maxN) / 2, (minU + maxU) / 2, hx, 0, 0, 0, hy, 0, 0, 0, hz})}};
}

}  // namespace

core::Result<WebTilesResult> writeWebTiles(const WebTilesInput& input, const WebTilesOptions& options,
                                           const fs::path& dir, core::Diagnostics& diag) {
  const std::string where = kWhere;
  if (!input.frame.valid()) return core::fail(where + ": the site frame is not valid");
  if (!(options.tileSizeMeters > 0) || !std::isfinite(options.tileSizeMeters))
    return core::fail(where + ": tileSizeMeters must be a positive number, got " + number(options.tileSizeMeters));
  for (const FeatureColumn& column : input.columns) {
    if (!validPropertyName(column.name))
      return core::fail(where + ": column '" + column.name + "': not a property name ([A-Za-z_][A-Za-z0-9_]*)");
    const std::size_t n = column.type == FeatureColumn::Type::String ? column.strings.size() : column.numbers.size();
    if (n != input.featureCount)
      return core::fail(where + ": column '" + column.name + "' has " + std::to_string(n) + " values for " +
                        std::to_string(input.featureCount) + " features");
  }
  for (std::size_t i = 0; i < input.volumes.size(); ++i)
    if (input.volumes[i].feature >= input.featureCount)
      return core::fail(where + ": volume " + std::to_string(i) + " belongs to feature " +
                        std::to_string(input.volumes[i].feature) + ", past the " + std::to_string(input.featureCount) +
                        " features");

  const EnuFrame enu(input.frame.origin());
  auto toEnu = [&](const core::Vec2& p, double z) {
    return enu.toEnu(geo::lonLatHeightToEcef(input.frame.toLonLat(p), z));
  };

  // Triangulate first: a feature's tile is the cell of its first drawable volume.
  struct Ready {
    std::size_t volume;
    detail::Triangulation triangulation;
  };
  std::vector<Ready> ready;
  std::map<std::uint32_t, std::pair<long long, long long>> cellOf;
  for (std::size_t i = 0; i < input.volumes.size(); ++i) {
    const WebVolume& v = input.volumes[i];
    auto skip = [&](const std::string& why) {
      diag.add(core::Severity::Warning, where, "", "", "volume " + std::to_string(i), why, "skipped");
    };
    if (!std::isfinite(v.bottomMeters) || !std::isfinite(v.topMeters) || !(v.topMeters > v.bottomMeters)) {
      skip("top " + number(v.topMeters) + " m is not above bottom " + number(v.bottomMeters) + " m");
      continue;
    }
    Ready r{i, {}};
    std::string why;
    if (!detail::triangulateFootprint(v.footprint, r.triangulation, why)) {
      skip("footprint: " + why);
      continue;
    }
    if (!cellOf.count(v.feature)) {
      const core::Vec2 c = core::centroid(r.triangulation.rings[0]);
      cellOf[v.feature] = {static_cast<long long>(std::floor(c.x / options.tileSizeMeters)),
                           static_cast<long long>(std::floor(c.y / options.tileSizeMeters))};
    }
    ready.push_back(std::move(r));
  }
  if (ready.empty())
    return core::fail(where + ": no volume to draw (" + std::to_string(input.volumes.size()) + " given)");

  std::map<std::pair<long long, long long>, TileMesh> tiles;
  WebTilesResult result;
  for (const Ready& r : ready) {
    const WebVolume& v = input.volumes[r.volume];
    TileMesh& mesh = tiles[cellOf[v.feature]];
    auto [it, added] = mesh.localOf.emplace(v.feature, static_cast<std::uint32_t>(mesh.features.size()));
    if (added) mesh.features.push_back(v.feature);
    const std::uint32_t local = it->second;
    ++mesh.volumes;
    // Walls: one quad per ring edge with its own four vertices (flat shading). Outer rings are
    // CCW and holes CW, so (edge x up) points out of the solid on both.
    for (const core::Ring& ring : r.triangulation.rings)
      for (std::size_t k = 0; k < ring.size(); ++k) {
        const core::Vec2 a = ring[k], b = ring[(k + 1) % ring.size()];
        const core::Vec3 a0 = toEnu(a, v.bottomMeters), b0 = toEnu(b, v.bottomMeters), b1 = toEnu(b, v.topMeters),
                         a1 = toEnu(a, v.topMeters);
        const core::Vec3 n = normalised(cross(minus(b0, a0), minus(a1, a0)));
        const std::uint32_t i0 = mesh.vertex(a0, n, v.colour, local), i1 = mesh.vertex(b0, n, v.colour, local),
                            i2 = mesh.vertex(b1, n, v.colour, local), i3 = mesh.vertex(a1, n, v.colour, local);
        mesh.indices.insert(mesh.indices.end(), {i0, i1, i2, i0, i2, i3});
        result.triangles += 2;
      }
    // Roof: the footprint's triangles at the top, facing up; a little lighter than the walls so
    // that the roofs read as roofs under any light.
    std::array<std::uint8_t, 3> roof = v.colour;
    for (auto& c : roof) c = static_cast<std::uint8_t>(std::min(255, int(c) + (255 - int(c)) / 5));
    const std::uint32_t first = static_cast<std::uint32_t>(mesh.featureIds.size());
    for (const core::Vec2& p : r.triangulation.vertices) {
      const core::Vec3 top = toEnu(p, v.topMeters);
      mesh.vertex(top, normalised(minus(toEnu(p, v.topMeters + 1), top)), roof, local);
    }
    for (std::uint32_t index : r.triangulation.triangles) mesh.indices.push_back(first + index);
    result.triangles += r.triangulation.triangles.size() / 3;
    result.volumes += 1;
  }

  std::error_code ec;
  fs::create_directories(dir / options.contentFolder, ec);
  if (ec)
    return core::fail(where + ": " + (dir / options.contentFolder).string() + ": cannot create the folder (" +
                      ec.message() + ")");

  json children = json::array();
  double minE = std::numeric_limits<double>::infinity(), minN = minE, minU = minE;
  double maxE = -minE, maxN = maxE, maxU = maxE;
  for (auto& [cell, mesh] : tiles) {
    const std::string name = std::to_string(cell.first) + "_" + std::to_string(cell.second) + ".glb";
    const fs::path file = dir / options.contentFolder / name;
    if (auto written = writeTileGlb(mesh, input, file); !written) return written.error();
    result.bytes += fs::file_size(file, ec);
    result.glbFiles.push_back(file);
    result.features += mesh.features.size();
    children.push_back({{"boundingVolume", boxOf(mesh.minE, mesh.maxE, mesh.minN, mesh.maxN, mesh.minU, mesh.maxU)},
                        {"geometricError", 0},
                        {"content", {{"uri", options.contentFolder + "/" + name}}}});
    minE = std::min(minE, mesh.minE), maxE = std::max(maxE, mesh.maxE);
    minN = std::min(minN, mesh.minN), maxN = std::max(maxN, mesh.maxN);
    minU = std::min(minU, mesh.minU), maxU = std::max(maxU, mesh.maxU);
  }
  result.tiles = tiles.size();

  // The root has no content and refines by ADD: its geometric error only has to make a viewer
  // open it from afar, so it is the size of the whole extent.
  const double span = std::max({maxE - minE, maxN - minN, options.tileSizeMeters});
  json tileset = {{"asset", {{"version", "1.1"}, {"generator", "CommunityTwin (twin export)"}}},
                  {"geometricError", span * 2},
                  {"root",
                   {{"transform", enu.matrix()},
                    {"boundingVolume", boxOf(minE, maxE, minN, maxN, minU, maxU)},
                    {"geometricError", span},
                    {"refine", "ADD"},
                    {"children", children}}}};
  if (!input.copyright.empty()) tileset["asset"]["extras"] = {{"copyright", input.copyright}};
  const fs::path tilesetFile = dir / "tileset.json";
  std::ofstream out(tilesetFile, std::ios::trunc);
  out << tileset.dump(1) << '\n';
  out.close();
  if (!out) return core::fail(where + ": " + tilesetFile.string() + ": cannot write");
  result.bytes += fs::file_size(tilesetFile, ec);
  return result;
}

}  // namespace twin::scene
