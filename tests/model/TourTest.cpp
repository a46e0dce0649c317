#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <string>

#include "twin/model/Tour.h"
#include "twin/model/TourPlayer.h"

using namespace twin;

namespace {

model::SceneConfig sceneWith(const std::string& tours, const std::string& scenarios = "") {
  model::SceneConfig c;
  c.file = "scenes/x.json";
  model::Bookmark station;
  station.name = "station";
  station.target = {120.239, 30.2432};
  station.distanceMeters = 650;
  station.headingDegrees = 30;
  station.pitchDegrees = 40;
  c.bookmarks.push_back(station);
  model::Bookmark compound = station;
  compound.name = "compound";
  compound.target = {120.2457, 30.2276};
  c.bookmarks.push_back(compound);
  if (!tours.empty()) c.sections["tours"] = tours;
  if (!scenarios.empty()) c.sections["scenarios"] = scenarios;
  return c;
}

std::string tourError(const std::string& tours, const std::string& scenarios = "") {
  auto r = model::parseTours(sceneWith(tours, scenarios));
  REQUIRE_FALSE(r.ok());
  return r.error().message;
}

// One tour around `stop`: the error names tours[0].stops[0].
std::string stopError(const std::string& stop) { return tourError(R"([{"name": "t", "stops": [)" + stop + "]}]"); }

}  // namespace

TEST_CASE("tours: parse the scene key", "[model][tour]") {
  auto none = model::parseTours(sceneWith(""));
  REQUIRE(none.ok());
  CHECK(none->empty());

  auto r = model::parseTours(sceneWith(R"([
    {"name": "community", "title": "社区导览", "title_en": "Community tour", "_comment": "ignored",
     "stops": [
       {"bookmark": "station", "fly_s": 4, "hold_s": 5, "caption": "车站", "caption_en": "The station",
        "layers": ["buildings", "roads"], "overlays": ["isochrone", "coverage"], "time": "07:45"},
       {"camera": {"lon": 120.24, "lat": 30.23, "height": 10, "range": 400, "heading": 90, "pitch": 60},
        "scenario": "clinic", "overlays": ["coverage:health_station"]}]}])",
                                       R"([{"name": "clinic"}])"));
  REQUIRE(r.ok());
  REQUIRE(r->size() == 1);
  const model::Tour& t = r->front();
  CHECK(t.name == "community");
  CHECK(t.title == "社区导览");
  CHECK(t.titleEn == "Community tour");
  REQUIRE(t.stops.size() == 2);
  const model::TourStop& a = t.stops[0];
  CHECK(a.bookmark == "station");
  CHECK(a.view.target.lon == Approx(120.239));
  CHECK(a.view.distanceMeters == Approx(650));
  CHECK(a.flySeconds == 4);
  CHECK(a.holdSeconds == 5);
  CHECK(a.caption == "车站");
  CHECK(a.captionEn == "The station");
  REQUIRE(a.layers);
  CHECK(*a.layers == std::vector<std::string>{"buildings", "roads"});
  CHECK(a.overlays == std::vector<model::TourOverlay>{model::TourOverlay::Isochrone, model::TourOverlay::Coverage});
  CHECK(a.coverageBy == "15");
  CHECK(a.minuteOfDay == 7 * 60 + 45);
  CHECK(a.scenario.empty());
  const model::TourStop& b = t.stops[1];
  CHECK(b.bookmark.empty());
  CHECK(b.view.target.lon == Approx(120.24));
  CHECK(b.view.target.lat == Approx(30.23));
  CHECK(b.view.targetHeightMeters == Approx(10));
  CHECK(b.view.distanceMeters == Approx(400));
  CHECK(b.view.headingDegrees == Approx(90));
  CHECK(b.view.pitchDegrees == Approx(60));
  CHECK(b.scenario == "clinic");
  CHECK(b.overlays == std::vector<model::TourOverlay>{model::TourOverlay::Coverage});
  CHECK(b.coverageBy == "health_station");
  CHECK(b.flySeconds == 3);  // defaults
  CHECK(b.holdSeconds == 4);
  CHECK_FALSE(b.layers);
  CHECK_FALSE(b.minuteOfDay);
  CHECK(t.durationSeconds() == Approx(4 + 5 + 3 + 4));
  CHECK(model::findTour(*r, "community") == &r->front());
  CHECK(model::findTour(*r, "other") == nullptr);
  CHECK(model::tourNames(*r) == "community");
  CHECK(model::tourNames({}) == "(none)");
}

