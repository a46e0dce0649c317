// PlanningLayer: isochrone bands as blended, depth-write-off fills with outlines draped on the
// ground or the terrain (TerrainMesh's drape helpers), and facility markers as round point
// sprites drawn on top.
#include "twin/scene/PlanningLayer.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include <osg/BlendFunc>
#include <osg/Depth>
#include <osg/Geode>
#include <osg/Geometry>
#include <osg/LineWidth>
#include <osg/Point>
#include <osg/PointSprite>
#include <osg/PolygonOffset>
#include <osg/Program>
#include <osg/Shader>
#include <osgUtil/CullVisitor>
#include <osgUtil/LineSegmentIntersector>

#include "twin/scene/TerrainMesh.h"

namespace twin::scene {
namespace {

constexpr double kLiftMeters = 0.3;  // above the ground, below any roof

const char* const kFlatVertex = R"(#version 120
void main() {
  gl_FrontColor = gl_Color;
  gl_Position = gl_ModelViewProjectionMatrix * gl_Vertex;
}
)";
const char* const kFlatFragment = R"(#version 120
void main() { gl_FragColor = gl_Color; }
)";
// Round point sprites; `twin_planRing` > 0 draws a white rim of that relative width;
// `twin_planDiamond` 1 makes the sprite a diamond (planned facilities: another shape, not only
// another size, so they read apart from existing ones in any colour).
const char* const kPointFragment = R"(#version 120
uniform float twin_planRing;
uniform float twin_planDiamond;
void main() {
  vec2 q = gl_PointCoord * 2.0 - 1.0;
  float r = twin_planDiamond > 0.5 ? abs(q.x) + abs(q.y) : length(q);
  if (r > 1.0) discard;
  vec3 colour = gl_Color.rgb;
  if (r > 1.0 - twin_planRing) colour = vec3(1.0);
  else if (r > 0.8 && twin_planRing == 0.0) colour = vec3(0.08);
  gl_FragColor = vec4(colour, 1.0);
}
)";

osg::ref_ptr<osg::Program> program(const char* fragment) {
  osg::ref_ptr<osg::Program> p = new osg::Program;
  p->addShader(new osg::Shader(osg::Shader::VERTEX, kFlatVertex));
  p->addShader(new osg::Shader(osg::Shader::FRAGMENT, fragment));
  return p;
}

template <class ArrayT, class V>
osg::ref_ptr<ArrayT> one(const V& value) {
  osg::ref_ptr<ArrayT> a = new ArrayT;
  a->push_back(value);
  return a;
}

bool finiteRing(const core::Ring& ring) {
  if (ring.size() < 3) return false;
  for (const core::Vec2& p : ring)
    if (!core::isFinite(p)) return false;
  return true;
}

bool insideTriangle(const osg::Vec3& a, const osg::Vec3& b, const osg::Vec3& c, core::Vec2 p) {
  auto side = [&](const osg::Vec3& u, const osg::Vec3& v) {
    return (double(v.x()) - u.x()) * (p.y - u.y()) - (double(v.y()) - u.y()) * (p.x - u.x());
  };
  const double d1 = side(a, b), d2 = side(b, c), d3 = side(c, a);
  const bool negative = d1 < 0 || d2 < 0 || d3<0, positive = d1> 0 || d2 > 0 || d3 > 0;
  return !(negative && positive);
}

}  // namespace

osg::Vec4 bandColour(std::size_t bandIndex) {
  switch (bandIndex) {
    case 0: return {0.20f, 0.78f, 0.35f, 0.30f};
    case 1: return {0.98f, 0.84f, 0.20f, 0.26f};
    default: return {0.98f, 0.55f, 0.15f, 0.22f};
  }
}

osg::Vec4 categoryColour(std::size_t category) {
  static const float palette[16][3] = {
      {0.90f, 0.30f, 0.55f}, {0.30f, 0.60f, 0.95f}, {0.95f, 0.25f, 0.25f}, {0.70f, 0.45f, 0.95f},
      {0.95f, 0.70f, 0.20f}, {0.25f, 0.80f, 0.55f}, {0.15f, 0.45f, 0.85f}, {0.85f, 0.55f, 0.30f},
      {0.40f, 0.75f, 0.30f}, {0.10f, 0.70f, 0.80f}, {0.55f, 0.30f, 0.75f}, {0.80f, 0.15f, 0.35f},
      {0.60f, 0.40f, 0.55f}, {0.90f, 0.45f, 0.75f}, {0.95f, 0.85f, 0.35f}, {0.55f, 0.65f, 0.70f}};
  const float* c = palette[category % 16];
  return {c[0], c[1], c[2], 1.0f};
}

