#!/usr/bin/env bash
# Packs the WebExtension for both browser families.
#
#   scripts/pack-extension.sh [--src DIR] [--out DIR] [--crx-key KEY.pem]
#
# Input (default --src extension/): a folder holding manifest.chromium.json and
# manifest.firefox.json (searched in DIR, then DIR/src); that folder is the root of the package.
# If DIR/build.sh is executable it is run first as `DIR/build.sh` (a generator may write the two
# manifests). Everything under the root is packed except the per-browser manifests, package*.json,
# node_modules/, test/ and tests/ folders, dot files and *.md.
#
# Output (default --out dist/):
#   OUT/verity-chromium/      unpacked tree with manifest.json  (chrome://extensions -> Load unpacked)
#   OUT/verity-chromium.zip   the same tree, zipped
#   OUT/verity-firefox/       unpacked tree with manifest.json  (about:debugging -> Load Temporary Add-on)
#   OUT/verity-firefox.xpi    the same tree, zipped (unsigned; see docs/install.md)
#   with --crx-key KEY.pem (an RSA key; created, 2048 bits, if the file does not exist):
#   OUT/verity-chromium.crx   the Chromium tree as a signed CRX3 (for policy installs, docs/ids.md)
#   OUT/verity-chromium.id    its extension ID (from KEY.pem, not the fixed unpacked ID)
# Zips are reproducible: sorted entries, fixed timestamps, no extra attributes.
#
# Checks: valid JSON; the Chromium `key` maps to extension ID mbbdieillpeggimjpelglbnjlbajlfmk and the
# Firefox gecko id is verity@verity-project (docs/ids.md); `nativeMessaging` permission; every file
# the manifest names (background, content scripts, popup, icons, ...) exists in the package.
#
# Exit: 0 packed, 3 nothing to pack (no extension manifests yet), 1 error.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
src="$repo/extension" out="$repo/dist" crx_key=""
while [ $# -gt 0 ]; do
  case "$1" in
    --src) src="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --crx-key) crx_key="$2"; shift 2 ;;
    -h | --help) sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "pack-extension: unknown option $1" >&2; exit 1 ;;
  esac
done

EXPECTED_CHROMIUM_ID=mbbdieillpeggimjpelglbnjlbajlfmk
EXPECTED_GECKO_ID=verity@verity-project

if [ ! -d "$src" ]; then
  echo "pack-extension: $src does not exist yet; nothing to pack" >&2
  exit 3
fi
if [ -x "$src/build.sh" ]; then
  echo "pack-extension: running $src/build.sh"
  (cd "$src" && ./build.sh) || { echo "pack-extension: $src/build.sh failed" >&2; exit 1; }
fi
root=""
for d in "$src" "$src/src"; do
  if [ -f "$d/manifest.chromium.json" ] && [ -f "$d/manifest.firefox.json" ]; then root="$d"; break; fi
done
if [ -z "$root" ]; then
  echo "pack-extension: no manifest.chromium.json + manifest.firefox.json in $src or $src/src; nothing to pack" >&2
  exit 3
fi
for tool in python3 zip; do
  command -v "$tool" >/dev/null || { echo "pack-extension: $tool is required (scripts/deps.sh installs it)" >&2; exit 1; }
done

mkdir -p "$out"
out="$(cd "$out" && pwd)"

# Files of the package, relative to root, sorted (C locale) for reproducible zips.
mapfile -t files < <(cd "$root" && find . \
  \( -name node_modules -o -name test -o -name tests -o -name '.*' ! -name . \) -prune -o \
  -type f ! -name 'manifest.*.json' ! -name manifest.json ! -name 'package.json' ! -name 'package-lock.json' \
  ! -name '*.md' -print | sed 's|^\./||' | LC_ALL=C sort)

