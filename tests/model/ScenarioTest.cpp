#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "TestPaths.h"
#include "twin/model/Scenario.h"

using namespace twin;

namespace {

std::string readAll(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void writeAll(const std::filesystem::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
}

model::Scenario sample(const std::string& name) {
  model::Scenario s;
  s.name = name;
  s.label = "新建卫生服务站";
  s.added.push_back({"health_station", "规划卫生站", {116.3512345, 40.0021}});
  s.moved.push_back({"node/123", {116.352, 40.003}});
  s.removed = {"way/456", "node/-7"};
  return s;
}

std::string parseError(const std::string& text) {
  auto r = model::parseScenarios(text, "x.json");
  REQUIRE_FALSE(r.ok());
  return r.error().message;
}

}  // namespace

TEST_CASE("scenarios: facility keys", "[model]") {
  model::Facility f;
  CHECK(model::facilityKey(f).empty());
  f.idKind = "node";
  f.osmId = 123;
  CHECK(model::facilityKey(f) == "node/123");
}

TEST_CASE("scenarios: parse the scene key", "[model]") {
  auto none = model::parseScenarios(R"({"name": "a"})", "x.json");
  REQUIRE(none.ok());
  CHECK(none->empty());

  auto r = model::parseScenarios(R"({"scenarios": [
    {"name": "a", "label": "甲", "_comment": "ignored",
     "add": [{"category": "health_station", "name": "c", "lon": 116.35, "lat": 40.0}],
     "move": [{"facility": "node/5", "lon": 116.36, "lat": 40.01}],
     "remove": ["way/9"]},
    {"name": "b"}]})",
                                 "x.json");
  REQUIRE(r.ok());
  REQUIRE(r->size() == 2);
  const model::Scenario& a = (*r)[0];
  CHECK(a.name == "a");
  CHECK(a.label == "甲");
  REQUIRE(a.added.size() == 1);
  CHECK(a.added[0].category == "health_station");
  CHECK(a.added[0].position.lon == 116.35);
  REQUIRE(a.moved.size() == 1);
  CHECK(a.moved[0].facility == "node/5");
  CHECK(a.moved[0].to.lat == 40.01);
  CHECK(a.removed == std::vector<std::string>{"way/9"});
  CHECK((*r)[1].added.empty());
}

TEST_CASE("scenarios: each parse error names the file and key", "[model]") {
  CHECK(parseError("{").find("model::parseScenarios(): x.json: not valid JSON: ") == 0);
  CHECK(parseError("[]") == "model::parseScenarios(): x.json: expected a JSON object");
  CHECK(parseError(R"({"scenarios": {}})") == "model::parseScenarios(): x.json: key 'scenarios': expected an array");
  CHECK(parseError(R"({"scenarios": [3]})") ==
        "model::parseScenarios(): x.json: key 'scenarios[0]': expected an object");
  CHECK(parseError(R"({"scenarios": [{}]})") == "model::parseScenarios(): x.json: key 'scenarios[0].name': missing");
  CHECK(parseError(R"({"scenarios": [{"name": ""}]})") ==
        "model::parseScenarios(): x.json: key 'scenarios[0].name': expected a non-empty string");
  CHECK(parseError(R"({"scenarios": [{"name": "a", "colour": 1}]})") ==
        "model::parseScenarios(): x.json: key 'scenarios[0].colour': unknown key (expected name, label, add, move, "
        "remove, buildings)");
  CHECK(parseError(R"({"scenarios": [{"name": "a"}, {"name": "a"}]})") ==
        "model::parseScenarios(): x.json: key 'scenarios[1].name': duplicate scenario name 'a'");
  CHECK(parseError(R"({"scenarios": [{"name": "a", "add": {}}]})") ==
        "model::parseScenarios(): x.json: key 'scenarios[0].add': expected an array");
  CHECK(parseError(R"({"scenarios": [{"name": "a", "add": [{"category": "k", "lon": 200, "lat": 1}]}]})") ==
        "model::parseScenarios(): x.json: key 'scenarios[0].add[0].lon': expected a longitude in [-180, 180]");
  CHECK(parseError(R"({"scenarios": [{"name": "a", "add": [{"category": "k", "lon": 1}]}]})") ==
        "model::parseScenarios(): x.json: key 'scenarios[0].add[0].lat': missing");
  CHECK(parseError(R"({"scenarios": [{"name": "a", "add": [{"lon": 1, "lat": 1}]}]})") ==
        "model::parseScenarios(): x.json: key 'scenarios[0].add[0].category': missing");
  CHECK(parseError(R"({"scenarios": [{"name": "a", "move": [{"facility": "node/x", "lon": 1, "lat": 1}]}]})") ==
        "model::parseScenarios(): x.json: key 'scenarios[0].move[0].facility': expected a facility key such as "
        "\"node/123\", got 'node/x'");
  CHECK(parseError(R"({"scenarios": [{"name": "a", "move": [{"facility": "node/1", "lon": 1, "lat": "n"}]}]})") ==
        "model::parseScenarios(): x.json: key 'scenarios[0].move[0].lat': expected a latitude in [-90, 90]");
  CHECK(parseError(R"({"scenarios": [{"name": "a", "remove": [12]}]})") ==
        "model::parseScenarios(): x.json: key 'scenarios[0].remove[0]': expected a facility key such as \"node/123\"");
}

