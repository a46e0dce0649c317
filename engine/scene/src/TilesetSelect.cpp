// Tile placement in the site frame and screen-space-error selection.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "TilesetInternal.h"
#include "twin/geo/FrameFit.h"
#include "twin/scene/Tileset.h"

namespace twin::scene {

namespace {

constexpr double kDegrees = 180.0 / 3.14159265358979323846;

osg::Vec3d ecefOf(double lonRadians, double latRadians, double height) {
  core::Vec3 p = geo::lonLatHeightToEcef({lonRadians * kDegrees, latRadians * kDegrees}, height);
  return {p.x, p.y, p.z};
}

// Largest stretch of the linear part (spectral norm), by power iteration on M^T M: transforms may
// scale (the sample's building tile scales by 5), and a sphere must grow with the largest axis.
double maxScale(const osg::Matrixd& m) {
  double a[3][3];
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) a[i][j] = m(i, 0) * m(j, 0) + m(i, 1) * m(j, 1) + m(i, 2) * m(j, 2);
  double v[3] = {1, 0.7, 0.3}, lambda = 0;
  for (int iteration = 0; iteration < 32; ++iteration) {
    double w[3];
    for (int i = 0; i < 3; ++i) w[i] = a[i][0] * v[0] + a[i][1] * v[1] + a[i][2] * v[2];
    double n = std::sqrt(w[0] * w[0] + w[1] * w[1] + w[2] * w[2]);
    if (!(n > 0)) return 0;
    lambda = n;
    for (int i = 0; i < 3; ++i) v[i] = w[i] / n;
  }
  return std::sqrt(lambda);
}

// Points whose hull bounds a region or box volume, in ECEF. Regions are sampled on a 5x5 grid at
// both heights, so that the bulge of the ellipsoid between the corners is inside.
std::vector<osg::Vec3d> hullPointsEcef(const TileVolume& v, const osg::Matrixd& transform) {
  std::vector<osg::Vec3d> points;
  const auto& a = v.values;
  if (v.kind == TileVolume::Kind::Region) {
    double east = a[2] < a[0] ? a[2] + 2 * 3.14159265358979323846 : a[2];  // across the antimeridian
    for (int i = 0; i <= 4; ++i)
      for (int j = 0; j <= 4; ++j)
        for (double h : {a[4], a[5]})
          points.push_back(ecefOf(a[0] + (east - a[0]) * i / 4, a[1] + (a[3] - a[1]) * j / 4, h));
  } else if (v.kind == TileVolume::Kind::Box) {
    const osg::Vec3d c(a[0], a[1], a[2]), x(a[3], a[4], a[5]), y(a[6], a[7], a[8]), z(a[9], a[10], a[11]);
    for (int i = 0; i < 8; ++i)
      points.push_back((c + x * (i & 1 ? 1 : -1) + y * (i & 2 ? 1 : -1) + z * (i & 4 ? 1 : -1)) * transform);
  }
  return points;
}

struct SitePlacement {
  osg::BoundingSphered sphere;
  osg::BoundingBoxd box;
};

SitePlacement placeVolume(const TileVolume& v, const osg::Matrixd& transform, const osg::Matrixd& ecefToSite) {
  SitePlacement out;
  if (v.kind == TileVolume::Kind::Sphere) {
    const osg::Vec3d centre = osg::Vec3d(v.values[0], v.values[1], v.values[2]) * transform * ecefToSite;
    const double radius = v.values[3] * maxScale(transform) * maxScale(ecefToSite);
    out.sphere = osg::BoundingSphered(centre, radius);
    out.box =
        osg::BoundingBoxd(centre - osg::Vec3d(radius, radius, radius), centre + osg::Vec3d(radius, radius, radius));
    return out;
  }
  std::vector<osg::Vec3d> points = hullPointsEcef(v, transform);
  for (osg::Vec3d& p : points) {
    p = p * ecefToSite;
    out.box.expandBy(p);
  }
  const osg::Vec3d centre = out.box.center();
  double radius = 0;
  for (const osg::Vec3d& p : points) radius = std::max(radius, (p - centre).length());
  out.sphere = osg::BoundingSphered(centre, radius);
  return out;
}

osg::Vec3d volumeCentreEcef(const TileVolume& v, const osg::Matrixd& transform) {
  const auto& a = v.values;
  if (v.kind == TileVolume::Kind::Region) {
    double east = a[2] < a[0] ? a[2] + 2 * 3.14159265358979323846 : a[2];
    return ecefOf((a[0] + east) / 2, (a[1] + a[3]) / 2, (a[4] + a[5]) / 2);
  }
  return osg::Vec3d(a[0], a[1], a[2]) * transform;
}

osg::Matrixd affineToMatrix(const geo::Affine3& a) {
  const auto& m = a.m;
  return osg::Matrixd(m[0], m[4], m[8], m[12], m[1], m[5], m[9], m[13], m[2], m[6], m[10], m[14], m[3], m[7], m[11],
                      m[15]);
}

}  // namespace

