#include "protocol/dispatch.h"

#include <doctest/doctest.h>

#include "core/encoding.h"
#include "crypto/hash.h"
#include "dispatch_helpers.h"
#include "json/json.h"
#include "protocol/host_cli.h"
#include "protocol/session.h"

using namespace verity;
using namespace verity::protocol;
using namespace verity::protocol::testing;

TEST_CASE("envelope errors and id echo") {
  auto e = MemEngine();
  Dispatcher d(*e, HostInfo{});
  CHECK(Code(Call(d, "{\"id\":1,\"type\":\"\xc3\x28\"}")) == "protocol.invalid_utf8");
  CHECK(Code(Call(d, "{")) == "protocol.invalid_json");
  CHECK(Code(Call(d, "{\"id\":1,\"id\":2,\"type\":\"hello\"}")) ==
        "protocol.invalid_json");  // duplicate member
  CHECK(Code(Call(d, "\"str\"")) == "protocol.not_an_object");
  CHECK(Code(Call(d, R"({"type":"hello"})")) == "protocol.missing_id");
  CHECK(Code(Call(d, R"({"id":1.5,"type":"hello"})")) == "protocol.missing_id");
  CHECK(Code(Call(d, R"({"id":null,"type":"hello"})")) == "protocol.missing_id");
  auto mt = Call(d, R"({"id":"abc","type":7})");
  CHECK(Code(mt) == "protocol.missing_type");
  CHECK(*mt.GetString("id") == "abc");
  auto ut = Call(d, R"({"id":-3,"type":"frobnicate"})");
  CHECK(Code(ut) == "protocol.unknown_type");
  CHECK(*ut.GetInt("id") == -3);
  auto ok = Call(d, R"({"id":"x\"y","type":"hello"})");
  CHECK(*ok.GetString("id") == "x\"y");
  CHECK(*ok.GetBool("ok"));
  CHECK(*ok.GetString("type") == "hello");
}

