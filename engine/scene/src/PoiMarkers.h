// POI markers as one drawable: screen-space declutter and clustering by importance, and the one
// osg::Geometry (stems and point-sprite discs) rebuilt from the clusters when the view changes.
#pragma once

#include <cstddef>
#include <mutex>
#include <vector>

#include <osg/Geometry>
#include <osg/Matrixd>
#include <osg/Referenced>
#include <osg/Uniform>
#include <osg/Vec3>
#include <osg/Viewport>
#include <osg/ref_ptr>

#include "twin/scene/SiteScene.h"

namespace twin::scene::detail {

/** Clusters `heads` (site frame, metres, most important first) as a camera with these matrices
    (OSG row-vector convention) and viewport sees them. A point is in view when it lies in front
    of the eye and projects inside the viewport; every point in view belongs to exactly one
    marker, none out of view does. Greedy in the given order: a point joins the nearest marker
    whose centre lies closer than `spacingPixels` on screen, else it starts a marker of its own at
    its position, so markers stand on their most important member and their centres are at least
    `spacingPixels` apart. When that gives more than `maxMarkers` markers the spacing grows by half
    and the clustering starts over. PoiMarker::poi is the index into `heads`; sizePixels is left
    0. A degenerate viewport or matrix (NaN) gives none; maxMarkers 0 gives none. */
std::vector<PoiMarker> clusterPoints(const std::vector<osg::Vec3>& heads, const osg::Matrixd& view,
                                     const osg::Matrixd& projection, const osg::Viewport& viewport, float spacingPixels,
                                     std::size_t maxMarkers);

/** The disc diameter of a marker standing for `count` POIs: `markerPixels` for one, growing with
    the logarithm of the count, at most twice `markerPixels`. */
float markerDiameter(std::size_t count, float markerPixels);

/** The POI layer's state shared by SiteScene and the cull callback of its node: the POIs in
    importance order and the one geometry of their markers. markers() and update() may be called
    from the cull and draw threads; a mutex guards the cached clustering. */
class PoiMarkerLayer : public osg::Referenced {
 public:
  struct Poi {
    std::size_t siteIndex;  // into Site::pois
    osg::Vec3 base;         // on the ground (site frame)
    float category;         // the POI shader's colour index
  };
  static constexpr float kStemMeters = 16;
  static constexpr unsigned kAttribute = 7;  // vertex attribute slot (shaders/poi.vert)

  /** `pois` most important first. The geometry has no markers until the first update(). */
  PoiMarkerLayer(std::vector<Poi> pois, float markerPixels, std::size_t maxMarkers);

  osg::Geometry* geometry() const { return _geometry.get(); }
  std::size_t size() const { return _pois.size(); }

  /** The markers for this view, PoiMarker::poi as an index into Site::pois. Cached: the
      clustering is redone only when the matrices or the viewport changed. */
  std::vector<PoiMarker> markers(const osg::Matrixd& view, const osg::Matrixd& projection,
                                 const osg::Viewport& viewport) const;
  /** Rebuilds the geometry's arrays from markers() when they differ from those drawn. Call from
      the cull traversal before the geometry is culled (it is DYNAMIC: a threaded viewer finishes
      drawing it before the next cull). Its user value "twin:poiMarkers" is the marker count.
      `clusterProjection` and `clusterViewport` are the screen the clustering is done on: the
      viewport's own, or a video wall's whole virtual screen when the viewport is one tile of it
      (the discs are sized for the viewport either way). */
  void update(const osg::Matrixd& view, const osg::Matrixd& projection, const osg::Viewport& viewport,
              const osg::Matrixd& clusterProjection, const osg::Viewport& clusterViewport);

 private:
  struct ViewKey {
    osg::Matrixd view, projection;
    double x = 0, y = 0, width = -1, height = -1;
    bool operator==(const ViewKey& o) const;
  };
  std::vector<PoiMarker> clustered(const ViewKey& key) const;  // with _mutex held

  std::vector<Poi> _pois;
  std::vector<osg::Vec3> _heads;  // _pois[i].base + the stem, for the clustering
  float _markerPixels;
  std::size_t _maxMarkers;
  osg::ref_ptr<osg::Geometry> _geometry;
  osg::ref_ptr<osg::Uniform> _viewportHeight;  // for the shader's depth pull of the discs
  mutable std::mutex _mutex;
  mutable ViewKey _cachedKey;
  mutable std::vector<PoiMarker> _cached;
  ViewKey _drawnKey;
};

}  // namespace twin::scene::detail
