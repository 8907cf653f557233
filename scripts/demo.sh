#!/usr/bin/env bash
# Verity demo (tests/browser/demo.mjs): in headless Chromium with the extension and the native host,
# a valid app and its tampered twin (integrity), then transparency: the block page when no service
# is trusted, `verity-cli trust` set-up, a proof cosigned by two witnesses (verified), a broken
# proof, a newer publication, a rollback and a fresh tombstone (blocked). Prints the story (also
# artifacts/demo/story.txt), saves a screenshot per step, the popup and the exported log there.
#   scripts/demo.sh            (env: BUILD_DIR=build or VERITY_HOST_BIN=/path/to/verity-host,
#                               VERITY_CLI_BIN=/path/to/verity-cli, ARTIFACTS=folder)
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
cd tests/browser
node demo.mjs "$host" 2> >(grep -vE '^(  |Traceback|-{10}|Exception|ssl\.|BrokenPipe|ConnectionReset)' >&2)
