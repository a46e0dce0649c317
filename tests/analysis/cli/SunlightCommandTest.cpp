// `twin sunlight` through its command function: a hand-made scene, its output and every error.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "twin/app/AnalysisCommands.h"
#include "TestPaths.h"

using namespace twin;

namespace {

struct Run {
  int code = 0;
  std::string out, err;
};

Run run(std::vector<std::string> args) {
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  std::ostringstream out, err;
  std::streambuf* oldOut = std::cout.rdbuf(out.rdbuf());
  std::streambuf* oldErr = std::cerr.rdbuf(err.rdbuf());
  const int code = app::cmdSunlight(static_cast<int>(argv.size()), argv.data());
  std::cout.rdbuf(oldOut);
  std::cerr.rdbuf(oldErr);
  // A scene load that takes longer than a second (a busy machine) reports its progress on stderr;
  // those lines are not what these tests check.
  std::istringstream lines(err.str());
  std::string line, messages;
  while (std::getline(lines, line))
    if (line.rfind("loading: ", 0) != 0) messages += line + "\n";
  return {code, out.str(), messages};
}

std::string shell(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe);
  char buf[4096];
  while (fgets(buf, sizeof buf, pipe)) out += buf;
  pclose(pipe);
  return out;
}

std::vector<std::vector<std::string>> readCsv(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::stringstream s(line);
    std::string cell;
    while (std::getline(s, cell, ',')) cells.push_back(cell);
    rows.push_back(cells);
  }
  return rows;
}

// Local metres around (120.21, 30.25) to degrees, near enough for a 60 m scene.
std::string lonLat(double x, double y) {
  char text[64];
  std::snprintf(text, sizeof text, "%.8f,%.8f", 120.21 + x / 96176.0, 30.25 + y / 110852.0);
  return text;
}

// A two-storey apartment block x 0..20, y 0..10 m (walls 20, 10, 20, 10 m: 7 + 3 + 7 + 3 samples
// a storey at 3 m spacing), and in the scene file a scenario "tower" proposing a 60 m tower
// x -20..40, y -30..-20 just south of it.
void writeScene(const std::filesystem::path& dir, const std::string& sunlightKey) {
  std::ofstream osm(dir / "block.osm");
  osm << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<osm version=\"0.6\">\n"
      << " <bounds minlat=\"30.2495\" minlon=\"120.2095\" maxlat=\"30.2505\" maxlon=\"120.2105\"/>\n";
  const double corners[4][2] = {{0, 0}, {20, 0}, {20, 10}, {0, 10}};
  for (int i = 0; i < 4; ++i) {
    const std::string ll = lonLat(corners[i][0], corners[i][1]);
    osm << " <node id=\"" << i + 1 << "\" lon=\"" << ll.substr(0, ll.find(',')) << "\" lat=\""
        << ll.substr(ll.find(',') + 1) << "\"/>\n";
  }
  osm << " <way id=\"7\"><nd ref=\"1\"/><nd ref=\"2\"/><nd ref=\"3\"/><nd ref=\"4\"/><nd ref=\"1\"/>"
      << "<tag k=\"building\" v=\"apartments\"/><tag k=\"building:levels\" v=\"2\"/><tag k=\"name\" "
         "v=\"1号楼\"/></way>\n"
      << "</osm>\n";
  std::ofstream scene(dir / "block.json");
  scene << R"({"name": "block", "site": {"origin": {"lon": 120.21, "lat": 30.25}},
    "layers": [{"id": "osm", "source": "block.osm"}],)"
        << sunlightKey << R"(
    "scenarios": [{"name": "tower", "buildings": [{"name": "T", "height": 60, "footprint": [)"
        << "[" << lonLat(-20, -30) << "], [" << lonLat(40, -30) << "], [" << lonLat(40, -20) << "], ["
        << lonLat(-20, -20) << R"(]]}]},
                  {"name": "clinic", "add": [{"category": "health_station", "lon": 120.21, "lat": 30.25}]}]})";
}

const std::string kHangzhou = R"(
    "sunlight": {"standard": "gb50180-I-II-III-VII-large"},)";

}  // namespace