TEST_CASE("tours: every error names the key path", "[model][tour]") {
  const std::string where = "model::parseTours(): x.json: ";
  CHECK(tourError(R"({"name": "t"})") == where + "tours: must be an array of tours");
  CHECK(tourError(R"([1])") == where + "tours[0]: must be an object with name and stops");
  CHECK(tourError(R"([{"stops": []}])") == where + "tours[0].name: missing (required)");
  CHECK(tourError(R"([{"name": 3}])") == where + "tours[0].name: must be a string");
  CHECK(tourError(R"([{"name": ""}])") == where + "tours[0].name: must not be empty");
  CHECK(tourError(R"([{"name": "t", "stops": [{"bookmark": "station"}]}, {"name": "t", "stops": []}])") ==
        where + "tours[1].name: duplicate tour name 't'");
  CHECK(tourError(R"([{"name": "t", "titel": "x"}])") ==
        where + "tours[0].titel: unknown key (expected name, title, title_en, stops)");
  CHECK(tourError(R"([{"name": "t", "title_en": 1}])") == where + "tours[0].title_en: must be a string");
  CHECK(tourError(R"([{"name": "t"}])") == where + "tours[0].stops: missing (required)");
  CHECK(tourError(R"([{"name": "t", "stops": []}])") == where + "tours[0].stops: must be a non-empty array of stops");
  CHECK(tourError(R"([{"name": "t", "stops": {}}])") == where + "tours[0].stops: must be a non-empty array of stops");
  std::string many = R"([{"name": "t", "stops": [)";
  for (int i = 0; i < 1001; ++i) many += std::string(i ? "," : "") + R"({"bookmark": "station"})";
  CHECK(tourError(many + "]}]") == where + "tours[0].stops: 1001 stops, over the limit of 1000");

  const std::string stop0 = where + "tours[0].stops[0]";
  CHECK(stopError("[]") == stop0 + ": must be an object");
  CHECK(stopError(R"({"fly_s": 1})") == stop0 + ": missing the view: give \"bookmark\" or \"camera\"");
  CHECK(stopError(R"({"bookmark": "station", "camera": {}})") ==
        stop0 + ": give either \"bookmark\" or \"camera\", not both");
  CHECK(stopError(R"({"bookmark": "station", "hold": 3})") ==
        stop0 +
            ".hold: unknown key (expected bookmark, camera, fly_s, hold_s, caption, caption_en, scenario, layers, "
            "overlays, time, split)");
  CHECK(stopError(R"({"bookmark": 5})") == stop0 + ".bookmark: must be a string");
  CHECK(stopError(R"({"bookmark": "nowhere"})") ==
        stop0 + ".bookmark: no bookmark named 'nowhere' (known: station, compound)");
  CHECK(stopError(R"({"camera": 1})") == stop0 + ".camera: must be an object with lon, lat, range, heading, pitch");
  CHECK(stopError(R"({"camera": {"lat": 30}})") == stop0 + ".camera.lon: missing (required)");
  CHECK(stopError(R"({"camera": {"lon": 120}})") == stop0 + ".camera.lat: missing (required)");
  CHECK(stopError(R"({"camera": {"lon": 120, "lat": 30, "alt": 3}})") ==
        stop0 + ".camera.alt: unknown key (expected lon, lat, height, range, heading, pitch)");
  CHECK(stopError(R"({"camera": {"lon": 200, "lat": 30}})") == stop0 + ".camera.lon: must be a number in [-180, 180]");
  CHECK(stopError(R"({"camera": {"lon": 120, "lat": "30"}})") == stop0 + ".camera.lat: must be a number in [-90, 90]");
  CHECK(stopError(R"({"camera": {"lon": 120, "lat": 30, "height": 1e5}})") ==
        stop0 + ".camera.height: must be a number in [-500, 9000]");
  CHECK(stopError(R"({"camera": {"lon": 120, "lat": 30, "range": 0}})") ==
        stop0 + ".camera.range: must be a number in (0, 1e+06]");
  CHECK(stopError(R"({"camera": {"lon": 120, "lat": 30, "heading": 400}})") ==
        stop0 + ".camera.heading: must be a number in [-360, 360]");
  CHECK(stopError(R"({"camera": {"lon": 120, "lat": 30, "pitch": -5}})") ==
        stop0 + ".camera.pitch: must be a number in [0, 90]");
  CHECK(stopError(R"({"bookmark": "station", "fly_s": -1})") == stop0 + ".fly_s: must be a number >= 0");
  CHECK(stopError(R"({"bookmark": "station", "fly_s": "2"})") == stop0 + ".fly_s: must be a number >= 0");
  CHECK(stopError(R"({"bookmark": "station", "fly_s": 601})") == stop0 + ".fly_s: 601 s is over the limit of 600 s");
  CHECK(stopError(R"({"bookmark": "station", "hold_s": -0.5})") == stop0 + ".hold_s: must be a number >= 0");
  CHECK(stopError(R"({"bookmark": "station", "hold_s": 4000})") ==
        stop0 + ".hold_s: 4000 s is over the limit of 3600 s");
  CHECK(stopError(R"({"bookmark": "station", "caption": ["x"]})") == stop0 + ".caption: must be a string");
  CHECK(stopError(R"({"bookmark": "station", "caption_en": 1})") == stop0 + ".caption_en: must be a string");
  CHECK(stopError(R"({"bookmark": "station", "scenario": 1})") == stop0 + ".scenario: must be a string");
  CHECK(stopError(R"({"bookmark": "station", "scenario": "clinic"})") ==
        stop0 + ".scenario: no scenario named 'clinic' in the scene (known: (none))");
  CHECK(stopError(R"({"bookmark": "station", "layers": "roads"})") ==
        stop0 + ".layers: must be an array of names among buildings, roads, pois, labels, ground");
  CHECK(stopError(R"({"bookmark": "station", "layers": ["roads", 1]})") ==
        stop0 + ".layers[1]: must be one of buildings, roads, pois, labels, ground");
  CHECK(stopError(R"({"bookmark": "station", "layers": ["trees"]})") ==
        stop0 + ".layers[0]: unknown name 'trees' (expected one of buildings, roads, pois, labels, ground)");
  CHECK(stopError(R"({"bookmark": "station", "overlays": ["heatmap"]})") ==
        stop0 +
            ".overlays[0]: unknown name 'heatmap' (expected one of isochrone, coverage, coverage:<5|10|15|category>)");
  CHECK(
      stopError(R"({"bookmark": "station", "overlays": ["coverage:"]})") ==
      stop0 +
          ".overlays[0]: unknown name 'coverage:' (expected one of isochrone, coverage, coverage:<5|10|15|category>)");
  CHECK(stopError(R"({"bookmark": "station", "overlays": "isochrone"})") ==
        stop0 + ".overlays: must be an array of names among isochrone, coverage, coverage:<5|10|15|category>");
  CHECK(stopError(R"({"bookmark": "station", "overlays": [2]})") ==
        stop0 + ".overlays[0]: must be one of isochrone, coverage, coverage:<5|10|15|category>");
  CHECK(stopError(R"({"bookmark": "station", "overlays": ["coverage", "coverage:5"]})") ==
        stop0 + ".overlays[1]: a second coverage overlay (one per stop)");
  CHECK(stopError(R"({"bookmark": "station", "time": 730})") ==
        stop0 + ".time: must be a time of day \"HH:MM\" (00:00 to 23:59)");
  CHECK(stopError(R"({"bookmark": "station", "time": "7:30"})") ==
        stop0 + ".time: must be a time of day \"HH:MM\" (00:00 to 23:59), got \"7:30\"");
  CHECK(stopError(R"({"bookmark": "station", "time": "24:00"})") ==
        stop0 + ".time: must be a time of day \"HH:MM\" (00:00 to 23:59), got \"24:00\"");

  // A stop further in: the index is the stop's.
  CHECK(tourError(R"([{"name": "t", "stops": [{"bookmark": "station"}, {"bookmark": "station"},
                      {"bookmark": "station", "fly_s": -2}]}])") ==
        where + "tours[0].stops[2].fly_s: must be a number >= 0");
  // The scenarios' own errors come first.
  CHECK(tourError(R"([{"name": "t", "stops": [{"bookmark": "station", "scenario": "a"}]}])", R"([{"label": "x"}])") ==
        "model::parseScenarios(): x.json: key 'scenarios[0].name': missing");
}

