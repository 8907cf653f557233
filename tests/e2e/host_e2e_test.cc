// End-to-end tests of verity-host over its real stdio framing (docs/protocol.md). Each test case
// spawns the built binary with a private HOME, speaks frames to it and checks every reply.
#include <doctest/doctest.h>

#include <fstream>

#include "core/clock.h"
#include "core/encoding.h"
#include "crypto/hash.h"
#include "host_harness.h"
#include "json/json.h"
#include "transparency/chain.h"
#include "transparency/chain_head.h"
#include "transparency/mpt.h"
#include "transparency/note.h"
#include "transparency/preload.h"
#include "transparency/tree_head.h"

using namespace verity;
using e2e::Frame;
using e2e::Header;
using e2e::HostHome;
using e2e::HostProcess;

namespace {

const std::string kOrigin = "https://app.example";

json::Value Reply(HostProcess& h) {
  auto f = h.ReadFrame();
  REQUIRE_MESSAGE(f.has_value(), "no reply frame (timeout=" << h.timed_out()
                                                            << ", oversize=" << h.oversize_seen()
                                                            << ") stderr: " << h.stderr_text());
  auto v = json::Parse(*f);
  REQUIRE_MESSAGE(v.ok(), "reply is not JSON: " << *f);
  return std::move(*v);
}

json::Value Ask(HostProcess& h, const std::string& request) {
  h.Send(Frame(request));
  return Reply(h);
}

std::string ErrorCodeOf(const json::Value& r) {
  const json::Value* e = r.Find("error");
  if (!e) return "";
  return std::string(e->GetString("code").value_or(""));
}

bool IdIsNull(const json::Value& r) {
  const json::Value* id = r.Find("id");
  return id && id->is_null();
}

std::string B64(std::string_view body) { return FormatBase64(crypto::Sha256(body)); }
std::string B64Url(std::string_view body) { return FormatBase64Url(crypto::Sha256(body)); }

std::string Verdict(int id, const std::string& path, const std::string& dest, const std::string& body,
                    const std::string& origin = kOrigin) {
  return R"({"id":)" + std::to_string(id) + R"(,"type":"verdict","origin":")" + origin + R"(","url":")" +
         origin + path + R"(","destination":")" + dest + R"(","sha256":")" + B64(body) +
         R"(","status":200,"tab":3})";
}

std::string SiteState(int id, const std::string& header, const std::string& origin = kOrigin) {
  std::string h = header.empty() ? "{}" : R"({"integrity-policy-waict-v1":)" + json::Quote(header) + "}";
  return R"({"id":)" + std::to_string(id) + R"(,"type":"site_state","origin":")" + origin +
         R"(","headers":)" + h + "}";
}

std::string ManifestMsg(int id, const std::string& manifest_json, const std::string& origin = kOrigin) {
  return R"({"id":)" + std::to_string(id) + R"(,"type":"manifest","origin":")" + origin + R"(","url":")" +
         origin + R"(/.well-known/waict/manifest","status":200,"body":)" +
         json::Quote(manifest_json + "\n\n") + "}";
}

const std::string kAppJs = "console.log('app');\n";
const std::string kStyle = "body{color:red}\n";

std::string TestManifest() {
  return R"({"hashes":{"/app.js":")" + B64Url(kAppJs) + R"(","/style.css":")" + B64Url(kStyle) + R"("}})";
}

void ExpectCleanExit(HostProcess& h) {
  h.CloseInput();
  CHECK(h.Wait() == 0);
  CHECK_FALSE(h.oversize_seen());
}

}  // namespace

TEST_CASE("hello and status") {
  HostHome home;
  HostProcess h(home);
  REQUIRE(h.started());
  auto r = Ask(h, R"({"id":1,"type":"hello","browser":"chromium","extension_version":"0.1.0"})");
  CHECK(*r.GetInt("id") == 1);
  CHECK(*r.GetBool("ok"));
  CHECK(*r.GetString("type") == "hello");
  CHECK(*r.GetString("host_version") == "0.1.0");
  CHECK(*r.GetInt("protocol") == 1);
  CHECK(*r.GetString("browser") == "chromium");
  CHECK(*r.Find("config")->GetBool("ok"));
  CHECK(r.GetString("data_dir")->find(home.dir) == 0);

  auto s = Ask(h, R"({"id":"s-1","type":"status"})");
  CHECK(*s.GetString("id") == "s-1");
  CHECK(*s.GetBool("ok"));
  CHECK(*s.GetBool("db_ok"));
  CHECK(*s.Find("counts")->GetInt("allow") == 0);
  CHECK(s.Find("site")->is_null());
  ExpectCleanExit(h);
}

TEST_CASE("browser detection: firefox argv") {
  HostHome home;
  HostProcess h(home, {home.dir + "/org.verity.host.json", "verity@verity-project"});
  auto r = Ask(h, R"({"id":1,"type":"hello"})");
  CHECK(*r.GetString("browser") == "firefox");
  ExpectCleanExit(h);
}

