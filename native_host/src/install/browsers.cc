#include "install/browsers.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "json/json.h"

namespace verity::install {
namespace {

namespace fs = std::filesystem;

struct Paths {
  std::string_view user_dir;    // relative to the user data folder (Chromium) or $HOME (Firefox)
  std::string_view system_dir;  // native-messaging-hosts, system scope
  std::string_view policy;      // managed policy folder / policies.json
  std::string_view profile;     // user data folder, relative to $XDG_CONFIG_HOME (or $HOME for Firefox)
  std::vector<std::string_view> executables;
  std::vector<std::string_view> install_dirs;
};

// Indexed like Browsers(). Sources: docs/install.md ("Native-messaging host manifests per browser",
// "Chromium-family policy install").
const std::vector<Paths>& AllPaths() {
  static const std::vector<Paths> p = {
      {".mozilla/native-messaging-hosts",
       // Debian builds Firefox without HAVE_USR_LIB64_DIR: /usr/lib/mozilla (strings libxul.so).
       "/usr/lib/mozilla/native-messaging-hosts",
       "/etc/firefox/policies/policies.json",
       ".mozilla/firefox",
       {"firefox-esr", "firefox"},
       {"/usr/lib/firefox-esr", "/usr/lib/firefox"}},
      {"NativeMessagingHosts",
       "/etc/chromium/native-messaging-hosts",
       "/etc/chromium/policies/managed",
       "chromium",
       {"chromium", "chromium-browser"},
       {"/usr/lib/chromium"}},
      {"NativeMessagingHosts",
       "/etc/opt/chrome/native-messaging-hosts",
       "/etc/opt/chrome/policies/managed",
       "google-chrome",
       {"google-chrome", "google-chrome-stable", "google-chrome-beta"},
       {"/opt/google/chrome"}},
      {"NativeMessagingHosts",
       "/etc/opt/edge/native-messaging-hosts",
       "/etc/opt/edge/policies/managed",
       "microsoft-edge",
       {"microsoft-edge", "microsoft-edge-stable", "microsoft-edge-beta"},
       {"/opt/microsoft/msedge"}},
      // Brave reads Chrome's system native-messaging folder and its own policy folder
      // (docs/install.md, "Brave").
      {"NativeMessagingHosts",
       "/etc/opt/chrome/native-messaging-hosts",
       "/etc/brave/policies/managed",
       "BraveSoftware/Brave-Browser",
       {"brave-browser", "brave", "brave-browser-stable"},
       {"/opt/brave.com/brave"}},
  };
  return p;
}

const Paths& PathsOf(const Browser& b) {
  const auto& all = Browsers();
  for (size_t i = 0; i < all.size(); ++i) {
    if (all[i].id == b.id) return AllPaths()[i];
  }
  std::abort();  // b is always one of Browsers()
}

std::string Join(std::string_view a, std::string_view b) { return std::string(a) + "/" + std::string(b); }

bool IsDir(const std::string& p) {
  std::error_code ec;
  return fs::is_directory(p, ec);
}

bool IsExecutableFile(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(p.c_str(), X_OK) == 0;
}

std::optional<std::string> Slurp(const std::string& path, size_t cap = 4u << 20) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return std::nullopt;
  std::string s(cap + 1, '\0');
  f.read(s.data(), static_cast<std::streamsize>(s.size()));
  s.resize(static_cast<size_t>(f.gcount()));
  if (s.size() > cap) return std::nullopt;
  return s;
}

std::string ExtensionOrigin(std::string_view id) { return "chrome-extension://" + std::string(id) + "/"; }

// A Chromium extension ID: 32 letters a-p.
bool IsExtensionId(std::string_view s) {
  return s.size() == 32 && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'a' && c <= 'p'; });
}

