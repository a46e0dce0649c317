#include "twin/analysis/OutputLayers.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace twin::analysis {

namespace {

using geo::FieldDef;
using geo::FieldType;
using geo::FieldValue;

constexpr int kLevelMinutes[3] = {5, 10, 15};

// Values are rounded as the CSV text writers round them, so that every format shows the same
// figures and GDAL's %.15g does not print float noise.
FieldValue real(double v, int decimals) {
  if (!std::isfinite(v)) return std::monostate{};
  const double scale = std::pow(10.0, decimals);
  return std::round(v * scale) / scale;
}

FieldValue integer(long long v) { return v; }
FieldValue text(const std::string& s) { return s; }

void appendRing(std::string& out, const core::Ring& ring, bool wantCcw, const ToLonLat& toLonLat) {
  std::vector<core::Vec2> pts(ring.begin(), ring.end());
  if ((core::signedArea(ring) > 0) != wantCcw) std::reverse(pts.begin(), pts.end());
  out += '(';
  char buf[64];
  for (std::size_t i = 0; i <= pts.size(); ++i) {
    const core::LonLat ll = toLonLat(pts[i % pts.size()]);
    std::snprintf(buf, sizeof buf, "%s%.7f %.7f", i ? "," : "", ll.lon, ll.lat);
    out += buf;
  }
  out += ')';
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ";") + s;
  return out;
}

}  // namespace

std::string multiPolygonWkt(const std::vector<core::Polygon>& polygons, const ToLonLat& toLonLat) {
  std::string out;
  for (const core::Polygon& p : polygons) {
    if (p.outer.size() < 3) continue;
    out += out.empty() ? "MULTIPOLYGON ((" : ",(";
    appendRing(out, p.outer, true, toLonLat);
    for (const core::Ring& h : p.holes)
      if (h.size() >= 3) {
        out += ',';
        appendRing(out, h, false, toLonLat);
      }
    out += ')';
  }
  return out.empty() ? out : out + ")";
}

OutputLayer isochroneLayer(const std::vector<IsochroneBand>& bands, const ToLonLat& toLonLat) {
  OutputLayer layer{"isochrone", {{"minutes", FieldType::Real}, {"area_m2", FieldType::Real}}, {}};
  // Largest band first, so that a map draws the small ones on top.
  for (auto it = bands.rbegin(); it != bands.rend(); ++it)
    layer.features.push_back(
        {multiPolygonWkt(it->polygons, toLonLat), {real(it->limit / 60.0, 3), real(it->areaM2, 1)}});
  return layer;
}

OutputLayer coverageLayer(const CoverageModel& model, const model::Site& site, const ToLonLat& toLonLat) {
  const auto& cats = model.config().categories;
  OutputLayer layer;
  layer.name = "coverage";
  layer.fields = {{"osm_id", FieldType::Integer},  {"id_kind", FieldType::String},
                  {"name", FieldType::String},     {"floor_area_m2", FieldType::Real},
                  {"residents", FieldType::Real},  {"on_network", FieldType::Integer},
                  {"entrance", FieldType::String}, {"snap_m", FieldType::Real}};
  for (const auto& c : cats) layer.fields.push_back({c.id + "_min", FieldType::Real});
  for (int l : kLevelMinutes) layer.fields.push_back({"level_" + std::to_string(l), FieldType::Integer});
  layer.fields.push_back({"missing", FieldType::String});
  for (int l : kLevelMinutes) layer.fields.push_back({"level_" + std::to_string(l) + "_blocked_by", FieldType::String});
  layer.fields.push_back({"level", FieldType::Integer});

  for (const BuildingCoverage& row : model.buildings()) {
    const model::Building& b = site.buildings[row.building];
    std::vector<FieldValue> v{integer(b.osmId),
                              text(b.idKind),
                              text(b.name),
                              real(row.floorAreaM2, 1),
                              real(row.residents, 1),
                              integer(row.anchor.onNetwork ? 1 : 0),
                              text(row.anchor.taggedEntrance ? "tagged" : "nearest"),
                              row.anchor.onNetwork ? real(row.anchor.offsetMeters, 1) : FieldValue{}};
    std::vector<std::string> missing;
    for (std::size_t c = 0; c < cats.size(); ++c) {
      v.push_back(real(row.minutes[c], 2));
      if (cats[c].required && !(row.minutes[c] <= cats[c].levelMinutes)) missing.push_back(cats[c].id);
    }
    for (int l = 0; l < 3; ++l) v.push_back(integer((row.levelsMet & (1u << l)) ? 1 : 0));
    // The life-circle level reached: the highest met together with every lower one.
    int level = 0;
    for (int l = 0; l < 3 && (row.levelsMet & (1u << l)); ++l) level = kLevelMinutes[l];
    v.push_back(text(joined(missing)));
    for (int l : kLevelMinutes) v.push_back(text(joined(levelBlockers(row, model.config(), l))));
    v.push_back(integer(level));
    layer.features.push_back({multiPolygonWkt({b.footprint}, toLonLat), std::move(v)});
  }
  return layer;
}

