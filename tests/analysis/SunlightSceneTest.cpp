// Sunlight on the real Beijing scene (六道口, 40.0 N): properties every sample must have.
#include <catch2/catch.hpp>

#include <cmath>

#include "TestPaths.h"
#include "twin/analysis/Sunlight.h"
#include "twin/model/SiteLoader.h"

using namespace twin;

TEST_CASE("Beijing: sunlight on 大寒日 obeys the sun's limits at every window", "[analysis][sunlight][slow]") {
  auto config = model::loadSceneConfig(test::scenesDir() / "beijing-liudaokou.json");
  REQUIRE(config.ok());
  auto site = model::loadSite(*config);
  REQUIRE(site.ok());
  analysis::WindowSampleOptions options;
  options.storeyMeters = config->heights.storeyMeters;
  const auto samples = analysis::windowSamples(*site, options);
  REQUIRE(samples.size() > 1000);
  const auto steps = analysis::sunSteps(site->frame.origin(), {2026, 1, 20}, 8, 16);
  REQUIRE(steps.size() == 480);
  // The sun's azimuth over the window: about 127 to 233 degrees at 40 N.
  double lowest = 360, highest = 0;
  for (const auto& s : steps) {
    const double az = std::atan2(s.direction.x, s.direction.y) * 180 / 3.14159265358979323846 + 360;
    lowest = std::min(lowest, std::fmod(az, 360.0));
    highest = std::max(highest, std::fmod(az, 360.0));
  }
  CHECK(lowest == Approx(127).margin(3));
  CHECK(highest == Approx(233).margin(3));
  auto scene = analysis::SunlightScene::build(*site, {}, true);
  REQUIRE(scene);
  analysis::SunlightStats stats;
  const auto counts = analysis::sunlightMinutes(*scene, samples, steps, 0, &stats);
  REQUIRE(counts.size() == samples.size());
  std::size_t facingAway = 0, shadedSouth = 0, openSouth = 0;
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const double wall = samples[i].wallAzimuthDegrees;
    const analysis::SunlightCount& c = counts[i];
    CHECK(c.sunMinutes >= 0);
    CHECK(c.sunMinutes <= 480);
    CHECK(c.longestRunMinutes <= c.sunMinutes);
    // A wall more than 90 degrees from every sun azimuth of the window never sees the sun.
    const auto apart = [&](double az) { return std::abs(std::fmod(wall - az + 540.0, 360.0) - 180.0); };
    if (apart(lowest) >= 90 && apart(highest) >= 90 && apart(180) >= 90) {
      ++facingAway;
      CHECK(c.sunMinutes == 0);
    }
    if (std::abs(wall - 180) < 10) (c.sunMinutes == 480 ? openSouth : shadedSouth) += 1;
  }
  CHECK(facingAway > 100);
  // Among south-facing windows of a real campus, some see the whole window and some are shaded.
  CHECK(openSouth > 0);
  CHECK(shadedSouth > 0);
  CHECK(stats.rays > 0);
}
