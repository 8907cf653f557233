// policy/decision_table.h: every table entry is an engine allow/match and every engine allow/match
// of a listed (URL, hash, destination) is in the table; mutated twins (other hash, other URL, other
// destination) are neither in the table nor allowed by it. Notices are decided and logged as
// verdicts and say whether the host agrees.
#include "policy/decision_table.h"

#include <doctest/doctest.h>

#include <set>
#include <tuple>

#include "core/encoding.h"
#include "crypto/hash.h"
#include "policy/engine.h"

using namespace verity;
using namespace verity::policy;

namespace {

const std::string kSite = "https://dt.example";
const std::string kApp = "console.log(1)\n", kCss = "body{}\n", kImg = "PNG", kDoc = "<html>";

std::string H(const std::string& body) { return FormatBase64Url(crypto::Sha256(body)); }

struct Fixture {
  int64_t now_ms = 1767225600000;
  std::unique_ptr<Engine> e;
  Fixture() {
    EngineOptions o;
    o.in_memory_store = true;
    o.clock = [this] { return now_ms; };
    e = Engine::Open(o);
  }
  void Header(const std::string& value) {
    auto v = e->SiteState({kSite, {{"integrity-policy-waict-v1", value}}});
    REQUIRE(v.ok());
  }
  ManifestReply Manifest(const std::string& json) {
    ManifestRequest r;
    r.origin = kSite;
    r.url = kSite + "/m";
    r.body = json + "\n\n";
    r.want_table = true;
    auto m = e->IngestManifest(r);
    REQUIRE_MESSAGE(m.ok(), m.error().detail);
    return *m;
  }
  Verdict Decide(const std::string& url, const std::string& dest, const Hash32& h, bool notice = false) {
    VerdictRequest r;
    r.origin = kSite;
    r.url = url;
    r.destination = dest;
    r.sha256 = h;
    r.notice = notice;
    auto v = e->Decide(r);
    REQUIRE(v.ok());
    return *v;
  }
};

using Key = std::tuple<std::string, std::string, std::string>;  // url, destination, base64 hash

std::set<Key> Keys(const DecisionTable& t) {
  std::set<Key> out;
  for (const auto& en : t.entries)
    for (auto d : en.destinations) out.emplace(en.url, std::string(d), FormatBase64(en.sha256));
  return out;
}

std::vector<std::string> AllDestinations() {
  std::vector<std::string> v(std::begin(kTableDestinations), std::end(kTableDestinations));
  for (const char* d : {"document", "frame", "iframe", "wasm", "beacon", ""}) v.emplace_back(d);
  return v;
}

// The equivalence, with mutated twins, for the table of the manifest just ingested.
void CheckEquivalence(Fixture& f, const DecisionTable& t, const std::vector<std::string>& urls,
                      const std::vector<std::string>& bodies) {
  const std::set<Key> keys = Keys(t);
  size_t allows = 0;
  for (const auto& url : urls) {
    for (const auto& body : bodies) {
      const Hash32 h = crypto::Sha256(body);
      Hash32 wrong = h;
      wrong[0] ^= 1;
      for (const auto& d : AllDestinations()) {
        const bool listed = keys.count({url, d, FormatBase64(h)}) > 0;
        const Verdict v = f.Decide(url, d, h);
        CHECK_MESSAGE(listed == TableAllows(v), url, " ", d, " ", body, " -> ", FormatAction(v.action), "/",
                      v.reason);
        allows += listed;
        if (listed) {  // the rule itself, independently of TableAllows
          CHECK(v.action == Action::kAllow);
          CHECK(v.reason == "match");
          CHECK_FALSE(v.has_csp);
        }
        // Twins: other hash, other URL: never in the table, never a table allow.
        CHECK(keys.count({url, d, FormatBase64(wrong)}) == 0);
        CHECK_FALSE(TableAllows(f.Decide(url, d, wrong)));
        CHECK(keys.count({url + "x", d, FormatBase64(h)}) == 0);
        CHECK_FALSE(TableAllows(f.Decide(url + "x", d, h)));
      }
    }
  }
  CHECK(allows == keys.size());  // every entry was met by the loop above
}

}  // namespace

