// AlarmHistoryPanel: the history window. The table shows one page of the model's rows through a
// list clipper (only the visible rows are laid out), so thousands of alarms cost no more than a
// screenful; the model reads the log only when something changed.
#include "twin/ui/AlarmHistoryPanel.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <iterator>

#include <imgui.h>

#include "twin/ui/AlertText.h"
#include "twin/ui/BigScreen.h"
#include "twin/ui/TextFit.h"
#include "FontScale.h"
#include "SeverityText.h"

namespace twin::ui {
namespace {

using detail::kSeverities;
using detail::severityKey;
using detail::toImVec4;

const char* stateFilterKey(HistoryStateFilter s) {
  switch (s) {
    case HistoryStateFilter::All: return "alerts.all";
    case HistoryStateFilter::Active: return "history.active";
    case HistoryStateFilter::Cleared: return "history.cleared";
    case HistoryStateFilter::Unacknowledged: return "alerts.unacked";
    case HistoryStateFilter::Acknowledged: return "alerts.acked";
  }
  return "alerts.all";
}

const char* periodKey(HistoryPeriod p) {
  switch (p) {
    case HistoryPeriod::Day: return "history.day";
    case HistoryPeriod::Week: return "history.week";
    case HistoryPeriod::All: return "history.allTime";
  }
  return "history.allTime";
}

// Transitions are minutes apart or less (an acknowledgement after a raise): they show seconds,
// unlike the alarm list's formatDataTime().
std::string formatSeconds(std::int64_t tsMs, int utcOffsetMinutes) {
  if (tsMs <= 0) return "-";
  const std::int64_t seconds = tsMs / 1000 - (tsMs % 1000 < 0 ? 1 : 0) + std::int64_t(utcOffsetMinutes) * 60;
  const std::time_t t = std::time_t(seconds);
  std::tm tm{};
  if (!gmtime_r(&t, &tm)) return "?";
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S", &tm);
  return buffer;
}

std::string stateText(alerts::AlertState s, Language lang) {
  return tr(lang, (std::string("state.") + alerts::alertStateName(s)).c_str());
}

std::string valueText(double value) {
  if (!std::isfinite(value)) return "";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, std::abs(value) >= 100 ? "%.0f" : "%.2f", value);
  return buffer;
}

float comboWidth(Language lang, std::initializer_list<const char*> keys) {
  float widest = 0;
  for (const char* key : keys) widest = std::max(widest, ImGui::CalcTextSize(tr(lang, key)).x);
  return widest + ImGui::GetFrameHeight() + 2 * ImGui::GetStyle().FramePadding.x;
}

}  // namespace

WidgetRect alarmHistoryPlace(float width, float height, float scale, float clearTop) {
  const float margin = 24.0f * scale;
  const float w = std::max(0.0f, std::min(1100.0f * scale, width - 2 * margin));
  const float h = std::max(0.0f, std::min(680.0f * scale, height - 2 * margin));
  const float left = (width - w) * 0.5f;
  float top = (height - h) * 0.5f;
  if (clearTop <= 0 || top >= clearTop + margin) return WidgetRect{left, top, left + w, top + h};
  // Below the banner: as high as what is left, but never so short that the table is useless
  // (on a display that small the banner is covered instead).
  top = std::min(clearTop + margin, std::max(margin, height - margin - 200.0f * scale));
  return WidgetRect{left, top, left + w, std::min(top + h, height - margin)};
}

const char* transitionKey(alerts::TransitionKind kind) {
  switch (kind) {
    case alerts::TransitionKind::Raise: return "history.raise";
    case alerts::TransitionKind::Acknowledge: return "history.ack";
    case alerts::TransitionKind::Clear: return "history.clear";
    case alerts::TransitionKind::Assign: return "history.assign";
    case alerts::TransitionKind::Escalate: return "history.escalate";
  }
  return "history.raise";
}

std::optional<WidgetRect> AlarmHistoryPanel::widgetRect(const std::string& id) const {
  auto it = _rects.find(id);
  if (it == _rects.end()) return std::nullopt;
  return it->second;
}

void AlarmHistoryPanel::remember(const std::string& id) {
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  _rects[id] = WidgetRect{a.x, a.y, b.x, b.y};
}

