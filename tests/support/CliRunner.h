// Runs the `twin` command line inside the test process with std::cout / std::cerr captured.
#pragma once

#include <iostream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "twin/app/Cli.h"

namespace twin::test {

struct CliResult {
  int code = -1;
  std::string out, err;
};

inline CliResult runTwin(std::vector<std::string> args) {
  args.insert(args.begin(), "twin");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::ostringstream out, err;
  auto* oldOut = std::cout.rdbuf(out.rdbuf());
  auto* oldErr = std::cerr.rdbuf(err.rdbuf());
  CliResult r;
  r.code = app::runCli(static_cast<int>(args.size()), argv.data());
  std::cout.rdbuf(oldOut);
  std::cerr.rdbuf(oldErr);
  r.out = out.str();
  r.err = err.str();
  return r;
}

/** runTwin() for tests that need only the exit code and, optionally, what went to stderr. */
inline int runTwinCode(std::vector<std::string> args, std::string* err = nullptr) {
  CliResult r = runTwin(std::move(args));
  if (err) *err = r.err;
  return r.code;
}

}  // namespace twin::test
