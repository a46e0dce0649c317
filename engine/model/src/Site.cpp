#include "twin/model/Site.h"

namespace twin::model {

const char* heightSourceName(HeightSource s) {
  switch (s) {
    case HeightSource::Measured: return "measured";
    case HeightSource::Levels: return "levels";
    case HeightSource::Estimated: return "estimated";
  }
  return "estimated";
}

namespace {
constexpr const char* kUseNames[kBuildingUseCount] = {
    "residential", "commercial", "office",    "education", "healthcare",
    "public",      "industrial", "transport", "religious", "other",
};
}  // namespace

const char* buildingUseName(BuildingUse u) {
  const int i = static_cast<int>(u);
  return (i >= 0 && i < kBuildingUseCount) ? kUseNames[i] : "other";
}

bool buildingUseFromName(const std::string& name, BuildingUse& out) {
  for (int i = 0; i < kBuildingUseCount; ++i) {
    if (name == kUseNames[i]) {
      out = static_cast<BuildingUse>(i);
      return true;
    }
  }
  return false;
}

}  // namespace twin::model
