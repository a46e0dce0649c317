// Monitoring and early-warning panels: dashboard cards, a chart for the selected sensor with its
// rule levels, the alert list (filter, sort, acknowledge, fly to) and a timeline to scrub history.
// Like Panels.h they read a plain MonitorView and return MonitorCommands; they never touch the
// alert engine or the scene graph. Sections:
//   colours .......... severity and sensor-state colours (the 3D markers use the same values)
//   MonitorView ...... input: sensors with their states, active alerts, the selected sensor's series
//   MonitorCommand ... output: select, acknowledge, fly to, scrub
//   helpers .......... dashboardCounts(), filterAlerts(), sampleAt(), ruleLines() (pure, testable)
//   MonitorPanels .... draws the panels; widgetRect() for tests and automation
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "twin/alerts/Alert.h"
#include "twin/alerts/AlertEngine.h"
#include "twin/model/Sensor.h"
#include "twin/sensors/TimeSeries.h"
#include "twin/ui/I18n.h"
#include "twin/ui/Panels.h"
#include "twin/ui/Style.h"

namespace twin::ui {

/** Colour of a severity: critical red, major orange, minor yellow, warning violet. */
Rgba severityColour(model::AlertSeverity severity);
/** Colour of a sensor without alerts: online green; offline (never reported, or link "offline")
    grey; stale (a stale rule is active) blue-grey. */
Rgba sensorNormalColour();
Rgba sensorOfflineColour();
Rgba sensorStaleColour();

/** One sensor as the panels show it. `def` must not be null and must outlive the draw() call. */
struct SensorRow {
  const model::SensorDef* def = nullptr;
  alerts::SensorState state;
  std::optional<sensors::Sample> scrubbed;  // its value at MonitorView::scrubMs, when scrubbing
};

/** A horizontal level on the chart (a rule's raise or clear level), in the sensor's unit. */
struct RuleLine {
  double value = 0;
  model::AlertSeverity severity = model::AlertSeverity::Warning;
  bool clear = false;  // a clear level (drawn fainter)
  std::string ruleName;
  std::string ruleNameEn;  // the rule's English name ("name_en"); may be empty (then ruleName is shown)
};

/** A building that sensors are placed in (SensorDef::building), as the alarm panels name it.
    Every field may be empty. */
struct BuildingName {
  std::string name;     // OSM name
  std::string nameZh;   // OSM name:zh
  std::string nameEn;   // OSM name:en
  std::string address;  // addr:full, else addr:street with addr:housenumber
};

/** Everything the monitoring panels show this frame. */
struct MonitorView {
  Language language = Language::ZhCN;
  std::vector<SensorRow> sensors;     // in scene order
  std::vector<alerts::Alert> alerts;  // open alerts (AlertEngine::openAlerts()): active, and cleared unacknowledged
  std::vector<model::AlertRuleDef> rules;         // the scene's rules (procedures), looked up by Alert::ruleId
  std::map<std::string, BuildingName> buildings;  // by building reference ("way/581814552"); see buildingLabel()
  model::AlertSeverity attention = model::AlertSeverity::Major;  // scene "alerts.attention": banner at or above
  std::vector<std::int64_t> dismissedBanners;  // alerts whose banner the operator dismissed (still listed)
  std::int64_t nowMs = 0;  // the scene clock for "how long ago" and stale ages: data time in a replay, wall clock
                           // live (the clock that stamps Alert::receivedMs); 0 = unknown
  std::array<int, 4> activeBySeverity{{0, 0, 0, 0}};  // index: model::AlertSeverity
  std::string selectedSensor;                         // id; empty = none
  std::vector<sensors::Sample> selectedSeries;        // the selected sensor's ring buffer, oldest first
  std::vector<RuleLine> selectedRuleLines;
  std::int64_t timelineFromMs = 0, timelineToMs = 0;  // data-time range the slider spans; from >= to = no slider
  std::optional<std::int64_t> scrubMs;                // the scrubbed data time; nullopt = live
  std::optional<std::int64_t> replayClockMs;          // the scene clock of a replay (data time); nullopt = live data
  int displayUtcOffsetMinutes = 480;                  // times are shown in this zone (Beijing by default)
  std::string operatorName;                           // pre-fills "acknowledged by"
};

struct SelectSensor {
  std::string sensorId;
};
struct AcknowledgeAlert {
  std::int64_t alertId = 0;
  std::string who, comment;
};
struct FlyToSensor {
  std::string sensorId;
};
struct ScrubTo {
  std::optional<std::int64_t> tsMs;
};  // nullopt = back to live
struct DismissBanner {
  std::int64_t alertId = 0;
};                      // hide its banner; the alert stays open and listed
struct OpenHistory {};  // the alarm history window (ui::AlarmHistoryPanel)
using MonitorCommand = std::variant<SelectSensor, AcknowledgeAlert, FlyToSensor, ScrubTo, DismissBanner, OpenHistory>;

/** The dashboard cards' figures. online + offline + stale == sensors.size(); a stale sensor is
    counted as stale only; an offline one is one that is neither online nor stale. */
struct DashboardCounts {
  int sensors = 0, online = 0, offline = 0, stale = 0;
  std::array<int, 4> activeBySeverity{{0, 0, 0, 0}};
  int activeAlerts = 0;  // sum of activeBySeverity
};
DashboardCounts dashboardCounts(const MonitorView& view);

enum class AlertStateFilter { All, Unacknowledged, Acknowledged };
enum class AlertSort { NewestFirst, SeverityFirst };  // SeverityFirst: critical first, newest first within

struct AlertFilter {
  std::array<bool, 4> severities{{true, true, true, true}};  // index: model::AlertSeverity
  AlertStateFilter state = AlertStateFilter::All;
  AlertSort sort = AlertSort::SeverityFirst;
};
/** The alerts that pass `filter`, in its order (ties broken by id, newest first). */
std::vector<alerts::Alert> filterAlerts(const std::vector<alerts::Alert>& alerts, const AlertFilter& filter);

/** The alarms that get a banner, in queue order: unacknowledged (active or cleared), severity
    at or above `attention`, not dismissed; worst severity first, then newest raised. The first
    is the one shown; the rest wait. */
std::vector<alerts::Alert> bannerAlarms(const std::vector<alerts::Alert>& open, model::AlertSeverity attention,
                                        const std::vector<std::int64_t>& dismissed);

/** "12 s", "5 min", "3 h", "2 d" (zh-CN: "12 秒", ...): a duration rounded down to its largest
    unit; negative durations count as 0. */
std::string formatAge(double seconds, Language language);

/** How long ago `alert` arrived on the scene clock (view.nowMs - alert.receivedMs, formatAge()):
    a replay counts in data time, live data on the wall clock. Empty when either time is unknown
    (0). */
std::string alarmAge(const alerts::Alert& alert, const MonitorView& view);

/** A floor as people say it: "B1" / "地下1层" for -1, "12F" / "12层" for 12, "GF" / "地面层" for 0
    (the ground, where scene::placeSensors() puts floor 0). */
std::string floorLabel(int floor, Language language);

/** A building reference ("way/581814552") as the panels name it: its name in the view's
    language (name:en / name:zh when present, else name, else the other language's), else its
    address, else "Building way/581814552" / "楼栋 way/581814552" (also when the reference is
    not in view.buildings). */
std::string buildingLabel(const std::string& reference, const MonitorView& view);

/** "丰瑞北苑 · 地下1层 · 车库水位"-style place of an alert: buildingLabel(), floorLabel() and the
    sensor's display name when it has a building, else the sensor's display name (or id). */
std::string alarmPlace(const alerts::Alert& alert, const MonitorView& view);

/** A beacon's label: "紧急 · 积水 · 丰瑞北苑 · 地下1层 · 车库水位" (severity, rule name or id, alarmPlace()). */
std::string beaconLabel(const alerts::Alert& alert, const MonitorView& view);

/** One label to draw at a beacon's top, already projected: ImGui pixels (origin top-left). */
struct AlarmLabel {
  float x = 0, y = 0;  // bottom centre of the label
  std::string text;
  model::AlertSeverity severity = model::AlertSeverity::Critical;
};
/** Draws the labels into the background draw list (under the panels, over the 3D view), each
    on a dark box with a border in its severity's colour. Call inside an ImGui frame. */
void drawAlarmLabels(const std::vector<AlarmLabel>& labels);

/** The last sample with tsMs <= `tsMs` in an oldest-first series; nullopt when none is that old. */
std::optional<sensors::Sample> sampleAt(const std::vector<sensors::Sample>& series, std::int64_t tsMs);

/** Chart levels of rules: above/below -> level and clear level; outside -> low, high and their
    clear levels; rate, stale and quality rules have no level on the value axis (skipped).
    A clear level equal to its raise level is not repeated. */
std::vector<RuleLine> ruleLines(const std::vector<model::AlertRuleDef>& rules);

/** "2017-02-28 23:00" for a UTC epoch ms shown at `utcOffsetMinutes`. */
std::string formatDataTime(std::int64_t tsMs, int utcOffsetMinutes);

/** Where the monitor windows go on a display of width x height pixels, clear of the main
    panels' places (ui::Panels: controls top-left, stats and building on the right, diagnostics
    bottom-left, attribution along the bottom right): the sensor cards and the alert list side by
    side at the top of the centre column, the chart below them right of the diagnostics. No
    overlap from 1280x720 up; smaller displays get the minimum sizes (300 x 150) and may overlap. */
struct MonitorLayout {
  WidgetRect cards, chart, alerts;
};
MonitorLayout monitorLayout(float width, float height);
/** The alarm banner's width on a display `displayWidth` pixels wide at UI scale `scale` (the
    panel font's size over kBaseFontPixels): 640 px at scale 1, growing with the scale so that a
    3840x2160 wall's larger text still fits, never wider than the display less a margin (16 px at
    scale 1). Not positive for a display narrower than the margins. */
float alarmBannerWidth(float displayWidth, float scale);
/** The monitor windows inside the big screen's right rail: the alert list above, the selected
    sensor's trend below, both as wide as the rail; `cards` is empty (not drawn). */
MonitorLayout railMonitorLayout(const WidgetRect& rail);

/** Draws the monitoring panels into the current ImGui frame. Keeps the alert filter and the
    acknowledgement being typed between frames. Not thread-safe (ImGui context). */
class MonitorPanels {
 public:
  /** Call between ImGui::NewFrame() and ImGui::Render(). Returns this frame's commands in the
      order they happened. Rows whose `def` is null are skipped. The windows take their places
      from monitorLayout() on the first frame and again whenever the display size changes; in
      between, the user may move and resize them. */
  std::vector<MonitorCommand> draw(const MonitorView& view);

