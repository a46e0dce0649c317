#include "twin/app/SiteInfo.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include <nlohmann/json.hpp>

#include "twin/core/TextFormat.h"

namespace twin::app {

SiteSummary summarizeSite(const model::Site& site, const model::SceneConfig& config, double loadMs) {
  SiteSummary s;
  s.name = site.name.empty() ? config.name : site.name;
  s.file = config.file.string();
  s.buildings = site.buildings.size();
  s.buildingParts = site.buildingParts.size();
  for (const model::Building& b : site.buildings) s.buildingsWithParts += b.partCount > 0 ? 1 : 0;
  s.roads = site.roads.size();
  s.pois = site.pois.size();
  for (const model::Building& b : site.buildings) {
    ++s.buildingsByUse[model::buildingUseName(b.use)];
    ++s.buildingsByTag[b.buildingTag.empty() ? "(none)" : b.buildingTag];
    ++s.heightsBySource[model::heightSourceName(b.heightSource)];
  }
  for (const model::Road& r : site.roads) ++s.roadsByHighway[r.highway.empty() ? "(none)" : r.highway];
  for (const model::Poi& p : site.pois) {
    ++s.poisByCategory[p.category];
    ++s.poisByKind[p.category][p.kind];
  }
  s.extentLocal = site.extent;
  if (!site.extent.empty()) {
    // The local frame is conformal near the site, so the box's corners bound it in WGS84
    // within centimetres; all four are taken because a projected frame can be rotated.
    const core::LonLat corners[] = {site.frame.toLonLat({site.extent.minX, site.extent.minY}),
                                    site.frame.toLonLat({site.extent.maxX, site.extent.minY}),
                                    site.frame.toLonLat({site.extent.minX, site.extent.maxY}),
                                    site.frame.toLonLat({site.extent.maxX, site.extent.maxY})};
    s.extentMinLonLat = s.extentMaxLonLat = corners[0];
    for (const core::LonLat& c : corners) {
      s.extentMinLonLat.lon = std::min(s.extentMinLonLat.lon, c.lon);
      s.extentMinLonLat.lat = std::min(s.extentMinLonLat.lat, c.lat);
      s.extentMaxLonLat.lon = std::max(s.extentMaxLonLat.lon, c.lon);
      s.extentMaxLonLat.lat = std::max(s.extentMaxLonLat.lat, c.lat);
    }
  }
  s.frameCrs = site.frame.frameCrs();
  s.origin = site.frame.origin();
  s.diagnosticsTotal = site.diagnostics.total();
  for (const core::Diagnostic& d : site.diagnostics.items()) {
    if (s.firstDiagnostics.size() >= 10) break;
    s.firstDiagnostics.push_back(core::formatDiagnostic(d));
  }
  s.timings = site.timings;
  s.loadMs = loadMs;
  s.attributions = site.attributions;
  for (const model::StreamedLayer& layer : site.streamedLayers) {
    const model::StreamConfig c = layer.layer.stream.value_or(model::StreamConfig{});
    s.streamed.push_back({layer.layer.id, c.tileMeters, c.radiusMeters, c.maxTiles});
  }
  return s;
}

std::string summaryJson(const SiteSummary& s) {
  using nlohmann::json;
  // NaN would make the JSON invalid; a failed transform is written as null instead.
  auto number = [](double v) { return std::isfinite(v) ? json(v) : json(nullptr); };
  json j;
  j["name"] = s.name;
  j["file"] = s.file;
  j["buildings"] = {{"total", s.buildings},      {"parts", s.buildingParts},  {"withParts", s.buildingsWithParts},
                    {"byUse", s.buildingsByUse}, {"byTag", s.buildingsByTag}, {"heightSource", s.heightsBySource}};
  j["streamedLayers"] = json::array();
  for (const SiteSummary::Streamed& l : s.streamed)
    j["streamedLayers"].push_back(
        {{"id", l.id}, {"tileMeters", l.tileMeters}, {"radiusMeters", l.radiusMeters}, {"maxTiles", l.maxTiles}});
  j["roads"] = {{"total", s.roads}, {"byHighway", s.roadsByHighway}};
  j["pois"] = {{"total", s.pois}, {"byCategory", s.poisByCategory}, {"byKind", s.poisByKind}};
  if (s.extentLocal.empty()) {
    j["extent"] = nullptr;
  } else {
    j["extent"] = {{"local",
                    {{"minX", number(s.extentLocal.minX)},
                     {"minY", number(s.extentLocal.minY)},
                     {"maxX", number(s.extentLocal.maxX)},
                     {"maxY", number(s.extentLocal.maxY)}}},
                   {"wgs84",
                    {{"minLon", number(s.extentMinLonLat.lon)},
                     {"minLat", number(s.extentMinLonLat.lat)},
                     {"maxLon", number(s.extentMaxLonLat.lon)},
                     {"maxLat", number(s.extentMaxLonLat.lat)}}}};
  }
  j["frame"] = {{"crs", s.frameCrs}, {"originLon", number(s.origin.lon)}, {"originLat", number(s.origin.lat)}};
  j["diagnostics"] = {{"total", s.diagnosticsTotal}, {"first", s.firstDiagnostics}};
  j["timings"] = {{"readMs", number(s.timings.readMs)},
                  {"reprojectMs", number(s.timings.reprojectMs)},
                  {"interpretMs", number(s.timings.interpretMs)},
                  {"loadMs", number(s.loadMs)}};
  j["attributions"] = s.attributions;
  // Replace invalid UTF-8 from source data rather than throwing from dump().
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

namespace {

template <class Map>
void writeCounts(std::ostringstream& out, const char* title, const Map& counts) {
  std::vector<std::pair<std::string, std::size_t>> sorted(counts.begin(), counts.end());
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  out << "  " << title << ":";
  const char* sep = " ";
  for (const auto& [key, count] : sorted) {
    out << sep << key << ' ' << count;
    sep = ", ";
  }
  out << '\n';
}

using core::fixed;

}  // namespace

std::string summaryText(const SiteSummary& s) {
  std::ostringstream out;
  out << "site: " << s.name << " (" << s.file << ")\n";
  out << "buildings: " << s.buildings << '\n';
  if (s.buildingParts > 0)
    out << "building parts: " << s.buildingParts << " (building:part, drawn for " << s.buildingsWithParts
        << " buildings)\n";
  writeCounts(out, "by use", s.buildingsByUse);
  writeCounts(out, "by building tag", s.buildingsByTag);
  writeCounts(out, "height source", s.heightsBySource);
  for (const SiteSummary::Streamed& l : s.streamed)
    out << "streamed buildings layer '" << l.id << "': read by the view's extent when drawn (tiles of "
        << fixed(l.tileMeters, 0) << " m within " << fixed(l.radiusMeters, 0) << " m, at most " << l.maxTiles
        << "), not counted here\n";
  out << "roads: " << s.roads << '\n';
  writeCounts(out, "by highway", s.roadsByHighway);
  out << "pois: " << s.pois << '\n';
  for (const auto& [category, kinds] : s.poisByKind) {
    out << "  " << category << ' ' << s.poisByCategory.at(category) << ':';
    std::string sep = " ";
    for (const auto& [kind, count] : kinds) {
      out << sep << kind << ' ' << count;
      sep = ", ";
    }
    out << '\n';
  }
  if (s.extentLocal.empty()) {
    out << "extent: empty\n";
  } else {
    out << "extent (site frame, m): x " << fixed(s.extentLocal.minX, 1) << " .. " << fixed(s.extentLocal.maxX, 1)
        << ", y " << fixed(s.extentLocal.minY, 1) << " .. " << fixed(s.extentLocal.maxY, 1) << " ("
        << fixed(s.extentLocal.width(), 0) << " x " << fixed(s.extentLocal.height(), 0) << " m)\n";
    out << "extent (WGS84): lon " << fixed(s.extentMinLonLat.lon, 6) << " .. " << fixed(s.extentMaxLonLat.lon, 6)
        << ", lat " << fixed(s.extentMinLonLat.lat, 6) << " .. " << fixed(s.extentMaxLonLat.lat, 6) << '\n';
  }
  out << "frame: " << s.frameCrs << ", origin lon " << fixed(s.origin.lon, 6) << " lat " << fixed(s.origin.lat, 6)
      << '\n';
  out << "diagnostics: " << s.diagnosticsTotal << '\n';
  for (const std::string& d : s.firstDiagnostics) out << "  " << d << '\n';
  if (s.diagnosticsTotal > s.firstDiagnostics.size())
    out << "  and " << s.diagnosticsTotal - s.firstDiagnostics.size() << " more\n";
  out << "timings (ms): read " << fixed(s.timings.readMs, 1) << ", reproject " << fixed(s.timings.reprojectMs, 1)
      << ", interpret " << fixed(s.timings.interpretMs, 1) << ", total load " << fixed(s.loadMs, 1) << '\n';
  for (const std::string& a : s.attributions) out << "data: " << a << '\n';
  return out.str();
}

}  // namespace twin::app
