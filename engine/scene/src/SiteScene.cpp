// SiteScene: compiles a Site into OSG nodes.
//
// Sections: constants and colours | shader programs and uniforms | buildings (extrusion, tiles,
// LOD) | ground and roads | POI markers | label candidates | SiteScene methods.
#include "twin/scene/SiteScene.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>
#include <memory>
#include <utility>

#include <osg/BlendFunc>
#include <osg/ValueObject>
#include <osg/Depth>
#include <osg/Geometry>
#include <osg/LineWidth>
#include <osg/Point>
#include <osg/PointSprite>
#include <osg/PolygonOffset>
#include <osg/Program>
#include <osgUtil/CullVisitor>
#include <osgUtil/IntersectionVisitor>
#include <osgUtil/LineSegmentIntersector>

#include "BuildingBlocks.h"
#include "LabelLayer.h"
#include "MeshBuilder.h"
#include "PoiMarkers.h"
#include "Shaders.h"
#include "StreamedBuildings.h"
#include "SunShadows.h"
#include "twin/scene/Triangulate.h"
#include "twin/scene/TerrainMesh.h"
#include "twin/core/Assert.h"
#include "twin/core/Log.h"
#include "twin/core/Stopwatch.h"
#include "twin/model/SiteLoader.h"

namespace twin::scene {

using detail::kBuildingAttribute;
using detail::kBuildingColorAttribute;
using detail::kBuildingGeometryName;
using detail::makeGeometry;
using detail::Mesh;

const char* layerName(Layer layer) {
  switch (layer) {
    case Layer::Ground: return "ground";
    case Layer::Buildings: return "buildings";
    case Layer::Roads: return "roads";
    case Layer::Pois: return "pois";
    case Layer::Labels: return "labels";
  }
  return "unknown";
}

namespace {

// ---------------------------------------------------------------------------------------------
// Constants and colours

constexpr const char* kWhere = "scene::SiteScene::build()";
// POI classes; the value is the index into the POI shader's twin_poiColor. Other uses the theme's
// POI colour; the others are fixed so that a school is blue and a clinic red in every theme.
enum class PoiClass { Other = 0, Education, Health, Shopping, Transport, Leisure };
constexpr int kPoiCategoryCount = static_cast<int>(PoiClass::Leisure) + 1;
constexpr double kRoadLiftMeters = 0.5;  // road ribbons above the terrain surface (with terrain only)

// Keys of Theme::buildingUse, in BuildingUse order (model::buildingUseName()'s names).
constexpr std::array<const char*, model::kBuildingUseCount> kUseKeys = {
    "residential", "commercial", "office",    "education", "healthcare",
    "public",      "industrial", "transport", "religious", "other"};

unsigned layerBit(Layer layer) { return 1u << static_cast<unsigned>(layer); }

osg::Vec4 toVec4(const model::Color& c) { return {c.r, c.g, c.b, c.a}; }

osg::Vec4 useColor(const model::Theme& theme, int use) {
  auto it = theme.buildingUse.find(kUseKeys[static_cast<std::size_t>(use)]);
  if (it != theme.buildingUse.end()) return toVec4(it->second);
  auto other = theme.buildingUse.find("other");
  if (other != theme.buildingUse.end()) return toVec4(other->second);
  return {0.75f, 0.75f, 0.78f, 1};
}

// The class of a POI's marker and label.
PoiClass poiCategory(const model::Poi& poi) {
  const std::string& k = poi.kind;
  if (k == "school" || k == "kindergarten" || k == "university" || k == "college" || k == "childcare")
    return PoiClass::Education;
  if (poi.category == "healthcare" || k == "hospital" || k == "clinic" || k == "doctors" || k == "pharmacy" ||
      k == "dentist")
    return PoiClass::Health;
  if (poi.category == "shop" || k == "marketplace" || k == "supermarket") return PoiClass::Shopping;
  if (poi.category == "railway" || poi.category == "public_transport" || k == "bus_stop" || k == "subway_entrance" ||
      k == "station")
    return PoiClass::Transport;
  if (poi.category == "leisure") return PoiClass::Leisure;
  return PoiClass::Other;
}
const std::array<osg::Vec4, kPoiCategoryCount> kPoiFixedColors = {osg::Vec4(1, 1, 1, 1),  // replaced by Theme::poi
                                                                  osg::Vec4(0.30f, 0.60f, 1.00f, 1),   // education
                                                                  osg::Vec4(0.95f, 0.30f, 0.32f, 1),   // health
                                                                  osg::Vec4(1.00f, 0.66f, 0.16f, 1),   // shopping
                                                                  osg::Vec4(0.22f, 0.84f, 0.56f, 1),   // transport
                                                                  osg::Vec4(0.58f, 0.84f, 0.26f, 1)};  // leisure

// Label priority: lower first. Stations and schools matter most to residents.
int poiPriority(PoiClass category) {
  switch (category) {
    case PoiClass::Transport: return 0;
    case PoiClass::Education: return 1;
    case PoiClass::Health: return 2;
    default: return 4;
  }
}

// ---------------------------------------------------------------------------------------------
// Shader programs and uniforms

core::Result<osg::ref_ptr<osg::Program>> makeProgram(
    const std::string& name, std::initializer_list<std::pair<osg::Shader::Type, const char*>> files) {
  osg::ref_ptr<osg::Program> program = new osg::Program;
  program->setName(name);
  for (const auto& [type, file] : files) {
    const char* text = detail::embeddedShader(file);
    if (!text || !*text)
      return core::fail(std::string(kWhere) + ": shader '" + file + "' is not embedded in the library");
    osg::ref_ptr<osg::Shader> shader = new osg::Shader(type, text);
    shader->setName(file);
    program->addShader(shader);
  }
  return program;
}

struct Uniforms {
  osg::ref_ptr<osg::Uniform> useColors, hovered, selected, selectColor, hoverColor, colorOverride;
  osg::ref_ptr<osg::Uniform> sunDirection, sunColor, skyColor, groundBounce, background, tint;
  osg::ref_ptr<osg::Uniform> night, skyZenith, skyHorizon, sunGlow;  // setDaylight()
  osg::ref_ptr<osg::Uniform> groundColor, roadColor, casingColor, poiColors;
};

// ---------------------------------------------------------------------------------------------
// Ground and roads

// A ribbon along a polyline with mitred joins (the mitre is capped at twice the half width so
// that hairpin turns do not shoot spikes). Without terrain it lies flat at the points' z; with
// terrain each edge vertex sits at the ground under it plus `liftMeters`, so that the ribbon does
// not cut into a cross slope.
void addRibbon(Mesh& mesh, const std::vector<osg::Vec3>& line, double width, const geo::Heightfield* terrain,
               double liftMeters) {
  const double half = width / 2;
  const osg::Vec3 up(0, 0, 1);
  const osg::Vec4 noAttribute;
  auto first = static_cast<std::uint32_t>(mesh.vertices->size());
  for (std::size_t i = 0; i < line.size(); ++i) {
    core::Vec2 in{0, 0}, out{0, 0};
    if (i > 0) in = {line[i].x() - line[i - 1].x(), line[i].y() - line[i - 1].y()};
    if (i + 1 < line.size()) out = {line[i + 1].x() - line[i].x(), line[i + 1].y() - line[i].y()};
    double inLength = std::hypot(in.x, in.y), outLength = std::hypot(out.x, out.y);
    core::Vec2 inNormal = inLength > 0 ? core::Vec2{-in.y / inLength, in.x / inLength} : core::Vec2{};
    core::Vec2 outNormal = outLength > 0 ? core::Vec2{-out.y / outLength, out.x / outLength} : core::Vec2{};
    if (inLength <= 0) inNormal = outNormal;
    if (outLength <= 0) outNormal = inNormal;
    core::Vec2 miter{inNormal.x + outNormal.x, inNormal.y + outNormal.y};
    double miterLength = std::hypot(miter.x, miter.y);
    double scale = half;
    if (miterLength > 1e-9) {
      miter = {miter.x / miterLength, miter.y / miterLength};
      double cosine = miter.x * inNormal.x + miter.y * inNormal.y;
      scale = std::min(half / std::max(cosine, 1e-6), 2 * half);
    } else {
      miter = inNormal;
    }
    osg::Vec3 offset(static_cast<float>(miter.x * scale), static_cast<float>(miter.y * scale), 0);
    for (osg::Vec3 edge : {line[i] + offset, line[i] - offset}) {
      if (terrain) edge.z() = static_cast<float>(groundHeight(terrain, edge.x(), edge.y()) + liftMeters);
      mesh.add(edge, up, noAttribute);
    }
  }
  for (std::uint32_t i = 0; i + 1 < line.size(); ++i) {
    std::uint32_t l0 = first + 2 * i, r0 = l0 + 1, l1 = l0 + 2, r1 = l0 + 3;
    mesh.indices.insert(mesh.indices.end(), {l0, r0, r1, l0, r1, l1});
  }
}

std::vector<core::Vec2> cleanLine(const std::vector<core::Vec2>& line) {
  std::vector<core::Vec2> out;
  for (const core::Vec2& p : line) {
    if (!core::isFinite(p)) return {};
    if (out.empty() || std::hypot(p.x - out.back().x, p.y - out.back().y) > 0.01) out.push_back(p);
  }
  return out.size() >= 2 ? out : std::vector<core::Vec2>{};
}

// ---------------------------------------------------------------------------------------------
// Sky

// The sky is a viewport-filling quad whose corners the vertex shader places itself: it has no
// place in the site, so its bound is empty, which keeps it out of culling and out of the near/far
// planes OSG computes from the scene.
struct EmptyBound : osg::Drawable::ComputeBoundingBoxCallback {
  osg::BoundingBox computeBound(const osg::Drawable&) const override { return {}; }
};

osg::ref_ptr<osg::Geometry> makeSky(osg::Program* program) {
  osg::ref_ptr<osg::Vec3Array> corners = new osg::Vec3Array;
  for (const osg::Vec3& c : {osg::Vec3(-1, -1, 0), osg::Vec3(1, -1, 0), osg::Vec3(1, 1, 0), osg::Vec3(-1, 1, 0)})
    corners->push_back(c);
  osg::ref_ptr<osg::Geometry> sky = makeGeometry(corners, nullptr, {0, 1, 2, 0, 2, 3});
  sky->setName("twin:sky");
  sky->setComputeBoundingBoxCallback(new EmptyBound);
  sky->setCullingActive(false);
  osg::StateSet* state = sky->getOrCreateStateSet();
  state->setAttributeAndModes(program);
  state->setMode(GL_DEPTH_TEST, osg::StateAttribute::OFF);
  state->setAttributeAndModes(new osg::Depth(osg::Depth::ALWAYS, 0, 1, false));
  state->setRenderBinDetails(-10, "RenderBin");  // before everything else
  return sky;
}

// ---------------------------------------------------------------------------------------------
// Label candidates

// Noto Sans CJK's em is 1000/1448 of its line height (ascender 1160, descender 288), and ImGui
// sizes fonts by line height.
constexpr float kEmPerLineHeight = 0.69f;

float estimateTextWidth(const std::string& utf8, float characterSize) {
  float width = 0;
  for (std::size_t i = 0; i < utf8.size();) {
    auto c = static_cast<unsigned char>(utf8[i]);
    std::size_t length = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    width += length >= 3 ? characterSize : characterSize * 0.6f;  // CJK glyphs are square
    i += length;
  }
  return width;
}

struct LabelCandidate {
  int priority;
  double weight;  // larger first within a priority
  std::string text;
  osg::Vec3 anchor;
  float maxDistanceMeters;
  LabelKind kind;
};

constexpr std::size_t kLabelCandidatesPerMaxLabel = 6;

}  // namespace

// ---------------------------------------------------------------------------------------------
// SiteScene

const osg::Vec3 kStudioSun(0.45f, -0.55f, 0.70f);  // the fixed light: south-east, high
const osg::Vec3 kStudioSunColor(0.55f, 0.53f, 0.50f);
const osg::Vec3 kStudioSkyColor(0.58f, 0.60f, 0.64f);
const osg::Vec3 kStudioGroundBounce(0.30f, 0.29f, 0.28f);

struct SiteScene::Impl {
  const model::Site* site = nullptr;
  const geo::Heightfield* terrain = nullptr;  // site->terrain when it has samples, else null: flat at z = 0
  SceneOptions options;
  float labelScale = 1;  // setLabelScale()
  CompileStats stats;
  osg::ref_ptr<osg::Group> root;
  std::array<osg::ref_ptr<osg::Group>, kLayerCount> layers;
  std::array<bool, kLayerCount> visible{};
  detail::LabelLayer labels;
  osg::ref_ptr<detail::PoiMarkerLayer> poiMarkers;
  Uniforms uniforms;
  int hovered = -1, selected = -1;
  osg::ref_ptr<detail::BuildingBlocks> buildings;                 // building geometry by block; pages the near level
  std::vector<osg::ref_ptr<detail::StreamedBuildings>> streamed;  // one per Site::streamedLayers entry
  bool colorsActive = false;
  std::unique_ptr<detail::SunShadows> shadows;  // made on the first setSun() with shadows
  core::Box2 extent;                            // the site's, as the ground is drawn
  osg::ref_ptr<osg::Geometry> sky;              // under the root from the first setDaylight(), shown while one is set
  std::optional<Daylight> daylight;             // setDaylight()'s, while in force
  osg::Vec4 horizon;                            // its sky's horizon
  // Under a sky, distance fades towards its horizon, but only part way from the theme's
  // background: a full haze of a bright noon sky would wash out the theme's dark ground.
  osg::Vec4 hazeColor() const { return toVec4(options.theme.background) * 0.6f + horizon * 0.4f; }

