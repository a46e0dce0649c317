// CityJSON reading into model::CityModel, and its statistics.
//
// Index
//   referenceSystemCode   "urn:ogc:def:crs:EPSG::7415", ".../EPSG/0/7415" -> "EPSG:7415"
//   Vertices              decode (scale/translate), place in the frame, per-vertex status
//   GeometryParser        boundaries by type, semantics; throws ObjectError inside this file
//   parseCityJson         file checks, objects, diagnostics
//   cityModelStats, formatCityModelStats
#include "twin/model/CityModel.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <sstream>

#include "twin/core/UntrustedInput.h"
#include "twin/geo/Transform.h"

namespace twin::model {

using json = nlohmann::json;

namespace {

constexpr const char* kWhere = "model::readCityJson()";
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Thrown while reading one object; the object is skipped and the message reported.
struct ObjectError {
  std::string message;
};

std::string referenceSystemCode(const std::string& text) {
  const auto epsg = text.find("EPSG");
  if (epsg == std::string::npos) return text;
  // The code is the last run of digits: "urn:ogc:def:crs:EPSG::7415", ".../EPSG/0/7415", "EPSG:7415".
  std::size_t end = text.size();
  while (end > epsg && !std::isdigit(static_cast<unsigned char>(text[end - 1]))) --end;
  std::size_t begin = end;
  while (begin > epsg && std::isdigit(static_cast<unsigned char>(text[begin - 1]))) --begin;
  if (begin == end) return text;
  return "EPSG:" + text.substr(begin, end - begin);
}

enum class VertexState : unsigned char { Ok, Malformed, OutsideFrame };

struct Vertices {
  std::vector<core::Vec3> local;  // x, y in the frame; z as in the file
  std::vector<VertexState> state;
};

class GeometryParser {
 public:
  GeometryParser(const Vertices& vertices, int geometryIndex) : _vertices(vertices), _index(geometryIndex) {}

  [[noreturn]] void fail(const std::string& what) const {
    throw ObjectError{"geometry " + std::to_string(_index) + ": " + what};
  }

  const json& array(const json& v, const char* what) const {
    if (!v.is_array()) fail(std::string(what) + ": expected an array");
    return v;
  }

  std::vector<core::Vec3> ring(const json& r) const {
    array(r, "boundaries ring");
    std::vector<core::Vec3> out;
    out.reserve(r.size());
    for (const json& index : r) {
      if (!index.is_number_integer()) fail("boundaries ring: vertex index is not an integer: " + index.dump());
      const auto i = index.get<long long>();
      if (i < 0 || static_cast<unsigned long long>(i) >= _vertices.local.size()) {
        throw ObjectError{"vertex index " + std::to_string(i) + " out of range (file has " +
                          std::to_string(_vertices.local.size()) + " vertices)"};
      }
      const auto at = static_cast<std::size_t>(i);
      if (_vertices.state[at] == VertexState::Malformed)
        throw ObjectError{"vertex " + std::to_string(i) + " is not three finite numbers"};
      if (_vertices.state[at] == VertexState::OutsideFrame)
        throw ObjectError{"vertex " + std::to_string(i) + " lies outside the domain of the frame CRS"};
      out.push_back(_vertices.local[at]);
    }
    if (out.size() < 3) fail("boundaries ring has fewer than 3 vertices");
    return out;
  }

  CitySurface surface(const json& s) const {
    array(s, "boundaries surface");
    if (s.empty()) fail("boundaries surface has no ring");
    CitySurface out;
    out.outer = ring(s[0]);
    for (std::size_t i = 1; i < s.size(); ++i) out.holes.push_back(ring(s[i]));
    return out;
  }

  std::string semantic(const json* values, const json& surfaces) const {
    if (!values || values->is_null()) return {};
    if (!values->is_number_integer()) fail("semantics value is not an integer or null: " + values->dump());
    const auto i = values->get<long long>();
    if (i < 0 || static_cast<unsigned long long>(i) >= surfaces.size())
      fail("semantics value " + std::to_string(i) + " out of range (" + std::to_string(surfaces.size()) + " surfaces)");
    const json& entry = surfaces[static_cast<std::size_t>(i)];
    if (!entry.is_object() || !entry.contains("type") || !entry["type"].is_string())
      fail("semantics surface " + std::to_string(i) + " has no \"type\"");
    return entry["type"].get<std::string>();
  }