namespace detail {

void placeTiles(Tileset& tileset, std::size_t first) {
  for (std::size_t i = first; i < tileset.tiles.size(); ++i) {
    Tile& tile = tileset.tiles[i];
    SitePlacement p = placeVolume(tile.boundingVolume, tile.transform, tileset.ecefToSite);
    tile.siteSphere = p.sphere;
    tile.siteBox = p.box;
  }
}

}  // namespace detail

void placeTilesetWith(Tileset& tileset, const osg::Matrixd& ecefToSite) {
  tileset.ecefToSite = ecefToSite;
  tileset.frame = geo::SiteFrame();
  tileset.placed = true;
  detail::placeTiles(tileset, 0);
}

core::Status placeTileset(Tileset& tileset, const geo::SiteFrame& frame, double heightOffsetMeters) {
  const std::string where = "scene::placeTileset(): " + tileset.path.filename().string() + ": ";
  if (tileset.tiles.empty()) return core::fail(where + "no root tile");
  if (!std::isfinite(heightOffsetMeters)) return core::fail(where + "the height offset is not finite");
  const Tile& root = tileset.tiles.front();
  const osg::Vec3d centre = volumeCentreEcef(root.boundingVolume, root.transform);
  if (!centre.valid() || centre.length() < 1000)
    return core::fail(where + "the root volume's centre is not a point on the Earth (ECEF)");
  // Fit over the tileset's own size, within what an affine map can stand for.
  double radius = placeVolume(root.boundingVolume, root.transform, osg::Matrixd()).sphere.radius();
  const double span = std::clamp(std::isfinite(radius) ? radius : 0.0, 50.0, 5000.0);

  geo::SiteFrame used = frame;
  if (!used.valid()) {
    const core::Vec3 lonLat = geo::ecefToLonLatHeight({centre.x(), centre.y(), centre.z()});
    auto made = geo::SiteFrame::create({lonLat.x, lonLat.y});
    if (!made) return core::fail(where + made.error().message);
    used = made.value();
  }
  auto affine =
      geo::fitFrameAffine({geo::ModelCrs::Kind::Ecef, "", {}}, {centre.x(), centre.y(), centre.z()}, used, span);
  if (!affine) return core::fail(where + affine.error().message);
  tileset.ecefToSite = affineToMatrix(affine.value()) * osg::Matrixd::translate(0, 0, heightOffsetMeters);
  tileset.frame = used;
  tileset.placed = true;
  detail::placeTiles(tileset, 0);
  return core::Ok{};
}

osg::BoundingBoxd tileExtentWgs84(const Tile& tile) {
  const TileVolume& v = tile.boundingVolume;
  osg::BoundingBoxd box;
  if (v.kind == TileVolume::Kind::Region) {
    const auto& a = v.values;
    box.set(a[0] * kDegrees, a[1] * kDegrees, a[4], a[2] * kDegrees, a[3] * kDegrees, a[5]);
    return box;
  }
  std::vector<osg::Vec3d> points;
  if (v.kind == TileVolume::Kind::Box) {
    points = hullPointsEcef(v, tile.transform);
  } else {
    const osg::Vec3d c = osg::Vec3d(v.values[0], v.values[1], v.values[2]) * tile.transform;
    const double r = v.values[3] * maxScale(tile.transform);
    for (int axis = 0; axis < 3; ++axis)
      for (double sign : {-1.0, 1.0}) {
        osg::Vec3d d;
        d[axis] = sign * r;
        points.push_back(c + d);
      }
  }
  for (const osg::Vec3d& p : points) {
    core::Vec3 g = geo::ecefToLonLatHeight({p.x(), p.y(), p.z()});
    box.expandBy(g.x, g.y, g.z);
  }
  return box;
}

