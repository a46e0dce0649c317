// CityJSON surfaces -> batched, semantics-coloured OSG geometry with per-triangle object ids.
#include "twin/scene/CityModelNode.h"

#include <cmath>
#include <cstdlib>
#include <map>

#include <nlohmann/json.hpp>
#include <osg/CullFace>
#include <osg/Geometry>
#include <osg/Material>
#include <osg/MatrixTransform>

#include "twin/scene/Triangulate.h"

namespace twin::scene {
namespace {

constexpr const char* kWhere = "scene::loadCityModel()";

enum ColorClass { kRoof, kWall, kGround, kBuilding, kTransport, kWater, kGreen, kOther, kClassCount };

const osg::Vec4 kPalette[kClassCount] = {{0.70f, 0.33f, 0.26f, 1}, {0.86f, 0.85f, 0.82f, 1}, {0.35f, 0.35f, 0.37f, 1},
                                         {0.78f, 0.76f, 0.72f, 1}, {0.30f, 0.30f, 0.32f, 1}, {0.30f, 0.50f, 0.75f, 1},
                                         {0.40f, 0.60f, 0.35f, 1}, {0.70f, 0.70f, 0.70f, 1}};

ColorClass classOf(const std::string& semantic, const std::string& objectType) {
  if (semantic == "RoofSurface") return kRoof;
  if (semantic == "WallSurface") return kWall;
  if (semantic == "GroundSurface") return kGround;
  if (objectType.rfind("Building", 0) == 0) return kBuilding;
  if (objectType == "Road" || objectType == "Railway" || objectType == "TransportSquare") return kTransport;
  if (objectType == "WaterBody") return kWater;
  if (objectType == "PlantCover" || objectType == "SolitaryVegetationObject" || objectType == "LandUse") return kGreen;
  return kOther;
}

double lodValue(const std::string& lod) { return std::strtod(lod.c_str(), nullptr); }

// One colour class: its vertices and, per triangle, which object and surface it came from.
struct Batch {
  osg::ref_ptr<osg::Vec3Array> vertices = new osg::Vec3Array;
  osg::ref_ptr<osg::Vec3Array> normals = new osg::Vec3Array;
  std::vector<std::uint32_t> triangleObject;    // index into CityModel::objects
  std::vector<std::uint16_t> triangleGeometry;  // index into the object's geometries
  std::vector<std::string> triangleSemantic;    // kept small: semantics are few distinct strings
};

class CityPickInfo : public PickInfo {
 public:
  CityPickInfo(std::shared_ptr<const model::CityModel> city, Batch batch)
      : _city(std::move(city)),
        _objects(std::move(batch.triangleObject)),
        _geometries(std::move(batch.triangleGeometry)),
        _semantics(std::move(batch.triangleSemantic)) {}

  PickedFeature describe(const osg::Drawable&, unsigned primitiveIndex, const std::vector<unsigned>&) const override {
    PickedFeature out;
    if (primitiveIndex >= _objects.size()) return out;
    const model::CityObject& object = _city->objects[_objects[primitiveIndex]];
    out.title = object.id;
    out.properties.emplace_back("type", object.type);
    const std::size_t g = _geometries[primitiveIndex];
    if (g < object.geometries.size()) out.properties.emplace_back("lod", object.geometries[g].lod);
    if (!_semantics[primitiveIndex].empty()) out.properties.emplace_back("surface", _semantics[primitiveIndex]);
    const nlohmann::json attributes = nlohmann::json::parse(object.attributesJson, nullptr, false);
    if (attributes.is_object())
      for (const auto& item : attributes.items())
        out.properties.emplace_back(item.key(),
                                    item.value().is_string() ? item.value().get<std::string>() : item.value().dump());
    return out;
  }

