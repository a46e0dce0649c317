// Generated grid cities for scale tests and benches: blocks of 4 x 4 buildings of varied size,
// height and use between streets, and POIs of every marker class. The same layout as an .osm file
// (through model::loadSite, the `twin` CLI) or as a model::Site made directly (scene tests).
#pragma once

#include <cstddef>
#include <filesystem>

#include "twin/core/Result.h"
#include "twin/model/Site.h"

namespace twin::test {

struct GeneratedCityOptions {
  std::size_t buildings = 1000;
  double poisPerBuilding = 0.38;  // about the ratio of the Qiantang OSM extract (7,655 / 20,055)
};

constexpr double kGeneratedCityLon = 120.15, kGeneratedCityLat = 30.28;  // its origin (Hangzhou)

/** Side of the square the city covers, metres from its origin to the north and east. */
double generatedCitySideMeters(std::size_t buildings);

/** Writes the city as OSM XML (buildings as closed ways with building and building:levels tags,
    streets as highway ways, POIs as tagged nodes, one in three named). Error names the file. */
core::Status writeGeneratedCityOsm(const std::filesystem::path& file, const GeneratedCityOptions& options);

/** The same city as a Site in a local frame with the origin at its south-west corner: buildings
    with footprints, heights and uses, POIs with category and kind; no roads. */
model::Site generatedCitySite(const GeneratedCityOptions& options);

}  // namespace twin::test
