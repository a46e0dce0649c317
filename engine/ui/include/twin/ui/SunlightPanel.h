// Sunlight (日照) in the viewer: the colours and legend of sun hours against a standard's pass line
// (pure functions), and the panel that switches the colouring and the shadows, moves the sun with
// a time slider and compares a scenario's proposed buildings. Like CoveragePanel it reads a plain
// SunlightPanelView and returns SunlightCommands. Sections:
//   sunlightBands() / sunlightColour() / sunlightLegend() ... the colour scale
//   SunlightPanelView / SunlightCommand ...................... the panel's input and output
//   SunlightPanel ............................................ the window (engineering mode) and
//                                                              the compact bar (big screen)
#pragma once

#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "twin/analysis/Sunlight.h"
#include "twin/ui/BigScreen.h"
#include "twin/ui/I18n.h"

namespace twin::ui {

/** One band of the sun-hours scale: [fromHours, toHours) (the last band includes toHours). */
struct SunlightBand {
  double fromHours = 0, toHours = 0;
  Rgba colour;
  bool passes = false;  // fromHours >= the required hours
};

/** The scale for a standard requiring `requiredHours` (> 0) within a window of `windowHours`
    (> requiredHours): edges at 0, 1, 2, 3, 4, 6 h and the required hours, up to the window's end.
    Bands below the pass line run from dark red (no sun) to orange; bands at and above it from
    light green to teal, so the pass line is the one place where the hue jumps. Bad arguments
    (non-finite, required <= 0 or >= window) are clamped into range. */
std::vector<SunlightBand> sunlightBands(double requiredHours, double windowHours);

/** The colour of a window (or storey, or building) with `sunMinutes` of sun: its band's colour.
    Negative or NaN minutes count as none. */
Rgba sunlightColour(double sunMinutes, double requiredHours, double windowHours);

/** The legend group: one entry per band ("0–1 h", ..., "6–8 h") and the pass line
    ("≥ 2 h: passes, 大寒日"); `dayLabel` names the standard day. */
LegendGroup sunlightLegend(Language language, double requiredHours, double windowHours, const std::string& dayLabel);

/** The grey of buildings the sunlight and coverage colourings do not score (not residential). */
Rgba unscoredGrey();
/** The colour of windows that lose compliance to a proposed building, and of the proposal itself. */
Rgba lostComplianceColour();
Rgba proposedBuildingColour();

/** Pass counts of one state (storeys pass when one of their windows does, buildings when every
    storey does). */
using SunlightTally = analysis::SunlightTally;

struct SunlightPanelView {
  Language language = Language::ZhCN;
  std::string standard;  // e.g. "gb50180-I-II-III-VII-large"
  std::string dayLabel;  // e.g. "大寒日 2026-01-20"
  double requiredHours = 2;
  bool computing = false;       // the analysis runs (off the UI thread)
  double progress = 0;          // [0, 1] while computing
  bool computed = false;        // results below are valid
  bool colouring = false;       // walls and buildings coloured by sun hours
  bool shadows = false;         // shadows drawn for `sunMinutes`
  int sunMinutes = 600;         // the shadows' time: minutes after midnight, China Standard Time
  std::string sunText;          // e.g. "10:00 CST, sun 31° above the horizon, azimuth 152°"
  SunlightTally before, after;  // after == before without a proposal
  std::size_t lostWindows = 0;
  std::vector<std::string> proposals;  // scenarios of the scene file with proposed buildings
  std::string proposal;                // the one applied, or empty
  std::string status;                  // an error, or empty
  double computeSeconds = 0;
  bool startOpen = false;
  bool swipe = false;          // the before/after split view is on
  float swipeFraction = 0.5f;  // where the swipe line stands, 0 = left edge, 1 = right edge
};

struct SetSunlightColouring {
  bool on;
};
struct SetShadows {
  bool on;
};
struct SetSunMinutes {
  int minutes;  // after midnight, China Standard Time
};
struct ChooseProposal {
  std::string scenario;  // empty = none
};
struct SetSwipe {
  bool on;
};
struct MoveSwipe {
  float fraction;  // [0, 1] of the screen's width
};
using SunlightCommand =
    std::variant<SetSunlightColouring, SetShadows, SetSunMinutes, ChooseProposal, SetSwipe, MoveSwipe>;

/** The earliest and latest slider times: 06:00 and 18:00. */
constexpr int kSunSliderFirstMinute = 6 * 60, kSunSliderLastMinute = 18 * 60;

class SunlightPanel {
 public:
  /** The engineering window: colouring and shadow switches, the time slider, the proposal combo,
      the pass counts before and after. Returns this frame's commands in order. */
  std::vector<SunlightCommand> draw(const SunlightPanelView& view);
  /** The big screen's compact bar, pinned at the bottom centre of `screen` above the credits:
      the two switches and the time slider. */
  std::vector<SunlightCommand> drawBar(const SunlightPanelView& view, const WidgetRect& screen, float scale);
  /** The split view's line over the whole `screen` (drawn behind the panels) with a handle to
      drag it and the two sides' names ("Present" | the proposal); nothing unless view.swipe.
      Dragging the handle emits MoveSwipe. Call once per frame, after draw() or drawBar(). */
  std::vector<SunlightCommand> drawSwipe(const SunlightPanelView& view, const WidgetRect& screen);
  /** Where a widget was drawn in the last draw()/drawBar()/drawSwipe(): "sunlight.colour",
      "sunlight.shadows", "sunlight.time", "sunlight.proposal", "sunlight.swipe" (the switch),
      "swipe.handle", and the windows "window.sunlight", "window.sunbar". */
  std::optional<WidgetRect> widgetRect(const std::string& id) const;

 private:
  void drawControls(const SunlightPanelView& view, std::vector<SunlightCommand>& out, bool compact);
  void remember(const std::string& id);
  std::map<std::string, WidgetRect> _rects;
};

}  // namespace twin::ui
