// `twin isochrone`, `twin coverage`, `twin tod` through their command functions.
#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <set>
#include <sstream>

#include "twin/app/AnalysisCommands.h"
#include "TestPaths.h"

using namespace twin;

namespace {

struct Run {
  int code = 0;
  std::string err;
};

// Runs a command with argv built from `args` (args[0] is the command name), capturing std::cerr.
Run run(int (*cmd)(int, char**), std::vector<std::string> args) {
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  std::ostringstream captured;
  std::streambuf* old = std::cerr.rdbuf(captured.rdbuf());
  const int code = cmd(static_cast<int>(argv.size()), argv.data());
  std::cerr.rdbuf(old);
  std::fflush(stdout);
  return {code, captured.str()};
}

std::string readFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string shell(const std::string& command) {
  std::string out;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  REQUIRE(pipe);
  std::array<char, 4096> buf;
  while (fgets(buf.data(), buf.size(), pipe.get())) out += buf.data();
  return out;
}

// A footway 1 -> 2 (about 100 m east) -> 3 (about 100 m north), and a bench 2.5 km away.
// <bounds> is needed: GDAL's OSM driver takes a file's extent from it.
const char* kTinyOsm = R"(<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="twin test">
 <bounds minlat="39.9990000" minlon="116.3490000" maxlat="40.0210000" maxlon="116.3710000"/>
 <node id="1" lat="40.0000000" lon="116.3500000"/>
 <node id="2" lat="40.0000000" lon="116.3511727"/>
 <node id="3" lat="40.0009006" lon="116.3511727"/>
 <node id="4" lat="40.0200000" lon="116.3700000"><tag k="amenity" v="bench"/></node>
 <way id="10"><nd ref="1"/><nd ref="2"/><nd ref="3"/><tag k="highway" v="footway"/></way>
</osm>
)";

std::string beijing() { return (test::scenesDir() / "beijing-liudaokou.json").string(); }

}  // namespace

TEST_CASE("analysis commands: usage errors exit 2", "[analysis]") {
  using app::cmdIsochrone;
  CHECK(run(cmdIsochrone, {"isochrone"}).code == 2);
  const Run noFrom = run(cmdIsochrone, {"isochrone", "x.json", "-o", "a.geojson"});
  CHECK(noFrom.code == 2);
  CHECK(noFrom.err == "twin isochrone: missing --from LON,LAT; see 'twin isochrone --help'\n");
  CHECK(run(cmdIsochrone, {"isochrone", "x.json", "--from", "116.3", "-o", "a"}).err ==
        "twin isochrone: --from expects LON,LAT in degrees, got '116.3'; see 'twin isochrone --help'\n");
  CHECK(run(cmdIsochrone, {"isochrone", "x.json", "--from", "116.3,95", "-o", "a"}).code == 2);
  CHECK(run(cmdIsochrone, {"isochrone", "x.json", "--from", "116.3,40", "-o", "a", "--minutes", "10,5"}).err ==
        "twin isochrone: --minutes must ascend, each in (0, 240]; see 'twin isochrone --help'\n");
  CHECK(run(cmdIsochrone, {"isochrone", "x.json", "--osm", "y.osm", "--from", "1,1", "-o", "a"}).err ==
        "twin isochrone: give SCENE or --osm FILE, not both; see 'twin isochrone --help'\n");
  CHECK(run(cmdIsochrone, {"isochrone", "x.json", "--from", "1,1", "-o", "a", "--speed-mps", "fast"}).code == 2);
  CHECK(run(cmdIsochrone, {"isochrone", "--help"}).code == 0);
  CHECK(run(app::cmdCoverage, {"coverage", "x.json"}).err ==
        "twin coverage: missing -o COVERAGE.csv; see 'twin coverage --help'\n");
  CHECK(run(app::cmdCoverage, {"coverage", "-o", "c.csv"}).code == 2);
  CHECK(run(app::cmdTod, {"tod", "x.json", "-o", "t.csv", "--radii", "800,500"}).err ==
        "twin tod: --radii must ascend, each in (0, 5000] metres; see 'twin tod --help'\n");
}

