// OSG scene of a loaded Site: batched extruded buildings, ground (flat, or the terrain mesh when the
// site has a heightfield), road ribbons and POI markers,
// with hover/selection highlighting and building picking; plus the decluttered CJK labels as
// plain per-frame data (visibleLabels), which the app draws in one ImGui draw list.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <map>
#include <string>
#include <vector>

#include <osg/Camera>
#include <osg/Group>
#include <osg/Referenced>
#include <osg/ref_ptr>
#include <osgViewer/View>

#include "twin/core/Diagnostics.h"
#include "twin/core/Result.h"
#include "twin/model/SceneConfig.h"
#include "twin/model/Site.h"
#include "twin/scene/Daylight.h"
#include "twin/scene/TerrainMesh.h"

namespace twin::scene {

enum class Layer { Ground, Buildings, Roads, Pois, Labels };
constexpr int kLayerCount = 5;
const char* layerName(Layer layer);  // "ground", "buildings", "roads", "pois", "labels"

struct SceneOptions {
  model::Theme theme;               // colours; see model::defaultTheme()
  double tileSizeMeters = 250;      // building batches are cut on this grid
  int maxLabels = 100;              // labels shown at most per frame after decluttering; <= 0: none
  float labelPixels = 24;           // label font size in pixels as ImGui counts it (line height; a CJK
                                    // glyph of Noto Sans CJK is about 0.7 of it wide)
  float poiMarkerPixels = 14;       // disc diameter of a single POI marker; clusters grow up to twice it
  std::size_t maxPoiMarkers = 400;  // POI markers drawn at most; nearby POIs are clustered to fit
  // Above this many building volumes, the full-detail level of each block (4 x 4 tiles) is built
  // on demand by the viewer's DatabasePager when the camera comes near, and dropped again when it
  // leaves; the roof-only far level of every block stays resident.
  std::size_t pageBuildingsAbove = 50000;
  double buildingDetailMeters = 3000;  // full detail within this distance of a block's edge (at least
                                       // 12 tiles); beyond it the block's roof-only far level
  double storeyMeters = 3;             // storey height of buildings without `building:levels` (the scene's
                                       // heights.storeyMeters): the rows of windows on their walls
};

enum class LabelKind { Poi, Building, PoiCluster };  // PoiCluster: a cluster marker's count

/** One label to draw this frame (SiteScene::visibleLabels): plain data, no GL. */
struct ScreenLabel {
  std::string text;                         // UTF-8
  float x = 0, y = 0;                       // pixels from the viewport's top-left corner, y down (ImGui's
                                            // convention): the bottom centre of the text
  float widthPixels = 0, heightPixels = 0;  // the box the declutter reserved, estimated from the characters
  float sizePixels = 0;                     // character size to draw with (SceneOptions::labelPixels)
  int priority = 0;                         // 0 stations, 1 schools, 2 health, 3 building names, 4 other POIs
  LabelKind kind = LabelKind::Poi;
  model::Color color, halo;  // the theme's label colour; its background for the halo
};

/** One POI marker drawn this frame (SiteScene::poiMarkers): a POI, or a cluster of POIs that lie
    close together on screen, drawn as one disc standing on its most important member. */
struct PoiMarker {
  std::size_t poi = 0;    // index into Site::pois of the member it stands on
  std::size_t count = 1;  // POIs it stands for (1: just that one)
  float x = 0, y = 0;     // the disc's centre, pixels from the viewport's top-left corner, y down
  float sizePixels = 0;   // the disc's diameter
};

struct CompileStats {
  std::size_t buildingTiles = 0;       // tiles holding buildings
  std::size_t buildingBlocks = 0;      // blocks of 4 x 4 tiles holding buildings: one far geometry each
  std::size_t buildingGeometries = 0;  // osg::Geometry objects for buildings built at compile time (the
                                       // far and coarse levels of each block, each tile's near level
                                       // unless paged)
  std::size_t buildingTriangles = 0;   // full-detail triangles (built, or to be built when paged)
  bool buildingsPaged = false;         // the near levels are paged (SceneOptions::pageBuildingsAbove)
  std::size_t roadGeometries = 0, poiMarkers = 0, labels = 0;
  TerrainStats terrain;  // all zero without Site::terrain (the ground is then one flat quad)
  double compileMs = 0;
};

/** A buildings layer read by the view's extent (model::StreamedLayer), as drawn now. */
struct StreamedLayerFigures {
  std::string layerId;
  std::size_t tilesShown = 0, buildingsShown = 0;  // in the scene now
  std::size_t measuredHeightsShown = 0;            // of those, with a measured height (the height column)
  std::size_t tilesRead = 0, tilesDropped = 0;     // since the scene was built
  std::size_t tilesQueued = 0;                     // wanted by the view, not yet shown
  std::size_t featuresRead = 0;                    // records the source sent
  std::vector<std::string> errors;                 // tiles that could not be read (the first 16)
  double lastTileBuildMs = 0;                      // turning the last tile into nodes (frame thread)
  std::vector<model::BuildingUse> uses;            // of the buildings shown (the legend's entries)
};

/** Owns the OSG nodes of one site. With Site::terrain (not empty), the ground is the chunked LOD
    terrain mesh (TerrainMesh.h), buildings stand on Building::baseElevationMeters (walls reach
    down to the drawn surface along the footprint; roofs at base + heightMeters), roads are draped
    on the mesh (drapeLine, lifted 0.5 m) and POI markers and labels stand at
    Poi::elevationMeters; without terrain everything lies on z = 0. The building vertex attribute
    (slot 6) is (index into site().buildings, BuildingUse, roof z, base z). The facade attribute
    (slot 1) feeds the building material's windows and occlusion: on walls (metres from the wall's
    start corner, metres to its end corner, storey height in metres, inside-corner flags: 1 when
    the outline turns by more than 20 degrees into the open side at the start corner, 2 at the
    end); on roofs and undersides (0, 0, 0, -1). The storey height is the building's height over
    its `building:levels` when that gives 2.2-8 m, else SceneOptions::storeyMeters.
    Buildings are merged per tile (one geometry per 250 m tile) and tiles grouped in blocks of
    4 x 4: beyond SceneOptions::buildingDetailMeters of a block's edge it is one roof-only
    geometry without the small low buildings, and beyond four times that distance from its centre
    one coarse geometry (a roof-high rectangle per 100 m cell over its buildings, in the colour
    and at the height of the tallest); nearer, its tiles in full detail (paged for large sites, see
    SceneOptions::pageBuildingsAbove; picking then uses whichever level is loaded). POI markers
    are one drawable, clustered for the view (poiMarkers()).
    Site::streamedLayers are read around the view as the camera moves: the cull traversal notes
    the point the view looks at (at most the layer's radius from below the eye), the update
    traversal moves the layer's model::ExtentLoader there and adds at most two read tiles a frame,
    each drawn like the blocks above, and removes the tiles the loader dropped. Their buildings
    are drawn and counted, but not picked, labelled or coloured by setBuildingColors() (they are
    not in Site::buildings); a tile that cannot be read is reported in the site's diagnostics.
    Build once, then toggle layers, theme and highlights from the frame loop (not thread-safe:
    call from the thread that runs the viewer). The Site must outlive the SiteScene. */
class SiteScene : public osg::Referenced {
 public:
  /** Compiles the site. Error only when the shaders cannot be compiled into programs; empty
      layers are fine. Per-building problems (a footprint that cannot be
      triangulated) are reported in `diag` and the building is skipped. */
  static core::Result<osg::ref_ptr<SiteScene>> build(const model::Site& site, const SceneOptions& options,
                                                     core::Diagnostics& diag);

