// MonitorPanels: dashboard cards, chart with rule levels and timeline, alert list with
// acknowledgement. Window identities use "###id" so switching the language keeps their state.
#include "twin/ui/MonitorPanels.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <iterator>
#include <limits>

#include <imgui.h>

#include "twin/ui/AlertText.h"
#include "twin/ui/TextFit.h"
#include "FontScale.h"
#include "SeverityText.h"

namespace twin::ui {
namespace {

using detail::kSeverities;
using detail::severityKey;
using detail::toggleWidth;
using detail::toImVec4;

constexpr float kMargin = 10.0f;

std::string formatValue(double v, const std::string& unit) {
  char buffer[64];
  const double magnitude = std::abs(v);
  std::snprintf(buffer, sizeof buffer, magnitude >= 100 ? "%.0f" : magnitude >= 10 ? "%.1f" : "%.2f", v);
  return unit.empty() ? std::string(buffer) : std::string(buffer) + " " + unit;
}

const std::string& displayName(const model::SensorDef& def, Language lang) {
  return lang == Language::En && !def.nameEn.empty() ? def.nameEn : def.name;
}

Rgba rowColour(const alerts::SensorState& s) {
  if (s.hasAlert) return severityColour(s.worstSeverity);
  if (s.stale) return sensorStaleColour();
  if (!s.online) return sensorOfflineColour();
  return sensorNormalColour();
}

const char* rowStatusKey(const alerts::SensorState& s) {
  if (s.hasAlert) return severityKey(s.worstSeverity);
  if (s.stale) return "sensor.stale";
  if (!s.online) return "sensor.offline";
  return "sensor.normal";
}

}  // namespace

// ---------------------------------------------------------------- colours

Rgba severityColour(model::AlertSeverity severity) {
  switch (severity) {
    case model::AlertSeverity::Critical: return {0.92f, 0.16f, 0.16f, 1};
    case model::AlertSeverity::Major: return {0.96f, 0.50f, 0.08f, 1};
    case model::AlertSeverity::Minor: return {0.95f, 0.82f, 0.15f, 1};
    case model::AlertSeverity::Warning: return {0.62f, 0.42f, 0.95f, 1};
  }
  return {0.62f, 0.42f, 0.95f, 1};
}
Rgba sensorNormalColour() { return {0.18f, 0.80f, 0.36f, 1}; }
Rgba sensorOfflineColour() { return {0.50f, 0.50f, 0.52f, 1}; }
Rgba sensorStaleColour() { return {0.40f, 0.55f, 0.75f, 1}; }

// ---------------------------------------------------------------- helpers

DashboardCounts dashboardCounts(const MonitorView& view) {
  DashboardCounts c;
  for (const SensorRow& row : view.sensors) {
    if (!row.def) continue;
    ++c.sensors;
    if (row.state.stale)
      ++c.stale;
    else if (row.state.online)
      ++c.online;
    else
      ++c.offline;
  }
  c.activeBySeverity = view.activeBySeverity;
  for (int n : c.activeBySeverity) c.activeAlerts += n;
  return c;
}

std::vector<alerts::Alert> filterAlerts(const std::vector<alerts::Alert>& input, const AlertFilter& filter) {
  std::vector<alerts::Alert> out;
  for (const alerts::Alert& a : input) {
    const auto severity = std::size_t(a.severity);
    if (severity >= filter.severities.size() || !filter.severities[severity]) continue;
    const bool acked = alerts::isAcknowledged(a.state);
    if (filter.state == AlertStateFilter::Unacknowledged && acked) continue;
    if (filter.state == AlertStateFilter::Acknowledged && !acked) continue;
    out.push_back(a);
  }
  const auto newer = [](const alerts::Alert& a, const alerts::Alert& b) {
    return a.raisedMs != b.raisedMs ? a.raisedMs > b.raisedMs : a.id > b.id;
  };
  if (filter.sort == AlertSort::NewestFirst) {
    std::sort(out.begin(), out.end(), newer);
  } else {
    std::sort(out.begin(), out.end(), [&](const alerts::Alert& a, const alerts::Alert& b) {
      return a.severity != b.severity ? int(a.severity) < int(b.severity) : newer(a, b);
    });
  }
  return out;
}

std::vector<alerts::Alert> bannerAlarms(const std::vector<alerts::Alert>& open, model::AlertSeverity attention,
                                        const std::vector<std::int64_t>& dismissed) {
  std::vector<alerts::Alert> out;
  for (const alerts::Alert& a : open) {
    if (alerts::isAcknowledged(a.state) || alerts::moreSevere(attention, a.severity)) continue;
    if (std::find(dismissed.begin(), dismissed.end(), a.id) != dismissed.end()) continue;
    out.push_back(a);
  }
  alerts::sortForList(out);
  return out;
}

std::string formatAge(double seconds, Language language) {
  const double s = std::isfinite(seconds) && seconds > 0 ? seconds : 0;
  const char* unit = "alarm.secondsShort";
  double n = s;
  if (s >= 86400)
    n = s / 86400, unit = "alarm.daysShort";
  else if (s >= 3600)
    n = s / 3600, unit = "alarm.hoursShort";
  else if (s >= 60)
    n = s / 60, unit = "alarm.minutesShort";
  return std::to_string(static_cast<long long>(std::floor(n))) + " " + tr(language, unit);
}

std::string alarmAge(const alerts::Alert& alert, const MonitorView& view) {
  if (view.nowMs <= 0 || alert.receivedMs <= 0) return "";
  return formatAge(double(view.nowMs - alert.receivedMs) / 1000.0, view.language) + tr(view.language, "alarm.ago");
}

std::string floorLabel(int floor, Language language) {
  if (floor == 0) return tr(language, "alarm.floorGround");
  // The table's texts hold one "%d"; replaced here rather than through printf, which would
  // take a format string from a table.
  std::string text = tr(language, floor < 0 ? "alarm.floorBelow" : "alarm.floorAbove");
  if (const std::size_t at = text.find("%d"); at != std::string::npos)
    text.replace(at, 2, std::to_string(floor < 0 ? -floor : floor));
  return text;
}

std::string buildingLabel(const std::string& reference, const MonitorView& view) {
  const auto it = view.buildings.find(reference);
  if (it != view.buildings.end()) {
    const BuildingName& b = it->second;
    const bool en = view.language == Language::En;
    for (const std::string* text : {en ? &b.nameEn : &b.nameZh, &b.name, en ? &b.nameZh : &b.nameEn, &b.address})
      if (!text->empty()) return *text;
  }
  return std::string(tr(view.language, "alarm.building")) + " " + reference;
}

std::string alarmPlace(const alerts::Alert& alert, const MonitorView& view) {
  const Language lang = view.language;
  std::string sensor = alert.sensorId;
  for (const SensorRow& row : view.sensors)
    if (row.def && row.def->id == alert.sensorId) sensor = displayName(*row.def, lang);
  if (alert.building.empty()) return sensor;
  std::string place = buildingLabel(alert.building, view);
  if (alert.floor) place += " · " + floorLabel(*alert.floor, lang);
  return place + " · " + sensor;
}

std::string beaconLabel(const alerts::Alert& alert, const MonitorView& view) {
  std::string rule = alert.ruleId;
  for (const model::AlertRuleDef& r : view.rules)
    if (r.id == alert.ruleId && !r.name.empty()) rule = ruleDisplayName(r, view.language);
  return std::string(tr(view.language, severityKey(alert.severity))) + " · " + rule + " · " + alarmPlace(alert, view);
}

void drawAlarmLabels(const std::vector<AlarmLabel>& labels) {
  ImDrawList* draw = ImGui::GetBackgroundDrawList();
  const float pad = 5.0f;
  const float displayWidth = ImGui::GetIO().DisplaySize.x;
  for (const AlarmLabel& l : labels) {
    const ImVec2 size = ImGui::CalcTextSize(l.text.c_str());
    // Centred on its beacon, but kept on screen: a beacon near the edge would cut its label off.
    const float left = std::clamp(l.x - size.x * 0.5f - pad, 0.0f, std::max(0.0f, displayWidth - size.x - 2 * pad));
    const ImVec2 min(left, l.y - size.y - 2 * pad), max(left + size.x + 2 * pad, l.y);
    const ImU32 colour = ImGui::ColorConvertFloat4ToU32(toImVec4(severityColour(l.severity)));
    draw->AddRectFilled(min, max, IM_COL32(12, 16, 24, 225), 3.0f);
    draw->AddRect(min, max, colour, 3.0f, 0, 2.0f);
    draw->AddText(ImVec2(min.x + pad, min.y + pad), IM_COL32(255, 255, 255, 255), l.text.c_str());
  }
}

std::optional<sensors::Sample> sampleAt(const std::vector<sensors::Sample>& series, std::int64_t tsMs) {
  auto it = std::upper_bound(series.begin(), series.end(), tsMs,
                             [](std::int64_t t, const sensors::Sample& s) { return t < s.tsMs; });
  if (it == series.begin()) return std::nullopt;
  return *(it - 1);
}

std::vector<RuleLine> ruleLines(const std::vector<model::AlertRuleDef>& rules) {
  std::vector<RuleLine> out;
  const auto add = [&](const model::AlertRuleDef& r, double value, bool clear) {
    if (std::isfinite(value)) out.push_back(RuleLine{value, r.severity, clear, r.name, r.nameEn});
  };
  for (const model::AlertRuleDef& r : rules) {
    switch (r.kind) {
      case model::RuleKind::Above:
      case model::RuleKind::Below:
        add(r, r.level, false);
        if (r.clearLevel != r.level) add(r, r.clearLevel, true);
        break;
      case model::RuleKind::Outside:
        add(r, r.low, false);
        add(r, r.high, false);
        if (r.lowClear != r.low) add(r, r.lowClear, true);
        if (r.highClear != r.high) add(r, r.highClear, true);
        break;
      case model::RuleKind::Rate:
      case model::RuleKind::Stale:
      case model::RuleKind::Quality: break;
    }
  }
  return out;
}

std::string formatDataTime(std::int64_t tsMs, int utcOffsetMinutes) {
  const std::int64_t seconds = tsMs / 1000 - (tsMs % 1000 < 0 ? 1 : 0) + std::int64_t(utcOffsetMinutes) * 60;
  const std::time_t t = std::time_t(seconds);
  std::tm tm{};
  if (!gmtime_r(&t, &tm)) return "?";
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M", &tm);
  return buffer;
}

// ---------------------------------------------------------------- layout

namespace {
// Room the main panels take at their default places with the viewer's 18 px font (measured:
// controls 240 px wide, stats and building 244 px, diagnostics 480 x 190 ending 40 px above the
// bottom, attribution 38 px high), plus slack for longer site names and translations.
constexpr float kLeftReserve = 280.0f;       // controls
constexpr float kRightReserve = 280.0f;      // stats, building
constexpr float kDiagnosticsRight = 500.0f;  // diagnostics' right edge + margin
constexpr float kBottomReserve = 50.0f;      // attribution strip + margin
constexpr float kMinWidth = 300.0f, kMinHeight = 150.0f;
constexpr float kMaxPanelWidth = 560.0f, kMaxChartWidth = 640.0f, kMaxChartHeight = 360.0f;

void place(const WidgetRect& r, bool always) {
  const ImGuiCond cond = always ? ImGuiCond_Always : ImGuiCond_FirstUseEver;
  ImGui::SetNextWindowPos(ImVec2(r.minX, r.minY), cond);
  ImGui::SetNextWindowSize(ImVec2(r.maxX - r.minX, r.maxY - r.minY), cond);
}
}  // namespace

MonitorLayout monitorLayout(float width, float height) {
  const float left = kLeftReserve, right = std::max(left + 2 * kMinWidth + kMargin, width - kRightReserve);
  const float bottom = std::max(2 * kMinHeight + 3 * kMargin, height - kBottomReserve);
  // The top row: cards at the left of the centre column, alerts at its right.
  const float panelWidth = std::clamp((right - left - kMargin) / 2, kMinWidth, kMaxPanelWidth);
  const float chartHeight = std::clamp(bottom - kMargin - height * 0.55f, kMinHeight, kMaxChartHeight);
  const float topBottom = std::max(kMargin + kMinHeight, bottom - chartHeight - kMargin);
  MonitorLayout l;
  l.cards = WidgetRect{left, kMargin, left + panelWidth, topBottom};
  l.alerts = WidgetRect{right - panelWidth, kMargin, right, topBottom};
  // The chart: below them and right of the diagnostics, whose height it shares.
  const float chartLeft = std::max(left, kDiagnosticsRight);
  const float chartWidth = std::clamp(right - chartLeft, kMinWidth, kMaxChartWidth);
  const float chartX = std::max(chartLeft, (chartLeft + right - chartWidth) / 2);
  l.chart = WidgetRect{chartX, topBottom + kMargin, chartX + chartWidth, topBottom + kMargin + chartHeight};
  return l;
}

float alarmBannerWidth(float displayWidth, float scale) {
  return std::min(640.0f * scale, displayWidth - 16.0f * scale);
}

MonitorLayout railMonitorLayout(const WidgetRect& rail) {
  // The alarm list takes the upper 55 %, the trend chart the rest; the dashboard cards' figures
  // are in the big screen's title bar, so the rail has no cards window.
  const float split = rail.minY + rail.height() * 0.55f;
  MonitorLayout l;
  l.alerts = WidgetRect{rail.minX, rail.minY, rail.maxX, split - kMargin / 2};
  l.chart = WidgetRect{rail.minX, split + kMargin / 2, rail.maxX, rail.maxY};
  return l;
}

MonitorLayout MonitorPanels::currentLayout(float width, float height) const {
  return _rail ? railMonitorLayout(*_rail) : monitorLayout(width, height);
}

std::optional<WidgetRect> MonitorPanels::widgetRect(const std::string& id) const {
  auto it = _rects.find(id);
  if (it == _rects.end()) return std::nullopt;
  return it->second;
}

void MonitorPanels::remember(const std::string& id) {
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  _rects[id] = WidgetRect{a.x, a.y, b.x, b.y};
}

std::vector<MonitorCommand> MonitorPanels::draw(const MonitorView& view) {
  _rects.clear();
  _overflow.clear();
  if (!_whoFilled) {
    std::snprintf(_who.data(), _who.size(), "%s", view.operatorName.c_str());
    _whoFilled = true;
  }
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  _relayout = display.x != _layoutWidth || display.y != _layoutHeight;
  _layoutWidth = display.x;
  _layoutHeight = display.y;
  std::vector<MonitorCommand> out;
  if (!_rail) drawCards(view, out);
  drawChart(view, out);
  drawAlerts(view, out);
  drawBanner(view, out);
  return out;
}

namespace {
const model::AlertRuleDef* findRule(const MonitorView& view, const std::string& id) {
  for (const model::AlertRuleDef& r : view.rules)
    if (r.id == id) return &r;
  return nullptr;
}

// The rule's handling procedure in the view's language, falling back to the other one.
const std::vector<std::string>* procedureOf(const MonitorView& view, const alerts::Alert& a) {
  const model::AlertRuleDef* rule = findRule(view, a.ruleId);
  if (!rule) return nullptr;
  const bool en = view.language == Language::En;
  const std::vector<std::string>& first = en ? rule->procedureEn : rule->procedure;
  const std::vector<std::string>& second = en ? rule->procedure : rule->procedureEn;
  if (!first.empty()) return &first;
  return second.empty() ? nullptr : &second;
}

std::string valueText(const alerts::Alert& a, const MonitorView& view) {
  std::string unit;
  for (const SensorRow& row : view.sensors)
    if (row.def && row.def->id == a.sensorId) unit = row.def->unit;
  return std::isfinite(a.value) ? formatValue(a.value, unit) : std::string("-");
}
}  // namespace

// The banner: the first of bannerAlarms(), in its severity's colour, centred above the other
// windows, until acknowledged or dismissed; the count of those waiting behind it.
void MonitorPanels::drawBanner(const MonitorView& view, std::vector<MonitorCommand>& out) {
  const Language lang = view.language;
  const std::vector<alerts::Alert> queue = bannerAlarms(view.alerts, view.attention, view.dismissedBanners);
  if (queue.empty()) {
    _bannerAlertId = 0;
    return;
  }
  const alerts::Alert& a = queue.front();
  const bool fresh = a.id != _bannerAlertId;
  _bannerAlertId = a.id;
  const WidgetRect at = bannerPlace();
  ImGui::SetNextWindowPos(ImVec2(at.minX, at.minY), ImGuiCond_Always);
  ImGui::SetNextWindowSize(ImVec2(at.width(), 0), ImGuiCond_Always);
  if (fresh) ImGui::SetNextWindowFocus();
  const Rgba colour = severityColour(a.severity);
  ImGui::PushStyleColor(ImGuiCol_WindowBg, ImVec4(colour.r * 0.28f, colour.g * 0.28f, colour.b * 0.28f, 0.94f));
  ImGui::PushStyleColor(ImGuiCol_Border, toImVec4(colour));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 3.0f);
  const ImGuiWindowFlags flags = ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoCollapse |
                                 ImGuiWindowFlags_NoSavedSettings;
  const std::string title =
      std::string(tr(lang, "alarm.banner")) + " · " + tr(lang, severityKey(a.severity)) + "###alarm.banner";
  if (ImGui::Begin(title.c_str(), nullptr, flags)) {
    ImGui::PushTextWrapPos(0.0f);  // long messages and places wrap inside the banner
    ImGui::SetWindowFontScale(1.25f);
    ImGui::TextColored(toImVec4(colour), "#%lld  %s", static_cast<long long>(a.id), alertText(a, view).c_str());
    ImGui::SetWindowFontScale(1.0f);
    ImGui::Text("%s: %s", tr(lang, "alarm.where"), alarmPlace(a, view).c_str());
    std::string when =
        std::string(tr(lang, "alarm.raised")) + " " + formatDataTime(a.raisedMs, view.displayUtcOffsetMinutes);
    if (const std::string age = alarmAge(a, view); !age.empty()) when += "  ·  " + age;
    ImGui::TextUnformatted(when.c_str());
    if (a.replay) {
      ImGui::SameLine();
      ImGui::TextColored(toImVec4(severityColour(model::AlertSeverity::Minor)), "  %s", tr(lang, "alarm.replay"));
    }
    if (a.state == alerts::AlertState::ClearedUnacknowledged)
      ImGui::TextDisabled("%s: %s", tr(lang, "alarm.state"), tr(lang, "state.cleared_unack"));
    if (const std::vector<std::string>* steps = procedureOf(view, a)) {
      ImGui::TextDisabled("%s", tr(lang, "alarm.procedure"));
      for (std::size_t i = 0; i < steps->size(); ++i) ImGui::Text("  %zu. %s", i + 1, (*steps)[i].c_str());
    }
    if (ImGui::Button(tr(lang, "alerts.ack"))) _ackAlertId = a.id;  // opens the form with the note in the list
    remember("banner.ack");
    ImGui::SameLine();
    if (ImGui::Button(tr(lang, "alarm.dismiss"))) out.push_back(DismissBanner{a.id});
    remember("banner.dismiss");
    ImGui::SameLine();
    if (ImGui::Button(tr(lang, "alerts.flyTo"))) out.push_back(FlyToSensor{a.sensorId});
    remember("banner.fly");
    if (queue.size() > 1) {
      ImGui::SameLine();
      ImGui::TextDisabled("  +%zu %s", queue.size() - 1, tr(lang, "alarm.queued"));
    }
    ImGui::PopTextWrapPos();
  }
  const ImVec2 pos = ImGui::GetWindowPos(), size = ImGui::GetWindowSize();
  _rects["window.alarm.banner"] = WidgetRect{pos.x, pos.y, pos.x + size.x, pos.y + size.y};
  ImGui::End();
  ImGui::PopStyleVar();
  ImGui::PopStyleColor(2);
}

