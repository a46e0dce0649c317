// From read features to buildings, roads and POIs.
//
// Index
//   buildingHeight      the height rules (measured -> levels -> table -> "*")
//   buildingUseOf       tags -> BuildingUse (the mapping is documented in scenes/README.md)
//   roadWidth, poiKey   road widths by class, which tags make a POI
//   interpretFeatures   per feature: building / road / POI, by role
//   applyTerrain        elevations of buildings, roads and POIs from the heightfield
//   loadSite            every layer, timings, attributions, extent, terrain
#include "twin/model/SiteLoader.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <unordered_map>

#include "twin/core/Stopwatch.h"
#include "twin/core/Units.h"
#include "twin/geo/DemReader.h"

namespace twin::model {

namespace {

constexpr const char* kHeightWhere = "model::buildingHeight()";
constexpr const char* kInterpretWhere = "model::interpretFeatures()";
constexpr const char* kLoadWhere = "model::loadSite()";

// Fallback when the scene's table has neither the building's value nor "*".
constexpr double kFallbackStoreys = 3;

std::string metres(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%g m", v);
  return buf;
}

const std::string* tag(const Tags& tags, const char* key) {
  const auto it = tags.find(key);
  return it == tags.end() || it->second.empty() ? nullptr : &it->second;
}

bool plausible(double v, const HeightRules& rules) {
  return std::isfinite(v) && v > 0 && v <= rules.maxPlausibleMeters;
}

}  // namespace

HeightResult buildingHeight(const Tags& tags, const HeightRules& rules, core::Diagnostics& diag,
                            const std::string& file, const std::string& recordId) {
  HeightResult r;
  auto report = [&](const std::string& message, const std::string& action) {
    diag.add(core::Severity::Warning, kHeightWhere, file, "", recordId, message, action);
  };
  const std::string limit = "must be > 0 and <= " + metres(rules.maxPlausibleMeters);

  if (const std::string* levelsText = tag(tags, "building:levels")) {
    const auto levels = core::parseNumber(*levelsText);
    if (!levels)
      report("building:levels '" + *levelsText + "' is not a number", "ignored");
    else if (!plausible(*levels * rules.storeyMeters, rules))
      report("building:levels '" + *levelsText + "' is not plausible (" + limit + ")", "ignored");
    else
      r.levels = *levels;
  }

  bool decided = false;
  if (const std::string* heightText = tag(tags, "height")) {
    const auto h = core::parseLengthMeters(*heightText);
    if (!h)
      report("height '" + *heightText + "' is not a length", "ignored");
    else if (!plausible(*h, rules))
      report("height '" + *heightText + "' is not plausible (" + limit + ")", "ignored");
    else {
      r.heightMeters = *h;
      r.source = HeightSource::Measured;
      decided = true;
    }
  }
  if (!decided && r.levels > 0) {
    r.heightMeters = r.levels * rules.storeyMeters;
    r.source = HeightSource::Levels;
    decided = true;
  }
  if (!decided) {
    const std::string* building = tag(tags, "building");
    auto it = building ? rules.defaults.find(*building) : rules.defaults.end();
    if (it == rules.defaults.end()) it = rules.defaults.find("*");
    r.heightMeters = (it != rules.defaults.end() && plausible(it->second, rules))
                         ? it->second
                         : kFallbackStoreys * rules.storeyMeters;
    r.source = HeightSource::Estimated;
  }

  if (const std::string* minText = tag(tags, "min_height")) {
    const auto m = core::parseLengthMeters(*minText);
    if (!m)
      report("min_height '" + *minText + "' is not a length", "ignored");
    else if (!std::isfinite(*m) || *m < 0 || *m > rules.maxPlausibleMeters)
      report("min_height '" + *minText + "' is not plausible (must be >= 0 and <= " + metres(rules.maxPlausibleMeters) +
                 ")",
             "ignored");
    else
      r.minHeightMeters = *m;
  } else if (const std::string* minLevelText = tag(tags, "building:min_level")) {
    const auto m = core::parseNumber(*minLevelText);
    if (!m || *m < 0 || *m * rules.storeyMeters > rules.maxPlausibleMeters)
      report("building:min_level '" + *minLevelText + "' is not plausible", "ignored");
    else
      r.minHeightMeters = *m * rules.storeyMeters;
  }
  if (r.minHeightMeters >= r.heightMeters) {
    report("min height " + metres(r.minHeightMeters) + " is not below height " + metres(r.heightMeters),
           "min height set to 0");
    r.minHeightMeters = 0;
  }
  return r;
}

namespace {

BuildingUse useFromBuildingValue(const std::string& v, bool& known) {
  static const std::unordered_map<std::string, BuildingUse> table = {
      {"residential", BuildingUse::Residential},
      {"apartments", BuildingUse::Residential},
      {"house", BuildingUse::Residential},
      {"detached", BuildingUse::Residential},
      {"semidetached_house", BuildingUse::Residential},
      {"terrace", BuildingUse::Residential},
      {"dormitory", BuildingUse::Residential},
      {"bungalow", BuildingUse::Residential},
      {"cabin", BuildingUse::Residential},
      {"farm", BuildingUse::Residential},
      {"commercial", BuildingUse::Commercial},
      {"retail", BuildingUse::Commercial},
      {"kiosk", BuildingUse::Commercial},
      {"supermarket", BuildingUse::Commercial},
      {"hotel", BuildingUse::Commercial},
      {"office", BuildingUse::Office},
      {"school", BuildingUse::Education},
      {"university", BuildingUse::Education},
      {"college", BuildingUse::Education},
      {"kindergarten", BuildingUse::Education},
      {"hospital", BuildingUse::Healthcare},
      {"clinic", BuildingUse::Healthcare},
      {"public", BuildingUse::Public},
      {"civic", BuildingUse::Public},
      {"government", BuildingUse::Public},
      {"townhall", BuildingUse::Public},
      {"fire_station", BuildingUse::Public},
      {"police", BuildingUse::Public},
      {"museum", BuildingUse::Public},
      {"library", BuildingUse::Public},
      {"sports_hall", BuildingUse::Public},
      {"stadium", BuildingUse::Public},
      {"sports_centre", BuildingUse::Public},
      {"community_centre", BuildingUse::Public},
      {"industrial", BuildingUse::Industrial},
      {"warehouse", BuildingUse::Industrial},
      {"factory", BuildingUse::Industrial},
      {"manufacture", BuildingUse::Industrial},
      {"hangar", BuildingUse::Industrial},
      {"storage_tank", BuildingUse::Industrial},
      {"service", BuildingUse::Industrial},
      {"train_station", BuildingUse::Transport},
      {"transportation", BuildingUse::Transport},
      {"parking", BuildingUse::Transport},
      {"garage", BuildingUse::Transport},
      {"garages", BuildingUse::Transport},
      {"carport", BuildingUse::Transport},
      {"bus_station", BuildingUse::Transport},
      {"church", BuildingUse::Religious},
      {"mosque", BuildingUse::Religious},
      {"temple", BuildingUse::Religious},
      {"chapel", BuildingUse::Religious},
      {"cathedral", BuildingUse::Religious},
      {"synagogue", BuildingUse::Religious},
      {"shrine", BuildingUse::Religious},
      {"religious", BuildingUse::Religious},
      {"monastery", BuildingUse::Religious},
  };
  const auto it = table.find(v);
  known = it != table.end();
  return known ? it->second : BuildingUse::Other;
}

BuildingUse useFromAmenity(const std::string& v, bool& known) {
  static const std::unordered_map<std::string, BuildingUse> table = {
      {"school", BuildingUse::Education},        {"university", BuildingUse::Education},
      {"college", BuildingUse::Education},       {"kindergarten", BuildingUse::Education},
      {"hospital", BuildingUse::Healthcare},     {"clinic", BuildingUse::Healthcare},
      {"doctors", BuildingUse::Healthcare},      {"dentist", BuildingUse::Healthcare},
      {"pharmacy", BuildingUse::Healthcare},     {"place_of_worship", BuildingUse::Religious},
      {"townhall", BuildingUse::Public},         {"police", BuildingUse::Public},
      {"fire_station", BuildingUse::Public},     {"library", BuildingUse::Public},
      {"community_centre", BuildingUse::Public}, {"courthouse", BuildingUse::Public},
      {"post_office", BuildingUse::Public},      {"social_facility", BuildingUse::Public},
      {"theatre", BuildingUse::Public},          {"restaurant", BuildingUse::Commercial},
      {"cafe", BuildingUse::Commercial},         {"fast_food", BuildingUse::Commercial},
      {"bank", BuildingUse::Commercial},         {"marketplace", BuildingUse::Commercial},
      {"bar", BuildingUse::Commercial},          {"cinema", BuildingUse::Commercial},
      {"parking", BuildingUse::Transport},       {"bus_station", BuildingUse::Transport},
  };
  const auto it = table.find(v);
  known = it != table.end();
  return known ? it->second : BuildingUse::Other;
}

}  // namespace

BuildingUse buildingUseOf(const Tags& tags) {
  bool known = false;
  if (const std::string* b = tag(tags, "building")) {
    const BuildingUse u = useFromBuildingValue(*b, known);
    if (known) return u;
  }
  if (const std::string* a = tag(tags, "amenity")) {
    const BuildingUse u = useFromAmenity(*a, known);
    if (known) return u;
  }
  if (tag(tags, "shop")) return BuildingUse::Commercial;
  if (tag(tags, "office")) return BuildingUse::Office;
  if (tag(tags, "healthcare")) return BuildingUse::Healthcare;
  if (tag(tags, "railway") || tag(tags, "public_transport")) return BuildingUse::Transport;
  return BuildingUse::Other;
}

double defaultRoadWidthMeters(const std::string& highway) {
  static const std::unordered_map<std::string, double> table = {
      {"motorway", 14},     {"trunk", 12},       {"primary", 12},      {"secondary", 10},     {"tertiary", 8},
      {"motorway_link", 6}, {"trunk_link", 6},   {"primary_link", 6},  {"secondary_link", 6}, {"tertiary_link", 6},
      {"residential", 6},   {"unclassified", 6}, {"living_street", 5}, {"service", 4},        {"pedestrian", 5},
      {"track", 3},         {"busway", 6},       {"road", 6},          {"footway", 2},        {"path", 1.5},
      {"cycleway", 2},      {"steps", 2},        {"bridleway", 2},     {"corridor", 2},       {"platform", 3},
  };
  const auto it = table.find(highway);
  return it == table.end() ? 4.0 : it->second;
}

namespace {

// The first tag that makes a feature a POI: {key, value}, or nullptr key.
// Transit keys come after amenity/shop/leisure/healthcare but highway=bus_stop and railway
// come before public_transport: a bus stop is tagged highway=bus_stop + public_transport=platform
// and should be found as a bus stop.
std::pair<const char*, const std::string*> poiKey(const Tags& tags) {
  for (const char* key : {"amenity", "shop", "leisure", "healthcare"})
    if (const std::string* v = tag(tags, key)) return {key, v};
  if (const std::string* v = tag(tags, "railway"))
    if (*v == "station" || *v == "subway_entrance" || *v == "halt" || *v == "tram_stop") return {"railway", v};
  if (const std::string* v = tag(tags, "highway"))
    if (*v == "bus_stop") return {"highway", v};
  if (const std::string* v = tag(tags, "public_transport"))
    if (*v == "station" || *v == "platform") return {"public_transport", v};
  return {nullptr, nullptr};
}

std::string nameOf(const Tags& tags) {
  if (const std::string* v = tag(tags, "name:zh")) return *v;
  if (const std::string* v = tag(tags, "name")) return *v;
  return {};
}

// Non-OSM sources: copy the mapped source fields onto our tag keys.
Tags mappedTags(const Tags& tags, const LayerConfig& layer) {
  if (layer.fields.empty()) return tags;
  Tags out = tags;
  static const std::pair<const char*, const char*> kTargets[] = {
      {"height", "height"},         {"levels", "building:levels"}, {"name", "name"},
      {"min_height", "min_height"}, {"use", "building"},
  };
  for (const auto& [ours, key] : kTargets) {
    const auto f = layer.fields.find(ours);
    if (f == layer.fields.end()) continue;
    const auto v = tags.find(f->second);
    if (v != tags.end() && !v->second.empty()) out[key] = v->second;
  }
  return out;
}

const core::Polygon& largestPart(const std::vector<core::Polygon>& parts) {
  return *std::max_element(parts.begin(), parts.end(), [](const core::Polygon& a, const core::Polygon& b) {
    return core::area(a) < core::area(b);
  });
}

Building makeBuilding(const geo::Feature& f, const Tags& tags, const core::Polygon& footprint, const HeightResult& h,
                      const std::string& sourceFile, const std::string& buildingTag, BuildingUse use) {
  Building b;
  b.osmId = f.id;
  b.idKind = f.idKind;
  b.sourceFile = sourceFile;
  b.name = nameOf(tags);
  b.buildingTag = buildingTag;
  b.use = use;
  b.footprint = footprint;
  b.heightMeters = h.heightMeters;
  b.minHeightMeters = h.minHeightMeters;
  b.levels = h.levels;
  b.heightSource = h.source;
  b.footprintAreaM2 = core::area(footprint);
  b.tags = tags;
  return b;
}

}  // namespace

bool isPedestrianArea(const Tags& tags, bool closedWay) {
  auto value = [&](const char* key) {
    const std::string* v = tag(tags, key);
    return v ? *v : std::string();
  };
  const std::string foot = value("foot"), access = value("access");
  const bool footAllowed = foot == "yes" || foot == "designated";
  if (foot == "no" || foot == "private") return false;
  if ((access == "no" || access == "private") && !footAllowed) return false;
  const std::string areaHighway = value("area:highway");
  if (!areaHighway.empty() && areaHighway != "no") {
    // area:highway also maps carriageways; a pedestrian does not cross those at will.
    static const char* const kCarriageways[] = {"motorway", "trunk",        "primary",     "secondary",
                                                "tertiary", "unclassified", "residential", "service"};
    std::string base = areaHighway;
    if (base.size() > 5 && base.compare(base.size() - 5, 5, "_link") == 0) base.resize(base.size() - 5);
    for (const char* c : kCarriageways)
      if (base == c) return false;
    return true;
  }
  if (closedWay) return false;
  if (value("highway") == "pedestrian") return true;
  return value("place") == "square" && !value("highway").empty();
}

void interpretFeatures(const std::vector<geo::Feature>& features, const LayerConfig& layer, const HeightRules& heights,
                       const std::string& sourceFile, Site& site) {
  const std::string& role = layer.role;
  const bool autoRole = role.empty() || role == "auto";
  std::size_t polygons = 0, lines = 0;
  for (const geo::Feature& f : features) {
    polygons += f.kind == geo::FeatureKind::Polygon ? f.polygons.size() : 0;
    lines += f.kind == geo::FeatureKind::Line ? 1 : 0;
  }
  // Growing these vectors of large records by doubling costs more than the interpretation.
  site.buildings.reserve(site.buildings.size() + polygons);
  site.roads.reserve(site.roads.size() + lines);
  for (const geo::Feature& f : features) {
    Tags mapped;
    const Tags& tags = layer.fields.empty() ? f.tags : (mapped = mappedTags(f.tags, layer));
    const std::string recordId = f.recordLabel();
    const std::string* building = tag(tags, "building");
    const bool isBuildingTag = building && *building != "no";

    // Pedestrian squares: GDAL gives an area=yes way or a multipolygon as a polygon, and a
    // closed way tagged only area:highway as a closed line.
    if ((autoRole || role == "roads") && !isBuildingTag && f.layer != "other_relations") {
      const bool closedLine = f.kind == geo::FeatureKind::Line && f.line.size() >= 4 &&
                              f.line.front().x == f.line.back().x && f.line.front().y == f.line.back().y;
      if ((f.kind == geo::FeatureKind::Polygon || closedLine) && isPedestrianArea(tags, closedLine)) {
        std::vector<core::Polygon> parts = f.polygons;
        if (closedLine) {
          core::Ring ring(f.line.begin(), f.line.end() - 1);
          if (core::signedArea(ring) < 0) std::reverse(ring.begin(), ring.end());
          parts = {core::Polygon{ring, {}}};
        }
        for (const core::Polygon& part : parts) {
          if (part.outer.size() < 3 || !(core::area(part) > 0)) {
            site.diagnostics.add(core::Severity::Warning, kInterpretWhere, sourceFile, f.layer, recordId,
                                 "pedestrian area has no area", "skipped");
            continue;
          }
          site.walkAreas.push_back({f.id, f.idKind, nameOf(tags), part, tags});
        }
        continue;
      }
    }

    // GDAL's OSM "other_relations" layer holds type=building (and similar) relations as
    // geometry collections of their members, whose outlines are buildings in their own right.
    const bool osmRelationCollection = f.layer == "other_relations";
    if (f.kind == geo::FeatureKind::Polygon &&
        ((autoRole && isBuildingTag && !osmRelationCollection) || role == "buildings")) {
      const HeightResult h = buildingHeight(tags, heights, site.diagnostics, sourceFile, recordId);
      BuildingUse use = BuildingUse::Other;
      if (!(building && buildingUseFromName(*building, use))) use = buildingUseOf(tags);
      for (const core::Polygon& part : f.polygons)
        site.buildings.push_back(makeBuilding(f, tags, part, h, sourceFile, building ? *building : "yes", use));
    } else if (const std::string* part = tag(tags, "building:part");
               autoRole && !isBuildingTag && !osmRelationCollection && part && *part != "no") {
      // Simple 3D Buildings: a part (podium, tower) with its own height and min height. GDAL's
      // OSM driver gives a closed way tagged only building:part as a line: its ring is the part.
      std::vector<core::Polygon> polygons;
      if (f.kind == geo::FeatureKind::Polygon) {
        polygons = f.polygons;
      } else if (f.kind == geo::FeatureKind::Line) {
        const bool closed =
            f.line.size() >= 4 && f.line.front().x == f.line.back().x && f.line.front().y == f.line.back().y;
        core::Ring ring;
        for (std::size_t i = 0; closed && i + 1 < f.line.size(); ++i)
          if (ring.empty() || f.line[i].x != ring.back().x || f.line[i].y != ring.back().y) ring.push_back(f.line[i]);
        if (core::signedArea(ring) < 0) std::reverse(ring.begin(), ring.end());
        if (ring.size() >= 3 && core::signedArea(ring) > 0)
          polygons.push_back(core::Polygon{ring, {}});
        else
          site.diagnostics.add(core::Severity::Warning, kInterpretWhere, sourceFile, f.layer, recordId,
                               "building:part ring not closed", "skipped");
      }
      if (!polygons.empty()) {
        const HeightResult h = buildingHeight(tags, heights, site.diagnostics, sourceFile, recordId);
        for (const core::Polygon& polygon : polygons)
          site.buildingParts.push_back(makeBuilding(f, tags, polygon, h, sourceFile, *part, buildingUseOf(tags)));
      }
      if (f.kind == geo::FeatureKind::Line) continue;  // not a road, not a POI
    } else if (autoRole && isBuildingTag && f.kind == geo::FeatureKind::Line) {
      // GDAL's OSM driver puts an unclosed way in "lines": a building outline that never closes.
      site.diagnostics.add(core::Severity::Warning, kInterpretWhere, sourceFile, f.layer, recordId,
                           "building ring not closed", "skipped");
    }

    if (f.kind == geo::FeatureKind::Line) {
      const std::string* highway = tag(tags, "highway");
      if ((autoRole && highway) || role == "roads") {
        if (f.line.size() < 2) continue;
        Road r;
        r.osmId = f.id;
        r.idKind = f.idKind;
        r.name = nameOf(tags);
        r.highway = highway ? *highway : "road";
        r.line = f.line;
        r.widthMeters = defaultRoadWidthMeters(r.highway);
        if (const std::string* w = tag(tags, "width")) {
          const auto parsed = core::parseLengthMeters(*w);
          if (parsed && *parsed >= 0.5 && *parsed <= 100)
            r.widthMeters = *parsed;
          else
            site.diagnostics.add(core::Severity::Info, kInterpretWhere, sourceFile, f.layer, recordId,
                                 "road width '" + *w + "' is not a plausible length (0.5 to 100 m)",
                                 "default width for " + r.highway + " used");
        }
        r.tags = tags;
        site.roads.push_back(std::move(r));
      }
      continue;
    }

    if (autoRole || role == "pois") {
      auto [key, value] = poiKey(tags);
      if (!key && role == "pois") key = "poi";
      if (!key) continue;
      Poi p;
      p.osmId = f.id;
      p.idKind = f.idKind;
      p.name = nameOf(tags);
      p.category = key;
      p.kind = value ? *value : std::string();
      if (f.kind == geo::FeatureKind::Point) {
        p.position = f.point;
      } else {
        p.position = core::centroid(largestPart(f.polygons).outer);
        p.fromPolygon = true;
      }
      p.tags = tags;
      site.pois.push_back(std::move(p));
    }
  }
}

namespace {

bool looksLikeOsm(const std::string& source) {
  std::string s = source;
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  auto ends = [&](const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  return ends(".osm") || ends(".pbf") || ends(".osm.bz2");
}

void addAttribution(Site& site, const LayerConfig& layer) {
  std::string attribution = layer.attribution;
  if (attribution.empty() && looksLikeOsm(layer.source)) attribution = "© OpenStreetMap contributors (ODbL)";
  if (!attribution.empty() &&
      std::find(site.attributions.begin(), site.attributions.end(), attribution) == site.attributions.end())
    site.attributions.push_back(attribution);
}

// A streamed layer's bounds in the site frame, cut to the scene's clip.
core::Result<StreamedLayer> streamedLayer(const LayerConfig& layer, const SceneConfig& config,
                                          const geo::SiteFrame& frame) {
  geo::ReadOptions options;
  options.layers = layer.ogrLayers;
  options.sourceCrs = layer.crs;
  options.datum = layer.datum;
  auto lonLat = geo::vectorExtentLonLat(layer.source, options);
  if (!lonLat) return lonLat.error();
  core::Box2 box = *lonLat;
  if (config.clipLonLat) {
    const core::Box2& c = *config.clipLonLat;
    box = core::Box2{std::max(box.minX, c.minX), std::max(box.minY, c.minY), std::min(box.maxX, c.maxX),
                     std::min(box.maxY, c.maxY)};
  }
  StreamedLayer out;
  out.layer = layer;
  out.heights = config.heights;
  if (box.minX <= box.maxX && box.minY <= box.maxY)
    for (const core::Vec2& corner : {core::Vec2{box.minX, box.minY}, core::Vec2{box.maxX, box.minY},
                                     core::Vec2{box.minX, box.maxY}, core::Vec2{box.maxX, box.maxY}}) {
      const core::Vec2 local = frame.toLocal({corner.x, corner.y});
      if (std::isfinite(local.x) && std::isfinite(local.y)) out.extent.add(local);
    }
  return out;
}

std::string fileLabel(const std::string& source) {
  const auto colon = source.find(':');
  bool connection = colon != std::string::npos && colon >= 2;
  for (std::size_t i = 0; connection && i < colon; ++i)
    connection = std::isalnum(static_cast<unsigned char>(source[i])) || source[i] == '_';
  const std::string name = std::filesystem::path(source).filename().string();
  return connection || name.empty() ? source : name;
}

}  // namespace

void linkBuildingParts(Site& site) {
  if (site.buildingParts.empty()) return;
  // Outlines in a grid of 100 m cells by their bounds, so that each part tests only its cell's.
  constexpr double kCell = 100;
  auto cellOf = [](double v) { return static_cast<long long>(std::floor(v / kCell)); };
  std::map<std::pair<long long, long long>, std::vector<std::size_t>> grid;
  for (std::size_t i = 0; i < site.buildings.size(); ++i) {
    const core::Box2 box = core::bounds(site.buildings[i].footprint.outer);
    if (box.empty()) continue;
    for (long long x = cellOf(box.minX); x <= cellOf(box.maxX); ++x)
      for (long long y = cellOf(box.minY); y <= cellOf(box.maxY); ++y) grid[{x, y}].push_back(i);
  }
  std::vector<Building> parts;
  parts.reserve(site.buildingParts.size());
  for (Building& part : site.buildingParts) {
    const core::Vec2 c = core::centroid(part.footprint.outer);
    std::int64_t best = -1;
    double bestArea = 0;
    if (core::isFinite(c)) {
      auto it = grid.find({cellOf(c.x), cellOf(c.y)});
      if (it != grid.end())
        for (std::size_t i : it->second) {
          const Building& outline = site.buildings[i];
          if (!core::contains(outline.footprint, c)) continue;
          if (best < 0 || outline.footprintAreaM2 < bestArea) {
            best = static_cast<std::int64_t>(i);
            bestArea = outline.footprintAreaM2;
          }
        }
    }
    if (best < 0) {
      site.diagnostics.add(core::Severity::Info, kInterpretWhere, part.sourceFile, "",
                           part.idKind + " " + std::to_string(part.osmId),
                           "building:part outside every building outline", "drawn as a building");
      part.buildingTag = "yes";
      site.buildings.push_back(std::move(part));
      continue;
    }
    Building& outline = site.buildings[static_cast<std::size_t>(best)];
    part.partOf = best;
    part.use = outline.use;
    ++outline.partCount;
    outline.partsTopMeters = std::max(outline.partsTopMeters, part.heightMeters);
    parts.push_back(std::move(part));
  }
  site.buildingParts = std::move(parts);
}

void applyTerrain(const geo::Heightfield& terrain, Site& site) {
  constexpr const char* kWhere = "model::applyTerrain()";
  auto report = [&](const std::string& file, const std::string& record) {
    site.diagnostics.add(core::Severity::Warning, kWhere, file, "", record, "no terrain height under the feature",
                         "elevation set to 0");
  };
  for (Building& b : site.buildings) {
    const double h = terrain.minHeightUnder(b.footprint);
    b.baseElevationMeters = std::isfinite(h) ? h : 0;
    if (!std::isfinite(h)) report(b.sourceFile, b.idKind + " " + std::to_string(b.osmId));
  }
  // A part stands where its building stands, so that podium and tower share one ground.
  for (Building& part : site.buildingParts)
    part.baseElevationMeters = site.buildings[static_cast<std::size_t>(part.partOf)].baseElevationMeters;
  for (Road& r : site.roads) {
    r.elevations.resize(r.line.size());
    bool bad = false;
    for (std::size_t i = 0; i < r.line.size(); ++i) {
      const double h = terrain.heightAt(r.line[i]);
      bad = bad || !std::isfinite(h);
      r.elevations[i] = std::isfinite(h) ? h : 0;
    }
    if (bad) report("", r.idKind + " " + std::to_string(r.osmId));
  }
  for (Poi& p : site.pois) {
    const double h = terrain.heightAt(p.position);
    p.elevationMeters = std::isfinite(h) ? h : 0;
    if (!std::isfinite(h)) report("", p.idKind + " " + std::to_string(p.osmId));
  }
}

core::Result<Site> loadSite(const SceneConfig& config, const core::ProgressFn& progress) {
  auto frame = geo::SiteFrame::create(config.origin, config.frameCrs);
  if (!frame)
    return core::fail(std::string(kLoadWhere) + ": " + config.file.filename().string() + ": " + frame.error().message);
  Site site;
  site.name = config.name;
  site.frame = frame.value();
  const std::size_t layerCount = config.layers.size();
  for (std::size_t i = 0; i < layerCount; ++i) {
    const LayerConfig& layer = config.layers[i];
    geo::ReadOptions options;
    options.layers = layer.ogrLayers;
    options.sourceCrs = layer.crs;
    options.clipLonLat = config.clipLonLat;
    options.datum = layer.datum;
    geo::ReadStats stats;
    // Stages of layer i map into [i, i+1) / layerCount so the bar moves monotonically.
    core::ProgressFn layerProgress;
    if (progress) {
      layerProgress = [&, i](std::string_view stage, double fraction) {
        progress(stage, (static_cast<double>(i) + fraction) / static_cast<double>(layerCount));
      };
    }
    if (layer.stream) {
      // Read later by the view's extent: only its bounds now, for the site's extent (the camera's
      // limits and start view). GDAL asks PostGIS for the table's extent.
      auto streamed = streamedLayer(layer, config, site.frame);
      if (!streamed)
        return core::fail(std::string(kLoadWhere) + ": layer '" + layer.id + "': " + streamed.error().message);
      site.streamedLayers.push_back(std::move(streamed).value());
      addAttribution(site, layer);
      continue;
    }
    auto features = geo::readVector(layer.source, site.frame, options, site.diagnostics, &stats, layerProgress);
    if (!features)
      return core::fail(std::string(kLoadWhere) + ": layer '" + layer.id + "': " + features.error().message);
    site.timings.readMs += stats.readMs;
    site.timings.reprojectMs += stats.reprojectMs;

    core::Stopwatch interpretClock;
    core::reportProgress(progress, "interpret", static_cast<double>(i) / static_cast<double>(layerCount));
    interpretFeatures(features.value(), layer, config.heights, fileLabel(layer.source), site);
    site.timings.interpretMs += interpretClock.elapsedMs();

    addAttribution(site, layer);
  }
  linkBuildingParts(site);
  core::reportProgress(progress, "interpret", 1.0);
  // Roads are left out unless there is nothing else: OSM exports keep whole ways, so a road
  // crossing the site can reach kilometres beyond it.
  for (const Building& b : site.buildings) site.extent.add(core::bounds(b.footprint.outer));
  for (const Poi& p : site.pois) site.extent.add(p.position);
  for (const StreamedLayer& streamed : site.streamedLayers) site.extent.add(streamed.extent);
  if (site.extent.empty())
    for (const Road& r : site.roads)
      for (const core::Vec2& p : r.line) site.extent.add(p);

  if (config.terrain) {
    core::Stopwatch terrainClock;
    core::reportProgress(progress, "terrain", 0.0);
    geo::DemOptions options;
    options.extentLocal = site.extent;
    if (options.extentLocal.empty()) options.extentLocal = core::Box2{-500, -500, 500, 500};
    options.resolutionMeters = config.terrain->resolutionMeters;
    options.marginMeters = config.terrain->marginMeters;
    options.verticalOffsetMeters = config.terrain->verticalOffsetMeters;
    auto terrain = geo::readDem(config.terrain->source, site.frame, options, site.diagnostics);
    if (!terrain) return core::fail(std::string(kLoadWhere) + ": terrain: " + terrain.error().message);
    site.terrain = std::move(terrain).value();
    applyTerrain(*site.terrain, site);
    const std::string& attribution = config.terrain->attribution;
    if (!attribution.empty() &&
        std::find(site.attributions.begin(), site.attributions.end(), attribution) == site.attributions.end())
      site.attributions.push_back(attribution);
    site.timings.terrainMs = terrainClock.elapsedMs();
    core::reportProgress(progress, "terrain", 1.0);
  }
  return site;
}

}  // namespace twin::model
