// tileset.json reading: the tile tree as plain data, external tilesets spliced in on demand.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "TilesetInternal.h"
#include "twin/core/UntrustedInput.h"
#include "twin/scene/Tileset.h"

namespace twin::scene {

namespace fs = std::filesystem;
using json = nlohmann::json;

const char* tileContentTypeName(TileContentType type) {
  switch (type) {
    case TileContentType::None: return "none";
    case TileContentType::B3dm: return "b3dm";
    case TileContentType::Pnts: return "pnts";
    case TileContentType::I3dm: return "i3dm";
    case TileContentType::Cmpt: return "cmpt";
    case TileContentType::Glb: return "glb";
    case TileContentType::ExternalTileset: return "external tileset";
    case TileContentType::Unknown: return "unknown";
  }
  return "unknown";
}

namespace detail {
namespace {

// Thrown only inside this file, caught in parseTilesetFile(): it keeps the field checks short.
struct FieldError {
  std::string path;
  std::string what;
};

[[noreturn]] void fieldError(const std::string& path, const std::string& what) { throw FieldError{path, what}; }

double finiteNumber(const json& value, const std::string& path) {
  if (!value.is_number()) fieldError(path, "expected a number");
  double v = value.get<double>();
  if (!std::isfinite(v)) fieldError(path, "expected a finite number");
  return v;
}

template <std::size_t N>
std::array<double, N> numbers(const json& value, const std::string& path, std::size_t count, const char* what) {
  if (!value.is_array() || value.size() != count) fieldError(path, std::string("expected ") + what);
  std::array<double, N> out{};
  for (std::size_t i = 0; i < count; ++i) {
    if (!value[i].is_number() || !std::isfinite(value[i].get<double>()))
      fieldError(path, std::string("expected ") + what);
    out[i] = value[i].get<double>();
  }
  return out;
}

TileVolume volume(const json& value, const std::string& path) {
  if (!value.is_object()) fieldError(path, "expected an object");
  TileVolume v;
  if (value.contains("region")) {
    v.kind = TileVolume::Kind::Region;
    v.values = numbers<12>(value["region"], path + ".region", 6, "6 numbers");
    if (v.values[1] > v.values[3]) fieldError(path + ".region", "south is north of north");
    if (v.values[4] > v.values[5]) fieldError(path + ".region", "minimum height above maximum height");
  } else if (value.contains("box")) {
    v.kind = TileVolume::Kind::Box;
    v.values = numbers<12>(value["box"], path + ".box", 12, "12 numbers");
  } else if (value.contains("sphere")) {
    v.kind = TileVolume::Kind::Sphere;
    v.values = numbers<12>(value["sphere"], path + ".sphere", 4, "4 numbers");
    if (v.values[3] < 0) fieldError(path + ".sphere", "negative radius");
  } else {
    fieldError(path, "expected one of region, box, sphere");
  }
  return v;
}

std::string percentDecoded(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16)));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

TileContentType contentTypeOf(const fs::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (ext == ".b3dm") return TileContentType::B3dm;
  if (ext == ".pnts") return TileContentType::Pnts;
  if (ext == ".i3dm") return TileContentType::I3dm;
  if (ext == ".cmpt") return TileContentType::Cmpt;
  if (ext == ".glb") return TileContentType::Glb;
  if (ext == ".json") return TileContentType::ExternalTileset;
  return TileContentType::Unknown;
}

std::optional<Refine> refineOf(const json& tile, const std::string& path) {
  if (!tile.contains("refine")) return std::nullopt;
  const json& r = tile["refine"];
  if (!r.is_string()) fieldError(path + ".refine", "expected \"ADD\" or \"REPLACE\"");
  std::string s = r.get<std::string>();
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  // Lower case is not in the 1.0 schema but early tilesets wrote it.
  if (s == "ADD") return Refine::Add;
  if (s == "REPLACE") return Refine::Replace;
  fieldError(path + ".refine", "expected \"ADD\" or \"REPLACE\"");
}

struct Pending {
  const json* tile;
  std::string path;
  int parent;
};

Tileset parseTree(const json& document, const fs::path& file, const std::string& where, const std::string& label,
                  const osg::Matrixd& parentTransform, std::optional<Refine> parentRefine, core::Diagnostics& diag) {
  if (!document.is_object()) fieldError("(document)", "expected a JSON object");
  Tileset tileset;
  tileset.path = file;
  if (!document.contains("asset") || !document["asset"].is_object()) fieldError("asset", "expected an object");
  const json& asset = document["asset"];
  if (!asset.contains("version") || !asset["version"].is_string()) fieldError("asset.version", "expected a string");
  tileset.version = asset["version"].get<std::string>();
  if (tileset.version != "1.1" && tileset.version != "1.0" && tileset.version != "0.0")
    fieldError("asset.version", "version '" + tileset.version + "' is not supported (1.1, 1.0, 0.0)");
  if (!document.contains("geometricError")) fieldError("geometricError", "expected a number");
  tileset.geometricError = finiteNumber(document["geometricError"], "geometricError");
  if (!document.contains("root") || !document["root"].is_object()) fieldError("root", "expected an object");

  const fs::path baseDir = file.parent_path();
  std::vector<Pending> stack{{&document["root"], "root", -1}};
  while (!stack.empty()) {
    Pending item = std::move(stack.back());
    stack.pop_back();
    const json& t = *item.tile;
    const std::string& path = item.path;
    if (!t.is_object()) fieldError(path, "expected an object");

    Tile tile;
    tile.parent = item.parent;
    tile.depth = item.parent < 0 ? 0 : tileset.tiles[item.parent].depth + 1;
    if (tile.depth > kMaxTileDepth) fieldError(path, "deeper than " + std::to_string(kMaxTileDepth) + " levels");
    if (!t.contains("boundingVolume")) fieldError(path + ".boundingVolume", "missing");
    tile.boundingVolume = volume(t["boundingVolume"], path + ".boundingVolume");
    if (t.contains("viewerRequestVolume"))
      tile.viewerRequestVolume = volume(t["viewerRequestVolume"], path + ".viewerRequestVolume");
    if (!t.contains("geometricError")) fieldError(path + ".geometricError", "missing");
    tile.geometricError = finiteNumber(t["geometricError"], path + ".geometricError");
    if (tile.geometricError < 0) fieldError(path + ".geometricError", "negative");

    std::optional<Refine> refine = refineOf(t, path);
    if (refine) {
      tile.refine = *refine;
    } else if (item.parent >= 0) {
      tile.refine = tileset.tiles[item.parent].refine;
    } else if (parentRefine) {
      tile.refine = *parentRefine;
    } else {
      tile.refine = Refine::Replace;
      diag.add(core::Severity::Warning, where, label, "", "root", "root.refine is required and missing",
               "REPLACE assumed");
    }

    const osg::Matrixd& above = item.parent < 0 ? parentTransform : tileset.tiles[item.parent].transform;
    if (t.contains("transform")) {
      std::array<double, 16> m = numbers<16>(t["transform"], path + ".transform", 16, "16 numbers");
      tile.transform = osg::Matrixd(m.data()) * above;
    } else {
      tile.transform = above;
    }

    if (t.contains("content")) {
      const json& c = t["content"];
      if (!c.is_object()) fieldError(path + ".content", "expected an object");
      const char* key = c.contains("uri") ? "uri" : c.contains("url") ? "url" : nullptr;
      if (!key || !c[key].is_string()) fieldError(path + ".content.uri", "expected a string");
      std::string uri = c[key].get<std::string>();
      uri = uri.substr(0, uri.find_first_of("?#"));
      uri = percentDecoded(uri);
      tile.contentUri = uri;
      if (uri.empty()) fieldError(path + ".content.uri", "empty");
      if (uri.find("://") != std::string::npos || uri.rfind("data:", 0) == 0) {
        diag.add(core::Severity::Warning, where, label, "", path, "content URI '" + uri + "' is not a local file",
                 "content skipped");
      } else {
        fs::path p = fs::u8path(uri);
        tile.contentPath = (p.is_absolute() ? p : baseDir / p).lexically_normal();
        tile.contentType = contentTypeOf(tile.contentPath);
      }
    }

    const int index = static_cast<int>(tileset.tiles.size());
    if (item.parent >= 0) tileset.tiles[item.parent].children.push_back(index);
    tileset.tiles.push_back(std::move(tile));

    if (t.contains("children")) {
      const json& children = t["children"];
      if (!children.is_array()) fieldError(path + ".children", "expected an array");
      // Reversed, so that children are numbered (and listed) in file order.
      for (std::size_t i = children.size(); i-- > 0;)
        stack.push_back({&children[i], path + ".children[" + std::to_string(i) + "]", index});
    }
  }
  tileset.files.push_back(canonicalPath(file));
  return tileset;
}

}  // namespace