std::vector<MonitorCommand> AlarmHistoryPanel::draw(AlarmHistoryModel& model, const MonitorView& view, float clearTop) {
  _rects.clear();
  _overflow.clear();
  std::vector<MonitorCommand> out;
  if (!_open) {
    _wasOpen = false;
    return out;
  }
  const Language lang = view.language;
  if (_describedIn != lang) {
    // The text filter also finds an alarm by its place and names as both languages show them
    // (an English screen finds "丰瑞"); the model keeps its own copy of what it needs.
    auto names = std::make_shared<MonitorView>();
    names->sensors = view.sensors;
    names->rules = view.rules;
    names->buildings = view.buildings;
    model.setDescribe([names, lang](const alerts::Alert& a) {
      MonitorView v = *names;
      v.language = lang;
      std::string text = alertText(a, v) + "\n";
      for (Language l : {Language::ZhCN, Language::En}) {
        v.language = l;
        text += alarmPlace(a, v) + "\n";
      }
      return text;
    });
    _describedIn = lang;
  }
  model.setNowMs(view.nowMs);
  (void)model.refresh();  // an error stays in lastError() and is shown in the window

  const ImVec2 display = ImGui::GetIO().DisplaySize;
  const float scale = detail::fontScale();
  const bool place = !_wasOpen || display.x != _placedWidth || display.y != _placedHeight;
  if (place) {
    const WidgetRect at = alarmHistoryPlace(display.x, display.y, scale, clearTop);
    ImGui::SetNextWindowPos(ImVec2(at.minX, at.minY), ImGuiCond_Always);
    ImGui::SetNextWindowSize(ImVec2(at.width(), at.height()), ImGuiCond_Always);
    ImGui::SetNextWindowFocus();
    _placedWidth = display.x;
    _placedHeight = display.y;
  }
  _wasOpen = true;
  bool open = true;
  const bool drawn = ImGui::Begin(windowTitle(lang, "history.title", "alarm.history").c_str(), &open,
                                  ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings);
  if (drawn) {
    drawFilters(model, view);
    // The table takes what the selected alarm's details leave: about 40 % of the window below it.
    const float detailsHeight = std::max(ImGui::GetTextLineHeightWithSpacing() * 9, ImGui::GetWindowHeight() * 0.40f);
    drawTable(model, view,
              std::max(ImGui::GetTextLineHeightWithSpacing() * 4, ImGui::GetContentRegionAvail().y - detailsHeight));
    drawDetails(model, view, out);
    _overflow["history"] = horizontalOverflow();
  }
  const ImVec2 pos = ImGui::GetWindowPos(), size = ImGui::GetWindowSize();
  _rects["window.alarm.history"] = WidgetRect{pos.x, pos.y, pos.x + size.x, pos.y + size.y};
  ImGui::End();
  if (!open) _open = false;
  return out;
}

void AlarmHistoryPanel::drawFilters(AlarmHistoryModel& model, const MonitorView& view) {
  const Language lang = view.language;
  HistoryFilter filter = model.filter();
  detail::severityToggles(lang, filter.severities,
                          [this](const char* name) { remember(std::string("history.filter.") + name); });

  const float stateWidth =
      comboWidth(lang, {"alerts.all", "history.active", "history.cleared", "alerts.unacked", "alerts.acked"});
  sameLineIfFits(stateWidth);
  ImGui::SetNextItemWidth(stateWidth);
  if (ImGui::BeginCombo("##state", tr(lang, stateFilterKey(filter.state)))) {
    for (HistoryStateFilter s : {HistoryStateFilter::All, HistoryStateFilter::Active, HistoryStateFilter::Cleared,
                                 HistoryStateFilter::Unacknowledged, HistoryStateFilter::Acknowledged})
      if (ImGui::Selectable(tr(lang, stateFilterKey(s)), filter.state == s)) filter.state = s;
    ImGui::EndCombo();
  }
  remember("history.state");

  const float periodWidth = comboWidth(lang, {"history.day", "history.week", "history.allTime"});
  sameLineIfFits(periodWidth);
  ImGui::SetNextItemWidth(periodWidth);
  if (ImGui::BeginCombo("##period", tr(lang, periodKey(filter.period)))) {
    for (HistoryPeriod p : {HistoryPeriod::Day, HistoryPeriod::Week, HistoryPeriod::All})
      if (ImGui::Selectable(tr(lang, periodKey(p)), filter.period == p)) filter.period = p;
    ImGui::EndCombo();
  }
  remember("history.period");

  const float textWidth = 16 * ImGui::GetFontSize();
  sameLineIfFits(textWidth);
  ImGui::SetNextItemWidth(textWidth);
  if (ImGui::InputTextWithHint("##text", tr(lang, "history.search"), _text.data(), _text.size()))
    filter.text = _text.data();
  remember("history.text");
  model.setFilter(filter);

  // What the table holds: the count, the period's clock (data time in a replay), the pages.
  std::string summary = trFill(lang, "history.count", {std::to_string(model.rows().size())});
  if (model.truncated()) summary += " " + std::string(tr(lang, "history.truncated"));
  if (view.replayClockMs) summary += " · " + std::string(tr(lang, "alarm.replay"));
  textElided(summary, nullptr, ImGui::GetContentRegionAvail().x * 0.55f);
  const std::string pageText =
      trFill(lang, "history.page", {std::to_string(model.page() + 1), std::to_string(model.pageCount())});
  const float buttonsWidth = ImGui::CalcTextSize(tr(lang, "history.prev")).x +
                             ImGui::CalcTextSize(tr(lang, "history.next")).x + ImGui::CalcTextSize(pageText.c_str()).x +
                             6 * ImGui::GetStyle().FramePadding.x + 2 * ImGui::GetStyle().ItemSpacing.x;
  sameLineIfFits(buttonsWidth);
  ImGui::BeginDisabled(model.page() == 0);
  if (ImGui::SmallButton(tr(lang, "history.prev"))) model.setPage(model.page() - 1);
  ImGui::EndDisabled();
  remember("history.prev");
  ImGui::SameLine();
  ImGui::TextUnformatted(pageText.c_str());
  ImGui::SameLine();
  ImGui::BeginDisabled(model.page() + 1 >= model.pageCount());
  if (ImGui::SmallButton(tr(lang, "history.next"))) model.setPage(model.page() + 1);
  ImGui::EndDisabled();
  remember("history.next");
  if (!model.lastError().empty())
    ImGui::TextColored(toImVec4(severityColour(model::AlertSeverity::Critical)), "%s", model.lastError().c_str());
}

