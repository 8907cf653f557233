#!/usr/bin/env bash
# Verity extension tests: node --test unit tests (tests/extension-unit), then the end-to-end
# browser suites (headless Chromium via Playwright, Firefox ESR via puppeteer-core/WebDriver BiDi)
# against a local HTTPS site and the real native host.
#   bash tests/browser/run.sh [BUILD_DIR]      (host: BUILD_DIR/verity-host, or $VERITY_HOST_BIN)
# Env: BROWSERS="chromium firefox" (subset), ARTIFACTS=dir (screenshots; default artifacts/browser).
# Prints "browser: N passed, N failed"; exits non-zero on any failure.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=$(cd "${1:-$repo/build}" && pwd)
host=${VERITY_HOST_BIN:-$build/verity-host}
browsers=${BROWSERS:-chromium firefox}
export ARTIFACTS=${ARTIFACTS:-$repo/artifacts/browser}
mkdir -p "$ARTIFACTS"
passed=0 failed=0

count() {  # count LOGFILE SUITE  — adds the suite's "SUITE: N passed, M failed" line to the totals
  local line
  line=$(grep -E "^$2: [0-9]+ passed, [0-9]+ failed$" "$1" | tail -1)
  if [ -z "$line" ]; then
    echo "browser: suite $2 ended without a summary (crash or timeout)"; failed=$((failed + 1)); return
  fi
  local p f
  p=$(sed -E 's/.*: ([0-9]+) passed.*/\1/' <<<"$line"); f=$(sed -E 's/.*, ([0-9]+) failed/\1/' <<<"$line")
  passed=$((passed + p)); failed=$((failed + f))
}

# suite B KIND SECONDS SCRIPT ARGS... — runs browser B's suite (KIND: "" for B.test.mjs, else e.g.
# "routes": "=== B (routes)", summary "B-routes") in tests/browser under a timeout, and counts it.
# Environment given in front of the call reaches the suite.
suite() {
  local b=$1 kind=$2 secs=$3 log
  shift 3
  log=$(mktemp)
  echo "=== $b${kind:+ ($kind)}"
  (cd "$here" && timeout "$secs" node "$@") 2>&1 | tee "$log"
  count "$log" "$b${kind:+-${kind,,}}"
  rm -f "$log"
}

# 1. extension unit tests (pure modules)
log=$(mktemp)
node --test "$repo/tests/extension-unit/" >"$log" 2>&1
p=$(grep -E '^# pass ' "$log" | awk '{print $3}'); f=$(grep -E '^# fail ' "$log" | awk '{print $3}')
if [ -z "$p" ]; then cat "$log"; failed=$((failed + 1)); else
  [ "${f:-0}" != 0 ] && grep -B2 -A20 '^not ok' "$log"
  echo "extension-unit: $p passed, ${f:-0} failed"; passed=$((passed + p)); failed=$((failed + ${f:-0})); fi
rm -f "$log"

# 2. end-to-end suites
if [ ! -x "$host" ]; then
  echo "browser: verity-host not found at $host (build it, or set VERITY_HOST_BIN)"; failed=$((failed + 1))
  echo "browser: $passed passed, $failed failed"; exit 1
fi
if [ ! -d "$here/node_modules/playwright-core" ] || [ ! -d "$here/node_modules/puppeteer-core" ]; then
  (cd "$here" && PUPPETEER_SKIP_DOWNLOAD=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent) ||
    { echo "browser: npm ci failed"; echo "browser: $passed passed, $((failed + 1)) failed"; exit 1; }
fi
for b in $browsers; do
  case $b in
    chromium) exe=${CHROME:-/usr/bin/chromium} ;;
    firefox) exe=${FIREFOX:-/usr/lib/firefox-esr/firefox-esr} ;;
    *) echo "browser: unknown browser $b"; failed=$((failed + 1)); continue ;;
  esac
  if [ ! -x "$exe" ]; then echo "browser: $b not installed ($exe)"; failed=$((failed + 1)); continue; fi
  suite "$b" "" 420 "$b.test.mjs" "$host"
  # routes.test.mjs: every route by which code could reach an enforced site (issue #9)
  suite "$b" routes 420 routes.test.mjs "$b" "$host"
done

# 3. M2DMRT hop checks against the real DNSSEC test bed (tests/dns/lib.sh: NSD on a free port).
source "$repo/tests/dns/lib.sh"
bed=$(mktemp -d /tmp/verity-m2dmrt-bed.XXXXXX)
trap 'testbed_stop; rm -rf "$bed"' EXIT
if testbed_setup "$build" "$bed" >"$bed/setup.log" 2>&1 && testbed_start >>"$bed/setup.log" 2>&1; then
  for b in $browsers; do
    M2DMRT_TESTBED=$bed M2DMRT_AUTH_PORT=$AUTH_PORT suite "$b" M2DMRT 180 m2dmrt.test.mjs "$b" "$host"
  done
else
  cat "$bed/setup.log"; echo "browser: DNSSEC test bed did not start"; failed=$((failed + 1))
fi
# 4. today's WAICT drafts (issue #10): rework categories, inline code under the synthesised CSP,
#    warn mode, waict-violation reports, request headers, the Firefox format (drafts.test.mjs).
for b in $browsers; do
  suite "$b" drafts 300 drafts.test.mjs "$b" "$host"
done
echo "browser: $passed passed, $failed failed"
[ "$failed" = 0 ]
