#!/usr/bin/env bash
# The Debian package on a fresh Debian 12 root made by this test (issue #13 acceptance: "a fresh
# container or chroot made by the test"), the --no-browsers path:
#   1. packaging/build-deb.sh -> verity_<version>_amd64.deb (from BUILD_DIR, no rebuild)
#   2. debootstrap --variant=minbase bookworm into an empty folder. The .debs debootstrap needs are
#      kept in a tarball (debootstrap --make-tarball, once, network) in $VERITY_DEBIAN_CACHE, and
#      every run unpacks a new root from it (--unpack-tarball); apt's downloaded .debs are kept
#      there too. Nothing of this machine is visible in the root but the package file.
#   3. in the root (chroot, private mount namespace): apt-get update; install man-db and the
#      package's Depends (the machine "before"); list every file (snapshot 0)
#   4. apt install ./verity_*.deb: nothing else installed; every file dpkg lists exists; verity-cli
#      and verity-host on PATH; `man verity-cli`; verity-cli trust list/add-service as a user;
#      the policies; --self-check
#   5. apt remove verity: list what is left; apt purge verity: list what is left; both compared
#      with snapshot 0 (outside dpkg/apt bookkeeping), purge must leave nothing
#
#   bash tests/install/fresh_debian.sh BUILD_DIR      (root; network: deb.debian.org)
# Not in the default scripts/test.sh (the first run downloads ~100 MB and takes minutes):
# scripts/test.sh --fresh-debian adds it. Env: VERITY_DEBIAN_CACHE (default /var/cache/verity-test),
# VERITY_DEBIAN_MIRROR (default http://deb.debian.org/debian), KEEP=1 keeps the root.
# Prints "fresh-debian: N passed, N failed"; exit 1 on any failure.
set -uo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:?usage: $0 BUILD_DIR}"
build="$(cd "$build" && pwd)"
[ "$(id -u)" = 0 ] || { echo "fresh-debian: needs root (debootstrap, chroot)" >&2; exit 2; }
command -v debootstrap >/dev/null || { echo "fresh-debian: debootstrap missing (apt-get install debootstrap)" >&2; exit 2; }
cache="${VERITY_DEBIAN_CACHE:-/var/cache/verity-test}"
mirror="${VERITY_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
tarball="$cache/bookworm-minbase.tgz"
mkdir -p "$cache/archives/partial"
tmp="$(mktemp -d /tmp/verity-fresh-debian.XXXXXX)"
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
t0=$SECONDS

echo "fresh-debian: building the package"
deb="$(bash "$repo/packaging/build-deb.sh" --build-dir "$build" --no-build --out "$tmp/out" --crx-key "$tmp/crx-key.pem" | tail -n1)" ||
  { echo "fresh-debian: FAIL: build-deb.sh"; exit 1; }
[ -f "$deb" ] || { echo "fresh-debian: FAIL: no package"; exit 1; }

if [ ! -s "$tarball" ]; then
  echo "fresh-debian: first run: debootstrap --make-tarball (downloads the base system once)"
  debootstrap --variant=minbase --make-tarball="$tarball.part" bookworm "$tmp/mk" "$mirror" >"$tmp/mk.log" 2>&1 ||
    { tail -n 20 "$tmp/mk.log"; echo "fresh-debian: FAIL: debootstrap --make-tarball (network?)"; exit 1; }
  mv "$tarball.part" "$tarball"
  rm -rf "$tmp/mk"
fi
root="$tmp/root"
echo "fresh-debian: debootstrap --variant=minbase --unpack-tarball bookworm $root"
debootstrap --variant=minbase --unpack-tarball="$tarball" bookworm "$root" "$mirror" >"$tmp/dbs.log" 2>&1 ||
  { tail -n 20 "$tmp/dbs.log"; echo "fresh-debian: FAIL: debootstrap"; exit 1; }
