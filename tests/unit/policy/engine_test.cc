#include "policy/engine.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>

#include "core/encoding.h"
#include "crypto/hash.h"
#include "engine_fixture.h"

using namespace verity;
using namespace verity::policy;
using verity::policy::testing::EngineFixture;

namespace {

const std::string kOrigin = "https://app.example";
const std::string kBody = "console.log(1)\n";

struct Fixture : EngineFixture {
  explicit Fixture(EngineOptions o = {}) : EngineFixture(kOrigin, std::move(o)) {}
};

std::string OneEntryManifest() {
  return R"({"hashes":{"/app.js":")" + FormatBase64Url(crypto::Sha256(kBody)) + R"("}})";
}

}  // namespace

TEST_CASE("origins are normalized; bad origins rejected") {
  CHECK(*NormalizeOrigin("HTTPS://App.Example:443") == "https://app.example");
  CHECK(*NormalizeOrigin("https://app.example/") == "https://app.example");
  CHECK(*NormalizeOrigin("http://localhost:8080") == "http://localhost:8080");
  CHECK(NormalizeOrigin("http://app.example").code() == ErrorCode::kPolicyBadOrigin);
  CHECK(NormalizeOrigin("https://app.example/path").code() == ErrorCode::kPolicyBadOrigin);
  CHECK(NormalizeOrigin("chrome-extension://abc/").code() == ErrorCode::kPolicyBadOrigin);
  CHECK(NormalizeOrigin("").code() == ErrorCode::kPolicyBadOrigin);
  CHECK(NormalizeOrigin(std::string(3000, 'a')).code() == ErrorCode::kPolicyBadOrigin);
}

TEST_CASE("settings and actions round-trip") {
  for (auto s : {Setting::kDefault, Setting::kOff, Setting::kVerify, Setting::kRequire}) {
    CHECK(*ParseSetting(FormatSetting(s)) == s);
  }
  for (auto a : {Action::kAllow, Action::kBlock, Action::kReport}) CHECK(*ParseAction(FormatAction(a)) == a);
  CHECK_FALSE(ParseSetting("on"));
  CHECK_FALSE(ParseAction("deny"));
}

TEST_CASE("record expiry and downgrade protection follow the clock") {
  Fixture f;
  auto v = f.Header(R"(max-age=100, mode=enforce, manifest="/m")");
  CHECK(v.checked);
  CHECK(*v.mode == "enforce");
  CHECK(v.expires == f.now_ms / 1000 + 100);
  // A report-mode header while the enforce record is live does not downgrade (draft rules).
  f.now_ms += 10'000;
  auto d = f.Header(R"(max-age=100, mode=report, manifest="/m")");
  CHECK(*d.mode == "enforce");
  // No header: remembered while live.
  auto r = f.Header("");
  CHECK(r.checked);
  CHECK(FormatState(r.source) == "remembered");
  // After expiry, no header: not checked.
  f.now_ms += 200'000;
  auto gone = f.Header("");
  CHECK_FALSE(gone.checked);
  CHECK(FormatState(gone.source) == "none");
  // Invalid header on a fresh site: not enrolled.
  auto bad = f.Header("max-age=-1, mode=enforce", "https://other.example");
  CHECK_FALSE(bad.checked);
}

TEST_CASE("verdicts: match, mismatch, report mode, setting off") {
  Fixture f;
  f.Header(R"(max-age=0, mode=enforce, manifest="/m")");
  auto m = f.Manifest(OneEntryManifest());
  CHECK(FormatState(m.state) == "integrity_only");
  CHECK(f.Decide("/app.js", kBody).action == Action::kAllow);
  auto bad = f.Decide("/app.js", kBody + "x");
  CHECK(bad.action == Action::kBlock);
  CHECK(bad.reason == "no_manifest_match");
  CHECK(bad.manifest_id == m.manifest_id);
  REQUIRE(f.e->SetSite(kOrigin, Setting::kOff).ok());
  auto off = f.Decide("/app.js", kBody + "x");
  CHECK(off.action == Action::kAllow);
  CHECK(off.reason == "user_off");
  REQUIRE(f.e->SetSite(kOrigin, Setting::kDefault).ok());
  f.Header(R"(max-age=0, mode=report, manifest="/m")");
  auto rep = f.Decide("/app.js", kBody + "x");
  CHECK(rep.action == Action::kReport);
  CHECK(rep.reason == "no_manifest_match");
}

