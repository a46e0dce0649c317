// Small GDAL helpers shared by the vector and raster readers (private to geo).
#pragma once

#include <cpl_error.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

class GDALDataset;
class OGRSpatialReference;

namespace twin::geo::detail {

/** Registers GDAL's drivers once per process; thread-safe. */
void registerGdalOnce();

/** "EPSG:<code>" when the CRS carries an EPSG authority, else its WKT2 text, for Transform::create(). */
std::string crsTextOf(const OGRSpatialReference& srs);

/** Closes a dataset opened with GDALOpenEx()/GDALDataset::Open(). */
struct DatasetCloser {
  void operator()(GDALDataset* ds) const;
};
using DatasetPtr = std::unique_ptr<GDALDataset, DatasetCloser>;

/** How a source is named in messages: the file name, a /vsi path as given, or a connection
    string with its password replaced by "***". */
std::string sourceLabel(const std::string& source);

/** While alive, GDAL messages on this thread go to `failures` and `warnings` instead of stderr
    (warnings that GDAL's OGR layer gives for unclosed rings are dropped: the vector reader reports
    those per feature, with the record id). With `osmDebug`, debug output of the OSM driver is
    switched on for this thread and the multipolygon relations it drops for missing ways
    ("Relation <id> has missing ways. Ignoring it", only ever said through CPLDebug) are collected
    in `missingRelations`. One per reading call, on the reading thread; not copyable. */
class GdalSession {
 public:
  explicit GdalSession(bool osmDebug = false);
  ~GdalSession();
  GdalSession(const GdalSession&) = delete;
  GdalSession& operator=(const GdalSession&) = delete;

  std::vector<std::string> failures;  // CE_Failure / CE_Fatal
  std::vector<std::string> warnings;  // CE_Warning
  std::vector<std::int64_t> missingRelations;

  std::string lastFailure() const { return failures.empty() ? std::string() : failures.back(); }
  void clear() {
    failures.clear();
    warnings.clear();
  }

 private:
  static void CPL_STDCALL handler(CPLErr level, CPLErrorNum, const char* message);

  bool _osmDebug = false;
  bool _hadDebug = false;
  std::string _oldDebug;
};

}  // namespace twin::geo::detail
