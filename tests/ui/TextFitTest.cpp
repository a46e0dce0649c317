#include <catch2/catch.hpp>

#include <string>

#include "twin/ui/TextFit.h"

using namespace twin::ui;

namespace {
// 10 px per character (UTF-8 characters, not bytes).
float tenPerChar(const std::string& text) {
  float n = 0;
  for (char c : text)
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) n += 10;
  return n;
}
}  // namespace

TEST_CASE("elideText: fits, cut with dots, never inside a character", "[ui]") {
  CHECK(elideText("water level", 110, tenPerChar) == "water level");  // fits exactly
  CHECK(elideText("water level", 100, tenPerChar) == "water l...");   // 7 characters + "..."
  CHECK(elideText("water level", 40, tenPerChar) == "w...");
  CHECK(elideText("water level", 30, tenPerChar) == "...");  // only the dots fit
  CHECK(elideText("water level", 29, tenPerChar).empty());   // not even the dots
  CHECK(elideText("water level", 0, tenPerChar).empty());
  CHECK(elideText("", 0, tenPerChar).empty());
  // Chinese: three bytes a character; the cut falls between characters.
  CHECK(elideText("地下车库水位超限", 80, tenPerChar) == "地下车库水位超限");  // eight characters fit
  CHECK(elideText("地下车库水位超限", 79, tenPerChar) == "地下车库...");
  CHECK(elideText("地下车库水位超限", 79, tenPerChar).size() == 4 * 3 + 3);
  // Every result fits, for every width.
  const std::string text = "丰瑞北苑 garage water level 积水 (simulated)";
  for (float width = 0; width < 500; width += 7) {
    const std::string shown = elideText(text, width, tenPerChar);
    INFO("width " << width << ": " << shown);
    CHECK(tenPerChar(shown) <= width);
  }
}
