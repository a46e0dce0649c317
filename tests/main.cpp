#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>

#include "TestPaths.h"

int main(int argc, char* argv[]) {
  // Whatever a test runs (also `twin` started as a subprocess) keeps its state, such as the
  // default alert log, inside the build tree instead of the user's ~/.local/state.
  setenv("XDG_STATE_HOME", (twin::test::binaryDir() / "test-state").c_str(), 1);
  // Tests write scene files into temporary folders that name the checkout's assets and fixtures
  // and the shared sample data: those are the tests' data roots (model::DataAccess). Tests of
  // the data-root rule itself set their own with model::setDataAccess().
  const std::string roots = twin::test::sourceDir().string() + ":" + twin::test::sharedDataDir().string() + ":" +
                            twin::test::binaryDir().string();
  setenv("TWIN_DATA_ROOTS", roots.c_str(), 1);
  return Catch::Session().run(argc, argv);
}
