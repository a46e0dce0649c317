#include "twin/model/ModelSource.h"

#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "twin/model/DataAccess.h"

namespace twin::model {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* kWhere = "model::parseModelSources()";

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool endsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The first 64 KiB are enough to see the top-level keys of a tileset or a CityJSON file without
// reading a model of hundreds of megabytes.
std::string head(const fs::path& file) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) return {};  // a FIFO or device could block or never end
  std::ifstream in(file, std::ios::binary);
  std::string text(64 * 1024, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  return text;
}

bool mentionsKey(const std::string& text, const std::string& key) {
  return text.find("\"" + key + "\"") != std::string::npos;
}

class Fields {
 public:
  Fields(const fs::path& sceneFile, std::size_t index)
      : _file(sceneFile.filename().string()), _prefix("models[" + std::to_string(index) + "].") {}

  core::Error error(const std::string& key, const std::string& what) const {
    return core::Error{std::string(kWhere) + ": " + _file + ": key '" + _prefix + key + "': " + what};
  }

  bool str(const json& obj, const char* key, std::string& out, std::optional<core::Error>& err) const {
    auto it = obj.find(key);
    if (it == obj.end()) return false;
    if (!it->is_string()) {
      err = error(key, "expected a string");
      return false;
    }
    out = it->get<std::string>();
    return true;
  }

  bool number(const json& obj, const char* key, double& out, double lo, double hi,
              std::optional<core::Error>& err) const {
    auto it = obj.find(key);
    if (it == obj.end()) return false;
    if (!it->is_number() || !std::isfinite(it->get<double>())) {
      err = error(key, "expected a number");
      return false;
    }
    const double v = it->get<double>();
    if (v < lo || v > hi) {
      std::ostringstream range;
      range << "expected a number from " << lo << " to " << hi << ", got " << it->dump();
      err = error(key, range.str());
      return false;
    }
    out = v;
    return true;
  }

 private:
  std::string _file, _prefix;
};

}  // namespace

const char* modelFormatName(ModelFormat format) {
  switch (format) {
    case ModelFormat::Osgb: return "osgb";
    case ModelFormat::Gltf: return "gltf";
    case ModelFormat::Tiles3d: return "3dtiles";
    case ModelFormat::CityJson: return "cityjson";
  }
  return "?";
}

core::Result<ModelFormat> detectModelFormat(const fs::path& path) {
  const std::string where = "model::detectModelFormat(): " + path.string() + ": ";
  std::error_code ec;
  if (!fs::exists(path, ec)) return core::fail(where + "no such file or folder");
  if (fs::is_directory(path, ec)) {
    if (fs::exists(path / "metadata.xml", ec) || fs::is_directory(path / "Data", ec)) return ModelFormat::Osgb;
    if (fs::exists(path / "tileset.json", ec)) return ModelFormat::Tiles3d;
    return core::fail(where +
                      "a folder without metadata.xml, Data/ or tileset.json (not an oblique production or tileset)");
  }
  const std::string name = lower(path.filename().string());
  if (name == "metadata.xml") return ModelFormat::Osgb;
  if (endsWith(name, ".gltf") || endsWith(name, ".glb")) return ModelFormat::Gltf;
  if (endsWith(name, ".json") || endsWith(name, ".jsonl")) {
    const std::string text = head(path);
    if (mentionsKey(text, "CityObjects") || text.find("\"CityJSON\"") != std::string::npos)
      return ModelFormat::CityJson;
    if (mentionsKey(text, "asset") && mentionsKey(text, "root")) return ModelFormat::Tiles3d;
    return core::fail(where +
                      "a JSON file that is neither a 3D Tiles tileset (\"asset\" and \"root\") nor CityJSON "
                      "(\"type\": \"CityJSON\")");
  }
  return core::fail(where +
                    "unknown model format; supported: an oblique-photography production folder or its "
                    "metadata.xml, .gltf/.glb, a 3D Tiles tileset.json, a CityJSON .json");
}

