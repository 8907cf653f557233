#!/usr/bin/env bash
# verity-cli trust (docs/cli.md "Trust set-up"): a host config made only by `trust add-service` /
# `add-witness` verifies a real transparency proof exactly as the host does (verify-response uses
# the host's own config glue); every accepted edit has a refused twin with its stable code, and a
# refused edit leaves the file byte-identical. Also: unknown keys and member order kept, mode kept,
# symlinks followed, no temporary files left, concurrent edits serialised, the default path.
#   tests/tools/trust_cli.sh <path to verity-cli>
set -euo pipefail
shopt -s nullglob

# shellcheck source=tests/tools/lib.sh
source "$(cd "$(dirname "$0")" && pwd)/lib.sh"
cli_test_start trust_cli.sh "$@"
# unchanged <file> <cmd...>: the command is refused and the file keeps its bytes.
unchanged() {
  local file=$1 before
  shift
  before=$(sha256sum "$file")
  "$@"
  [[ $(sha256sum "$file") == "$before" ]] || fail "refused edit changed $file: ${*:3}"
}
trust() { "$CLI" trust "$@" --config C/config.json; }

# --- keys and a real proof for a.example (service ts.example, witnesses w1 c2sp + w2 waict) ----
"$CLI" keygen --name ts.example/log --type service --out svc.key > /dev/null
"$CLI" keygen --name w1.example/witness --type witness-c2sp --out w1.key > /dev/null
"$CLI" keygen --name w2.example/witness --type witness-waict --out w2.key > /dev/null
"$CLI" keygen --name w3.example/witness --type witness-c2sp --out w3.key > /dev/null
"$CLI" keygen --name other.example/log --type service --out other.key > /dev/null
mkdir -p site
echo "<!doctype html><title>a</title>" > site/index.html
"$CLI" manifest-build --origin https://a.example --dir site --out m.json > /dev/null
"$CLI" chain-append --state S --domain a.example --manifest m.json --time $((NOW - 3000)) > /dev/null
"$CLI" tree-build --state S --service-key svc.key > /dev/null
for w in w1 w2; do
  "$CLI" witness-cosign --state S --service-vkey svc.vkey --witness-key $w.key --witness-state "W-$w" --time $((NOW - 60)) > /dev/null
