#!/usr/bin/env bash
# Tests scripts/install.sh and scripts/pack-extension.sh without touching the real system:
# every run uses a temporary HOME, --prefix and (for --system) --destdir inside one temp folder.
#
#   bash tests/install/run.sh BUILD_DIR
#
# BUILD_DIR must hold a built verity-host (verity-cli is optional). Set
# VERITY_INSTALL_TEST_DUMMY_HOST=1 to use a stand-in script instead (only while the host is not
# written yet; the --version check then proves nothing about the real host).
# Prints "install: N passed, N failed"; exits 1 on any failure.
set -uo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-}"
[ -n "$build" ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
build="$(cd "$build" 2>/dev/null && pwd)" || { echo "install-test: no such folder: $1" >&2; exit 2; }

tmp="$(mktemp -d /tmp/verity-install-test.XXXXXX)"
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }
check() { # description command...  (on failure, shows the command's last output lines)
  local d=$1; shift
  if "$@" >"$tmp/last.log" 2>&1; then
    ok
  else
    bad "$d"
    tail -n 15 "$tmp/last.log" | sed 's/^/    | /'
  fi
  cat "$tmp/last.log" >>"$tmp/check.log"
}

if [ ! -x "$build/verity-host" ]; then
  if [ "${VERITY_INSTALL_TEST_DUMMY_HOST:-0}" = 1 ]; then
    echo "install-test: WARNING: $build/verity-host missing, using a stand-in host script"
    mkdir -p "$tmp/build"
    printf '#!/bin/sh\ncase "$1" in --version) echo "verity-host stand-in";; --self-check) echo ok;; *) exit 2;; esac\n' >"$tmp/build/verity-host"
    chmod +x "$tmp/build/verity-host"
    build="$tmp/build"
  else
    echo "install-test: $build/verity-host not found (build it, or set VERITY_INSTALL_TEST_DUMMY_HOST=1)" >&2
    exit 1
  fi
fi

# Isolated environment: nothing may land outside $tmp.
export HOME="$tmp/home"
unset XDG_CONFIG_HOME XDG_DATA_HOME XDG_STATE_HOME XDG_CACHE_HOME
unset SUDO_USER SUDO_UID SUDO_GID SUDO_COMMAND # under sudo, install.sh defaults to --system
mkdir -p "$HOME"
prefix="$tmp/prefix"
dist="$tmp/dist"
# The fixture extension (below) stands in for extension/, so these tests do not depend on its state.
inst() { bash "$repo/scripts/install.sh" --no-build "$build" --dist "$dist" --extension-dir "$tmp/fixture" "$@"; }

# Independent expectations (not taken from scripts/lib-browsers.sh).
declare -A user_dir=(
  [firefox]="$HOME/.mozilla/native-messaging-hosts"
  [chromium]="$HOME/.config/chromium/NativeMessagingHosts"
  [chrome]="$HOME/.config/google-chrome/NativeMessagingHosts"
  [edge]="$HOME/.config/microsoft-edge/NativeMessagingHosts"
  [brave]="$HOME/.config/BraveSoftware/Brave-Browser/NativeMessagingHosts"
)
declare -A sys_dir=(
  [firefox]=/usr/lib/mozilla/native-messaging-hosts
  [chromium]=/etc/chromium/native-messaging-hosts
  [chrome]=/etc/opt/chrome/native-messaging-hosts
  [edge]=/etc/opt/edge/native-messaging-hosts
  [brave]=/etc/opt/chrome/native-messaging-hosts
)
family() { if [ "$1" = firefox ]; then echo firefox; else echo chromium; fi; }

