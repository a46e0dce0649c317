// Scene files (scenes/*.json): parsing with errors that name the file and the key.
//
// Index
//   defaultTheme, defaultHeightTable   built-in values that fill the gaps
//   Parser                             typed getters; every failure names the JSON path
//   parse* per section                 site, layers, heights, bookmarks, themes, ui
//   loadSceneConfig, parseSceneConfig, defaultSceneForDataFile
#include "twin/model/SceneConfig.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "twin/core/UntrustedInput.h"
#include "twin/geo/VectorReader.h"
#include "twin/model/DataAccess.h"

namespace twin::model {

using json = nlohmann::json;

namespace {

Color hex(unsigned rgb) {
  return Color{((rgb >> 16) & 0xff) / 255.0f, ((rgb >> 8) & 0xff) / 255.0f, (rgb & 0xff) / 255.0f, 1.0f};
}

std::map<std::string, double> defaultHeightTable() {
  return {{"*", 9},
          {"yes", 9},
          {"house", 6},
          {"detached", 6},
          {"residential", 15},
          {"apartments", 18},
          {"dormitory", 15},
          {"terrace", 8},
          {"commercial", 12},
          {"retail", 6},
          {"kiosk", 3},
          {"office", 24},
          {"school", 12},
          {"university", 15},
          {"college", 15},
          {"kindergarten", 6},
          {"hospital", 18},
          {"industrial", 8},
          {"warehouse", 8},
          {"garage", 3},
          {"garages", 3},
          {"carport", 3},
          {"shed", 3},
          {"roof", 4},
          {"hut", 3},
          {"church", 15},
          {"train_station", 10},
          {"transportation", 8},
          {"service", 4},
          {"construction", 9}};
}

}  // namespace

Theme defaultTheme(const std::string& name) {
  Theme t;
  if (name == "light") {
    t.name = "light";
    t.background = hex(0xf4f3ee);
    t.ground = hex(0xe6e3da);
    t.roads = hex(0xffffff);
    t.roadCasing = hex(0xb4b0a6);
    t.labels = hex(0x222222);
    t.poi = hex(0xd84315);
    t.buildingUse = {{"residential", hex(0xd9c8a9)}, {"commercial", hex(0xf0b37e)}, {"office", hex(0xa9c4e0)},
                     {"education", hex(0xb7d7a8)},   {"healthcare", hex(0xe8a0a0)}, {"public", hex(0xc9b3d9)},
                     {"industrial", hex(0xbdbdbd)},  {"transport", hex(0x9fb8c8)},  {"religious", hex(0xe0cf8f)},
                     {"other", hex(0xd0ccc4)}};
    return t;
  }
  // "dark": the command-centre look. Dark navy, buildings lit in cool blues by use, cyan and
  // amber as the accents (POIs, commerce).
  t.name = name.empty() ? "dark" : name;
  t.background = hex(0x0a1428);
  t.ground = hex(0x101c33);
  t.roads = hex(0x2c3e63);
  t.roadCasing = hex(0x070d1a);
  t.labels = hex(0xe3f2ff);
  t.poi = hex(0x00e5ff);
  t.buildingUse = {{"residential", hex(0x3d6fb6)}, {"commercial", hex(0xffb300)}, {"office", hex(0x4fc3f7)},
                   {"education", hex(0x26c6da)},   {"healthcare", hex(0xef5350)}, {"public", hex(0x7e57c2)},
                   {"industrial", hex(0x607d8b)},  {"transport", hex(0x00bfa5)},  {"religious", hex(0xffd54f)},
                   {"other", hex(0x5c7093)}};
  return t;
}

namespace {

// Thrown inside this file only; parseSceneConfig() turns it into an Error.
struct SceneError {
  std::string message;
};

std::string describe(const json& v) {
  if (v.is_null()) return "null";
  std::string text = v.dump();
  if (text.size() > 40) text = text.substr(0, 37) + "...";
  return text;
}

const char* typeName(const json& v) {
  if (v.is_object()) return "an object";
  if (v.is_array()) return "an array";
  if (v.is_string()) return "a string";
  if (v.is_boolean()) return "a boolean";
  if (v.is_number()) return "a number";
  return "null";
}

class Parser {
 public:
  Parser(std::string where, std::string file) : _where(std::move(where)), _file(std::move(file)) {}

