// Walkable squares: pedestrian areas read from hand-drawn OSM files and crossed in straight
// lines that stay inside them (a visibility graph), with exact walking distances.
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "TestPaths.h"
#include "twin/analysis/Visibility.h"
#include "twin/analysis/WalkGraph.h"
#include "twin/analysis/WalkReach.h"
#include "twin/model/SceneConfig.h"
#include "twin/model/SiteLoader.h"

using namespace twin;
using namespace twin::analysis;

namespace {

const core::LonLat kOrigin{120.1, 30.25};

// An OSM file drawn in local metres: nodes are placed with the site frame of the scene that
// loads it, so that the loaded geometry is the drawing (to a fraction of a millimetre).
struct OsmDrawing {
  std::map<int, core::Vec2> nodes;
  std::string ways;  // <way> and <relation> elements

  void node(int id, double x, double y) { nodes[id] = {x, y}; }
  void way(int id, std::initializer_list<int> refs, const std::map<std::string, std::string>& tags) {
    std::ostringstream w;
    w << " <way id=\"" << id << "\">";
    for (int r : refs) w << "<nd ref=\"" << r << "\"/>";
    for (const auto& [k, v] : tags) w << "<tag k=\"" << k << "\" v=\"" << v << "\"/>";
    w << "</way>\n";
    ways += w.str();
  }
  void multipolygon(int id, int outer, std::initializer_list<int> inners,
                    const std::map<std::string, std::string>& tags) {
    std::ostringstream r;
    r << " <relation id=\"" << id << "\"><member type=\"way\" ref=\"" << outer << "\" role=\"outer\"/>";
    for (int i : inners) r << "<member type=\"way\" ref=\"" << i << "\" role=\"inner\"/>";
    r << "<tag k=\"type\" v=\"multipolygon\"/>";
    for (const auto& [k, v] : tags) r << "<tag k=\"" << k << "\" v=\"" << v << "\"/>";
    r << "</relation>\n";
    ways += r.str();
  }

  /** Writes the drawing and a scene around it into `dir`, loads the site. */
  model::Site load(const std::filesystem::path& dir) const {
    auto frame = geo::SiteFrame::create(kOrigin);
    REQUIRE(frame.ok());
    std::ostringstream osm;
    osm.precision(10);
    osm << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<osm version=\"0.6\" generator=\"twin test\">\n";
    const core::LonLat lo = frame->toLonLat({-500, -500}), hi = frame->toLonLat({500, 500});
    osm << " <bounds minlat=\"" << lo.lat << "\" minlon=\"" << lo.lon << "\" maxlat=\"" << hi.lat << "\" maxlon=\""
        << hi.lon << "\"/>\n";
    for (const auto& [id, p] : nodes) {
      const core::LonLat ll = frame->toLonLat(p);
      osm << " <node id=\"" << id << "\" lat=\"" << ll.lat << "\" lon=\"" << ll.lon << "\"/>\n";
    }
    osm << ways << "</osm>\n";
    std::ofstream(dir / "square.osm") << osm.str();
    std::ofstream(dir / "square.json") << R"({"name": "square", "site": {"origin": {"lon": 120.1, "lat": 30.25}},
      "layers": [{"id": "osm", "source": "square.osm"}]})";
    auto config = model::loadSceneConfig(dir / "square.json");
    REQUIRE(config.ok());
    auto site = model::loadSite(*config);
    REQUIRE(site.ok());
    return std::move(site.value());
  }
};

/** Metres along the network from `from` to `to` (both on it); +inf when not connected. */
double walkMeters(const WalkGraph& g, core::Vec2 from, core::Vec2 to) {
  auto reach = walkReach(g, from, 100000, 1.0, 0.5);
  REQUIRE(reach.ok());
  SnapPoint s;
  REQUIRE(g.snap(to, 0.5, s));
  return reach->valueAt(g, s);
}

double length(core::Vec2 a, core::Vec2 b) { return std::hypot(b.x - a.x, b.y - a.y); }

