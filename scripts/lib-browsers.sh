# shellcheck shell=bash
# Where each supported browser looks for native-messaging host manifests on Debian/Linux, and
# whether the browser is installed. Sourced by scripts/install.sh and tests/install/run.sh.
# Sources for every path are listed in docs/install.md.
#
#   verity_browsers                      -> "firefox chromium chrome edge brave"
#   verity_browser_label NAME            -> "Chromium", "Google Chrome", ...
#   verity_browser_family NAME           -> "firefox" | "chromium" (manifest flavour)
#   verity_nm_dir NAME user|system       -> folder that receives org.verity.host.json
#   verity_browser_present NAME          -> exit 0 if the browser looks installed
#   verity_browser_ext_page NAME         -> where the user loads the extension
#
# Detection knobs (tests use them; defaults are the real system):
#   VERITY_BROWSER_PATH  colon list searched for browser executables (default: $PATH)
#   VERITY_DETECT_ROOT   prefix for fixed install folders such as /opt/google/chrome (default: "")

verity_browsers() { echo "firefox chromium chrome edge brave"; }

verity_browser_label() {
  case "$1" in
    firefox) echo "Firefox / Firefox ESR" ;;
    chromium) echo "Chromium" ;;
    chrome) echo "Google Chrome" ;;
    edge) echo "Microsoft Edge" ;;
    brave) echo "Brave" ;;
    *) return 1 ;;
  esac
}

verity_browser_family() {
  case "$1" in
    firefox) echo firefox ;;
    chromium | chrome | edge | brave) echo chromium ;;
    *) return 1 ;;
  esac
}

verity_browser_ext_page() {
  case "$1" in
    firefox) echo "about:debugging#/runtime/this-firefox" ;;
    chromium | chrome) echo "chrome://extensions" ;;
    edge) echo "edge://extensions" ;;
    brave) echo "brave://extensions" ;;
    *) return 1 ;;
  esac
}

# User folders follow the browser's user-data-dir, which honours $XDG_CONFIG_HOME (Chromium
# chrome_paths_linux.cc; Brave overrides only the folder name). Firefox uses ~/.mozilla always.
verity_nm_dir() {
  local name=$1 scope=$2 cfg="${XDG_CONFIG_HOME:-$HOME/.config}"
  if [ "$scope" = user ]; then
    case "$name" in
      firefox) echo "$HOME/.mozilla/native-messaging-hosts" ;;
      chromium) echo "$cfg/chromium/NativeMessagingHosts" ;;
      chrome) echo "$cfg/google-chrome/NativeMessagingHosts" ;;
      edge) echo "$cfg/microsoft-edge/NativeMessagingHosts" ;;
      brave) echo "$cfg/BraveSoftware/Brave-Browser/NativeMessagingHosts" ;;
      *) return 1 ;;
    esac
  else
    case "$name" in
      # Debian builds Firefox without HAVE_USR_LIB64_DIR: /usr/lib/mozilla (strings libxul.so).
      firefox) echo "/usr/lib/mozilla/native-messaging-hosts" ;;
      chromium) echo "/etc/chromium/native-messaging-hosts" ;;
      chrome) echo "/etc/opt/chrome/native-messaging-hosts" ;;
      edge) echo "/etc/opt/edge/native-messaging-hosts" ;;
      # Brave reads Chrome's system folder (see docs/install.md, "Brave").
      brave) echo "/etc/opt/chrome/native-messaging-hosts" ;;
      *) return 1 ;;
    esac
  fi
}

_verity_has_cmd() {
  local c d
  local IFS=:
  for c in "$@"; do
    for d in ${VERITY_BROWSER_PATH-$PATH}; do
      [ -n "$d" ] && [ -x "$d/$c" ] && [ ! -d "$d/$c" ] && return 0
    done
  done
  return 1
}

verity_browser_present() {
  local name=$1 root="${VERITY_DETECT_ROOT-}" cfg="${XDG_CONFIG_HOME:-$HOME/.config}"
  case "$name" in
    firefox)
      _verity_has_cmd firefox-esr firefox && return 0
      [ -d "$root/usr/lib/firefox-esr" ] || [ -d "$root/usr/lib/firefox" ] || [ -d "$HOME/.mozilla/firefox" ]
      ;;
    chromium)
      _verity_has_cmd chromium chromium-browser && return 0
      [ -d "$root/usr/lib/chromium" ] || [ -d "$cfg/chromium" ]
      ;;
    chrome)
      _verity_has_cmd google-chrome google-chrome-stable google-chrome-beta && return 0
      [ -d "$root/opt/google/chrome" ] || [ -d "$cfg/google-chrome" ]
      ;;
    edge)
      _verity_has_cmd microsoft-edge microsoft-edge-stable microsoft-edge-beta && return 0
      [ -d "$root/opt/microsoft/msedge" ] || [ -d "$cfg/microsoft-edge" ]
      ;;
    brave)
      _verity_has_cmd brave-browser brave brave-browser-stable && return 0
      [ -d "$root/opt/brave.com/brave" ] || [ -d "$cfg/BraveSoftware/Brave-Browser" ]
      ;;
    *) return 1 ;;
  esac
}
