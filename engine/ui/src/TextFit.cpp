#include "twin/ui/TextFit.h"

#include <algorithm>
#include <vector>

#include <imgui.h>
#include <imgui_internal.h>  // ImGuiWindow's cursor extent for horizontalOverflow()

namespace twin::ui {
namespace {

constexpr const char* kEllipsis = "...";  // ASCII: every font the panels build has it

bool continuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

std::string elideText(const std::string& text, float maxWidth, const TextMeasure& measure) {
  if (measure(text) <= maxWidth) return text;
  if (!(maxWidth > 0) || measure(kEllipsis) > maxWidth) return "";
  // Character boundaries, then a binary search for the longest prefix that fits with "...":
  // the measure is monotonic in the prefix length.
  std::vector<std::size_t> cuts;
  for (std::size_t i = 1; i < text.size(); ++i)
    if (!continuationByte(text[i])) cuts.push_back(i);
  std::size_t lo = 0, hi = cuts.size();  // answer: the number of cuts usable, 0 = none
  while (lo < hi) {
    const std::size_t mid = (lo + hi + 1) / 2;
    if (measure(text.substr(0, cuts[mid - 1]) + kEllipsis) <= maxWidth)
      lo = mid;
    else
      hi = mid - 1;
  }
  return (lo == 0 ? std::string() : text.substr(0, cuts[lo - 1])) + kEllipsis;
}

bool textElided(const std::string& text, const ImVec4* colour, float maxWidth, const std::string& tooltip) {
  const float width = maxWidth > 0 ? maxWidth : ImGui::GetContentRegionAvail().x;
  const std::string shown =
      elideText(text, width, [](const std::string& t) { return ImGui::CalcTextSize(t.c_str()).x; });
  const bool cut = shown != text;
  const ImVec4 c = colour ? *colour : ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled);
  ImGui::TextColored(c, "%s", shown.c_str());
  if ((cut || !tooltip.empty()) && ImGui::IsItemHovered()) {
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * 30.0f);
    ImGui::TextUnformatted(text.c_str());
    if (!tooltip.empty()) ImGui::TextDisabled("%s", tooltip.c_str());
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
  }
  return cut;
}

void sameLineIfFits(float nextWidth) {
  const float lineEnd = ImGui::GetItemRectMax().x;
  const float spacing = ImGui::GetStyle().ItemSpacing.x;
  const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
  if (lineEnd + spacing + nextWidth <= right) ImGui::SameLine();
}

float horizontalOverflow() {
  const ImGuiWindow* window = ImGui::GetCurrentWindow();
  return std::max(0.0f, window->DC.CursorMaxPos.x - window->WorkRect.Max.x);
}

}  // namespace twin::ui