  // Element `i` of a semantics values array (or null when the array is shorter or absent).
  const json* child(const json* values, std::size_t i, const char* what) const {
    if (!values || values->is_null()) return nullptr;
    if (!values->is_array()) fail(std::string("semantics values") + what + ": expected an array");
    return i < values->size() ? &(*values)[i] : nullptr;
  }

  void surfaces(const json& list, const json* values, const json& semanticSurfaces, int solid, int shell,
                std::vector<CitySurface>& out) const {
    array(list, "boundaries");
    for (std::size_t i = 0; i < list.size(); ++i) {
      CitySurface s = surface(list[i]);
      s.semantic = semantic(child(values, i, ""), semanticSurfaces);
      s.solid = solid;
      s.shell = shell;
      out.push_back(std::move(s));
    }
  }

  void solid(const json& shells, const json* values, const json& semanticSurfaces, int solidIndex,
             std::vector<CitySurface>& out) const {
    array(shells, "boundaries solid");
    for (std::size_t i = 0; i < shells.size(); ++i)
      surfaces(shells[i], child(values, i, " (shell)"), semanticSurfaces, solidIndex, static_cast<int>(i), out);
  }

 private:
  const Vertices& _vertices;
  int _index;
};

std::string lodText(const json& lod) {
  if (lod.is_string()) return lod.get<std::string>();
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", lod.get<double>());
  return buf;
}

// Returns false (after reporting) for geometry types this reader does not turn into surfaces.
bool readGeometry(const json& g, int index, const Vertices& vertices, CityGeometry& out, core::Diagnostics& diag,
                  const std::string& label, const std::string& record) {
  GeometryParser parser(vertices, index);
  if (!g.is_object()) parser.fail("expected an object");
  if (!g.contains("type") || !g["type"].is_string()) parser.fail("no \"type\"");
  out.type = g["type"].get<std::string>();
  const bool surfaceType = out.type == "MultiSurface" || out.type == "CompositeSurface";
  const bool solidType = out.type == "Solid";
  const bool multiSolid = out.type == "MultiSolid" || out.type == "CompositeSolid";
  if (!surfaceType && !solidType && !multiSolid) {
    diag.add(core::Severity::Info, kWhere, label, "", record,
             "geometry " + std::to_string(index) + ": type '" + out.type + "' not supported", "geometry skipped");
    return false;
  }
  if (!g.contains("lod") || !(g["lod"].is_string() || g["lod"].is_number())) parser.fail("no lod");
  out.lod = lodText(g["lod"]);
  if (!g.contains("boundaries")) parser.fail("no boundaries");
  static const json kNoSurfaces = json::array();
  const json* values = nullptr;
  const json* semanticSurfaces = &kNoSurfaces;
  if (g.contains("semantics")) {
    const json& sem = g["semantics"];
    if (!sem.is_object()) parser.fail("semantics: expected an object");
    if (sem.contains("surfaces")) semanticSurfaces = &parser.array(sem["surfaces"], "semantics surfaces");
    if (sem.contains("values")) values = &sem["values"];
  }
  const json& b = g["boundaries"];
  if (surfaceType) {
    parser.surfaces(b, values, *semanticSurfaces, 0, 0, out.surfaces);
  } else if (solidType) {
    parser.solid(b, values, *semanticSurfaces, 0, out.surfaces);
  } else {
    parser.array(b, "boundaries");
    for (std::size_t i = 0; i < b.size(); ++i)
      parser.solid(b[i], parser.child(values, i, " (solid)"), *semanticSurfaces, static_cast<int>(i), out.surfaces);
  }
  return true;
}

std::vector<std::string> idList(const json& obj, const char* key) {
  std::vector<std::string> out;
  if (!obj.contains(key)) return out;
  const json& list = obj[key];
  if (!list.is_array()) throw ObjectError{std::string("\"") + key + "\" is not an array"};
  for (const json& id : list) {
    if (!id.is_string()) throw ObjectError{std::string("\"") + key + "\" holds a non-string id: " + id.dump()};
    out.push_back(id.get<std::string>());
  }
  return out;
}

bool finiteTriple(const json& v, double out[3]) {
  if (!v.is_array() || v.size() != 3) return false;
  for (int k = 0; k < 3; ++k) {
    if (!v[static_cast<std::size_t>(k)].is_number()) return false;
    out[k] = v[static_cast<std::size_t>(k)].get<double>();
    if (!std::isfinite(out[k])) return false;
  }
  return true;
}

core::Result<CityModel> parseImpl(const std::string& text, const std::string& label, const geo::SiteFrame& frameIn,
                                  const CityJsonOptions& options, core::Diagnostics& diag) {
  const std::string prefix = std::string(kWhere) + ": " + label + ": ";
  // Attributes are kept as their dump(), which recurses once per level: refuse deep nesting first.
  if (std::string why = core::jsonDepthProblem(text); !why.empty()) return core::fail(prefix + why);
  json root;
  try {
    root = json::parse(text);
  } catch (const json::parse_error& e) {
    std::string what = e.what();
    const auto bracket = what.find("] ");
    if (what.rfind("[json.exception", 0) == 0 && bracket != std::string::npos) what = what.substr(bracket + 2);
    return core::fail(prefix + "not valid JSON: " + what);
  }
  if (!root.is_object() || !root.contains("type") || root["type"] != "CityJSON")
    return core::fail(prefix + "not a CityJSON file (\"type\" is not \"CityJSON\")");
  CityModel model;
  model.file = label;
  const json* version = root.contains("version") ? &root["version"] : nullptr;
  const std::string v = version && version->is_string() ? version->get<std::string>() : std::string();
  if (v == "1.0" || v == "1.1" || v == "2.0" || v.rfind("1.0.", 0) == 0 || v.rfind("1.1.", 0) == 0 ||
      v.rfind("2.0.", 0) == 0)
    model.version = v.substr(0, 3);
  else
    return core::fail(prefix + "unsupported CityJSON version " +
                      (version ? version->dump() : std::string("(missing)")) +
                      " (expected \"1.0\", \"1.1\" or \"2.0\")");
  if (!root.contains("CityObjects") || !root["CityObjects"].is_object())
    return core::fail(prefix + "no \"CityObjects\" object");

  double scale[3] = {1, 1, 1}, translate[3] = {0, 0, 0};
  if (root.contains("transform")) {
    const json& t = root["transform"];
    if (!t.is_object() || !t.contains("scale") || !t.contains("translate") || !finiteTriple(t["scale"], scale) ||
        !finiteTriple(t["translate"], translate) || scale[0] == 0 || scale[1] == 0 || scale[2] == 0)
      return core::fail(prefix +
                        "malformed \"transform\" (expected \"scale\" and \"translate\", three finite numbers "
                        "each, scales not 0)");
  }

  if (root.contains("metadata") && root["metadata"].is_object() && root["metadata"].contains("referenceSystem") &&
      root["metadata"]["referenceSystem"].is_string())
    model.referenceSystem = root["metadata"]["referenceSystem"].get<std::string>();
  std::string crsText;
  if (!model.referenceSystem.empty())
    crsText = referenceSystemCode(model.referenceSystem);
  else if (options.crs)
    crsText = *options.crs;
  else
    return core::fail(prefix + "the file declares no CRS (metadata.referenceSystem) and none was given");
  auto horizontal = geo::horizontalCrs(crsText);
  if (!horizontal) return core::fail(prefix + horizontal.error().message);
  model.crs = horizontal.value();

  // Vertices: decode, then place all of them in the frame in one PROJ call.
  Vertices vertices;
  if (!root.contains("vertices") || !root["vertices"].is_array()) {
    diag.add(core::Severity::Warning, kWhere, label, "", "", "no \"vertices\" array", "objects with geometry skipped");
  } else {
    const json& list = root["vertices"];
    vertices.local.reserve(list.size());
    vertices.state.reserve(list.size());
    for (const json& item : list) {
      double raw[3];
      if (finiteTriple(item, raw)) {
        vertices.local.push_back(
            {raw[0] * scale[0] + translate[0], raw[1] * scale[1] + translate[1], raw[2] * scale[2] + translate[2]});
        vertices.state.push_back(VertexState::Ok);
      } else {
        vertices.local.push_back({kNaN, kNaN, kNaN});
        vertices.state.push_back(VertexState::Malformed);
      }
    }
  }
  model.vertexCount = vertices.local.size();

  model.frame = frameIn;
  if (!model.frame.valid()) {
    core::Box2 box;
    for (std::size_t i = 0; i < vertices.local.size(); ++i)
      if (vertices.state[i] == VertexState::Ok) box.add(core::Vec2{vertices.local[i].x, vertices.local[i].y});
    if (box.empty()) return core::fail(prefix + "no usable vertices to centre a frame on");
    auto toWgs84 = geo::Transform::create(model.crs, "EPSG:4326");
    if (!toWgs84) return core::fail(prefix + toWgs84.error().message);
    core::Vec3 centre{box.centre().x, box.centre().y, 0};
    if (!toWgs84->forward(centre)) return core::fail(prefix + "the model's centre cannot be transformed to WGS84");
    auto frame = geo::SiteFrame::create(core::LonLat{centre.x, centre.y});
    if (!frame) return core::fail(prefix + frame.error().message);
    model.frame = frame.value();
  }
  auto toFrame = model.frame.transformFrom(model.crs);
  if (!toFrame) return core::fail(prefix + toFrame.error().message);
  std::vector<core::Vec3> planar;
  planar.reserve(vertices.local.size());
  for (const core::Vec3& p : vertices.local) planar.push_back({p.x, p.y, 0});
  toFrame->forwardMany(planar.data(), planar.size());
  std::size_t placed = 0, usable = 0;
  for (std::size_t i = 0; i < planar.size(); ++i) {
    if (vertices.state[i] != VertexState::Ok) continue;
    ++usable;
    if (!std::isfinite(planar[i].x) || !std::isfinite(planar[i].y)) {
      vertices.state[i] = VertexState::OutsideFrame;
      continue;
    }
    const core::Vec2 local = model.frame.projectedToLocal(planar[i]);
    vertices.local[i].x = local.x;
    vertices.local[i].y = local.y;
    ++placed;
  }
  if (usable > 0 && placed == 0)
    return core::fail(prefix + "no vertex can be transformed from " + model.crs + " into the frame");

  const json& objects = root["CityObjects"];
  model.objects.reserve(objects.size());
  for (auto it = objects.begin(); it != objects.end(); ++it) {
    const std::string record = "object " + it.key();
    try {
      const json& o = it.value();
      if (!o.is_object() || !o.contains("type") || !o["type"].is_string())
        throw ObjectError{"not an object with a \"type\""};
      CityObject object;
      object.id = it.key();
      object.type = o["type"].get<std::string>();
      if (o.contains("attributes")) {
        if (!o["attributes"].is_object()) throw ObjectError{"\"attributes\" is not an object"};
        object.attributesJson = o["attributes"].dump();
      }
      object.parents = idList(o, "parents");
      object.children = idList(o, "children");
      if (o.contains("geometry")) {
        const json& geometries = o["geometry"];
        if (!geometries.is_array()) throw ObjectError{"\"geometry\" is not an array"};
        for (std::size_t g = 0; g < geometries.size(); ++g) {
          CityGeometry geometry;
          if (readGeometry(geometries[g], static_cast<int>(g), vertices, geometry, diag, label, record))
            object.geometries.push_back(std::move(geometry));
        }
      }
      model.objects.push_back(std::move(object));
    } catch (const ObjectError& e) {
      ++model.objectsSkipped;
      diag.add(core::Severity::Warning, kWhere, label, "", record, e.message, "skipped");
    }
  }
  return model;
}

}  // namespace

core::Result<CityModel> parseCityJson(const std::string& text, const std::string& label, const geo::SiteFrame& frame,
                                      const CityJsonOptions& options, core::Diagnostics& diag) {
  try {
    return parseImpl(text, label, frame, options, diag);
  } catch (const std::exception& e) {
    return core::fail(std::string(kWhere) + ": " + label + ": " + e.what());
  }
}

core::Result<CityModel> readCityJson(const std::filesystem::path& file, const geo::SiteFrame& frame,
                                     const CityJsonOptions& options, core::Diagnostics& diag) {
  const std::string label = file.filename().string();
  auto text = core::readWholeFile(file, core::kCityJsonLimit, kWhere, label);
  if (!text) return text.error();
  auto model = parseCityJson(text.value(), label, frame, options, diag);
  if (model) model->file = file;
  return model;
}

CityModelStats cityModelStats(const CityModel& model) {
  CityModelStats s;
  s.objects = model.objects.size();
  s.vertices = model.vertexCount;
  s.objectsSkipped = model.objectsSkipped;
  double minZ = std::numeric_limits<double>::infinity(), maxZ = -minZ;
  auto addPoints = [&](const std::vector<core::Vec3>& ring) {
    for (const core::Vec3& p : ring) {
      s.extentLocal.add(core::Vec2{p.x, p.y});
      minZ = std::min(minZ, p.z);
      maxZ = std::max(maxZ, p.z);
    }
  };
  for (const CityObject& o : model.objects) {
    ++s.objectsByType[o.type];
    for (const CityGeometry& g : o.geometries) {
      ++s.geometries;
      ++s.geometriesByLod[g.lod];
      for (const CitySurface& surface : g.surfaces) {
        ++s.surfaces;
        ++s.surfacesBySemantics[surface.semantic];
        s.holes += surface.holes.size();
        addPoints(surface.outer);
        for (const auto& hole : surface.holes) addPoints(hole);
      }
    }
  }
  if (!s.extentLocal.empty()) {
    s.minZ = minZ;
    s.maxZ = maxZ;
    const core::Box2& b = s.extentLocal;
    for (const core::Vec2& corner : {core::Vec2{b.minX, b.minY}, core::Vec2{b.maxX, b.minY}, core::Vec2{b.minX, b.maxY},
                                     core::Vec2{b.maxX, b.maxY}}) {
      const core::LonLat ll = model.frame.toLonLat(corner);
      if (std::isfinite(ll.lon) && std::isfinite(ll.lat)) s.extentLonLat.add(core::Vec2{ll.lon, ll.lat});
    }
  }
  return s;
}

std::string formatCityModelStats(const CityModelStats& s) {
  std::ostringstream out;
  out << "objects: " << s.objects;
  if (s.objectsSkipped) out << " (" << s.objectsSkipped << " skipped)";
  out << "\n";
  for (const auto& [type, n] : s.objectsByType) out << "  " << type << ": " << n << "\n";
  out << "geometries: " << s.geometries << "\n";
  for (const auto& [lod, n] : s.geometriesByLod) out << "  LoD " << lod << ": " << n << "\n";
  out << "surfaces: " << s.surfaces << " (" << s.holes << " holes)\n";
  for (const auto& [semantic, n] : s.surfacesBySemantics)
    out << "  " << (semantic.empty() ? std::string("(no semantics)") : semantic) << ": " << n << "\n";
  out << "vertices: " << s.vertices << "\n";
  if (!s.extentLonLat.empty()) {
    char buf[200];
    std::snprintf(buf, sizeof buf, "extent (WGS84): lon %.6f..%.6f, lat %.6f..%.6f; z %.2f..%.2f m\n",
                  s.extentLonLat.minX, s.extentLonLat.maxX, s.extentLonLat.minY, s.extentLonLat.maxY, s.minZ, s.maxZ);
    out << buf;
  }
  return out.str();
}

}  // namespace twin::model
