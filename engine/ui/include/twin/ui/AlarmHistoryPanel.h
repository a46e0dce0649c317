// The alarm history window (历史 / History): filters, a paged scrollable table of past alarms
// and the selected alarm's transitions. It draws an AlarmHistoryModel and writes the officer's
// filter, page and selection back into it; it never reads the alert log itself.
#pragma once

#include <array>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "twin/ui/AlarmHistory.h"
#include "twin/ui/MonitorPanels.h"
#include "twin/ui/Panels.h"

namespace twin::ui {

/** Where the history window opens on a display of width x height pixels at UI scale `scale`:
    centred, 1100 x 680 px at scale 1 growing with the scale, never larger than the display less
    a margin of 24 px x scale on every side (so the scene stays visible around it). `clearTop`:
    a band at the top to leave free (the alarm banner's bottom edge; 0 = none): the window
    starts a margin below it and is shortened to fit, at least 200 px x scale high. */
WidgetRect alarmHistoryPlace(float width, float height, float scale, float clearTop = 0);

/** The alarm's transition kind as the history shows it ("Raised", "已发生"...): an i18n key. */
const char* transitionKey(alerts::TransitionKind kind);

class AlarmHistoryPanel {
 public:
  bool isOpen() const { return _open; }
  void setOpen(bool open) { _open = open; }
  void toggle() { _open = !_open; }

  /** Call between ImGui::NewFrame() and ImGui::Render(). While open: sets the model's clock to
      view.nowMs, refresh()es it (reads the log only on change), draws the window and applies
      filter, page and row-selection changes to the model (they show from the next frame).
      Returns FlyToSensor when the officer asks to fly to the selected alarm's sensor. Closing
      the window (its title-bar cross) sets isOpen() false. `view` supplies the language, the
      display time zone and the names for places (alarmPlace()), which the text filter also
      searches in both languages. The window opens at alarmHistoryPlace() below `clearTop` (the
      alarm banner's bottom, so that the banner's buttons stay usable); then the officer may
      move and resize it. Not thread-safe (ImGui context). */
  std::vector<MonitorCommand> draw(AlarmHistoryModel& model, const MonitorView& view, float clearTop = 0);

  /** Where a widget was drawn in the last draw(): "window.alarm.history", "history.filter.<severity
      name>", "history.state", "history.period", "history.text", "history.prev", "history.next",
      "history.row.<id>", "history.fly", "history.transitions". nullopt when it was not drawn. */
  std::optional<WidgetRect> widgetRect(const std::string& id) const;
  /** How many pixels the window's items ran past its right edge in the last draw() ("history");
      nullopt when not drawn. Cells elide, rows wrap: 0 (the layout tests check it). */
  std::optional<float> textOverflow(const std::string& area) const {
    auto it = _overflow.find(area);
    return it == _overflow.end() ? std::nullopt : std::optional<float>(it->second);
  }

 private:
  void remember(const std::string& id);
  void drawFilters(AlarmHistoryModel& model, const MonitorView& view);
  void drawTable(AlarmHistoryModel& model, const MonitorView& view, float height);
  void drawDetails(AlarmHistoryModel& model, const MonitorView& view, std::vector<MonitorCommand>& out);

  bool _open = false;
  bool _wasOpen = false;
  float _placedWidth = -1, _placedHeight = -1;
  std::array<char, 128> _text{};
  std::optional<Language> _describedIn;  // the language the model's describe() was made for
  std::map<std::string, WidgetRect> _rects;
  std::map<std::string, float> _overflow;
};

}  // namespace twin::ui
