#!/usr/bin/env bash
# Configures and builds one CMake preset (release by default, or asan).
# Uses ccache when it is installed (paths hashed relative to the checkout, so any clone shares
# the cache); set CMAKE_CXX_COMPILER_LAUNCHER yourself to choose otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${1:-release}
if command -v ccache >/dev/null && [[ -z ${CMAKE_CXX_COMPILER_LAUNCHER:-} ]]; then
  export CMAKE_C_COMPILER_LAUNCHER=ccache CMAKE_CXX_COMPILER_LAUNCHER=ccache
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}
fi
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$(nproc)"
