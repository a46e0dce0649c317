// The nine-scenario indicators (九大场景) of a Zhejiang future community (未来社区): neighbourhood,
// education, health, entrepreneurship, architecture, transport, low carbon, service and
// governance, each computed from the scene's own data — the life-circle coverage of its
// residential buildings (GB 50180-2018), its building stock, its POIs, and the facts about its
// sensors and alerts that the caller gathers from the sensors and alerts modules. The formulas,
// sources and standards are in docs/indicators.md. No figure is ever made up: an indicator the
// data cannot support has no value and says why.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "twin/analysis/WalkGraph.h"
#include "twin/core/Diagnostics.h"
#include "twin/model/Facility.h"
#include "twin/model/Site.h"

namespace twin::analysis {

/** One indicator. Exactly one of `value` and `whyMissing` is set. Texts come in Chinese (no
    suffix) and English (`En`), like the names; the UI shows the one of its language. */
struct Indicator {
  std::string id;                        // stable ASCII id, e.g. "kindergarten_5min_residents"
  std::string name, nameEn;              // Chinese and English display names
  std::optional<double> value;           // in `unit`; none when the data cannot support the figure
  std::string unit;                      // "%", "m²", "min", "kWh", "count", "per 1000 residents"
  std::string source, sourceEn;          // what the figure was computed from (scene data, counts)
  std::string whyMissing, whyMissingEn;  // both non-empty exactly when `value` is empty
};

/** One of the nine scenarios with its indicators. */
struct ScenarioIndicators {
  std::string id;            // neighbourhood, education, health, entrepreneurship, architecture,
                             // transport, low_carbon, service, governance (in this order)
  std::string name, nameEn;  // 邻里 / Neighbourhood, ...
  std::vector<Indicator> indicators;
};

/** One alert of the scene's sensors, as read from the alert log. Times are UTC epoch ms. */
struct AlertTiming {
  std::string sensorId;
  std::int64_t raisedMs = 0;
  std::int64_t ackMs = 0;  // 0 = never acknowledged
  bool active = false;     // still active (not cleared)
  bool stale = false;      // raised by a "stale" rule: the sensor is silent (offline)
};

/** Readings of one power sensor in kilowatts, ascending by time (UTC epoch ms). */
struct PowerSeries {
  std::string sensorId;
  std::vector<std::pair<std::int64_t, double>> samplesKw;
};

/** What the sensors and alerts modules know, gathered by the caller (the analysis module does
    not use those modules). Leave a part empty and say why: the indicators built on it then
    have no value and carry that reason. Texts in Chinese (no suffix) and English (`En`); an
    empty Chinese text with an English one falls back to the English. */
struct OperationsFacts {
  std::size_t sensorsDeclared = 0;               // sensors in the scene file
  bool alertLogRead = false;                     // `alerts` holds the alert log's alerts of these sensors
  std::string alertLogSource, alertLogSourceEn;  // e.g. "告警日志 twin-alerts.db", "alert log twin-alerts.db"
  std::string alertLogWhyMissing, alertLogWhyMissingEn;  // when !alertLogRead, e.g. "no alert log at x.db"
  std::vector<AlertTiming> alerts;
  std::vector<PowerSeries> power;                  // one per power sensor (kind "power", unit kW) with data
  std::string powerSource, powerSourceEn;          // e.g. "replay file simulated-qianjiang.jsonl"
  std::string powerWhyMissing, powerWhyMissingEn;  // when `power` is empty
  double maxGapMinutes = 30;                       // a gap between two readings longer than this is not integrated
};

/** Energy in kWh of a kW series by the trapezoid rule; intervals longer than maxGapMinutes,
    and samples that are not finite, are left out. Fewer than two samples -> 0. */
double integrateKwh(const std::vector<std::pair<std::int64_t, double>>& samplesKw, double maxGapMinutes);

/** The nine scenarios and their indicators for `site`. Life-circle indicators run one
    CoverageModel over the residential buildings at config.walking.speedMps on `graph` (built
    from the site's roads by the caller); a category the scene's facility mapping lacks makes
    its indicators missing. Buildings off the network stay in the denominators. Problems of the
    coverage run (buildings off the network...) go to `diag`. Never throws. */
std::vector<ScenarioIndicators> nineScenarioIndicators(const WalkGraph& graph, const model::Site& site,
                                                       const model::FacilityConfig& config,
                                                       const OperationsFacts& operations, core::Diagnostics& diag);

}  // namespace twin::analysis
