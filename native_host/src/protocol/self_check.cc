#include "protocol/self_check.h"

#include <string>

#include "core/encoding.h"
#include "core/state.h"
#include "crypto/hash.h"
#include "install/browsers.h"
#include "json/json.h"
#include "protocol/dispatch.h"
#include "protocol/host_cli.h"

namespace verity::protocol {
using namespace ::verity::install;  // the browser table (install/browsers.h)
namespace {

// One request through the dispatcher; returns the parsed reply (null on a malformed reply).
json::Value Ask(Dispatcher& d, const std::string& request) {
  auto v = json::Parse(d.Handle(request));
  return v ? std::move(*v) : json::Value();
}

bool VerdictIs(const json::Value& reply, std::string_view action, std::string_view reason, std::string& why) {
  auto a = reply.GetString("action");
  auto r = reply.GetString("reason");
  if (a && r && *a == action && *r == reason) return true;
  why +=
      "expected " + std::string(action) + "/" + std::string(reason) + ", got " + json::Format(reply) + "; ";
  return false;
}

// Per browser found: the host manifest (user or system folder) and the extension. Problems here are
// warnings: the host itself works, but that browser cannot reach it (yet). Returns the count.
int ReportBrowsers(const std::string& host_path, std::FILE* out) {
  const BrowserEnv env = BrowserEnvFromProcess();
  int warnings = 0, found = 0;
  for (const Browser& b : Browsers()) {
    if (!BrowserPresent(b, env)) continue;
    ++found;
    ExtensionState e = InspectExtension(b, env);
    std::vector<std::string> ids;
    if (e.found && b.family == Family::kChromium) ids.push_back(e.id);
    HostManifestState best;
    for (Scope s : {Scope::kUser, Scope::kSystem}) {
      HostManifestState m = InspectHostManifest(
          b, NativeMessagingDir(b, s, env) + "/" + std::string(kHostName) + ".json", host_path, ids);
      if (m.valid || (!best.present && m.present) || best.file.empty()) best = m;
      if (m.valid) break;
    }
    std::string lbl(b.label);
    if (best.valid) {
      std::fprintf(out, "browser  %-22s host manifest ok (%s)\n", lbl.c_str(), best.file.c_str());
    } else {
      ++warnings;
      std::fprintf(out, "browser  %-22s host manifest WARNING %s: %s (run: verity-host --register)\n",
                   lbl.c_str(), best.file.c_str(), best.problem.c_str());
    }
    if (e.found) {
      std::fprintf(out, "browser  %-22s extension ok (%s)\n", lbl.c_str(), e.where.c_str());
    } else {
      ++warnings;
      std::fprintf(out, "browser  %-22s extension WARNING %s (docs/install.md)\n", lbl.c_str(),
                   e.where.c_str());
    }
  }
  if (found == 0) std::fprintf(out, "browser  none of Firefox, Chromium, Google Chrome, Edge, Brave found\n");
  return warnings;
}

}  // namespace

int RunSelfCheck(const policy::EngineOptions& options, std::FILE* out) {
  bool ok = true;
  auto engine = policy::Engine::Open(options);
  const auto& cs = engine->config_status();
  if (cs.ok) {
    std::fprintf(out, "config   ok\n");
  } else {
    std::fprintf(out, "config   FAILED %s: %s\n", cs.code.c_str(), cs.detail.c_str());
    ok = false;
  }
  if (engine->store_ok()) {
    std::fprintf(out, "database ok (%s)\n", engine->db_path().c_str());
  } else {
    auto st = engine->HostStatus(std::nullopt);
    std::fprintf(out, "database FAILED %s\n", st ? st->db.c_str() : engine->db_path().c_str());
    ok = false;
  }

  // Known-answer scenario on an in-memory engine with a fixed clock.
  policy::EngineOptions mem;
  mem.in_memory_store = true;
  mem.browser = options.browser;
  mem.clock = [] { return int64_t{1767225600000}; };
  auto e = policy::Engine::Open(mem);
  Dispatcher d(*e, HostInfo{});
  const std::string body = "console.log('verity self-check');\n";
  std::string good = FormatBase64(crypto::Sha256(body));
  std::string bad = FormatBase64(crypto::Sha256(body + " "));
  std::string why;
  auto site = Ask(d, R"({"id":1,"type":"site_state","origin":"https://self-check.verity.invalid","headers":)"
                     R"({"integrity-policy-waict-v1":"max-age=0, mode=enforce, manifest=\"/m.json\""}})");
  if (site.GetBool("checked") != std::optional<bool>(true))
    why += "site_state not checked: " + json::Format(site) + "; ";
  std::string manifest = R"({"hashes":{"/app.js":")" + FormatBase64Url(crypto::Sha256(body)) + R"("}})";
  auto mrep = Ask(d, R"({"id":2,"type":"manifest","origin":"https://self-check.verity.invalid",)"
                     R"("url":"https://self-check.verity.invalid/m.json","status":200,"body":)" +
                         json::Quote(manifest + "\n\n") + "}");
  if (mrep.GetString("state") !=
      std::optional<std::string_view>(FormatState(::verity::ManifestState::kIntegrityOnly))) {
    why += "manifest not accepted: " + json::Format(mrep) + "; ";
  }
  auto verdict = [&](int id, const std::string& url, const std::string& hash) {
    return Ask(d, R"({"id":)" + std::to_string(id) +
                      R"(,"type":"verdict","origin":"https://self-check.verity.invalid",)"
                      R"("url":")" +
                      url + R"(","destination":"script","sha256":")" + hash + R"("})");
  };
  bool v1 = VerdictIs(verdict(3, "https://self-check.verity.invalid/app.js", good), "allow", "match", why);
  bool v2 = VerdictIs(verdict(4, "https://self-check.verity.invalid/app.js", bad), "block",
                      "no_manifest_match", why);
  bool v3 = VerdictIs(verdict(5, "https://self-check.verity.invalid/other.js", good), "block",
                      "missing_from_manifest", why);
  if (why.empty() && v1 && v2 && v3) {
    std::fprintf(out, "verdict  ok (known answers: match -> allow, tampered -> block, unlisted -> block)\n");
  } else {
    std::fprintf(out, "verdict  FAILED %s\n", why.c_str());
    ok = false;
  }
  int warnings = ReportBrowsers(ThisExecutable(), out);
  if (ok && warnings > 0) {
    std::fprintf(out, "self-check passed (%d browser warning%s)\n", warnings, warnings == 1 ? "" : "s");
  } else {
    std::fprintf(out, ok ? "self-check passed\n" : "self-check FAILED\n");
  }
  return ok ? 0 : 1;
}

}  // namespace verity::protocol