// The banner's place and width (its height follows its content): as wide as alarmBannerWidth()
// at the font's scale, centred; on the big screen just below the title bar over the scene, else
// over the chart, below the cards and the alert list, so that the list (with the acknowledgement
// form) stays usable while the banner shows.
WidgetRect MonitorPanels::bannerPlace() const {
  const ImVec2 display = ImGui::GetIO().DisplaySize;
  const float width = alarmBannerWidth(display.x, detail::fontScale());
  const float top = _rail ? _rail->minY : monitorLayout(display.x, display.y).chart.minY;
  const float left = (display.x - width) * 0.5f;
  return WidgetRect{left, top, left + width, top};
}

void MonitorPanels::drawCards(const MonitorView& view, std::vector<MonitorCommand>& out) {
  const Language lang = view.language;
  const ImGuiIO& io = ImGui::GetIO();
  place(currentLayout(io.DisplaySize.x, io.DisplaySize.y).cards, _relayout || _rail);
  if (!ImGui::Begin(windowTitle(lang, "panel.monitor", "monitor.cards").c_str())) {
    remember("window.monitor.cards");
    ImGui::End();
    return;
  }
  const DashboardCounts counts = dashboardCounts(view);

  // Cards: online / offline / stale, then one per severity in its colour.
  ImGui::TextColored(toImVec4(sensorNormalColour()), "%s %d", tr(lang, "monitor.online"), counts.online);
  ImGui::SameLine();
  ImGui::TextColored(toImVec4(sensorOfflineColour()), "  %s %d", tr(lang, "monitor.offline"), counts.offline);
  ImGui::SameLine();
  ImGui::TextColored(toImVec4(sensorStaleColour()), "  %s %d", tr(lang, "monitor.stale"), counts.stale);
  ImGui::TextDisabled("%s %d", tr(lang, "monitor.activeAlerts"), counts.activeAlerts);
  for (model::AlertSeverity s : kSeverities) {
    ImGui::SameLine();
    ImGui::TextColored(toImVec4(severityColour(s)), " %s %d", tr(lang, severityKey(s)),
                       counts.activeBySeverity[std::size_t(s)]);
  }
  if (view.replayClockMs) {
    // A replay is not live: the scene clock says so, in the data's own time.
    ImGui::TextColored(
        toImVec4(severityColour(model::AlertSeverity::Warning)), "%s %s (UTC%+d)", tr(lang, "monitor.replayClock"),
        formatDataTime(*view.replayClockMs, view.displayUtcOffsetMinutes).c_str(), view.displayUtcOffsetMinutes / 60);
  }
  if (view.scrubMs) {
    ImGui::TextColored(ImGui::GetStyleColorVec4(ImGuiCol_CheckMark), "%s %s", tr(lang, "monitor.scrubbedAt"),
                       formatDataTime(*view.scrubMs, view.displayUtcOffsetMinutes).c_str());
  }
  ImGui::Separator();

  // Current readings (or the scrubbed ones), one selectable row per sensor.
  for (const SensorRow& row : view.sensors) {
    if (!row.def) continue;
    const model::SensorDef& def = *row.def;
    std::string value;
    if (view.scrubMs)
      value = row.scrubbed ? formatValue(row.scrubbed->value, def.unit) : tr(lang, "monitor.noData");
    else
      value = row.state.hasValue ? formatValue(row.state.lastValue, def.unit) : tr(lang, "monitor.noData");
    ImGui::PushID(def.id.c_str());
    // A drawn dot rather than a glyph: U+25CF is not in every font's ranges.
    const float dot = ImGui::GetFontSize();
    const ImVec2 at = ImGui::GetCursorScreenPos();
    ImGui::GetWindowDrawList()->AddCircleFilled(ImVec2(at.x + dot * 0.5f, at.y + dot * 0.5f), dot * 0.4f,
                                                ImGui::ColorConvertFloat4ToU32(toImVec4(rowColour(row.state))));
    ImGui::Dummy(ImVec2(dot, dot));
    ImGui::SameLine();
    const std::string label =
        displayName(def, lang) + (def.simulated ? std::string(" ") + tr(lang, "monitor.simulatedTag") : "");
    if (ImGui::Selectable(label.c_str(), view.selectedSensor == def.id, 0,
                          ImVec2(ImGui::GetContentRegionAvail().x * 0.62f, 0)))
      out.push_back(SelectSensor{def.id});
    remember("sensor." + def.id);
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("%s\n%s: %s", def.id.c_str(), tr(lang, "monitor.status"), tr(lang, rowStatusKey(row.state)));
    ImGui::SameLine();
    if (!view.scrubMs && row.state.stale) {
      // A stale value must not look current: the stale colour and how old it is.
      if (row.state.lastSeenMs > 0 && view.nowMs > 0)
        value += "  (" + std::string(tr(lang, "monitor.staleAge")) + " " +
                 formatAge(double(view.nowMs - row.state.lastSeenMs) / 1000.0, lang) + tr(lang, "alarm.ago") + ")";
      ImGui::TextColored(toImVec4(sensorStaleColour()), "%s", value.c_str());
    } else {
      ImGui::TextUnformatted(value.c_str());
    }
    ImGui::PopID();
  }
  if (counts.sensors == 0) ImGui::TextDisabled("%s", tr(lang, "monitor.noSensors"));
  const ImVec2 pos = ImGui::GetWindowPos(), size = ImGui::GetWindowSize();
  _rects["window.monitor.cards"] = WidgetRect{pos.x, pos.y, pos.x + size.x, pos.y + size.y};
  ImGui::End();
}

