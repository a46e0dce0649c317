// DEM reading through GDAL raster.
//
// Index
//   openDem         open + georeference checks, errors naming the file
//   Window          the block of pixels the wanted points need, nodata filled, bilinear lookup
//   readDem         site grid -> DEM CRS -> pixel coordinates -> window -> heights
//   sampleDem       WGS84 points -> heights
#include "twin/geo/DemReader.h"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>
#include <mutex>

#include "GdalSupport.h"
#include "twin/geo/Transform.h"

namespace twin::geo {

namespace {

using namespace detail;  // GdalSupport.h

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct Dem {
  DatasetPtr dataset;
  GDALRasterBand* band = nullptr;
  int width = 0, height = 0;
  double gt[6] = {0, 1, 0, 0, 0, 1};
  std::string crsText;
  bool hasNodata = false;
  double nodata = 0, scale = 1, offset = 0;

  // Georeferenced DEM coordinates -> pixel coordinates whose integers are pixel centres.
  core::Vec2 toPixel(double x, double y) const { return {(x - gt[0]) / gt[1] - 0.5, (y - gt[3]) / gt[5] - 0.5}; }
  bool coversPixel(const core::Vec2& p) const {
    return p.x >= -0.5 && p.y >= -0.5 && p.x <= width - 0.5 && p.y <= height - 0.5;
  }
};

core::Result<Dem> openDem(const std::string& source, const std::string& prefix, GdalSession& session) {
  registerGdalOnce();
  if (source.rfind("/vsi", 0) != 0) {
    std::error_code ec;
    const std::filesystem::path path(source);
    if (!std::filesystem::exists(path, ec)) return core::fail(prefix + "file not found");
    // GDAL would block for ever on a FIFO nobody writes to.
    const auto status = std::filesystem::status(path, ec);
    if (!std::filesystem::is_regular_file(status) && !std::filesystem::is_directory(status))
      return core::fail(prefix + "not a regular file or folder; terrain sources must be files");
    if (std::filesystem::is_regular_file(path, ec) && std::filesystem::file_size(path, ec) == 0)
      return core::fail(prefix + "file is empty");
  }
  Dem dem;
  dem.dataset.reset(static_cast<GDALDataset*>(
      GDALOpenEx(source.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr, nullptr)));
  if (!dem.dataset) {
    std::string reason = session.lastFailure();
    if (reason.empty()) reason = "not a recognised raster format";
    return core::fail(prefix + "cannot open: " + reason);
  }
  if (dem.dataset->GetRasterCount() < 1) return core::fail(prefix + "contains no raster band");
  dem.band = dem.dataset->GetRasterBand(1);
  dem.width = dem.dataset->GetRasterXSize();
  dem.height = dem.dataset->GetRasterYSize();
  if (dem.width < 1 || dem.height < 1) return core::fail(prefix + "raster has no pixels");
  if (dem.dataset->GetGeoTransform(dem.gt) != CE_None)
    return core::fail(prefix + "no georeference (the raster has no geotransform)");
  if (dem.gt[2] != 0 || dem.gt[4] != 0) return core::fail(prefix + "rotated rasters are not supported");
  if (dem.gt[1] == 0 || dem.gt[5] == 0 || !std::isfinite(dem.gt[1]) || !std::isfinite(dem.gt[5]))
    return core::fail(prefix + "no georeference (the geotransform has a zero pixel size)");
  const OGRSpatialReference* srs = dem.dataset->GetSpatialRef();
  if (!srs || srs->IsEmpty()) return core::fail(prefix + "no georeference (the raster has no CRS)");
  dem.crsText = crsTextOf(*srs);
  int has = 0;
  dem.nodata = dem.band->GetNoDataValue(&has);
  dem.hasNodata = has != 0;
  int hasScale = 0, hasOffset = 0;
  const double scale = dem.band->GetScale(&hasScale), offset = dem.band->GetOffset(&hasOffset);
  if (hasScale && std::isfinite(scale) && scale != 0) dem.scale = scale;
  if (hasOffset && std::isfinite(offset)) dem.offset = offset;
  return dem;
}

// The pixels around a set of points, read once, with nodata filled.
struct Window {
  int x0 = 0, y0 = 0, width = 0, height = 0;
  std::vector<double> values;
  std::size_t filled = 0;

