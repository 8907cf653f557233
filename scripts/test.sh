#!/usr/bin/env bash
# Runs every test of the project (README's test command; .ci/run calls exactly this):
#   1. Release build + CTest (unit tests per module, vectors, host end-to-end over pipes)
#   2. ASan + UBSan build + CTest
#   3. libFuzzer targets (clang), each for a short time (VERITY_FUZZ_SECONDS, default 20)
#   4. browser tests (Chromium + Firefox ESR) and the DNSSEC test bed, where present
# Ends with one line "verity: N passed, N failed"; exits non-zero if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
JOBS=${JOBS:-$(nproc)}
FUZZ_SECONDS=${VERITY_FUZZ_SECONDS:-20}
passed=0 failed=0 failures=()

stage() {  # stage NAME CMD...
  local name=$1; shift
  echo "=== $name"
  local t0=$SECONDS
  if "$@"; then
    passed=$((passed + 1)); echo "=== $name: ok ($((SECONDS - t0)) s)"
  else
    failed=$((failed + 1)); failures+=("$name"); echo "=== $name: FAILED ($((SECONDS - t0)) s)"
  fi
}

want_browser=0 want_dns=0
[ -f tests/browser/run.sh ] && want_browser=1
[ -f tests/dns/run.sh ] && want_dns=1
deps_args=()
[ $want_browser = 1 ] && deps_args+=(--browser)
[ $want_dns = 1 ] && deps_args+=(--dns)
bash scripts/deps.sh "${deps_args[@]}" || { echo "verity: 0 passed, 1 failed"; exit 1; }

build() {  # build DIR CMAKE_ARGS...
  local dir=$1; shift
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release -DVERITY_TESTS=ON "$@" >"$dir.cmake.log" 2>&1 || { cat "$dir.cmake.log"; return 1; }
  cmake --build "$dir" -j"$JOBS" 2>&1 | grep -E "error|warning|Error" ; test "${PIPESTATUS[0]}" = 0
}
ctest_in() { (cd "$1" && ctest --output-on-failure --no-tests=error -j"$JOBS" --timeout 600); }

mkdir -p build
stage "build (Release, -Werror)" build build
stage "ctest (Release)" ctest_in build

mkdir -p build-asan
stage "build (ASan+UBSan)" build build-asan -DVERITY_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
ctest_sanitized() {
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest_in "$1"
}
stage "ctest (ASan+UBSan)" ctest_sanitized build-asan

run_fuzzers() {
  local ok=0 n=0
  for f in build-fuzz/fuzz_*; do
    [ -x "$f" ] || continue
    local name=${f##*/fuzz_} corpus="build-fuzz/corpus/$name"
    mkdir -p "$corpus"
    [ -d "tests/fuzz/corpus/$name" ] && cp -n tests/fuzz/corpus/$name/* "$corpus/" 2>/dev/null
    n=$((n + 1))
    if "$f" -max_total_time="$FUZZ_SECONDS" -timeout=5 -rss_limit_mb=2048 -print_final_stats=0 \
         -artifact_prefix=build-fuzz/ "$corpus" >"build-fuzz/$name.log" 2>&1; then
      echo "fuzz $name: ok ($(grep -o 'cov: [0-9]*' "build-fuzz/$name.log" | tail -1))"
    else
      echo "fuzz $name: FAILED"; tail -40 "build-fuzz/$name.log"; ok=1
    fi
  done
  echo "fuzz: $n targets, ${FUZZ_SECONDS}s each"
  return $ok
}
mkdir -p build-fuzz
stage "build (libFuzzer, clang)" env CC=clang CXX=clang++ bash -c "$(declare -f build); build build-fuzz -DVERITY_FUZZ=ON -DVERITY_WERROR=ON"
stage "fuzz" run_fuzzers

[ -f tests/install/run.sh ] && stage "install test" bash tests/install/run.sh "$ROOT/build"
[ $want_browser = 1 ] && stage "browser tests" bash tests/browser/run.sh "$ROOT/build"
[ $want_dns = 1 ] && stage "dns test bed" bash tests/dns/run.sh "$ROOT/build"

echo
for f in "${failures[@]}"; do echo "failed stage: $f"; done
echo "verity: $passed passed, $failed failed"
[ $failed = 0 ]