TEST_CASE("framing errors keep the stream in sync") {
  HostHome home;
  HostProcess h(home);
  SUBCASE("zero-length frame") {
    auto r = Ask(h, "");
    CHECK(ErrorCodeOf(r) == "protocol.empty_frame");
    CHECK(IdIsNull(r));
    CHECK_FALSE(*r.GetBool("ok"));
  }
  SUBCASE("over the cap, body sent") {
    std::string big = Header(16u * 1024 * 1024 + 1) + std::string(16u * 1024 * 1024 + 1, 'x');
    h.Send(big);
    auto r = Reply(h);
    CHECK(ErrorCodeOf(r) == "protocol.frame_too_large");
    CHECK(IdIsNull(r));
  }
  SUBCASE("invalid UTF-8") {
    auto r = Ask(h, "{\"id\":1,\"type\":\"hello\",\"x\":\"\xff\xfe\"}");
    CHECK(ErrorCodeOf(r) == "protocol.invalid_utf8");
    CHECK(IdIsNull(r));
  }
  SUBCASE("invalid JSON") {
    auto r = Ask(h, R"({"id":1,"type":)");
    CHECK(ErrorCodeOf(r) == "protocol.invalid_json");
  }
  SUBCASE("not an object") {
    auto r = Ask(h, R"([1,2,3])");
    CHECK(ErrorCodeOf(r) == "protocol.not_an_object");
  }
  SUBCASE("missing id") {
    auto r = Ask(h, R"({"type":"hello"})");
    CHECK(ErrorCodeOf(r) == "protocol.missing_id");
    CHECK(IdIsNull(r));
  }
  SUBCASE("id of the wrong type") {
    auto r = Ask(h, R"({"id":[1],"type":"hello"})");
    CHECK(ErrorCodeOf(r) == "protocol.missing_id");
  }
  SUBCASE("missing type") {
    auto r = Ask(h, R"({"id":5})");
    CHECK(ErrorCodeOf(r) == "protocol.missing_type");
    CHECK(*r.GetInt("id") == 5);
  }
  SUBCASE("unknown type") {
    auto r = Ask(h, R"({"id":6,"type":"nope"})");
    CHECK(ErrorCodeOf(r) == "protocol.unknown_type");
    CHECK(*r.GetInt("id") == 6);
  }
  SUBCASE("bad field") {
    auto r = Ask(h, R"({"id":7,"type":"site_state"})");
    CHECK(ErrorCodeOf(r) == "protocol.bad_field");
    auto r2 = Ask(h, R"({"id":8,"type":"verdict","origin":"https://a.example","url":"https://a.example/x",)"
                     R"("destination":"script","sha256":"not base64!"})");
    CHECK(ErrorCodeOf(r2) == "protocol.bad_field");
    auto r3 = Ask(h, R"({"id":9,"type":"log_query","limit":501})");
    CHECK(ErrorCodeOf(r3) == "protocol.bad_field");
    auto r4 = Ask(h, R"({"id":10,"type":"site_state","origin":"ftp://a.example"})");
    CHECK(ErrorCodeOf(r4) == "policy.bad_origin");
  }
  // After any of the above the host still answers a good request.
  auto ok = Ask(h, R"({"id":99,"type":"hello"})");
  CHECK(*ok.GetInt("id") == 99);
  CHECK(*ok.GetBool("ok"));
  ExpectCleanExit(h);
}

TEST_CASE("EOF handling: clean exit 0") {
  HostHome home;
  HostProcess h(home);
  SUBCASE("EOF between frames") { h.CloseInput(); }
  SUBCASE("truncated header") { h.Send(std::string("\x05\x00", 2), true); }
  SUBCASE("truncated body") { h.Send(Header(100) + "{\"id\":1", true); }
  SUBCASE("length 0xFFFFFFFF: error reply first, then EOF while discarding") {
    h.Send(Header(0xFFFFFFFFu) + std::string(1000, 'a'));
    auto r = Reply(h);
    CHECK(ErrorCodeOf(r) == "protocol.frame_too_large");
    CHECK(IdIsNull(r));
    h.CloseInput();
  }
  CHECK(h.Wait() == 0);
  CHECK_FALSE(h.ReadFrame(1000).has_value());
  CHECK(h.stderr_text().find("verity-host:") != std::string::npos);
}

TEST_CASE("pipelined requests are answered in order") {
  HostHome home;
  HostProcess h(home);
  std::string batch;
  const int n = 3000;
  for (int i = 1; i <= n; ++i) {
    if (i % 3 == 0) {
      batch += Frame(R"({"id":)" + std::to_string(i) + R"(,"type":"status"})");
    } else if (i % 3 == 1) {
      batch += Frame(Verdict(i, "/x" + std::to_string(i) + ".js", "script", "b"));
    } else {
      batch += Frame("");  // interleaved framing errors
    }
  }
  h.Send(batch);
  for (int i = 1; i <= n; ++i) {
    auto r = Reply(h);
    if (i % 3 == 2) {
      CHECK(ErrorCodeOf(r) == "protocol.empty_frame");
    } else {
      REQUIRE(r.GetInt("id"));
      CHECK(*r.GetInt("id") == i);
      CHECK(*r.GetBool("ok"));
    }
  }
  ExpectCleanExit(h);
}

TEST_CASE("full integrity flow: site_state -> manifest -> verdicts -> log_query") {
  HostHome home;
  HostProcess h(home);
  // Not enrolled yet: not checked, allow.
  auto pre = Ask(h, Verdict(1, "/app.js", "script", kAppJs));
  CHECK(*pre.GetString("action") == "allow");
  CHECK(*pre.GetString("reason") == "not_checked");

  auto site = Ask(h, SiteState(2, R"(max-age=0, mode=enforce, manifest="/.well-known/waict/manifest")"));
  CHECK(*site.GetBool("checked"));
  CHECK(*site.GetString("mode") == "enforce");
  CHECK(*site.GetString("manifest_url") == kOrigin + "/.well-known/waict/manifest");
  CHECK(*site.GetString("source") == "header");
  CHECK(*site.GetString("setting") == "default");
  CHECK(*site.Find("manifest")->GetString("state") == "none");

  // Enrolled but no manifest yet: fail closed.
  auto early = Ask(h, Verdict(3, "/app.js", "script", kAppJs));
  CHECK(*early.GetString("action") == "block");
  CHECK(*early.GetString("reason") == "manifest_unavailable");

  std::string manifest = TestManifest();
  auto m = Ask(h, ManifestMsg(4, manifest));
  CHECK(*m.GetBool("ok"));
  CHECK(*m.GetString("state") == "integrity_only");
  CHECK(*m.GetString("transparency") == "not_required");
  CHECK(*m.GetString("dialect") == "waict-v2");
  CHECK(*m.GetInt("entries") == 2);
  CHECK(*m.GetString("manifest_id") == B64Url(manifest));

  auto good = Ask(h, Verdict(5, "/app.js", "script", kAppJs));
  CHECK(*good.GetString("action") == "allow");
  CHECK(*good.GetString("reason") == "match");
  CHECK(*good.GetString("manifest_id") == B64Url(manifest));
  auto frag = Ask(h, Verdict(6, "/app.js#frag", "script", kAppJs));
  CHECK(*frag.GetString("action") == "allow");
  auto tampered = Ask(h, Verdict(7, "/app.js", "script", kAppJs + "evil()"));
  CHECK(*tampered.GetString("action") == "block");
  CHECK(*tampered.GetString("reason") == "no_manifest_match");
  auto unlisted = Ask(h, Verdict(8, "/other.js", "script", kAppJs));
  CHECK(*unlisted.GetString("action") == "block");
  CHECK(*unlisted.GetString("reason") == "missing_from_manifest");
  auto image = Ask(h, Verdict(9, "/logo.png", "image", "png"));
  CHECK(*image.GetString("action") == "allow");
  CHECK(*image.GetString("reason") == "passive_unlisted");

  auto blocks = Ask(h, R"({"id":10,"type":"log_query","origin":"https://app.example","action":"block"})");
  CHECK(*blocks.GetBool("ok"));
  const auto& rows = blocks.Find("rows")->items();
  REQUIRE(rows.size() == 3);  // early manifest_unavailable, tampered, unlisted (newest first)
  CHECK(*rows[0].GetString("reason") == "missing_from_manifest");
  CHECK(*rows[0].GetString("url") == kOrigin + "/other.js");
  CHECK(*rows[0].GetString("kind") == "verdict");
  CHECK(*rows[0].GetString("browser") == "chromium");
  CHECK(*rows[1].GetString("reason") == "no_manifest_match");
  CHECK(*rows[2].GetString("reason") == "manifest_unavailable");
  CHECK(*rows[0].GetInt("seq") > *rows[1].GetInt("seq"));
  CHECK(blocks.Find("next_cursor")->is_null());

  // Paging: limit 2 over everything for the origin.
  auto p1 = Ask(h, R"({"id":11,"type":"log_query","origin":"https://app.example","limit":2})");
  REQUIRE(p1.Find("rows")->items().size() == 2);
  auto cursor = p1.GetString("next_cursor");
  REQUIRE(cursor.has_value());
  auto p2 = Ask(h, R"({"id":12,"type":"log_query","origin":"https://app.example","limit":2,"cursor":")" +
                       std::string(*cursor) + R"("})");
  REQUIRE(p2.Find("rows")->items().size() == 2);
  CHECK(*p2.Find("rows")->items()[0].GetInt("seq") < *p1.Find("rows")->items()[1].GetInt("seq"));
  auto bad_cursor = Ask(h, R"({"id":13,"type":"log_query","cursor":"garbage"})");
  CHECK(ErrorCodeOf(bad_cursor) == "store.bad_cursor");

  auto st = Ask(h, R"({"id":14,"type":"status","origin":"https://app.example"})");
  CHECK(*st.Find("counts")->GetInt("block") == 3);
  CHECK(*st.Find("counts")->GetInt("allow") == 4);
  CHECK(*st.Find("site")->Find("manifest")->GetString("state") == "integrity_only");

  // The user switches the site off: allow without checking, and the change is logged.
  auto off = Ask(h, R"({"id":15,"type":"set_site","origin":"https://APP.example:443","setting":"off"})");
  CHECK(*off.GetString("origin") == kOrigin);
  CHECK(*off.GetString("setting") == "off");
  auto offv = Ask(h, Verdict(16, "/other.js", "script", "x"));
  CHECK(*offv.GetString("action") == "allow");
  CHECK(*offv.GetString("reason") == "user_off");
  auto site_off = Ask(h, SiteState(17, R"(max-age=0, mode=enforce, manifest="/.well-known/waict/manifest")"));
  CHECK_FALSE(*site_off.GetBool("checked"));
  auto ev = Ask(h, R"({"id":18,"type":"log_query","origin":"https://app.example","limit":5})");
  bool found_event = false;
  for (const auto& r : ev.Find("rows")->items()) {
    if (r.GetString("kind") == std::optional<std::string_view>("event") &&
        r.GetString("action") == std::optional<std::string_view>("set_site")) {
      found_event = true;
    }
  }
  CHECK(found_event);

  // require: override refused.
  Ask(h, R"({"id":19,"type":"set_site","origin":"https://app.example","setting":"require"})");
  auto ov = Ask(
      h,
      R"({"id":20,"type":"override","origin":"https://app.example","url":"https://app.example/other.js","reason":"missing_from_manifest"})");
  CHECK_FALSE(*ov.GetBool("granted"));
  Ask(h, R"({"id":21,"type":"set_site","origin":"https://app.example","setting":"default"})");
  auto ov2 = Ask(
      h,
      R"({"id":22,"type":"override","origin":"https://app.example","url":"https://app.example/other.js","reason":"missing_from_manifest"})");
  CHECK(*ov2.GetBool("granted"));
  ExpectCleanExit(h);
}

TEST_CASE("report mode, invalid manifest and transparency-required sites never silently allow") {
  HostHome home;
  HostProcess h(home);
  SUBCASE("report mode: mismatch reports") {
    Ask(h, SiteState(1, R"(max-age=0, mode=report, manifest="/m")"));
    Ask(h, ManifestMsg(2, TestManifest()));
    auto v = Ask(h, Verdict(3, "/app.js", "script", "tampered"));
    CHECK(*v.GetString("action") == "report");
    CHECK(*v.GetString("reason") == "no_manifest_match");
  }
  SUBCASE("max-age > 0 without a trusted service: fail closed") {
    auto s = Ask(h, SiteState(1, R"(max-age=3600, mode=enforce, manifest="/m")"));
    CHECK(*s.GetInt("expires") > 0);
    auto m = Ask(h, ManifestMsg(2, TestManifest()));
    CHECK(*m.GetString("transparency") == "invalid");
    CHECK(*m.GetString("transparency_code") == "transparency.no_trusted_service");
    auto v = Ask(h, Verdict(3, "/app.js", "script", kAppJs));
    CHECK(*v.GetString("action") == "block");
    CHECK(*v.GetString("reason") == "transparency.no_trusted_service");
  }
  SUBCASE("invalid manifest blocks") {
    Ask(h, SiteState(1, R"(max-age=0, mode=enforce, manifest="/m")"));
    auto m = Ask(h, ManifestMsg(2, R"({"hashes":{"/app.js":"not-a-hash"}})"));
    CHECK(*m.GetString("state") == "invalid");
    CHECK(*m.GetString("reason") == "invalid_manifest");
    auto v = Ask(h, Verdict(3, "/app.js", "script", kAppJs));
    CHECK(*v.GetString("action") == "block");
    CHECK(*v.GetString("reason") == "invalid_manifest");
  }
  SUBCASE("manifest fetch failed blocks") {
    Ask(h, SiteState(1, R"(max-age=0, mode=enforce, manifest="/m")"));
    auto m = Ask(
        h,
        R"({"id":2,"type":"manifest","origin":"https://app.example","url":"https://app.example/m","status":404,"body":""})");
    CHECK(*m.GetString("reason") == "manifest_unavailable");
    auto v = Ask(h, Verdict(3, "/app.js", "script", kAppJs));
    CHECK(*v.GetString("action") == "block");
    CHECK(*v.GetString("reason") == "manifest_unavailable");
  }
  SUBCASE("user require without header: blocked until a manifest arrives") {
    Ask(h, R"({"id":1,"type":"set_site","origin":"https://app.example","setting":"require"})");
    auto s = Ask(h, SiteState(2, ""));
    CHECK(*s.GetBool("checked"));
    CHECK(*s.GetString("source") == "user");
    auto v = Ask(h, Verdict(3, "/app.js", "script", kAppJs));
    CHECK(*v.GetString("action") == "block");
    CHECK(*v.GetString("reason") == "manifest_unavailable");
  }
  ExpectCleanExit(h);
}

TEST_CASE("state survives a restart") {
  HostHome home;
  std::string manifest = TestManifest();
  {
    HostProcess h(home);
    Ask(h, SiteState(1, R"(max-age=86400, mode=enforce, manifest="/m")"));
    Ask(h, ManifestMsg(2, manifest));
    Ask(h, Verdict(3, "/app.js", "script", "tampered"));
    ExpectCleanExit(h);
  }
  HostProcess h(home);
  auto s = Ask(h, SiteState(1, ""));  // no header this time: the stored record is still live
  CHECK(*s.GetBool("checked"));
  CHECK(*s.GetString("source") == "remembered");
  CHECK(*s.GetString("mode") == "enforce");
  // max-age > 0 and no transparency service configured: the manifest was rejected, not cached
  // (the cache of a verified manifest across restarts: the transparency case below).
  CHECK(*s.Find("manifest")->GetString("state") == "none");
  auto v = Ask(h, Verdict(2, "/app.js", "script", "tampered"));
  CHECK(*v.GetString("action") == "block");
  auto q = Ask(h, R"({"id":3,"type":"log_query","action":"block"})");
  CHECK(q.Find("rows")->items().size() == 2);  // one from each process: batched rows were flushed at exit
  ExpectCleanExit(h);
}

TEST_CASE("log_query replies stay under 1 MiB") {
  HostHome home;
  HostProcess h(home);
  Ask(h, SiteState(1, R"(max-age=0, mode=enforce, manifest="/m")"));
  Ask(h, ManifestMsg(2, TestManifest()));
  std::string batch;
  std::string long_path = "/" + std::string(3800, 'p');
  for (int i = 0; i < 600; ++i)
    batch += Frame(Verdict(100 + i, long_path + std::to_string(i), "script", "z"));
  h.Send(batch);
  for (int i = 0; i < 600; ++i) Reply(h);
  auto q = Ask(h, R"({"id":3,"type":"log_query","limit":500})");
  CHECK(*q.GetBool("ok"));
  auto n = q.Find("rows")->items().size();
  CHECK(n > 50);
  CHECK(n < 500);  // cut short by size, not by limit
  REQUIRE(q.GetString("next_cursor"));
  auto q2 = Ask(h, R"({"id":4,"type":"log_query","limit":500,"cursor":")" +
                       std::string(*q.GetString("next_cursor")) + R"("})");
  CHECK(*q2.GetBool("ok"));
  CHECK(*q2.Find("rows")->items()[0].GetInt("seq") < *q.Find("rows")->items().back().GetInt("seq"));
  ExpectCleanExit(h);
}

TEST_CASE("invalid config: reported, enforced sites fail closed") {
  HostHome home;
  std::filesystem::create_directories(home.config_dir());
  std::ofstream(home.config_dir() + "/config.json") << R"({"log": {"retention_days": "soon"}})";
  HostProcess h(home);
  auto hello = Ask(h, R"({"id":1,"type":"hello"})");
  CHECK_FALSE(*hello.Find("config")->GetBool("ok"));
  CHECK(*hello.Find("config")->GetString("code") == "config.invalid");
  Ask(h, SiteState(2, R"(max-age=0, mode=enforce, manifest="/m")"));
  Ask(h, ManifestMsg(3, TestManifest()));
  auto v = Ask(h, Verdict(4, "/app.js", "script", kAppJs));
  CHECK(*v.GetString("action") == "block");
  CHECK(*v.GetString("reason") == "config.invalid");
  ExpectCleanExit(h);
}

TEST_CASE("operator flags") {
  HostHome home;
  auto [rc, out] = e2e::RunHostCommand(home, {"--list-errors"});
  CHECK(rc == 0);
  CHECK(out.find("protocol.empty_frame\t") != std::string::npos);
  CHECK(out.find("config.invalid\t") != std::string::npos);
  auto [rc2, out2] = e2e::RunHostCommand(home, {"--version"});
  CHECK(rc2 == 0);
  CHECK(out2.find("verity-host 0.1.0") == 0);
  auto [rc3, out3] = e2e::RunHostCommand(home, {"--self-check", "--data-dir", home.dir + "/selfcheck"});
  CHECK_MESSAGE(rc3 == 0, out3);
  CHECK(out3.find("self-check passed") != std::string::npos);
  auto [rc4, out4] = e2e::RunHostCommand(home, {"--bogus"});
  CHECK(rc4 == 2);
  // Export after a session wrote something.
  {
    HostProcess h(home, {"chrome-extension://x/", "--data-dir", home.dir + "/exp"});
    Ask(h, SiteState(1, R"(max-age=0, mode=enforce, manifest="/m")"));
    Ask(h, ManifestMsg(2, TestManifest()));
    Ask(h, Verdict(3, "/app.js", "script", kAppJs));
    ExpectCleanExit(h);
  }
  auto [rc5, csv] = e2e::RunHostCommand(home, {"--data-dir", home.dir + "/exp", "--export-log", "csv"});
  CHECK(rc5 == 0);
  CHECK(csv.find("seq,time,browser,origin,url") == 0);
  CHECK(csv.find("https://app.example/app.js") != std::string::npos);
  auto [rc6, js] = e2e::RunHostCommand(
      home, {"--data-dir", home.dir + "/exp", "--export-log", "json", "--origin", "https://other.example"});
  CHECK(rc6 == 0);
  CHECK(js.find("app.js") == std::string::npos);
}

namespace {

namespace tp = verity::transparency;

// Operator side for the transparency case: a service, two witnesses (C2SP and WAICT forms) and a
// preload-list key, all generated here; the host gets their verifier keys through its config file.
struct Transparency {
  tp::SignerKey service = tp::GenerateSignerKey("ts.example", tp::kSigTypeEd25519);
  tp::SignerKey w1 = tp::GenerateSignerKey("w1.example", tp::kSigTypeCosignatureV1);
  tp::SignerKey w2 = tp::GenerateSignerKey("w2.example", tp::kSigTypeWaictCosignature);
  tp::SignerKey list_key = tp::GenerateSignerKey("preload.example", tp::kSigTypeEd25519);
  int64_t now = SystemClockSeconds();

  std::string Config() const {
    return R"({"transparency":{"services":[{"name":"ts.example","key":")" +
           tp::FormatVerifierKey(tp::VerifierFor(service)) + R"("}],"witnesses":[{"name":"w1","key":")" +
           tp::FormatVerifierKey(tp::VerifierFor(w1)) + R"("},{"name":"w2","key":")" +
           tp::FormatVerifierKey(tp::VerifierFor(w2)) + R"("}],"preload_list_key":")" +
           tp::FormatVerifierKey(tp::VerifierFor(list_key)) + R"("}})";
  }
  std::string Cosign(std::string note) const {
    for (const auto* w : {&w1, &w2}) {
      auto c = tp::AddNoteSignature(note, *w, static_cast<uint64_t>(now - 60));
      REQUIRE(c.ok());
      note = *c;
    }
    return note;
  }
  // manifest LF base64url(ChainHeadWithProof) LF, for `head` of app.example in a 6-domain tree.
  std::string Body(const std::string& manifest, const tp::ChainNode& head) const {
    std::vector<tp::MptLeaf> leaves{{tp::ComputeMptKey("app.example"), tp::ComputeMptValue(head)}};
    for (int i = 0; i < 5; ++i) {
      std::string d = "d" + std::to_string(i) + ".example";
      leaves.push_back({tp::ComputeMptKey(d), crypto::Sha256(d)});
    }
    auto tree = tp::MptTree::Build(std::move(leaves));
    REQUIRE(tree.ok());
    auto incl = tree->ProveInclusion(tp::ComputeMptKey("app.example"));
    REQUIRE(incl.ok());
    auto note = tp::SignNote(tp::FormatTreeNoteBody({"ts.example", 3, tree->root()}), service);
    REQUIRE(note.ok());
    auto b = tp::FormatChainHeadWithProof({head, tp::FormatMptInclusionProof(*incl), Cosign(*note)});
    REQUIRE(b.ok());
    return manifest + "\n" + FormatBase64Url(*b) + "\n";
  }
  std::string PreloadList() const {
    auto body =
        tp::FormatPreloadListBody({static_cast<uint64_t>(now - 3600), {"app.example", "bank.example"}});
    REQUIRE(body.ok());
    auto note = tp::SignNote(*body, list_key);
    REQUIRE(note.ok());
    return Cosign(*note);
  }
};

void WriteText(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream f(path, std::ios::binary);
  f << text;
  REQUIRE(f.good());
}

std::string RawManifestMsg(int id, const std::string& body) {
  return R"({"id":)" + std::to_string(id) +
         R"(,"type":"manifest","origin":"https://app.example","url":"https://app.example/.well-known/waict/manifest","status":200,"body":)" +
         json::Quote(body) + "}";
}

}  // namespace

TEST_CASE("transparency over the real host: proof verified, preload list in hello, rollback after restart") {
  HostHome home;
  Transparency t;
  WriteText(home.config_dir() + "/config.json", t.Config());
  WriteText(home.data_dir() + "/preload-list.note", t.PreloadList());
  const std::string manifest = TestManifest();
  const tp::ChainNode v1 =
      tp::FirstChainNode(static_cast<uint64_t>(t.now - 7200), tp::ComputeResourceHash(AsBytes(manifest)), {});
  const std::string manifest2 = R"({"hashes":{"/app.js":")" + B64Url(kAppJs + "//2") + R"("}})";
  const tp::ChainNode v2 = tp::NextChainNode(v1, static_cast<uint64_t>(t.now - 3600),
                                             tp::ComputeResourceHash(AsBytes(manifest2)), {});
  {
    HostProcess h(home);
    auto hello = Ask(h, R"({"id":1,"type":"hello","browser":"chromium"})");
    CHECK(*hello.Find("config")->GetBool("ok"));
    CHECK(*hello.Find("preload")->GetString("status") == "ok");
    const json::Value* pre = hello.Find("preloaded");
    REQUIRE(pre);
    REQUIRE(pre->items().size() == 2);
    CHECK(pre->items()[0].AsString() == "app.example");
    // Preloaded: checked and enforced with no header at all.
    auto s = Ask(h, SiteState(2, ""));
    CHECK(*s.GetBool("checked"));
    CHECK(*s.GetString("source") == "preloaded");
    CHECK(*s.GetString("mode") == "enforce");
    // Without a proof: blocked.
    auto np = Ask(h, ManifestMsg(3, manifest));
    CHECK(*np.GetString("transparency_code") == "transparency.proof_required");
    auto nv = Ask(h, Verdict(4, "/app.js", "script", kAppJs));
    CHECK(*nv.GetString("action") == "block");
    CHECK(*nv.GetString("reason") == "invalid_transparency_proof");
    // The valid proof: verified end to end, the listed script is allowed.
    auto m = Ask(h, RawManifestMsg(5, t.Body(manifest, v1)));
    CHECK(*m.GetString("transparency") == "verified");
    CHECK(*m.GetString("state") == "verified");
    auto v = Ask(h, Verdict(6, "/app.js", "script", kAppJs));
    CHECK(*v.GetString("action") == "allow");
    CHECK(*v.GetString("reason") == "match");
    // Its manifest bytes changed (one space): the logged resource hash no longer matches.
    auto mm = Ask(h, RawManifestMsg(7, t.Body(manifest, v1).insert(1, " ")));
    CHECK(*mm.GetString("transparency_code") == "transparency.resource_hash_mismatch");
    auto mv = Ask(h, Verdict(8, "/app.js", "script", kAppJs));
    CHECK(*mv.GetString("action") == "block");
    CHECK(std::string(mv.GetString("detail").value_or("")).rfind("transparency.resource_hash_mismatch", 0) ==
          0);
    CHECK(*Ask(h, RawManifestMsg(9, t.Body(manifest2, v2))).GetString("state") == "verified");
    ExpectCleanExit(h);
  }
  {
    // A new host process on the same data folder: the older head is a rollback.
    HostProcess h(home);
    auto s = Ask(h, SiteState(1, ""));
    // The cached manifest (v2) is re-verified when the new process loads it.
    CHECK(*s.Find("manifest")->GetString("state") == "verified");
    CHECK(*Ask(h, Verdict(10, "/app.js", "script", kAppJs + "//2")).GetString("action") == "allow");
    auto m = Ask(h, RawManifestMsg(2, t.Body(manifest, v1)));
    CHECK(*m.GetString("transparency_code") == "transparency.rollback");
    auto v = Ask(h, Verdict(3, "/app.js", "script", kAppJs));
    CHECK(*v.GetString("action") == "block");
    auto log = Ask(h, R"({"id":4,"type":"log_query","origin":"https://app.example","limit":1})");
    const auto& row = log.Find("rows")->items().at(0);
    CHECK(*row.GetString("reason") == "invalid_transparency_proof");
    CHECK(std::string(row.GetString("detail").value_or("")).rfind("transparency.rollback", 0) == 0);
    ExpectCleanExit(h);
  }
}

TEST_CASE("rework over the pipe: per-category site_state, warn, synthesised CSP, inline_violation") {
  HostHome home;
  HostProcess h(home);
  const std::string header =
      R"(max-age=0, mode-document=enforce, mode-script=enforce, mode-style=warn, mode-inline-js=enforce, )"
      R"(mode-inline-css=report, report-to=(foo-reports), manifest="/m.json")";
  auto site = Ask(h, SiteState(1, header));
  CHECK(*site.GetBool("checked"));
  CHECK(*site.GetString("dialect") == "rework");
  const json::Value* modes = site.Find("modes");
  REQUIRE(modes != nullptr);
  CHECK(*modes->GetString("mode-script") == "enforce");
  CHECK(*modes->GetString("mode-style") == "warn");
  CHECK(modes->Find("mode-image") == nullptr);
  CHECK(*site.Find("mode_expires")->GetInt("mode-script") == 0);
  REQUIRE(site.Find("report_to")->items().size() == 1);
  CHECK(site.Find("report_to")->items()[0].AsString() == "foo-reports");
  CHECK(*site.Find("request_headers")->GetString("Integrity-Policy-WAICT-v1-Req") == "\"/m.json\"");
  CHECK(*site.Find("request_headers")->GetString("Sec-CH-WAICT") == "1");
  // Another origin: nothing to add.
  auto other = Ask(h, SiteState(2, "", "https://other.example"));
  CHECK_FALSE(*other.GetBool("checked"));
  CHECK(other.Find("request_headers")->members().empty());

  const std::string page = "<html>", js = "inline()";
  auto m = Ask(h, ManifestMsg(3, R"({"url_hashes":{"/":")" + B64Url(page) + R"(","/s.css":")" +
                                     B64Url(kStyle) + R"("},"inline_js_hashes":[")" + B64Url(js) + R"("]})"));
  CHECK(*m.GetString("state") == "integrity_only");
  const json::Value* mcsp = m.Find("csp");
  REQUIRE(mcsp != nullptr);
  CHECK(mcsp->GetString("enforce")->find("'sha256-" + B64(js) + "'") != std::string::npos);
  CHECK(mcsp->GetString("report_only")->starts_with("style-src-elem "));

  auto doc = Ask(h, Verdict(4, "/", "document", page));
  CHECK(*doc.GetString("action") == "allow");
  CHECK(*doc.GetString("category") == "mode-document");
  REQUIRE(doc.Find("csp") != nullptr);
  CHECK(*doc.Find("csp")->GetString("enforce") == *mcsp->GetString("enforce"));
  auto script = Ask(h, Verdict(5, "/a.js", "script", "x"));
  CHECK(*script.GetString("action") == "block");
  CHECK(script.Find("csp") == nullptr);  // only document-like verdicts carry it
  auto style = Ask(h, Verdict(6, "/s.css", "style", "tampered"));
  CHECK(*style.GetString("action") == "warn");
  CHECK(*style.GetString("reason") == "no_manifest_match");
  auto img = Ask(h, Verdict(7, "/i.png", "image", "png"));
  CHECK(*img.GetString("reason") == "not_covered");

  auto iv = [&](int id, const std::string& directive, const std::string& origin = kOrigin) {
    return Ask(h, R"({"id":)" + std::to_string(id) + R"(,"type":"inline_violation","origin":")" + origin +
                      R"(","document_url":")" + origin + R"(/","effective_directive":")" + directive +
                      R"(","blocked_uri":"inline","sample_sha256":")" + B64("evil()") +
                      R"(","disposition":"enforce"})");
  };
  auto v1 = iv(8, "script-src-elem");
  CHECK(*v1.GetString("action") == "block");
  CHECK(*v1.GetString("reason") == "inline_violation");
  CHECK(*v1.GetString("category") == "mode-inline-js");
  auto v2 = iv(9, "style-src-attr");
  CHECK(*v2.GetString("action") == "report");
  CHECK(*v2.GetString("category") == "mode-inline-css");
  auto v3 = iv(10, "script-src-elem", "https://other.example");
  CHECK(*v3.GetString("action") == "allow");
  CHECK(*v3.GetString("reason") == "not_checked");
  auto bad = Ask(h, R"({"id":11,"type":"inline_violation","origin":")" + kOrigin +
                        R"(","document_url":"x","effective_directive":"script-src","disposition":"maybe"})");
  CHECK(ErrorCodeOf(bad) == "protocol.bad_field");

  auto log = Ask(h, R"({"id":12,"type":"log_query","origin":")" + kOrigin + R"(","action":"warn"})");
  REQUIRE(log.Find("rows") != nullptr);
  CHECK(log.Find("rows")->items().size() == 1);
  auto blocks = Ask(h, R"({"id":13,"type":"log_query","origin":")" + kOrigin + R"(","action":"block"})");
  bool saw_inline = false;
  for (const auto& r : blocks.Find("rows")->items()) {
    if (*r.GetString("reason") == "inline_violation") {
      saw_inline = true;
      CHECK(*r.GetString("destination") == "inline:script-src-elem");
      CHECK(*r.GetString("kind") == "verdict");
    }
  }
  CHECK(saw_inline);
  auto none = Ask(h, R"({"id":14,"type":"log_query","origin":"https://other.example"})");
  CHECK(none.Find("rows")->items().empty());  // nothing logged for the unchecked site
  ExpectCleanExit(h);
}
