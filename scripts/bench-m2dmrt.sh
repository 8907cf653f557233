#!/usr/bin/env bash
# Benchmark (not a test): cold and warm M2DMRT mutual-check latency on the local DNSSEC test bed
# (NSD + Unbound on loopback), over libunbound and over DoH. Builds Release into build/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh --dns >/dev/null
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
BENCH=1 bash tests/dns/run.sh build | grep -E '^bench|passed'
