#!/usr/bin/env bash
# Page-load overhead of the Verity extension: loads a 50-resource page (tests/browser/site,
# bench.html) N times with the extension verifying, with the extension installed but the site
# switched off, with no extension, and with only the browser's interception mechanism (the "floor":
# tests/browser/floor/, no hashing, no host), in interleaved rounds, in headless Chromium and Firefox ESR,
# served over HTTP/1.0 (site/server.py) and over HTTP/2 (site/server_h2.mjs); prints the medians
# and the overhead ratios as Markdown tables (for docs/performance.md).
#   scripts/bench-pageload.sh [N] [chromium|firefox ...]
#   env: BUILD_DIR, VERITY_HOST_BIN, PROTOCOLS="http1 http2" (subset)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-15}; shift || true
host=${VERITY_HOST_BIN:-${BUILD_DIR:-build}/verity-host}
[ -x "$host" ] || { echo "bench-pageload: no verity-host at $host (build it or set VERITY_HOST_BIN)" >&2; exit 1; }
[ -d tests/browser/node_modules/playwright-core ] ||
  (cd tests/browser && PUPPETEER_SKIP_DOWNLOAD=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent)
cd tests/browser
# The site server prints a traceback when a browser drops a connection early; keep only our lines.
hostpath=$(cd - >/dev/null && realpath "$host")
for proto in ${PROTOCOLS:-http1 http2}; do
  BENCH_HTTP2=$([ "$proto" = http2 ] && echo 1 || echo 0) node bench.mjs "$hostpath" "$N" "$@" \
    2> >(grep -vE '^(  |Traceback|-{10}|Exception|ssl\.|BrokenPipe|ConnectionReset)' >&2)
done