TEST_CASE("twin isochrone --osm: hand-checked seconds per OSM node, errors for bad origins", "[analysis]") {
  test::TempDir dir("iso-cli");
  const std::string osm = (dir.path() / "tiny.osm").string();
  std::ofstream(osm) << kTinyOsm;
  const std::string iso = (dir.path() / "iso.geojson").string(), nodes = (dir.path() / "nodes.csv").string();
  const Run ok = run(app::cmdIsochrone, {"isochrone", "--osm", osm, "--from", "116.35,40.0", "--minutes", "1,2,4",
                                         "--speed-mps", "1", "-o", iso, "--nodes", nodes});
  INFO(ok.err);
  REQUIRE(ok.code == 0);
  // Node 2 is 100 m east (0.0011727 deg x 85,276 m/deg at 40 N) and node 3 100 m north of it.
  const std::string csv = readFile(nodes);
  REQUIRE(csv.rfind("osm_node_id,seconds\n1,0.00\n2,", 0) == 0);
  double s2 = 0, s3 = 0;
  long long id2 = 0, id3 = 0;
  REQUIRE(std::sscanf(csv.c_str(), "osm_node_id,seconds\n1,0.00\n%lld,%lf\n%lld,%lf", &id2, &s2, &id3, &s3) == 4);
  CHECK(id2 == 2);
  CHECK(id3 == 3);
  CHECK(s2 == Approx(100).epsilon(0.005));
  CHECK(s3 == Approx(200).epsilon(0.005));
  const std::string info = shell("ogrinfo -ro -al -so '" + iso + "' 2>&1");
  CHECK(info.find("Feature Count: 3") != std::string::npos);

  const Run outside = run(app::cmdIsochrone, {"isochrone", "--osm", osm, "--from", "10,10", "-o", iso});
  CHECK(outside.code == 1);
  CHECK(outside.err.find("twin isochrone: origin 10.000000,10.000000 lies outside the data of " + osm + "\n") !=
        std::string::npos);
  const Run off = run(app::cmdIsochrone, {"isochrone", "--osm", osm, "--from", "116.37,40.02", "-o", iso});
  CHECK(off.code == 1);
  CHECK(off.err.find("twin isochrone: origin 116.370000,40.020000 is off the walk network: analysis::walkReach(): "
                     "origin (") != std::string::npos);
  CHECK(off.err.find("m from the nearest walkable way (limit 250 m)\n") != std::string::npos);
  const Run missing =
      run(app::cmdIsochrone, {"isochrone", (dir.path() / "nope.json").string(), "--from", "1,1", "-o", iso});
  CHECK(missing.code == 1);
  const Run unwritable = run(app::cmdIsochrone, {"isochrone", "--osm", osm, "--from", "116.35,40.0", "-o",
                                                 (dir.path() / "no" / "iso.geojson").string()});
  CHECK(unwritable.code == 1);
  CHECK(unwritable.err.find("geo::writeVectorLayer(): " + (dir.path() / "no" / "iso.geojson").string() + ": folder " +
                            (dir.path() / "no").string() + " does not exist\n") != std::string::npos);

  // The same bands as a GeoPackage and as a CSV with a WKT column: typed fields, three bands.
  const std::string gpkg = (dir.path() / "iso.gpkg").string(), csvOut = (dir.path() / "iso.csv").string();
  REQUIRE(run(app::cmdIsochrone, {"isochrone", "--osm", osm, "--from", "116.35,40.0", "--minutes", "1,2,4", "-o", gpkg})
              .code == 0);
  const std::string gpkgInfo = shell("ogrinfo -ro -al -so '" + gpkg + "' 2>&1");
  CHECK(gpkgInfo.find("Layer name: isochrone") != std::string::npos);
  CHECK(gpkgInfo.find("Geometry: Multi Polygon") != std::string::npos);
  CHECK(gpkgInfo.find("Feature Count: 3") != std::string::npos);
  CHECK(gpkgInfo.find("minutes: Real") != std::string::npos);
  CHECK(gpkgInfo.find("area_m2: Real") != std::string::npos);
  REQUIRE(
      run(app::cmdIsochrone, {"isochrone", "--osm", osm, "--from", "116.35,40.0", "--minutes", "1,2,4", "-o", csvOut})
          .code == 0);
  CHECK(readFile(csvOut).rfind("WKT,minutes,area_m2\n\"MULTIPOLYGON (((116.3", 0) == 0);
  CHECK(shell("ogrinfo -ro -al -so '" + csvOut + "' 2>&1").find("minutes: Real") != std::string::npos);

  const Run badFormat = run(app::cmdIsochrone, {"isochrone", "--osm", osm, "--from", "116.35,40.0", "-o", "iso.shp"});
  CHECK(badFormat.code == 2);
  CHECK(badFormat.err ==
        "twin isochrone: -o expects a file ending .csv, .geojson or .gpkg, got 'iso.shp'; "
        "see 'twin isochrone --help'\n");
}

