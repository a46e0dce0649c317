#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

#include "twin/ui/Carousel.h"

using namespace twin::ui;

namespace {

// A clock the test moves by hand.
struct FakeClock {
  double now = 1000;
  Carousel::Clock fn() {
    return [this]() { return now; };
  }
};

// Polls every second from the clock's time up to `until` and lists the stops moved to, with times.
std::vector<std::pair<double, std::string>> run(Carousel& c, FakeClock& clock, double until) {
  std::vector<std::pair<double, std::string>> moves;
  for (; clock.now <= until; clock.now += 1)
    if (auto stop = c.poll()) moves.emplace_back(clock.now, *stop);
  return moves;
}

}  // namespace

TEST_CASE("carousel: cycles the stops every interval when left alone", "[ui]") {
  FakeClock clock;
  Carousel c({"overview", "station", "compound"}, 20, 60, clock.fn());
  CHECK(c.state() == CarouselState::Off);
  CHECK_FALSE(c.poll());  // off: nothing moves
  c.setEnabled(true);
  CHECK(c.state() == CarouselState::Running);
  const auto moves = run(c, clock, 1000 + 80);
  REQUIRE(moves.size() == 4);
  CHECK(moves[0] == std::make_pair(1020.0, std::string("overview")));
  CHECK(moves[1] == std::make_pair(1040.0, std::string("station")));
  CHECK(moves[2] == std::make_pair(1060.0, std::string("compound")));
  CHECK(moves[3] == std::make_pair(1080.0, std::string("overview")));  // wraps around
  c.setEnabled(false);
  CHECK(c.state() == CarouselState::Off);
  CHECK(run(c, clock, 1200).empty());
}

TEST_CASE("carousel: fewer than two stops is off", "[ui]") {
  FakeClock clock;
  Carousel one({"overview"}, 20, 60, clock.fn());
  one.setEnabled(true);
  CHECK(one.state() == CarouselState::Off);
  CHECK(run(one, clock, 1100).empty());
  Carousel none({}, 20, 60, clock.fn());
  none.setEnabled(true);
  CHECK(run(none, clock, 1200).empty());
}

TEST_CASE("carousel: input stops it; it resumes idle seconds after the last input", "[ui]") {
  FakeClock clock;
  Carousel c({"a", "b", "c"}, 20, 60, clock.fn());
  c.setEnabled(true);
  REQUIRE(run(c, clock, 1020).size() == 1);  // moved to "a" at 1020
  clock.now = 1030;
  c.input();
  CHECK(c.state() == CarouselState::PausedInput);
  CHECK(run(c, clock, 1060).empty());  // 1040 would have been "b"
  clock.now = 1070;
  c.input();  // more input extends the pause to 1130
  CHECK(c.state() == CarouselState::PausedInput);
  auto moves = run(c, clock, 1129);
  CHECK(moves.empty());
  moves = run(c, clock, 1150);
  REQUIRE(moves.size() == 2);
  CHECK(moves[0] == std::make_pair(1130.0, std::string("b")));  // at once when the pause ends, where it stopped
  CHECK(moves[1] == std::make_pair(1150.0, std::string("c")));
  CHECK(c.state() == CarouselState::Running);
}

TEST_CASE("carousel: an alarm holds it until settled, then idle seconds more", "[ui]") {
  FakeClock clock;
  Carousel c({"a", "b"}, 20, 60, clock.fn());
  c.setEnabled(true);
  clock.now = 1010;
  c.setAlarmHold(true);  // the alarm's fly-to has the camera
  CHECK(c.state() == CarouselState::HeldByAlarm);
  CHECK(run(c, clock, 1500).empty());  // however long the alarm stays
  CHECK(c.state() == CarouselState::HeldByAlarm);
  clock.now = 1600;
  c.setAlarmHold(false);  // acknowledged or dismissed
  CHECK(c.state() == CarouselState::PausedInput);
  CHECK(run(c, clock, 1659).empty());
  auto moves = run(c, clock, 1660);
  REQUIRE(moves.size() == 1);
  CHECK(moves[0] == std::make_pair(1660.0, std::string("a")));

  SECTION("input during the wait after the alarm extends it") {
    clock.now = 1700;
    c.setAlarmHold(true);
    clock.now = 1710;
    c.setAlarmHold(false);  // idle until 1770
    clock.now = 1750;
    c.input();  // idle until 1810
    CHECK(run(c, clock, 1809).empty());
    CHECK(run(c, clock, 1810).size() == 1);
  }
  SECTION("an alarm wins over a pause that ends while it holds") {
    clock.now = 1700;
    c.input();  // would resume at 1760
    c.setAlarmHold(true);
    CHECK(run(c, clock, 1900).empty());
    CHECK(c.state() == CarouselState::HeldByAlarm);
  }
}

TEST_CASE("carousel: state names", "[ui]") {
  CHECK(std::string(carouselStateName(CarouselState::Off)) == "off");
  CHECK(std::string(carouselStateName(CarouselState::Running)) == "running");
  CHECK(std::string(carouselStateName(CarouselState::PausedInput)) == "paused");
  CHECK(std::string(carouselStateName(CarouselState::HeldByAlarm)) == "alarm");
}

TEST_CASE("carousel: views among the bookmarks cycle alike; input pauses, an alarm takes over", "[ui]") {
  // A view stop is a key the viewer hands to the extensions ("tour:<name>:<stop>"): to the
  // carousel it is a stop like a bookmark, on the same clock.
  FakeClock clock;
  Carousel c({"overview", "tour:community:4", "station", "tour:community:5"}, 20, 60, clock.fn());
  c.setEnabled(true);
  auto moves = run(c, clock, 1040);
  REQUIRE(moves.size() == 2);
  CHECK(moves[1] == std::make_pair(1040.0, std::string("tour:community:4")));
  clock.now = 1045;
  c.input();  // someone looks closer at the isochrone view: it stays
  CHECK(run(c, clock, 1100).empty());
  moves = run(c, clock, 1125);
  REQUIRE(moves.size() == 2);
  CHECK(moves[0] == std::make_pair(1105.0, std::string("station")));  // idle 60 s after the input
  CHECK(moves[1] == std::make_pair(1125.0, std::string("tour:community:5")));
  c.setAlarmHold(true);  // a new critical alarm flies the camera: no view replaces it
  CHECK(c.state() == CarouselState::HeldByAlarm);
  CHECK(run(c, clock, 1300).empty());
  c.setAlarmHold(false);  // acknowledged at 1301: idle 60 s, then on from where it stopped
  moves = run(c, clock, 1361);
  REQUIRE(moves.size() == 1);
  CHECK(moves[0] == std::make_pair(1361.0, std::string("overview")));
}