TEST_CASE("decision table: v2 enforce site; entries <=> engine allow/match, twins out") {
  Fixture f;
  f.Header(R"(max-age=0, mode=enforce, manifest="/m")");
  auto m =
      f.Manifest(R"({"hashes":{"/app.js":")" + H(kApp) + R"(","/s.css":")" + H(kCss) + R"(","/i.png":")" +
                 H(kImg) + R"(","/":")" + H(kDoc) + R"("},"fallback_hashes":[")" + H(kCss) +
                 R"("],"any_hashes":[")" + H(kImg) + R"("],"wasm_hashes":[")" + H(kApp) + R"("]})");
  REQUIRE(m.table);
  CHECK(m.table->manifest_id == m.manifest_id);
  CHECK(m.table->complete);
  const auto keys = Keys(*m.table);
  CHECK(keys.count({kSite + "/app.js", "script", FormatBase64(crypto::Sha256(kApp))}) == 1);
  CHECK(keys.count({kSite + "/app.js", "wasm", FormatBase64(crypto::Sha256(kApp))}) == 0);
  CHECK(keys.count({kSite + "/", "document", FormatBase64(crypto::Sha256(kDoc))}) == 0);  // CSP
  CheckEquivalence(f, *m.table, {kSite + "/app.js", kSite + "/s.css", kSite + "/i.png", kSite + "/"},
                   {kApp, kCss, kImg, kDoc});
}

TEST_CASE("decision table: rework categories (warn, report, passive, not covered) and Firefox header") {
  Fixture f;
  f.Header(R"(mode-script=enforce, mode-style=warn, mode-image=report, max-age=0, manifest="/m")");
  auto m = f.Manifest(R"({"hashes":{"/app.js":")" + H(kApp) + R"(","/s.css":")" + H(kCss) +
                      R"(","/i.png":")" + H(kImg) + R"("}})");
  REQUIRE(m.table);
  CHECK_FALSE(m.table->entries.empty());
  CheckEquivalence(f, *m.table, {kSite + "/app.js", kSite + "/s.css", kSite + "/i.png"}, {kApp, kCss, kImg});

  Fixture g;
  g.Header(R"(max-age=0, mode=enforce, blocked-destinations=(script), manifest="/m")");
  auto n = g.Manifest(R"({"hashes":{"/app.js":")" + H(kApp) + R"(","/s.css":")" + H(kCss) + R"("}})");
  REQUIRE(n.table);
  CheckEquivalence(g, *n.table, {kSite + "/app.js", kSite + "/s.css"}, {kApp, kCss});
}

TEST_CASE("decision table: report mode") {
  Fixture f;
  f.Header(R"(max-age=0, mode=report, manifest="/m")");
  auto m = f.Manifest(R"({"hashes":{"/app.js":")" + H(kApp) + R"("}})");
  REQUIRE(m.table);
  CheckEquivalence(f, *m.table, {kSite + "/app.js"}, {kApp, kCss});
}

