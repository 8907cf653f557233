// install/browsers.h and the --register / --unregister flags of protocol/host_cli.h, on a
// temporary HOME and root: folders per browser and scope, detection, the manifest written, and the
// inspection --self-check does (good manifest and its mutated twins).
#include "install/browsers.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "json/json.h"
#include "protocol/host_cli.h"

using namespace verity;
using namespace verity::protocol;
using namespace verity::install;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  fs::path path;
  TempDir() {
    char tmpl[] = "/tmp/verity-browsers-test.XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

BrowserEnv EnvAt(const fs::path& home) {
  BrowserEnv e;
  e.home = home.string();
  e.xdg_config_home = home.string() + "/.config";
  e.path = (home / "bin").string();
  e.detect_root = (home / "root").string();
  return e;
}

void Write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

}  // namespace

TEST_CASE("browsers: the five, their folders per scope") {
  REQUIRE(Browsers().size() == 5);
  BrowserEnv env = EnvAt("/home/u");
  auto dir = [&](const char* id, Scope s) { return NativeMessagingDir(*FindBrowser(id), s, env); };
  CHECK(dir("firefox", Scope::kUser) == "/home/u/.mozilla/native-messaging-hosts");
  CHECK(dir("chromium", Scope::kUser) == "/home/u/.config/chromium/NativeMessagingHosts");
  CHECK(dir("chrome", Scope::kUser) == "/home/u/.config/google-chrome/NativeMessagingHosts");
  CHECK(dir("edge", Scope::kUser) == "/home/u/.config/microsoft-edge/NativeMessagingHosts");
  CHECK(dir("brave", Scope::kUser) == "/home/u/.config/BraveSoftware/Brave-Browser/NativeMessagingHosts");
  CHECK(dir("firefox", Scope::kSystem) == "/usr/lib/mozilla/native-messaging-hosts");
  CHECK(dir("chromium", Scope::kSystem) == "/etc/chromium/native-messaging-hosts");
  CHECK(dir("chrome", Scope::kSystem) == "/etc/opt/chrome/native-messaging-hosts");
  CHECK(dir("edge", Scope::kSystem) == "/etc/opt/edge/native-messaging-hosts");
  CHECK(dir("brave", Scope::kSystem) == "/etc/opt/chrome/native-messaging-hosts");
  CHECK(PolicyLocation(*FindBrowser("chromium")) == "/etc/chromium/policies/managed");
  CHECK(PolicyLocation(*FindBrowser("chrome")) == "/etc/opt/chrome/policies/managed");
  CHECK(PolicyLocation(*FindBrowser("edge")) == "/etc/opt/edge/policies/managed");
  CHECK(PolicyLocation(*FindBrowser("brave")) == "/etc/brave/policies/managed");
  CHECK(PolicyLocation(*FindBrowser("firefox")) == "/etc/firefox/policies/policies.json");
  CHECK(FindBrowser("netscape") == nullptr);
}

TEST_CASE("browsers: detection by executable, install folder or profile; absent otherwise") {
  TempDir t;
  BrowserEnv env = EnvAt(t.path);
  for (const auto& b : Browsers()) CHECK_FALSE(BrowserPresent(b, env));
  Write(t.path / "bin/brave-browser", "#!/bin/sh\n");
  CHECK_FALSE(BrowserPresent(*FindBrowser("brave"), env));  // not executable
  fs::permissions(t.path / "bin/brave-browser", fs::perms(0755));
  CHECK(BrowserPresent(*FindBrowser("brave"), env));
  fs::create_directories(t.path / "root/usr/lib/firefox-esr");
  CHECK(BrowserPresent(*FindBrowser("firefox"), env));
  fs::create_directories(t.path / ".config/microsoft-edge");
  CHECK(BrowserPresent(*FindBrowser("edge"), env));
  CHECK_FALSE(BrowserPresent(*FindBrowser("chromium"), env));
  CHECK_FALSE(BrowserPresent(*FindBrowser("chrome"), env));
}

