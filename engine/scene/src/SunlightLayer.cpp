// SunlightLayer: window-sample marks as one unlit quad batch, and proposed buildings as blended
// volumes drawn after the opaque scene.
#include "twin/scene/SunlightLayer.h"

#include <algorithm>
#include <cmath>
#include <string>

#include <osg/BlendFunc>
#include <osg/Depth>
#include <osg/Geode>
#include <osg/LineWidth>
#include <osg/PolygonOffset>
#include <osg/Program>
#include <osg/Shader>

#include "twin/scene/Triangulate.h"

namespace twin::scene {
namespace {

constexpr double kMarkLift = 0.15;  // in front of the wall: the sample lies 0.1 m out already

const char* const kVertex = R"(#version 120
void main() {
  gl_FrontColor = gl_Color;
  gl_Position = gl_ModelViewProjectionMatrix * gl_Vertex;
}
)";
const char* const kFragment = R"(#version 120
void main() { gl_FragColor = gl_Color; }
)";

osg::ref_ptr<osg::Program> flatProgram() {
  osg::ref_ptr<osg::Program> p = new osg::Program;
  p->setName("twin sunlight overlay");
  p->addShader(new osg::Shader(osg::Shader::VERTEX, kVertex));
  p->addShader(new osg::Shader(osg::Shader::FRAGMENT, kFragment));
  return p;
}

bool finite(const WallMark& m) {
  return core::isFinite(m.position) && core::isFinite(m.normal) && std::isfinite(m.z) &&
         std::isfinite(m.colour.r() + m.colour.g() + m.colour.b()) && std::hypot(m.normal.x, m.normal.y) > 1e-6;
}

}  // namespace

SunlightLayer::SunlightLayer() : _root(new osg::Group), _markGroup(new osg::Group), _proposedGroup(new osg::Group) {
  _root->setName("twin.sunlight");
  _markGroup->setName("twin.sunlight.marks");
  _proposedGroup->setName("twin.sunlight.proposed");
  _afterGroup = new osg::Group;
  _afterGroup->setName("twin.sunlight.after");
  _afterMarkGroup = new osg::Group;
  _afterMarkGroup->setName("twin.sunlight.after.marks");
  _afterGroup->addChild(_afterMarkGroup.get());
  _root->addChild(_markGroup.get());
  _root->addChild(_proposedGroup.get());
  _split = new SplitView;
  _split->rightGroup()->addChild(_afterGroup.get());
  _root->addChild(_split->root());
  _casterGroup = new osg::Group;
  _casterGroup->setName("twin.sunlight.proposed.casters");
  // PROTECTED: the site's root sets its own programs; the overlay keeps its flat one. Set per
  // group, not on the root: the swipe camera under the root draws the whole site again.
  const auto on = osg::StateAttribute::ON | osg::StateAttribute::PROTECTED;
  const osg::ref_ptr<osg::Program> program = flatProgram();
  for (osg::Group* group : {_markGroup.get(), _proposedGroup.get(), _afterGroup.get(), _casterGroup.get()})
    group->getOrCreateStateSet()->setAttributeAndModes(program.get(), on);
  for (osg::Group* group : {_markGroup.get(), _afterMarkGroup.get()}) {
    osg::StateSet* marks = group->getOrCreateStateSet();
    marks->setMode(GL_CULL_FACE, osg::StateAttribute::OFF | osg::StateAttribute::PROTECTED);
    marks->setAttributeAndModes(new osg::PolygonOffset(-1.0f, -2.0f), on);
  }
  osg::StateSet* proposed = _proposedGroup->getOrCreateStateSet();
  proposed->setAttributeAndModes(new osg::BlendFunc(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA), on);
  proposed->setAttributeAndModes(new osg::Depth(osg::Depth::LEQUAL, 0, 1, false), on);
  proposed->setMode(GL_CULL_FACE, osg::StateAttribute::OFF | osg::StateAttribute::PROTECTED);
  proposed->setRenderingHint(osg::StateSet::TRANSPARENT_BIN);
  proposed->setAttributeAndModes(new osg::LineWidth(2.5f), on);
  // The casters write depth like any wall (the drawn volume does not: it is translucent).
  _casterGroup->getOrCreateStateSet()->setMode(GL_CULL_FACE, osg::StateAttribute::OFF | osg::StateAttribute::PROTECTED);
}

