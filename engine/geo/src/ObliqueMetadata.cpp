#include "twin/geo/ObliqueMetadata.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include "twin/core/UntrustedInput.h"
#include "twin/geo/Transform.h"

namespace twin::geo {
namespace {

constexpr const char* kWhere = "geo::readObliqueMetadata(): ";

std::string trim(const std::string& s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

std::string withoutComments(const std::string& xml) {
  std::string out;
  std::size_t pos = 0;
  while (true) {
    const std::size_t open = xml.find("<!--", pos);
    if (open == std::string::npos) {
      out += xml.substr(pos);
      break;
    }
    out += xml.substr(pos, open - pos);
    const std::size_t close = xml.find("-->", open + 4);
    if (close == std::string::npos) break;  // unterminated comment: the rest is comment
    pos = close + 3;
  }
  return out;
}

// Text of the first <tag>...</tag>; false when absent. Handles attributes on the open tag.
bool elementText(const std::string& xml, const std::string& tag, std::string& text) {
  std::size_t open = 0;
  while ((open = xml.find("<" + tag, open)) != std::string::npos) {
    const char next = open + tag.size() + 1 < xml.size() ? xml[open + tag.size() + 1] : '\0';
    if (next == '>' || std::isspace(static_cast<unsigned char>(next))) break;
    ++open;
  }
  if (open == std::string::npos) return false;
  const std::size_t start = xml.find('>', open);
  const std::size_t close = xml.find("</" + tag + ">", open);
  if (start == std::string::npos || close == std::string::npos || close < start) return false;
  text = trim(xml.substr(start + 1, close - start - 1));
  return true;
}

bool parseNumbers(const std::string& text, std::vector<double>& out) {
  out.clear();
  std::string token;
  std::stringstream ss(text);
  while (std::getline(ss, token, ',')) {
    token = trim(token);
    if (token.empty()) return false;
    char* end = nullptr;
    const double v = std::strtod(token.c_str(), &end);
    if (end == token.c_str() || *end != '\0' || !std::isfinite(v)) return false;
    out.push_back(v);
  }
  return true;
}

// The forms <SRS> takes. Anything else would reach PROJ's search of its database by object
// name, which takes seconds per string (found by the oblique_metadata fuzz target).
bool srsFormKnown(const std::string& srs) {
  if (srs.rfind("ENU:", 0) == 0 || srs.rfind("+proj", 0) == 0 || srs.rfind("proj=", 0) == 0) return true;
  if (srs.rfind("EPSG:", 0) == 0 && srs.size() > 5) {
    for (std::size_t i = 5; i < srs.size(); ++i)
      if (!std::isdigit(static_cast<unsigned char>(srs[i]))) return false;
    return true;
  }
  static const char* const kWktKeywords[] = {"PROJCS[",  "GEOGCS[",       "GEOCCS[",      "COMPD_CS[",
                                             "VERT_CS[", "LOCAL_CS[",     "PROJCRS[",     "GEOGCRS[",
                                             "GEODCRS[", "COMPOUNDCRS[",  "BOUNDCRS[",    "ENGCRS[",
                                             "VERTCRS[", "PROJECTEDCRS[", "GEODETICCRS[", "GEOGRAPHICCRS["};
  for (const char* keyword : kWktKeywords)
    if (srs.rfind(keyword, 0) == 0) return true;
  return false;
}

}  // namespace

core::Result<ObliqueMetadata> parseObliqueMetadata(const std::string& xmlText, const std::filesystem::path& file) {
  const std::string name = file.filename().string();
  const std::string xml = withoutComments(xmlText);
  ObliqueMetadata meta;
  meta.file = file;
  // A file cut short can still hold a complete <SRS> and lose what follows (the origin): without
  // its closing root tag nothing in it is trusted.
  if (xml.find("</ModelMetadata>") == std::string::npos)
    return core::fail(std::string(kWhere) + name +
                      ": no closing </ModelMetadata> (the file is truncated or not a metadata.xml)");
  if (!elementText(xml, "SRS", meta.srs) || meta.srs.empty())
    return core::fail(std::string(kWhere) + name + ": no <SRS> element (expected an EPSG code, WKT or ENU:lat,lon)");

  if (!srsFormKnown(meta.srs))
    return core::fail(std::string(kWhere) + name + ": <SRS> '" + meta.srs.substr(0, 40) +
                      (meta.srs.size() > 40 ? "..." : "") +
                      "': expected an EPSG code, WKT, a PROJ string or ENU:lat,lon");
  if (meta.srs.rfind("ENU:", 0) == 0) {
    std::vector<double> latLon;
    if (!parseNumbers(meta.srs.substr(4), latLon) || latLon.size() != 2)
      return core::fail(std::string(kWhere) + name + ": <SRS> '" + meta.srs + "': expected ENU:lat,lon");
    if (std::abs(latLon[0]) > 90 || std::abs(latLon[1]) > 180)
      return core::fail(std::string(kWhere) + name + ": <SRS> '" + meta.srs + "': latitude or longitude out of range");
    meta.kind = ObliqueSrsKind::Enu;
    meta.enuOrigin = {latLon[1], latLon[0]};
  }

  std::string originText;
  if (elementText(xml, "SRSOrigin", originText)) {
    std::vector<double> xyz;
    if (!parseNumbers(originText, xyz) || (xyz.size() != 3 && xyz.size() != 2))
      return core::fail(std::string(kWhere) + name + ": <SRSOrigin> '" + originText + "': expected x,y,z");
    meta.srsOrigin = {xyz[0], xyz[1], xyz.size() == 3 ? xyz[2] : 0.0};
  } else if (meta.kind == ObliqueSrsKind::Crs) {
    // Tiles in a projected SRS hold coordinates relative to <SRSOrigin>; reading its absence as
    // 0,0,0 put a model thousands of kilometres away. ENU productions carry their origin in <SRS>.
    return core::fail(std::string(kWhere) + name +
                      ": no <SRSOrigin> (a production in a projected SRS needs it to be placed)");
  }
  return meta;
}

core::Result<ObliqueMetadata> readObliqueMetadata(const std::filesystem::path& fileOrFolder) {
  std::error_code ec;
  const std::filesystem::path file =
      std::filesystem::is_directory(fileOrFolder, ec) ? fileOrFolder / "metadata.xml" : fileOrFolder;
  const std::string problem = core::fileReadProblem(file, core::kMetadataXmlLimit);
  if (problem == "file not found")
    return core::fail(std::string(kWhere) + file.string() +
                      ": cannot open (a production needs metadata.xml beside Data/)");
  auto text = core::readWholeFile(file, core::kMetadataXmlLimit, "geo::readObliqueMetadata()", file.string());
  if (!text) return text.error();
  return parseObliqueMetadata(text.value(), file);
}

core::Result<core::LonLat> obliqueOriginLonLat(const ObliqueMetadata& meta) {
  if (meta.kind == ObliqueSrsKind::Enu) return meta.enuOrigin;
  auto transform = Transform::create(meta.srs, "EPSG:4326");
  if (!transform)
    return core::fail("geo::obliqueOriginLonLat(): " + meta.file.filename().string() +
                      ": SRS not understood: " + transform.error().message);
  core::Vec3 p = meta.srsOrigin;
  if (!transform->forward(p))
    return core::fail("geo::obliqueOriginLonLat(): " + meta.file.filename().string() +
                      ": SRSOrigin cannot be transformed to WGS84");
  return core::LonLat{p.x, p.y};
}

}  // namespace twin::geo