const std::map<std::string, std::string> kFootway{{"highway", "footway"}};

// A 100 m square with corners 1 (0,0), 2 (100,0), 3 (100,100), 4 (0,100); a footway comes in
// from the west to corner 1 and one leaves corner 3 to the east.
OsmDrawing squareWithPaths() {
  OsmDrawing d;
  d.node(1, 0, 0);
  d.node(2, 100, 0);
  d.node(3, 100, 100);
  d.node(4, 0, 100);
  d.node(5, -50, 0);
  d.node(6, 150, 100);
  d.way(201, {5, 1}, kFootway);
  d.way(202, {3, 6}, kFootway);
  return d;
}

}  // namespace

TEST_CASE("a pedestrian square is crossed on its diagonal", "[analysis][walkarea]") {
  test::TempDir dir("walk-square");
  const double diagonal = 50 + std::sqrt(2.0) * 100 + 50;

  SECTION("highway=pedestrian + area=yes, area:highway, place=square with a highway tag") {
    for (const std::map<std::string, std::string>& tags :
         std::vector<std::map<std::string, std::string>>{{{"highway", "pedestrian"}, {"area", "yes"}},
                                                         {{"area:highway", "pedestrian"}},
                                                         {{"place", "square"}, {"highway", "pedestrian"}}}) {
      INFO(tags.begin()->first);
      OsmDrawing d = squareWithPaths();
      d.way(100, {1, 2, 3, 4, 1}, tags);
      const model::Site site = d.load(dir.path());
      REQUIRE(site.walkAreas.size() == 1);
      CHECK(site.walkAreas[0].osmId == 100);
      CHECK(core::area(site.walkAreas[0].polygon) == Approx(10000).margin(0.1));
      core::Diagnostics diag;
      WalkGraphStats stats;
      const WalkGraph g = buildWalkGraph(site, {}, diag, &stats);
      CHECK(stats.areasUsed == 1);
      CHECK(walkMeters(g, {-50, 0}, {150, 100}) == Approx(diagonal).margin(0.01));
    }
  }
  SECTION("a closed highway=pedestrian way without area=yes is a loop street: walked along") {
    OsmDrawing d = squareWithPaths();
    d.way(100, {1, 2, 3, 4, 1}, {{"highway", "pedestrian"}});
    const model::Site site = d.load(dir.path());
    CHECK(site.walkAreas.empty());
    core::Diagnostics diag;
    CHECK(walkMeters(buildWalkGraph(site, {}, diag), {-50, 0}, {150, 100}) == Approx(50 + 200 + 50).margin(0.01));
  }
  SECTION("place=square without a highway tag is not walked") {
    OsmDrawing d = squareWithPaths();
    d.way(100, {1, 2, 3, 4, 1}, {{"place", "square"}});
    const model::Site site = d.load(dir.path());
    CHECK(site.walkAreas.empty());
    core::Diagnostics diag;
    CHECK(std::isinf(walkMeters(buildWalkGraph(site, {}, diag), {-50, 0}, {150, 100})));
  }
  SECTION("a point inside the square is reached straight from the entrance") {
    OsmDrawing d = squareWithPaths();
    d.way(100, {1, 2, 3, 4, 1}, {{"highway", "pedestrian"}, {"area", "yes"}});
    d.node(7, 30, 80);  // a bench path ends inside the square
    d.node(8, 30, 60);
    d.way(203, {7, 8}, kFootway);
    const model::Site site = d.load(dir.path());
    core::Diagnostics diag;
    const WalkGraph g = buildWalkGraph(site, {}, diag);
    // From corner 1 straight to (30, 60), the path's vertex inside the square.
    CHECK(walkMeters(g, {-50, 0}, {30, 60}) == Approx(50 + length({0, 0}, {30, 60})).margin(0.01));
  }
}

