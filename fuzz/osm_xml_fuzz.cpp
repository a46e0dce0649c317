// Fuzz target: OSM XML through our GDAL path (geo::readVector on a /vsimem/ file, as a layer
// of a scene would be read).
#include <cstddef>
#include <cstdint>
#include <vector>

#include <cpl_vsi.h>

#include "twin/core/Diagnostics.h"
#include "twin/geo/SiteFrame.h"
#include "twin/geo/VectorReader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const twin::geo::SiteFrame frame = twin::geo::SiteFrame::create({7.42, 43.73}).value();
  const char* path = "/vsimem/twin-fuzz.osm";
  // GDAL reads the bytes in place (bTakeOwnership false); they outlive the file.
  VSILFILE* file = VSIFileFromMemBuffer(path, const_cast<GByte*>(data), static_cast<vsi_l_offset>(size), FALSE);
  if (!file) return 0;
  VSIFCloseL(file);
  twin::core::Diagnostics diag;
  (void)twin::geo::readVector(path, frame, {}, diag).ok();
  VSIUnlink(path);
  return 0;
}
