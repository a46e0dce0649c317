// CityJSON city models in 3D: every surface triangulated, batched by semantics, coloured by
// roof / wall / ground, with the object's attributes on pick.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "twin/core/Diagnostics.h"
#include "twin/core/Result.h"
#include "twin/geo/SiteFrame.h"
#include "twin/model/CityModel.h"
#include "twin/scene/SceneModel.h"

namespace twin::scene {

/** Counts of what cityModelNode() built. */
struct CityNodeStats {
  std::size_t objectsDrawn = 0;  // objects with at least one triangle
  std::size_t surfaces = 0, surfacesSkipped = 0;
  std::size_t triangles = 0;
  std::size_t roofTriangles = 0, wallTriangles = 0, groundTriangles = 0, otherTriangles = 0;
};

/** The palette (linear RGB, fixed-function material colours): RoofSurface red-brown
    (0.70, 0.33, 0.26), WallSurface light grey (0.86, 0.85, 0.82), GroundSurface dark grey
    (0.35, 0.35, 0.37), other semantics and surfaces without semantics by object type:
    Building/BuildingPart/BuildingInstallation warm grey (0.78, 0.76, 0.72), Road/Railway/
    TransportSquare dark (0.30, 0.30, 0.32), WaterBody blue (0.30, 0.50, 0.75), PlantCover/
    SolitaryVegetationObject/LandUse green (0.40, 0.60, 0.35), anything else (0.70, 0.70, 0.70).

    Builds the OSG node of a read model: per object only the geometries of its highest LoD;
    each planar surface (outer ring and holes) is projected onto its plane (Newell normal) and
    triangulated; triangles are batched into one geometry per colour class, flat-shaded,
    vertices relative to the model's centre under one MatrixTransform (plus heightOffsetMeters
    in z). Surfaces that cannot be triangulated (fewer than 3 distinct points, zero area) are
    reported in `diag` (record "object <id>") and skipped. Each drawable carries a PickInfo whose
    describe() gives the object's id as title and rows: type, lod, surface semantic, then the
    attributes (nested values as compact JSON). Never throws. */
osg::ref_ptr<osg::Node> cityModelNode(const model::CityModel& city, double heightOffsetMeters, core::Diagnostics& diag,
                                      CityNodeStats* stats = nullptr, osg::BoundingBoxd* bounds = nullptr);

/** Reads a CityJSON file (model::readCityJson with `crs` for files that declare none) and builds
    its node (cityModelNode). An invalid frame: the model's own local-tm frame. Errors: the
    reader's, or no surface could be drawn ("scene::loadCityModel(): <file>: nothing to draw"). */
core::Result<SceneModel> loadCityModel(const std::filesystem::path& file, const std::optional<std::string>& crs,
                                       double heightOffsetMeters, const geo::SiteFrame& frame, core::Diagnostics& diag);

}  // namespace twin::scene