  double at(int x, int y) const { return values[static_cast<std::size_t>(y) * width + x]; }
  // Bilinear between pixel centres; pixel coordinates are clamped to the window.
  double bilinear(core::Vec2 pixel) const {
    const double u = std::clamp(pixel.x - x0, 0.0, width - 1.0), v = std::clamp(pixel.y - y0, 0.0, height - 1.0);
    const int c = std::min(static_cast<int>(u), std::max(width - 2, 0));
    const int r = std::min(static_cast<int>(v), std::max(height - 2, 0));
    const int c1 = std::min(c + 1, width - 1), r1 = std::min(r + 1, height - 1);
    const double fu = u - c, fv = v - r;
    return (at(c, r) * (1 - fu) + at(c1, r) * fu) * (1 - fv) + (at(c, r1) * (1 - fu) + at(c1, r1) * fu) * fv;
  }
};

core::Result<Window> readWindow(const Dem& dem, const core::Box2& pixelBox, const std::string& prefix,
                                GdalSession& session) {
  Window w;
  w.x0 = std::clamp(static_cast<int>(std::floor(pixelBox.minX)) - 1, 0, dem.width - 1);
  w.y0 = std::clamp(static_cast<int>(std::floor(pixelBox.minY)) - 1, 0, dem.height - 1);
  const int x1 = std::clamp(static_cast<int>(std::ceil(pixelBox.maxX)) + 1, 0, dem.width - 1);
  const int y1 = std::clamp(static_cast<int>(std::ceil(pixelBox.maxY)) + 1, 0, dem.height - 1);
  w.width = x1 - w.x0 + 1;
  w.height = y1 - w.y0 + 1;
  w.values.assign(static_cast<std::size_t>(w.width) * w.height, 0.0);
  const CPLErr err = dem.band->RasterIO(GF_Read, w.x0, w.y0, w.width, w.height, w.values.data(), w.width, w.height,
                                        GDT_Float64, 0, 0, nullptr);
  if (err != CE_None || !session.failures.empty()) {
    std::string reason = session.lastFailure();
    if (reason.empty()) reason = "GDAL could not read the pixels";
    return core::fail(prefix + "read failed: " + reason);
  }
  std::vector<char> valid(w.values.size(), 1);
  std::size_t invalid = 0;
  for (std::size_t i = 0; i < w.values.size(); ++i) {
    const double v = w.values[i];
    if (!std::isfinite(v) || (dem.hasNodata && v == dem.nodata)) {
      valid[i] = 0;
      ++invalid;
    } else
      w.values[i] = v * dem.scale + dem.offset;
  }
  if (invalid == w.values.size()) return core::fail(prefix + "every pixel under the site is nodata");
  w.filled = invalid;
  // Grow valid data into the holes one ring of pixels per pass; each pass reads only the
  // previous pass's values so the fill does not smear in the scan direction.
  while (invalid > 0) {
    std::vector<char> next = valid;
    std::vector<double> nextValues = w.values;
    for (int y = 0; y < w.height; ++y) {
      for (int x = 0; x < w.width; ++x) {
        const std::size_t i = static_cast<std::size_t>(y) * w.width + x;
        if (valid[i]) continue;
        double sum = 0;
        int n = 0;
        for (int dy = -1; dy <= 1; ++dy)
          for (int dx = -1; dx <= 1; ++dx) {
            const int xx = x + dx, yy = y + dy;
            if (xx < 0 || yy < 0 || xx >= w.width || yy >= w.height) continue;
            const std::size_t j = static_cast<std::size_t>(yy) * w.width + xx;
            if (valid[j]) {
              sum += w.values[j];
              ++n;
            }
          }
        if (n > 0) {
          nextValues[i] = sum / n;
          next[i] = 1;
          --invalid;
        }
      }
    }
    valid.swap(next);
    w.values.swap(nextValues);
  }
  return w;
}

void reportFilled(const Window& w, const std::string& where, const std::string& label, core::Diagnostics& diag) {
  if (w.filled > 0)
    diag.add(core::Severity::Warning, where, label, "", "",
             std::to_string(w.filled) + " nodata pixel" + (w.filled == 1 ? "" : "s"), "filled from neighbours");
}

void reportWarnings(const GdalSession& session, const std::string& where, const std::string& label,
                    core::Diagnostics& diag) {
  for (const std::string& warning : session.warnings)
    diag.add(core::Severity::Warning, where, label, "", "", "GDAL: " + warning, "continued");
}

std::string lonLatRange(const core::Box2& b) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "lon %.5f..%.5f, lat %.5f..%.5f", b.minX, b.maxX, b.minY, b.maxY);
  return buf;
}

