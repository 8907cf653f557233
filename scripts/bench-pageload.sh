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
# shellcheck source=scripts/lib/bench_common.sh
. "$(dirname "$0")/lib/bench_common.sh"
bench_main bench-pageload bench.mjs 15 "http1 http2" "$@"
