// The UI font: Noto Sans CJK SC (face 2 of NotoSansCJK-Regular.ttc) with the common simplified
// Chinese glyphs plus every glyph of the UI strings and of the site's names.
#pragma once

#include <string>
#include <vector>

#include "twin/core/Result.h"

namespace twin::ui {

/** /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc, or $TWIN_FONT when set and non-empty. */
std::string defaultFontPath();

struct FontOptions {
  std::string path;    // empty = defaultFontPath()
  int faceIndex = -1;  // -1 = 2 for a .ttc collection (Noto Sans CJK SC), else 0
  float sizePixels = 18.0f;
  std::vector<std::string> extraTexts;  // UTF-8 texts whose glyphs must be present (site names)
};

struct FontReport {
  std::string path;          // the file used; empty when the default ImGui font was used
  std::string fallbackPath;  // DejaVu Sans merged for subscripts and symbols the CJK face lacks; empty when absent
  int glyphCount = 0;        // glyphs baked into the atlas
  int atlasWidth = 0, atlasHeight = 0;
};

/** Replaces the current ImGui context's fonts and builds the atlas (needs ImGui::GetCurrentContext()).
    On success the atlas holds the CJK font. On a missing, unreadable or invalid font file the
    atlas gets ImGui's default font instead (so the UI still works, without Chinese glyphs) and an
    error is returned naming the file and the problem, e.g.
    "ui::loadFonts(): /x.ttc: cannot open font file (set TWIN_FONT to a .ttf/.otf/.ttc)".
    The caller decides whether to log it. Not thread-safe (ImGui context). */
core::Result<FontReport> loadFonts(const FontOptions& options);

/** The code points of `utf8` that the current ImGui context's font lacks (drawn as '?'), each
    once, in order of appearance. Code points past U+FFFF are never bakeable here (16-bit ImWchar)
    and are left out. Needs a built atlas. */
std::vector<unsigned> missingGlyphs(const std::string& utf8);

}  // namespace twin::ui