TEST_CASE("scenarios: proposed buildings", "[model]") {
  auto r = model::parseScenarios(R"({"scenarios": [{"name": "tower", "buildings": [
    {"name": "T1", "height": 54, "footprint": [[120.1, 30.1], [120.2, 30.1], [120.2, 30.2], [120.1, 30.1]]},
    {"height": 9.5, "footprint": [[1, 2], [3, 4], [5, 7]]}]}]})",
                                 "x.json");
  REQUIRE(r.ok());
  const auto& b = (*r)[0].buildings;
  REQUIRE(b.size() == 2);
  CHECK(b[0].name == "T1");
  CHECK(b[0].heightMeters == 54);
  REQUIRE(b[0].footprint.size() == 3);  // the repeated closing point is dropped
  CHECK(b[0].footprint[1].lon == 120.2);
  CHECK(b[0].footprint[2].lat == 30.2);
  CHECK(b[1].name.empty());
  CHECK(b[1].footprint.size() == 3);

  const std::string at = "model::parseScenarios(): x.json: key 'scenarios[0].buildings";
  const auto with = [](const std::string& building) {
    return R"({"scenarios": [{"name": "a", "buildings": [)" + building + "]}]}";
  };
  CHECK(parseError(R"({"scenarios": [{"name": "a", "buildings": {}}]})") == at + "': expected an array");
  CHECK(parseError(with("1")) == at + "[0]': expected an object with footprint, height");
  CHECK(parseError(with(R"({"height": 3, "footprint": [[1, 2], [3, 4], [5, 6]], "levels": 3})")) ==
        at + "[0].levels': unknown key (expected name, footprint, height)");
  CHECK(parseError(with(R"({"footprint": [[1, 2], [3, 4], [5, 6]]})")) == at + "[0].height': missing");
  CHECK(parseError(with(R"({"height": 0, "footprint": [[1, 2], [3, 4], [5, 6]]})")) ==
        at + "[0].height': expected a height in metres in (0, 1000]");
  CHECK(parseError(with(R"({"height": 3})")) == at + "[0].footprint': missing");
  CHECK(parseError(with(R"({"height": 3, "footprint": 1})")) ==
        at + "[0].footprint': expected an array of [lon, lat] pairs");
  CHECK(parseError(with(R"({"height": 3, "footprint": [[1, 2], [3], [5, 6]]})")) ==
        at + "[0].footprint[1]': expected [lon, lat]");
  CHECK(parseError(with(R"({"height": 3, "footprint": [[1, 2], [3, 95], [5, 6]]})")) ==
        at + "[0].footprint[1]': expected [lon, lat] in degrees, lon in [-180, 180], lat in [-90, 90]");
  CHECK(parseError(with(R"({"height": 3, "footprint": [[1, 2], [3, 4], [1, 2]]})")) ==
        at + "[0].footprint': expected at least 3 distinct points");

  // Saved scenarios keep their buildings.
  test::TempDir dir("model-scenario-buildings");
  const auto file = dir.path() / "scene.json";
  writeAll(file, "{\"name\": \"x\"}\n");
  model::Scenario s = sample("t");
  s.buildings.push_back({"T1", {{120.1, 30.1}, {120.2, 30.1}, {120.2, 30.2}}, 54});
  REQUIRE(model::saveScenario(file, s).ok());
  auto back = model::loadScenarios(file);
  REQUIRE(back.ok());
  REQUIRE(back->size() == 1);
  REQUIRE((*back)[0].buildings.size() == 1);
  CHECK((*back)[0].buildings[0].name == "T1");
  CHECK((*back)[0].buildings[0].heightMeters == 54);
  REQUIRE((*back)[0].buildings[0].footprint.size() == 3);
  CHECK((*back)[0].buildings[0].footprint[2].lat == 30.2);

  // Saved again without buildings (as the planning view saves facility edits): they stay.
  s.buildings.clear();
  s.added.clear();
  REQUIRE(model::saveScenario(file, s).ok());
  back = model::loadScenarios(file);
  REQUIRE(back.ok());
  CHECK((*back)[0].added.empty());
  REQUIRE((*back)[0].buildings.size() == 1);
  CHECK((*back)[0].buildings[0].name == "T1");
  // New buildings replace the old ones.
  s.buildings.push_back({"T2", {{120.1, 30.1}, {120.2, 30.1}, {120.2, 30.2}}, 30});
  REQUIRE(model::saveScenario(file, s).ok());
  back = model::loadScenarios(file);
  REQUIRE(back.ok());
  REQUIRE((*back)[0].buildings.size() == 1);
  CHECK((*back)[0].buildings[0].name == "T2");
}