TEST_CASE("tours: a stop's split view names two scenarios; every error names the key", "[model][tour]") {
  const std::string scenarios = R"([{"name": "clinic"}, {"name": "park"}])";
  auto r = model::parseTours(sceneWith(R"([{"name": "t", "stops": [
      {"bookmark": "station", "split": {"right": "clinic"}},
      {"bookmark": "station", "split": {"left": "park", "right": "existing", "at": 0.3}},
      {"bookmark": "station"}]}])",
                                       scenarios));
  INFO((r.ok() ? std::string() : r.error().message));
  REQUIRE(r.ok());
  const auto& stops = r->front().stops;
  REQUIRE(stops[0].split.has_value());
  CHECK(stops[0].split->left.empty());  // "existing" by default, stored as ""
  CHECK(stops[0].split->right == "clinic");
  CHECK(stops[0].split->at == 0.5);
  REQUIRE(stops[1].split.has_value());
  CHECK(stops[1].split->left == "park");
  CHECK(stops[1].split->right.empty());
  CHECK(stops[1].split->at == Approx(0.3));
  CHECK_FALSE(stops[2].split.has_value());

  const std::string stop0 = "model::parseTours(): x.json: tours[0].stops[0]";
  const auto error = [&](const std::string& stop) {
    return tourError(R"([{"name": "t", "stops": [)" + stop + "]}]", scenarios);
  };
  CHECK(error(R"({"bookmark": "station", "split": "clinic"})") ==
        stop0 + R"(.split: must be an object {"left": "existing" or a scenario, "right": a scenario})");
  CHECK(error(R"({"bookmark": "station", "split": {"left": "clinic"}})") == stop0 + ".split.right: missing (required)");
  CHECK(error(R"({"bookmark": "station", "split": {"right": 3}})") == stop0 + ".split.right: must be a string");
  CHECK(error(R"({"bookmark": "station", "split": {"right": "clinic", "left": "nope"}})") ==
        stop0 + ".split.left: no scenario named 'nope' in the scene (known: existing, clinic, park)");
  CHECK(error(R"({"bookmark": "station", "split": {"right": "school"}})") ==
        stop0 + ".split.right: no scenario named 'school' in the scene (known: existing, clinic, park)");
  CHECK(error(R"({"bookmark": "station", "split": {"right": "clinic", "middle": 1}})") ==
        stop0 + ".split.middle: unknown key (expected left, right, at)");
  CHECK(error(R"({"bookmark": "station", "split": {"right": "clinic", "at": 1}})") ==
        stop0 + ".split.at: must be a number in [0.05, 0.95] (the divider's share of the width)");
  CHECK(error(R"({"bookmark": "station", "split": {"right": "clinic", "at": "half"}})") ==
        stop0 + ".split.at: must be a number in [0.05, 0.95] (the divider's share of the width)");
  CHECK(error(R"({"bookmark": "station", "scenario": "park", "split": {"right": "clinic"}})") ==
        stop0 + R"(.split: a stop shows either "scenario" or "split", not both)");
}

