#include "twin/analysis/SunlightStandard.h"

#include <nlohmann/json.hpp>

namespace twin::analysis {

const char* standardDayName(StandardDay day) {
  return day == StandardDay::GreatCold ? "大寒日 (Great Cold)" : "冬至日 (Winter Solstice)";
}

const std::vector<SunlightStandard>& sunlightStandards() {
  // GB 50180-2018 《城市居住区规划设计标准》, Table 4.0.9 住宅建筑日照标准, and clause 4.0.9-2.
  static const std::vector<SunlightStandard> kRows = {
      {"gb50180-I-II-III-VII-large",
       "GB 50180-2018 表4.0.9: Ⅰ、Ⅱ、Ⅲ、Ⅶ气候区, 城区常住人口≥50万 / climate zones I, II, III, VII, urban population "
       ">= 500,000",
       StandardDay::GreatCold, 2, 8, 16},
      {"gb50180-I-II-III-VII-small",
       "GB 50180-2018 表4.0.9: Ⅰ、Ⅱ、Ⅲ、Ⅶ气候区, 城区常住人口<50万 / climate zones I, II, III, VII, urban population < "
       "500,000",
       StandardDay::GreatCold, 3, 8, 16},
      {"gb50180-IV-large",
       "GB 50180-2018 表4.0.9: Ⅳ气候区, 城区常住人口≥50万 / climate zone IV, urban population >= 500,000",
       StandardDay::GreatCold, 3, 8, 16},
      {"gb50180-IV-small",
       "GB 50180-2018 表4.0.9: Ⅳ气候区, 城区常住人口<50万 / climate zone IV, urban population < 500,000",
       StandardDay::WinterSolstice, 1, 9, 15},
      {"gb50180-V-VI", "GB 50180-2018 表4.0.9: Ⅴ、Ⅵ气候区 / climate zones V, VI (any population)",
       StandardDay::WinterSolstice, 1, 9, 15},
      {"gb50180-renewal",
       "GB 50180-2018 第4.0.9条第2款: 旧区改建项目内新建住宅 / new dwellings in the renewal of an old district",
       StandardDay::GreatCold, 1, 8, 16},
  };
  return kRows;
}

core::Result<SunlightStandard> sunlightStandard(const std::string& name) {
  std::string known;
  for (const SunlightStandard& s : sunlightStandards()) {
    if (s.name == name) return s;
    known += (known.empty() ? "" : ", ") + s.name;
  }
  return core::fail("analysis::sunlightStandard(): unknown standard '" + name + "'; known: " + known);
}

core::Result<std::optional<SunlightStandard>> sceneSunlightStandard(const std::string& sectionJson,
                                                                    const std::string& fileName) {
  if (sectionJson.empty()) return std::optional<SunlightStandard>();
  const std::string where = "analysis::sceneSunlightStandard(): " + fileName + ": key 'sunlight";
  nlohmann::json root = nlohmann::json::parse(sectionJson, nullptr, false);
  if (root.is_discarded() || !root.is_object())
    return core::fail(where + "': expected an object such as {\"standard\": \"NAME\"}");
  for (const auto& item : root.items())
    if (item.key() != "standard" && item.key().rfind('_', 0) != 0)
      return core::fail(where + "': unknown key '" + item.key() + "'");
  if (!root.contains("standard")) return std::optional<SunlightStandard>();
  if (!root["standard"].is_string()) return core::fail(where + ".standard': expected a string");
  auto standard = sunlightStandard(root["standard"].get<std::string>());
  if (!standard) return core::fail(fileName + ": key 'sunlight.standard': " + standard.error().message);
  return std::optional<SunlightStandard>(*standard);
}

}  // namespace twin::analysis
