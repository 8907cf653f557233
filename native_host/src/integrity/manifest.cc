#include "integrity/manifest.h"

#include <algorithm>

#include "integrity/hash_text.h"
#include "integrity/str_cat.h"
#include "json/json.h"

namespace verity::integrity {
namespace {

using json::Value;

Error BadType(std::string_view member, std::string_view expected) {
  return MakeError(ErrorCode::kManifestBadType, StrCat({"\"", member, "\" must be ", expected}));
}

Error WithContext(Error e, std::string_view where) {
  e.detail = StrCat({where, ": ", e.detail});
  return e;
}

void SortUnique(std::vector<Hash32>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

// A JSON array of base64 SHA-256 strings into `out` (sorted, unique).
Status ReadHashArray(const Value& root, std::string_view member, std::vector<Hash32>& out) {
  const Value* v = root.Find(member);
  if (v == nullptr) return OkStatus();
  if (!v->is_array()) return BadType(member, "an array of strings");
  out.reserve(v->items().size());
  for (const Value& item : v->items()) {
    if (!item.is_string()) return BadType(member, "an array of strings");
    auto h = ParseSha256Base64(item.AsString());
    if (!h) return WithContext(h.error(), member);
    out.push_back(*h);
  }
  SortUnique(out);
  return OkStatus();
}

// "version": absent -> 0 unless required; otherwise the integer 1.
Status ReadVersion(const Value& obj, bool required, Manifest& m) {
  const Value* v = obj.Find("version");
  if (v == nullptr) {
    if (required) return MakeError(ErrorCode::kManifestMissingMember, "\"version\"");
    return OkStatus();
  }
  if (!v->is_number()) return BadType("version", "an integer");
  auto i = v->AsInt();
  if (!i) return BadType("version", "an integer");
  if (*i != 1) return MakeError(ErrorCode::kManifestUnsupportedVersion, std::to_string(*i));
  m.version = 1;
  return OkStatus();
}

Status ReadPolicy(const Value& obj, bool required, Manifest& m) {
  const Value* v = obj.Find("integrity-policy");
  if (v == nullptr) {
    if (required) return MakeError(ErrorCode::kManifestMissingMember, "\"integrity-policy\"");
    return OkStatus();
  }
  if (!v->is_string()) return BadType("integrity-policy", "a string");
  auto p = ParseDestinationPolicy(v->AsString());
  if (!p) {
    // Older Firefox manifests carry policies that are not RFC 9651 ("sources=(inline);
    // blocked-destinations=(script)") and Firefox accepts them. Ignoring such a policy leaves the
    // stricter WAICT classes in force; the article dialect requires a valid one.
    if (!required) return OkStatus();
    return p.error();
  }
  m.policy = *p;
  return OkStatus();
}

// Canonical URL of a manifest key into `out` (buffer reused across keys).
Status ResolveKey(std::string_view key, const Url& origin, std::string& out) {
  if (key.empty()) return MakeError(ErrorCode::kManifestBadUrlKey, "empty key");
  auto st = CanonicalizeUrlTo(key, origin, out);
  if (!st) {
    return MakeError(
        ErrorCode::kManifestBadUrlKey,
        StrCat({"\"", key.substr(0, 200), "\": ", WireName(st.error().code), " ", st.error().detail}));
  }
  return OkStatus();
}

// (a)/(c): {URL: base64 SHA-256}.
Status ReadUrlHashes(const Value& obj, std::string_view member, Manifest& m) {
  if (!obj.is_object()) return BadType(member, "an object");
  m.url_hashes.Reserve(obj.members().size());
  std::string url;
  for (const auto& [key, value] : obj.members()) {
    if (!value.is_string()) return BadType(member, "an object of strings");
    auto h = ParseSha256Base64(value.AsString());
    if (!h) return WithContext(h.error(), key.substr(0, 200));
    VERITY_RETURN_IF_ERROR(ResolveKey(key, m.origin, url));
    auto [list, inserted] = m.url_hashes.Insert(url);
    if (inserted) {
      list->first = *h;
    } else if (list->first != *h && !list->poisoned) {
      list->poisoned = true;  // this entry only: see HashList::poisoned
      ++m.poisoned_entries;
    }
  }
  return OkStatus();
}

Status ParseWaictOrFirefox(const Value& root, ManifestHint hint, Manifest& m) {
  const bool firefox = hint == ManifestHint::kFirefoxHeader || root.Find("any_hashes") != nullptr;
  m.dialect = firefox ? Dialect::kFirefox : Dialect::kWaict;
  if (const Value* opt = root.Find("emergency_opt_out")) {
    if (!opt->is_bool()) return BadType("emergency_opt_out", "a boolean");
    if (opt->AsBool()) {  // tombstone: nothing else is validated (draft, "Validating Manifests")
      m.tombstone = true;
      return OkStatus();
    }
  }
  VERITY_RETURN_IF_ERROR(ReadVersion(root, /*required=*/false, m));
  VERITY_RETURN_IF_ERROR(ReadPolicy(root, /*required=*/false, m));
  const Value* hashes = root.Find("hashes");
  const Value* url_hashes = root.Find("url_hashes");
  if (hashes != nullptr && url_hashes != nullptr) {
    return MakeError(ErrorCode::kManifestAmbiguous, "both \"hashes\" and \"url_hashes\"");
  }
  if (hashes != nullptr) VERITY_RETURN_IF_ERROR(ReadUrlHashes(*hashes, "hashes", m));
  if (url_hashes != nullptr) VERITY_RETURN_IF_ERROR(ReadUrlHashes(*url_hashes, "url_hashes", m));
  VERITY_RETURN_IF_ERROR(ReadHashArray(root, "any_hashes", m.any_hashes));
  VERITY_RETURN_IF_ERROR(ReadHashArray(root, "wasm_hashes", m.wasm_hashes));
  VERITY_RETURN_IF_ERROR(ReadHashArray(root, "fallback_hashes", m.fallback_hashes));
  VERITY_RETURN_IF_ERROR(ReadHashArray(root, "wildcard_hashes", m.wildcard_hashes));
  VERITY_RETURN_IF_ERROR(ReadHashArray(root, "inline_js_hashes", m.inline_js_hashes));
  VERITY_RETURN_IF_ERROR(ReadHashArray(root, "event_handler_hashes", m.event_handler_hashes));
  VERITY_RETURN_IF_ERROR(ReadHashArray(root, "eval_hashes", m.eval_hashes));
  VERITY_RETURN_IF_ERROR(ReadHashArray(root, "inline_css_hashes", m.inline_css_hashes));
  VERITY_RETURN_IF_ERROR(ReadHashArray(root, "style_attr_hashes", m.style_attr_hashes));
  VERITY_RETURN_IF_ERROR(ReadHashArray(root, "inline_url_hashes", m.inline_url_hashes));
  m.has_event_handler_hashes = root.Find("event_handler_hashes") != nullptr;
  m.has_style_attr_hashes = root.Find("style_attr_hashes") != nullptr;
  if (const Value* d = root.Find("resource_delimiter")) {
    if (!d->is_string()) return BadType("resource_delimiter", "a string");
    m.resource_delimiter = d->AsString();
  }
  if (firefox && m.url_hashes.empty() && m.any_hashes.empty()) {
    return MakeError(ErrorCode::kManifestNoHashes, "\"hashes\" and \"any_hashes\" are both empty");
  }
  return OkStatus();
}

Status ParseArticle(const Value& root, Manifest& m) {
  m.dialect = Dialect::kArticle;
  for (std::string_view other : {"hashes", "url_hashes", "any_hashes", "wasm_hashes", "emergency_opt_out"}) {
    if (root.Find(other) != nullptr) {
      return MakeError(ErrorCode::kManifestAmbiguous, StrCat({"\"manifest\" next to \"", other, "\""}));
    }
  }
  const Value& body = *root.Find("manifest");
  if (!body.is_object()) return BadType("manifest", "an object");
  VERITY_RETURN_IF_ERROR(ReadVersion(body, /*required=*/true, m));
  VERITY_RETURN_IF_ERROR(ReadPolicy(body, /*required=*/true, m));
  const Value* hashes = body.Find("hashes");
  if (hashes == nullptr) return MakeError(ErrorCode::kManifestMissingMember, "\"hashes\"");
  if (!hashes->is_object()) return BadType("hashes", "an object");
  m.url_hashes.Reserve(hashes->members().size());
  std::string url;
  for (const auto& [key, value] : hashes->members()) {
    auto h = ParseSha256Hex(key);
    if (!h) return h.error();
    if (!value.is_string()) return BadType("hashes", "an object of strings");
    if (value.AsString().empty()) {
      m.any_hashes.push_back(*h);
      continue;
    }
    VERITY_RETURN_IF_ERROR(ResolveKey(value.AsString(), m.origin, url));
    auto [list, inserted] = m.url_hashes.Insert(url);
    if (inserted) {
      list->first = *h;
    } else if (!list->Contains(*h)) {
      list->more.push_back(*h);
    }
  }
  SortUnique(m.any_hashes);
  return OkStatus();
}

}  // namespace

std::string_view DialectName(Dialect d) {
  switch (d) {
    case Dialect::kWaict:
      return "waict";
    case Dialect::kArticle:
      return "article";
    case Dialect::kFirefox:
      return "firefox";
  }
  return "waict";
}

const HashList* Manifest::Find(std::string_view canonical_url) const {
  return url_hashes.Find(canonical_url);
}

bool Manifest::SortedContains(const std::vector<Hash32>& sorted, const Hash32& h) {
  return std::binary_search(sorted.begin(), sorted.end(), h);
}

Result<Manifest> ParseManifest(std::string_view json_text, const Url& top_level_origin, ManifestHint hint) {
  if (json_text.size() > kMaxManifestBytes) {
    return MakeError(ErrorCode::kManifestTooLarge, std::to_string(json_text.size()) + " bytes");
  }
  auto root = json::Parse(json_text);
  if (!root) {
    ErrorCode code = root.code() == ErrorCode::kJsonDuplicateKey ? ErrorCode::kManifestDuplicateKey
                                                                 : ErrorCode::kManifestInvalidJson;
    return MakeError(code, StrCat({WireName(root.code()), ": ", root.error().detail}));
  }
  if (!root->is_object())
    return MakeError(ErrorCode::kManifestNotObject, "top-level JSON value is not an object");
  Manifest m;
  m.origin = OriginOf(top_level_origin);
  if (root->Find("manifest") != nullptr) {
    VERITY_RETURN_IF_ERROR(ParseArticle(*root, m));
  } else {
    VERITY_RETURN_IF_ERROR(ParseWaictOrFirefox(*root, hint, m));
  }
  return m;
}

}  // namespace verity::integrity