  void applyTheme(const model::Theme& theme);
  void buildBuildings(core::Diagnostics& diag);
  void buildGround(const core::Box2& extent, osg::Program* program);
  void buildRoads(osg::Program* program);
  void buildPois(osg::Program* program);
  void buildLabels();
  void setShadows(const osg::Vec3d& towardSun);  // makes the depth map on first use
  double poiElevation(const model::Poi& poi) const {
    if (!terrain) return 0;
    return std::isfinite(poi.elevationMeters) ? poi.elevationMeters
                                              : groundHeight(terrain, poi.position.x, poi.position.y);
  }
};

SiteScene::SiteScene() : _impl(new Impl) {}
SiteScene::~SiteScene() {
  // Paged near levels may still be asked for by a pager that outlives this scene: refuse them.
  if (_impl->buildings) _impl->buildings->close();
  delete _impl;
}

osg::Group* SiteScene::root() const { return _impl->root.get(); }
const CompileStats& SiteScene::stats() const { return _impl->stats; }
const model::Site& SiteScene::site() const { return *_impl->site; }

void SiteScene::Impl::applyTheme(const model::Theme& theme) {
  options.theme = theme;
  for (int use = 0; use < model::kBuildingUseCount; ++use)
    uniforms.useColors->setElement(static_cast<unsigned>(use), useColor(theme, use));
  uniforms.background->set(daylight.has_value() ? hazeColor() : toVec4(theme.background));
  uniforms.groundColor->set(toVec4(theme.ground));
  uniforms.roadColor->set(toVec4(theme.roads));
  uniforms.casingColor->set(toVec4(theme.roadCasing));
  for (int c = 0; c < kPoiCategoryCount; ++c)
    uniforms.poiColors->setElement(static_cast<unsigned>(c),
                                   c == 0 ? toVec4(theme.poi) : kPoiFixedColors[static_cast<std::size_t>(c)]);
  // Label colours are read from options.theme by visibleLabels(), so a theme change needs no
  // per-label work here.
}

void SiteScene::Impl::buildBuildings(core::Diagnostics& diag) {
  const double tileSize = options.tileSizeMeters > 1 ? options.tileSizeMeters : 250;
  buildings = new detail::BuildingBlocks(terrain, tileSize, options.buildingDetailMeters, options.storeyMeters);
  std::vector<detail::BuildingVolume> volumes;
  for (std::size_t index = 0; index < site->buildings.size(); ++index) {
    const model::Building& building = site->buildings[index];
    if (building.partCount == 0) volumes.push_back({&building, index, building.use});  // else its parts stand for it
  }
  for (const model::Building& part : site->buildingParts) {
    if (part.partOf < 0 || static_cast<std::size_t>(part.partOf) >= site->buildings.size()) continue;
    const auto index = static_cast<std::size_t>(part.partOf);
    volumes.push_back({&part, index, site->buildings[index].use});
  }
  const bool paged = volumes.size() > options.pageBuildingsAbove;
  detail::BuildingBlocks::Figures figures = buildings->compile(volumes, paged, diag);
  stats.buildingTiles = figures.tiles;
  stats.buildingGeometries = figures.geometries;
  stats.buildingTriangles = figures.triangles;
  stats.buildingBlocks = figures.blocks;
  stats.buildingsPaged = paged;
  osg::Group* group = layers[static_cast<int>(Layer::Buildings)].get();
  for (osg::Node* block : figures.nodes) group->addChild(block);
  for (const model::StreamedLayer& layer : site->streamedLayers) {
    auto node = detail::StreamedBuildings::create(layer, site->frame, terrain, tileSize, options.buildingDetailMeters,
                                                  options.storeyMeters, diag);
    if (!node) {
      diag.add(core::Severity::Error, kWhere, layer.layer.id, "buildings", "", node.error().message, "layer not drawn");
      continue;
    }
    streamed.push_back(node.value());
    group->addChild(node.value());
  }
}

void SiteScene::Impl::buildGround(const core::Box2& extent, osg::Program* program) {
  osg::Group* group = layers[static_cast<int>(Layer::Ground)].get();
  group->getOrCreateStateSet()->setAttributeAndModes(program);
  group->getOrCreateStateSet()->addUniform(uniforms.groundColor);
  if (terrain) {
    group->addChild(buildTerrainMesh(*terrain, TerrainOptions(), &stats.terrain));
    return;
  }
  if (extent.empty()) return;
  const double margin = std::max(200.0, 0.25 * std::max(extent.width(), extent.height()));
  const auto x0 = static_cast<float>(extent.minX - margin), y0 = static_cast<float>(extent.minY - margin);
  const auto x1 = static_cast<float>(extent.maxX + margin), y1 = static_cast<float>(extent.maxY + margin);
  osg::ref_ptr<osg::Vec3Array> vertices = new osg::Vec3Array;
  for (const osg::Vec3& corner :
       {osg::Vec3(x0, y0, 0), osg::Vec3(x1, y0, 0), osg::Vec3(x1, y1, 0), osg::Vec3(x0, y1, 0)})
    vertices->push_back(corner);
  osg::ref_ptr<osg::Vec3Array> normals = new osg::Vec3Array;
  normals->assign(4, osg::Vec3(0, 0, 1));
  group->addChild(makeGeometry(vertices, normals, {0, 1, 2, 0, 2, 3}));
}

void SiteScene::Impl::buildRoads(osg::Program* program) {
  osg::Group* group = layers[static_cast<int>(Layer::Roads)].get();
  group->getOrCreateStateSet()->setAttributeAndModes(program);
  // Roads are cut on a grid twice the building blocks' (2 km with 250 m tiles): ribbons are few
  // triangles, so culling them finely gains less than the draw calls cost in a city overview.
  const double tileSize = 2 * detail::kTilesPerBlockSide * (options.tileSizeMeters > 1 ? options.tileSizeMeters : 250);
  std::map<std::pair<long long, long long>, std::pair<Mesh, Mesh>> tiles;  // (casing, fill)
  for (const model::Road& road : site->roads) {
    std::vector<core::Vec2> line = cleanLine(road.line);
    if (line.empty()) continue;
    // With terrain the centre line is split wherever it crosses a terrain triangle edge, so that it
    // follows the drawn surface exactly; the ribbon is lifted a little above it.
    std::vector<osg::Vec3> centre = drapeLine(terrain, line, terrain ? kRoadLiftMeters : 0);
    double width = std::isfinite(road.widthMeters) && road.widthMeters > 0
                       ? std::min(road.widthMeters, 60.0)
                       : model::defaultRoadWidthMeters(road.highway);
    core::Box2 box;
    for (const core::Vec2& p : line) box.add(p);
    core::Vec2 middle = box.centre();
    auto& meshes = tiles[{static_cast<long long>(std::floor(middle.x / tileSize)),
                          static_cast<long long>(std::floor(middle.y / tileSize))}];
    addRibbon(meshes.first, centre, width + 1.6, terrain, kRoadLiftMeters);
    addRibbon(meshes.second, centre, width, terrain, kRoadLiftMeters);
  }
  // Ribbons lie on the ground: polygon offset pulls casing, then fill, towards the eye (with
  // terrain, on top of the lift, against coarser terrain levels in the distance).
  osg::ref_ptr<osg::StateSet> casingState = new osg::StateSet;
  casingState->setAttributeAndModes(new osg::PolygonOffset(-1, -2));
  casingState->addUniform(uniforms.casingColor);
  casingState->setRenderBinDetails(1, "RenderBin");
  osg::ref_ptr<osg::StateSet> fillState = new osg::StateSet;
  fillState->setAttributeAndModes(new osg::PolygonOffset(-2, -4));
  fillState->addUniform(uniforms.roadColor);
  fillState->setRenderBinDetails(2, "RenderBin");
  for (auto& [key, meshes] : tiles) {
    osg::ref_ptr<osg::Geometry> casing =
        makeGeometry(meshes.first.vertices, meshes.first.normals, meshes.first.indices);
    casing->setStateSet(casingState);
    osg::ref_ptr<osg::Geometry> fill =
        makeGeometry(meshes.second.vertices, meshes.second.normals, meshes.second.indices);
    fill->setStateSet(fillState);
    group->addChild(casing);
    group->addChild(fill);
    stats.roadGeometries += 2;
  }
}

namespace {
// Re-clusters the POI markers for the view being culled, before their geometry is culled. A
// camera that draws one tile of a video wall carries the wall's whole screen as user values
// ("twin:screenProjection", "twin:screenWidth", "twin:screenHeight", set by the app's viewer):
// the clustering is then done on the whole screen, so that a cluster near a seam is the same
// cluster on both tiles, as on one big screen.
class PoiMarkerCull : public osg::NodeCallback {
 public:
  explicit PoiMarkerCull(detail::PoiMarkerLayer* layer) : _layer(layer) {}
  void operator()(osg::Node* node, osg::NodeVisitor* nv) override {
    auto* cv = dynamic_cast<osgUtil::CullVisitor*>(nv);
    if (cv && cv->getModelViewMatrix() && cv->getProjectionMatrix() && cv->getViewport()) {
      const osg::Camera* camera = cv->getCurrentCamera();
      osg::Matrixd screenProjection;
      int screenWidth = 0, screenHeight = 0;
      if (camera && camera->getUserValue("twin:screenProjection", screenProjection) &&
          camera->getUserValue("twin:screenWidth", screenWidth) &&
          camera->getUserValue("twin:screenHeight", screenHeight) && screenWidth > 0 && screenHeight > 0) {
        osg::ref_ptr<osg::Viewport> screen = new osg::Viewport(0, 0, screenWidth, screenHeight);
        _layer->update(*cv->getModelViewMatrix(), *cv->getProjectionMatrix(), *cv->getViewport(), screenProjection,
                       *screen);
      } else {
        _layer->update(*cv->getModelViewMatrix(), *cv->getProjectionMatrix(), *cv->getViewport(),
                       *cv->getProjectionMatrix(), *cv->getViewport());
      }
    }
    traverse(node, nv);
  }