void AlarmHistoryPanel::drawTable(AlarmHistoryModel& model, const MonitorView& view, float height) {
  const Language lang = view.language;
  const ImGuiTableFlags flags = ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV |
                                ImGuiTableFlags_SizingStretchProp | ImGuiTableFlags_Resizable;
  if (!ImGui::BeginTable("##historyRows", 6, flags, ImVec2(0, height))) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn(tr(lang, "history.col.alarm"), ImGuiTableColumnFlags_WidthStretch, 1.1f);
  ImGui::TableSetupColumn(tr(lang, "alarm.state"), ImGuiTableColumnFlags_WidthStretch, 1.3f);
  ImGui::TableSetupColumn(tr(lang, "alarm.raised"), ImGuiTableColumnFlags_WidthStretch, 1.2f);
  ImGui::TableSetupColumn(tr(lang, "alarm.cleared"), ImGuiTableColumnFlags_WidthStretch, 1.2f);
  ImGui::TableSetupColumn(tr(lang, "alarm.where"), ImGuiTableColumnFlags_WidthStretch, 2.0f);
  ImGui::TableSetupColumn(tr(lang, "history.col.what"), ImGuiTableColumnFlags_WidthStretch, 2.2f);
  ImGui::TableHeadersRow();

  const std::vector<alerts::Alert>& rows = model.rows();
  const std::size_t begin = model.pageBegin(), end = model.pageEnd();
  const ImVec4 bg = ImGui::GetStyleColorVec4(ImGuiCol_WindowBg);
  const ImVec4 text = ImGui::GetStyleColorVec4(ImGuiCol_Text);
  ImGuiListClipper clipper;
  clipper.Begin(int(end - begin));
  std::int64_t clicked = 0;
  while (clipper.Step()) {
    for (int r = clipper.DisplayStart; r < clipper.DisplayEnd; ++r) {
      const alerts::Alert& a = rows[begin + std::size_t(r)];
      const std::string id = std::to_string(a.id);
      ImGui::PushID(id.c_str());
      ImGui::TableNextRow();
      ImGui::TableSetColumnIndex(0);
      const ImVec4 colour = toImVec4(readableTextColour(severityColour(a.severity), Rgba{bg.x, bg.y, bg.z, 1}));
      // The first cell's selectable spans the row: a click anywhere selects the alarm.
      ImGui::PushStyleColor(ImGuiCol_Text, colour);
      const std::string label = "#" + id + " " + tr(lang, severityKey(a.severity)) +
                                (a.escalations > 0 ? std::string(" (") + tr(lang, "alarm.escalated") + ")" : "");
      const std::string shown = elideText(label, ImGui::GetContentRegionAvail().x,
                                          [](const std::string& t) { return ImGui::CalcTextSize(t.c_str()).x; });
      if (ImGui::Selectable((shown + "##row").c_str(), model.selectedId() == a.id,
                            ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowItemOverlap))
        clicked = a.id;
      ImGui::PopStyleColor();
      remember("history.row." + id);
      ImGui::TableSetColumnIndex(1);
      const std::string state = stateText(a.state, lang);
      textElided(state, alerts::isActive(a.state) ? &text : nullptr);  // past states dimmed
      ImGui::TableSetColumnIndex(2);
      textElided(formatDataTime(a.raisedMs, view.displayUtcOffsetMinutes), &text);
      ImGui::TableSetColumnIndex(3);
      textElided(a.clearedMs > 0 ? formatDataTime(a.clearedMs, view.displayUtcOffsetMinutes) : std::string("-"), &text);
      ImGui::TableSetColumnIndex(4);
      textElided(alarmPlace(a, view), &text);
      ImGui::TableSetColumnIndex(5);
      textElided(alertText(a, view), &text);
      ImGui::PopID();
    }
  }
  ImGui::EndTable();
  if (clicked != 0) (void)model.select(clicked);
}