TEST_CASE("transparency required without a trusted service never allows") {
  Fixture f;  // default config: no transparency service configured
  f.Header(R"(max-age=3600, mode=enforce, manifest="/m")");
  auto m = f.Manifest(OneEntryManifest());
  CHECK(FormatState(m.transparency) == "invalid");
  CHECK(m.transparency_code == "transparency.no_trusted_service");
  auto v = f.Decide("/app.js", kBody);
  CHECK(v.action == Action::kBlock);
  CHECK(v.reason == "transparency.no_trusted_service");
  CHECK(f.Decide("/app.js", "other").action == Action::kBlock);
}

TEST_CASE("verdict log: rows batched, visible after a query, counts kept") {
  Fixture f;
  f.Header(R"(max-age=0, mode=enforce, manifest="/m")");
  f.Manifest(OneEntryManifest());
  for (int i = 0; i < 10; ++i) f.Decide("/app.js", i % 2 ? kBody : "bad");
  LogQuery q;
  q.action = Action::kBlock;
  auto page = f.e->QueryLog(q);
  REQUIRE(page.ok());
  CHECK(page->rows.size() == 5);
  for (const auto& r : page->rows) CHECK(r.reason == "no_manifest_match");
  auto st = f.e->HostStatus(kOrigin);
  REQUIRE(st.ok());
  CHECK(st->allow == 5);
  CHECK(st->block == 5);
  CHECK(st->site->checked);
  // since/until are seconds.
  LogQuery later;
  later.since = f.now_ms / 1000 + 1;
  CHECK(f.e->QueryLog(later)->rows.empty());
}

TEST_CASE("store unavailable: still answers, enforced sites fail closed") {
  EngineOptions o;
  o.data_dir = "/proc/verity-cannot-create-this";
  Fixture f(o);
  CHECK_FALSE(f.e->store_ok());
  auto v = f.Header(R"(max-age=0, mode=enforce, manifest="/m")");
  CHECK(v.checked);
  f.Manifest(OneEntryManifest());
  auto d = f.Decide("/app.js", kBody);
  CHECK(d.action == Action::kBlock);
  CHECK(d.reason == "policy.store_unavailable");
  CHECK(f.e->QueryLog({}).code() == ErrorCode::kPolicyStoreUnavailable);
  // An unenrolled site is unaffected.
  VerdictRequest r;
  r.origin = "https://plain.example";
  r.url = "https://plain.example/x.js";
  r.destination = "script";
  CHECK(f.e->Decide(r)->action == Action::kAllow);
}

TEST_CASE("invalid config: reported and enforced sites block with config.invalid") {
  char tmpl[] = "/tmp/verity-policy-XXXXXX";
  std::string dir = ::mkdtemp(tmpl);
  {
    FILE* cf = std::fopen((dir + "/config.json").c_str(), "w");
    REQUIRE(cf);
    std::fputs("{\"log\": 5}", cf);
    std::fclose(cf);
  }
  EngineOptions o;
  o.config_path = dir + "/config.json";
  o.data_dir = dir + "/data";
  {
    Fixture f(o);
    CHECK_FALSE(f.e->config_status().ok);
    CHECK(f.e->config_status().code == "config.invalid");
    f.Header(R"(max-age=0, mode=enforce, manifest="/m")");
    f.Manifest(OneEntryManifest());
    auto d = f.Decide("/app.js", kBody);
    CHECK(d.action == Action::kBlock);
    CHECK(d.reason == "config.invalid");
    // report mode: report, not allow.
    f.Header(R"(max-age=0, mode=report, manifest="/m")");
    CHECK(f.Decide("/app.js", kBody).action == Action::kReport);
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("override refused for require sites, granted otherwise, always logged") {
  Fixture f;
  OverrideRequest o{kOrigin, kOrigin + "/x.js", "no_manifest_match"};
  REQUIRE(f.e->SetSite(kOrigin, Setting::kRequire).ok());
  CHECK_FALSE(f.e->Override(o)->granted);
  REQUIRE(f.e->SetSite(kOrigin, Setting::kVerify).ok());
  CHECK(f.e->Override(o)->granted);
  LogQuery q;
  q.origin = kOrigin;
  auto page = f.e->QueryLog(q);
  REQUIRE(page.ok());
  int overrides = 0;
  for (const auto& r : page->rows) overrides += r.kind == "event" && r.action == "override";
  CHECK(overrides == 2);
}
