// Tile contents: Point Cloud (.pnts) parsing, Composite (.cmpt) unpacking, and the file reader the
// streaming workers call (b3dm goes through parseB3dm()).
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <osg/BlendFunc>
#include <osg/Geode>
#include <osg/Geometry>
#include <osg/MatrixTransform>
#include <osg/Point>

#include "twin/core/UntrustedInput.h"
#include "twin/scene/Gltf.h"
#include "twin/scene/Tileset.h"

namespace twin::scene {

namespace {

using json = nlohmann::json;

std::uint32_t readU32(const std::uint8_t* p) {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

float readF32(const std::uint8_t* p) {
  float v;
  std::memcpy(&v, p, 4);
  return v;
}

std::uint16_t readU16(const std::uint8_t* p) {
  std::uint16_t v;
  std::memcpy(&v, p, 2);
  return v;
}

enum class Component { F32, U32, U16, U8 };

std::size_t componentSize(Component c) { return c == Component::U8 ? 1 : c == Component::U16 ? 2 : 4; }

double readComponent(const std::uint8_t* p, Component c) {
  switch (c) {
    case Component::F32: return readF32(p);
    case Component::U32: return readU32(p);
    case Component::U16: return readU16(p);
    case Component::U8: return *p;
  }
  return 0;
}

struct FeatureTable {
  json header;
  const std::uint8_t* binary = nullptr;
  std::size_t binarySize = 0;
};

// A global property: a JSON number/array, or {"byteOffset"} into the binary body. Returns false
// when absent; sets `error` when present but unusable.
bool globalProperty(const FeatureTable& table, const char* name, std::size_t count, Component type, double* out,
                    std::string& error) {
  if (!table.header.contains(name)) return false;
  const json& v = table.header[name];
  if (v.is_object()) {
    if (!v.contains("byteOffset") || !v["byteOffset"].is_number_unsigned()) {
      error = std::string(name) + ": expected a byteOffset";
      return false;
    }
    const std::size_t offset = v["byteOffset"].get<std::size_t>();
    const std::size_t bytes = count * componentSize(type);
    if (offset > table.binarySize || bytes > table.binarySize - offset) {
      error = std::string(name) + " runs past the feature table binary";
      return false;
    }
    for (std::size_t i = 0; i < count; ++i)
      out[i] = readComponent(table.binary + offset + i * componentSize(type), type);
  } else if (count == 1 && v.is_number()) {
    out[0] = v.get<double>();
  } else if (v.is_array() && v.size() == count) {
    for (std::size_t i = 0; i < count; ++i) {
      if (!v[i].is_number()) {
        error = std::string(name) + ": expected " + std::to_string(count) + " numbers";
        return false;
      }
      out[i] = v[i].get<double>();
    }
  } else {
    error = std::string(name) + ": expected " + std::to_string(count) + (count == 1 ? " number" : " numbers");
    return false;
  }
  for (std::size_t i = 0; i < count; ++i)
    if (!std::isfinite(out[i])) {
      error = std::string(name) + ": not finite";
      return false;
    }
  return true;
}

// A per-point property: {"byteOffset"} with `points` elements of `bytesPerPoint` in the binary body.
const std::uint8_t* pointProperty(const FeatureTable& table, const char* name, std::size_t points,
                                  std::size_t bytesPerPoint, std::string& error) {
  if (!table.header.contains(name)) return nullptr;
  const json& v = table.header[name];
  if (!v.is_object() || !v.contains("byteOffset") || !v["byteOffset"].is_number_unsigned()) {
    error = std::string(name) + ": expected an object with a byteOffset";
    return nullptr;
  }
  const std::size_t offset = v["byteOffset"].get<std::size_t>();
  if (offset > table.binarySize || points > (table.binarySize - offset) / bytesPerPoint) {
    error = std::string(name) + " runs past the feature table binary";
    return nullptr;
  }
  return table.binary + offset;
}

struct TileHeader {
  std::uint32_t byteLength = 0;
  std::uint32_t featureJson = 0, featureBinary = 0, batchJson = 0, batchBinary = 0;
};

// The common 28-byte header of b3dm/pnts; error text when it does not fit `size`.
std::string readHeader(const std::uint8_t* data, std::size_t size, const char* magic, TileHeader& h) {
  if (size < 28) return "shorter than the 28-byte header";
  if (std::memcmp(data, magic, 4) != 0) return std::string("bad magic (expected '") + magic + "')";
  if (readU32(data + 4) != 1) return "version " + std::to_string(readU32(data + 4)) + " is not supported (1)";
  h.byteLength = readU32(data + 8);
  if (h.byteLength != size)
    return "byteLength " + std::to_string(h.byteLength) + " is not the size " + std::to_string(size);
  h.featureJson = readU32(data + 12);
  h.featureBinary = readU32(data + 16);
  h.batchJson = readU32(data + 20);
  h.batchBinary = readU32(data + 24);
  const std::uint64_t total = 28ull + h.featureJson + h.featureBinary + h.batchJson + h.batchBinary;
  if (total > size) return "table lengths run past byteLength";
  return {};
}

}  // namespace

core::Result<osg::ref_ptr<osg::Node>> parsePnts(const std::uint8_t* data, std::size_t size, const std::string& label,
                                                core::Diagnostics& diag) {
  const std::string prefix = "scene::parsePnts(): " + label + ": ";
  TileHeader h;
  if (std::string e = readHeader(data, size, "pnts", h); !e.empty()) return core::fail(prefix + e);
  FeatureTable table;
  if (std::string deep =
          core::jsonDepthProblem(std::string_view(reinterpret_cast<const char*>(data + 28), h.featureJson));
      !deep.empty())
    return core::fail(prefix + "feature table: " + deep);
  table.header = json::parse(data + 28, data + 28 + h.featureJson, nullptr, false);
  if (table.header.is_discarded() || !table.header.is_object())
    return core::fail(prefix + "feature table JSON is not a JSON object");
  table.binary = data + 28 + h.featureJson;
  table.binarySize = h.featureBinary;
  if (table.header.contains("extensions") && table.header["extensions"].is_object() &&
      table.header["extensions"].contains("3DTILES_draco_point_compression"))
    return core::fail(prefix + "Draco-compressed point clouds are not supported");

  std::string error;
  double pointsLength = 0;
  if (!globalProperty(table, "POINTS_LENGTH", 1, Component::U32, &pointsLength, error))
    return core::fail(prefix + (error.empty() ? "POINTS_LENGTH missing" : error));
  if (pointsLength < 0 || pointsLength != std::floor(pointsLength) || pointsLength > 4294967295.0)
    return core::fail(prefix + "POINTS_LENGTH: expected a non-negative integer");
  const std::size_t n = static_cast<std::size_t>(pointsLength);
  if (n == 0) return core::fail(prefix + "no points (POINTS_LENGTH 0)");

  osg::ref_ptr<osg::Vec3Array> positions = new osg::Vec3Array;
  positions->reserve(n);
  if (const std::uint8_t* p = pointProperty(table, "POSITION", n, 12, error)) {
    for (std::size_t i = 0; i < n; ++i)
      positions->push_back(osg::Vec3(readF32(p + 12 * i), readF32(p + 12 * i + 4), readF32(p + 12 * i + 8)));
  } else if (error.empty()) {
    const std::uint8_t* q = pointProperty(table, "POSITION_QUANTIZED", n, 6, error);
    if (!q) return core::fail(prefix + (error.empty() ? "neither POSITION nor POSITION_QUANTIZED" : error));
    double offset[3], scale[3];
    if (!globalProperty(table, "QUANTIZED_VOLUME_OFFSET", 3, Component::F32, offset, error) ||
        !globalProperty(table, "QUANTIZED_VOLUME_SCALE", 3, Component::F32, scale, error))
      return core::fail(prefix +
                        (error.empty() ? "POSITION_QUANTIZED needs QUANTIZED_VOLUME_OFFSET and _SCALE" : error));
    for (std::size_t i = 0; i < n; ++i) {
      osg::Vec3 v;
      for (int k = 0; k < 3; ++k)
        v[k] = static_cast<float>(offset[k] + readU16(q + 6 * i + 2 * k) * scale[k] / 65535.0);
      positions->push_back(v);
    }
  }
  if (!error.empty()) return core::fail(prefix + error);

  osg::ref_ptr<osg::Vec4ubArray> colours = new osg::Vec4ubArray;
  bool translucent = false;
  if (const std::uint8_t* c = pointProperty(table, "RGBA", n, 4, error)) {
    colours->reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      colours->push_back(osg::Vec4ub(c[4 * i], c[4 * i + 1], c[4 * i + 2], c[4 * i + 3]));
      translucent = translucent || c[4 * i + 3] < 255;
    }
  } else if (const std::uint8_t* c = error.empty() ? pointProperty(table, "RGB", n, 3, error) : nullptr) {
    colours->reserve(n);
    for (std::size_t i = 0; i < n; ++i) colours->push_back(osg::Vec4ub(c[3 * i], c[3 * i + 1], c[3 * i + 2], 255));
  } else if (const std::uint8_t* c = error.empty() ? pointProperty(table, "RGB565", n, 2, error) : nullptr) {
    colours->reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint16_t v = readU16(c + 2 * i);
      // Expand 5/6-bit channels to 8 bits with the top bits repeated, so full scale stays 255.
      const unsigned r = (v >> 11) & 31, g = (v >> 5) & 63, b = v & 31;
      colours->push_back(osg::Vec4ub(static_cast<unsigned char>((r << 3) | (r >> 2)),
                                     static_cast<unsigned char>((g << 2) | (g >> 4)),
                                     static_cast<unsigned char>((b << 3) | (b >> 2)), 255));
    }
  }
  if (!error.empty()) return core::fail(prefix + error);
  if (colours->empty()) {
    double constant[4] = {191, 191, 191, 255};
    globalProperty(table, "CONSTANT_RGBA", 4, Component::U8, constant, error);
    if (!error.empty()) return core::fail(prefix + error);
    colours->push_back(osg::Vec4ub(static_cast<unsigned char>(constant[0]), static_cast<unsigned char>(constant[1]),
                                   static_cast<unsigned char>(constant[2]), static_cast<unsigned char>(constant[3])));
    translucent = constant[3] < 255;
  }

