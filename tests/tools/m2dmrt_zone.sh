#!/usr/bin/env bash
# verity-cli m2dmrt-zone: assembles one provider's records and refuses what does not belong.
#   bash tests/tools/m2dmrt_zone.sh PATH/TO/verity-cli
set -uo pipefail
cli="$1"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
pass=0 fail=0
ok() { if "$@" >out.txt 2>err.txt; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL (want success): $*"; cat err.txt; fi; }
no() { if "$@" >out.txt 2>err.txt; then fail=$((fail + 1)); echo "FAIL (want refusal): $*"; else pass=$((pass + 1)); fi; }
for h in shop pay cdn; do
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout $h.key -out $h.pem -days 2 -subj /CN=$h.test 2>/dev/null
done
"$cli" m2dmrt-declare --declarer shop.test --key shop.key --peer pay.test --peer-cert pay.pem >pay.decl
"$cli" m2dmrt-declare --declarer shop.test --key shop.key --peer cdn.test --peer-cert cdn.pem --format rdata >cdn.txt
"$cli" m2dmrt-declare --declarer pay.test --key pay.key --peer shop.test --peer-cert shop.pem >back.decl

ok "$cli" m2dmrt-zone --host shop.test --policy enforce --cert shop.pem pay.decl cdn.txt pay.decl
grep -q '^_m2dmrt.shop.test. 300 IN TXT "v=M2DMRT1; policy=enforce"$' out.txt && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: policy line"; cat out.txt; }
n=$(grep -c '._m2dmrt.shop.test. 300 IN TXT "v=M2DMRT1; d=shop.test; p=' out.txt)
[ "$n" = 2 ] && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: want 2 declaration lines (duplicate dropped), got $n"; }
# The printed lines read back: each owner name is the one the client looks up.
pay_owner=$(printf 'pay.test' | sha256sum | cut -c1-56)._m2dmrt.shop.test.
grep -q "^$pay_owner 300 IN TXT " out.txt && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: owner name of pay.test"; }
ok "$cli" m2dmrt-zone --host shop.test --ttl 60 pay.decl
grep -q "^$pay_owner 60 IN TXT " out.txt && pass=$((pass + 1)) || { fail=$((fail + 1)); echo "FAIL: --ttl"; }

no "$cli" m2dmrt-zone --host pay.test pay.decl                     # declared by shop.test
no "$cli" m2dmrt-zone --host shop.test --cert pay.pem pay.decl     # kd is not pay's key
no "$cli" m2dmrt-zone --host shop.test --cert shop.pem back.decl   # pay's declaration
perl -pe 's/nb=(\d+)/"nb=".($1+1)/e' cdn.txt >t1.txt
no "$cli" m2dmrt-zone --host shop.test --cert shop.pem t1.txt      # signed field changed (nb + 1)
# One signature character replaced by a different one (a swap of two equal characters would change nothing).
perl -pe 's/s=(.)/"s=".($1 eq "A" ? "B" : "A")/e' cdn.txt >t2.txt
cmp -s cdn.txt t2.txt && { fail=$((fail + 1)); echo "FAIL: t2 mutation changed nothing"; }
no "$cli" m2dmrt-zone --host shop.test --cert shop.pem t2.txt      # signature changed
sed 's/a=es256/a=es384/' cdn.txt >t3.txt
no "$cli" m2dmrt-zone --host shop.test --cert shop.pem t3.txt      # algorithm changed
sed 's/; s=.*//' cdn.txt >t4.txt
no "$cli" m2dmrt-zone --host shop.test t4.txt                      # no signature: malformed
no "$cli" m2dmrt-zone --host shop.test --policy maybe pay.decl
no "$cli" m2dmrt-zone --host shop.test --ttl -1 pay.decl
no "$cli" m2dmrt-zone --host shop.test missing.decl
no "$cli" m2dmrt-zone pay.decl
echo "m2dmrt-zone: $pass passed, $fail failed"
[ "$fail" = 0 ]
