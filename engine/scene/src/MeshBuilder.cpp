#include "MeshBuilder.h"

#include <cmath>

namespace twin::scene::detail {

namespace {
osg::ref_ptr<osg::DrawElements> makeTriangles(const std::vector<std::uint32_t>& indices, std::size_t vertexCount) {
  if (vertexCount <= 0xFFFF) {
    osg::ref_ptr<osg::DrawElementsUShort> elements = new osg::DrawElementsUShort(GL_TRIANGLES);
    elements->reserve(indices.size());
    for (std::uint32_t i : indices) elements->push_back(static_cast<GLushort>(i));
    return elements;
  }
  return new osg::DrawElementsUInt(GL_TRIANGLES, indices.begin(), indices.end());
}

}  // namespace

void addRoof(Mesh& mesh, const Triangulation& t, float z, const osg::Vec4& attribute, bool facingUp) {
  auto base = static_cast<std::uint32_t>(mesh.vertices->size());
  osg::Vec3 normal(0, 0, facingUp ? 1.f : -1.f);
  for (const core::Vec2& p : t.vertices)
    mesh.add(osg::Vec3(static_cast<float>(p.x), static_cast<float>(p.y), z), normal, attribute, kRoofFacade);
  for (std::size_t i = 0; i + 2 < t.triangles.size(); i += 3) {
    std::uint32_t a = base + t.triangles[i], b = base + t.triangles[i + 1], c = base + t.triangles[i + 2];
    if (facingUp)
      mesh.indices.insert(mesh.indices.end(), {a, b, c});
    else
      mesh.indices.insert(mesh.indices.end(), {a, c, b});
  }
}

double storeyHeightMeters(const model::Building& building, double ruleStoreyMeters) {
  const double rule = std::isfinite(ruleStoreyMeters) && ruleStoreyMeters > 0 ? ruleStoreyMeters : 3.0;
  if (!(building.levels > 0) || !std::isfinite(building.levels)) return rule;
  // building:levels counts the storeys from the ground, those under a part's min_height included
  // (OSM Simple 3D Buildings), so the storey height is the full height over it.
  const double storey = building.heightMeters / building.levels;
  return storey >= 2.2 && storey <= 8 ? storey : rule;
}

namespace {
// Whether the open side of the outline turns towards the walls at `b` (from edge a-b to b-c)
// by more than kInsideCornerDegrees: an inside corner, where the air is hemmed in by two walls.
// The solid lies left of the direction of travel on outer rings (CCW) and holes (CW) alike, so a
// right turn is an inside corner in both.
bool insideCorner(const core::Vec2& a, const core::Vec2& b, const core::Vec2& c) {
  const double ux = b.x - a.x, uy = b.y - a.y, vx = c.x - b.x, vy = c.y - b.y;
  const double lengths = std::hypot(ux, uy) * std::hypot(vx, vy);
  if (!(lengths > 0)) return false;
  return (ux * vy - uy * vx) / lengths < -std::sin(kInsideCornerDegrees * M_PI / 180);
}
}  // namespace

// Outer rings are CCW and holes CW, so (dy, -dx) always points out of the solid.
void addWalls(Mesh& mesh, const std::vector<core::Ring>& rings, float bottom, float top, const osg::Vec4& attribute,
              float storeyMeters) {
  for (const core::Ring& ring : rings) {
    const std::size_t n = ring.size();
    for (std::size_t i = 0; i < n; ++i) {
      const core::Vec2& a = ring[i];
      const core::Vec2& b = ring[(i + 1) % n];
      double dx = b.x - a.x, dy = b.y - a.y, length = std::hypot(dx, dy);
      if (length <= 0) continue;
      // The neighbours that are not the same point: a ring may repeat a vertex.
      std::size_t before = (i + n - 1) % n, after = (i + 2) % n;
      for (std::size_t k = 0; k < n && ring[before].x == a.x && ring[before].y == a.y; ++k)
        before = (before + n - 1) % n;
      for (std::size_t k = 0; k < n && ring[after].x == b.x && ring[after].y == b.y; ++k) after = (after + 1) % n;
      const float corners = (insideCorner(ring[before], a, b) ? kStartCornerInside : 0.f) +
                            (insideCorner(a, b, ring[after]) ? kEndCornerInside : 0.f);
      const auto along = static_cast<float>(length);
      const osg::Vec4 atStart(0, along, storeyMeters, corners), atEnd(along, 0, storeyMeters, corners);
      osg::Vec3 normal(static_cast<float>(dy / length), static_cast<float>(-dx / length), 0);
      osg::Vec3 pa(static_cast<float>(a.x), static_cast<float>(a.y), 0),
          pb(static_cast<float>(b.x), static_cast<float>(b.y), 0);
      std::uint32_t v0 = mesh.add(pa + osg::Vec3(0, 0, bottom), normal, attribute, atStart);
      std::uint32_t v1 = mesh.add(pb + osg::Vec3(0, 0, bottom), normal, attribute, atEnd);
      std::uint32_t v2 = mesh.add(pb + osg::Vec3(0, 0, top), normal, attribute, atEnd);
      std::uint32_t v3 = mesh.add(pa + osg::Vec3(0, 0, top), normal, attribute, atStart);
      mesh.indices.insert(mesh.indices.end(), {v0, v1, v2, v0, v2, v3});
    }
  }
}

osg::ref_ptr<osg::Geometry> makeGeometry(osg::Vec3Array* vertices, osg::Vec3Array* normals,
                                         const std::vector<std::uint32_t>& indices) {
  osg::ref_ptr<osg::Geometry> geometry = new osg::Geometry;
  geometry->setUseDisplayList(false);
  geometry->setUseVertexBufferObjects(true);
  geometry->setVertexArray(vertices);
  if (normals) geometry->setNormalArray(normals, osg::Array::BIND_PER_VERTEX);
  geometry->addPrimitiveSet(makeTriangles(indices, vertices->size()));
  return geometry;
}

osg::ref_ptr<osg::Geometry> makeBuildingGeometry(Mesh& mesh) {
  osg::ref_ptr<osg::Geometry> geometry = makeGeometry(mesh.vertices, mesh.normals, mesh.indices);
  geometry->setVertexAttribArray(kBuildingAttribute, mesh.attributes, osg::Array::BIND_PER_VERTEX);
  geometry->setVertexAttribArray(kBuildingFacadeAttribute, mesh.facades, osg::Array::BIND_PER_VERTEX);
  geometry->setName(kBuildingGeometryName);
  return geometry;
}

}  // namespace twin::scene::detail