TileCamera TileCamera::fromMatrices(const osg::Matrixd& view, const osg::Matrixd& projection, double viewportHeightPx) {
  TileCamera camera;
  camera.eye = osg::Matrixd::inverse(view).getTrans();
  camera.viewportHeightPx = viewportHeightPx;
  const bool ortho = projection(2, 3) == 0.0 && projection(3, 3) == 1.0;
  if (ortho) {
    camera.orthoHeightMeters = projection(1, 1) != 0 ? 2.0 / std::abs(projection(1, 1)) : 0;
  } else if (projection(1, 1) != 0) {
    camera.fovyRadians = 2.0 * std::atan(1.0 / std::abs(projection(1, 1)));
  }
  // Row-vector clip = v * M: clip coordinate j is column j; a side plane is w +- x (or y).
  const osg::Matrixd m = view * projection;
  auto plane = [&](int column, double sign) {
    osg::Plane p(m(0, 3) + sign * m(0, column), m(1, 3) + sign * m(1, column), m(2, 3) + sign * m(2, column),
                 m(3, 3) + sign * m(3, column));
    p.makeUnitLength();
    return p;
  };
  camera.planes = {plane(0, 1), plane(0, -1), plane(1, 1), plane(1, -1)};
  return camera;
}

namespace {

double distanceToBox(const osg::BoundingBoxd& box, const osg::Vec3d& p) {
  if (!box.valid()) return 0;
  double dx = std::max({box.xMin() - p.x(), 0.0, p.x() - box.xMax()});
  double dy = std::max({box.yMin() - p.y(), 0.0, p.y() - box.yMax()});
  double dz = std::max({box.zMin() - p.z(), 0.0, p.z() - box.zMax()});
  return std::sqrt(dx * dx + dy * dy + dz * dz);
}

double tileDistance(const Tile& tile, const osg::Vec3d& eye) {
  const double sphere = (tile.siteSphere.center() - eye).length() - tile.siteSphere.radius();
  return std::max({sphere, distanceToBox(tile.siteBox, eye), 1e-3});
}

double sseAt(const Tile& tile, const TileCamera& camera, double distance) {
  if (camera.orthoHeightMeters > 0) return tile.geometricError * camera.viewportHeightPx / camera.orthoHeightMeters;
  return tile.geometricError * camera.viewportHeightPx / (2 * distance * std::tan(camera.fovyRadians / 2));
}

struct Candidate {
  int tile;
  double sse;
  double distance;
};

struct Partial {
  std::vector<Candidate> render, load;
  std::vector<int> visited;
  void append(const Partial& other, bool withRender) {
    if (withRender) render.insert(render.end(), other.render.begin(), other.render.end());
    load.insert(load.end(), other.load.begin(), other.load.end());
    visited.insert(visited.end(), other.visited.begin(), other.visited.end());
  }
};

class Selector {
 public:
  Selector(const Tileset& tileset, const std::vector<ContentState>& states, const TileCamera& camera, double maxSse)
      : _tileset(tileset),
        _states(states),
        _camera(camera),
        _maxSse(maxSse),
        _siteToEcef(osg::Matrixd::inverse(tileset.ecefToSite)) {}

  // True when the tile's subtree draws without holes: every considered tile that should show
  // content has it ready (or failed for good).
  bool visit(int index, Partial& out) {
    const Tile& tile = _tileset.tiles[index];
    for (const osg::Plane& plane : _camera.planes)
      if (plane.distance(tile.siteSphere.center()) < -tile.siteSphere.radius()) return true;
    if (tile.viewerRequestVolume && !eyeInside(tile, *tile.viewerRequestVolume)) return true;
    out.visited.push_back(index);

    const double distance = tileDistance(tile, _camera.eye);
    const Candidate self{index, sseAt(tile, _camera, distance), distance};
    const ContentState state = stateOf(index);
    const bool wantsRefine = self.sse > _maxSse;

    if (tile.contentType == TileContentType::ExternalTileset && tile.externalRoot < 0) {
      // Its children come with the external tileset: ask for it only when refining.
      if (!wantsRefine || state == ContentState::Failed) return true;
      out.load.push_back(self);
      return false;
    }
    const bool hasContent =
        tile.contentType != TileContentType::None && tile.contentType != TileContentType::ExternalTileset;
    const bool selfReady = !hasContent || state == ContentState::Ready || state == ContentState::Failed;
    auto showSelf = [&](Partial& into) {
      if (!hasContent) return;
      if (state == ContentState::Ready)
        into.render.push_back(self);
      else if (state != ContentState::Failed)
        into.load.push_back(self);
    };

    if (!wantsRefine || tile.children.empty()) {
      showSelf(out);
      return selfReady;
    }
    if (tile.refine == Refine::Add) {
      showSelf(out);
      bool done = selfReady;
      for (int child : tile.children) done = visit(child, out) && done;
      return done;
    }
    Partial below;
    bool childrenDone = true;
    for (int child : tile.children) childrenDone = visit(child, below) && childrenDone;
    if (childrenDone) {
      out.append(below, true);
      return true;
    }
    // Not all children can draw yet: keep this tile in their place (no holes) while they load.
    out.append(below, false);
    if (hasContent && state == ContentState::Ready) {
      out.render.push_back(self);
      return true;
    }
    showSelf(out);
    // Nothing to stand in for the children: what of them is ready is better than a hole.
    out.render.insert(out.render.end(), below.render.begin(), below.render.end());
    return false;
  }