fs::path canonicalPath(const fs::path& path) {
  std::error_code ec;
  fs::path c = fs::weakly_canonical(path, ec);
  return ec ? path.lexically_normal() : c;
}

std::string tileRecord(const Tileset& tileset, int tileIndex) {
  std::string record = "tile " + std::to_string(tileIndex);
  const Tile& tile = tileset.tiles[tileIndex];
  if (!tile.contentUri.empty()) record += " (" + tile.contentUri + ")";
  return record;
}

core::Result<Tileset> parseTilesetFile(const fs::path& path, const std::string& where, const std::string& label,
                                       const osg::Matrixd& parentTransform, std::optional<Refine> parentRefine,
                                       core::Diagnostics& diag) {
  const std::string prefix = where + ": " + label + ": ";
  auto text = core::readWholeFile(path, core::kTilesetJsonLimit, where, label);
  if (!text) return text.error();
  // parseTree() recurses once per level of "children".
  if (std::string deep = core::jsonDepthProblem(text.value()); !deep.empty()) return core::fail(prefix + deep);
  json document = json::parse(text.value(), nullptr, false);
  if (document.is_discarded()) return core::fail(prefix + "not valid JSON");
  try {
    return parseTree(document, path, where, label, parentTransform, parentRefine, diag);
  } catch (const FieldError& e) {
    return core::fail(prefix + e.path + ": " + e.what);
  } catch (const std::exception& e) {
    return core::fail(prefix + e.what());
  }
}

