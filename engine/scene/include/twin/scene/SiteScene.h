// OSG scene of a loaded Site: batched extruded buildings, ground, road ribbons, POI markers and
// decluttered CJK labels, with hover/selection highlighting and building picking.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include <osg/Group>
#include <osg/Referenced>
#include <osg/ref_ptr>
#include <osgViewer/View>

#include "twin/core/Diagnostics.h"
#include "twin/core/Result.h"
#include "twin/model/SceneConfig.h"
#include "twin/model/Site.h"

namespace twin::scene {

enum class Layer { Ground, Buildings, Roads, Pois, Labels };
constexpr int kLayerCount = 5;
const char* layerName(Layer layer);  // "ground", "buildings", "roads", "pois", "labels"

struct SceneOptions {
  model::Theme theme;                 // colours; see model::defaultTheme()
  double tileSizeMeters = 250;        // building batches are cut on this grid
  int maxLabels = 60;                 // labels drawn at most per frame after decluttering
  std::string fontFile;               // empty = Noto Sans CJK SC from fonts-noto-cjk (TWIN_FONT overrides)
};

struct CompileStats {
  std::size_t buildingTiles = 0;      // tiles holding buildings
  std::size_t buildingGeometries = 0; // osg::Geometry objects for buildings (all LOD levels)
  std::size_t buildingTriangles = 0;  // full-detail triangles
  std::size_t roadGeometries = 0, poiMarkers = 0, labels = 0;
  double compileMs = 0;
};

/** Owns the OSG nodes of one site. Build once, then toggle layers, theme and highlights from the
    frame loop (not thread-safe: call from the thread that runs the viewer). The Site must
    outlive the SiteScene. */
class SiteScene : public osg::Referenced {
 public:
  /** Compiles the site. Error only when the shaders cannot be compiled into programs or the
      font is missing; empty layers are fine. Per-building problems (a footprint that cannot be
      triangulated) are reported in `diag` and the building is skipped. */
  static core::Result<osg::ref_ptr<SiteScene>> build(const model::Site& site, const SceneOptions& options,
                                                     core::Diagnostics& diag);

  osg::Group* root() const;
  const CompileStats& stats() const;
  const model::Site& site() const;

  void setLayerVisible(Layer layer, bool visible);
  bool layerVisible(Layer layer) const;
  void setTheme(const model::Theme& theme);

  /** Index into site().buildings, or -1 for none. */
  void setHoveredBuilding(int index);
  void setSelectedBuilding(int index);
  int hoveredBuilding() const;
  int selectedBuilding() const;

  /** The building under window pixel (x, y) (OSG convention: origin bottom-left), if any. */
  std::optional<std::size_t> pickBuilding(osgViewer::View& view, float x, float y) const;

 private:
  SiteScene();
  ~SiteScene() override;
  struct Impl;
  Impl* _impl;
};

/** A camera pose in the site frame. */
struct CameraPose {
  osg::Vec3d eye, center, up;
};
/** Pose for a bookmark: looks at its target from distance/heading/pitch. */
CameraPose poseForBookmark(const model::Bookmark& bookmark, const geo::SiteFrame& frame);
/** Pose that frames the whole box from the south-west at 45 degrees. */
CameraPose poseFramingExtent(const core::Box2& extent);

}  // namespace twin::scene
