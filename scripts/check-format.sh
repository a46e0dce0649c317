#!/usr/bin/env bash
# Checks that every C++ source under version control is laid out as .clang-format says
# (clang-format 14, the version Debian 12 ships). Prints each file that differs and exits 1;
# exits 0 when the tree is clean. Fix a file with: clang-format-14 -i FILE
# Usage: scripts/check-format.sh [ROOT]   (ROOT: a git checkout, default this repository)
set -euo pipefail
root=${1:-"$(cd "$(dirname "$0")/.." && pwd)"}
fmt=$(command -v clang-format-14 || command -v clang-format || true)
if [[ -z "$fmt" ]]; then
  echo "check-format: clang-format-14 is not installed (scripts/install-deps.sh installs it)" >&2
  exit 2
fi
cd "$root"
bad=0
while IFS= read -r -d '' f; do
  if ! "$fmt" --dry-run -Werror --style=file "$f" >/dev/null 2>&1; then
    echo "check-format: $f is not formatted (clang-format-14 -i $f)"
    bad=1
  fi
done < <(git ls-files -z -- '*.cpp' '*.h' '*.hpp' '*.cc')
if ((bad)); then exit 1; fi
echo "check-format: all C++ sources match .clang-format"
