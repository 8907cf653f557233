// Origins and manifest-URL resolution for policy headers (a deliberately small subset of the WHATWG
// URL Standard: http(s) only, ASCII only; anything outside the subset is rejected, never guessed).
//
//   auto o = headers::ParseOrigin("https://Example.com:443");   // scheme "https", host "example.com", port
//   443 o->Serialize()                                              == "https://example.com"
//   headers::ResolveUrl("/m/abc.json#x", *o)                    -> "https://example.com/m/abc.json"
//   headers::ResolveUrl("m.json?v=1", *o)                       -> "https://example.com/m.json?v=1"
//   headers::ResolveUrl("//cdn.example/m", *o)                  -> "https://cdn.example/m"
//   headers::ResolveUrl("https://CDN.example:8443/a/../m", *o)  -> "https://cdn.example:8443/m"
//
// The base URL is the origin's root, "scheme://host[:port]/" (WAICT draft: a relative manifest URL
// "is resolved against the origin's base URL"). Rules:
//   - absolute references must use https, or http when the base origin itself is http (local test
//     sites); any other scheme (data:, javascript:, file:, ...) -> header.bad_manifest_url
//   - "scheme:" must be followed by "//" and a non-empty host; no userinfo ('@'); port 0-65535; the
//     default port is dropped; host is lowercased; host characters [a-z0-9.-] or a bracketed IPv6
//     literal; no percent-encoded hosts
//   - spaces, backslashes, control and non-ASCII characters are rejected (stricter than WHATWG,
//     which would strip or convert them)
//   - dot segments are removed (RFC 3986 §5.2.4); the fragment is dropped; an empty path is "/";
//     '"', '<', '>', '`', '{', '}' are percent-encoded in the path, '"', '<', '>', '\'' in the query
//     (WHATWG path/special-query percent-encode sets restricted to printable ASCII)
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.h"

namespace verity::headers {

struct Origin {
  std::string scheme;  // "https" or "http"
  std::string host;    // lowercase; IPv6 literal keeps its brackets
  uint16_t port = 0;   // effective port (443/80 when not given)
  bool operator==(const Origin&) const = default;
  // "https://example.com", "http://localhost:8080" (default port omitted, no trailing slash).
  std::string Serialize() const;
};

// Accepts "scheme://host[:port]" with an optional trailing "/". Errors: header.bad_origin.
Result<Origin> ParseOrigin(std::string_view text);

struct ResolvedUrl {
  std::string url;  // absolute, no fragment
  Origin origin;    // origin of url
};

// Resolves `reference` against the root of `base`. Errors: header.bad_manifest_url.
Result<ResolvedUrl> ResolveUrl(std::string_view reference, const Origin& base);

}  // namespace verity::headers