core::Box2 demBoundsLonLat(const Dem& dem) {
  core::Box2 box;
  auto toWgs84 = Transform::create(dem.crsText, "EPSG:4326");
  if (!toWgs84) return box;
  constexpr int kSteps = 8;
  for (int i = 0; i <= kSteps; ++i) {
    const double t = static_cast<double>(i) / kSteps;
    const double px = t * dem.width, py = t * dem.height;
    for (const core::Vec2& pixelEdge : {core::Vec2{px, 0}, core::Vec2{px, double(dem.height)}, core::Vec2{0, py},
                                        core::Vec2{double(dem.width), py}}) {
      core::Vec3 p{dem.gt[0] + pixelEdge.x * dem.gt[1], dem.gt[3] + pixelEdge.y * dem.gt[5], 0};
      if (toWgs84->forward(p)) box.add(core::Vec2{p.x, p.y});
    }
  }
  return box;
}

constexpr const char* kReadWhere = "geo::readDem()";
constexpr const char* kSampleWhere = "geo::sampleDem()";

core::Result<Heightfield> readDemImpl(const std::string& source, const SiteFrame& frame, const DemOptions& options,
                                      core::Diagnostics& diag) {
  const std::string label = sourceLabel(source);
  const std::string prefix = std::string(kReadWhere) + ": " + label + ": ";
  if (!frame.valid()) return core::fail(prefix + "the site frame was never created");
  if (options.extentLocal.empty() || !std::isfinite(options.extentLocal.width()) ||
      !std::isfinite(options.extentLocal.height()))
    return core::fail(prefix + "the site extent is empty");
  if (!(options.resolutionMeters > 0) || !std::isfinite(options.resolutionMeters))
    return core::fail(prefix + "resolution must be a number > 0 metres");
  if (!(options.marginMeters >= 0) || !std::isfinite(options.marginMeters))
    return core::fail(prefix + "margin must be a number >= 0 metres");
  if (!std::isfinite(options.verticalOffsetMeters)) return core::fail(prefix + "vertical offset must be finite");

  Heightfield field;
  field.sourceLabel = label;
  field.spacingMeters = options.resolutionMeters;
  const core::Box2& site = options.extentLocal;
  field.originMeters = {site.minX - options.marginMeters, site.minY - options.marginMeters};
  const double spanX = site.width() + 2 * options.marginMeters, spanY = site.height() + 2 * options.marginMeters;
  const double columns = std::ceil(spanX / field.spacingMeters) + 1, rows = std::ceil(spanY / field.spacingMeters) + 1;
  if (columns * rows > static_cast<double>(options.maxSamples)) {
    char buf[200];
    std::snprintf(buf, sizeof buf, "a %.0f x %.0f grid at %g m exceeds the limit of %zu samples", columns, rows,
                  field.spacingMeters, options.maxSamples);
    return core::fail(prefix + buf);
  }
  field.columns = std::max(2, static_cast<int>(columns));
  field.rows = std::max(2, static_cast<int>(rows));

  GdalSession session;
  auto opened = openDem(source, prefix, session);
  if (!opened) return opened.error();
  const Dem& dem = opened.value();

  // Site grid and a coverage lattice over the site extent proper, into the DEM's CRS.
  auto toDem = Transform::create(frame.frameProjString(), dem.crsText);
  if (!toDem) return core::fail(prefix + toDem.error().message);
  const core::Vec3 o = frame.originProjected();
  const std::size_t gridCount = static_cast<std::size_t>(field.columns) * field.rows;
  constexpr int kLattice = 21;
  std::vector<core::Vec3> points;
  points.reserve(gridCount + kLattice * kLattice);
  for (int r = 0; r < field.rows; ++r)
    for (int c = 0; c < field.columns; ++c)
      points.push_back({field.originMeters.x + c * field.spacingMeters + o.x,
                        field.originMeters.y + r * field.spacingMeters + o.y, 0});
  for (int j = 0; j < kLattice; ++j)
    for (int i = 0; i < kLattice; ++i)
      points.push_back({site.minX + site.width() * i / (kLattice - 1) + o.x,
                        site.minY + site.height() * j / (kLattice - 1) + o.y, 0});
  toDem->forwardMany(points.data(), points.size());

  std::size_t covered = 0;
  for (std::size_t i = gridCount; i < points.size(); ++i)
    if (std::isfinite(points[i].x) && dem.coversPixel(dem.toPixel(points[i].x, points[i].y))) ++covered;
  field.coveredFraction = static_cast<double>(covered) / (kLattice * kLattice);
  if (covered == 0) {
    core::Box2 siteLonLat;
    for (const core::Vec2& corner : {core::Vec2{site.minX, site.minY}, core::Vec2{site.maxX, site.minY},
                                     core::Vec2{site.minX, site.maxY}, core::Vec2{site.maxX, site.maxY}}) {
      const core::LonLat ll = frame.toLonLat(corner);
      siteLonLat.add(core::Vec2{ll.lon, ll.lat});
    }
    return core::fail(prefix + "does not cover the site: DEM " + lonLatRange(demBoundsLonLat(dem)) + "; site " +
                      lonLatRange(siteLonLat));
  }

  std::vector<core::Vec2> pixels(gridCount);
  core::Box2 pixelBox;
  for (std::size_t i = 0; i < gridCount; ++i) {
    pixels[i] = std::isfinite(points[i].x) ? dem.toPixel(points[i].x, points[i].y) : core::Vec2{kNaN, kNaN};
    if (isFinite(pixels[i])) {
      pixelBox.add(
          core::Vec2{std::clamp(pixels[i].x, 0.0, dem.width - 1.0), std::clamp(pixels[i].y, 0.0, dem.height - 1.0)});
    }
  }
  if (pixelBox.empty()) return core::fail(prefix + "the site grid cannot be placed in the DEM's CRS");
  auto window = readWindow(dem, pixelBox, prefix, session);
  if (!window) return window.error();
  reportWarnings(session, kReadWhere, label, diag);
  reportFilled(window.value(), kReadWhere, label, diag);
  field.filledSamples = window->filled;

  field.heights.resize(gridCount);
  const core::Vec2 centre = pixelBox.centre();
  for (std::size_t i = 0; i < gridCount; ++i) {
    // A node PROJ could not place (far outside the frame CRS's domain) takes the window centre.
    const core::Vec2 p = isFinite(pixels[i]) ? pixels[i] : centre;
    field.heights[i] = static_cast<float>(window->bilinear(p) + options.verticalOffsetMeters);
  }
  if (field.coveredFraction < 1) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "DEM covers only %.0f%% of the site extent", field.coveredFraction * 100);
    diag.add(core::Severity::Warning, kReadWhere, label, "", "", buf, "heights extended from the DEM edge");
  }
  return field;
}

