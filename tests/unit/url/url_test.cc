// integrity/url.h: canonical form of absolute URLs and resolution of manifest keys.
#include "url/url.h"

#include <doctest/doctest.h>

using namespace verity;
using namespace verity::url;

namespace {

std::string Canon(std::string_view s) {
  auto r = CanonicalizeUrl(s);
  return r ? *r : std::string("ERR:") + std::string(WireName(r.code()));
}

std::string Resolve(std::string_view ref, std::string_view base) {
  auto b = ParseUrl(base);
  REQUIRE(b.ok());
  auto r = CanonicalizeUrl(ref, *b);
  return r ? *r : std::string("ERR:") + std::string(WireName(r.code()));
}

}  // namespace

TEST_CASE("ParseUrl splits and lower-cases scheme and host, elides default ports, drops fragment") {
  auto u = ParseUrl("HTTPS://Example.COM:443/a/./b/../c.js?x=1#top");
  REQUIRE(u.ok());
  CHECK(u->scheme == "https");
  CHECK(u->host == "example.com");
  CHECK(u->port == 0);
  CHECK(u->path == "/a/c.js");
  CHECK(u->query == "x=1");
  CHECK(u->has_query);
  CHECK(FormatUrl(*u) == "https://example.com/a/c.js?x=1");
  CHECK(FormatOrigin(*u) == "https://example.com");

  auto p = ParseUrl("http://Example.com:8080");
  REQUIRE(p.ok());
  CHECK(p->port == 8080);
  CHECK(FormatOrigin(*p) == "http://example.com:8080");
  CHECK(FormatUrl(*p) == "http://example.com:8080/");
}

TEST_CASE("canonical forms") {
  CHECK(Canon("http://example.com:80") == "http://example.com/");
  CHECK(Canon("https://example.com:80/") == "https://example.com:80/");  // 80 is not https's default
  CHECK(Canon("http://example.com:443/") == "http://example.com:443/");
  CHECK(Canon("https://example.com:/x") == "https://example.com/x");  // empty port = default
  CHECK(Canon("https://example.com?") == "https://example.com/?");    // empty query kept
  CHECK(Canon("https://example.com?a=b") == "https://example.com/?a=b");
  CHECK(Canon("https://example.com#f") == "https://example.com/");
  CHECK(Canon("https://example.com/a/%2e%2E/b/%2E/c") == "https://example.com/b/c");
  CHECK(Canon("https://example.com/a/..") == "https://example.com/");
  CHECK(Canon("https://example.com/a/b/.") == "https://example.com/a/b/");
  CHECK(Canon("https://example.com/../../x") == "https://example.com/x");
  CHECK(Canon("https://example.com/a//b") == "https://example.com/a//b");  // empty segments kept
  CHECK(Canon("https://example.com/caf\xc3\xa9.js") == "https://example.com/caf%C3%A9.js");
  CHECK(Canon("https://example.com/a%2fb") == "https://example.com/a%2fb");  // escapes kept as written
  CHECK(Canon("https://example.com/{x}^`") == "https://example.com/%7Bx%7D%5E%60");
  CHECK(Canon("https://example.com/?q=\"x\"'<>") == "https://example.com/?q=%22x%22%27%3C%3E");
  CHECK(Canon("https://example.com/?a/../b") == "https://example.com/?a/../b");  // no dot removal in query
  CHECK(Canon("https://example.com./") == "https://example.com./");
  CHECK(Canon("https://127.0.0.1:8443/") == "https://127.0.0.1:8443/");
  CHECK(Canon("https://my_host.example/") == "https://my_host.example/");
}