TEST_CASE("an L-shaped square is crossed around its inner corner", "[analysis][walkarea]") {
  test::TempDir dir("walk-l-square");
  // L: (0,0) (100,0) (100,40) (40,40) (40,100) (0,100); the ways touch it at 9 (100,20) on the
  // east side and 10 (20,100) on the north side. The straight line 9-10 leaves the area; the
  // shortest walk inside bends at the inner corner (40,40).
  OsmDrawing d;
  d.node(1, 0, 0);
  d.node(2, 100, 0);
  d.node(9, 100, 20);
  d.node(3, 100, 40);
  d.node(4, 40, 40);
  d.node(5, 40, 100);
  d.node(10, 20, 100);
  d.node(6, 0, 100);
  d.node(11, 150, 20);
  d.node(12, 20, 150);
  d.way(100, {1, 2, 9, 3, 4, 5, 10, 6, 1}, {{"highway", "pedestrian"}, {"area", "yes"}});
  d.way(201, {11, 9}, kFootway);
  d.way(202, {10, 12}, kFootway);
  const model::Site site = d.load(dir.path());
  REQUIRE(site.walkAreas.size() == 1);
  core::Diagnostics diag;
  const WalkGraph g = buildWalkGraph(site, {}, diag);
  const double expected = 50 + length({100, 20}, {40, 40}) + length({40, 40}, {20, 100}) + 50;
  CHECK(walkMeters(g, {150, 20}, {20, 150}) == Approx(expected).margin(0.01));
  CHECK(expected > 100 + length({100, 20}, {20, 100}) + 1);  // not the straight line outside
  CHECK(expected < 50 + 20 + 60 + 60 + 20 + 50 - 1);         // not the outline either
}

TEST_CASE("a fountain in the middle of a square forces a detour", "[analysis][walkarea]") {
  test::TempDir dir("walk-fountain");
  // Square 0..100 with a fountain 40..60 (an inner ring of a multipolygon relation): from corner
  // (0,0) to (100,100) the diagonal crosses the fountain; the shortest walk passes its corner
  // (60,40) (or (40,60), the same length).
  OsmDrawing d = squareWithPaths();
  d.node(21, 40, 40);
  d.node(22, 60, 40);
  d.node(23, 60, 60);
  d.node(24, 40, 60);
  d.way(100, {1, 2, 3, 4, 1}, {});
  d.way(101, {21, 22, 23, 24, 21}, {});
  d.multipolygon(300, 100, {101}, {{"highway", "pedestrian"}, {"name", "中心广场"}});
  const model::Site site = d.load(dir.path());
  REQUIRE(site.walkAreas.size() == 1);
  CHECK(site.walkAreas[0].idKind == "relation");
  CHECK(site.walkAreas[0].name == "中心广场");
  REQUIRE(site.walkAreas[0].polygon.holes.size() == 1);
  core::Diagnostics diag;
  const WalkGraph g = buildWalkGraph(site, {}, diag);
  const double expected = 50 + length({0, 0}, {60, 40}) + length({60, 40}, {100, 100}) + 50;
  CHECK(walkMeters(g, {-50, 0}, {150, 100}) == Approx(expected).margin(0.01));
  CHECK(expected > 100 + std::sqrt(2.0) * 100 + 1);  // longer than through the fountain
}