  osg::Group* root() const;
  const CompileStats& stats() const;
  const model::Site& site() const;

  void setLayerVisible(Layer layer, bool visible);
  bool layerVisible(Layer layer) const;
  void setTheme(const model::Theme& theme);
  /** Labels drawn `scale` times SceneOptions::labelPixels, their declutter boxes as much larger
      (the viewer passes its UI scale: 2 on a 3840x2160 wall). Not positive or not finite -> 1. */
  void setLabelScale(float scale);
  float labelScale() const;
  /** Names to draw instead of the site's (e.g. each OSM name's name:en for an English UI): a
      label whose site name is a key is drawn with the mapped text, and its declutter box is sized
      for that text, not for the name it replaces. Names that are not keys, and every name after
      an empty map, are drawn as they are. Cost: one pass over the label candidates; call it when
      the language changes, not every frame. */
  void setLabelNames(const std::map<std::string, std::string>& names);

  /** Index into site().buildings, or -1 for none. */
  void setHoveredBuilding(int index);
  void setSelectedBuilding(int index);
  int hoveredBuilding() const;
  int selectedBuilding() const;

  /** Colours every building by a value of the caller's (life-circle coverage, a scenario)
      instead of by use: `colors` has one entry per site().buildings; an entry with alpha 0
      keeps that building's use colour. An empty vector goes back to colouring by use. Lighting,
      hover and selection still apply. Cost: one pass over the building vertices (a few ms for
      100k buildings); call it when the colours change, not every frame. A vector of another
      size is a programming error (TWIN_ASSERT). */
  void setBuildingColors(const std::vector<model::Color>& colors);
  bool buildingColorsActive() const;
  /** The streamed layers (Site::streamedLayers), in order. */
  std::vector<StreamedLayerFigures> streamedLayers() const;
  /** True when every streamed layer shows what the last rendered view wants (nothing is read or
      waiting to be added). A headless snapshot renders frames until it is. */
  bool streamingIdle() const;
  /** Waits until the streamed layers have read what the last view wants, up to `timeout`; the
      next frame's update adds the tiles. */
  bool waitStreamingRead(std::chrono::milliseconds timeout) const;

