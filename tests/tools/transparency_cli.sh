#!/usr/bin/env bash
# Round trip of the transparency operator CLI (docs/cli.md) against the host's own verification:
# keys, manifests for 3 domains, chains, a tree cosigned by 3 witnesses (both cosignature forms),
# manifest responses, absence proofs and a preload list. Every accepted artifact has mutated twins
# that must fail with a specific error code.
#   tests/tools/transparency_cli.sh <path to verity-cli>
set -euo pipefail

# shellcheck source=tests/tools/lib.sh
source "$(cd "$(dirname "$0")" && pwd)/lib.sh"
cli_test_start transparency_cli.sh "$@"
DAY=86400

# mutate <in> <out> <part> <offset>: flips one bit of a manifest response.
#   part = manifest | proof (decoded ChainHeadWithProof, offset from its start; negative from the end)
cat > mutate.py <<'EOF'
import base64, sys
src, dst, part, off = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
body = open(src, 'rb').read()
manifest, proof_line = body[:-1].rsplit(b'\n', 1)
proof = bytearray(base64.urlsafe_b64decode(proof_line + b'=' * (-len(proof_line) % 4)))
if part == 'manifest':
    m = bytearray(manifest); m[off] ^= 0x01; manifest = bytes(m)
else:
    proof[off] ^= 0x01
out = manifest + b'\n' + base64.urlsafe_b64encode(bytes(proof)).rstrip(b'=') + b'\n'
open(dst, 'wb').write(out)
EOF
# note_edit <response in> <out> <python expression over note text n>: rewrites the embedded note.
cat > note_edit.py <<'EOF'
import base64, struct, sys
src, dst, expr = sys.argv[1], sys.argv[2], sys.argv[3]
body = open(src, 'rb').read()
manifest, proof_line = body[:-1].rsplit(b'\n', 1)
p = base64.urlsafe_b64decode(proof_line + b'=' * (-len(proof_line) % 4))
plen = struct.unpack('>H', p[112:114])[0]
head, mpt = p[:112], p[114:114 + plen]
n = p[114 + plen + 3:].decode()
n = eval(expr)
nb = n.encode()
p = head + struct.pack('>H', plen) + mpt + len(nb).to_bytes(3, 'big') + nb
open(dst, 'wb').write(manifest + b'\n' + base64.urlsafe_b64encode(p).rstrip(b'=') + b'\n')
EOF

# --- keys -------------------------------------------------------------------------------------
expect_ok "$CLI" keygen --name ts.example/log --type service --out svc.key
[[ $(stat -c %a svc.key) == 600 ]] || fail "signer key not mode 0600"
grep -q '^PRIVATE+KEY+ts.example/log+' svc.key || fail "signer key form"
grep -q '^ts.example/log+[0-9a-f]\{8\}+' svc.vkey || fail "vkey form"
expect_refused "exists" "$CLI" keygen --name ts.example/log --type service --out svc.key
expect_ok "$CLI" keygen --name w1.example/witness --type witness-c2sp --out w1.key
expect_ok "$CLI" keygen --name w2.example/witness --type witness-waict --out w2.key
expect_ok "$CLI" keygen --name w3.example/witness --type witness-c2sp --out w3.key
expect_ok "$CLI" keygen --name preload.example --type preload --out preload.key
expect_ok "$CLI" keygen --name ts.example/log --type service --out other.key
expect_refused "--type must be" "$CLI" keygen --name x --type bogus --out x.key

config() {  # config <file> <service vkey> <threshold> <witness vkey files...>
  local file=$1 svc=$2 k=$3
  shift 3
  {
    printf '{"transparency": {"services": [{"name": "ts.example", "key": "%s"}], "witnesses": [' "$(cat "$svc")"
    local i=0 sep=""
    for w in "$@"; do
      i=$((i + 1))
      printf '%s{"name": "w%d", "key": "%s"}' "$sep" "$i" "$(cat "$w")"
      sep=", "
    done
    printf '], "witness_threshold": %d, "preload_list_key": "%s"}}\n' "$k" "$(cat preload.vkey)"
  } > "$file"
}
config host.json svc.vkey 2 w1.vkey w2.vkey w3.vkey