  /** Where a widget was drawn in the last draw(): "sensor.<id>" (card rows), "alert.ack.<id>",
      "alert.fly.<id>", "alert.select.<id>", "ack.who", "ack.comment", "ack.confirm", "ack.cancel",
      "filter.<severity name>", "state.all", "state.unack", "state.ack", "sort.time",
      "sort.severity", "alerts.history", "timeline", "timeline.live", and the windows "window.monitor.cards",
      "window.monitor.chart", "window.monitor.alerts". nullopt when it was not drawn. */
  std::optional<WidgetRect> widgetRect(const std::string& id) const;
  /** The alert whose banner was drawn in the last draw(); 0 = none. Its widgets: "banner.ack",
      "banner.dismiss", "banner.fly", the window "window.alarm.banner". */
  std::int64_t bannerAlertId() const { return _bannerAlertId; }

  /** Big screen: from the next draw() on, the alert list and chart are pinned inside `rail`
      (railMonitorLayout()) and the cards window is not drawn; nullopt returns to the movable
      engineering windows at monitorLayout()'s places. */
  void setRail(std::optional<WidgetRect> rail) { _rail = rail; }

  /** How many pixels the items of a monitor window ran past its right edge in the last draw():
      "monitor.alerts", "alerts.rows" (the list inside it), "monitor.chart"; nullopt when not
      drawn. Long lines are elided or wrap, so this is 0 (the layout tests check it). */
  std::optional<float> textOverflow(const std::string& area) const {
    auto it = _overflow.find(area);
    return it == _overflow.end() ? std::nullopt : std::optional<float>(it->second);
  }

  const AlertFilter& filter() const { return _filter; }
  /** The alert whose acknowledgement form is open; 0 = none. */
  std::int64_t ackAlertId() const { return _ackAlertId; }

 private:
  void drawCards(const MonitorView& view, std::vector<MonitorCommand>& out);
  void drawChart(const MonitorView& view, std::vector<MonitorCommand>& out);
  void drawAlerts(const MonitorView& view, std::vector<MonitorCommand>& out);
  void drawBanner(const MonitorView& view, std::vector<MonitorCommand>& out);
  WidgetRect bannerPlace() const;
  void remember(const std::string& id);
  MonitorLayout currentLayout(float width, float height) const;

  std::map<std::string, WidgetRect> _rects;
  std::map<std::string, float> _overflow;  // textOverflow()
  std::optional<WidgetRect> _rail;
  float _layoutWidth = -1, _layoutHeight = -1;  // display size the windows were last placed for
  bool _relayout = false;                       // this frame places them again
  AlertFilter _filter;
  std::int64_t _ackAlertId = 0;
  std::int64_t _bannerAlertId = 0;
  std::array<char, 64> _who{};
  std::array<char, 256> _comment{};
  bool _whoFilled = false;
};

}  // namespace twin::ui
