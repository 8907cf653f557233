# shellcheck shell=bash
# The M2DMRT DNSSEC test bed as shell functions, sourced by tests/dns/run.sh and tests/browser/run.sh.
#   source tests/dns/lib.sh
#   testbed_setup BUILD_DIR WORK   keys, declarations and signed zones under WORK; sets AUTH_PORT,
#                                  RES_PORT, DOH_PORT (free loopback ports) and TESTBED_CLI
#   testbed_start                  NSD (authoritative, AUTH_PORT) + Unbound (RES_PORT, DoH on DOH_PORT);
#                                  their PIDs are appended to TESTBED_PIDS
#   testbed_stop                   stops exactly those PIDs
# Zones: shop/pay (mutual), solo (declares nothing), tamper (declaration changed after signing),
# old (RRSIGs expired in 2020), insecure (no DS in the parent), late (expired declarations),
# cli (mutual with shop, made by `verity-cli m2dmrt-declare`), one (EC P-256 key; shop.test declares
# it, it declares nothing: one-sided with a key a browser can use in TLS). Policies: shop.test enforce,
# cli.test report, the others none.
# Files: WORK/keys/<host>.key (TLS private keys the declarations sign), WORK/keys/test.anchor (the DS
# of test., the only trust anchor), WORK/tls/cert.pem (Unbound's DoH certificate).
TESTBED_PIDS=()
TESTBED_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

