#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <map>

#include <osg/Geometry>
#include <osg/LOD>

#include "twin/scene/TerrainMesh.h"

using namespace twin;

namespace {

// 70 x 40 samples, 10 m apart, from (-200, -100): hills on a slope, so every level has an error.
geo::Heightfield hills() {
  geo::Heightfield t;
  t.originMeters = {-200, -100};
  t.spacingMeters = 10;
  t.columns = 70;
  t.rows = 40;
  for (int r = 0; r < t.rows; ++r)
    for (int c = 0; c < t.columns; ++c)
      t.heights.push_back(static_cast<float>(40 + 20 * std::sin(c * 0.3) + 10 * std::cos(r * 0.2) + 0.5 * c));
  return t;
}

double signedArea2(const osg::Vec3& a, const osg::Vec3& b, const osg::Vec3& c) {
  return (b.x() - a.x()) * (c.y() - a.y()) - (c.x() - a.x()) * (b.y() - a.y());
}

// Total length of the edges used by one triangle only: the outline's length when the mesh is
// conforming (a T-junction would leave inner edges used once as well).
double boundaryLength(const scene::DrapedMesh& mesh) {
  std::map<std::pair<std::uint32_t, std::uint32_t>, int> uses;
  for (std::size_t i = 0; i + 2 < mesh.triangles.size(); i += 3)
    for (int k = 0; k < 3; ++k) {
      std::uint32_t a = mesh.triangles[i + k], b = mesh.triangles[i + (k + 1) % 3];
      ++uses[{std::min(a, b), std::max(a, b)}];
    }
  double length = 0;
  for (const auto& [edge, count] : uses)
    if (count == 1) {
      osg::Vec3 d = mesh.vertices[edge.first] - mesh.vertices[edge.second];
      length += std::hypot(d.x(), d.y());
    }
  return length;
}

}  // namespace