namespace {

// Keeps the matrices the markers are drawn with, so that their labels can be placed on screen
// by the app (which draws text with ImGui, after the scene).
template <class Matrices>
class RememberCull : public osg::NodeCallback {
 public:
  explicit RememberCull(std::shared_ptr<Matrices> out) : _out(std::move(out)) {}
  void operator()(osg::Node* node, osg::NodeVisitor* nv) override {
    if (auto* cv = dynamic_cast<osgUtil::CullVisitor*>(nv); cv && cv->getViewport()) {
      _out->modelView = *cv->getModelViewMatrix();
      _out->window = *cv->getModelViewMatrix() * *cv->getProjectionMatrix() * cv->getViewport()->computeWindowMatrix();
      _out->height = cv->getViewport()->height();
      _out->valid = true;
    }
    traverse(node, nv);
  }

 private:
  std::shared_ptr<Matrices> _out;
};

}  // namespace

PlanningLayer::PlanningLayer(const geo::Heightfield* terrain, float markerPixels)
    : _terrain(terrain && !terrain->empty() ? terrain : nullptr),
      _markerPixels(markerPixels > 1 ? markerPixels : 10.0f),
      _root(new osg::Group),
      _bandGroup(new osg::Group),
      _markerGroup(new osg::Group) {
  _root->setName("twin.planning");
  _bandGroup->setName("twin.planning.bands");
  _markerGroup->setName("twin.planning.markers");
  _root->addChild(_bandGroup.get());
  _root->addChild(_markerGroup.get());
  _markerGroup->setCullCallback(new RememberCull<CullMatrices>(_cull));
  // Out of view, the callback must still run (else the labels keep last frame's places): the
  // root and the marker group are never culled as a whole; their drawables still are.
  _root->setCullingActive(false);
  _markerGroup->setCullingActive(false);

  // PROTECTED: the site's root sets its own programs; the overlay keeps its flat one.
  const auto on = osg::StateAttribute::ON | osg::StateAttribute::PROTECTED;
  osg::StateSet* bands = _bandGroup->getOrCreateStateSet();
  bands->setAttributeAndModes(program(kFlatFragment).get(), on);
  bands->setAttributeAndModes(new osg::BlendFunc(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA), on);
  bands->setAttributeAndModes(new osg::Depth(osg::Depth::LEQUAL, 0, 1, false), on);
  bands->setAttributeAndModes(new osg::PolygonOffset(-2.0f, -8.0f), on);
  bands->setMode(GL_CULL_FACE, osg::StateAttribute::OFF | osg::StateAttribute::PROTECTED);
  bands->setMode(GL_LIGHTING, osg::StateAttribute::OFF | osg::StateAttribute::PROTECTED);

  osg::StateSet* markers = _markerGroup->getOrCreateStateSet();
  markers->setAttributeAndModes(program(kPointFragment).get(), on);
  markers->setAttributeAndModes(new osg::Depth(osg::Depth::ALWAYS, 0, 1, false), on);
  markers->setTextureAttributeAndModes(0, new osg::PointSprite, on);
  markers->setMode(GL_LIGHTING, osg::StateAttribute::OFF | osg::StateAttribute::PROTECTED);
  markers->setRenderBinDetails(55, "RenderBin");
  markers->addUniform(new osg::Uniform("twin_planRing", 0.0f));
}

PlanningLayer::~PlanningLayer() = default;

double PlanningLayer::drapeHeight(core::Vec2 p) const { return groundHeight(_terrain, p.x, p.y) + kLiftMeters; }

void PlanningLayer::clearIsochrone() { setIsochrone({}, core::Vec2{}); }

