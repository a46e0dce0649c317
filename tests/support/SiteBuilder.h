// Hand-made sites for analysis tests: buildings, POIs and streets in site metres, built the way
// the OSM reader would fill them in, so that each test writes only its geometry and its
// hand-worked answers.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "twin/core/Geometry.h"
#include "twin/model/Facility.h"
#include "twin/model/Site.h"

namespace twin::test {

/** A building way/`id` with footprint `outer`, its area, `use` and `levels`; `heightMeters` and
    `source` as the loader would set them (0 = no height given). */
inline model::Building building(std::int64_t id, core::Ring outer, model::BuildingUse use, double levels,
                                double heightMeters = 0, model::HeightSource source = model::HeightSource::Estimated) {
  model::Building b;
  b.osmId = id;
  b.idKind = "way";
  b.footprint.outer = std::move(outer);
  b.footprintAreaM2 = core::area(b.footprint);
  b.use = use;
  b.levels = levels;
  b.heightMeters = heightMeters;
  b.heightSource = source;
  return b;
}

/** A POI node/`id` at `at` with `tags`; its category and kind are the first tag's key and value,
    as the OSM reader sets them. */
inline model::Poi poi(std::int64_t id, core::Vec2 at, model::Tags tags, std::string name = "") {
  model::Poi p;
  p.osmId = id;
  p.idKind = "node";
  p.position = at;
  p.tags = std::move(tags);
  p.name = std::move(name);
  if (!p.tags.empty()) {
    p.category = p.tags.begin()->first;
    p.kind = p.tags.begin()->second;
  }
  return p;
}

/** A residential street way/`id` along the straight line `from`-`to`. */
inline model::Road street(std::int64_t id, core::Vec2 from, core::Vec2 to) {
  model::Road r;
  r.osmId = id;
  r.idKind = "way";
  r.highway = "residential";
  r.line = {from, to};
  return r;
}

/** The life-circle categories most analysis tests use: a kindergarten within 5 minutes and a
    primary school within 10, walking at 1.2 m/s with 30 m² of floor area per resident. */
inline model::FacilityConfig kindergartenAndSchool() {
  model::FacilityConfig c;
  c.categories = {{"kindergarten", "幼儿园", 5, true, {{"amenity", "kindergarten"}}},
                  {"primary_school", "小学", 10, true, {{"amenity", "school"}}}};
  c.walking.speedMps = 1.2;
  c.walking.floorAreaPerPersonM2 = 30;
  return c;
}

}  // namespace twin::test