 private:
  osg::ref_ptr<detail::PoiMarkerLayer> _layer;
};
}  // namespace

void SiteScene::Impl::buildPois(osg::Program* program) {
  osg::Group* group = layers[static_cast<int>(Layer::Pois)].get();
  osg::StateSet* state = group->getOrCreateStateSet();
  state->setAttributeAndModes(program);
  state->addUniform(uniforms.poiColors);
  // Importance: stations, schools, health, the rest; named before unnamed; then file order.
  std::vector<detail::PoiMarkerLayer::Poi> pois;
  std::vector<std::pair<int, bool>> rank;
  for (std::size_t i = 0; i < site->pois.size(); ++i) {
    const model::Poi& poi = site->pois[i];
    if (!core::isFinite(poi.position)) continue;
    const PoiClass category = poiCategory(poi);
    pois.push_back({i,
                    osg::Vec3(static_cast<float>(poi.position.x), static_cast<float>(poi.position.y),
                              static_cast<float>(poiElevation(poi))),
                    static_cast<float>(static_cast<int>(category))});
    rank.emplace_back(poiPriority(category), poi.name.empty());
    ++stats.poiMarkers;
  }
  std::vector<std::size_t> order(pois.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return rank[a] < rank[b]; });
  std::vector<detail::PoiMarkerLayer::Poi> sorted;
  sorted.reserve(pois.size());
  for (std::size_t i : order) sorted.push_back(pois[i]);
  poiMarkers = new detail::PoiMarkerLayer(std::move(sorted), options.poiMarkerPixels, options.maxPoiMarkers);
  if (poiMarkers->size() == 0) return;
  osg::Geometry* geometry = poiMarkers->geometry();
  osg::StateSet* markerState = geometry->getOrCreateStateSet();
  markerState->setAttributeAndModes(new osg::LineWidth(2));
  markerState->setTextureAttributeAndModes(0, new osg::PointSprite, osg::StateAttribute::ON);
  markerState->setMode(GL_VERTEX_PROGRAM_POINT_SIZE, osg::StateAttribute::ON);
  // Drawn after the buildings so that a marker in front of a roof is never half hidden by depth
  // fighting with the stem top.
  markerState->setRenderBinDetails(10, "RenderBin");
  group->addChild(geometry);
  group->setCullCallback(new PoiMarkerCull(poiMarkers.get()));
}

