#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <vector>

#include <imgui.h>

#include "TestPaths.h"
#include "twin/ui/Fonts.h"

using namespace twin::ui;

namespace {

struct Context {
  Context() : ctx(ImGui::CreateContext()) { ImGui::GetIO().IniFilename = nullptr; }
  ~Context() { ImGui::DestroyContext(ctx); }
  ImGuiContext* ctx;
};

constexpr const char* kNoto = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";

bool hasGlyph(unsigned codepoint) {
  ImFontAtlas& atlas = *ImGui::GetIO().Fonts;
  return atlas.Fonts.Size > 0 && atlas.Fonts[0]->FindGlyphNoFallback(ImWchar(codepoint)) != nullptr;
}

void writeBytes(const std::filesystem::path& p, const std::vector<char>& bytes) {
  std::ofstream out(p, std::ios::binary);
  out.write(bytes.data(), std::streamsize(bytes.size()));
}

}  // namespace

TEST_CASE("CJK font loads with UI strings and site names", "[ui]") {
  // 璟 (U+749F) is outside ImGui's common simplified Chinese set but in Noto Sans CJK SC, so
  // its presence shows that extraTexts reached the glyph ranges.
  Context c;
  FontOptions options;
  options.path = kNoto;
  auto plain = loadFonts(options);
  REQUIRE(plain.ok());
  CHECK(plain->path == kNoto);
  CHECK(plain->glyphCount > 2500);
  CHECK(hasGlyph(0x5EFA));  // 建, from the common set and from the UI strings
  CHECK(hasGlyph(0x00A9));  // ©, attribution
  CHECK_FALSE(hasGlyph(0x749F));

  options.extraTexts = {"璟园小区"};
  auto withNames = loadFonts(options);
  REQUIRE(withNames.ok());
  CHECK(hasGlyph(0x749F));
  CHECK(withNames->glyphCount == plain->glyphCount + 1);
  CHECK(ImGui::GetIO().Fonts->IsBuilt());
  CHECK(withNames->atlasWidth <= 2048);
}

TEST_CASE("traditional characters (OSM zh-Hant names) render when the texts ask for them", "[ui]") {
  // Names tagged name:zh-Hant (or a traditional name) are in the site's names, which the viewer
  // passes as extraTexts: their glyphs are baked from the same Noto Sans CJK face.
  Context c;
  FontOptions options;
  options.path = kNoto;
  const std::string traditional = "錢塘江 醫院 體育館 鐵路 臺灣";
  REQUIRE(loadFonts(options).ok());
  CHECK_FALSE(missingGlyphs(traditional).empty());  // beyond the common simplified set
  options.extraTexts = {traditional};
  REQUIRE(loadFonts(options).ok());
  CHECK(missingGlyphs(traditional).empty());
  CHECK(hasGlyph(0x91AB));  // 醫
}

TEST_CASE("missing font: clear error and fallback to the default font", "[ui]") {
  Context c;
  FontOptions options;
  options.path = "/nonexistent/font.ttc";
  auto r = loadFonts(options);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message ==
        "ui::loadFonts(): /nonexistent/font.ttc: cannot open font file (set TWIN_FONT to a .ttf/.otf/.ttc)");
  ImFontAtlas& atlas = *ImGui::GetIO().Fonts;
  CHECK(atlas.IsBuilt());
  REQUIRE(atlas.Fonts.Size == 1);
  CHECK(hasGlyph('A'));
}

TEST_CASE("TWIN_FONT overrides the font path", "[ui]") {
  const char* old = std::getenv("TWIN_FONT");
  const std::string saved = old ? old : "";
  setenv("TWIN_FONT", "/nonexistent/override.ttf", 1);
  CHECK(defaultFontPath() == "/nonexistent/override.ttf");
  {
    Context c;
    auto r = loadFonts(FontOptions{});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message ==
          "ui::loadFonts(): /nonexistent/override.ttf: cannot open font file (set TWIN_FONT to a .ttf/.otf/.ttc)");
  }
  setenv("TWIN_FONT", "", 1);
  CHECK(defaultFontPath() == kNoto);
  if (old)
    setenv("TWIN_FONT", saved.c_str(), 1);
  else
    unsetenv("TWIN_FONT");
}

TEST_CASE("garbage and truncated font files are errors, never crashes", "[ui]") {
  twin::test::TempDir dir("ui-fonts");
  Context c;
  const auto garbage = dir.path() / "garbage.ttf";
  writeBytes(garbage, std::vector<char>(4096, 'x'));
  FontOptions options;
  options.path = garbage.string();
  auto r = loadFonts(options);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message ==
        "ui::loadFonts(): " + garbage.string() + ": not a TrueType/OpenType font (set TWIN_FONT to a .ttf/.otf/.ttc)");

  options.faceIndex = 12;
  options.path = kNoto;
  r = loadFonts(options);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message ==
        std::string("ui::loadFonts(): ") + kNoto +
            ": font collection has 10 faces, face 12 requested (set TWIN_FONT to a .ttf/.otf/.ttc)");

  std::ifstream in(kNoto, std::ios::binary);
  std::vector<char> head(65536);
  in.read(head.data(), std::streamsize(head.size()));
  REQUIRE(in);
  const auto truncated = dir.path() / "truncated.ttc";
  for (std::size_t size : {0, 3, 11, 12, 16, 40, 200, 1000, 4000, 65536}) {
    writeBytes(truncated, std::vector<char>(head.begin(), head.begin() + std::ptrdiff_t(size)));
    FontOptions t;
    t.path = truncated.string();
    auto tr = loadFonts(t);
    INFO("size " << size);
    REQUIRE_FALSE(tr.ok());
    CHECK(tr.error().message.rfind("ui::loadFonts(): " + truncated.string() + ": ", 0) == 0);
    CHECK(ImGui::GetIO().Fonts->IsBuilt());
  }
}

TEST_CASE("subscript digits of pollutant names come from the merged fallback font", "[ui]") {
  Context c;
  FontOptions options;
  options.path = kNoto;
  options.extraTexts = {"奥体中心站 NO₂", "O₃"};
  auto report = loadFonts(options);
  REQUIRE(report.ok());
  CHECK(report->fallbackPath == "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf");
  CHECK(hasGlyph(0x2082));  // ₂
  CHECK(hasGlyph(0x2083));  // ₃
  CHECK(hasGlyph(0x5965));  // 奥, still from the CJK face
}
