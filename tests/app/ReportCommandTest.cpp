// `twin report` on a hand-made scene: the page, its maps (decoded: not one colour), its links,
// its figures against `twin coverage` and `twin indicators`, a scenario's before/after, every
// error, and headless Chromium's print-to-PDF of it.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>
#include <osgDB/ReadFile>

#include "CliRunner.h"
#include "TestPaths.h"

using namespace twin;

namespace {

// Local metres around (120.21, 30.25) to degrees, near enough for a scene of a few hundred metres.
std::string lon(double x) { return std::to_string(120.21 + x / 96176.0); }
std::string lat(double y) { return std::to_string(30.25 + y / 110852.0); }

struct OsmWriter {
  std::ostringstream nodes, ways;
  int nextNode = 1, nextWay = 100;
  int node(double x, double y, const std::string& tags = "") {
    const int id = nextNode++;
    nodes << " <node id=\"" << id << "\" lon=\"" << lon(x) << "\" lat=\"" << lat(y) << "\""
          << (tags.empty() ? "/>\n" : ">" + tags + "</node>\n");
    return id;
  }
  void way(const std::vector<std::pair<double, double>>& points, const std::string& tags, bool closed) {
    std::vector<int> ids;
    for (const auto& [x, y] : points) ids.push_back(node(x, y));
    ways << " <way id=\"" << nextWay++ << "\">";
    for (int id : ids) ways << "<nd ref=\"" << id << "\"/>";
    if (closed) ways << "<nd ref=\"" << ids.front() << "\"/>";
    ways << tags << "</way>\n";
  }
  void building(double x0, double y0, double x1, double y1, const std::string& name, int levels) {
    way({{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}},
        "<tag k=\"building\" v=\"apartments\"/><tag k=\"building:levels\" v=\"" + std::to_string(levels) +
            "\"/><tag k=\"name\" v=\"" + name + "\"/>",
        true);
  }
};

std::string tag(const std::string& k, const std::string& v) { return "<tag k=\"" + k + "\" v=\"" + v + "\"/>"; }

// Streets y = 0 (x -200..400), x = 0 (y -200..300) and y = 200 (x 0..400); four apartment blocks;
// a kindergarten at (60, -5), within 5 minutes of blocks 1, 2 and 4 (block 3 is about 590 m away);
// a metro station at (200, -10) with an entrance. The scenario "plan" adds a kindergarten by
// block 3 and proposes an 80 m slab x -40..110, y 60..75: just south of block 4, north of blocks 1
// and 2 (the sun on 大寒日 never stands north of east-west, so it cannot shade them).
void writeScene(const std::filesystem::path& dir, bool streets) {
  OsmWriter w;
  w.node(60, -5, tag("amenity", "kindergarten"));
  w.node(200, -10, tag("railway", "station") + tag("station", "subway") + tag("name", "测试站"));
  w.node(210, -3, tag("railway", "subway_entrance"));
  if (streets) {
    w.way({{-200, 0}, {0, 0}, {200, 0}, {400, 0}}, tag("highway", "residential"), false);
    w.way({{0, -200}, {0, 0}, {0, 200}, {0, 300}}, tag("highway", "footway"), false);
    w.way({{0, 200}, {400, 200}}, tag("highway", "residential"), false);
  }
  w.building(20, 20, 50, 35, "1号楼", 6);
  w.building(100, 20, 130, 35, "2号楼", 6);
  w.building(300, 220, 330, 235, "3号楼", 6);
  w.building(20, 100, 50, 115, "4号楼", 6);
  std::ofstream osm(dir / "estate.osm");
  osm << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<osm version=\"0.6\">\n <bounds minlat=\"" << lat(-300)
      << "\" minlon=\"" << lon(-300) << "\" maxlat=\"" << lat(400) << "\" maxlon=\"" << lon(500) << "\"/>\n"
      << w.nodes.str() << w.ways.str() << "</osm>\n";
  auto ll = [](double x, double y) { return "[" + lon(x) + ", " + lat(y) + "]"; };
  std::ofstream scene(dir / "estate.json");
  scene << R"x({"name": "estate", "site": {"origin": {"lon": 120.21, "lat": 30.25}},
    "layers": [{"id": "osm", "source": "estate.osm", "attribution": "© OpenStreetMap contributors (ODbL)"}],
    "sunlight": {"standard": "gb50180-I-II-III-VII-large"},
    "scenarios": [{"name": "plan", "label": "made-up test proposal",
                   "add": [{"category": "kindergarten", "name": "规划幼儿园", "lon": )x"
        << lon(310) << ", \"lat\": " << lat(205) << R"x(}],
                   "buildings": [{"name": "slab", "height": 80, "footprint": [)x"
        << ll(-40, 60) << ", " << ll(110, 60) << ", " << ll(110, 75) << ", " << ll(-40, 75) << R"x(]}]}]})x";
}

std::string escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '&')
      out += "&amp;";
    else if (c == '"')
      out += "&quot;";
    else if (c == '\'')
      out += "&#39;";
    else
      out += c;
  }
  return out;
}

std::string readFile(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> matches(const std::string& text, const std::string& pattern) {
  std::vector<std::string> out;
  const std::regex re(pattern);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator(); ++it)
    out.push_back((*it)[1]);
  return out;
}

// The cells of the table row that carries `attribute` (e.g. data-category="kindergarten"), as text
// without tags.
std::vector<std::string> rowCells(const std::string& html, const std::string& tableId, const std::string& attribute) {
  const auto table = html.find("<table id=\"" + tableId + "\"");
  REQUIRE(table != std::string::npos);
  const auto row = html.find(attribute + ">", table);
  REQUIRE(row != std::string::npos);
  const auto end = html.find("</tr>", row);
  std::vector<std::string> cells;
  for (const std::string& cell : matches(html.substr(row, end - row), "<td[^>]*>(.*?)</td>"))
    cells.push_back(std::regex_replace(cell, std::regex("<[^>]*>"), ""));
  return cells;
}

// Every <img> decodes and is not one colour; every local link and #anchor resolves.
void checkImagesAndLinks(const std::filesystem::path& dir, const std::string& html, std::size_t minImages) {
  const auto images = matches(html, "<img src=\"([^\"]+)\"");
  CHECK(images.size() >= minImages);
  for (const std::string& src : images) {
    INFO(src);
    REQUIRE(src.find("://") == std::string::npos);
    osg::ref_ptr<osg::Image> image = osgDB::readImageFile((dir / src).string());
    REQUIRE(image);
    REQUIRE(image->s() > 100);
    std::set<unsigned> colours;
    for (int y = 0; y < image->t() && colours.size() < 10; y += 7)
      for (int x = 0; x < image->s() && colours.size() < 10; x += 7) {
        const osg::Vec4 c = image->getColor(x, y);
        colours.insert(unsigned(c.r() * 255) << 16 | unsigned(c.g() * 255) << 8 | unsigned(c.b() * 255));
      }
    CHECK(colours.size() >= 5);
  }
  std::set<std::string> ids;
  for (const std::string& id : matches(html, " id=\"([^\"]+)\"")) ids.insert(id);
  for (const std::string& href : matches(html, "href=\"([^\"]+)\"")) {
    INFO(href);
    if (href[0] == '#')
      CHECK(ids.count(href.substr(1)));
    else
      CHECK(std::filesystem::is_regular_file(dir / href));
  }
  // Nothing fetched from the network: no http(s) sources or stylesheets.
  CHECK(html.find("src=\"http") == std::string::npos);
  CHECK(html.find("<link") == std::string::npos);
}

}  // namespace

TEST_CASE("twin report: a hand-made scene, its maps, links and figures", "[app][report]") {
  test::TempDir dir("report");
  writeScene(dir.path(), true);
  const std::string scene = (dir.path() / "estate.json").string(), out = (dir.path() / "out").string();
  const std::string alerts = (dir.path() / "no-alerts.db").string();
  const test::CliResult r = test::runTwin({"report", scene, "-o", out, "--alerts-db", alerts});
  INFO(r.err);
  REQUIRE(r.code == 0);
  CHECK(r.out.find("wrote " + out + "/index.html (") == 0);
  CHECK(r.out.find(" 0 sections left out)") != std::string::npos);
  CHECK(r.err.find("twin report: sunlight: ") != std::string::npos);  // progress of the long steps
  const std::string html = readFile(std::filesystem::path(out) / "index.html");
  for (const char* id : {"coverage", "gaps", "tod", "sunlight", "indicators", "diagnostics", "credits"})
    CHECK(html.find(std::string("<section id=\"") + id + "\">") != std::string::npos);
  CHECK(html.find("id=\"differences\"") == std::string::npos);
  CHECK(html.find("社区体检报告 <span class=\"en\" lang=\"en\">Community check-up report</span>") != std::string::npos);
  CHECK(html.find("© OpenStreetMap contributors") != std::string::npos);
  // Maps: three levels, the kindergarten gap, TOD and sunlight at least.
  for (const char* map : {"maps/coverage-5.png", "maps/coverage-10.png", "maps/coverage-15.png", "maps/tod.png",
                          "maps/sunlight.png", "maps/gap-kindergarten.png"})
    CHECK(html.find(std::string("<img src=\"") + map + "\"") != std::string::npos);
  checkImagesAndLinks(out, html, 6);

  SECTION("the coverage tables equal twin coverage's figures") {
    const std::string csv = (dir.path() / "c.csv").string();
    const test::CliResult c = test::runTwin({"coverage", scene, "-o", csv});
    REQUIRE(c.code == 0);
    // twin coverage prints with printf (stdout); read the summary again from its CSV instead.
    const std::string summary = (dir.path() / "s.csv").string();
    REQUIRE(test::runTwin({"coverage", scene, "-o", csv, "--summary", summary}).code == 0);
    std::istringstream lines(readFile(summary));
    std::string line;
    std::getline(lines, line);
    REQUIRE(line ==
            "scope,id,label,level,facilities,buildings_covered,share_buildings,residents_covered,share_residents,"
            "blocked_by");
    int rows = 0;
    while (std::getline(lines, line)) {
      std::vector<std::string> f;
      std::stringstream s(line);
      std::string cell;
      while (std::getline(s, cell, ',')) f.push_back(cell);
      INFO(line);
      REQUIRE(f.size() >= 8);
      if (f[0] == "category") {
        const auto cells = rowCells(html, "coverage-categories", "data-category=\"" + f[1] + "\"");
        REQUIRE(cells.size() == 7);
        CHECK(cells[3] == f[4]);                                            // facilities
        CHECK(cells[4] == f[5]);                                            // buildings covered
        CHECK(std::stod(cells[6]) == Approx(std::stod(f[7])).margin(0.5));  // residents
        ++rows;
      } else if (f[0] == "level") {
        const auto cells = rowCells(html, "coverage-levels", "data-level=\"" + f[3] + "\"");
        REQUIRE(cells.size() == 5);
        CHECK(cells[1] == f[5]);  // buildings meeting the level
        CHECK(std::stod(cells[3]) == Approx(std::stod(f[7])).margin(0.5));
        ++rows;
      }
    }
    CHECK(rows >= 4);
    // The kindergarten at (60, -5) is within 5 minutes of blocks 1, 2 and 4 (185 m from block 4).
    CHECK(rowCells(html, "coverage-categories", "data-category=\"kindergarten\"")[4] == "3");
  }

  SECTION("the indicators equal twin indicators --json, missing ones with their reasons") {
    const test::CliResult j = test::runTwin({"indicators", scene, "--json", "--alerts-db", alerts});
    REQUIRE(j.code == 0);
    const auto json = nlohmann::json::parse(j.out);
    int values = 0, missing = 0;
    for (const auto& s : json["scenarios"])
      for (const auto& i : s["indicators"]) {
        const auto cells = rowCells(html, "indicators-" + s["id"].get<std::string>(),
                                    "data-indicator=\"" + i["id"].get<std::string>() + "\"");
        REQUIRE(cells.size() == 3);
        if (i["value"].is_null()) {
          CHECK(cells[1] == "—");
          CHECK(html.find(escape(i["why_missing"].get<std::string>())) != std::string::npos);
          ++missing;
        } else {
          CHECK(std::stod(cells[1]) == Approx(i["value"].get<double>()).margin(0.006));
          ++values;
        }
      }
    CHECK(values > 0);
    CHECK(missing > 0);  // no sensors, no alert log
  }

  SECTION("--lang en: English only") {
    const std::string en = (dir.path() / "en").string();
    REQUIRE(test::runTwin({"report", scene, "-o", en, "--lang", "en", "--alerts-db", alerts}).code == 0);
    const std::string page = readFile(std::filesystem::path(en) / "index.html");
    CHECK(page.find("<html lang=\"en\">") != std::string::npos);
    CHECK(page.find("Life-circle coverage") != std::string::npos);
    CHECK(page.find("生活圈覆盖") == std::string::npos);
  }
}

TEST_CASE("twin report --scenario: before and after side by side, and the differences", "[app][report]") {
  test::TempDir dir("report-scenario");
  writeScene(dir.path(), true);
  const std::string scene = (dir.path() / "estate.json").string(), out = (dir.path() / "out").string();
  const test::CliResult r =
      test::runTwin({"report", scene, "-o", out, "--scenario", "plan", "--alerts-db", (dir.path() / "x.db").string()});
  INFO(r.err);
  REQUIRE(r.code == 0);
  const std::string html = readFile(std::filesystem::path(out) / "index.html");
  REQUIRE(html.find("<section id=\"differences\">") != std::string::npos);
  for (const char* map : {"coverage-5-before", "coverage-5-after", "sunlight-before", "sunlight-after",
                          "gap-kindergarten-before", "gap-kindergarten-after"})
    CHECK(html.find(std::string("maps/") + map + ".png") != std::string::npos);
  checkImagesAndLinks(out, html, 10);
  // The added kindergarten reaches block 3: covered 3 -> 4.
  const auto kindergarten = rowCells(html, "differences-coverage", "data-category=\"kindergarten\"");
  REQUIRE(kindergarten.size() == 5);
  CHECK(kindergarten[1] == "3");
  CHECK(kindergarten[2] == "4");
  CHECK(kindergarten[3] == "+1");
  // The 80 m slab just south of block 4 takes its lower storeys' sun; the other blocks keep theirs.
  CHECK(html.find("<table id=\"differences-sunlight\">") != std::string::npos);
  const auto block4 = html.find("4号楼", html.find("<table id=\"differences-sunlight\">"));
  CHECK(block4 != std::string::npos);
  CHECK(html.find("1号楼", html.find("<table id=\"differences-sunlight\">")) == std::string::npos);
  // The indicators are recomputed with the scenario: the four blocks have the same floor area (to
  // the rounding of their corners' degrees) and the added kindergarten brings block 3, the one
  // beyond 5 minutes, within it: 75 % -> 100 %.
  const auto indicator = rowCells(html, "differences-indicators", "data-indicator=\"kindergarten_5min_residents\"");
  REQUIRE(indicator.size() == 4);
  CHECK(std::stod(indicator[1]) == Approx(75).margin(0.2));
  CHECK(indicator[2] == "100 %");
  REQUIRE(indicator[3].size() > 1);
  CHECK(indicator[3].front() == '+');
  CHECK(std::stod(indicator[3].substr(1)) == Approx(25).margin(0.2));
  // TOD too: the slab (no known use) stands by the footway 270 m from the station, so the 500 m
  // catchment gains one building and no residents.
  const auto station = rowCells(html, "differences-tod", "data-station=\"node/2\"");
  REQUIRE(station.size() == 8);
  CHECK(station[1] == "500");
  CHECK(std::stoi(station[3]) == std::stoi(station[2]) + 1);
  CHECK(station[4] == station[5]);
  CHECK(station[6] == "+0");
  // The sections of the existing state say where the scenario's figures are.
  CHECK(html.find("the figures with the scenario and the changes are under Differences") != std::string::npos);
}

TEST_CASE("twin report: errors, and sections left out with their reasons", "[app][report]") {
  test::TempDir dir("report-errors");
  writeScene(dir.path(), true);
  const std::string scene = (dir.path() / "estate.json").string();
  SECTION("usage") {
    CHECK(test::runTwin({"report", scene}).err == "twin report: missing -o DIR; see 'twin report --help'\n");
    const auto lang = test::runTwin({"report", scene, "-o", "x", "--lang", "fr"});
    CHECK(lang.code == 2);
    CHECK(lang.err == "twin report: --lang expects zh-CN, en or both, got 'fr'; see 'twin report --help'\n");
    CHECK(test::runTwin({"report", "--help"}).out.find("usage: twin report SCENE -o DIR") == 0);
  }
  SECTION("unknown scenario") {
    const auto r = test::runTwin({"report", scene, "-o", (dir.path() / "o").string(), "--scenario", "nope"});
    CHECK(r.code == 2);
    CHECK(r.err.find("twin report: unknown scenario 'nope' in estate.json; known: plan") != std::string::npos);
  }
  SECTION("unwritable output folder") {
    std::ofstream(dir.path() / "file.txt") << "x";
    const std::string bad = (dir.path() / "file.txt" / "report").string();
    const auto r = test::runTwin({"report", scene, "-o", bad});
    CHECK(r.code == 1);
    CHECK(r.err.find("twin report: cannot create the output folder " + bad + ": ") != std::string::npos);
  }
  SECTION("a folder that cannot be written, or an index.html that cannot") {
    const std::filesystem::path out = dir.path() / "blocked";
    std::filesystem::create_directories(out / ".twin-report-write-test");  // the probe's name, taken
    const auto probe = test::runTwin({"report", scene, "-o", out.string()});
    CHECK(probe.code == 1);
    CHECK(probe.err.find("twin report: cannot write to the output folder " + out.string() + ": ") != std::string::npos);
    const std::filesystem::path out2 = dir.path() / "index-taken";
    std::filesystem::create_directories(out2 / "index.html");
    const auto index =
        test::runTwin({"report", scene, "-o", out2.string(), "--alerts-db", (dir.path() / "x.db").string()});
    CHECK(index.code == 1);
    CHECK(index.err.find("twin report: cannot write " + (out2 / "index.html").string() + ": ") != std::string::npos);
  }
  SECTION("no font for the maps: the maps are left out, the tables stay, and the page says why") {
    const std::string out = (dir.path() / "nofont").string();
    const std::string font = (dir.path() / "missing-font.ttf").string();
    ::setenv("TWIN_FONT", font.c_str(), 1);
    const auto r = test::runTwin({"report", scene, "-o", out, "--alerts-db", (dir.path() / "x.db").string()});
    ::unsetenv("TWIN_FONT");
    REQUIRE(r.code == 0);
    CHECK(r.out.find("(0 maps, 1 sections left out)") != std::string::npos);
    const std::string html = readFile(std::filesystem::path(out) / "index.html");
    CHECK(html.find("app::MapRenderer::create(): " + font + ": cannot read the font") != std::string::npos);
    CHECK(html.find("<img") == std::string::npos);
    CHECK(html.find("<table id=\"coverage-levels\">") != std::string::npos);
  }
  SECTION("a scene without streets: coverage, gaps, TOD and indicators left out, and said so") {
    test::TempDir bare("report-bare");
    writeScene(bare.path(), false);
    const std::string out = (bare.path() / "out").string();
    const auto r = test::runTwin({"report", (bare.path() / "estate.json").string(), "-o", out});
    INFO(r.err);
    REQUIRE(r.code == 0);
    CHECK(r.out.find(" 4 sections left out)") != std::string::npos);
    const std::string html = readFile(std::filesystem::path(out) / "index.html");
    CHECK(html.find("<div class=\"left-out\" id=\"left-out\">") != std::string::npos);
    const std::string reason = "no walkable ways in the scene (0 roads read)";
    std::size_t count = 0;
    const std::string note = "Section left out: </span>" + reason;
    for (auto at = html.find(note); at != std::string::npos; at = html.find(note, at + 1)) ++count;
    CHECK(count == 4);                                                        // coverage, gaps, TOD, indicators
    CHECK(html.find("<img src=\"maps/sunlight.png\"") != std::string::npos);  // sunlight needs no streets
  }
}

TEST_CASE("twin report prints on A4 through headless Chromium", "[app][report][slow]") {
  const char* chromium = nullptr;
  for (const char* candidate : {"/usr/bin/chromium", "/usr/bin/chromium-browser"})
    if (std::filesystem::exists(candidate)) chromium = candidate;
  if (!chromium || std::system("command -v pdftotext >/dev/null 2>&1") != 0) {
    std::printf("SKIPPED: needs chromium and pdftotext (Debian packages chromium, poppler-utils)\n");
    std::fflush(stdout);
    std::_Exit(test::kSkipExitCode);
  }
  test::TempDir dir("report-pdf");
  writeScene(dir.path(), true);
  const std::string out = (dir.path() / "out").string();
  REQUIRE(test::runTwin({"report", (dir.path() / "estate.json").string(), "-o", out, "--alerts-db",
                         (dir.path() / "x.db").string()})
              .code == 0);
  const std::string pdf = (dir.path() / "report.pdf").string();
  const std::string command = std::string(chromium) + " --headless --no-sandbox --disable-gpu --print-to-pdf='" + pdf +
                              "' 'file://" + out + "/index.html' >/dev/null 2>&1";
  REQUIRE(std::system(command.c_str()) == 0);
  REQUIRE(std::system(("pdftotext -layout '" + pdf + "' '" + pdf + ".txt'").c_str()) == 0);
  const std::string text = readFile(pdf + ".txt");
  for (const char* heading : {"Life-circle coverage (5/10/15 min)", "Gaps by category", "TOD catchments",
                              "Sunlight (GB 50180)", "Nine-scenario indicators", "Data diagnostics", "Data credits"})
    CHECK(text.find(heading) != std::string::npos);
  CHECK(text.find("测试站") != std::string::npos);  // a figure's row from the TOD table
  // A4 pages: one per section at least.
  const std::string info = [&] {
    std::string s;
    FILE* pipe = popen(("pdfinfo '" + pdf + "'").c_str(), "r");
    char buf[512];
    while (pipe && fgets(buf, sizeof buf, pipe)) s += buf;
    if (pipe) pclose(pipe);
    return s;
  }();
  CHECK(info.find("pts (A4)") != std::string::npos);
}