void SiteScene::Impl::buildLabels() {
  std::vector<LabelCandidate> candidates;
  for (const model::Poi& poi : site->pois) {
    if (poi.name.empty() || !core::isFinite(poi.position)) continue;
    const PoiClass category = poiCategory(poi);
    candidates.push_back({poiPriority(category), 0, poi.name,
                          osg::Vec3(static_cast<float>(poi.position.x), static_cast<float>(poi.position.y),
                                    static_cast<float>(poiElevation(poi) + 20)),
                          category == PoiClass::Transport ? 3000.f : 1600.f, LabelKind::Poi});
  }
  for (const model::Building& building : site->buildings) {
    if (building.name.empty() || !std::isfinite(building.heightMeters)) continue;
    const double base = terrain && std::isfinite(building.baseElevationMeters) ? building.baseElevationMeters : 0;
    double areaM2 = building.footprintAreaM2 > 0 ? building.footprintAreaM2 : core::area(building.footprint);
    const double top = model::drawnTopMeters(building);
    if (!(areaM2 >= 1500 || top >= 50)) continue;
    core::Vec2 c = core::centroid(building.footprint.outer);
    if (!core::isFinite(c)) continue;
    candidates.push_back(
        {3, areaM2, building.name,
         osg::Vec3(static_cast<float>(c.x), static_cast<float>(c.y), static_cast<float>(base + top + 4)),
         static_cast<float>(std::clamp(std::sqrt(areaM2) * 40, 900.0, 4000.0)), LabelKind::Building});
  }
  std::stable_sort(candidates.begin(), candidates.end(), [](const LabelCandidate& a, const LabelCandidate& b) {
    return a.priority != b.priority ? a.priority < b.priority : a.weight > b.weight;
  });
  // The declutter is quadratic in the labels it accepts and walks every candidate; beyond a few
  // screens' worth it would reject them anyway.
  std::size_t cap =
      std::max<std::size_t>(1, static_cast<std::size_t>(std::max(options.maxLabels, 0))) * kLabelCandidatesPerMaxLabel;
  if (candidates.size() > cap) candidates.resize(cap);
  const float pixels = options.labelPixels > 1 ? options.labelPixels : 18;
  for (LabelCandidate& candidate : candidates) {
    detail::LabelLayer::Placement placement;
    placement.anchor = candidate.anchor;
    placement.widthPixels = estimateTextWidth(candidate.text, pixels * kEmPerLineHeight);
    placement.heightPixels = pixels;
    placement.maxDistanceMeters = candidate.maxDistanceMeters;
    placement.priority = candidate.priority;
    placement.kind = candidate.kind;
    placement.name = candidate.text;
    placement.text = std::move(candidate.text);
    labels.add(std::move(placement));
    ++stats.labels;
  }
}