core::Result<std::vector<double>> sampleDemImpl(const std::string& source, const std::vector<core::LonLat>& lonLats,
                                                core::Diagnostics& diag) {
  const std::string label = sourceLabel(source);
  const std::string prefix = std::string(kSampleWhere) + ": " + label + ": ";
  GdalSession session;
  auto opened = openDem(source, prefix, session);
  if (!opened) return opened.error();
  const Dem& dem = opened.value();
  std::vector<double> out(lonLats.size(), kNaN);
  if (lonLats.empty()) return out;
  auto fromWgs84 = Transform::create("EPSG:4326", dem.crsText);
  if (!fromWgs84) return core::fail(prefix + fromWgs84.error().message);
  std::vector<core::Vec3> points;
  points.reserve(lonLats.size());
  for (const core::LonLat& p : lonLats) points.push_back({p.lon, p.lat, 0});
  fromWgs84->forwardMany(points.data(), points.size());
  std::vector<core::Vec2> pixels(points.size(), core::Vec2{kNaN, kNaN});
  core::Box2 pixelBox;
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (!std::isfinite(points[i].x)) continue;
    const core::Vec2 p = dem.toPixel(points[i].x, points[i].y);
    if (!dem.coversPixel(p)) continue;
    pixels[i] = p;
    pixelBox.add(core::Vec2{std::clamp(p.x, 0.0, dem.width - 1.0), std::clamp(p.y, 0.0, dem.height - 1.0)});
  }
  if (pixelBox.empty()) return out;
  auto window = readWindow(dem, pixelBox, prefix, session);
  if (!window) return window.error();
  reportWarnings(session, kSampleWhere, label, diag);
  reportFilled(window.value(), kSampleWhere, label, diag);
  for (std::size_t i = 0; i < pixels.size(); ++i)
    if (isFinite(pixels[i])) out[i] = window->bilinear(pixels[i]);
  return out;
}

}  // namespace

core::Result<Heightfield> readDem(const std::string& source, const SiteFrame& frame, const DemOptions& options,
                                  core::Diagnostics& diag) {
  try {
    return readDemImpl(source, frame, options, diag);
  } catch (const std::exception& e) {
    return core::fail(std::string(kReadWhere) + ": " + sourceLabel(source) + ": " + e.what());
  }
}

core::Result<std::vector<double>> sampleDem(const std::string& source, const std::vector<core::LonLat>& points,
                                            core::Diagnostics& diag) {
  try {
    return sampleDemImpl(source, points, diag);
  } catch (const std::exception& e) {
    return core::fail(std::string(kSampleWhere) + ": " + sourceLabel(source) + ": " + e.what());
  }
}

}  // namespace twin::geo
