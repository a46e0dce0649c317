#include "PoiMarkers.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include <osg/Vec4d>

namespace twin::scene::detail {

namespace {

struct Projected {
  std::size_t index;
  float x, y;  // viewport pixels, top-left origin, y down
};

std::vector<Projected> projectInView(const std::vector<osg::Vec3>& heads, const osg::Matrixd& view,
                                     const osg::Matrixd& projection, const osg::Viewport& viewport) {
  std::vector<Projected> out;
  const double width = viewport.width(), height = viewport.height();
  if (!(width > 0) || !(height > 0)) return out;
  const osg::Matrixd viewProjection = view * projection;
  out.reserve(heads.size());
  for (std::size_t i = 0; i < heads.size(); ++i) {
    const osg::Vec4d clip = osg::Vec4d(osg::Vec3d(heads[i]), 1.0) * viewProjection;
    if (!(clip.w() > 0)) continue;  // behind the eye (or NaN)
    const double ndcX = clip.x() / clip.w(), ndcY = clip.y() / clip.w();
    if (!(ndcX >= -1 && ndcX <= 1 && ndcY >= -1 && ndcY <= 1)) continue;
    out.push_back({i, static_cast<float>((ndcX + 1) * 0.5 * width), static_cast<float>((1 - ndcY) * 0.5 * height)});
  }
  return out;
}

// One greedy pass with a grid of `spacing`-sized cells: a marker can only be found in the 3 x 3
// cells around a point. Stops early (returns false) once there are more than maxMarkers.
bool clusterPass(const std::vector<Projected>& points, float spacing, std::size_t maxMarkers,
                 std::vector<PoiMarker>& markers) {
  markers.clear();
  std::unordered_map<long long, std::vector<std::size_t>> grid;
  auto cellKey = [](long long cx, long long cy) { return cx * 1000003LL + cy; };
  const float spacing2 = spacing * spacing;
  for (const Projected& p : points) {
    const auto cx = static_cast<long long>(std::floor(p.x / spacing));
    const auto cy = static_cast<long long>(std::floor(p.y / spacing));
    std::size_t best = markers.size();
    float bestDistance2 = spacing2;
    for (long long dx = -1; dx <= 1; ++dx)
      for (long long dy = -1; dy <= 1; ++dy) {
        auto cell = grid.find(cellKey(cx + dx, cy + dy));
        if (cell == grid.end()) continue;
        for (std::size_t m : cell->second) {
          const float ex = markers[m].x - p.x, ey = markers[m].y - p.y, d2 = ex * ex + ey * ey;
          if (d2 < bestDistance2) {
            bestDistance2 = d2;
            best = m;
          }
        }
      }
    if (best < markers.size()) {
      ++markers[best].count;
      continue;
    }
    if (markers.size() == maxMarkers) return false;
    PoiMarker marker;
    marker.poi = p.index;
    marker.count = 1;
    marker.x = p.x;
    marker.y = p.y;
    grid[cellKey(cx, cy)].push_back(markers.size());
    markers.push_back(marker);
  }
  return true;
}

}  // namespace

std::vector<PoiMarker> clusterPoints(const std::vector<osg::Vec3>& heads, const osg::Matrixd& view,
                                     const osg::Matrixd& projection, const osg::Viewport& viewport, float spacingPixels,
                                     std::size_t maxMarkers) {
  std::vector<PoiMarker> markers;
  if (maxMarkers == 0) return markers;
  const std::vector<Projected> points = projectInView(heads, view, projection, viewport);
  if (points.empty()) return markers;
  float spacing = std::max(spacingPixels, 1.0f);
  // The diagonal bounds the spacing needed: beyond it every point joins the first marker, so the
  // loop ends with one marker at the latest.
  const auto diagonal = static_cast<float>(std::hypot(viewport.width(), viewport.height()));
  while (!clusterPass(points, spacing, maxMarkers, markers)) spacing = std::min(spacing * 1.5f, diagonal + 1);
  return markers;
}

float markerDiameter(std::size_t count, float markerPixels) {
  if (count <= 1) return markerPixels;
  return markerPixels * std::min(2.0f, 1.3f + 0.25f * static_cast<float>(std::log10(static_cast<double>(count))));
}

bool PoiMarkerLayer::ViewKey::operator==(const ViewKey& o) const {
  return view == o.view && projection == o.projection && x == o.x && y == o.y && width == o.width && height == o.height;
}

PoiMarkerLayer::PoiMarkerLayer(std::vector<Poi> pois, float markerPixels, std::size_t maxMarkers)
    : _pois(std::move(pois)), _markerPixels(markerPixels > 1 ? markerPixels : 14), _maxMarkers(maxMarkers) {
  _heads.reserve(_pois.size());
  osg::BoundingBox bounds;
  for (const Poi& poi : _pois) {
    _heads.push_back(poi.base + osg::Vec3(0, 0, kStemMeters));
    bounds.expandBy(poi.base);
    bounds.expandBy(_heads.back());
  }
  _geometry = new osg::Geometry;
  _geometry->setName("twin:poiMarkers");
  _geometry->setDataVariance(osg::Object::DYNAMIC);
  _geometry->setUseDisplayList(false);
  _geometry->setUseVertexBufferObjects(true);
  // The markers change with the view; the bound covers every POI so that the node is culled only
  // when none of them can be in view.
  _geometry->setInitialBound(bounds);
  _geometry->setUserValue("twin:poiMarkers", 0u);
  _viewportHeight = new osg::Uniform("twin_viewportHeight", 0.f);
  _viewportHeight->setDataVariance(osg::Object::DYNAMIC);
  _geometry->getOrCreateStateSet()->addUniform(_viewportHeight);
}

std::vector<PoiMarker> PoiMarkerLayer::clustered(const ViewKey& key) const {
  if (key == _cachedKey) return _cached;
  // Cluster markers are drawn up to twice the single size, so centres this far apart never
  // overlap; a little more keeps a gap between discs.
  const float spacing = 2 * _markerPixels + 4;
  osg::ref_ptr<osg::Viewport> viewport = new osg::Viewport(key.x, key.y, key.width, key.height);
  std::vector<PoiMarker> markers = clusterPoints(_heads, key.view, key.projection, *viewport, spacing, _maxMarkers);
  for (PoiMarker& marker : markers) {
    marker.poi = _pois[marker.poi].siteIndex;
    marker.sizePixels = markerDiameter(marker.count, _markerPixels);
  }
  _cachedKey = key;
  _cached = markers;
  return markers;
}

std::vector<PoiMarker> PoiMarkerLayer::markers(const osg::Matrixd& view, const osg::Matrixd& projection,
                                               const osg::Viewport& viewport) const {
  std::lock_guard<std::mutex> lock(_mutex);
  return clustered({view, projection, viewport.x(), viewport.y(), viewport.width(), viewport.height()});
}

void PoiMarkerLayer::update(const osg::Matrixd& view, const osg::Matrixd& projection, const osg::Viewport& viewport,
                            const osg::Matrixd& clusterProjection, const osg::Viewport& clusterViewport) {
  (void)projection;  // the geometry is in world space; only the clustering depends on the screen
  const ViewKey key{view,
                    clusterProjection,
                    clusterViewport.x(),
                    clusterViewport.y(),
                    clusterViewport.width(),
                    clusterViewport.height()};
  if (key == _drawnKey) return;
  std::vector<PoiMarker> markers;
  {
    std::lock_guard<std::mutex> lock(_mutex);
    markers = clustered(key);
  }
  _drawnKey = key;
  // Site index -> position in _pois, for the marker's base and category.
  std::unordered_map<std::size_t, std::size_t> bySite;
  bySite.reserve(markers.size());
  for (std::size_t i = 0; i < _pois.size(); ++i) bySite.emplace(_pois[i].siteIndex, i);
  osg::ref_ptr<osg::Vec3Array> vertices = new osg::Vec3Array;
  osg::ref_ptr<osg::Vec4Array> attributes = new osg::Vec4Array;  // see shaders/poi.vert
  osg::ref_ptr<osg::DrawElementsUInt> stems = new osg::DrawElementsUInt(GL_LINES);
  osg::ref_ptr<osg::DrawElementsUInt> discs = new osg::DrawElementsUInt(GL_POINTS);
  for (const PoiMarker& marker : markers) {
    const Poi& poi = _pois[bySite.at(marker.poi)];
    const auto first = static_cast<GLuint>(vertices->size());
    const osg::Vec3 head = poi.base + osg::Vec3(0, 0, kStemMeters);
    const float cluster = marker.count > 1 ? 1.f : 0.f;
    // The disc has a vertex of its own so that the stem's fragments never see the disc flag.
    vertices->push_back(poi.base);
    vertices->push_back(head);
    vertices->push_back(head);
    attributes->push_back(osg::Vec4(poi.category, marker.sizePixels, 0, cluster));
    attributes->push_back(osg::Vec4(poi.category, marker.sizePixels, 0, cluster));
    attributes->push_back(osg::Vec4(poi.category, marker.sizePixels, 1, cluster));
    stems->push_back(first);
    stems->push_back(first + 1);
    discs->push_back(first + 2);
  }
  _geometry->setVertexArray(vertices);
  _geometry->setVertexAttribArray(kAttribute, attributes, osg::Array::BIND_PER_VERTEX);
  _geometry->removePrimitiveSet(0, _geometry->getNumPrimitiveSets());
  if (!markers.empty()) {
    _geometry->addPrimitiveSet(stems);
    _geometry->addPrimitiveSet(discs);
  }
  _geometry->setUserValue("twin:poiMarkers", static_cast<unsigned>(markers.size()));
  _geometry->dirtyBound();
  _viewportHeight->set(static_cast<float>(viewport.height()));
}

}  // namespace twin::scene::detail
