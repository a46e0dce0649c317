// Triangle meshes for the scene's batched geometry: building extrusion (walls and roofs with the
// per-vertex building attribute) and the osg::Geometry made from a mesh.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include <osg/Geometry>
#include <osg/ref_ptr>

#include "twin/core/Geometry.h"
#include "twin/scene/Triangulate.h"

namespace twin::scene::detail {

constexpr unsigned kBuildingAttribute = 6;       // generic attribute slots that no GL driver aliases
constexpr unsigned kBuildingColorAttribute = 7;  // a different program from the POIs': no clash
constexpr const char* kBuildingGeometryName = "twin:buildings";

struct Mesh {
  osg::ref_ptr<osg::Vec3Array> vertices = new osg::Vec3Array;
  osg::ref_ptr<osg::Vec3Array> normals = new osg::Vec3Array;
  osg::ref_ptr<osg::Vec4Array> attributes = new osg::Vec4Array;  // (index, use, roof z, base z)
  std::vector<std::uint32_t> indices;

  std::size_t triangles() const { return indices.size() / 3; }
  std::uint32_t add(const osg::Vec3& v, const osg::Vec3& n, const osg::Vec4& a) {
    vertices->push_back(v);
    normals->push_back(n);
    attributes->push_back(a);
    return static_cast<std::uint32_t>(vertices->size() - 1);
  }
};

/** The roof (or, facing down, the underside) of a triangulated footprint at height z. */
void addRoof(Mesh& mesh, const Triangulation& t, float z, const osg::Vec4& attribute, bool facingUp);
/** Walls along the rings from `bottom` to `top`; outer rings CCW and holes CW. */
void addWalls(Mesh& mesh, const std::vector<core::Ring>& rings, float bottom, float top, const osg::Vec4& attribute);
/** A geometry of the triangles (16-bit indices when the vertices allow), VBOs, no display list. */
osg::ref_ptr<osg::Geometry> makeGeometry(osg::Vec3Array* vertices, osg::Vec3Array* normals,
                                         const std::vector<std::uint32_t>& indices);
/** makeGeometry() with the building attribute array, named kBuildingGeometryName. */
osg::ref_ptr<osg::Geometry> makeBuildingGeometry(Mesh& mesh);

}  // namespace twin::scene::detail
