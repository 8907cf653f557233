#include "headers/waict_policy.h"

#include <algorithm>
#include <array>

#include "sfv/sfv.h"

namespace verity::headers {
namespace {

Error Missing(std::string_view key) {
  return MakeError(ErrorCode::kHeaderMissingMember, "missing '" + std::string(key) + "'");
}
Error Invalid(std::string_view key, std::string_view why) {
  return MakeError(ErrorCode::kHeaderInvalidMember, std::string(key) + ": " + std::string(why));
}

// The member's bare item if it is an Item, else nullptr.
const sfv::BareItem* ItemValue(const sfv::ListMember* m) {
  if (!m) return nullptr;
  const auto* item = std::get_if<sfv::Item>(m);
  return item ? &item->value : nullptr;
}

}  // namespace

std::string_view ModeName(WaictMode m) { return m == WaictMode::kEnforce ? "enforce" : "report"; }
std::string_view DialectName(WaictDialect d) { return d == WaictDialect::kDraft ? "waict-v2" : "firefox"; }

bool IsFetchDestination(std::string_view t) {
  static constexpr std::array<std::string_view, 22> kDestinations = {
      "audio",  "audioworklet", "document",      "embed",        "font",   "frame",
      "iframe", "image",        "json",          "manifest",     "object", "paintworklet",
      "report", "script",       "serviceworker", "sharedworker", "style",  "track",
      "video",  "webidentity",  "worker",        "xslt"};
  return std::find(kDestinations.begin(), kDestinations.end(), t) != kDestinations.end();
}

Result<WaictPolicy> ParseWaictPolicy(std::string_view field_value, std::string_view top_level_origin) {
  auto origin = ParseOrigin(top_level_origin);
  if (!origin) return origin.error();

  sfv::ParseOptions opts;
  opts.allow_uppercase_keys = true;  // only so that "GREASE-" keys can be ignored (see header)
  auto dict = sfv::ParseDictionary(field_value, opts);
  if (!dict) {
    return MakeError(ErrorCode::kHeaderSyntax,
                     std::string(WireName(dict.code())) + ": " + dict.error().detail);
  }

  WaictPolicy p;

  // max-age
  const sfv::ListMember* m = dict->Find("max-age");
  if (!m) return Missing("max-age");
  const auto* age = std::get_if<sfv::Integer>(ItemValue(m));
  if (!age) return Invalid("max-age", "not an Integer");
  if (age->value < 0) return Invalid("max-age", "negative");
  p.max_age = age->value;

  // mode
  m = dict->Find("mode");
  if (!m) return Missing("mode");
  const auto* mode = std::get_if<sfv::Token>(ItemValue(m));
  if (!mode) return Invalid("mode", "not a Token");
  if (mode->value == "enforce") {
    p.mode = WaictMode::kEnforce;
  } else if (mode->value == "report") {
    p.mode = WaictMode::kReport;
  } else {
    return Invalid("mode", "neither enforce nor report");
  }

  // manifest
  m = dict->Find("manifest");
  if (!m) return Missing("manifest");
  const auto* manifest = std::get_if<sfv::String>(ItemValue(m));
  if (!manifest) return Invalid("manifest", "not a String");
  if (manifest->value.empty()) return Invalid("manifest", "empty");
  auto url = ResolveUrl(manifest->value, *origin);
  if (!url) return url.error();
  p.manifest_url_raw = manifest->value;
  p.manifest_url = std::move(url->url);
  p.manifest_cross_origin = !(url->origin == *origin);

  // blocked-destinations (Firefox Nightly dialect)
  if (const sfv::ListMember* bd = dict->Find("blocked-destinations")) {
    p.dialect = WaictDialect::kFirefoxNightly;
    const auto* il = std::get_if<sfv::InnerList>(bd);
    if (!il) return Invalid("blocked-destinations", "not an Inner List");
    for (const auto& item : il->items) {
      const auto* tok = std::get_if<sfv::Token>(&item.value);
      if (!tok) return Invalid("blocked-destinations", "item is not a Token");
      if (!IsFetchDestination(tok->value)) continue;
      if (std::find(p.blocked_destinations.begin(), p.blocked_destinations.end(), tok->value) ==
          p.blocked_destinations.end()) {
        p.blocked_destinations.push_back(tok->value);
      }
    }
  }

  // preload (optional, informational)
  if (const auto* pre = std::get_if<sfv::Boolean>(ItemValue(dict->Find("preload")))) p.preload = pre->value;

  // endpoints (optional)
  if (const sfv::ListMember* ep = dict->Find("endpoints")) {
    if (const auto* il = std::get_if<sfv::InnerList>(ep)) {
      for (const auto& item : il->items) {
        if (const auto* t = std::get_if<sfv::Token>(&item.value)) {
          p.endpoints.push_back(t->value);
        } else if (const auto* s = std::get_if<sfv::String>(&item.value)) {
          p.endpoints.push_back(s->value);
        }
      }
    }
  }
  return p;
}

Result<WaictPolicy> ParseWaictPolicyLines(const std::vector<std::string>& field_lines,
                                          std::string_view top_level_origin) {
  if (field_lines.empty()) return MakeError(ErrorCode::kHeaderAbsent, std::string(kWaictHeaderName));
  return ParseWaictPolicy(sfv::CombineFieldLines(field_lines), top_level_origin);
}

}  // namespace verity::headers
