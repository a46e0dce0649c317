// Reading a digital elevation model (GeoTIFF, SRTM .hgt, anything GDAL reads as a raster, also
// through /vsizip/ and other /vsi paths) into a Heightfield in the site frame.
#pragma once

#include <string>
#include <vector>

#include "twin/core/Diagnostics.h"
#include "twin/core/Geometry.h"
#include "twin/core/Result.h"
#include "twin/geo/Heightfield.h"
#include "twin/geo/SiteFrame.h"

namespace twin::geo {

struct DemOptions {
  core::Box2 extentLocal;               // the site area to cover, local metres (required, not empty)
  double marginMeters = 200;            // added on every side of extentLocal, >= 0
  double resolutionMeters = 30;         // grid spacing, > 0
  double verticalOffsetMeters = 0;      // added to every height (e.g. geoid to site datum)
  std::size_t maxSamples = 16'000'000;  // a larger grid is an error (a resolution far too fine)
};

/** Reads band 1 of a DEM and resamples it (bilinear between pixel centres) onto a grid over
    options.extentLocal + margin in the site frame. Never throws.
    - Errors, all "geo::readDem(): <file>: <what>": file not found, file is empty, cannot open
      (not a raster GDAL knows, truncated or garbage, with GDAL's reason), no georeference
      (no geotransform or no CRS), rotated geotransforms ("rotated rasters are not supported"),
      bad options (empty extent, resolution <= 0, too many samples), a DEM whose every pixel in
      the site window is nodata, a read failure, and a DEM that does not overlap the site extent
      at all ("does not cover the site: DEM lon a..b, lat c..d; site lon e..f, lat g..h").
    - A DEM that covers only part of extentLocal: the uncovered samples take the nearest DEM
      edge height, Heightfield::coveredFraction says how much was covered, and one warning is
      added to `diag` ("DEM covers only 62% of the site extent", action "heights extended from
      the DEM edge"). The margin is not counted.
    - Nodata pixels (and NaN) inside the window are filled from their valid neighbours (mean of
      the valid 8-neighbours, repeated outwards), counted in Heightfield::filledSamples and
      reported once in `diag` ("N nodata pixels", action "filled from neighbours").
    - Band scale and offset are applied; units are taken as metres.
    Thread-safe for different calls. */
core::Result<Heightfield> readDem(const std::string& source, const SiteFrame& frame, const DemOptions& options,
                                  core::Diagnostics& diag);

/** Heights of the DEM at WGS84 points, bilinear between pixel centres (exactly the pixel's
    value at a pixel centre), nodata filled as readDem() does. Points outside the raster get
    NaN. Errors as readDem(), named "geo::sampleDem()". For checks and single points; loads the
    window of the raster that holds the points. */
core::Result<std::vector<double>> sampleDem(const std::string& source, const std::vector<core::LonLat>& points,
                                            core::Diagnostics& diag);

}  // namespace twin::geo
