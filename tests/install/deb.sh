#!/usr/bin/env bash
# The Debian package end to end, in a throw-away copy of this machine (nothing on the real system
# changes, and other browser runs on the machine never see the package's policies):
#   1. packaging/build-deb.sh -> verity_<version>_amd64.deb
#   2. a private mount namespace with an overlay of / (lower: this machine, read-only; upper: an
#      empty folder), chroot into it: the "reset machine state". Every file the package run leaves
#      behind shows up in the upper folder, so "nothing left" is checked against a real list.
#   3. apt-get install ./verity_*.deb (no network: the dependencies are already on this machine);
#      check the files, verity-cli on PATH, man verity-cli, verity-host --self-check per browser
#   4. headed Chromium and Firefox ESR under xvfb-run with no extension flags
#      (tests/install/policy_browsers.mjs): installType "admin", chrome://policy, host reached,
#      tampered twin blocked with no marker request, screenshots in ARTIFACTS
#   5. apt-get purge verity; list every file left in the upper folder outside dpkg/apt's own
#      bookkeeping: must be none
#
#   bash tests/install/deb.sh BUILD_DIR [--no-browsers]
# Needs root (mount namespace, overlayfs, chroot). Env: ARTIFACTS (default artifacts/install-deb),
# DEB_BROWSERS=chromium|firefox|both (default both), DEB_TIMEOUT (browser part, default 420 s).
# Prints "deb: N passed, N failed"; exit 1 on any failure.
set -uo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:?usage: $0 BUILD_DIR [--no-browsers]}"
build="$(cd "$build" && pwd)"
browsers=1
[ "${2:-}" = --no-browsers ] && browsers=0
[ "$(id -u)" = 0 ] || { echo "deb: needs root (overlay + chroot)" >&2; exit 2; }
art="${ARTIFACTS:-$repo/artifacts/install-deb}"
mkdir -p "$art"
art="$(cd "$art" && pwd)"

tmp="$(mktemp -d /tmp/verity-deb-test.XXXXXX)"
trap 'rm -rf "$tmp"' EXIT
echo "deb: building the package"
deb="$(bash "$repo/packaging/build-deb.sh" --build-dir "$build" --no-build --out "$tmp/out" --crx-key "$tmp/crx-key.pem" | tail -n1)" ||
  { echo "deb: FAIL: build-deb.sh"; exit 1; }
[ -f "$deb" ] || { echo "deb: FAIL: no package at '$deb'"; exit 1; }
crx_id="$(python3 - "$tmp/crx-key.pem" <<'PY'
import hashlib, subprocess, sys
der = subprocess.run(["openssl", "pkey", "-in", sys.argv[1], "-pubout", "-outform", "DER"], check=True, capture_output=True).stdout
print("".join(chr(ord("a") + int(c, 16)) for c in hashlib.sha256(der).hexdigest()[:32]))
PY
)"
echo "deb: $deb (policy extension ID $crx_id)"

