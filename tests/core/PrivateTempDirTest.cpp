// Temporary files other users can neither predict nor redirect (the OSM node config of
// `twin isochrone --nodes` used to go to a guessable /tmp name that followed symlinks).
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "TestPaths.h"
#include "twin/core/PrivateTempDir.h"

using twin::core::PrivateTempDir;
namespace fs = std::filesystem;

TEST_CASE("PrivateTempDir: a fresh 0700 folder, files created exclusively, removed at the end", "[core][untrusted]") {
  fs::path where;
  {
    auto dir = PrivateTempDir::create("twin-test-");
    REQUIRE(dir.ok());
    where = (*dir)->path();
    struct stat st {};
    REQUIRE(::lstat(where.c_str(), &st) == 0);
    CHECK(S_ISDIR(st.st_mode));
    CHECK((st.st_mode & 0777) == 0700);
    CHECK(where.filename().string().rfind("twin-test-", 0) == 0);
    auto other = PrivateTempDir::create("twin-test-");
    REQUIRE(other.ok());
    CHECK((*other)->path() != where);  // never reused

    auto file = (*dir)->writeFile("a.ini", "x=1\n");
    REQUIRE(file.ok());
    std::ifstream in(*file);
    std::stringstream text;
    text << in.rdbuf();
    CHECK(text.str() == "x=1\n");
    REQUIRE(::stat(file->c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);

    // A name that exists already, a planted symlink included, is refused, not written through.
    twin::test::TempDir victimDir("victim");
    const fs::path victim = victimDir.path() / "victim.txt";
    { std::ofstream(victim) << "keep"; }
    REQUIRE(::symlink(victim.c_str(), ((*dir)->path() / "b.ini").c_str()) == 0);
    auto through = (*dir)->writeFile("b.ini", "overwritten");
    REQUIRE_FALSE(through.ok());
    CHECK(through.error().message ==
          "core::PrivateTempDir::writeFile(): " + ((*dir)->path() / "b.ini").string() + ": cannot create: File exists");
    std::ifstream v(victim);
    std::string kept;
    v >> kept;
    CHECK(kept == "keep");
  }
  CHECK_FALSE(fs::exists(where));
}
