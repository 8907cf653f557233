#!/usr/bin/env bash
# Proves the repository stands alone: copies the committed tree of HEAD (git archive; nothing
# untracked, no build/, no node_modules/) into an empty temporary folder with nothing beside it (no
# ../shared), configures, builds the unit tests and runs them there with CTest.
#
#   bash tests/standalone/run.sh [REV]      (default REV: HEAD)
#
# Env: STANDALONE_JOBS (default 2), STANDALONE_KEEP=1 keeps the folder, STANDALONE_TESTS (CTest -R
# regex, default '^(unit\.|docs\.)': every unit test and the error-code list check).
# Uses ccache when it is installed (base_dir makes the cache shareable with other checkouts).
# Prints "standalone: N passed, N failed" and exits 1 on any failure.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
rev="${1:-HEAD}"
jobs="${STANDALONE_JOBS:-2}"
tests="${STANDALONE_TESTS:-^(unit\.|docs\.)}"

# An empty parent folder: if anything still reached for ../shared it would find nothing.
parent="$(mktemp -d /tmp/verity-standalone.XXXXXX)"
[ "${STANDALONE_KEEP:-0}" = 1 ] || trap 'rm -rf "$parent"' EXIT
src="$parent/verity"
mkdir "$src"
git -C "$repo" archive --format=tar "$rev" | tar -x -C "$src"
[ -z "$(ls -A "$parent" | grep -v '^verity$')" ] || { echo "standalone: $parent is not empty" >&2; exit 1; }
echo "standalone: $(git -C "$repo" rev-parse --short "$rev") copied to $src ($(find "$src" -type f | wc -l) files)"

# Anything still naming the research folder outside the repository fails the check.
if grep -rIl -e '\.\./shared' -e '/work/shared' "$src" --include=CMakeLists.txt --include='*.cmake' \
  --include='*.sh' --include='*.mjs' --include='*.js' --include='*.py' --include='*.cc' --include='*.h' \
  --exclude-dir=standalone >"$parent/refs.txt"; then
  echo "standalone: FAIL: these files still point outside the repository:" >&2
  sed "s|^$src/|  |" "$parent/refs.txt" >&2
  exit 1
fi

launcher=()
if command -v ccache >/dev/null; then
  export CCACHE_BASEDIR="$parent"
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
cmake -S "$src" -B "$src/build" -DCMAKE_BUILD_TYPE=Release -DVERITY_TESTS=ON "${launcher[@]}" >"$parent/configure.log" ||
  { cat "$parent/configure.log"; echo "standalone: FAIL: cmake configure" >&2; exit 1; }
# The unit test binaries and verity-host (the docs.error_codes check runs it).
targets=(verity-host)
while read -r t; do targets+=("$t"); done < <(cmake --build "$src/build" --target help | sed -n 's/^\.\.\. \(test_[a-z0-9_]*\)$/\1/p')
[ ${#targets[@]} -gt 1 ] || { echo "standalone: FAIL: no test_<module> targets" >&2; exit 1; }
nice -n 10 cmake --build "$src/build" -j"$jobs" --target "${targets[@]}" >"$parent/build.log" 2>&1 ||
  { tail -n 40 "$parent/build.log"; echo "standalone: FAIL: build" >&2; exit 1; }
set +e
(cd "$src/build" && ctest -R "$tests" --output-on-failure -j"$jobs") | tee "$parent/ctest.log"
rc=${PIPESTATUS[0]}
set -e
passed=$(grep -cE 'Test +#[0-9]+: .* Passed' "$parent/ctest.log" || true)
failed=$(grep -cE 'Test +#[0-9]+: .*(Failed|\*\*\*|Not Run)' "$parent/ctest.log" || true)
echo "standalone: $passed passed, $failed failed"
[ "$rc" = 0 ] && [ "$passed" -gt 0 ] || exit 1
