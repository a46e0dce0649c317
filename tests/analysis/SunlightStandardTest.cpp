#include <catch2/catch.hpp>

#include "twin/analysis/SunlightStandard.h"

using namespace twin;

TEST_CASE("sunlight standards: GB 50180-2018 Table 4.0.9 rows and errors", "[analysis][sunlight]") {
  auto hz = analysis::sunlightStandard("gb50180-I-II-III-VII-large");
  REQUIRE(hz);
  CHECK(hz->day == analysis::StandardDay::GreatCold);
  CHECK(hz->minHours == 2);
  CHECK(hz->windowStartHours == 8);
  CHECK(hz->windowEndHours == 16);
  auto small = analysis::sunlightStandard("gb50180-IV-small");
  REQUIRE(small);
  CHECK(small->day == analysis::StandardDay::WinterSolstice);
  CHECK(small->minHours == 1);
  CHECK(small->windowStartHours == 9);
  CHECK(small->windowEndHours == 15);
  CHECK(analysis::sunlightStandards().size() == 6);

  auto bad = analysis::sunlightStandard("gb50180-IIII");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message ==
        "analysis::sunlightStandard(): unknown standard 'gb50180-IIII'; known: gb50180-I-II-III-VII-large, "
        "gb50180-I-II-III-VII-small, gb50180-IV-large, gb50180-IV-small, gb50180-V-VI, gb50180-renewal");

  auto none = analysis::sceneSunlightStandard("", "x.json");
  REQUIRE(none);
  CHECK_FALSE(none->has_value());
  auto picked = analysis::sceneSunlightStandard(R"({"standard": "gb50180-V-VI", "_note": "Kunming"})", "x.json");
  REQUIRE(picked);
  REQUIRE(picked->has_value());
  CHECK((*picked)->name == "gb50180-V-VI");

  const auto error = [](const std::string& json) {
    return analysis::sceneSunlightStandard(json, "x.json").error().message;
  };
  CHECK(error("[1]") ==
        "analysis::sceneSunlightStandard(): x.json: key 'sunlight': expected an object such as "
        "{\"standard\": \"NAME\"}");
  CHECK(error(R"({"standrd": "x"})") ==
        "analysis::sceneSunlightStandard(): x.json: key 'sunlight': unknown key 'standrd'");
  CHECK(error(R"({"standard": 2})") ==
        "analysis::sceneSunlightStandard(): x.json: key 'sunlight.standard': expected a string");
  CHECK(error(R"({"standard": "nope"})")
            .rfind("x.json: key 'sunlight.standard': analysis::sunlightStandard(): unknown standard 'nope'", 0) == 0);
}
