// SensorLayer: placement of sensors in the site frame and their screen-sized marker dots.
#include "twin/scene/SensorLayer.h"

#include <algorithm>
#include <cmath>

#include <osg/AutoTransform>
#include <osg/BlendFunc>
#include <osg/Depth>
#include <osg/PolygonOffset>
#include <osg/Geode>
#include <osg/Geometry>
#include <osg/Program>
#include <osg/Shader>
#include <osgUtil/LineSegmentIntersector>

#include "twin/scene/Triangulate.h"

namespace twin::scene {
namespace {

constexpr double kDefaultStoreyMeters = 3.0;
constexpr double kFloorEyeMeters = 1.5;
constexpr int kDiscSegments = 24;
const char* const kMarkerName = "twin.sensorMarker";

// Markers are drawn flat and on top of the buildings: a command centre must see an alarm in a
// basement or behind a tower. The pulse mixes the colour towards white.
const char* const kVertexShader = R"(#version 120
varying vec2 v_disc;
void main() {
  v_disc = gl_MultiTexCoord0.xy;
  gl_Position = gl_ModelViewProjectionMatrix * gl_Vertex;
}
)";
const char* const kFragmentShader = R"(#version 120
uniform vec4 twin_markerColor;
uniform float twin_markerPulse;  // 0 or 1
uniform float twin_markerRing;   // 1 when selected
uniform float twin_time;         // seconds
uniform float twin_markerAlpha;  // 1 for dots, < 1 for building hulls
varying vec2 v_disc;
void main() {
  float r = length(v_disc);
  if (r > 1.0) discard;
  vec3 colour = twin_markerColor.rgb;
  if (r > 0.78) colour = mix(vec3(0.08), vec3(1.0), twin_markerRing);
  float pulse = twin_markerPulse * (0.5 + 0.5 * sin(twin_time * 6.2831853 * 1.2));
  colour = mix(colour, vec3(1.0), 0.45 * pulse);
  gl_FragColor = vec4(colour, twin_markerAlpha);
}
)";

std::string buildingRef(const model::Building& b) { return b.idKind + "/" + std::to_string(b.osmId); }

// The disc's vertices for a radius: the centre, then the rim.
osg::ref_ptr<osg::Vec3Array> discVertices(float radius) {
  osg::ref_ptr<osg::Vec3Array> vertices = new osg::Vec3Array;
  vertices->push_back(osg::Vec3());
  for (int i = 0; i <= kDiscSegments; ++i) {
    const double a = 2 * M_PI * i / kDiscSegments;
    vertices->push_back(osg::Vec3(float(std::cos(a)) * radius, float(std::sin(a)) * radius, 0));
  }
  return vertices;
}

osg::ref_ptr<osg::Geometry> discGeometry(float radius) {
  osg::ref_ptr<osg::Geometry> geometry = new osg::Geometry;
  osg::ref_ptr<osg::Vec3Array> vertices = discVertices(radius);
  osg::ref_ptr<osg::Vec2Array> disc = new osg::Vec2Array;
  disc->push_back(osg::Vec2());
  for (int i = 0; i <= kDiscSegments; ++i) {
    const double a = 2 * M_PI * i / kDiscSegments;
    disc->push_back(osg::Vec2(float(std::cos(a)), float(std::sin(a))));
  }
  geometry->setVertexArray(vertices.get());
  geometry->setTexCoordArray(0, disc.get());
  geometry->addPrimitiveSet(new osg::DrawArrays(GL_TRIANGLE_FAN, 0, GLsizei(vertices->size())));
  geometry->setUseDisplayList(false);
  geometry->setUseVertexBufferObjects(true);
  geometry->setName(kMarkerName);
  return geometry;
}

bool isAlarm(MarkerState s) {
  return s == MarkerState::Warning || s == MarkerState::Minor || s == MarkerState::Major || s == MarkerState::Critical;
}

// Worse alarm first: Critical > Major > Minor > Warning.
int alarmRank(MarkerState s) {
  switch (s) {
    case MarkerState::Critical: return 4;
    case MarkerState::Major: return 3;
    case MarkerState::Minor: return 2;
    case MarkerState::Warning: return 1;
    default: return 0;
  }
}

