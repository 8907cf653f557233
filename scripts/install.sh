#!/usr/bin/env bash
# Installs Verity from source: builds verity-host + verity-cli, installs them (verity-cli and
# verity-host on PATH, man pages), registers the native-messaging host with every browser found
# (`verity-host --register`), packs the extension and tells you how to load it; with --system
# the browsers install it by policy (the package's policy files). The Debian package
# (packaging/build-deb.sh) uses the same layout under /usr.
#
#   scripts/install.sh [options]             per user: ~/.local/{lib/verity,bin,share/verity-extension}
#   sudo scripts/install.sh [--system]       all users: /usr/local/... + system manifest folders
#   scripts/install.sh --uninstall [--purge] remove what install wrote (--purge: also data + logs)
#
# Options
#   --system             install for all users (needs root; a normal user is asked for sudo).
#                        The default under sudo (root with SUDO_USER set). Also installs the
#                        package's policy files: Chromium, Chrome, Edge and Brave force-install the
#                        signed CRX from a file:// update manifest, Firefox ESR the XPI from
#                        /etc/firefox/policies/policies.json (docs/install.md)
#   --user               install for the current user only (the default otherwise)
#   --prefix DIR         install root (default ~/.local, or /usr/local with --system)
#   --destdir DIR        prepend DIR to every path written (staging/tests; nothing outside DIR)
#   --build-dir DIR      where to build (default build/)
#   --no-build DIR       use an existing build in DIR (no deps.sh, no cmake)
#   --no-deps            do not run scripts/deps.sh
#   --dist DIR           where scripts/pack-extension.sh writes packages (default dist/)
#   --extension-dir DIR  extension source to pack (default extension/)
#   --all-browsers       register with Firefox, Chromium, Chrome, Edge and Brave even if absent
#   --browsers LIST      register only with LIST (comma separated: firefox,chromium,chrome,edge,brave)
#   --no-policy          (--system) no browser policies: load the extension by hand, as per user
#   --firefox-policy     (--system) the Firefox ESR policy; part of --system now (kept for scripts)
#   --crx-key FILE       RSA key signing the policy CRX; it fixes the extension ID (docs/ids.md).
#                        Default BUILD_DIR/verity-crx-key.pem, created if missing
#   --signed-xpi FILE    (--system) an XPI signed by addons.mozilla.org, installed instead of the
#                        unsigned one; the Firefox policy then keeps signature checks on
#   --skip-self-check    do not run `verity-host --self-check`
#   --demo               afterwards, show it working: install Chromium and the npm test tooling
#                        (scripts/deps.sh --browser --dns), register with them, run scripts/demo.sh
#                        with the installed host and verity-cli: integrity (an app and its tampered
#                        twin), transparency (trust set-up, a proof cosigned by two witnesses, a
#                        broken proof, a rollback, a fresh tombstone) in headless Chromium and
#                        Firefox ESR, M2DMRT hops over the DNSSEC test bed; prints the story and
#                        saves a screenshot of each step in artifacts/demo/
#   --dry-run            print what would be done, change nothing
#   --uninstall          remove what this script installed (data and logs are kept); give the
#                        same --system / --prefix as for the install
#   --purge              with --uninstall: also remove the data, config and logs folders
#   -h, --help           this text
# Running it twice is fine: files are replaced, nothing is duplicated.
# Where everything goes and why: docs/install.md.
set -euo pipefail
trap 'echo "install: error: unexpected failure at line $LINENO of $0 (command: $BASH_COMMAND)" >&2' ERR
repo="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=scripts/lib-browsers.sh
. "$repo/scripts/lib-browsers.sh"

HOST_NAME=org.verity.host
CHROMIUM_ID=mbbdieillpeggimjpelglbnjlbajlfmk
# shellcheck disable=SC2034 # the Firefox add-on ID, named beside the Chromium one for readers
GECKO_ID=verity@verity-project

mode="" prefix="" destdir="" build_dir="$repo/build" no_build=0 no_deps=0 dist="$repo/dist"
ext_src="$repo/extension"
browsers_mode=detect browsers_list="" firefox_policy=0 self_check=1 dry_run=0 action=install purge=0 demo=0
no_policy=0 crx_key="" signed_xpi=""