TEST_CASE("decision table: none for unusable manifests; notices are verdicts that say whether they agree") {
  Fixture f;
  f.Header(R"(max-age=0, mode=enforce, manifest="/m")");
  CHECK_FALSE(f.Manifest("{not json").table);
  Fixture t;  // transparency required, no service configured: invalid, no table
  t.Header(R"(max-age=3600, mode=enforce, manifest="/m")");
  CHECK_FALSE(t.Manifest(R"({"hashes":{"/app.js":")" + H(kApp) + R"("}})").table);

  auto m = f.Manifest(R"({"hashes":{"/app.js":")" + H(kApp) + R"("}})");
  REQUIRE(m.table);
  auto before = f.e->HostStatus(std::nullopt);
  REQUIRE(before.ok());
  Verdict agree = f.Decide(kSite + "/app.js", "script", crypto::Sha256(kApp), /*notice=*/true);
  CHECK(agree.agrees == std::optional<bool>(true));
  Verdict disagree = f.Decide(kSite + "/app.js", "script", crypto::Sha256(kCss), /*notice=*/true);
  CHECK(disagree.agrees == std::optional<bool>(false));
  CHECK(disagree.action == Action::kBlock);
  CHECK_FALSE(f.Decide(kSite + "/app.js", "script", crypto::Sha256(kApp)).agrees);  // not a notice
  auto after = f.e->HostStatus(std::nullopt);
  REQUIRE(after.ok());
  CHECK(after->allow == before->allow + 2);
  CHECK(after->block == before->block + 1);
  LogQuery q;
  q.origin = kSite;
  auto page = f.e->QueryLog(q);
  REQUIRE(page.ok());
  size_t rows = 0;
  for (const auto& r : page->rows) rows += r.kind == "verdict" && r.url == kSite + "/app.js";
  CHECK(rows == 3);  // a notice is logged exactly like a verdict
  // The user switches the site off: the host no longer agrees with a release by an old table.
  REQUIRE(f.e->SetSite(kSite, Setting::kOff).ok());
  CHECK(f.Decide(kSite + "/app.js", "script", crypto::Sha256(kApp), true).agrees ==
        std::optional<bool>(false));
}

TEST_CASE("decision table: cut at the size limits says so") {
  auto m = integrity::ParseManifest(
      R"({"hashes":{"/a.js":")" + H(kApp) + R"(","/b.js":")" + H(kCss) + R"("}})", *url::ParseUrl(kSite));
  REQUIRE(m.ok());
  auto allow = [](std::string_view, std::string_view d, const Hash32&) {
    Verdict v;
    v.action = Action::kAllow;
    v.reason = d == "script" ? "match" : "any_match";
    return v;
  };
  auto full = BuildDecisionTable(*m, "id", allow);
  CHECK(full.complete);
  REQUIRE(full.entries.size() == 2);
  CHECK(full.entries[0].destinations == std::vector<std::string_view>{"script"});
  auto cut = BuildDecisionTable(*m, "id", allow, 1);
  CHECK_FALSE(cut.complete);
  CHECK(cut.entries.size() == 1);
  auto none = BuildDecisionTable(*m, "id", allow, 10, 3);
  CHECK_FALSE(none.complete);
  CHECK(none.entries.empty());
}

TEST_CASE("decision table: its basis is the site's; a change that can change a verdict changes it") {
  Fixture f;
  f.Header(R"(max-age=0, mode=enforce, manifest="/m")");
  auto m = f.Manifest(R"({"hashes":{"/app.js":")" + H(kApp) + R"("}})");
  REQUIRE(m.table);
  auto basis = [&] {
    auto v = f.e->SiteState({kSite, {}});
    REQUIRE(v.ok());
    return v->decision_basis;
  };
  CHECK(basis() == m.table->basis);
  CHECK(m.table->basis.find(m.manifest_id) != std::string::npos);
  f.Header(R"(max-age=0, mode=enforce, manifest="/m")");  // the same header again: same basis
  CHECK(basis() == m.table->basis);
  f.Header(R"(max-age=0, mode-script=enforce, mode-style=warn, manifest="/m")");  // rework modes
  const std::string rework = basis();
  CHECK(rework != m.table->basis);
  f.Header(R"(max-age=0, mode-script=enforce, mode-style=report, manifest="/m")");  // one mode only
  CHECK(basis() != rework);
  f.Header(R"(max-age=0, mode-script=enforce, mode-style=warn, manifest="/m")");
  CHECK(basis() == rework);
  REQUIRE(f.e->SetSite(kSite, Setting::kRequire).ok());
  CHECK(basis() != rework);
  auto again = f.Manifest(R"({"hashes":{"/app.js":")" + H(kApp) + R"("}})");
  REQUIRE(again.table);
  CHECK(basis() == again.table->basis);
}
