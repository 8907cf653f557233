#include "headers/url.h"

#include "url/url.h"

namespace verity::headers {
namespace {

Origin ToOrigin(const url::Url& u) {
  uint16_t port = u.port != 0 ? u.port : (u.scheme == "https" ? 443 : 80);
  return Origin{u.scheme, u.host, port};
}

}  // namespace

std::string Origin::Serialize() const {
  bool def = (scheme == "https" && port == 443) || (scheme == "http" && port == 80);
  return scheme + "://" + host + (def ? "" : ":" + std::to_string(port));
}

Result<Origin> ParseOrigin(std::string_view text) {
  auto u = url::ParseUrl(text);
  if (!u) return MakeError(ErrorCode::kHeaderBadOrigin, "not an origin: " + u.error().detail);
  if (u->path != "/" || u->has_query)
    return MakeError(ErrorCode::kHeaderBadOrigin, "an origin has no path or query");
  return ToOrigin(*u);
}

Result<ResolvedUrl> ResolveUrl(std::string_view reference, const Origin& base) {
  if (reference.empty()) return MakeError(ErrorCode::kHeaderBadManifestUrl, "empty manifest URL");
  auto b = url::ParseUrl(base.Serialize());
  if (!b) return MakeError(ErrorCode::kHeaderBadOrigin, b.error().detail);
  auto u = url::ResolveUrl(reference, *b);
  if (!u) return MakeError(ErrorCode::kHeaderBadManifestUrl, u.error().detail);
  if (u->scheme != "https" && base.scheme != "http") {
    return MakeError(ErrorCode::kHeaderBadManifestUrl, "manifest URL must be https on an https site");
  }
  return ResolvedUrl{url::FormatUrl(*u), ToOrigin(*u)};
}

}  // namespace verity::headers