TEST_CASE("buildTerrainMesh: chunks, levels, heights and skirts", "[scene][terrain]") {
  geo::Heightfield t = hills();
  scene::TerrainStats stats;
  osg::ref_ptr<osg::Group> group = scene::buildTerrainMesh(t, {}, &stats);
  // 69 x 39 cells in chunks of 32: 3 x 2 chunks (the last column of chunks is 5 cells wide, the
  // last row 7), each with 3 levels of distinct sample grids.
  CHECK(stats.chunks == 6);
  CHECK(stats.geometries == 18);
  CHECK(stats.triangles == 69 * 39 * 2);
  REQUIRE(group->getNumChildren() == 6);
  std::size_t checkedVertices = 0;
  for (unsigned i = 0; i < group->getNumChildren(); ++i) {
    auto* lod = dynamic_cast<osg::LOD*>(group->getChild(i));
    REQUIRE(lod);
    REQUIRE(lod->getNumChildren() == 3);
    CHECK(lod->getMinRange(0) == 0.f);
    CHECK(lod->getMaxRange(2) == std::numeric_limits<float>::max());
    for (unsigned k = 0; k + 1 < lod->getNumChildren(); ++k) {
      CHECK(lod->getMaxRange(k) == lod->getMinRange(k + 1));
      CHECK(lod->getMinRange(k) <= lod->getMaxRange(k));
    }
    CHECK(lod->getMinRange(1) > 0.f);  // hills: the coarse levels have an error, so they wait
    std::size_t previousVertices = std::numeric_limits<std::size_t>::max();
    for (unsigned k = 0; k < lod->getNumChildren(); ++k) {
      auto* geometry = lod->getChild(k)->asGeometry();
      REQUIRE(geometry);
      CHECK(geometry->getName() == scene::kTerrainGeometryName);
      auto* vertices = dynamic_cast<osg::Vec3Array*>(geometry->getVertexArray());
      auto* normals = dynamic_cast<osg::Vec3Array*>(geometry->getNormalArray());
      REQUIRE(vertices);
      REQUIRE(normals);
      REQUIRE(normals->size() == vertices->size());
      CHECK(vertices->size() < previousVertices);
      previousVertices = vertices->size();
      float lowestTop = std::numeric_limits<float>::max(), lowestAll = lowestTop;
      for (const osg::Vec3& v : *vertices) {
        double expected = t.heightAt(v.x(), v.y());
        lowestAll = std::min(lowestAll, v.z());
        if (std::abs(v.z() - expected) < 1e-3) {  // a surface vertex (skirt vertices hang below)
          lowestTop = std::min(lowestTop, v.z());
          CHECK(scene::groundHeight(&t, v.x(), v.y()) == Approx(expected).margin(1e-3));
          ++checkedVertices;
        } else {
          CHECK(v.z() < expected);
        }
      }
      CHECK(lowestAll < lowestTop - 1.f);  // the skirt
      for (const osg::Vec3& n : *normals) {
        CHECK(n.length() == Approx(1).margin(1e-4));
        CHECK(n.z() > 0.f);
      }
    }
  }
  // Over all levels, more surface vertices than samples (every sample is one of level 0).
  CHECK(checkedVertices > static_cast<std::size_t>(t.columns * t.rows));

  SECTION("options: smaller chunks, one level") {
    scene::TerrainOptions options;
    options.chunkCells = 10;
    options.levels = 1;
    scene::TerrainStats one;
    osg::ref_ptr<osg::Group> g = scene::buildTerrainMesh(t, options, &one);
    CHECK(one.chunks == 7 * 4);
    CHECK(one.geometries == 7 * 4);
    CHECK(one.triangles == 69 * 39 * 2);
    auto* lod = dynamic_cast<osg::LOD*>(g->getChild(0));
    REQUIRE(lod);
    CHECK(lod->getMaxRange(0) == std::numeric_limits<float>::max());
  }
  SECTION("a chunk too small to decimate keeps only the levels that differ") {
    geo::Heightfield small = t;
    small.columns = 3;
    small.rows = 2;
    small.heights.resize(6);
    scene::TerrainStats few;
    scene::buildTerrainMesh(small, {}, &few);
    CHECK(few.chunks == 1);
    CHECK(few.geometries == 2);  // samples {0,1,2} then {0,2}; step 4 gives {0,2} again
    CHECK(few.triangles == 4);
  }
  SECTION("flat terrain switches to the coarsest level beyond the chunk's radius") {
    geo::Heightfield flat = t;
    std::fill(flat.heights.begin(), flat.heights.end(), 12.f);
    osg::ref_ptr<osg::Group> g = scene::buildTerrainMesh(flat);
    auto* lod = dynamic_cast<osg::LOD*>(g->getChild(0));
    REQUIRE(lod);
    CHECK(lod->getMaxRange(0) == Approx(0.5 * std::hypot(320, 320)));
  }
}

TEST_CASE("buildTerrainMesh: empty or malformed heightfields give an empty group", "[scene][terrain]") {
  scene::TerrainStats stats;
  CHECK(scene::buildTerrainMesh(geo::Heightfield{}, {}, &stats)->getNumChildren() == 0);
  CHECK(stats.chunks == 0);
  geo::Heightfield bad = hills();
  bad.heights.resize(10);  // fewer heights than columns x rows
  CHECK(scene::buildTerrainMesh(bad)->getNumChildren() == 0);
  CHECK(scene::groundHeight(&bad, 0, 0) == 0);
  bad = hills();
  bad.spacingMeters = std::numeric_limits<double>::quiet_NaN();
  CHECK(scene::buildTerrainMesh(bad)->getNumChildren() == 0);
  SECTION("non-finite samples are drawn at 0") {
    geo::Heightfield holes = hills();
    holes.heights[0] = std::numeric_limits<float>::quiet_NaN();
    osg::ref_ptr<osg::Group> g = scene::buildTerrainMesh(holes);
    auto* lod = dynamic_cast<osg::LOD*>(g->getChild(0));
    REQUIRE(lod);
    auto* vertices = dynamic_cast<osg::Vec3Array*>(lod->getChild(0)->asGeometry()->getVertexArray());
    CHECK((*vertices)[0].z() == 0.f);
    for (const osg::Vec3& v : *vertices) CHECK(std::isfinite(v.z()));
  }
}

