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

/** `v` as short as it reads: a whole number without decimals ("12"), else at most two decimals
    with trailing zeros dropped ("33.3", "0.25"). For figures already rounded to what they mean
    (indicator values on cards and in tables). Empty for NaN/Inf. */
inline std::string compactNumber(double v) {
  if (!std::isfinite(v)) return std::string();
  char buf[64];
  if (std::fabs(v - std::round(v)) < 1e-9)
    std::snprintf(buf, sizeof buf, "%.0f", v);
  else
    std::snprintf(buf, sizeof buf, "%.2f", v);
  std::string out = buf;
  if (out.find('.') != std::string::npos) {
    while (out.back() == '0') out.pop_back();
    if (out.back() == '.') out.pop_back();
  }
  return out;
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
