// glTF 2.0 -> OSG: GLB framing checks, tinygltf parsing with our own image decoder, accessors read
// with bounds checks, primitives, fixed-function materials, the node hierarchy.
//
// Index: framing checks | image decoding | accessors | materials | primitives | nodes |
// gltfToNode / readGltfFile / describeGltf.
#include "twin/scene/Gltf.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <string_view>
#include <tuple>

#include <osg/AlphaFunc>
#include <osg/BlendFunc>
#include <osg/ComputeBoundsVisitor>
#include <osg/CullFace>
#include <osg/Geode>
#include <osg/Geometry>
#include <osg/Image>
#include <osg/LightModel>
#include <osg/Material>
#include <osg/MatrixTransform>
#include <osg/Texture2D>
#include <osgUtil/SmoothingVisitor>

#include <stb_image.h>
#include <tiny_gltf.h>

#include "twin/core/UntrustedInput.h"

namespace twin::scene {
namespace {

const char* const kWhere = "scene::gltfToNode()";

// ---------------------------------------------------------------------------------------------
// Framing checks: tinygltf's own GLB messages do not say which field is wrong.

std::uint32_t readU32(const std::uint8_t* p) {
  return std::uint32_t(p[0]) | (std::uint32_t(p[1]) << 8) | (std::uint32_t(p[2]) << 16) | (std::uint32_t(p[3]) << 24);
}

std::string glbFramingError(const std::uint8_t* data, std::size_t size) {
  if (size < 12) return "truncated GLB header (" + std::to_string(size) + " bytes, 12 expected)";
  const std::uint32_t version = readU32(data + 4);
  const std::uint32_t length = readU32(data + 8);
  if (version != 2) return "GLB version " + std::to_string(version) + " is not supported (expected 2)";
  if (length > size)
    return "GLB length " + std::to_string(length) + " is past the end of the data (" + std::to_string(size) + " bytes)";
  if (length < 20) return "truncated GLB: no JSON chunk (" + std::to_string(length) + " bytes)";
  const std::uint64_t jsonLength = readU32(data + 12);
  if (readU32(data + 16) != 0x4E4F534Au) return "first GLB chunk is not JSON";
  if (jsonLength == 0) return "empty JSON chunk";
  if (20 + jsonLength > length)
    return "JSON chunk length " + std::to_string(jsonLength) + " is past the end of the GLB (" +
           std::to_string(length) + " bytes)";
  const std::uint64_t binStart = 20 + ((jsonLength + 3) & ~std::uint64_t(3));
  if (binStart + 8 <= length) {
    const std::uint64_t binLength = readU32(data + binStart);
    if (binStart + 8 + binLength > length)
      return "BIN chunk length " + std::to_string(binLength) + " is past the end of the GLB (" +
             std::to_string(length) + " bytes)";
    if (readU32(data + binStart + 4) != 0x004E4942u) return "second GLB chunk is not BIN";
  }
  return {};
}

std::string printableMagic(const std::uint8_t* data, std::size_t size) {
  std::string out;
  for (std::size_t i = 0; i < std::min<std::size_t>(size, 4); ++i) {
    const char c = char(data[i]);
    if (c >= 32 && c < 127) {
      out += c;
    } else {
      static const char* kHex = "0123456789abcdef";
      out += "\\x";
      out += kHex[data[i] >> 4];
      out += kHex[data[i] & 15];
    }
  }
  return out;
}

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ' || text.back() == '\r')) text.pop_back();
  for (char& c : text)
    if (c == '\n') c = ';';
  return text;
}

// ---------------------------------------------------------------------------------------------
// Image decoding: tinygltf's default decoder fails the whole file on one bad image, and keeps a
// second copy of every pixel; ours decodes straight into osg::Image and records failures.

struct ImageContext {
  const tinygltf::Model* model = nullptr;
  std::map<int, osg::ref_ptr<osg::Image>> images;
  std::map<int, std::string> failures;
};

bool decodeImage(tinygltf::Image* image, const int index, std::string*, std::string*, int, int,
                 const unsigned char* bytes, int size, void* user) {
  auto* context = static_cast<ImageContext*>(user);
  // tinygltf hands us &buffer.data[view.byteOffset] with view.byteLength unchecked.
  if (image->bufferView >= 0) {
    const auto& views = context->model->bufferViews;
    const auto& buffers = context->model->buffers;
    if (std::size_t(image->bufferView) >= views.size()) {
      context->failures[index] = "bufferView " + std::to_string(image->bufferView) + " does not exist";
      return true;
    }
    const tinygltf::BufferView& view = views[std::size_t(image->bufferView)];
    if (view.buffer < 0 || std::size_t(view.buffer) >= buffers.size() ||
        view.byteOffset > buffers[std::size_t(view.buffer)].data.size() ||
        view.byteLength > buffers[std::size_t(view.buffer)].data.size() - view.byteOffset) {
      context->failures[index] = "bufferView " + std::to_string(image->bufferView) + " is past the end of its buffer";
      return true;
    }
  }
  if (bytes == nullptr || size <= 0) {
    context->failures[index] = "no image data";
    return true;
  }
  int width = 0, height = 0, channels = 0;
  unsigned char* pixels = stbi_load_from_memory(bytes, size, &width, &height, &channels, 0);
  if (pixels == nullptr) {
    const char* reason = stbi_failure_reason();
    context->failures[index] = std::string("image does not decode (") + (reason ? reason : "unknown") + ")";
    return true;
  }
  GLenum format = GL_RGBA;
  switch (channels) {
    case 1: format = GL_LUMINANCE; break;
    case 2: format = GL_LUMINANCE_ALPHA; break;
    case 3: format = GL_RGB; break;
    default: format = GL_RGBA; break;
  }
  const std::size_t bytesCount = std::size_t(width) * std::size_t(height) * std::size_t(channels);
  auto* copy = new unsigned char[bytesCount];
  std::memcpy(copy, pixels, bytesCount);
  stbi_image_free(pixels);
  osg::ref_ptr<osg::Image> result = new osg::Image;
  // Rows stay top row first: glTF's uv origin is the image's top-left, GL's t=0 is the first
  // row in memory, so uv need no flip.
  result->setImage(width, height, 1, GLint(format), format, GL_UNSIGNED_BYTE, copy, osg::Image::USE_NEW_DELETE);
  result->setFileName(image->uri.empty() ? image->name : image->uri);
  context->images[index] = result;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Accessors

struct AccessorData {
  std::shared_ptr<std::vector<std::uint8_t>> owned;  // a sparse accessor's dense copy
  const std::uint8_t* base = nullptr;
  std::size_t stride = 0, count = 0;
  int componentType = 0, components = 0;
  bool normalized = false;

  double component(std::size_t i, int c) const {
    const std::uint8_t* p = base + i * stride;
    switch (componentType) {
      case TINYGLTF_COMPONENT_TYPE_BYTE: {
        std::int8_t v;
        std::memcpy(&v, p + c, 1);
        return normalized ? std::max(v / 127.0, -1.0) : v;
      }
      case TINYGLTF_COMPONENT_TYPE_UNSIGNED_BYTE: {
        std::uint8_t v = p[c];
        return normalized ? v / 255.0 : v;
      }
      case TINYGLTF_COMPONENT_TYPE_SHORT: {
        std::int16_t v;
        std::memcpy(&v, p + 2 * c, 2);
        return normalized ? std::max(v / 32767.0, -1.0) : v;
      }
      case TINYGLTF_COMPONENT_TYPE_UNSIGNED_SHORT: {
        std::uint16_t v;
        std::memcpy(&v, p + 2 * c, 2);
        return normalized ? v / 65535.0 : v;
      }
      case TINYGLTF_COMPONENT_TYPE_INT: {
        std::int32_t v;
        std::memcpy(&v, p + 4 * c, 4);
        return v;
      }
      case TINYGLTF_COMPONENT_TYPE_UNSIGNED_INT: {
        std::uint32_t v;
        std::memcpy(&v, p + 4 * c, 4);
        return v;
      }
      case TINYGLTF_COMPONENT_TYPE_FLOAT: {
        float v;
        std::memcpy(&v, p + 4 * c, 4);
        return v;
      }
      default: {
        double v;
        std::memcpy(&v, p + 8 * c, 8);
        return v;
      }
    }
  }
};

int componentSize(int componentType) {
  switch (componentType) {
    case TINYGLTF_COMPONENT_TYPE_BYTE:
    case TINYGLTF_COMPONENT_TYPE_UNSIGNED_BYTE: return 1;
    case TINYGLTF_COMPONENT_TYPE_SHORT:
    case TINYGLTF_COMPONENT_TYPE_UNSIGNED_SHORT: return 2;
    case TINYGLTF_COMPONENT_TYPE_INT:
    case TINYGLTF_COMPONENT_TYPE_UNSIGNED_INT:
    case TINYGLTF_COMPONENT_TYPE_FLOAT: return 4;
    case TINYGLTF_COMPONENT_TYPE_DOUBLE: return 8;
    default: return 0;
  }
}

int componentsOf(int type) {
  switch (type) {
    case TINYGLTF_TYPE_SCALAR: return 1;
    case TINYGLTF_TYPE_VEC2: return 2;
    case TINYGLTF_TYPE_VEC3: return 3;
    case TINYGLTF_TYPE_VEC4: return 4;
    case TINYGLTF_TYPE_MAT2: return 4;
    case TINYGLTF_TYPE_MAT3: return 9;
    case TINYGLTF_TYPE_MAT4: return 16;
    default: return 0;
  }
}

// Empty string: bufferView `viewIndex` lies inside its buffer; `data` and `length` are its bytes.
std::string viewSpan(const tinygltf::Model& model, int viewIndex, const std::string& what, const std::uint8_t*& data,
                     std::size_t& length) {
  if (viewIndex < 0 || std::size_t(viewIndex) >= model.bufferViews.size()) return what + " has no valid bufferView";
  const tinygltf::BufferView& view = model.bufferViews[std::size_t(viewIndex)];
  if (view.buffer < 0 || std::size_t(view.buffer) >= model.buffers.size())
    return what + ": bufferView " + std::to_string(viewIndex) + " has no valid buffer";
  const std::vector<unsigned char>& buffer = model.buffers[std::size_t(view.buffer)].data;
  if (view.byteOffset > buffer.size() || view.byteLength > buffer.size() - view.byteOffset)
    return what + ": bufferView " + std::to_string(viewIndex) + " is past the end of its buffer";
  data = buffer.data() + view.byteOffset;
  length = view.byteLength;
  return {};
}

// Empty string: `out` points at `bytes` bytes of bufferView `viewIndex` from `byteOffset` on.
std::string viewBytes(const tinygltf::Model& model, int viewIndex, long long byteOffset, std::size_t bytes,
                      const std::string& what, const std::uint8_t*& out) {
  const std::uint8_t* data = nullptr;
  std::size_t length = 0;
  if (std::string why = viewSpan(model, viewIndex, what, data, length); !why.empty()) return why;
  if (byteOffset < 0 || std::size_t(byteOffset) > length || bytes > length - std::size_t(byteOffset))
    return what + " is past the end of its bufferView";
  out = data + std::size_t(byteOffset);
  return {};
}

// An accessor made dense: its bufferView's elements (zeros without one, as the spec says), then,
// when it is sparse, each listed element replaced by its value. Empty string: `out` points into
// `out.owned`.
std::string densify(const tinygltf::Model& model, const tinygltf::Accessor& accessor, const std::string& name,
                    std::size_t elementSize, AccessorData& out) {
  constexpr std::size_t kMaxBytes = std::size_t(1) << 28;  // 256 MiB: past any real mesh; stops absurd counts
  if (accessor.count > kMaxBytes / elementSize)
    return name + " is too large (" + std::to_string(accessor.count) + " elements)";
  auto dense = std::make_shared<std::vector<std::uint8_t>>(accessor.count * elementSize, 0);
  if (out.base)
    for (std::size_t i = 0; i < accessor.count; ++i)
      std::memcpy(dense->data() + i * elementSize, out.base + i * out.stride, elementSize);
  out.owned = dense;
  out.base = dense->data();
  out.stride = elementSize;
  const auto& sparse = accessor.sparse;
  if (!sparse.isSparse) return {};
  if (sparse.count < 1 || std::size_t(sparse.count) > accessor.count)
    return name + ": sparse count " + std::to_string(sparse.count) + " is not within 1.." +
           std::to_string(accessor.count);
  const int indexType = sparse.indices.componentType;
  if (indexType != TINYGLTF_COMPONENT_TYPE_UNSIGNED_BYTE && indexType != TINYGLTF_COMPONENT_TYPE_UNSIGNED_SHORT &&
      indexType != TINYGLTF_COMPONENT_TYPE_UNSIGNED_INT)
    return name + ": sparse indices componentType " + std::to_string(indexType) + " is not an unsigned integer type";
  const std::size_t count = std::size_t(sparse.count), indexSize = std::size_t(componentSize(indexType));
  const std::uint8_t* indices = nullptr;
  const std::uint8_t* values = nullptr;
  if (std::string why = viewBytes(model, sparse.indices.bufferView, sparse.indices.byteOffset, count * indexSize,
                                  name + " sparse indices", indices);
      !why.empty())
    return why;
  if (std::string why = viewBytes(model, sparse.values.bufferView, sparse.values.byteOffset, count * elementSize,
                                  name + " sparse values", values);
      !why.empty())
    return why;
  for (std::size_t k = 0; k < count; ++k) {
    std::uint32_t index = 0;
    if (indexSize == 1) index = indices[k];
    if (indexSize == 2) {
      std::uint16_t v;
      std::memcpy(&v, indices + 2 * k, 2);
      index = v;
    }
    if (indexSize == 4) std::memcpy(&index, indices + 4 * k, 4);
    if (index >= accessor.count)
      return name + ": sparse index " + std::to_string(index) + " is past the accessor's " +
             std::to_string(accessor.count) + " elements";
    std::memcpy(dense->data() + std::size_t(index) * elementSize, values + k * elementSize, elementSize);
  }
  return {};
}

// Empty string: `out` reads every element of the accessor, which lie inside its buffer (or, for a
// sparse accessor or one without a bufferView, in `out.owned`).
std::string accessorData(const tinygltf::Model& model, int index, AccessorData& out) {
  const std::string name = "accessor " + std::to_string(index);
  if (index < 0 || std::size_t(index) >= model.accessors.size()) return name + " does not exist";
  const tinygltf::Accessor& accessor = model.accessors[std::size_t(index)];
  const int size = componentSize(accessor.componentType);
  const int components = componentsOf(accessor.type);
  if (size == 0) return name + " has unknown componentType " + std::to_string(accessor.componentType);
  if (components == 0) return name + " has unknown type";
  if (accessor.count == 0) return name + " is empty";
  const std::size_t elementSize = std::size_t(size) * std::size_t(components);
  out = AccessorData{};
  out.count = accessor.count;
  out.componentType = accessor.componentType;
  out.components = components;
  out.normalized = accessor.normalized;
  if (accessor.bufferView >= 0) {
    const std::uint8_t* data = nullptr;
    std::size_t available = 0;
    if (std::string why = viewSpan(model, accessor.bufferView, name, data, available); !why.empty()) return why;
    const std::size_t byteStride = model.bufferViews[std::size_t(accessor.bufferView)].byteStride;
    const std::size_t stride = byteStride == 0 ? elementSize : byteStride;
    if (stride < elementSize) return name + ": byteStride " + std::to_string(stride) + " is smaller than an element";
    // (count - 1) * stride + elementSize + byteOffset <= byteLength, without overflow.
    if (accessor.byteOffset > available || elementSize > available - accessor.byteOffset ||
        (accessor.count - 1) > (available - accessor.byteOffset - elementSize) / stride)
      return name + " is past the end of its bufferView (" + std::to_string(accessor.count) + " elements)";
    out.base = data + accessor.byteOffset;
    out.stride = stride;
  }
  if (accessor.sparse.isSparse || !out.base) return densify(model, accessor, name, elementSize, out);
  return {};
}

// ---------------------------------------------------------------------------------------------
// Materials and textures

struct StateKey {
  int material;
  bool vertexColors, texcoords, lit;
  bool operator<(const StateKey& o) const {
    return std::tie(material, vertexColors, texcoords, lit) < std::tie(o.material, o.vertexColors, o.texcoords, o.lit);
  }
};

osg::Texture::WrapMode wrapMode(int wrap) {
  switch (wrap) {
    case TINYGLTF_TEXTURE_WRAP_CLAMP_TO_EDGE: return osg::Texture::CLAMP_TO_EDGE;
    case TINYGLTF_TEXTURE_WRAP_MIRRORED_REPEAT: return osg::Texture::MIRROR;
    default: return osg::Texture::REPEAT;
  }
}

osg::Texture::FilterMode filterMode(int filter, osg::Texture::FilterMode fallback) {
  switch (filter) {
    case TINYGLTF_TEXTURE_FILTER_NEAREST: return osg::Texture::NEAREST;
    case TINYGLTF_TEXTURE_FILTER_LINEAR: return osg::Texture::LINEAR;
    case TINYGLTF_TEXTURE_FILTER_NEAREST_MIPMAP_NEAREST: return osg::Texture::NEAREST_MIPMAP_NEAREST;
    case TINYGLTF_TEXTURE_FILTER_LINEAR_MIPMAP_NEAREST: return osg::Texture::LINEAR_MIPMAP_NEAREST;
    case TINYGLTF_TEXTURE_FILTER_NEAREST_MIPMAP_LINEAR: return osg::Texture::NEAREST_MIPMAP_LINEAR;
    case TINYGLTF_TEXTURE_FILTER_LINEAR_MIPMAP_LINEAR: return osg::Texture::LINEAR_MIPMAP_LINEAR;
    default: return fallback;
  }
}

bool finiteAll(const std::vector<double>& values) {
  return std::all_of(values.begin(), values.end(), [](double v) { return std::isfinite(v); });
}

class Builder {
 public:
  Builder(const tinygltf::Model& model, ImageContext& images, const std::string& label, core::Diagnostics& diag)
      : _model(model), _images(images), _label(label), _diag(diag) {}

  osg::ref_ptr<osg::Node> build();
  std::size_t primitives = 0, skipped = 0, triangleCount = 0, vertexTotal = 0;
  std::size_t texturesUsed() const { return _usedTextures.size(); }

 private:
  void report(const std::string& record, const std::string& message, const std::string& action,
              core::Severity severity = core::Severity::Warning) {
    _diag.add(severity, kWhere, _label, "", record, message, action);
  }
  osg::Texture2D* texture(int index);
  osg::StateSet* stateSet(const StateKey& key);
  osg::ref_ptr<osg::Geometry> primitive(int meshIndex, int primitiveIndex, const tinygltf::Primitive& primitive);
  osg::Node* mesh(int index);
  osg::ref_ptr<osg::Node> node(int index, int depth);

  const tinygltf::Model& _model;
  ImageContext& _images;
  const std::string& _label;
  core::Diagnostics& _diag;
  std::map<int, osg::ref_ptr<osg::Texture2D>> _textures;
  std::map<int, bool> _textureTried;
  std::map<int, bool> _usedTextures;
  std::map<StateKey, osg::ref_ptr<osg::StateSet>> _states;
  std::map<int, osg::ref_ptr<osg::Node>> _meshes;
  // Arrays built per (attribute kind, accessor): primitives that share an accessor share the array.
  std::map<std::pair<int, int>, osg::ref_ptr<osg::Array>> _arrays;
  std::vector<bool> _onPath;
  std::map<int, bool> _reportedMaterial;
};

osg::Texture2D* Builder::texture(int index) {
  if (_textureTried[index]) {
    auto it = _textures.find(index);
    return it == _textures.end() ? nullptr : it->second.get();
  }
  _textureTried[index] = true;
  const std::string record = "texture " + std::to_string(index);
  if (index < 0 || std::size_t(index) >= _model.textures.size()) {
    report(record, "texture does not exist", "skipped");
    return nullptr;
  }
  const tinygltf::Texture& texture = _model.textures[std::size_t(index)];
  if (texture.source < 0 || std::size_t(texture.source) >= _model.images.size()) {
    report(record, "no image source (or an extension's image only)", "skipped");
    return nullptr;
  }
  const std::string imageRecord = "image " + std::to_string(texture.source);
  auto failure = _images.failures.find(texture.source);
  auto image = _images.images.find(texture.source);
  if (failure != _images.failures.end() || image == _images.images.end()) {
    const tinygltf::Image& source = _model.images[std::size_t(texture.source)];
    std::string why = failure != _images.failures.end() ? failure->second
                      : source.uri.empty()              ? std::string("image was not loaded")
                                                        : "image file '" + source.uri + "' could not be read";
    report(imageRecord, why, "texture skipped");
    return nullptr;
  }
  osg::ref_ptr<osg::Texture2D> result = new osg::Texture2D(image->second.get());
  int wrapS = TINYGLTF_TEXTURE_WRAP_REPEAT, wrapT = TINYGLTF_TEXTURE_WRAP_REPEAT, minFilter = -1, magFilter = -1;
  if (texture.sampler >= 0 && std::size_t(texture.sampler) < _model.samplers.size()) {
    const tinygltf::Sampler& sampler = _model.samplers[std::size_t(texture.sampler)];
    wrapS = sampler.wrapS;
    wrapT = sampler.wrapT;
    minFilter = sampler.minFilter;
    magFilter = sampler.magFilter;
  } else if (texture.sampler >= 0) {
    report(record, "sampler " + std::to_string(texture.sampler) + " does not exist", "default sampler used");
  }
  result->setWrap(osg::Texture::WRAP_S, wrapMode(wrapS));
  result->setWrap(osg::Texture::WRAP_T, wrapMode(wrapT));
  result->setFilter(osg::Texture::MIN_FILTER, filterMode(minFilter, osg::Texture::LINEAR_MIPMAP_LINEAR));
  const osg::Texture::FilterMode mag = filterMode(magFilter, osg::Texture::LINEAR);
  result->setFilter(osg::Texture::MAG_FILTER,
                    mag == osg::Texture::NEAREST ? osg::Texture::NEAREST : osg::Texture::LINEAR);
  result->setName(record);
  _textures[index] = result;
  return result.get();
}

osg::StateSet* Builder::stateSet(const StateKey& key) {
  auto found = _states.find(key);
  if (found != _states.end()) return found->second.get();
  osg::ref_ptr<osg::StateSet> state = new osg::StateSet;
  tinygltf::Material fallback;
  fallback.pbrMetallicRoughness.baseColorFactor = {1, 1, 1, 1};
  const bool exists = key.material >= 0 && std::size_t(key.material) < _model.materials.size();
  if (key.material >= 0 && !exists && !_reportedMaterial[key.material]) {
    _reportedMaterial[key.material] = true;
    report("material " + std::to_string(key.material), "material does not exist", "default material used");
  }
  const tinygltf::Material& material = exists ? _model.materials[std::size_t(key.material)] : fallback;
  std::vector<double> factor = material.pbrMetallicRoughness.baseColorFactor;
  if (factor.size() != 4 || !finiteAll(factor)) {
    if (!_reportedMaterial[key.material]) {
      _reportedMaterial[key.material] = true;
      report("material " + std::to_string(key.material), "baseColorFactor is not 4 finite numbers", "white used");
    }
    factor = {1, 1, 1, 1};
  }
  osg::Vec4 colour;
  for (int i = 0; i < 4; ++i) colour[i] = float(std::clamp(factor[std::size_t(i)], 0.0, 1.0));

  osg::ref_ptr<osg::Material> osgMaterial = new osg::Material;
  if (key.vertexColors) {
    // Vertex colours already carry baseColorFactor (multiplied in when built).
    osgMaterial->setColorMode(osg::Material::AMBIENT_AND_DIFFUSE);
  } else {
    osgMaterial->setAmbient(osg::Material::FRONT_AND_BACK, colour);
    osgMaterial->setDiffuse(osg::Material::FRONT_AND_BACK, colour);
  }
  osgMaterial->setSpecular(osg::Material::FRONT_AND_BACK, osg::Vec4(0, 0, 0, colour.a()));
  osgMaterial->setEmission(osg::Material::FRONT_AND_BACK, osg::Vec4(0, 0, 0, colour.a()));
  osgMaterial->setAlpha(osg::Material::FRONT_AND_BACK, colour.a());
  state->setAttributeAndModes(osgMaterial.get(), osg::StateAttribute::ON);

  const bool unlit = !key.lit || material.extensions.count("KHR_materials_unlit") > 0;
  state->setMode(GL_LIGHTING, unlit ? osg::StateAttribute::OFF : osg::StateAttribute::ON);
  if (!unlit) state->setMode(GL_NORMALIZE, osg::StateAttribute::ON);
  if (material.doubleSided) {
    state->setMode(GL_CULL_FACE, osg::StateAttribute::OFF);
    if (!unlit) {
      osg::ref_ptr<osg::LightModel> lightModel = new osg::LightModel;
      lightModel->setTwoSided(true);
      state->setAttributeAndModes(lightModel.get(), osg::StateAttribute::ON);
    }
  } else {
    state->setAttributeAndModes(new osg::CullFace(osg::CullFace::BACK), osg::StateAttribute::ON);
  }

  const int textureIndex = material.pbrMetallicRoughness.baseColorTexture.index;
  if (textureIndex >= 0 && key.texcoords) {
    if (material.pbrMetallicRoughness.baseColorTexture.texCoord != 0) {
      if (!_reportedMaterial[key.material + 1000000]) {
        _reportedMaterial[key.material + 1000000] = true;
        report("material " + std::to_string(key.material),
               "base-colour texture uses TEXCOORD_" +
                   std::to_string(material.pbrMetallicRoughness.baseColorTexture.texCoord) +
                   " (only TEXCOORD_0 is read)",
               "texture skipped");
      }
    } else if (osg::Texture2D* tex = texture(textureIndex)) {
      state->setTextureAttributeAndModes(0, tex, osg::StateAttribute::ON);
      _usedTextures[textureIndex] = true;
    }
  }

  if (material.alphaMode == "BLEND") {
    state->setAttributeAndModes(new osg::BlendFunc(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA), osg::StateAttribute::ON);
    state->setRenderingHint(osg::StateSet::TRANSPARENT_BIN);
  } else if (material.alphaMode == "MASK") {
    const double cutoff = std::isfinite(material.alphaCutoff) ? material.alphaCutoff : 0.5;
    state->setAttributeAndModes(new osg::AlphaFunc(osg::AlphaFunc::GEQUAL, float(cutoff)), osg::StateAttribute::ON);
  }
  if (exists) state->setName(material.name);
  _states[key] = state;
  return state.get();
}

// ---------------------------------------------------------------------------------------------
// Primitives

osg::ref_ptr<osg::Geometry> Builder::primitive(int meshIndex, int primitiveIndex, const tinygltf::Primitive& source) {
  const std::string record = "mesh " + std::to_string(meshIndex) + " primitive " + std::to_string(primitiveIndex);
  auto skip = [&](const std::string& why) {
    report(record, why, "skipped");
    ++skipped;
    return osg::ref_ptr<osg::Geometry>();
  };
  if (source.mode < TINYGLTF_MODE_POINTS || source.mode > TINYGLTF_MODE_TRIANGLE_FAN)
    return skip("mode " + std::to_string(source.mode) + " is not a glTF primitive mode");
  if (source.extensions.count("KHR_draco_mesh_compression"))
    return skip("Draco-compressed (KHR_draco_mesh_compression is not supported)");
  auto position = source.attributes.find("POSITION");
  if (position == source.attributes.end()) return skip("no POSITION attribute");
  AccessorData positions;
  if (std::string why = accessorData(_model, position->second, positions); !why.empty()) return skip("POSITION " + why);
  if (positions.components != 3) return skip("POSITION is not VEC3");
  if (positions.count > std::size_t(std::numeric_limits<std::int32_t>::max())) return skip("too many vertices");
  const std::size_t vertexCount = positions.count;

  osg::ref_ptr<osg::Vec3Array> vertices = dynamic_cast<osg::Vec3Array*>(_arrays[{0, position->second}].get());
  const bool newVertices = !vertices;
  if (newVertices) {
    vertices = new osg::Vec3Array(unsigned(vertexCount));
    for (std::size_t i = 0; i < vertexCount; ++i) {
      const double x = positions.component(i, 0), y = positions.component(i, 1), z = positions.component(i, 2);
      if (!std::isfinite(x) || !std::isfinite(y) || !std::isfinite(z))
        return skip("POSITION " + std::to_string(i) + " is not finite");
      (*vertices)[unsigned(i)].set(float(x), float(y), float(z));
    }
    _arrays[{0, position->second}] = vertices;
  }
  osg::ref_ptr<osg::Geometry> geometry = new osg::Geometry;
  geometry->setVertexArray(vertices.get());

  // Optional attributes: one that does not fit is dropped and reported, the primitive is kept.
  int accessorIndex = -1;
  auto optional = [&](const char* name, int wantComponentsMin, int wantComponentsMax, AccessorData& out) {
    auto found = source.attributes.find(name);
    if (found == source.attributes.end()) return false;
    accessorIndex = found->second;
    std::string why = accessorData(_model, found->second, out);
    if (why.empty() && (out.components < wantComponentsMin || out.components > wantComponentsMax))
      why = "has " + std::to_string(out.components) + " components";
    if (why.empty() && out.count != vertexCount)
      why = "has " + std::to_string(out.count) + " elements for " + std::to_string(vertexCount) + " vertices";
    if (!why.empty()) {
      report(record, std::string(name) + " " + why, "attribute ignored");
      return false;
    }
    return true;
  };

  AccessorData data;
  bool hasNormals = false;
  if (optional("NORMAL", 3, 3, data)) {
    osg::ref_ptr<osg::Vec3Array> normals = dynamic_cast<osg::Vec3Array*>(_arrays[{1, accessorIndex}].get());
    if (!normals) {
      normals = new osg::Vec3Array(unsigned(vertexCount));
      for (std::size_t i = 0; i < vertexCount; ++i)
        (*normals)[unsigned(i)].set(float(data.component(i, 0)), float(data.component(i, 1)),
                                    float(data.component(i, 2)));
      _arrays[{1, accessorIndex}] = normals;
    }
    geometry->setNormalArray(normals.get(), osg::Array::BIND_PER_VERTEX);
    hasNormals = true;
  }
  bool hasTexcoords = false;
  if (optional("TEXCOORD_0", 2, 2, data)) {
    osg::ref_ptr<osg::Vec2Array> texcoords = dynamic_cast<osg::Vec2Array*>(_arrays[{2, accessorIndex}].get());
    if (!texcoords) {
      texcoords = new osg::Vec2Array(unsigned(vertexCount));
      for (std::size_t i = 0; i < vertexCount; ++i)
        (*texcoords)[unsigned(i)].set(float(data.component(i, 0)), float(data.component(i, 1)));
      _arrays[{2, accessorIndex}] = texcoords;
    }
    geometry->setTexCoordArray(0, texcoords.get(), osg::Array::BIND_PER_VERTEX);
    hasTexcoords = true;
  }
  bool hasColors = false;
  if (optional("COLOR_0", 3, 4, data)) {
    osg::Vec4 factor(1, 1, 1, 1);
    if (source.material >= 0 && std::size_t(source.material) < _model.materials.size()) {
      const auto& f = _model.materials[std::size_t(source.material)].pbrMetallicRoughness.baseColorFactor;
      if (f.size() == 4 && finiteAll(f))
        for (int c = 0; c < 4; ++c) factor[c] = float(std::clamp(f[std::size_t(c)], 0.0, 1.0));
    }
    osg::ref_ptr<osg::Vec4Array> colors = new osg::Vec4Array(unsigned(vertexCount));
    for (std::size_t i = 0; i < vertexCount; ++i) {
      osg::Vec4 c(1, 1, 1, 1);
      for (int k = 0; k < data.components; ++k) c[k] = float(data.component(i, k));
      (*colors)[unsigned(i)] = osg::componentMultiply(c, factor);
    }
    geometry->setColorArray(colors.get(), osg::Array::BIND_PER_VERTEX);
    hasColors = true;
  }
  // 3D Tiles 1.0 batch ids, or 3D Tiles 1.1 feature ids (EXT_mesh_features' first attribute set).
  const char* batchName = source.attributes.count("_BATCHID")        ? "_BATCHID"
                          : source.attributes.count("_FEATURE_ID_0") ? "_FEATURE_ID_0"
                                                                     : "BATCH_ID";
  if (optional(batchName, 1, 1, data)) {
    osg::ref_ptr<osg::FloatArray> batchIds = dynamic_cast<osg::FloatArray*>(_arrays[{3, accessorIndex}].get());
    if (!batchIds) {
      batchIds = new osg::FloatArray(unsigned(vertexCount));
      for (std::size_t i = 0; i < vertexCount; ++i) (*batchIds)[unsigned(i)] = float(data.component(i, 0));
      _arrays[{3, accessorIndex}] = batchIds;
    }
    geometry->setVertexAttribArray(kBatchIdAttribute, batchIds.get(), osg::Array::BIND_PER_VERTEX);
  }

  // A list of triangles (or lines) whose length is not a whole number of them draws the whole ones
  // only; OSG's triangle functors (smoothing, picking, ray casting) would read past the end.
  const std::size_t perPrimitive = source.mode == TINYGLTF_MODE_TRIANGLES ? 3
                                   : source.mode == TINYGLTF_MODE_LINE    ? 2
                                                                          : 1;
  auto wholePrimitives = [&](std::size_t count) {
    const std::size_t whole = count - count % perPrimitive;
    if (whole != count)
      report(record,
             std::to_string(count) + (source.indices >= 0 ? " indices" : " vertices") + " are not a whole number of " +
                 (perPrimitive == 3 ? "triangles" : "lines"),
             "the last " + std::to_string(count - whole) + " dropped");
    return whole;
  };
  std::size_t elementCount = vertexCount;
  if (source.indices >= 0) {
    AccessorData indices;
    if (std::string why = accessorData(_model, source.indices, indices); !why.empty()) return skip("indices " + why);
    if (indices.components != 1 || (indices.componentType != TINYGLTF_COMPONENT_TYPE_UNSIGNED_BYTE &&
                                    indices.componentType != TINYGLTF_COMPONENT_TYPE_UNSIGNED_SHORT &&
                                    indices.componentType != TINYGLTF_COMPONENT_TYPE_UNSIGNED_INT))
      return skip("indices are not unsigned integer scalars");
    osg::ref_ptr<osg::DrawElementsUInt> elements = new osg::DrawElementsUInt(GLenum(source.mode));
    const std::size_t used = wholePrimitives(indices.count);
    elements->resize(used);
    for (std::size_t i = 0; i < used; ++i) {
      const double value = indices.component(i, 0);
      if (value >= double(vertexCount))
        return skip("index " + std::to_string(std::uint64_t(value)) + " (element " + std::to_string(i) +
                    ") is past the " + std::to_string(vertexCount) + " vertices");
      (*elements)[i] = unsigned(value);
    }
    geometry->addPrimitiveSet(elements.get());
    elementCount = used;
  } else {
    elementCount = wholePrimitives(vertexCount);
    geometry->addPrimitiveSet(new osg::DrawArrays(GLenum(source.mode), 0, GLsizei(elementCount)));
  }

  const bool triangleMode = source.mode >= TINYGLTF_MODE_TRIANGLES;
  std::size_t primitiveTriangles = 0;
  if (source.mode == TINYGLTF_MODE_TRIANGLES)
    primitiveTriangles = elementCount / 3;
  else if (triangleMode)
    primitiveTriangles = elementCount >= 3 ? elementCount - 2 : 0;
  if (triangleMode && !hasNormals) osgUtil::SmoothingVisitor::smooth(*geometry);

  geometry->setStateSet(stateSet(StateKey{source.material, hasColors, hasTexcoords, triangleMode}));
  ++primitives;
  triangleCount += primitiveTriangles;
  if (newVertices) vertexTotal += vertexCount;
  return geometry;
}

// ---------------------------------------------------------------------------------------------
// Nodes

osg::Node* Builder::mesh(int index) {
  auto found = _meshes.find(index);
  if (found != _meshes.end()) return found->second.get();
  osg::ref_ptr<osg::Geode> geode;
  if (index < 0 || std::size_t(index) >= _model.meshes.size()) {
    report("mesh " + std::to_string(index), "mesh does not exist", "skipped");
  } else {
    const tinygltf::Mesh& source = _model.meshes[std::size_t(index)];
    geode = new osg::Geode;
    geode->setName(source.name);
    for (std::size_t p = 0; p < source.primitives.size(); ++p) {
      osg::ref_ptr<osg::Geometry> geometry = primitive(index, int(p), source.primitives[p]);
      if (geometry) geode->addDrawable(geometry.get());
    }
    if (geode->getNumDrawables() == 0) geode = nullptr;
  }
  _meshes[index] = geode;
  return geode.get();
}

osg::ref_ptr<osg::Node> Builder::node(int index, int depth) {
  const std::string record = "node " + std::to_string(index);
  if (index < 0 || std::size_t(index) >= _model.nodes.size()) {
    report(record, "node does not exist", "skipped");
    return nullptr;
  }
  if (_onPath[std::size_t(index)] || depth > 256) {
    report(record, "node hierarchy has a cycle or is deeper than 256", "skipped");
    return nullptr;
  }
  const tinygltf::Node& source = _model.nodes[std::size_t(index)];
  osg::Matrixd matrix;
  if (source.matrix.size() == 16) {
    if (finiteAll(source.matrix))
      matrix.set(source.matrix.data());  // column-major == OSG's row-vector layout
    else
      report(record, "matrix is not finite", "identity used");
  } else {
    osg::Matrixd scale, rotation, translation;
    if (source.scale.size() == 3 && finiteAll(source.scale))
      scale.makeScale(source.scale[0], source.scale[1], source.scale[2]);
    if (source.rotation.size() == 4 && finiteAll(source.rotation)) {
      osg::Quat q(source.rotation[0], source.rotation[1], source.rotation[2], source.rotation[3]);
      const double length = q.length();
      if (length > 1e-12) rotation.makeRotate(q / length);
    }
    if (source.translation.size() == 3 && finiteAll(source.translation))
      translation.makeTranslate(source.translation[0], source.translation[1], source.translation[2]);
    // glTF's T * R * S on column vectors is S * R * T on OSG's row vectors.
    matrix = scale * rotation * translation;
  }
  osg::ref_ptr<osg::Group> group;
  if (matrix.isIdentity())
    group = new osg::Group;
  else
    group = new osg::MatrixTransform(matrix);
  group->setName(source.name);
  _onPath[std::size_t(index)] = true;
  if (source.mesh >= 0) {
    if (osg::Node* geode = mesh(source.mesh)) group->addChild(geode);
  }
  for (int child : source.children)
    if (osg::ref_ptr<osg::Node> built = node(child, depth + 1)) group->addChild(built.get());
  _onPath[std::size_t(index)] = false;
  if (group->getNumChildren() == 0) return nullptr;
  return group;
}

osg::ref_ptr<osg::Node> Builder::build() {
  _onPath.assign(_model.nodes.size(), false);
  std::vector<int> roots;
  int sceneIndex = _model.defaultScene;
  if (sceneIndex < 0 || std::size_t(sceneIndex) >= _model.scenes.size()) {
    if (sceneIndex >= 0) report("scene " + std::to_string(sceneIndex), "default scene does not exist", "scene 0 used");
    sceneIndex = _model.scenes.empty() ? -1 : 0;
  }
  if (sceneIndex >= 0) {
    roots = _model.scenes[std::size_t(sceneIndex)].nodes;
  } else {
    std::vector<bool> isChild(_model.nodes.size(), false);
    for (const tinygltf::Node& n : _model.nodes)
      for (int child : n.children)
        if (child >= 0 && std::size_t(child) < isChild.size()) isChild[std::size_t(child)] = true;
    for (std::size_t i = 0; i < isChild.size(); ++i)
      if (!isChild[i]) roots.push_back(int(i));
  }
  osg::ref_ptr<osg::Group> root = new osg::Group;
  for (int index : roots)
    if (osg::ref_ptr<osg::Node> built = node(index, 0)) root->addChild(built.get());
  return root;
}

// tinygltf's own file reader opens whatever a URI names and reads it to the end: a FIFO blocks
// for ever, /dev/zero never ends. Buffers and images go through the same checks as model files.
bool readCheckedFile(std::vector<unsigned char>* out, std::string* err, const std::string& path, void*) {
  auto bytes = core::readWholeFile(path, core::kModelFileLimit, "scene::gltfToNode()", path);
  if (!bytes) {
    if (err) *err += bytes.error().message + "\n";
    return false;
  }
  out->assign(bytes->begin(), bytes->end());
  return true;
}

bool checkedFileExists(const std::string& path, void*) {
  std::error_code ec;
  return std::filesystem::is_regular_file(path, ec);
}

std::string unexpandedPath(const std::string& path, void*) { return path; }

bool refuseWrite(std::string* err, const std::string&, const std::vector<unsigned char>&, void*) {
  if (err) *err += "scene::gltfToNode(): writing files is not allowed\n";
  return false;
}

tinygltf::FsCallbacks checkedFileSystem() {
  tinygltf::FsCallbacks fs;
  fs.FileExists = &checkedFileExists;
  fs.ExpandFilePath = &unexpandedPath;
  fs.ReadWholeFile = &readCheckedFile;
  fs.WriteWholeFile = &refuseWrite;
  fs.user_data = nullptr;
  return fs;
}

core::Error failure(const std::string& label, const std::string& what) {
  return core::fail(std::string(kWhere) + ": " + label + ": " + what);
}

}  // namespace

osg::Matrixd gltfYUpToZUp() { return osg::Matrixd::rotate(osg::PI_2, osg::X_AXIS); }

core::Result<osg::ref_ptr<osg::Node>> gltfToNode(const std::uint8_t* data, std::size_t size, const std::string& label,
                                                 const std::filesystem::path& baseDir, core::Diagnostics& diag,
                                                 GltfStats* stats) {
  if (data == nullptr || size == 0) return failure(label, "no data");
  if (size > std::numeric_limits<std::uint32_t>::max()) return failure(label, "larger than 4 GiB");
  std::size_t first = 0;
  while (first < size && (data[first] == ' ' || data[first] == '\t' || data[first] == '\r' || data[first] == '\n'))
    ++first;
  // A UTF-8 byte-order mark before JSON text.
  if (size - first >= 3 && data[first] == 0xEF && data[first + 1] == 0xBB && data[first + 2] == 0xBF) first += 3;
  const bool binary = size >= 4 && std::memcmp(data, "glTF", 4) == 0;
  const bool json = !binary && first < size && data[first] == '{';
  if (!binary && !json)
    return failure(label, "not a glTF (magic '" + printableMagic(data, size) + "', expected 'glTF' or JSON text)");
  if (binary) {
    if (std::string why = glbFramingError(data, size); !why.empty()) return failure(label, why);
  }

  // tinygltf's JSON values (extras, extensions) are parsed recursively: refuse deep nesting first.
  {
    std::string_view text(reinterpret_cast<const char*>(data + first), size - first);
    if (binary) text = std::string_view(reinterpret_cast<const char*>(data + 20), readU32(data + 12));
    if (std::string deep = core::jsonDepthProblem(text); !deep.empty()) return failure(label, deep);
  }

  tinygltf::Model model;
  ImageContext images;
  images.model = &model;
  std::string error, warning;
  bool loaded = false;
  try {
    tinygltf::TinyGLTF loader;
    loader.SetFsCallbacks(checkedFileSystem());
    loader.SetImageLoader(&decodeImage, &images);
    loader.SetStoreOriginalJSONForExtrasAndExtensions(false);
    const std::string base = baseDir.string();
    if (binary) {
      loaded = loader.LoadBinaryFromMemory(&model, &error, &warning, data, unsigned(size), base);
    } else {
      loaded = loader.LoadASCIIFromString(&model, &error, &warning, reinterpret_cast<const char*>(data + first),
                                          unsigned(size - first), base);
    }
  } catch (const std::exception& e) {
    return failure(label, std::string("glTF parser failed: ") + e.what());
  }
  if (!loaded) return failure(label, "glTF does not parse: " + trimmed(error.empty() ? warning : error));
  if (!warning.empty()) diag.add(core::Severity::Info, kWhere, label, "", "", trimmed(warning), "noted");
  for (const std::string& extension : model.extensionsRequired) {
    if (extension != "KHR_materials_unlit" && extension != "KHR_mesh_quantization")
      diag.add(core::Severity::Warning, kWhere, label, "", "",
               "required extension '" + extension + "' is not supported", "content may be missing");
  }

  osg::ref_ptr<osg::Node> root;
  Builder builder(model, images, label, diag);
  try {
    root = builder.build();
  } catch (const std::exception& e) {
    return failure(label, std::string("building the scene failed: ") + e.what());
  }
  if (builder.primitives == 0) {
    if (builder.skipped > 0)
      return failure(label, "no primitive could be built (" + std::to_string(builder.skipped) + " skipped)");
    return failure(label, "the scene has no geometry");
  }
  root->setName(label);
  if (stats) {
    *stats = GltfStats{};
    stats->nodes = model.nodes.size();
    stats->meshes = model.meshes.size();
    stats->materials = model.materials.size();
    stats->primitives = builder.primitives;
    stats->triangles = builder.triangleCount;
    stats->vertices = builder.vertexTotal;
    stats->textures = builder.texturesUsed();
    osg::ComputeBoundsVisitor bounds;
    root->accept(bounds);
    stats->bounds = bounds.getBoundingBox();
  }
  return root;
}

core::Result<osg::ref_ptr<osg::Node>> readGltfFile(const std::filesystem::path& file, core::Diagnostics& diag,
                                                   GltfStats* stats) {
  const std::string label = file.filename().string();
  auto bytes = core::readWholeFile(file, core::kModelFileLimit, "scene::readGltfFile()", file.string());
  if (!bytes) return bytes.error();
  if (bytes->empty()) return core::fail("scene::readGltfFile(): " + file.string() + ": the file is empty");
  return gltfToNode(reinterpret_cast<const std::uint8_t*>(bytes->data()), bytes->size(), label, file.parent_path(),
                    diag, stats);
}

core::Result<GltfStats> describeGltf(const std::filesystem::path& file, core::Diagnostics* diag) {
  core::Diagnostics local;
  GltfStats stats;
  auto node = readGltfFile(file, diag ? *diag : local, &stats);
  if (!node) return node.error();
  return stats;
}

}  // namespace twin::scene
