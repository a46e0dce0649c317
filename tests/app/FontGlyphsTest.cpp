// Runtime text (a picked model's attributes) may hold characters the panel font's atlas was not
// built with; the overlay bakes them in before the next frame instead of drawing '?'.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>

#include <imgui.h>
#include <osg/Group>
#include <osg/Image>

#include "twin/app/HeadlessRenderer.h"
#include "twin/app/ImGuiOverlay.h"
#include "twin/ui/Fonts.h"

using namespace twin;

namespace {

// Pixels brighter than mid-grey: the text, drawn light on the black clear colour.
std::size_t litPixels(const osg::Image& image) {
  std::size_t n = 0;
  for (int y = 0; y < image.t(); ++y)
    for (int x = 0; x < image.s(); ++x) {
      const unsigned char* p = image.data(x, y);
      if (p[0] + p[1] + p[2] > 3 * 128) ++n;
    }
  return n;
}

}  // namespace

TEST_CASE("ImGuiOverlay bakes the glyphs of runtime text before the next frame", "[app][render]") {
  unsetenv("DISPLAY");
  auto created = app::HeadlessRenderer::create(200, 80);
  INFO((created.ok() ? std::string() : created.error().message));
  REQUIRE(created.ok());
  app::HeadlessRenderer& renderer = *created.value();
  osgViewer::Viewer& viewer = renderer.viewer();
  viewer.getCamera()->setClearColor(osg::Vec4(0, 0, 0, 1));
  viewer.setSceneData(new osg::Group);

  // 曌 (U+66CC) is in Noto Sans CJK SC but not among ImGui's common simplified characters.
  const std::string rare = "曌曌曌";
  osg::ref_ptr<app::ImGuiOverlay> overlay = new app::ImGuiOverlay(ui::FontOptions{});
  REQUIRE(overlay->fontError().empty());
  overlay->install(viewer, [&] {
    ImGui::SetNextWindowPos(ImVec2(10, 10));
    ImGui::SetNextWindowSize(ImVec2(180, 60));
    ImGui::Begin("text", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoBackground);
    ImGui::TextUnformatted(rare.c_str());
    ImGui::End();
  });
  ImGui::SetCurrentContext(overlay->context());
  REQUIRE(ui::missingGlyphs(rare) == std::vector<unsigned>{0x66CC});
  const int glyphsBefore = overlay->fontReport().glyphCount;

  renderer.renderFrame();
  const std::size_t fallback = litPixels(*renderer.capture());  // three '?'

  overlay->requireTexts({rare, "plain ASCII is there already"});
  renderer.renderFrame();
  const std::size_t baked = litPixels(*renderer.capture());
  CHECK(overlay->fontRebuilds() == 1);
  ImGui::SetCurrentContext(overlay->context());
  CHECK(ui::missingGlyphs(rare).empty());
  CHECK(overlay->fontReport().glyphCount == glyphsBefore + 1);
  // The real glyph has far more strokes than '?', and it comes from the new texture.
  INFO("lit pixels: '?' " << fallback << ", baked " << baked);
  CHECK(fallback > 20);
  CHECK(baked > 2 * fallback);

  // Asked for once only: text the font has, or glyphs the font file lacks (U+E000, private use),
  // rebuild nothing the second time.
  overlay->requireTexts({rare});
  renderer.renderFrame();
  CHECK(overlay->fontRebuilds() == 1);
  overlay->requireTexts({"\xEE\x80\x80"});
  renderer.renderFrame();
  CHECK(overlay->fontRebuilds() == 2);
  overlay->requireTexts({"\xEE\x80\x80"});
  renderer.renderFrame();
  CHECK(overlay->fontRebuilds() == 2);
  overlay->releaseGraphics();
}

TEST_CASE("ui::missingGlyphs: each missing code point once; invalid and astral input is skipped", "[app]") {
  osg::ref_ptr<app::ImGuiOverlay> overlay = new app::ImGuiOverlay(ui::FontOptions{});
  REQUIRE(overlay->fontError().empty());
  ImGui::SetCurrentContext(overlay->context());
  CHECK(ui::missingGlyphs("").empty());
  CHECK(ui::missingGlyphs("六道口 PM2.5 25 µg/m3").empty());
  CHECK(ui::missingGlyphs("曌a曌\xEE\x80\x80") == std::vector<unsigned>{0x66CC, 0xE000});
  CHECK(ui::missingGlyphs("\xF0\x9F\x98\x80").empty());  // U+1F600: past what a 16-bit atlas holds
  CHECK(ui::missingGlyphs("\xFF\xFE broken").empty());   // not UTF-8: nothing to bake
}
