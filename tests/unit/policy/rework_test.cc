// Issue #10 through the engine: the rework header enrolls a site with per-category modes; warn
// categories deliver failing resources with action warn; a Firefox-format site is covered only by
// its blocked-destinations, whatever the manifest's shape, and SRI never exempts a resource.
#include <doctest/doctest.h>

#include "core/encoding.h"
#include "crypto/hash.h"
#include "engine_fixture.h"
#include "policy/engine.h"

using namespace verity;
using namespace verity::policy;
using verity::policy::testing::EngineFixture;

namespace {

const std::string kSite = "https://rw.example";

// The rework site's engine; its manifest is served at /m.json.
struct Rework : EngineFixture {
  Rework() : EngineFixture(kSite) { manifest_path = "/m.json"; }
  void Serve(const std::string& manifest_json) {
    auto r = Manifest(manifest_json);
    REQUIRE_MESSAGE(FormatState(r.state) != "invalid", r.detail);
  }
};

std::string B64(const std::string& body) { return FormatBase64(crypto::Sha256(body)); }

std::string ModeIn(const SiteView& v, const std::string& key) {
  for (const auto& [k, m] : v.modes) {
    if (k == key) return m;
  }
  return "";
}

}  // namespace

TEST_CASE_FIXTURE(Rework,
                  "rework: max-age=0, mode-script=enforce enrolls; only the script category is covered") {
  SiteView v = Header(R"(max-age=0, mode-script=enforce, manifest="/m.json")");
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

  Serve(R"({"url_hashes": {"/app.js": ")" + B64("app()") + R"("}})");
  CHECK(Decide("/app.js", "app()", "script").action == Action::kAllow);
  auto bad = Decide("/app.js", "evil()", "script");
  CHECK(bad.action == Action::kBlock);
  CHECK(bad.reason == "no_manifest_match");
  CHECK(bad.category == "mode-script");
  CHECK(Decide("/x.xsl", "xslt", "xslt").action == Action::kBlock);
  // The document, styles and images are not in any category here: not covered.
  for (const char* d : {"document", "style", "image", "worker"}) {
    auto r = Decide("/unlisted", "anything", d);
    CHECK_MESSAGE(r.action == Action::kAllow, d);
    CHECK_MESSAGE(r.reason == "not_covered", d);
  }
}

TEST_CASE_FIXTURE(
    Rework, "rework: warn categories deliver and log warn; report categories report; per-category ratchet") {
  SiteView v = Header(R"(max-age=0, mode-script=enforce, mode-style=warn, mode-image=report, )"
                      R"(report-to=(r1), manifest="/m.json")");
  CHECK(ModeIn(v, "mode-style") == "warn");
  CHECK(v.report_to == std::vector<std::string>{"r1"});
  Serve(R"({"url_hashes": {"/s.css": ")" + B64("body{}") + R"(", "/i.png": ")" + B64("png") + R"("}})");
  auto w = Decide("/s.css", "tampered", "style");
  CHECK(w.action == Action::kWarn);
  CHECK(w.reason == "no_manifest_match");
  CHECK(w.category == "mode-style");
  CHECK(Decide("/unlisted.css", "x", "style").action == Action::kWarn);
  CHECK(Decide("/s.css", "body{}", "style").action == Action::kAllow);
  CHECK(Decide("/i.png", "other", "image").action == Action::kReport);
  CHECK(Decide("/x.js", "x", "script").action == Action::kBlock);
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

TEST_CASE_FIXTURE(Rework, "rework: per-category ratchet in the stored record (max-age > 0)") {
  SiteView v = Header(R"(max-age=600, mode-script=enforce, mode-style=warn, manifest="/m.json")");
  CHECK(v.mode_expires.size() == 2);
  for (const auto& [k, t] : v.mode_expires) CHECK_MESSAGE(t == now_ms / 1000 + 600, k);
  // A downgrade of style to report is ignored while its max-age runs; an upgrade of image is not.
  now_ms += 10000;
  v = Header(R"(max-age=600, mode-style=report, mode-image=enforce, manifest="/m.json")");
  CHECK(ModeIn(v, "mode-style") == "warn");
  CHECK(ModeIn(v, "mode-image") == "enforce");
  CHECK(ModeIn(v, "mode-script") == "enforce");  // not named: keeps ageing
  // A header-less query keeps the remembered state.
  auto q = e->SiteState({kSite, {}});
  REQUIRE(q.ok());
  CHECK(ModeIn(*q, "mode-style") == "warn");
  CHECK(FormatState(q->source) == "remembered");
  // After the stored max-age the downgrade takes effect.
  now_ms += 601 * 1000;
  v = Header(R"(max-age=600, mode-style=report, manifest="/m.json")");
  CHECK(ModeIn(v, "mode-style") == "report");
  CHECK(ModeIn(v, "mode-script") == "");
}

TEST_CASE_FIXTURE(Rework,
                  "Firefox format: coverage is the header's blocked-destinations; SRI never exempts") {
  SiteView v = Header(R"(manifest="/m.json", max-age=0, mode=enforce, blocked-destinations=(script))");
  CHECK(v.checked);
  CHECK(v.dialect == std::optional<std::string>("firefox"));
  CHECK(ModeIn(v, "mode-script") == "enforce");
  CHECK(ModeIn(v, "mode-document") == "");
  // A plain {"hashes": ...} manifest, no any_hashes: still the Firefox reading.
  Serve(R"({"hashes": {"/s.js": ")" + B64("listed()") + R"("}})");
  for (const char* d : {"document", "style", "image"}) {
    CHECK_MESSAGE(Decide("/unlisted", "x", d).action == Action::kAllow, d);
  }
  CHECK(Decide("/s.js", "listed()", "script").action == Action::kAllow);
  CHECK(Decide("/s.js", "tampered()", "script").reason == "no_manifest_match");
  // Unlisted script with a matching, server-made integrity= attribute: blocked.
  std::string sri = "sha256-" + B64("unlisted()");
  auto u = Decide("/u.js", "unlisted()", "script", sri);
  CHECK(u.action == Action::kBlock);
  CHECK(u.reason == "missing_from_manifest");
}

TEST_CASE_FIXTURE(Rework, "v2 header still covers every fetch category with one mode") {
  SiteView v = Header(R"(max-age=0, mode=report, manifest="/m.json")");
  CHECK(v.dialect == std::optional<std::string>("waict-v2"));
  CHECK(v.modes.size() == 10);
  CHECK(v.mode == std::optional<std::string>("report"));
  Serve(R"({"hashes": {}})");
  CHECK(Decide("/x.js", "x", "script").action == Action::kReport);
  CHECK(Decide("/", "x", "document").action == Action::kReport);
}