usage() { sed -n '2,/^# Where everything goes/p' "$0" | sed 's/^# \{0,1\}//'; }
die() { echo "install: error: $*" >&2; exit 1; }
say() { echo "install: $*"; }
need_arg() { if [ $# -lt 2 ] || [ -z "$2" ]; then die "$1 needs a value"; fi; }

while [ $# -gt 0 ]; do
  case "$1" in
    --system) mode=system; shift ;;
    --user) mode=user; shift ;;
    --prefix) need_arg "$@"; prefix="$2"; shift 2 ;;
    --destdir) need_arg "$@"; destdir="$2"; shift 2 ;;
    --build-dir) need_arg "$@"; build_dir="$2"; shift 2 ;;
    --no-build) need_arg "$@"; build_dir="$2"; no_build=1; shift 2 ;;
    --no-deps) no_deps=1; shift ;;
    --dist) need_arg "$@"; dist="$2"; shift 2 ;;
    --extension-dir) need_arg "$@"; ext_src="$2"; shift 2 ;;
    --all-browsers) browsers_mode=all; shift ;;
    --browsers) need_arg "$@"; browsers_mode=list; browsers_list="$2"; shift 2 ;;
    --firefox-policy) firefox_policy=1; shift ;;
    --no-policy) no_policy=1; shift ;;
    --crx-key) need_arg "$@"; crx_key="$2"; shift 2 ;;
    --signed-xpi) need_arg "$@"; signed_xpi="$2"; shift 2 ;;
    --skip-self-check) self_check=0; shift ;;
    --demo) demo=1; shift ;;
    --dry-run) dry_run=1; shift ;;
    --uninstall) action=uninstall; shift ;;
    --purge) purge=1; shift ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
done

[ -n "${HOME:-}" ] || die "HOME is not set"
if [ -z "$mode" ]; then
  # `sudo scripts/install.sh` means "for this machine": a per-user install would land in root's home.
  if [ "$(id -u)" = 0 ] && [ -n "${SUDO_USER:-}" ] && [ "$SUDO_USER" != root ] && [ -z "$prefix" ] && [ -z "$destdir" ]; then
    mode=system
    say "running under sudo: system-wide mode (use --user to install for root only, or run without sudo for $SUDO_USER)"
  else
    mode=user
  fi
