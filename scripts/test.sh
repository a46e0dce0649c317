#!/usr/bin/env bash
# Second README command: install, build, and run every test through ctest.
# `scripts/test.sh asan` does the same under -fsanitize=address,undefined; `scripts/test.sh ci`
# builds with -Werror; `scripts/test.sh tsan` builds and runs only the sensors, alerts and 3D
# Tiles tests under -fsanitize=thread (the presets in CMakePresets.json).
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${1:-release}
# TWIN_DEPS_INSTALLED=1: the caller has already run install-deps.sh and install-web-deps.sh (.ci/run
# does, once for all presets).
[[ -n ${TWIN_DEPS_INSTALLED:-} ]] || scripts/install-deps.sh
[[ -n ${TWIN_DEPS_INSTALLED:-} ]] || scripts/install-web-deps.sh
scripts/build.sh "$preset"
ctest --preset "$preset" -j "$(nproc)"