  [[noreturn]] void fail(const std::string& path, const std::string& what) const {
    throw SceneError{_where + ": " + _file + ": key '" + path + "': " + what};
  }
  [[noreturn]] void failFile(const std::string& what) const { throw SceneError{_where + ": " + _file + ": " + what}; }

  static std::string join(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }
  static std::string index(const std::string& path, std::size_t i) { return path + "[" + std::to_string(i) + "]"; }

  // Unknown keys are errors (they are usually typos); keys starting with "_" are comments.
  void allowOnly(const json& obj, const std::string& path, std::initializer_list<const char*> keys) const {
    for (auto it = obj.begin(); it != obj.end(); ++it) {
      const std::string& key = it.key();
      if (!key.empty() && key[0] == '_') continue;
      bool known = false;
      for (const char* k : keys) known = known || key == k;
      if (known) continue;
      std::string list;
      for (const char* k : keys) list += (list.empty() ? "" : ", ") + std::string(k);
      fail(join(path, key), "unknown key (expected one of: " + list + ")");
    }
  }

  const json& object(const json& v, const std::string& path) const {
    if (!v.is_object()) fail(path, std::string("expected an object, got ") + typeName(v));
    return v;
  }
  const json& array(const json& v, const std::string& path) const {
    if (!v.is_array()) fail(path, std::string("expected an array, got ") + typeName(v));
    return v;
  }
  double number(const json& v, const std::string& path) const {
    if (!v.is_number()) fail(path, "expected a number, got " + describe(v));
    const double d = v.get<double>();
    if (!std::isfinite(d)) fail(path, "expected a finite number, got " + describe(v));
    return d;
  }
  double number(const json& v, const std::string& path, double lo, double hi, bool loOpen = false) const {
    const double d = number(v, path);
    if (d < lo || d > hi || (loOpen && d == lo)) {
      char buf[160];
      std::snprintf(buf, sizeof buf, "expected a number %s %g and <= %g, got %s", loOpen ? ">" : ">=", lo, hi,
                    describe(v).c_str());
      fail(path, buf);
    }
    return d;
  }
  std::string string(const json& v, const std::string& path) const {
    if (!v.is_string()) fail(path, "expected a string, got " + describe(v));
    return v.get<std::string>();
  }
  std::string nonEmptyString(const json& v, const std::string& path) const {
    std::string s = string(v, path);
    if (s.empty()) fail(path, "expected a non-empty string");
    return s;
  }
  bool boolean(const json& v, const std::string& path) const {
    if (!v.is_boolean()) fail(path, "expected true or false, got " + describe(v));
    return v.get<bool>();
  }
  Color color(const json& v, const std::string& path) const {
    const std::string s = v.is_string() ? v.get<std::string>() : std::string();
    const bool shapeOk = v.is_string() && (s.size() == 7 || s.size() == 9) && s[0] == '#' &&
                         s.find_first_not_of("0123456789abcdefABCDEF", 1) == std::string::npos;
    if (!shapeOk) fail(path, "expected a colour \"#rrggbb\" or \"#rrggbbaa\", got " + describe(v));
    auto byte = [&](std::size_t at) { return std::stoi(s.substr(at, 2), nullptr, 16) / 255.0f; };
    return Color{byte(1), byte(3), byte(5), s.size() == 9 ? byte(7) : 1.0f};
  }
  core::LonLat lonLat(const json& v, const std::string& path) const {
    object(v, path);
    allowOnly(v, path, {"lon", "lat"});
    if (!v.contains("lon")) fail(join(path, "lon"), "missing (required)");
    if (!v.contains("lat")) fail(join(path, "lat"), "missing (required)");
    return {number(v["lon"], join(path, "lon"), -180, 180), number(v["lat"], join(path, "lat"), -90, 90)};
  }

