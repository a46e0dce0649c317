#include "twin/ui/IndicatorCards.h"

#include <cmath>
#include <cstdio>

#include "twin/core/TextFormat.h"

namespace twin::ui {
namespace {

using core::compactNumber;

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
        card.value = compactNumber(*indicator.value);
        card.detail =
            std::string(tr(language, "indicator.source")) + ": " + (en ? indicator.sourceEn : indicator.source);
      } else {
        card.value = tr(language, "indicator.noData");
        card.unit.clear();
        card.missing = true;
        card.detail =
            std::string(tr(language, "indicator.why")) + ": " + (en ? indicator.whyMissingEn : indicator.whyMissing);
      }
      cards.push_back(std::move(card));
    }
  }
  return cards;
}

}  // namespace twin::ui
