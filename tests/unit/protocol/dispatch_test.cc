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