TEST_CASE("IPv6 literals are serialised the WHATWG way") {
  CHECK(Canon("https://[0:0:0:0:0:0:0:1]/") == "https://[::1]/");
  CHECK(Canon("https://[::1]:8443/x") == "https://[::1]:8443/x");
  CHECK(Canon("https://[::1]:443/") == "https://[::1]/");
  CHECK(Canon("https://[1:0::]/") == "https://[1::]/");
  CHECK(Canon("https://[2001:DB8:0:0:1:0:0:1]/") == "https://[2001:db8::1:0:0:1]/");  // first longest run
  CHECK(Canon("https://[1:0:1:0:1:0:1:0]/") == "https://[1:0:1:0:1:0:1:0]/");         // single zeros stay
  CHECK(Canon("https://[::ffff:1.2.3.4]/") == "https://[::ffff:102:304]/");
  CHECK(Canon("https://[::]/") == "https://[::]/");
}

TEST_CASE("rejections carry stable codes") {
  CHECK(Canon("ftp://example.com/") == "ERR:integrity.url_scheme");
  CHECK(Canon("data:text/javascript,alert(1)") == "ERR:integrity.url_scheme");
  CHECK(Canon("blob:https://example.com/uuid") == "ERR:integrity.url_scheme");
  CHECK(Canon("javascript:alert(1)") == "ERR:integrity.url_scheme");
  CHECK(Canon("https:example.com/x") == "ERR:integrity.url_syntax");
  CHECK(Canon("https:/example.com/x") == "ERR:integrity.url_syntax");
  CHECK(Canon("/relative") == "ERR:integrity.url_syntax");
  CHECK(Canon("") == "ERR:integrity.url_syntax");
  CHECK(Canon("https://user:pw@example.com/") == "ERR:integrity.url_userinfo");
  CHECK(Canon("https://@example.com/") == "ERR:integrity.url_userinfo");
  CHECK(Canon("https://[::1/") == "ERR:integrity.url_host");
  CHECK(Canon("https://[::1]x/") == "ERR:integrity.url_host");
  CHECK(Canon("https://[fe80::1%25eth0]/") == "ERR:integrity.url_host");  // zone ids: not in URLs
  CHECK(Canon("https://[1:2:3:4:5:6:7:8:9]/") == "ERR:integrity.url_host");
  CHECK(Canon("https://[::1]:0/") == "ERR:integrity.url_port");
  CHECK(Canon("https:///x") == "ERR:integrity.url_host");
  CHECK(Canon("https://exa%41mple.com/") == "ERR:integrity.url_host");
  CHECK(Canon("https://ex\xc3\xa4mple.com/") == "ERR:integrity.url_host");  // IDNA not supported
  CHECK(Canon("https://0x7f.1/") == "ERR:integrity.url_host");              // IPv4 spelled otherwise
  CHECK(Canon("https://127.1/") == "ERR:integrity.url_host");
  CHECK(Canon("https://127.0.0.01/") == "ERR:integrity.url_host");
  CHECK(Canon("https://256.0.0.1/") == "ERR:integrity.url_host");
  CHECK(Canon("https://example.123/") == "ERR:integrity.url_host");
  CHECK(Canon("https://example.com:65536/") == "ERR:integrity.url_port");
  CHECK(Canon("https://example.com:0/") == "ERR:integrity.url_port");
  CHECK(Canon("https://example.com:8a/") == "ERR:integrity.url_port");
  CHECK(Canon("https://example.com:123456/") == "ERR:integrity.url_port");
  CHECK(Canon("https://example.com/a b") == "ERR:integrity.url_char");
  CHECK(Canon(" https://example.com/") == "ERR:integrity.url_char");
  CHECK(Canon("https://example.com/\t") == "ERR:integrity.url_char");
  CHECK(Canon("https://example.com\\evil.com/") == "ERR:integrity.url_char");
  CHECK(Canon(std::string_view("https://example.com/\0", 21)) == "ERR:integrity.url_char");
  CHECK(Canon("https://example.com/\x7f") == "ERR:integrity.url_char");
}

