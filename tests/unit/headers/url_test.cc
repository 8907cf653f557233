#include "headers/url.h"

#include <doctest/doctest.h>

using namespace verity;
using namespace verity::headers;

TEST_CASE("headers: ParseOrigin") {
  auto o = ParseOrigin("https://Example.COM");
  REQUIRE(o);
  CHECK(o->scheme == "https");
  CHECK(o->host == "example.com");
  CHECK(o->port == 443);
  CHECK(o->Serialize() == "https://example.com");
  CHECK(ParseOrigin("https://example.com/")->Serialize() == "https://example.com");
  CHECK(ParseOrigin("https://example.com:443")->Serialize() == "https://example.com");
  CHECK(ParseOrigin("http://localhost:8080")->Serialize() == "http://localhost:8080");
  CHECK(ParseOrigin("example.com").code() == ErrorCode::kHeaderBadOrigin);
  CHECK(ParseOrigin("ftp://example.com").code() == ErrorCode::kHeaderBadOrigin);
  CHECK(ParseOrigin("https://example.com/path").code() == ErrorCode::kHeaderBadOrigin);
  CHECK(ParseOrigin("https://").code() == ErrorCode::kHeaderBadOrigin);
  CHECK(ParseOrigin("https://a:99999").code() == ErrorCode::kHeaderBadOrigin);
  CHECK(ParseOrigin("https://u@a").code() == ErrorCode::kHeaderBadOrigin);
  CHECK(ParseOrigin("https://a_b").ok());  // WHATWG hosts may contain "_", and browsers send such origins
}

TEST_CASE("headers: ResolveUrl") {
  auto base = *ParseOrigin("https://example.com");
  auto r = [&](const char* ref) {
    auto x = ResolveUrl(ref, base);
    return x ? x->url : std::string("ERR:") + std::string(WireName(x.code()));
  };
  CHECK(r("/m/abc.json#x") == "https://example.com/m/abc.json");
  CHECK(r("m.json?v=1") == "https://example.com/m.json?v=1");
  CHECK(r("?v=1") == "https://example.com/?v=1");
  CHECK(r("#frag") == "https://example.com/");
  CHECK(r("./a/./b/../c") == "https://example.com/a/c");
  CHECK(r("/../../x") == "https://example.com/x");
  CHECK(r("/a/..") == "https://example.com/");
  CHECK(r("//cdn.example/m") == "https://cdn.example/m");
  CHECK(r("https://CDN.example:8443/a/../m") == "https://cdn.example:8443/m");
  CHECK(r("HTTPS://cdn.example:443") == "https://cdn.example/");
  CHECK(r("/a\"b<c>?q='x'") == "https://example.com/a%22b%3Cc%3E?q=%27x%27");
  CHECK(r("http://example.com/m") == "ERR:header.bad_manifest_url");  // mixed content
  CHECK(r("data:application/json,{}") == "ERR:header.bad_manifest_url");
  CHECK(r("javascript:alert(1)") == "ERR:header.bad_manifest_url");
  CHECK(r("https:/m") == "ERR:header.bad_manifest_url");
  CHECK(r("https://") == "ERR:header.bad_manifest_url");
  CHECK(r("https://user:pw@example.com/m") == "ERR:header.bad_manifest_url");
  CHECK(r("/a b") == "ERR:header.bad_manifest_url");
  CHECK(r("\\\\evil.example\\m") == "ERR:header.bad_manifest_url");
  CHECK(r("") == "ERR:header.bad_manifest_url");
  auto cross = ResolveUrl("https://cdn.example/m", base);
  REQUIRE(cross);
  CHECK_FALSE(cross->origin == base);
  auto same = ResolveUrl("https://example.com:443/m", base);
  REQUIRE(same);
  CHECK(same->origin == base);
  // An http top-level origin may use an http manifest (local test sites).
  auto local = *ParseOrigin("http://localhost:8080");
  CHECK(ResolveUrl("/m", local)->url == "http://localhost:8080/m");
  CHECK(ResolveUrl("http://localhost:8080/m", local).ok());
}
