#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "twin/ui/AlertText.h"

using namespace twin;
using namespace twin::ui;

namespace {

struct Fixture {
  model::SensorDef water;
  model::AlertRuleDef stale, quality, rate, above;
  MonitorView view;

  Fixture() {
    water.id = "w";
    water.name = "丰瑞北苑 地下车库积水";
    water.nameEn = "Fengrui Beiyuan garage water level";
    water.unit = "m";
    water.validMin = 0;
    water.validMax = 5;
    stale.id = "offline";
    stale.name = "传感器离线";
    stale.nameEn = "Sensor offline";
    stale.kind = model::RuleKind::Stale;
    stale.staleSeconds = 600;
    quality.id = "data-quality";
    quality.name = "数据异常";  // no English name: the Chinese one in both languages
    quality.kind = model::RuleKind::Quality;
    rate.id = "jump";
    rate.name = "水位突变";
    rate.nameEn = "Sudden rise";
    rate.kind = model::RuleKind::Rate;
    rate.level = 0.05;
    above.id = "water-high";
    above.name = "地下积水";
    above.nameEn = "Garage flooding";
    view.rules = {stale, quality, rate, above};
    view.sensors.push_back(SensorRow{&water, {}, std::nullopt});
  }

  alerts::Alert alert(const model::AlertRuleDef& rule, double value) const {
    alerts::Alert a;
    a.ruleId = rule.id;
    a.kind = rule.kind;
    a.sensorId = "w";
    a.value = value;
    a.message = "engine text";
    return a;
  }
};

}  // namespace

TEST_CASE("alert texts in both languages", "[ui]") {
  Fixture f;
  f.view.language = Language::En;
  CHECK(alertText(f.alert(f.stale, NAN), f.view) ==
        "Sensor offline: Fengrui Beiyuan garage water level silent for 600 s");
  CHECK(alertText(f.alert(f.quality, 7.5), f.view) ==
        "数据异常: Fengrui Beiyuan garage water level invalid reading 7.5 (valid 0 .. 5)");
  CHECK(alertText(f.alert(f.quality, NAN), f.view) ==
        "数据异常: Fengrui Beiyuan garage water level invalid reading NaN");
  CHECK(alertText(f.alert(f.rate, 0.125), f.view) ==
        "Sudden rise: Fengrui Beiyuan garage water level changing faster than 0.05 m/min, now 0.125");
  CHECK(alertText(f.alert(f.above, 0.42), f.view) == "Garage flooding: Fengrui Beiyuan garage water level = 0.42 m");

  f.view.language = Language::ZhCN;
  CHECK(alertText(f.alert(f.stale, NAN), f.view) == "传感器离线: 丰瑞北苑 地下车库积水 已 600 秒无数据");
  CHECK(alertText(f.alert(f.quality, 7.5), f.view) ==
        "数据异常: 丰瑞北苑 地下车库积水 读数无效 7.5（有效范围 0 .. 5）");
  CHECK(alertText(f.alert(f.rate, 0.125), f.view) ==
        "水位突变: 丰瑞北苑 地下车库积水 变化超过每分钟 0.05 m，当前 0.125");
  CHECK(alertText(f.alert(f.above, 0.42), f.view) == "地下积水: 丰瑞北苑 地下车库积水 = 0.42 m");
}

TEST_CASE("alert texts: unknown rule or sensor falls back to the stored message", "[ui]") {
  Fixture f;
  alerts::Alert a = f.alert(f.above, 1);
  a.ruleId = "gone";
  CHECK(alertText(a, f.view) == "engine text");
  a.message.clear();
  CHECK(alertText(a, f.view) == "gone");
  alerts::Alert b = f.alert(f.above, 1);
  b.sensorId = "other";
  CHECK(alertText(b, f.view) == "engine text");
}

TEST_CASE("rule display names", "[ui]") {
  Fixture f;
  CHECK(ruleDisplayName(f.above, Language::En) == "Garage flooding");
  CHECK(ruleDisplayName(f.above, Language::ZhCN) == "地下积水");
  CHECK(ruleDisplayName(f.quality, Language::En) == "数据异常");
  model::AlertRuleDef unnamed;
  unnamed.id = "r1";
  CHECK(ruleDisplayName(unnamed, Language::En) == "r1");
}

TEST_CASE("alert texts from the logged key and parameters, in the UI language", "[ui]") {
  Fixture f;
  alerts::Alert a = f.alert(f.stale, NAN);
  // Logged when the rule said 60 s and before the scene was edited: the figures are the logged ones.
  a.messageParts = {"stale", {"60"}, "传感器离线", "Sensor offline", "丰瑞北苑 地下车库积水", "Garage water"};
  f.view.language = Language::En;
  CHECK(alertText(a, f.view) == "Sensor offline: Garage water silent for 60 s");
  f.view.language = Language::ZhCN;
  CHECK(alertText(a, f.view) == "传感器离线: 丰瑞北苑 地下车库积水 已 60 秒无数据");

  SECTION("each key") {
    alerts::Alert q = f.alert(f.quality, 7.5);
    q.ruleId = "gone";  // the rule is no longer in the scene: the parts still tell it
    q.messageParts = {"invalid_range", {"7.5", "0", "5"}, "数据异常", "", "水位", "Water level"};
    f.view.language = Language::En;
    CHECK(alertText(q, f.view) == "数据异常: Water level invalid reading 7.5 (valid 0 .. 5)");
    f.view.language = Language::ZhCN;
    CHECK(alertText(q, f.view) == "数据异常: 水位 读数无效 7.5（有效范围 0 .. 5）");
    q.messageParts = {"invalid", {"NaN"}, "数据异常", "Bad data", "水位", "Water level"};
    CHECK(alertText(q, f.view) == "数据异常: 水位 读数无效 NaN");
    q.messageParts = {"rate", {"0.05", "m", "0.125"}, "水位突变", "Sudden rise", "水位", ""};
    f.view.language = Language::En;
    CHECK(alertText(q, f.view) == "Sudden rise: 水位 changing faster than 0.05 m/min, now 0.125");
    q.messageParts = {"level", {"0.42", "m"}, "", "", "", ""};  // no names: the ids
    CHECK(alertText(q, f.view) == "gone: w = 0.42 m");
    q.messageParts = {"level", {"3", ""}, "积水", "Flooding", "水位", "Water"};
    CHECK(alertText(q, f.view) == "Flooding: Water = 3");
  }
  SECTION("an unknown key or the wrong number of parameters: as an older log's alert") {
    f.view.language = Language::En;
    a.messageParts = {"stale", {"60", "extra"}, "x", "x", "x", "x"};
    CHECK(alertText(a, f.view) == "Sensor offline: Fengrui Beiyuan garage water level silent for 600 s");
    a.messageParts = {"future_key", {"1"}, "x", "x", "x", "x"};
    a.ruleId = "gone";
    CHECK(alertText(a, f.view) == "engine text");
  }
}
