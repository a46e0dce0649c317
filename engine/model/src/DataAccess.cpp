#include "twin/model/DataAccess.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <mutex>

#include "twin/geo/VectorReader.h"
#include "twin/geo/VrtSources.h"

namespace twin::model {

namespace fs = std::filesystem;

namespace {

std::mutex gMutex;
std::optional<DataAccess> gAccess;  // unset = from the environment

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool startsWith(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

// GDAL virtual file systems that read a local file (an archive or a compressed file) and need no
// network; the path after them is checked like any file path.
const char* const kLocalWrappers[] = {"/vsizip/", "/vsigzip/", "/vsitar/", "/vsi7z/", "/vsirar/"};

// Strips local archive wrappers: "/vsizip//vsicurl/http://x/a.zip" -> "/vsicurl/http://x/a.zip".
std::string unwrap(std::string source) {
  for (bool again = true; again;) {
    again = false;
    for (const char* w : kLocalWrappers)
      if (startsWith(source, w)) {
        source.erase(0, std::char_traits<char>::length(w));
        // "/vsizip/{/path/a.zip}/inner" names the archive in braces.
        if (!source.empty() && source.front() == '{') {
          source.erase(0, 1);
          const auto close = source.find('}');
          if (close != std::string::npos) source.erase(close, 1);
        }
        again = true;
      }
  }
  return source;
}

bool isLocalHost(std::string host) {
  if (!host.empty() && (host.front() == '\'' || host.front() == '"')) host = host.substr(1);
  if (!host.empty() && (host.back() == '\'' || host.back() == '"')) host.pop_back();
  if (host.empty() || host.front() == '/' || host.front() == '@') return true;  // a Unix socket folder
  const std::string h = lower(host);
  return h == "localhost" || h == "127.0.0.1" || h == "::1" || h == "[::1]";
}

// The hosts a PG: connection string names (libpq key=value or URI form); empty = local default.
std::vector<std::string> pgHosts(const std::string& conn) {
  std::vector<std::string> hosts;
  auto split = [&](const std::string& list) {
    std::size_t start = 0;
    while (start <= list.size()) {
      const std::size_t end = std::min(list.find(',', start), list.size());
      hosts.push_back(list.substr(start, end - start));
      start = end + 1;
    }
  };
  const std::string l = lower(conn);
  if (startsWith(l, "postgresql://") || startsWith(l, "postgres://")) {
    std::string rest = conn.substr(conn.find("://") + 3);
    rest = rest.substr(0, rest.find_first_of("/?"));
    const auto at = rest.rfind('@');
    if (at != std::string::npos) rest = rest.substr(at + 1);
    // Drop ports: "h1:5432,h2" -> "h1,h2" (an IPv6 literal keeps its brackets).
    std::string list;
    std::size_t start = 0;
    while (start <= rest.size()) {
      const std::size_t end = std::min(rest.find(',', start), rest.size());
      std::string item = rest.substr(start, end - start);
      if (!item.empty() && item.front() != '[') item = item.substr(0, item.find(':'));
      list += (list.empty() ? "" : ",") + item;
      start = end + 1;
    }
    split(list);
    // host=... may also come as a query parameter.
  }
  std::size_t i = 0;
  while (i < conn.size()) {
    while (i < conn.size() && (conn[i] == ' ' || conn[i] == '?' || conn[i] == '&')) ++i;
    std::size_t end = i;
    bool quoted = false;
    while (end < conn.size() && (quoted || (conn[end] != ' ' && conn[end] != '&'))) {
      if (conn[end] == '\'') quoted = !quoted;
      ++end;
    }
    const std::string token = conn.substr(i, end - i);
    const std::string key = lower(token.substr(0, token.find('=')));
    if ((key == "host" || key == "hostaddr") && token.find('=') != std::string::npos)
      split(token.substr(token.find('=') + 1));
    i = end + 1;
  }
  return hosts;
}

fs::path absoluteNormal(const fs::path& p) {
  std::error_code ec;
  fs::path abs = fs::absolute(p, ec);
  if (ec) abs = p;
  fs::path canonical = fs::weakly_canonical(abs, ec);
  return ec ? abs.lexically_normal() : canonical;
}

bool under(const fs::path& path, const fs::path& root) {
  auto r = root.begin(), p = path.begin();
  for (; r != root.end(); ++r, ++p) {
    if (r->empty() && std::next(r) == root.end()) return true;  // a trailing separator
    if (p == path.end() || *p != *r) return false;
  }
  return true;
}

}  // namespace

void setDataAccess(DataAccess access) {
  std::lock_guard<std::mutex> lock(gMutex);
  gAccess = std::move(access);
}

DataAccess dataAccess() {
  {
    std::lock_guard<std::mutex> lock(gMutex);
    if (gAccess) return *gAccess;
  }
  return dataAccessFromEnvironment();
}

DataAccess dataAccessFromEnvironment() {
  DataAccess access;
  const char* env = std::getenv("TWIN_DATA_ROOTS");
  if (!env) return access;
  const std::string list = env;
  std::size_t start = 0;
  while (start <= list.size()) {
    const std::size_t end = std::min(list.find(':', start), list.size());
    if (end > start) access.roots.emplace_back(list.substr(start, end - start));
    start = end + 1;
  }
  return access;
}

bool isNetworkSource(const std::string& source) {
  const std::string inner = unwrap(source);
  const std::string l = lower(inner);
  if (startsWith(l, "/vsimem/")) return false;  // memory of this process: no file, no network
  if (startsWith(l, "/vsi")) return true;       // curl, s3, gs, az, adls, oss, swift, hdfs, ... and unknown ones
  if (startsWith(l, "http://") || startsWith(l, "https://") || startsWith(l, "ftp://")) return true;
  if (!geo::isConnectionString(inner)) return false;
  if (!startsWith(l, "pg:")) return true;  // WFS:, MySQL:, OCI:, ...: servers elsewhere
  for (const std::string& host : pgHosts(inner.substr(3)))
    if (!isLocalHost(host)) return true;
  return false;
}

namespace {

// A VRT may name another VRT, and itself: deeper than this is refused.
constexpr int kMaxVrtDepth = 8;

std::optional<std::string> problemAt(const std::string& source, const fs::path& sceneFolder, bool sceneAllowsNetwork,
                                     const DataAccess& access, int depth);

// The problems of the sources a VRT names, which GDAL opens when it opens the VRT.
std::optional<std::string> vrtProblem(const std::string& vrt, const fs::path& sceneFolder, bool sceneAllowsNetwork,
                                      const DataAccess& access, int depth) {
  if (depth >= kMaxVrtDepth)
    return "'" + vrt + "' is a VRT nested more than " + std::to_string(kMaxVrtDepth) + " deep (does it name itself?)";
  auto sources = geo::vrtSources(vrt);
  if (!sources.ok()) {
    std::error_code ec;
    if (!fs::exists(vrt, ec)) return std::nullopt;  // the reader says the file is missing
    return "'" + vrt + "' cannot be checked: " + sources.error().message;
  }
  for (const std::string& named : sources.value())
    if (auto problem = problemAt(named, sceneFolder, sceneAllowsNetwork, access, depth + 1))
      return "the VRT '" + vrt + "' names " + *problem;
  return std::nullopt;
}

std::optional<std::string> problemAt(const std::string& source, const fs::path& sceneFolder, bool sceneAllowsNetwork,
                                     const DataAccess& access, int depth) {
  const std::string inner = unwrap(source);
  if (lower(inner).rfind("vrt://", 0) == 0) return vrtProblem(inner, sceneFolder, sceneAllowsNetwork, access, depth);
  const std::string l = lower(inner);
  if (isNetworkSource(source)) {
    if (sceneAllowsNetwork || access.allowNetwork) return std::nullopt;
    std::string shown = source;
    // Keep passwords out of messages.
    const auto pw = lower(shown).find("password=");
    if (pw != std::string::npos) shown = shown.substr(0, pw) + "password=***";
    return "'" + shown +
           "' is a network source; allow network sources with \"allow_network\": true in the scene "
           "or --allow-network on the command line";
  }
  if (startsWith(l, "/vsimem/") || geo::isConnectionString(inner)) return std::nullopt;  // a local PG: database
  const fs::path folder = absoluteNormal(sceneFolder.empty() ? fs::path(".") : sceneFolder);
  std::vector<fs::path> allowed = {folder, absoluteNormal(folder.parent_path() / "assets")};
  for (const fs::path& root : access.roots) allowed.push_back(absoluteNormal(root));
  const fs::path path = absoluteNormal(inner);
  for (const fs::path& root : allowed)
    if (under(path, root))
      return geo::isVrtSource(inner) ? vrtProblem(path.string(), sceneFolder, sceneAllowsNetwork, access, depth)
                                     : std::nullopt;
  std::string list;
  for (const fs::path& root : allowed) list += (list.empty() ? "" : ", ") + root.string();
  const std::string resolved =
      path.string() != fs::path(inner).lexically_normal().string() ? " (it resolves to '" + path.string() + "')" : "";
  return "'" + source + "'" + resolved + " is outside the scene's data folders (" + list +
         "); allow its folder with --data-root DIR or TWIN_DATA_ROOTS=DIR";
}

}  // namespace

std::optional<std::string> sourceProblem(const std::string& source, const fs::path& sceneFolder,
                                         bool sceneAllowsNetwork, const DataAccess& access) {
  return problemAt(source, sceneFolder, sceneAllowsNetwork, access, 0);
}

}  // namespace twin::model
