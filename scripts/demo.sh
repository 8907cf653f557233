#!/usr/bin/env bash
# Verity demo (tests/browser/demo.mjs): in headless Chromium with the extension and the native host,
# a valid app and its tampered twin (integrity), then transparency: the block page when no service
# is trusted, `verity-cli trust` set-up, a proof cosigned by two witnesses (verified), a broken
# proof, a newer publication, a rollback and a fresh tombstone (blocked); the same in Firefox ESR
# (DEMO_FIREFOX=0: not); M2DMRT hops over the DNSSEC test bed. Prints the story (also
# artifacts/demo/story.txt), saves a screenshot per step, the popup and the exported log there.
#   scripts/demo.sh            (env: BUILD_DIR=build or VERITY_HOST_BIN=/path/to/verity-host,
#                               VERITY_CLI_BIN=/path/to/verity-cli, ARTIFACTS=folder,
#                               DEMO_FIREFOX=0 / DEMO_M2DMRT=0 to leave a part out)
set -euo pipefail
cd "$(dirname "$0")/.."
host=${VERITY_HOST_BIN:-${BUILD_DIR:-build}/verity-host}
[ -x "$host" ] || { echo "demo: no verity-host at $host (cmake --build build --target verity-host, or set VERITY_HOST_BIN)" >&2; exit 1; }
[ -d tests/browser/node_modules/playwright-core ] ||
  (cd tests/browser && PUPPETEER_SKIP_DOWNLOAD=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --silent)
export ARTIFACTS=${ARTIFACTS:-$(pwd)/artifacts/demo}
host=$(realpath "$host")
# verity-cli makes the demo's publications and its trust set-up: next to the host (a build folder),
# else the one on PATH (an installed host lives in lib/verity/, the CLI in bin/).
if [ -z "${VERITY_CLI_BIN:-}" ]; then
  if [ -x "$(dirname "$host")/verity-cli" ]; then VERITY_CLI_BIN="$(dirname "$host")/verity-cli"; else VERITY_CLI_BIN="$(command -v verity-cli || true)"; fi
fi
[ -x "$VERITY_CLI_BIN" ] || { echo "demo: no verity-cli next to $host or on PATH (set VERITY_CLI_BIN)" >&2; exit 1; }
export VERITY_CLI_BIN
repo=$(pwd)
build_dir=$(realpath "${BUILD_DIR:-build}" 2>/dev/null || echo "${BUILD_DIR:-build}")
cd tests/browser
rc=0
node demo.mjs "$host" 2> >(grep -vE '^(  |Traceback|-{10}|Exception|ssl\.|BrokenPipe|ConnectionReset)' >&2) || rc=$?

# 7. M2DMRT provider hops against the DNSSEC test bed (NSD + signed zones, tests/dns/lib.sh), in the
#    same headless Chromium setup (tests/browser/m2dmrt.test.mjs, screenshots of the outcomes). The
#    bed needs a build with tests (its zone maker dns_testbed) and nsd, unbound, ldns, drill.
{
  echo
  echo "#### 7. M2DMRT: checkout hops from shop.test to providers, over DNSSEC-signed declarations"
} | tee -a "$ARTIFACTS/story.txt"
missing=""
for t in nsd unbound ldns-signzone drill certutil cmake; do command -v "$t" >/dev/null || missing="$missing $t"; done
# The bed's zone maker (dns_testbed) comes with a build that has tests; an installed Verity was built
# without them, so the demo configures its own (build-demo/, the first time takes a few minutes).
if [ -z "$missing" ] && [ "${DEMO_M2DMRT:-1}" != 0 ] && ! grep -qs '^VERITY_TESTS:BOOL=ON' "$build_dir/CMakeCache.txt"; then
  build_dir="$repo/build-demo"
  echo "   (configuring $build_dir with tests for the test bed's zone maker)"
  cmake -S "$repo" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DVERITY_TESTS=ON >"$ARTIFACTS/build-demo.log" 2>&1 ||
    echo "   cmake failed, see $ARTIFACTS/build-demo.log"
fi
if [ "${DEMO_M2DMRT:-1}" = 0 ]; then
  echo "   skipped (DEMO_M2DMRT=0)" | tee -a "$ARTIFACTS/story.txt"
elif [ -n "$missing" ]; then
  echo "   skipped: missing$missing (scripts/deps.sh --browser --dns)" | tee -a "$ARTIFACTS/story.txt"
elif ! grep -qs '^VERITY_TESTS:BOOL=ON' "$build_dir/CMakeCache.txt"; then
  echo "   skipped: no build with tests for the test bed's zone maker ($build_dir)" | tee -a "$ARTIFACTS/story.txt"
else
  # shellcheck source=tests/dns/lib.sh
  source "$repo/tests/dns/lib.sh"
  bed=$(mktemp -d /tmp/verity-demo-bed.XXXXXX)
  trap 'testbed_stop; rm -rf "$bed"' EXIT
  if testbed_setup "$build_dir" "$bed" >"$bed/setup.log" 2>&1 && testbed_start >>"$bed/setup.log" 2>&1; then
    M2DMRT_TESTBED=$bed M2DMRT_AUTH_PORT=$AUTH_PORT M2DMRT_SHOTS=$ARTIFACTS timeout 240 node m2dmrt.test.mjs chromium "$host" 2>/dev/null |
      sed -n 's/^ok - chromium-m2dmrt: \(.*\) ([0-9]* ms)$/   as expected: \1/p; s/^not ok - chromium-m2dmrt: \(.*\)/   !! unexpected: \1/p; s/^chromium-m2dmrt: /   /p' |
      tee -a "$ARTIFACTS/story.txt"
    [ "${PIPESTATUS[0]}" = 0 ] || rc=1
    echo "   screenshots: m2dmrt-*.png" | tee -a "$ARTIFACTS/story.txt"
  else
    tail -n 5 "$bed/setup.log"; echo "   the DNSSEC test bed did not start" | tee -a "$ARTIFACTS/story.txt"; rc=1
  fi
fi
exit $rc
