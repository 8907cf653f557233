// m2dmrt_check without the network (offline engine, in-memory store): field checks, the privacy
// order (unchecked sites and same-host hops are answered without DNS), fail-closed when DNS is not
// available, and the verdict-log rows. The DNS-backed states are tested against the real DNSSEC
// test bed by tests/dns/host_check.mjs.
#include <doctest/doctest.h>

#include "dispatch_helpers.h"
#include "json/json.h"
#include "protocol/dispatch.h"

using namespace verity;
using namespace verity::protocol;
using namespace verity::protocol::testing;

namespace {

std::unique_ptr<policy::Engine> OfflineEngine() { return MemEngine(/*offline=*/true); }

std::string Str(const json::Value& v, std::string_view k) {
  return std::string(v.GetString(k).value_or("<none>"));
}

std::string Hop(std::string_view origin, std::string_view dest, std::string_view extra = "") {
  return R"({"id":1,"type":"m2dmrt_check","origin":")" + std::string(origin) + R"(","dest":")" +
         std::string(dest) + R"(","kind":"redirect")" + std::string(extra) + "}";
}

}  // namespace

TEST_CASE("m2dmrt_check: malformed requests are bad fields") {
  auto e = OfflineEngine();
  Dispatcher d(*e, HostInfo{});
  CHECK(Code(Call(d, R"({"id":1,"type":"m2dmrt_check","dest":"https://pay.test/","kind":"redirect"})")) ==
        "protocol.bad_field");
  CHECK(Code(Call(d, R"({"id":1,"type":"m2dmrt_check","origin":"https://shop.test","kind":"redirect"})")) ==
        "protocol.bad_field");
  CHECK(Code(Call(d, Hop("https://shop.test", "https://pay.test/", R"(,"kind":"teleport")"))) ==
        "protocol.invalid_json");
  CHECK(
      Code(Call(
          d,
          R"({"id":1,"type":"m2dmrt_check","origin":"https://shop.test","dest":"https://pay.test/","kind":"teleport"})")) ==
      "protocol.bad_field");
  CHECK(Code(Call(d, Hop("https://shop.test", "http://pay.test/"))) == "protocol.bad_field");
  CHECK(Code(Call(d, Hop("https://shop.test", "not a url"))) == "protocol.bad_field");
  CHECK(Code(Call(d, Hop("ftp://shop.test", "https://pay.test/"))) == "policy.bad_origin");
  CHECK(Code(Call(d, Hop("https://shop.test", "https://pay.test/", R"(,"key_source":"psychic")"))) ==
        "protocol.bad_field");
  CHECK(Code(Call(d, Hop("https://shop.test", "https://pay.test/", R"(,"dest_cert":5)"))) ==
        "protocol.bad_field");
}

TEST_CASE("m2dmrt_check: unchecked sites and same-host hops need no DNS; checked sites fail closed offline") {
  auto e = OfflineEngine();
  Dispatcher d(*e, HostInfo{});
  auto r = Call(d, Hop("https://shop.test", "https://pay.test/x"));
  CHECK(Str(r, "action") == "allow");
  CHECK(Str(r, "reason") == "not_checked");
  CHECK(r.Find("state")->is_null());
  CHECK(r.Find("dns") == nullptr);

  REQUIRE(*Call(d, R"({"id":2,"type":"set_site","origin":"https://shop.test","setting":"verify"})")
               .GetBool("ok"));
  r = Call(d, Hop("https://shop.test", "https://shop.test:8443/other"));
  CHECK(Str(r, "reason") == "same_host");
  CHECK(Str(r, "action") == "allow");
  r = Call(d, Hop("https://127.0.0.1:8443", "https://pay.test/"));
  CHECK(Str(r, "reason") == "not_checked");  // not enrolled either
  REQUIRE(*Call(d, R"({"id":2,"type":"set_site","origin":"https://127.0.0.1:8443","setting":"verify"})")
               .GetBool("ok"));
  r = Call(d, Hop("https://127.0.0.1:8443", "https://pay.test/"));
  CHECK(Str(r, "reason") == "m2dmrt_no_policy");  // an IP literal cannot publish a policy
  CHECK(Str(r, "action") == "allow");

  // Enrolled, cross-host, no DNS available: never allowed.
  r = Call(d, Hop("https://shop.test", "https://pay.test/x"));
  CHECK(Str(r, "action") == "block");
  CHECK(Str(r, "state") == "UNVERIFIABLE");
  CHECK(Str(r, "reason") == "m2dmrt_unverifiable");
  // Malformed keys are rejected before anything is looked up.
  CHECK(Code(Call(d, Hop("https://shop.test", "https://pay.test/x", R"(,"dest_cert":"!!")"))) ==
        "protocol.bad_field");
  CHECK(Code(Call(d, Hop("https://shop.test", "https://pay.test/x", R"(,"dest_spki":"AAAA")"))) ==
        "protocol.bad_field");

  REQUIRE(
      *Call(d, R"({"id":2,"type":"set_site","origin":"https://shop.test","setting":"off"})").GetBool("ok"));
  r = Call(d, Hop("https://shop.test", "https://pay.test/x"));
  CHECK(Str(r, "reason") == "user_off");
  CHECK(Str(r, "action") == "allow");

  auto log = Call(d, R"({"id":3,"type":"log_query","origin":"https://shop.test"})");
  const json::Value* rows = log.Find("rows");
  REQUIRE(rows);
  std::string seen;
  for (const auto& row : rows->items()) {
    if (Str(row, "kind") != "verdict") continue;  // set_site events
    CHECK(Str(row, "destination") == "m2dmrt-hop:redirect");
    seen += Str(row, "action") + ":" + Str(row, "reason") + " ";
  }
  CHECK(seen == "allow:user_off block:m2dmrt_unverifiable allow:same_host allow:not_checked ");
}
