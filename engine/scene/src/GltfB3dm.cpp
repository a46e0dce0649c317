// 3D Tiles 1.0 Batched 3D Model: header (current and the two legacy layouts), feature table,
// batch table, the glTF payload turned z-up and moved by RTC_CENTER, and batch picking.
#include <cmath>
#include <cstring>
#include <sstream>

#include <osg/Geometry>
#include <osg/MatrixTransform>
#include <osg/NodeVisitor>

#include <nlohmann/json.hpp>

#include "twin/core/UntrustedInput.h"
#include "twin/scene/Gltf.h"

namespace twin::scene {
namespace {

using Json = nlohmann::ordered_json;
const char* const kWhere = "scene::parseB3dm()";

std::uint32_t readU32(const std::uint8_t* p) {
  return std::uint32_t(p[0]) | (std::uint32_t(p[1]) << 8) | (std::uint32_t(p[2]) << 16) | (std::uint32_t(p[3]) << 24);
}

core::Error failure(const std::string& label, const std::string& what) {
  return core::fail(std::string(kWhere) + ": " + label + ": " + what);
}

std::string numberText(double value) {
  std::ostringstream out;
  out.precision(17);
  out << value;
  return out.str();
}

std::string valueText(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return "";
  return value.dump();
}

struct BinaryType {
  int componentSize = 0;
  bool isFloat = false, isSigned = false;
};

BinaryType binaryType(const std::string& name) {
  if (name == "BYTE") return {1, false, true};
  if (name == "UNSIGNED_BYTE") return {1, false, false};
  if (name == "SHORT") return {2, false, true};
  if (name == "UNSIGNED_SHORT") return {2, false, false};
  if (name == "INT") return {4, false, true};
  if (name == "UNSIGNED_INT") return {4, false, false};
  if (name == "FLOAT") return {4, true, true};
  if (name == "DOUBLE") return {8, true, true};
  return {};
}

int typeComponents(const std::string& name) {
  if (name == "SCALAR") return 1;
  if (name == "VEC2") return 2;
  if (name == "VEC3") return 3;
  if (name == "VEC4") return 4;
  return 0;
}

double binaryComponent(const std::uint8_t* p, const BinaryType& type) {
  switch (type.componentSize) {
    case 1: return type.isSigned ? double(std::int8_t(p[0])) : double(p[0]);
    case 2: {
      std::uint16_t v;
      std::memcpy(&v, p, 2);
      return type.isSigned ? double(std::int16_t(v)) : double(v);
    }
    case 4: {
      if (type.isFloat) {
        float f;
        std::memcpy(&f, p, 4);
        return f;
      }
      std::uint32_t v;
      std::memcpy(&v, p, 4);
      return type.isSigned ? double(std::int32_t(v)) : double(v);
    }
    default: {
      double d;
      std::memcpy(&d, p, 8);
      return d;
    }
  }
}

// Parses table JSON that may be padded with spaces or NULs (the spec pads to 8 bytes).
bool parseTable(const std::uint8_t* data, std::size_t length, Json& out, std::string& why) {
  while (length > 0 && (data[length - 1] == ' ' || data[length - 1] == 0)) --length;
  if (length == 0) {
    out = Json::object();
    return true;
  }
  // Batch-table values are shown through dump(), which recurses once per level.
  const std::string_view text(reinterpret_cast<const char*>(data), length);
  if (std::string deep = core::jsonDepthProblem(text); !deep.empty()) {
    why = deep;
    return false;
  }
  out = Json::parse(data, data + length, nullptr, false);
  if (out.is_discarded()) {
    why = "not valid JSON";
    return false;
  }
  if (!out.is_object()) {
    why = "not a JSON object";
    return false;
  }
  return true;
}

/** Reads the batch id of the hit vertex from kBatchIdAttribute and shows that batch-table row. */
class BatchPickInfo : public PickInfo {
 public:
  BatchPickInfo(std::shared_ptr<const BatchTable> table, std::string label)
      : _table(std::move(table)), _label(std::move(label)) {}

