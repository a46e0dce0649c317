// Sunlight hours (日照时数) at the windows of residential buildings: window samples on every outer
// wall of every storey, sun positions at one-minute steps in a true-solar-time window, and shadow
// rays against a BVH (Embree) of every building volume and the terrain.
//
//   windowSamples()  -> where the windows are (geometry only)
//   sunSteps()       -> the sun's direction at each minute of the window (geo::sunPosition)
//   SunlightScene    -> the occluders: extruded footprints (building:part volumes instead of an
//                       outline that has parts), extra proposed buildings, terrain triangles
//   sunlightMinutes()-> per sample: minutes of sun and the longest unbroken run
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "twin/core/Geometry.h"
#include "twin/core/Progress.h"
#include "twin/core/Result.h"
#include "twin/geo/SunPosition.h"
#include "twin/model/Site.h"

namespace twin::analysis {

struct WindowSampleOptions {
  double spacingMeters = 3;   // distance between samples along a wall, > 0
  double sillMeters = 0.9;    // window sill above the storey's floor (窗台面)
  double offsetMeters = 0.1;  // samples sit this far outside the wall, so the wall itself does not shade them
  double storeyMeters = 3;    // height rule when a building has no building:levels (HeightRules::storeyMeters)
  double minWallMeters = 1;   // shorter wall segments (curve vertices) get no sample
};

/** One window position. */
struct WindowSample {
  std::size_t building = 0;       // index into Site::buildings
  int floor = 1;                  // storey, 1 = the ground storey
  double wallAzimuthDegrees = 0;  // direction the wall faces (its outward normal), 0 = north, clockwise
  core::Vec2 position;            // local metres, offsetMeters outside the wall
  core::Vec2 normal;              // unit outward normal of the wall, local frame
  double heightMeters = 0;        // sill height above the building's base
  double z = 0;                   // absolute: base elevation + heightMeters
};

/** Samples on every wall (outer ring and courtyard rings) of every residential building
    (BuildingUse::Residential), every storey. Storeys: round(building:levels) when tagged, else
    round(height / storeyMeters), at least 1; each storey is (height - min_height) / storeys tall and
    storey k's floor lies at min_height + (k-1) x that. Along a wall of length L: n = max(1,
    round(L / spacing)) samples at the centres of n equal parts. Ring orientation is taken from the
    signed area, so a ring of either winding gets outward normals. TWIN_ASSERT on spacing <= 0. */
std::vector<WindowSample> windowSamples(const model::Site& site, const WindowSampleOptions& options);

/** The sun at one step: a unit vector toward it in the local frame (x east, y north, z up) and
    its altitude. */
struct SunStep {
  double utcSeconds = 0;
  core::Vec3 direction;
  double altitudeDegrees = 0;
};

/** The sun for each minute of [startHours, endHours) true solar time on `date` at `site`: one step
    at the middle of each minute (so a window of 8-16 gives 480 steps, each standing for one
    minute). One position for the whole site: over 2 km the sun's direction differs by < 0.02
    degree. The local frame's grid north is taken as true north (the site frame is a transverse
    Mercator centred on the site). TWIN_ASSERT unless 0 <= start < end <= 24. */
std::vector<SunStep> sunSteps(core::LonLat site, geo::CivilDate date, double startHours, double endHours);

/** A building volume that is not in the site: a proposed building of a scenario. */
struct ExtraVolume {
  core::Polygon footprint;  // local metres
  double baseMeters = 0;    // absolute elevation of its base
  double heightMeters = 0;  // above the base, > 0
};

/** The shadow casters, as an Embree BVH. Move-only; queries are thread-safe. */
class SunlightScene {
 public:
  SunlightScene();
  ~SunlightScene();
  SunlightScene(SunlightScene&&) noexcept;
  SunlightScene& operator=(SunlightScene&&) noexcept;

  /** Every building of `site` (its building:part volumes instead, when it has any), every
      `extra` volume, and the terrain (two triangles per grid cell) when `withTerrain` and the
      site has one. Walls only: sun rays rise, so they enter a volume through a wall (the
      underside of a raised part is not modelled). Error "analysis::SunlightScene::build():
      Embree: <reason>" when Embree cannot create its device or scene. */
  static core::Result<SunlightScene> build(const model::Site& site, const std::vector<ExtraVolume>& extra,
                                           bool withTerrain);

  std::size_t triangles() const;
  /** True when the ray from `origin` toward `direction` (unit) hits any occluder. */
  bool occluded(const core::Vec3& origin, const core::Vec3& direction) const;
  /** occluded() for `count` directions from one origin, in packets of 16 rays; writes one flag
      (1 = occluded) per direction into `out`. Returns the number of rays cast: 0 when the origin
      lies above every occluder's top and no rising ray can be hit (directions must point up). */
  std::size_t occludedMany(const core::Vec3& origin, const core::Vec3* directions, std::size_t count,
                           unsigned char* out) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> _impl;
};

/** Minutes of sun at one window. */
struct SunlightCount {
  int sunMinutes = 0;         // minutes counted (runs shorter than minRunMinutes left out)
  int longestRunMinutes = 0;  // the longest unbroken run of sunny minutes
};

struct SunlightStats {
  std::size_t rays = 0;  // shadow rays cast: minutes with the sun up and in front of the wall, at
                         // samples below the highest occluder (above it nothing can shade them)
  double seconds = 0;    // wall time of the ray casting
};

/** For each sample: the minutes of `steps` at which the sun is above the horizon, in front of the
    wall (angle between the sun's azimuth and the wall normal < 90 degrees) and not hidden by any
    occluder. With minRunMinutes > 0, only unbroken runs at least that long count (local rules
    that ignore short gaps of sun; GB 50180 itself counts every minute: 0). Runs on all hardware
    threads; `progress` is called with stage "sunlight" (serialised, from the worker threads). */
std::vector<SunlightCount> sunlightMinutes(const SunlightScene& scene, const std::vector<WindowSample>& samples,
                                           const std::vector<SunStep>& steps, int minRunMinutes = 0,
                                           SunlightStats* stats = nullptr, const core::ProgressFn& progress = {});

/** Pass counts of windows, storeys and buildings. A storey passes when one of its windows does (a
    stand-in for a dwelling, whose rooms the data do not give); a building when every storey does. */
struct SunlightTally {
  std::size_t windows = 0, windowsPass = 0, storeys = 0, storeysPass = 0, buildings = 0, buildingsPass = 0;
};

/** Tallies `pass` (one flag per sample, same order; extra flags or samples are ignored). */
SunlightTally tallySunlight(const std::vector<WindowSample>& samples, const std::vector<bool>& pass);

}  // namespace twin::analysis
