# shellcheck shell=bash
# Checks shared by the operator-CLI tests (tests/tools/*.sh): each runs a verity-cli command with
# its stdout in out.txt and stderr in err.txt (in the test's temporary folder) and counts in PASS.
#   source "$(cd "$(dirname "$0")" && pwd)/lib.sh"
#   cli_test_start NAME.sh "$@"
PASS=0
# cli_test_start <script name> <verity-cli>: CLI is the binary (else a usage error), T a temporary
# folder removed at exit and the current folder from here on, NOW the fixed time the tests verify at.
# shellcheck disable=SC2034  # CLI and NOW are read by the test that sources this
cli_test_start() {
  CLI=${2:?usage: $1 <verity-cli>}
  T=$(mktemp -d)
  trap 'rm -rf "$T"' EXIT
  cd "$T" || exit 1
  NOW=1763900000
}
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { PASS=$((PASS + 1)); }
# expect_ok <cmd...>: must exit 0.
expect_ok() { "$@" > out.txt 2> err.txt || { cat err.txt >&2; fail "expected success: $*"; }; ok; }
# expect_fail <error code> <cmd...>: must exit non-zero and name the code.
expect_fail() {
  local code=$1
  shift
  if "$@" > out.txt 2> err.txt; then fail "expected $code, succeeded: $*"; fi
  grep -q "verity-cli: $code:" err.txt || { cat err.txt >&2; fail "expected $code: $*"; }
  ok
}
# expect_exit <error code> <exit status> <cmd...>: exits with that status, stderr "verity-cli: <code>:".
expect_exit() {
  local code=$1 want=$2 rc=0
  shift 2
  "$@" > out.txt 2> err.txt || rc=$?
  [[ $rc == "$want" ]] || { cat err.txt >&2; fail "expected exit $want ($code), got $rc: $*"; }
  grep -q "^verity-cli: $code:" err.txt || { cat err.txt >&2; fail "expected $code: $*"; }
  ok
}
# expect_refused <text> <cmd...>: must exit non-zero with a message containing text.
expect_refused() {
  local text=$1
  shift
  if "$@" > out.txt 2> err.txt; then fail "expected refusal, succeeded: $*"; fi
  grep -q -- "$text" err.txt || { cat err.txt >&2; fail "expected '$text': $*"; }
  ok
}