core::Result<osg::ref_ptr<SiteScene>> SiteScene::build(const model::Site& site, const SceneOptions& options,
                                                       core::Diagnostics& diag) {
  core::Stopwatch stopwatch;
  osg::ref_ptr<SiteScene> scene = new SiteScene;
  Impl& impl = *scene->_impl;
  impl.site = &site;
  impl.terrain = site.terrain && !site.terrain->empty() ? &*site.terrain : nullptr;
  impl.options = options;

  auto buildingProgram = makeProgram("twin buildings", {{osg::Shader::VERTEX, "buildings.vert"},
                                                        {osg::Shader::FRAGMENT, "buildings.frag"},
                                                        {osg::Shader::FRAGMENT, "lighting.frag"}});
  if (!buildingProgram) return buildingProgram.error();
  buildingProgram.value()->addBindAttribLocation("twin_building", kBuildingAttribute);
  buildingProgram.value()->addBindAttribLocation("twin_overrideColor", kBuildingColorAttribute);
  auto flatProgram = makeProgram("twin flat", {{osg::Shader::VERTEX, "flat.vert"},
                                               {osg::Shader::FRAGMENT, "flat.frag"},
                                               {osg::Shader::FRAGMENT, "lighting.frag"}});
  if (!flatProgram) return flatProgram.error();
  auto poiProgram = makeProgram("twin poi", {{osg::Shader::VERTEX, "poi.vert"}, {osg::Shader::FRAGMENT, "poi.frag"}});
  if (!poiProgram) return poiProgram.error();
  buildingProgram.value()->addBindAttribLocation("twin_facade", detail::kBuildingFacadeAttribute);
  auto skyProgram = makeProgram("twin sky", {{osg::Shader::VERTEX, "sky.vert"}, {osg::Shader::FRAGMENT, "sky.frag"}});
  if (!skyProgram) return skyProgram.error();
  poiProgram.value()->addBindAttribLocation("twin_poiMarker", detail::PoiMarkerLayer::kAttribute);

  Uniforms& u = impl.uniforms;
  u.useColors = new osg::Uniform(osg::Uniform::FLOAT_VEC4, "twin_useColor", model::kBuildingUseCount);
  u.hovered = new osg::Uniform("twin_hovered", -1.f);
  u.selected = new osg::Uniform("twin_selected", -1.f);
  u.selectColor = new osg::Uniform("twin_selectColor", osg::Vec4(1.0f, 0.55f, 0.1f, 1));
  u.hoverColor = new osg::Uniform("twin_hoverColor", osg::Vec4(0.55f, 0.9f, 1.0f, 1));
  u.colorOverride = new osg::Uniform("twin_colorOverride", 0.f);
  osg::Vec3 sun = kStudioSun;
  sun.normalize();
  u.sunDirection = new osg::Uniform("twin_sunDirection", sun);
  u.sunColor = new osg::Uniform("twin_sunColor", kStudioSunColor);
  u.skyColor = new osg::Uniform("twin_skyColor", kStudioSkyColor);
  u.groundBounce = new osg::Uniform("twin_groundBounce", kStudioGroundBounce);
  u.background = new osg::Uniform("twin_background", osg::Vec4());
  u.tint = new osg::Uniform("twin_tint", osg::Vec3(1500.f, 9000.f, 0.45f));
  u.night = new osg::Uniform("twin_night", 0.f);
  u.skyZenith = new osg::Uniform("twin_skyZenith", osg::Vec3());
  u.skyHorizon = new osg::Uniform("twin_skyHorizon", osg::Vec3());
  u.sunGlow = new osg::Uniform("twin_sunGlow", osg::Vec3());
  u.groundColor = new osg::Uniform("twin_color", osg::Vec4());
  u.roadColor = new osg::Uniform("twin_color", osg::Vec4());
  u.casingColor = new osg::Uniform("twin_color", osg::Vec4());
  u.poiColors = new osg::Uniform(osg::Uniform::FLOAT_VEC4, "twin_poiColor", kPoiCategoryCount);

  impl.root = new osg::Group;
  impl.root->setName("twin site " + site.name);
  osg::StateSet* rootState = impl.root->getOrCreateStateSet();
  for (osg::Uniform* uniform :
       {u.sunDirection.get(), u.sunColor.get(), u.skyColor.get(), u.groundBounce.get(), u.background.get(),
        u.tint.get(), u.night.get(), u.skyZenith.get(), u.skyHorizon.get(), u.sunGlow.get()})
    rootState->addUniform(uniform);
  impl.sky = makeSky(skyProgram.value());  // joins the root on the first setDaylight()
  for (int i = 0; i < kLayerCount; ++i) {
    impl.visible[static_cast<std::size_t>(i)] = true;
    // Labels are drawn by the app from visibleLabels(), not by OSG: that layer has no node.
    if (i == static_cast<int>(Layer::Labels)) continue;
    impl.layers[static_cast<std::size_t>(i)] = new osg::Group;
    impl.layers[static_cast<std::size_t>(i)]->setName(layerName(static_cast<Layer>(i)));
    impl.layers[static_cast<std::size_t>(i)]->setNodeMask(layerBit(static_cast<Layer>(i)));
    impl.root->addChild(impl.layers[static_cast<std::size_t>(i)]);
  }
  osg::StateSet* buildingState = impl.layers[static_cast<int>(Layer::Buildings)]->getOrCreateStateSet();
  buildingState->setAttributeAndModes(buildingProgram.value());
  for (osg::Uniform* uniform : {u.useColors.get(), u.hovered.get(), u.selected.get(), u.selectColor.get(),
                                u.hoverColor.get(), u.colorOverride.get()})
    buildingState->addUniform(uniform);

  core::Box2 extent = site.extent;
  if (extent.empty()) {
    for (const model::Building& b : site.buildings)
      for (const core::Vec2& p : b.footprint.outer)
        if (core::isFinite(p)) extent.add(p);
    for (const model::Road& r : site.roads)
      for (const core::Vec2& p : r.line)
        if (core::isFinite(p)) extent.add(p);
    for (const model::Poi& p : site.pois)
      if (core::isFinite(p.position)) extent.add(p.position);
  }
  impl.extent = extent;
  impl.buildBuildings(diag);
  impl.buildGround(extent, flatProgram.value());
  impl.buildRoads(flatProgram.value());
  impl.buildPois(poiProgram.value());
  impl.buildLabels();
  impl.applyTheme(options.theme);
  impl.stats.compileMs = stopwatch.elapsedMs();
  return scene;
}

