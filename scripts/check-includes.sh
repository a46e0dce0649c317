#!/usr/bin/env bash
# Checks that each engine module includes only the third-party headers DESIGN.md's module table
# allows it (OSG only in scene and app, ImGui only in ui and app, GDAL/PROJ only inside geo/src,
# ...). The CMake targets enforce part of this (a module sees only its declared dependencies'
# include directories), but system headers such as <osg/Node> or <sqlite3.h> sit on the default
# include path, so a forbidden include would compile: this check is what catches it.
# Usage: scripts/check-includes.sh [ROOT]   (ROOT: a source tree, default this repository)
# Prints each violation as FILE:LINE and exits 1 if there is any; exits 0 otherwise.
set -euo pipefail
root=${1:-"$(cd "$(dirname "$0")/.." && pwd)"}
if [[ ! -d "$root/engine" ]]; then
  echo "check-includes: $root has no engine/ folder" >&2
  exit 2
fi

# name;extended regex for the header named by #include;module folders (under engine/) allowed to include it
rules=(
  "OpenSceneGraph;^(osg[A-Za-z]*|OpenThreads)/;scene app"
  "OpenGL/EGL;^(GL|EGL)/;scene app"
  "Dear ImGui;^(imgui/|imgui[a-z_]*\.h$);ui app"
  "GDAL/OGR/CPL;^(gdal[a-z_]*\.h|ogr[a-z_]*\.h|cpl_[a-z_]*\.h|gdal/);geo/src"
  "PROJ;^(proj\.h|proj_[a-z_]*\.h|proj/);geo/src"
  "SQLite;^sqlite3[a-z_]*\.h;sensors/src alerts/src"
  "libmosquitto;^mosquitto[a-z_]*\.h;sensors/src"
  "libnova;^libnova/;geo/src"
  "Embree;^embree[0-9]*/;analysis/src"
  "libpq;^(libpq-fe\.h|libpq/|postgresql/);alerts/src"
  "tinygltf;^tiny_gltf\.h;scene/src"
  "stb;^stb_[a-z_]*\.h;scene/src"
  "FFmpeg;^(libavcodec|libavformat|libavutil|libswscale)/;app/src"
)

violations=0
# One grep for every #include line (FILE:LINE:TEXT), then the rules on each.
while IFS= read -r hit; do
  file=${hit%%:*}
  rest=${hit#*:}
  lineno=${rest%%:*}
  line=${rest#*:}
  rel=${file#"$root"/}
  module_path=${rel#engine/}  # e.g. geo/src/DemReader.cpp
  [[ $line =~ ^[[:space:]]*#[[:space:]]*include[[:space:]]*[\<\"]([^\>\"]+)[\>\"] ]] || continue
  header=${BASH_REMATCH[1]}
  for rule in "${rules[@]}"; do
    IFS=';' read -r name pattern allowed <<<"$rule"
    [[ $header =~ $pattern ]] || continue
    ok=0
    for place in $allowed; do
      [[ $module_path == "$place"/* ]] && ok=1
    done
    if ((ok == 0)); then
      places=$(printf 'engine/%s, ' $allowed)
      echo "$rel:$lineno: includes <$header>: $name headers are allowed only in ${places%, } (DESIGN.md, module table)"
      violations=$((violations + 1))
    fi
  done
done < <(grep -rnE --include='*.h' --include='*.hpp' --include='*.cpp' --include='*.cc' --include='*.inl' \
           '^[[:space:]]*#[[:space:]]*include' "$root/engine" | sort -t: -k1,1 -k2,2n)

if ((violations > 0)); then
  echo "check-includes: $violations forbidden include(s) in $root/engine" >&2
  exit 1
fi
echo "check-includes: every module of $root/engine includes only what DESIGN.md allows"