 private:
  std::string _where, _file;
};

// Top-level keys that other modules parse from the same file (parseSensorConfig(),
// parseFacilityConfig(), ...): accepted here and kept as raw JSON text.
const char* const kSections[] = {"mqtt",    "sensors", "alert_rules", "alerts",    "facilities", "walking", "tours",
                                 "terrain", "models",  "analysis",    "scenarios", "sunlight",   "replay"};

void parseSite(const Parser& p, const json& site, SceneConfig& c, bool& haveOrigin) {
  p.object(site, "site");
  p.allowOnly(site, "site", {"origin", "crs", "clip"});
  if (site.contains("origin")) {
    c.origin = p.lonLat(site["origin"], "site.origin");
    haveOrigin = true;
  }
  if (site.contains("crs")) c.frameCrs = p.nonEmptyString(site["crs"], "site.crs");
  if (site.contains("clip")) {
    const json& clip = p.object(site["clip"], "site.clip");
    p.allowOnly(clip, "site.clip", {"minLon", "minLat", "maxLon", "maxLat"});
    core::Box2 box;
    double v[4];
    const char* keys[4] = {"minLon", "minLat", "maxLon", "maxLat"};
    for (int i = 0; i < 4; ++i) {
      const std::string path = std::string("site.clip.") + keys[i];
      if (!clip.contains(keys[i])) p.fail(path, "missing (required)");
      v[i] = i % 2 == 0 ? p.number(clip[keys[i]], path, -180, 180) : p.number(clip[keys[i]], path, -90, 90);
    }
    if (v[0] >= v[2]) p.fail("site.clip.maxLon", "must be greater than minLon");
    if (v[1] >= v[3]) p.fail("site.clip.maxLat", "must be greater than minLat");
    box.add(core::Vec2{v[0], v[1]});
    box.add(core::Vec2{v[2], v[3]});
    c.clipLonLat = box;
  }
}

// "stream": true, false or {"tile_m", "radius_m", "max_tiles"}; buildings read from a source
// that answers an extent filter (not an OSM file, which is read whole).
void parseStream(const Parser& p, const json& v, const std::string& path, LayerConfig& layer) {
  StreamConfig stream;
  if (v.is_boolean()) {
    if (!v.get<bool>()) return;
  } else {
    if (!v.is_object()) p.fail(path, "expected true, false or an object, got " + describe(v));
    p.allowOnly(v, path, {"tile_m", "radius_m", "max_tiles"});
    if (v.contains("tile_m")) stream.tileMeters = p.number(v["tile_m"], path + ".tile_m", 50, 10000);
    if (v.contains("radius_m")) stream.radiusMeters = p.number(v["radius_m"], path + ".radius_m", 50, 50000);
    if (v.contains("max_tiles")) {
      const double n = p.number(v["max_tiles"], path + ".max_tiles", 1, 4096);
      if (n != std::floor(n)) p.fail(path + ".max_tiles", "expected a whole number, got " + describe(v["max_tiles"]));
      stream.maxTiles = static_cast<std::size_t>(n);
    }
  }
  if (layer.role != "buildings")
    p.fail(path, "streams buildings only: give the layer \"role\": \"buildings\" (its role is \"" + layer.role + "\")");
  std::string lower = layer.source;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char ch) { return char(std::tolower(ch)); });
  for (const char* suffix : {".osm", ".pbf", ".osm.bz2"})
    if (lower.size() >= std::strlen(suffix) &&
        lower.compare(lower.size() - std::strlen(suffix), std::string::npos, suffix) == 0)
      p.fail(path, "an OSM file is read whole (it has no spatial index); stream a GeoPackage or a PostGIS table (PG:)");
  layer.stream = stream;
}

