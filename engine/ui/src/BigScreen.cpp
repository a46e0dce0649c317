// The big-screen layout (pure) and the Panels members that draw the big-screen windows: title
// bar, left rail, legend, quit dialog. The engineering windows are in Panels.cpp.
#include "twin/ui/BigScreen.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <imgui.h>

#include "twin/ui/MonitorPanels.h"
#include "twin/ui/Panels.h"
#include "twin/ui/TextFit.h"

#include "SeverityText.h"

namespace twin::ui {

using detail::kSeverities;
using detail::severityKey;
using detail::toImVec4;

bool overlaps(const WidgetRect& a, const WidgetRect& b) {
  if (a.empty() || b.empty()) return false;
  return a.minX < b.maxX && b.minX < a.maxX && a.minY < b.maxY && b.minY < a.maxY;
}

bool contains(const WidgetRect& outer, const WidgetRect& inner) {
  return inner.minX >= outer.minX && inner.minY >= outer.minY && inner.maxX <= outer.maxX && inner.maxY <= outer.maxY;
}

const char* uiModeName(UiMode mode) {
  switch (mode) {
    case UiMode::BigScreen: return "bigscreen";
    case UiMode::Engineering: return "engineering";
    case UiMode::Presentation: return "presentation";
  }
  return "bigscreen";
}

float defaultUiScale(int height) {
  if (height <= 0) return 1.0f;
  return std::clamp(float(height) / 1080.0f, 0.75f, kMaxUiScale);
}

namespace {
// Sizes at scale 1, chosen on a 1920x1080 screen: the rails hold a 300 px column of cards at the
// 18 px font, and the scene keeps about 62 % of the display's area between them.
constexpr float kMarginPx = 8.0f;
constexpr float kTitlePx = 44.0f;
constexpr float kCreditsPx = 36.0f;
constexpr float kRailPx = 300.0f;
constexpr float kLegendPx = 230.0f;
constexpr float kMinRailShare = 0.15f, kMaxRailShare = 0.25f;  // of the display width, each rail
}  // namespace

ScreenLayout bigScreenLayout(float width, float height, float scale, UiMode mode) {
  ScreenLayout l;
  l.scale = scale;
  l.display = WidgetRect{0, 0, width, height};
  const float m = kMarginPx * scale;
  const float credits = std::min(kCreditsPx * scale, height * 0.1f);
  l.credits = WidgetRect{0, height - credits, width, height};
  if (mode == UiMode::Engineering) {
    l.scene = WidgetRect{0, 0, width, height - credits};
    return l;
  }
  const float title = std::min(kTitlePx * scale, height * 0.12f);
  l.title = WidgetRect{0, 0, width, title};
  l.scene = WidgetRect{0, title, width, height - credits};
  if (mode == UiMode::Presentation) return l;

  // Rails: their scaled width unless the scene between them would get less than half the width.
  const float rail = std::clamp(std::min(kRailPx * scale, width * kMaxRailShare - 2 * m), width * kMinRailShare,
                                width * kMaxRailShare);
  const float top = title + m, bottom = height - credits - m;
  const float legend = std::min(kLegendPx * scale, (bottom - top) * 0.4f);
  l.left = WidgetRect{m, top, m + rail, bottom - legend - m};
  l.legend = WidgetRect{m, bottom - legend, m + rail, bottom};
  l.right = WidgetRect{width - m - rail, top, width - m, bottom};
  l.scene = WidgetRect{l.left.maxX + m, title, l.right.minX - m, height - credits};
  return l;
}

EscapeAction escapeAction(bool textFieldFocused, bool quitDialogOpen, bool unsavedEdits) {
  if (textFieldFocused) return EscapeAction::Ignore;
  if (quitDialogOpen) return EscapeAction::CloseDialog;
  return unsavedEdits ? EscapeAction::AskToQuit : EscapeAction::Quit;
}

Rgba severityTextColour(model::AlertSeverity severity, const std::string& theme) {
  Rgba c = severityColour(severity);
  if (theme != "light") return c;
  const Rgba panel = panelBackground(theme);
  // Darken in 5 % steps: keeps the hue (yellow becomes ochre) while reaching AA contrast.
  for (int i = 0; i < 20 && contrastRatio(c, panel) < 4.5f; ++i) {
    c.r *= 0.95f;
    c.g *= 0.95f;
    c.b *= 0.95f;
  }
  return c;
}

Rgba readableTextColour(Rgba c, const Rgba& background) {
  const bool light = contrastRatio(background, Rgba{0, 0, 0, 1}) > contrastRatio(background, Rgba{1, 1, 1, 1});
  for (int i = 0; i < 40 && contrastRatio(c, background) < 4.5f; ++i) {
    if (light) {
      c.r *= 0.95f, c.g *= 0.95f, c.b *= 0.95f;
    } else {
      c.r += (1 - c.r) * 0.05f, c.g += (1 - c.g) * 0.05f, c.b += (1 - c.b) * 0.05f;
    }
  }
  return c;
}

float contrastRatio(const Rgba& a, const Rgba& b) {
  auto luminance = [](const Rgba& c) {
    auto channel = [](float v) { return v <= 0.03928f ? v / 12.92f : std::pow((v + 0.055f) / 1.055f, 2.4f); };
    return 0.2126f * channel(c.r) + 0.7152f * channel(c.g) + 0.0722f * channel(c.b);
  };
  const float la = luminance(a), lb = luminance(b);
  return (std::max(la, lb) + 0.05f) / (std::min(la, lb) + 0.05f);
}

// ---------------------------------------------------------------- drawing

namespace {

// A fixed window exactly on `r`: the layout owns where big-screen panels go.
bool beginFixed(const char* id, const WidgetRect& r, float bgAlpha, ImGuiWindowFlags extra = 0) {
  ImGui::SetNextWindowPos(ImVec2(r.minX, r.minY), ImGuiCond_Always);
  ImGui::SetNextWindowSize(ImVec2(r.width(), r.height()), ImGuiCond_Always);
  ImGui::SetNextWindowBgAlpha(bgAlpha);
  const ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                                 ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoFocusOnAppearing |
                                 ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoNav | extra;
  return ImGui::Begin(id, nullptr, flags);
}

std::string percent(std::size_t part, std::size_t whole) {
  if (whole == 0) return "-";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.0f %%", 100.0 * double(part) / double(whole));
  return buffer;
}

// One card: a small caption, a large value with its unit.
void card(const std::string& caption, const std::string& value, const std::string& unit, const char* id) {
  ImGui::PushID(id);
  ImGui::TextDisabled("%s", caption.c_str());
  ImGui::SetWindowFontScale(1.5f);
  ImGui::TextUnformatted(value.c_str());
  ImGui::SetWindowFontScale(1.0f);
  if (!unit.empty()) {
    ImGui::SameLine();
    ImGui::TextDisabled("%s", unit.c_str());
  }
  ImGui::Separator();
  ImGui::PopID();
}

}  // namespace

void Panels::rememberWindow(const std::string& id) {
  const ImVec2 wp = ImGui::GetWindowPos(), ws = ImGui::GetWindowSize();
  _rects[id] = WidgetRect{wp.x, wp.y, wp.x + ws.x, wp.y + ws.y};
}

void Panels::drawTitle(const FrameView& view) {
  const Language lang = view.language;
  if (beginFixed("##title", _layout.title, 0.85f)) {
    rememberWindow("window.title");
    ImGui::SetWindowFontScale(1.25f);
    const std::string name = view.siteName.empty() ? tr(lang, "app.title") : view.siteName;
    ImGui::TextUnformatted(name.c_str());
    ImGui::SetWindowFontScale(1.0f);
    const float gap = 24.0f * _layout.scale;
    if (!view.status.clock.empty()) {
      ImGui::SameLine(0, gap);
      ImGui::Text("%s %s", tr(lang, "screen.clock"), view.status.clock.c_str());
      if (view.status.replay) {
        ImGui::SameLine();
        ImGui::TextColored(toImVec4(severityTextColour(model::AlertSeverity::Major, view.theme)), "[%s]",
                           tr(lang, "screen.replay"));
      }
    }
    if (view.status.carousel) {
      ImGui::SameLine(0, gap);
      ImGui::TextDisabled("[%s]", tr(lang, "screen.carousel"));
    }
    if (view.status.hasSensors) {
      ImGui::SameLine(0, gap);
      ImGui::Text("%s %d/%d", tr(lang, "screen.sensorsOnline"), view.status.sensorsOnline, view.status.sensors);
      ImGui::SameLine(0, gap);
      ImGui::TextUnformatted(tr(lang, "screen.activeAlarms"));
      for (model::AlertSeverity s : kSeverities) {
        ImGui::SameLine();
        ImGui::TextColored(toImVec4(severityTextColour(s, view.theme)), "%s %d", tr(lang, severityKey(s)),
                           view.status.activeBySeverity[std::size_t(s)]);
      }
    }
    // The mode keys, at the right end: a wall screen has no menu to find them in.
    // Left out when the figures leave it no room (a narrow screen, a long name).
    const char* hint = tr(lang, "screen.keys");
    const float hintWidth = ImGui::CalcTextSize(hint).x;
    const float hintX = ImGui::GetWindowContentRegionMax().x - hintWidth;
    if (ImGui::GetItemRectMax().x - ImGui::GetWindowPos().x + gap <= hintX) {
      ImGui::SameLine(hintX);
      ImGui::TextDisabled("%s", hint);
    }
    _overflow["title"] = horizontalOverflow();
  }
  ImGui::End();
}

void Panels::drawLeftRail(const FrameView& view) {
  const Language lang = view.language;
  if (beginFixed("##rail.left", _layout.left, 0.80f)) {
    rememberWindow("window.rail.left");
    ImGui::TextColored(ImGui::GetStyleColorVec4(ImGuiCol_CheckMark), "%s",
                       tr(lang, view.indicators.empty() ? "screen.sceneFigures" : "screen.indicators"));
    ImGui::Separator();
    ImGui::BeginChild("##rail.left.cards");
    if (!view.indicators.empty()) {
      drawIndicatorCards(view.indicators);
    } else {
      if (!view.indicatorsNote.empty()) {
        ImGui::PushTextWrapPos(0);
        ImGui::TextDisabled("%s", view.indicatorsNote.c_str());
        ImGui::PopTextWrapPos();
        ImGui::Separator();
      }
      const SceneFigures& f = view.figures;
      card(tr(lang, "screen.buildings"), std::to_string(f.buildings), "", "card.buildings");
      card(tr(lang, "screen.measuredShare"), percent(f.measuredHeights, f.buildings), "", "card.measured");
      std::size_t pois = 0;
      for (const auto& entry : f.poisByCategory) pois += entry.second;
      card(tr(lang, "screen.pois"), std::to_string(pois), "", "card.pois");
      for (const auto& [category, count] : f.poisByCategory) {
        const std::string key = "poiCategory." + category;
        const char* label = findTranslation(lang, key) ? tr(lang, key.c_str()) : category.c_str();
        ImGui::Text("  %s", label);
        ImGui::SameLine(ImGui::GetWindowWidth() * 0.7f);
        ImGui::Text("%zu", count);
      }
      ImGui::Separator();
      if (view.status.hasSensors) {
        card(tr(lang, "screen.sensorsOnline"),
             std::to_string(view.status.sensorsOnline) + " / " + std::to_string(view.status.sensors), "",
             "card.sensors");
        ImGui::TextDisabled("%s", tr(lang, "screen.activeAlarms"));
        for (model::AlertSeverity s : kSeverities) {
          ImGui::TextColored(toImVec4(severityTextColour(s, view.theme)), "  %s", tr(lang, severityKey(s)));
          ImGui::SameLine(ImGui::GetWindowWidth() * 0.7f);
          ImGui::Text("%d", view.status.activeBySeverity[std::size_t(s)]);
        }
      }
    }
    _overflow["rail.left.cards"] = horizontalOverflow();
    ImGui::EndChild();
  }
  ImGui::End();
}

// One card per scenario: its name, then a line per figure with the name (elided to what the rail
// leaves it) on the left and the value with its unit on the right; hovering a line shows its
// whole name and where the figure comes from, or why there is none.
void Panels::drawIndicatorCards(const std::vector<IndicatorCard>& cards) {
  const ImVec4 accent = ImGui::GetStyleColorVec4(ImGuiCol_CheckMark);
  const ImVec4 text = ImGui::GetStyleColorVec4(ImGuiCol_Text);
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  for (std::size_t i = 0; i < cards.size(); ++i) {
    const IndicatorCard& c = cards[i];
    if (i == 0 || c.scenario != cards[i - 1].scenario) {
      if (i > 0) ImGui::Separator();
      textElided(c.scenario, &accent);
    }
    ImGui::PushID(int(i));
    const std::string figure = c.unit.empty() ? c.value : c.value + " " + c.unit;
    const float figureWidth = ImGui::CalcTextSize(figure.c_str()).x;
    const float avail = ImGui::GetContentRegionAvail().x;
    const float nameWidth = std::max(0.0f, avail - figureWidth - gap);
    const float lineX = ImGui::GetCursorPosX();
    textElided(c.indicator, nullptr, nameWidth, c.detail);
    ImGui::SameLine(lineX + std::max(0.0f, avail - figureWidth));
    if (c.missing) {
      textElided(figure, nullptr, std::min(figureWidth, avail), c.detail);
    } else {
      ImGui::TextColored(text, "%s", figure.c_str());
      if (!c.detail.empty() && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", c.detail.c_str());
    }
    ImGui::PopID();
  }
}

void Panels::drawLegend(const FrameView& view) {
  const Language lang = view.language;
  bool open = false;
  if (view.mode == UiMode::Engineering) {
    // Engineering mode: a movable window at the bottom left, above the credits, only while the
    // scene shows colours worth explaining.
    if (view.legend.empty()) return;
    const ImGuiIO& io = ImGui::GetIO();
    const float scale = view.uiScale > 0 ? view.uiScale : 1.0f;
    // Left, between the controls window (top) and the diagnostics window (bottom).
    ImGui::SetNextWindowPos(ImVec2(kMarginPx, io.DisplaySize.y * 0.42f), ImGuiCond_FirstUseEver);
    ImGui::SetNextWindowSize(ImVec2(kRailPx * scale, 1.3f * kLegendPx * scale), ImGuiCond_FirstUseEver);
    open = ImGui::Begin(windowTitle(lang, "screen.legend", "legend").c_str());
  } else {
    open = beginFixed("##legend", _layout.legend, 0.80f);
  }
  if (open) {
    rememberWindow("window.legend");
    ImGui::TextColored(ImGui::GetStyleColorVec4(ImGuiCol_CheckMark), "%s", tr(lang, "screen.legend"));
    ImGui::Separator();
    ImGui::BeginChild("##legend.entries");
    const float swatch = ImGui::GetTextLineHeight() * 0.8f;
    const float column = ImGui::GetContentRegionAvail().x / 2;
    for (const LegendGroup& group : view.legend) {
      if (group.entries.empty()) continue;
      ImGui::TextDisabled("%s", group.title.c_str());
      for (std::size_t i = 0; i < group.entries.size(); ++i) {
        const LegendEntry& e = group.entries[i];
        if (i % 2 == 1) ImGui::SameLine(column);
        const ImVec2 at = ImGui::GetCursorScreenPos();
        const float dy = (ImGui::GetTextLineHeight() - swatch) / 2;
        ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(at.x, at.y + dy), ImVec2(at.x + swatch, at.y + dy + swatch),
                                                  ImGui::ColorConvertFloat4ToU32(toImVec4(e.colour)));
        ImGui::Dummy(ImVec2(swatch, swatch));
        ImGui::SameLine();
        textElided(e.label, &ImGui::GetStyle().Colors[ImGuiCol_Text],
                   column - swatch - 2 * ImGui::GetStyle().ItemSpacing.x);
      }
    }
    _overflow["legend.entries"] = horizontalOverflow();
    ImGui::EndChild();
  }
  ImGui::End();
}

void Panels::drawQuitDialog(const FrameView& view, std::vector<Command>& out) {
  if (!view.confirmQuit) return;
  const Language lang = view.language;
  const ImGuiIO& io = ImGui::GetIO();
  ImGui::SetNextWindowPos(ImVec2(io.DisplaySize.x / 2, io.DisplaySize.y / 2), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
  const std::string title = windowTitle(lang, "quit.title", "quit");
  if (ImGui::Begin(title.c_str(), nullptr,
                   ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings |
                       ImGuiWindowFlags_NoMove)) {
    ImGui::SetWindowFocus();
    rememberWindow("window.quit");
    ImGui::TextUnformatted(tr(lang, "quit.unsaved"));
    if (ImGui::Button((std::string(tr(lang, "quit.yes")) + "##quit.yes").c_str())) out.push_back(AnswerQuit{true});
    remember("quit.yes");
    ImGui::SameLine();
    if (ImGui::Button((std::string(tr(lang, "quit.no")) + "##quit.no").c_str())) out.push_back(AnswerQuit{false});
    remember("quit.no");
  }
  ImGui::End();
}

}  // namespace twin::ui
