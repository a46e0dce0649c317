// Test support (not part of the engine): a throwaway PostgreSQL cluster to run pgRouting's
// searches in, for the tests and benches that compare the walking search with pgRouting.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "twin/analysis/PgRouting.h"
#include "twin/core/Result.h"

namespace twin::test {

/** A PostgreSQL cluster of its own in a directory: initdb, then a server with no TCP listener
    (unix socket in that directory only), trust authentication, fsync off. PostgreSQL refuses
    to run as root, so when the effective user is root every PostgreSQL program runs through
    `runuser -u nobody` and the directory is handed to nobody. The destructor stops the server
    (immediate shutdown) whenever start() got as far as launching it. Not thread-safe: one
    owner; the programs it runs are blocking child processes. */
class ScratchPostgres {
 public:
  /** Creates the cluster in `directory` (must exist and be empty of a previous cluster; a
      short path: the socket path must stay under 107 bytes) using the programs in `binDir`.
      Errors name the step, e.g. "test::ScratchPostgres::start(): /usr/lib/postgresql/15/bin/initdb
      not found (install postgresql-15: scripts/install-deps.sh)" or "...: initdb failed: <its
      last output lines>". */
  static core::Result<std::unique_ptr<ScratchPostgres>> start(const std::string& directory,
                                                              const std::string& binDir = kDefaultBinDir);
  ~ScratchPostgres();
  ScratchPostgres(const ScratchPostgres&) = delete;
  ScratchPostgres& operator=(const ScratchPostgres&) = delete;

  /** Runs an SQL script with psql (stops at the first error) and returns its unaligned,
      tuples-only output ("a|b" per row). Error: "test::ScratchPostgres::sql(): <psql's
      message>". */
  core::Result<std::string> sql(const std::string& script) const;

  /** Creates table `table` (id, source, target bigint, cost, reverse_cost float8) and loads
      the edges into it with COPY. */
  core::Status loadEdges(const std::string& table, const std::vector<analysis::PgEdge>& edges) const;

  const std::string& directory() const { return _dir; }

  static constexpr const char* kDefaultBinDir = "/usr/lib/postgresql/15/bin";

 private:
  ScratchPostgres() = default;
  std::string program(const std::string& name) const;
  std::string _dir, _bin, _asUser;
  bool _launched = false;
  mutable int _scripts = 0;
};

}  // namespace twin::test
