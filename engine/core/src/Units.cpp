#include "twin/core/Units.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <string>

namespace twin::core {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Reads a leading unsigned decimal number ("12", "3.5", "3,5", ".5"); advances `s`.
std::optional<double> takeNumber(std::string_view& s) {
  std::string digits;
  std::size_t i = 0;
  bool seenDigit = false, seenPoint = false;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (std::isdigit(static_cast<unsigned char>(c))) {
      digits += c;
      seenDigit = true;
    } else if ((c == '.' || c == ',') && !seenPoint && i + 1 < s.size() &&
               std::isdigit(static_cast<unsigned char>(s[i + 1]))) {
      digits += '.';
      seenPoint = true;
    } else {
      break;
    }
  }
  if (!seenDigit) return std::nullopt;
  s.remove_prefix(i);
  return std::strtod(digits.c_str(), nullptr);
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The first element of "a;b" or "a-b" (a range), keeping a leading minus sign out of it.
std::string_view firstOfList(std::string_view s) {
  const std::size_t semi = s.find(';');
  if (semi != std::string_view::npos) s = s.substr(0, semi);
  const std::size_t dash = s.find('-', 1);
  if (dash != std::string_view::npos) s = s.substr(0, dash);
  return trim(s);
}

}  // namespace

std::optional<double> parseLengthMeters(std::string_view text) {
  std::string_view s = firstOfList(trim(text));
  if (!s.empty() && s.front() == '~') s = trim(s.substr(1));
  if (s.size() > 3 && lower(s.substr(0, 3)) == "ca.") s = trim(s.substr(3));
  bool negative = false;
  if (!s.empty() && s.front() == '-') {
    negative = true;
    s.remove_prefix(1);
  }
  std::optional<double> value = takeNumber(s);
  if (!value) return std::nullopt;
  s = trim(s);
  double metres = 0;
  if (!s.empty() && s.front() == '\'') {
    // Feet, then optional inches: 12'6"
    metres = *value * 0.3048;
    s = trim(s.substr(1));
    if (!s.empty()) {
      std::optional<double> inches = takeNumber(s);
      if (!inches) return std::nullopt;
      s = trim(s);
      if (s != "\"" && s != "in") return std::nullopt;
      metres += *inches * 0.0254;
    }
  } else {
    const std::string unit = lower(s);
    double scale = 0;
    if (unit.empty() || unit == "m" || unit == "metre" || unit == "metres" || unit == "meter" || unit == "meters")
      scale = 1;
    else if (unit == "km")
      scale = 1000;
    else if (unit == "cm")
      scale = 0.01;
    else if (unit == "mm")
      scale = 0.001;
    else if (unit == "ft" || unit == "feet" || unit == "foot")
      scale = 0.3048;
    else if (unit == "in" || unit == "\"" || unit == "inch" || unit == "inches")
      scale = 0.0254;
    else if (unit == "米")
      scale = 1;
    else
      return std::nullopt;
    metres = *value * scale;
  }
  if (negative) metres = -metres;
  if (!std::isfinite(metres)) return std::nullopt;
  return metres;
}

std::optional<double> parseNumber(std::string_view text) {
  std::string_view s = trim(text);
  const std::size_t semi = s.find(';');
  if (semi != std::string_view::npos) s = trim(s.substr(0, semi));
  bool negative = false;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  std::optional<double> value = takeNumber(s);
  if (!value || !trim(s).empty()) return std::nullopt;
  const double v = negative ? -*value : *value;
  if (!std::isfinite(v)) return std::nullopt;
  return v;
}

}  // namespace twin::core
