// The left rail's cards from the nine-scenario indicators (analysis::nineScenarioIndicators()).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "twin/analysis/Indicators.h"
#include "twin/ui/BigScreen.h"
#include "twin/ui/I18n.h"

namespace twin::ui {

/** Up to `perScenario` figures of each scenario, in order, as cards in `language`: the scenario's
    and the indicator's names in that language; the value formatted like `twin indicators` (at
    most two decimals, trailing zeros dropped); the unit translated ("count" shows none); a
    missing value as tr("indicator.noData") with `missing` set and the reason in `detail`; a
    present one with its source in `detail`. Scenarios without indicators give no card. */
std::vector<IndicatorCard> indicatorCards(const std::vector<analysis::ScenarioIndicators>& scenarios, Language language,
                                          std::size_t perScenario = 3);

/** The unit as shown in `language`: "%", "m²" and "kWh" as they are, "min" as tr("unit.min"),
    "per 1000 residents" as tr("unit.per1000Residents"), "count" as "" (a bare number). Unknown
    units are shown as given. */
std::string indicatorUnit(const std::string& unit, Language language);

}  // namespace twin::ui
