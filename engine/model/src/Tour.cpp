#include "twin/model/Tour.h"

#include <cmath>
#include <cstdio>
#include <set>

#include <nlohmann/json.hpp>

#include "twin/model/Scenario.h"

namespace twin::model {

namespace {

using Json = nlohmann::json;

constexpr std::size_t kMaxStops = 1000;
constexpr double kMaxFlySeconds = 600;
constexpr double kMaxHoldSeconds = 3600;

// Parsing stops at the first problem: `fail` keeps the message, every step returns false.
struct Parser {
  std::string file;
  std::string errorText;

  bool failAt(const std::string& path, const std::string& what) {
    errorText = "model::parseTours(): " + file + ": " + path + ": " + what;
    return false;
  }

  core::Error error(const std::string& path, const std::string& what) {
    failAt(path, what);
    return core::fail(errorText);
  }

  bool allowOnly(const Json& obj, const std::string& path, const std::vector<const char*>& keys) {
    for (auto it = obj.begin(); it != obj.end(); ++it) {
      const std::string& k = it.key();
      if (!k.empty() && k[0] == '_') continue;  // comments, as in the rest of the scene file
      bool known = false;
      for (const char* key : keys) known = known || k == key;
      if (known) continue;
      std::string list;
      for (const char* key : keys) list += (list.empty() ? "" : ", ") + std::string(key);
      return failAt(path + "." + k, "unknown key (expected " + list + ")");
    }
    return true;
  }

  bool string(const Json& obj, const char* name, const std::string& path, std::string& out) {
    const auto it = obj.find(name);
    if (it == obj.end()) return true;
    if (!it->is_string()) return failAt(path + "." + name, "must be a string");
    out = it->get<std::string>();
    return true;
  }

  // A number in [low, high] (`lowOpen`: low excluded), kept in `out` when present.
  bool number(const Json& obj, const char* name, const std::string& path, double low, double high, bool lowOpen,
              double& out) {
    const auto it = obj.find(name);
    if (it == obj.end()) return true;
    const double v = it->is_number() ? it->get<double>() : std::nan("");
    const bool above = lowOpen ? v > low : v >= low;
    if (!std::isfinite(v) || !above || v > high) {
      char range[96];
      std::snprintf(range, sizeof range, "%s%g, %g]", lowOpen ? "(" : "[", low, high);
      return failAt(path + "." + name, std::string("must be a number in ") + range);
    }
    out = v;
    return true;
  }

  // fly_s and hold_s: the brief message for the common mistake (a negative or non-numeric time).
  bool seconds(const Json& obj, const char* name, const std::string& path, double high, double& out) {
    const auto it = obj.find(name);
    if (it == obj.end()) return true;
    const double v = it->is_number() ? it->get<double>() : std::nan("");
    if (!std::isfinite(v) || v < 0) return failAt(path + "." + name, "must be a number >= 0");
    if (v > high) {
      char limit[64];
      std::snprintf(limit, sizeof limit, "%g s is over the limit of %g s", v, high);
      return failAt(path + "." + name, limit);
    }
    out = v;
    return true;
  }

  bool stringList(const Json& obj, const char* name, const std::string& path, const std::vector<std::string>& allowed,
                  std::optional<std::vector<std::string>>& out) {
    const auto it = obj.find(name);
    if (it == obj.end()) return true;
    std::string list;
    for (const std::string& a : allowed) list += (list.empty() ? "" : ", ") + a;
    if (!it->is_array()) return failAt(path + "." + name, "must be an array of names among " + list);
    std::vector<std::string> values;
    for (std::size_t i = 0; i < it->size(); ++i) {
      const Json& v = (*it)[i];
      const std::string at = path + "." + name + "[" + std::to_string(i) + "]";
      if (!v.is_string()) return failAt(at, "must be one of " + list);
      const std::string s = v.get<std::string>();
      bool known = false;
      for (const std::string& a : allowed) known = known || a == s;
      if (!known) return failAt(at, "unknown name '" + s + "' (expected one of " + list + ")");
      values.push_back(s);
    }
    out = std::move(values);
    return true;
  }

  bool camera(const Json& c, const std::string& path, Bookmark& out) {
    if (!c.is_object()) return failAt(path, "must be an object with lon, lat, range, heading, pitch");
    if (!allowOnly(c, path, {"lon", "lat", "height", "range", "heading", "pitch"})) return false;
    for (const char* key : {"lon", "lat"})
      if (!c.contains(key)) return failAt(path + "." + key, "missing (required)");
    return number(c, "lon", path, -180, 180, false, out.target.lon) &&
           number(c, "lat", path, -90, 90, false, out.target.lat) &&
           number(c, "height", path, -500, 9000, false, out.targetHeightMeters) &&
           number(c, "range", path, 0, 1e6, true, out.distanceMeters) &&
           number(c, "heading", path, -360, 360, false, out.headingDegrees) &&
           number(c, "pitch", path, 0, 90, false, out.pitchDegrees);
  }

