#include "CliArgs.h"

#include <cmath>
#include <cstdlib>

#include <iostream>

#include "twin/app/Cli.h"

namespace twin::app {

CliArgs::CliArgs(std::string command, std::set<std::string> valueOptions, std::set<std::string> flags)
    : _command(std::move(command)), _valueOptions(std::move(valueOptions)), _flags(std::move(flags)) {}

bool CliArgs::parse(int argc, char** argv) {
  bool onlyPositionals = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (onlyPositionals || arg.size() < 2 || arg[0] != '-') {
      _positionals.push_back(arg);
      continue;
    }
    if (arg == "--") {
      onlyPositionals = true;
      continue;
    }
    std::optional<std::string> inlineValue;
    if (const auto eq = arg.find('='); eq != std::string::npos && arg.rfind("--", 0) == 0) {
      inlineValue = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
    }
    if (_flags.count(arg)) {
      if (inlineValue) {
        _error = "option '" + arg + "' takes no value";
        return false;
      }
      _flagsSet.insert(arg);
    } else if (_valueOptions.count(arg)) {
      if (inlineValue) {
        _values[arg] = *inlineValue;
      } else if (i + 1 < argc) {
        _values[arg] = argv[++i];
      } else {
        _error = "option '" + arg + "' needs a value";
        return false;
      }
    } else {
      _error = "unknown option '" + arg + "'";
      return false;
    }
  }
  return true;
}

std::optional<std::string> CliArgs::value(const std::string& name) const {
  auto it = _values.find(name);
  if (it == _values.end()) return std::nullopt;
  return it->second;
}

int CliArgs::usageError(const std::string& message) const {
  std::cerr << "twin " << _command << ": " << message << "; see 'twin " << _command << " --help'\n";
  return kExitUsage;
}

bool parsePositiveInt(const std::string& text, int& out) {
  if (text.empty() || text.size() > 10) return false;
  long long v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  if (v <= 0 || v > 1000000000LL) return false;
  out = int(v);
  return true;
}

bool parseSize(const std::string& text, int& width, int& height) {
  const auto x = text.find('x');
  if (x == std::string::npos) return false;
  int w = 0, h = 0;
  if (!parsePositiveInt(text.substr(0, x), w) || !parsePositiveInt(text.substr(x + 1), h)) return false;
  if (w < 16 || h < 16 || w > 8192 || h > 8192) return false;
  width = w;
  height = h;
  return true;
}

bool parseLonLat(const std::string& text, core::LonLat& out) {
  const auto comma = text.find(',');
  if (comma == std::string::npos || text.find(',', comma + 1) != std::string::npos) return false;
  const std::string lon = text.substr(0, comma), lat = text.substr(comma + 1);
  char* end = nullptr;
  const double x = std::strtod(lon.c_str(), &end);
  if (lon.empty() || *end != '\0') return false;
  const double y = std::strtod(lat.c_str(), &end);
  if (lat.empty() || *end != '\0') return false;
  if (!std::isfinite(x) || !std::isfinite(y) || std::abs(x) > 180 || std::abs(y) > 90) return false;
  out = {x, y};
  return true;
}

}  // namespace twin::app