// The building's footprint as a prism slightly larger than the building, so the hull is seen
// over its walls and roof. Texture coordinates stay (0, 0): the marker shader's disc centre.
// Two crossed vertical quads: a beam that reads as a column from any heading. Texture
// coordinates at the disc centre, so the marker shader paints it in its plain colour.
osg::ref_ptr<osg::Geometry> beamGeometry(const osg::Vec3& base, float top, float halfWidth) {
  osg::ref_ptr<osg::Vec3Array> vertices = new osg::Vec3Array;
  for (const osg::Vec3& d : {osg::Vec3(halfWidth, 0, 0), osg::Vec3(0, halfWidth, 0)}) {
    const osg::Vec3 a = base - d, b = base + d;
    const osg::Vec3 a2(a.x(), a.y(), top), b2(b.x(), b.y(), top);
    for (const osg::Vec3& v : {a, b, b2, a, b2, a2}) vertices->push_back(v);
  }
  osg::ref_ptr<osg::Geometry> geometry = new osg::Geometry;
  geometry->setVertexArray(vertices.get());
  geometry->setTexCoordArray(0, new osg::Vec2Array(vertices->size()));
  geometry->addPrimitiveSet(new osg::DrawArrays(GL_TRIANGLES, 0, GLsizei(vertices->size())));
  geometry->setUseDisplayList(false);
  geometry->setUseVertexBufferObjects(true);
  geometry->setName("twin.alarmBeacon");
  return geometry;
}

osg::ref_ptr<osg::Geometry> hullGeometry(const model::Building& b) {
  constexpr float kGrowMeters = 0.4f;
  const float bottom = float(b.baseElevationMeters + b.minHeightMeters) - kGrowMeters;
  const float top = float(b.baseElevationMeters + model::drawnTopMeters(b)) + kGrowMeters;
  osg::ref_ptr<osg::Vec3Array> vertices = new osg::Vec3Array;
  detail::Triangulation tri;
  std::string why;
  const bool roof = detail::triangulateFootprint(b.footprint, tri, why);
  const std::vector<core::Ring> rings = roof ? tri.rings : std::vector<core::Ring>{b.footprint.outer};
  for (const core::Ring& ring : rings) {
    for (std::size_t i = 0; i < ring.size() && ring.size() >= 2; ++i) {
      const core::Vec2 &p = ring[i], &q = ring[(i + 1) % ring.size()];
      if (!core::isFinite(p) || !core::isFinite(q)) continue;
      const osg::Vec3 a(float(p.x), float(p.y), bottom), c(float(q.x), float(q.y), bottom);
      const osg::Vec3 a2(a.x(), a.y(), top), c2(c.x(), c.y(), top);
      for (const osg::Vec3& v : {a, c, c2, a, c2, a2}) vertices->push_back(v);
    }
  }
  if (roof)
    for (std::uint32_t index : tri.triangles)
      vertices->push_back(osg::Vec3(float(tri.vertices[index].x), float(tri.vertices[index].y), top));
  osg::ref_ptr<osg::Geometry> geometry = new osg::Geometry;
  geometry->setVertexArray(vertices.get());
  geometry->setTexCoordArray(0, new osg::Vec2Array(vertices->size()));
  geometry->addPrimitiveSet(new osg::DrawArrays(GL_TRIANGLES, 0, GLsizei(vertices->size())));
  geometry->setUseDisplayList(false);
  geometry->setUseVertexBufferObjects(true);
  return geometry;
}

}  // namespace

osg::Vec4 markerColour(MarkerState state) {
  switch (state) {
    case MarkerState::Normal: return {0.18f, 0.80f, 0.36f, 1};
    case MarkerState::Warning: return {0.62f, 0.42f, 0.95f, 1};
    case MarkerState::Minor: return {0.95f, 0.82f, 0.15f, 1};
    case MarkerState::Major: return {0.96f, 0.50f, 0.08f, 1};
    case MarkerState::Critical: return {0.92f, 0.16f, 0.16f, 1};
    case MarkerState::Offline: return {0.50f, 0.50f, 0.52f, 1};
    case MarkerState::Stale: return {0.40f, 0.55f, 0.75f, 1};
  }
  return {0.50f, 0.50f, 0.52f, 1};
}