void MonitorPanels::drawChart(const MonitorView& view, std::vector<MonitorCommand>& out) {
  const Language lang = view.language;
  const model::SensorDef* def = nullptr;
  for (const SensorRow& row : view.sensors)
    if (row.def && row.def->id == view.selectedSensor) def = row.def;
  const ImGuiIO& io = ImGui::GetIO();
  place(currentLayout(io.DisplaySize.x, io.DisplaySize.y).chart, _relayout || _rail);
  if (!ImGui::Begin(windowTitle(lang, "panel.chart", "monitor.chart").c_str())) {
    ImGui::End();
    return;
  }
  if (!def) {
    ImGui::TextDisabled("%s", tr(lang, "monitor.selectHint"));
  } else {
    // The name gives way to the "simulated" tag on a narrow rail (elided, whole on hover).
    const char* simulated = tr(lang, "monitor.simulated");
    const float tagWidth = def->simulated ? ImGui::CalcTextSize(simulated).x + ImGui::GetStyle().ItemSpacing.x : 0.0f;
    const ImVec4 textColour = ImGui::GetStyleColorVec4(ImGuiCol_Text);
    textElided(displayName(*def, lang) + " (" + def->unit + ")", &textColour,
               std::max(1.0f, ImGui::GetContentRegionAvail().x - tagWidth));
    if (def->simulated) {
      ImGui::SameLine();
      ImGui::TextColored(toImVec4(severityColour(model::AlertSeverity::Minor)), "%s", simulated);
    }
    std::vector<float> values;
    values.reserve(view.selectedSeries.size());
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (const sensors::Sample& s : view.selectedSeries) {
      if (!std::isfinite(s.value)) continue;
      values.push_back(float(s.value));
      lo = std::min(lo, s.value);
      hi = std::max(hi, s.value);
    }
    for (const RuleLine& line : view.selectedRuleLines) {
      lo = std::min(lo, line.value);
      hi = std::max(hi, line.value);
    }
    if (!(lo <= hi)) lo = 0, hi = 1;
    if (hi - lo < 1e-9) lo -= 1, hi += 1;
    const double pad = (hi - lo) * 0.05;
    lo -= pad;
    hi += pad;
    const ImVec2 plotSize(ImGui::GetContentRegionAvail().x, ImGui::GetFontSize() * 6.5f);  // 120 px at 18 px
    ImGui::PlotLines("##series", values.empty() ? nullptr : values.data(), int(values.size()), 0,
                     values.empty() ? tr(lang, "monitor.noData") : nullptr, float(lo), float(hi), plotSize);
    const ImVec2 pMin = ImGui::GetItemRectMin(), pMax = ImGui::GetItemRectMax();
    remember("chart");
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const auto yOf = [&](double v) { return float(pMax.y - (v - lo) / (hi - lo) * (pMax.y - pMin.y)); };
    for (const RuleLine& line : view.selectedRuleLines) {
      Rgba c = severityColour(line.severity);
      c.a = line.clear ? 0.45f : 0.95f;
      const float y = yOf(line.value);
      draw->AddLine(ImVec2(pMin.x, y), ImVec2(pMax.x, y), ImGui::ColorConvertFloat4ToU32(toImVec4(c)),
                    line.clear ? 1.0f : 2.0f);
      if (!line.clear) {
        const std::string& name = lang == Language::En && !line.ruleNameEn.empty() ? line.ruleNameEn : line.ruleName;
        const std::string text = name + " " + formatValue(line.value, "");
        draw->AddText(ImVec2(pMin.x + 4, y - ImGui::GetFontSize()), ImGui::ColorConvertFloat4ToU32(toImVec4(c)),
                      text.c_str());
      }
    }
    if (view.scrubMs && view.selectedSeries.size() >= 2) {
      const double t0 = double(view.selectedSeries.front().tsMs), t1 = double(view.selectedSeries.back().tsMs);
      if (t1 > t0 && double(*view.scrubMs) >= t0 && double(*view.scrubMs) <= t1) {
        // PlotLines spreads samples evenly; place the cursor by sample index, not by time.
        const auto it = std::upper_bound(view.selectedSeries.begin(), view.selectedSeries.end(), *view.scrubMs,
                                         [](std::int64_t t, const sensors::Sample& s) { return t < s.tsMs; });
        const double index = double(std::max<std::ptrdiff_t>(0, (it - view.selectedSeries.begin()) - 1));
        const float x = float(pMin.x + index / double(view.selectedSeries.size() - 1) * (pMax.x - pMin.x));
        draw->AddLine(ImVec2(x, pMin.y), ImVec2(x, pMax.y), ImGui::GetColorU32(ImGuiCol_Text), 1.0f);
      }
    }
    if (!view.selectedSeries.empty())
      textElided(formatDataTime(view.selectedSeries.front().tsMs, view.displayUtcOffsetMinutes) + "  " +
                     formatDataTime(view.selectedSeries.back().tsMs, view.displayUtcOffsetMinutes) + "  (" +
                     std::to_string(view.selectedSeries.size()) + ")",
                 nullptr);
  }

  // Timeline over every sensor's history.
  ImGui::Separator();
  ImGui::TextDisabled("%s", tr(lang, "monitor.timeline"));
  if (view.timelineFromMs < view.timelineToMs) {
    const double span = double(view.timelineToMs - view.timelineFromMs);
    float fraction =
        view.scrubMs ? float(std::clamp(double(*view.scrubMs - view.timelineFromMs) / span, 0.0, 1.0)) : 1.0f;
    const std::string shown =
        formatDataTime(view.scrubMs ? *view.scrubMs : view.timelineToMs, view.displayUtcOffsetMinutes);
    const float liveWidth = ImGui::CalcTextSize(tr(lang, "monitor.live")).x + 2 * ImGui::GetStyle().FramePadding.x +
                            ImGui::GetStyle().ItemSpacing.x;
    ImGui::SetNextItemWidth(std::max(1.0f, ImGui::GetContentRegionAvail().x - liveWidth));
    if (ImGui::SliderFloat("##timeline", &fraction, 0.0f, 1.0f, shown.c_str()))
      out.push_back(ScrubTo{view.timelineFromMs + std::int64_t(std::llround(double(fraction) * span))});
    remember("timeline");
    ImGui::SameLine();
    ImGui::BeginDisabled(!view.scrubMs.has_value());
    if (ImGui::Button(tr(lang, "monitor.live"))) out.push_back(ScrubTo{std::nullopt});
    ImGui::EndDisabled();
    remember("timeline.live");
  } else {
    ImGui::TextDisabled("%s", tr(lang, "monitor.noData"));
  }
  const ImVec2 pos = ImGui::GetWindowPos(), size = ImGui::GetWindowSize();
  _overflow["monitor.chart"] = horizontalOverflow();
  _rects["window.monitor.chart"] = WidgetRect{pos.x, pos.y, pos.x + size.x, pos.y + size.y};
  ImGui::End();
}