TEST_CASE("tours: pose interpolation is eased, continuous and arcs over long flights", "[model][tour]") {
  model::TourPose a, b;
  a.center = {0, 0, 0};
  a.distanceMeters = 500;
  a.headingDegrees = 350;
  a.pitchDegrees = 40;
  b.center = {3000, 0, 20};
  b.distanceMeters = 800;
  b.headingDegrees = 20;
  b.pitchDegrees = 60;

  SECTION("ends are the poses") {
    const model::TourPose start = model::interpolateTourPose(a, b, 0), end = model::interpolateTourPose(a, b, 1);
    CHECK(start.center.x == a.center.x);
    CHECK(start.distanceMeters == a.distanceMeters);
    CHECK(end.center.x == b.center.x);
    CHECK(end.center.z == b.center.z);
    CHECK(end.headingDegrees == b.headingDegrees);
    CHECK(end.distanceMeters == b.distanceMeters);
    CHECK(model::interpolateTourPose(a, b, -3).center.x == a.center.x);  // clamped
    CHECK(model::interpolateTourPose(a, b, 7).center.x == b.center.x);
  }
  SECTION("heading turns the short way round") {
    const model::TourPose mid = model::interpolateTourPose(a, b, 0.5);
    const double h = std::fmod(mid.headingDegrees + 360.0, 360.0);
    CHECK(h == Approx(5).margin(1e-9));  // 350 -> 20 through north (30 degrees), not through south
  }
  SECTION("eased: slow at the ends, fastest in the middle") {
    const double early = model::interpolateTourPose(a, b, 0.05).center.x;
    const double mid1 = model::interpolateTourPose(a, b, 0.5).center.x;
    const double mid0 = model::interpolateTourPose(a, b, 0.45).center.x;
    CHECK(early < 0.05 * 3000 * 0.2);          // well behind a linear flight
    CHECK(mid1 - mid0 > 0.05 * 3000);          // faster than linear in the middle
    CHECK(mid1 == Approx(1500).margin(1e-6));  // symmetric
  }
  SECTION("a long flight arcs up, a short one does not") {
    const model::TourPose mid = model::interpolateTourPose(a, b, 0.5);
    const double geometric = std::sqrt(500.0 * 800.0);
    CHECK(mid.distanceMeters == Approx(geometric + 0.6 * (3000 - 800)));
    model::TourPose near = b;
    near.center = {300, 0, 0};
    const model::TourPose hop = model::interpolateTourPose(a, near, 0.5);
    CHECK(hop.distanceMeters == Approx(geometric));
  }
  SECTION("no jumps: small steps in time give small steps in the eye's place") {
    // At 30 frames per second over a 6 s flight the largest step between frames stays under
    // a few times the mean step (the flight is eased, never a cut).
    const int frames = 180;
    double largest = 0, total = 0;
    auto eye = [](const model::TourPose& p) {
      const double h = p.headingDegrees * 3.14159265358979 / 180, t = p.pitchDegrees * 3.14159265358979 / 180;
      return core::Vec3{p.center.x - std::sin(h) * std::cos(t) * p.distanceMeters,
                        p.center.y - std::cos(h) * std::cos(t) * p.distanceMeters,
                        p.center.z + std::sin(t) * p.distanceMeters};
    };
    core::Vec3 previous = eye(a);
    for (int i = 1; i <= frames; ++i) {
      const core::Vec3 e = eye(model::interpolateTourPose(a, b, double(i) / frames));
      const double step = std::sqrt((e.x - previous.x) * (e.x - previous.x) + (e.y - previous.y) * (e.y - previous.y) +
                                    (e.z - previous.z) * (e.z - previous.z));
      largest = std::max(largest, step);
      total += step;
      previous = e;
    }
    CHECK(largest < 3 * total / frames);
    CHECK(largest > 0);
  }
}