void PlanningLayer::setIsochrone(const std::vector<PlanningBand>& bands, core::Vec2 origin) {
  _bandGroup->removeChildren(0, _bandGroup->getNumChildren());
  _bands = bands;
  _bandTriangles.assign(bands.size(), {});
  _skipped = 0;
  if (bands.empty()) return;

  auto vertex = [&](core::Vec2 p) { return osg::Vec3(float(p.x), float(p.y), float(drapeHeight(p))); };

  std::vector<std::size_t> order(bands.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return bands[a].minutes > bands[b].minutes; });

  for (std::size_t rank = 0; rank < order.size(); ++rank) {
    const std::size_t index = order[rank];
    // Colour by the band's rank from the smallest (5 min green), whatever order they came in.
    const osg::Vec4 fill = bandColour(order.size() - 1 - rank);
    osg::Vec4 line = fill;
    line.a() = 0.9f;
    std::vector<osg::Vec3>& tris = _bandTriangles[index];
    osg::ref_ptr<osg::Vec3Array> outline = new osg::Vec3Array;
    osg::ref_ptr<osg::Geometry> lines = new osg::Geometry;
    for (const core::Polygon& polygon : bands[index].polygons) {
      bool usable = finiteRing(polygon.outer);
      for (const core::Ring& hole : polygon.holes) usable = usable && (hole.empty() || finiteRing(hole));
      // The terrain helper splits the triangles to the terrain grid, so the fill lies on the drawn
      // terrain surface rather than cutting through hills between the polygon's vertices.
      const DrapedMesh mesh = usable ? drapePolygon(_terrain, polygon, kLiftMeters) : DrapedMesh{};
      if (mesh.triangles.empty()) {
        ++_skipped;
        continue;
      }
      for (std::uint32_t i : mesh.triangles) tris.push_back(mesh.vertices[i]);
      std::vector<const core::Ring*> rings{&polygon.outer};
      for (const core::Ring& hole : polygon.holes)
        if (!hole.empty()) rings.push_back(&hole);
      for (const core::Ring* ring : rings) {
        std::vector<core::Vec2> closed = *ring;
        closed.push_back(ring->front());
        const std::vector<osg::Vec3> line = drapeLine(_terrain, closed, kLiftMeters);
        if (line.size() < 2) continue;
        const std::size_t first = outline->size();
        outline->insert(outline->end(), line.begin(), line.end());
        lines->addPrimitiveSet(new osg::DrawArrays(GL_LINE_STRIP, GLint(first), GLsizei(line.size())));
      }
    }
    if (tris.empty()) continue;
    osg::ref_ptr<osg::Geode> geode = new osg::Geode;
    geode->setName("twin.planning.band." + std::to_string(int(bands[index].minutes)));
    osg::ref_ptr<osg::Geometry> fillGeometry = new osg::Geometry;
    osg::ref_ptr<osg::Vec3Array> vertices = new osg::Vec3Array(tris.begin(), tris.end());
    fillGeometry->setVertexArray(vertices.get());
    osg::ref_ptr<osg::Vec4Array> colours = one<osg::Vec4Array>(fill);
    fillGeometry->setColorArray(colours.get(), osg::Array::BIND_OVERALL);
    fillGeometry->addPrimitiveSet(new osg::DrawArrays(GL_TRIANGLES, 0, GLsizei(vertices->size())));
    fillGeometry->setUseVertexBufferObjects(true);
    geode->addDrawable(fillGeometry.get());
    lines->setVertexArray(outline.get());
    osg::ref_ptr<osg::Vec4Array> lineColours = one<osg::Vec4Array>(line);
    lines->setColorArray(lineColours.get(), osg::Array::BIND_OVERALL);
    lines->setUseVertexBufferObjects(true);
    lines->getOrCreateStateSet()->setAttributeAndModes(new osg::LineWidth(2.0f), osg::StateAttribute::ON);
    geode->addDrawable(lines.get());
    // Largest first, each in its own later bin, so the smaller bands blend over the larger ones.
    geode->getOrCreateStateSet()->setRenderBinDetails(45 + int(rank), "RenderBin");
    _bandGroup->addChild(geode.get());
  }

  // The clicked point: a white dot on top.
  if (core::isFinite(origin)) {
    osg::ref_ptr<osg::Geode> geode = new osg::Geode;
    geode->setName("twin.planning.origin");
    osg::ref_ptr<osg::Geometry> g = new osg::Geometry;
    osg::ref_ptr<osg::Vec3Array> v = one<osg::Vec3Array>(vertex(origin));
    g->setVertexArray(v.get());
    osg::ref_ptr<osg::Vec4Array> c = one<osg::Vec4Array>(osg::Vec4(1, 1, 1, 1));
    g->setColorArray(c.get(), osg::Array::BIND_OVERALL);
    g->addPrimitiveSet(new osg::DrawArrays(GL_POINTS, 0, 1));
    osg::StateSet* s = geode->getOrCreateStateSet();
    s->setAttributeAndModes(program(kPointFragment).get(), osg::StateAttribute::ON | osg::StateAttribute::PROTECTED);
    s->setAttributeAndModes(new osg::Depth(osg::Depth::ALWAYS, 0, 1, false), osg::StateAttribute::ON);
    s->setTextureAttributeAndModes(0, new osg::PointSprite, osg::StateAttribute::ON);
    s->setAttributeAndModes(new osg::Point(_markerPixels * 1.2f), osg::StateAttribute::ON);
    s->addUniform(new osg::Uniform("twin_planRing", 0.0f));
    s->setRenderBinDetails(54, "RenderBin");
    geode->addDrawable(g.get());
    _bandGroup->addChild(geode.get());
  }
}

