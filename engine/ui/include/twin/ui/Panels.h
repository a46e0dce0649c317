// The viewer's ImGui panels. They read a FrameView (what the app knows this frame) and return
// Commands (what the user asked for); they never touch the scene graph. Sections:
//   FrameView ........ input: layers, selection, statistics, diagnostics, bookmarks, progress
//   Command .......... output: the variant the app executes after the frame
//   Panels ........... draws every panel of the UI mode; widgetRect() for tests and automation
// The big-screen layout and its data (modes, scale, indicator cards, legend) are in BigScreen.h.
#pragma once

#include <array>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "twin/core/Diagnostics.h"
#include "twin/model/SceneConfig.h"
#include "twin/model/Site.h"
#include "twin/ui/BigScreen.h"
#include "twin/ui/I18n.h"

namespace twin::ui {

/** The layers the UI can toggle (same order as scene::Layer). */
enum class LayerId { Ground, Buildings, Roads, Pois, Labels };
constexpr int kLayerIdCount = 5;
const char* layerKey(LayerId layer);  // "ground", "buildings", "roads", "pois", "labels"
/** A bookmark's label in `language`: English uses "label_en" when the scene gives one; otherwise
    (and in Chinese) the label, else the name. */
std::string bookmarkLabel(const model::Bookmark& bookmark, Language language);

struct FrameStats {
  double frameMs = 0, fps = 0;  // last frame; fps averaged by the app
  std::size_t drawCalls = 0;    // drawables drawn last frame
  std::size_t buildings = 0, roads = 0, pois = 0, triangles = 0;
  // Buildings layers read by the view's extent (scene::StreamedLayerFigures), summed; none: no line.
  std::size_t streamedLayers = 0, streamedBuildings = 0, streamedTiles = 0, streamedQueued = 0;
  double loadMs = 0, compileMs = 0;  // model::loadSite and scene build
};

/** A long operation in progress; drawn as a centred progress bar while `active`. */
struct LoadProgress {
  bool active = false;
  std::string stage;    // "read", "reproject", "interpret", "compile" (translated) or free text
  double fraction = 0;  // [0, 1]; out-of-range and NaN are clamped
};

/** Everything the panels show. Pointers may be null (nothing to show); the objects they point to
    must stay valid during Panels::draw(). */
struct FrameView {
  Language language = Language::ZhCN;
  std::string theme = "dark";
  std::string siteName;
  std::array<bool, kLayerIdCount> layerVisible{{true, true, true, true, true}};
  const model::Building* selectedBuilding = nullptr;
  const model::Building* hoveredBuilding = nullptr;
  FrameStats stats;
  const core::Diagnostics* diagnostics = nullptr;
  const std::vector<model::Bookmark>* bookmarks = nullptr;
  std::vector<std::string> attributions;  // credits of the loaded data, bottom right; none: no line
  LoadProgress progress;
  // The big screen (BigScreen.h).
  UiMode mode = UiMode::Engineering;      // the viewer starts in BigScreen (ViewerOptions::mode)
  float uiScale = 1;                      // bigScreenLayout()'s scale; the font is built for it
  ScreenStatus status;                    // title bar figures
  std::vector<IndicatorCard> indicators;  // left rail; empty = the scene's statistics cards
  std::string indicatorsNote;             // above the statistics cards: indicators computing, or why none
  SceneFigures figures;                   // those statistics cards
  std::vector<LegendGroup> legend;        // colours the scene shows; empty groups are skipped
  bool confirmQuit = false;               // show the "discard unsaved edits and quit?" dialog
};

struct SetLayerVisible {
  LayerId layer;
  bool visible;
};
struct FlyToBookmark {
  std::string name;
};  // model::Bookmark::name
struct SetLanguage {
  Language language;
};
struct SetTheme {
  std::string theme;
};  // "dark" or "light"
struct ClearSelection {};
struct SetUiMode {
  UiMode mode;
};
struct AnswerQuit {
  bool quit;
};  // the confirm dialog's answer
using Command =
    std::variant<SetLayerVisible, FlyToBookmark, SetLanguage, SetTheme, ClearSelection, SetUiMode, AnswerQuit>;

/** The diagnostics panel's content: counts by message (largest first), the first `maxRows`
    records formatted by core::formatDiagnostic(), and how many more there are (dropped by
    Diagnostics' own cap or beyond maxRows). */
struct DiagnosticsDigest {
  std::size_t total = 0;
  std::vector<std::pair<std::string, std::size_t>> byMessage;
  std::vector<std::string> lines;
  std::size_t more = 0;  // total - lines.size()
};
DiagnosticsDigest digestDiagnostics(const core::Diagnostics& diagnostics, std::size_t maxRows);

/** Draws all panels into the current ImGui frame. Not thread-safe (ImGui context). */
class Panels {
 public:
  /** Call between ImGui::NewFrame() and ImGui::Render(). Draws the panels of view.mode:
      BigScreen: title bar, left rail (indicator cards, else the statistics cards), legend and
      credits at bigScreenLayout()'s places (the right rail is left to the monitor panels);
      Engineering: the movable windows (controls, statistics, building, diagnostics, credits);
      Presentation: title bar and credits. The progress bar and the quit dialog in every mode.
      Returns the commands from this frame's clicks, in the order they happened; empty when the
      user did nothing. */
  std::vector<Command> draw(const FrameView& view);
  /** Only the credits line (for images without panels: the data's licences still need it). */
  void drawCredits(const FrameView& view);
  /** The layout of the last draw() (its mode, display size and view.uiScale). */
  const ScreenLayout& layout() const { return _layout; }

  /** Where an interactive widget was drawn in the last draw(), by id: "layer.<key>",
      "bookmark.<name>", "language.zh-CN", "language.en", "theme.dark", "theme.light",
      "building.clear", "quit.yes", "quit.no", and the windows "window.controls", "window.stats",
      "window.building", "window.diagnostics", "window.progress", "window.attribution",
      "window.title", "window.rail.left", "window.legend", "window.quit". nullopt when it was not
      drawn. */
  std::optional<WidgetRect> widgetRect(const std::string& id) const;

  /** How many pixels the items of a big-screen area ran past its right edge in the last draw()
      ("rail.left.cards", "legend.entries", "title"); nullopt when it was not drawn. Text that
      does not fit is elided or wrapped, so this is 0 (the layout tests check it). */
  std::optional<float> textOverflow(const std::string& area) const;

  /** Most rows the diagnostics list shows before "and N more". */
  static constexpr std::size_t kMaxDiagnosticRows = 200;

 private:
  void drawControls(const FrameView& view, std::vector<Command>& out);
  void drawStats(const FrameView& view);
  void drawBuilding(const FrameView& view, std::vector<Command>& out);
  void drawDiagnostics(const FrameView& view);
  void drawAttribution(const FrameView& view);
  void drawProgress(const FrameView& view);
  void drawTitle(const FrameView& view);
  void drawLeftRail(const FrameView& view);
  void drawLegend(const FrameView& view);
  void drawIndicatorCards(const std::vector<IndicatorCard>& cards);
  void drawQuitDialog(const FrameView& view, std::vector<Command>& out);
  void remember(const std::string& id);
  void rememberWindow(const std::string& id);

  ScreenLayout _layout;

  std::map<std::string, WidgetRect> _rects;
  std::map<std::string, float> _overflow;  // textOverflow()
  // Diagnostics::items() copies; the copy is kept until the count changes.
  const core::Diagnostics* _diagSource = nullptr;
  DiagnosticsDigest _diag;
};

}  // namespace twin::ui