  /** Lights the scene with the real sun: `towardSun` is a unit vector toward it in the site frame
      (x east, y north, z up; geo::SunPosition turned into a vector); the light and sky follow its
      altitude (setDaylight(daylightFor(sunPositionOfDirection(towardSun))). With `shadows`, buildings and
      the terrain cast shadows on the ground, the terrain and each other: a depth map rendered from
      the sun each frame (2048 texels over the site's extent, so about one texel per metre on a
      2 km site). A sun at or below the horizon lights nothing directly and casts no shadows.
      Non-finite or zero vectors are ignored. */
  void setSun(const osg::Vec3d& towardSun, bool shadows);
  /** Lights the scene for a time of day (Daylight.h): the sun's direction and colour, the sky's
      and the ground's ambient light, the sky gradient drawn behind the scene instead of the
      theme's flat background (distant things fade towards its horizon), and, as `night` grows,
      windows lit from inside. `shadows` as for setSun() (none while the sun is below the
      horizon). setSun() calls this with the daylight
      of its direction. */
  void setDaylight(const Daylight& daylight, bool shadows);
  /** Whether setDaylight() (or setSun()) is in force: the sky is drawn. */
  bool daylightActive() const;
  /** The daylight in force (as last given to setDaylight(), or made by setSun()), or none after
      resetSun() and before either; for a caller that changes the light for a while and puts it back. */
  std::optional<Daylight> daylight() const;
  /** Back to the fixed light of the theme (from the south-east, high) and its flat background,
      without shadows. */
  void resetSun();
  bool shadowsActive() const;
  /** The sun's depth-map camera (pre-render, under root() but reached only by the cull
      traversal); null until setSun() first asks for shadows. For tests. */
  osg::Camera* shadowCamera() const;

  /** The labels to show for `camera` now, most important first: at most SceneOptions::maxLabels,
      none behind the eye, with the anchor outside the viewport, beyond the label's distance
      (1.6 km for POIs, 3 km for stations, 0.9-4 km for buildings by footprint) or overlapping a
      more important label's box. Uses the camera's current view and projection matrices and
      viewport, so call it once the frame's camera is set (e.g. in a draw callback). Empty when
      the labels layer is hidden, the camera has no viewport or the matrices are degenerate.
      Reads only; safe to call from the draw thread while nothing mutates the scene. */
  std::vector<ScreenLabel> visibleLabels(const osg::Camera& camera) const;

  /** The POI markers for `camera` now, most important first. Every POI whose marker head (16 m
      above it) is in front of the eye and inside the viewport belongs to exactly one marker; POIs
      by importance (stations, schools, health, then the rest; named before unnamed) stand for
      the less important ones around them. Markers are at least 2 * poiMarkerPixels + 4 pixels
      apart (their discs never overlap) and at most SceneOptions::maxPoiMarkers: the spacing grows
      until they fit. This is what the POI layer draws, as one drawable rebuilt during the cull
      when the view changes. Empty when the POI layer is hidden or the camera has no viewport.
      Safe to call from the draw thread. */
  std::vector<PoiMarker> poiMarkers(const osg::Camera& camera) const;
  /** The counts of this frame's cluster markers (count > 1) as labels centred on their discs, in
      the label colours, for the app to draw with the other labels. */
  std::vector<ScreenLabel> poiClusterLabels(const osg::Camera& camera) const;

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
/** How far from its centre a sphere of `radiusMeters` fills OSG's default 30-degree vertical
    field of view, times `margin` (1.05: 5 % to spare). */
double framingDistance(double radiusMeters, double margin = 1.05);

}  // namespace twin::scene