TEST_CASE("bad fields name the field") {
  auto e = MemEngine();
  Dispatcher d(*e, HostInfo{});
  auto r = Call(
      d,
      R"({"id":1,"type":"verdict","origin":"https://a.example","url":"https://a.example/x","destination":"script"})");
  CHECK(Code(r) == "protocol.bad_field");
  CHECK(r.Find("error")->GetString("detail")->find("sha256") == 0);
  auto r2 = Call(
      d,
      R"({"id":2,"type":"site_state","origin":"https://a.example","headers":{"integrity-policy-waict-v1":5}})");
  CHECK(Code(r2) == "protocol.bad_field");
  auto r3 = Call(d, R"({"id":3,"type":"set_site","origin":"https://a.example","setting":"sometimes"})");
  CHECK(Code(r3) == "protocol.bad_field");
  auto r4 = Call(d, R"({"id":4,"type":"manifest","origin":"https://a.example","url":"https://a.example/m"})");
  CHECK(Code(r4) == "protocol.bad_field");
  auto r5 = Call(
      d,
      R"({"id":5,"type":"manifest","origin":"https://a.example","url":"https://a.example/m","body_b64":"@@"})");
  CHECK(Code(r5) == "protocol.bad_field");
  auto r6 = Call(d, R"({"id":6,"type":"hello","browser":"netscape"})");
  CHECK(Code(r6) == "protocol.bad_field");
  auto r7 = Call(d, R"({"id":7,"type":"log_query","action":"maybe"})");
  CHECK(Code(r7) == "protocol.bad_field");
  auto r8 = Call(
      d,
      R"({"id":8,"type":"verdict","origin":"https://a.example","url":"https://a.example/x","destination":"script","sha256":")" +
          FormatBase64(Bytes(31, 0)) + R"("})");
  CHECK(Code(r8) == "protocol.bad_field");
}

TEST_CASE("error detail is clipped so an error reply stays small") {
  std::string r = FormatErrorReply("1", ErrorCode::kProtocolBadField, std::string(5000, 'd'));
  CHECK(r.size() < 1200);
  auto v = json::Parse(r);
  REQUIRE(v.ok());
  CHECK(Code(*v) == "protocol.bad_field");
}

TEST_CASE("manifest body_b64 equals body") {
  auto e = MemEngine();
  Dispatcher d(*e, HostInfo{});
  std::string manifest = R"({"hashes":{"/a.js":")" + FormatBase64Url(crypto::Sha256("a")) + R"("}})";
  Call(
      d,
      R"({"id":1,"type":"site_state","origin":"https://a.example","headers":{"integrity-policy-waict-v1":"max-age=0, mode=enforce, manifest=\"/m\""}})");
  auto m1 = Call(
      d, R"({"id":2,"type":"manifest","origin":"https://a.example","url":"https://a.example/m","body":)" +
             json::Quote(manifest + "\n\n") + "}");
  auto m2 = Call(
      d,
      R"({"id":3,"type":"manifest","origin":"https://a.example","url":"https://a.example/m","body_b64":")" +
          FormatBase64(AsBytes(manifest + "\n\n")) + R"("})");
  CHECK(*m1.GetString("manifest_id") == *m2.GetString("manifest_id"));
  CHECK(*m1.GetString("manifest_id") == FormatBase64Url(crypto::Sha256(manifest)));
}

namespace {
// An enforced site whose manifest lists /a.js; verdict requests for it as JSON text.
void EnrollSite(Dispatcher& d) {
  std::string manifest = R"({"hashes":{"/a.js":")" + FormatBase64Url(crypto::Sha256("a")) + R"("}})";
  Call(
      d,
      R"({"id":"s","type":"site_state","origin":"https://a.example","headers":{"integrity-policy-waict-v1":"max-age=0, mode=enforce, manifest=\"/m\""}})");
  auto m = Call(
      d, R"({"id":"m","type":"manifest","origin":"https://a.example","url":"https://a.example/m","body":)" +
             json::Quote(manifest + "\n\n") + "}");
  REQUIRE(*m.GetString("state") == "integrity_only");
}
std::string VerdictReq(const std::string& id_json, std::string_view body, std::string_view path = "/a.js") {
  return R"({"id":)" + id_json +
         R"(,"type":"verdict","origin":"https://a.example","url":"https://a.example)" + std::string(path) +
         R"(","destination":"script","sha256":")" + FormatBase64(crypto::Sha256(body)) + R"("})";
}
std::string Batch(const std::vector<std::string>& reqs) {
  std::string s = R"({"id":"b","type":"batch","requests":[)";
  for (size_t i = 0; i < reqs.size(); ++i) s += (i ? "," : "") + reqs[i];
  return s + "]}";
}
}  // namespace

TEST_CASE("batch: each entry answered as if sent alone, in order") {
  auto e = MemEngine();
  Dispatcher d(*e, HostInfo{});
  EnrollSite(d);
  std::vector<std::string> reqs = {VerdictReq("1", "a"), VerdictReq("2", "evil"),
                                   VerdictReq("\"three\"", "a", "/u.js"),
                                   R"({"id":4,"type":"verdict","origin":"https://a.example"})"};
  auto b = Call(d, Batch(reqs));
  REQUIRE(*b.GetBool("ok"));
  CHECK(*b.GetString("id") == "b");
  CHECK(*b.GetString("type") == "batch");
  const auto& replies = b.Find("replies")->items();
  REQUIRE(replies.size() == reqs.size());
  for (size_t i = 0; i < reqs.size(); ++i) {
    // The same request alone gives the same reply.
    auto alone = Call(d, reqs[i]);
    CHECK(replies[i].GetInt("id") == alone.GetInt("id"));  // the entry echoes its own id
    CHECK(replies[i].GetString("id") == alone.GetString("id"));
    CHECK(replies[i].GetString("action").value_or("") == alone.GetString("action").value_or(""));
    CHECK(replies[i].GetString("reason").value_or("") == alone.GetString("reason").value_or(""));
    CHECK(Code(replies[i]) == Code(alone));
  }
  CHECK(*replies[0].GetInt("id") == 1);
  CHECK(*replies[0].GetString("action") == "allow");
  CHECK(*replies[1].GetString("action") == "block");
  CHECK(*replies[1].GetString("reason") == "no_manifest_match");
  CHECK(*replies[2].GetString("id") == "three");
  CHECK(*replies[2].GetString("reason") == "missing_from_manifest");
  CHECK(Code(replies[3]) == "protocol.bad_field");
}

TEST_CASE("batch: malformed batches and entries") {
  auto e = MemEngine();
  Dispatcher d(*e, HostInfo{});
  EnrollSite(d);
  CHECK(Code(Call(d, R"({"id":1,"type":"batch"})")) == "protocol.bad_field");
  CHECK(Code(Call(d, R"({"id":1,"type":"batch","requests":{}})")) == "protocol.bad_field");
  CHECK(Code(Call(d, R"({"id":1,"type":"batch","requests":[]})")) == "protocol.bad_batch");
  std::vector<std::string> many(kMaxBatchRequests + 1, VerdictReq("1", "a"));
  CHECK(Code(Call(d, Batch(many))) == "protocol.bad_batch");
  many.pop_back();
  auto full = Call(d, Batch(many));
  REQUIRE(*full.GetBool("ok"));
  CHECK(full.Find("replies")->items().size() == kMaxBatchRequests);
  CHECK(*full.Find("replies")->items().back().GetString("action") == "allow");
  // Only verdicts may be batched; a batch may not nest; entries must be objects with ids.
  auto b = Call(
      d, Batch({R"({"id":1,"type":"set_site","origin":"https://a.example","setting":"off"})",
                Batch({VerdictReq("2", "a")}), "5", R"({"type":"verdict"})", R"({"id":6,"type":"nope"})"}));
  const auto& r = b.Find("replies")->items();
  REQUIRE(r.size() == 5);
  CHECK(Code(r[0]) == "protocol.bad_batch");
  CHECK(*r[0].GetInt("id") == 1);
  CHECK(Code(r[1]) == "protocol.bad_batch");
  CHECK(Code(r[2]) == "protocol.not_an_object");
  CHECK(Code(r[3]) == "protocol.missing_id");
  CHECK(Code(r[4]) == "protocol.bad_batch");
  // The set_site inside the batch was not carried out: the site is still enforced.
  CHECK(*Call(d, VerdictReq("7", "evil")).GetString("action") == "block");
}

TEST_CASE("batch: the reply stays below its limit; entries that do not fit are refused, never allowed") {
  auto e = MemEngine();
  // Replies made large on purpose: 256-byte string ids of control bytes (quoted as \u escapes),
  // verdicts in the first half, then entries of a long, escaped, refused type (protocol.bad_batch).
  std::string ctl;
  for (int i = 0; i < 64; ++i) ctl += "\\u0001";
  std::string raw_id;
  for (int i = 0; i < 4; ++i) raw_id += ctl;
  raw_id.resize(raw_id.size() - 3 * 6);  // 253 bytes + a 3-digit number = 256
  auto id_of = [&](size_t i) {
    char n[24];
    std::snprintf(n, sizeof n, "%03zu", i);
    return raw_id + n;
  };
  std::vector<std::string> reqs;
  for (size_t i = 0; i < kMaxBatchRequests; ++i) {
    if (i < kMaxBatchRequests / 2) {
      reqs.push_back(VerdictReq("\"" + id_of(i) + "\"", "a"));
    } else {
      reqs.push_back(R"({"id":")" + id_of(i) + R"(","type":")" + ctl + R"("})");
    }
  }
  // The host's limit (1 MiB): everything fits and is answered.
  Dispatcher full(*e, HostInfo{});
  std::string all = full.Handle(Batch(reqs));
  auto av = json::Parse(all);
  REQUIRE(av.ok());
  const auto& ar = av->Find("replies")->items();
  REQUIRE(ar.size() == kMaxBatchRequests);
  for (size_t i = 0; i < ar.size(); ++i) {
    if (i < kMaxBatchRequests / 2) {
      CHECK(ar[i].GetString("action").value_or("") == "allow");
    } else {
      CHECK(Code(ar[i]) == "protocol.bad_batch");
    }
  }
  // A limit a little below that size (still above the room kept for refusals): entries that do
  // not fit are refused with reply_too_large; every entry is answered, in order, below the limit.
  const size_t limit = all.size() - 4096;
  REQUIRE(limit > kMaxBatchRequests * kMaxBatchNoRoomReplyBytes);
  Dispatcher d(*e, HostInfo{}, limit);
  std::string out = d.Handle(Batch(reqs));
  CHECK(out.size() < limit);
  auto v = json::Parse(out);
  REQUIRE(v.ok());
  const auto& r = v->Find("replies")->items();
  REQUIRE(r.size() == kMaxBatchRequests);
  size_t too_large = 0;
  for (size_t i = 0; i < r.size(); ++i) {
    std::string id(*r[i].GetString("id"));
    CHECK(id.substr(id.size() - 3) == id_of(i).substr(id_of(i).size() - 3));
    if (Code(r[i]) == "protocol.reply_too_large") {
      ++too_large;
      CHECK(r[i].Find("action") == nullptr);
    } else {
      CHECK(Code(r[i]) == Code(ar[i]));  // its own answer
    }
  }
  CHECK(too_large > 0);
  // A limit below the room kept for refusals: the whole batch is refused.
  Dispatcher tiny(*e, HostInfo{}, 64 * 1024);
  CHECK(Code(Call(tiny, Batch(reqs))) == "protocol.reply_too_large");
}

TEST_CASE("session over memory: replies in order, framing errors, clean end") {
  auto e = MemEngine();
  Dispatcher d(*e, HostInfo{});
  std::string in = EncodeFrame(R"({"id":1,"type":"hello"})") + std::string(4, '\0') +
                   EncodeFrame(R"({"id":2,"type":"status"})") + std::string("\x01\x00", 2);
  MemorySource src(AsBytes(in), 5);
  MemorySink sink;
  SessionOptions so;
  so.diagnostics = nullptr;
  CHECK(RunSession(src, sink, d, so) == 0);
  std::vector<std::string> frames;
  MemorySource back(AsBytes(sink.data()));
  FrameReader r(back);
  for (;;) {
    auto ev = r.Next();
    if (ev.status != FrameStatus::kFrame) {
      CHECK(ev.status == FrameStatus::kEof);
      break;
    }
    frames.emplace_back(ev.payload);
  }
  REQUIRE(frames.size() == 3);
  CHECK(frames[0].find(R"("id":1,"ok":true)") == 1);
  CHECK(frames[1].find("protocol.empty_frame") != std::string::npos);
  CHECK(frames[2].find(R"("id":2,"ok":true)") == 1);
}

TEST_CASE("host argv: browser detection and flags") {
  auto c = ParseHostArgs({"chrome-extension://mbbdieillpeggimjpelglbnjlbajlfmk/"});
  CHECK(c.browser == "chromium");
  CHECK(c.caller == "chrome-extension://mbbdieillpeggimjpelglbnjlbajlfmk/");
  auto f = ParseHostArgs(
      {"/home/u/.mozilla/native-messaging-hosts/org.verity.host.json", "verity@verity-project"});
  CHECK(f.browser == "firefox");
  CHECK(f.caller == "verity@verity-project");
  auto x = ParseHostArgs({"--export-log", "csv", "--origin", "https://a.example", "--out", "/tmp/x.csv"});
  CHECK(x.error.empty());
  CHECK(*x.export_format == "csv");
  CHECK(*x.export_origin == "https://a.example");
  CHECK(ParseHostArgs({"--export-log", "xml"}).error.size() > 0);
  CHECK(ParseHostArgs({"--data-dir"}).error.size() > 0);
  CHECK(ParseHostArgs({"--frobnicate"}).error.size() > 0);
  std::string list = FormatErrorList("");
  CHECK(list.find("protocol.frame_too_large\t") != std::string::npos);
  CHECK(list.find("ok\t") != 0);
  CHECK(FormatErrorList("markdown").find("| `protocol.empty_frame` |") != std::string::npos);
}

TEST_CASE("manifest table:true answers the decision table; verdict notice:true answers agrees") {
  auto e = MemEngine();
  Dispatcher d(*e, HostInfo{});
  EnrollSite(d);  // the manifest below, without a table
  const std::string manifest = R"({"hashes":{"/a.js":")" + FormatBase64Url(crypto::Sha256("a")) + R"("}})";
  const std::string m =
      R"({"id":2,"type":"manifest","origin":"https://a.example","url":"https://a.example/m",)";
  auto plain = Call(d, m + R"("body":)" + json::Quote(manifest + "\n\n") + "}");
  CHECK(plain.Find("decision_table") == nullptr);  // only when asked
  auto r = Call(d, m + R"("table":true,"body":)" + json::Quote(manifest + "\n\n") + "}");
  const json::Value* t = r.Find("decision_table");
  REQUIRE(t != nullptr);
  CHECK(*t->GetString("manifest_id") == *r.GetString("manifest_id"));
  CHECK(t->Find("complete")->AsBool());
  REQUIRE(t->Find("entries")->items().size() == 1);
  const json::Value& en = t->Find("entries")->items()[0];
  CHECK(*en.GetString("url") == "https://a.example/a.js");
  CHECK(*en.GetString("sha256") == FormatBase64(crypto::Sha256("a")));
  CHECK(en.Find("destinations")->items()[0].AsString() == "script");
  auto bad = Call(d, m + R"("table":"yes","body":)" + json::Quote(manifest + "\n\n") + "}");
  CHECK(Code(bad) == "protocol.bad_field");
  auto invalid = Call(d, m + R"("table":true,"body":"{x\n\n"})");
  REQUIRE(invalid.Find("decision_table") != nullptr);
  CHECK(invalid.Find("decision_table")->is_null());

  const std::string v =
      R"({"id":3,"type":"verdict","origin":"https://a.example","url":"https://a.example/a.js","destination":"script","sha256":")";
  Call(d, m + R"("table":true,"body":)" + json::Quote(manifest + "\n\n") + "}");
  auto yes = Call(d, v + FormatBase64(crypto::Sha256("a")) + R"(","notice":true})");
  CHECK(yes.Find("agrees")->AsBool());
  auto no = Call(d, v + FormatBase64(crypto::Sha256("b")) + R"(","notice":true})");
  CHECK_FALSE(no.Find("agrees")->AsBool());
  CHECK(*no.GetString("action") == "block");
  CHECK(Call(d, v + FormatBase64(crypto::Sha256("a")) + R"("})").Find("agrees") == nullptr);
  CHECK(Code(Call(d, v + FormatBase64(crypto::Sha256("a")) + R"(","notice":1})")) == "protocol.bad_field");
}