testbed_setup() {
  local build=$1
  TESTBED_WORK=$2
  local w=$TESTBED_WORK
  cmake --build "$build" --target dns_testbed verity-cli -j2 >/dev/null
  TESTBED_CLI="$build/verity-cli"
  local cli=$TESTBED_CLI
  read -r AUTH_PORT RES_PORT DOH_PORT < <(python3 -c '
import socket
s=[socket.socket() for _ in range(3)]
[x.bind(("127.0.0.1",0)) for x in s]
print(*[x.getsockname()[1] for x in s])')
  mkdir -p "$w/zones" "$w/keys" "$w/tls"
  "$build/tests/dns/dns_testbed" make-zones "$w"
  # cli.test <-> shop.test: declarations made by the operator CLI (RSA key, rs256); shop.test -> one.test:
  # one-sided, also by the CLI.
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$w/keys/cli.test.key" 2>/dev/null
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$w/keys/one.test.key" 2>/dev/null
  local h
  for h in cli shop one; do openssl pkey -in "$w/keys/$h.test.key" -pubout -out "$w/keys/$h.test.pub"; done
  "$cli" m2dmrt-declare --declarer cli.test --key "$w/keys/cli.test.key" --peer shop.test --peer-cert "$w/keys/shop.test.pub" > "$w/zones/cli.test.body"
  "$cli" m2dmrt-declare --declarer shop.test --key "$w/keys/shop.test.key" --peer cli.test --peer-cert "$w/keys/cli.test.pub" >> "$w/zones/shop.test.body"
  "$cli" m2dmrt-declare --declarer shop.test --key "$w/keys/shop.test.key" --peer one.test --peer-cert "$w/keys/one.test.pub" >> "$w/zones/shop.test.body"
  : > "$w/zones/one.test.body"
  echo '_m2dmrt 300 IN TXT "v=M2DMRT1; policy=report"' >> "$w/zones/cli.test.body"

  TESTBED_SIGNED=(shop.test pay.test solo.test tamper.test old.test late.test cli.test one.test)
  local z
  (
    set -e
    cd "$w/keys"
    for z in "${TESTBED_SIGNED[@]}" insecure.test; do
      { _testbed_head "$z"; sed "s/\._m2dmrt\.$z\. /._m2dmrt /; s/^_m2dmrt /_m2dmrt /" "$w/zones/$z.body"; } > "$w/zones/$z.zone"
    done
    for z in "${TESTBED_SIGNED[@]}" test; do ldns-keygen -a ECDSAP256SHA256 -k "$z" > "$z.keyname"; done
    for z in "${TESTBED_SIGNED[@]}"; do
      [ "$z" = old.test ] && continue
      ldns-signzone -o "$z" "$w/zones/$z.zone" "$(cat "$z.keyname")"
    done
    ldns-signzone -o old.test -i 20200101000000 -e 20200201000000 "$w/zones/old.test.zone" "$(cat old.test.keyname)"
    cp "$w/zones/insecure.test.zone" "$w/zones/insecure.test.zone.signed"
    # Tamper after signing: swap a space and a ';' inside the declaration's rdata (same length). The
    # declaration's own signature still verifies; only DNSSEC can tell, and the validator must answer bogus.
    sed -i 's/v=M2DMRT1; d=tamper\.test/v=M2DMRT1 ;d=tamper.test/' "$w/zones/tamper.test.zone.signed"
    grep -q 'M2DMRT1 ;d=tamper' "$w/zones/tamper.test.zone.signed" || { echo "tampering step did not apply"; exit 1; }
    { _testbed_head test; echo 'ns A 127.0.0.1'
      for z in "${TESTBED_SIGNED[@]}" insecure.test; do echo "${z%.test} NS ns.test."; done
      for z in "${TESTBED_SIGNED[@]}"; do cat "$(cat "$z.keyname").ds"; done
    } > "$w/zones/test.zone"
    ldns-signzone -o test "$w/zones/test.zone" "$(cat test.keyname)"
    cp "$(cat test.keyname).ds" "$w/keys/test.anchor"
  ) || return 1
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=localhost \
    -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout "$w/tls/key.pem" -out "$w/tls/cert.pem" 2>/dev/null
  local f
  for f in nsd.conf unbound.conf; do
    sed -e "s|@WORK@|$w|g" -e "s|@AUTH_PORT@|$AUTH_PORT|g" -e "s|@RES_PORT@|$RES_PORT|g" \
        -e "s|@DOH_PORT@|$DOH_PORT|g" "$TESTBED_HERE/$f.in" > "$w/$f"
  done
  for z in "${TESTBED_SIGNED[@]}" insecure.test test; do
    printf 'zone:\n    name: "%s."\n    zonefile: "%s.zone.signed"\n' "$z" "$z" >> "$w/nsd.conf"
  done
  nsd-checkconf "$w/nsd.conf"
}

_testbed_head() { printf '$ORIGIN %s.\n$TTL 300\n@ SOA ns.test. hostmaster.%s. 1 3600 600 86400 300\n@ NS ns.test.\n@ A 127.0.0.1\n' "$1" "$1"; }

_testbed_wait_port() {
  local _
  for _ in $(seq 1 200); do drill -p "$1" @127.0.0.1 test. SOA >/dev/null 2>&1 && return 0; sleep 0.05; done
  echo "port $1 not answering"; return 1
}

testbed_start() {
  local w=$TESTBED_WORK
  (cd "$w" && exec nsd -d -c "$w/nsd.conf" >"$w/nsd.out" 2>&1) & TESTBED_PIDS+=($!)
  _testbed_wait_port "$AUTH_PORT" || { cat "$w/nsd.out"; return 1; }
  (cd "$w" && exec unbound -d -c "$w/unbound.conf" >"$w/unbound.out" 2>&1) & TESTBED_PIDS+=($!)
  _testbed_wait_port "$RES_PORT" || { cat "$w/unbound.out" "$w/unbound.log"; return 1; }
  # A zone NSD could not load would make every case in it look like a resolver failure.
  if grep -q 'error:' "$w/nsd.log" 2>/dev/null; then echo "NSD reported errors:"; grep 'error:' "$w/nsd.log"; return 1; fi
}

testbed_stop() {
  local p
  for p in "${TESTBED_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${TESTBED_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  TESTBED_PIDS=()
}