  bool time(const Json& obj, const std::string& path, std::optional<int>& out) {
    const auto it = obj.find("time");
    if (it == obj.end()) return true;
    const std::string what = "must be a time of day \"HH:MM\" (00:00 to 23:59)";
    if (!it->is_string()) return failAt(path + ".time", what);
    const std::string s = it->get<std::string>();
    const auto digit = [&](std::size_t i) { return s[i] >= '0' && s[i] <= '9'; };
    if (s.size() != 5 || s[2] != ':' || !digit(0) || !digit(1) || !digit(3) || !digit(4))
      return failAt(path + ".time", what + ", got \"" + s + "\"");
    const int hours = (s[0] - '0') * 10 + (s[1] - '0'), minutes = (s[3] - '0') * 10 + (s[4] - '0');
    if (hours > 23 || minutes > 59) return failAt(path + ".time", what + ", got \"" + s + "\"");
    out = hours * 60 + minutes;
    return true;
  }
};

}  // namespace

const char* tourOverlayName(TourOverlay overlay) {
  switch (overlay) {
    case TourOverlay::Isochrone: return "isochrone";
    case TourOverlay::Coverage: return "coverage";
  }
  return "?";
}

double Tour::durationSeconds() const {
  double total = 0;
  for (const TourStop& s : stops) total += s.flySeconds + s.holdSeconds;
  return total;
}

const Tour* findTour(const std::vector<Tour>& tours, const std::string& name) {
  for (const Tour& t : tours)
    if (t.name == name) return &t;
  return nullptr;
}

std::string tourNames(const std::vector<Tour>& tours) {
  std::string out;
  for (const Tour& t : tours) out += (out.empty() ? "" : ", ") + t.name;
  return out.empty() ? "(none)" : out;
}

core::Result<std::vector<Tour>> parseTours(const SceneConfig& config) {
  std::vector<Tour> tours;
  const auto section = config.sections.find("tours");
  if (section == config.sections.end()) return tours;
  Parser p;
  p.file = config.file.filename().string();
  // The scenarios a stop may name; their own errors come first, as the tour could not be shown.
  std::set<std::string> scenarios;
  if (const auto s = config.sections.find("scenarios"); s != config.sections.end()) {
    auto parsed = parseScenarios("{\"scenarios\": " + s->second + "}", config.file);
    if (!parsed) return parsed.error();
    for (const Scenario& scenario : *parsed) scenarios.insert(scenario.name);
  }
  Json root;
  try {
    root = Json::parse(section->second);  // SceneConfig wrote it with dump(): valid, depth-checked JSON
  } catch (const std::exception& e) {
    return core::fail("model::parseTours(): " + p.file + ": tours: " + e.what());
  }
  if (!root.is_array()) return core::fail("model::parseTours(): " + p.file + ": tours: must be an array of tours");
  const std::vector<std::string> layerNames{"buildings", "roads", "pois", "labels", "ground"};
  std::set<std::string> names;
  for (std::size_t t = 0; t < root.size(); ++t) {
    const std::string path = "tours[" + std::to_string(t) + "]";
    const Json& j = root[t];
    if (!j.is_object()) return p.error(path, "must be an object with name and stops");
    Tour tour;
    if (!p.allowOnly(j, path, {"name", "title", "title_en", "stops"})) return core::fail(p.errorText);
    if (!j.contains("name")) return p.error(path + ".name", "missing (required)");
    if (!p.string(j, "name", path, tour.name)) return core::fail(p.errorText);
    if (tour.name.empty()) return p.error(path + ".name", "must not be empty");
    if (!names.insert(tour.name).second) return p.error(path + ".name", "duplicate tour name '" + tour.name + "'");
    if (!p.string(j, "title", path, tour.title) || !p.string(j, "title_en", path, tour.titleEn))
      return core::fail(p.errorText);
    const auto stops = j.find("stops");
    if (stops == j.end()) return p.error(path + ".stops", "missing (required)");
    if (!stops->is_array() || stops->empty()) return p.error(path + ".stops", "must be a non-empty array of stops");
    if (stops->size() > kMaxStops)
      return p.error(path + ".stops",
                     std::to_string(stops->size()) + " stops, over the limit of " + std::to_string(kMaxStops));
    for (std::size_t i = 0; i < stops->size(); ++i) {
      const std::string at = path + ".stops[" + std::to_string(i) + "]";
      const Json& s = (*stops)[i];
      if (!s.is_object()) return p.error(at, "must be an object");
      if (!p.allowOnly(s, at,
                       {"bookmark", "camera", "fly_s", "hold_s", "caption", "caption_en", "scenario", "layers",
                        "overlays", "time", "split"}))
        return core::fail(p.errorText);
      TourStop stop;
      const bool hasBookmark = s.contains("bookmark"), hasCamera = s.contains("camera");
      if (hasBookmark == hasCamera)
        return p.error(at, hasBookmark ? "give either \"bookmark\" or \"camera\", not both"
                                       : "missing the view: give \"bookmark\" or \"camera\"");
      if (hasBookmark) {
        if (!p.string(s, "bookmark", at, stop.bookmark)) return core::fail(p.errorText);
        const Bookmark* found = nullptr;
        std::string known;
        for (const Bookmark& b : config.bookmarks) {
          if (b.name == stop.bookmark) found = &b;
          known += (known.empty() ? "" : ", ") + b.name;
        }
        if (!found)
          return p.error(at + ".bookmark", "no bookmark named '" + stop.bookmark +
                                               "' (known: " + (known.empty() ? "(none)" : known) + ")");
        stop.view = *found;
      } else if (!p.camera(s["camera"], at + ".camera", stop.view)) {
        return core::fail(p.errorText);
      }
      if (!p.seconds(s, "fly_s", at, kMaxFlySeconds, stop.flySeconds) ||
          !p.seconds(s, "hold_s", at, kMaxHoldSeconds, stop.holdSeconds) || !p.string(s, "caption", at, stop.caption) ||
          !p.string(s, "caption_en", at, stop.captionEn) || !p.string(s, "scenario", at, stop.scenario) ||
          !p.stringList(s, "layers", at, layerNames, stop.layers) || !p.time(s, at, stop.minuteOfDay))
        return core::fail(p.errorText);
      if (s.contains("scenario") && !scenarios.count(stop.scenario)) {
        std::string known;
        for (const std::string& n : scenarios) known += (known.empty() ? "" : ", ") + n;
        return p.error(at + ".scenario", "no scenario named '" + stop.scenario +
                                             "' in the scene (known: " + (known.empty() ? "(none)" : known) + ")");
      }
      if (const auto split = s.find("split"); split != s.end()) {
        const std::string key = at + ".split";
        if (!split->is_object())
          return p.error(key, "must be an object {\"left\": \"existing\" or a scenario, \"right\": a scenario}");
        if (!p.allowOnly(*split, key, {"left", "right", "at"})) return core::fail(p.errorText);
        if (s.contains("scenario")) return p.error(key, "a stop shows either \"scenario\" or \"split\", not both");
        TourSplit sides;
        sides.left = "existing";
        if (!split->contains("right")) return p.error(key + ".right", "missing (required)");
        if (!p.string(*split, "left", key, sides.left) || !p.string(*split, "right", key, sides.right))
          return core::fail(p.errorText);
        for (std::string* side : {&sides.left, &sides.right}) {
          if (*side == "existing") {
            side->clear();
            continue;
          }
          if (scenarios.count(*side)) continue;
          std::string known = "existing";
          for (const std::string& n : scenarios) known += ", " + n;
          return p.error(key + (side == &sides.left ? ".left" : ".right"),
                         "no scenario named '" + *side + "' in the scene (known: " + known + ")");
        }
        if (const auto where = split->find("at"); where != split->end()) {
          if (!where->is_number() || !(where->get<double>() >= 0.05 && where->get<double>() <= 0.95))
            return p.error(key + ".at", "must be a number in [0.05, 0.95] (the divider's share of the width)");
          sides.at = where->get<double>();
        }
        stop.split = sides;
      }
      if (const auto overlays = s.find("overlays"); overlays != s.end()) {
        const std::string list = "isochrone, coverage, coverage:<5|10|15|category>";
        if (!overlays->is_array()) return p.error(at + ".overlays", "must be an array of names among " + list);
        for (std::size_t k = 0; k < overlays->size(); ++k) {
          const Json& o = (*overlays)[k];
          const std::string item = at + ".overlays[" + std::to_string(k) + "]";
          const std::string name = o.is_string() ? o.get<std::string>() : "";
          if (!o.is_string()) return p.error(item, "must be one of " + list);
          if (name == "isochrone") {
            stop.overlays.push_back(TourOverlay::Isochrone);
          } else if (name == "coverage" || (name.rfind("coverage:", 0) == 0 && name.size() > 9)) {
            if (!stop.coverageBy.empty()) return p.error(item, "a second coverage overlay (one per stop)");
            stop.overlays.push_back(TourOverlay::Coverage);
            stop.coverageBy = name == "coverage" ? "15" : name.substr(9);
          } else {
            return p.error(item, "unknown name '" + name + "' (expected one of " + list + ")");
          }
        }
      }
      tour.stops.push_back(std::move(stop));
    }
    tours.push_back(std::move(tour));
  }
  return tours;
}

}  // namespace twin::model
