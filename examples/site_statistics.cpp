// Loads a scene (or a bare OSM/OGR file) and prints what it contains.
//   examples_site_statistics [SCENE]     (default: scenes/beijing-liudaokou.json)
#include <iostream>

#include "twin/app/SceneLoading.h"
#include "twin/app/SiteInfo.h"

int main(int argc, char** argv) {
  const std::string path = argc > 1 ? argv[1] : "scenes/beijing-liudaokou.json";
  auto loaded = twin::app::loadScene(path, twin::app::stderrProgress());
  if (!loaded) {
    std::cerr << loaded.error().message << '\n';
    return 1;
  }
  const twin::model::Site& site = *loaded->site;
  std::cout << site.buildings.size() << " buildings, " << site.roads.size() << " roads, " << site.pois.size()
            << " points of interest\n\n";
  std::cout << twin::app::summaryText(twin::app::summarizeSite(site, loaded->config, loaded->loadMs));
  return 0;
}
