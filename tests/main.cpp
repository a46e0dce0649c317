#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <cstdlib>

int main(int argc, char* argv[]) {
  // Whatever a test runs (also `twin` started as a subprocess) keeps its state, such as the
  // default alert log, inside the build tree instead of the user's ~/.local/state.
  setenv("XDG_STATE_HOME", TWIN_BINARY_DIR "/test-state", 1);
  return Catch::Session().run(argc, argv);
}