# --- manifests --------------------------------------------------------------------------------
for d in a b c; do
  mkdir -p "site-$d/js" "site-$d/pkg"
  echo "<!doctype html><title>$d</title>" > "site-$d/index.html"
  echo "console.log('$d')" > "site-$d/js/app.js"
  echo "x" > "site-$d/js/with space+plus.js"
  echo "y" > "site-$d/js/100%-é.js"
  printf '\0asm\1\0\0\0%s' "$d" > "site-$d/pkg/mod.wasm"
  echo "secret" > "site-$d/skip.txt"
  expect_ok "$CLI" manifest-build --origin "https://$d.example" --dir "site-$d" --exclude 'skip.*' --out "m-$d.json"
done
grep -q '"/js/with%20space+plus.js"' m-a.json || fail "path encoding: $(cat m-a.json)"
grep -q '"/js/100%25-%C3%A9.js"' m-a.json || fail "path encoding: $(cat m-a.json)"
grep -q '"/":' m-a.json || fail "index alias"
grep -q '"wasm_hashes":\["' m-a.json || fail "wasm_hashes"
grep -q 'skip' m-a.json && fail "--exclude ignored"
"$CLI" manifest-build --origin https://a.example --dir site-a --exclude 'skip.*' > m-a2.json
cmp -s m-a.json m-a2.json || fail "manifest-build is not deterministic"
echo "console.log('a v2')" > site-a/js/app.js
expect_ok "$CLI" manifest-build --origin https://a.example --dir site-a --exclude 'skip.*' --out m-a-v2.json

# --- chains, tree, witnesses ------------------------------------------------------------------
for d in a b c; do expect_ok "$CLI" chain-append --state S --domain "$d.example" --manifest "m-$d.json" --time $((NOW - 3000)); done
expect_ok "$CLI" tree-build --state S --service-key svc.key
expect_ok "$CLI" chain-append --state S --domain a.example --manifest m-a-v2.json --time $((NOW - 2000))
grep -q "position 1" out.txt || fail "second append is not position 1"
expect_ok "$CLI" chain-append --state S --domain a.example --manifest m-a-v2.json --time $((NOW - 1900)) --if-changed
grep -q "unchanged at position 1" out.txt || fail "--if-changed appended: $(cat out.txt)"
expect_fail transparency.bad_chain_node "$CLI" chain-append --state S --domain a.example --manifest m-a.json --time $((NOW - 2500))
expect_refused "invalid domain" "$CLI" chain-append --state S --domain A.example --manifest m-a.json
expect_refused "--time must be" "$CLI" chain-append --state S --domain a.example --manifest m-a.json --time 12x
# asset_hosts_hash per waict-transparency-spec f6c398d (docs/formats.md §12 worked example), order-free.
expect_ok "$CLI" chain-append --state AH --domain h.example --manifest m-a.json --time $((NOW - 100)) \
  --asset-host https://cdn.example/ --asset-host https://a.example/
grep -q "asset_hosts_hash cc32276eb2084494a751ed98620b38216eb9c03ec608d6882184d8a6e1fcb018" out.txt ||
  fail "asset_hosts_hash: $(cat out.txt)"
expect_fail transparency.bad_asset_host "$CLI" chain-append --state AH --domain h.example --manifest m-a.json \
  --asset-host "" --time $((NOW - 50))
expect_ok "$CLI" tree-build --state S --service-key svc.key
grep -q "tree 2: 3 domains, 1 appended" out.txt || fail "tree 2 summary: $(cat out.txt)"
# No cosigned tree yet: manifest-response refuses.
expect_fail transparency.too_few_witnesses "$CLI" manifest-response --state S --domain a.example --manifest m-a-v2.json --out r.txt
for w in w1 w2 w3; do
  expect_ok "$CLI" witness-cosign --state S --service-vkey svc.vkey --witness-key $w.key --witness-state "W-$w" --time $((NOW - 60))
done
grep -q "cosigned tree 2 of ts.example (3 domains)" out.txt || fail "cosign summary: $(cat out.txt)"
# Re-cosigning the same tree is allowed and replaces the witness's line.
expect_ok "$CLI" witness-cosign --state S --service-vkey svc.vkey --witness-key w3.key --witness-state W-w3 --time $((NOW - 30))
[[ $(grep -c '^— w3.example/witness ' S/trees/2.note) == 1 ]] || fail "duplicate cosignature lines"

