// Residential sunlight standards (住宅建筑日照标准) as data: GB 50180-2018 《城市居住区规划设计标准》
// Table 4.0.9 and clause 4.0.9-2, one row per case of the table. A scene picks one with the key
// "sunlight": {"standard": "<name>"}; `twin sunlight --standard NAME` overrides it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "twin/core/Result.h"

namespace twin::analysis {

/** The day a standard is checked on (a solar term: the sun's apparent ecliptic longitude). */
enum class StandardDay {
  GreatCold,       // 大寒日, longitude 300 degrees, about 20 January
  WinterSolstice,  // 冬至日, longitude 270 degrees, about 22 December
};
const char* standardDayName(StandardDay day);  // "大寒日 (Great Cold)", "冬至日 (Winter Solstice)"

/** One row: the least sunlight a dwelling must get on the standard day, counted within the
    effective window (有效日照时间带) in true solar time at the window sill of the ground storey
    and up (计算起点为住宅底层窗台面). GB 50180 counts the accumulated time (累计). */
struct SunlightStandard {
  std::string name;         // key, e.g. "gb50180-III-large"
  std::string description;  // the table's case in Chinese and English
  StandardDay day = StandardDay::GreatCold;
  double minHours = 2;          // 日照时数, hours, accumulated
  double windowStartHours = 8;  // 有效日照时间带, true solar time: 8-16 on 大寒日, 9-15 on 冬至日
  double windowEndHours = 16;
};

/** The rows of GB 50180-2018 Table 4.0.9 (climate zones per GB 50178 建筑气候区划; "large" = urban
    resident population >= 500,000 城区常住人口 ≥ 50 万人) and clause 4.0.9-2 (new dwellings in the
    renewal of old districts: at least 1 h on 大寒日). Names:
      gb50180-I-II-III-VII-large   大寒日 >= 2 h   (Hangzhou, Beijing, Shanghai: climate zones II/III)
      gb50180-I-II-III-VII-small   大寒日 >= 3 h
      gb50180-IV-large             大寒日 >= 3 h
      gb50180-IV-small             冬至日 >= 1 h
      gb50180-V-VI                 冬至日 >= 1 h
      gb50180-renewal              大寒日 >= 1 h
    Windows: 大寒日 08-16, 冬至日 09-15 true solar time. */
const std::vector<SunlightStandard>& sunlightStandards();

/** The row named `name`. Error: "analysis::sunlightStandard(): unknown standard '<name>'; known:
    gb50180-I-II-III-VII-large, ...". */
core::Result<SunlightStandard> sunlightStandard(const std::string& name);

/** The standard a scene names: its "sunlight" section's JSON text (SceneConfig::sections), e.g.
    {"standard": "gb50180-I-II-III-VII-large"}. Empty text (no section) -> nullopt. Errors name the
    file and key: "analysis::sceneSunlightStandard(): x.json: key 'sunlight.standard': expected a
    string", "... key 'sunlight': unknown key 'x'", or an unknown name (as sunlightStandard()). */
core::Result<std::optional<SunlightStandard>> sceneSunlightStandard(const std::string& sectionJson,
                                                                    const std::string& fileName);

}  // namespace twin::analysis