fi
if [ $browsers_mode = list ]; then
  for b in ${browsers_list//,/ }; do
    verity_browser_label "$b" >/dev/null || die "unknown browser '$b' (firefox, chromium, chrome, edge, brave)"
  done
fi
[ $purge = 0 ] || [ $action = uninstall ] || die "--purge only goes with --uninstall"
if [ $firefox_policy = 1 ] && [ $mode != system ]; then
  die "--firefox-policy writes a system-wide Firefox policy; use it together with --system"
fi
[ $no_policy = 0 ] || [ $mode = system ] || die "--no-policy goes with --system (a per-user install has no policies)"
[ $no_policy = 0 ] || [ $firefox_policy = 0 ] || die "--no-policy and --firefox-policy contradict each other"
# The package's policy files come with every system install (--no-policy: none).
policies=0
if [ $mode = system ] && [ $no_policy = 0 ]; then policies=1 firefox_policy=1; fi
if [ -n "$signed_xpi" ]; then
  [ $policies = 1 ] || die "--signed-xpi goes with --system (it is installed for the Firefox policy)"
  [ -f "$signed_xpi" ] || die "--signed-xpi: no such file: $signed_xpi"
  signed_xpi="$(cd "$(dirname "$signed_xpi")" && pwd)/$(basename "$signed_xpi")"
fi
crx_key="${crx_key:-$build_dir/verity-crx-key.pem}"
case "$crx_key" in /*) ;; *) crx_key="$(pwd)/$crx_key" ;; esac
case "$destdir" in "" | /*) ;; *) destdir="$(pwd)/$destdir" ;; esac
destdir="${destdir%/}"
if [ -z "$prefix" ]; then
  if [ $mode = system ]; then prefix=/usr/local; else prefix="$HOME/.local"; fi
fi
case "$prefix" in /*) ;; *) die "--prefix must be an absolute path (got '$prefix')" ;; esac
prefix="${prefix%/}"

libdir="$prefix/lib/verity"
host_path="$libdir/verity-host"
bindir="$prefix/bin"
cli_path="$bindir/verity-cli"
host_link="$bindir/verity-host"
mandir="$prefix/share/man/man1"
# Not share/verity: with the default prefix that is the host's data folder (verdict log).
sharedir="$prefix/share/verity-extension"
record="$libdir/installed-files.txt"
policy_file=/etc/firefox/policies/policies.json

# Privilege: user mode never needs it; system mode uses sudo when not root (not with --destdir).
SUDO=()
if [ $mode = system ] && [ -z "$destdir" ] && [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || die "--system needs root: run as root or install sudo"
  SUDO=(sudo)
fi

# Under sudo, build, pack and self-check as the user who owns the checkout, so build/, dist/ and
# the verdict log stay theirs.
as_builder=()
if [ "$(id -u)" = 0 ] && [ -n "${SUDO_USER:-}" ] && [ "$SUDO_USER" != root ] &&
  [ "$(stat -c %U "$repo" 2>/dev/null)" = "$SUDO_USER" ] && command -v sudo >/dev/null; then
  as_builder=(sudo -H -u "$SUDO_USER" --)
fi

# Every change goes through act (prints instead with --dry-run).
act() {
  if [ $dry_run = 1 ]; then
    printf '[dry-run]'; printf ' %q' "$@"; printf '\n'
  else
    "${SUDO[@]}" "$@"
  fi
}
written=()      # final paths of files written
created_dirs=() # folders this run created (removed again on uninstall when empty)
mkdir_p() {     # $1 = final path
  local d="$destdir$1" missing=() p
  p="$d"
  while [ ! -d "$p" ] && [ "$p" != "$destdir" ] && [ "$p" != / ]; do
    missing+=("${p#"$destdir"}")
    p="$(dirname "$p")"
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  act mkdir -p "$d"
  created_dirs+=("${missing[@]}")
}
install_file() { # mode src final-dest
  mkdir_p "$(dirname "$3")"
  act install -m "$1" "$2" "$destdir$3"
  written+=("$3")
}

policy_edit() { # add|remove file [xpi-url] ; prints the new JSON to stdout, or nothing to delete it
  python3 "$repo/packaging/firefox-policy.py" "$@"
}

# ---------------------------------------------------------------------------------------------
do_uninstall() {
  local b dir f removed=() d
  say "uninstalling ($mode mode, prefix $prefix${destdir:+, destdir $destdir})"
  local scope=user
  [ $mode = system ] && scope=system
  local -A seen=()
  for b in $(verity_browsers); do
    dir="$(verity_nm_dir "$b" $scope)"
    f="$dir/$HOST_NAME.json"
    [ -n "${seen[$f]:-}" ] && continue
    seen[$f]=1
    if [ -e "$destdir$f" ]; then act rm -f "$destdir$f"; removed+=("$f"); fi
  done
  for f in "$cli_path" "$host_link" "$mandir/verity-cli.1" "$mandir/verity-host.1"; do
    if [ -e "$destdir$f" ] || [ -L "$destdir$f" ]; then act rm -f "$destdir$f"; removed+=("$f"); fi
  done
  # Folders created by install (from the record), deepest first, only when empty.
  local dirs=()
  if [ -f "$destdir$record" ]; then
    mapfile -t dirs < <(sed -n 's/^dir //p' "$destdir$record" | awk '{ print length, $0 }' | sort -rn | cut -d' ' -f2-)
  fi
  if [ $mode = system ]; then
    for d in $(python3 "$repo/packaging/chromium-policy.py" dirs); do
      if [ -e "$destdir$d/verity.json" ]; then act rm -f "$destdir$d/verity.json"; removed+=("$d/verity.json"); fi
    done
  fi
  if [ $mode = system ] && [ -e "$destdir$policy_file" ]; then
    local new
    new="$(policy_edit remove "$destdir$policy_file")" || exit 1
    if [ -z "$new" ]; then
      act rm -f "$destdir$policy_file"
    elif [ $dry_run = 0 ]; then
      printf '%s\n' "$new" | "${SUDO[@]}" tee "$destdir$policy_file.verity-tmp" >/dev/null
      act mv -f "$destdir$policy_file.verity-tmp" "$destdir$policy_file"
    else
      act rewrite-without-verity "$destdir$policy_file"
    fi
    removed+=("$policy_file (Verity entries)")
  fi
  for d in "$sharedir" "$libdir"; do
    if [ -d "$destdir$d" ]; then act rm -rf "$destdir$d"; removed+=("$d/"); fi
  done
  for d in "${dirs[@]}"; do
    [ -d "$destdir$d" ] && [ -z "$(ls -A "$destdir$d" 2>/dev/null)" ] && act rmdir "$destdir$d"
  done
  # Data belongs to the person running the script; under sudo that is $SUDO_USER, not root.
  local uhome="$HOME"
  if [ "$(id -u)" = 0 ] && [ -n "${SUDO_USER:-}" ] && [ "$SUDO_USER" != root ]; then
    uhome="$(getent passwd "$SUDO_USER" | cut -d: -f6)"
    [ -n "$uhome" ] || uhome="$HOME"
  fi
  if [ $purge = 1 ]; then
    for d in "${XDG_DATA_HOME:-$uhome/.local/share}/verity" "${XDG_CONFIG_HOME:-$uhome/.config}/verity" \
      "${XDG_STATE_HOME:-$uhome/.local/state}/verity" "${XDG_CACHE_HOME:-$uhome/.cache}/verity"; do
      if [ -d "$d" ]; then
        if [ $dry_run = 1 ]; then printf '[dry-run] rm -rf %q\n' "$d"; else rm -rf "$d"; fi
        removed+=("$d/ (data)")
      fi
    done
  else
    local data="${XDG_DATA_HOME:-$uhome/.local/share}/verity"
    [ -d "$data" ] && say "kept your verdict log and data in $data (use --uninstall --purge to remove it)"
  fi
  if [ ${#removed[@]} -eq 0 ]; then
    say "nothing to remove: Verity is not installed here ($mode mode, prefix $prefix)"
    if [ $mode = user ] && [ -d /usr/local/lib/verity ]; then say "a system-wide install exists: use --system --uninstall"; fi
  else
    say "removed:"
    printf '  %s\n' "${removed[@]}"
  fi
  say "remove the extension itself in each browser (chrome://extensions, about:addons)"
  exit 0
}

[ $action = uninstall ] && do_uninstall

# ---------------------------------------------------------------------------------------------
say "installing ($mode mode, prefix $prefix${destdir:+, destdir $destdir})"

# 1. Debian packages.
if [ $no_deps = 0 ] && [ $no_build = 0 ]; then
  say "step 1: Debian packages (scripts/deps.sh)"
  if [ $dry_run = 1 ]; then
    printf '[dry-run] %q\n' "$repo/scripts/deps.sh"
  else
    "$repo/scripts/deps.sh" || die "scripts/deps.sh failed (needs root or sudo for apt-get)"
  fi
fi
for tool in python3 install; do
  command -v "$tool" >/dev/null || die "$tool is missing (scripts/deps.sh installs it)"
done

# 2. Build (Release, no tests).
if [ $no_build = 0 ]; then
  say "step 2: build Release into $build_dir"
  if [ $dry_run = 1 ]; then
    printf '[dry-run] cmake -S %q -B %q -DCMAKE_BUILD_TYPE=Release -DVERITY_TESTS=OFF\n' "$repo" "$build_dir"
    printf '[dry-run] cmake --build %q --target verity-host verity-cli\n' "$build_dir"
  else
    command -v cmake >/dev/null || die "cmake is missing (scripts/deps.sh installs it)"
    "${as_builder[@]}" cmake -S "$repo" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DVERITY_TESTS=OFF >/dev/null ||
      die "cmake configure failed (see the output above)"
    jobs="$(nproc 2>/dev/null || echo 2)"
    "${as_builder[@]}" cmake --build "$build_dir" --target verity-host verity-cli -j"$jobs" ||
      die "building verity-host and verity-cli failed"
  fi
else
  say "step 2: using the existing build in $build_dir"
fi
built_host="$build_dir/verity-host"
built_cli="$build_dir/verity-cli"
if [ $dry_run = 0 ] || [ $no_build = 1 ]; then
  [ -x "$built_host" ] || die "$built_host not found or not executable (build it first, or drop --no-build)"
  [ -x "$built_cli" ] || die "$built_cli not found or not executable (cmake --build $build_dir --target verity-cli)"
fi

# 3. Binaries.
say "step 3: binaries"
install_file 0755 "$built_host" "$host_path"
install_file 0755 "$built_cli" "$cli_path"
# verity-host on PATH too (for --register / --self-check); the browsers use the lib/ path.
mkdir_p "$bindir"
act ln -sfn "../lib/verity/verity-host" "$destdir$host_link"
written+=("$host_link")
for page in verity-cli.1 verity-host.1; do
  install_file 0644 "$repo/packaging/man/$page" "$mandir/$page"
done

tmpdir="$(mktemp -d)"
trap 'rm -rf "$tmpdir"' EXIT
# 4. Extension packages (with --system also the signed CRX for the policy install).
say "step 4: extension packages"
ext_chromium="" ext_firefox="" xpi="" crx_id=""
pack_args=(--src "$ext_src" --out "$dist")
[ $policies = 1 ] && pack_args+=(--crx-key "$crx_key")
pack_rc=0
if [ $dry_run = 1 ]; then
  printf '[dry-run]'; printf ' %q' "$repo/scripts/pack-extension.sh" "${pack_args[@]}"; printf '\n'
  printf '[dry-run] copy the packed trees and archives to %q\n' "$destdir$sharedir"
  pack_rc=99
else
  "${as_builder[@]}" "$repo/scripts/pack-extension.sh" "${pack_args[@]}" || pack_rc=$?
fi
case $pack_rc in
  0)
    for flavour in chromium firefox; do
      [ -d "$dist/verity-$flavour" ] || die "pack-extension.sh did not produce $dist/verity-$flavour"
      mkdir_p "$sharedir"
      act rm -rf "$destdir$sharedir/$flavour"
      act cp -R "$dist/verity-$flavour" "$destdir$sharedir/$flavour"
      act chmod -R a+rX "$destdir$sharedir/$flavour"
      while IFS= read -r f; do written+=("$sharedir/$flavour/$f"); done < <(cd "$dist/verity-$flavour" && find . -type f | sed 's|^\./||' | LC_ALL=C sort)
    done
    install_file 0644 "$dist/verity-chromium.zip" "$sharedir/verity-chromium.zip"
    install_file 0644 "${signed_xpi:-$dist/verity-firefox.xpi}" "$sharedir/verity-firefox.xpi"
    ext_chromium="$sharedir/chromium" ext_firefox="$sharedir/firefox" xpi="$sharedir/verity-firefox.xpi"
    if [ $policies = 1 ]; then
      [ -s "$dist/verity-chromium.id" ] && [ -f "$dist/verity-chromium.crx" ] || die "pack-extension.sh wrote no CRX"
      crx_id="$(cat "$dist/verity-chromium.id")"
      ext_version="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' "$dist/verity-chromium/manifest.json")"
      install_file 0644 "$dist/verity-chromium.crx" "$sharedir/verity-chromium.crx"
      python3 "$repo/packaging/chromium-policy.py" updates "$crx_id" "$ext_version" "file://$sharedir/verity-chromium.crx" \
        >"$tmpdir/updates.xml"
      install_file 0644 "$tmpdir/updates.xml" "$sharedir/updates.xml"
    fi
    ;;
  3) say "note: the extension is not ready yet (no manifests in $ext_src); skipped packing" ;;
  99) ;;
  *) die "scripts/pack-extension.sh failed (exit $pack_rc)" ;;
esac

# 5. Host manifests, written by the installed host itself (verity-host --register: the one table
#    of browser folders, native_host/src/protocol/browsers.h).
say "step 5: native-messaging host manifests (verity-host --register)"
scope=user
[ $mode = system ] && scope=system
register_args=(--host-path "$host_path")
[ $mode = system ] && register_args+=(--system)
[ -n "$destdir" ] && register_args+=(--root "$destdir")
# The Chromium-family manifests also allow the policy CRX's ID (docs/ids.md).
[ -n "$crx_id" ] && register_args+=(--chromium-id "$crx_id")
case $browsers_mode in
  all) register_args+=(--all-browsers) ;;
  list) register_args+=(--browsers "$browsers_list") ;;
esac
registered=()
# shellcheck disable=SC2120 # callers may pass extra --register arguments
register() { # extra args...: runs the installed host, records what it wrote
  local kind b f
  if [ $dry_run = 1 ]; then
    act "$destdir$host_path" --register "${register_args[@]}" "$@"
    return 0
  fi
  "${SUDO[@]}" "$destdir$host_path" --register "${register_args[@]}" "$@" >"$tmpdir/register.txt" ||
    die "verity-host --register failed (see above)"
  while IFS=$'\t' read -r kind b f; do
    case "$kind" in
      registered) written+=("$f"); registered+=("$b") ;;
      created-dir) created_dirs+=("$f") ;;
    esac
  done <"$tmpdir/register.txt"
}
register
[ ${#registered[@]} -gt 0 ] || [ $dry_run = 1 ] ||
  say "warning: no supported browser found; use --all-browsers or --browsers to register anyway"

# 6. Browser policies (--system): Chromium family, then Firefox ESR.
if [ $policies = 1 ] && [ -n "$crx_id" ]; then
  say "step 6: Chromium-family policies (ExtensionSettings force-install of $crx_id)"
  python3 "$repo/packaging/chromium-policy.py" policy "$crx_id" "file://$sharedir/updates.xml" >"$tmpdir/verity.json"
  for d in $(python3 "$repo/packaging/chromium-policy.py" dirs); do
    install_file 0644 "$tmpdir/verity.json" "$d/verity.json"
  done
elif [ $policies = 1 ] && [ $dry_run = 1 ]; then
  printf '[dry-run] install verity.json (ExtensionSettings) into %s\n' "$(python3 "$repo/packaging/chromium-policy.py" dirs | paste -sd' ')"
fi
if [ $firefox_policy = 1 ]; then
  say "step 6: Firefox ESR enterprise policy"
  if [ -z "$xpi" ] && [ $dry_run = 0 ]; then
    die "--firefox-policy needs the packed XPI, but the extension could not be packed"
  fi
  xpi_url="$(python3 -c 'import pathlib,sys; print(pathlib.Path(sys.argv[1]).as_uri())' "${xpi:-$sharedir/verity-firefox.xpi}")"
  if [ -e "$destdir/usr/lib/firefox-esr/distribution/policies.json" ] && [ ! -e "$destdir$policy_file" ]; then
    say "note: /usr/lib/firefox-esr/distribution/policies.json exists; Firefox ignores it once $policy_file exists"
  fi
  signed=()
  [ -n "$signed_xpi" ] && signed=(--signed)
  new="$(policy_edit add "$destdir$policy_file" "$xpi_url" "${signed[@]}")" || exit 1
  printf '%s\n' "$new" >"$tmpdir/policies.json"
  install_file 0644 "$tmpdir/policies.json" "$policy_file"
  if [ -z "$signed_xpi" ] && _verity_has_cmd firefox && ! _verity_has_cmd firefox-esr; then
    say "warning: release Firefox ignores xpinstall.signatures.required; the unsigned XPI installs only in ESR, Developer Edition or Nightly"
  fi
fi

# 7. Record of what was written (for --uninstall and for the summary).
rewrite_record() {
  [ $dry_run = 0 ] || return 0
  {
    echo "# Written by scripts/install.sh on $(date -u +%Y-%m-%dT%H:%M:%SZ) ($mode mode)"
    for f in "${written[@]}" "$record"; do echo "file $f"; done | LC_ALL=C sort -u
    # Folders created by an earlier run stay listed, so --uninstall can still tidy them.
    { for d in "${created_dirs[@]}"; do echo "$d"; done
      if [ -f "$destdir$record" ]; then sed -n 's/^dir //p' "$destdir$record"; fi; } | LC_ALL=C sort -u | sed 's/^/dir /'
  } >"$tmpdir/record"
  mkdir_p "$libdir"
  act install -m 0644 "$tmpdir/record" "$destdir$record"
}
rewrite_record
written+=("$record")

# 8. Self-check of the installed host.
if [ $self_check = 1 ]; then
  say "step 8: verity-host --self-check"
  if [ $dry_run = 1 ]; then
    printf '[dry-run] %q --self-check\n' "$destdir$host_path"
  elif ! "${as_builder[@]}" "$destdir$host_path" --self-check; then
    die "verity-host --self-check failed (see above); the files are installed, fix the problem and rerun"
  fi
fi

# 9. Summary.
echo
if [ $dry_run = 1 ]; then say "dry run: nothing was changed. Files that would be written:"; else say "done. Files written:"; fi
n_tree=0
for f in "${written[@]}"; do
  case "$f" in
    "$sharedir"/chromium/* | "$sharedir"/firefox/*) n_tree=$((n_tree + 1)) ;;
    *) printf '  %s\n' "$f" ;;
  esac
done
[ $n_tree = 0 ] || printf '  %s/{chromium,firefox}/ (%d files of the unpacked extension)\n' "$sharedir" "$n_tree"
echo
if [ ${#registered[@]} -gt 0 ]; then
  say "native host $HOST_NAME registered for:"
  for b in "${registered[@]}"; do
    printf '  %-22s %s\n' "$(verity_browser_label "$b")" "$(verity_nm_dir "$b" $scope)/$HOST_NAME.json"
  done
else
  say "native host registered for: no browser"
fi
echo
say "load the extension:"
if [ -z "$ext_chromium" ] && [ $dry_run = 0 ]; then
  echo "  The extension is not packed yet: rerun this script once extension/ has its manifests; then:"
fi
shown_firefox=0
for b in "${registered[@]}"; do
  page="$(verity_browser_ext_page "$b")"
  case "$(verity_browser_family "$b")" in
    chromium)
      if [ -n "$crx_id" ]; then
        echo "  $(verity_browser_label "$b"): nothing to do: it installs Verity by policy at next start"
        echo "      (extension ID $crx_id; chrome://policy lists ExtensionSettings)."
      else
        echo "  $(verity_browser_label "$b"): open $page, switch on Developer mode, click 'Load unpacked' and"
        echo "      choose ${ext_chromium:-$sharedir/chromium} (extension ID $CHROMIUM_ID)."
      fi
      ;;
    firefox)
      shown_firefox=1
      if [ $firefox_policy = 1 ]; then
        echo "  $(verity_browser_label "$b"): nothing to do in Firefox ESR: it installs the add-on at next start"
        echo "      from policy $policy_file.$([ -n "$signed_xpi" ] || echo " Release Firefox needs a signed XPI (--signed-xpi).")"
      else
        echo "  $(verity_browser_label "$b"): open $page, click 'Load Temporary Add-on…' and choose"
        echo "      ${ext_firefox:-$sharedir/firefox}/manifest.json (removed when Firefox restarts)."
        echo "      Permanent install (Firefox ESR only): sudo scripts/install.sh --system --firefox-policy,"
        echo "      or set xpinstall.signatures.required=false in about:config and use about:addons ->"
        echo "      'Install Add-on From File…' with ${xpi:-$sharedir/verity-firefox.xpi}."
      fi
      ;;
  esac
done
[ $shown_firefox = 1 ] || [ $firefox_policy = 0 ] || echo "  Firefox ESR: installs the add-on from policy $policy_file at next start."
[ $mode = user ] && [ "$(id -u)" = 0 ] && say "note: installed for root only; use --system to install for every user"

# 10. Show it working (--demo).
if [ $demo = 1 ]; then
  echo
  say "step 10: demo (scripts/demo.sh with the installed host)"
  if [ $dry_run = 1 ]; then
    printf '[dry-run] %q --browser --dns\n' "$repo/scripts/deps.sh"
    register # again: the browsers deps.sh installs are new
    printf '[dry-run] VERITY_HOST_BIN=%q VERITY_CLI_BIN=%q %q\n' "$destdir$host_path" "$destdir$cli_path" "$repo/scripts/demo.sh"
  else
    "$repo/scripts/deps.sh" --browser --dns || die "scripts/deps.sh --browser --dns failed (the demo needs Chromium, Firefox ESR, npm packages and the DNSSEC test bed's NSD/Unbound/ldns)"
    # The browsers are new: register with them now (the earlier step only saw what was there).
    say "registering with the browsers just installed (verity-host --register)"
    before=${#registered[@]}
    register
    rewrite_record
    for b in "${registered[@]:$before}"; do
      printf '  %-22s %s\n' "$(verity_browser_label "$b")" "$(verity_nm_dir "$b" $scope)/$HOST_NAME.json"
    done
    [ ${#registered[@]} -gt 0 ] || die "still no browser to register with after scripts/deps.sh --browser"
    VERITY_HOST_BIN="$destdir$host_path" "${as_builder[@]}" env VERITY_HOST_BIN="$destdir$host_path" \
      VERITY_CLI_BIN="$destdir$cli_path" bash "$repo/scripts/demo.sh" ||
      die "the demo failed (see above); Verity itself is installed"
  fi
fi
exit 0
