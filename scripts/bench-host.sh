#!/usr/bin/env bash
# Host throughput benchmark (docs/performance.md): builds Release in build-bench/ and runs
# bench_host_pipe (verdicts/s through the real verity-host over pipes, in-process dispatch,
# manifest load for 1,000 and 10,000 entries), plus bench_manifest when it exists.
# Usage: scripts/bench-host.sh [extra Google Benchmark flags]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${VERITY_BENCH_BUILD:-$root/build-bench}"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DVERITY_WERROR=ON >/dev/null
targets=(verity-host bench_host_pipe)
if grep -q "bench_manifest" "$build/Makefile" 2>/dev/null; then targets+=(bench_manifest); fi
cmake --build "$build" --target "${targets[@]}" -j"$(nproc)"
echo "# machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(uname -sr)"
echo "# date: $(date -u +%Y-%m-%dT%H:%MZ)"
VERITY_HOST_BIN="$build/verity-host" "$build/tests/bench/bench_host_pipe" --benchmark_min_time=2 "$@"
if [[ -x "$build/tests/bench/bench_manifest" ]]; then
  "$build/tests/bench/bench_manifest" "$@"
fi
