#!/usr/bin/env bash
# Repeat-visit benchmark (issue #12): a realistic app page with the HTTP cache in use, second and
# later visits, verifying vs no extension vs the interception floor, both browsers; counts the
# verdicts of each verifying visit and prints verdict latency median / p95 (tests/browser/bench_repeat.mjs).
#   scripts/bench-repeat.sh [N] [chromium|firefox ...]
#   env: BUILD_DIR, VERITY_HOST_BIN, PROTOCOLS="http1 http2" (subset; default http2),
#        BENCH_BEFORE=DIR (an older extension/ as a further Chromium), BENCH_SITE=noimg (images unlisted)
set -euo pipefail
# shellcheck source=scripts/lib/bench_common.sh
. "$(dirname "$0")/lib/bench_common.sh"
bench_main bench-repeat bench_repeat.mjs 10 "http2" "$@"
