// Issue #10 through the engine: the rework header enrolls a site with per-category modes; warn
// categories deliver failing resources with action warn; a Firefox-format site is covered only by
// its blocked-destinations, whatever the manifest's shape, and SRI never exempts a resource.
#include <doctest/doctest.h>

#include "core/encoding.h"
#include "crypto/hash.h"
#include "policy/engine.h"

using namespace verity;
using namespace verity::policy;

namespace {

const std::string kSite = "https://rw.example";

std::unique_ptr<Engine> OpenAt(const int64_t* now_ms) {
  EngineOptions o;
  o.in_memory_store = true;
  o.clock = [now_ms] { return *now_ms; };
  return Engine::Open(o);
}

SiteView Enroll(Engine& e, const std::string& header) {
  auto v = e.SiteState({kSite, {{"integrity-policy-waict-v1", header}}});
  REQUIRE_MESSAGE(v.ok(), v.error().detail);
  return *v;
}

void Serve(Engine& e, const std::string& manifest_json) {
  auto r = e.IngestManifest({kSite, kSite + "/m.json", 200, manifest_json + "\n\n"});
  REQUIRE(r.ok());
  REQUIRE_MESSAGE(FormatState(r->state) != "invalid", r->detail);
}

Verdict Ask(Engine& e, const std::string& path, std::string_view destination, const std::string& body,
            std::string_view integrity = {}) {
  VerdictRequest q;
  std::string url = kSite + path;
  q.origin = kSite;
  q.url = url;
  q.destination = destination;
  q.sha256 = crypto::Sha256(body);
  q.integrity = integrity;
  auto v = e.Decide(q);
  REQUIRE(v.ok());
  return *v;
}

std::string B64(const std::string& body) { return FormatBase64(crypto::Sha256(body)); }

std::string ModeIn(const SiteView& v, const std::string& key) {
  for (const auto& [k, m] : v.modes) {
    if (k == key) return m;
  }
  return "";
}

}  // namespace

TEST_CASE("rework: max-age=0, mode-script=enforce enrolls; only the script category is covered") {
  int64_t now = 1767225600000;
  auto e = OpenAt(&now);
  SiteView v = Enroll(*e, R"(max-age=0, mode-script=enforce, manifest="/m.json")");
  CHECK(v.checked);
  CHECK(v.mode == std::optional<std::string>("enforce"));
  CHECK(v.dialect == std::optional<std::string>("rework"));
  REQUIRE(v.modes.size() == 1);
  CHECK(ModeIn(v, "mode-script") == "enforce");
  CHECK(v.manifest_url == kSite + "/m.json");
  // The request headers the drafts ask for, on this checked site only.
  REQUIRE(v.request_headers.size() == 2);
  CHECK(v.request_headers[0] ==
        std::pair<std::string, std::string>{"Integrity-Policy-WAICT-v1-Req", "\"/m.json\""});
  CHECK(v.request_headers[1] == std::pair<std::string, std::string>{"Sec-CH-WAICT", "1"});
  auto other = e->SiteState({"https://other.example", {}});
  REQUIRE(other.ok());
  CHECK_FALSE(other->checked);
  CHECK(other->request_headers.empty());
  CHECK(other->modes.empty());

  Serve(*e, R"({"url_hashes": {"/app.js": ")" + B64("app()") + R"("}})");
  CHECK(Ask(*e, "/app.js", "script", "app()").action == Action::kAllow);
  auto bad = Ask(*e, "/app.js", "script", "evil()");
  CHECK(bad.action == Action::kBlock);
  CHECK(bad.reason == "no_manifest_match");
  CHECK(bad.category == "mode-script");
  CHECK(Ask(*e, "/x.xsl", "xslt", "xslt").action == Action::kBlock);
  // The document, styles and images are not in any category here: not covered.
  for (const char* d : {"document", "style", "image", "worker"}) {
    auto r = Ask(*e, "/unlisted", d, "anything");
    CHECK_MESSAGE(r.action == Action::kAllow, d);
    CHECK_MESSAGE(r.reason == "not_covered", d);
  }
}

