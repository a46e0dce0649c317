// Hand-made sites and themes for the scene tests (no loader needed).
#pragma once

#include <algorithm>
#include <string>

#include "twin/model/SceneConfig.h"
#include "twin/model/Site.h"

namespace twin::test {

inline core::Ring squareRing(double x, double y, double size) {
  return {{x, y}, {x + size, y}, {x + size, y + size}, {x, y + size}};
}

inline model::Building makeBuilding(std::int64_t id, core::Polygon footprint, double heightMeters,
                                    model::BuildingUse use, const std::string& name = {}) {
  model::Building b;
  b.osmId = id;
  b.idKind = "way";
  b.sourceFile = "hand.osm";
  b.name = name;
  b.use = use;
  b.footprint = std::move(footprint);
  b.heightMeters = heightMeters;
  b.footprintAreaM2 = core::area(b.footprint);
  return b;
}

/** Theme with vivid, far-apart colours so snapshots can be classified by colour. */
inline model::Theme vividTheme() {
  model::Theme theme;
  theme.name = "test";
  theme.background = {0.02f, 0.02f, 0.05f, 1};
  theme.ground = {0.25f, 0.25f, 0.25f, 1};
  theme.roads = {0.6f, 0.6f, 0.6f, 1};
  theme.roadCasing = {0.1f, 0.1f, 0.1f, 1};
  theme.labels = {1, 1, 1, 1};
  theme.poi = {1, 1, 0, 1};
  const char* uses[] = {"residential", "commercial", "office",    "education", "healthcare",
                        "public",      "industrial", "transport", "religious", "other"};
  for (const char* use : uses) theme.buildingUse[use] = {0.7f, 0.7f, 0.7f, 1};
  theme.buildingUse["residential"] = {0.95f, 0.12f, 0.10f, 1};  // red
  theme.buildingUse["commercial"] = {0.10f, 0.25f, 0.95f, 1};   // blue
  return theme;
}

/** Building 0: 20 m square at (0, 0), 10 m, residential, named.
    Building 1: 30 m square at (300, 0) with a 10 m square hole in its middle, 20 m, commercial.
    Building 2: a footprint whose points are collinear (cannot be triangulated).
    One road along y = -20, two POIs (one named). */
inline model::Site handMadeSite() {
  model::Site site;
  site.name = "hand";
  site.buildings.push_back(makeBuilding(1, {squareRing(0, 0, 20), {}}, 10, model::BuildingUse::Residential, "北楼"));
  core::Ring hole = squareRing(310, 10, 10);
  std::reverse(hole.begin(), hole.end());
  site.buildings.push_back(makeBuilding(2, {squareRing(300, 0, 30), {hole}}, 20, model::BuildingUse::Commercial));
  site.buildings.push_back(makeBuilding(3, {{{100, 100}, {110, 110}, {120, 120}}, {}}, 12, model::BuildingUse::Office));
  model::Road road;
  road.osmId = 10;
  road.idKind = "way";
  road.highway = "residential";
  road.line = {{-50, -20}, {150, -20}, {350, -20}};
  site.roads.push_back(road);
  model::Poi school;
  school.osmId = 20;
  school.idKind = "node";
  school.name = "六道口小学";
  school.category = "amenity";
  school.kind = "school";
  school.position = {60, 40};
  site.pois.push_back(school);
  model::Poi bench;
  bench.osmId = 21;
  bench.idKind = "node";
  bench.category = "amenity";
  bench.kind = "bench";
  bench.position = {200, 40};
  site.pois.push_back(bench);
  for (const auto& b : site.buildings)
    for (const auto& p : b.footprint.outer) site.extent.add(p);
  for (const auto& p : road.line) site.extent.add(p);
  return site;
}

/** handMadeSite() with building 0 drawn by two building:parts: a 6 m podium over its whole
    footprint and a 10 m square tower on it, from 6 m to 40 m (above the outline's 10 m). */
inline model::Site handMadeSiteWithParts() {
  model::Site site = handMadeSite();
  model::Building podium = makeBuilding(31, {squareRing(0, 0, 20), {}}, 6, model::BuildingUse::Residential);
  model::Building tower = makeBuilding(32, {squareRing(5, 5, 10), {}}, 40, model::BuildingUse::Residential);
  tower.minHeightMeters = 6;
  podium.partOf = tower.partOf = 0;
  site.buildingParts = {podium, tower};
  site.buildings[0].partCount = 2;
  site.buildings[0].partsTopMeters = 40;
  return site;
}

}  // namespace twin::test