  PickedFeature describe(const osg::Drawable& drawable, unsigned,
                         const std::vector<unsigned>& vertexIndices) const override {
    PickedFeature feature;
    feature.model = _label;
    const osg::Geometry* geometry = drawable.asGeometry();
    const auto* ids =
        geometry ? dynamic_cast<const osg::FloatArray*>(geometry->getVertexAttribArray(kBatchIdAttribute)) : nullptr;
    if (ids == nullptr || vertexIndices.empty() || vertexIndices.front() >= ids->size()) {
      feature.title = "batch (unknown)";
      return feature;
    }
    const float id = (*ids)[vertexIndices.front()];
    if (!(id >= 0) || id > 4.0e9f) {
      feature.title = "batch (invalid id)";
      return feature;
    }
    const std::size_t batch = std::size_t(id);
    feature.title = "batch " + std::to_string(batch);
    feature.properties = _table->row(batch);
    return feature;
  }

 private:
  std::shared_ptr<const BatchTable> _table;
  std::string _label;
};

class AttachPickInfo : public osg::NodeVisitor {
 public:
  explicit AttachPickInfo(osg::ref_ptr<BatchPickInfo> info)
      : osg::NodeVisitor(TRAVERSE_ALL_CHILDREN), _info(std::move(info)) {}
  void apply(osg::Drawable& drawable) override {
    osg::Geometry* geometry = drawable.asGeometry();
    if (geometry && geometry->getVertexAttribArray(kBatchIdAttribute)) geometry->setUserData(_info.get());
  }