// The ID this policy document installs (force_installed or normal_installed): `id` itself, or for
// the Chromium family any extension whose update_url is a local Verity update manifest (the
// policy-installed CRX, docs/install.md). Empty if none.
std::string PolicyInstalls(const json::Value& doc, std::string_view id, bool chromium) {
  const json::Value* es = doc.Find("ExtensionSettings");
  if (es == nullptr || !es->is_object()) return "";
  for (const auto& [key, e] : es->members()) {
    auto mode = e.GetString("installation_mode");
    if (!mode || (*mode != "force_installed" && *mode != "normal_installed")) continue;
    if (key == id) return key;
    auto update = e.GetString("update_url");
    if (chromium && update && update->rfind("file://", 0) == 0 &&
        update->find("verity") != std::string_view::npos && IsExtensionId(key))
      return key;
  }
  return "";
}

}  // namespace

const std::vector<Browser>& Browsers() {
  static const std::vector<Browser> b = {
      {"firefox", "Firefox / Firefox ESR", Family::kFirefox},
      {"chromium", "Chromium", Family::kChromium},
      {"chrome", "Google Chrome", Family::kChromium},
      {"edge", "Microsoft Edge", Family::kChromium},
      {"brave", "Brave", Family::kChromium},
  };
  return b;
}

const Browser* FindBrowser(std::string_view id) {
  for (const auto& b : Browsers()) {
    if (b.id == id) return &b;
  }
  return nullptr;
}

BrowserEnv BrowserEnvFromProcess() {
  BrowserEnv e;
  auto get = [](const char* n) -> std::string {
    const char* v = std::getenv(n);
    return v ? v : "";
  };
  e.home = get("HOME");
  std::string xdg = get("XDG_CONFIG_HOME");
  e.xdg_config_home = !xdg.empty() && xdg[0] == '/' ? xdg : e.home + "/.config";
  const char* bp = std::getenv("VERITY_BROWSER_PATH");
  e.path = bp ? bp : get("PATH");
  e.detect_root = get("VERITY_DETECT_ROOT");
  return e;
}

std::string ProfileRoot(const Browser& b, const BrowserEnv& env) {
  const Paths& p = PathsOf(b);
  if (b.family == Family::kFirefox) return Join(env.home, p.profile);
  return Join(env.xdg_config_home, p.profile);
}

std::string NativeMessagingDir(const Browser& b, Scope scope, const BrowserEnv& env) {
  const Paths& p = PathsOf(b);
  if (scope == Scope::kSystem) return std::string(p.system_dir);
  // Chromium family: <user data dir>/NativeMessagingHosts (chrome_paths_linux.cc); Firefox: ~/.mozilla.
  if (b.family == Family::kFirefox) return Join(env.home, p.user_dir);
  return Join(ProfileRoot(b, env), p.user_dir);
}

std::string PolicyLocation(const Browser& b) { return std::string(PathsOf(b).policy); }

bool BrowserPresent(const Browser& b, const BrowserEnv& env) {
  const Paths& p = PathsOf(b);
  std::istringstream dirs(env.path);
  std::string d;
  while (std::getline(dirs, d, ':')) {
    if (d.empty()) continue;
    for (auto exe : p.executables) {
      if (IsExecutableFile(Join(d, exe))) return true;
    }
  }
  for (auto dir : p.install_dirs) {
    if (IsDir(env.detect_root + std::string(dir))) return true;
  }
  return IsDir(ProfileRoot(b, env));
}

std::string FormatHostManifest(Family family, const std::string& host_path,
                               const std::vector<std::string>& extra_ids) {
  json::Writer w;
  w.BeginObject();
  w.Key("name").String(kHostName);
  w.Key("description")
      .String("Verity native host: verifies web application integrity (WAICT, SRI, transparency, M2DMRT)");
  w.Key("path").String(host_path);
  w.Key("type").String("stdio");
  if (family == Family::kFirefox) {
    w.Key("allowed_extensions").BeginArray().String(kGeckoId).EndArray();
  } else {
    w.Key("allowed_origins").BeginArray().String(ExtensionOrigin(kChromiumExtensionId));
    for (const auto& id : extra_ids) {
      if (id != kChromiumExtensionId) w.String(ExtensionOrigin(id));
    }
    w.EndArray();
  }
  w.EndObject();
  return w.Take() + "\n";
}