void parseLayers(const Parser& p, const json& layers, SceneConfig& c) {
  p.array(layers, "layers");
  if (layers.empty()) p.fail("layers", "expected at least one layer");
  std::set<std::string> ids;
  const std::filesystem::path folder = c.file.parent_path();
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const std::string path = Parser::index("layers", i);
    const json& l = p.object(layers[i], path);
    p.allowOnly(l, path,
                {"id", "source", "layers", "crs", "datum", "role", "fields", "attribution", "visible", "stream"});
    LayerConfig layer;
    if (!l.contains("source")) p.fail(path + ".source", "missing (required)");
    const std::string source = p.nonEmptyString(l["source"], path + ".source");
    if (geo::isConnectionString(source) || source.rfind("/vsi", 0) == 0 || std::filesystem::path(source).is_absolute())
      layer.source = source;
    else
      layer.source = (folder / source).lexically_normal().string();
    if (auto problem = sourceProblem(layer.source, folder, c.allowNetwork, dataAccess()))
      p.fail(path + ".source", *problem);
    layer.id =
        l.contains("id") ? p.nonEmptyString(l["id"], path + ".id") : std::filesystem::path(source).stem().string();
    if (!ids.insert(layer.id).second) p.fail(path + ".id", "duplicate layer id '" + layer.id + "'");
    if (l.contains("layers")) {
      const json& names = p.array(l["layers"], path + ".layers");
      for (std::size_t j = 0; j < names.size(); ++j)
        layer.ogrLayers.push_back(p.nonEmptyString(names[j], Parser::index(path + ".layers", j)));
    }
    if (l.contains("crs")) layer.crs = p.nonEmptyString(l["crs"], path + ".crs");
    if (l.contains("datum")) {
      auto datum = geo::lonLatDatumFromName(p.string(l["datum"], path + ".datum"));
      if (!datum) p.fail(path + ".datum", "expected \"wgs84\", \"gcj02\" or \"bd09\", got " + describe(l["datum"]));
      layer.datum = datum.value();
    }
    if (l.contains("role")) {
      layer.role = p.string(l["role"], path + ".role");
      if (layer.role != "auto" && layer.role != "buildings" && layer.role != "roads" && layer.role != "pois")
        p.fail(path + ".role", "expected \"auto\", \"buildings\", \"roads\" or \"pois\", got " + describe(l["role"]));
    }
    if (l.contains("fields")) {
      const json& fields = p.object(l["fields"], path + ".fields");
      p.allowOnly(fields, path + ".fields", {"height", "levels", "name", "use", "min_height"});
      for (auto it = fields.begin(); it != fields.end(); ++it) {
        if (!it.key().empty() && it.key()[0] == '_') continue;
        layer.fields[it.key()] = p.nonEmptyString(it.value(), path + ".fields." + it.key());
      }
    }
    if (l.contains("attribution")) layer.attribution = p.string(l["attribution"], path + ".attribution");
    if (l.contains("visible")) layer.visible = p.boolean(l["visible"], path + ".visible");
    if (l.contains("stream")) parseStream(p, l["stream"], path + ".stream", layer);
    c.layers.push_back(std::move(layer));
  }
}

std::string resolveSource(const std::string& source, const std::filesystem::path& folder) {
  if (geo::isConnectionString(source) || source.rfind("/vsi", 0) == 0 || std::filesystem::path(source).is_absolute())
    return source;
  return (folder / source).lexically_normal().string();
}

void parseTerrain(const Parser& p, const json& t, SceneConfig& c) {
  p.object(t, "terrain");
  p.allowOnly(t, "terrain", {"source", "resolutionMeters", "verticalOffset", "marginMeters", "attribution"});
  TerrainConfig terrain;
  if (!t.contains("source")) p.fail("terrain.source", "missing (required)");
  terrain.source = resolveSource(p.nonEmptyString(t["source"], "terrain.source"), c.file.parent_path());
  if (auto problem = sourceProblem(terrain.source, c.file.parent_path(), c.allowNetwork, dataAccess()))
    p.fail("terrain.source", *problem);
  if (t.contains("resolutionMeters"))
    terrain.resolutionMeters = p.number(t["resolutionMeters"], "terrain.resolutionMeters", 0, 10000, true);
  if (t.contains("verticalOffset"))
    terrain.verticalOffsetMeters = p.number(t["verticalOffset"], "terrain.verticalOffset", -10000, 10000);
  if (t.contains("marginMeters")) terrain.marginMeters = p.number(t["marginMeters"], "terrain.marginMeters", 0, 100000);
  if (t.contains("attribution")) terrain.attribution = p.string(t["attribution"], "terrain.attribution");
  c.terrain = std::move(terrain);
}

