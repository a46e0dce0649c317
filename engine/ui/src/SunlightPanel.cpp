// SunlightPanel: the sun-hours colour scale and the sunlight controls.
#include "twin/ui/SunlightPanel.h"
#include "twin/ui/SplitDivider.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include <imgui.h>

namespace twin::ui {
namespace {

constexpr double kEdgesHours[] = {0, 1, 2, 3, 4, 6};

// Below the pass line: the band just under it is orange, lower ones redder and darker.
constexpr Rgba kFailing[] = {
    {0.96f, 0.58f, 0.16f, 1}, {0.88f, 0.26f, 0.16f, 1}, {0.62f, 0.10f, 0.12f, 1}, {0.42f, 0.05f, 0.10f, 1}};
// At and above it: light green, then greener, then teal.
constexpr Rgba kPassing[] = {
    {0.66f, 0.86f, 0.36f, 1}, {0.25f, 0.72f, 0.32f, 1}, {0.10f, 0.58f, 0.52f, 1}, {0.10f, 0.45f, 0.62f, 1}};

std::string hoursText(double h) {
  char text[32];
  if (std::abs(h - std::round(h)) < 1e-9)
    std::snprintf(text, sizeof text, "%d", int(std::lround(h)));
  else
    std::snprintf(text, sizeof text, "%.1f", h);
  return text;
}

}  // namespace

std::vector<SunlightBand> sunlightBands(double requiredHours, double windowHours) {
  if (!std::isfinite(windowHours) || windowHours <= 0) windowHours = 8;
  windowHours = std::min(windowHours, 24.0);
  if (!std::isfinite(requiredHours) || requiredHours <= 0) requiredHours = std::min(1.0, windowHours / 2);
  if (requiredHours >= windowHours) requiredHours = windowHours / 2;
  std::vector<double> edges;
  for (double e : kEdgesHours)
    if (e < windowHours) edges.push_back(e);
  edges.push_back(requiredHours);
  std::sort(edges.begin(), edges.end());
  edges.erase(std::unique(edges.begin(), edges.end(), [](double a, double b) { return std::abs(a - b) < 1e-9; }),
              edges.end());
  std::vector<SunlightBand> bands;
  const auto line = std::find_if(edges.begin(), edges.end(), [&](double e) { return e >= requiredHours - 1e-9; });
  const int firstPassing = int(line - edges.begin());
  for (std::size_t i = 0; i < edges.size(); ++i) {
    SunlightBand b;
    b.fromHours = edges[i];
    b.toHours = i + 1 < edges.size() ? edges[i + 1] : windowHours;
    b.passes = int(i) >= firstPassing;
    const int below = firstPassing - 1 - int(i), above = int(i) - firstPassing;
    b.colour = b.passes ? kPassing[std::min(above, 3)] : kFailing[std::min(below, 3)];
    bands.push_back(b);
  }
  return bands;
}

Rgba sunlightColour(double sunMinutes, double requiredHours, double windowHours) {
  const double hours = std::isfinite(sunMinutes) && sunMinutes > 0 ? sunMinutes / 60 : 0;
  const std::vector<SunlightBand> bands = sunlightBands(requiredHours, windowHours);
  // A band's lower edge belongs to it: exactly the required minutes pass, as GB 50180 counts.
  for (std::size_t i = bands.size(); i-- > 0;)
    if (hours >= bands[i].fromHours - 1e-9) return bands[i].colour;
  return bands.front().colour;
}

LegendGroup sunlightLegend(Language language, double requiredHours, double windowHours, const std::string& dayLabel) {
  LegendGroup group;
  group.title = std::string(tr(language, "legend.sunlight")) + (dayLabel.empty() ? "" : " · " + dayLabel);
  const std::vector<SunlightBand> bands = sunlightBands(requiredHours, windowHours);
  for (const SunlightBand& b : bands) {
    char text[64];
    std::snprintf(text, sizeof text, tr(language, "legend.sunBand"), hoursText(b.fromHours).c_str(),
                  hoursText(b.toHours).c_str());
    group.entries.push_back({b.colour, text});
  }
  const double line =
      std::find_if(bands.begin(), bands.end(), [](const SunlightBand& b) { return b.passes; })->fromHours;
  char text[160];
  std::snprintf(text, sizeof text, tr(language, "legend.sunPassLine"), hoursText(line).c_str());
  group.entries.push_back({Rgba{1, 1, 1, 1}, text});
  return group;
}

Rgba unscoredGrey() { return Rgba{0.46f, 0.47f, 0.50f, 1}; }
Rgba lostComplianceColour() { return Rgba{1.0f, 0.16f, 0.85f, 1}; }
Rgba proposedBuildingColour() { return Rgba{0.62f, 0.36f, 0.95f, 1}; }

// ---------------------------------------------------------------- SunlightPanel

void SunlightPanel::remember(const std::string& id) {
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  _rects[id] = WidgetRect{a.x, a.y, b.x, b.y};
}

std::optional<WidgetRect> SunlightPanel::widgetRect(const std::string& id) const {
  const auto it = _rects.find(id);
  if (it == _rects.end()) return std::nullopt;
  return it->second;
}

void SunlightPanel::drawControls(const SunlightPanelView& view, std::vector<SunlightCommand>& out, bool compact) {
  const Language lang = view.language;
  bool colouring = view.colouring;
  if (ImGui::Checkbox((std::string(tr(lang, "sunlight.colour")) + "##sunlight.colour").c_str(), &colouring))
    out.push_back(SetSunlightColouring{colouring});
  remember("sunlight.colour");
  ImGui::SameLine();
  bool shadows = view.shadows;
  if (ImGui::Checkbox((std::string(tr(lang, "sunlight.shadows")) + "##sunlight.shadows").c_str(), &shadows))
    out.push_back(SetShadows{shadows});
  remember("sunlight.shadows");
  if (compact) ImGui::SameLine();
  int minutes = std::clamp(view.sunMinutes, kSunSliderFirstMinute, kSunSliderLastMinute);
  char clock[16];
  std::snprintf(clock, sizeof clock, "%02d:%02d", minutes / 60, minutes % 60);
  ImGui::SetNextItemWidth(compact ? ImGui::GetContentRegionAvail().x : 22 * ImGui::GetFontSize());
  if (ImGui::SliderInt("##sunlight.time", &minutes, kSunSliderFirstMinute, kSunSliderLastMinute, clock))
    out.push_back(SetSunMinutes{minutes - minutes % 5});
  remember("sunlight.time");
  if (!compact) {
    ImGui::SameLine();
    ImGui::TextUnformatted(tr(lang, "sunlight.time"));
  }
  if (!view.sunText.empty()) ImGui::TextDisabled("%s", view.sunText.c_str());
  if (view.computing) {
    char label[64];
    std::snprintf(label, sizeof label, "%s %d%%", tr(lang, "sunlight.computing"), int(view.progress * 100));
    ImGui::ProgressBar(float(std::clamp(view.progress, 0.0, 1.0)), ImVec2(-1, 0), label);
  }
}

std::vector<SunlightCommand> SunlightPanel::draw(const SunlightPanelView& view) {
  _rects.clear();
  std::vector<SunlightCommand> out;
  const Language lang = view.language;
  const ImGuiIO& io = ImGui::GetIO();
  ImGui::SetNextWindowPos(ImVec2(io.DisplaySize.x * 0.30f, io.DisplaySize.y * 0.52f), ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowCollapsed(!view.startOpen, ImGuiCond_FirstUseEver);
  // Sized by its content: the pass-count table appears once the analysis is done.
  const bool open =
      ImGui::Begin(windowTitle(lang, "sunlight.panel", "sunlight").c_str(), nullptr, ImGuiWindowFlags_AlwaysAutoResize);
  remember("window.sunlight");
  if (!open) {
    ImGui::End();
    return out;
  }
  ImGui::TextDisabled(tr(lang, "sunlight.standardLine"), view.standard.c_str(), view.dayLabel.c_str(),
                      hoursText(view.requiredHours).c_str());
  drawControls(view, out, false);
  // The proposal: a scenario's buildings added as shadow casters, compared with the present.
  const std::string none = tr(lang, "sunlight.noProposal");
  const std::string shown = view.proposal.empty() ? none : view.proposal;
  ImGui::SetNextItemWidth(22 * ImGui::GetFontSize());
  if (ImGui::BeginCombo((std::string(tr(lang, "sunlight.proposal")) + "##sunlight.proposal").c_str(), shown.c_str())) {
    if (ImGui::Selectable(none.c_str(), view.proposal.empty())) out.push_back(ChooseProposal{""});
    for (const std::string& name : view.proposals)
      if (ImGui::Selectable(name.c_str(), name == view.proposal)) out.push_back(ChooseProposal{name});
    ImGui::EndCombo();
  }
  remember("sunlight.proposal");
  if (view.proposal.empty()) ImGui::BeginDisabled();
  bool swipe = view.swipe;
  if (ImGui::Checkbox((std::string(tr(lang, "sunlight.swipe")) + "##sunlight.swipe").c_str(), &swipe))
    out.push_back(SetSwipe{swipe});
  remember("sunlight.swipe");
  if (view.proposal.empty()) ImGui::EndDisabled();
  if (view.computed) {
    const bool comparing = !view.proposal.empty();
    if (ImGui::BeginTable("##sunlight.counts", comparing ? 3 : 2,
                          ImGuiTableFlags_Borders | ImGuiTableFlags_SizingFixedFit)) {
      ImGui::TableSetupColumn(tr(lang, "sunlight.passing"));
      ImGui::TableSetupColumn(comparing ? tr(lang, "coverage.before") : tr(lang, "sunlight.now"));
      if (comparing) ImGui::TableSetupColumn(tr(lang, "coverage.after"));
      ImGui::TableHeadersRow();
      auto row = [&](const char* key, std::size_t passB, std::size_t totalB, std::size_t passA, std::size_t totalA) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(tr(lang, key));
        ImGui::TableNextColumn();
        ImGui::Text("%zu / %zu", passB, totalB);
        if (comparing) {
          ImGui::TableNextColumn();
          if (passA < passB)
            ImGui::TextColored(ImVec4(1.0f, 0.45f, 0.8f, 1), "%zu / %zu", passA, totalA);
          else
            ImGui::Text("%zu / %zu", passA, totalA);
        }
      };
      row("sunlight.windows", view.before.windowsPass, view.before.windows, view.after.windowsPass, view.after.windows);
      row("sunlight.storeys", view.before.storeysPass, view.before.storeys, view.after.storeysPass, view.after.storeys);
      row("sunlight.buildings", view.before.buildingsPass, view.before.buildings, view.after.buildingsPass,
          view.after.buildings);
      ImGui::EndTable();
    }
    if (comparing) {
      const Rgba c = lostComplianceColour();
      ImGui::TextColored(ImVec4(c.r, c.g, c.b, 1), tr(lang, "sunlight.lost"), view.lostWindows);
    }
    ImGui::TextDisabled("%s %.1f s", tr(lang, "coverage.updated"), view.computeSeconds);
  }
  if (!view.status.empty()) ImGui::TextWrapped("%s", view.status.c_str());
  ImGui::End();
  return out;
}

std::vector<SunlightCommand> SunlightPanel::drawSwipe(const SunlightPanelView& view, const WidgetRect& screen) {
  std::vector<SunlightCommand> out;
  if (!view.swipe) return out;
  const Language lang = view.language;
  SplitDividerView divider;
  divider.fraction = view.swipeFraction;
  divider.left = tr(lang, "sunlight.now");
  char rightText[160];
  std::snprintf(rightText, sizeof rightText, tr(lang, "sunlight.swipeAfter"), view.proposal.c_str());
  divider.right = rightText;
  std::optional<WidgetRect> handle;
  if (const std::optional<float> moved = drawSplitDivider(divider, screen, &handle)) out.push_back(MoveSwipe{*moved});
  if (handle) _rects["swipe.handle"] = *handle;
  return out;
}

std::vector<SunlightCommand> SunlightPanel::drawBar(const SunlightPanelView& view, const WidgetRect& screen,
                                                    float scale) {
  _rects.clear();
  std::vector<SunlightCommand> out;
  const float width = std::min(760.0f * scale, screen.width() * 0.4f);
  ImGui::SetNextWindowPos(ImVec2(screen.centreX(), screen.maxY - 44 * scale), ImGuiCond_Always, ImVec2(0.5f, 1));
  ImGui::SetNextWindowSize(ImVec2(width, 0), ImGuiCond_Always);
  ImGui::SetNextWindowBgAlpha(0.80f);
  const ImGuiWindowFlags flags = ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove |
                                 ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings;
  if (ImGui::Begin("##sunbar", nullptr, flags)) {
    remember("window.sunbar");
    drawControls(view, out, true);
  }
  ImGui::End();
  return out;
}

}  // namespace twin::ui
