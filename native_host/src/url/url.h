// URLs as integrity manifests use them (WAICT integrity draft v2 "Validating Manifests": a key is
// parsed with the top-level origin as base, its fragment removed, and serialised; design §4.1).
//
// Only absolute http(s) URLs are modelled. Scheme and host are lower-cased, the default port
// (80/443) is elided (port 0 is rejected), an empty path becomes "/", dot segments (also "%2e") are removed,
// bytes that the WHATWG URL serialiser percent-encodes are percent-encoded (non-ASCII, ", <, >, `, {, }, ^ in
// the path; ", <, >, ' in the query), and the fragment is dropped. Existing %XX escapes are kept as
// written. Both the request URL and every manifest key go through this one canonicaliser, so a key
// and a request that name the same resource compare equal as strings.
//
//   ParseUrl("HTTPS://Example.COM:443/a/./b/../c.js?x=1#top")
//     -> {scheme "https", host "example.com", port 0, path "/a/c.js", query "x=1"}
//   FormatUrl(...)    == "https://example.com/a/c.js?x=1"
//   FormatOrigin(...) == "https://example.com"
//   ResolveUrl("app.js", *ParseUrl("https://example.com"))  -> "https://example.com/app.js"
//   ResolveUrl("//cdn.example/x.css", base)                 -> "https://cdn.example/x.css"
//
// Rejected with a stable code (integrity.url_*): other schemes (data:, blob:, ...), "https:foo"
// without "//", user info, IPv6 literals and non-ASCII (IDNA) hosts, numeric hosts other than
// canonical dotted-decimal IPv4, ports above 65535, and raw control characters, spaces or
// backslashes anywhere (the WHATWG parser would rewrite them; a manifest has no reason to).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.h"

namespace verity::url {

struct Url {
  std::string scheme;      // "http" or "https"
  std::string host;        // lower-case ASCII host name or dotted-decimal IPv4
  uint16_t port = 0;       // 0 = the scheme's default port (elided when serialised)
  std::string path;        // starts with "/"
  std::string query;       // without the leading "?"
  bool has_query = false;  // "?" present (even if the query is empty)
};

// Parses an absolute http(s) URL. Fragment dropped.
Result<Url> ParseUrl(std::string_view text);
// Resolves `ref` (absolute URL, "//host/path", "/path", "?query", "relative/path" or "") against
// `base` (RFC 3986 §5.2 as specialised by the WHATWG parser for http(s)). Fragment dropped.
Result<Url> ResolveUrl(std::string_view ref, const Url& base);

// "https://example.com/a?b" (never a fragment).
std::string FormatUrl(const Url& url);
// "https://example.com" or "http://example.com:8080" (RFC 6454 ASCII serialisation).
std::string FormatOrigin(const Url& url);
// The origin of `url` as a URL with path "/" (the base manifest keys resolve against).
Url OriginOf(const Url& url);

// Convenience: FormatUrl(ResolveUrl(ref, base)).
Result<std::string> CanonicalizeUrl(std::string_view ref, const Url& base);
// Same, into `out` (replaced), reusing its buffer; the common "/plain/path.js" key is a copy.
Status CanonicalizeUrlTo(std::string_view ref, const Url& base, std::string& out);
// Convenience: FormatUrl(ParseUrl(text)).
Result<std::string> CanonicalizeUrl(std::string_view text);

}  // namespace verity::url
