#!/usr/bin/env bash
# Tests scripts/check-includes.sh on small trees written here: a clean one passes, and each
# planted violation fails with the file, the line and the rule named. Run by ctest.
set -euo pipefail
checker="$(cd "$(dirname "$0")" && pwd)/check-includes.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

fail() { echo "FAILED: $*"; failures=$((failures + 1)); }

# A clean tree: every library where DESIGN.md allows it.
mkdir -p "$tmp/engine/scene/src" "$tmp/engine/geo/src" "$tmp/engine/analysis/src" "$tmp/engine/ui/src"
printf '#include <osg/Node>\n#include "twin/scene/SiteScene.h"\n' >"$tmp/engine/scene/src/A.cpp"
printf '#include <gdal_priv.h>\n#include <proj.h>\n' >"$tmp/engine/geo/src/B.cpp"
printf '#include <cmath>\n#include "twin/analysis/WalkGraph.h"\n' >"$tmp/engine/analysis/src/C.cpp"
printf '#include "imgui.h"\n' >"$tmp/engine/ui/src/D.cpp"
if ! out=$("$checker" "$tmp" 2>&1); then fail "a clean tree was rejected: $out"; fi

# expect_violation FILE CONTENT EXPECTED-LINE: the checker must exit 1 and print EXPECTED-LINE.
expect_violation() {
  local file=$1 content=$2 expected=$3
  mkdir -p "$(dirname "$tmp/$file")"
  printf '%b' "$content" >"$tmp/$file"
  local out rc=0
  out=$("$checker" "$tmp" 2>&1) || rc=$?
  if ((rc != 1)); then fail "$file: exit code $rc, expected 1; output: $out"; fi
  if ! grep -qxF "$expected" <<<"$out"; then fail "$file: expected the line '$expected' in: $out"; fi
  rm -f "$tmp/$file"
}

expect_violation engine/analysis/src/Planted.cpp '#include <vector>\n  #include <osg/Node>\n' \
  'engine/analysis/src/Planted.cpp:2: includes <osg/Node>: OpenSceneGraph headers are allowed only in engine/scene, engine/app (DESIGN.md, module table)'
expect_violation engine/geo/include/twin/geo/Planted.h '#pragma once\n#include <gdal_priv.h>\n' \
  'engine/geo/include/twin/geo/Planted.h:2: includes <gdal_priv.h>: GDAL/OGR/CPL headers are allowed only in engine/geo/src (DESIGN.md, module table)'
expect_violation engine/model/src/Planted.cpp '#include "imgui.h"\n' \
  'engine/model/src/Planted.cpp:1: includes <imgui.h>: Dear ImGui headers are allowed only in engine/ui, engine/app (DESIGN.md, module table)'
expect_violation engine/model/src/Planted.cpp '#include <sqlite3.h>\n' \
  'engine/model/src/Planted.cpp:1: includes <sqlite3.h>: SQLite headers are allowed only in engine/sensors/src, engine/alerts/src (DESIGN.md, module table)'
expect_violation engine/alerts/src/Planted.cpp '# include <mosquitto.h>\n' \
  'engine/alerts/src/Planted.cpp:1: includes <mosquitto.h>: libmosquitto headers are allowed only in engine/sensors/src (DESIGN.md, module table)'
expect_violation engine/scene/src/Planted.cpp '#include <proj.h>\n' \
  'engine/scene/src/Planted.cpp:1: includes <proj.h>: PROJ headers are allowed only in engine/geo/src (DESIGN.md, module table)'
expect_violation engine/ui/src/Planted.cpp '#include <libavcodec/avcodec.h>\n' \
  'engine/ui/src/Planted.cpp:1: includes <libavcodec/avcodec.h>: FFmpeg headers are allowed only in engine/app/src (DESIGN.md, module table)'

# The tree is clean again once the plants are gone.
if ! out=$("$checker" "$tmp" 2>&1); then fail "the cleaned tree was rejected: $out"; fi
# Not a source tree: a usage error, not a pass.
rc=0
"$checker" "$tmp/engine" >/dev/null 2>&1 || rc=$?
if ((rc != 2)); then fail "a folder without engine/ gave exit code $rc, expected 2"; fi

if ((failures > 0)); then
  echo "check-includes-test: $failures failure(s)"
  exit 1
fi
echo "check-includes-test: the checker passes a clean tree and names each planted violation"