std::vector<SensorPlacement> placeSensors(const std::vector<model::SensorDef>& sensors, const model::Site& site,
                                          core::Diagnostics& diag) {
  const auto skip = [&](const model::SensorDef& s, const std::string& why) {
    diag.add(core::Severity::Warning, "scene::placeSensors()", "", "", "sensor '" + s.id + "'", why, "skipped");
  };
  std::vector<SensorPlacement> out;
  for (const model::SensorDef& s : sensors) {
    SensorPlacement p;
    p.sensorId = s.id;
    if (s.position) {
      if (!std::isfinite(s.position->lon) || !std::isfinite(s.position->lat) || !std::isfinite(s.heightMeters)) {
        skip(s, "position is not finite");
        continue;
      }
      const core::Vec2 local = site.frame.toLocal(*s.position);
      if (!std::isfinite(local.x) || !std::isfinite(local.y)) {
        skip(s, "position cannot be projected into the site frame");
        continue;
      }
      double ground = 0;
      for (std::size_t i = 0; i < site.buildings.size(); ++i) {
        if (!core::contains(site.buildings[i].footprint, local)) continue;
        p.buildingIndex = int(i);
        ground = site.buildings[i].baseElevationMeters;
        break;
      }
      p.position = osg::Vec3(float(local.x), float(local.y), float(ground + s.heightMeters));
    } else if (!s.building.empty()) {
      for (std::size_t i = 0; i < site.buildings.size() && p.buildingIndex < 0; ++i)
        if (buildingRef(site.buildings[i]) == s.building && site.buildings[i].footprint.outer.size() >= 3)
          p.buildingIndex = int(i);
      if (p.buildingIndex < 0) {
        skip(s, "building '" + s.building + "' not in the site");
        continue;
      }
      const model::Building& b = site.buildings[std::size_t(p.buildingIndex)];
      const core::Vec2 c = core::centroid(b.footprint.outer);
      const double storey = b.levels > 0 ? b.heightMeters / b.levels : kDefaultStoreyMeters;
      const double z = b.baseElevationMeters + s.floor * storey + kFloorEyeMeters;
      p.position = osg::Vec3(float(c.x), float(c.y), float(z));
    } else {
      skip(s, "neither position nor building");
      continue;
    }
    out.push_back(p);
  }
  return out;
}