TEST_CASE("scenarios: truncated scene texts never crash", "[model]") {
  const std::string text =
      R"({"scenarios": [{"name": "a", "add": [{"category": "k", "lon": 116.3, "lat": 40}], "remove": ["node/1"],)"
      R"( "buildings": [{"name": "T", "height": 30, "footprint": [[116.3, 40], [116.31, 40], [116.31, 40.01]]}]}]})";
  for (std::size_t n = 0; n < text.size(); ++n) CHECK_FALSE(model::parseScenarios(text.substr(0, n), "x.json").ok());
  CHECK(model::parseScenarios(text, "x.json").ok());
}

TEST_CASE("scenarios: save round-trips and keeps every other key in order", "[model]") {
  test::TempDir dir("model-scenario-save");
  const auto file = dir.path() / "scene.json";
  const std::string original =
      "{\n  \"name\": \"六道口\",\n  \"zeta\": [1, 2.5, \"x\"],\n  \"alpha\": {\"b\": 1, \"a\": 2},\n"
      "  \"site\": {\"origin\": {\"lon\": 116.3519, \"lat\": 40.0033}}\n}\n";
  writeAll(file, original);

  REQUIRE(model::saveScenario(file, sample("one")).ok());
  auto loaded = model::loadScenarios(file);
  REQUIRE(loaded.ok());
  REQUIRE(loaded->size() == 1);
  const model::Scenario& s = (*loaded)[0];
  CHECK(s.name == "one");
  CHECK(s.label == "新建卫生服务站");
  REQUIRE(s.added.size() == 1);
  CHECK(s.added[0].name == "规划卫生站");
  CHECK(s.added[0].position.lon == 116.3512345);
  CHECK(s.added[0].position.lat == 40.0021);
  REQUIRE(s.moved.size() == 1);
  CHECK(s.moved[0].facility == "node/123");
  CHECK(s.removed == std::vector<std::string>{"way/456", "node/-7"});

  // Other keys: same order, same values, 2-space indentation; "scenarios" appended last.
  const std::string saved = readAll(file);
  const auto name = saved.find("\n  \"name\": \"六道口\"");
  const auto zeta = saved.find("\n  \"zeta\": [");
  const auto alpha = saved.find("\n  \"alpha\": {");
  const auto b = saved.find("\"b\": 1");
  const auto a = saved.find("\"a\": 2");
  const auto site = saved.find("\n  \"site\": {");
  const auto scenarios = saved.find("\n  \"scenarios\": [");
  REQUIRE(name != std::string::npos);
  REQUIRE(zeta != std::string::npos);
  REQUIRE(alpha != std::string::npos);
  REQUIRE(site != std::string::npos);
  REQUIRE(scenarios != std::string::npos);
  CHECK(name < zeta);
  CHECK(zeta < alpha);
  CHECK(b < a);
  CHECK(alpha < site);
  CHECK(site < scenarios);
  CHECK(saved.find("116.3519") != std::string::npos);
  CHECK(saved.find("2.5") != std::string::npos);
  CHECK(saved.back() == '\n');
  // No temporary file left behind.
  std::size_t entries = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) (void)e, ++entries;
  CHECK(entries == 1);
}