TEST_CASE("twin isochrone/coverage/tod on the Beijing scene", "[analysis][slow]") {
  test::TempDir dir("analysis-cli");
  const std::string iso = (dir.path() / "iso.geojson").string(), nodes = (dir.path() / "nodes.csv").string();
  // The 六道口 station (the scene's "liudaokou" bookmark).
  const Run r =
      run(app::cmdIsochrone, {"isochrone", beijing(), "--from", "116.34664,39.99967", "-o", iso, "--nodes", nodes});
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(shell("ogrinfo -ro -al -so '" + iso + "' 2>&1").find("Feature Count: 3") != std::string::npos);
  const std::string csv = readFile(nodes);
  CHECK(csv.rfind("osm_node_id,seconds\n", 0) == 0);
  CHECK(std::count(csv.begin(), csv.end(), '\n') > 100);

  const std::string cov = (dir.path() / "coverage.csv").string(), geo = (dir.path() / "coverage.geojson").string();
  const Run c = run(app::cmdCoverage, {"coverage", beijing(), "-o", cov, "--geojson", geo});
  INFO(c.err);
  REQUIRE(c.code == 0);
  const std::string covCsv = readFile(cov);
  const auto rows = std::count(covCsv.begin(), covCsv.end(), '\n') - 1;
  CHECK(rows >= 57);  // SOURCE.md: building=residential 44, house 9, apartments 4
  CHECK(shell("ogrinfo -ro -al -so '" + geo + "' 2>&1").find("Feature Count: " + std::to_string(rows)) !=
        std::string::npos);
  // The CSV carries the footprints (WKT first) and the existing columns in their order.
  CHECK(covCsv.rfind("WKT,osm_id,id_kind,name,floor_area_m2,residents,on_network,entrance,snap_m,", 0) == 0);
  CHECK(covCsv.find(",level_5,level_10,level_15,missing,level_5_blocked_by,level_10_blocked_by,level_15_blocked_by,"
                    "level\n") != std::string::npos);
  CHECK(covCsv.find("\n\"MULTIPOLYGON (((116.") != std::string::npos);
  const std::string covGpkg = (dir.path() / "coverage.gpkg").string();
  const Run cg = run(app::cmdCoverage, {"coverage", beijing(), "-o", covGpkg});
  REQUIRE(cg.code == 0);
  const std::string covInfo = shell("ogrinfo -ro -al -so '" + covGpkg + "' 2>&1");
  CHECK(covInfo.find("Feature Count: " + std::to_string(rows)) != std::string::npos);
  CHECK(covInfo.find("Geometry: Multi Polygon") != std::string::npos);
  CHECK(covInfo.find("kindergarten_min: Real") != std::string::npos);
  CHECK(covInfo.find("level_5: Integer") != std::string::npos);
  CHECK(covInfo.find("level_5_blocked_by: String") != std::string::npos);

  const std::string tod = (dir.path() / "tod.csv").string();
  const Run t = run(app::cmdTod, {"tod", beijing(), "-o", tod});
  INFO(t.err);
  REQUIRE(t.code == 0);
  CHECK(readFile(tod).find(",六道口,800,1,") != std::string::npos);
  CHECK(readFile(tod).find(",六道口,500,1,") != std::string::npos);
  CHECK(readFile(dir.path() / "tod_stations.csv").rfind("WKT,station_osm_id,name,kind,on_network\n\"POINT (116.", 0) ==
        0);
  const std::string todGpkg = (dir.path() / "tod.gpkg").string();
  REQUIRE(run(app::cmdTod, {"tod", beijing(), "-o", todGpkg}).code == 0);
  const std::string todInfo = shell("ogrinfo -ro -al -so '" + todGpkg + "' 2>&1");
  CHECK(todInfo.find("Layer name: tod_catchments") != std::string::npos);
  CHECK(todInfo.find("Geometry: Multi Polygon") != std::string::npos);
  CHECK(todInfo.find("pedshed_ratio: Real") != std::string::npos);
  CHECK(todInfo.find("metro_station: Integer") != std::string::npos);
  const std::string stationsInfo =
      shell("ogrinfo -ro -al -so '" + (dir.path() / "tod_stations.gpkg").string() + "' 2>&1");
  CHECK(stationsInfo.find("Layer name: tod_stations") != std::string::npos);
  CHECK(stationsInfo.find("Geometry: Point") != std::string::npos);
}

