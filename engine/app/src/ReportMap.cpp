// Plan-view maps: an orthographic camera over the site frame (x east, y north: north is up
// without any rotation) and a pixel-space HUD camera for the title, legend, scale bar, north arrow
// and credits. Depth testing is off; draw order is the render-bin order of the layers.
#include "ReportMap.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include <osg/BlendFunc>
#include <osg/Camera>
#include <osg/Geode>
#include <osg/Geometry>
#include <osg/LineWidth>
#include <osg/MatrixTransform>
#include <osgDB/Options>
#include <osgText/Font>
#include <osgText/Text>

#include "twin/scene/Triangulate.h"

namespace twin::app {

namespace {

osg::Vec4 toVec4(const model::Color& c) { return {c.r, c.g, c.b, c.a}; }

// Every drawable of the maps: no lighting, no depth test, blending on (translucent fills), and a
// render bin number that fixes the draw order.
void flatState(osg::StateSet* state, int bin) {
  state->setMode(GL_LIGHTING, osg::StateAttribute::OFF | osg::StateAttribute::OVERRIDE);
  state->setMode(GL_DEPTH_TEST, osg::StateAttribute::OFF | osg::StateAttribute::OVERRIDE);
  state->setMode(GL_CULL_FACE, osg::StateAttribute::OFF);
  state->setMode(GL_BLEND, osg::StateAttribute::ON);
  state->setAttributeAndModes(new osg::BlendFunc(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA));
  state->setRenderBinDetails(bin, "RenderBin");
}

struct GeometryBuilder {
  osg::ref_ptr<osg::Vec3Array> vertices = new osg::Vec3Array;
  osg::ref_ptr<osg::Vec4Array> colours = new osg::Vec4Array;

  void add(core::Vec2 p, const osg::Vec4& colour) {
    vertices->push_back(osg::Vec3(float(p.x), float(p.y), 0));
    colours->push_back(colour);
  }
  osg::ref_ptr<osg::Geometry> build(GLenum mode) {
    osg::ref_ptr<osg::Geometry> g = new osg::Geometry;
    g->setUseVertexBufferObjects(true);
    g->setVertexArray(vertices.get());
    g->setColorArray(colours.get(), osg::Array::BIND_PER_VERTEX);
    g->addPrimitiveSet(new osg::DrawArrays(mode, 0, GLsizei(vertices->size())));
    return g;
  }
  bool empty() const { return vertices->empty(); }
};

// Quads as two triangles, for the HUD (pixels) and for point markers (metres).
void addQuad(GeometryBuilder& b, core::Vec2 a, core::Vec2 c, const osg::Vec4& colour) {
  const core::Vec2 corners[6] = {{a.x, a.y}, {c.x, a.y}, {c.x, c.y}, {a.x, a.y}, {c.x, c.y}, {a.x, c.y}};
  for (const core::Vec2& p : corners) b.add(p, colour);
}

void addFrame(GeometryBuilder& lines, core::Vec2 a, core::Vec2 c, const osg::Vec4& colour) {
  const core::Vec2 corners[4] = {{a.x, a.y}, {c.x, a.y}, {c.x, c.y}, {a.x, c.y}};
  for (int i = 0; i < 4; ++i) {
    lines.add(corners[i], colour);
    lines.add(corners[(i + 1) % 4], colour);
  }
}

osg::ref_ptr<osg::Geode> geodeOf(osg::ref_ptr<osg::Geometry> g, int bin, float lineWidth = 0) {
  osg::ref_ptr<osg::Geode> geode = new osg::Geode;
  geode->addDrawable(g.get());
  flatState(geode->getOrCreateStateSet(), bin);
  if (lineWidth > 0) geode->getOrCreateStateSet()->setAttributeAndModes(new osg::LineWidth(lineWidth));
  return geode;
}

const osg::Vec4 kPanel(1, 1, 1, 0.88f), kInk(0.1f, 0.1f, 0.12f, 1), kBorder(0.45f, 0.45f, 0.5f, 1);

}  // namespace

double scaleBarMeters(double maxMeters) {
  if (!(maxMeters > 0) || !std::isfinite(maxMeters)) return 0;
  const double power = std::pow(10.0, std::floor(std::log10(maxMeters)));
  for (double step : {5.0, 2.0, 1.0})
    if (step * power <= maxMeters) return step * power;
  return power;
}

struct MapRenderer::Impl {
  std::unique_ptr<HeadlessRenderer> renderer;
  osg::ref_ptr<osgText::Font> font;
  int width = 0, height = 0;

