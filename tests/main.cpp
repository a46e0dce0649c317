#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <cstdlib>

int main(int argc, char* argv[]) {
  // Whatever a test runs (also `twin` started as a subprocess) keeps its state, such as the
  // default alert log, inside the build tree instead of the user's ~/.local/state.
  setenv("XDG_STATE_HOME", TWIN_BINARY_DIR "/test-state", 1);
  // Tests write scene files into temporary folders that name the checkout's assets and fixtures
  // and the shared sample data: those are the tests' data roots (model::DataAccess). Tests of
  // the data-root rule itself set their own with model::setDataAccess().
  setenv("TWIN_DATA_ROOTS", TWIN_SOURCE_DIR ":" TWIN_SHARED_DATA_DIR ":" TWIN_BINARY_DIR, 1);
  return Catch::Session().run(argc, argv);
}
