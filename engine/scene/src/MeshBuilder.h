// Triangle meshes for the scene's batched geometry: building extrusion (walls and roofs with the
// per-vertex building attribute) and the osg::Geometry made from a mesh.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include <osg/Geometry>
#include <osg/ref_ptr>

#include "twin/core/Geometry.h"
#include "twin/model/Site.h"
#include "twin/scene/Triangulate.h"

namespace twin::scene::detail {

constexpr unsigned kBuildingAttribute = 6;       // generic attribute slots that no GL driver aliases
constexpr unsigned kBuildingColorAttribute = 7;  // a different program from the POIs': no clash
// The facade attribute (see SiteScene.h): slot 1 is the fixed-function vertex weight, which OSG and
// the GL 2 compatibility path never feed, so no driver aliases it with an array of ours.
constexpr unsigned kBuildingFacadeAttribute = 1;
constexpr const char* kBuildingGeometryName = "twin:buildings";

struct Mesh {
  osg::ref_ptr<osg::Vec3Array> vertices = new osg::Vec3Array;
  osg::ref_ptr<osg::Vec3Array> normals = new osg::Vec3Array;
  osg::ref_ptr<osg::Vec4Array> attributes = new osg::Vec4Array;  // (index, use, roof z, base z)
  osg::ref_ptr<osg::Vec4Array> facades = new osg::Vec4Array;     // see kRoofFacade and addWalls()
  std::vector<std::uint32_t> indices;

  std::size_t triangles() const { return indices.size() / 3; }
  std::uint32_t add(const osg::Vec3& v, const osg::Vec3& n, const osg::Vec4& a, const osg::Vec4& facade = {}) {
    vertices->push_back(v);
    normals->push_back(n);
    attributes->push_back(a);
    facades->push_back(facade);
    return static_cast<std::uint32_t>(vertices->size() - 1);
  }
};

/** The facade attribute of roof (and underside) vertices: no windows, w = -1 marks a roof. */
const osg::Vec4 kRoofFacade(0, 0, 0, -1);
/** Corner flags in the facade attribute's w (walls): the wall's start or end corner is an inside
    corner (the open side turns by more than kInsideCornerDegrees towards the wall). */
constexpr float kStartCornerInside = 1, kEndCornerInside = 2;
constexpr double kInsideCornerDegrees = 20;

/** The storey height drawn for a building, in metres: its height over `building:levels` (which
    counts from the ground, under a part's min_height too) when it has levels and the quotient
    lies in [2.2, 8] m (a plausible storey), else `ruleStoreyMeters` (the scene's height rule; not
    positive or not finite -> 3). */
double storeyHeightMeters(const model::Building& building, double ruleStoreyMeters);

/** The roof (or, facing down, the underside) of a triangulated footprint at height z. */
void addRoof(Mesh& mesh, const Triangulation& t, float z, const osg::Vec4& attribute, bool facingUp);
/** Walls along the rings from `bottom` to `top`; outer rings CCW and holes CW. Each wall's
    facade attribute is (metres from its start corner, metres to its end corner, `storeyMeters`,
    inside-corner flags); `storeyMeters` 0 draws no windows. */
void addWalls(Mesh& mesh, const std::vector<core::Ring>& rings, float bottom, float top, const osg::Vec4& attribute,
              float storeyMeters = 0);
/** A geometry of the triangles (16-bit indices when the vertices allow), VBOs, no display list. */
osg::ref_ptr<osg::Geometry> makeGeometry(osg::Vec3Array* vertices, osg::Vec3Array* normals,
                                         const std::vector<std::uint32_t>& indices);
/** makeGeometry() with the building and facade attribute arrays, named kBuildingGeometryName. */
osg::ref_ptr<osg::Geometry> makeBuildingGeometry(Mesh& mesh);

}  // namespace twin::scene::detail