TEST_CASE("twin sunlight: windows of a block before and after a proposed tower", "[analysis][sunlight]") {
  test::TempDir dir("sunlight-cli");
  writeScene(dir.path(), kHangzhou);
  const std::string scene = (dir.path() / "block.json").string(), csv = (dir.path() / "s.csv").string();

  const Run plain = run({"sunlight", scene, "--date", "2026-01-20", "-o", csv});
  INFO(plain.err);
  REQUIRE(plain.code == 0);
  CHECK(plain.err.empty());  // 2026-01-20 is 大寒日: no warning
  CHECK(
      plain.out.find(
          "gb50180-I-II-III-VII-large on 2026-01-20 (大寒日 (Great Cold)), 8-16 h true solar time, needs 120 min\n") ==
      0);
  // South, east and west walls get >= 2 h; the north wall none: 26 of 40 windows, both storeys
  // (each has a sunny window) and so the building pass.
  CHECK(plain.out.find("\nresult: windows 26 pass, 14 fail; storeys 2 pass, 0 fail; buildings 1 pass, 0 fail\n") !=
        std::string::npos);
  auto rows = readCsv(csv);
  REQUIRE(rows.size() == 41);
  CHECK(rows[0] == std::vector<std::string>{"building", "building_id", "floor", "wall_azimuth_deg", "lon", "lat",
                                            "height_m", "sun_minutes", "longest_run_minutes", "pass"});
  int south = 0;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const auto& r = rows[i];
    REQUIRE(r.size() == 10);
    CHECK(r[0] == "1号楼");
    CHECK(r[1] == "way/7");
    CHECK((r[2] == "1" || r[2] == "2"));
    CHECK(r[6] == (r[2] == "1" ? "0.90" : "3.90"));
    const double azimuth = std::stod(r[3]);
    if (std::abs(azimuth - 180) < 1) {
      ++south;
      CHECK(r[7] == "480");
      CHECK(r[8] == "480");
      CHECK(r[9] == "true");
    }
    if (azimuth < 1 || azimuth > 359) {
      CHECK(r[7] == "0");
      CHECK(r[9] == "false");
    }
  }
  CHECK(south == 14);

  const Run tower = run({"sunlight", scene, "--date", "2026-01-20", "-o", csv, "--scenario", "tower"});
  INFO(tower.err);
  REQUIRE(tower.code == 0);
  CHECK(tower.out.find("\nlost compliance: ") != std::string::npos);
  rows = readCsv(csv);
  REQUIRE(rows.size() == 41);
  REQUIRE(rows[0].size() == 14);
  CHECK(rows[0][10] == "sun_minutes_before");
  CHECK(rows[0][11] == "pass_before");
  CHECK(rows[0][12] == "pass_after");
  CHECK(rows[0][13] == "lost");
  south = 0;
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const auto& r = rows[i];
    if (std::abs(std::stod(r[3]) - 180) > 1) continue;
    ++south;
    // The 60 m tower 20 m south hides the sun (below 40 degrees all day) from the south windows.
    CHECK(std::stoi(r[7]) < 120);
    CHECK(r[9] == "false");
    CHECK(r[10] == "480");
    CHECK(r[11] == "true");
    CHECK(r[12] == "false");
    CHECK(r[13] == "true");
  }
  CHECK(south == 14);

  // The same as a GeoPackage of typed point features, read back through GDAL.
  const std::string gpkg = (dir.path() / "s.gpkg").string();
  const Run packaged = run({"sunlight", scene, "--date", "2026-01-20", "-o", gpkg, "--scenario", "tower"});
  REQUIRE(packaged.code == 0);
  const std::string info = shell("ogrinfo -ro -al -so '" + gpkg + "' 2>&1");
  INFO(info);
  CHECK(info.find("Geometry: Point") != std::string::npos);
  CHECK(info.find("Feature Count: 40") != std::string::npos);
  for (const char* field :
       {"building: String", "building_id: String", "floor: Integer", "wall_azimuth_deg: Real", "lon: Real", "lat: Real",
        "height_m: Real", "sun_minutes: Integer", "longest_run_minutes: Integer", "pass: Integer",
        "sun_minutes_before: Integer", "pass_before: Integer", "pass_after: Integer", "lost: Integer"})
    CHECK(info.find(field) != std::string::npos);
  const std::string lost = shell(
      "ogrinfo -ro -q -sql 'SELECT COUNT(*) AS n FROM sunlight WHERE lost = 1 AND "
      "wall_azimuth_deg BETWEEN 179 AND 181' '" +
      gpkg + "' 2>&1");
  CHECK(lost.find("n (Integer) = 14") != std::string::npos);

  // 冬至日 under another standard, with a window of its own and a warning for the wrong day.
  const Run solstice = run({"sunlight", scene, "--date", "2026-12-21", "--standard", "gb50180-V-VI", "--window",
                            "10-14", "--spacing", "10", "-o", csv});
  REQUIRE(solstice.code == 0);
  CHECK(solstice.err ==
        "twin sunlight: warning: 2026-12-21 is not 冬至日 (Winter Solstice) of 2026 (2026-12-22), the day "
        "gb50180-V-VI is checked on\n");
  CHECK(solstice.out.find(
            "gb50180-V-VI on 2026-12-21 (冬至日 (Winter Solstice)), 10-14 h true solar time, needs 60 min\n") == 0);
  rows = readCsv(csv);
  CHECK(rows.size() == 1 + 2 * (2 + 1 + 2 + 1));  // 10 m spacing: 2 + 1 + 2 + 1 samples a storey
  for (std::size_t i = 1; i < rows.size(); ++i)
    if (std::abs(std::stod(rows[i][3]) - 180) < 1) CHECK(rows[i][7] == "240");
}