# --- manifest responses -----------------------------------------------------------------------
expect_ok "$CLI" manifest-response --state S --domain a.example --manifest m-a-v2.json --out r-a.txt
for d in b c; do expect_ok "$CLI" manifest-response --state S --domain $d.example --manifest m-$d.json --out r-$d.txt; done
expect_refused "not a.example's chain head" "$CLI" manifest-response --state S --domain a.example --manifest m-a.json --out x.txt
expect_refused "not in tree" "$CLI" manifest-response --state S --domain d.example --manifest m-a.json --out x.txt
expect_ok "$CLI" verify-response --config host.json --origin https://a.example --response r-a.txt --time $NOW
grep -q "ok a.example position 1 tree ts.example/2 witnesses w1.example/witness,w2.example/witness,w3.example/witness" out.txt ||
  fail "verify-response output: $(cat out.txt)"
for d in b c; do expect_ok "$CLI" verify-response --config host.json --origin https://$d.example --response r-$d.txt --time $NOW; done
# The response of one domain does not verify for another.
expect_fail transparency.bad_mpt_proof "$CLI" verify-response --config host.json --origin https://b.example --response r-a.txt --time $NOW

# Mutations, each with its own code. Layout: head 0..111 | u16 | proof | u24 | note.
python3 mutate.py r-a.txt x.txt manifest 3
expect_fail transparency.resource_hash_mismatch "$CLI" verify-response --config host.json --origin https://a.example --response x.txt --time $NOW
python3 mutate.py r-a.txt x.txt proof 20  # head: resource_hash
expect_fail transparency.bad_mpt_proof "$CLI" verify-response --config host.json --origin https://a.example --response x.txt --time $NOW
python3 mutate.py r-a.txt x.txt proof 7  # head: position_in_chain
expect_fail transparency.bad_mpt_proof "$CLI" verify-response --config host.json --origin https://a.example --response x.txt --time $NOW
python3 mutate.py r-a.txt x.txt proof 140  # MPT proof: value
expect_fail transparency.bad_mpt_proof "$CLI" verify-response --config host.json --origin https://a.example --response x.txt --time $NOW
python3 mutate.py r-a.txt x.txt proof 113  # u16 proof length
expect_fail transparency.bad_chain_head "$CLI" verify-response --config host.json --origin https://a.example --response x.txt --time $NOW
python3 note_edit.py r-a.txt x.txt 'n.replace("\n2\n", "\n3\n", 1)'  # note body: tree size
expect_fail transparency.bad_signature "$CLI" verify-response --config host.json --origin https://a.example --response x.txt --time $NOW
python3 note_edit.py r-a.txt x.txt 'n.replace("ts.example/prefix-tree", "ts.evil/prefix-tree", 1)'
expect_fail transparency.unknown_service "$CLI" verify-response --config host.json --origin https://a.example --response x.txt --time $NOW
# Cosignature of w1: flip one character of its signature bytes / of its timestamp.
cat > cosig.py <<'EOF'
import base64, sys
def edit(n, name, pos):
    out = []
    for line in n.split("\n"):
        if line.startswith("— " + name + " "):
            pre, b64 = line.rsplit(" ", 1)
            raw = bytearray(base64.b64decode(b64)); raw[pos] ^= 1
            line = pre + " " + base64.b64encode(bytes(raw)).decode()
        out.append(line)
    return "\n".join(out)
EOF
python3 note_edit.py r-a.txt x.txt '__import__("cosig").edit(n, "w1.example/witness", 40)'
expect_fail transparency.bad_cosignature "$CLI" verify-response --config host.json --origin https://a.example --response x.txt --time $NOW
python3 note_edit.py r-a.txt x.txt '__import__("cosig").edit(n, "w2.example/witness", 11)'  # u64 time
expect_fail transparency.bad_cosignature "$CLI" verify-response --config host.json --origin https://a.example --response x.txt --time $NOW
python3 note_edit.py r-a.txt x.txt '__import__("cosig").edit(n, "ts.example/log", 10)'  # service signature
expect_fail transparency.bad_signature "$CLI" verify-response --config host.json --origin https://a.example --response x.txt --time $NOW
# Keys: another service key under the same name; witnesses the note does not carry.
config other-svc.json other.vkey 2 w1.vkey w2.vkey w3.vkey
expect_fail transparency.no_verified_signature "$CLI" verify-response --config other-svc.json --origin https://a.example --response r-a.txt --time $NOW
config other-w.json svc.vkey 2 w1.vkey other.vkey
expect_fail transparency.too_few_witnesses "$CLI" verify-response --config other-w.json --origin https://a.example --response r-a.txt --time $NOW
config k3.json svc.vkey 3 w1.vkey w2.vkey w3.vkey
expect_ok "$CLI" verify-response --config k3.json --origin https://a.example --response r-a.txt --time $NOW
# Time: cosignatures older than 7 days are stale; verifying "before" they were made is the future.
expect_fail transparency.stale_cosignature "$CLI" verify-response --config host.json --origin https://a.example --response r-a.txt --time $((NOW + 8 * DAY))
expect_fail transparency.future_timestamp "$CLI" verify-response --config host.json --origin https://a.example --response r-a.txt --time $((NOW - 3600))

