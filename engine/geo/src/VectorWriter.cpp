#include "twin/geo/VectorWriter.h"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal_priv.h>
#include <ogr_geometry.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cctype>
#include <climits>
#include <cmath>
#include <exception>
#include <memory>
#include <set>
#include <system_error>
#include <unistd.h>

#include "GdalSupport.h"

namespace twin::geo {

namespace {

constexpr const char* kWhere = "geo::writeVectorLayer()";

enum class Format { GeoJson, GeoPackage, Csv, Unknown };

std::string lowerExtension(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

Format formatOf(const std::filesystem::path& path) {
  const std::string ext = lowerExtension(path);
  if (ext == ".geojson") return Format::GeoJson;
  if (ext == ".gpkg") return Format::GeoPackage;
  if (ext == ".csv") return Format::Csv;
  return Format::Unknown;
}

// While alive, GDAL messages on this thread are collected instead of printed, so that a failed
// create or write can name GDAL's reason in our error.
class ErrorCapture {
 public:
  ErrorCapture() { CPLPushErrorHandlerEx(&ErrorCapture::handler, this); }
  ~ErrorCapture() { CPLPopErrorHandler(); }
  ErrorCapture(const ErrorCapture&) = delete;
  ErrorCapture& operator=(const ErrorCapture&) = delete;
  std::string last() const { return _last.empty() ? std::string("no reason given") : _last; }
  std::size_t failures() const { return _failures; }

 private:
  static void CPL_STDCALL handler(CPLErr level, CPLErrorNum, const char* message) {
    auto* self = static_cast<ErrorCapture*>(CPLGetErrorHandlerUserData());
    if (self && message && (level == CE_Failure || level == CE_Fatal)) {
      self->_last = message;
      ++self->_failures;
    }
  }
  std::string _last;
  std::size_t _failures = 0;
};

struct DatasetCloser {
  void operator()(GDALDataset* d) const { GDALClose(d); }
};

// The temporary name keeps the extension: the CSV driver decides from ".csv" whether it creates a
// file or a folder of files.
std::filesystem::path temporaryPath(const std::filesystem::path& path) {
  std::filesystem::path tmp = path;
  tmp.replace_filename("." + path.stem().string() + ".writing-" + std::to_string(::getpid()) +
                       path.extension().string());
  return tmp;
}

std::filesystem::path csvtPath(const std::filesystem::path& csv) {
  std::filesystem::path p = csv;
  p.replace_extension(".csvt");
  return p;
}

void removeQuietly(const std::filesystem::path& p) {
  std::error_code ec;
  std::filesystem::remove(p, ec);
}

const char* typeName(FieldType t) {
  switch (t) {
    case FieldType::Integer: return "Integer";
    case FieldType::Real: return "Real";
    case FieldType::String: return "String";
  }
  return "?";
}

const char* valueName(const FieldValue& v) {
  switch (v.index()) {
    case 1: return "an integer";
    case 2: return "a real";
    case 3: return "a string";
  }
  return "null";
}

// Checks fields and values before anything is created, so that a caller's mistake leaves no file.
core::Status checkInput(const std::string& file, const std::vector<FieldDef>& fields,
                        const std::vector<VectorFeature>& features) {
  std::set<std::string> seen;
  for (const FieldDef& f : fields) {
    if (f.name.empty()) return core::fail(std::string(kWhere) + ": " + file + ": a field has an empty name");
    std::string lower = f.name;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    // GeoPackage and CSV readers compare field names without case.
    if (!seen.insert(lower).second)
      return core::fail(std::string(kWhere) + ": " + file + ": duplicate field name '" + f.name + "'");
  }
  for (std::size_t i = 0; i < features.size(); ++i) {
    const VectorFeature& feature = features[i];
    if (feature.values.size() != fields.size())
      return core::fail(std::string(kWhere) + ": " + file + ": feature " + std::to_string(i) + " has " +
                        std::to_string(feature.values.size()) + " values for " + std::to_string(fields.size()) +
                        " fields");
    for (std::size_t k = 0; k < fields.size(); ++k) {
      const FieldValue& v = feature.values[k];
      if (v.index() == 0) continue;
      const bool fits = (fields[k].type == FieldType::Integer && v.index() == 1) ||
                        (fields[k].type == FieldType::Real && (v.index() == 1 || v.index() == 2)) ||
                        (fields[k].type == FieldType::String && v.index() == 3);
      if (!fits)
        return core::fail(std::string(kWhere) + ": " + file + ": feature " + std::to_string(i) + " field '" +
                          fields[k].name + "': " + valueName(v) + " value for a field of type " +
                          typeName(fields[k].type));
    }
  }
  return core::Ok{};
}

// The common geometry type of the features: T, or Multi-T when T and Multi-T are mixed, else
// unknown (any geometry). wkbNone when no feature has geometry.
OGRwkbGeometryType layerTypeOf(const std::vector<std::unique_ptr<OGRGeometry>>& geometries) {
  std::set<OGRwkbGeometryType> types;
  for (const auto& g : geometries)
    if (g) types.insert(wkbFlatten(g->getGeometryType()));
  if (types.empty()) return wkbNone;
  if (types.size() == 1) return *types.begin();
  if (types.size() == 2) {
    const OGRwkbGeometryType a = *types.begin(), b = *types.rbegin();
    if (OGR_GT_GetCollection(a) == b) return b;
    if (OGR_GT_GetCollection(b) == a) return a;
  }
  return wkbUnknown;
}

}  // namespace

bool isVectorOutputPath(const std::filesystem::path& path) { return formatOf(path) != Format::Unknown; }

core::Status writeVectorLayer(const std::filesystem::path& path, const std::string& layerName,
                              const std::vector<FieldDef>& fields, const std::vector<VectorFeature>& features) {
  const std::string file = path.string();
  const Format format = formatOf(path);
  if (format == Format::Unknown)
    return core::fail(std::string(kWhere) + ": " + file + ": unknown output format '" + path.extension().string() +
                      "'; expected .geojson, .gpkg or .csv");
  if (path.filename().empty() || path.stem().empty())
    return core::fail(std::string(kWhere) + ": " + file + ": not a file name");
  if (auto checked = checkInput(file, fields, features); !checked) return checked;

  const std::filesystem::path folder = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  std::error_code ec;
  if (!std::filesystem::is_directory(folder, ec))
    return core::fail(std::string(kWhere) + ": " + file + ": folder " + folder.string() + " does not exist");
  if (::access(folder.c_str(), W_OK) != 0)
    return core::fail(std::string(kWhere) + ": " + file + ": folder " + folder.string() + " is not writable");

  try {
    detail::registerGdalOnce();
    ErrorCapture capture;

    // Geometry first: a bad WKT is reported before any file exists.
    std::vector<std::unique_ptr<OGRGeometry>> geometries(features.size());
    for (std::size_t i = 0; i < features.size(); ++i) {
      if (features[i].wkt.empty()) continue;
      OGRGeometry* g = nullptr;
      const char* text = features[i].wkt.c_str();
      if (OGRGeometryFactory::createFromWkt(text, nullptr, &g) != OGRERR_NONE || !g)
        return core::fail(std::string(kWhere) + ": " + file + ": feature " + std::to_string(i) + ": unreadable WKT '" +
                          features[i].wkt.substr(0, 60) + "'");
      geometries[i].reset(g);
    }
    const OGRwkbGeometryType layerType = layerTypeOf(geometries);
    if (layerType != wkbNone && layerType != wkbUnknown)
      for (auto& g : geometries)
        if (g && wkbFlatten(g->getGeometryType()) != layerType)
          g.reset(OGRGeometryFactory::forceTo(g.release(), layerType));

    // 64-bit integer columns only where a value needs them: QGIS and spreadsheets treat plain
    // 32-bit integers most simply.
    std::vector<OGRFieldType> ogrTypes;
    for (std::size_t k = 0; k < fields.size(); ++k) {
      OGRFieldType t = OFTString;
      if (fields[k].type == FieldType::Real) t = OFTReal;
      if (fields[k].type == FieldType::Integer) {
        t = OFTInteger;
        for (const VectorFeature& f : features)
          if (const long long* v = std::get_if<long long>(&f.values[k]); v && (*v > INT_MAX || *v < INT_MIN))
            t = OFTInteger64;
      }
      ogrTypes.push_back(t);
    }

    const char* driverName = format == Format::GeoJson ? "GeoJSON" : format == Format::GeoPackage ? "GPKG" : "CSV";
    GDALDriver* driver = GetGDALDriverManager()->GetDriverByName(driverName);
    if (!driver) return core::fail(std::string(kWhere) + ": " + file + ": GDAL has no " + driverName + " driver");

    const std::filesystem::path tmp = temporaryPath(path);
    removeQuietly(tmp);
    if (format == Format::Csv) removeQuietly(csvtPath(tmp));
    auto cleanup = [&] {
      removeQuietly(tmp);
      if (format == Format::Csv) removeQuietly(csvtPath(tmp));
    };
    {
      std::unique_ptr<GDALDataset, DatasetCloser> ds(driver->Create(tmp.c_str(), 0, 0, 0, GDT_Unknown, nullptr));
      if (!ds) {
        const std::string reason = capture.last();
        cleanup();
        return core::fail(std::string(kWhere) + ": " + file + ": cannot create: " + reason);
      }
      OGRSpatialReference wgs84;
      wgs84.importFromEPSG(4326);
      wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
      char** options = nullptr;
      if (format == Format::GeoJson) {
        options = CSLSetNameValue(options, "RFC7946", "YES");
        options = CSLSetNameValue(options, "WRITE_NAME", "YES");
      }
      if (format == Format::Csv) {
        options = CSLSetNameValue(options, "GEOMETRY", "AS_WKT");
        options = CSLSetNameValue(options, "CREATE_CSVT", "YES");
        options = CSLSetNameValue(options, "LINEFORMAT", "LF");
        // GDAL 3.6 otherwise quotes integer values ("7"); the .csvt carries the types anyway.
        options = CSLSetNameValue(options, "STRING_QUOTING", "IF_NEEDED");
      }
      OGRLayer* layer = ds->CreateLayer(layerName.empty() ? path.stem().c_str() : layerName.c_str(),
                                        layerType == wkbNone ? nullptr : &wgs84, layerType, options);
      CSLDestroy(options);
      if (!layer) {
        const std::string reason = capture.last();
        ds.reset();
        cleanup();
        return core::fail(std::string(kWhere) + ": " + file + ": cannot create layer '" + layerName + "': " + reason);
      }
      for (std::size_t k = 0; k < fields.size(); ++k) {
        OGRFieldDefn defn(fields[k].name.c_str(), ogrTypes[k]);
        if (layer->CreateField(&defn) != OGRERR_NONE) {
          const std::string reason = capture.last();
          ds.reset();
          cleanup();
          return core::fail(std::string(kWhere) + ": " + file + ": cannot create field '" + fields[k].name +
                            "': " + reason);
        }
      }
      // One transaction: GeoPackage writes feature by feature otherwise, ~100x slower.
      const bool transaction = ds->StartTransaction() == OGRERR_NONE;
      for (std::size_t i = 0; i < features.size(); ++i) {
        OGRFeature feature(layer->GetLayerDefn());
        for (std::size_t k = 0; k < fields.size(); ++k) {
          const int index = static_cast<int>(k);
          const FieldValue& v = features[i].values[k];
          if (const long long* n = std::get_if<long long>(&v)) {
            if (fields[k].type == FieldType::Real)
              feature.SetField(index, static_cast<double>(*n));
            else
              feature.SetField(index, static_cast<GIntBig>(*n));
          } else if (const double* d = std::get_if<double>(&v)) {
            if (std::isfinite(*d))
              feature.SetField(index, *d);
            else
              feature.SetFieldNull(index);
          } else if (const std::string* s = std::get_if<std::string>(&v)) {
            feature.SetField(index, s->c_str());
          } else {
            feature.SetFieldNull(index);
          }
        }
        if (geometries[i]) feature.SetGeometryDirectly(geometries[i].release());
        if (layer->CreateFeature(&feature) != OGRERR_NONE) {
          const std::string reason = capture.last();
          ds.reset();
          cleanup();
          return core::fail(std::string(kWhere) + ": " + file + ": cannot write feature " + std::to_string(i) + ": " +
                            reason);
        }
      }
      if (transaction && ds->CommitTransaction() != OGRERR_NONE) {
        const std::string reason = capture.last();
        ds.reset();
        cleanup();
        return core::fail(std::string(kWhere) + ": " + file + ": cannot commit: " + reason);
      }
      ds->FlushCache();
      // Closing writes the GeoJSON tail and the GeoPackage's extent; GDAL 3.6's GDALClose returns
      // nothing, so a failure shows only as an error message while it runs.
      const std::size_t failuresBefore = capture.failures();
      ds.reset();
      if (capture.failures() != failuresBefore) {
        const std::string reason = capture.last();
        cleanup();
        return core::fail(std::string(kWhere) + ": " + file + ": cannot finish writing: " + reason);
      }
    }
    std::filesystem::rename(tmp, path, ec);
    if (!ec && format == Format::Csv) {
      if (std::filesystem::exists(csvtPath(tmp)))
        std::filesystem::rename(csvtPath(tmp), csvtPath(path), ec);
      else
        removeQuietly(csvtPath(path));
    }
    if (ec) {
      cleanup();
      return core::fail(std::string(kWhere) + ": " + file + ": cannot replace the file: " + ec.message());
    }
    return core::Ok{};
  } catch (const std::exception& e) {
    return core::fail(std::string(kWhere) + ": " + file + ": " + e.what());
  }
}

}  // namespace twin::geo