done
"$CLI" manifest-response --state S --domain a.example --manifest m.json --out r.txt > /dev/null
verify() { "$CLI" verify-response --config C/config.json --origin https://a.example --response r.txt --time $NOW; }

# --- list on no file: defaults, a hint, and nothing created -----------------------------------
expect_ok trust list
grep -q "no file yet" out.txt || fail "list on no file: $(cat out.txt)"
grep -q "verity-cli trust add-service" out.txt || fail "list gives no hint: $(cat out.txt)"
[[ ! -e C ]] || fail "list created the folder"
# No service trusted: verify-response refuses (the host answers transparency.no_trusted_service).
expect_exit transparency.unknown_service 1 verify

# --- add-service ------------------------------------------------------------------------------
expect_ok trust add-service --key svc.vkey
grep -q 'trusted transparency service "ts.example"' out.txt || fail "default service name: $(cat out.txt)"
[[ $(stat -c %a C) == 700 && $(stat -c %a C/config.json) == 600 ]] || fail "new file modes $(stat -c %a C C/config.json)"
cfg=C/config.json
unchanged $cfg expect_exit trust.duplicate 1 trust add-service --key svc.vkey
unchanged $cfg expect_exit trust.duplicate 1 trust add-service --name again --key svc.vkey
unchanged $cfg expect_exit trust.bad_key 1 trust add-service --name w --key w1.vkey  # a witness key
unchanged $cfg expect_exit trust.bad_key 1 trust add-service --name p --key svc.key  # the private key
grep -q "private signer key" err.txt || fail "private key message: $(cat err.txt)"
vk=$(cat other.vkey)
id=${vk#*+}
id=${id%%+*}
flip=$(printf '%08x' $((0x$id ^ 1)))
unchanged $cfg expect_exit trust.bad_key 1 trust add-service --name o --key "${vk/+$id+/+$flip+}"
grep -q "transparency.bad_verifier_key" err.txt || fail "key ID mismatch not named: $(cat err.txt)"
unchanged $cfg expect_exit trust.bad_key 1 trust add-service --name o --key "${vk%?}"   # 32 bytes
unchanged $cfg expect_exit trust.bad_key 1 trust add-service --name o --key no-such-file
unchanged $cfg expect_exit trust.bad_name 1 trust add-service --name "two words" --key other.vkey
unchanged $cfg expect_exit trust.bad_name 1 trust add-service --name "a+b" --key other.vkey
unchanged $cfg expect_exit trust.bad_name 1 trust add-service --name "" --key other.vkey
unchanged $cfg expect_exit trust.usage 2 trust add-service --name o
unchanged $cfg expect_exit trust.usage 2 trust add-service --name o --key other.vkey --form c2sp
unchanged $cfg expect_exit trust.usage 2 trust add-service --name o --key other.vkey --threshold 1
unchanged $cfg expect_exit trust.usage 2 trust
unchanged $cfg expect_exit trust.usage 2 trust add-service extra --key other.vkey
unchanged $cfg expect_exit trust.usage 2 trust frobnicate
# --replace swaps the key of a name: the other key no longer verifies, the right one again does.
expect_ok trust add-service --name ts.example --key other.vkey --replace
grep -q "^replaced" out.txt || fail "replace: $(cat out.txt)"
expect_ok trust add-service --name ts.example --key svc.vkey --replace

# --- add-witness: forms from the key type, threshold -----------------------------------------
unchanged $cfg expect_exit trust.bad_key 1 trust add-witness --key w1.vkey --form waict  # 0x04 is c2sp
unchanged $cfg expect_exit trust.usage 2 trust add-witness --key w1.vkey --form cosig
unchanged $cfg expect_exit trust.bad_threshold 1 trust add-witness --key w1.vkey --threshold 2  # n would be 1
unchanged $cfg expect_exit trust.bad_threshold 1 trust add-witness --key w1.vkey --threshold 0
unchanged $cfg expect_exit trust.bad_threshold 1 trust add-witness --key w1.vkey --threshold x
expect_ok trust add-witness --name w1 --key w1.vkey
grep -q "witness threshold: 1 of 1 (default)" out.txt || fail "threshold line: $(cat out.txt)"
# Only w1 trusted, k = 1: the proof verifies (w1 cosigned it).
expect_ok verify
unchanged $cfg expect_exit trust.duplicate 1 trust add-witness --name w1b --key w1.vkey
unchanged $cfg expect_exit trust.duplicate 1 trust add-witness --name w1 --key w2.vkey
expect_ok trust add-witness --name w2 --key "$(cat w2.vkey)" --threshold 2
grep -q "witness threshold: 2 of 2$" out.txt || fail "explicit threshold: $(cat out.txt)"
python3 - "$cfg" <<'EOF' || fail "written config: $(cat "$cfg")"
import json, sys
c = json.load(open(sys.argv[1]))["transparency"]
assert [s["name"] for s in c["services"]] == ["ts.example"], c
assert [(w["name"], w["form"]) for w in c["witnesses"]] == [("w1", "c2sp"), ("w2", "waict")], c
assert c["witness_threshold"] == 2, c
EOF
expect_ok verify
grep -q "witnesses w1.example/witness,w2.example/witness" out.txt || fail "verify output: $(cat out.txt)"
# A third witness that did not cosign, k = 3: too few.
expect_ok trust add-witness --name w3 --key w3.vkey --threshold 3
expect_exit transparency.too_few_witnesses 1 verify
expect_ok trust list
grep -q "witness threshold: 3 of 3$" out.txt || fail "list threshold: $(cat out.txt)"
grep -q "^  w2  waict  w2.example/witness+" out.txt || fail "list witness line: $(cat out.txt)"

# --- remove -----------------------------------------------------------------------------------
unchanged $cfg expect_exit trust.bad_threshold 1 trust remove --name w3  # k = 3 > 2 left
unchanged $cfg expect_exit trust.bad_threshold 1 trust remove --name w3 --threshold 3
expect_ok trust remove --name w3 --threshold 2
expect_ok verify
unchanged $cfg expect_exit trust.not_found 1 trust remove --name w3
unchanged $cfg expect_exit trust.not_found 1 trust remove --name w1 --service
unchanged $cfg expect_exit trust.usage 2 trust remove
unchanged $cfg expect_exit trust.usage 2 trust remove --name w1 --service --witness
unchanged $cfg expect_exit trust.usage 2 trust remove --name ts.example --threshold 1
# A witness with a service's name: ambiguous until --service / --witness says which.
expect_ok trust add-witness --name ts.example --key w3.vkey
unchanged $cfg expect_exit trust.ambiguous 1 trust remove --name ts.example
expect_ok trust remove --name ts.example --witness
expect_ok verify
# The service removed: the host's refusal comes back, and list says what to run.
expect_ok trust remove --name ts.example
grep -q "no transparency service is trusted now" out.txt || fail "remove service: $(cat out.txt)"
expect_exit transparency.unknown_service 1 verify
expect_ok trust list --json
python3 -c 'import json,sys; d=json.load(open("out.txt")); assert d["services"] == [] and len(d["witnesses"]) == 2 and d["witness_threshold"] == 2 and d["threshold_explicit"], d' ||
  fail "list --json: $(cat out.txt)"
# Removing the last witnesses drops an explicit k (only 0 would be valid).
expect_ok trust remove --name w2 --threshold 1
expect_ok trust remove --name w1
python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["transparency"]; assert t["witnesses"] == [] and "witness_threshold" not in t, t' "$cfg" ||
  fail "last witness: $(cat $cfg)"
left=(C/* C/.[!.]*)
[[ ${#left[@]} == 1 && ${left[0]} == C/config.json ]] || fail "left-over files in C: ${left[*]}"
ok

# --- the existing file: kept as the host reads it, never clobbered ----------------------------
cat > keep.json <<'EOF'
{"log": {"retention_days": 30, "colour": "red"}, "future_key": {"a": [1, 2.5, null, true]},
 "transparency": {"tombstone_cooldown_s": 60, "witnesses": []}, "data_dir": "/var/tmp/v"}
EOF
chmod 640 keep.json
expect_ok "$CLI" trust add-service --key svc.vkey --config keep.json
python3 - keep.json <<'EOF' || fail "members lost or reordered: $(cat keep.json)"
import json, sys
c = json.load(open(sys.argv[1]))
assert list(c) == ["log", "future_key", "transparency", "data_dir"], list(c)
assert c["log"] == {"retention_days": 30, "colour": "red"} and c["future_key"] == {"a": [1, 2.5, None, True]}
assert list(c["transparency"]) == ["tombstone_cooldown_s", "witnesses", "services"], c["transparency"]
assert c["data_dir"] == "/var/tmp/v"
EOF
[[ $(stat -c %a keep.json) == 640 ]] || fail "mode not kept: $(stat -c %a keep.json)"
# Symlinked config (a dotfiles folder): the target is edited, the link stays.
mkdir -p dots L
ln -s ../dots/real.json L/config.json
expect_ok "$CLI" trust add-service --key svc.vkey --config L/config.json
[[ -L L/config.json ]] || fail "symlink replaced by a file"
grep -q ts.example dots/real.json || fail "symlink target not edited"
# Files the host would refuse are refused here too, untouched.
printf '{"transparency": {"services": 5}}' > bad.json
unchanged bad.json expect_exit trust.config_invalid 1 "$CLI" trust add-service --key svc.vkey --config bad.json
grep -q "transparency.services: expected an array" err.txt || fail "config error path: $(cat err.txt)"
unchanged bad.json expect_exit trust.config_invalid 1 "$CLI" trust list --config bad.json
printf '{"transparency": {' > cut.json
unchanged cut.json expect_exit trust.config_invalid 1 "$CLI" trust add-service --key svc.vkey --config cut.json
printf '{"transparency": {"witnesses": [{"name": "x", "key": "%s"}], "witness_threshold": 1}}' "$(cat w1.vkey)" > dup.json
unchanged dup.json expect_exit trust.duplicate 1 "$CLI" trust add-witness --name y --key w1.vkey --config dup.json
mkdir adir
expect_exit trust.config_invalid 1 "$CLI" trust add-service --key svc.vkey --config adir
expect_exit trust.io 1 "$CLI" trust add-service --key svc.vkey --config /dev/null/config.json
expect_exit trust.usage 2 "$CLI" trust add-service --key svc.vkey --config D/

# --- concurrent edits are serialised (folder flock): all 8 witnesses land ---------------------
for i in 1 2 3 4 5 6 7 8; do "$CLI" keygen --name "p$i.example/witness" --type witness-c2sp --out "p$i.key" > /dev/null; done
pids=()
for i in 1 2 3 4 5 6 7 8; do
  "$CLI" trust add-witness --key "p$i.vkey" --config P/config.json > /dev/null &
  pids+=($!)
done
for p in "${pids[@]}"; do wait "$p" || fail "a concurrent add-witness failed"; done
[[ $(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["transparency"]["witnesses"]))' P/config.json) == 8 ]] ||
  fail "concurrent edits lost some: $(cat P/config.json)"
ok

# --- the default path is the host's (XDG_CONFIG_HOME, else HOME) ------------------------------
expect_ok env XDG_CONFIG_HOME="$T/xdg" "$CLI" trust add-service --key svc.vkey
[[ -f xdg/verity/config.json ]] || fail "XDG_CONFIG_HOME not used"
expect_ok env -u XDG_CONFIG_HOME HOME="$T/home" "$CLI" trust add-service --key svc.vkey
[[ -f home/.config/verity/config.json ]] || fail "HOME/.config not used"
expect_ok env XDG_CONFIG_HOME=relative HOME="$T/home2" "$CLI" trust list
grep -q "$T/home2/.config/verity/config.json" out.txt || fail "relative XDG_CONFIG_HOME not ignored: $(cat out.txt)"
expect_exit trust.config_invalid 1 env -u XDG_CONFIG_HOME -u HOME "$CLI" trust list

# --- a witness-only service (config written by hand: services[].key absent) ---------------------
mkdir -p WO
printf '{"transparency":{"services":[{"name":"ts.example"}],"witnesses":[{"name":"w1","key":"%s"}]}}\n' "$(cat w1.vkey)" >WO/config.json
expect_ok "$CLI" trust list --config WO/config.json
grep -q 'ts.example  (no key)  \[witness-only' out.txt || fail "witness-only service not shown as such: $(cat out.txt)"
expect_ok "$CLI" trust list --json --config WO/config.json
grep -q '"key":null,"status":"witness-only"' out.txt || fail "witness-only json: $(cat out.txt)"
# Removing its last witness would leave roots nobody vouches for: refused, file unchanged.
unchanged WO/config.json expect_exit trust.config_invalid 1 "$CLI" trust remove --witness --name w1 --config WO/config.json

echo "trust_cli: $PASS checks passed"
