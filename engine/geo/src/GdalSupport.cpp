#include "GdalSupport.h"

#include <cpl_conv.h>
#include <cpl_string.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>

#include "twin/geo/VectorReader.h"

namespace twin::geo::detail {

void registerGdalOnce() {
  static std::once_flag once;
  std::call_once(once, [] { GDALAllRegister(); });
}

std::string crsTextOf(const OGRSpatialReference& srs) {
  const char* authority = srs.GetAuthorityName(nullptr);
  const char* code = srs.GetAuthorityCode(nullptr);
  if (authority && code && EQUAL(authority, "EPSG")) return std::string("EPSG:") + code;
  char* wkt = nullptr;
  const char* options[] = {"FORMAT=WKT2_2018", nullptr};
  srs.exportToWkt(&wkt, options);
  std::string text = wkt ? wkt : "";
  CPLFree(wkt);
  return text;
}

void DatasetCloser::operator()(GDALDataset* ds) const { GDALClose(ds); }

std::string sourceLabel(const std::string& source) {
  if (isConnectionString(source)) {
    std::string out;
    std::size_t i = 0;
    while (i < source.size()) {
      const std::size_t end = source.find(' ', i);
      std::string token = source.substr(i, end == std::string::npos ? std::string::npos : end - i);
      if (token.rfind("password=", 0) == 0) token = "password=***";
      if (!out.empty()) out += ' ';
      out += token;
      if (end == std::string::npos) break;
      i = end + 1;
    }
    return out;
  }
  if (source.rfind("/vsi", 0) == 0) return source;
  const std::string name = std::filesystem::path(source).filename().string();
  return name.empty() ? source : name;
}

GdalSession::GdalSession(bool osmDebug) : _osmDebug(osmDebug) {
  if (_osmDebug) {
    const char* old = CPLGetThreadLocalConfigOption("CPL_DEBUG", nullptr);
    if (old) {
      _hadDebug = true;
      _oldDebug = old;
    }
    CPLSetThreadLocalConfigOption("CPL_DEBUG", "OSM");
  }
  CPLPushErrorHandlerEx(&GdalSession::handler, this);
}

GdalSession::~GdalSession() {
  CPLPopErrorHandler();
  if (_osmDebug) CPLSetThreadLocalConfigOption("CPL_DEBUG", _hadDebug ? _oldDebug.c_str() : nullptr);
}

void CPL_STDCALL GdalSession::handler(CPLErr level, CPLErrorNum, const char* message) {
  auto* self = static_cast<GdalSession*>(CPLGetErrorHandlerUserData());
  if (!self || !message) return;
  if (level == CE_Debug) {
    const char* hit = std::strstr(message, "Relation ");
    if (hit && std::strstr(hit, "has missing ways")) {
      self->missingRelations.push_back(std::strtoll(hit + 9, nullptr, 10));
    }
    return;
  }
  // Unclosed rings are reported per feature by the vector reader's checks, with the record id.
  if (level == CE_Warning && std::strstr(message, "Non closed ring detected")) return;
  if (level == CE_Warning)
    self->warnings.emplace_back(message);
  else if (level == CE_Failure || level == CE_Fatal)
    self->failures.emplace_back(message);
}

}  // namespace twin::geo::detail