# Too few witnesses / stale / future cosignatures made by the witnesses themselves.
cp -r S S1 && cp -r W-w1 W1b
expect_ok "$CLI" tree-build --state S1 --service-key svc.key
expect_ok "$CLI" witness-cosign --state S1 --service-vkey svc.vkey --witness-key w1.key --witness-state W1b --time $((NOW - 60))
expect_ok "$CLI" manifest-response --state S1 --domain a.example --manifest m-a-v2.json --out x.txt
grep -q "tree 3" err.txt || fail "manifest-response did not take the newest cosigned tree"
expect_fail transparency.too_few_witnesses "$CLI" verify-response --config host.json --origin https://a.example --response x.txt --time $NOW
config k1.json svc.vkey 1 w1.vkey w2.vkey w3.vkey
expect_ok "$CLI" verify-response --config k1.json --origin https://a.example --response x.txt --time $NOW
expect_ok "$CLI" manifest-response --state S1 --domain a.example --manifest m-a-v2.json --min-cosignatures 2 --out x.txt
grep -q "tree 2" err.txt || fail "--min-cosignatures 2 should fall back to tree 2"
for case in stale:$((NOW - 8 * DAY)) future:$((NOW + 3600)); do
  cp -r S "S-${case%%:*}" && cp -r W-w1 "W1-${case%%:*}" && cp -r W-w2 "W2-${case%%:*}"
  expect_ok "$CLI" tree-build --state "S-${case%%:*}" --service-key svc.key
  for w in 1 2; do
    expect_ok "$CLI" witness-cosign --state "S-${case%%:*}" --service-vkey svc.vkey --witness-key w$w.key --witness-state "W$w-${case%%:*}" --time "${case#*:}"
  done
  expect_ok "$CLI" manifest-response --state "S-${case%%:*}" --domain b.example --manifest m-b.json --out x.txt
  code=transparency.stale_cosignature
  [[ ${case%%:*} == future ]] && code=transparency.future_timestamp
  expect_fail $code "$CLI" verify-response --config host.json --origin https://b.example --response x.txt --time $NOW
done

# --- witnesses refuse a rewritten history -----------------------------------------------------
# (1) The service rewrites a.example's chain and hides it from tree 2's heads, so its new tree
#     re-lists the chain from position 0: the witness sees position 0 again.
cp -r S E1 && cp -r W-w1 WE1
head -c 112 E1/chains/a.example > E1/chains/a.tmp && mv E1/chains/a.tmp E1/chains/a.example
expect_ok "$CLI" chain-append --state E1 --domain a.example --manifest m-a.json --time $((NOW - 100))
grep -v '^a.example ' E1/trees/2.heads > E1/h && mv E1/h E1/trees/2.heads
expect_ok "$CLI" tree-build --state E1 --service-key svc.key
expect_fail transparency.bad_chain_node "$CLI" witness-cosign --state E1 --service-vkey svc.vkey --witness-key w1.key --witness-state WE1 --time $NOW
grep -q "a.example position 0" err.txt || fail "refusal should name the chain: $(cat err.txt)"
# (2) The service withholds the updates: the root does not follow from the replayed chains.
cp -r E1 E2 && cp -r W-w1 WE2
: > E2/trees/3.updates
expect_fail transparency.inconsistent_tree "$CLI" witness-cosign --state E2 --service-vkey svc.vkey --witness-key w1.key --witness-state WE2 --time $NOW
# (3) Rollback: the service starts over at tree 1.
cp -r S E3 && cp -r W-w1 WE3
rm E3/trees/2.* && echo 1 > E3/trees/latest
expect_fail transparency.inconsistent_tree "$CLI" witness-cosign --state E3 --service-vkey svc.vkey --witness-key w1.key --witness-state WE3 --time $NOW
# (4) A tree not signed by the service the witness trusts.
expect_fail transparency.no_verified_signature "$CLI" witness-cosign --state S --service-vkey other.vkey --witness-key w1.key --witness-state W-w1 --time $NOW
# The honest service still gets cosigned after these refusals.
expect_ok "$CLI" witness-cosign --state S --service-vkey svc.vkey --witness-key w1.key --witness-state W-w1 --time $((NOW - 50))

