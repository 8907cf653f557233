#!/usr/bin/env bash
# Builds the Debian package verity_<version>_amd64.deb with dpkg-deb (no debhelper needed).
#
#   bash packaging/build-deb.sh [--build-dir DIR] [--no-build] [--out DIR] [--crx-key KEY.pem]
#                               [--signed-xpi FILE]
#
#   --build-dir DIR   CMake build folder (default build/); built (Release, verity-host + verity-cli)
#                     unless --no-build
#   --out DIR         where the .deb goes (default dist/)
#   --crx-key FILE    RSA key that signs the CRX; created if missing (default DIR/verity-crx-key.pem,
#                     kept so the policy-installed extension ID stays the same across builds;
#                     docs/ids.md)
#   --signed-xpi FILE an XPI signed by addons.mozilla.org to ship instead of the unsigned one; the
#                     Firefox policy then leaves xpinstall.signatures.required alone
#
# What the package installs (same layout as scripts/install.sh --system, under /usr):
#   /usr/lib/verity/verity-host, /usr/bin/verity-cli, /usr/bin/verity-host (link), man pages
#   /usr/share/verity-extension/{chromium/,firefox/,verity-chromium.crx,verity-firefox.xpi,updates.xml}
#   org.verity.host.json in every browser's system folder (verity-host --register --all-browsers)
#   ExtensionSettings force-install policies (file:// update URL) for Chromium, Google Chrome, Edge
#   and Brave; the Firefox policy is merged into /etc/firefox/policies/policies.json by postinst
#   (packaging/debian/). Nothing is fetched at install time.
# Prints the path of the .deb last.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
build_dir="$repo/build" no_build=0 out="$repo/dist" crx_key="" signed_xpi=""
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) build_dir="$2"; shift 2 ;;
    --no-build) no_build=1; shift ;;
    --out) out="$2"; shift 2 ;;
    --crx-key) crx_key="$2"; shift 2 ;;
    --signed-xpi) signed_xpi="$2"; shift 2 ;;
    -h | --help) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build-deb: unknown option $1" >&2; exit 1 ;;
  esac
done
die() { echo "build-deb: error: $*" >&2; exit 1; }
for t in dpkg-deb fakeroot python3 openssl gzip objdump; do command -v $t >/dev/null || die "$t is missing (scripts/deps.sh)"; done
mkdir -p "$out"
out="$(cd "$out" && pwd)"
crx_key="${crx_key:-$build_dir/verity-crx-key.pem}"

version="$(sed -n 's/^project(verity VERSION \([0-9.]*\).*/\1/p' "$repo/CMakeLists.txt")"
[ -n "$version" ] || die "no version in CMakeLists.txt"
arch="$(dpkg --print-architecture)"

if [ $no_build = 0 ]; then
  cmake -S "$repo" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$build_dir" --target verity-host verity-cli -j"$(nproc)" >/dev/null
fi
for b in verity-host verity-cli; do [ -x "$build_dir/$b" ] || die "$build_dir/$b is not built"; done

work="$(mktemp -d /tmp/verity-deb.XXXXXX)"
trap 'rm -rf "$work"' EXIT
stage="$work/root"
ext="/usr/share/verity-extension"

# Extension: packed trees, XPI, signed CRX and its local update manifest.
mkdir -p "$(dirname "$crx_key")"
bash "$repo/scripts/pack-extension.sh" --out "$work/dist" --crx-key "$crx_key" >"$work/pack.log" ||
  { cat "$work/pack.log"; die "pack-extension.sh failed"; }
crx_id="$(cat "$work/dist/verity-chromium.id")"
ext_version="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' "$work/dist/verity-chromium/manifest.json")"
install -d "$stage$ext"
cp -R "$work/dist/verity-chromium" "$stage$ext/chromium"
cp -R "$work/dist/verity-firefox" "$stage$ext/firefox"
install -m 0644 "$work/dist/verity-chromium.crx" "$stage$ext/verity-chromium.crx"
if [ -n "$signed_xpi" ]; then
  install -m 0644 "$signed_xpi" "$stage$ext/verity-firefox.xpi"
  echo signed >"$work/xpi-kind"
else
  install -m 0644 "$work/dist/verity-firefox.xpi" "$stage$ext/verity-firefox.xpi"
  echo unsigned >"$work/xpi-kind"
