// The command-centre big screen: UI modes, the display scale and the screen layout (title bar,
// left rail of indicator cards, right rail hosting the monitor's alarm list and trend, legend,
// credits, the 3D scene in the middle), plus the plain data the big-screen panels show.
// Everything here is pure (no ImGui calls) so that layouts can be checked without a display.
#pragma once

#include <array>
#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "twin/model/Sensor.h"
#include "twin/ui/Style.h"

namespace twin::ui {

/** A rectangle in ImGui pixels (origin top-left). */
struct WidgetRect {
  float minX = 0, minY = 0, maxX = 0, maxY = 0;
  float centreX() const { return (minX + maxX) / 2; }
  float centreY() const { return (minY + maxY) / 2; }
  float width() const { return maxX - minX; }
  float height() const { return maxY - minY; }
  bool empty() const { return !(maxX > minX && maxY > minY); }
};
/** True when the interiors of `a` and `b` share a point (touching edges do not overlap). */
bool overlaps(const WidgetRect& a, const WidgetRect& b);
/** True when `inner` lies within `outer` (edges may touch). */
bool contains(const WidgetRect& outer, const WidgetRect& inner);

/** BigScreen: the wall layout (default). Engineering: the movable engineering windows with
    statistics and diagnostics. Presentation: the scene, the title bar and the credits only. */
enum class UiMode { BigScreen, Engineering, Presentation };
/** "bigscreen", "engineering", "presentation". */
const char* uiModeName(UiMode mode);

/** The panel font at scale 1 (pixels). */
constexpr float kBaseFontPixels = 18.0f;
/** Smallest and largest accepted UI scale (ui.scale, --ui-scale). */
constexpr float kMinUiScale = 0.5f, kMaxUiScale = 4.0f;

/** The default UI scale for a framebuffer `height` pixels high: height / 1080, clamped to
    [0.75, kMaxUiScale] so that 768-line screens stay legible (1366x768 -> 0.75, 1920x1080 -> 1,
    3840x2160 -> 2). A non-positive height gives 1. */
float defaultUiScale(int height);

/** Where the big-screen panels go on a width x height display at `scale` (rail widths, bar heights
    and margins are multiplied by it). Rectangles of panels the mode does not show are empty.
    Contracts, for every size from 640x360 up and every scale in [kMinUiScale, kMaxUiScale] that
    the display can hold: no two non-empty rectangles among title, left, right, legend, credits
    overlap, all lie within the display, and `scene` is the display less the title bar, the rails
    and the bottom strip (legend and credits). When the rails would leave the scene less than half
    the display width, the rails narrow (down to 0.15 of the width each). */
struct ScreenLayout {
  float scale = 1;
  WidgetRect display, title, left, right, legend, credits, scene;
};
ScreenLayout bigScreenLayout(float width, float height, float scale, UiMode mode);

/** One figure on the left rail's indicator cards (indicatorCards() makes them from the
    nine-scenario indicators): consecutive figures of the same scenario make one card under its
    name. Texts are shown as given (already in the UI language). */
struct IndicatorCard {
  std::string scenario, indicator, value, unit;
  std::string detail;    // the hover text: where the figure comes from, or why there is none
  bool missing = false;  // no value: `value` says "no data" and `detail` gives the reason
};

/** One colour of the legend with its label (already translated). */
struct LegendEntry {
  Rgba colour;
  std::string label;
};
struct LegendGroup {
  std::string title;
  std::vector<LegendEntry> entries;
};

/** The title bar's live figures. */
struct ScreenStatus {
  std::string clock;        // the scene clock as text ("2026-12-07 12:30"); empty = none
  bool replay = false;      // the clock is a replay of recorded data (scrubbed, or replayed up to --at)
  bool hasSensors = false;  // false: the sensor and alarm figures are not shown
  int sensors = 0, sensorsOnline = 0;
  std::array<int, 4> activeBySeverity{{0, 0, 0, 0}};  // index: model::AlertSeverity
  bool carousel = false;  // the unattended tour is on (ui::Carousel): a tag says why the view moves
};

/** The statistics cards the left rail shows when there are no indicator cards. */
struct SceneFigures {
  std::size_t buildings = 0, measuredHeights = 0;     // measuredHeights <= buildings
  std::map<std::string, std::size_t> poisByCategory;  // category name -> count
};

/** What the Esc key does: nothing while a text field has the keyboard (Esc only leaves the
    field), closes the quit dialog when it is open (keep editing), asks first when there are
    unsaved edits, else quits. */
enum class EscapeAction { Ignore, CloseDialog, AskToQuit, Quit };
EscapeAction escapeAction(bool textFieldFocused, bool quitDialogOpen, bool unsavedEdits);

/** The colour a severity's text is drawn in on `theme`'s panels: the monitor's severityColour(),
    except that on the light theme each is darkened until its contrast with the light panel is at
    least 4.5:1 (WCAG AA for text) — the minor yellow is unreadable on white otherwise. */
Rgba severityTextColour(model::AlertSeverity severity, const std::string& theme);
/** `colour` made readable as text on `background` (alpha ignored): darkened on a light background
    (luminance above that of mid grey), lightened on a dark one, in 5 % steps, until the contrast
    is at least 4.5:1 or 40 steps were taken. A colour that is readable already is returned as is. */
Rgba readableTextColour(Rgba colour, const Rgba& background);
/** WCAG 2 contrast ratio of two opaque colours (1 to 21; alpha ignored). */
float contrastRatio(const Rgba& a, const Rgba& b);

}  // namespace twin::ui
