// Number and CSV field formatting shared by the analysis outputs and the CLI's tables and files.
#pragma once

#include <cmath>
#include <cstdio>
#include <string>

namespace twin::core {

/** `v` with `decimals` digits after the point; empty for NaN/Inf (an empty CSV cell). */
inline std::string fixed(double v, int decimals) {
  if (!std::isfinite(v)) return std::string();
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

/** A CSV field, quoted (RFC 4180) when it holds a comma, quote or line break. */
inline std::string csvField(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace twin::core
