#include <catch2/catch.hpp>

#include "PanelHarness.h"
#include "twin/ui/TourPanel.h"

using namespace twin;

namespace {

ui::TourPanelView playingView() {
  ui::TourPanelView view;
  view.language = ui::Language::En;
  view.tourTitles = {"Community tour", "Night walk"};
  view.playing = true;
  view.title = "Community tour";
  view.caption = "Qianjiang Century City station: lines 2, 6 and 7";
  view.stop = 1;
  view.stops = 5;
  return view;
}

template <class T>
bool holds(const std::vector<ui::TourCommand>& commands) {
  return commands.size() == 1 && std::holds_alternative<T>(commands.front());
}

}  // namespace

TEST_CASE("tour panel: captions and titles fall back to the other language", "[ui][tour]") {
  model::TourStop stop;
  stop.caption = "车站";
  CHECK(ui::tourCaption(stop, ui::Language::ZhCN) == "车站");
  CHECK(ui::tourCaption(stop, ui::Language::En) == "车站");
  stop.captionEn = "The station";
  CHECK(ui::tourCaption(stop, ui::Language::En) == "The station");
  stop.caption.clear();
  CHECK(ui::tourCaption(stop, ui::Language::ZhCN) == "The station");
  model::Tour tour;
  tour.name = "community";
  CHECK(ui::tourTitle(tour, ui::Language::En) == "community");
  tour.title = "社区导览";
  CHECK(ui::tourTitle(tour, ui::Language::En) == "社区导览");
  tour.titleEn = "Community tour";
  CHECK(ui::tourTitle(tour, ui::Language::En) == "Community tour");
  CHECK(ui::tourTitle(tour, ui::Language::ZhCN) == "社区导览");
}

TEST_CASE("tour panel: the menu starts a tour", "[ui][tour]") {
  test::PanelHarness<ui::TourPanel> h(1280, 720, 10);
  ui::TourPanelView view = playingView();
  view.playing = false;
  CHECK(h.frame(view).empty());
  CHECK(h.frame(view).empty());  // auto-sized windows take their place on the second frame
  const auto menu = h.panels.widgetRect("tour.menu");
  REQUIRE(menu.has_value());
  // Beside the sunlight bar (centred, up to 0.4 of the width wide), not on it, and on the screen.
  CHECK(menu->minX >= 640 + 0.4f * 1280 / 2);
  CHECK(menu->maxX <= 1280);
  CHECK(menu->maxY <= 720);
  CHECK_FALSE(h.panels.widgetRect("window.caption").has_value());
  CHECK(h.clickWidget(view, "tour.menu").empty());  // opens the list
  h.frame(view);
  auto commands = h.clickWidget(view, "tour.item.1");
  REQUIRE(holds<ui::StartTour>(commands));
  CHECK(std::get<ui::StartTour>(commands.front()).tour == 1);

  SECTION("no tours or no controls: nothing drawn") {
    view.tourTitles.clear();
    CHECK(h.frame(view).empty());
    CHECK_FALSE(h.panels.widgetRect("tour.menu").has_value());
    view.tourTitles = {"a"};
    view.controls = false;
    CHECK(h.frame(view).empty());
    CHECK_FALSE(h.panels.widgetRect("tour.menu").has_value());
  }
}

TEST_CASE("tour panel: while playing, caption above the credits and the buttons", "[ui][tour]") {
  test::PanelHarness<ui::TourPanel> h(1280, 720, 10);
  ui::TourPanelView view = playingView();
  CHECK(h.frame(view).empty());
  CHECK(h.frame(view).empty());
  const auto caption = h.panels.widgetRect("window.caption");
  REQUIRE(caption.has_value());
  CHECK(caption->centreX() == Approx(640).margin(2));
  CHECK(caption->maxY < 720 - 10);
  CHECK(caption->minY > 720 / 2);

  CHECK(holds<ui::PreviousTourStop>(h.clickWidget(view, "tour.previous")));
  CHECK(holds<ui::NextTourStop>(h.clickWidget(view, "tour.next")));
  CHECK(holds<ui::EndTour>(h.clickWidget(view, "tour.end")));
  auto pause = h.clickWidget(view, "tour.pause");
  REQUIRE(holds<ui::SetTourPaused>(pause));
  CHECK(std::get<ui::SetTourPaused>(pause.front()).paused);
  view.paused = true;
  h.frame(view);
  auto resume = h.clickWidget(view, "tour.pause");
  REQUIRE(holds<ui::SetTourPaused>(resume));
  CHECK_FALSE(std::get<ui::SetTourPaused>(resume.front()).paused);

  SECTION("a video: caption without buttons, taking no input") {
    view.controls = false;
    h.frame(view);
    CHECK(h.panels.widgetRect("window.caption").has_value());
    CHECK_FALSE(h.panels.widgetRect("tour.next").has_value());
    CHECK(h.click(view, caption->centreX(), caption->centreY()).empty());
  }
}
