#include <catch2/catch.hpp>

#include <cstdlib>

#include "CliRunner.h"

using twin::test::runTwin;

namespace {
void parsePoint(const std::string& line, double& x, double& y) {
  char* end = nullptr;
  x = std::strtod(line.c_str(), &end);
  y = std::strtod(end, nullptr);
}
}  // namespace

TEST_CASE("twin crs converts a point", "[app]") {
  // cs2cs -f %.6f EPSG:4326 +to EPSG:4548 <<< "40.0033 116.3519 0" -> 4430096.653077 444658.698035
  auto r = runTwin({"crs", "--from", "wgs84", "--to", "EPSG:4548", "116.3519", "40.0033"});
  REQUIRE(r.code == twin::app::kExitOk);
  double x = 0, y = 0;
  parsePoint(r.out, x, y);
  CHECK(x == Approx(444658.698035).margin(1e-5));
  CHECK(y == Approx(4430096.653077).margin(1e-5));

  // coordtransform's published vector: wgs84togcj02(116.404, 39.915) = 116.41024449916938, 39.91640428150164
  r = runTwin({"crs", "--from=wgs84", "--to=gcj02", "116.404", "39.915"});
  REQUIRE(r.code == twin::app::kExitOk);
  CHECK(r.out == "116.410244499 39.916404282 0.0000\n");

  // Negative coordinates stay positionals; outside China GCJ-02 is the identity.
  r = runTwin({"crs", "--from", "gcj02", "--to", "wgs84", "-75.6", "40.04", "12.5"});
  REQUIRE(r.code == twin::app::kExitOk);
  CHECK(r.out == "-75.600000000 40.040000000 12.5000\n");
}

TEST_CASE("twin crs errors", "[app]") {
  auto r = runTwin({"crs", "--from", "wgs84", "116", "40"});
  CHECK(r.code == twin::app::kExitUsage);
  CHECK(r.err == "twin crs: --from and --to are required; see 'twin crs --help'\n");
  r = runTwin({"crs", "--from", "wgs84", "--to", "gcj02", "116"});
  CHECK(r.code == twin::app::kExitUsage);
  CHECK(r.err == "twin crs: expected X Y [Z], got 1 numbers; see 'twin crs --help'\n");
  r = runTwin({"crs", "--from", "wgs84", "--to", "gcj02", "116", "north"});
  CHECK(r.code == twin::app::kExitBadInput);
  CHECK(r.err == "twin crs: 'north' is not a finite number\n");
  r = runTwin({"crs", "--from", "wgs84", "--to", "EPSG:999999", "116", "40"});
  CHECK(r.code == twin::app::kExitBadInput);
  CHECK(r.err.rfind("twin crs: geo::convertPoint(): ", 0) == 0);
  r = runTwin({"crs", "--bogus"});
  CHECK(r.code == twin::app::kExitUsage);
  r = runTwin({"crs", "--help"});
  CHECK(r.code == twin::app::kExitOk);
  CHECK(r.out.rfind("usage: twin crs --from SYSTEM --to SYSTEM X Y [Z]", 0) == 0);
}