void parseHeights(const Parser& p, const json& h, SceneConfig& c) {
  p.object(h, "heights");
  p.allowOnly(h, "heights", {"storeyMeters", "maxPlausibleMeters", "defaults"});
  if (h.contains("storeyMeters"))
    c.heights.storeyMeters = p.number(h["storeyMeters"], "heights.storeyMeters", 0, 20, true);
  if (h.contains("maxPlausibleMeters"))
    c.heights.maxPlausibleMeters = p.number(h["maxPlausibleMeters"], "heights.maxPlausibleMeters", 0, 2000, true);
  if (h.contains("defaults")) {
    const json& d = p.object(h["defaults"], "heights.defaults");
    for (auto it = d.begin(); it != d.end(); ++it) {
      if (!it.key().empty() && it.key()[0] == '_') continue;
      c.heights.defaults[it.key()] =
          p.number(it.value(), "heights.defaults." + it.key(), 0, c.heights.maxPlausibleMeters, true);
    }
  }
}

void parseBookmarks(const Parser& p, const json& list, SceneConfig& c) {
  p.array(list, "bookmarks");
  std::set<std::string> names;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string path = Parser::index("bookmarks", i);
    const json& b = p.object(list[i], path);
    p.allowOnly(b, path, {"name", "label", "label_en", "target", "targetHeight", "distance", "heading", "pitch"});
    Bookmark bm;
    if (!b.contains("name")) p.fail(path + ".name", "missing (required)");
    bm.name = p.nonEmptyString(b["name"], path + ".name");
    if (!names.insert(bm.name).second) p.fail(path + ".name", "duplicate bookmark name '" + bm.name + "'");
    bm.label = b.contains("label") ? p.string(b["label"], path + ".label") : bm.name;
    if (b.contains("label_en")) bm.labelEn = p.string(b["label_en"], path + ".label_en");
    if (!b.contains("target")) p.fail(path + ".target", "missing (required)");
    bm.target = p.lonLat(b["target"], path + ".target");
    if (b.contains("targetHeight"))
      bm.targetHeightMeters = p.number(b["targetHeight"], path + ".targetHeight", -500, 9000);
    if (b.contains("distance")) bm.distanceMeters = p.number(b["distance"], path + ".distance", 0, 1e6, true);
    if (b.contains("heading")) bm.headingDegrees = p.number(b["heading"], path + ".heading", -360, 360);
    if (b.contains("pitch")) bm.pitchDegrees = p.number(b["pitch"], path + ".pitch", 0, 90);
    c.bookmarks.push_back(std::move(bm));
  }
}

// A carousel stop {"tour": name, "stop": n}: the tour must be in the file's "tours" with at
// least n stops (the tours' own errors are reported by model::parseTours()).
std::string parseCarouselView(const Parser& p, const json& stop, const std::string& path, const json& root) {
  p.allowOnly(stop, path, {"tour", "stop"});
  if (!stop.contains("tour")) p.fail(path + ".tour", "missing (required)");
  if (!stop.contains("stop")) p.fail(path + ".stop", "missing (required)");
  const std::string tour = p.nonEmptyString(stop["tour"], path + ".tour");
  const double number = p.number(stop["stop"], path + ".stop", 1, 1000);
  if (number != std::floor(number)) p.fail(path + ".stop", "must be a whole number");
  std::string names;
  const json* tours = root.contains("tours") && root["tours"].is_array() ? &root["tours"] : nullptr;
  for (std::size_t i = 0; tours && i < tours->size(); ++i) {
    const json& t = (*tours)[i];
    if (!t.is_object() || !t.contains("name") || !t["name"].is_string()) continue;
    const std::string name = t["name"].get<std::string>();
    if (name != tour) {
      names += (names.empty() ? "" : ", ") + name;
      continue;
    }
    const std::size_t count = t.contains("stops") && t["stops"].is_array() ? t["stops"].size() : 0;
    if (number > double(count)) p.fail(path + ".stop", "tour '" + tour + "' has " + std::to_string(count) + " stops");
    // Kept among the bookmark names as "tour:<name>:<stop>", which app::TourView::showView() reads.
    return "tour:" + tour + ":" + std::to_string(std::size_t(number));
  }
  p.fail(path + ".tour", "no tour named '" + tour + "' (tours: " + (names.empty() ? "none" : names) + ")");
  return {};
}