SensorLayer::SensorLayer(std::vector<SensorPlacement> placements, const model::Site* site, float pixelRadius)
    : _placements(std::move(placements)),
      _states(_placements.size(), MarkerState::Normal),
      _root(new osg::Group),
      _pixelRadius(pixelRadius > 0 && std::isfinite(pixelRadius) ? pixelRadius : 9.0f) {
  _root->setName("twin.sensors");
  osg::StateSet* state = _root->getOrCreateStateSet();
  osg::ref_ptr<osg::Program> program = new osg::Program;
  program->addShader(new osg::Shader(osg::Shader::VERTEX, kVertexShader));
  program->addShader(new osg::Shader(osg::Shader::FRAGMENT, kFragmentShader));
  state->setAttributeAndModes(program.get(), osg::StateAttribute::ON | osg::StateAttribute::OVERRIDE);
  state->setAttributeAndModes(new osg::Depth(osg::Depth::ALWAYS, 0, 1, false), osg::StateAttribute::ON);
  state->setMode(GL_CULL_FACE, osg::StateAttribute::OFF);
  state->setMode(GL_LIGHTING, osg::StateAttribute::OFF);
  state->setRenderBinDetails(50, "RenderBin");
  _time = new osg::Uniform("twin_time", 0.0f);
  state->addUniform(_time.get());
  state->addUniform(new osg::Uniform("twin_markerAlpha", 1.0f));
  state->addUniform(new osg::Uniform("twin_markerRing", 0.0f));

  // Hulls first in the group but in an earlier bin than the dots, depth-tested against the
  // buildings (they tint what is visible of the building) and blended.
  std::vector<int> buildingsWithSensors;
  if (site)
    for (const SensorPlacement& p : _placements)
      if (p.buildingIndex >= 0 && std::size_t(p.buildingIndex) < site->buildings.size() &&
          std::find(buildingsWithSensors.begin(), buildingsWithSensors.end(), p.buildingIndex) ==
              buildingsWithSensors.end())
        buildingsWithSensors.push_back(p.buildingIndex);
  for (int index : buildingsWithSensors) {
    osg::ref_ptr<osg::Geode> geode = new osg::Geode;
    geode->setName("twin.sensorHull");
    geode->addDrawable(hullGeometry(site->buildings[std::size_t(index)]).get());
    osg::StateSet* hullState = geode->getOrCreateStateSet();
    hullState->setAttributeAndModes(new osg::Depth(osg::Depth::LEQUAL, 0, 1, false), osg::StateAttribute::ON);
    hullState->setAttributeAndModes(new osg::BlendFunc(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA), osg::StateAttribute::ON);
    hullState->setAttributeAndModes(new osg::PolygonOffset(-1.0f, -4.0f), osg::StateAttribute::ON);
    hullState->setRenderBinDetails(40, "DepthSortedBin");
    hullState->addUniform(new osg::Uniform("twin_markerAlpha", 0.45f));
    Hull hull;
    hull.buildingIndex = index;
    hull.node = geode.get();
    hull.colour = new osg::Uniform("twin_markerColor", markerColour(MarkerState::Critical));
    hull.pulse = new osg::Uniform("twin_markerPulse", 0.0f);
    hullState->addUniform(hull.colour.get());
    hullState->addUniform(hull.pulse.get());
    geode->setNodeMask(0);
    _root->addChild(geode.get());
    _hulls.push_back(hull);
  }

  for (const SensorPlacement& p : _placements) {
    float top = p.position.z();
    if (site && p.buildingIndex >= 0 && std::size_t(p.buildingIndex) < site->buildings.size()) {
      const model::Building& b = site->buildings[std::size_t(p.buildingIndex)];
      top = std::max(top, float(b.baseElevationMeters + model::drawnTopMeters(b)));
    }
    _tops.push_back(top);
  }
  _beaconGroup = new osg::Group;
  _beaconGroup->setName("twin.alarmBeacons");
  osg::StateSet* beaconState = _beaconGroup->getOrCreateStateSet();
  beaconState->setAttributeAndModes(new osg::BlendFunc(GL_SRC_ALPHA, GL_ONE_MINUS_SRC_ALPHA), osg::StateAttribute::ON);
  beaconState->addUniform(new osg::Uniform("twin_markerAlpha", 0.7f));
  beaconState->setRenderBinDetails(45, "RenderBin");

  _disc = discGeometry(_pixelRadius);
  for (std::size_t i = 0; i < _placements.size(); ++i) {
    osg::ref_ptr<osg::AutoTransform> transform = new osg::AutoTransform;
    transform->setPosition(_placements[i].position);
    transform->setAutoRotateMode(osg::AutoTransform::ROTATE_TO_SCREEN);
    transform->setAutoScaleToScreen(true);
    transform->setName(_placements[i].sensorId);
    osg::ref_ptr<osg::Geode> geode = new osg::Geode;
    geode->addDrawable(_disc.get());
    transform->addChild(geode.get());
    osg::StateSet* markerState = geode->getOrCreateStateSet();
    _colourUniforms.push_back(new osg::Uniform("twin_markerColor", markerColour(MarkerState::Normal)));
    _pulseUniforms.push_back(new osg::Uniform("twin_markerPulse", 0.0f));
    _ringUniforms.push_back(new osg::Uniform("twin_markerRing", 0.0f));
    markerState->addUniform(_colourUniforms.back().get());
    markerState->addUniform(_pulseUniforms.back().get());
    markerState->addUniform(_ringUniforms.back().get());
    _root->addChild(transform.get());
    _markers.push_back(transform.get());
  }
}

SensorLayer::~SensorLayer() = default;

void SensorLayer::setMarkerScale(float scale) {
  if (!(scale > 0) || !std::isfinite(scale)) scale = 1.0f;
  if (scale == _markerScale) return;
  _markerScale = scale;
  // The markers scale to the screen (AutoTransform), so the disc's size in model units is its
  // size in pixels: growing the shared vertices grows every dot, and picking follows them.
  _disc->setVertexArray(discVertices(_pixelRadius * _markerScale).get());
  _disc->dirtyBound();
}

void SensorLayer::setBeacons(const std::vector<Beacon>& beacons) {
  // Added on first use, after the markers: a layer that never alarms keeps its node layout.
  if (_beaconGroup->getNumParents() == 0) _root->addChild(_beaconGroup.get());
  _beaconGroup->removeChildren(0, _beaconGroup->getNumChildren());
  _beacons.clear();
  for (const Beacon& b : beacons) {
    const auto index = indexOf(b.sensorId);
    if (!index || !isAlarm(b.state)) continue;
    bool seen = false;
    for (const BeaconNode& n : _beacons) seen = seen || n.sensorId == b.sensorId;
    if (seen) continue;
    const osg::Vec3 base = _placements[*index].position;
    const osg::Vec3 top(base.x(), base.y(), _tops[*index] + kBeaconRiseMeters);
    osg::ref_ptr<osg::Geode> geode = new osg::Geode;
    geode->setName(b.sensorId);
    geode->addDrawable(beamGeometry(base, top.z(), 1.5f).get());
    osg::StateSet* state = geode->getOrCreateStateSet();
    state->addUniform(new osg::Uniform("twin_markerColor", markerColour(b.state)));
    state->addUniform(new osg::Uniform("twin_markerPulse", b.state == MarkerState::Critical ? 1.0f : 0.0f));
    _beaconGroup->addChild(geode.get());
    _beacons.push_back({b.sensorId, b.state, top});
  }
}

