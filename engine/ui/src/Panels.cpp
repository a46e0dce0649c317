// Panels: controls (layers, bookmarks, language, theme), statistics, building info,
// diagnostics, attribution, load progress. Window identities use "###id" so that switching the
// language keeps their positions and state.
#include "twin/ui/Panels.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <utility>
#include <vector>

#include <imgui.h>

#include "FontScale.h"

namespace twin::ui {
namespace {

constexpr float kMargin = 10.0f;

const char* useKey(model::BuildingUse use) {
  switch (use) {
    case model::BuildingUse::Residential: return "use.residential";
    case model::BuildingUse::Commercial: return "use.commercial";
    case model::BuildingUse::Office: return "use.office";
    case model::BuildingUse::Education: return "use.education";
    case model::BuildingUse::Healthcare: return "use.healthcare";
    case model::BuildingUse::Public: return "use.public";
    case model::BuildingUse::Industrial: return "use.industrial";
    case model::BuildingUse::Transport: return "use.transport";
    case model::BuildingUse::Religious: return "use.religious";
    case model::BuildingUse::Other: return "use.other";
  }
  return "use.other";
}

const char* heightSourceKey(model::HeightSource source) {
  switch (source) {
    case model::HeightSource::Measured: return "heightSource.measured";
    case model::HeightSource::Levels: return "heightSource.levels";
    case model::HeightSource::Estimated: return "heightSource.estimated";
  }
  return "heightSource.estimated";
}

// The value column of labelValue(): 130 px at scale 1, growing with the labels' font.
float valueColumn() { return 130.0f * detail::fontScale(); }

// `column`: where the value starts, from the window's left edge (valueColumn() unless a label
// is wider).
void labelValue(const char* label, const std::string& value, float column = valueColumn()) {
  ImGui::TextDisabled("%s", label);
  ImGui::SameLine(column);
  ImGui::TextUnformatted(value.c_str());
}

void sectionTitle(const char* text) {
  ImGui::Spacing();
  ImGui::TextColored(ImGui::GetStyleColorVec4(ImGuiCol_CheckMark), "%s", text);
  ImGui::Separator();
}

std::string format(const char* fmt, double v) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, fmt, v);
  return buffer;
}

// Tags a person looks for first; the rest follow in key order up to the limit.
constexpr const char* kMainTagKeys[] = {"name",    "name:zh",         "name:en", "addr:street", "addr:housenumber",
                                        "amenity", "building:levels", "height",  "operator",    "start_date"};
constexpr std::size_t kMaxTagsShown = 12;

}  // namespace

