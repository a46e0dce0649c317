#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "twin/core/Units.h"

using twin::core::parseLengthMeters;
using twin::core::parseNumber;

TEST_CASE("parseLengthMeters reads the ways OSM writes heights", "[core]") {
  struct Row {
    const char* text;
    double metres;
  };
  const Row rows[] = {
      {"12", 12.0},        {"12 m", 12.0},      {"12m", 12.0},      {"12.5", 12.5},     {" 7 ", 7.0},
      {"3,5", 3.5},        {"40'", 12.192},     {"40 ft", 12.192},  {"12'6\"", 3.8100}, {"1 km", 1000.0},
      {"250 cm", 2.5},     {"~20", 20.0},       {"ca. 15", 15.0},   {"12;15", 12.0},    {"12-15", 12.0},
      {"10 metres", 10.0}, {"10 meters", 10.0}, {"6 feet", 1.8288}, {"-3", -3.0},       {"0", 0.0},
      {"15米", 15.0},      {".5", 0.5},
  };
  for (const Row& row : rows) {
    INFO("text: '" << row.text << "'");
    const auto value = parseLengthMeters(row.text);
    REQUIRE(value.has_value());
    CHECK(*value == Approx(row.metres).margin(1e-9));
  }
}

TEST_CASE("parseLengthMeters rejects what is not a length", "[core]") {
  for (const char* text : {"", " ", "tall", "12 parsecs", "nan", "inf", "m", "12'x", "--", "'", "1e999"}) {
    INFO("text: '" << text << "'");
    CHECK_FALSE(parseLengthMeters(text).has_value());
  }
}

TEST_CASE("parseNumber reads counts and rejects text", "[core]") {
  CHECK(*parseNumber("6") == 6.0);
  CHECK(*parseNumber(" 6.5 ") == 6.5);
  CHECK(*parseNumber("5;6") == 5.0);
  CHECK(*parseNumber("-1") == -1.0);
  CHECK_FALSE(parseNumber("six").has_value());
  CHECK_FALSE(parseNumber("6 floors").has_value());
  CHECK_FALSE(parseNumber("").has_value());
}
