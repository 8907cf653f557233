// verity-host command line (design §1, docs/protocol.md). The browser starts the host with the
// caller as arguments:
//   Chromium: verity-host chrome-extension://mbbdieillpeggimjpelglbnjlbajlfmk/ [--parent-window=N]
//   Firefox:  verity-host /path/to/org.verity.host.json verity@verity-project
// and then speaks framed JSON on stdin/stdout. Operator flags (each exits after its job):
//   --self-check                 open config + database, run a known-answer verdict, then report per
//                                browser found whether the host manifest and the extension are in place
//   --register [--system]        write org.verity.host.json for every supported browser found
//                                (Chromium, Google Chrome, Edge, Brave, Firefox); user folders, or
//                                the system folders with --system. Prints one line per browser:
//                                  registered<TAB>chromium<TAB>/etc/chromium/native-messaging-hosts/org.verity.host.json
//                                  created-dir<TAB>-<TAB>/etc/chromium/native-messaging-hosts
//                                  absent<TAB>edge<TAB>-
//   --unregister [--system]      remove org.verity.host.json from every browser's folder of that scope
//     with --browsers a,b (exactly those), --all-browsers (all five, found or not),
//     --host-path P (the path the manifest names; default: this executable),
//     --chromium-id ID (repeatable: also allow this Chromium extension ID, e.g. the policy CRX's),
//     --root DIR (write below DIR, for staging a package; the manifest keeps the final path)
//   --list-errors                every error code: "<wire name>\t<summary>", one per line
//   --list-errors=markdown       the same as a Markdown table (docs/protocol.md appendix)
//   --export-log json|csv [--origin O] [--out FILE]
//   --data-dir DIR  --config FILE  (also for a normal session)
//   --version
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace verity::protocol {

struct HostArgs {
  std::string browser = "firefox";  // "chromium" if a chrome-extension:// origin is given
  std::string caller;               // the extension origin or id
  std::string data_dir;
  std::string config_path;
  bool self_check = false;
  bool version = false;
  std::optional<std::string> registration;  // "register" or "unregister"
  bool system = false;                      // --system (else --user, the default)
  bool all_browsers = false;
  std::vector<std::string> browsers;       // --browsers, validated names
  std::string host_path;                   // --host-path
  std::vector<std::string> chromium_ids;   // --chromium-id
  std::string root;                        // --root
  std::optional<std::string> list_errors;  // "" (tab-separated) or "markdown"
  std::optional<std::string> export_format;
  std::optional<std::string> export_origin;
  std::string export_out;
  std::string error;  // non-empty: usage error
};

HostArgs ParseHostArgs(const std::vector<std::string>& args);

// The whole program; returns the exit status.
int HostMain(int argc, char** argv);

// The absolute path of the running executable ("" if unknown).
std::string ThisExecutable();

// Text of --list-errors ("" or "markdown").
std::string FormatErrorList(const std::string& style);

}  // namespace verity::protocol