DiagnosticsDigest digestDiagnostics(const core::Diagnostics& diagnostics, std::size_t maxRows) {
  DiagnosticsDigest digest;
  digest.total = diagnostics.total();
  for (const core::Diagnostic& d : diagnostics.items()) {
    if (digest.lines.size() >= maxRows) break;
    digest.lines.push_back(core::formatDiagnostic(d));
  }
  for (const auto& entry : diagnostics.countByMessage()) digest.byMessage.emplace_back(entry);
  std::stable_sort(digest.byMessage.begin(), digest.byMessage.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  digest.more = digest.total - std::min(digest.total, digest.lines.size());
  return digest;
}

const char* layerKey(LayerId layer) {
  switch (layer) {
    case LayerId::Ground: return "ground";
    case LayerId::Buildings: return "buildings";
    case LayerId::Roads: return "roads";
    case LayerId::Pois: return "pois";
    case LayerId::Labels: return "labels";
  }
  return "ground";
}

std::string bookmarkLabel(const model::Bookmark& bookmark, Language language) {
  if (language == Language::En && !bookmark.labelEn.empty()) return bookmark.labelEn;
  return bookmark.label.empty() ? bookmark.name : bookmark.label;
}

void Panels::remember(const std::string& id) {
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  _rects[id] = WidgetRect{a.x, a.y, b.x, b.y};
}

std::optional<WidgetRect> Panels::widgetRect(const std::string& id) const {
  auto it = _rects.find(id);
  if (it == _rects.end()) return std::nullopt;
  return it->second;
}

std::optional<float> Panels::textOverflow(const std::string& area) const {
  auto it = _overflow.find(area);
  if (it == _overflow.end()) return std::nullopt;
  return it->second;
}

std::vector<Command> Panels::draw(const FrameView& view) {
  _rects.clear();
  _overflow.clear();
  const ImGuiIO& io = ImGui::GetIO();
  _layout = bigScreenLayout(io.DisplaySize.x, io.DisplaySize.y, view.uiScale, view.mode);
  std::vector<Command> out;
  switch (view.mode) {
    case UiMode::Engineering:
      drawControls(view, out);
      drawStats(view);
      drawBuilding(view, out);
      drawDiagnostics(view);
      drawLegend(view);
      break;
    case UiMode::BigScreen:
      drawTitle(view);
      drawLeftRail(view);
      drawLegend(view);
      break;
    case UiMode::Presentation: drawTitle(view); break;
  }
  drawProgress(view);
  drawAttribution(view);
  drawQuitDialog(view, out);
  return out;
}

void Panels::drawCredits(const FrameView& view) {
  _rects.clear();
  const ImGuiIO& io = ImGui::GetIO();
  _layout = bigScreenLayout(io.DisplaySize.x, io.DisplaySize.y, view.uiScale, UiMode::Presentation);
  drawAttribution(view);
}

void Panels::drawControls(const FrameView& view, std::vector<Command>& out) {
  const Language lang = view.language;
  ImGui::SetNextWindowPos(ImVec2(kMargin, kMargin), ImGuiCond_FirstUseEver);
  const std::string title =
      view.siteName.empty() ? windowTitle(lang, "app.title", "controls") : view.siteName + "###controls";
  if (!ImGui::Begin(title.c_str(), nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    ImGui::End();
    return;
  }
  const ImVec2 wp = ImGui::GetWindowPos(), ws = ImGui::GetWindowSize();
  _rects["window.controls"] = WidgetRect{wp.x, wp.y, wp.x + ws.x, wp.y + ws.y};

  sectionTitle(tr(lang, "panel.layers"));
  for (int i = 0; i < kLayerIdCount; ++i) {
    const LayerId layer = LayerId(i);
    const std::string key = layerKey(layer);
    bool visible = view.layerVisible[std::size_t(i)];
    const std::string label = std::string(tr(lang, ("layer." + key).c_str())) + "##layer." + key;
    if (ImGui::Checkbox(label.c_str(), &visible)) out.push_back(SetLayerVisible{layer, visible});
    remember("layer." + key);
  }

  sectionTitle(tr(lang, "panel.bookmarks"));
  if (!view.bookmarks || view.bookmarks->empty()) {
    ImGui::TextDisabled("%s", tr(lang, "bookmarks.none"));
  } else {
    for (const model::Bookmark& b : *view.bookmarks) {
      const std::string label = bookmarkLabel(b, lang) + "##bookmark." + b.name;
      if (ImGui::Button(label.c_str(), ImVec2(220, 0))) out.push_back(FlyToBookmark{b.name});
      remember("bookmark." + b.name);
    }
  }

  sectionTitle(tr(lang, "panel.display"));
  ImGui::TextDisabled("%s", tr(lang, "display.language"));
  for (Language l : {Language::ZhCN, Language::En}) {
    ImGui::SameLine();
    const std::string id = std::string("language.") + languageCode(l);
    const std::string label = std::string(tr(lang, id.c_str())) + "##" + id;
    if (ImGui::RadioButton(label.c_str(), lang == l) && lang != l) out.push_back(SetLanguage{l});
    remember(id);
  }
  ImGui::TextDisabled("%s", tr(lang, "display.theme"));
  for (const char* theme : {"dark", "light"}) {
    ImGui::SameLine();
    const std::string id = std::string("theme.") + theme;
    const std::string label = std::string(tr(lang, id.c_str())) + "##" + id;
    if (ImGui::RadioButton(label.c_str(), view.theme == theme) && view.theme != theme) out.push_back(SetTheme{theme});
    remember(id);
  }
  ImGui::End();
}

void Panels::drawStats(const FrameView& view) {
  const Language lang = view.language;
  const ImGuiIO& io = ImGui::GetIO();
  ImGui::SetNextWindowPos(ImVec2(io.DisplaySize.x - kMargin, kMargin), ImGuiCond_FirstUseEver, ImVec2(1, 0));
  const std::string title = windowTitle(lang, "panel.stats", "stats");
  if (!ImGui::Begin(title.c_str(), nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    ImGui::End();
    return;
  }
  ImVec2 wp = ImGui::GetWindowPos();
  const ImVec2 ws = ImGui::GetWindowSize();
  // It grows to the right as its figures get longer (streamed tiles arriving): put back against
  // the screen's edge when it would run past it.
  if (wp.x + ws.x > io.DisplaySize.x - kMargin + 0.5f) {
    wp.x = std::max(0.0f, io.DisplaySize.x - kMargin - ws.x);
    ImGui::SetWindowPos(wp);
  }
  _rects["window.stats"] = WidgetRect{wp.x, wp.y, wp.x + ws.x, wp.y + ws.y};
  const FrameStats& s = view.stats;
  const std::string ms = std::string(" ") + tr(lang, "unit.ms");
  std::vector<std::pair<const char*, std::string>> rows = {
      {tr(lang, "stats.frameTime"), format("%.1f", s.frameMs) + ms},
      {tr(lang, "stats.fps"), format("%.1f", s.fps)},
      {tr(lang, "stats.drawCalls"), std::to_string(s.drawCalls)},
      {tr(lang, "stats.buildings"), std::to_string(s.buildings)}};
  if (s.streamedLayers > 0) {
    char streamed[160];
    std::snprintf(streamed, sizeof streamed, tr(lang, "stats.streamedTiles"), s.streamedBuildings, s.streamedTiles,
                  s.streamedQueued);
    rows.push_back({tr(lang, "stats.streamed"), streamed});
  }
  rows.insert(rows.end(), {{tr(lang, "stats.roads"), std::to_string(s.roads)},
                           {tr(lang, "stats.pois"), std::to_string(s.pois)},
                           {tr(lang, "stats.triangles"), std::to_string(s.triangles)},
                           {tr(lang, "stats.loadTime"), format("%.0f", s.loadMs) + ms},
                           {tr(lang, "stats.compileTime"), format("%.0f", s.compileMs) + ms}});
  // The values line up right of the widest label ("Streamed buildings" is wider than the column).
  float column = valueColumn();
  for (const auto& row : rows)
    column = std::max(
        column, ImGui::GetStyle().WindowPadding.x + ImGui::CalcTextSize(row.first).x + ImGui::GetStyle().ItemSpacing.x);
  for (const auto& [label, value] : rows) labelValue(label, value, column);
  ImGui::End();
}

void Panels::drawBuilding(const FrameView& view, std::vector<Command>& out) {
  const Language lang = view.language;
  const ImGuiIO& io = ImGui::GetIO();

  // A tooltip for the building under the cursor (when it is not the selected one and the
  // cursor is over the 3D view rather than a panel).
  if (view.hoveredBuilding && view.hoveredBuilding != view.selectedBuilding && !io.WantCaptureMouse) {
    const model::Building& h = *view.hoveredBuilding;
    ImGui::BeginTooltip();
    ImGui::TextUnformatted(h.name.empty() ? tr(lang, "building.unnamed") : h.name.c_str());
    ImGui::TextDisabled("%s · %.0f %s", tr(lang, useKey(h.use)), h.heightMeters, tr(lang, "unit.m"));
    ImGui::EndTooltip();
  }

  // Below the statistics window, which grows with the font.
  ImGui::SetNextWindowPos(ImVec2(io.DisplaySize.x - kMargin, 300.0f * detail::fontScale()), ImGuiCond_FirstUseEver,
                          ImVec2(1, 0));
  ImGui::SetNextWindowSize(ImVec2(340, 0), ImGuiCond_FirstUseEver);
  // A building with many tags scrolls instead of running past the attribution strip at the bottom.
  ImGui::SetNextWindowSizeConstraints(ImVec2(0, 0), ImVec2(FLT_MAX, std::max(120.0f, io.DisplaySize.y - 340.0f)));
  const std::string title = windowTitle(lang, "panel.building", "building");
  if (!ImGui::Begin(title.c_str(), nullptr, ImGuiWindowFlags_AlwaysAutoResize)) {
    ImGui::End();
    return;
  }
  const ImVec2 wp = ImGui::GetWindowPos(), ws = ImGui::GetWindowSize();
  _rects["window.building"] = WidgetRect{wp.x, wp.y, wp.x + ws.x, wp.y + ws.y};
  const model::Building* b = view.selectedBuilding;
  if (!b) {
    ImGui::TextDisabled("%s", tr(lang, "building.hint"));
    ImGui::End();
    return;
  }
  const char* m = tr(lang, "unit.m");
  labelValue(tr(lang, "building.name"), b->name.empty() ? tr(lang, "building.unnamed") : b->name);
  labelValue(tr(lang, "building.use"), tr(lang, useKey(b->use)));
  labelValue(tr(lang, "building.height"), format("%.1f", b->heightMeters) + " " + m);
  labelValue(tr(lang, "building.heightSource"), tr(lang, heightSourceKey(b->heightSource)));
  labelValue(tr(lang, "building.levels"),
             b->levels > 0 ? format("%g", b->levels) : std::string(tr(lang, "building.levelsUnknown")));
  labelValue(tr(lang, "building.area"), format("%.0f", b->footprintAreaM2) + " " + tr(lang, "unit.m2"));
  labelValue(tr(lang, "building.osm"),
             (b->idKind.empty() ? std::string() : b->idKind + " ") + std::to_string(b->osmId));
  labelValue(tr(lang, "building.tag"), b->buildingTag);

  sectionTitle(tr(lang, "building.tags"));
  std::vector<const std::pair<const std::string, std::string>*> shown;
  for (const char* key : kMainTagKeys) {
    auto it = b->tags.find(key);
    if (it != b->tags.end()) shown.push_back(&*it);
  }
  for (const auto& tag : b->tags) {
    if (shown.size() >= kMaxTagsShown) break;
    if (tag.first == "building") continue;
    if (std::find(shown.begin(), shown.end(), &tag) == shown.end()) shown.push_back(&tag);
  }
  for (std::size_t i = 0; i < shown.size() && i < kMaxTagsShown; ++i)
    ImGui::Text("%s = %s", shown[i]->first.c_str(), shown[i]->second.c_str());

  if (ImGui::Button((std::string(tr(lang, "building.clear")) + "##building.clear").c_str()))
    out.push_back(ClearSelection{});
  remember("building.clear");
  ImGui::End();
}

void Panels::drawDiagnostics(const FrameView& view) {
  const Language lang = view.language;
  const ImGuiIO& io = ImGui::GetIO();
  const std::size_t total = view.diagnostics ? view.diagnostics->total() : 0;
  if (view.diagnostics != _diagSource || total != _diag.total) {
    _diagSource = view.diagnostics;
    _diag = view.diagnostics ? digestDiagnostics(*view.diagnostics, kMaxDiagnosticRows) : DiagnosticsDigest{};
  }

  ImGui::SetNextWindowPos(ImVec2(kMargin, io.DisplaySize.y - 40.0f), ImGuiCond_FirstUseEver, ImVec2(0, 1));
  ImGui::SetNextWindowSize(ImVec2(480, 190), ImGuiCond_FirstUseEver);
  const std::string title = windowTitle(lang, "panel.diagnostics", "diagnostics");
  if (!ImGui::Begin(title.c_str())) {
    ImGui::End();
    return;
  }
  const ImVec2 wp = ImGui::GetWindowPos(), ws = ImGui::GetWindowSize();
  _rects["window.diagnostics"] = WidgetRect{wp.x, wp.y, wp.x + ws.x, wp.y + ws.y};
  if (total == 0) {
    ImGui::TextDisabled("%s", tr(lang, "diag.none"));
    ImGui::End();
    return;
  }
  ImGui::Text("%s: %zu", tr(lang, "diag.total"), total);
  if (ImGui::CollapsingHeader(tr(lang, "diag.byMessage"), ImGuiTreeNodeFlags_DefaultOpen)) {
    for (const auto& [message, count] : _diag.byMessage) ImGui::Text("%6zu  %s", count, message.c_str());
  }
  sectionTitle(tr(lang, "diag.records"));
  ImGui::BeginChild("##diagnostics.records", ImVec2(0, 0), false, ImGuiWindowFlags_HorizontalScrollbar);
  ImGuiListClipper clipper;
  clipper.Begin(int(_diag.lines.size()));
  while (clipper.Step())
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i)
      ImGui::TextUnformatted(_diag.lines[std::size_t(i)].c_str());
  clipper.End();
  if (_diag.more > 0) ImGui::TextDisabled(tr(lang, "diag.more"), _diag.more);
  ImGui::EndChild();
  ImGui::End();
}

void Panels::drawProgress(const FrameView& view) {
  if (!view.progress.active) return;
  const Language lang = view.language;
  const ImGuiIO& io = ImGui::GetIO();
  double fraction = view.progress.fraction;
  if (!(fraction >= 0)) fraction = 0;  // also NaN
  fraction = std::min(fraction, 1.0);
  const std::string stageKey = "progress." + view.progress.stage;
  const char* stage = findTranslation(lang, stageKey) ? tr(lang, stageKey.c_str()) : view.progress.stage.c_str();
  ImGui::SetNextWindowPos(ImVec2(io.DisplaySize.x / 2, io.DisplaySize.y / 3), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowSize(ImVec2(420, 0));
  const std::string title = windowTitle(lang, "panel.progress", "progress");
  if (ImGui::Begin(title.c_str(), nullptr,
                   ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings)) {
    ImGui::TextUnformatted(stage);
    ImGui::ProgressBar(float(fraction), ImVec2(-1, 0));
    const ImVec2 wp = ImGui::GetWindowPos(), ws = ImGui::GetWindowSize();
    _rects["window.progress"] = WidgetRect{wp.x, wp.y, wp.x + ws.x, wp.y + ws.y};
  }
  ImGui::End();
}

void Panels::drawAttribution(const FrameView& view) {
  // The credits of what is loaded (the site loader adds OpenStreetMap's for OSM layers): a model
  // shown alone credits only its own sources, and nothing shows nothing.
  if (view.attributions.empty()) return;
  std::string text;
  for (const std::string& s : view.attributions) text += (text.empty() ? "" : "  |  ") + s;

  // Right-aligned in the credits strip, no wider than the display (long credits wrap).
  // 4 px from the corner; a slim vertical padding keeps the line inside the credits strip.
  ImGui::SetNextWindowPos(ImVec2(_layout.credits.maxX - 4.0f, _layout.credits.maxY - 4.0f), ImGuiCond_Always,
                          ImVec2(1, 1));
  ImGui::SetNextWindowSizeConstraints(ImVec2(0, 0),
                                      ImVec2(_layout.credits.width() - 8.0f, _layout.credits.height() - 4.0f));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(ImGui::GetStyle().WindowPadding.x, 4.0f * _layout.scale));
  ImGui::SetNextWindowBgAlpha(0.70f);
  const ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize |
                                 ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoFocusOnAppearing |
                                 ImGuiWindowFlags_NoNav | ImGuiWindowFlags_NoInputs | ImGuiWindowFlags_NoMove;
  if (ImGui::Begin("##attribution", nullptr, flags)) {
    ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(0, 0));
    ImGui::TextUnformatted(text.c_str());
    ImGui::PopStyleVar();
    const ImVec2 wp = ImGui::GetWindowPos(), ws = ImGui::GetWindowSize();
    _rects["window.attribution"] = WidgetRect{wp.x, wp.y, wp.x + ws.x, wp.y + ws.y};
  }
  ImGui::End();
  ImGui::PopStyleVar();
}

}  // namespace twin::ui