SunlightLayer::~SunlightLayer() = default;

namespace {

// One quad batch for `marks`; null when none is usable. `used` and `skipped` count them.
osg::ref_ptr<osg::Geometry> markQuads(const std::vector<WallMark>& marks, std::size_t& used, std::size_t& skipped) {
  used = skipped = 0;
  osg::ref_ptr<osg::Vec3Array> vertices = new osg::Vec3Array;
  osg::ref_ptr<osg::Vec4Array> colours = new osg::Vec4Array;
  for (const WallMark& m : marks) {
    if (!finite(m)) {
      ++skipped;
      continue;
    }
    const double length = std::hypot(m.normal.x, m.normal.y);
    const double nx = m.normal.x / length, ny = m.normal.y / length;
    const double scale = m.emphasised ? SunlightLayer::kEmphasisScale : 1.0;
    const double half = SunlightLayer::kMarkWidth * scale / 2, height = SunlightLayer::kMarkHeight * scale;
    // Along the wall: the normal turned a quarter; emphasised marks grow around the same centre.
    const double tx = -ny, ty = nx;
    const double cx = m.position.x + nx * kMarkLift, cy = m.position.y + ny * kMarkLift;
    const double bottom = m.z - (scale - 1) * SunlightLayer::kMarkHeight / 2;
    vertices->push_back(osg::Vec3(float(cx - tx * half), float(cy - ty * half), float(bottom)));
    vertices->push_back(osg::Vec3(float(cx + tx * half), float(cy + ty * half), float(bottom)));
    vertices->push_back(osg::Vec3(float(cx + tx * half), float(cy + ty * half), float(bottom + height)));
    vertices->push_back(osg::Vec3(float(cx - tx * half), float(cy - ty * half), float(bottom + height)));
    osg::Vec4 c = m.colour;
    c.a() = 1;
    for (int k = 0; k < 4; ++k) colours->push_back(c);
    ++used;
  }
  if (used == 0) return nullptr;
  osg::ref_ptr<osg::Geometry> g = new osg::Geometry;
  g->setName("twin.sunlight.marks");
  g->setUseVertexBufferObjects(true);
  g->setVertexArray(vertices.get());
  g->setColorArray(colours.get(), osg::Array::BIND_PER_VERTEX);
  g->addPrimitiveSet(new osg::DrawArrays(GL_QUADS, 0, GLsizei(vertices->size())));
  return g;
}

void fill(osg::Group* group, osg::Geometry* geometry) {
  group->removeChildren(0, group->getNumChildren());
  if (!geometry) return;
  osg::ref_ptr<osg::Geode> geode = new osg::Geode;
  geode->addDrawable(geometry);
  group->addChild(geode.get());
}

}  // namespace

void SunlightLayer::setMarks(const std::vector<WallMark>& marks) {
  _markGeometry = markQuads(marks, _marks, _skipped);
  fill(_markGroup.get(), _markGeometry.get());
}

void SunlightLayer::setAfterMarks(const std::vector<WallMark>& marks) {
  std::size_t skipped = 0;
  fill(_afterMarkGroup.get(), markQuads(marks, _afterMarks, skipped).get());
}

void SunlightLayer::placeProposed() {
  // Split: the proposal belongs to the right part only; else it is part of the one scene.
  _root->removeChild(_proposedGroup.get());
  _afterGroup->removeChild(_proposedGroup.get());
  (_split->enabled() ? _afterGroup : _root)->addChild(_proposedGroup.get());
}

void SunlightLayer::enableSwipe(osg::Node* sceneRoot) {
  if (!sceneRoot) return;
  _split->enable(sceneRoot);
  _markGroup->setNodeMask(kBeforeMask);
  placeProposed();
}

void SunlightLayer::disableSwipe() {
  if (!_split->enabled()) return;
  _split->disable();
  _markGroup->setNodeMask(~0u);
  placeProposed();
}