pack_one() { # flavour manifest-file archive-name
  local flavour=$1 manifest=$2 archive=$3 stage="$out/verity-$1"
  rm -rf "${stage:?}" "${out:?}/$archive"
  mkdir -p "$stage"
  local f
  for f in "${files[@]}"; do
    mkdir -p "$stage/$(dirname "$f")"
    cp -p "$root/$f" "$stage/$f"
  done
  cp "$root/$manifest" "$stage/manifest.json"
  python3 - "$flavour" "$stage" "$EXPECTED_CHROMIUM_ID" "$EXPECTED_GECKO_ID" <<'PY'
import base64, hashlib, json, os, sys
flavour, stage, want_id, want_gecko = sys.argv[1:5]
def fail(msg):
    print(f"pack-extension: {flavour}: {msg}", file=sys.stderr); sys.exit(1)
try:
    with open(os.path.join(stage, "manifest.json"), encoding="utf-8") as f:
        m = json.load(f)
except (OSError, ValueError) as e:
    fail(f"manifest is not valid JSON: {e}")
if not isinstance(m, dict):
    fail("manifest is not a JSON object")
if m.get("manifest_version") != 3:
    fail("manifest_version must be 3")
if "nativeMessaging" not in m.get("permissions", []):
    fail("permissions lacks nativeMessaging")
if flavour == "chromium":
    key = m.get("key")
    if not isinstance(key, str):
        fail("no 'key' (needed for the fixed extension ID, docs/ids.md)")
    try:
        der = base64.b64decode(key, validate=True)
    except ValueError:
        fail("'key' is not base64")
    ext_id = "".join(chr(ord("a") + int(c, 16)) for c in hashlib.sha256(der).hexdigest()[:32])
    if ext_id != want_id:
        fail(f"'key' gives extension ID {ext_id}, expected {want_id}")
else:
    gid = m.get("browser_specific_settings", {}).get("gecko", {}).get("id")
    if gid != want_gecko:
        fail(f"browser_specific_settings.gecko.id is {gid!r}, expected {want_gecko!r}")
# Every file the manifest names must be in the package.
refs = []
bg = m.get("background", {})
refs += [bg["service_worker"]] if isinstance(bg.get("service_worker"), str) else []
refs += bg.get("scripts", []) if isinstance(bg.get("scripts"), list) else []
refs += [bg["page"]] if isinstance(bg.get("page"), str) else []
for cs in m.get("content_scripts", []):
    refs += cs.get("js", []) + cs.get("css", [])
act = m.get("action", {})
refs += [act["default_popup"]] if isinstance(act.get("default_popup"), str) else []
for icons in (m.get("icons", {}), act.get("default_icon", {}) if isinstance(act.get("default_icon"), dict) else {}):
    refs += list(icons.values())
opt = m.get("options_ui", {})
refs += [opt["page"]] if isinstance(opt.get("page"), str) else []
missing = [r for r in refs if not os.path.isfile(os.path.join(stage, r.lstrip("/")))]
if missing:
    fail("files named by the manifest are missing: " + ", ".join(missing))
print(f"pack-extension: {flavour}: manifest ok ({m.get('name')} {m.get('version')})")
PY
  # Reproducible archive: fixed mtimes, sorted entries, no extra fields, no directory entries.
  find "$stage" -exec touch -h -d '2000-01-01 00:00:00 UTC' {} +
  (cd "$stage" && { echo manifest.json; printf '%s\n' "${files[@]}"; } | LC_ALL=C TZ=UTC zip -q -X -D -@ "$out/$archive")
  echo "pack-extension: wrote $out/$archive and $stage/"
}

pack_one chromium manifest.chromium.json verity-chromium.zip
pack_one firefox manifest.firefox.json verity-firefox.xpi
if [ -n "$crx_key" ]; then
  if [ ! -f "$crx_key" ]; then
    (umask 077 && openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$crx_key" 2>/dev/null) ||
      { echo "pack-extension: cannot create the CRX key $crx_key" >&2; exit 1; }
    echo "pack-extension: created CRX signing key $crx_key (keep it: it fixes the policy-installed ID)"
  fi
  python3 "$repo/packaging/crx3.py" --src "$out/verity-chromium" --key "$crx_key" --out "$out/verity-chromium.crx" \
    --print-id >"$out/verity-chromium.id" || { echo "pack-extension: CRX packing failed" >&2; exit 1; }
  echo "pack-extension: wrote $out/verity-chromium.crx (extension ID $(cat "$out/verity-chromium.id"))"
fi