TEST_CASE("tours: the player on an injected clock", "[model][tour]") {
  auto parsed = model::parseTours(sceneWith(R"([{"name": "t", "stops": [
      {"bookmark": "station", "fly_s": 2, "hold_s": 3},
      {"bookmark": "compound", "fly_s": 4, "hold_s": 1},
      {"camera": {"lon": 120.238, "lat": 30.2358, "range": 3000}, "fly_s": 0, "hold_s": 2}]}])"));
  REQUIRE(parsed.ok());
  const model::Tour tour = parsed->front();
  auto created = geo::SiteFrame::create(core::LonLat{120.238, 30.23575});
  REQUIRE(created.ok());
  const geo::SiteFrame frame = *created;
  std::vector<model::TourPose> poses;
  for (const model::TourStop& s : tour.stops) poses.push_back(model::tourPoseForView(s.view, frame));
  double now = 100;
  model::TourPlayer player(tour, poses, [&] { return now; });
  CHECK(player.durationSeconds() == Approx(12));
  CHECK(player.stopStartSeconds(0) == 0);
  CHECK(player.stopStartSeconds(1) == Approx(5));
  CHECK(player.stopStartSeconds(2) == Approx(10));
  CHECK_FALSE(player.playing());

  SECTION("time follows the clock; the first stop is held without a start pose") {
    player.start();
    CHECK(player.playing());
    CHECK(player.elapsedSeconds() == 0);
    now += 1;
    model::TourMoment m = player.moment();
    CHECK(m.stop == 0);
    CHECK(m.phase == model::TourPhase::Flying);
    CHECK(m.stopProgress == Approx(0.5));
    CHECK(m.pose.center.x == Approx(poses[0].center.x));
    now += 2;
    m = player.moment();
    CHECK(m.phase == model::TourPhase::Holding);
    CHECK(m.stopProgress == Approx(1.0 / 3));
    now += 4;  // t = 7: halfway through the flight to the compound
    m = player.moment();
    CHECK(m.stop == 1);
    CHECK(m.phase == model::TourPhase::Flying);
    CHECK(m.stopProgress == Approx(0.5));
    CHECK(m.pose.center.x == Approx((poses[0].center.x + poses[1].center.x) / 2));
    now += 3.5;  // t = 10.5: the third stop is a cut (fly_s 0)
    m = player.moment();
    CHECK(m.stop == 2);
    CHECK(m.phase == model::TourPhase::Holding);
    CHECK(m.pose.distanceMeters == Approx(3000));
    CHECK_FALSE(player.finished());
    now += 10;
    CHECK(player.finished());
    CHECK(player.elapsedSeconds() == Approx(12));
    CHECK(player.moment().phase == model::TourPhase::Finished);
    CHECK(player.moment().stop == 2);
  }
  SECTION("start from the camera's pose flies to the first stop") {
    model::TourPose here;
    here.center = {-500, -500, 0};
    player.start(here);
    CHECK(player.moment().pose.center.x == Approx(-500));
    now += 1;
    const double x = player.moment().pose.center.x;
    CHECK(x > -500);
    CHECK(x < poses[0].center.x);
  }
  SECTION("pause stops the tour time") {
    player.start();
    now += 1.5;
    player.setPaused(true);
    CHECK(player.paused());
    now += 20;
    CHECK(player.elapsedSeconds() == Approx(1.5));
    player.setPaused(false);
    now += 1;
    CHECK(player.elapsedSeconds() == Approx(2.5));
  }
  SECTION("next flies from where the camera is to the next stop") {
    player.start();
    now += 3;  // holding at the station
    player.next();
    CHECK(player.elapsedSeconds() == Approx(5));
    model::TourMoment m = player.moment();
    CHECK(m.stop == 1);
    CHECK(m.pose.center.x == Approx(poses[0].center.x));  // no jump
    now += 2;
    m = player.moment();
    CHECK(m.stop == 1);
    CHECK(m.pose.center.x == Approx((poses[0].center.x + poses[1].center.x) / 2));
    player.next();
    player.next();  // past the last stop: finished
    CHECK(player.finished());
  }
  SECTION("next in mid-flight starts the next flight from the mid-flight pose") {
    player.start();
    now += 7;  // halfway to the compound
    const model::TourPose mid = player.moment().pose;
    player.next();
    const model::TourMoment m = player.moment();
    CHECK(m.stop == 2);
    CHECK(m.pose.center.x == Approx(poses[2].center.x));  // the third stop is a cut by design
    CHECK(mid.center.x != Approx(poses[2].center.x));
  }
  SECTION("previous goes back to this stop, or the one before when just begun") {
    player.start();
    now += 8;  // flying to the compound, 3 s in
    player.previous();
    CHECK(player.elapsedSeconds() == Approx(5));
    CHECK(player.moment().stop == 1);
    now += 0.5;
    player.previous();
    CHECK(player.elapsedSeconds() == Approx(0));
    CHECK(player.moment().stop == 0);
  }
  SECTION("stop ends playing") {
    player.start();
    now += 2;
    player.stop();
    CHECK_FALSE(player.playing());
    now += 5;
    CHECK(player.elapsedSeconds() == Approx(2));
  }
  SECTION("momentAt is the tour's own clock (a video's frame times)") {
    CHECK(player.momentAt(0).stop == 0);
    CHECK(player.momentAt(5.0 + 4.0 * 0.5).stop == 1);
    CHECK(player.momentAt(-1).stop == 0);
    CHECK(player.momentAt(100).phase == model::TourPhase::Finished);
  }
}
