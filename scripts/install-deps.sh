#!/usr/bin/env bash
# Installs the Debian 12 packages CommunityTwin builds and runs with. Needs root or sudo.
# Skips apt entirely when every package is already installed.
set -euo pipefail

packages=(
  cmake ninja-build g++ pkg-config
  libopenscenegraph-dev openscenegraph
  libgdal-dev gdal-bin libproj-dev proj-bin
  libimgui-dev catch2 nlohmann-json3-dev libsqlite3-dev libtinygltf-dev
  libmosquitto-dev mosquitto mosquitto-clients openssl
  libegl-dev libgl1-mesa-dri libglx-mesa0 libegl-mesa0 xvfb xauth
  fonts-noto-cjk fonts-dejavu-core
  postgresql-15 postgresql-15-pgrouting libpq-dev
  libnova-dev libembree-dev
  clang-14 clang-format-14 libfuzzer-14-dev libclang-rt-14-dev
  libavcodec-dev libavformat-dev libswscale-dev libavutil-dev ffmpeg
  chromium poppler-utils
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
