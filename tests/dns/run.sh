#!/usr/bin/env bash
# M2DMRT over a real DNSSEC test bed: NSD (authoritative, zones signed with ldns-signzone) and
# Unbound (validating resolver with a DoH endpoint), on free loopback ports, stopped by PID.
#   bash tests/dns/run.sh BUILD_DIR
# Zones: shop/pay (mutual), solo (declares nothing), tamper (declaration changed after signing),
# old (RRSIGs expired in 2020), insecure (no DS in the parent), late (expired declarations).
# Every case runs over libunbound (local validation) and over DoH; both must agree.
set -euo pipefail
BUILD=$(cd "${1:?usage: run.sh BUILD_DIR}" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d /tmp/verity-dns.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  [ -n "${KEEP:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

cmake --build "$BUILD" --target dns_testbed verity-cli -j"$(nproc)" >/dev/null
CLI="$BUILD/verity-cli"
read -r AUTH_PORT RES_PORT DOH_PORT < <(python3 -c '
import socket
s=[socket.socket() for _ in range(3)]
[x.bind(("127.0.0.1",0)) for x in s]
print(*[x.getsockname()[1] for x in s])')

mkdir -p "$WORK/zones" "$WORK/keys" "$WORK/tls"
"$BUILD/tests/dns/dns_testbed" make-zones "$WORK"
# cli.test <-> shop.test: declarations made by the operator CLI (RSA key, rs256).
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$WORK/keys/cli.test.key" 2>/dev/null
openssl pkey -in "$WORK/keys/cli.test.key" -pubout -out "$WORK/keys/cli.test.pub"
openssl pkey -in "$WORK/keys/shop.test.key" -pubout -out "$WORK/keys/shop.test.pub"
"$CLI" m2dmrt-declare --declarer cli.test --key "$WORK/keys/cli.test.key" --peer shop.test --peer-cert "$WORK/keys/shop.test.pub" > "$WORK/zones/cli.test.body"
"$CLI" m2dmrt-declare --declarer shop.test --key "$WORK/keys/shop.test.key" --peer cli.test --peer-cert "$WORK/keys/cli.test.pub" >> "$WORK/zones/shop.test.body"

head_of() { printf '$ORIGIN %s.\n$TTL 300\n@ SOA ns.test. hostmaster.%s. 1 3600 600 86400 300\n@ NS ns.test.\n@ A 127.0.0.1\n' "$1" "$1"; }
SIGNED=(shop.test pay.test solo.test tamper.test old.test late.test cli.test)
cd "$WORK/keys"
for z in "${SIGNED[@]}" insecure.test; do
  { head_of "$z"; sed "s/\._m2dmrt\.$z\. /._m2dmrt /; s/^_m2dmrt /_m2dmrt /" "$WORK/zones/$z.body"; } > "$WORK/zones/$z.zone"
done
for z in "${SIGNED[@]}" test; do ldns-keygen -a ECDSAP256SHA256 -k "$z" > "$z.keyname"; done
for z in shop.test pay.test solo.test tamper.test late.test cli.test; do
  ldns-signzone -o "$z" "$WORK/zones/$z.zone" "$(cat "$z.keyname")"
done
ldns-signzone -o old.test -i 20200101000000 -e 20200201000000 "$WORK/zones/old.test.zone" "$(cat old.test.keyname)"
cp "$WORK/zones/insecure.test.zone" "$WORK/zones/insecure.test.zone.signed"
# Tamper after signing: swap a space and a ';' inside the declaration's rdata (same length). The declaration's own
# signature still verifies; only DNSSEC can tell, and the validator must answer bogus.
sed -i 's/v=M2DMRT1; d=tamper\.test/v=M2DMRT1 ;d=tamper.test/' "$WORK/zones/tamper.test.zone.signed"
grep -q 'M2DMRT1 ;d=tamper' "$WORK/zones/tamper.test.zone.signed" || { echo "tampering step did not apply"; exit 1; }
{ head_of test; echo 'ns A 127.0.0.1'
  for z in "${SIGNED[@]}" insecure.test; do echo "${z%.test} NS ns.test."; done
  for z in "${SIGNED[@]}"; do cat "$(cat "$z.keyname").ds"; done
} > "$WORK/zones/test.zone"
ldns-signzone -o test "$WORK/zones/test.zone" "$(cat test.keyname)"
cp "$(cat test.keyname).ds" "$WORK/keys/test.anchor"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
  -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout "$WORK/tls/key.pem" -out "$WORK/tls/cert.pem" 2>/dev/null

for f in nsd.conf unbound.conf; do
  sed -e "s|@WORK@|$WORK|g" -e "s|@AUTH_PORT@|$AUTH_PORT|g" -e "s|@RES_PORT@|$RES_PORT|g" \
      -e "s|@DOH_PORT@|$DOH_PORT|g" "$HERE/$f.in" > "$WORK/$f"
done
for z in "${SIGNED[@]}" insecure.test test; do
  printf 'zone:\n    name: "%s."\n    zonefile: "%s.zone.signed"\n' "$z" "$z" >> "$WORK/nsd.conf"
done
nsd-checkconf "$WORK/nsd.conf"

wait_port() {
  for _ in $(seq 1 200); do drill -p "$1" @127.0.0.1 test. SOA >/dev/null 2>&1 && return 0; sleep 0.05; done
  echo "port $1 not answering"; return 1
}
cd "$WORK"
nsd -d -c "$WORK/nsd.conf" >"$WORK/nsd.out" 2>&1 & PIDS+=($!)
wait_port "$AUTH_PORT" || { cat "$WORK/nsd.out"; exit 1; }
unbound -d -c "$WORK/unbound.conf" >"$WORK/unbound.out" 2>&1 & PIDS+=($!)
wait_port "$RES_PORT" || { cat "$WORK/unbound.out" "$WORK/unbound.log"; exit 1; }

rc=0
# A zone NSD could not load would make every case in it look like a resolver failure.
if grep -q 'error:' "$WORK/nsd.log" 2>/dev/null; then echo "NSD reported errors:"; grep 'error:' "$WORK/nsd.log"; exit 1; fi
echo "--- libunbound, local validation (stub test. -> NSD 127.0.0.1@$AUTH_PORT)"
"$BUILD/tests/dns/dns_testbed" check "$WORK" unbound "127.0.0.1@$AUTH_PORT" | tee "$WORK/unbound.txt" || rc=1
echo "--- DNS-over-HTTPS to Unbound (https://127.0.0.1:$DOH_PORT/dns-query)"
"$BUILD/tests/dns/dns_testbed" check "$WORK" doh "https://127.0.0.1:$DOH_PORT/dns-query" "$WORK/tls/cert.pem" | tee "$WORK/doh.txt" || rc=1
echo "--- operator CLI: m2dmrt-check on declarations made by m2dmrt-declare"
cli_check() {  # expected-exit transport args...
  local want=$1; shift
  local got=0
  "$CLI" m2dmrt-check --origin shop.test --dest cli.test --origin-cert "$WORK/keys/shop.test.pub" "$@" > "$WORK/cli.out" 2>&1 || got=$?
  if [ "$got" = "$want" ]; then echo "ok   verity-cli m2dmrt-check exit $got: $(head -1 "$WORK/cli.out")"
  else echo "FAIL verity-cli m2dmrt-check exit $got (want $want)"; cat "$WORK/cli.out"; rc=1; fi
}
UB=(--no-root-anchors --anchor "$WORK/keys/test.anchor" --stub "test.=127.0.0.1@$AUTH_PORT" --transparent test.)
DOH=(--transport doh --doh-url "https://127.0.0.1:$DOH_PORT/dns-query" --doh-ca "$WORK/tls/cert.pem")
cli_check 0 --dest-cert "$WORK/keys/cli.test.pub" "${UB[@]}"
cli_check 0 --dest-cert "$WORK/keys/cli.test.pub" "${DOH[@]}"
cli_check 3 --dest-cert "$WORK/keys/shop.test.pub" "${UB[@]}"   # wrong observed key
cli_check 3 --dest-cert "$WORK/keys/shop.test.pub" "${DOH[@]}"
# Both transports must reach the same state in every case.
if ! diff <(grep -E '^(ok|FAIL)' "$WORK/unbound.txt" | sed 's/\[.*//') <(grep -E '^(ok|FAIL)' "$WORK/doh.txt" | sed 's/\[.*//'); then
  echo "transports disagree"; rc=1
fi
echo "--- M2DMRT registration exchange between two agents (loopback HTTPS, mutual TLS)"
bash "$HERE/registration.sh" "$CLI" || rc=1
if [ -n "${BENCH:-}" ]; then
  "$BUILD/tests/dns/dns_testbed" bench "$WORK" unbound "127.0.0.1@$AUTH_PORT" || rc=1
  "$BUILD/tests/dns/dns_testbed" bench "$WORK" doh "https://127.0.0.1:$DOH_PORT/dns-query" "$WORK/tls/cert.pem" || rc=1
fi
exit $rc
