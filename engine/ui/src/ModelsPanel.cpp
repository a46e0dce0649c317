#include "twin/ui/ModelsPanel.h"

#include <imgui.h>

namespace twin::ui {
namespace {

constexpr float kMargin = 10.0f;
constexpr float kBottomGap = 240.0f;
constexpr float kValueWrapPixels = 360.0f;  // long attribute values wrap instead of widening the panel

}  // namespace

void ModelsPanel::remember(const std::string& id) {
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  _rects.emplace_back(id, WidgetRect{a.x, a.y, b.x, b.y});
}

std::optional<WidgetRect> ModelsPanel::widgetRect(const std::string& id) const {
  for (const auto& [key, rect] : _rects)
    if (key == id) return rect;
  return std::nullopt;
}

std::vector<ModelsCommand> ModelsPanel::draw(const ModelsView& view) {
  _rects.clear();
  std::vector<ModelsCommand> out;
  if (view.models.empty()) return out;
  const Language lang = view.language;
  const ImGuiIO& io = ImGui::GetIO();
  // Left edge, its bottom 240 px above the screen's (clear of the diagnostics panel), collapsed
  // to its title bar until a pick opens it: the controls panel above grows with the bookmarks.
  ImGui::SetNextWindowPos(ImVec2(kMargin, io.DisplaySize.y - kBottomGap), ImGuiCond_FirstUseEver, ImVec2(0, 1));
  ImGui::SetNextWindowCollapsed(true, ImGuiCond_FirstUseEver);
  if (view.expand) ImGui::SetNextWindowCollapsed(false, ImGuiCond_Always);
  if (!ImGui::Begin(windowTitle(lang, "panel.models", "models").c_str(), nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    ImGui::End();
    return out;
  }
  const ImVec2 wp = ImGui::GetWindowPos(), ws = ImGui::GetWindowSize();
  _rects.emplace_back("window.models", WidgetRect{wp.x, wp.y, wp.x + ws.x, wp.y + ws.y});

  for (const ModelRow& row : view.models) {
    ImGui::PushID(row.id.c_str());
    bool visible = row.visible;
    if (ImGui::Checkbox(row.id.c_str(), &visible)) out.push_back(SetModelVisible{row.id, visible});
    remember("model.visible." + row.id);
    ImGui::SameLine();
    ImGui::TextDisabled("%s", row.format.c_str());
    if (row.loading) {
      ImGui::SameLine();
      ImGui::TextUnformatted(tr(lang, "models.loading"));
    }
    ImGui::SameLine();
    if (ImGui::SmallButton(tr(lang, "models.fly"))) out.push_back(FlyToModel{row.id});
    remember("model.fly." + row.id);
    ImGui::PopID();
  }

  ImGui::Separator();
  if (!view.picked) {
    ImGui::TextDisabled("%s", tr(lang, "models.pick_hint"));
  } else {
    const PickedRow& p = *view.picked;
    ImGui::Text("%s: %s", tr(lang, "models.picked"), p.title.c_str());
    ImGui::TextDisabled("%s", p.model.c_str());
    if (ImGui::BeginTable("##picked.properties", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV)) {
      for (const auto& [key, value] : p.properties) {
        ImGui::TableNextRow();
        ImGui::TableSetColumnIndex(0);
        ImGui::TextUnformatted(key.c_str());
        ImGui::TableSetColumnIndex(1);
        ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + kValueWrapPixels);
        ImGui::TextUnformatted(value.c_str());
        ImGui::PopTextWrapPos();
      }
      ImGui::EndTable();
    }
    if (p.properties.empty()) ImGui::TextDisabled("%s", tr(lang, "models.no_attributes"));
    if (ImGui::Button(tr(lang, "models.clear"))) out.push_back(ClearPicked{});
    remember("picked.clear");
  }
  ImGui::End();
  return out;
}

}  // namespace twin::ui
