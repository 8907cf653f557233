#!/usr/bin/env bash
# CLI end-to-end test of the M2DMRT registration exchange (docs/m2dmrt-registration.md):
# `verity-cli m2dmrt-agent` (pay.test) and `verity-cli m2dmrt-register` (shop.test) over loopback
# HTTPS with mutual TLS and self-signed certificates made here; both sides must print the same pair
# of zone lines; an untrusted client and a peer URL with the wrong name must fail.
#   tests/dns/registration.sh [path/to/verity-cli]
set -euo pipefail
CLI=${1:-${VERITY_CLI:-build/verity-cli}}
W=$(mktemp -d)
AGENT_PID=
cleanup() { [ -n "$AGENT_PID" ] && kill "$AGENT_PID" 2>/dev/null; rm -rf "$W"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

for h in shop pay other; do
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$W/$h.key" -out "$W/$h.pem" \
    -days 2 -subj "/CN=$h.test" -addext "subjectAltName=DNS:$h.test" 2>/dev/null
done

start_agent() {  # start_agent PEER_CA
  rm -f "$W/port"
  "$CLI" m2dmrt-agent --host pay.test --cert "$W/pay.pem" --key "$W/pay.key" --listen 127.0.0.1:0 \
    --port-file "$W/port" --peer-ca "$1" --once --out "$W/outB" --max-connections 4 --idle-timeout-ms 10000 \
    >"$W/agent.out" 2>"$W/agent.err" &
  AGENT_PID=$!
  for _ in $(seq 100); do [ -s "$W/port" ] && return 0; sleep 0.1; done
  fail "agent did not start: $(cat "$W/agent.err")"
}
register() {  # register CA [extra args]
  local ca=$1; shift
  "$CLI" m2dmrt-register --host shop.test --cert "$W/shop.pem" --key "$W/shop.key" --peer pay.test \
    --peer-url "https://127.0.0.1:$(cat "$W/port")/m2dmrt/register" --ca "$ca" --out "$W/outA" "$@"
}

# 1. The exchange completes and both sides hold the same two records.
start_agent "$W/shop.pem"
register "$W/pay.pem" >"$W/register.out" || fail "register failed"
wait "$AGENT_PID" || fail "agent failed: $(cat "$W/agent.err")"
AGENT_PID=
[ "$(grep -c ' IN TXT ' "$W/register.out")" = 2 ] || fail "expected two zone lines"
diff <(sort "$W/register.out") <(sort "$W/agent.out") >/dev/null || fail "sides disagree"
diff -r "$W/outA" "$W/outB" >/dev/null || fail "written records differ"
grep -q '_m2dmrt.shop.test. 300 IN TXT "v=M2DMRT1; d=shop.test; p=pay.test;' "$W/outA/shop.test.pay.test.m2dmrt.zone" ||
  fail "shop.test record"
grep -q '_m2dmrt.pay.test. 300 IN TXT "v=M2DMRT1; d=pay.test; p=shop.test;' "$W/outA/pay.test.shop.test.m2dmrt.zone" ||
  fail "pay.test record"

# 2. The agent does not trust the client certificate: no records.
rm -rf "$W/outA" "$W/outB"
start_agent "$W/other.pem"
if register "$W/pay.pem" >/dev/null 2>&1; then fail "untrusted client registered"; fi
kill "$AGENT_PID" 2>/dev/null; wait "$AGENT_PID" 2>/dev/null || true; AGENT_PID=
[ ! -e "$W/outA" ] && [ ! -e "$W/outB" ] || fail "records written after a failure"

# 3. A expects another name than the agent's certificate.
start_agent "$W/shop.pem"
if "$CLI" m2dmrt-register --host shop.test --cert "$W/shop.pem" --key "$W/shop.key" --peer other.test \
  --peer-url "https://127.0.0.1:$(cat "$W/port")/m2dmrt/register" --ca "$W/pay.pem" >/dev/null 2>&1; then
  fail "registered with a misnamed peer"
fi
echo "registration.sh: OK"
