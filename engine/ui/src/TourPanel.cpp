#include "twin/ui/TourPanel.h"

#include <algorithm>
#include <cstdio>

#include <imgui.h>

namespace twin::ui {

namespace {

constexpr ImGuiWindowFlags kFixedWindow = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoSavedSettings |
                                          ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoNav |
                                          ImGuiWindowFlags_NoMove;
constexpr float kCaptionFontScale = 1.35f;  // captions are read from across a room

}  // namespace

std::string tourCaption(const model::TourStop& stop, Language language) {
  const std::string& wanted = language == Language::En ? stop.captionEn : stop.caption;
  const std::string& other = language == Language::En ? stop.caption : stop.captionEn;
  return wanted.empty() ? other : wanted;
}

std::string tourTitle(const model::Tour& tour, Language language) {
  const std::string& wanted = language == Language::En ? tour.titleEn : tour.title;
  const std::string& other = language == Language::En ? tour.title : tour.titleEn;
  return !wanted.empty() ? wanted : !other.empty() ? other : tour.name;
}

void TourPanel::remember(const std::string& id) {
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  _rects[id] = WidgetRect{a.x, a.y, b.x, b.y};
}

std::optional<WidgetRect> TourPanel::widgetRect(const std::string& id) const {
  const auto it = _rects.find(id);
  if (it == _rects.end()) return std::nullopt;
  return it->second;
}

std::vector<TourCommand> TourPanel::draw(const TourPanelView& view) {
  _rects.clear();
  std::vector<TourCommand> out;
  const Language lang = view.language;
  const ImGuiIO& io = ImGui::GetIO();
  const float scale = view.uiScale > 0 ? view.uiScale : 1.0f;
  // Above the credits strip, centred: the big screen's rails leave the bottom centre free.
  const ScreenLayout layout = bigScreenLayout(io.DisplaySize.x, io.DisplaySize.y, scale, UiMode::Presentation);
  const float bottom = layout.credits.minY - 12.0f * scale;
  const float centreX = io.DisplaySize.x / 2;

  if (!view.playing) {
    if (!view.controls || view.tourTitles.empty()) return out;
    // Right of the sunlight bar, which takes the bottom centre at up to half of its width on
    // either side (SunlightPanel::drawBar()); centred, the button covered the bar's sun text.
    const float sunBarHalf = std::min(760.0f * scale, io.DisplaySize.x * 0.4f) / 2;
    ImGui::SetNextWindowPos(ImVec2(centreX + sunBarHalf + 12.0f * scale, layout.credits.minY - 44.0f * scale),
                            ImGuiCond_Always, ImVec2(0.0f, 1.0f));
    ImGui::SetNextWindowBgAlpha(0.75f);
    if (ImGui::Begin("##tour.menu", nullptr, kFixedWindow | ImGuiWindowFlags_AlwaysAutoResize)) {
      const std::string label = std::string(tr(lang, "tour.menu")) + "##tour.menu";
      if (ImGui::Button(label.c_str())) ImGui::OpenPopup("##tour.list");
      remember("tour.menu");
      if (ImGui::BeginPopup("##tour.list")) {
        for (std::size_t i = 0; i < view.tourTitles.size(); ++i) {
          const std::string item = view.tourTitles[i] + "##tour.item." + std::to_string(i);
          if (ImGui::Selectable(item.c_str())) out.push_back(StartTour{i});
          remember("tour.item." + std::to_string(i));
        }
        ImGui::EndPopup();
      }
    }
    ImGui::End();
    return out;
  }

  const float width = std::min(io.DisplaySize.x * 0.72f, 1200.0f * scale);
  ImGui::SetNextWindowPos(ImVec2(centreX, bottom), ImGuiCond_Always, ImVec2(0.5f, 1.0f));
  ImGui::SetNextWindowSizeConstraints(ImVec2(width, 0), ImVec2(width, io.DisplaySize.y));
  ImGui::SetNextWindowBgAlpha(0.78f);
  ImGuiWindowFlags flags = kFixedWindow | ImGuiWindowFlags_AlwaysAutoResize;
  if (!view.controls) flags |= ImGuiWindowFlags_NoInputs;
  if (ImGui::Begin("##tour.caption", nullptr, flags)) {
    char counter[96];
    std::snprintf(counter, sizeof counter, tr(lang, "tour.stopOf"), int(view.stop + 1), int(view.stops));
    ImGui::TextDisabled("%s  ·  %s", view.title.c_str(), counter);
    if (view.paused) {
      ImGui::SameLine();
      ImGui::TextDisabled("  (%s)", tr(lang, "tour.paused"));
    }
    if (!view.caption.empty()) {
      ImGui::SetWindowFontScale(kCaptionFontScale);
      ImGui::PushTextWrapPos(0.0f);
      ImGui::TextUnformatted(view.caption.c_str());
      ImGui::PopTextWrapPos();
      ImGui::SetWindowFontScale(1.0f);
    }
    if (view.controls) {
      ImGui::Separator();
      const auto button = [&](const char* key, const char* id) {
        const std::string label = std::string(tr(lang, key)) + "##" + id;
        const bool pressed = ImGui::Button(label.c_str());
        remember(id);
        ImGui::SameLine();
        return pressed;
      };
      if (button("tour.previous", "tour.previous")) out.push_back(PreviousTourStop{});
      if (button(view.paused ? "tour.resume" : "tour.pause", "tour.pause")) out.push_back(SetTourPaused{!view.paused});
      if (button("tour.next", "tour.next")) out.push_back(NextTourStop{});
      if (button("tour.end", "tour.end")) out.push_back(EndTour{});
      ImGui::TextDisabled("%s", tr(lang, "tour.keys"));
    }
    const ImVec2 wp = ImGui::GetWindowPos(), ws = ImGui::GetWindowSize();
    _rects["window.caption"] = WidgetRect{wp.x, wp.y, wp.x + ws.x, wp.y + ws.y};
  }
  ImGui::End();
  return out;
}

}  // namespace twin::ui
