// The site's local metric frame: x east, y north, z up, metres, origin at the site origin.
#pragma once

#include <memory>
#include <string>

#include "twin/core/Geometry.h"
#include "twin/core/Result.h"
#include "twin/geo/Transform.h"

namespace twin::geo {

/** Maps WGS84 and source CRSs into the local frame and back.
    - frameCrs "local-tm" (default): a transverse Mercator on WGS84 centred on the origin
      (+proj=tmerc +lat_0=<lat> +lon_0=<lon> +k=1 +x_0=0 +y_0=0 +datum=WGS84), so local
      coordinates are true ground metres near the site.
    - frameCrs a projected CRS ("EPSG:4547", WKT, "+proj=..."): coordinates in that CRS with the
      origin's projected coordinates subtracted.
    A default-constructed frame is invalid (valid() false): conversions give NaN.
    Copyable (shares immutable state); the conversion functions are thread-safe (they take
    turns on one PROJ object: give hot loops their own transformFrom()). */
class SiteFrame {
 public:
  /** Error when the origin is not a finite lon/lat in range, the frame CRS is unknown to PROJ,
      or the origin lies outside the frame CRS's domain. */
  static core::Result<SiteFrame> create(core::LonLat origin, const std::string& frameCrs = "local-tm");
  bool valid() const;

  core::LonLat origin() const;
  const std::string& frameCrs() const;         // as given ("local-tm", "EPSG:4547", ...)
  const std::string& frameProjString() const;  // the PROJ definition actually used
  core::Vec3 originProjected() const;          // origin in the frame CRS (zero for local-tm)

  /** WGS84 lon/lat -> local metres. NaN components when PROJ fails. */
  core::Vec2 toLocal(core::LonLat p) const;
  /** Local metres -> WGS84 lon/lat. */
  core::LonLat toLonLat(core::Vec2 p) const;

  /** A transform from a source CRS to the frame CRS (not yet origin-subtracted); use
      projectedToLocal() afterwards. Error when PROJ does not know the source CRS. */
  core::Result<Transform> transformFrom(const std::string& sourceCrs) const;
  core::Vec2 projectedToLocal(const core::Vec3& projected) const;

 private:
  struct State;
  std::shared_ptr<const State> _state;
};

}  // namespace twin::geo