void MonitorPanels::drawAlerts(const MonitorView& view, std::vector<MonitorCommand>& out) {
  const Language lang = view.language;
  const ImGuiIO& io = ImGui::GetIO();
  place(currentLayout(io.DisplaySize.x, io.DisplaySize.y).alerts, _relayout || _rail);
  if (!ImGui::Begin(windowTitle(lang, "panel.alerts", "monitor.alerts").c_str())) {
    ImGui::End();
    return;
  }
  // Filters: one checkbox per severity, state and sort radio buttons; a row wraps where the
  // window is too narrow for it (the big screen's rail at 1366x768).
  detail::severityToggles(lang, _filter.severities,
                          [this](const char* name) { remember(std::string("filter.") + name); });
  int state = int(_filter.state);
  ImGui::TextDisabled("%s", tr(lang, "alerts.state"));
  const std::pair<const char*, const char*> states[] = {
      {"alerts.all", "state.all"}, {"alerts.unacked", "state.unack"}, {"alerts.acked", "state.ack"}};
  for (int i = 0; i < 3; ++i) {
    sameLineIfFits(toggleWidth(tr(lang, states[i].first)));
    if (ImGui::RadioButton(tr(lang, states[i].first), state == i)) _filter.state = AlertStateFilter(i);
    remember(states[i].second);
  }
  ImGui::TextDisabled("%s", tr(lang, "alerts.sort"));
  sameLineIfFits(toggleWidth(tr(lang, "alerts.sortTime")));
  if (ImGui::RadioButton(tr(lang, "alerts.sortTime"), _filter.sort == AlertSort::NewestFirst))
    _filter.sort = AlertSort::NewestFirst;
  remember("sort.time");
  sameLineIfFits(toggleWidth(tr(lang, "alerts.sortSeverity")));
  if (ImGui::RadioButton(tr(lang, "alerts.sortSeverity"), _filter.sort == AlertSort::SeverityFirst))
    _filter.sort = AlertSort::SeverityFirst;
  remember("sort.severity");
  // Past alarms (cleared and acknowledged ones leave this list) are in the history window.
  sameLineIfFits(ImGui::CalcTextSize(tr(lang, "alerts.history")).x + 2 * ImGui::GetStyle().FramePadding.x);
  if (ImGui::SmallButton(tr(lang, "alerts.history"))) out.push_back(OpenHistory{});
  remember("alerts.history");
  ImGui::Separator();

  // The acknowledgement form for the chosen alert; it closes when that alert is gone.
  bool ackTargetPresent = false;
  for (const alerts::Alert& a : view.alerts) ackTargetPresent |= a.id == _ackAlertId;
  if (_ackAlertId != 0 && !ackTargetPresent) _ackAlertId = 0;
  if (_ackAlertId != 0) {
    ImGui::Text("%s #%lld", tr(lang, "alerts.ackTitle"), static_cast<long long>(_ackAlertId));
    ImGui::InputText(tr(lang, "alerts.who"), _who.data(), _who.size());
    remember("ack.who");
    ImGui::InputText(tr(lang, "alerts.comment"), _comment.data(), _comment.size());
    remember("ack.comment");
    const bool whoGiven = _who[0] != '\0';
    ImGui::BeginDisabled(!whoGiven);
    if (ImGui::Button(tr(lang, "alerts.confirm"))) {
      out.push_back(AcknowledgeAlert{_ackAlertId, _who.data(), _comment.data()});
      _ackAlertId = 0;
      _comment.fill('\0');
    }
    ImGui::EndDisabled();
    remember("ack.confirm");
    ImGui::SameLine();
    if (ImGui::Button(tr(lang, "alerts.cancel"))) _ackAlertId = 0;
    remember("ack.cancel");
    if (!whoGiven) ImGui::TextDisabled("%s", tr(lang, "alerts.whoRequired"));
    ImGui::Separator();
  }

  const std::vector<alerts::Alert> shown = filterAlerts(view.alerts, _filter);
  if (shown.empty()) ImGui::TextDisabled("%s", tr(lang, "alerts.none"));
  ImGui::BeginChild("##alertRows", ImVec2(0, 0));
  for (const alerts::Alert& a : shown) {
    const std::string id = std::to_string(a.id);
    ImGui::PushID(id.c_str());
    // Each line fits the list's width: parts wrap onto the next line, long texts are elided with
    // the whole text on hover.
    // The severity's colour, darkened where the theme's panels are light (minor yellow on white).
    const ImVec4 bg = ImGui::GetStyleColorVec4(ImGuiCol_WindowBg);
    const ImVec4 colour = toImVec4(readableTextColour(severityColour(a.severity), Rgba{bg.x, bg.y, bg.z, 1}));
    ImGui::TextColored(colour, "#%s %s", id.c_str(), tr(lang, severityKey(a.severity)));
    if (a.escalations > 0) {
      const std::string escalated = std::string("(") + tr(lang, "alarm.escalated") + ")";
      sameLineIfFits(ImGui::CalcTextSize(escalated.c_str()).x);
      ImGui::TextColored(colour, "%s", escalated.c_str());
    }
    const std::string stateKey = std::string("state.") + alerts::alertStateName(a.state);
    const char* stateText = tr(lang, stateKey.c_str());
    sameLineIfFits(ImGui::CalcTextSize(stateText).x);
    if (alerts::isActive(a.state))
      ImGui::TextUnformatted(stateText);
    else
      ImGui::TextDisabled("%s", stateText);
    const std::string message = alertText(a, view);
    const std::string shown = elideText(message, ImGui::GetContentRegionAvail().x,
                                        [](const std::string& t) { return ImGui::CalcTextSize(t.c_str()).x; });
    if (ImGui::Selectable((shown + "##message").c_str(), view.selectedSensor == a.sensorId))
      out.push_back(SelectSensor{a.sensorId});
    if (shown != message && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", message.c_str());
    remember("alert.select." + id);
    textElided(std::string(tr(lang, "alarm.rule")) + " " + a.ruleId + " · " + tr(lang, "alarm.value") + " " +
                   valueText(a, view) + " · " + alarmPlace(a, view),
               nullptr);
    std::string times =
        std::string(tr(lang, "alarm.raised")) + " " + formatDataTime(a.raisedMs, view.displayUtcOffsetMinutes);
    if (a.clearedMs > 0)
      times += " · " + std::string(tr(lang, "alarm.cleared")) + " " +
               formatDataTime(a.clearedMs, view.displayUtcOffsetMinutes);
    if (a.replay) times += std::string(" · ") + tr(lang, "alarm.replay");
    textElided(times, nullptr);
    if (!a.assignee.empty()) textElided(std::string(tr(lang, "alarm.assignee")) + " " + a.assignee, nullptr);
    if (const std::vector<std::string>* steps = procedureOf(view, a); steps && !alerts::isAcknowledged(a.state)) {
      std::string text = std::string(tr(lang, "alarm.procedure")) + ":";
      for (std::size_t i = 0; i < steps->size(); ++i) text += " " + std::to_string(i + 1) + ". " + (*steps)[i];
      ImGui::TextWrapped("%s", text.c_str());
    }
    if (alerts::isAcknowledged(a.state) && !a.ackBy.empty()) {
      textElided(
          std::string(tr(lang, "alerts.ackedBy")) + " " + a.ackBy + (a.ackComment.empty() ? "" : ": ") + a.ackComment,
          nullptr);
    }
    if (!alerts::isAcknowledged(a.state)) {
      if (ImGui::SmallButton(tr(lang, "alerts.ack"))) _ackAlertId = a.id;
      remember("alert.ack." + id);
      sameLineIfFits(ImGui::CalcTextSize(tr(lang, "alerts.flyTo")).x + 2 * ImGui::GetStyle().FramePadding.x);
    }
    if (ImGui::SmallButton(tr(lang, "alerts.flyTo"))) out.push_back(FlyToSensor{a.sensorId});
    remember("alert.fly." + id);
    ImGui::Separator();
    ImGui::PopID();
  }
  _overflow["alerts.rows"] = horizontalOverflow();
  ImGui::EndChild();
  _overflow["monitor.alerts"] = horizontalOverflow();
  const ImVec2 pos = ImGui::GetWindowPos(), size = ImGui::GetWindowSize();
  _rects["window.monitor.alerts"] = WidgetRect{pos.x, pos.y, pos.x + size.x, pos.y + size.y};
  ImGui::End();
}

}  // namespace twin::ui
