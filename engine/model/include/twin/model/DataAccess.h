// Which files and network sources a scene file may name. A scene file is outside data: it must
// not be able to read /etc/shadow as a "TLS CA file" or make the twin fetch URLs or connect to
// remote databases unless whoever runs the twin allows it.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace twin::model {

/** What the person running the twin allows beyond the built-in rule. Built in: a scene may name
    files under its own folder and under the `assets` folder beside that folder (scenes/x.json
    may read ../assets/..., the repository's layout). */
struct DataAccess {
  std::vector<std::filesystem::path> roots;  // more folders scenes may read (--data-root, TWIN_DATA_ROOTS)
  bool allowNetwork = false;                 // --allow-network: URLs, cloud /vsi paths, remote PG: hosts
};

/** The process-wide setting used by every scene loader (loadSceneConfig(), parseSensorConfig(),
    parseModelSources()). Until setDataAccess() is called it is dataAccessFromEnvironment().
    Thread-safe. */
void setDataAccess(DataAccess access);
DataAccess dataAccess();

/** Roots from TWIN_DATA_ROOTS (colon-separated folders; empty entries ignored), network off. */
DataAccess dataAccessFromEnvironment();

/** Why a scene in `sceneFolder` may not use `source`, or nullopt when it may. `source` is as resolved by the
    loader: an absolute path, a GDAL /vsi path or a connection string ("PG:..."). Rules:
    - a file path (also the file inside /vsizip/, /vsigzip/, /vsitar/...) must lie, after
      following symlinks, under the scene's folder, the `assets` folder beside it, or a root of
      `access`;
    - network sources (/vsicurl/, /vsis3/, /vsigs/, /vsiaz/... and any /vsi prefix not known to be
      local, http(s)/ftp URLs, connection strings other than PG:, PG: with a host that is not a
      local socket folder or localhost) need `sceneAllowsNetwork` or access.allowNetwork;
    - a GDAL VRT (a ".vrt" file or a "vrt://" connection) passes only when every source it names
      passes too (geo::vrtSources(); VRTs within VRTs up to 8 deep), since GDAL opens them with it.
    The text says what and how to allow it, e.g. "'/etc/shadow' is outside the scene's data
    folders (...); allow its folder with --data-root DIR or TWIN_DATA_ROOTS". */
std::optional<std::string> sourceProblem(const std::string& source, const std::filesystem::path& sceneFolder,
                                         bool sceneAllowsNetwork, const DataAccess& access);

/** True when `source` names a network source by the rules above. */
bool isNetworkSource(const std::string& source);

}  // namespace twin::model