std::size_t SensorLayer::beaconCount() const { return _beacons.size(); }

std::optional<osg::Vec3> SensorLayer::beaconTop(const std::string& sensorId) const {
  for (const BeaconNode& n : _beacons)
    if (n.sensorId == sensorId) return n.top;
  return std::nullopt;
}

std::optional<osg::Vec4> SensorLayer::beaconColour(const std::string& sensorId) const {
  for (const BeaconNode& n : _beacons)
    if (n.sensorId == sensorId) return markerColour(n.state);
  return std::nullopt;
}

std::optional<std::size_t> SensorLayer::indexOf(const std::string& sensorId) const {
  for (std::size_t i = 0; i < _placements.size(); ++i)
    if (_placements[i].sensorId == sensorId) return i;
  return std::nullopt;
}

void SensorLayer::setStates(const std::vector<MarkerState>& states) {
  const std::size_t n = std::min(states.size(), _states.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (_states[i] == states[i]) continue;
    _states[i] = states[i];
    _colourUniforms[i]->set(markerColour(states[i]));
    _pulseUniforms[i]->set(states[i] == MarkerState::Critical ? 1.0f : 0.0f);
  }
  updateHulls();
}

void SensorLayer::updateHulls() {
  for (Hull& hull : _hulls) {
    MarkerState worst = MarkerState::Normal;
    for (std::size_t i = 0; i < _placements.size(); ++i)
      if (_placements[i].buildingIndex == hull.buildingIndex && alarmRank(_states[i]) > alarmRank(worst))
        worst = _states[i];
    hull.node->setNodeMask(isAlarm(worst) ? ~0u : 0u);
    hull.colour->set(markerColour(isAlarm(worst) ? worst : MarkerState::Critical));
    hull.pulse->set(worst == MarkerState::Critical ? 1.0f : 0.0f);
  }
}

bool SensorLayer::buildingTinted(int buildingIndex) const {
  for (const Hull& hull : _hulls)
    if (hull.buildingIndex == buildingIndex) return hull.node->getNodeMask() != 0;
  return false;
}

std::optional<osg::Vec4> SensorLayer::buildingTint(int buildingIndex) const {
  if (!buildingTinted(buildingIndex)) return std::nullopt;
  for (const Hull& hull : _hulls) {
    if (hull.buildingIndex != buildingIndex) continue;
    osg::Vec4 c;
    hull.colour->get(c);
    return c;
  }
  return std::nullopt;
}

osg::Vec4 SensorLayer::colour(std::size_t index) const {
  osg::Vec4 c;
  _colourUniforms.at(index)->get(c);
  return c;
}

bool SensorLayer::pulsing(std::size_t index) const {
  float p = 0;
  _pulseUniforms.at(index)->get(p);
  return p > 0.5f;
}

void SensorLayer::setTimeSeconds(double seconds) {
  // Wrapped so that float precision does not freeze the pulse after days of uptime.
  _time->set(float(std::fmod(seconds, 3600.0)));
}

void SensorLayer::setSelected(int index) {
  if (index < 0 || std::size_t(index) >= _placements.size()) index = -1;
  if (_selected >= 0) _ringUniforms[std::size_t(_selected)]->set(0.0f);
  _selected = index;
  if (_selected >= 0) _ringUniforms[std::size_t(_selected)]->set(1.0f);
}

std::optional<std::size_t> SensorLayer::pick(osgViewer::View& view, float x, float y) const {
  if (!view.getCamera() || _placements.empty()) return std::nullopt;
  osg::ref_ptr<osgUtil::LineSegmentIntersector> intersector =
      new osgUtil::LineSegmentIntersector(osgUtil::Intersector::WINDOW, x, y);
  osgUtil::IntersectionVisitor visitor(intersector.get());
  view.getCamera()->accept(visitor);
  // Markers are drawn on top of everything, so the first marker along the ray wins even when
  // a building is nearer.
  for (const auto& hit : intersector->getIntersections()) {
    for (const osg::Node* node : hit.nodePath) {
      for (std::size_t i = 0; i < _markers.size(); ++i)
        if (node == _markers[i].get()) return i;
    }
  }
  return std::nullopt;
}

}  // namespace twin::scene