core::Status checkExternalCycle(const Tileset& tileset, int tileIndex, const std::string& where) {
  const Tile& tile = tileset.tiles[tileIndex];
  const fs::path target = canonicalPath(tile.contentPath);
  for (int i = tileIndex; i >= 0; i = tileset.tiles[i].parent) {
    const int source = tileset.tiles[i].sourceFile;
    if (source >= 0 && source < static_cast<int>(tileset.files.size()) && tileset.files[source] == target)
      return core::fail(where + ": " + tile.contentUri + ": external tileset cycle (the file is an ancestor of tile " +
                        std::to_string(tileIndex) + ")");
  }
  return core::Ok{};
}

core::Status spliceExternal(Tileset& into, int tileIndex, Tileset&& sub, const std::string& where) {
  Tile& host = into.tiles[tileIndex];
  int deepest = 0;
  for (const Tile& t : sub.tiles) deepest = std::max(deepest, t.depth);
  if (host.depth + 1 + deepest > kMaxTileDepth)
    return core::fail(where + ": " + host.contentUri + ": tiles deeper than " + std::to_string(kMaxTileDepth) +
                      " levels");
  const int offset = static_cast<int>(into.tiles.size());
  const int file = static_cast<int>(into.files.size());
  const int hostDepth = host.depth;
  into.files.push_back(sub.files.empty() ? canonicalPath(sub.path) : sub.files.front());
  into.tiles[tileIndex].children.push_back(offset);
  into.tiles[tileIndex].externalRoot = offset;
  into.tiles.reserve(into.tiles.size() + sub.tiles.size());
  for (Tile& t : sub.tiles) {
    t.parent = t.parent < 0 ? tileIndex : t.parent + offset;
    for (int& c : t.children) c += offset;
    t.depth += hostDepth + 1;
    t.sourceFile = file;
    into.tiles.push_back(std::move(t));
  }
  if (into.placed) placeTiles(into, static_cast<std::size_t>(offset));
  return core::Ok{};
}

}  // namespace detail

core::Result<Tileset> readTileset(const fs::path& path, core::Diagnostics& diag) {
  return detail::parseTilesetFile(path, "scene::readTileset()", path.filename().string(), osg::Matrixd(), std::nullopt,
                                  diag);
}

core::Status expandExternalTileset(Tileset& tileset, int tileIndex, core::Diagnostics& diag) {
  const std::string where = "scene::expandExternalTileset()";
  if (tileIndex < 0 || tileIndex >= static_cast<int>(tileset.tiles.size()))
    return core::fail(where + ": no tile " + std::to_string(tileIndex));
  const Tile& tile = tileset.tiles[tileIndex];
  if (tile.contentType != TileContentType::ExternalTileset)
    return core::fail(where + ": tile " + std::to_string(tileIndex) + " has no external tileset");
  if (tile.externalRoot >= 0) return core::Ok{};
  if (auto cycle = detail::checkExternalCycle(tileset, tileIndex, where); !cycle) return cycle.error();
  auto sub = detail::parseTilesetFile(tile.contentPath, where, tile.contentUri, tile.transform, tile.refine, diag);
  if (!sub) return sub.error();
  return detail::spliceExternal(tileset, tileIndex, std::move(sub.value()), where);
}

std::size_t expandAllExternalTilesets(Tileset& tileset, core::Diagnostics& diag) {
  std::size_t expanded = 0;
  // New tiles are appended, so one forward pass also reaches nested external tilesets.
  for (std::size_t i = 0; i < tileset.tiles.size(); ++i) {
    const Tile& tile = tileset.tiles[i];
    if (tile.contentType != TileContentType::ExternalTileset || tile.externalRoot >= 0) continue;
    auto status = expandExternalTileset(tileset, static_cast<int>(i), diag);
    if (status) {
      ++expanded;
    } else {
      diag.add(core::Severity::Error, "scene::expandAllExternalTilesets()", tileset.path.filename().string(), "",
               detail::tileRecord(tileset, static_cast<int>(i)), status.error().message, "skipped");
    }
  }
  return expanded;
}

}  // namespace twin::scene
