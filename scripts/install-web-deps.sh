#!/usr/bin/env bash
# Installs the npm packages of the web export (web/package.json, pinned by web/package-lock.json:
# cesium, whose Build/Cesium folder `twin export` copies beside each page, and gltf-validator, the
# Khronos glTF validator the tests run) into web/node_modules with `npm ci`.
# Never fails the build for a missing npm or an unreachable registry: it says so on stderr and
# exits 0; the tests that need the packages then report themselves skipped, with the reason.
# Skips npm when web/node_modules was installed from the same package-lock.json.
set -uo pipefail
cd "$(dirname "$0")/../web"
stamp=node_modules/.twin-package-lock.json
if [[ -f $stamp ]] && cmp -s package-lock.json "$stamp"; then
  echo "install-web-deps: web/node_modules is up to date"
  exit 0
fi
if ! command -v npm >/dev/null; then
  echo "install-web-deps: npm not found (Debian package npm): no CesiumJS for twin export's page;" \
       "the web export tests that need web/node_modules will be skipped" >&2
  exit 0
fi
if ! timeout 600 npm ci --no-audit --no-fund --ignore-scripts --loglevel=error --fetch-retries=1 --fetch-timeout=60000; then
  echo "install-web-deps: npm ci failed (no network or registry?): no CesiumJS for twin export's page;" \
       "the web export tests that need web/node_modules will be skipped" >&2
  exit 0
fi
cp package-lock.json "$stamp"
echo "install-web-deps: installed $(node -p 'require("cesium/package.json").version' 2>/dev/null || echo '?') cesium" \
     "and $(node -p 'require("gltf-validator/package.json").version' 2>/dev/null || echo '?') gltf-validator"