# valid_manifest FILE FAMILY HOST_PATH [CRX_ID]: exact field set, name, type, path and caller ids
# (CRX_ID: the Chromium-family manifest also allows the policy CRX).
valid_manifest() {
  python3 - "$@" <<'PY'
import json, os, sys
path, fam, host = sys.argv[1:4]
crx = sys.argv[4] if len(sys.argv) > 4 else ""
if os.path.basename(path) != "org.verity.host.json":
    sys.exit(f"wrong file name {path}")
m = json.load(open(path, encoding="utf-8"))
callers = "allowed_extensions" if fam == "firefox" else "allowed_origins"
want_keys = {"name", "description", "path", "type", callers}
if set(m) != want_keys:
    sys.exit(f"keys {sorted(m)} != {sorted(want_keys)}")
if m["name"] != "org.verity.host": sys.exit("bad name")
if m["type"] != "stdio": sys.exit("bad type")
if m["path"] != host or not os.path.isabs(m["path"]): sys.exit(f"bad path {m['path']!r} != {host!r}")
want = ["verity@verity-project"] if fam == "firefox" else ["chrome-extension://mbbdieillpeggimjpelglbnjlbajlfmk/"]
if crx and fam != "firefox":
    want.append(f"chrome-extension://{crx}/")
if m[callers] != want: sys.exit(f"bad {callers}: {m[callers]}")
PY
}
runs_version() { local out; out="$("$1" --version)" && [ -n "$out" ]; }
no_files_under() { [ ! -e "$1" ] || [ -z "$(find "$1" -type f -o -type l)" ]; }
all_under_tmp() { # every recorded file lies in $tmp
  local f
  [ -f "$1" ] || return 1
  while read -r kind f; do
    case "$kind" in file | dir) case "$f" in "$tmp"/*) ;; *) echo "outside tmp: $f"; return 1 ;; esac ;; esac
  done <"$1"
}
lacks() { ! grep -q -- "$1" "$2"; }

# ---- pack-extension.sh on a fixture (proper + mutated twins) -----------------------------------
key="$(grep 'Chromium manifest `key`' "$repo/docs/ids.md" | grep -o 'MII[A-Za-z0-9+/=]*')"
make_fixture() { # dir
  mkdir -p "$1/src" "$1/tests" "$1/node_modules/x"
  echo 'console.log("bg")' >"$1/src/bg.js"
  echo 'test' >"$1/tests/t.js"
  echo 'dep' >"$1/node_modules/x/i.js"
  echo '{"name":"fixture"}' >"$1/package.json"
  cat >"$1/manifest.chromium.json" <<JSON
{"manifest_version":3,"name":"Verity","version":"0.1.0","key":"$key",
 "permissions":["nativeMessaging"],"background":{"service_worker":"src/bg.js","type":"module"}}
JSON
  cat >"$1/manifest.firefox.json" <<'JSON'
{"manifest_version":3,"name":"Verity","version":"0.1.0",
 "browser_specific_settings":{"gecko":{"id":"verity@verity-project"}},
 "permissions":["nativeMessaging"],"background":{"scripts":["src/bg.js"]}}
JSON
}
fx="$tmp/fixture"
make_fixture "$fx"
check "pack: fixture packs" bash "$repo/scripts/pack-extension.sh" --src "$fx" --out "$tmp/pack1"
zip_ok() { # zip flavour
  python3 - "$@" <<'PY'
import json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1]); names = z.namelist()
assert "manifest.json" in names, names
assert len(sys.argv) < 4 or sys.argv[3] in names, (sys.argv[3], names)
assert not any(n.startswith(("tests/", "node_modules/")) or n.startswith("manifest.") and n != "manifest.json" or n == "package.json" for n in names), names
m = json.loads(z.read("manifest.json"))
if sys.argv[2] == "firefox": assert m["browser_specific_settings"]["gecko"]["id"] == "verity@verity-project"
else: assert "key" in m
PY
}
check "pack: chromium zip has manifest.json at root, no tests/node_modules" zip_ok "$tmp/pack1/verity-chromium.zip" chromium src/bg.js
check "pack: firefox xpi has manifest.json at root with the gecko id" zip_ok "$tmp/pack1/verity-firefox.xpi" firefox src/bg.js
check "pack: unpacked chromium tree has manifest.json" test -f "$tmp/pack1/verity-chromium/manifest.json"
check "pack: second run gives byte-identical zips (reproducible)" bash -c \
  "bash '$repo/scripts/pack-extension.sh' --src '$fx' --out '$tmp/pack2' && cmp '$tmp/pack1/verity-chromium.zip' '$tmp/pack2/verity-chromium.zip' && cmp '$tmp/pack1/verity-firefox.xpi' '$tmp/pack2/verity-firefox.xpi'"
mut="$tmp/fixture-badkey"; make_fixture "$mut"
sed -i 's|"key":"MIIB|"key":"MIIC|' "$mut/manifest.chromium.json"
check "pack: wrong key (other extension ID) is rejected" bash -c "! bash '$repo/scripts/pack-extension.sh' --src '$mut' --out '$tmp/packbad1'"
mut="$tmp/fixture-badgecko"; make_fixture "$mut"
sed -i 's|verity@verity-project|other@example.org|' "$mut/manifest.firefox.json"
check "pack: wrong gecko id is rejected" bash -c "! bash '$repo/scripts/pack-extension.sh' --src '$mut' --out '$tmp/packbad2'"
mut="$tmp/fixture-missing"; make_fixture "$mut"; rm "$mut/src/bg.js"; echo x >"$mut/src/other.js"
check "pack: manifest naming a missing file is rejected" bash -c "! bash '$repo/scripts/pack-extension.sh' --src '$mut' --out '$tmp/packbad3'"
mut="$tmp/fixture-badjson"; make_fixture "$mut"; echo '{' >"$mut/manifest.firefox.json"
check "pack: invalid JSON manifest is rejected" bash -c "! bash '$repo/scripts/pack-extension.sh' --src '$mut' --out '$tmp/packbad4'"
mkdir -p "$tmp/empty-ext"
bash "$repo/scripts/pack-extension.sh" --src "$tmp/empty-ext" --out "$tmp/packempty" >/dev/null 2>&1
rc=$?
check "pack: no manifests -> exit 3 (skip)" test $rc = 3

# Real extension: pack it when it has its manifests (exit 3 = not there yet, also fine).
bash "$repo/scripts/pack-extension.sh" --out "$tmp/packreal" >"$tmp/packreal.log" 2>&1
rc=$?
if [ $rc = 0 ]; then
  check "pack: real extension chromium zip" zip_ok "$tmp/packreal/verity-chromium.zip" chromium
  check "pack: real extension firefox xpi" zip_ok "$tmp/packreal/verity-firefox.xpi" firefox
else
  check "pack: real extension either packs or is absent (exit 3), got $rc" test $rc = 3
  [ $rc = 3 ] || cat "$tmp/packreal.log"
fi

# ---- user install, all browsers ---------------------------------------------------------------
host="$prefix/lib/verity/verity-host"
check "user install --all-browsers exits 0" inst --prefix "$prefix" --all-browsers
for b in firefox chromium chrome edge brave; do
  check "user manifest for $b valid" valid_manifest "${user_dir[$b]}/org.verity.host.json" "$(family "$b")" "$host"
done
check "installed host is executable" test -x "$host"
check "installed host runs --version" runs_version "$host"
check "verity-cli installed in prefix/bin and runs --help" bash -c "'$prefix/bin/verity-cli' --help | grep -q 'trust\\|manifest-build'"
check "verity-host on PATH (prefix/bin link to lib/verity) runs --version" bash -c "[ \"\$(readlink '$prefix/bin/verity-host')\" = ../lib/verity/verity-host ] && '$prefix/bin/verity-host' --version"
check "man verity-cli works from prefix/share/man" bash -c "MANPATH='$prefix/share/man' man -P cat verity-cli 2>/dev/null | grep -q 'operator tool'"
check "man verity-host works from prefix/share/man" bash -c "MANPATH='$prefix/share/man' man -P cat verity-host 2>/dev/null | grep -q -- '--register'"
# --self-check per browser: Chromium "installed" (a fake /usr/lib/chromium), its user manifest names
# the installed host -> ok; the twin with another host path in the manifest -> WARNING.
mkdir -p "$tmp/fakeroot/usr/lib/chromium" "$tmp/nobin"
selfcheck() { VERITY_DETECT_ROOT="$tmp/fakeroot" VERITY_BROWSER_PATH="$tmp/nobin" "$host" --self-check; }
check "self-check: Chromium host manifest ok" bash -c "$(declare -f selfcheck); tmp='$tmp' host='$host'; selfcheck | grep -q '^browser  Chromium .*host manifest ok'"
cp "${user_dir[chromium]}/org.verity.host.json" "$tmp/nm-good.json"
sed -i 's|"path":"[^"]*"|"path":"/elsewhere/verity-host"|' "${user_dir[chromium]}/org.verity.host.json"
check "self-check: stale host path in the Chromium manifest is a warning" bash -c "$(declare -f selfcheck); tmp='$tmp' host='$host'; selfcheck | grep -q '^browser  Chromium .*host manifest WARNING.*path'"
check "self-check: browser warnings do not fail it" bash -c "$(declare -f selfcheck); tmp='$tmp' host='$host'; selfcheck >/dev/null"
cp "$tmp/nm-good.json" "${user_dir[chromium]}/org.verity.host.json"
check "install record exists and lists only paths inside the temp dir" all_under_tmp "$prefix/lib/verity/installed-files.txt"
check "unpacked chromium extension installed" test -f "$prefix/share/verity-extension/chromium/manifest.json"
check "unpacked firefox extension installed" test -f "$prefix/share/verity-extension/firefox/src/bg.js"
check "xpi installed" test -f "$prefix/share/verity-extension/verity-firefox.xpi"
sums1="$(cat "${user_dir[@]/%//org.verity.host.json}" | sha256sum)"
check "second install (idempotent) exits 0" inst --prefix "$prefix" --all-browsers
sums2="$(cat "${user_dir[@]/%//org.verity.host.json}" | sha256sum)"
check "second install leaves identical manifests" test "$sums1" = "$sums2"
check "record has no duplicate lines" bash -c "[ -z \"\$(grep -v '^#' '$prefix/lib/verity/installed-files.txt' | sort | uniq -d)\" ]"
check "--dry-run --uninstall exits 0" inst --prefix "$prefix" --uninstall --dry-run
check "--dry-run --uninstall changes nothing" test -f "${user_dir[edge]}/org.verity.host.json" -a -x "$host"

# Data is kept by --uninstall, removed by --purge.
mkdir -p "$HOME/.local/share/verity" && echo keep >"$HOME/.local/share/verity/keep-me"
check "uninstall exits 0" inst --prefix "$prefix" --uninstall
for b in firefox chromium chrome edge brave; do
  check "uninstall removed the $b manifest" test ! -e "${user_dir[$b]}/org.verity.host.json"
done
check "uninstall left no file in the prefix" no_files_under "$prefix"
check "uninstall removed folders it created (~/.config/microsoft-edge)" test ! -e "$HOME/.config/microsoft-edge"
check "uninstall kept the data folder" test -f "$HOME/.local/share/verity/keep-me"
check "second uninstall exits 0" inst --prefix "$prefix" --uninstall
check "uninstall --purge exits 0" inst --prefix "$prefix" --uninstall --purge
check "--purge removed the data folder" test ! -e "$HOME/.local/share/verity"

# Default prefix (~/.local): the install must not collide with the host's data folder
# ~/.local/share/verity (the verdict log), and uninstall must leave that folder alone.
mkdir -p "$HOME/.local/share/verity" && echo keep >"$HOME/.local/share/verity/keep-me"
check "default-prefix install exits 0" inst --browsers chromium,firefox
check "default prefix: manifest points to ~/.local/lib/verity/verity-host" \
  valid_manifest "${user_dir[chromium]}/org.verity.host.json" chromium "$HOME/.local/lib/verity/verity-host"
check "default prefix: extension outside the data folder" test -f "$HOME/.local/share/verity-extension/chromium/manifest.json"
check "default-prefix uninstall exits 0" inst --uninstall
check "default-prefix uninstall kept the verdict log" test -f "$HOME/.local/share/verity/keep-me"
check "default-prefix uninstall left only the data folder in ~/.local" \
  bash -c "[ -z \"\$(find '$HOME/.local' -type f ! -path '$HOME/.local/share/verity/*')\" ]"
rm -rf "$HOME/.local/share/verity"

# ---- browser detection ------------------------------------------------------------------------
mkdir -p "$tmp/fakebin" "$tmp/noroot" "$HOME/.config/microsoft-edge"
printf '#!/bin/sh\nexit 0\n' >"$tmp/fakebin/brave-browser" && chmod +x "$tmp/fakebin/brave-browser"
check "detect install exits 0" env VERITY_BROWSER_PATH="$tmp/fakebin" VERITY_DETECT_ROOT="$tmp/noroot" \
  bash "$repo/scripts/install.sh" --no-build "$build" --dist "$dist" --extension-dir "$tmp/fixture" --prefix "$prefix" --skip-self-check
check "detect: brave (executable on path) registered" valid_manifest "${user_dir[brave]}/org.verity.host.json" chromium "$host"
check "detect: edge (config folder present) registered" valid_manifest "${user_dir[edge]}/org.verity.host.json" chromium "$host"
for b in firefox chromium chrome; do
  check "detect: absent $b not registered" test ! -e "${user_dir[$b]}/org.verity.host.json"
done
check "detect: uninstall" inst --prefix "$prefix" --uninstall
check "detect: uninstall keeps a browser folder it did not create" test -d "$HOME/.config/microsoft-edge"
rm -rf "$HOME/.config/microsoft-edge"

# XDG_CONFIG_HOME moves the Chromium-family user folders; --browsers selects exactly.
check "XDG_CONFIG_HOME + --browsers chromium exits 0" env XDG_CONFIG_HOME="$tmp/xdg" \
  bash "$repo/scripts/install.sh" --no-build "$build" --dist "$dist" --extension-dir "$tmp/fixture" --prefix "$prefix" --browsers chromium
check "XDG_CONFIG_HOME honoured for chromium" valid_manifest "$tmp/xdg/chromium/NativeMessagingHosts/org.verity.host.json" chromium "$host"
check "--browsers chromium wrote no firefox manifest" test ! -e "${user_dir[firefox]}/org.verity.host.json"
check "XDG uninstall" env XDG_CONFIG_HOME="$tmp/xdg" bash "$repo/scripts/install.sh" --prefix "$prefix" --uninstall
check "XDG uninstall removed it" test ! -e "$tmp/xdg/chromium/NativeMessagingHosts/org.verity.host.json"

# ---- system mode, staged under --destdir --------------------------------------------------------
root="$tmp/root"
sys_host=/usr/local/lib/verity/verity-host
mkdir -p "$root/etc/firefox/policies"
echo '{"policies":{"DisableTelemetry":true}}' >"$root/etc/firefox/policies/policies.json"
crx_key="$tmp/crx-key.pem" # the policy CRX key (install.sh would create it in BUILD_DIR)
sysinst() { inst --system --destdir "$root" --crx-key "$crx_key" "$@"; }
check "--firefox-policy without a packable extension fails" bash -c "! bash '$repo/scripts/install.sh' --no-build '$build' --dist '$tmp/dist-empty' --extension-dir '$tmp/empty-ext' --system --destdir '$tmp/root-fail' --all-browsers --firefox-policy --crx-key '$crx_key'"
check "system install with --firefox-policy exits 0" sysinst --all-browsers --firefox-policy
policy_ok() {
  python3 - "$root/etc/firefox/policies/policies.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))["policies"]
assert p["DisableTelemetry"] is True, "foreign policy lost"
e = p["ExtensionSettings"]["verity@verity-project"]
assert e["installation_mode"] == "force_installed"
assert e["install_url"] == "file:///usr/local/share/verity-extension/verity-firefox.xpi", e["install_url"]
assert p["Preferences"]["xpinstall.signatures.required"] == {"Value": False, "Status": "locked"}
PY
}
check "policy merged, foreign policy kept, xpi URL without destdir" policy_ok
check "xpi the policy points to exists" test -f "$root/usr/local/share/verity-extension/verity-firefox.xpi"
check "second system install (idempotent) exits 0" sysinst --all-browsers --firefox-policy
check "policy still valid after second install" policy_ok
# The package's policy files, same layout (docs/install.md): CRX + update manifest, ExtensionSettings.
check "system install with the policy CRX key exits 0" sysinst --all-browsers
crx_id="$(openssl pkey -in "$crx_key" -pubout -outform DER 2>/dev/null | sha256sum | head -c 32 | tr 0-9a-f a-p)"
check "the CRX key was created" test -s "$crx_key"
for b in firefox chromium chrome edge brave; do
  check "system manifest for $b valid, allows the CRX ID too (path without destdir)" \
    valid_manifest "$root${sys_dir[$b]}/org.verity.host.json" "$(family "$b")" "$sys_host" "$crx_id"
done
managed_dirs=(/etc/chromium/policies/managed /etc/opt/chrome/policies/managed /etc/opt/edge/policies/managed /etc/brave/policies/managed)
chromium_policy_ok() { # file
  python3 - "$1" "$crx_id" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d == {"ExtensionSettings": {sys.argv[2]: {"installation_mode": "force_installed",
    "update_url": "file:///usr/local/share/verity-extension/updates.xml"}}}, d
PY
}
for d in "${managed_dirs[@]}"; do
  check "$d/verity.json force-installs $crx_id from file:// (no destdir in the URL)" chromium_policy_ok "$root$d/verity.json"
done
check "updates.xml names the CRX ID, version and the installed CRX" python3 -c "
import sys, xml.etree.ElementTree as E
ns='{http://www.google.com/update2/response}'; a=E.parse('$root/usr/local/share/verity-extension/updates.xml').getroot().find(ns+'app')
u=a.find(ns+'updatecheck')
sys.exit(not (a.get('appid')=='$crx_id' and u.get('version')=='0.1.0' and u.get('codebase')=='file:///usr/local/share/verity-extension/verity-chromium.crx'))"
check "the CRX is a CRX3 signed for $crx_id" python3 -c "
import hashlib, struct, sys
b=open('$root/usr/local/share/verity-extension/verity-chromium.crx','rb').read()
sys.exit(not (b[:4]==b'Cr24' and struct.unpack('<I', b[4:8])[0]==3 and bytes.fromhex(''.join('%x' % (ord(c)-97) for c in '$crx_id')) in b[:struct.unpack('<I', b[8:12])[0]+12]))"
check "policy merged with the system install (no --firefox-policy needed)" policy_ok
# The same files as the package (build-deb.sh with the same CRX key), /usr instead of /usr/local.
same_layout() {
  local deb x f
  deb="$(bash "$repo/packaging/build-deb.sh" --build-dir "$build" --no-build --out "$tmp/deb" --crx-key "$crx_key" | tail -n1)" || return 1
  x="$tmp/deb-x"
  rm -rf "$x" && dpkg-deb -x "$deb" "$x" || return 1
  for f in "${managed_dirs[@]/%//verity.json}" /usr/share/verity-extension/updates.xml; do
    diff <(sed 's|/usr/share/|/usr/local/share/|g' "$x$f") "$root${f/\/usr\/share/\/usr\/local\/share}" || { echo "differs: $f"; return 1; }
  done
  for f in verity-chromium.crx verity-firefox.xpi; do
    [ -f "$x/usr/share/verity-extension/$f" ] && [ -f "$root/usr/local/share/verity-extension/$f" ] || { echo "missing $f"; return 1; }
  done
  # Policy and manifest files under /etc and /usr/lib/mozilla: the same set of paths.
  diff <(cd "$x" && find etc usr/lib/mozilla -type f | LC_ALL=C sort) \
    <(cd "$root" && find etc usr/lib/mozilla -type f ! -path 'etc/firefox/*' | LC_ALL=C sort)
}
check "install.sh --system writes the package's policy files (same paths, same content but the prefix)" same_layout
# --no-policy: none of them, and the manifests allow only the unpacked ID.
root2="$tmp/root-nopolicy"
check "system install --no-policy exits 0" inst --system --destdir "$root2" --all-browsers --no-policy --crx-key "$crx_key"
check "--no-policy: no Chromium-family policy file" bash -c "! ls '$root2'/etc/*/policies/managed/verity.json '$root2'/etc/opt/*/policies/managed/verity.json 2>/dev/null | grep -q ."
check "--no-policy: no CRX, no update manifest, no Firefox policy" test ! -e "$root2/usr/local/share/verity-extension/verity-chromium.crx" -a ! -e "$root2/usr/local/share/verity-extension/updates.xml" -a ! -e "$root2/etc/firefox/policies/policies.json"
check "--no-policy: the Chromium manifest allows only the unpacked ID" valid_manifest "$root2/etc/chromium/native-messaging-hosts/org.verity.host.json" chromium "$sys_host"
check "--no-policy without --system fails" bash -c "! bash '$repo/scripts/install.sh' --no-policy --no-build '$build' --prefix '$prefix'"
check "--no-policy with --firefox-policy fails" bash -c "! bash '$repo/scripts/install.sh' --system --destdir '$tmp/root-x' --no-policy --firefox-policy --no-build '$build'"
# --signed-xpi: that file is installed and the Firefox policy keeps signature checks on.
root3="$tmp/root-signed"
printf 'PK signed stand-in' >"$tmp/signed.xpi"
check "system install --signed-xpi exits 0" inst --system --destdir "$root3" --all-browsers --signed-xpi "$tmp/signed.xpi" --crx-key "$crx_key"
check "--signed-xpi: that XPI is installed" cmp "$tmp/signed.xpi" "$root3/usr/local/share/verity-extension/verity-firefox.xpi"
check "--signed-xpi: policy without the signature preference" python3 -c "
import json,sys; p=json.load(open('$root3/etc/firefox/policies/policies.json'))['policies']
sys.exit('Preferences' in p or p['ExtensionSettings']['verity@verity-project']['install_url'] != 'file:///usr/local/share/verity-extension/verity-firefox.xpi')"
check "--signed-xpi with a missing file fails" bash -c "! bash '$repo/scripts/install.sh' --system --destdir '$tmp/root-y' --signed-xpi '$tmp/nope.xpi' --no-build '$build'"
check "--signed-xpi without --system fails" bash -c "! bash '$repo/scripts/install.sh' --signed-xpi '$tmp/signed.xpi' --no-build '$build' --prefix '$prefix'"
check "system install host" test -x "$root$sys_host"
check "system uninstall exits 0" sysinst --uninstall
for b in firefox chromium chrome edge; do
  check "system uninstall removed the $b manifest" test ! -e "$root${sys_dir[$b]}/org.verity.host.json"
done
for d in "${managed_dirs[@]}"; do
  check "system uninstall removed $d/verity.json and the folders it made" test ! -e "$root$d/verity.json" -a ! -e "$root$d"
done
check "system uninstall left no file under /usr/local" no_files_under "$root/usr/local"
check "system uninstall kept the foreign policy only" python3 -c "
import json,sys; d=json.load(open('$root/etc/firefox/policies/policies.json')); sys.exit(d != {'policies': {'DisableTelemetry': True}})"

# Under sudo without --user/--prefix, the default is system-wide (checked with --dry-run only).
[ "$(id -u)" = 0 ] && check "sudo default is --system (dry run)" bash -c "SUDO_USER=someone bash '$repo/scripts/install.sh' --no-build '$build' --dist '$tmp/dist-dry' --extension-dir '$tmp/fixture' --dry-run --skip-self-check | grep -q 'system mode'"
[ "$(id -u)" = 0 ] && check "--user overrides the sudo default (dry run)" bash -c "SUDO_USER=someone bash '$repo/scripts/install.sh' --user --no-build '$build' --dist '$tmp/dist-dry' --extension-dir '$tmp/fixture' --dry-run --skip-self-check | grep -q 'user mode'"

# --demo: the host is registered again after scripts/deps.sh --browser installs the browsers, before
# the demo runs (issue #13: "registered for: no browser" when it ran only before).
demo_order() {
  inst --prefix "$prefix" --dry-run --demo --skip-self-check >"$tmp/demo-dry.txt" || return 1
  awk '/deps\.sh --browser/ { d = NR } /verity-host --register/ { if (d) r = NR } /demo\.sh/ { if (r) ok = 1 } END { exit !ok }' "$tmp/demo-dry.txt" ||
    { cat "$tmp/demo-dry.txt"; return 1; }
}
check "--demo: deps.sh --browser, then verity-host --register, then demo.sh (dry run)" demo_order

# ---- failures are reported --------------------------------------------------------------------
check "unknown option fails" bash -c "! bash '$repo/scripts/install.sh' --bogus"
check "--firefox-policy without --system fails" bash -c "! bash '$repo/scripts/install.sh' --firefox-policy --no-build '$build'"
check "missing build dir fails" bash -c "! bash '$repo/scripts/install.sh' --no-build '$tmp/nope' --prefix '$prefix'"
check "unknown browser fails" bash -c "! bash '$repo/scripts/install.sh' --no-build '$build' --prefix '$prefix' --browsers netscape"
check "relative --prefix fails" bash -c "! bash '$repo/scripts/install.sh' --no-build '$build' --prefix rel/dir"
check "nothing left in prefix after failures" no_files_under "$prefix"

echo "install: $passed passed, $failed failed"
[ $failed -eq 0 ] || exit 1
exit 0
