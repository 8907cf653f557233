#!/usr/bin/env bash
# M2DMRT over a real DNSSEC test bed: NSD (authoritative, zones signed with ldns-signzone) and
# Unbound (validating resolver with a DoH endpoint), on free loopback ports, stopped by PID.
#   bash tests/dns/run.sh BUILD_DIR
# Zones: shop/pay (mutual), solo (declares nothing), tamper (declaration changed after signing),
# old (RRSIGs expired in 2020), insecure (no DS in the parent), late (expired declarations); zone
# building and starting: tests/dns/lib.sh (shared with the browser tests).
# Every case runs over libunbound (local validation) and over DoH; both must agree.
set -euo pipefail
BUILD=$(cd "${1:?usage: run.sh BUILD_DIR}" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d /tmp/verity-dns.XXXXXX)
source "$HERE/lib.sh"
cleanup() {
  testbed_stop
  [ -n "${KEEP:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

testbed_setup "$BUILD" "$WORK"
CLI=$TESTBED_CLI
testbed_start
rc=0
echo "--- libunbound, local validation (stub test. -> NSD 127.0.0.1@$AUTH_PORT)"
"$BUILD/tests/dns/dns_testbed" check "$WORK" unbound "127.0.0.1@$AUTH_PORT" | tee "$WORK/unbound.txt" || rc=1
echo "--- DNS-over-HTTPS to Unbound (https://127.0.0.1:$DOH_PORT/dns-query)"
"$BUILD/tests/dns/dns_testbed" check "$WORK" doh "https://127.0.0.1:$DOH_PORT/dns-query" "$WORK/tls/cert.pem" | tee "$WORK/doh.txt" || rc=1
echo "--- operator CLI: m2dmrt-check on declarations made by m2dmrt-declare"
cli_check() {  # expected-exit dest args...
  local want=$1 dest=$2; shift 2
  local got=0
  "$CLI" m2dmrt-check --origin shop.test --dest "$dest" --origin-cert "$WORK/keys/shop.test.pub" "$@" > "$WORK/cli.out" 2>&1 || got=$?
  if [ "$got" = "$want" ]; then echo "ok   verity-cli m2dmrt-check exit $got: $(head -1 "$WORK/cli.out")"
  else echo "FAIL verity-cli m2dmrt-check exit $got (want $want)"; cat "$WORK/cli.out"; rc=1; fi
}
UB=(--no-root-anchors --anchor "$WORK/keys/test.anchor" --stub "test.=127.0.0.1@$AUTH_PORT" --transparent test.)
DOH=(--transport doh --doh-url "https://127.0.0.1:$DOH_PORT/dns-query" --doh-ca "$WORK/tls/cert.pem")
cli_check 0 cli.test --dest-cert "$WORK/keys/cli.test.pub" "${UB[@]}"
cli_check 0 cli.test --dest-cert "$WORK/keys/cli.test.pub" "${DOH[@]}"
cli_check 3 cli.test --dest-cert "$WORK/keys/shop.test.pub" "${UB[@]}"   # wrong observed key
cli_check 3 cli.test --dest-cert "$WORK/keys/shop.test.pub" "${DOH[@]}"
cli_check 3 one.test --dest-cert "$WORK/keys/one.test.pub" "${UB[@]}"   # one-sided
# Both transports must reach the same state in every case.
if ! diff <(grep -E '^(ok|FAIL)' "$WORK/unbound.txt" | sed 's/\[.*//') <(grep -E '^(ok|FAIL)' "$WORK/doh.txt" | sed 's/\[.*//'); then
  echo "transports disagree"; rc=1
fi
echo "--- verity-host m2dmrt_check over native messaging (config: stub test. -> NSD, anchor test.)"
cmake --build "$BUILD" --target verity-host -j2 >/dev/null
node "$HERE/host_check.mjs" "$BUILD/verity-host" "$WORK" "$AUTH_PORT" || rc=1
echo "--- M2DMRT registration exchange between two agents (loopback HTTPS, mutual TLS)"
bash "$HERE/registration.sh" "$CLI" || rc=1
if [ -n "${BENCH:-}" ]; then
  "$BUILD/tests/dns/dns_testbed" bench "$WORK" unbound "127.0.0.1@$AUTH_PORT" || rc=1
  "$BUILD/tests/dns/dns_testbed" bench "$WORK" doh "https://127.0.0.1:$DOH_PORT/dns-query" "$WORK/tls/cert.pem" || rc=1
fi
exit $rc