TEST_CASE("a scene with a bad facilities key is a bad input", "[analysis]") {
  test::TempDir dir("analysis-cli-bad");
  const std::string scene = (dir.path() / "bad.json").string();
  std::ofstream(scene) << R"({"name": "bad", "site": {"origin": {"lon": 116.35, "lat": 40.0}},
    "layers": [{"id": "osm", "source": ")"
                       << (test::assetsDir() / "osm" / "cau_haidian_beijing.osm").string() << R"("}],
    "walking": {"speed_mps": 0}})";
  const Run r = run(app::cmdCoverage, {"coverage", scene, "-o", (dir.path() / "c.csv").string()});
  CHECK(r.code == 1);
  CHECK(r.err.find("model::parseFacilityConfig(): bad.json: key 'walking.speed_mps': expected a positive number\n") !=
        std::string::npos);
}

TEST_CASE("twin isochrone --nodes reads OSM node ids from a .osm.pbf scene", "[analysis][slow]") {
  test::TempDir dir("iso-pbf");
  const std::string iso = (dir.path() / "iso.geojson").string(), nodes = (dir.path() / "nodes.csv").string();
  const std::string monaco = (test::scenesDir() / "monaco.json").string();
  // Gare de Monaco-Monte-Carlo (the scene's "station" bookmark).
  const Run r = run(app::cmdIsochrone,
                    {"isochrone", monaco, "--from", "7.4197,43.7387", "--minutes", "5", "-o", iso, "--nodes", nodes});
  INFO(r.err);
  REQUIRE(r.code == 0);
  const std::string csv = readFile(nodes);
  REQUIRE(csv.rfind("osm_node_id,seconds\n", 0) == 0);
  std::istringstream lines(csv.substr(csv.find('\n') + 1));
  std::set<long long> ids;
  double previous = -1;
  std::size_t rows = 0;
  for (std::string line; std::getline(lines, line); ++rows) {
    long long id = 0;
    double seconds = -1;
    REQUIRE(std::sscanf(line.c_str(), "%lld,%lf", &id, &seconds) == 2);
    CHECK(id > 0);
    CHECK(ids.insert(id).second);       // each OSM node once
    CHECK(seconds >= previous - 1e-9);  // by time
    CHECK(seconds <= 300.0 + 1e-6);     // within the 5 minutes asked for
    previous = seconds;
  }
  CHECK(rows > 100);
}
