#include "twin/app/SceneLoading.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "twin/app/Cli.h"
#include "twin/core/Stopwatch.h"
#include "twin/geo/VectorReader.h"
#include "twin/model/SiteLoader.h"

namespace twin::app {
namespace {

namespace fs = std::filesystem;

// A .json file is a scene file unless it is GeoJSON data.
bool isSceneFile(const std::string& path) {
  const fs::path p(path);
  if (p.extension() != ".json") return false;
  // Reading the head of a FIFO would block: anything but a regular file goes to the scene
  // loader, whose error names what it is.
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) return true;
  std::ifstream in(path, std::ios::binary);
  std::string head(4096, '\0');
  in.read(head.data(), std::streamsize(head.size()));
  head.resize(std::size_t(in.gcount()));
  return head.find("\"FeatureCollection\"") == std::string::npos;
}

}  // namespace

core::Result<LoadedScene> loadScene(const std::string& path, const core::ProgressFn& progress) {
  core::Stopwatch clock;
  if (!geo::isConnectionString(path)) {
    std::error_code ec;
    if (!fs::exists(path, ec)) return core::fail("twin: " + path + ": no such file");
    if (fs::is_directory(path, ec))
      return core::fail("twin: " + path + ": is a directory, expected a scene or data file");
    // A FIFO would block the first read for ever, a device would never end.
    if (!fs::is_regular_file(path, ec))
      return core::fail("twin: " + path + ": not a regular file, expected a scene or data file");
  }
  auto config = isSceneFile(path) ? model::loadSceneConfig(path) : model::defaultSceneForDataFile(path);
  if (!config) return config.error();
  auto site = model::loadSite(*config, progress);
  if (!site) return site.error();
  LoadedScene loaded;
  loaded.config = std::move(config).value();
  loaded.site = std::make_unique<model::Site>(std::move(site).value());
  loaded.loadMs = clock.elapsedMs();
  return loaded;
}

std::optional<model::Scenario> scenarioForCommand(const char* command, const LoadedScene& scene,
                                                  const std::string& path, const std::string& name, int& exitCode) {
  const auto& file = scene.config.file;
  if (file.empty() || file.extension() != ".json") {
    std::cerr << "twin " << command << ": --scenario needs a scene file (*.json); " << path << " is a data file\n";
    exitCode = kExitUsage;
    return std::nullopt;
  }
  auto scenarios = model::loadScenarios(file);
  if (!scenarios) {
    std::cerr << scenarios.error().message << '\n';
    exitCode = kExitBadInput;
    return std::nullopt;
  }
  std::string known;
  for (const model::Scenario& sc : *scenarios) {
    if (sc.name == name) return sc;
    known += (known.empty() ? "" : ", ") + sc.name;
  }
  // Only reached when no scenario matched, so `known` lists them all.
  std::cerr << "twin " << command << ": unknown scenario '" << name << "' in " << file.filename().string()
            << "; known: " << (known.empty() ? "(none)" : known) << '\n';
  exitCode = kExitUsage;
  return std::nullopt;
}

core::Result<model::FacilityConfig> facilityConfigForScene(const LoadedScene& scene) {
  const auto& file = scene.config.file;
  if (file.empty() || file.extension() != ".json") return model::defaultFacilityConfig();
  std::ifstream in(file, std::ios::binary);
  if (!in) return model::defaultFacilityConfig();
  std::stringstream text;
  text << in.rdbuf();
  return model::parseFacilityConfig(text.str(), file);
}

core::ProgressFn stderrProgress(double quietMs) {
  struct State {
    core::Stopwatch clock;
    std::string stage;
    double lastPrinted = -1;
  };
  auto state = std::make_shared<State>();
  return [state, quietMs](std::string_view stage, double fraction) {
    if (state->clock.elapsedMs() < quietMs) return;
    if (!(fraction >= 0)) fraction = 0;
    fraction = std::min(fraction, 1.0);
    const bool newStage = stage != state->stage;
    if (!newStage && fraction < 1.0 && fraction - state->lastPrinted < 0.05) return;
    state->stage = std::string(stage);
    state->lastPrinted = fraction;
    std::cerr << "loading: " << stage << ' ' << int(std::lround(fraction * 100)) << "%\n";
  };
}

}  // namespace twin::app
