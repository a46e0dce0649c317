// Facility categories and the scene's "facilities"/"walking" keys.
#include <catch2/catch.hpp>

#include "twin/model/Facility.h"

using namespace twin;
using namespace twin::model;

namespace {

std::size_t indexOf(const FacilityConfig& c, const std::string& id) {
  for (std::size_t i = 0; i < c.categories.size(); ++i)
    if (c.categories[i].id == id) return i;
  return c.categories.size();
}

std::string error(const std::string& json) {
  auto r = parseFacilityConfig(json, "scenes/x.json");
  REQUIRE_FALSE(r.ok());
  return r.error().message;
}

}  // namespace

TEST_CASE("default mapping assigns GB 50180 levels", "[analysis]") {
  const FacilityConfig c = defaultFacilityConfig();
  for (const char* id : {"kindergarten", "primary_school", "middle_school", "health_station", "health_centre",
                         "elderly_day_care", "grocery", "market", "sports_ground", "park", "cultural_centre",
                         "community_service", "bus_stop", "metro_station"})
    CHECK(indexOf(c, id) < c.categories.size());
  CHECK(c.categories[indexOf(c, "kindergarten")].levelMinutes == 5);
  CHECK(c.categories[indexOf(c, "primary_school")].levelMinutes == 10);
  CHECK(c.categories[indexOf(c, "middle_school")].levelMinutes == 15);
  CHECK(c.categories[indexOf(c, "metro_station")].levelMinutes == 15);
  // A supermarket serves both the 5-minute shop and the 10-minute fresh market.
  const auto m = matchFacilityCategories(c, {{"shop", "supermarket"}});
  REQUIRE(m.size() == 2);
  CHECK(c.categories[m[0]].id == "grocery");
  CHECK(c.categories[m[1]].id == "market");
  CHECK(matchFacilityCategories(c, {{"amenity", "restaurant"}}).empty());
}

TEST_CASE("facilities from POIs, including the loader's category/kind pair", "[analysis]") {
  const FacilityConfig c = defaultFacilityConfig();
  Poi kg;
  kg.osmId = 5;
  kg.idKind = "node";
  kg.category = "amenity";
  kg.kind = "kindergarten";
  kg.position = {10, 20};
  Poi bad = kg;
  bad.position = {std::nan(""), 0};
  const auto f = facilitiesFromPois({kg, bad}, c);
  REQUIRE(f.size() == 1);
  CHECK(c.categories[f[0].category].id == "kindergarten");
  CHECK(f[0].osmId == 5);
}

TEST_CASE("scene keys override defaults and add categories", "[analysis]") {
  auto r = parseFacilityConfig(R"({"name": "x",
      "walking": {"speed_mps": 1.0, "elderly_speed_mps": 0.7, "floor_area_per_person_m2": 40},
      "facilities": {"categories": {
         "kindergarten": {"level": 10},
         "canteen": {"label": "社区食堂", "level": 5, "tags": ["amenity=canteen", "social_facility=*"]}}}})",
                               "x.json");
  REQUIRE(r.ok());
  CHECK(r->walking.speedMps == 1.0);
  CHECK(r->walking.elderlySpeedMps == 0.7);
  CHECK(r->walking.floorAreaPerPersonM2 == 40);
  CHECK(r->walking.stepsFactor == 2.0);
  const FacilityConfig d = defaultFacilityConfig();
  REQUIRE(r->categories.size() == d.categories.size() + 1);
  CHECK(r->categories[indexOf(*r, "kindergarten")].levelMinutes == 10);
  CHECK(r->categories[indexOf(*r, "kindergarten")].rules.size() ==
        d.categories[indexOf(d, "kindergarten")].rules.size());
  const auto& canteen = r->categories.back();
  CHECK(canteen.label == "社区食堂");
  CHECK(matchFacilityCategories(*r, {{"social_facility", "group_home"}}).size() == 1);
  CHECK(matchFacilityCategories(*r, {{"social_facility", "no"}}).empty());

  auto replaced = parseFacilityConfig(
      R"({"facilities": {"replace_defaults": true, "categories": {"clinic": {"tags": ["amenity=clinic"]}}}})",
      "x.json");
  REQUIRE(replaced.ok());
  REQUIRE(replaced->categories.size() == 1);
  CHECK(replaced->categories[0].levelMinutes == 15);
  auto none = parseFacilityConfig("{}", "x.json");
  REQUIRE(none.ok());
  CHECK(none->categories.size() == d.categories.size());
}

