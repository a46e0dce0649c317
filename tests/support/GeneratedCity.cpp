#include "GeneratedCity.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

namespace twin::test {

namespace {

constexpr double kMetresPerDegree = 111320.0;
constexpr int kBlockSide = 4;                // buildings per block side
constexpr double kPitch = 25, kStreet = 22;  // metres
constexpr double kBlockPitch = kBlockSide * kPitch + kStreet;

int blocksPerSide(std::size_t buildings) {
  return static_cast<int>(std::ceil(std::sqrt(static_cast<double>(buildings) / (kBlockSide * kBlockSide))));
}

struct Lot {
  double x, y, width, depth;
  int levels;
  const char* use;
};

// Buildings vary in size, height and use so that LOD and colour paths are all exercised.
Lot lot(std::size_t made) {
  static const char* uses[] = {"residential", "apartments", "residential", "commercial",
                               "office",      "school",     "residential"};
  Lot l{};
  l.width = 12 + static_cast<double>(made * 7 % 9);
  l.depth = 10 + static_cast<double>(made * 5 % 8);
  l.levels = 3 + static_cast<int>(made * 37 % 28);
  l.use = uses[made % 7];
  return l;
}

struct PoiKind {
  const char* key;
  const char* value;
  const char* name;
};
// Transport, education, health, shopping, leisure and other, roughly as common as in OSM.
const PoiKind kPoiKinds[] = {{"amenity", "restaurant", "餐厅"}, {"shop", "convenience", "便利店"},
                             {"amenity", "cafe", "咖啡"},       {"highway", "bus_stop", "公交站"},
                             {"amenity", "school", "学校"},     {"amenity", "clinic", "诊所"},
                             {"shop", "supermarket", "超市"},   {"leisure", "park", "公园"},
                             {"amenity", "bank", "银行"},       {"amenity", "pharmacy", "药店"}};
constexpr std::size_t kPoiKindCount = sizeof(kPoiKinds) / sizeof(kPoiKinds[0]);

// POI i: spread along the streets (deterministic), kind by index.
core::Vec2 poiPosition(std::size_t i, int blocks) {
  const double side = blocks * kBlockPitch;
  const auto street = static_cast<int>(i * 7919 % static_cast<std::size_t>(blocks + 1));
  const double along = std::fmod(static_cast<double>(i) * 37.7, side);
  const double across = street * kBlockPitch - kStreet / 2 + ((i % 2) ? 6.0 : -6.0);
  return (i % 3 == 0) ? core::Vec2{across, along} : core::Vec2{along, across};
}

}  // namespace

double generatedCitySideMeters(std::size_t buildings) { return blocksPerSide(buildings) * kBlockPitch; }

core::Status writeGeneratedCityOsm(const std::filesystem::path& file, const GeneratedCityOptions& options) {
  std::ofstream out(file);
  if (!out) return core::fail("test::writeGeneratedCityOsm(): cannot create " + file.string());
  const double metresPerLon = kMetresPerDegree * std::cos(kGeneratedCityLat * 3.14159265358979 / 180);
  long long nextNode = 1;
  auto node = [&](double x, double y, const std::string& tags = {}) {
    char line[160];
    std::snprintf(line, sizeof line, "  <node id=\"%lld\" lat=\"%.8f\" lon=\"%.8f\" version=\"1\"", nextNode,
                  kGeneratedCityLat + y / kMetresPerDegree, kGeneratedCityLon + x / metresPerLon);
    out << line << (tags.empty() ? "/>\n" : ">\n" + tags + "  </node>\n");
    return nextNode++;
  };
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<osm version=\"0.6\" generator=\"twin tests\">\n";
  const int blocks = blocksPerSide(options.buildings);
  std::vector<std::pair<std::vector<long long>, std::string>> ways;
  std::size_t made = 0;
  for (int by = 0; by < blocks && made < options.buildings; ++by)
    for (int bx = 0; bx < blocks && made < options.buildings; ++bx)
      for (int j = 0; j < kBlockSide * kBlockSide && made < options.buildings; ++j, ++made) {
        const double x = bx * kBlockPitch + (j % kBlockSide) * kPitch, y = by * kBlockPitch + (j / kBlockSide) * kPitch;
        const Lot l = lot(made);
        std::vector<long long> refs = {node(x, y), node(x + l.width, y), node(x + l.width, y + l.depth),
                                       node(x, y + l.depth)};
        refs.push_back(refs.front());
        ways.push_back({refs, std::string("    <tag k=\"building\" v=\"") + l.use +
                                  "\"/>\n    <tag k=\"building:levels\" v=\"" + std::to_string(l.levels) + "\"/>\n"});
      }
  const double length = blocks * kBlockPitch;
  for (int i = 0; i <= blocks; ++i) {
    const double c = i * kBlockPitch - kStreet / 2;
    const std::string tags =
        std::string("    <tag k=\"highway\" v=\"") + (i % 5 == 0 ? "secondary" : "residential") + "\"/>\n";
    ways.push_back({{node(-kStreet, c), node(length, c)}, tags});
    ways.push_back({{node(c, -kStreet), node(c, length)}, tags});
  }
  const auto pois = static_cast<std::size_t>(std::llround(options.poisPerBuilding * double(options.buildings)));
  for (std::size_t i = 0; i < pois; ++i) {
    const PoiKind& kind = kPoiKinds[i % kPoiKindCount];
    std::string tags = std::string("    <tag k=\"") + kind.key + "\" v=\"" + kind.value + "\"/>\n";
    if (i % 3 == 0) tags += std::string("    <tag k=\"name\" v=\"") + kind.name + std::to_string(i) + "\"/>\n";
    const core::Vec2 p = poiPosition(i, blocks);
    node(p.x, p.y, tags);
  }
  long long wayId = 1;
  for (const auto& [refs, tags] : ways) {
    out << "  <way id=\"" << wayId++ << "\" version=\"1\">\n";
    for (long long ref : refs) out << "    <nd ref=\"" << ref << "\"/>\n";
    out << tags << "  </way>\n";
  }
  out << "</osm>\n";
  out.flush();
  if (!out) return core::fail("test::writeGeneratedCityOsm(): cannot write " + file.string());
  return core::Ok{};
}

model::Site generatedCitySite(const GeneratedCityOptions& options) {
  model::Site site;
  site.name = "generated city";
  const int blocks = blocksPerSide(options.buildings);
  static const model::BuildingUse uses[] = {model::BuildingUse::Residential, model::BuildingUse::Residential,
                                            model::BuildingUse::Residential, model::BuildingUse::Commercial,
                                            model::BuildingUse::Office,      model::BuildingUse::Education,
                                            model::BuildingUse::Residential};
  std::size_t made = 0;
  for (int by = 0; by < blocks && made < options.buildings; ++by)
    for (int bx = 0; bx < blocks && made < options.buildings; ++bx)
      for (int j = 0; j < kBlockSide * kBlockSide && made < options.buildings; ++j, ++made) {
        const double x = bx * kBlockPitch + (j % kBlockSide) * kPitch, y = by * kBlockPitch + (j / kBlockSide) * kPitch;
        const Lot l = lot(made);
        model::Building b;
        b.osmId = static_cast<std::int64_t>(made + 1);
        b.idKind = "way";
        b.sourceFile = "generated.osm";
        b.use = uses[made % 7];
        b.footprint.outer = {{x, y}, {x + l.width, y}, {x + l.width, y + l.depth}, {x, y + l.depth}};
        b.heightMeters = 3.0 * l.levels;
        b.footprintAreaM2 = l.width * l.depth;
        site.buildings.push_back(std::move(b));
      }
  const auto pois = static_cast<std::size_t>(std::llround(options.poisPerBuilding * double(options.buildings)));
  for (std::size_t i = 0; i < pois; ++i) {
    const PoiKind& kind = kPoiKinds[i % kPoiKindCount];
    model::Poi poi;
    poi.osmId = static_cast<std::int64_t>(i + 1);
    poi.idKind = "node";
    poi.category = kind.key;
    poi.kind = kind.value;
    if (i % 3 == 0) poi.name = kind.name + std::to_string(i);
    poi.position = poiPosition(i, blocks);
    site.pois.push_back(std::move(poi));
  }
  const double side = generatedCitySideMeters(options.buildings);
  site.extent.add(core::Vec2{-kStreet, -kStreet});
  site.extent.add(core::Vec2{side, side});
  return site;
}

}  // namespace twin::test