TEST_CASE("twin sunlight: errors", "[analysis][sunlight]") {
  test::TempDir dir("sunlight-cli-errors");
  writeScene(dir.path(), kHangzhou);
  const std::string scene = (dir.path() / "block.json").string(), csv = (dir.path() / "s.csv").string();
  const auto err = [&](std::vector<std::string> args) {
    const Run r = run(std::move(args));
    return std::to_string(r.code) + " " + r.err;
  };
  const std::string see = "; see 'twin sunlight --help'\n";
  CHECK(err({"sunlight"}) == "2 twin sunlight: missing SCENE" + see);
  const Run help = run({"sunlight", "--help"});
  CHECK(help.code == 0);
  CHECK(help.out.rfind("usage: twin sunlight SCENE --date YYYY-MM-DD -o OUT.csv|.gpkg|.geojson", 0) == 0);
  CHECK(err({"sunlight", scene, "-o", csv}) == "2 twin sunlight: missing --date YYYY-MM-DD" + see);
  CHECK(err({"sunlight", scene, "--date", "2026-01-20"}) == "2 twin sunlight: missing -o OUT.csv|.gpkg|.geojson" + see);
  CHECK(err({"sunlight", scene, "--date", "2026-02-30", "-o", csv}) ==
        "2 twin sunlight: --date: geo::parseCivilDate(): expected a date YYYY-MM-DD, got '2026-02-30'" + see);
  CHECK(err({"sunlight", scene, "--date", "2026-01-20", "-o", "s.shp"}) ==
        "2 twin sunlight: -o expects a file ending in .csv, .gpkg or .geojson, got 's.shp'" + see);
  CHECK(err({"sunlight", scene, "--date", "2026-01-20", "-o", csv, "--window", "16-8"}) ==
        "2 twin sunlight: --window expects true-solar-time hours START-END with 0 <= START < END <= 24, got '16-8'" +
            see);
  CHECK(err({"sunlight", scene, "--date", "2026-01-20", "-o", csv, "--spacing", "0"}) ==
        "2 twin sunlight: --spacing expects metres in [0.5, 100], got '0'" + see);
  CHECK(err({"sunlight", scene, "--date", "2026-01-20", "-o", csv, "--min-run", "-5"}) ==
        "2 twin sunlight: --min-run expects whole minutes in [1, 1440], got '-5'" + see);
  CHECK(err({"sunlight", scene, "--date", "2026-01-20", "-o", csv, "--standard", "gb"})
            .find("2 twin sunlight: --standard: analysis::sunlightStandard(): unknown standard 'gb'; known: "
                  "gb50180-I-II-III-VII-large, ") == 0);
  CHECK(err({"sunlight", scene, "--date", "2026-01-20", "-o", csv, "--scenario", "park"}) ==
        "2 twin sunlight: unknown scenario 'park' in block.json; known: tower, clinic\n");
  CHECK(err({"sunlight", scene, "--date", "2026-01-20", "-o", csv, "--scenario", "clinic"}) ==
        "1 twin sunlight: scenario 'clinic' in block.json proposes no buildings (key \"buildings\"); nothing to "
        "compare\n");
  CHECK(err({"sunlight", scene, "--date", "2026-01-20", "-o", (dir.path() / "no" / "s.csv").string()})
            .find("1 analysis::writeTextFile(): ") == 0);
  CHECK(err({"sunlight", scene, "--date", "2026-01-20", "-o", (dir.path() / "no" / "s.gpkg").string()})
            .find("1 geo::writeVectorLayer(): ") == 0);

  writeScene(dir.path(), "");
  CHECK(err({"sunlight", scene, "--date", "2026-01-20", "-o", csv})
            .find("2 twin sunlight: " + scene +
                  " names no standard (scene key \"sunlight\": {\"standard\": NAME}); give --standard NAME, one of: "
                  "gb50180-I-II-III-VII-large, ") == 0);
  writeScene(dir.path(), R"("sunlight": {"standard": 3},)");
  CHECK(err({"sunlight", scene, "--date", "2026-01-20", "-o", csv}) ==
        "1 analysis::sceneSunlightStandard(): block.json: key 'sunlight.standard': expected a string\n");

  // A scene without residential buildings.
  std::ofstream(dir.path() / "empty.json") << R"({"name": "e", "site": {"origin": {"lon": 120.21, "lat": 30.25}},
    "layers": [{"id": "osm", "source": "block.osm"}], "heights": {"storeyMeters": 3},
    "sunlight": {"standard": "gb50180-V-VI"}})";
  std::string osm;
  {
    std::ifstream in(dir.path() / "block.osm");
    std::stringstream s;
    s << in.rdbuf();
    osm = s.str();
  }
  const auto at = osm.find("apartments");
  REQUIRE(at != std::string::npos);
  std::ofstream(dir.path() / "block.osm") << osm.replace(at, 10, "office");
  const std::string empty = (dir.path() / "empty.json").string();
  CHECK(err({"sunlight", empty, "--date", "2026-12-22", "-o", csv}) ==
        "1 twin sunlight: " + empty +
            ": no residential buildings (building=residential, apartments, house, ...) in the scene\n");
}
