// Fuzz target: CityJSON (model::parseCityJson, the core of readCityJson).
#include <cstddef>
#include <cstdint>
#include <string>

#include "twin/core/Diagnostics.h"
#include "twin/model/CityModel.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  twin::core::Diagnostics diag;
  twin::model::CityJsonOptions options;
  options.crs = "EPSG:28992";  // files without a referenceSystem still reach the geometry code
  auto model = twin::model::parseCityJson(text, "fuzz.city.json", twin::geo::SiteFrame{}, options, diag);
  if (model) (void)twin::model::formatCityModelStats(twin::model::cityModelStats(model.value()));
  return 0;
}
