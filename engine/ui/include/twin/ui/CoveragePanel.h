// The life-circle coverage panel and the planning tools. Like Panels.h it reads a plain
// CoveragePanelView and returns CoverageCommands; it never touches the coverage model or the
// scene graph. Sections:
//   CoverageComparison ... per category and level: before / after / delta (compareCoverage())
//   CoveragePanelView .... input: figures, gaps, planning mode, saved scenarios
//   CoverageCommand ...... output: mode, category to add, colour by, fly to a gap, undo, reset,
//                          save / load a scenario
//   CoveragePanel ........ draws the panel; widgetRect() for tests and automation
#pragma once

#include <array>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "twin/analysis/Coverage.h"
#include "twin/model/Facility.h"
#include "twin/ui/I18n.h"
#include "twin/ui/Panels.h"

namespace twin::ui {

/** One figure before and after an edit. */
template <class T>
struct BeforeAfter {
  T before{}, after{};
  T delta() const { return after - before; }
};

struct CategoryComparison {
  std::string id, label;
  int levelMinutes = 15;
  BeforeAfter<long long> facilities, buildingsCovered;
  BeforeAfter<double> residentsCovered;
};
struct LevelComparison {
  int minutes = 0;
  BeforeAfter<long long> buildingsMet;
  BeforeAfter<double> residentsMet;
};
struct CoverageComparison {
  std::size_t buildings = 0;  // residential buildings (the same before and after)
  double residents = 0;
  std::vector<CategoryComparison> categories;  // parallel to FacilityConfig::categories
  std::vector<LevelComparison> levels;         // 5, 10, 15
  BeforeAfter<long long> gaps;                 // buildings missing some required category
};

/** Before/after figures of two summaries of the same site and config (e.g. the baseline model and
    the same model after a scenario). Summaries with fewer categories than `config` give zeros for
    the missing ones. */
CoverageComparison compareCoverage(const analysis::CoverageSummary& before, const analysis::CoverageSummary& after,
                                   const model::FacilityConfig& config);

enum class PlanningMode { Inspect, Isochrone, AddFacility, MoveFacility };

/** What the buildings are coloured by: the walking minutes to one category, or the worst minutes
    over the required categories of one level (5, 10, 15); `category` < 0 and `levelMinutes` 0 =
    colour by use. */
struct ColourBy {
  int category = -1;     // index into FacilityConfig::categories, or -1
  int levelMinutes = 0;  // 5, 10, 15, or 0
};

/** A residential building that misses some required category. */
struct GapRow {
  std::size_t building = 0;          // index into Site::buildings
  std::string name;                  // building name or "way/123"
  std::vector<std::string> missing;  // category labels
};

struct CoveragePanelView {
  Language language = Language::ZhCN;
  CoverageComparison figures;               // before == after when nothing is edited
  bool comparing = false;                   // show before/after columns
  std::string comparingWhat;                // the scenario's name, or empty for unsaved edits
  std::vector<std::string> categoryLabels;  // for the "add facility" and colour combos
  std::vector<GapRow> gaps;                 // at most a few hundred; `gapsTotal` says how many there are
  std::size_t gapsTotal = 0;
  PlanningMode mode = PlanningMode::Inspect;
  int addCategory = 0;  // category of the next added facility
  ColourBy colourBy;
  std::size_t edits = 0;                    // undoable edits
  std::vector<std::string> savedScenarios;  // names in the scene file
  std::string status;                       // last result as text (an error message), shown as it is
  std::string statusKey, statusArg;         // or an i18n key ("planning.saved") with its %s; shown first
  double lastUpdateMs = 0;                  // time of the last coverage update or isochrone
  bool startOpen = false;                   // the window starts collapsed to its title bar unless set
  bool split = false;                       // the before/after split view is on
  std::string splitLeft, splitRight;        // its two sides: a saved scenario's name, "" = existing state
};

struct SetPlanningMode {
  PlanningMode mode;
};
struct SetAddCategory {
  int category = 0;
};
struct SetColourBy {
  ColourBy colourBy;
};
struct FlyToBuilding {
  std::size_t building = 0;
};
struct UndoEdit {};
struct ResetEdits {};
struct SaveScenarioAs {
  std::string name;
};
struct LoadScenario {
  std::string name;
};
/** The split view on or off, with the scenario on each side ("" = the existing state). */
struct SetSplit {
  bool on = false;
  std::string left, right;
};
struct ExportCoverageTable {};  // write the coverage table (one row per residential building) as CSV
using CoverageCommand = std::variant<SetPlanningMode, SetAddCategory, SetColourBy, FlyToBuilding, UndoEdit, ResetEdits,
                                     SaveScenarioAs, LoadScenario, ExportCoverageTable, SetSplit>;

/** Draws the coverage window. Keeps the scenario name being typed between frames. Not
    thread-safe (ImGui context). */
class CoveragePanel {
 public:
  /** Call between ImGui::NewFrame() and ImGui::Render(). Returns this frame's commands in the
      order they happened. "Save" with an empty name emits nothing. */
  std::vector<CoverageCommand> draw(const CoveragePanelView& view);

  /** Where a widget was drawn in the last draw(): "mode.inspect", "mode.isochrone", "mode.add",
      "mode.move", "add.category", "colour.by", "undo", "reset", "scenario.name", "scenario.save",
      "scenario.load.<name>", "split", "split.left", "split.right", "export", "category.<id>" (table rows),
     "level.<minutes>", "gap.<building>", and the window "window.coverage". nullopt when it was not drawn. */
  std::optional<WidgetRect> widgetRect(const std::string& id) const;

  /** Pre-fills the scenario name field (e.g. with a loaded scenario's name). */
  void setScenarioName(const std::string& name);

  /** Most gap rows drawn. */
  static constexpr std::size_t kMaxGapRows = 200;

 private:
  void drawModes(const CoveragePanelView& view, std::vector<CoverageCommand>& out);
  void drawViewCombos(const CoveragePanelView& view, std::vector<CoverageCommand>& out);
  void drawSplitControls(const CoveragePanelView& view, std::vector<CoverageCommand>& out);
  void drawScenarioControls(const CoveragePanelView& view, std::vector<CoverageCommand>& out);
  void drawCategoryTable(const CoveragePanelView& view);
  void drawCategoryRow(const CoveragePanelView& view, const CategoryComparison& row);
  void drawLevels(const CoveragePanelView& view);
  void drawGaps(const CoveragePanelView& view, std::vector<CoverageCommand>& out);
  void remember(const std::string& id);

  std::map<std::string, WidgetRect> _rects;
  std::array<char, 96> _name{};
};

}  // namespace twin::ui