# --- absence proofs ---------------------------------------------------------------------------
expect_ok "$CLI" absence-proof --state S --domain d.example --out abs.bin
expect_ok "$CLI" verify-absence --config host.json --domain d.example --proof abs.bin --time $NOW
grep -q "ok d.example absent from ts.example/2" out.txt || fail "verify-absence output: $(cat out.txt)"
expect_fail transparency.key_present "$CLI" absence-proof --state S --domain a.example --out x.bin
expect_fail transparency.bad_mpt_proof "$CLI" verify-absence --config host.json --domain a.example --proof abs.bin --note abs.bin.note --time $NOW
python3 -c "import sys; b=bytearray(open('abs.bin','rb').read()); b[20]^=1; open('x.bin','wb').write(b)"
expect_fail transparency.bad_mpt_proof "$CLI" verify-absence --config host.json --domain d.example --proof x.bin --note abs.bin.note --time $NOW
expect_fail transparency.stale_cosignature "$CLI" verify-absence --config host.json --domain d.example --proof abs.bin --time $((NOW + 8 * DAY))

# --- tombstone --------------------------------------------------------------------------------
cp -r S ST && for w in w1 w2; do cp -r W-$w WT-$w; done
expect_ok "$CLI" chain-append --state ST --domain c.example --tombstone --time $((NOW - 500))
expect_ok "$CLI" tree-build --state ST --service-key svc.key
for w in w1 w2; do expect_ok "$CLI" witness-cosign --state ST --service-vkey svc.vkey --witness-key $w.key --witness-state WT-$w --time $((NOW - 60)); done
expect_refused "tombstone" "$CLI" manifest-response --state ST --domain c.example --manifest m-c.json --out x.txt
# --tombstone: the unenrolling site's response; verify-response sees the tombstone head.
expect_ok "$CLI" manifest-response --state ST --domain c.example --manifest m-c.json --out r-tomb.txt --tombstone
expect_refused "is not a tombstone" "$CLI" manifest-response --state ST --domain a.example --manifest m-a-v2.json --out x.txt --tombstone
expect_ok "$CLI" verify-response --config host.json --origin https://c.example --response r-tomb.txt --time $NOW
grep -q "tombstone" out.txt || fail "verify-response on a tombstone response: $(cat out.txt)"

# --- preload list -----------------------------------------------------------------------------
expect_ok "$CLI" preload-build --key preload.key --domain b.example --domain a.example --time $((NOW - 3600)) --out preload.note
[[ $(sed -n 3,4p preload.note | tr '\n' ' ') == "a.example b.example " ]] || fail "preload list order"
expect_fail transparency.too_few_witnesses "$CLI" verify-preload --config host.json --note preload.note --time $NOW
for w in w1 w2; do expect_ok "$CLI" witness-cosign --note preload.note --preload-vkey preload.vkey --witness-key $w.key --time $((NOW - 60)); done
expect_ok "$CLI" verify-preload --config host.json --note preload.note --time $NOW
grep -q "2 domains" out.txt || fail "verify-preload output: $(cat out.txt)"
expect_fail transparency.no_verified_signature "$CLI" witness-cosign --note preload.note --preload-vkey svc.vkey --witness-key w3.key --time $NOW
expect_ok "$CLI" preload-build --key preload.key --domain a.example --time $((NOW - 31 * DAY)) --out old.note
for w in w1 w2; do expect_ok "$CLI" witness-cosign --note old.note --preload-vkey preload.vkey --witness-key $w.key --time $((NOW - 60)); done
expect_fail transparency.stale_preload_list "$CLI" verify-preload --config host.json --note old.note --time $NOW
sed 's/^a.example$/aa.example/' preload.note > x.note
expect_fail transparency.bad_signature "$CLI" verify-preload --config host.json --note x.note --time $NOW
expect_fail transparency.bad_preload_list "$CLI" preload-build --key preload.key --domain Bad..example --out x.note

echo "transparency_cli: $PASS checks passed"
