// Vector reading through GDAL/OGR.
//
// Index
//   openSource       GDALOpenEx with errors that name the file and GDAL's reason
//   LayerInfo        per-layer schema, CRS and axis order
//   pass 1 (read)    GDAL features -> RawFeature (tags, owned OGR geometry)
//   pass 2 (reproject) checks/repairs, transform into the frame, clip -> Feature
//   vectorExtentLonLat
#include "twin/geo/VectorReader.h"

#include "GdalSupport.h"

#include <cpl_conv.h>
#include <cpl_error.h>
#include <gdal_priv.h>
#include <ogr_geometry.h>
#include <ogr_spatialref.h>
#include <ogrsf_frmts.h>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <system_error>
#include <unordered_map>

#include "twin/core/PrivateTempDir.h"
#include "twin/core/Stopwatch.h"
#include "twin/core/UntrustedInput.h"

namespace twin::geo {

std::string Feature::recordLabel() const { return idKind + " " + std::to_string(id); }

bool isConnectionString(const std::string& source) {
  // "PG:dbname=x", "MySQL:...", "WFS:http..." - a driver prefix of two or more letters.
  const auto colon = source.find(':');
  if (colon == std::string::npos || colon < 2) return false;
  for (std::size_t i = 0; i < colon; ++i)
    if (!std::isalnum(static_cast<unsigned char>(source[i])) && source[i] != '_') return false;
  return true;
}

namespace {

using namespace detail;  // GdalSupport.h

constexpr const char* kReadWhere = "geo::readVector()";
constexpr const char* kExtentWhere = "geo::vectorExtentLonLat()";

core::Result<DatasetPtr> openSource(const std::string& source, const char* where, GdalSession& session) {
  registerGdalOnce();
  const std::string label = sourceLabel(source);
  if (!isConnectionString(source) && source.rfind("/vsi", 0) != 0) {
    std::error_code ec;
    const std::filesystem::path path(source);
    const auto status = std::filesystem::status(path, ec);
    if (ec || !std::filesystem::exists(status))
      return core::fail(std::string(where) + ": " + label + ": file not found");
    // GDAL would open a FIFO and wait on it for ever, or read a device without end; folders
    // (shapefile sets) are fine.
    if (!std::filesystem::is_directory(status)) {
      const core::FileSizeLimit anySize{UINT64_MAX, "layers"};
      if (std::string why = core::fileReadProblem(path, anySize); !why.empty())
        return core::fail(std::string(where) + ": " + label + ": " + why);
    }
    if (std::filesystem::is_regular_file(status) && std::filesystem::file_size(path, ec) == 0)
      return core::fail(std::string(where) + ": " + label + ": file is empty");
  }
  GDALDataset* raw = GDALDataset::Open(source.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY);
  if (!raw) {
    std::string reason = session.lastFailure();
    if (reason.empty()) reason = "not a recognised vector format";
    return core::fail(std::string(where) + ": " + label + ": cannot open: " + reason);
  }
  DatasetPtr ds(raw);
  if (ds->GetLayerCount() == 0) return core::fail(std::string(where) + ": " + label + ": contains no vector layers");
  return ds;
}

// ---------------------------------------------------------------------------------------------
// LayerInfo

struct LayerInfo {
  OGRLayer* layer = nullptr;
  std::string name;
  bool selected = false;
  bool osm = false;
  int osmIdField = -1, osmWayIdField = -1, otherTagsField = -1, zOrderField = -1;
  std::vector<std::string> fieldNames;
  std::string crsText;      // what Transform::create() gets
  bool geographic = false;  // source coordinates are lon/lat
  bool swapAxes = false;    // data stores northing/latitude first
};

core::Status describeLayer(LayerInfo& info, const ReadOptions& options, const std::string& label, const char* where) {
  OGRFeatureDefn* defn = info.layer->GetLayerDefn();
  for (int i = 0; i < defn->GetFieldCount(); ++i) {
    const std::string name = defn->GetFieldDefn(i)->GetNameRef();
    info.fieldNames.push_back(name);
    if (info.osm) {
      if (name == "osm_id")
        info.osmIdField = i;
      else if (name == "osm_way_id")
        info.osmWayIdField = i;
      else if (name == "other_tags")
        info.otherTagsField = i;
      else if (name == "z_order")
        info.zOrderField = i;
    }
  }
  if (options.sourceCrs) {
    info.crsText = canonicalCrs(*options.sourceCrs);
    OGRSpatialReference srs;
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    if (srs.SetFromUserInput(info.crsText.c_str()) == OGRERR_NONE) info.geographic = srs.IsGeographic();
    return core::Ok{};
  }
  const OGRSpatialReference* srs = info.layer->GetSpatialRef();
  if (!srs)
    return core::fail(std::string(where) + ": " + label + " layer '" + info.name +
                      "': the source has no CRS; give the layer a \"crs\"");
  info.crsText = crsTextOf(*srs);
  info.geographic = srs->IsGeographic();
  // The frame transforms are normalised to east-first axes; find whether the data's first
  // axis is the CRS's north axis (a driver that does not honour OAMS_TRADITIONAL_GIS_ORDER).
  const std::vector<int>& mapping = srs->GetDataAxisToSRSAxisMapping();
  if (!mapping.empty()) {
    OGRAxisOrientation orientation = OAO_Other;
    srs->GetAxis(nullptr, std::abs(mapping[0]) - 1, &orientation);
    info.swapAxes = orientation == OAO_North || orientation == OAO_South;
  }
  return core::Ok{};
}

core::Result<std::vector<LayerInfo>> describeLayers(GDALDataset& ds, const ReadOptions& options,
                                                    const std::string& label, const char* where) {
  std::vector<LayerInfo> layers;
  const bool osm = ds.GetDriver() && EQUAL(ds.GetDriver()->GetDescription(), "OSM");
  for (int i = 0; i < ds.GetLayerCount(); ++i) {
    LayerInfo info;
    info.layer = ds.GetLayer(i);
    info.name = info.layer->GetName();
    info.osm = osm;
    info.selected = options.layers.empty() ||
                    std::find(options.layers.begin(), options.layers.end(), info.name) != options.layers.end();
    layers.push_back(std::move(info));
  }
  for (const std::string& wanted : options.layers) {
    const bool found = std::any_of(layers.begin(), layers.end(), [&](const LayerInfo& l) { return l.name == wanted; });
    if (!found) {
      std::string names;
      for (const LayerInfo& l : layers) names += (names.empty() ? "" : ", ") + l.name;
      return core::fail(std::string(where) + ": " + label + ": no layer '" + wanted + "' (layers: " + names + ")");
    }
  }
  for (LayerInfo& info : layers) {
    if (!info.selected) continue;
    auto status = describeLayer(info, options, label, where);
    if (!status) return status.error();
  }
  return layers;
}

// Parses the OSM driver's hstore text: "key"=>"value","k2"=>"v\"2". Returns false when the
// text is malformed (what was parsed before the fault is kept).
bool parseOtherTags(const char* s, Tags& tags) {
  auto readQuoted = [&](std::string& out) -> bool {
    while (*s == ' ') ++s;
    if (*s != '"') return false;
    ++s;
    out.clear();
    while (*s && *s != '"') {
      if (*s == '\\' && s[1]) ++s;
      out += *s++;
    }
    if (*s != '"') return false;
    ++s;
    return true;
  };
  std::string key, value;
  while (*s) {
    if (!readQuoted(key)) return false;
    while (*s == ' ') ++s;
    if (s[0] != '=' || s[1] != '>') return false;
    s += 2;
    if (!readQuoted(value)) return false;
    tags[key] = value;
    while (*s == ' ') ++s;
    if (*s == ',')
      ++s;
    else if (*s)
      return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Pass 1: read

struct RawFeature {
  int layerIndex = 0;
  std::int64_t id = 0;
  const char* idKind = "fid";
  Tags tags;
  std::unique_ptr<OGRGeometry> geometry;
};

struct ReadContext {
  std::string label;
  core::Diagnostics& diag;
  ReadStats& stats;
};

RawFeature toRaw(OGRFeature& feature, const LayerInfo& info, int layerIndex, ReadContext& ctx) {
  RawFeature raw;
  raw.layerIndex = layerIndex;
  if (info.osm) {
    if (info.osmWayIdField >= 0 && feature.IsFieldSetAndNotNull(info.osmWayIdField)) {
      raw.id = std::strtoll(feature.GetFieldAsString(info.osmWayIdField), nullptr, 10);
      raw.idKind = "way";
    } else if (info.osmIdField >= 0 && feature.IsFieldSetAndNotNull(info.osmIdField)) {
      raw.id = std::strtoll(feature.GetFieldAsString(info.osmIdField), nullptr, 10);
      if (info.name == "points")
        raw.idKind = "node";
      else if (info.name == "lines")
        raw.idKind = "way";
      else
        raw.idKind = "relation";
    } else {
      raw.id = feature.GetFID();
      raw.idKind = "fid";
    }
  } else {
    raw.id = feature.GetFID();
  }
  const int n = static_cast<int>(info.fieldNames.size());
  for (int i = 0; i < n; ++i) {
    if (i == info.osmIdField || i == info.osmWayIdField || i == info.zOrderField) continue;
    if (!feature.IsFieldSetAndNotNull(i)) continue;
    if (i == info.otherTagsField) {
      if (!parseOtherTags(feature.GetFieldAsString(i), raw.tags))
        ctx.diag.add(core::Severity::Warning, kReadWhere, ctx.label, info.name,
                     std::string(raw.idKind) + " " + std::to_string(raw.id), "malformed other_tags text",
                     "tags after the fault dropped");
      continue;
    }
    raw.tags[info.fieldNames[i]] = feature.GetFieldAsString(i);
  }
  raw.geometry.reset(feature.StealGeometry());
  return raw;
}

// ---------------------------------------------------------------------------------------------
// Pass 2: checks, repairs, transform

void collectParts(const OGRGeometry* g, std::vector<const OGRPoint*>& points, std::vector<const OGRLineString*>& lines,
                  std::vector<const OGRPolygon*>& polygons) {
  if (!g || g->IsEmpty()) return;
  switch (wkbFlatten(g->getGeometryType())) {
    case wkbPoint: points.push_back(g->toPoint()); break;
    case wkbLineString: lines.push_back(g->toLineString()); break;
    case wkbPolygon: polygons.push_back(g->toPolygon()); break;
    case wkbMultiPoint:
    case wkbMultiLineString:
    case wkbMultiPolygon:
    case wkbGeometryCollection: {
      const OGRGeometryCollection* c = g->toGeometryCollection();
      for (int i = 0; i < c->getNumGeometries(); ++i) collectParts(c->getGeometryRef(i), points, lines, polygons);
      break;
    }
    default: break;  // curves are linearised before this; other types carry nothing we use
  }
}

bool allFinite(const OGRGeometry* g) {
  bool finite = true;
  std::vector<const OGRPoint*> points;
  std::vector<const OGRLineString*> lines;
  std::vector<const OGRPolygon*> polygons;
  collectParts(g, points, lines, polygons);
  auto curveFinite = [](const OGRSimpleCurve* c) {
    for (int i = 0; i < c->getNumPoints(); ++i)
      if (!std::isfinite(c->getX(i)) || !std::isfinite(c->getY(i))) return false;
    return true;
  };
  for (const OGRPoint* p : points) finite = finite && std::isfinite(p->getX()) && std::isfinite(p->getY());
  for (const OGRLineString* l : lines) finite = finite && curveFinite(l);
  for (const OGRPolygon* p : polygons)
    for (const OGRLinearRing* r : *p) finite = finite && curveFinite(r);
  return finite;
}

std::size_t distinctPoints(const OGRSimpleCurve& c) {
  std::size_t n = 0;
  double px = NAN, py = NAN;
  const int count = c.getNumPoints();
  for (int i = 0; i < count; ++i) {
    const double x = c.getX(i), y = c.getY(i);
    if (i == 0 || x != px || y != py) ++n;
    px = x;
    py = y;
  }
  // A closed ring repeats its first point at the end.
  if (count > 1 && c.getX(0) == c.getX(count - 1) && c.getY(0) == c.getY(count - 1)) --n;
  return n;
}

// True when every point lies on one line (the shoelace sum alone would also call a symmetric
// bow-tie zero-area, and that one is repairable).
bool zeroArea(const OGRSimpleCurve& ring) {
  const int n = ring.getNumPoints();
  if (n < 3) return true;
  const double x0 = ring.getX(0), y0 = ring.getY(0);
  double fx = 0, fy = 0, farthest = 0;
  for (int i = 1; i < n; ++i) {
    const double dx = ring.getX(i) - x0, dy = ring.getY(i) - y0, d = dx * dx + dy * dy;
    if (d > farthest) {
      farthest = d;
      fx = dx;
      fy = dy;
    }
  }
  if (farthest == 0) return true;
  for (int i = 1; i < n; ++i) {
    const double cross = fx * (ring.getY(i) - y0) - fy * (ring.getX(i) - x0);
    if (std::abs(cross) > 1e-9 * farthest) return false;
  }
  return true;
}

class Reprojector {
 public:
  Reprojector(const SiteFrame& frame, const ReadOptions& options, ReadContext& ctx)
      : _frame(frame), _options(options), _ctx(ctx) {}

  core::Status prepare(const std::vector<LayerInfo>& layers, const char* where) {
    for (const LayerInfo& info : layers) {
      if (!info.selected) {
        _layerTransform.push_back(-1);
        continue;
      }
      if (!info.geographic && _options.datum != LonLatDatum::Wgs84)
        return core::fail(std::string(where) + ": " + _ctx.label + " layer '" + info.name + "': datum '" +
                          lonLatDatumName(_options.datum) +
                          "' applies only to lon/lat sources, but the layer's CRS is projected");
      auto it = _byCrs.find(info.crsText);
      if (it == _byCrs.end()) {
        auto t = _frame.transformFrom(info.crsText);
        if (!t)
          return core::fail(std::string(where) + ": " + _ctx.label + " layer '" + info.name +
                            "': " + t.error().message);
        _transforms.push_back(std::move(t).value());
        it = _byCrs.emplace(info.crsText, static_cast<int>(_transforms.size()) - 1).first;
      }
      _layerTransform.push_back(it->second);
    }
    return core::Ok{};
  }

  void process(RawFeature& raw, const LayerInfo& info, std::vector<Feature>& out) {
    _info = &info;
    _raw = &raw;
    ++_ctx.stats.featuresRead;
    OGRGeometry* g = raw.geometry.get();
    if (!g || g->IsEmpty()) {
      report("feature has no geometry", "skipped");
      ++_ctx.stats.featuresSkipped;
      return;
    }
    if (OGR_GT_IsNonLinear(g->getGeometryType())) {
      raw.geometry.reset(g->getLinearGeometry());
      g = raw.geometry.get();
      if (!g) {
        report("curve geometry could not be linearised", "skipped");
        ++_ctx.stats.featuresSkipped;
        return;
      }
    }
    if (!allFinite(g)) {
      report("coordinate is NaN or infinite", "skipped");
      ++_ctx.stats.featuresSkipped;
      return;
    }
    if (_options.clipLonLat && info.geographic && outsideClipSource(*g)) {
      ++_ctx.stats.featuresClipped;
      return;
    }

    std::vector<const OGRPoint*> points;
    std::vector<const OGRLineString*> lines;
    std::vector<const OGRPolygon*> polygons;
    collectParts(g, points, lines, polygons);
    const Transform& transform = _transforms[static_cast<std::size_t>(_layerTransform[raw.layerIndex])];
    const std::size_t before = out.size();
    bool anySkipped = false, anyRepaired = false;

    for (const OGRPoint* p : points) {
      _buffer.assign(1, sourcePoint(p->getX(), p->getY()));
      if (!transformBuffer(transform)) {
        anySkipped = true;
        continue;
      }
      Feature f = makeFeature(FeatureKind::Point);
      f.point = _local[0];
      out.push_back(std::move(f));
    }
    for (const OGRLineString* l : lines) {
      if (distinctPoints(*l) + (l->get_IsClosed() ? 1 : 0) < 2) {
        report("line has fewer than 2 distinct points", "skipped");
        anySkipped = true;
        continue;
      }
      loadCurve(*l);
      if (!transformBuffer(transform)) {
        anySkipped = true;
        continue;
      }
      Feature f = makeFeature(FeatureKind::Line);
      f.line = dedupe(_local);
      out.push_back(std::move(f));
    }
    if (!polygons.empty()) {
      Feature f = makeFeature(FeatureKind::Polygon);
      for (const OGRPolygon* p : polygons) {
        bool skipped = false, repaired = false;
        polygonParts(*p, transform, f.polygons, skipped, repaired);
        anySkipped = anySkipped || skipped;
        anyRepaired = anyRepaired || repaired;
      }
      if (!f.polygons.empty()) out.push_back(std::move(f));
    }

    // Clip projected sources by the lon/lat bounds of what was produced.
    if (_options.clipLonLat && !info.geographic && out.size() > before && outsideClipLocal(out, before)) {
      out.resize(before);
      ++_ctx.stats.featuresClipped;
      return;
    }
    // Tags go to the produced features last: copied for all but one, which takes them.
    for (std::size_t i = before; i + 1 < out.size(); ++i) out[i].tags = raw.tags;
    if (out.size() > before) out.back().tags = std::move(raw.tags);
    if (out.size() == before)
      ++_ctx.stats.featuresSkipped;
    else {
      ++_ctx.stats.featuresKept;
      if (anyRepaired || anySkipped) ++_ctx.stats.featuresRepaired;
    }
  }

 private:
  void report(const std::string& message, const std::string& action) {
    _ctx.diag.add(core::Severity::Warning, kReadWhere, _ctx.label, _info->name,
                  std::string(_raw->idKind) + " " + std::to_string(_raw->id), message, action);
  }

  Feature makeFeature(FeatureKind kind) const {
    Feature f;
    f.layer = _info->name;
    f.id = _raw->id;
    f.idKind = _raw->idKind;
    f.kind = kind;
    return f;
  }

  core::Vec3 sourcePoint(double x, double y) const {
    return _info->swapAxes ? core::Vec3{y, x, 0} : core::Vec3{x, y, 0};
  }

  void loadCurve(const OGRSimpleCurve& c) {
    _buffer.clear();
    const int n = c.getNumPoints();
    _buffer.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) _buffer.push_back(sourcePoint(c.getX(i), c.getY(i)));
  }

  bool transformBuffer(const Transform& transform) {
    // GCJ-02 / BD-09 are offsets of WGS84 lon/lat: undo them before PROJ sees the points.
    if (_info->geographic && _options.datum != LonLatDatum::Wgs84) {
      for (core::Vec3& p : _buffer) {
        const core::LonLat wgs = convertLonLat(core::LonLat{p.x, p.y}, _options.datum, LonLatDatum::Wgs84);
        p.x = wgs.lon;
        p.y = wgs.lat;
      }
    }
    if (transform.forwardMany(_buffer.data(), _buffer.size()) != 0) {
      report("coordinates outside the domain of the frame CRS", "skipped");
      return false;
    }
    _local.clear();
    for (const core::Vec3& p : _buffer) _local.push_back(_frame.projectedToLocal(p));
    return true;
  }

  static std::vector<core::Vec2> dedupe(const std::vector<core::Vec2>& in) {
    std::vector<core::Vec2> out;
    out.reserve(in.size());
    for (const core::Vec2& p : in)
      if (out.empty() || p.x != out.back().x || p.y != out.back().y) out.push_back(p);
    return out;
  }

  // A ring in local metres without the repeated closing point, oriented as asked.
  static core::Ring toRing(const std::vector<core::Vec2>& pts, bool ccw) {
    core::Ring ring = dedupe(pts);
    while (ring.size() > 1 && ring.front().x == ring.back().x && ring.front().y == ring.back().y) ring.pop_back();
    if ((core::signedArea(ring) > 0) != ccw) std::reverse(ring.begin(), ring.end());
    return ring;
  }

  void polygonParts(const OGRPolygon& input, const Transform& transform, std::vector<core::Polygon>& out, bool& skipped,
                    bool& repaired) {
    std::unique_ptr<OGRPolygon> owned;
    const OGRPolygon* poly = &input;
    bool unclosed = false;
    for (const OGRLinearRing* r : input) unclosed = unclosed || !r->get_IsClosed();
    if (unclosed) {
      owned.reset(input.clone());
      owned->closeRings();
      poly = owned.get();
      report("polygon ring not closed", "closed");
      repaired = true;
    }
    const OGRLinearRing* outer = poly->getExteriorRing();
    if (!outer || distinctPoints(*outer) < 3) {
      report("polygon has fewer than 3 distinct points", "skipped");
      skipped = true;
      return;
    }
    if (zeroArea(*outer)) {
      report("polygon has zero area", "skipped");
      skipped = true;
      return;
    }
    bool holesDropped = false;
    for (int i = 0; i < poly->getNumInteriorRings(); ++i) {
      const OGRLinearRing* hole = poly->getInteriorRing(i);
      if (distinctPoints(*hole) < 3 || zeroArea(*hole)) holesDropped = true;
    }
    if (holesDropped) {
      auto cleaned = std::make_unique<OGRPolygon>();
      cleaned->addRing(const_cast<OGRLinearRing*>(outer));  // addRing copies
      for (int i = 0; i < poly->getNumInteriorRings(); ++i) {
        const OGRLinearRing* hole = poly->getInteriorRing(i);
        if (distinctPoints(*hole) >= 3 && !zeroArea(*hole)) cleaned->addRing(const_cast<OGRLinearRing*>(hole));
      }
      owned = std::move(cleaned);
      poly = owned.get();
      report("polygon hole has fewer than 3 distinct points or zero area", "hole dropped");
      repaired = true;
    }

    std::vector<const OGRPolygon*> valid;
    std::unique_ptr<OGRGeometry> fixed;
    if (poly->IsValid()) {
      valid.push_back(poly);
    } else {
      fixed.reset(poly->MakeValid());
      std::vector<const OGRPoint*> ignoredPoints;
      std::vector<const OGRLineString*> ignoredLines;
      collectParts(fixed.get(), ignoredPoints, ignoredLines, valid);
      valid.erase(
          std::remove_if(valid.begin(), valid.end(),
                         [](const OGRPolygon* p) { return !p->getExteriorRing() || zeroArea(*p->getExteriorRing()); }),
          valid.end());
      if (valid.empty()) {
        report("self-intersecting polygon", "skipped (could not be repaired)");
        skipped = true;
        return;
      }
      report("self-intersecting polygon", "repaired (split into " + std::to_string(valid.size()) + " valid part" +
                                              (valid.size() == 1 ? "" : "s") + ")");
      repaired = true;
    }
    for (const OGRPolygon* p : valid) {
      core::Polygon part;
      loadCurve(*p->getExteriorRing());
      if (!transformBuffer(transform)) {
        skipped = true;
        continue;
      }
      part.outer = toRing(_local, true);
      for (int i = 0; i < p->getNumInteriorRings(); ++i) {
        loadCurve(*p->getInteriorRing(i));
        if (!transformBuffer(transform)) continue;
        part.holes.push_back(toRing(_local, false));
      }
      if (part.outer.size() < 3 || core::area(part) <= 1e-6) {
        report("polygon has zero area", "skipped");
        skipped = true;
        continue;
      }
      out.push_back(std::move(part));
    }
  }

  bool outsideClipSource(const OGRGeometry& g) const {
    OGREnvelope env;
    g.getEnvelope(&env);
    core::Box2 box;
    box.add(core::Vec2{env.MinX, env.MinY});
    box.add(core::Vec2{env.MaxX, env.MaxY});
    if (_info->swapAxes) box = core::Box2{box.minY, box.minX, box.maxY, box.maxX};
    if (_options.datum != LonLatDatum::Wgs84) {
      core::Box2 converted;
      for (const core::Vec2& corner : {core::Vec2{box.minX, box.minY}, core::Vec2{box.maxX, box.minY},
                                       core::Vec2{box.minX, box.maxY}, core::Vec2{box.maxX, box.maxY}}) {
        const core::LonLat wgs = convertLonLat(core::LonLat{corner.x, corner.y}, _options.datum, LonLatDatum::Wgs84);
        converted.add(core::Vec2{wgs.lon, wgs.lat});
      }
      box = converted;
    }
    return disjoint(box, *_options.clipLonLat);
  }

  bool outsideClipLocal(const std::vector<Feature>& out, std::size_t from) const {
    core::Box2 local;
    for (std::size_t i = from; i < out.size(); ++i) {
      const Feature& f = out[i];
      local.add(f.point);
      for (const core::Vec2& p : f.line) local.add(p);
      for (const core::Polygon& poly : f.polygons) local.add(core::bounds(poly.outer));
    }
    core::Box2 lonLat;
    for (const core::Vec2& corner : {core::Vec2{local.minX, local.minY}, core::Vec2{local.maxX, local.minY},
                                     core::Vec2{local.minX, local.maxY}, core::Vec2{local.maxX, local.maxY}}) {
      const core::LonLat ll = _frame.toLonLat(corner);
      lonLat.add(core::Vec2{ll.lon, ll.lat});
    }
    return disjoint(lonLat, *_options.clipLonLat);
  }

  static bool disjoint(const core::Box2& a, const core::Box2& b) {
    return a.empty() || a.maxX < b.minX || a.minX > b.maxX || a.maxY < b.minY || a.minY > b.maxY;
  }

  const SiteFrame& _frame;
  const ReadOptions& _options;
  ReadContext& _ctx;
  std::vector<Transform> _transforms;
  std::unordered_map<std::string, int> _byCrs;
  std::vector<int> _layerTransform;
  const LayerInfo* _info = nullptr;
  RawFeature* _raw = nullptr;
  std::vector<core::Vec3> _buffer;
  std::vector<core::Vec2> _local;
};

}  // namespace

namespace {

// The layer's spatial filter from a WGS84 box: the box's outline (8 points a side, so that a
// projected CRS's curved image of it is covered) transformed into the layer's CRS, in the
// layer's own axis order. The driver turns it into its own query (PostGIS: geom && envelope).
core::Status setExtentFilter(const LayerInfo& info, const core::Box2& box, const std::string& label) {
  const std::string where = std::string(kReadWhere) + ": " + label + " layer '" + info.name + "': ";
  if (!(box.minX <= box.maxX && box.minY <= box.maxY) || !std::isfinite(box.minX) || !std::isfinite(box.maxX) ||
      !std::isfinite(box.minY) || !std::isfinite(box.maxY))
    return core::fail(where + "the extent filter is empty or not finite");
  OGRSpatialReference wgs84, target;
  wgs84.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  target.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
  if (wgs84.SetFromUserInput("EPSG:4326") != OGRERR_NONE ||
      target.SetFromUserInput(info.crsText.c_str()) != OGRERR_NONE)
    return core::fail(where + "cannot set up the extent filter's CRS");
  std::unique_ptr<OGRCoordinateTransformation> toLayer(OGRCreateCoordinateTransformation(&wgs84, &target));
  if (!toLayer) return core::fail(where + "cannot transform the extent filter into the layer's CRS");
  constexpr int kSide = 8;
  std::vector<double> xs, ys;
  for (int i = 0; i <= kSide; ++i) {
    const double t = static_cast<double>(i) / kSide;
    const double x = box.minX + t * (box.maxX - box.minX), y = box.minY + t * (box.maxY - box.minY);
    for (const auto& [px, py] :
         {std::pair{x, box.minY}, std::pair{x, box.maxY}, std::pair{box.minX, y}, std::pair{box.maxX, y}}) {
      xs.push_back(px);
      ys.push_back(py);
    }
  }
  std::vector<int> ok(xs.size(), 0);
  toLayer->Transform(static_cast<int>(xs.size()), xs.data(), ys.data(), nullptr, ok.data());
  OGREnvelope env;
  bool any = false;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    if (!ok[i] || !std::isfinite(xs[i]) || !std::isfinite(ys[i])) continue;
    const double x = info.swapAxes ? ys[i] : xs[i], y = info.swapAxes ? xs[i] : ys[i];
    env.MinX = any ? std::min(env.MinX, x) : x;
    env.MaxX = any ? std::max(env.MaxX, x) : x;
    env.MinY = any ? std::min(env.MinY, y) : y;
    env.MaxY = any ? std::max(env.MaxY, y) : y;
    any = true;
  }
  if (!any) return core::fail(where + "the extent filter lies outside the layer CRS's domain");
  info.layer->SetSpatialFilterRect(env.MinX, env.MinY, env.MaxX, env.MaxY);
  return core::Ok{};
}

core::Result<std::vector<Feature>> readVectorImpl(const std::string& source, const SiteFrame& frame,
                                                  const ReadOptions& options, core::Diagnostics& diag,
                                                  ReadStats* statsOut, const core::ProgressFn& progress) {
  ReadStats stats;
  const std::string label = sourceLabel(source);
  if (!frame.valid()) return core::fail(std::string(kReadWhere) + ": " + label + ": the site frame was never created");
  GdalSession session(true);
  auto opened = openSource(source, kReadWhere, session);
  if (!opened) return opened.error();
  DatasetPtr ds = std::move(opened).value();
  auto described = describeLayers(*ds, options, label, kReadWhere);
  if (!described) return described.error();
  std::vector<LayerInfo> layers = std::move(described).value();

  ReadContext ctx{label, diag, stats};
  Reprojector reprojector(frame, options, ctx);
  if (auto prepared = reprojector.prepare(layers, kReadWhere); !prepared) return prepared.error();

  // Pass 1: read. The OSM driver is read the interleaved way (dataset-level GetNextFeature),
  // which keeps its memory flat; other drivers layer by layer.
  core::Stopwatch readClock;
  core::reportProgress(progress, "read", 0.0);
  std::vector<RawFeature> raws;
  const bool osm = !layers.empty() && layers[0].osm;
  if (osm && options.filterLonLat)
    return core::fail(std::string(kReadWhere) + ": " + label +
                      ": an extent filter does not apply to OSM files; use clipLonLat");
  if (osm) {
    std::unordered_map<OGRLayer*, int> index;
    for (std::size_t i = 0; i < layers.size(); ++i) index[layers[i].layer] = static_cast<int>(i);
    ds->ResetReading();
    OGRLayer* belonging = nullptr;
    double pct = 0;
    std::size_t n = 0;
    while (OGRFeature* raw = ds->GetNextFeature(&belonging, &pct, nullptr, nullptr)) {
      std::unique_ptr<OGRFeature> feature(raw);
      const auto it = index.find(belonging);
      if (it == index.end() || !layers[static_cast<std::size_t>(it->second)].selected) continue;
      raws.push_back(toRaw(*feature, layers[static_cast<std::size_t>(it->second)], it->second, ctx));
      if (++n % 4096 == 0) core::reportProgress(progress, "read", std::clamp(pct, 0.0, 1.0));
    }
  } else {
    for (std::size_t i = 0; i < layers.size(); ++i) {
      if (!layers[i].selected) continue;
      OGRLayer* layer = layers[i].layer;
      if (options.filterLonLat) {
        auto status = setExtentFilter(layers[i], *options.filterLonLat, label);
        if (!status) return status.error();
      }
      layer->ResetReading();
      while (OGRFeature* raw = layer->GetNextFeature()) {
        std::unique_ptr<OGRFeature> feature(raw);
        raws.push_back(toRaw(*feature, layers[i], static_cast<int>(i), ctx));
      }
      core::reportProgress(progress, "read", static_cast<double>(i + 1) / static_cast<double>(layers.size()));
    }
  }
  if (!session.failures.empty())
    return core::fail(std::string(kReadWhere) + ": " + label + ": read failed: " + session.failures.front());
  for (const std::string& warning : session.warnings)
    diag.add(core::Severity::Warning, kReadWhere, label, "", "", "GDAL: " + warning, "continued");
  bool multipolygonsRead = false;
  for (const LayerInfo& info : layers)
    multipolygonsRead = multipolygonsRead || (info.selected && info.name == "multipolygons");
  if (osm && multipolygonsRead) {
    std::sort(session.missingRelations.begin(), session.missingRelations.end());
    session.missingRelations.erase(std::unique(session.missingRelations.begin(), session.missingRelations.end()),
                                   session.missingRelations.end());
    for (std::int64_t id : session.missingRelations)
      diag.add(core::Severity::Warning, kReadWhere, label, "multipolygons", "relation " + std::to_string(id),
               "multipolygon relation has missing member ways", "skipped");
  }
  stats.readMs = readClock.elapsedMs();
  core::reportProgress(progress, "read", 1.0);

  // Pass 2: check, repair, transform, clip.
  core::Stopwatch reprojectClock;
  session.clear();
  core::reportProgress(progress, "reproject", 0.0);
  std::vector<Feature> features;
  features.reserve(raws.size());
  const std::size_t step = std::max<std::size_t>(1, raws.size() / 20);
  for (std::size_t i = 0; i < raws.size(); ++i) {
    reprojector.process(raws[i], layers[static_cast<std::size_t>(raws[i].layerIndex)], features);
    raws[i].geometry.reset();
    if ((i + 1) % step == 0) core::reportProgress(progress, "reproject", static_cast<double>(i + 1) / raws.size());
  }
  stats.reprojectMs = reprojectClock.elapsedMs();
  core::reportProgress(progress, "reproject", 1.0);
  if (statsOut) *statsOut = stats;
  return features;
}

}  // namespace

core::Result<std::vector<Feature>> readVector(const std::string& source, const SiteFrame& frame,
                                              const ReadOptions& options, core::Diagnostics& diag, ReadStats* statsOut,
                                              const core::ProgressFn& progress) {
  // GDAL's C++ API reports through CPLError, but allocation failures and the standard library
  // can still throw; nothing may leave this module as an exception.
  try {
    return readVectorImpl(source, frame, options, diag, statsOut, progress);
  } catch (const std::exception& e) {
    return core::fail(std::string(kReadWhere) + ": " + sourceLabel(source) + ": " + e.what());
  }
}

namespace {

core::Result<core::Box2> vectorExtentImpl(const std::string& source, const ReadOptions& options) {
  const std::string label = sourceLabel(source);
  GdalSession session(true);
  auto opened = openSource(source, kExtentWhere, session);
  if (!opened) return opened.error();
  DatasetPtr ds = std::move(opened).value();
  auto described = describeLayers(*ds, options, label, kExtentWhere);
  if (!described) return described.error();
  core::Box2 box;
  // Layers whose driver cannot give an extent (an OSM file without <bounds>) are measured from
  // their features: one interleaved pass over the dataset, as the OSM driver must be read.
  std::unordered_map<const OGRLayer*, OGREnvelope> measured;
  bool needScan = false;
  for (const LayerInfo& info : described.value()) {
    OGREnvelope env;
    if (info.selected && info.layer->GetExtent(&env, FALSE) != OGRERR_NONE &&
        info.layer->GetExtent(&env, TRUE) != OGRERR_NONE)
      needScan = true;
  }
  if (needScan) {
    ds->ResetReading();
    OGRLayer* belonging = nullptr;
    while (OGRFeature* raw = ds->GetNextFeature(&belonging, nullptr, nullptr, nullptr)) {
      std::unique_ptr<OGRFeature, decltype(&OGRFeature::DestroyFeature)> feature(raw, &OGRFeature::DestroyFeature);
      const OGRGeometry* geometry = feature->GetGeometryRef();
      if (!belonging || !geometry || geometry->IsEmpty()) continue;
      OGREnvelope env;
      geometry->getEnvelope(&env);
      measured[belonging].Merge(env);
    }
  }
  for (const LayerInfo& info : described.value()) {
    if (!info.selected) continue;
    OGREnvelope env;
    if (info.layer->GetExtent(&env, FALSE) != OGRERR_NONE && info.layer->GetExtent(&env, TRUE) != OGRERR_NONE) {
      auto it = measured.find(info.layer);
      if (it == measured.end() || !it->second.IsInit()) continue;
      env = it->second;
    }
    auto toWgs84 = Transform::create(info.crsText, "EPSG:4326");
    if (!toWgs84)
      return core::fail(std::string(kExtentWhere) + ": " + label + " layer '" + info.name +
                        "': " + toWgs84.error().message);
    // Densified edges: a projected box is not a lon/lat box.
    constexpr int kSteps = 16;
    for (int i = 0; i <= kSteps; ++i) {
      const double t = static_cast<double>(i) / kSteps;
      const double x = env.MinX + t * (env.MaxX - env.MinX), y = env.MinY + t * (env.MaxY - env.MinY);
      for (core::Vec3 p : {core::Vec3{x, env.MinY, 0}, core::Vec3{x, env.MaxY, 0}, core::Vec3{env.MinX, y, 0},
                           core::Vec3{env.MaxX, y, 0}}) {
        if (info.swapAxes && !options.sourceCrs) std::swap(p.x, p.y);
        if (!toWgs84->forward(p)) continue;
        if (info.geographic && options.datum != LonLatDatum::Wgs84) {
          const core::LonLat wgs = convertLonLat(core::LonLat{p.x, p.y}, options.datum, LonLatDatum::Wgs84);
          p.x = wgs.lon;
          p.y = wgs.lat;
        }
        box.add(core::Vec2{p.x, p.y});
      }
    }
  }
  if (options.clipLonLat && !box.empty()) {
    const core::Box2& c = *options.clipLonLat;
    core::Box2 clipped{std::max(box.minX, c.minX), std::max(box.minY, c.minY), std::min(box.maxX, c.maxX),
                       std::min(box.maxY, c.maxY)};
    box = clipped.empty() ? c : clipped;
  }
  if (box.empty()) return core::fail(std::string(kExtentWhere) + ": " + label + ": no features with coordinates");
  return box;
}

}  // namespace

core::Result<core::Box2> vectorExtentLonLat(const std::string& source, const ReadOptions& options) {
  try {
    return vectorExtentImpl(source, options);
  } catch (const std::exception& e) {
    return core::fail(std::string(kExtentWhere) + ": " + sourceLabel(source) + ": " + e.what());
  }
}

core::Result<std::vector<OsmNode>> readOsmNodes(const std::string& source) {
  constexpr const char* kWhere = "geo::readOsmNodes()";
  registerGdalOnce();
  const std::string label = sourceLabel(source);
  // GDAL's own osmconf.ini with report_all_nodes switched on, in a temporary copy: the points
  // layer then carries every node, not only tagged ones.
  const char* found = CPLFindFile("gdal", "osmconf.ini");
  if (!found) return core::fail(std::string(kWhere) + ": " + label + ": GDAL's osmconf.ini not found");
  std::ifstream in(found, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  std::string conf = text.str();
  const std::string off = "#report_all_nodes=yes";
  const auto at = conf.find(off);
  if (at != std::string::npos)
    conf.replace(at, off.size(), "report_all_nodes=yes");
  else
    conf = "report_all_nodes=yes\n" + conf;
  // In a private folder made by mkdtemp: a predictable name in /tmp could be a symlink planted
  // by another user, which we would write through.
  auto tempDir = core::PrivateTempDir::create("twin-osmconf-");
  if (!tempDir) return core::fail(std::string(kWhere) + ": " + label + ": " + tempDir.error().message);
  auto written = (*tempDir)->writeFile("osmconf.ini", conf);
  if (!written) return core::fail(std::string(kWhere) + ": " + label + ": " + written.error().message);
  const std::filesystem::path confPath = *written;
  struct Cleanup {
    std::string old;
    bool hadOld = false;
    ~Cleanup() { CPLSetThreadLocalConfigOption("OSM_CONFIG_FILE", hadOld ? old.c_str() : nullptr); }
  } cleanup{"", false};
  if (const char* old = CPLGetThreadLocalConfigOption("OSM_CONFIG_FILE", nullptr)) {
    cleanup.old = old;
    cleanup.hadOld = true;
  }
  CPLSetThreadLocalConfigOption("OSM_CONFIG_FILE", confPath.string().c_str());

  GdalSession session(true);
  auto opened = openSource(source, kWhere, session);
  if (!opened) return opened.error();
  DatasetPtr ds = std::move(opened).value();
  if (!ds->GetDriver() || std::string(ds->GetDriver()->GetDescription()) != "OSM")
    return core::fail(std::string(kWhere) + ": " + label + ": not an OSM file");
  OGRLayer* points = ds->GetLayerByName("points");
  if (!points) return core::fail(std::string(kWhere) + ": " + label + ": the OSM driver gave no points layer");
  const int idField = points->GetLayerDefn()->GetFieldIndex("osm_id");
  if (idField < 0) return core::fail(std::string(kWhere) + ": " + label + ": the points layer has no osm_id");
  std::vector<OsmNode> nodes;
  ds->ResetReading();
  OGRLayer* belonging = nullptr;
  while (OGRFeature* raw = ds->GetNextFeature(&belonging, nullptr, nullptr, nullptr)) {
    std::unique_ptr<OGRFeature, decltype(&OGRFeature::DestroyFeature)> feature(raw, &OGRFeature::DestroyFeature);
    if (belonging != points) continue;
    const OGRGeometry* g = feature->GetGeometryRef();
    if (!g || wkbFlatten(g->getGeometryType()) != wkbPoint) continue;
    const auto* p = g->toPoint();
    const std::int64_t id = std::strtoll(feature->GetFieldAsString(idField), nullptr, 10);
    if (id == 0 || !std::isfinite(p->getX()) || !std::isfinite(p->getY())) continue;
    nodes.push_back({id, {p->getX(), p->getY()}});
  }
  if (!session.failures.empty()) return core::fail(std::string(kWhere) + ": " + label + ": " + session.lastFailure());
  return nodes;
}

}  // namespace twin::geo
