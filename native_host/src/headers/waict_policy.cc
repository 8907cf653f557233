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

// Inner List of Tokens / Strings (endpoint names), other items skipped; another type: nothing.
std::vector<std::string> ReadEndpoints(const sfv::ListMember* m) {
  std::vector<std::string> out;
  const auto* il = m ? std::get_if<sfv::InnerList>(m) : nullptr;
  if (!il) return out;
  for (const auto& item : il->items) {
    if (const auto* t = std::get_if<sfv::Token>(&item.value)) {
      out.push_back(t->value);
    } else if (const auto* s = std::get_if<sfv::String>(&item.value)) {
      out.push_back(s->value);
    }
  }
  return out;
}

// v2 `mode` (enforce | report), required in the v2 and Firefox dialects.
Result<WaictMode> ReadV2Mode(const sfv::Dictionary& dict) {
  const sfv::ListMember* m = dict.Find("mode");
  if (!m) return Missing("mode");
  const auto* mode = std::get_if<sfv::Token>(ItemValue(m));
  if (!mode) return Invalid("mode", "not a Token");
  if (mode->value == "enforce") return WaictMode::kEnforce;
  if (mode->value == "report") return WaictMode::kReport;
  return Invalid("mode", "neither enforce nor report");
}

// Rework category keys; returns how many recognised keys were present (valid or not).
size_t ReadCategoryKeys(const sfv::Dictionary& dict, CategoryModes& modes) {
  size_t recognised = 0;
  for (const auto& [key, member] : dict.members) {
    auto c = ParseCategoryKey(key);
    if (!c) continue;
    ++recognised;
    const auto* tok = std::get_if<sfv::Token>(ItemValue(&member));
    auto mode = tok ? ParseModeToken(tok->value) : std::nullopt;
    modes[Index(*c)] = mode;  // invalid value: ignored (and a later duplicate wins, RFC 9651)
  }
  return recognised;
}

}  // namespace

std::string_view DialectName(WaictDialect d) {
  switch (d) {
    case WaictDialect::kDraft:
      return "waict-v2";
    case WaictDialect::kFirefoxNightly:
      return "firefox";
    case WaictDialect::kRework:
      break;
  }
  return "rework";
}

std::optional<WaictDialect> ParseDialectName(std::string_view s) {
  if (s == "waict-v2") return WaictDialect::kDraft;
  if (s == "firefox") return WaictDialect::kFirefoxNightly;
  if (s == "rework") return WaictDialect::kRework;
  return std::nullopt;
}

std::string FormatWaictReqHeader(std::string_view manifest_url) {
  std::string out = "\"";
  for (char c : manifest_url) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u > 0x7e) continue;
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  out += '"';
  return out;
}

bool PreloadEligible(const WaictPolicy& p) {
  if (!p.preload || p.max_age < kPreloadMinMaxAge) return false;
  for (const auto& m : p.modes) {
    if (m != WaictMode::kEnforce) return false;
  }
  return true;
}

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

  // Dialect and modes.
  if (const sfv::ListMember* bd = dict->Find("blocked-destinations")) {
    // (3) Firefox Nightly.
    p.dialect = WaictDialect::kFirefoxNightly;
    auto mode = ReadV2Mode(*dict);
    if (!mode) return mode.error();
    p.mode = *mode;
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
      if (auto c = CategoryOfDestination(tok->value)) p.modes[Index(*c)] = p.mode;
    }
    p.endpoints = ReadEndpoints(dict->Find("endpoints"));
  } else {
    CategoryModes modes{};
    size_t recognised = ReadCategoryKeys(*dict, modes);
    if (StrongestMode(modes)) {
      // (1) The rework.
      p.dialect = WaictDialect::kRework;
      p.modes = modes;
      p.mode = *StrongestMode(modes);
      p.endpoints = ReadEndpoints(dict->Find("report-to"));
    } else if (recognised > 0 && !dict->Find("mode")) {
      return Invalid("mode-*", "no category key has a valid value (enforce, warn or report)");
    } else {
      // (2) v2.
      p.dialect = WaictDialect::kDraft;
      auto mode = ReadV2Mode(*dict);
      if (!mode) return mode.error();
      p.mode = *mode;
      for (size_t i = 0; i < kCategoryCount; ++i) {
        auto c = static_cast<Category>(i);
        if (IsFetchCategory(c) || c == Category::kWasm) p.modes[i] = p.mode;
      }
      p.endpoints = ReadEndpoints(dict->Find("endpoints"));
    }
  }

  // preload (optional, informational)
  if (const auto* pre = std::get_if<sfv::Boolean>(ItemValue(dict->Find("preload")))) p.preload = pre->value;
  return p;
}

Result<WaictPolicy> ParseWaictPolicyLines(const std::vector<std::string>& field_lines,
                                          std::string_view top_level_origin) {
  if (field_lines.empty()) return MakeError(ErrorCode::kHeaderAbsent, std::string(kWaictHeaderName));
  return ParseWaictPolicy(sfv::CombineFieldLines(field_lines), top_level_origin);
}

}  // namespace verity::headers
