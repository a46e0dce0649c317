// The tour controls and captions: a "Tours" menu when no tour plays; while one plays, the tour's
// title, the stop's caption and the previous / pause / next / end buttons, at the bottom centre
// of the screen above the credits. In a video (controls off) only the title and caption.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "twin/model/Tour.h"
#include "twin/ui/BigScreen.h"
#include "twin/ui/I18n.h"

namespace twin::ui {

/** The caption of `stop` in `language`; the other language's when that one is empty. */
std::string tourCaption(const model::TourStop& stop, Language language);
/** The title of `tour` in `language`; the other language's when empty, else the tour's name. */
std::string tourTitle(const model::Tour& tour, Language language);

struct TourPanelView {
  Language language = Language::ZhCN;
  std::vector<std::string> tourTitles;  // the scene's tours, in the UI language (the menu)
  bool playing = false, paused = false;
  std::string title, caption;       // the playing tour's, in the UI language
  std::size_t stop = 0, stops = 0;  // the current stop (from 0) and how many there are
  bool controls = true;             // the menu and buttons; false: title and caption only (a video)
  float uiScale = 1;                // panel scale, as the big screen's
};

struct StartTour {
  std::size_t tour = 0;  // index into TourPanelView::tourTitles
};
struct SetTourPaused {
  bool paused = false;
};
struct NextTourStop {};
struct PreviousTourStop {};
struct EndTour {};
using TourCommand = std::variant<StartTour, SetTourPaused, NextTourStop, PreviousTourStop, EndTour>;

/** Not thread-safe (ImGui context). */
class TourPanel {
 public:
  /** Call between ImGui::NewFrame() and ImGui::Render(). Returns this frame's commands. Nothing
      is drawn when no tour plays and the scene has none (or controls are off). */
  std::vector<TourCommand> draw(const TourPanelView& view);
  /** Where a widget was drawn in the last draw(): "tour.menu", "tour.item.<i>", "tour.previous",
      "tour.pause", "tour.next", "tour.end", "window.caption". */
  std::optional<WidgetRect> widgetRect(const std::string& id) const;

 private:
  void remember(const std::string& id);
  std::map<std::string, WidgetRect> _rects;
};

}  // namespace twin::ui
