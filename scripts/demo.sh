#!/usr/bin/env bash
# Verity demo: serves the local HTTPS demo site (a valid app and its tampered twin), opens both in
# headless Chromium with the extension and the native host, prints each verdict, and saves
# screenshots of the pages, the popup and the block page into artifacts/demo/.
#   scripts/demo.sh            (env: BUILD_DIR=build or VERITY_HOST_BIN=/path/to/verity-host)
set -euo pipefail
cd "$(dirname "$0")/.."
host=${VERITY_HOST_BIN:-${BUILD_DIR:-build}/verity-host}
[ -x "$host" ] || { echo "demo: no verity-host at $host (cmake --build build --target verity-host, or set VERITY_HOST_BIN)" >&2; exit 1; }
[ -d tests/browser/node_modules/playwright-core ] ||
  (cd tests/browser && PUPPETEER_SKIP_DOWNLOAD=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent)
export ARTIFACTS=${ARTIFACTS:-$(pwd)/artifacts/demo}
host=$(realpath "$host")
cd tests/browser
node demo.mjs "$host" 2> >(grep -vE '^(  |Traceback|-{10}|Exception|ssl\.|BrokenPipe|ConnectionReset)' >&2)