TEST_CASE("facility config errors name the file and the key", "[analysis]") {
  CHECK(error("[1]") == "model::parseFacilityConfig(): x.json: expected a JSON object");
  CHECK(error("{\"walking\": 3}") == "model::parseFacilityConfig(): x.json: key 'walking': expected an object");
  CHECK(error("{\"walking\": {\"speed_mps\": -1}}") ==
        "model::parseFacilityConfig(): x.json: key 'walking.speed_mps': expected a positive number");
  CHECK(error("{\"walking\": {\"steps_factor\": \"2\"}}") ==
        "model::parseFacilityConfig(): x.json: key 'walking.steps_factor': expected a positive number");
  CHECK(error("{\"facilities\": []}") == "model::parseFacilityConfig(): x.json: key 'facilities': expected an object");
  CHECK(error("{\"facilities\": {\"replace_defaults\": 1}}") ==
        "model::parseFacilityConfig(): x.json: key 'facilities.replace_defaults': expected true or false");
  CHECK(error("{\"facilities\": {\"categories\": []}}") ==
        "model::parseFacilityConfig(): x.json: key 'facilities.categories': expected an object keyed by category id");
  CHECK(error("{\"facilities\": {\"categories\": {\"a\": 1}}}") ==
        "model::parseFacilityConfig(): x.json: key 'facilities.categories.a': expected an object");
  CHECK(error("{\"facilities\": {\"categories\": {\"a\": {\"level\": 7, \"tags\": [\"a=b\"]}}}}") ==
        "model::parseFacilityConfig(): x.json: key 'facilities.categories.a.level': expected 5, 10 or 15");
  CHECK(error("{\"facilities\": {\"categories\": {\"a\": {\"label\": 3}}}}") ==
        "model::parseFacilityConfig(): x.json: key 'facilities.categories.a.label': expected a string");
  CHECK(error("{\"facilities\": {\"categories\": {\"a\": {\"required\": \"yes\"}}}}") ==
        "model::parseFacilityConfig(): x.json: key 'facilities.categories.a.required': expected true or false");
  CHECK(error("{\"facilities\": {\"categories\": {\"a\": {\"tags\": \"a=b\"}}}}") ==
        "model::parseFacilityConfig(): x.json: key 'facilities.categories.a.tags': expected an array of \"key=value\" "
        "strings");
  CHECK(error("{\"facilities\": {\"categories\": {\"a\": {\"tags\": [3]}}}}") ==
        "model::parseFacilityConfig(): x.json: key 'facilities.categories.a.tags[0]': expected a \"key=value\" string");
  CHECK(error("{\"facilities\": {\"categories\": {\"a\": {\"tags\": [\"a=b\", \"=x\"]}}}}") ==
        "model::parseFacilityConfig(): x.json: key 'facilities.categories.a.tags[1]': expected \"key=value\" or "
        "\"key=*\", got '=x'");
  CHECK(error("{\"facilities\": {\"categories\": {\"a\": {\"level\": 5}}}}") ==
        "model::parseFacilityConfig(): x.json: key 'facilities.categories.a.tags': a category needs at least one tag "
        "rule");
  CHECK(error("{\"facilities\": {\"categories\": {\"\": {}}}}") ==
        "model::parseFacilityConfig(): x.json: key 'facilities.categories': empty category id");
  CHECK(error("{\"walking\": {").rfind("model::parseFacilityConfig(): x.json: not valid JSON: ", 0) == 0);
}

TEST_CASE("truncated scene text never crashes the facility parser", "[analysis]") {
  const std::string full =
      R"({"walking": {"speed_mps": 1.1}, "facilities": {"categories": {"canteen": {"label": "食堂", "level": 5, "tags": ["amenity=canteen"]}}}})";
  REQUIRE(parseFacilityConfig(full, "x.json").ok());
  for (std::size_t n = 0; n < full.size(); ++n) {
    auto r = parseFacilityConfig(full.substr(0, n), "x.json");
    CHECK_FALSE(r.ok());
  }
}