std::size_t PlanningLayer::bandTriangles(std::size_t index) const {
  return index < _bandTriangles.size() ? _bandTriangles[index].size() / 3 : 0;
}

bool PlanningLayer::bandCovers(std::size_t index, core::Vec2 p) const {
  if (index >= _bandTriangles.size()) return false;
  const std::vector<osg::Vec3>& t = _bandTriangles[index];
  for (std::size_t k = 0; k + 2 < t.size(); k += 3)
    if (insideTriangle(t[k], t[k + 1], t[k + 2], p)) return true;
  return false;
}

void PlanningLayer::setMarkers(const std::vector<PlanningMarker>& markers) {
  _markers.clear();
  for (const PlanningMarker& m : markers)
    if (core::isFinite(m.position)) _markers.push_back(m);
  rebuildMarkers();
}

void PlanningLayer::setDragMarker(std::optional<PlanningMarker> marker) {
  if (marker && !core::isFinite(marker->position)) marker.reset();
  _drag = marker;
  rebuildMarkers();
}

bool PlanningLayer::dragMarkerShown() const { return _drag.has_value(); }

void PlanningLayer::rebuildMarkers() {
  _markerGroup->removeChildren(0, _markerGroup->getNumChildren());
  // Three styles, three geometries: existing (plain), planned (larger, white rim), dragged.
  struct Style {
    float pixels, ring;
    int bin;
  };
  const Style styles[3] = {
      {_markerPixels, 0.0f, 55}, {_markerPixels * 1.5f, 0.25f, 56}, {_markerPixels * 2.0f, 0.3f, 57}};
  std::vector<const PlanningMarker*> groups[3];
  for (const PlanningMarker& m : _markers) groups[(m.hypothetical || m.moved) ? 1 : 0].push_back(&m);
  if (_drag) groups[2].push_back(&*_drag);
  for (int s = 0; s < 3; ++s) {
    if (groups[s].empty()) continue;
    osg::ref_ptr<osg::Geometry> g = new osg::Geometry;
    osg::ref_ptr<osg::Vec3Array> v = new osg::Vec3Array;
    osg::ref_ptr<osg::Vec4Array> c = new osg::Vec4Array;
    for (const PlanningMarker* m : groups[s]) {
      v->push_back(osg::Vec3(float(m->position.x), float(m->position.y), float(drapeHeight(m->position) + 1.0)));
      c->push_back(categoryColour(m->category));
    }
    g->setVertexArray(v.get());
    g->setColorArray(c.get(), osg::Array::BIND_PER_VERTEX);
    g->addPrimitiveSet(new osg::DrawArrays(GL_POINTS, 0, GLsizei(v->size())));
    g->setUseVertexBufferObjects(true);
    osg::ref_ptr<osg::Geode> geode = new osg::Geode;
    geode->setName(s == 0 ? "twin.planning.existing" : s == 1 ? "twin.planning.planned" : "twin.planning.drag");
    geode->addDrawable(g.get());
    osg::StateSet* state = geode->getOrCreateStateSet();
    state->setAttributeAndModes(new osg::Point(styles[s].pixels), osg::StateAttribute::ON);
    state->addUniform(new osg::Uniform("twin_planRing", styles[s].ring));
    state->addUniform(new osg::Uniform("twin_planDiamond", s == 1 ? 1.0f : 0.0f));
    state->setRenderBinDetails(styles[s].bin, "RenderBin");
    _markerGroup->addChild(geode.get());
  }
}