  // Non-finite positions would poison the bounds and near/far: drop them, and say so.
  std::size_t dropped = 0;
  {
    osg::ref_ptr<osg::Vec3Array> kept = new osg::Vec3Array;
    osg::ref_ptr<osg::Vec4ubArray> keptColours = new osg::Vec4ubArray;
    const bool perPoint = colours->size() == n;
    for (std::size_t i = 0; i < n; ++i) {
      const osg::Vec3& v = (*positions)[i];
      if (!v.valid()) {
        ++dropped;
        continue;
      }
      kept->push_back(v);
      if (perPoint) keptColours->push_back((*colours)[i]);
    }
    if (dropped) {
      diag.add(core::Severity::Warning, "scene::parsePnts()", label, "", "",
               std::to_string(dropped) + " points with non-finite positions", "skipped");
      positions = kept;
      if (perPoint) colours = keptColours;
    }
  }
  if (positions->empty()) return core::fail(prefix + "no point has a finite position");

  osg::ref_ptr<osg::Geometry> geometry = new osg::Geometry;
  geometry->setUseDisplayList(false);
  geometry->setUseVertexBufferObjects(true);
  geometry->setVertexArray(positions.get());
  colours->setNormalize(true);
  geometry->setColorArray(
      colours.get(), colours->size() == positions->size() ? osg::Array::BIND_PER_VERTEX : osg::Array::BIND_OVERALL);
  geometry->addPrimitiveSet(new osg::DrawArrays(GL_POINTS, 0, static_cast<GLsizei>(positions->size())));
  osg::StateSet* state = geometry->getOrCreateStateSet();
  state->setMode(GL_LIGHTING, osg::StateAttribute::OFF);
  state->setAttributeAndModes(new osg::Point(2.0f), osg::StateAttribute::ON);
  if (translucent) {
    state->setAttributeAndModes(new osg::BlendFunc(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA), osg::StateAttribute::ON);
    state->setRenderingHint(osg::StateSet::TRANSPARENT_BIN);
  }
  osg::ref_ptr<osg::Geode> geode = new osg::Geode;
  geode->setName(label);
  geode->addDrawable(geometry.get());

