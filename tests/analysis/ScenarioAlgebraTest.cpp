// Scenario algebra on a hand-made site: a scenario applied to a coverage model, and the scenario
// between two models, with walking minutes worked out by hand. No OSG, no scene file.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

#include "twin/analysis/Coverage.h"
#include "twin/analysis/ScenarioAlgebra.h"
#include "SiteBuilder.h"

using namespace twin;
using namespace twin::analysis;

namespace {

// One street y = 0 from x = 0 to 1000; a residential building whose nearest point to the street
// is its corner (310, 8); a kindergarten node/201 at (400, 0) and a school node/202 at (1000, 0).
model::Site testSite() {
  model::Site site;
  site.roads.push_back(test::street(1, {0, 0}, {1000, 0}));
  site.buildings.push_back(
      test::building(101, {{300, 10}, {310, 8}, {310, 20}, {300, 20}}, model::BuildingUse::Residential, 3));
  site.pois.push_back(test::poi(201, {400, 0}, {{"amenity", "kindergarten"}}));
  site.pois.push_back(test::poi(202, {1000, 0}, {{"amenity", "school"}}));
  return site;
}

// Walking minutes from the building's street point (310, 0), 8 m off the street, to x on it.
double minutesTo(double x) { return (8 + std::abs(x - 310)) / 1.2 / 60; }

geo::SiteFrame frame() {
  auto f = geo::SiteFrame::create({116.35, 40.0});
  REQUIRE(f.ok());
  return *f;
}

}  // namespace

TEST_CASE("scenario algebra: apply removes, moves and adds; the diff reproduces the edits", "[analysis]") {
  const model::Site site = testSite();
  const model::FacilityConfig config = test::kindergartenAndSchool();
  const geo::SiteFrame f = frame();
  core::Diagnostics diag;
  const WalkGraph g = buildWalkGraph(site.roads, {}, diag);
  const CoverageModel baseline(g, site, config, model::facilitiesFromPois(site.pois, config), diag);
  REQUIRE(baseline.buildings().size() == 1);
  REQUIRE(baseline.buildings()[0].minutes[0] == Approx(minutesTo(400)));
  REQUIRE(baseline.buildings()[0].minutes[1] == Approx(minutesTo(1000)));

  model::Scenario s;
  s.name = "plan";
  s.removed = {"node/202"};
  s.moved = {{"node/201", f.toLonLat({800, 0})}};
  s.added = {{"primary_school", "规划小学", f.toLonLat({320, 0})}};

  SECTION("apply") {
    CoverageModel working = baseline;
    core::Diagnostics applyDiag;
    CHECK(applyScenario(working, s, f, applyDiag) == 3);
    CHECK(applyDiag.empty());
    // The kindergarten walks from 400 to 800; the school node/202 is gone and the new one at 320
    // serves the building instead.
    CHECK(working.buildings()[0].minutes[0] == Approx(minutesTo(800)).margin(1e-3));
    CHECK(working.buildings()[0].minutes[1] == Approx(minutesTo(320)).margin(1e-3));
    REQUIRE(working.facilities().size() == 2);
    CHECK(working.facilities()[1].name == "规划小学");
    CHECK(model::facilityKey(working.facilities()[1]).empty());
    // The baseline is untouched.
    CHECK(baseline.buildings()[0].minutes[0] == Approx(minutesTo(400)));
  }

  SECTION("scenarioFromModels is the inverse of applyScenario") {
    CoverageModel working = baseline;
    core::Diagnostics applyDiag;
    REQUIRE(applyScenario(working, s, f, applyDiag) == 3);
    const model::Scenario diffed = scenarioFromModels(baseline, working, f, "diffed", "比较");
    CHECK(diffed.name == "diffed");
    CHECK(diffed.label == "比较");
    REQUIRE(diffed.removed == std::vector<std::string>{"node/202"});
    REQUIRE(diffed.moved.size() == 1);
    CHECK(diffed.moved[0].facility == "node/201");
    CHECK(f.toLocal(diffed.moved[0].to).x == Approx(800).margin(1e-3));
    REQUIRE(diffed.added.size() == 1);
    CHECK(diffed.added[0].category == "primary_school");
    CHECK(diffed.added[0].name == "规划小学");
    CHECK(f.toLocal(diffed.added[0].position).x == Approx(320).margin(1e-3));

    // Applying the diff to the baseline gives the edited coverage again.
    CoverageModel again = baseline;
    CHECK(applyScenario(again, diffed, f, applyDiag) == 3);
    CHECK(again.buildings()[0].minutes[0] == Approx(working.buildings()[0].minutes[0]));
    CHECK(again.buildings()[0].minutes[1] == Approx(working.buildings()[0].minutes[1]));

    // No edits, no scenario.
    const model::Scenario none = scenarioFromModels(baseline, baseline, f, "none");
    CHECK(none.added.empty());
    CHECK(none.moved.empty());
    CHECK(none.removed.empty());
  }

  SECTION("unknown facilities, categories and positions are skipped and reported") {
    model::Scenario bad;
    bad.name = "bad";
    bad.removed = {"node/1"};
    bad.moved = {{"node/2", f.toLonLat({500, 0})}};
    const double nan = std::numeric_limits<double>::quiet_NaN();
    bad.added = {{"no_such_category", "", f.toLonLat({500, 0})}, {"kindergarten", "", {nan, nan}}};
    CoverageModel untouched = baseline;
    core::Diagnostics badDiag;
    CHECK(applyScenario(untouched, bad, f, badDiag) == 0);
    const auto items = badDiag.items();
    REQUIRE(items.size() == 4);
    CHECK(items[0].where == "analysis::applyScenario()");
    CHECK(items[0].layer == "scenarios");
    CHECK(items[0].recordId == "scenario 'bad'");
    CHECK(items[0].message == "facility 'node/1' not in the site");
    CHECK(items[0].action == "skipped");
    CHECK(items[1].message == "facility 'node/2' not in the site");
    CHECK(items[2].message == "unknown facility category 'no_such_category'");
    CHECK(items[3].message == "position outside the site frame");
    CHECK(untouched.facilities().size() == baseline.facilities().size());
    CHECK(untouched.buildings()[0].minutes[0] == Approx(minutesTo(400)));
  }
}