std::vector<osg::Vec2> PlanningLayer::plannedScreenPositions() const {
  std::vector<osg::Vec2> out;
  if (!_cull->valid) return out;
  for (const PlanningMarker& m : _markers) {
    if (!m.hypothetical && !m.moved) continue;
    const osg::Vec3d world(m.position.x, m.position.y, drapeHeight(m.position) + 1.0);
    if ((world * _cull->modelView).z() >= 0) continue;  // behind the eye
    const osg::Vec3d s = world * _cull->window;
    out.emplace_back(float(s.x()), float(_cull->height - s.y()));
  }
  return out;
}

std::optional<std::size_t> PlanningLayer::pickMarker(osgViewer::View& view, float x, float y,
                                                     float radiusPixels) const {
  const osg::Camera* camera = view.getCamera();
  if (!camera || !camera->getViewport() || _markers.empty()) return std::nullopt;
  const osg::Matrixd mvpw =
      camera->getViewMatrix() * camera->getProjectionMatrix() * camera->getViewport()->computeWindowMatrix();
  std::optional<std::size_t> best;
  double bestDistance = double(radiusPixels) * radiusPixels;
  for (std::size_t i = 0; i < _markers.size(); ++i) {
    const core::Vec2 p = _markers[i].position;
    const osg::Vec3d world(p.x, p.y, drapeHeight(p) + 1.0);
    // Behind the eye: the projected point would mirror into the window.
    const osg::Vec3d eye = world * camera->getViewMatrix();
    if (eye.z() >= 0) continue;
    const osg::Vec3d s = world * mvpw;
    const double d = (s.x() - x) * (s.x() - x) + (s.y() - y) * (s.y() - y);
    if (d <= bestDistance) {
      bestDistance = d;
      best = i;
    }
  }
  return best;
}

std::optional<core::Vec3> PlanningLayer::groundPoint(osgViewer::View& view, float x, float y) {
  osg::Camera* camera = view.getCamera();
  if (!camera || !camera->getViewport()) return std::nullopt;
  osg::ref_ptr<osgUtil::LineSegmentIntersector> intersector =
      new osgUtil::LineSegmentIntersector(osgUtil::Intersector::WINDOW, x, y);
  osgUtil::IntersectionVisitor visitor(intersector.get());
  camera->accept(visitor);
  if (intersector->containsIntersections()) {
    const osg::Vec3d p = intersector->getFirstIntersection().getWorldIntersectPoint();
    if (std::isfinite(p.x()) && std::isfinite(p.y()) && std::isfinite(p.z())) return core::Vec3{p.x(), p.y(), p.z()};
  }
  // Nothing drawn under the cursor (beyond the ground's edge): the plane z = 0.
  osg::Matrixd inverse;
  if (!inverse.invert(camera->getViewMatrix() * camera->getProjectionMatrix() *
                      camera->getViewport()->computeWindowMatrix()))
    return std::nullopt;
  const osg::Vec3d nearPoint = osg::Vec3d(x, y, 0) * inverse, farPoint = osg::Vec3d(x, y, 1) * inverse;
  const osg::Vec3d dir = farPoint - nearPoint;
  if (!(std::abs(dir.z()) > 1e-12)) return std::nullopt;
  const double t = -nearPoint.z() / dir.z();
  if (!(t >= 0) || !std::isfinite(t)) return std::nullopt;
  const osg::Vec3d hit = nearPoint + dir * t;
  return core::Vec3{hit.x(), hit.y(), 0};
}

}  // namespace twin::scene
