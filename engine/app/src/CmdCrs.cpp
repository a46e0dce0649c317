// `twin crs --from A --to B X Y [Z]`: converts one point and prints it.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "Commands.h"
#include "twin/app/Cli.h"
#include "twin/geo/PointConversion.h"

namespace twin::app {
namespace {

constexpr const char* kHelp =
    "usage: twin crs --from SYSTEM --to SYSTEM X Y [Z]\n"
    "\n"
    "Converts one point and prints \"X Y Z\". SYSTEM is wgs84, gcj02 (Gaode/AMap, Tencent),\n"
    "bd09 (Baidu), cgcs2000, or any CRS PROJ knows (EPSG:4548, WKT, +proj=...). Lon/lat in\n"
    "degrees, longitude first; projected coordinates easting first, in metres.\n"
    "GCJ-02 and BD-09 are the identity outside China; their inverses are exact (1e-9 deg).\n"
    "\n"
    "examples:\n"
    "  twin crs --from gcj02 --to wgs84 116.3583 40.0047\n"
    "  twin crs --from wgs84 --to EPSG:4548 116.3519 40.0033\n";

bool parseCoordinate(const std::string& text, double& out) {
  char* end = nullptr;
  out = std::strtod(text.c_str(), &end);
  return !text.empty() && end && *end == '\0' && std::isfinite(out);
}

}  // namespace

int cmdCrs(int argc, char** argv) {
  std::string from, to;
  std::vector<std::string> numbers;
  // Own parsing rather than option-style: negative coordinates ("-75.6") must stay positionals.
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      std::cout << kHelp;
      return kExitOk;
    }
    if (a == "--from" || a == "--to") {
      if (i + 1 >= argc) {
        std::cerr << "twin crs: " << a << " needs a value; see 'twin crs --help'\n";
        return kExitUsage;
      }
      (a == "--from" ? from : to) = argv[++i];
    } else if (a.rfind("--from=", 0) == 0) {
      from = a.substr(7);
    } else if (a.rfind("--to=", 0) == 0) {
      to = a.substr(5);
    } else if (a.size() > 1 && a[0] == '-' && !(std::isdigit(static_cast<unsigned char>(a[1])) || a[1] == '.')) {
      std::cerr << "twin crs: unknown option '" << a << "'; see 'twin crs --help'\n";
      return kExitUsage;
    } else {
      numbers.push_back(a);
    }
  }
  if (from.empty() || to.empty()) {
    std::cerr << "twin crs: --from and --to are required; see 'twin crs --help'\n";
    return kExitUsage;
  }
  if (numbers.size() != 2 && numbers.size() != 3) {
    std::cerr << "twin crs: expected X Y [Z], got " << numbers.size() << " numbers; see 'twin crs --help'\n";
    return kExitUsage;
  }
  double v[3] = {0, 0, 0};
  for (std::size_t i = 0; i < numbers.size(); ++i) {
    if (!parseCoordinate(numbers[i], v[i])) {
      std::cerr << "twin crs: '" << numbers[i] << "' is not a finite number\n";
      return kExitBadInput;
    }
  }
  const auto out = geo::convertPoint(from, to, core::Vec3{v[0], v[1], v[2]});
  if (!out) {
    std::cerr << "twin crs: " << out.error().message << '\n';
    return kExitBadInput;
  }
  char line[128];
  std::snprintf(line, sizeof line, "%.9f %.9f %.4f\n", out->x, out->y, out->z);
  std::cout << line;
  return kExitOk;
}

}  // namespace twin::app
