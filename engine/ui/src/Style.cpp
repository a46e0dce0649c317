#include "twin/ui/Style.h"

#include <imgui.h>

#include "SeverityText.h"

namespace twin::ui {
namespace {

using detail::toImVec4;

// Opaque and distinct from the themes' background and ground: panels stay readable over a busy
// city on a wall display, and rendering tests can find the panel colour exactly.
constexpr Rgba kDarkPanel{0.04f, 0.13f, 0.22f, 1.0f};
constexpr Rgba kLightPanel{0.93f, 0.95f, 0.98f, 1.0f};

void applyDark(ImGuiStyle& style) {
  ImGui::StyleColorsDark(&style);
  ImVec4* c = style.Colors;
  const ImVec4 accent(0.20f, 0.78f, 0.95f, 1.0f);  // cyan, the usual command-centre accent
  c[ImGuiCol_Text] = ImVec4(0.88f, 0.94f, 1.00f, 1.0f);
  c[ImGuiCol_TextDisabled] = ImVec4(0.50f, 0.60f, 0.70f, 1.0f);
  c[ImGuiCol_WindowBg] = toImVec4(kDarkPanel);
  c[ImGuiCol_ChildBg] = ImVec4(0.03f, 0.06f, 0.11f, 0.60f);
  c[ImGuiCol_PopupBg] = ImVec4(0.05f, 0.09f, 0.15f, 0.97f);
  c[ImGuiCol_Border] = ImVec4(0.16f, 0.45f, 0.62f, 0.80f);
  c[ImGuiCol_FrameBg] = ImVec4(0.09f, 0.17f, 0.27f, 1.0f);
  c[ImGuiCol_FrameBgHovered] = ImVec4(0.13f, 0.27f, 0.41f, 1.0f);
  c[ImGuiCol_FrameBgActive] = ImVec4(0.16f, 0.34f, 0.51f, 1.0f);
  c[ImGuiCol_TitleBg] = ImVec4(0.04f, 0.13f, 0.22f, 1.0f);
  c[ImGuiCol_TitleBgActive] = ImVec4(0.06f, 0.22f, 0.36f, 1.0f);
  c[ImGuiCol_TitleBgCollapsed] = ImVec4(0.04f, 0.13f, 0.22f, 0.85f);
  c[ImGuiCol_CheckMark] = accent;
  c[ImGuiCol_Button] = ImVec4(0.09f, 0.25f, 0.39f, 1.0f);
  c[ImGuiCol_ButtonHovered] = ImVec4(0.13f, 0.40f, 0.58f, 1.0f);
  c[ImGuiCol_ButtonActive] = ImVec4(0.18f, 0.55f, 0.75f, 1.0f);
  c[ImGuiCol_Header] = ImVec4(0.09f, 0.25f, 0.39f, 1.0f);
  c[ImGuiCol_HeaderHovered] = ImVec4(0.13f, 0.40f, 0.58f, 1.0f);
  c[ImGuiCol_HeaderActive] = ImVec4(0.18f, 0.55f, 0.75f, 1.0f);
  c[ImGuiCol_Separator] = ImVec4(0.16f, 0.45f, 0.62f, 0.6f);
  c[ImGuiCol_PlotHistogram] = accent;
  c[ImGuiCol_PlotLines] = accent;
  style.WindowBorderSize = 1.0f;
  style.FrameBorderSize = 0.0f;
}

void applyLight(ImGuiStyle& style) {
  ImGui::StyleColorsLight(&style);
  ImVec4* c = style.Colors;
  c[ImGuiCol_Text] = ImVec4(0.08f, 0.08f, 0.10f, 1.0f);
  c[ImGuiCol_WindowBg] = toImVec4(kLightPanel);
  c[ImGuiCol_Border] = ImVec4(0.55f, 0.55f, 0.58f, 0.8f);
  c[ImGuiCol_TitleBg] = ImVec4(0.86f, 0.87f, 0.89f, 1.0f);
  c[ImGuiCol_TitleBgActive] = ImVec4(0.80f, 0.83f, 0.88f, 1.0f);
  style.WindowBorderSize = 1.0f;
  style.FrameBorderSize = 1.0f;
}

}  // namespace

void applyStyle(const std::string& theme) {
  ImGuiStyle& style = ImGui::GetStyle();
  style = ImGuiStyle();
  style.WindowRounding = 4.0f;
  style.FrameRounding = 3.0f;
  style.GrabRounding = 3.0f;
  style.WindowPadding = ImVec2(10, 8);
  style.ItemSpacing = ImVec2(8, 5);
  if (theme == "light")
    applyLight(style);
  else
    applyDark(style);
}

Rgba panelBackground(const std::string& theme) { return theme == "light" ? kLightPanel : kDarkPanel; }

}  // namespace twin::ui