  double rtc[3];
  const bool hasRtc = globalProperty(table, "RTC_CENTER", 3, Component::F32, rtc, error);
  if (!error.empty()) return core::fail(prefix + error);
  if (!hasRtc) return osg::ref_ptr<osg::Node>(geode.get());
  osg::ref_ptr<osg::MatrixTransform> placed = new osg::MatrixTransform(osg::Matrixd::translate(rtc[0], rtc[1], rtc[2]));
  placed->addChild(geode.get());
  return osg::ref_ptr<osg::Node>(placed.get());
}

namespace {

constexpr int kMaxCompositeNesting = 4;

core::Result<osg::ref_ptr<osg::Node>> parseContent(const std::uint8_t* data, std::size_t size, const std::string& label,
                                                   const std::filesystem::path& baseDir, int nesting,
                                                   core::Diagnostics& diag);

core::Result<osg::ref_ptr<osg::Node>> parseComposite(const std::uint8_t* data, std::size_t size,
                                                     const std::string& label, const std::filesystem::path& baseDir,
                                                     int nesting, core::Diagnostics& diag) {
  const std::string prefix = "scene::loadTileContent(): " + label + ": ";
  if (size < 16) return core::fail(prefix + "shorter than the 16-byte cmpt header");
  if (readU32(data + 4) != 1)
    return core::fail(prefix + "cmpt version " + std::to_string(readU32(data + 4)) + " is not supported (1)");
  if (readU32(data + 8) != size) return core::fail(prefix + "cmpt byteLength is not the size " + std::to_string(size));
  if (nesting >= kMaxCompositeNesting) return core::fail(prefix + "composites nested too deep");
  const std::uint32_t count = readU32(data + 12);
  osg::ref_ptr<osg::Group> group = new osg::Group;
  group->setName(label);
  std::size_t offset = 16;
  for (std::uint32_t i = 0; i < count; ++i) {
    if (size - offset < 12) return core::fail(prefix + "inner tile " + std::to_string(i) + " runs past the end");
    const std::uint32_t length = readU32(data + offset + 8);
    if (length < 12 || length > size - offset)
      return core::fail(prefix + "inner tile " + std::to_string(i) + " runs past the end");
    const std::string inner = label + " [" + std::to_string(i) + "]";
    auto node = parseContent(data + offset, length, inner, baseDir, nesting + 1, diag);
    if (node) {
      group->addChild(node.value().get());
    } else {
      diag.add(core::Severity::Warning, "scene::loadTileContent()", label, "", "inner tile " + std::to_string(i),
               node.error().message, "skipped");
    }
    offset += length;
  }
  if (group->getNumChildren() == 0) return core::fail(prefix + "no inner tile could be read");
  return osg::ref_ptr<osg::Node>(group.get());
}

core::Result<osg::ref_ptr<osg::Node>> parseContent(const std::uint8_t* data, std::size_t size, const std::string& label,
                                                   const std::filesystem::path& baseDir, int nesting,
                                                   core::Diagnostics& diag) {
  if (size < 4) return core::fail("scene::loadTileContent(): " + label + ": shorter than a tile header");
  const std::string magic(reinterpret_cast<const char*>(data), 4);
  if (magic == "b3dm") {
    auto content = parseB3dm(data, size, label, baseDir, diag);
    if (!content) return content.error();
    if (!content.value().node) return core::fail("scene::loadTileContent(): " + label + ": b3dm without geometry");
    return content.value().node;
  }
  if (magic == "pnts") return parsePnts(data, size, label, diag);
  if (magic == "cmpt") return parseComposite(data, size, label, baseDir, nesting, diag);
  if (magic == "i3dm")
    return core::fail("scene::loadTileContent(): " + label + ": i3dm (instanced models) is not supported");
  if (magic == "glTF") {
    // 3D Tiles 1.1 glTF content: y-up like a b3dm's payload, turned z-up into tile coordinates.
    auto gltf = gltfToNode(data, size, label, baseDir, diag);
    if (!gltf) return gltf.error();
    osg::ref_ptr<osg::MatrixTransform> zUp = new osg::MatrixTransform(gltfYUpToZUp());
    zUp->addChild(gltf.value().get());
    return osg::ref_ptr<osg::Node>(zUp.get());
  }
  return core::fail("scene::loadTileContent(): " + label + ": bad magic (expected b3dm, pnts, cmpt, glTF)");
}

}  // namespace

core::Result<osg::ref_ptr<osg::Node>> parseTileContent(const std::uint8_t* data, std::size_t size,
                                                       const std::string& label, const std::filesystem::path& baseDir,
                                                       core::Diagnostics& diag) {
  return parseContent(data, size, label, baseDir, 0, diag);
}

core::Result<osg::ref_ptr<osg::Node>> loadTileContent(const std::filesystem::path& path, TileContentType type,
                                                      core::Diagnostics& diag) {
  const std::string label = path.filename().string();
  if (type == TileContentType::ExternalTileset || type == TileContentType::None)
    return core::fail("scene::loadTileContent(): " + label + ": not a content file");
  auto bytes = core::readWholeFile(path, core::kTileFileLimit, "scene::loadTileContent()", label);
  if (!bytes) return bytes.error();
  const std::string& text = bytes.value();
  return parseContent(reinterpret_cast<const std::uint8_t*>(text.data()), text.size(), label, path.parent_path(), 0,
                      diag);
}

}  // namespace twin::scene