 private:
  ContentState stateOf(int index) const {
    const Tile& tile = _tileset.tiles[index];
    if (tile.contentType == TileContentType::None) return ContentState::None;
    if (index < static_cast<int>(_states.size()) && _states[index] != ContentState::None) return _states[index];
    return ContentState::Unloaded;
  }

  bool eyeInside(const Tile& tile, const TileVolume& volume) const {
    const osg::Vec3d ecef = _camera.eye * _siteToEcef;
    const auto& a = volume.values;
    if (volume.kind == TileVolume::Kind::Region) {
      core::Vec3 g = geo::ecefToLonLatHeight({ecef.x(), ecef.y(), ecef.z()});
      const double lon = g.x / kDegrees, lat = g.y / kDegrees;
      const bool inLon = a[0] <= a[2] ? lon >= a[0] && lon <= a[2] : lon >= a[0] || lon <= a[2];
      return inLon && lat >= a[1] && lat <= a[3] && g.z >= a[4] && g.z <= a[5];
    }
    const osg::Vec3d local = ecef * osg::Matrixd::inverse(tile.transform);
    const osg::Vec3d c(a[0], a[1], a[2]);
    if (volume.kind == TileVolume::Kind::Sphere) return (local - c).length() <= a[3];
    const osg::Vec3d d = local - c;
    for (int axis = 0; axis < 3; ++axis) {
      const osg::Vec3d h(a[3 + 3 * axis], a[4 + 3 * axis], a[5 + 3 * axis]);
      const double h2 = h.length2();
      if (h2 == 0) {
        continue;  // a flat box has no extent along this axis
      }
      if (std::abs(d * h) > h2 * (1 + 1e-9)) return false;
    }
    return true;
  }

  const Tileset& _tileset;
  const std::vector<ContentState>& _states;
  const TileCamera& _camera;
  double _maxSse;
  osg::Matrixd _siteToEcef;
};

std::vector<int> indicesOf(const std::vector<Candidate>& candidates) {
  std::vector<int> out;
  out.reserve(candidates.size());
  for (const Candidate& c : candidates) out.push_back(c.tile);
  return out;
}

}  // namespace

double screenSpaceError(const Tile& tile, const TileCamera& camera) {
  return sseAt(tile, camera, tileDistance(tile, camera.eye));
}

TileSelection selectTiles(const Tileset& tileset, const std::vector<ContentState>& states, const TileCamera& camera,
                          double maximumScreenSpaceError) {
  TileSelection selection;
  if (tileset.tiles.empty() || !tileset.placed) return selection;
  Selector selector(tileset, states, camera, maximumScreenSpaceError);
  Partial all;
  selector.visit(0, all);
  std::stable_sort(all.render.begin(), all.render.end(),
                   [](const Candidate& a, const Candidate& b) { return a.distance < b.distance; });
  std::stable_sort(all.load.begin(), all.load.end(), [](const Candidate& a, const Candidate& b) {
    return a.sse != b.sse ? a.sse > b.sse : a.distance < b.distance;
  });
  selection.render = indicesOf(all.render);
  selection.load = indicesOf(all.load);
  selection.visited = std::move(all.visited);
  return selection;
}

}  // namespace twin::scene
