#!/usr/bin/env bash
# Runs every test of the project (README's test command; .ci/run calls exactly this):
#   1. lint: clang-format, shellcheck, ESLint + circular imports (tests/lint/run.sh)
#   2. Release build + CTest (labels unit, vectors, e2e, tools)
#   3. extension unit tests (node --test tests/extension-unit)
#   4. ASan + UBSan build + CTest
#   5. libFuzzer targets (clang), each for a short time (VERITY_FUZZ_SECONDS, default 20)
#   6. browser tests (Chromium + Firefox ESR), the package test (tests/install/deb.sh) and the
#      DNSSEC test bed, where present
#
#   scripts/test.sh --quick   the developer loop: no package installs, Release build, CTest label
#                             `unit`, extension unit tests (under 3 minutes on the 2-vCPU machine
#                             with a warm ccache: 7-13 s when nothing changed)
#   scripts/test.sh [--quick] --fresh-debian   adds tests/install/fresh_debian.sh: the .deb on a
#                             fresh debootstrap'ed Debian 12 root (root, network; ~2 min warm, more the
#                             first time; not in the default run)
# Ends with one line "verity: N passed, N failed"; exits non-zero if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
quick=0 fresh_debian=0
for arg in "$@"; do
  case "$arg" in
    --quick) quick=1 ;;
    --fresh-debian) fresh_debian=1 ;;
    *) echo "usage: scripts/test.sh [--quick] [--fresh-debian]" >&2; exit 2 ;;
  esac
done
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
if [ $quick = 0 ]; then
  deps_args=()
  [ $want_browser = 1 ] && deps_args+=(--browser)
  [ $want_dns = 1 ] && deps_args+=(--dns)
  bash scripts/deps.sh "${deps_args[@]}" || { echo "verity: 0 passed, 1 failed"; exit 1; }
fi

build() {  # build DIR CMAKE_ARGS...
  local dir=$1; shift
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release -DVERITY_TESTS=ON "$@" >"$dir.cmake.log" 2>&1 || { cat "$dir.cmake.log"; return 1; }
  cmake --build "$dir" -j"$JOBS" 2>&1 | grep -E "error|warning|Error" ; test "${PIPESTATUS[0]}" = 0
}
ctest_in() { local dir=$1; shift; (cd "$dir" && ctest --output-on-failure --no-tests=error -j"$JOBS" --timeout 600 "$@"); }
extension_unit() { node --test tests/extension-unit/; }
finish() {
  [ $fresh_debian = 1 ] && stage "package on a fresh Debian 12 root (--fresh-debian)" bash tests/install/fresh_debian.sh "$ROOT/build"
  echo
  for f in "${failures[@]}"; do echo "failed stage: $f"; done
  echo "verity: $passed passed, $failed failed"
  [ $failed = 0 ]
}

if [ $quick = 1 ]; then
  mkdir -p build
  launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
  stage "build (Release, -Werror)" build build "${launcher[@]}"
  stage "ctest -L unit (Release)" ctest_in build -L unit
  stage "extension unit tests" extension_unit
  finish
  exit
fi

stage "lint" bash tests/lint/run.sh
mkdir -p build
stage "build (Release, -Werror)" build build
stage "ctest (Release)" ctest_in build
stage "extension unit tests" extension_unit

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
    # Two statements: in one `local`, $name would still be the previous target's.
    local name=${f##*/fuzz_}
    local corpus="build-fuzz/corpus/$name"
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

stage "standalone: repository copied alone passes its unit tests" bash tests/standalone/run.sh
[ -f tests/install/run.sh ] && stage "install test" bash tests/install/run.sh "$ROOT/build"
[ $want_browser = 1 ] && stage "browser tests" bash tests/browser/run.sh "$ROOT/build"
# The .deb in an overlay copy of this machine: apt install, headed policy-installed Chromium and
# Firefox ESR under Xvfb (installType admin, first visit, restarts), purge leaves nothing (issue #13).
[ $want_browser = 1 ] && stage "package test (.deb, headed browsers)" bash tests/install/deb.sh "$ROOT/build"
[ $want_dns = 1 ] && stage "dns test bed" bash tests/dns/run.sh "$ROOT/build"

finish