TEST_CASE("visibility inside a polygon", "[analysis][walkarea]") {
  core::Polygon l;
  l.outer = {{0, 0}, {100, 0}, {100, 40}, {40, 40}, {40, 100}, {0, 100}};
  using analysis::segmentInside;
  CHECK(segmentInside(l, {100, 20}, {40, 40}, 0.01));
  CHECK(segmentInside(l, {0, 0}, {100, 0}, 0.01));            // along the boundary
  CHECK_FALSE(segmentInside(l, {100, 20}, {20, 100}, 0.01));  // crosses the notch
  CHECK_FALSE(segmentInside(l, {100, 40}, {40, 100}, 0.01));  // a chord wholly outside
  CHECK(segmentInside(l, {100, 40}, {0, 40}, 0.01));          // along the inner edge and on
  // Grazing the reflex corner from inside to inside stays in.
  CHECK(segmentInside(l, {20, 60}, {60, 20}, 0.01));
  core::Polygon holed;
  holed.outer = {{0, 0}, {100, 0}, {100, 100}, {0, 100}};
  holed.holes = {{{40, 40}, {40, 60}, {60, 60}, {60, 40}}};
  CHECK_FALSE(segmentInside(holed, {0, 0}, {100, 100}, 0.01));
  CHECK(segmentInside(holed, {0, 0}, {60, 40}, 0.01));
  CHECK(segmentInside(holed, {40, 40}, {60, 40}, 0.01));        // along the fountain's edge
  CHECK_FALSE(segmentInside(holed, {40, 40}, {60, 60}, 0.01));  // through the fountain
  // The visibility graph has the outlines' edges but neither outer diagonal (141.4 m).
  const auto edges = analysis::visibilityEdges(holed, {}, 0.01);
  std::size_t diagonals = 0, outline = 0;
  for (const auto& [a, b] : edges) {
    const double len = std::hypot(a.x - b.x, a.y - b.y);
    if (len > 141) ++diagonals;
    if (std::fabs(len - 100) < 1e-9 && (a.x == b.x || a.y == b.y)) ++outline;
  }
  CHECK(diagonals == 0);
  CHECK(outline == 4);
}

TEST_CASE("walk areas: bad and oversized areas are reported", "[analysis][walkarea]") {
  const std::vector<model::Road> none;
  SECTION("fewer than 3 points or a non-finite coordinate: skipped") {
    model::WalkArea bad;
    bad.osmId = 12;
    bad.idKind = "way";
    bad.polygon.outer = {{0, 0}, {10, 0}, {std::nan(""), 5}};
    core::Diagnostics diag;
    WalkGraphStats stats;
    const WalkGraph g = buildWalkGraph(none, {bad}, {}, diag, &stats);
    CHECK(g.segmentCount() == 0);
    CHECK(stats.areasSkipped == 1);
    REQUIRE(diag.total() == 1);
    CHECK(core::formatDiagnostic(diag.items()[0]) ==
          "analysis::buildWalkGraph(): walk areas way 12: area has fewer than 3 points or a non-finite coordinate; "
          "skipped");
  }
  SECTION("more vertices than kMaxWalkAreaPoints: walked along the outer ring") {
    model::WalkArea big;
    big.osmId = 13;
    big.idKind = "way";
    const std::size_t n = kMaxWalkAreaPoints + 1;
    for (std::size_t i = 0; i < n; ++i) {
      const double a = 2 * 3.14159265358979323846 * static_cast<double>(i) / static_cast<double>(n);
      big.polygon.outer.push_back({100 * std::cos(a), 100 * std::sin(a)});
    }
    core::Diagnostics diag;
    WalkGraphStats stats;
    const WalkGraph g = buildWalkGraph(none, {big}, {}, diag, &stats);
    CHECK(g.segmentCount() == n);
    CHECK(stats.areaSegments == 0);
    bool reported = false;
    for (const auto& d : diag.items())
      reported = reported || core::formatDiagnostic(d) ==
                                 "analysis::buildWalkGraph(): walk areas way 13: area has 401 vertices and entries "
                                 "(limit 400); walked along its outline only";
    CHECK(reported);
  }
  SECTION("a closed area:highway way with no area is skipped by the loader") {
    test::TempDir dir("walk-flat");
    OsmDrawing d;
    d.node(1, 0, 0);
    d.node(2, 50, 0);
    d.node(3, 100, 0);
    d.way(100, {1, 2, 3, 2, 1}, {{"area:highway", "footway"}});
    const model::Site site = d.load(dir.path());
    CHECK(site.walkAreas.empty());
    bool reported = false;
    for (const auto& item : site.diagnostics.items())
      reported = reported || (item.message == "pedestrian area has no area" && item.recordId == "way 100");
    CHECK(reported);
  }
}
