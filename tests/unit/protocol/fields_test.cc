#include "protocol/fields.h"

#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <string_view>

#include "json/json.h"

using namespace verity;
using namespace verity::protocol;

TEST_CASE("FieldReader: reads into the targets; absent or null optional members keep the default") {
  auto msg = json::Parse(R"({"origin":"https://a.example","url":"https://a.example/x","tab":7,"ok":true,)"
                         R"("reason":null})");
  REQUIRE(msg.ok());
  std::string_view origin;
  std::string url, reason = "kept";
  int64_t tab = -1, status = 200;
  bool ok = false, from_cache = true;
  std::optional<std::string_view> body = "stale", b64;
  FieldReader f(*msg);
  f.Req("origin", origin).Req("url", url).Opt("tab", tab).Opt("status", status).Opt("ok", ok);
  f.Opt("from_cache", from_cache).Opt("reason", reason).Opt("body", body).Opt("body_b64", b64);
  REQUIRE(f.status().ok());
  CHECK(origin == "https://a.example");
  CHECK(url == "https://a.example/x");
  CHECK(tab == 7);
  CHECK(status == 200);
  CHECK(ok);
  CHECK(from_cache);
  CHECK(reason == "kept");
  CHECK_FALSE(body.has_value());  // an optional target records absence
  CHECK_FALSE(b64.has_value());
}

TEST_CASE("FieldReader: the first problem is the one reported; later reads change nothing") {
  auto msg = json::Parse(R"({"url":7,"tab":"x","status":5})");
  REQUIRE(msg.ok());
  std::string_view origin = "before", url;
  int64_t tab = -1, status = 200;
  FieldReader f(*msg);
  f.Req("url", url).Req("origin", origin).Opt("tab", tab).Opt("status", status);
  REQUIRE_FALSE(f.status().ok());
  CHECK(f.status().error().code == ErrorCode::kProtocolBadField);
  CHECK(f.status().error().detail == "url: expected a string");
  CHECK(origin == "before");
  CHECK(status == 200);  // read after the failure: untouched

  FieldReader g(*msg);
  g.Req("origin", origin);
  CHECK(g.status().error().detail == "origin: required string missing");
  FieldReader h(*msg);
  h.Opt("status", status).Opt("tab", tab);
  CHECK(status == 5);
  CHECK(h.status().error().detail == "tab: expected an integer");
}
