#!/usr/bin/env bash
# First README command: install, build, and run the main job on the default scene.
# With a display (DISPLAY set) it opens a window; without one it renders headless through EGL
# and prints the PNG's path. Extra arguments go to `twin run`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh release
exec build/release/engine/app/twin run scenes/hangzhou-qianjiang.json "$@"