// "carousel": after "bookmarks", whose names the stops must be, or tour stops (views).
void parseCarousel(const Parser& p, const json& v, SceneConfig& c, const json& root) {
  p.object(v, "carousel");
  p.allowOnly(v, "carousel", {"enabled", "interval_s", "idle_s", "stops"});
  CarouselConfig& carousel = c.carousel;
  carousel.enabled = v.contains("enabled") ? p.boolean(v["enabled"], "carousel.enabled") : true;
  if (v.contains("interval_s")) carousel.intervalSeconds = p.number(v["interval_s"], "carousel.interval_s", 2, 3600);
  if (v.contains("idle_s")) carousel.idleSeconds = p.number(v["idle_s"], "carousel.idle_s", 1, 86400);
  if (!v.contains("stops")) return;
  const json& stops = p.array(v["stops"], "carousel.stops");
  for (std::size_t i = 0; i < stops.size(); ++i) {
    const std::string path = Parser::index("carousel.stops", i);
    if (stops[i].is_object()) {
      carousel.stops.push_back(parseCarouselView(p, stops[i], path, root));
      continue;
    }
    std::string name = p.nonEmptyString(stops[i], path);
    const bool known =
        std::any_of(c.bookmarks.begin(), c.bookmarks.end(), [&](const Bookmark& b) { return b.name == name; });
    if (!known) {
      std::string names;
      for (const Bookmark& b : c.bookmarks) names += (names.empty() ? "" : ", ") + b.name;
      p.fail(path, "no bookmark named '" + name + "' (bookmarks: " + (names.empty() ? "none" : names) + ")");
    }
    carousel.stops.push_back(std::move(name));
  }
}

void parseThemes(const Parser& p, const json& themes, SceneConfig& c) {
  p.object(themes, "themes");
  for (auto it = themes.begin(); it != themes.end(); ++it) {
    const std::string& name = it.key();
    if (!name.empty() && name[0] == '_') continue;
    const std::string path = "themes." + name;
    const json& t = p.object(it.value(), path);
    p.allowOnly(t, path, {"base", "background", "ground", "roads", "roadCasing", "labels", "poi", "buildingUse"});
    std::string base = name == "light" ? "light" : "dark";
    if (t.contains("base")) {
      base = p.string(t["base"], path + ".base");
      if (base != "dark" && base != "light")
        p.fail(path + ".base", "expected \"dark\" or \"light\", got " + describe(t["base"]));
    }
    Theme theme = defaultTheme(base);
    theme.name = name;
    const std::pair<const char*, Color*> colours[] = {
        {"background", &theme.background}, {"ground", &theme.ground}, {"roads", &theme.roads},
        {"roadCasing", &theme.roadCasing}, {"labels", &theme.labels}, {"poi", &theme.poi}};
    for (const auto& [key, target] : colours)
      if (t.contains(key)) *target = p.color(t[key], path + "." + key);
    if (t.contains("buildingUse")) {
      const json& uses = p.object(t["buildingUse"], path + ".buildingUse");
      p.allowOnly(uses, path + ".buildingUse",
                  {"residential", "commercial", "office", "education", "healthcare", "public", "industrial",
                   "transport", "religious", "other"});
      for (auto u = uses.begin(); u != uses.end(); ++u) {
        if (!u.key().empty() && u.key()[0] == '_') continue;
        theme.buildingUse[u.key()] = p.color(u.value(), path + ".buildingUse." + u.key());
      }
    }
    c.themes[name] = std::move(theme);
  }
}

