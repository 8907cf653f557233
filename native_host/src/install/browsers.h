// install/: where each supported browser looks for Verity on Linux (Debian paths), and what is in place
// there: the native-messaging host manifest (`verity-host --register` writes it, `--self-check` reads it) and
// the extension (enterprise policy or a profile). Locations and their sources: docs/install.md.
//
// Host manifest written as <dir>/org.verity.host.json (Chrome native messaging guide, "Native
// messaging host location"; MDN "Native manifests"), e.g. for Chromium, system scope:
//   /etc/chromium/native-messaging-hosts/org.verity.host.json
//   {"name":"org.verity.host","description":"Verity native host: ...",
//    "path":"/usr/lib/verity/verity-host","type":"stdio",
//    "allowed_origins":["chrome-extension://mbbdieillpeggimjpelglbnjlbajlfmk/"]}
// Firefox has "allowed_extensions":["verity@verity-project"] instead of allowed_origins.
//
//   BrowserEnv env = BrowserEnvFromProcess();
//   for (const Browser& b : Browsers()) if (BrowserPresent(b, env)) ... NativeMessagingDir(b, kSystem, env)
//
// Only file-system facts: no browser is started, nothing is looked up on the network.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace verity::install {

inline constexpr std::string_view kHostName = "org.verity.host";
inline constexpr std::string_view kChromiumExtensionId = "mbbdieillpeggimjpelglbnjlbajlfmk";  // docs/ids.md
inline constexpr std::string_view kGeckoId = "verity@verity-project";

enum class Family { kChromium, kFirefox };
enum class Scope { kUser, kSystem };

struct Browser {
  std::string_view id;     // firefox, chromium, chrome, edge, brave (the --browsers names)
  std::string_view label;  // "Chromium", "Google Chrome", ...
  Family family;
};

// Every supported browser, in a fixed order: firefox chromium chrome edge brave.
const std::vector<Browser>& Browsers();
const Browser* FindBrowser(std::string_view id);

struct BrowserEnv {
  std::string home;             // $HOME
  std::string xdg_config_home;  // $XDG_CONFIG_HOME if absolute, else $HOME/.config
  std::string path;             // where executables are searched ($VERITY_BROWSER_PATH, else $PATH)
  std::string detect_root;      // prefix of fixed install folders ($VERITY_DETECT_ROOT, else "")
};
BrowserEnv BrowserEnvFromProcess();

// Folder that receives org.verity.host.json (final path, without any staging root).
std::string NativeMessagingDir(const Browser& b, Scope scope, const BrowserEnv& env);
// Managed-policy folder (Chromium family) or the policies.json path (Firefox), final path.
std::string PolicyLocation(const Browser& b);
// The browser's user data folder (Chromium family) or ~/.mozilla/firefox.
std::string ProfileRoot(const Browser& b, const BrowserEnv& env);
// True if an executable, its install folder or its user data folder exists.
bool BrowserPresent(const Browser& b, const BrowserEnv& env);

// The host manifest for a family with an absolute host path (valid JSON, one line). Chromium family:
// allowed_origins lists kChromiumExtensionId (unpacked installs, fixed by the manifest key) and then
// `extra_ids` (the policy-installed CRX, whose ID comes from its signing key; docs/ids.md).
std::string FormatHostManifest(Family family, const std::string& host_path,
                               const std::vector<std::string>& extra_ids = {});

// What --self-check reports for one browser and scope.
struct HostManifestState {
  std::string file;  // where it was looked for
  bool present = false;
  bool valid = false;  // name, type, path == expected host, caller id
  std::string problem;
};
// Valid: name, type and path as FormatHostManifest writes them, and the caller list names the
// Firefox add-on id, or (Chromium family) kChromiumExtensionId and every one of `required_ids`.
HostManifestState InspectHostManifest(const Browser& b, const std::string& file, const std::string& host_path,
                                      const std::vector<std::string>& required_ids = {});

struct ExtensionState {
  bool found = false;
  std::string id;     // the extension ID found (Chromium: the policy's may differ from the fixed one)
  std::string where;  // "policy /etc/chromium/policies/managed/verity.json", "profile ...", or a hint
};
// Looks in the enterprise policy first, then in the user's profiles.
ExtensionState InspectExtension(const Browser& b, const BrowserEnv& env);

}  // namespace verity::install