OutputLayer todCatchmentLayer(const std::vector<TodResult>& results, const model::FacilityConfig& config,
                              const ToLonLat& toLonLat) {
  OutputLayer layer;
  layer.name = "tod_catchments";
  layer.fields = {{"station_osm_id", FieldType::Integer}, {"name", FieldType::String},
                  {"radius_m", FieldType::Real},          {"on_network", FieldType::Integer},
                  {"buildings", FieldType::Integer},      {"residential_buildings", FieldType::Integer},
                  {"floor_area_m2", FieldType::Real},     {"residents", FieldType::Real},
                  {"walkable_area_m2", FieldType::Real},  {"pedshed_ratio", FieldType::Real}};
  for (const auto& c : config.categories) layer.fields.push_back({c.id, FieldType::Integer});
  // Largest radius first: a map draws the inner catchments on top.
  for (const TodResult& r : results)
    for (auto it = r.catchments.rbegin(); it != r.catchments.rend(); ++it) {
      const TodCatchment& c = *it;
      std::vector<FieldValue> v{integer(r.station.osmId),
                                text(r.station.name),
                                real(c.radiusMeters, 0),
                                integer(r.onNetwork ? 1 : 0),
                                integer(static_cast<long long>(c.buildings)),
                                integer(static_cast<long long>(c.residentialBuildings)),
                                real(c.floorAreaM2, 1),
                                real(c.residents, 1),
                                real(c.walkableAreaM2, 1),
                                real(c.pedshedRatio, 4)};
      for (std::size_t n : c.facilities) v.push_back(integer(static_cast<long long>(n)));
      layer.features.push_back({multiPolygonWkt(c.polygons, toLonLat), std::move(v)});
    }
  return layer;
}

OutputLayer todStationLayer(const std::vector<TodResult>& results, const ToLonLat& toLonLat) {
  OutputLayer layer;
  layer.name = "tod_stations";
  layer.fields = {{"station_osm_id", FieldType::Integer},
                  {"name", FieldType::String},
                  {"kind", FieldType::String},
                  {"on_network", FieldType::Integer}};
  auto point = [&](core::Vec2 p) {
    const core::LonLat ll = toLonLat(p);
    char buf[80];
    std::snprintf(buf, sizeof buf, "POINT (%.7f %.7f)", ll.lon, ll.lat);
    return std::string(buf);
  };
  for (const TodResult& r : results) {
    const FieldValue onNetwork = integer(r.onNetwork ? 1 : 0);
    layer.features.push_back(
        {point(r.station.position), {integer(r.station.osmId), text(r.station.name), text("station"), onNetwork}});
    for (const core::Vec2& e : r.station.entrances)
      layer.features.push_back(
          {point(e), {integer(r.station.osmId), text(r.station.name), text("entrance"), onNetwork}});
  }
  return layer;
}

core::Status writeLayer(const std::filesystem::path& path, const OutputLayer& layer) {
  return geo::writeVectorLayer(path, layer.name, layer.fields, layer.features);
}

std::filesystem::path siblingPath(const std::filesystem::path& path, const std::string& suffix) {
  std::filesystem::path out = path;
  out.replace_filename(path.stem().string() + "_" + suffix + path.extension().string());
  return out;
}

}  // namespace twin::analysis