# The script that runs inside the machine copy.
cat >"$tmp/inside.sh" <<'INSIDE'
set -uo pipefail
deb=$1 crx_id=$2 repo=$3 art=$4 browsers=$5
passed=0 failed=0
check() { local d=$1; shift; if "$@" >/tmp/check.log 2>&1; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $d"; tail -n 12 /tmp/check.log | sed 's/^/    | /'; fi; }
export DEBIAN_FRONTEND=noninteractive PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
check "apt-get install ./verity.deb (dependencies already present: nothing downloaded)" sh -c "apt-get install -y \"$deb\" | tee /dev/stderr | grep -q \"^0 upgraded, 1 newly installed\""
check "dpkg says verity is installed" sh -c "dpkg-query -W -f='\${Status}' verity | grep -q 'install ok installed'"
check "every file dpkg lists for verity exists" sh -c 'dpkg -L verity | while read -r f; do [ -e "$f" ] || { echo "missing $f"; exit 1; }; done'
check "verity-cli on PATH runs --help" sh -c 'command -v verity-cli && verity-cli --help | grep -q manifest-build'
check "verity-host on PATH runs --version" sh -c 'verity-host --version | grep -q "verity-host"'
check "man verity-cli works" sh -c 'man -P cat verity-cli | grep -q "operator tool"'
check "man verity-host works" sh -c 'man -P cat verity-host | grep -q -- "--register"'
for f in /etc/chromium/native-messaging-hosts /etc/opt/chrome/native-messaging-hosts /etc/opt/edge/native-messaging-hosts \
  /usr/lib/mozilla/native-messaging-hosts; do
  check "host manifest in $f names /usr/lib/verity/verity-host" sh -c "grep -q '\"path\":\"/usr/lib/verity/verity-host\"' $f/org.verity.host.json"
done
for f in /etc/opt/chrome/native-messaging-hosts /etc/chromium/native-messaging-hosts; do
  check "Chromium-family host manifest in $f allows the CRX ID" grep -q "chrome-extension://$crx_id/" "$f/org.verity.host.json"
done
for d in /etc/chromium /etc/opt/chrome /etc/opt/edge /etc/brave; do
  check "$d/policies/managed/verity.json force-installs $crx_id from file://" python3 -c "
import json,sys; e=json.load(open('$d/policies/managed/verity.json'))['ExtensionSettings']['$crx_id']
sys.exit(not (e['installation_mode']=='force_installed' and e['update_url']=='file:///usr/share/verity-extension/updates.xml'))"
done
check "updates.xml names the CRX and the ID" python3 -c "
import sys, xml.etree.ElementTree as E
ns='{http://www.google.com/update2/response}'; a=E.parse('/usr/share/verity-extension/updates.xml').getroot().find(ns+'app')
u=a.find(ns+'updatecheck'); sys.exit(not (a.get('appid')=='$crx_id' and u.get('codebase')=='file:///usr/share/verity-extension/verity-chromium.crx'))"
check "Firefox policy has the add-on with a local install_url" python3 -c "
import json,sys; p=json.load(open('/etc/firefox/policies/policies.json'))['policies']
e=p['ExtensionSettings']['verity@verity-project']
sys.exit(not (e['installation_mode']=='force_installed' and e['install_url']=='file:///usr/share/verity-extension/verity-firefox.xpi'))"
check "self-check: Chromium manifest ok and extension installed by policy" sh -c \
  "HOME=/tmp/sc-home verity-host --self-check | tee /dev/stderr | grep -q '^browser  Chromium .*extension ok (installed by policy /etc/chromium/policies/managed/verity.json)'"
check "self-check: Chromium host manifest ok" sh -c "HOME=/tmp/sc-home verity-host --self-check | grep -q '^browser  Chromium .*host manifest ok (/etc/chromium/'"
check "self-check: Firefox add-on installed by policy" sh -c "HOME=/tmp/sc-home verity-host --self-check | grep -q '^browser  Firefox.*extension ok (installed by policy /etc/firefox/policies/policies.json)'"
rm -rf /tmp/sc-home
if [ "$browsers" = 1 ]; then
  mkdir -p /tmp/fb
  # Test only (not in the package): Chromium refuses DevTools/CDP on policy-installed extensions by
  # default (DeveloperToolsAvailability 0); 1 lets the test ask the extension for its installType.
  echo '{"DeveloperToolsAvailability": 1}' >/etc/chromium/policies/managed/zz-verity-test-devtools.json
  check "headed browsers under Xvfb: policy install, admin, host reached, twin blocked (tests/install/policy_browsers.mjs)" \
    timeout "${DEB_TIMEOUT:-420}" env XVFB_SCREEN=/tmp/fb/Xvfb_screen0 xvfb-run -a -s "-screen 0 1280x800x24 -fbdir /tmp/fb" \
    node "$repo/tests/install/policy_browsers.mjs" "$crx_id" "$art" "${DEB_BROWSERS:-both}"
  sed -n '/^ok - \|^not ok - \|^policy-browsers:/p' /tmp/check.log
  rm -rf /tmp/fb /etc/chromium/policies/managed/zz-verity-test-devtools.json
fi
check "apt-get purge verity" apt-get purge -y verity
check "dpkg no longer knows verity" sh -c "! dpkg-query -W verity 2>/dev/null | grep -q ."
check "Firefox policy file gone (it did not exist before)" test ! -e /etc/firefox/policies/policies.json
echo "inside: $passed $failed"
INSIDE

# The machine copy: overlay of / in a private mount namespace, proc/sys/dev/tmp for the browsers,
# the repository (node_modules for the browser drivers) and the package at their own paths.
up="$tmp/upper" wk="$tmp/work" mnt="$tmp/merged"
mkdir -p "$up" "$wk" "$mnt"
cp "$deb" "$tmp/verity.deb"
unshare -m --propagation private bash -c '
  set -e
  mnt=$1 up=$2 wk=$3 repo=$4 tmp=$5 art=$6
  mount -t overlay overlay -o "lowerdir=/,upperdir=$up,workdir=$wk" "$mnt"
  mount -t proc proc "$mnt/proc"
  mount --rbind /sys "$mnt/sys"
  mount --rbind /dev "$mnt/dev"
  mount -t tmpfs tmpfs "$mnt/dev/shm"
  mount -t tmpfs tmpfs "$mnt/tmp"
  mkdir -p "$mnt/tmp/pkg" "$mnt/tmp/art"
  mount --bind "$tmp" "$mnt/tmp/pkg"
  mount --bind "$art" "$mnt/tmp/art"
  mount --bind -o ro "$repo" "$mnt$repo" 2>/dev/null || true
  chroot "$mnt" bash /tmp/pkg/inside.sh /tmp/pkg/verity.deb "$7" "$repo" /tmp/art "$8"
' _ "$mnt" "$up" "$wk" "$repo" "$tmp" "$art" "$crx_id" "$browsers" | tee "$tmp/inside.log"
read -r passed failed < <(sed -n 's/^inside: //p' "$tmp/inside.log")
passed=${passed:-0} failed=${failed:-1}

# Leftovers: every file the install + purge left in the machine copy, except dpkg/apt's own
# records and logs (and the mount points this script made).
find "$up" \( -type f -o -type l -o -type c \) -printf '/%P\n' | LC_ALL=C sort |
  grep -vE '^/(var/lib/dpkg/|var/log/|var/cache/(apt|debconf|man)/|var/lib/apt/|var/cache/ldconfig/|etc/ld\.so\.cache$|tmp/|root/\.cache/|var/lib/man-db/|var/cache/fontconfig/)' |
  grep -v "^$repo" >"$tmp/left.txt" || true
# ... and folders the run created that were not on this machine before.
(cd "$up" && find . -mindepth 1 -type d -printf '/%P\n') | LC_ALL=C sort | while read -r d; do
  [ -e "$d" ] || echo "$d/"
done | grep -vE '^/(var/lib/dpkg/|var/log/|var/cache/|var/lib/apt/|tmp/|root/\.cache/)' >>"$tmp/left.txt" || true
# Folders the browsers make themselves: Chromium started as root creates /usr/lib/chromium/extensions/
# (its system external-extensions folder) on every start, with or without Verity or any policy
# (checked: one headless start in a private overlay of /usr/lib/chromium). Listed, not counted.
grep -xE '/usr/lib/chromium/extensions/' "$tmp/left.txt" >"$tmp/browser-made.txt" || true
grep -vxE '/usr/lib/chromium/extensions/' "$tmp/left.txt" >"$tmp/left2.txt" || true
mv "$tmp/left2.txt" "$tmp/left.txt"
[ -s "$tmp/browser-made.txt" ] && sed 's/^/deb: made by the browser runs, not the package: /' "$tmp/browser-made.txt"
echo "deb: files left after purge (outside dpkg/apt bookkeeping): $(wc -l <"$tmp/left.txt")"
sed 's/^/  /' "$tmp/left.txt"
if [ -s "$tmp/left.txt" ]; then failed=$((failed + 1)); echo "FAIL: purge left files behind"; else passed=$((passed + 1)); fi
echo "deb: the upper folder also holds dpkg's records: $(find "$up/var/lib/dpkg" -type f 2>/dev/null | wc -l) files (expected)"
ls "$art"/*.png 2>/dev/null | sed 's/^/deb: screenshot /'
echo "deb: $passed passed, $failed failed"
[ "$failed" = 0 ]