  osg::ref_ptr<osgText::Text> text(const std::string& utf8, float sizePixels, core::Vec2 at,
                                   osgText::Text::AlignmentType align) const {
    osg::ref_ptr<osgText::Text> t = new osgText::Text;
    t->setFont(font.get());
    t->setCharacterSize(sizePixels);
    t->setFontResolution(unsigned(sizePixels * 1.5f), unsigned(sizePixels * 1.5f));
    t->setAxisAlignment(osgText::Text::XY_PLANE);
    t->setAlignment(align);
    t->setColor(kInk);
    t->setPosition(osg::Vec3(float(at.x), float(at.y), 0));
    t->setText(utf8, osgText::String::ENCODING_UTF8);
    return t;
  }
  static float textWidth(osgText::Text& t) {
    const osg::BoundingBox& box = t.getBoundingBox();
    return box.valid() ? box.xMax() - box.xMin() : 0;
  }

  osg::ref_ptr<osg::Node> mapLayers(const MapSpec& map, double metresPerPixel) const;
  osg::ref_ptr<osg::Camera> hud(const MapSpec& map, double metresPerPixel) const;
};

MapRenderer::MapRenderer() : _impl(std::make_unique<Impl>()) {}
MapRenderer::~MapRenderer() = default;

core::Result<std::unique_ptr<MapRenderer>> MapRenderer::create(int width, int height, const std::string& fontPath) {
  auto renderer = HeadlessRenderer::create(width, height);
  if (!renderer) return renderer.error();
  std::unique_ptr<MapRenderer> out(new MapRenderer);
  out->_impl->renderer = std::move(renderer).value();
  out->_impl->width = width;
  out->_impl->height = height;
  // Face 2 of a .ttc collection is Noto Sans CJK SC (RENDERING-NOTES.md), as for the labels.
  const bool collection = fontPath.size() > 4 && fontPath.compare(fontPath.size() - 4, 4, ".ttc") == 0;
  osg::ref_ptr<osgDB::Options> options = collection ? new osgDB::Options("index=2") : nullptr;
  // OSG's reader searches its data path for a missing file and may hand back another font, so a
  // missing file is refused here.
  std::error_code ec;
  if (std::filesystem::is_regular_file(fontPath, ec))
    out->_impl->font = osgText::readRefFontFile(fontPath, options.get());
  if (!out->_impl->font) return core::fail("app::MapRenderer::create(): " + fontPath + ": cannot read the font");
  return out;
}

osg::ref_ptr<osg::Node> MapRenderer::Impl::mapLayers(const MapSpec& map, double metresPerPixel) const {
  osg::ref_ptr<osg::Group> group = new osg::Group;
  int bin = 1;
  // Fills, then outlines (thin to thick, so that highlights lie on top), so that a neighbour's
  // fill never hides an outline.
  GeometryBuilder fills;
  std::map<float, GeometryBuilder> outlines;
  for (const MapPolygon& p : map.polygons) {
    if (p.fill.a > 0) {
      scene::detail::Triangulation tri;
      std::string why;
      if (scene::detail::triangulateFootprint(p.polygon, tri, why))
        for (std::uint32_t index : tri.triangles) fills.add(tri.vertices[index], toVec4(p.fill));
    }
    if (p.outline.a > 0) {
      GeometryBuilder& lines = outlines[p.outlinePixels];
      auto ring = [&](const core::Ring& r) {
        for (std::size_t i = 0; i < r.size(); ++i) {
          lines.add(r[i], toVec4(p.outline));
          lines.add(r[(i + 1) % r.size()], toVec4(p.outline));
        }
      };
      ring(p.polygon.outer);
      for (const core::Ring& h : p.polygon.holes) ring(h);
    }
  }
  if (!fills.empty()) group->addChild(geodeOf(fills.build(GL_TRIANGLES), bin++));
  for (auto& [width, lines] : outlines) group->addChild(geodeOf(lines.build(GL_LINES), bin++, width));
  // Lines grouped by width, in list order.
  for (std::size_t i = 0; i < map.lines.size();) {
    GeometryBuilder lines;
    const float width = map.lines[i].widthPixels;
    for (; i < map.lines.size() && map.lines[i].widthPixels == width; ++i) {
      const MapLine& l = map.lines[i];
      for (std::size_t k = 0; k + 1 < l.points.size(); ++k) {
        lines.add(l.points[k], toVec4(l.colour));
        lines.add(l.points[k + 1], toVec4(l.colour));
      }
    }
    if (!lines.empty()) group->addChild(geodeOf(lines.build(GL_LINES), bin++, width));
  }
  GeometryBuilder markers, markerOutlines;
  for (const MapPoint& p : map.points) {
    const double h = p.sizePixels * metresPerPixel / 2;
    const osg::Vec4 c = toVec4(p.colour);
    if (p.diamond) {
      const core::Vec2 n{p.at.x, p.at.y + h * 1.4}, e{p.at.x + h * 1.4, p.at.y}, s{p.at.x, p.at.y - h * 1.4},
          w{p.at.x - h * 1.4, p.at.y};
      for (const core::Vec2& v : {n, e, s, n, s, w}) markers.add(v, c);
      for (const core::Vec2& v : {n, e, e, s, s, w, w, n}) markerOutlines.add(v, kInk);
    } else {
      addQuad(markers, {p.at.x - h, p.at.y - h}, {p.at.x + h, p.at.y + h}, c);
      addFrame(markerOutlines, {p.at.x - h, p.at.y - h}, {p.at.x + h, p.at.y + h}, kInk);
    }
  }
  if (!markers.empty()) {
    group->addChild(geodeOf(markers.build(GL_TRIANGLES), bin++));
    group->addChild(geodeOf(markerOutlines.build(GL_LINES), bin++, 1.5f));
  }
  return group;
}

osg::ref_ptr<osg::Camera> MapRenderer::Impl::hud(const MapSpec& map, double metresPerPixel) const {
  osg::ref_ptr<osg::Camera> camera = new osg::Camera;
  camera->setReferenceFrame(osg::Transform::ABSOLUTE_RF);
  camera->setProjectionMatrixAsOrtho2D(0, width, 0, height);
  camera->setViewMatrix(osg::Matrix::identity());
  camera->setClearMask(0);
  camera->setRenderOrder(osg::Camera::POST_RENDER);
  camera->setAllowEventFocus(false);
  camera->setComputeNearFarMode(osg::CullSettings::DO_NOT_COMPUTE_NEAR_FAR);

  // Sizes follow the image: a 1600-pixel-wide map gets 30 px titles and 21 px legend text.
  const float unit = float(width) / 1600.0f;
  const float margin = 16 * unit, pad = 10 * unit;
  const float titleSize = 30 * unit, legendSize = 21 * unit, creditSize = 17 * unit;
  GeometryBuilder panels, frames, swatches, swatchLines, ink;
  osg::ref_ptr<osg::Geode> texts = new osg::Geode;
  flatState(texts->getOrCreateStateSet(), 100);

  // Title, top left.
  if (!map.title.empty()) {
    auto t = text(map.title, titleSize, {margin + pad, height - margin - pad - titleSize * 0.85},
                  osgText::Text::LEFT_BASE_LINE);
    const float w = textWidth(*t);
    addQuad(panels, {margin, height - margin - titleSize - 2 * pad}, {margin + w + 2 * pad, height - margin}, kPanel);
    addFrame(frames, {margin, height - margin - titleSize - 2 * pad}, {margin + w + 2 * pad, height - margin}, kBorder);
    texts->addDrawable(t.get());
  }

  // Legend, bottom left: one row per entry.
  if (!map.legend.empty()) {
    const float row = legendSize * 1.45f, swatch = legendSize * 1.1f;
    float widest = 0;
    std::vector<osg::ref_ptr<osgText::Text>> rows;
    for (std::size_t i = 0; i < map.legend.size(); ++i) {
      const float baseline = margin + pad + (map.legend.size() - 1 - i) * row + legendSize * 0.25f;
      auto t =
          text(map.legend[i].text, legendSize, {margin + pad + swatch + pad, baseline}, osgText::Text::LEFT_BASE_LINE);
      widest = std::max(widest, textWidth(*t));
      rows.push_back(t);
    }
    const core::Vec2 a{margin, margin},
        c{margin + 3 * pad + swatch + widest, margin + 2 * pad + row * map.legend.size() - (row - legendSize)};
    addQuad(panels, a, c, kPanel);
    addFrame(frames, a, c, kBorder);
    for (std::size_t i = 0; i < map.legend.size(); ++i) {
      const LegendEntry& e = map.legend[i];
      const float y0 = margin + pad + (map.legend.size() - 1 - i) * row;
      const core::Vec2 s0{margin + pad, y0}, s1{margin + pad + swatch, y0 + legendSize * 0.9f};
      const osg::Vec4 colour = toVec4(e.colour);
      if (e.kind == LegendEntry::Kind::Line) {
        addQuad(swatches, {s0.x, (s0.y + s1.y) / 2 - 2 * unit}, {s1.x, (s0.y + s1.y) / 2 + 2 * unit}, colour);
      } else if (e.kind == LegendEntry::Kind::Point) {
        const core::Vec2 m{(s0.x + s1.x) / 2, (s0.y + s1.y) / 2};
        const float h = legendSize * 0.3f;
        addQuad(swatches, {m.x - h, m.y - h}, {m.x + h, m.y + h}, colour);
        addFrame(swatchLines, {m.x - h, m.y - h}, {m.x + h, m.y + h}, kInk);
      } else {
        addQuad(swatches, s0, s1, colour);
        addFrame(swatchLines, s0, s1, kBorder);
      }
      texts->addDrawable(rows[i].get());
    }
  }

  // Credits, bottom right; the scale bar above them.
  float creditsTop = margin;
  if (!map.credits.empty()) {
    auto t = text(map.credits, creditSize, {width - margin - pad, margin + pad * 0.7f + creditSize * 0.2f},
                  osgText::Text::RIGHT_BASE_LINE);
    const float w = textWidth(*t);
    const core::Vec2 a{width - margin - 2 * pad - w, margin}, c{width - margin, margin + creditSize + pad * 1.4f};
    addQuad(panels, a, c, kPanel);
    texts->addDrawable(t.get());
    creditsTop = float(c.y);
  }
  {
    const double meters = scaleBarMeters(width * 0.2 * metresPerPixel);
    const float length = float(meters / metresPerPixel);
    const char* unitName = meters >= 1000 ? "km" : "m";
    char label[32];
    std::snprintf(label, sizeof label, "%g %s", meters >= 1000 ? meters / 1000 : meters, unitName);
    const float x1 = width - margin - pad, x0 = x1 - length, y0 = creditsTop + 8 * unit + pad;
    auto t = text(label, legendSize, {(x0 + x1) / 2, y0 + 12 * unit + pad * 0.5f}, osgText::Text::CENTER_BASE_LINE);
    addQuad(panels, {x0 - pad, creditsTop + 8 * unit}, {x1 + pad, y0 + 12 * unit + legendSize + pad}, kPanel);
    // Half black, half white, as on printed maps.
    addQuad(ink, {x0, y0}, {(x0 + x1) / 2, y0 + 8 * unit}, kInk);
    addQuad(ink, {(x0 + x1) / 2, y0}, {x1, y0 + 8 * unit}, osg::Vec4(1, 1, 1, 1));
    addFrame(frames, {x0, y0}, {x1, y0 + 8 * unit}, kInk);
    texts->addDrawable(t.get());
  }
  // North arrow, top right.
  {
    const float cx = width - margin - 30 * unit, top = height - margin - 10 * unit, size = 44 * unit;
    addQuad(panels, {cx - 30 * unit, top - size - legendSize - 2 * pad}, {cx + 30 * unit, height - margin}, kPanel);
    const core::Vec2 tip{cx, top}, left{cx - 14 * unit, top - size}, right{cx + 14 * unit, top - size},
        notch{cx, top - size * 0.7f};
    for (const core::Vec2& v : {tip, left, notch}) ink.add(v, kInk);
    for (const core::Vec2& v : {tip, notch, right}) ink.add(v, osg::Vec4(0.55f, 0.55f, 0.6f, 1));
    texts->addDrawable(
        text("N", legendSize, {cx, top - size - legendSize - pad * 0.3f}, osgText::Text::CENTER_BASE_LINE));
  }

  if (!panels.empty()) camera->addChild(geodeOf(panels.build(GL_TRIANGLES), 90));
  if (!frames.empty()) camera->addChild(geodeOf(frames.build(GL_LINES), 91, 1.5f * unit));
  if (!swatches.empty()) camera->addChild(geodeOf(swatches.build(GL_TRIANGLES), 92));
  if (!swatchLines.empty()) camera->addChild(geodeOf(swatchLines.build(GL_LINES), 93, 1.2f * unit));
  if (!ink.empty()) camera->addChild(geodeOf(ink.build(GL_TRIANGLES), 94));
  camera->addChild(texts.get());
  return camera;
}

core::Status MapRenderer::render(const MapSpec& map, const std::string& pngPath) {
  if (map.extent.empty()) return core::fail("app::MapRenderer::render(): " + pngPath + ": the map's extent is empty");
  Impl& impl = *_impl;
  // Grow the extent to the image's aspect ratio, with 4 % to spare on each side.
  core::Box2 e = map.extent;
  const double aspect = double(impl.width) / impl.height;
  double w = std::max(e.width(), 1.0) * 1.08, h = std::max(e.height(), 1.0) * 1.08;
  if (w / h < aspect)
    w = h * aspect;
  else
    h = w / aspect;
  const core::Vec2 c = e.centre();
  const double metresPerPixel = w / impl.width;

  osg::ref_ptr<osg::Group> root = new osg::Group;
  root->addChild(impl.mapLayers(map, metresPerPixel));
  root->addChild(impl.hud(map, metresPerPixel));
  osgViewer::Viewer& viewer = impl.renderer->viewer();
  osg::Camera* camera = viewer.getCamera();
  camera->setClearColor(osg::Vec4(0.95f, 0.95f, 0.93f, 1));
  camera->setComputeNearFarMode(osg::CullSettings::DO_NOT_COMPUTE_NEAR_FAR);
  camera->setCullingMode(osg::CullSettings::VIEW_FRUSTUM_CULLING);
  // Vertices are site-frame metres as floats: the frame's origin lies in the site, so they stay small.
  camera->setProjectionMatrixAsOrtho(c.x - w / 2, c.x + w / 2, c.y - h / 2, c.y + h / 2, -10, 10);
  camera->setViewMatrix(osg::Matrix::identity());
  viewer.setSceneData(root.get());
  // Two frames: the first uploads the glyph textures of the text.
  impl.renderer->renderFrame();
  impl.renderer->renderFrame();
  osg::ref_ptr<osg::Image> image = impl.renderer->capture();
  viewer.setSceneData(nullptr);
  return writePng(*image, pngPath);
}

}  // namespace twin::app
