#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "twin/ui/IndicatorCards.h"

using namespace twin;
using namespace twin::ui;

namespace {

analysis::Indicator valued(const std::string& id, double value, const std::string& unit) {
  analysis::Indicator i;
  i.id = id;
  i.name = id + "（中）";
  i.nameEn = id + " (en)";
  i.value = value;
  i.unit = unit;
  i.source = "场景建筑";
  i.sourceEn = "scene buildings";
  return i;
}

analysis::Indicator missing(const std::string& id, const std::string& unit, const std::string& why) {
  analysis::Indicator i = valued(id, 0, unit);
  i.value.reset();
  i.whyMissing = "缺失：" + why;
  i.whyMissingEn = why;
  return i;
}

std::vector<analysis::ScenarioIndicators> scenarios() {
  analysis::ScenarioIndicators health{"health", "健康", "Health", {}};
  health.indicators = {valued("clinic_15min", 87.5, "%"), missing("mtta", "min", "no alert log at x.db"),
                       valued("pharmacies", 12, "count"), valued("fourth", 1, "%")};
  analysis::ScenarioIndicators empty{"service", "服务", "Service", {}};
  analysis::ScenarioIndicators shops{"entrepreneurship", "创业", "Entrepreneurship", {}};
  shops.indicators = {valued("shops", 3.333, "per 1000 residents"), valued("area", 120000, "m²")};
  return {health, empty, shops};
}

}  // namespace

TEST_CASE("indicator cards: the main figures of each scenario, in the UI language", "[ui]") {
  const auto en = indicatorCards(scenarios(), Language::En, 3);
  REQUIRE(en.size() == 5);  // three of health's four, none for an empty scenario, both of shops'
  CHECK(en[0].scenario == "Health");
  CHECK(en[0].indicator == "clinic_15min (en)");
  CHECK(en[0].value == "87.5");
  CHECK(en[0].unit == "%");
  CHECK_FALSE(en[0].missing);
  CHECK(en[0].detail == "Source: scene buildings");
  // No value: "no data", no unit, the reason on hover.
  CHECK(en[1].missing);
  CHECK(en[1].value == "no data");
  CHECK(en[1].unit.empty());
  CHECK(en[1].detail == "Why: no alert log at x.db");
  CHECK(en[2].value == "12");
  CHECK(en[2].unit.empty());  // a count is a bare number
  CHECK(en[3].scenario == "Entrepreneurship");
  CHECK(en[3].value == "3.33");
  CHECK(en[3].unit == "per 1,000 residents");
  CHECK(en[4].value == "120000");
  CHECK(en[4].unit == "m²");

  const auto zh = indicatorCards(scenarios(), Language::ZhCN, 3);
  REQUIRE(zh.size() == 5);
  CHECK(zh[0].scenario == "健康");
  CHECK(zh[0].indicator == "clinic_15min（中）");
  CHECK(zh[1].value == "无数据");
  CHECK(zh[1].detail == "原因: 缺失：no alert log at x.db");
  CHECK(zh[0].detail == "来源: 场景建筑");
  CHECK(zh[3].unit == "个/千人");

  CHECK(indicatorCards(scenarios(), Language::En, 1).size() == 2);
  CHECK(indicatorCards({}, Language::En).empty());
}

TEST_CASE("indicator units in both languages", "[ui]") {
  CHECK(indicatorUnit("min", Language::En) == "min");
  CHECK(indicatorUnit("min", Language::ZhCN) == "分钟");
  CHECK(indicatorUnit("count", Language::ZhCN).empty());
  CHECK(indicatorUnit("kWh", Language::ZhCN) == "kWh");
  CHECK(indicatorUnit("furlongs", Language::En) == "furlongs");  // shown as given
}
