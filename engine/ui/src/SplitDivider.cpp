// SplitDivider: drawn with the background draw list so that the panels stay on top of it; the
// handle is a small window of its own, the one part that takes the mouse.
#include "twin/ui/SplitDivider.h"

#include <algorithm>

#include <imgui.h>

namespace twin::ui {

std::optional<float> drawSplitDivider(const SplitDividerView& view, const WidgetRect& screen,
                                      std::optional<WidgetRect>* handleRect) {
  if (handleRect) handleRect->reset();
  std::optional<float> moved;
  const float x = screen.minX + std::clamp(view.fraction, 0.0f, 1.0f) * screen.width();
  const float em = ImGui::GetFontSize();
  ImDrawList* lines = ImGui::GetBackgroundDrawList();
  lines->AddLine(ImVec2(x, screen.minY), ImVec2(x, screen.maxY), IM_COL32(255, 255, 255, 230),
                 std::max(3.0f, em * 0.15f));
  // The two sides' names, just below the top third, on dark plates either side of the line.
  const float y = screen.minY + screen.height() * 0.32f;
  const ImVec2 leftSize = ImGui::CalcTextSize(view.left.c_str()), rightSize = ImGui::CalcTextSize(view.right.c_str());
  const float pad = em * 0.4f;
  if (!view.left.empty()) {
    lines->AddRectFilled(ImVec2(x - leftSize.x - 3 * pad, y - pad), ImVec2(x - pad, y + leftSize.y + pad),
                         IM_COL32(0, 0, 0, 170), pad);
    lines->AddText(ImVec2(x - leftSize.x - 2 * pad, y), IM_COL32(255, 255, 255, 255), view.left.c_str());
  }
  if (!view.right.empty()) {
    lines->AddRectFilled(ImVec2(x + pad, y - pad), ImVec2(x + rightSize.x + 3 * pad, y + rightSize.y + pad),
                         IM_COL32(0, 0, 0, 170), pad);
    lines->AddText(ImVec2(x + 2 * pad, y), IM_COL32(255, 255, 255, 255), view.right.c_str());
  }
  if (!view.handle) return moved;
  // The handle: a small window on the line, dragged sideways.
  const float handle = em * 1.6f;
  ImGui::SetNextWindowPos(ImVec2(x, screen.centreY()), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowSize(ImVec2(handle, handle * 1.6f), ImGuiCond_Always);
  const ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                 ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBackground;
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
  if (ImGui::Begin("##swipe.handle", nullptr, flags)) {
    ImGui::InvisibleButton("##swipe.drag", ImVec2(handle, handle * 1.6f));
    const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
    if (handleRect) *handleRect = WidgetRect{a.x, a.y, b.x, b.y};
    const bool hot = ImGui::IsItemActive() || ImGui::IsItemHovered();
    ImGui::GetWindowDrawList()->AddRectFilled(a, b, hot ? IM_COL32(255, 255, 255, 255) : IM_COL32(235, 235, 235, 235),
                                              handle * 0.3f);
    ImGui::GetWindowDrawList()->AddText(ImVec2(a.x + handle * 0.18f, (a.y + b.y) / 2 - em / 2),
                                        IM_COL32(20, 20, 20, 255), "<>");
    if (ImGui::IsItemActive() && ImGui::GetIO().MouseDelta.x != 0 && screen.width() > 0)
      moved = std::clamp((ImGui::GetIO().MousePos.x - screen.minX) / screen.width(), 0.02f, 0.98f);
  }
  ImGui::End();
  ImGui::PopStyleVar();
  return moved;
}

}  // namespace twin::ui