 private:
  osg::ref_ptr<BatchPickInfo> _info;
};

core::Result<B3dmContent> parseB3dmUnchecked(const std::uint8_t* data, std::size_t size, const std::string& label,
                                             const std::filesystem::path& baseDir, core::Diagnostics& diag);

}  // namespace

std::vector<std::pair<std::string, std::string>> BatchTable::row(std::size_t batchId) const {
  std::vector<std::pair<std::string, std::string>> out;
  if (batchId >= length) return out;
  for (std::size_t p = 0; p < names.size() && p < values.size(); ++p)
    out.emplace_back(names[p], batchId < values[p].size() ? values[p][batchId] : std::string());
  return out;
}

core::Result<B3dmContent> parseB3dm(const std::uint8_t* data, std::size_t size, const std::string& label,
                                    const std::filesystem::path& baseDir, core::Diagnostics& diag) {
  // nlohmann::json throws on a value of an unexpected type (e.g. a numeric "componentType").
  try {
    return parseB3dmUnchecked(data, size, label, baseDir, diag);
  } catch (const std::exception& e) {
    return failure(label, std::string("malformed table: ") + e.what());
  }
}

namespace {

core::Result<B3dmContent> parseB3dmUnchecked(const std::uint8_t* data, std::size_t size, const std::string& label,
                                             const std::filesystem::path& baseDir, core::Diagnostics& diag) {
  if (data == nullptr || size < 28)
    return failure(label, "truncated header (" + std::to_string(data ? size : 0) + " bytes, 28 expected)");
  if (std::memcmp(data, "b3dm", 4) != 0) {
    std::string magic;
    for (int i = 0; i < 4; ++i) magic += (data[i] >= 32 && data[i] < 127) ? char(data[i]) : '?';
    return failure(label, "magic is '" + magic + "', expected 'b3dm'");
  }
  const std::uint32_t version = readU32(data + 4);
  if (version != 1) return failure(label, "version " + std::to_string(version) + " is not supported (expected 1)");
  const std::uint64_t byteLength = readU32(data + 8);
  if (byteLength != size)
    return failure(label, "header byteLength " + std::to_string(byteLength) + " does not match the data size " +
                              std::to_string(size));

  B3dmContent content;
  std::uint64_t featureJson = readU32(data + 12), featureBinary = readU32(data + 16);
  std::uint64_t batchJson = readU32(data + 20), batchBinary = readU32(data + 24);
  std::uint64_t offset = 28;
  std::optional<std::uint64_t> legacyBatchLength;
  // CesiumJS's test: in a legacy layout the word read as a table length is the start of JSON
  // ('"' = 0x22) or of the glTF magic, so at least 0x22000000.
  constexpr std::uint64_t kLegacyThreshold = 570425344;
  if (batchJson >= kLegacyThreshold) {
    offset = 20;
    legacyBatchLength = featureJson;
    batchJson = featureBinary;
    batchBinary = 0;
    featureJson = featureBinary = 0;
    content.legacyHeader = true;
    diag.add(core::Severity::Info, kWhere, label, "", "header",
             "legacy header [batchLength, batchTableByteLength] (pre-1.0)", "read");
  } else if (batchBinary >= kLegacyThreshold) {
    offset = 24;
    legacyBatchLength = batchJson;
    batchJson = featureJson;
    batchBinary = featureBinary;
    featureJson = featureBinary = 0;
    content.legacyHeader = true;
    diag.add(core::Severity::Info, kWhere, label, "", "header",
             "legacy header [batchTableJsonByteLength, batchTableBinaryByteLength, batchLength] (pre-1.0)", "read");
  }
  struct Field {
    const char* name;
    std::uint64_t length;
  };
  const Field fields[] = {{"featureTableJsonByteLength", featureJson},
                          {"featureTableBinaryByteLength", featureBinary},
                          {"batchTableJsonByteLength", batchJson},
                          {"batchTableBinaryByteLength", batchBinary}};
  std::uint64_t end = offset;
  for (const Field& field : fields) {
    end += field.length;
    if (end > size)
      return failure(label, std::string(field.name) + " " + std::to_string(field.length) +
                                " runs past the end of the tile (" + std::to_string(size) + " bytes)");
  }
  if (end >= size) return failure(label, "no glTF payload after the tables");
  const std::uint8_t* featureJsonData = data + offset;
  const std::uint8_t* featureBinaryData = featureJsonData + featureJson;
  const std::uint8_t* batchJsonData = featureBinaryData + featureBinary;
  const std::uint8_t* batchBinaryData = batchJsonData + batchJson;
  const std::uint8_t* gltfData = batchBinaryData + batchBinary;
  const std::size_t gltfSize = std::size_t(size - end);

  // Feature table.
  Json featureTable;
  std::string why;
  if (!parseTable(featureJsonData, std::size_t(featureJson), featureTable, why))
    return failure(label, "feature table JSON: " + why);
  auto binaryWordOffset = [&](const Json& ref, std::uint64_t bytes, std::uint64_t& out) {
    if (!ref.is_object() || !ref.contains("byteOffset") || !ref["byteOffset"].is_number_unsigned()) return false;
    out = ref["byteOffset"].get<std::uint64_t>();
    return out <= featureBinary && bytes <= featureBinary - out;
  };
  std::size_t batchLength = 0;
  if (featureTable.contains("BATCH_LENGTH")) {
    const Json& value = featureTable["BATCH_LENGTH"];
    std::uint64_t at = 0;
    if (value.is_number_unsigned() ||
        (value.is_number() && value.get<double>() >= 0 && std::floor(value.get<double>()) == value.get<double>())) {
      batchLength = std::size_t(value.get<double>());
    } else if (binaryWordOffset(value, 4, at)) {
      batchLength = readU32(featureBinaryData + at);
    } else {
      return failure(label, "feature table BATCH_LENGTH is not a non-negative integer");
    }
  } else if (legacyBatchLength) {
    batchLength = std::size_t(*legacyBatchLength);
  } else {
    diag.add(core::Severity::Warning, kWhere, label, "feature table", "", "BATCH_LENGTH is missing", "0 assumed");
  }
  if (batchLength > 100000000)
    return failure(label, "feature table BATCH_LENGTH " + std::to_string(batchLength) + " is not plausible");
  content.batchLength = batchLength;
  if (featureTable.contains("RTC_CENTER")) {
    const Json& value = featureTable["RTC_CENTER"];
    std::uint64_t at = 0;
    osg::Vec3d centre;
    bool good = false;
    if (value.is_array() && value.size() == 3 && value[0].is_number() && value[1].is_number() && value[2].is_number()) {
      centre.set(value[0].get<double>(), value[1].get<double>(), value[2].get<double>());
      good = true;
    } else if (binaryWordOffset(value, 12, at)) {
      float xyz[3];
      std::memcpy(xyz, featureBinaryData + at, 12);
      centre.set(xyz[0], xyz[1], xyz[2]);
      good = true;
    }
    if (!good || !std::isfinite(centre.x()) || !std::isfinite(centre.y()) || !std::isfinite(centre.z()))
      return failure(label, "feature table RTC_CENTER is not 3 finite numbers");
    content.rtcCenter = centre;
  }

  // Batch table.
  auto table = std::make_shared<BatchTable>();
  table->length = batchLength;
  Json batchTable;
  if (!parseTable(batchJsonData, std::size_t(batchJson), batchTable, why))
    return failure(label, "batch table JSON: " + why);
  for (auto item = batchTable.begin(); item != batchTable.end(); ++item) {
    const std::string& name = item.key();
    const Json& value = item.value();
    if (name == "extras") continue;
    if (name == "extensions") {
      for (auto extension = value.begin(); value.is_object() && extension != value.end(); ++extension)
        diag.add(core::Severity::Info, kWhere, label, "batch table", extension.key(),
                 "batch table extension is not supported", "ignored");
      continue;
    }
    std::vector<std::string> column(batchLength);
    if (value.is_array()) {
      if (value.size() != batchLength)
        diag.add(core::Severity::Warning, kWhere, label, "batch table", name,
                 "has " + std::to_string(value.size()) + " values for BATCH_LENGTH " + std::to_string(batchLength),
                 value.size() < batchLength ? "missing values left empty" : "extra values ignored");
      for (std::size_t i = 0; i < batchLength && i < value.size(); ++i) column[i] = valueText(value[i]);
    } else if (value.is_object() && value.contains("byteOffset")) {
      const BinaryType type = binaryType(value.value("componentType", std::string()));
      const int components = typeComponents(value.value("type", std::string()));
      const Json& at = value["byteOffset"];
      const std::uint64_t elementSize = std::uint64_t(type.componentSize) * std::uint64_t(components);
      std::uint64_t start = at.is_number_unsigned() ? at.get<std::uint64_t>() : ~std::uint64_t(0);
      const bool fits = elementSize > 0 && start <= batchBinary && (batchBinary - start) / elementSize >= batchLength;
      if (!fits) {
        diag.add(core::Severity::Warning, kWhere, label, "batch table", name,
                 elementSize == 0 ? "binary property has an unknown componentType or type"
                                  : "binary property runs past the end of the batch table body",
                 "shown as (binary)");
        for (std::string& text : column) text = "(binary)";
      } else {
        for (std::size_t i = 0; i < batchLength; ++i) {
          const std::uint8_t* p = batchBinaryData + start + i * elementSize;
          std::string text = components > 1 ? "(" : "";
          for (int c = 0; c < components; ++c) {
            if (c > 0) text += ", ";
            text += numberText(binaryComponent(p + std::size_t(c) * std::size_t(type.componentSize), type));
          }
          if (components > 1) text += ")";
          column[i] = std::move(text);
        }
      }
    } else {
      diag.add(core::Severity::Warning, kWhere, label, "batch table", name,
               "is neither an array nor a binary body reference", "skipped");
      continue;
    }
    table->names.push_back(name);
    table->values.push_back(std::move(column));
  }
  content.batchTable = table;

  auto gltf = gltfToNode(gltfData, gltfSize, label, baseDir, diag, &content.stats);
  if (!gltf) return core::fail(std::string(kWhere) + ": " + label + ": glTF payload: " + gltf.error().message);

  osg::ref_ptr<BatchPickInfo> pick = new BatchPickInfo(table, label);
  AttachPickInfo attach(pick);
  gltf.value()->accept(attach);

  osg::Matrixd matrix = gltfYUpToZUp();
  if (content.rtcCenter) matrix.postMultTranslate(*content.rtcCenter);
  osg::ref_ptr<osg::MatrixTransform> transform = new osg::MatrixTransform(matrix);
  transform->setName(label);
  transform->addChild(gltf.value().get());
  content.node = transform;
  return content;
}

}  // namespace
}  // namespace twin::scene