echo "fresh-debian: fresh root ready after $((SECONDS - t0)) s: $(. "$root/etc/os-release" && echo "$PRETTY_NAME"), $(chroot "$root" dpkg-query -W | wc -l) packages"
cp "$deb" "$root/tmp/"
cp /etc/resolv.conf "$root/etc/resolv.conf"
depends="$(dpkg-deb -f "$deb" Depends | sed 's/([^)]*)//g; s/,/ /g')"

cat >"$root/tmp/inside.sh" <<'INSIDE'
set -uo pipefail
deb=$1 depends=$2
passed=0 failed=0
check() { local d=$1; shift; if "$@" >/tmp/check.log 2>&1; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $d"; tail -n 12 /tmp/check.log | sed 's/^/    | /'; fi; }
export DEBIAN_FRONTEND=noninteractive PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8
# Every file of the root but the pseudo file systems and the bookkeeping of dpkg and apt.
snapshot() {
  find / -xdev \( -path /proc -o -path /sys -o -path /dev -o -path /tmp -o -path /run \) -prune -o \
    \( -type f -o -type l -o -type d \) -printf '%p\n' | LC_ALL=C sort |
    grep -vE '^/(var/lib/dpkg|var/log|var/cache/(apt|debconf|man|ldconfig)|var/lib/apt|var/lib/man-db|root/\.cache)(/|$)|^/etc/ld\.so\.cache$'
}
apt-get update >/tmp/update.log 2>&1 || { tail -n 5 /tmp/update.log; echo "inside: 0 1"; exit 0; }
# The machine before: man-db (a minbase root has no man) and the libraries the package depends on.
# shellcheck disable=SC2086 # the Depends list splits into package names
apt-get install -y --no-install-recommends man-db $depends >/tmp/deps.log 2>&1 || { tail -n 20 /tmp/deps.log; echo "inside: 0 1"; exit 0; }
useradd -m alice # a user of the machine (made before the snapshot: useradd leaves /etc/*- backups)
snapshot >/tmp/snap0.txt
check "verity-cli is not there before the install" sh -c '! command -v verity-cli'

check "apt install ./verity.deb: exactly 1 newly installed (the dependencies are there)" sh -c "apt-get install -y \"$deb\" >/tmp/apt-install.log 2>&1; rc=\$?; cat /tmp/apt-install.log; [ \$rc = 0 ] && grep -q '^0 upgraded, 1 newly installed' /tmp/apt-install.log"
check "dpkg: install ok installed" sh -c "dpkg-query -W -f='\${Status}' verity | grep -qx 'install ok installed'"
check "every file dpkg lists for verity exists" sh -c 'dpkg -L verity | while read -r f; do [ -e "$f" ] || { echo "missing $f"; exit 1; }; done'
check "verity-cli on PATH is /usr/bin/verity-cli" sh -c '[ "$(command -v verity-cli)" = /usr/bin/verity-cli ]'
check "verity-cli --help lists trust and manifest-build" sh -c 'verity-cli --help | grep -q "trust" && verity-cli --help | grep -q manifest-build'
check "verity-host on PATH runs --version" sh -c 'verity-host --version | grep -q verity-host'
check "man verity-cli works (trust section)" sh -c 'man -P cat verity-cli | grep -q "trust add-service"'
check "man verity-host works" sh -c 'man -P cat verity-host | grep -q -- "--register"'
check "the man pages are in man-db's index (apropos)" sh -c 'apropos verity | grep -q "verity-cli (1)"'
# A user sets up trust with the installed tool; a refused twin with its code.
check "as a user: verity-cli trust add-service writes ~/.config/verity/config.json" su alice -c '
  cd && verity-cli keygen --name ts.example/log --type service --out ts.key >/dev/null &&
  verity-cli trust add-service --key ts.vkey && test "$(stat -c %a ~/.config/verity/config.json)" = 600 &&
  verity-cli trust list | grep -q "ts.example  ts.example/log+"'
check "as a user: a private key is refused (trust.bad_key)" su alice -c '
  cd && ! verity-cli trust add-service --name x --key ts.key 2>err && grep -q "^verity-cli: trust.bad_key:" err'
for d in /etc/chromium/policies/managed /etc/opt/chrome/policies/managed /etc/opt/edge/policies/managed /etc/brave/policies/managed; do
  check "$d/verity.json (ExtensionSettings, file:// updates.xml)" grep -q 'file:///usr/share/verity-extension/updates.xml' "$d/verity.json"
done
check "postinst wrote the Firefox policy (no Firefox installed: the file is still there for a later one)" \
  grep -q 'file:///usr/share/verity-extension/verity-firefox.xpi' /etc/firefox/policies/policies.json
check "host manifests for every browser (a browser installed later finds the host)" sh -c '
  for f in /etc/chromium/native-messaging-hosts /etc/opt/chrome/native-messaging-hosts /etc/opt/edge/native-messaging-hosts /usr/lib/mozilla/native-messaging-hosts; do
    grep -q "\"path\":\"/usr/lib/verity/verity-host\"" $f/org.verity.host.json || exit 1; done'
check "self-check runs as a user" su alice -c 'verity-host --self-check'
su alice -c 'rm -rf ~/.config ~/.local ~/ts.key ~/ts.vkey ~/err' # the user's own files, not the package's
dpkg -L verity | LC_ALL=C sort >/tmp/dpkg-L.txt
echo "inside: the package installed $(grep -vc '^/\.$' /tmp/dpkg-L.txt) paths (dpkg -L):"
sed 's/^/    /' /tmp/dpkg-L.txt

check "apt remove verity" apt-get remove -y verity
snapshot >/tmp/snap-remove.txt
LC_ALL=C comm -13 /tmp/snap0.txt /tmp/snap-remove.txt >/tmp/left-remove.txt
echo "inside: after apt remove, new paths left: $(wc -l </tmp/left-remove.txt)"
sed 's/^/    /' /tmp/left-remove.txt
check "apt remove leaves only /var/lib/verity (the package's notes, gone with purge)" sh -c '! grep -qv "^/var/lib/verity" /tmp/left-remove.txt'
check "apt purge verity" apt-get purge -y verity
check "dpkg no longer knows verity" sh -c '! dpkg-query -W -f="\${Status}" verity 2>/dev/null | grep -q installed'
snapshot >/tmp/snap-purge.txt
LC_ALL=C comm -13 /tmp/snap0.txt /tmp/snap-purge.txt >/tmp/left-purge.txt
LC_ALL=C comm -23 /tmp/snap0.txt /tmp/snap-purge.txt >/tmp/gone-purge.txt
echo "inside: after apt purge, new paths left: $(wc -l </tmp/left-purge.txt); paths of before now missing: $(wc -l </tmp/gone-purge.txt)"
sed 's/^/    left: /' /tmp/left-purge.txt
sed 's/^/    gone: /' /tmp/gone-purge.txt
check "apt purge leaves nothing (every path as before the install, outside dpkg/apt bookkeeping)" \
  sh -c '[ ! -s /tmp/left-purge.txt ] && [ ! -s /tmp/gone-purge.txt ]'
check "verity-cli gone from PATH" sh -c '! command -v verity-cli'
echo "inside: $passed $failed"
INSIDE

unshare -m --propagation private bash -c '
  set -e
  root=$1 cache=$2
  mount -t proc proc "$root/proc"
  mount --bind "$cache/archives" "$root/var/cache/apt/archives"
  chroot "$root" bash /tmp/inside.sh "/tmp/$3" "$4"
' _ "$root" "$cache" "$(basename "$deb")" "$depends" | tee "$tmp/inside.log"
read -r passed failed < <(sed -n 's/^inside: \([0-9]*\) \([0-9]*\)$/\1 \2/p' "$tmp/inside.log")
passed=${passed:-0} failed=${failed:-1}
[ -n "${KEEP:-}" ] && echo "fresh-debian: root kept in $root"
echo "fresh-debian: $((SECONDS - t0)) s in all"
echo "fresh-debian: $passed passed, $failed failed"
[ "$failed" = 0 ]
