#!/usr/bin/env bash
# Repeat-visit benchmark (issue #12): a realistic app page with the HTTP cache in use, second and
# later visits, verifying vs no extension vs the interception floor, both browsers; counts the
# verdicts of each verifying visit and prints verdict latency median / p95 (tests/browser/bench_repeat.mjs).
#   scripts/bench-repeat.sh [N] [chromium|firefox ...]
#   env: BUILD_DIR, VERITY_HOST_BIN, PROTOCOLS="http1 http2" (subset; default http2)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10}; shift || true
host=${VERITY_HOST_BIN:-${BUILD_DIR:-build}/verity-host}
[ -x "$host" ] || { echo "bench-repeat: no verity-host at $host (build it or set VERITY_HOST_BIN)" >&2; exit 1; }
[ -d tests/browser/node_modules/playwright-core ] ||
  (cd tests/browser && PUPPETEER_SKIP_DOWNLOAD=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent)
hostpath=$(realpath "$host")
cd tests/browser
for proto in ${PROTOCOLS:-http2}; do
  BENCH_HTTP2=$([ "$proto" = http2 ] && echo 1 || echo 0) node bench_repeat.mjs "$hostpath" "$N" "$@" \
    2> >(grep -vE '^(  |Traceback|-{10}|Exception|ssl\.|BrokenPipe|ConnectionReset)' >&2)
done