void fillDefaults(SceneConfig& c) {
  std::map<std::string, double> table = defaultHeightTable();
  for (const auto& [key, value] : c.heights.defaults) table[key] = value;
  c.heights.defaults = std::move(table);
  for (const char* name : {"dark", "light"})
    if (!c.themes.count(name)) c.themes[name] = defaultTheme(name);
  for (const char* layer : {"buildings", "roads", "pois", "labels", "ground"}) c.visibleLayers.emplace(layer, true);
}

core::Result<SceneConfig> parseWith(const std::string& where, const std::string& jsonText,
                                    const std::filesystem::path& file) {
  const std::string label = file.filename().string();
  const Parser p(where, label);
  SceneConfig c;
  c.file = file;
  try {
    // nlohmann's dump() (describe(), sections) recurses once per level: refuse deep nesting first.
    if (std::string why = core::jsonDepthProblem(jsonText); !why.empty()) p.failFile(why);
    json root;
    try {
      root = json::parse(jsonText);
    } catch (const json::parse_error& e) {
      std::string what = e.what();
      const auto bracket = what.find("] ");
      if (what.rfind("[json.exception", 0) == 0 && bracket != std::string::npos) what = what.substr(bracket + 2);
      p.failFile("not valid JSON: " + what);
    }
    if (!root.is_object()) p.failFile(std::string("expected a JSON object at the top level, got ") + typeName(root));
    p.allowOnly(root, "",
                {"name",       "site",    "layers",        "heights", "bookmarks", "startBookmark", "themes",
                 "theme",      "ui",      "visibleLayers", "mqtt",    "sensors",   "alert_rules",   "alerts",
                 "facilities", "walking", "tours",         "terrain", "models",    "analysis",      "scenarios",
                 "sunlight",   "replay",  "allow_network", "carousel"});
    if (root.contains("allow_network")) c.allowNetwork = p.boolean(root["allow_network"], "allow_network");
    c.name = root.contains("name") ? p.string(root["name"], "name") : file.stem().string();
    bool haveOrigin = false;
    if (root.contains("site")) parseSite(p, root["site"], c, haveOrigin);
    if (!root.contains("layers")) p.fail("layers", "missing (required)");
    parseLayers(p, root["layers"], c);
    if (root.contains("heights")) parseHeights(p, root["heights"], c);
    if (root.contains("bookmarks")) parseBookmarks(p, root["bookmarks"], c);
    if (root.contains("startBookmark")) {
      c.startBookmark = p.string(root["startBookmark"], "startBookmark");
      const bool found =
          c.startBookmark.empty() || std::any_of(c.bookmarks.begin(), c.bookmarks.end(),
                                                 [&](const Bookmark& b) { return b.name == c.startBookmark; });
      if (!found) p.fail("startBookmark", "no bookmark named '" + c.startBookmark + "'");
    }
    if (root.contains("carousel")) parseCarousel(p, root["carousel"], c, root);
    if (root.contains("themes")) parseThemes(p, root["themes"], c);
    fillDefaults(c);
    if (root.contains("theme")) {
      c.theme = p.nonEmptyString(root["theme"], "theme");
      if (!c.themes.count(c.theme)) p.fail("theme", "no theme named '" + c.theme + "'");
    }
    if (root.contains("ui")) {
      const json& ui = p.object(root["ui"], "ui");
      p.allowOnly(ui, "ui", {"language", "scale"});
      if (ui.contains("scale")) c.uiScale = p.number(ui["scale"], "ui.scale", 0.5, 4.0);
      if (ui.contains("language")) {
        c.language = p.string(ui["language"], "ui.language");
        if (c.language != "zh-CN" && c.language != "en")
          p.fail("ui.language", "expected \"zh-CN\" or \"en\", got " + describe(ui["language"]));
      }
    }
    if (root.contains("visibleLayers")) {
      const json& v = p.object(root["visibleLayers"], "visibleLayers");
      p.allowOnly(v, "visibleLayers", {"buildings", "roads", "pois", "labels", "ground"});
      for (auto it = v.begin(); it != v.end(); ++it)
        if (!it.key().empty() && it.key()[0] != '_')
          c.visibleLayers[it.key()] = p.boolean(it.value(), "visibleLayers." + it.key());
    }
    if (root.contains("terrain")) parseTerrain(p, root["terrain"], c);
    for (const char* section : kSections)
      if (root.contains(section)) c.sections[section] = root[section].dump();

    if (!haveOrigin) {
      if (c.clipLonLat) {
        const core::Vec2 centre = c.clipLonLat->centre();
        c.origin = {centre.x, centre.y};
      } else {
        core::Box2 extent;
        for (const LayerConfig& layer : c.layers) {
          geo::ReadOptions options;
          options.layers = layer.ogrLayers;
          options.sourceCrs = layer.crs;
          options.datum = layer.datum;
          auto box = geo::vectorExtentLonLat(layer.source, options);
          if (!box)
            p.fail("site.origin",
                   "missing, and the extent of layer '" + layer.id + "' is unknown: " + box.error().message);
          extent.add(box.value());
        }
        const core::Vec2 centre = extent.centre();
        c.origin = {centre.x, centre.y};
      }
    }
  } catch (const SceneError& e) {
    return core::fail(e.message);
  } catch (const std::exception& e) {
    return core::fail(where + ": " + label + ": " + e.what());
  }
  return c;
}

