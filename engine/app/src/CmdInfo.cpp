#include <iostream>

#include "CliArgs.h"
#include "Commands.h"
#include "twin/app/Cli.h"
#include "twin/app/ModelInfo.h"
#include "twin/app/SceneLoading.h"
#include "twin/app/SiteInfo.h"

namespace twin::app {

int cmdInfo(int argc, char** argv) {
  CliArgs args("info", {"--model", "--crs"}, {"--json"});
  if (!args.parse(argc, argv)) return args.usageError(args.error());
  if (auto model = args.value("--model")) {
    if (!args.positionals().empty())
      return args.usageError("unexpected argument '" + args.positionals()[0] + "' with --model");
    ModelInfoOptions options;
    options.crs = args.value("--crs");
    options.json = args.has("--json");
    core::Diagnostics problems;
    options.problems = &problems;
    auto text = describeModel(*model, options);
    // Damaged tiles and records are on stdout in the description; stderr gets them too, so that
    // a script that only checks stderr or the exit code does not miss them.
    for (const core::Diagnostic& d : problems.items()) std::cerr << "twin: " << core::formatDiagnostic(d) << '\n';
    if (!text) {
      std::cerr << text.error().message << '\n';
      return kExitBadInput;
    }
    std::cout << *text;
    return kExitOk;
  }
  if (args.has("--crs")) return args.usageError("--crs goes with --model");
  if (args.positionals().empty()) return args.usageError("missing SCENE|DATAFILE");
  if (args.positionals().size() > 1) return args.usageError("unexpected argument '" + args.positionals()[1] + "'");

  auto loaded = loadScene(args.positionals()[0], stderrProgress());
  if (!loaded) {
    std::cerr << loaded.error().message << '\n';
    return kExitBadInput;
  }
  const SiteSummary summary = summarizeSite(*loaded->site, loaded->config, loaded->loadMs);
  std::cout << (args.has("--json") ? summaryJson(summary) : summaryText(summary));
  return kExitOk;
}

}  // namespace twin::app
