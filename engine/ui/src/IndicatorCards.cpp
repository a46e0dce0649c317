#include "twin/ui/IndicatorCards.h"

#include <cmath>
#include <cstdio>

namespace twin::ui {
namespace {

std::string formatFigure(double v) {
  char buf[64];
  if (std::fabs(v - std::round(v)) < 1e-9)
    std::snprintf(buf, sizeof buf, "%.0f", v);
  else
    std::snprintf(buf, sizeof buf, "%.2f", v);
  std::string out = buf;
  // "33.30" -> "33.3": the indicators are rounded already; trailing zeros add nothing.
  if (out.find('.') != std::string::npos) {
    while (out.back() == '0') out.pop_back();
    if (out.back() == '.') out.pop_back();
  }
  return out;
}

}  // namespace

std::string indicatorUnit(const std::string& unit, Language language) {
  if (unit == "count") return "";
  if (unit == "min") return tr(language, "unit.min");
  if (unit == "per 1000 residents") return tr(language, "unit.per1000Residents");
  return unit;
}

std::vector<IndicatorCard> indicatorCards(const std::vector<analysis::ScenarioIndicators>& scenarios, Language language,
                                          std::size_t perScenario) {
  const bool en = language == Language::En;
  std::vector<IndicatorCard> cards;
  for (const analysis::ScenarioIndicators& s : scenarios) {
    for (std::size_t i = 0; i < s.indicators.size() && i < perScenario; ++i) {
      const analysis::Indicator& indicator = s.indicators[i];
      IndicatorCard card;
      card.scenario = en ? s.nameEn : s.name;
      card.indicator = en ? indicator.nameEn : indicator.name;
      card.unit = indicatorUnit(indicator.unit, language);
      if (indicator.value) {
        card.value = formatFigure(*indicator.value);
        card.detail = std::string(tr(language, "indicator.source")) + ": " + indicator.source;
      } else {
        card.value = tr(language, "indicator.noData");
        card.unit.clear();
        card.missing = true;
        card.detail = std::string(tr(language, "indicator.why")) + ": " + indicator.whyMissing;
      }
      cards.push_back(std::move(card));
    }
  }
  return cards;
}

}  // namespace twin::ui
