#include "twin/analysis/Sunlight.h"

#include <algorithm>
#include <map>
#include <atomic>
#include <chrono>
#include <cmath>
#include <limits>
#include <mutex>
#include <thread>

#include <embree3/rtcore.h>

#include "twin/core/Assert.h"

namespace twin::analysis {
namespace {

constexpr double kPi = 3.14159265358979323846;

int storeyCount(const model::Building& b, double storeyMeters) {
  if (b.levels >= 0.5) return std::max(1, static_cast<int>(std::lround(b.levels)));
  const double span = b.heightMeters - b.minHeightMeters;
  return std::max(1, static_cast<int>(std::lround(span / storeyMeters)));
}

void addRingSamples(const core::Ring& ring, std::size_t index, const model::Building& b, const WindowSampleOptions& o,
                    std::vector<WindowSample>& out) {
  if (ring.size() < 3) return;
  // "Outward" is away from the building's material: outside an outer ring, into the courtyard of
  // a hole. The interior of a ring lies left of its edges when counter-clockwise, right when
  // clockwise; the winding is read from the signed area rather than assumed.
  const double sign = core::signedArea(ring) >= 0 ? 1.0 : -1.0;
  const bool hole = &ring != &b.footprint.outer;
  const double side = hole ? -sign : sign;
  const int storeys = storeyCount(b, o.storeyMeters);
  const double storey = (b.heightMeters - b.minHeightMeters) / storeys;
  for (std::size_t i = 0; i < ring.size(); ++i) {
    const core::Vec2 a = ring[i], c = ring[(i + 1) % ring.size()];
    const double dx = c.x - a.x, dy = c.y - a.y;
    const double length = std::hypot(dx, dy);
    if (!(length >= o.minWallMeters)) continue;
    const core::Vec2 normal{side * dy / length, -side * dx / length};
    double azimuth = std::atan2(normal.x, normal.y) * 180 / kPi;
    if (azimuth < 0) azimuth += 360;
    const int n = std::max(1, static_cast<int>(std::lround(length / o.spacingMeters)));
    for (int k = 0; k < n; ++k) {
      const double f = (k + 0.5) / n;
      const core::Vec2 p{a.x + dx * f + normal.x * o.offsetMeters, a.y + dy * f + normal.y * o.offsetMeters};
      for (int s = 1; s <= storeys; ++s) {
        WindowSample w;
        w.building = index;
        w.floor = s;
        w.wallAzimuthDegrees = azimuth;
        w.position = p;
        w.normal = normal;
        w.heightMeters = b.minHeightMeters + (s - 1) * storey + o.sillMeters;
        w.z = b.baseElevationMeters + w.heightMeters;
        out.push_back(w);
      }
    }
  }
}

}  // namespace

std::vector<WindowSample> windowSamples(const model::Site& site, const WindowSampleOptions& options) {
  TWIN_ASSERT(options.spacingMeters > 0, "analysis::windowSamples(): spacingMeters must be > 0");
  TWIN_ASSERT(options.storeyMeters > 0, "analysis::windowSamples(): storeyMeters must be > 0");
  std::vector<WindowSample> out;
  for (std::size_t i = 0; i < site.buildings.size(); ++i) {
    const model::Building& b = site.buildings[i];
    if (b.use != model::BuildingUse::Residential || !(b.heightMeters > b.minHeightMeters)) continue;
    addRingSamples(b.footprint.outer, i, b, options, out);
    for (const core::Ring& hole : b.footprint.holes) addRingSamples(hole, i, b, options, out);
  }
  return out;
}

std::vector<SunStep> sunSteps(core::LonLat site, geo::CivilDate date, double startHours, double endHours) {
  TWIN_ASSERT(startHours >= 0 && startHours < endHours && endHours <= 24,
              "analysis::sunSteps(): the window must satisfy 0 <= start < end <= 24");
  const double start = geo::utcOfTrueSolarTime(date, site.lon, startHours);
  const double end = geo::utcOfTrueSolarTime(date, site.lon, endHours);
  // True solar minutes are mean minutes to within a few parts per million (the equation of time
  // drifts by < 30 s a day), so the window is cut into whole steps of its own length.
  const int minutes = static_cast<int>(std::lround((endHours - startHours) * 60));
  std::vector<SunStep> steps;
  steps.reserve(static_cast<std::size_t>(minutes));
  for (int m = 0; m < minutes; ++m) {
    SunStep s;
    s.utcSeconds = start + (end - start) * (m + 0.5) / minutes;
    const geo::SunPosition p = geo::sunPosition(site, s.utcSeconds);
    const double az = p.azimuthDegrees * kPi / 180, alt = p.altitudeDegrees * kPi / 180;
    s.direction = {std::sin(az) * std::cos(alt), std::cos(az) * std::cos(alt), std::sin(alt)};
    s.altitudeDegrees = p.altitudeDegrees;
    steps.push_back(s);
  }
  return steps;
}

struct SunlightScene::Impl {
  RTCDevice device = nullptr;
  RTCScene scene = nullptr;
  std::size_t triangles = 0;
  float topZ = -std::numeric_limits<float>::infinity();  // highest vertex of any occluder
  ~Impl() {
    if (scene) rtcReleaseScene(scene);
    if (device) rtcReleaseDevice(device);
  }
};

SunlightScene::SunlightScene() = default;
SunlightScene::~SunlightScene() = default;
SunlightScene::SunlightScene(SunlightScene&&) noexcept = default;
SunlightScene& SunlightScene::operator=(SunlightScene&&) noexcept = default;

std::size_t SunlightScene::triangles() const { return _impl ? _impl->triangles : 0; }

namespace {

struct Mesh {
  std::vector<float> vertices;    // x, y, z
  std::vector<unsigned> indices;  // three per triangle
  void wallsOf(const core::Ring& ring, double bottom, double top) {
    for (std::size_t i = 0; i < ring.size(); ++i) {
      const core::Vec2 a = ring[i], b = ring[(i + 1) % ring.size()];
      const auto base = static_cast<unsigned>(vertices.size() / 3);
      for (const auto& [p, z] : {std::pair{a, bottom}, std::pair{b, bottom}, std::pair{b, top}, std::pair{a, top}}) {
        vertices.push_back(static_cast<float>(p.x));
        vertices.push_back(static_cast<float>(p.y));
        vertices.push_back(static_cast<float>(z));
      }
      indices.insert(indices.end(), {base, base + 1, base + 2, base, base + 2, base + 3});
    }
  }
  void volume(const core::Polygon& footprint, double bottom, double top) {
    if (!(top > bottom) || !std::isfinite(bottom) || !std::isfinite(top)) return;
    if (footprint.outer.size() >= 3) wallsOf(footprint.outer, bottom, top);
    for (const core::Ring& hole : footprint.holes)
      if (hole.size() >= 3) wallsOf(hole, bottom, top);
  }
};

std::string embreeError(RTCDevice device) {
  switch (device ? rtcGetDeviceError(device) : RTC_ERROR_UNKNOWN) {
    case RTC_ERROR_OUT_OF_MEMORY: return "out of memory";
    case RTC_ERROR_UNSUPPORTED_CPU: return "unsupported CPU";
    case RTC_ERROR_INVALID_ARGUMENT: return "invalid argument";
    default: return "cannot create the device";
  }
}

}  // namespace

core::Result<SunlightScene> SunlightScene::build(const model::Site& site, const std::vector<ExtraVolume>& extra,
                                                 bool withTerrain) {
  Mesh mesh;
  for (const model::Building& b : site.buildings)
    if (b.partCount == 0)
      mesh.volume(b.footprint, b.baseElevationMeters + b.minHeightMeters, b.baseElevationMeters + b.heightMeters);
  for (const model::Building& part : site.buildingParts)
    mesh.volume(part.footprint, part.baseElevationMeters + part.minHeightMeters,
                part.baseElevationMeters + part.heightMeters);
  for (const ExtraVolume& v : extra) mesh.volume(v.footprint, v.baseMeters, v.baseMeters + v.heightMeters);
  if (withTerrain && site.terrain && !site.terrain->empty()) {
    const geo::Heightfield& t = *site.terrain;
    const auto first = static_cast<unsigned>(mesh.vertices.size() / 3);
    for (int r = 0; r < t.rows; ++r)
      for (int c = 0; c < t.columns; ++c) {
        mesh.vertices.push_back(static_cast<float>(t.originMeters.x + c * t.spacingMeters));
        mesh.vertices.push_back(static_cast<float>(t.originMeters.y + r * t.spacingMeters));
        mesh.vertices.push_back(static_cast<float>(t.sample(c, r)));
      }
    for (int r = 0; r + 1 < t.rows; ++r)
      for (int c = 0; c + 1 < t.columns; ++c) {
        const unsigned a = first + static_cast<unsigned>(r * t.columns + c), b = a + 1,
                       d = a + static_cast<unsigned>(t.columns), e = d + 1;
        mesh.indices.insert(mesh.indices.end(), {a, b, e, a, e, d});
      }
  }

  SunlightScene out;
  out._impl = std::make_unique<Impl>();
  Impl& impl = *out._impl;
  impl.device = rtcNewDevice(nullptr);
  if (!impl.device) return core::fail("analysis::SunlightScene::build(): Embree: " + embreeError(nullptr));
  impl.scene = rtcNewScene(impl.device);
  rtcSetSceneBuildQuality(impl.scene, RTC_BUILD_QUALITY_HIGH);
  impl.triangles = mesh.indices.size() / 3;
  if (impl.triangles > 0) {
    RTCGeometry geometry = rtcNewGeometry(impl.device, RTC_GEOMETRY_TYPE_TRIANGLE);
    auto* v = static_cast<float*>(rtcSetNewGeometryBuffer(geometry, RTC_BUFFER_TYPE_VERTEX, 0, RTC_FORMAT_FLOAT3,
                                                          3 * sizeof(float), mesh.vertices.size() / 3));
    auto* ix = static_cast<unsigned*>(rtcSetNewGeometryBuffer(geometry, RTC_BUFFER_TYPE_INDEX, 0, RTC_FORMAT_UINT3,
                                                              3 * sizeof(unsigned), impl.triangles));
    if (!v || !ix) {
      rtcReleaseGeometry(geometry);
      return core::fail("analysis::SunlightScene::build(): Embree: " + embreeError(impl.device));
    }
    std::copy(mesh.vertices.begin(), mesh.vertices.end(), v);
    for (std::size_t k = 2; k < mesh.vertices.size(); k += 3) impl.topZ = std::max(impl.topZ, mesh.vertices[k]);
    std::copy(mesh.indices.begin(), mesh.indices.end(), ix);
    rtcCommitGeometry(geometry);
    rtcAttachGeometry(impl.scene, geometry);
    rtcReleaseGeometry(geometry);
  }
  rtcCommitScene(impl.scene);
  if (rtcGetDeviceError(impl.device) != RTC_ERROR_NONE)
    return core::fail("analysis::SunlightScene::build(): Embree: " + embreeError(impl.device));
  return out;
}

bool SunlightScene::occluded(const core::Vec3& origin, const core::Vec3& direction) const {
  if (!_impl || _impl->triangles == 0) return false;
  RTCIntersectContext context;
  rtcInitIntersectContext(&context);
  RTCRay ray{};
  ray.org_x = static_cast<float>(origin.x);
  ray.org_y = static_cast<float>(origin.y);
  ray.org_z = static_cast<float>(origin.z);
  ray.dir_x = static_cast<float>(direction.x);
  ray.dir_y = static_cast<float>(direction.y);
  ray.dir_z = static_cast<float>(direction.z);
  ray.tnear = 0;
  ray.tfar = std::numeric_limits<float>::infinity();
  ray.mask = 0xFFFFFFFFu;
  rtcOccluded1(_impl->scene, &context, &ray);
  // Embree marks an occluded ray by setting tfar to -inf.
  return ray.tfar < 0;
}

std::size_t SunlightScene::occludedMany(const core::Vec3& origin, const core::Vec3* directions, std::size_t count,
                                        unsigned char* out) const {
  std::fill(out, out + count, static_cast<unsigned char>(0));
  if (!_impl || _impl->triangles == 0 || origin.z >= _impl->topZ) return 0;
  // Packets of 16 rays from one origin toward neighbouring sun positions are coherent: Embree
  // traverses them together (AVX-512 where the CPU has it, split into narrower packets otherwise).
  RTCIntersectContext context;
  rtcInitIntersectContext(&context);
  context.flags = RTC_INTERSECT_CONTEXT_FLAG_COHERENT;
  for (std::size_t first = 0; first < count; first += 16) {
    const std::size_t n = std::min<std::size_t>(16, count - first);
    alignas(64) int valid[16];
    alignas(64) RTCRay16 rays;
    for (std::size_t k = 0; k < 16; ++k) {
      const core::Vec3& d = directions[first + std::min(k, n - 1)];
      valid[k] = k < n ? -1 : 0;
      rays.org_x[k] = static_cast<float>(origin.x);
      rays.org_y[k] = static_cast<float>(origin.y);
      rays.org_z[k] = static_cast<float>(origin.z);
      rays.dir_x[k] = static_cast<float>(d.x);
      rays.dir_y[k] = static_cast<float>(d.y);
      rays.dir_z[k] = static_cast<float>(d.z);
      rays.tnear[k] = 0;
      rays.tfar[k] = std::numeric_limits<float>::infinity();
      rays.time[k] = 0;
      rays.mask[k] = 0xFFFFFFFFu;
      rays.id[k] = static_cast<unsigned>(k);
      rays.flags[k] = 0;
    }
    rtcOccluded16(valid, _impl->scene, &context, &rays);
    for (std::size_t k = 0; k < n; ++k) out[first + k] = rays.tfar[k] < 0 ? 1 : 0;
  }
  return count;
}

std::vector<SunlightCount> sunlightMinutes(const SunlightScene& scene, const std::vector<WindowSample>& samples,
                                           const std::vector<SunStep>& steps, int minRunMinutes, SunlightStats* stats,
                                           const core::ProgressFn& progress) {
  const auto started = std::chrono::steady_clock::now();
  std::vector<SunlightCount> out(samples.size());
  std::atomic<std::size_t> next{0}, done{0}, rays{0};
  std::mutex progressMutex;
  constexpr std::size_t kChunk = 64;
  const auto work = [&] {
    std::size_t localRays = 0;
    std::vector<std::size_t> candidates;
    std::vector<core::Vec3> directions;
    std::vector<unsigned char> hidden, lit;
    for (;;) {
      const std::size_t begin = next.fetch_add(kChunk);
      if (begin >= samples.size()) break;
      const std::size_t end = std::min(samples.size(), begin + kChunk);
      for (std::size_t i = begin; i < end; ++i) {
        const WindowSample& w = samples[i];
        // The steps at which the sun is above the horizon and in front of the wall (its
        // horizontal direction within 90 degrees of the outward normal): only those need a ray.
        candidates.clear();
        directions.clear();
        for (std::size_t k = 0; k < steps.size(); ++k) {
          const SunStep& s = steps[k];
          if (s.altitudeDegrees > 0 && s.direction.x * w.normal.x + s.direction.y * w.normal.y > 0) {
            candidates.push_back(k);
            directions.push_back(s.direction);
          }
        }
        hidden.resize(candidates.size());
        localRays +=
            scene.occludedMany({w.position.x, w.position.y, w.z}, directions.data(), directions.size(), hidden.data());
        lit.assign(steps.size(), 0);
        for (std::size_t c = 0; c < candidates.size(); ++c) lit[candidates[c]] = !hidden[c];
        int run = 0, total = 0, longest = 0;
        const auto closeRun = [&] {
          if (run >= std::max(1, minRunMinutes)) total += run;
          longest = std::max(longest, run);
          run = 0;
        };
        for (std::size_t k = 0; k < steps.size(); ++k) {
          if (lit[k])
            ++run;
          else if (run)
            closeRun();
        }
        closeRun();
        out[i] = {total, longest};
      }
      const std::size_t finished = done.fetch_add(end - begin) + (end - begin);
      if (progress) {
        std::lock_guard<std::mutex> lock(progressMutex);
        progress("sunlight", static_cast<double>(finished) / samples.size());
      }
    }
    rays += localRays;
  };
  const unsigned threads = std::max(1u, std::min(16u, std::thread::hardware_concurrency()));
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
  if (stats) {
    stats->rays = rays;
    stats->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  }
  return out;
}

SunlightTally tallySunlight(const std::vector<WindowSample>& samples, const std::vector<bool>& pass) {
  SunlightTally t;
  std::map<std::pair<std::size_t, int>, bool> storeys;
  for (std::size_t i = 0; i < samples.size() && i < pass.size(); ++i) {
    ++t.windows;
    t.windowsPass += pass[i];
    bool& s = storeys[{samples[i].building, samples[i].floor}];
    s = s || pass[i];
  }
  std::map<std::size_t, bool> buildings;
  for (const auto& [key, ok] : storeys) {
    ++t.storeys;
    t.storeysPass += ok;
    auto it = buildings.emplace(key.first, true).first;
    it->second = it->second && ok;
  }
  for (const auto& [b, ok] : buildings) {
    ++t.buildings;
    t.buildingsPass += ok;
  }
  return t;
}

}  // namespace twin::analysis