void SunlightLayer::setSwipeLine(int x, int width, int height) { _split->setDivider(x, width, height); }

SunlightLayer::ScissorBox SunlightLayer::swipeScissor() const {
  const SplitView::Box box = _split->scissor();
  return {box.x, box.y, box.width, box.height};
}

void SunlightLayer::setProposed(const std::vector<ProposedVolume>& volumes) {
  _proposedGroup->removeChildren(0, _proposedGroup->getNumChildren());
  _casterGroup->removeChildren(0, _casterGroup->getNumChildren());
  _proposed = 0;
  osg::ref_ptr<osg::Geode> casters = new osg::Geode;
  osg::ref_ptr<osg::Geode> geode = new osg::Geode;
  const osg::Vec4 fill(0.62f, 0.36f, 0.95f, 0.45f), edge(0.85f, 0.70f, 1.0f, 1.0f);
  for (const ProposedVolume& v : volumes) {
    detail::Triangulation t;
    std::string why;
    if (!(v.heightMeters > 0) || !std::isfinite(v.baseMeters + v.heightMeters) ||
        !detail::triangulateFootprint(v.footprint, t, why))
      continue;
    const float base = float(v.baseMeters), top = float(v.baseMeters + v.heightMeters);
    osg::ref_ptr<osg::Vec3Array> faces = new osg::Vec3Array;
    for (const core::Ring& ring : t.rings)
      for (std::size_t i = 0; i < ring.size(); ++i) {
        const core::Vec2 a = ring[i], b = ring[(i + 1) % ring.size()];
        faces->push_back(osg::Vec3(float(a.x), float(a.y), base));
        faces->push_back(osg::Vec3(float(b.x), float(b.y), base));
        faces->push_back(osg::Vec3(float(b.x), float(b.y), top));
        faces->push_back(osg::Vec3(float(a.x), float(a.y), base));
        faces->push_back(osg::Vec3(float(b.x), float(b.y), top));
        faces->push_back(osg::Vec3(float(a.x), float(a.y), top));
      }
    for (std::uint32_t index : t.triangles) {
      const core::Vec2 p = t.vertices[index];
      faces->push_back(osg::Vec3(float(p.x), float(p.y), top));
    }
    osg::ref_ptr<osg::Geometry> body = new osg::Geometry;
    body->setVertexArray(faces.get());
    osg::ref_ptr<osg::Vec4Array> fillColour = new osg::Vec4Array;
    fillColour->push_back(fill);
    body->setColorArray(fillColour.get(), osg::Array::BIND_OVERALL);
    body->addPrimitiveSet(new osg::DrawArrays(GL_TRIANGLES, 0, GLsizei(faces->size())));
    geode->addDrawable(body.get());
    casters->addDrawable(body.get());
    // Outline: every ring at the roof and the base, and the vertical edges.
    osg::ref_ptr<osg::Vec3Array> lines = new osg::Vec3Array;
    for (const core::Ring& ring : t.rings)
      for (std::size_t i = 0; i < ring.size(); ++i) {
        const core::Vec2 a = ring[i], b = ring[(i + 1) % ring.size()];
        for (float z : {base, top}) {
          lines->push_back(osg::Vec3(float(a.x), float(a.y), z));
          lines->push_back(osg::Vec3(float(b.x), float(b.y), z));
        }
        lines->push_back(osg::Vec3(float(a.x), float(a.y), base));
        lines->push_back(osg::Vec3(float(a.x), float(a.y), top));
      }
    osg::ref_ptr<osg::Geometry> outline = new osg::Geometry;
    outline->setVertexArray(lines.get());
    osg::ref_ptr<osg::Vec4Array> edgeColour = new osg::Vec4Array;
    edgeColour->push_back(edge);
    outline->setColorArray(edgeColour.get(), osg::Array::BIND_OVERALL);
    outline->addPrimitiveSet(new osg::DrawArrays(GL_LINES, 0, GLsizei(lines->size())));
    geode->addDrawable(outline.get());
    ++_proposed;
  }
  if (_proposed) {
    _proposedGroup->addChild(geode.get());
    _casterGroup->addChild(casters.get());
  }
}

}  // namespace twin::scene