TEST_CASE("scenarios: saving a name again replaces that entry only", "[model]") {
  test::TempDir dir("model-scenario-replace");
  const auto file = dir.path() / "scene.json";
  writeAll(file, R"({"name": "s", "scenarios": [{"name": "keep", "remove": ["node/1"]}, {"name": "one"}]})");
  model::Scenario changed = sample("one");
  changed.removed.clear();
  REQUIRE(model::saveScenario(file, changed).ok());
  REQUIRE(model::saveScenario(file, sample("two")).ok());
  auto loaded = model::loadScenarios(file);
  REQUIRE(loaded.ok());
  REQUIRE(loaded->size() == 3);
  CHECK((*loaded)[0].name == "keep");
  CHECK((*loaded)[0].removed == std::vector<std::string>{"node/1"});
  CHECK((*loaded)[1].name == "one");
  CHECK((*loaded)[1].removed.empty());
  CHECK((*loaded)[1].added.size() == 1);
  CHECK((*loaded)[2].name == "two");
}

TEST_CASE("scenarios: save errors leave the file untouched", "[model]") {
  test::TempDir dir("model-scenario-errors");
  const auto file = dir.path() / "scene.json";
  const std::string original = R"({"name": "s"})";
  writeAll(file, original);

  SECTION("read-only file") {
    std::filesystem::permissions(file, std::filesystem::perms::owner_read | std::filesystem::perms::group_read);
    auto r = model::saveScenario(file, sample("one"));
    std::filesystem::permissions(file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message == "model::saveScenario(): scene.json: the file is read-only");
  }
  SECTION("missing file") {
    auto r = model::saveScenario(dir.path() / "none.json", sample("one"));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message == "model::saveScenario(): none.json: cannot read");
  }
  SECTION("no name") {
    auto r = model::saveScenario(file, sample(""));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message == "model::saveScenario(): scene.json: the scenario has no name");
  }
  SECTION("scenarios is not an array") {
    writeAll(file, R"({"scenarios": 3})");
    auto r = model::saveScenario(file, sample("one"));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message == "model::saveScenario(): scene.json: key 'scenarios': expected an array");
    CHECK(readAll(file) == R"({"scenarios": 3})");
    return;
  }
  SECTION("not JSON") {
    writeAll(file, "{\"name\": ");
    auto r = model::saveScenario(file, sample("one"));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find("model::saveScenario(): scene.json: not valid JSON: ") == 0);
    CHECK(readAll(file) == "{\"name\": ");
    return;
  }
  CHECK(readAll(file) == original);
}