void AlarmHistoryPanel::drawDetails(AlarmHistoryModel& model, const MonitorView& view,
                                    std::vector<MonitorCommand>& out) {
  const Language lang = view.language;
  ImGui::Separator();
  const std::optional<alerts::Alert>& selected = model.selectedAlert();
  if (!selected) {
    ImGui::TextDisabled("%s", tr(lang, "history.pick"));
    return;
  }
  const alerts::Alert& a = *selected;
  const ImVec4 text = ImGui::GetStyleColorVec4(ImGuiCol_Text);
  const int zone = view.displayUtcOffsetMinutes;
  ImGui::TextColored(toImVec4(severityColour(a.severity)), "#%lld %s", static_cast<long long>(a.id),
                     tr(lang, severityKey(a.severity)));
  ImGui::SameLine();
  textElided(stateText(a.state, lang) + " · " + alertText(a, view), &text);
  textElided(std::string(tr(lang, "alarm.where")) + ": " + alarmPlace(a, view), &text);
  std::string times = std::string(tr(lang, "alarm.raised")) + " " + formatSeconds(a.raisedMs, zone) + " · " +
                      tr(lang, "alarm.received") + " " + formatSeconds(a.receivedMs, zone);
  if (a.clearedMs > 0) times += std::string(" · ") + tr(lang, "alarm.cleared") + " " + formatSeconds(a.clearedMs, zone);
  if (a.replay) times += std::string(" · ") + tr(lang, "alarm.replay");
  textElided(times, nullptr);
  if (ImGui::SmallButton(tr(lang, "alerts.flyTo"))) out.push_back(FlyToSensor{a.sensorId});
  remember("history.fly");

  // Its transitions in the order the log wrote them: when, what, the state and severity after,
  // who, and the note (an acknowledgement's comment, an assignment's assignee, a reading's value).
  const ImGuiTableFlags flags = ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV |
                                ImGuiTableFlags_SizingStretchProp;
  if (!ImGui::BeginTable(
          "##transitions", 6, flags,
          ImVec2(0, std::max(ImGui::GetContentRegionAvail().y, ImGui::GetTextLineHeightWithSpacing() * 3))))
    return;
  remember("history.transitions");
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn(tr(lang, "history.col.when"), ImGuiTableColumnFlags_WidthStretch, 1.5f);
  ImGui::TableSetupColumn(tr(lang, "history.col.action"), ImGuiTableColumnFlags_WidthStretch, 0.9f);
  ImGui::TableSetupColumn(tr(lang, "alarm.state"), ImGuiTableColumnFlags_WidthStretch, 1.4f);
  ImGui::TableSetupColumn(tr(lang, "history.col.severity"), ImGuiTableColumnFlags_WidthStretch, 0.7f);
  ImGui::TableSetupColumn(tr(lang, "history.col.who"), ImGuiTableColumnFlags_WidthStretch, 1.0f);
  ImGui::TableSetupColumn(tr(lang, "alarm.note"), ImGuiTableColumnFlags_WidthStretch, 2.0f);
  ImGui::TableHeadersRow();
  for (const alerts::Transition& t : model.selectedTransitions()) {
    ImGui::TableNextRow();
    ImGui::TableSetColumnIndex(0);
    textElided(formatSeconds(t.atMs, zone), &text);
    ImGui::TableSetColumnIndex(1);
    textElided(tr(lang, transitionKey(t.kind)), &text);
    ImGui::TableSetColumnIndex(2);
    textElided(stateText(t.state, lang), &text);
    ImGui::TableSetColumnIndex(3);
    const ImVec4 severity = toImVec4(severityColour(t.severity));
    textElided(tr(lang, severityKey(t.severity)), &severity);
    ImGui::TableSetColumnIndex(4);
    textElided(t.who == "engine" ? std::string(tr(lang, "history.engine")) : t.who, &text);
    ImGui::TableSetColumnIndex(5);
    std::string note = t.comment;
    if (t.kind == alerts::TransitionKind::Assign) note = std::string(tr(lang, "alarm.assignee")) + " " + t.comment;
    if (const std::string v = valueText(t.value); !v.empty())
      note += (note.empty() ? "" : " · ") + std::string(tr(lang, "alarm.value")) + " " + v;
    textElided(note.empty() ? std::string("-") : note, &text);
  }
  ImGui::EndTable();
}

}  // namespace twin::ui