void SiteScene::setSun(const osg::Vec3d& towardSun, bool shadows) {
  const double length = towardSun.length();
  if (!(length > 0) || !std::isfinite(length)) return;
  setDaylight(daylightFor(sunPositionOfDirection(towardSun)), false);
  const osg::Vec3d dir = towardSun / length;
  if (!shadows) {
    if (_impl->shadows) _impl->shadows->disable();
    return;
  }
  // The depth map is cast along the real direction: one below the horizon casts nothing.
  _impl->setShadows(dir);
}

void SiteScene::Impl::setShadows(const osg::Vec3d& towardSun) {
  if (!shadows) {
    double top = 1;
    for (const model::Building& b : site->buildings)
      if (std::isfinite(b.baseElevationMeters + b.heightMeters))
        top = std::max(top, b.baseElevationMeters + b.heightMeters);
    shadows =
        std::make_unique<detail::SunShadows>(root.get(), root->getOrCreateStateSet(),
                                             std::vector<osg::Node*>{layers[static_cast<int>(Layer::Buildings)].get(),
                                                                     layers[static_cast<int>(Layer::Ground)].get()},
                                             extent, top, 2048);
  }
  shadows->setSun(towardSun);
}

void SiteScene::setDaylight(const Daylight& daylight, bool shadows) {
  Impl& impl = *_impl;
  Uniforms& u = impl.uniforms;
  osg::Vec3 toward = daylight.towardSun;
  if (!(toward.length() > 0) || !std::isfinite(toward.length())) return;
  toward.normalize();
  u.sunDirection->set(toward);
  u.sunColor->set(daylight.sunColor);
  u.skyColor->set(daylight.skyLight);
  u.groundBounce->set(daylight.groundBounce);
  u.skyZenith->set(daylight.zenith);
  u.skyHorizon->set(daylight.horizon);
  u.sunGlow->set(daylight.sunGlow);
  u.night->set(std::clamp(daylight.night, 0.f, 1.f));
  impl.daylight = daylight;
  impl.horizon = osg::Vec4(daylight.horizon, 1);
  u.background->set(impl.hazeColor());
  if (impl.sky->getNumParents() == 0) impl.root->addChild(impl.sky);
  impl.sky->setNodeMask(~0u);
  if (!shadows || !(daylight.sunAltitudeDegrees > 0)) {
    if (impl.shadows) impl.shadows->disable();
    return;
  }
  impl.setShadows(osg::Vec3d(toward));
}