HostManifestState InspectHostManifest(const Browser& b, const std::string& file, const std::string& host_path,
                                      const std::vector<std::string>& required_ids) {
  HostManifestState s;
  s.file = file;
  auto text = Slurp(file, 1u << 20);
  if (!text) {
    s.problem = "missing";
    return s;
  }
  s.present = true;
  auto doc = json::Parse(*text);
  if (!doc || !doc->is_object()) {
    s.problem = "not a JSON object";
    return s;
  }
  const json::Value want = *json::Parse(FormatHostManifest(b.family, host_path));
  for (const auto& [key, value] : want.members()) {
    if (key == "description" || key == "allowed_origins") continue;
    const json::Value* got = doc->Find(key);
    if (got == nullptr || json::Format(*got) != json::Format(value)) {
      s.problem = key + " is " + (got ? json::Format(*got) : std::string("missing")) + ", expected " +
                  json::Format(value);
      return s;
    }
  }
  if (b.family == Family::kChromium) {
    const json::Value* origins = doc->Find("allowed_origins");
    std::vector<std::string> need = {std::string(kChromiumExtensionId)};
    need.insert(need.end(), required_ids.begin(), required_ids.end());
    for (const auto& id : need) {
      bool listed = false;
      if (origins != nullptr && origins->is_array()) {
        for (const auto& o : origins->items())
          listed = listed || (o.is_string() && o.AsString() == ExtensionOrigin(id));
      }
      if (!listed) {
        s.problem = "allowed_origins lacks " + ExtensionOrigin(id);
        return s;
      }
    }
  }
  s.valid = true;
  return s;
}

ExtensionState InspectExtension(const Browser& b, const BrowserEnv& env) {
  ExtensionState s;
  const std::string id(b.family == Family::kFirefox ? kGeckoId : kChromiumExtensionId);
  std::vector<std::string> policy_files;
  std::error_code ec;
  if (b.family == Family::kFirefox) {
    policy_files = {PolicyLocation(b), "/usr/lib/firefox-esr/distribution/policies.json"};
  } else {
    for (const auto& e : fs::directory_iterator(PolicyLocation(b), ec)) {
      if (e.path().extension() == ".json") policy_files.push_back(e.path().string());
    }
  }
  for (const auto& f : policy_files) {
    auto text = Slurp(f);
    if (!text) continue;
    auto doc = json::Parse(*text);
    if (!doc) continue;
    const json::Value* pol = b.family == Family::kFirefox ? doc->Find("policies") : &*doc;
    std::string got = pol != nullptr ? PolicyInstalls(*pol, id, b.family == Family::kChromium) : "";
    if (!got.empty()) {
      s.found = true;
      s.id = got;
      s.where = "installed by policy " + f;
      return s;
    }
  }
  // Profiles: Chromium keeps installed extensions in <profile>/Extensions/<id>/ (CRX, policy) or
  // names an unpacked one in <profile>/Preferences / Secure Preferences; Firefox keeps
  // <profile>/extensions/<gecko id>.xpi.
  const std::string root = ProfileRoot(b, env);
  for (const auto& e : fs::directory_iterator(root, ec)) {
    if (!e.is_directory(ec)) continue;
    const std::string prof = e.path().string();
    bool here = false;
    if (b.family == Family::kFirefox) {
      here = fs::exists(prof + "/extensions/" + id + ".xpi", ec);
    } else {
      here = IsDir(prof + "/Extensions/" + id);
      for (const char* pf : {"/Preferences", "/Secure Preferences"}) {
        if (here) break;
        auto text = Slurp(prof + pf, 16u << 20);
        here = text && text->find("\"" + id + "\"") != std::string::npos;
      }
    }
    if (here) {
      s.found = true;
      s.id = id;
      s.where = "in profile " + prof;
      return s;
    }
  }
  s.where = "not found in the policy folder or a profile";
  return s;
}

}  // namespace verity::install
