// The WAICT header's URL rules, on top of the url module (url/url.h), which parses and
// canonicalises URLs for all of Verity (design §4.1: the manifest member resolves against the
// top-level origin).
//
//   ParseOrigin("https://Example.COM")        -> {https, example.com, 443}; "https://example.com/x" is not an
//   origin ResolveUrl("/m.json#x", that origin)      -> {"https://example.com/m.json", origin}
//   ResolveUrl("https://cdn.example/m", o)    -> cross-origin manifest (allowed; the proof authenticates it)
//   ResolveUrl("http://example.com/m", o)     -> header.bad_manifest_url (https only, except http for an
//                                                http top-level origin such as a local test site)
// Anything the url module rejects (user info, spaces, backslashes, IPv6 or non-ASCII hosts, other
// schemes) is header.bad_origin / header.bad_manifest_url here.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.h"

namespace verity::headers {

struct Origin {
  std::string scheme;  // "https" or "http"
  std::string host;    // lowercase
  uint16_t port = 0;   // effective port (443/80 when not given)
  bool operator==(const Origin&) const = default;
  // "https://example.com", "http://localhost:8080" (default port omitted, no trailing slash).
  std::string Serialize() const;
};

Result<Origin> ParseOrigin(std::string_view text);

struct ResolvedUrl {
  std::string url;  // absolute, canonical, no fragment
  Origin origin;    // origin of url
};

Result<ResolvedUrl> ResolveUrl(std::string_view reference, const Origin& base);

}  // namespace verity::headers