bool SiteScene::daylightActive() const { return _impl->daylight.has_value(); }
std::optional<Daylight> SiteScene::daylight() const { return _impl->daylight; }

void SiteScene::resetSun() {
  Impl& impl = *_impl;
  osg::Vec3 sun = kStudioSun;
  sun.normalize();
  impl.uniforms.sunDirection->set(sun);
  impl.uniforms.sunColor->set(kStudioSunColor);
  impl.uniforms.skyColor->set(kStudioSkyColor);
  impl.uniforms.groundBounce->set(kStudioGroundBounce);
  impl.uniforms.night->set(0.f);
  impl.daylight.reset();
  impl.sky->setNodeMask(0);
  impl.uniforms.background->set(toVec4(impl.options.theme.background));
  if (impl.shadows) impl.shadows->disable();
}

bool SiteScene::shadowsActive() const { return _impl->shadows && _impl->shadows->enabled(); }
osg::Camera* SiteScene::shadowCamera() const { return _impl->shadows ? _impl->shadows->camera() : nullptr; }

void SiteScene::setLayerVisible(Layer layer, bool visible) {
  auto i = static_cast<std::size_t>(layer);
  _impl->visible[i] = visible;
  if (_impl->layers[i]) _impl->layers[i]->setNodeMask(visible ? layerBit(layer) : 0u);
}

bool SiteScene::layerVisible(Layer layer) const { return _impl->visible[static_cast<std::size_t>(layer)]; }

void SiteScene::setTheme(const model::Theme& theme) { _impl->applyTheme(theme); }

void SiteScene::setLabelScale(float scale) { _impl->labelScale = scale > 0 && std::isfinite(scale) ? scale : 1.0f; }
float SiteScene::labelScale() const { return _impl->labelScale; }

void SiteScene::setLabelNames(const std::map<std::string, std::string>& names) {
  const float pixels = _impl->options.labelPixels > 1 ? _impl->options.labelPixels : 18;
  for (detail::LabelLayer::Placement& placement : _impl->labels.placements()) {
    const auto it = names.find(placement.name);
    placement.text = it != names.end() && !it->second.empty() ? it->second : placement.name;
    // An English name is often twice as wide as the Chinese one it replaces (or half): a box
    // sized for the other text lets labels overlap, or hides ones that would fit.
    placement.widthPixels = estimateTextWidth(placement.text, pixels * kEmPerLineHeight);
  }
}

std::vector<ScreenLabel> SiteScene::visibleLabels(const osg::Camera& camera) const {
  const osg::Viewport* viewport = camera.getViewport();
  if (!_impl->visible[static_cast<int>(Layer::Labels)] || !viewport) return {};
  std::vector<ScreenLabel> shown = _impl->labels.visibleLabels(camera.getViewMatrix(), camera.getProjectionMatrix(),
                                                               *viewport, _impl->options.maxLabels, _impl->labelScale);
  const float pixels = (_impl->options.labelPixels > 1 ? _impl->options.labelPixels : 18) * _impl->labelScale;
  for (ScreenLabel& label : shown) {
    label.sizePixels = pixels;
    label.color = _impl->options.theme.labels;
    label.halo = _impl->options.theme.background;
  }
  return shown;
}