core::Result<std::vector<ModelSource>> parseModelSources(const SceneConfig& config) {
  std::vector<ModelSource> out;
  auto section = config.sections.find("models");
  if (section == config.sections.end()) return out;
  const std::string file = config.file.filename().string();
  json root;
  try {
    root = json::parse(section->second);
  } catch (const json::exception& e) {
    return core::fail(std::string(kWhere) + ": " + file + ": key 'models': not valid JSON: " + e.what());
  }
  if (!root.is_array()) return core::fail(std::string(kWhere) + ": " + file + ": key 'models': expected an array");
  static const std::set<std::string> kKeys = {"id",           "source",      "format", "lon", "lat",
                                              "height",       "heading",     "scale",  "crs", "maximumScreenSpaceError",
                                              "heightOffset", "attribution", "visible"};
  std::set<std::string> ids;
  const fs::path dir = config.file.parent_path();
  const DataAccess access = dataAccess();
  for (std::size_t i = 0; i < root.size(); ++i) {
    const json& entry = root[i];
    const Fields f(config.file, i);
    if (!entry.is_object())
      return core::fail(std::string(kWhere) + ": " + file + ": key 'models[" + std::to_string(i) +
                        "]': expected an object");
    for (const auto& item : entry.items())
      if (item.key().rfind('_', 0) != 0 && !kKeys.count(item.key())) return f.error(item.key(), "unknown key");
    std::optional<core::Error> err;
    ModelSource m;
    if (!f.str(entry, "id", m.id, err)) return err ? *err : f.error("id", "missing");
    if (m.id.empty()) return f.error("id", "must not be empty");
    if (!ids.insert(m.id).second) return f.error("id", "duplicate model id '" + m.id + "'");
    std::string source;
    if (!f.str(entry, "source", source, err)) return err ? *err : f.error("source", "missing");
    if (source.empty()) return f.error("source", "must not be empty");
    const fs::path sourcePath = source;
    m.source = sourcePath.is_absolute() ? sourcePath : (dir / sourcePath).lexically_normal();
    if (auto problem = sourceProblem(m.source.string(), dir, config.allowNetwork, access))
      return f.error("source", *problem);
    std::error_code ec;
    if (!fs::exists(m.source, ec)) return f.error("source", "no such file or folder: " + m.source.string());
    std::string format;
    if (f.str(entry, "format", format, err)) {
      bool known = false;
      for (ModelFormat k : {ModelFormat::Osgb, ModelFormat::Gltf, ModelFormat::Tiles3d, ModelFormat::CityJson})
        if (format == modelFormatName(k)) {
          m.format = k;
          known = true;
        }
      if (!known)
        return f.error("format", "expected \"osgb\", \"gltf\", \"3dtiles\" or \"cityjson\", got \"" + format + "\"");
    } else if (err) {
      return *err;
    } else {
      auto detected = detectModelFormat(m.source);
      if (!detected) return f.error("source", detected.error().message);
      m.format = *detected;
    }
    ModelPlacement placement;
    const bool hasLon = f.number(entry, "lon", placement.position.lon, -180, 180, err);
    if (err) return *err;
    const bool hasLat = f.number(entry, "lat", placement.position.lat, -90, 90, err);
    if (err) return *err;
    f.number(entry, "height", placement.heightMeters, -10000, 100000, err);
    if (err) return *err;
    f.number(entry, "heading", placement.headingDegrees, -360, 360, err);
    if (err) return *err;
    f.number(entry, "scale", placement.scale, 1e-6, 1e6, err);
    if (err) return *err;
    if (hasLon != hasLat) return f.error(hasLon ? "lat" : "lon", "missing (lon and lat go together)");
    if (hasLon) m.placement = placement;
    if (m.format == ModelFormat::Gltf && !m.placement)
      return f.error("lon", "missing: a glTF model needs lon and lat to be placed");
    std::string crs;
    if (f.str(entry, "crs", crs, err)) m.crs = crs;
    if (err) return *err;
    f.number(entry, "maximumScreenSpaceError", m.maximumScreenSpaceError, 0.01, 1000, err);
    if (err) return *err;
    f.number(entry, "heightOffset", m.heightOffsetMeters, -10000, 10000, err);
    if (err) return *err;
    f.str(entry, "attribution", m.attribution, err);
    if (err) return *err;
    if (auto it = entry.find("visible"); it != entry.end()) {
      if (!it->is_boolean()) return f.error("visible", "expected true or false");
      m.visible = it->get<bool>();
    }
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace twin::model