TEST_CASE("groundHeight: samples, the cell triangles, clamping, no terrain", "[scene][terrain]") {
  geo::Heightfield t;
  t.originMeters = {100, 200};
  t.spacingMeters = 10;
  t.columns = 2;
  t.rows = 2;
  t.heights = {0, 10, 20, 50};  // (0,0)=0, (1,0)=10, (0,1)=20, (1,1)=50
  CHECK(scene::groundHeight(nullptr, 5, 5) == 0);
  CHECK(scene::groundHeight(&t, 100, 200) == 0);
  CHECK(scene::groundHeight(&t, 110, 210) == 50);
  // South-east triangle (0,0)-(1,0)-(1,1): 0 + 10 fu + 40 fv.
  CHECK(scene::groundHeight(&t, 107.5, 202.5) == Approx(7.5 + 10));
  // North-west triangle (0,0)-(1,1)-(0,1): 20 fv + 30 fu.
  CHECK(scene::groundHeight(&t, 102.5, 207.5) == Approx(15 + 7.5));
  // The bilinear surface differs inside the cell; both agree on the diagonal's ends and edges.
  CHECK(t.heightAt(105, 205) == Approx(20));
  CHECK(scene::groundHeight(&t, 105, 205) == Approx(25));
  CHECK(scene::groundHeight(&t, 105, 200) == Approx(t.heightAt(105, 200)));
  // Outside: clamped to the nearest edge point.
  CHECK(scene::groundHeight(&t, 50, 205) == Approx(10));
  CHECK(scene::groundHeight(&t, 1e9, 1e9) == 50);
  CHECK(scene::groundHeight(&t, std::nan(""), 205) == 0);
}

TEST_CASE("drapeLine: points on the full-detail surface, split at every grid line and diagonal", "[scene][terrain]") {
  geo::Heightfield t = hills();
  std::vector<core::Vec2> line = {{-150, -80}, {95, 33}, {100, 160}, {-300, 300}};
  std::vector<osg::Vec3> draped = scene::drapeLine(&t, line, 1.5);
  REQUIRE(draped.size() > 60);
  CHECK(draped.front().x() == -150.f);
  CHECK(draped.back().y() == 300.f);
  for (std::size_t i = 0; i < draped.size(); ++i) {
    const osg::Vec3& p = draped[i];
    CHECK(p.z() == Approx(scene::groundHeight(&t, p.x(), p.y()) + 1.5).margin(1e-3));
    if (i + 1 < draped.size()) {
      // Each piece lies inside one terrain triangle, so its midpoint is on the surface too.
      osg::Vec3 m = (p + draped[i + 1]) * 0.5f;
      CHECK(m.z() == Approx(scene::groundHeight(&t, m.x(), m.y()) + 1.5).margin(1e-2));
    }
  }
  SECTION("without terrain: the points at the lift") {
    std::vector<osg::Vec3> flat = scene::drapeLine(nullptr, line, 2);
    REQUIRE(flat.size() == line.size());
    for (std::size_t i = 0; i < line.size(); ++i)
      CHECK(flat[i] == osg::Vec3(static_cast<float>(line[i].x), static_cast<float>(line[i].y), 2));
  }
  SECTION("non-finite points are dropped; fewer than two points give nothing") {
    double nan = std::numeric_limits<double>::quiet_NaN();
    CHECK(scene::drapeLine(nullptr, {{0, 0}, {nan, 1}, {5, 5}}, 0).size() == 2);
    CHECK(scene::drapeLine(&t, {{0, 0}, {nan, 1}}, 0).empty());
    CHECK(scene::drapeLine(&t, {}, 0).empty());
  }
  SECTION("a line far outside the grid adds no crossings; a huge one is capped") {
    CHECK(scene::drapeLine(&t, {{1e6, 1e6}, {2e6, 1e6}}, 0).size() == 2);
    geo::Heightfield fine = t;
    fine.spacingMeters = 1e-3;
    fine.originMeters = {0, 0};
    std::vector<osg::Vec3> capped = scene::drapeLine(&fine, {{0, 0}, {1e6, 1e6}}, 0);
    CHECK(capped.size() <= 100001);
  }
}

