#!/usr/bin/env bash
# Installs every Debian package Verity needs to build and test (Debian 12, as root).
#   scripts/deps.sh            build + unit tests + fuzzers
#   scripts/deps.sh --browser  also Chromium, Firefox ESR and the npm test tooling
#   scripts/deps.sh --dns      also NSD, Unbound and ldnsutils for the DNSSEC test bed
set -euo pipefail
cd "$(dirname "$0")/.."

want_browser=0 want_dns=0
for a in "$@"; do
  case "$a" in
    --browser) want_browser=1 ;;
    --dns) want_dns=1 ;;
    --all) want_browser=1 want_dns=1 ;;
  esac
done

pkgs=(build-essential cmake pkg-config git ca-certificates
  libsodium-dev libsimdjson-dev doctest-dev libcurl4-openssl-dev libsqlite3-dev libssl-dev libunbound-dev
  clang sqlite3 openssl python3 zip
  fakeroot man-db) # packaging/build-deb.sh and tests/install (the .deb they build; `man verity-cli`)
[ $want_browser = 1 ] && pkgs+=(chromium firefox-esr nodejs npm xvfb libnss3-tools)
[ $want_dns = 1 ] && pkgs+=(nsd unbound ldnsutils)
pkgs+=(clang-format shellcheck) # lint stage of scripts/test.sh (tests/lint/run.sh)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# node/npm may come from the image rather than Debian's packages.
if [ $want_browser = 1 ] && command -v node >/dev/null && command -v npm >/dev/null; then
  tmp=(); for p in "${missing[@]}"; do [[ $p == nodejs || $p == npm ]] || tmp+=("$p"); done; missing=("${tmp[@]}")
fi
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  echo "deps: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ $want_browser = 1 ] && [ -f tests/browser/package.json ]; then
  (cd tests/browser && [ -d node_modules/playwright-core ] && [ -d node_modules/puppeteer-core ] ||
    PUPPETEER_SKIP_DOWNLOAD=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund --silent)
fi
echo "deps: ok"