constexpr const char* kLoadWhere = "model::loadSceneConfig()";

}  // namespace

core::Result<SceneConfig> parseSceneConfig(const std::string& jsonText, const std::filesystem::path& file) {
  return parseWith(kLoadWhere, jsonText, file);
}

core::Result<SceneConfig> loadSceneConfig(const std::filesystem::path& file) {
  auto text = core::readWholeFile(file, core::kSceneFileLimit, kLoadWhere, file.filename().string());
  if (!text) return text.error();
  return parseWith(kLoadWhere, text.value(), file);
}

core::Result<SceneConfig> defaultSceneForDataFile(const std::string& source) {
  auto extent = geo::vectorExtentLonLat(source, {});
  if (!extent) return core::fail("model::defaultSceneForDataFile(): " + extent.error().message);
  SceneConfig c;
  const bool connection = geo::isConnectionString(source);
  c.file =
      connection ? std::filesystem::path("scene.json") : std::filesystem::path(source).parent_path() / "scene.json";
  LayerConfig layer;
  layer.source = source;
  layer.id = connection ? "data" : std::filesystem::path(source).stem().string();
  std::string lower = source;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  const bool osm = lower.size() >= 4 &&
                   (lower.compare(lower.size() - 4, 4, ".osm") == 0 || lower.compare(lower.size() - 4, 4, ".pbf") == 0);
  if (osm) layer.attribution = "© OpenStreetMap contributors (ODbL)";
  c.name = connection ? source : std::filesystem::path(source).filename().string();
  c.layers.push_back(std::move(layer));
  const core::Vec2 centre = extent->centre();
  c.origin = {centre.x, centre.y};
  Bookmark overview;
  overview.name = "overview";
  overview.label = "Overview";
  overview.target = c.origin;
  // Roughly frame the extent: its larger side in metres (1 degree of latitude ~ 111 km).
  const double sideMeters = std::max(extent->height() * 111000.0,
                                     extent->width() * 111000.0 * std::cos(centre.y * 3.14159265358979323846 / 180.0));
  overview.distanceMeters = std::clamp(sideMeters * 1.2, 200.0, 50000.0);
  overview.pitchDegrees = 50;
  c.bookmarks.push_back(overview);
  c.startBookmark = "overview";
  fillDefaults(c);
  return c;
}

}  // namespace twin::model
