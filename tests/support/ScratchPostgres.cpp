// ScratchPostgres: a throwaway PostgreSQL cluster for tests and benches, driven through its
// command-line programs (initdb, pg_ctl, psql).
#include "ScratchPostgres.h"

#include <pwd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>

namespace twin::test {

namespace {

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

bool executable(const std::string& path) { return ::access(path.c_str(), X_OK) == 0; }

// Runs a shell command; returns its exit status (-1 when it could not run) and its stdout.
int runCapture(const std::string& command, std::string* out) {
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return -1;
  std::array<char, 65536> buf;
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0)
    if (out) out->append(buf.data(), n);
  const int status = ::pclose(pipe);
  return status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string tail(const std::string& path, std::size_t maxLines = 6) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(line);
  std::string out;
  for (std::size_t i = lines.size() > maxLines ? lines.size() - maxLines : 0; i < lines.size(); ++i)
    out += (out.empty() ? "" : " / ") + lines[i];
  return out.empty() ? "(no output)" : out;
}

}  // namespace

core::Result<std::unique_ptr<ScratchPostgres>> ScratchPostgres::start(const std::string& directory,
                                                                      const std::string& binDir) {
  const std::string where = "test::ScratchPostgres::start(): ";
  for (const char* name : {"initdb", "pg_ctl", "psql"})
    if (!executable(binDir + "/" + name))
      return core::fail(where + binDir + "/" + name + " not found (install postgresql-15: scripts/install-deps.sh)");
  struct stat st {};
  if (::stat(directory.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    return core::fail(where + directory + ": not a directory");
  if (directory.size() > 80)
    return core::fail(where + directory + ": path too long for a unix socket (at most 80 characters here)");

  std::unique_ptr<ScratchPostgres> pg(new ScratchPostgres());
  pg->_dir = directory;
  pg->_bin = binDir;
  if (::geteuid() == 0) {
    // initdb and postgres refuse root; nobody owns the cluster instead.
    std::string runuser;
    for (const char* p : {"/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"})
      if (executable(p)) {
        runuser = p;
        break;
      }
    if (runuser.empty()) return core::fail(where + "running as root and runuser (util-linux) is not installed");
    const passwd* nobody = ::getpwnam("nobody");
    if (!nobody) return core::fail(where + "running as root and there is no user 'nobody' to run PostgreSQL as");
    if (::chown(directory.c_str(), nobody->pw_uid, nobody->pw_gid) != 0)
      return core::fail(where + directory + ": cannot hand it to nobody: " + std::strerror(errno));
    pg->_asUser = runuser + " -u nobody -- ";
  }
  ::chmod(directory.c_str(), 0700);

  const std::string data = directory + "/data";
  const std::string initLog = directory + "/initdb.log";
  // cd first: the programs, run as nobody, may not be allowed into the caller's directory.
  const std::string initdb = "cd " + quote(directory) + " && " + pg->program("initdb") + " -D " + quote(data) +
                             " -A trust -U twin -E UTF8 --locale=C --no-sync > " + quote(initLog) + " 2>&1";
  if (runCapture(initdb, nullptr) != 0) return core::fail(where + "initdb failed: " + tail(initLog));

  const std::string serverLog = directory + "/server.log";
  const std::string options =
      "-c listen_addresses='' -k " + directory + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
  const std::string start = "cd " + quote(directory) + " && " + pg->program("pg_ctl") + " -D " + quote(data) + " -l " +
                            quote(serverLog) + " -w -t 60 -o " + quote(options) + " start > " +
                            quote(directory + "/pg_ctl.log") + " 2>&1";
  pg->_launched = true;  // from here on the destructor stops whatever did start
  if (runCapture(start, nullptr) != 0)
    return core::fail(where + "the server did not start: " + tail(serverLog) + " / " + tail(directory + "/pg_ctl.log"));
  return pg;
}

ScratchPostgres::~ScratchPostgres() {
  if (!_launched) return;
  const std::string stop = "cd " + quote(_dir) + " && " + program("pg_ctl") + " -D " + quote(_dir + "/data") +
                           " -m immediate -w -t 60 stop > /dev/null 2>&1";
  runCapture(stop, nullptr);
}

std::string ScratchPostgres::program(const std::string& name) const { return _asUser + quote(_bin + "/" + name); }

core::Result<std::string> ScratchPostgres::sql(const std::string& script) const {
  const std::string where = "test::ScratchPostgres::sql(): ";
  // The script and psql's messages stay the caller's files (psql reads the script on stdin),
  // so their permissions never matter to the unprivileged user.
  const int n = _scripts++;
  const std::string scriptPath = _dir + "/script-" + std::to_string(n) + ".sql";
  const std::string errPath = _dir + "/script-" + std::to_string(n) + ".err";
  {
    std::ofstream out(scriptPath, std::ios::binary | std::ios::trunc);
    out << script;
    if (!out) return core::fail(where + scriptPath + ": cannot write the script");
  }
  const std::string command = "cd " + quote(_dir) + " && " + program("psql") + " -X -q -At -v ON_ERROR_STOP=1 -h " +
                              quote(_dir) + " -U twin -d postgres -f - < " + quote(scriptPath) + " 2> " +
                              quote(errPath);
  std::string out;
  const int rc = runCapture(command, &out);
  std::remove(scriptPath.c_str());
  if (rc != 0) return core::fail(where + tail(errPath));
  return out;
}

core::Status ScratchPostgres::loadEdges(const std::string& table, const std::vector<analysis::PgEdge>& edges) const {
  std::string script = "CREATE TABLE " + table +
                       " (id bigint PRIMARY KEY, source bigint, target bigint, cost float8, reverse_cost float8);\n"
                       "COPY " +
                       table + " FROM STDIN WITH (FORMAT csv);\n";
  script += analysis::pgRoutingCsv(edges);
  script += "\\.\nANALYZE " + table + ";\n";
  auto r = sql(script);
  if (!r) return r.error();
  return core::Ok{};
}

}  // namespace twin::test