TEST_CASE("rework: warn categories deliver and log warn; report categories report; per-category ratchet") {
  int64_t now = 1767225600000;
  auto e = OpenAt(&now);
  SiteView v = Enroll(*e, R"(max-age=0, mode-script=enforce, mode-style=warn, mode-image=report, )"
                          R"(report-to=(r1), manifest="/m.json")");
  CHECK(ModeIn(v, "mode-style") == "warn");
  CHECK(v.report_to == std::vector<std::string>{"r1"});
  Serve(*e, R"({"url_hashes": {"/s.css": ")" + B64("body{}") + R"(", "/i.png": ")" + B64("png") + R"("}})");
  auto w = Ask(*e, "/s.css", "style", "tampered");
  CHECK(w.action == Action::kWarn);
  CHECK(w.reason == "no_manifest_match");
  CHECK(w.category == "mode-style");
  CHECK(Ask(*e, "/unlisted.css", "style", "x").action == Action::kWarn);
  CHECK(Ask(*e, "/s.css", "style", "body{}").action == Action::kAllow);
  CHECK(Ask(*e, "/i.png", "image", "other").action == Action::kReport);
  CHECK(Ask(*e, "/x.js", "script", "x").action == Action::kBlock);
  // The log keeps action warn (filterable).
  LogQuery q;
  q.action = Action::kWarn;
  auto page = e->QueryLog(q);
  REQUIRE(page.ok());
  CHECK(page->rows.size() == 2);
  for (const auto& r : page->rows) CHECK(r.action == "warn");
  auto st = e->HostStatus(kSite);
  REQUIRE(st.ok());
  CHECK(st->warn == 2);
}

TEST_CASE("rework: per-category ratchet in the stored record (max-age > 0)") {
  int64_t now = 1767225600000;
  auto e = OpenAt(&now);
  SiteView v = Enroll(*e, R"(max-age=600, mode-script=enforce, mode-style=warn, manifest="/m.json")");
  CHECK(v.mode_expires.size() == 2);
  for (const auto& [k, t] : v.mode_expires) CHECK_MESSAGE(t == now / 1000 + 600, k);
  // A downgrade of style to report is ignored while its max-age runs; an upgrade of image is not.
  now += 10000;
  v = Enroll(*e, R"(max-age=600, mode-style=report, mode-image=enforce, manifest="/m.json")");
  CHECK(ModeIn(v, "mode-style") == "warn");
  CHECK(ModeIn(v, "mode-image") == "enforce");
  CHECK(ModeIn(v, "mode-script") == "enforce");  // not named: keeps ageing
  // A header-less query keeps the remembered state.
  auto q = e->SiteState({kSite, {}});
  REQUIRE(q.ok());
  CHECK(ModeIn(*q, "mode-style") == "warn");
  CHECK(FormatState(q->source) == "remembered");
  // After the stored max-age the downgrade takes effect.
  now += 601 * 1000;
  v = Enroll(*e, R"(max-age=600, mode-style=report, manifest="/m.json")");
  CHECK(ModeIn(v, "mode-style") == "report");
  CHECK(ModeIn(v, "mode-script") == "");
}

TEST_CASE("Firefox format: coverage is the header's blocked-destinations; SRI never exempts") {
  int64_t now = 1767225600000;
  auto e = OpenAt(&now);
  SiteView v = Enroll(*e, R"(manifest="/m.json", max-age=0, mode=enforce, blocked-destinations=(script))");
  CHECK(v.checked);
  CHECK(v.dialect == std::optional<std::string>("firefox"));
  CHECK(ModeIn(v, "mode-script") == "enforce");
  CHECK(ModeIn(v, "mode-document") == "");
  // A plain {"hashes": ...} manifest, no any_hashes: still the Firefox reading.
  Serve(*e, R"({"hashes": {"/s.js": ")" + B64("listed()") + R"("}})");
  for (const char* d : {"document", "style", "image"}) {
    CHECK_MESSAGE(Ask(*e, "/unlisted", d, "x").action == Action::kAllow, d);
  }
  CHECK(Ask(*e, "/s.js", "script", "listed()").action == Action::kAllow);
  CHECK(Ask(*e, "/s.js", "script", "tampered()").reason == "no_manifest_match");
  // Unlisted script with a matching, server-made integrity= attribute: blocked.
  std::string sri = "sha256-" + B64("unlisted()");
  auto u = Ask(*e, "/u.js", "script", "unlisted()", sri);
  CHECK(u.action == Action::kBlock);
  CHECK(u.reason == "missing_from_manifest");
}

TEST_CASE("v2 header still covers every fetch category with one mode") {
  int64_t now = 1767225600000;
  auto e = OpenAt(&now);
  SiteView v = Enroll(*e, R"(max-age=0, mode=report, manifest="/m.json")");
  CHECK(v.dialect == std::optional<std::string>("waict-v2"));
  CHECK(v.modes.size() == 10);
  CHECK(v.mode == std::optional<std::string>("report"));
  Serve(*e, R"({"hashes": {}})");
  CHECK(Ask(*e, "/x.js", "script", "x").action == Action::kReport);
  CHECK(Ask(*e, "/", "document", "x").action == Action::kReport);
}