TEST_CASE("manifest keys resolve against the top-level origin") {
  const char* base = "https://example.com";
  CHECK(Resolve("/app.js", base) == "https://example.com/app.js");
  CHECK(Resolve("app.js", base) == "https://example.com/app.js");
  CHECK(Resolve("./a/../b.js", base) == "https://example.com/b.js");
  CHECK(Resolve("../../x.js", base) == "https://example.com/x.js");
  CHECK(Resolve("//cdn.example/x.css", base) == "https://cdn.example/x.css");
  CHECK(Resolve("//cdn.example?x", base) == "https://cdn.example/?x");
  CHECK(Resolve("?v=1", base) == "https://example.com/?v=1");
  CHECK(Resolve("", base) == "https://example.com/");
  CHECK(Resolve("#frag", base) == "https://example.com/");
  CHECK(Resolve("http://other.example/x", base) == "http://other.example/x");
  CHECK(Resolve("HTTPS://EXAMPLE.com:443/Y", base) == "https://example.com/Y");  // path case kept
  CHECK(Resolve("/a/b.js", "http://example.com:8080") == "http://example.com:8080/a/b.js");
  CHECK(Resolve("x.js", "https://example.com/dir/page.html?q") == "https://example.com/dir/x.js");
  CHECK(Resolve("?z", "https://example.com/dir/page.html?q") == "https://example.com/dir/page.html?z");
  CHECK(Resolve("//user@evil.example/", base) == "ERR:integrity.url_userinfo");
  CHECK(Resolve("data:,x", base) == "ERR:integrity.url_scheme");
  CHECK(Resolve("https:app.js", base) == "ERR:integrity.url_syntax");
  CHECK(Resolve("a b.js", base) == "ERR:integrity.url_char");
}

TEST_CASE("a key and the request URL that names it compare equal; others do not") {
  auto base = ParseUrl("https://example.com");
  REQUIRE(base.ok());
  CHECK(*CanonicalizeUrl("/assets/x.js", *base) == *CanonicalizeUrl("https://example.com/assets/x.js#h"));
  CHECK(*CanonicalizeUrl("/assets/x.js", *base) != *CanonicalizeUrl("https://example.com/assets/x.js?"));
  CHECK(*CanonicalizeUrl("/assets/x.js", *base) != *CanonicalizeUrl("https://example.com/Assets/x.js"));
  CHECK(*CanonicalizeUrl("/assets/x.js", *base) != *CanonicalizeUrl("http://example.com/assets/x.js"));
  CHECK(*CanonicalizeUrl("/assets/x.js", *base) != *CanonicalizeUrl("https://example.com:8443/assets/x.js"));
  CHECK(*CanonicalizeUrl("/assets/x.js", *base) != *CanonicalizeUrl("https://example.com/assets/x.js/"));
  auto o = OriginOf(*ParseUrl("https://example.com:444/a/b?c"));
  CHECK(FormatUrl(o) == "https://example.com:444/");
}

TEST_CASE("the plain-path fast path agrees with the general resolver") {
  for (std::string_view base_text : {"https://example.com", "http://example.com:8080", "https://127.0.0.1"}) {
    auto base = ParseUrl(base_text);
    REQUIRE(base.ok());
    for (std::string_view key :
         {"/", "/a", "/a/b.js", "/a/", "/a.b/c.d", "/x-y_z~1!$&'()*+,;=:@", "/a/.b", "/a/..", "/./a", "/a//b",
          "/%2e/a", "/a?b", "/a#b", "/a\"b", "/caf\xc3\xa9", "/{}"}) {
      auto fast = CanonicalizeUrl(key, *base);
      auto slow = ResolveUrl(key, *base);
      REQUIRE_MESSAGE(fast.ok() == slow.ok(), key);
      if (fast.ok()) CHECK_MESSAGE(*fast == FormatUrl(*slow), key);
      std::string out = "stale contents";
      REQUIRE(CanonicalizeUrlTo(key, *base, out).ok());
      CHECK(out == *fast);
    }
  }
}