TEST_CASE("drapeTriangles / drapePolygon: split to the terrain spacing, conforming, on the surface",
          "[scene][terrain]") {
  geo::Heightfield t = hills();
  std::vector<core::Vec2> points = {{-100, -50}, {0, -50}, {0, 50}, {-100, 50}};
  scene::DrapedMesh mesh = scene::drapeTriangles(&t, points, {0, 1, 2, 0, 2, 3}, 0.8);
  REQUIRE(mesh.triangles.size() % 3 == 0);
  CHECK(mesh.triangles.size() / 3 >= 200);  // 10000 m2 in triangles with edges <= 10 m
  double area = 0;
  for (std::size_t i = 0; i + 2 < mesh.triangles.size(); i += 3) {
    const osg::Vec3 &a = mesh.vertices[mesh.triangles[i]], &b = mesh.vertices[mesh.triangles[i + 1]],
                    &c = mesh.vertices[mesh.triangles[i + 2]];
    double twice = signedArea2(a, b, c);
    CHECK(twice > 0);  // CCW kept
    area += twice / 2;
    for (const osg::Vec3* p : {&a, &b, &c})
      CHECK(p->z() == Approx(scene::groundHeight(&t, p->x(), p->y()) + 0.8).margin(1e-3));
    CHECK(std::hypot(a.x() - b.x(), a.y() - b.y()) <= 10.001);
    CHECK(std::hypot(b.x() - c.x(), b.y() - c.y()) <= 10.001);
    CHECK(std::hypot(c.x() - a.x(), c.y() - a.y()) <= 10.001);
  }
  CHECK(area == Approx(10000));
  CHECK(boundaryLength(mesh) == Approx(400));

  SECTION("bad triangles are dropped") {
    double nan = std::numeric_limits<double>::quiet_NaN();
    std::vector<core::Vec2> bad = {{0, 0}, {5, 0}, {5, 5}, {nan, 1}};
    scene::DrapedMesh out = scene::drapeTriangles(&t, bad, {0, 1, 2, 0, 2, 3, 0, 1, 9, 0, 1}, 0);
    CHECK(out.triangles.size() == 3);
    CHECK(out.vertices.size() == 3);
  }
  SECTION("without terrain nothing is split") {
    scene::DrapedMesh out = scene::drapeTriangles(nullptr, points, {0, 1, 2, 0, 2, 3}, 0.8);
    CHECK(out.triangles.size() == 6);
    CHECK(out.vertices.size() == 4);
    for (const osg::Vec3& v : out.vertices) CHECK(v.z() == Approx(0.8));
  }
  SECTION("a polygon with a hole") {
    core::Polygon polygon;
    polygon.outer = {{-150, -80}, {50, -80}, {50, 100}, {-150, 100}};
    polygon.holes.push_back({{-100, -30}, {-100, 30}, {0, 30}, {0, -30}});
    scene::DrapedMesh holed = scene::drapePolygon(&t, polygon, 0);
    double a = 0;
    for (std::size_t i = 0; i + 2 < holed.triangles.size(); i += 3)
      a += signedArea2(holed.vertices[holed.triangles[i]], holed.vertices[holed.triangles[i + 1]],
                       holed.vertices[holed.triangles[i + 2]]) /
           2;
    CHECK(a == Approx(200 * 180 - 100 * 60));
    CHECK(boundaryLength(holed) == Approx(2 * (200 + 180) + 2 * (100 + 60)));
    CHECK(scene::drapePolygon(&t, core::Polygon{{{0, 0}, {1, 1}, {2, 2}}, {}}, 0).triangles.empty());
  }
}