TEST_CASE("browsers: host manifest per family, and its inspection (good and mutated twins)") {
  TempDir t;
  const std::string host = "/usr/lib/verity/verity-host";
  auto c = json::Parse(FormatHostManifest(Family::kChromium, host));
  REQUIRE(c.ok());
  CHECK(c->GetString("name") == std::optional<std::string_view>("org.verity.host"));
  CHECK(c->GetString("path") == std::optional<std::string_view>(host));
  CHECK(c->GetString("type") == std::optional<std::string_view>("stdio"));
  CHECK(json::Format(*c->Find("allowed_origins")) ==
        R"(["chrome-extension://mbbdieillpeggimjpelglbnjlbajlfmk/"])");
  CHECK(c->Find("allowed_extensions") == nullptr);
  auto f = json::Parse(FormatHostManifest(Family::kFirefox, host));
  REQUIRE(f.ok());
  CHECK(json::Format(*f->Find("allowed_extensions")) == R"(["verity@verity-project"])");
  CHECK(f->Find("allowed_origins") == nullptr);

  const Browser& chromium = *FindBrowser("chromium");
  fs::path file = t.path / "org.verity.host.json";
  CHECK_FALSE(InspectHostManifest(chromium, file.string(), host).present);
  Write(file, FormatHostManifest(Family::kChromium, host));
  auto good = InspectHostManifest(chromium, file.string(), host);
  CHECK(good.present);
  CHECK(good.valid);
  CHECK_FALSE(InspectHostManifest(chromium, file.string(), "/elsewhere/verity-host").valid);  // stale path
  CHECK_FALSE(InspectHostManifest(*FindBrowser("firefox"), file.string(), host).valid);       // wrong family
  const std::string text = FormatHostManifest(Family::kChromium, host);
  for (auto [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"org.verity.host", "org.verity.other"},
           {"stdio", "pipe"},
           {"mbbdieillpeggimjpelglbnjlbajlfmk", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"},
           {"{", "["}}) {
    std::string m = text;
    m.replace(m.find(from), from.size(), to);
    Write(file, m);
    auto s = InspectHostManifest(chromium, file.string(), host);
    CHECK_MESSAGE(!s.valid, from << " -> " << to);
    CHECK_FALSE(s.problem.empty());
  }
}

TEST_CASE("browsers: the extension by policy or in a profile") {
  TempDir t;
  BrowserEnv env = EnvAt(t.path);
  const Browser& chromium = *FindBrowser("chromium");
  CHECK_FALSE(InspectExtension(chromium, env).found);
  Write(t.path / ".config/chromium/Default/Preferences", R"({"extensions":{"settings":{"otherid":{}}}})");
  CHECK_FALSE(InspectExtension(chromium, env).found);
  Write(t.path / ".config/chromium/Default/Preferences",
        R"({"extensions":{"settings":{"mbbdieillpeggimjpelglbnjlbajlfmk":{}}}})");
  CHECK(InspectExtension(chromium, env).found);
  const Browser& firefox = *FindBrowser("firefox");
  CHECK_FALSE(InspectExtension(firefox, env).found);
  Write(t.path / ".mozilla/firefox/abc.default/extensions/other@example.xpi", "x");
  CHECK_FALSE(InspectExtension(firefox, env).found);
  Write(t.path / ".mozilla/firefox/abc.default/extensions/verity@verity-project.xpi", "x");
  CHECK(InspectExtension(firefox, env).found);
}

TEST_CASE("host flags: --register and friends") {
  auto r = ParseHostArgs({"--register", "--system", "--browsers", "chromium,firefox", "--host-path",
                          "/usr/lib/verity/verity-host", "--root", "/tmp/stage"});
  CHECK(r.error.empty());
  CHECK(r.registration == std::optional<std::string>("register"));
  CHECK(r.system);
  CHECK(r.browsers == std::vector<std::string>{"chromium", "firefox"});
  CHECK(r.root == "/tmp/stage");
  CHECK(ParseHostArgs({"--unregister", "--all-browsers"}).registration ==
        std::optional<std::string>("unregister"));
  CHECK_FALSE(ParseHostArgs({"--register", "--browsers", "netscape"}).error.empty());
  CHECK_FALSE(ParseHostArgs({"--register", "--browsers", ""}).error.empty());
  CHECK_FALSE(ParseHostArgs({"--register", "--host-path", "rel/verity-host"}).error.empty());
  CHECK_FALSE(ParseHostArgs({"--register", "--root", "rel"}).error.empty());
  CHECK_FALSE(ParseHostArgs({"--register", "--root"}).error.empty());
}

TEST_CASE("browsers: the policy CRX's extra ID in allowed_origins") {
  TempDir t;
  const std::string host = "/usr/lib/verity/verity-host";
  const std::string crx = "abcdefghijklmnopabcdefghijklmnop";
  auto m = json::Parse(FormatHostManifest(Family::kChromium, host, {crx}));
  REQUIRE(m.ok());
  CHECK(
      json::Format(*m->Find("allowed_origins")) ==
      R"(["chrome-extension://mbbdieillpeggimjpelglbnjlbajlfmk/","chrome-extension://abcdefghijklmnopabcdefghijklmnop/"])");
  const Browser& chromium = *FindBrowser("chromium");
  fs::path file = t.path / "org.verity.host.json";
  Write(file, FormatHostManifest(Family::kChromium, host, {crx}));
  CHECK(InspectHostManifest(chromium, file.string(), host, {crx}).valid);
  Write(file, FormatHostManifest(Family::kChromium, host));
  CHECK_FALSE(InspectHostManifest(chromium, file.string(), host, {crx}).valid);  // CRX ID not allowed
  CHECK(ParseHostArgs({"--register", "--chromium-id", crx}).chromium_ids == std::vector<std::string>{crx});
  CHECK_FALSE(
      ParseHostArgs({"--register", "--chromium-id", "ABCDEFGHIJKLMNOPABCDEFGHIJKLMNOP"}).error.empty());
  CHECK_FALSE(ParseHostArgs({"--register", "--chromium-id", "abc"}).error.empty());
}