fi
python3 "$repo/packaging/chromium-policy.py" updates "$crx_id" "$ext_version" "file://$ext/verity-chromium.crx" \
  >"$stage$ext/updates.xml"

# Binaries, man pages, the Firefox policy helper, docs.
install -D -m 0755 "$build_dir/verity-host" "$stage/usr/lib/verity/verity-host"
install -D -m 0755 "$build_dir/verity-cli" "$stage/usr/bin/verity-cli"
ln -s ../lib/verity/verity-host "$stage/usr/bin/verity-host"
install -D -m 0755 "$repo/packaging/firefox-policy.py" "$stage/usr/lib/verity/firefox-policy"
sed -i "1s|.*|#!/usr/bin/python3|" "$stage/usr/lib/verity/firefox-policy" # Debian: the system python
strip --strip-unneeded "$stage/usr/lib/verity/verity-host" "$stage/usr/bin/verity-cli"
for page in verity-cli.1 verity-host.1; do
  install -D -m 0644 "$repo/packaging/man/$page" "$stage/usr/share/man/man1/$page"
  gzip -9n "$stage/usr/share/man/man1/$page"
done
install -d "$stage/usr/share/doc/verity"
for d in README.md docs/install.md docs/config.md docs/protocol.md docs/cli.md docs/ids.md; do
  install -m 0644 "$repo/$d" "$stage/usr/share/doc/verity/$(basename "$d")"
done
install -m 0644 "$repo/packaging/debian/copyright" "$stage/usr/share/doc/verity/copyright"

# Native-messaging manifests in every browser's system folder, written by the host itself.
"$build_dir/verity-host" --register --system --all-browsers --root "$stage" \
  --host-path /usr/lib/verity/verity-host --chromium-id "$crx_id" >"$work/register.txt"
grep -c '^registered' "$work/register.txt" | grep -qx 5 || { cat "$work/register.txt"; die "--register did not write 5 manifests"; }

# Chromium-family force-install policies.
for dir in $(python3 "$repo/packaging/chromium-policy.py" dirs); do
  install -d "$stage$dir"
  python3 "$repo/packaging/chromium-policy.py" policy "$crx_id" "file://$ext/updates.xml" >"$stage$dir/verity.json"
done

# Maintainer scripts and control file.
install -d "$stage/DEBIAN"
dirs="$(cd "$stage" && find . -path ./DEBIAN -prune -o -type d ! -name . -print | sed 's|^\.||' | LC_ALL=C sort | paste -sd' ')"
for s in preinst postinst prerm postrm; do
  sed -e "s|@XPI_KIND@|$(cat "$work/xpi-kind")|" -e "s|@DIRS@|$dirs|" "$repo/packaging/debian/$s" >"$stage/DEBIAN/$s"
  chmod 0755 "$stage/DEBIAN/$s"
done
# Depends: the package of every shared library the two binaries name (NEEDED), plus python3 for
# the Firefox policy merge.
deps="$(for b in "$stage/usr/lib/verity/verity-host" "$stage/usr/bin/verity-cli"; do
  objdump -p "$b" | awk '/NEEDED/ { print $2 }'
done | sort -u | while read -r lib; do
  p="$(dpkg -S "*/$lib" 2>/dev/null | grep -v -- '-dev' | head -n1 | cut -d: -f1)" || true
  [ -n "$p" ] && echo "$p"
done | sort -u | paste -sd, | sed 's/,/, /g')"
[ -n "$deps" ] || die "could not work out the library packages"
size="$(du -sk --exclude=DEBIAN "$stage" | cut -f1)"
sed -e "s|@VERSION@|$version|" -e "s|@ARCH@|$arch|" -e "s|@DEPENDS@|$deps, python3|" -e "s|@SIZE@|$size|" \
  "$repo/packaging/debian/control" >"$stage/DEBIAN/control"
(cd "$stage" && find . -path ./DEBIAN -prune -o -type f -print | sed 's|^\./||' | LC_ALL=C sort | xargs md5sum) \
  >"$stage/DEBIAN/md5sums"

deb="$out/verity_${version}_${arch}.deb"
fakeroot -- sh -c "chown -R 0:0 '$stage' && dpkg-deb --build -Zxz --root-owner-group '$stage' '$deb'" >/dev/null
echo "build-deb: extension ID of the policy-installed CRX: $crx_id"
echo "$deb"
