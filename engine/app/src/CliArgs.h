// Small option parser shared by the `twin` commands: "--name value", "--name=value", flags and
// positionals, with the usage-error messages every command prints the same way.
#pragma once

#include "twin/core/Geometry.h"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace twin::app {

class CliArgs {
 public:
  /** `valueOptions` take a value ("--size", "-o"); `flags` do not ("--json"). */
  CliArgs(std::string command, std::set<std::string> valueOptions, std::set<std::string> flags);

  /** Parses argv[1..]; false on a usage error, whose text error() gives. */
  bool parse(int argc, char** argv);
  const std::string& error() const { return _error; }

  bool has(const std::string& name) const { return _values.count(name) || _flagsSet.count(name); }
  std::optional<std::string> value(const std::string& name) const;
  const std::vector<std::string>& positionals() const { return _positionals; }

  /** Prints "twin <command>: <message>; see 'twin <command> --help'" to stderr; returns kExitUsage. */
  int usageError(const std::string& message) const;

 private:
  std::string _command;
  std::set<std::string> _valueOptions, _flags;
  std::map<std::string, std::string> _values;
  std::set<std::string> _flagsSet;
  std::vector<std::string> _positionals;
  std::string _error;
};

/** Parses "WIDTHxHEIGHT" with both in [16, 8192]. */
bool parseSize(const std::string& text, int& width, int& height);
/** Parses a whole positive decimal integer (no sign, no suffix) up to 1e9. */
bool parsePositiveInt(const std::string& text, int& out);
/** "LON,LAT" in degrees (finite, |lon| <= 180, |lat| <= 90). */
bool parseLonLat(const std::string& text, core::LonLat& out);

}  // namespace twin::app
