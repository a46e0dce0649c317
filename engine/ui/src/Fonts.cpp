#include "twin/ui/Fonts.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>

#include <imgui.h>
#include <imgui_internal.h>  // ImTextCharFromUtf8

#include "twin/ui/I18n.h"

namespace twin::ui {
namespace {

constexpr const char* kNotoCjk = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc";
constexpr const char* kFallbackFont = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";  // fonts-dejavu-core

std::uint32_t readU32(const std::vector<unsigned char>& d, std::size_t at) {
  return (std::uint32_t(d[at]) << 24) | (std::uint32_t(d[at + 1]) << 16) | (std::uint32_t(d[at + 2]) << 8) |
         std::uint32_t(d[at + 3]);
}
std::uint16_t readU16(const std::vector<unsigned char>& d, std::size_t at) {
  return std::uint16_t((d[at] << 8) | d[at + 1]);
}

bool endsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// stb_truetype trusts its input and ImGui asserts on a face it cannot find, so the font is
// checked here first: a valid sfnt header at the face's offset whose table directory lies
// inside the file. Returns an empty string when fine, else what is wrong.
std::string checkFontData(const std::vector<unsigned char>& data, int faceIndex) {
  if (data.size() < 12) return "file too short to be a font";
  std::size_t offset = 0;
  const std::uint32_t tag = readU32(data, 0);
  if (tag == 0x74746366u) {  // 'ttcf'
    const std::uint32_t faces = readU32(data, 8);
    if (faceIndex < 0 || std::uint64_t(faceIndex) >= faces)
      return "font collection has " + std::to_string(faces) + " faces, face " + std::to_string(faceIndex) +
             " requested";
    const std::size_t entry = 12 + 4 * std::size_t(faceIndex);
    if (entry + 4 > data.size()) return "font collection header truncated";
    offset = readU32(data, entry);
  } else if (faceIndex != 0) {
    return "not a font collection, face " + std::to_string(faceIndex) + " requested";
  }
  if (offset + 12 > data.size()) return "font face offset beyond the end of the file";
  const std::uint32_t version = readU32(data, offset);
  if (version != 0x00010000u && version != 0x4F54544Fu /*OTTO*/ && version != 0x74727565u /*true*/)
    return "not a TrueType/OpenType font";
  const std::uint16_t tables = readU16(data, offset + 4);
  if (tables == 0) return "font has no tables";
  const std::size_t directoryEnd = offset + 12 + 16 * std::size_t(tables);
  if (directoryEnd > data.size()) return "font table directory truncated";
  for (std::size_t i = 0; i < tables; ++i) {
    const std::size_t rec = offset + 12 + 16 * i;
    const std::uint64_t tableOffset = readU32(data, rec + 8), tableLength = readU32(data, rec + 12);
    if (tableOffset + tableLength > data.size()) return "font table beyond the end of the file (truncated?)";
  }
  return {};
}

void useDefaultFont(ImFontAtlas& atlas, float sizePixels) {
  atlas.Clear();
  ImFontConfig config;
  config.SizePixels = sizePixels > 0 ? sizePixels : 13.0f;
  atlas.AddFontDefault(&config);
  atlas.Build();
}

}  // namespace

std::string defaultFontPath() {
  const char* env = std::getenv("TWIN_FONT");
  if (env && *env) return env;
  return kNotoCjk;
}

core::Result<FontReport> loadFonts(const FontOptions& options) {
  ImGuiIO& io = ImGui::GetIO();
  ImFontAtlas& atlas = *io.Fonts;
  const std::string path = options.path.empty() ? defaultFontPath() : options.path;
  const int face =
      options.faceIndex >= 0 ? options.faceIndex : (endsWith(path, ".ttc") || endsWith(path, ".TTC") ? 2 : 0);
  auto failWith = [&](const std::string& what) -> core::Result<FontReport> {
    useDefaultFont(atlas, options.sizePixels);
    return core::fail("ui::loadFonts(): " + path + ": " + what + " (set TWIN_FONT to a .ttf/.otf/.ttc)");
  };

  std::ifstream in(path, std::ios::binary);
  if (!in) return failWith("cannot open font file");
  std::vector<unsigned char> data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return failWith("cannot read font file");
  const std::string problem = checkFontData(data, face);
  if (!problem.empty()) return failWith(problem);
  if (data.size() > std::size_t(INT32_MAX)) return failWith("font file too large");

  ImFontGlyphRangesBuilder builder;
  builder.AddRanges(atlas.GetGlyphRangesChineseSimplifiedCommon());
  for (const std::string& s : allTranslations()) builder.AddText(s.c_str());
  for (const std::string& s : options.extraTexts) builder.AddText(s.c_str());
  ImVector<ImWchar> ranges;
  builder.BuildRanges(&ranges);

  atlas.Clear();
  ImFontConfig config;
  config.FontNo = face;
  config.OversampleH = 1;  // keeps ~3,000 CJK glyphs in a 1024x1024 atlas
  config.OversampleV = 1;
  config.PixelSnapH = true;
  config.FontDataOwnedByAtlas = false;  // `data` outlives the build below; input data is dropped after it
  if (!atlas.AddFontFromMemoryTTF(data.data(), int(data.size()), options.sizePixels, &config, ranges.Data))
    return failWith("ImGui could not add the font");

  // Noto Sans CJK has no subscript digits (the 2 of NO₂, the 3 of O₃) and lacks some Latin
  // symbols: merge DejaVu Sans for those. Glyphs the CJK face has keep priority, since ImGui
  // never overwrites a glyph when merging.
  static const ImWchar kFallbackRanges[] = {0x0020, 0x024F, 0x2000, 0x209F, 0x2100, 0x214F, 0};
  std::vector<unsigned char> fallbackData;
  std::ifstream fallbackIn(kFallbackFont, std::ios::binary);
  if (fallbackIn) fallbackData.assign(std::istreambuf_iterator<char>(fallbackIn), std::istreambuf_iterator<char>());
  const bool haveFallback =
      !fallbackData.empty() && checkFontData(fallbackData, 0).empty() && fallbackData.size() <= std::size_t(INT32_MAX);
  if (haveFallback) {
    ImFontConfig merge;
    merge.MergeMode = true;
    merge.OversampleH = 1;
    merge.OversampleV = 1;
    merge.PixelSnapH = true;
    merge.FontDataOwnedByAtlas = false;
    atlas.AddFontFromMemoryTTF(fallbackData.data(), int(fallbackData.size()), options.sizePixels, &merge,
                               kFallbackRanges);
  }
  if (!atlas.Build()) return failWith("ImGui could not build the font atlas from this face");
  // The baked glyphs are all that is needed from here on; dropping the input frees the
  // reference to `data` and `ranges` before they go out of scope.
  atlas.ClearInputData();

  FontReport report;
  report.path = path;
  report.fallbackPath = haveFallback ? kFallbackFont : "";
  report.glyphCount = atlas.Fonts.Size > 0 ? atlas.Fonts[0]->Glyphs.Size : 0;
  report.atlasWidth = atlas.TexWidth;
  report.atlasHeight = atlas.TexHeight;
  return report;
}

std::vector<unsigned> missingGlyphs(const std::string& utf8) {
  std::vector<unsigned> missing;
  // The atlas's font, which is the one drawn (ImGui::GetFont() is set only inside a frame).
  const ImGuiIO& io = ImGui::GetIO();
  const ImFont* font = io.FontDefault ? io.FontDefault : (io.Fonts->Fonts.Size > 0 ? io.Fonts->Fonts[0] : nullptr);
  const char* p = utf8.c_str();
  const char* end = p + utf8.size();
  while (p < end) {
    unsigned int c = 0;
    const int n = ImTextCharFromUtf8(&c, p, end);
    if (n <= 0) break;
    p += n;
    if (c < 0x20 || c > 0xFFFF || c == IM_UNICODE_CODEPOINT_INVALID) continue;
    if (!font || !font->FindGlyphNoFallback(static_cast<ImWchar>(c)))
      if (std::find(missing.begin(), missing.end(), c) == missing.end()) missing.push_back(c);
  }
  return missing;
}

}  // namespace twin::ui
