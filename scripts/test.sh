#!/usr/bin/env bash
# Second README command: install, build, and run every test through ctest.
# `scripts/test.sh asan` does the same under -fsanitize=address,undefined.
set -euo pipefail
cd "$(dirname "$0")/.."
preset=${1:-release}
scripts/install-deps.sh
scripts/build.sh "$preset"
ctest --preset "$preset" -j "$(nproc)"