std::vector<PoiMarker> SiteScene::poiMarkers(const osg::Camera& camera) const {
  const osg::Viewport* viewport = camera.getViewport();
  if (!_impl->visible[static_cast<int>(Layer::Pois)] || !viewport || !_impl->poiMarkers) return {};
  return _impl->poiMarkers->markers(camera.getViewMatrix(), camera.getProjectionMatrix(), *viewport);
}

std::vector<ScreenLabel> SiteScene::poiClusterLabels(const osg::Camera& camera) const {
  std::vector<ScreenLabel> labels;
  const float pixels = 0.75f * (_impl->options.labelPixels > 1 ? _impl->options.labelPixels : 18);
  for (const PoiMarker& marker : poiMarkers(camera)) {
    if (marker.count < 2) continue;
    ScreenLabel label;
    label.text = std::to_string(marker.count);
    label.widthPixels = estimateTextWidth(label.text, pixels * kEmPerLineHeight);
    label.heightPixels = pixels;
    label.sizePixels = pixels;
    label.x = marker.x;
    label.y = marker.y + pixels / 2;  // the text's bottom centre: the text is centred on the disc
    label.priority = -1;
    label.kind = LabelKind::PoiCluster;
    label.color = _impl->options.theme.labels;
    label.halo = _impl->options.theme.background;
    labels.push_back(std::move(label));
  }
  return labels;
}

namespace {
int checkedBuildingIndex(int index, std::size_t count, const char* function) {
  if (index >= -1 && index < static_cast<long long>(count)) return index;
  core::logWarning(std::string(function) + ": building index " + std::to_string(index) + " out of range (" +
                   std::to_string(count) + " buildings); cleared");
  return -1;
}
}  // namespace

void SiteScene::setHoveredBuilding(int index) {
  _impl->hovered = checkedBuildingIndex(index, _impl->site->buildings.size(), "scene::SiteScene::setHoveredBuilding()");
  _impl->uniforms.hovered->set(static_cast<float>(_impl->hovered));
}

void SiteScene::setSelectedBuilding(int index) {
  _impl->selected =
      checkedBuildingIndex(index, _impl->site->buildings.size(), "scene::SiteScene::setSelectedBuilding()");
  _impl->uniforms.selected->set(static_cast<float>(_impl->selected));
}

void SiteScene::setBuildingColors(const std::vector<model::Color>& colors) {
  const std::size_t count = _impl->site->buildings.size();
  TWIN_ASSERT(colors.empty() || colors.size() == count,
              "scene::SiteScene::setBuildingColors(): one colour per building is required");
  _impl->buildings->setColors(colors);
  for (const auto& streamed : _impl->streamed) streamed->setColorsActive(!colors.empty());
  _impl->uniforms.colorOverride->set(colors.empty() ? 0.f : 1.f);
  _impl->colorsActive = !colors.empty();
}

bool SiteScene::buildingColorsActive() const { return _impl->colorsActive; }

std::vector<StreamedLayerFigures> SiteScene::streamedLayers() const {
  std::vector<StreamedLayerFigures> out;
  for (const auto& streamed : _impl->streamed) {
    const detail::StreamedBuildings::Figures f = streamed->figures();
    StreamedLayerFigures o;
    o.layerId = f.layerId;
    o.tilesShown = f.tilesShown;
    o.buildingsShown = f.buildingsShown;
    o.measuredHeightsShown = f.measuredHeightsShown;
    o.tilesRead = f.loader.tilesRead;
    o.tilesDropped = f.loader.tilesDropped;
    o.tilesQueued = f.loader.tilesQueued + f.tilesWaiting;
    o.featuresRead = f.loader.featuresRead;
    o.errors = f.loader.errors;
    o.lastTileBuildMs = f.lastBuildMs;
    o.uses.assign(f.uses.begin(), f.uses.end());
    out.push_back(std::move(o));
  }
  return out;
}

bool SiteScene::streamingIdle() const {
  for (const auto& streamed : _impl->streamed)
    if (!streamed->idle()) return false;
  return true;
}

bool SiteScene::waitStreamingRead(std::chrono::milliseconds timeout) const {
  const auto end = std::chrono::steady_clock::now() + timeout;
  for (const auto& streamed : _impl->streamed) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
    if (!streamed->waitRead(std::max(left, std::chrono::milliseconds(0)))) return false;
  }
  return true;
}

int SiteScene::hoveredBuilding() const { return _impl->hovered; }
int SiteScene::selectedBuilding() const { return _impl->selected; }

std::optional<std::size_t> SiteScene::pickBuilding(osgViewer::View& view, float x, float y) const {
  if (!_impl->visible[static_cast<int>(Layer::Buildings)] || !view.getCamera()) return std::nullopt;
  osg::ref_ptr<osgUtil::LineSegmentIntersector> intersector =
      new osgUtil::LineSegmentIntersector(osgUtil::Intersector::WINDOW, x, y);
  osgUtil::IntersectionVisitor visitor(intersector.get());
  visitor.setTraversalMask(layerBit(Layer::Buildings));
  view.getCamera()->accept(visitor);
  for (const auto& hit : intersector->getIntersections()) {
    const osg::Geometry* geometry = hit.drawable ? hit.drawable->asGeometry() : nullptr;
    if (!geometry || geometry->getName() != kBuildingGeometryName || hit.indexList.empty()) continue;
    const auto* attributes = dynamic_cast<const osg::Vec4Array*>(geometry->getVertexAttribArray(kBuildingAttribute));
    if (!attributes || hit.indexList[0] >= attributes->size()) continue;
    float index = (*attributes)[hit.indexList[0]].x();
    if (index < 0 || index >= static_cast<float>(_impl->site->buildings.size())) continue;
    return static_cast<std::size_t>(index + 0.5f);
  }
  return std::nullopt;
}

}  // namespace twin::scene
