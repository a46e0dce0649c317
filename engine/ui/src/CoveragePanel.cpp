// CoveragePanel: the coverage table with bars (before/after when comparing), the level table,
// the planning tools and the gap list, in one window. The window identity uses "###id" so that
// switching the language keeps its position.
#include "twin/ui/CoveragePanel.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iterator>

#include <imgui.h>

#include "FontScale.h"

namespace twin::ui {
namespace {

constexpr float kMargin = 10.0f;

std::string signedCount(long long v) {
  char b[32];
  std::snprintf(b, sizeof b, "%+lld", v);
  return b;
}

std::string signedNumber(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%+.0f", v);
  return b;
}

float share(double part, double whole) {
  if (!(whole > 0) || !std::isfinite(part)) return 0;
  return float(std::clamp(part / whole, 0.0, 1.0));
}

// Green for a gain, red for a loss: the delta column is what a planner reads first.
void deltaText(double delta, const std::string& text) {
  if (delta > 0)
    ImGui::TextColored(ImVec4(0.35f, 0.85f, 0.45f, 1), "%s", text.c_str());
  else if (delta < 0)
    ImGui::TextColored(ImVec4(0.95f, 0.35f, 0.3f, 1), "%s", text.c_str());
  else
    ImGui::TextDisabled("%s", text.c_str());
}

void shareBar(float fraction, float width) {
  char overlay[16];
  std::snprintf(overlay, sizeof overlay, "%.0f%%", fraction * 100);
  ImGui::ProgressBar(fraction, ImVec2(width, 0), overlay);
}

}  // namespace

CoverageComparison compareCoverage(const analysis::CoverageSummary& before, const analysis::CoverageSummary& after,
                                   const model::FacilityConfig& config) {
  CoverageComparison c;
  c.buildings = after.buildings;
  c.residents = after.residents;
  for (std::size_t i = 0; i < config.categories.size(); ++i) {
    CategoryComparison row;
    row.id = config.categories[i].id;
    row.label = config.categories[i].label;
    row.levelMinutes = config.categories[i].levelMinutes;
    if (i < before.categories.size()) {
      row.facilities.before = static_cast<long long>(before.categories[i].facilities);
      row.buildingsCovered.before = static_cast<long long>(before.categories[i].buildingsCovered);
      row.residentsCovered.before = before.categories[i].residentsCovered;
    }
    if (i < after.categories.size()) {
      row.facilities.after = static_cast<long long>(after.categories[i].facilities);
      row.buildingsCovered.after = static_cast<long long>(after.categories[i].buildingsCovered);
      row.residentsCovered.after = after.categories[i].residentsCovered;
    }
    c.categories.push_back(std::move(row));
  }
  for (const analysis::LevelSummary& l : after.levels) {
    LevelComparison row;
    row.minutes = l.minutes;
    row.buildingsMet.after = static_cast<long long>(l.buildingsMet);
    row.residentsMet.after = l.residentsMet;
    for (const analysis::LevelSummary& b : before.levels)
      if (b.minutes == l.minutes) {
        row.buildingsMet.before = static_cast<long long>(b.buildingsMet);
        row.residentsMet.before = b.residentsMet;
      }
    c.levels.push_back(row);
  }
  c.gaps.before = static_cast<long long>(before.gaps.size());
  c.gaps.after = static_cast<long long>(after.gaps.size());
  return c;
}

std::optional<WidgetRect> CoveragePanel::widgetRect(const std::string& id) const {
  auto it = _rects.find(id);
  if (it == _rects.end()) return std::nullopt;
  return it->second;
}

void CoveragePanel::remember(const std::string& id) {
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  _rects[id] = WidgetRect{a.x, a.y, b.x, b.y};
}

void CoveragePanel::setScenarioName(const std::string& name) {
  std::snprintf(_name.data(), _name.size(), "%s", name.c_str());
}

std::vector<CoverageCommand> CoveragePanel::draw(const CoveragePanelView& view) {
  _rects.clear();
  std::vector<CoverageCommand> out;
  const Language lang = view.language;
  const ImGuiIO& io = ImGui::GetIO();
  // Right side, below the statistics window and above the attribution line.
  ImGui::SetNextWindowPos(ImVec2(io.DisplaySize.x - kMargin, io.DisplaySize.y * 0.40f), ImGuiCond_FirstUseEver,
                          ImVec2(1, 0));
  ImGui::SetNextWindowSize(
      ImVec2(std::min(38 * ImGui::GetFontSize(), io.DisplaySize.x * 0.45f), io.DisplaySize.y * 0.52f),
      ImGuiCond_FirstUseEver);
  // Collapsed until wanted: on a 1280x720 screen the open panel covers the building panel.
  ImGui::SetNextWindowCollapsed(!view.startOpen, ImGuiCond_FirstUseEver);
  const bool open = ImGui::Begin(windowTitle(lang, "coverage.panel", "coverage").c_str());
  remember("window.coverage");
  if (!open) {
    ImGui::End();
    return out;
  }

  drawModes(view, out);
  drawViewCombos(view, out);
  drawScenarioControls(view, out);
  drawCategoryTable(view);
  drawLevels(view);
  drawGaps(view, out);
  ImGui::End();
  return out;
}

// ---- planning tools: the mode radio buttons
void CoveragePanel::drawModes(const CoveragePanelView& view, std::vector<CoverageCommand>& out) {
  const Language lang = view.language;
  const struct {
    PlanningMode mode;
    const char* key;
    const char* id;
  } modes[] = {{PlanningMode::Inspect, "coverage.mode.inspect", "mode.inspect"},
               {PlanningMode::Isochrone, "coverage.mode.isochrone", "mode.isochrone"},
               {PlanningMode::AddFacility, "coverage.mode.add", "mode.add"},
               {PlanningMode::MoveFacility, "coverage.mode.move", "mode.move"}};
  ImGui::TextDisabled("%s", tr(lang, "coverage.tools"));
  for (std::size_t i = 0; i < std::size(modes); ++i) {
    if (i) ImGui::SameLine();
    if (ImGui::RadioButton((std::string(tr(lang, modes[i].key)) + "##" + modes[i].id).c_str(),
                           view.mode == modes[i].mode))
      out.push_back(SetPlanningMode{modes[i].mode});
    remember(modes[i].id);
  }
}

// The category that "add" places, and what the buildings are coloured by.
void CoveragePanel::drawViewCombos(const CoveragePanelView& view, std::vector<CoverageCommand>& out) {
  const Language lang = view.language;
  const int categories = static_cast<int>(view.categoryLabels.size());
  if (categories > 0) {
    const int current = std::clamp(view.addCategory, 0, categories - 1);
    ImGui::SetNextItemWidth(220);
    if (ImGui::BeginCombo((std::string(tr(lang, "coverage.addCategory")) + "##add.category").c_str(),
                          view.categoryLabels[std::size_t(current)].c_str())) {
      for (int c = 0; c < categories; ++c)
        if (ImGui::Selectable(view.categoryLabels[std::size_t(c)].c_str(), c == current) && c != current)
          out.push_back(SetAddCategory{c});
      ImGui::EndCombo();
    }
    remember("add.category");

    // Colour combo: use, the three levels, then every category.
    std::vector<std::pair<ColourBy, std::string>> items;
    items.push_back({ColourBy{}, tr(lang, "coverage.colour.use")});
    for (int minutes : {5, 10, 15})
      items.push_back({ColourBy{-1, minutes}, std::to_string(minutes) + " " + tr(lang, "coverage.colour.level")});
    for (int c = 0; c < categories; ++c) items.push_back({ColourBy{c, 0}, view.categoryLabels[std::size_t(c)]});
    std::size_t selected = 0;
    for (std::size_t i = 0; i < items.size(); ++i)
      if (items[i].first.category == view.colourBy.category &&
          items[i].first.levelMinutes == view.colourBy.levelMinutes)
        selected = i;
    ImGui::SetNextItemWidth(220);
    if (ImGui::BeginCombo((std::string(tr(lang, "coverage.colourBy")) + "##colour.by").c_str(),
                          items[selected].second.c_str())) {
      for (std::size_t i = 0; i < items.size(); ++i)
        if (ImGui::Selectable(items[i].second.c_str(), i == selected) && i != selected)
          out.push_back(SetColourBy{items[i].first});
      ImGui::EndCombo();
    }
    remember("colour.by");
  }
}

// Undo, reset, and saving and loading scenarios; then the status line.
void CoveragePanel::drawScenarioControls(const CoveragePanelView& view, std::vector<CoverageCommand>& out) {
  const Language lang = view.language;
  if (view.edits == 0) ImGui::BeginDisabled();
  if (ImGui::Button((std::string(tr(lang, "coverage.undo")) + "##undo").c_str())) out.push_back(UndoEdit{});
  remember("undo");
  ImGui::SameLine();
  if (ImGui::Button((std::string(tr(lang, "coverage.reset")) + "##reset").c_str())) out.push_back(ResetEdits{});
  remember("reset");
  if (view.edits == 0) ImGui::EndDisabled();
  ImGui::SameLine();
  ImGui::SetNextItemWidth(150);
  ImGui::InputTextWithHint("##scenario.name", tr(lang, "coverage.scenarioName"), _name.data(), _name.size());
  remember("scenario.name");
  ImGui::SameLine();
  if (ImGui::Button((std::string(tr(lang, "coverage.save")) + "##scenario.save").c_str()) && _name[0] != '\0')
    out.push_back(SaveScenarioAs{std::string(_name.data())});
  remember("scenario.save");
  if (!view.savedScenarios.empty()) {
    ImGui::TextDisabled("%s", tr(lang, "coverage.load"));
    for (const std::string& name : view.savedScenarios) {
      ImGui::SameLine();
      const bool active = name == view.comparingWhat;
      if (active) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
      if (ImGui::SmallButton((name + "##scenario.load." + name).c_str())) {
        out.push_back(LoadScenario{name});
        setScenarioName(name);
      }
      if (active) ImGui::PopStyleColor();
      remember("scenario.load." + name);
    }
  }
  drawSplitControls(view, out);
  if (ImGui::Button((std::string(tr(lang, "coverage.export")) + "##export").c_str()))
    out.push_back(ExportCoverageTable{});
  remember("export");
  if (!view.statusKey.empty() || !view.status.empty()) {
    std::string text = view.statusKey.empty() ? std::string() : trFill(lang, view.statusKey.c_str(), {view.statusArg});
    if (!view.status.empty()) text += (text.empty() ? "" : ": ") + view.status;
    ImGui::TextWrapped("%s", text.c_str());
  }
  if (view.lastUpdateMs > 0) ImGui::TextDisabled("%s %.1f ms", tr(lang, "coverage.updated"), view.lastUpdateMs);
  ImGui::Separator();
}

// The split view: a switch and the scenario of each side (the existing state or a saved one).
void CoveragePanel::drawSplitControls(const CoveragePanelView& view, std::vector<CoverageCommand>& out) {
  const Language lang = view.language;
  bool on = view.split;
  if (ImGui::Checkbox((std::string(tr(lang, "coverage.split")) + "##split").c_str(), &on))
    out.push_back(SetSplit{
        on, view.splitLeft,
        view.splitRight.empty() && !view.savedScenarios.empty() && on ? view.savedScenarios.front() : view.splitRight});
  remember("split");
  const auto side = [&](const char* id, const char* label, const std::string& current, bool left) {
    ImGui::SameLine();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
    const std::string shown = current.empty() ? tr(lang, "split.existing") : current;
    if (ImGui::BeginCombo((std::string(label) + "##" + id).c_str(), shown.c_str())) {
      std::vector<std::string> names{""};
      names.insert(names.end(), view.savedScenarios.begin(), view.savedScenarios.end());
      for (const std::string& name : names)
        if (ImGui::Selectable((name.empty() ? std::string(tr(lang, "split.existing")) : name).c_str(), name == current))
          out.push_back(left ? SetSplit{true, name, view.splitRight} : SetSplit{true, view.splitLeft, name});
      ImGui::EndCombo();
    }
    remember(id);
  };
  side("split.left", tr(lang, "coverage.splitLeft"), view.splitLeft, true);
  side("split.right", tr(lang, "coverage.splitRight"), view.splitRight, false);
}

// ---- totals and the category table
void CoveragePanel::drawCategoryTable(const CoveragePanelView& view) {
  const Language lang = view.language;
  const CoverageComparison& f = view.figures;
  ImGui::Text("%s %zu   %s %.0f", tr(lang, "coverage.buildings"), f.buildings, tr(lang, "coverage.residents"),
              f.residents);
  if (view.comparing)
    ImGui::TextColored(ImGui::GetStyleColorVec4(ImGuiCol_CheckMark), "%s: %s", tr(lang, "coverage.comparing"),
                       view.comparingWhat.empty() ? tr(lang, "coverage.edits") : view.comparingWhat.c_str());
  const int columns = view.comparing ? 7 : 5;
  const ImGuiTableFlags flags =
      ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_ScrollY;
  // As tall as the rows need, up to half the space left; the gap list keeps the rest.
  const float rowsHeight = float(view.figures.categories.size() + 1) * ImGui::GetFrameHeightWithSpacing();
  const float tableHeight = std::min(rowsHeight, std::max(120.0f, ImGui::GetContentRegionAvail().y * 0.5f));
  if (ImGui::BeginTable("categories", columns, flags, ImVec2(0, tableHeight))) {
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn(tr(lang, "coverage.category"));
    ImGui::TableSetupColumn(tr(lang, "coverage.minutes"));
    ImGui::TableSetupColumn(tr(lang, "coverage.facilities"));
    if (view.comparing) {
      ImGui::TableSetupColumn(tr(lang, "coverage.before"));
      ImGui::TableSetupColumn(tr(lang, "coverage.after"));
      ImGui::TableSetupColumn(tr(lang, "coverage.delta"));
    } else {
      ImGui::TableSetupColumn(tr(lang, "coverage.share"));
    }
    ImGui::TableSetupColumn(tr(lang, "coverage.residentsCovered"));
    ImGui::TableHeadersRow();
    for (const CategoryComparison& row : f.categories) drawCategoryRow(view, row);
    ImGui::EndTable();
  }
}

// One row of the category table: facilities, the covered share (before/after/delta when
// comparing) and the residents covered.
void CoveragePanel::drawCategoryRow(const CoveragePanelView& view, const CategoryComparison& row) {
  const CoverageComparison& f = view.figures;
  ImGui::TableNextRow();
  ImGui::TableNextColumn();
  ImGui::TextUnformatted(row.label.c_str());
  remember("category." + row.id);
  ImGui::TableNextColumn();
  ImGui::Text("%d", row.levelMinutes);
  ImGui::TableNextColumn();
  if (view.comparing && row.facilities.delta() != 0)
    ImGui::Text("%lld (%s)", row.facilities.after, signedCount(row.facilities.delta()).c_str());
  else
    ImGui::Text("%lld", row.facilities.after);
  if (view.comparing) {
    ImGui::TableNextColumn();
    shareBar(share(double(row.buildingsCovered.before), double(f.buildings)), 80 * detail::fontScale());
    ImGui::TableNextColumn();
    shareBar(share(double(row.buildingsCovered.after), double(f.buildings)), 80 * detail::fontScale());
    ImGui::TableNextColumn();
    deltaText(double(row.buildingsCovered.delta()), signedCount(row.buildingsCovered.delta()));
  } else {
    ImGui::TableNextColumn();
    shareBar(share(double(row.buildingsCovered.after), double(f.buildings)), 120 * detail::fontScale());
  }
  ImGui::TableNextColumn();
  if (view.comparing && row.residentsCovered.delta() != 0)
    ImGui::Text("%.0f (%s)", row.residentsCovered.after, signedNumber(row.residentsCovered.delta()).c_str());
  else
    ImGui::Text("%.0f", row.residentsCovered.after);
}

// ---- levels
void CoveragePanel::drawLevels(const CoveragePanelView& view) {
  const Language lang = view.language;
  const CoverageComparison& f = view.figures;
  ImGui::TextDisabled("%s", tr(lang, "coverage.levels"));
  for (const LevelComparison& level : f.levels) {
    ImGui::Text("%2d %s", level.minutes, tr(lang, "coverage.minutes"));
    ImGui::SameLine(70 * detail::fontScale());
    shareBar(share(double(level.buildingsMet.after), double(f.buildings)), 140 * detail::fontScale());
    remember("level." + std::to_string(level.minutes));
    ImGui::SameLine();
    ImGui::Text("%lld / %zu", level.buildingsMet.after, f.buildings);
    if (view.comparing) {
      ImGui::SameLine();
      deltaText(double(level.buildingsMet.delta()), signedCount(level.buildingsMet.delta()));
    }
  }
}

// ---- gaps
void CoveragePanel::drawGaps(const CoveragePanelView& view, std::vector<CoverageCommand>& out) {
  const Language lang = view.language;
  const CoverageComparison& f = view.figures;
  ImGui::Separator();
  ImGui::Text("%s: %zu", tr(lang, "coverage.gaps"), view.gapsTotal);
  if (view.comparing && f.gaps.delta() != 0) {
    ImGui::SameLine();
    deltaText(-double(f.gaps.delta()), signedCount(f.gaps.delta()));
  }
  // At least a few rows even in a short window (the window scrolls instead).
  if (ImGui::BeginChild("gaps", ImVec2(0, std::max(100.0f, ImGui::GetContentRegionAvail().y)), false)) {
    const std::size_t shown = std::min(view.gaps.size(), kMaxGapRows);
    for (std::size_t i = 0; i < shown; ++i) {
      const GapRow& gap = view.gaps[i];
      std::string missing;
      for (const std::string& m : gap.missing) missing += (missing.empty() ? "" : ", ") + m;
      const std::string label = gap.name + ": " + missing + "##gap." + std::to_string(gap.building);
      if (ImGui::Selectable(label.c_str())) out.push_back(FlyToBuilding{gap.building});
      remember("gap." + std::to_string(gap.building));
    }
    if (view.gapsTotal > shown) ImGui::TextDisabled("%s %zu", tr(lang, "coverage.more"), view.gapsTotal - shown);
  }
  ImGui::EndChild();
}

}  // namespace twin::ui
