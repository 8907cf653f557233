# shellcheck shell=bash
# What the browser benchmarks share (scripts/bench-pageload.sh, scripts/bench-repeat.sh).
#   bench_main NAME SCRIPT DEFAULT_N DEFAULT_PROTOCOLS [N] [chromium|firefox ...]
# From the repository root: finds verity-host ($VERITY_HOST_BIN, else ${BUILD_DIR:-build}/verity-host;
# exits naming NAME if there is none), installs tests/browser's npm tooling if missing, then runs
# `node SCRIPT HOST N browsers...` in tests/browser once per protocol in $PROTOCOLS (else
# DEFAULT_PROTOCOLS; http1 | http2, passed as BENCH_HTTP2=0|1).
bench_main() {
  local name=$1 script=$2 n=${5:-$3} protocols=${PROTOCOLS:-$4} host hostpath proto
  shift 4
  shift || true
  cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
  host=${VERITY_HOST_BIN:-${BUILD_DIR:-build}/verity-host}
  [ -x "$host" ] || { echo "$name: no verity-host at $host (build it or set VERITY_HOST_BIN)" >&2; exit 1; }
  [ -d tests/browser/node_modules/playwright-core ] ||
    (cd tests/browser && PUPPETEER_SKIP_DOWNLOAD=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent)
  hostpath=$(realpath "$host")
  cd tests/browser || exit 1
  for proto in $protocols; do
    # The site server prints a traceback when a browser drops a connection early; keep only our lines.
    BENCH_HTTP2=$([ "$proto" = http2 ] && echo 1 || echo 0) node "$script" "$hostpath" "$n" "$@" \
      2> >(grep -vE '^(  |Traceback|-{10}|Exception|ssl\.|BrokenPipe|ConnectionReset)' >&2)
  done
}
