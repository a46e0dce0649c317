// Coordinate transforms through PROJ. The only place (with geo/src) that knows PROJ exists.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "twin/core/Geometry.h"
#include "twin/core/Result.h"

namespace twin::geo {

/** A transform between two CRSs, each given as anything PROJ accepts ("EPSG:4326",
    "EPSG:4547", WKT, a "+proj=..." string) or the shorthand "wgs84" (= EPSG:4326) and
    "cgcs2000" (= EPSG:4490). Axis order is normalised for visualisation: longitude/easting
    first, whatever the CRS's official order. Degrees for geographic CRSs, metres otherwise.
    A Transform is not thread-safe; give each thread its own (clone()). */
class Transform {
 public:
  /** Error names the function and the CRS text PROJ did not understand. */
  static core::Result<Transform> create(const std::string& from, const std::string& to);

  Transform(Transform&&) noexcept;
  Transform& operator=(Transform&&) noexcept;
  ~Transform();

  /** Transforms one point; returns false (and leaves `p` unchanged) when PROJ fails or the
      result is not finite. */
  bool forward(core::Vec3& p) const;
  bool inverse(core::Vec3& p) const;
  /** Transforms `count` points in place in one PROJ call (the fast path for whole features).
      Points PROJ cannot transform become NaN in every component; returns how many did. */
  std::size_t forwardMany(core::Vec3* points, std::size_t count) const;
  core::Result<Transform> clone() const;

  const std::string& from() const;
  const std::string& to() const;

 private:
  struct Impl;
  explicit Transform(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> _impl;
};

/** Normalises a user CRS string: "wgs84" -> "EPSG:4326", "cgcs2000" -> "EPSG:4490". */
std::string canonicalCrs(const std::string& crs);

/** The horizontal part of a CRS: for a compound CRS (e.g. EPSG:7415 = RD New + NAP height) its
    first component as "EPSG:<code>" (or WKT when it has no EPSG code); any other CRS is returned
    as canonicalCrs() gives it. Error "geo::horizontalCrs(): unknown CRS '<text>': <PROJ's reason>".
    Thread-safe (its own PROJ context). */
core::Result<std::string> horizontalCrs(const std::string& crs);

}  // namespace twin::geo