 private:
  std::shared_ptr<const model::CityModel> _city;
  std::vector<std::uint32_t> _objects;
  std::vector<std::uint16_t> _geometries;
  std::vector<std::string> _semantics;
};

// Newell's normal of a 3D ring: robust for non-convex and slightly non-planar rings.
osg::Vec3d newellNormal(const std::vector<core::Vec3>& ring) {
  osg::Vec3d n;
  for (std::size_t i = 0; i < ring.size(); ++i) {
    const core::Vec3& a = ring[i];
    const core::Vec3& b = ring[(i + 1) % ring.size()];
    n.x() += (a.y - b.y) * (a.z + b.z);
    n.y() += (a.z - b.z) * (a.x + b.x);
    n.z() += (a.x - b.x) * (a.y + b.y);
  }
  return n;
}

// Triangulates one surface into `batch`, positions relative to `centre`. False: degenerate.
bool addSurface(const model::CitySurface& surface, const osg::Vec3d& centre, Batch& batch, std::uint32_t object,
                std::uint16_t geometry, std::string& why) {
  osg::Vec3d normal = newellNormal(surface.outer);
  const double length = normal.length();
  if (!(length > 1e-12)) {
    why = "surface has zero area";
    return false;
  }
  normal /= length;
  // A basis (u, v) of the plane with u x v = normal, so CCW in (u, v) faces along the normal.
  const osg::Vec3d helper = std::abs(normal.z()) < 0.9 ? osg::Vec3d(0, 0, 1) : osg::Vec3d(1, 0, 0);
  osg::Vec3d u = helper ^ normal;
  u.normalize();
  const osg::Vec3d v = normal ^ u;
  const core::Vec3& o3 = surface.outer.front();
  const osg::Vec3d origin(o3.x, o3.y, o3.z);
  auto project = [&](const std::vector<core::Vec3>& ring) {
    core::Ring out;
    out.reserve(ring.size());
    for (const core::Vec3& p : ring) {
      const osg::Vec3d d = osg::Vec3d(p.x, p.y, p.z) - origin;
      out.push_back({d * u, d * v});
    }
    return out;
  };
  core::Polygon polygon;
  polygon.outer = project(surface.outer);
  for (const auto& hole : surface.holes) polygon.holes.push_back(project(hole));
  detail::Triangulation t;
  if (!detail::triangulateFootprint(polygon, t, why)) return false;
  const osg::Vec3f n(normal);
  for (std::size_t i = 0; i + 2 < t.triangles.size(); i += 3) {
    for (int k = 0; k < 3; ++k) {
      const core::Vec2& p = t.vertices[t.triangles[i + std::size_t(k)]];
      const osg::Vec3d world = origin + u * p.x + v * p.y;
      batch.vertices->push_back(osg::Vec3f(world - centre));
      batch.normals->push_back(n);
    }
    batch.triangleObject.push_back(object);
    batch.triangleGeometry.push_back(geometry);
    batch.triangleSemantic.push_back(surface.semantic);
  }
  return true;
}

}  // namespace

osg::ref_ptr<osg::Node> cityModelNode(const model::CityModel& cityIn, double heightOffsetMeters,
                                      core::Diagnostics& diag, CityNodeStats* statsOut, osg::BoundingBoxd* boundsOut) {
  auto city = std::make_shared<const model::CityModel>(cityIn);
  osg::BoundingBoxd box;
  for (const model::CityObject& object : city->objects)
    for (const model::CityGeometry& g : object.geometries)
      for (const model::CitySurface& s : g.surfaces)
        for (const core::Vec3& p : s.outer) box.expandBy(p.x, p.y, p.z);
  const osg::Vec3d centre = box.valid() ? box.center() : osg::Vec3d();

  CityNodeStats stats;
  Batch batches[kClassCount];
  const std::string file = city->file.filename().string();
  for (std::size_t oi = 0; oi < city->objects.size(); ++oi) {
    const model::CityObject& object = city->objects[oi];
    double best = -1;
    for (const model::CityGeometry& g : object.geometries) best = std::max(best, lodValue(g.lod));
    std::size_t before = 0;
    for (const Batch& b : batches) before += b.triangleObject.size();
    for (std::size_t gi = 0; gi < object.geometries.size(); ++gi) {
      const model::CityGeometry& g = object.geometries[gi];
      if (lodValue(g.lod) != best) continue;
      for (const model::CitySurface& s : g.surfaces) {
        std::string why;
        Batch& batch = batches[classOf(s.semantic, object.type)];
        if (addSurface(s, centre, batch, std::uint32_t(oi), std::uint16_t(std::min<std::size_t>(gi, 0xFFFF)), why)) {
          ++stats.surfaces;
        } else {
          ++stats.surfacesSkipped;
          diag.add(core::Severity::Warning, kWhere, file, "", "object " + object.id, why, "surface skipped");
        }
      }
    }
    std::size_t after = 0;
    for (const Batch& b : batches) after += b.triangleObject.size();
    if (after > before) ++stats.objectsDrawn;
  }

  osg::ref_ptr<osg::MatrixTransform> root = new osg::MatrixTransform;
  root->setMatrix(osg::Matrixd::translate(centre + osg::Vec3d(0, 0, heightOffsetMeters)));
  root->setName(file);
  osg::StateSet* state = root->getOrCreateStateSet();
  state->setMode(GL_LIGHTING, osg::StateAttribute::ON);
  state->setMode(GL_CULL_FACE, osg::StateAttribute::OFF);  // rings' orientation varies between files
  for (int c = 0; c < kClassCount; ++c) {
    Batch& batch = batches[c];
    const std::size_t triangles = batch.triangleObject.size();
    if (triangles == 0) continue;
    stats.triangles += triangles;
    (c == kRoof     ? stats.roofTriangles
     : c == kWall   ? stats.wallTriangles
     : c == kGround ? stats.groundTriangles
                    : stats.otherTriangles) += triangles;
    osg::ref_ptr<osg::Geometry> geometry = new osg::Geometry;
    geometry->setUseDisplayList(false);
    geometry->setUseVertexBufferObjects(true);
    geometry->setVertexArray(batch.vertices);
    geometry->setNormalArray(batch.normals, osg::Array::BIND_PER_VERTEX);
    osg::ref_ptr<osg::Vec4Array> colors = new osg::Vec4Array;
    colors->push_back(kPalette[c]);
    geometry->setColorArray(colors, osg::Array::BIND_OVERALL);
    geometry->addPrimitiveSet(new osg::DrawArrays(GL_TRIANGLES, 0, GLsizei(batch.vertices->size())));
    osg::ref_ptr<osg::Material> material = new osg::Material;
    material->setColorMode(osg::Material::AMBIENT_AND_DIFFUSE);
    geometry->getOrCreateStateSet()->setAttributeAndModes(material);
    geometry->setName(std::string("cityjson.") + std::to_string(c));
    geometry->setUserData(new CityPickInfo(city, std::move(batch)));
    root->addChild(geometry);
  }
  if (statsOut) *statsOut = stats;
  if (boundsOut) {
    *boundsOut = box;
    if (box.valid()) {
      boundsOut->zMin() += heightOffsetMeters;
      boundsOut->zMax() += heightOffsetMeters;
    }
  }
  return root;
}

core::Result<SceneModel> loadCityModel(const std::filesystem::path& file, const std::optional<std::string>& crs,
                                       double heightOffsetMeters, const geo::SiteFrame& frame,
                                       core::Diagnostics& diag) {
  model::CityJsonOptions options;
  options.crs = crs;
  auto city = model::readCityJson(file, frame, options, diag);
  if (!city) return city.error();
  SceneModel out;
  out.id = file.filename().string();
  out.format = model::ModelFormat::CityJson;
  out.frame = city->frame;
  CityNodeStats stats;
  out.node = cityModelNode(*city, heightOffsetMeters, diag, &stats, &out.bounds);
  if (stats.triangles == 0) return core::fail(std::string(kWhere) + ": " + file.string() + ": nothing to draw");
  return out;
}

}  // namespace twin::scene
