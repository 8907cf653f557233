// The WAICT opt-in response header `Integrity-Policy-WAICT-v1`, an RFC 9651 Dictionary, in three
// dialects read into ONE model (per-category modes, headers/category.h):
//
// (1) The integrity rework (Frosne/waict-integrity-spec branch `rework` @ 51ec49a, 2026-06-09, and
//     the newest reworked text; "Response Header"), selected by any recognised `mode-*` key:
//   Integrity-Policy-WAICT-v1: max-age=90, mode-document=enforce, mode-script=enforce,
//       mode-style=warn, mode-image=report, preload=?0, report-to=(foo-reports),
//       manifest="/.well-known/waict/manifests/baz_manifest_5X_MjpjR0bpBpP3dEF6-hA"
//   -> dialect kRework, modes {document enforce, script enforce, style warn, image report},
//      endpoints {"foo-reports"}, mode (strongest) enforce.
//   max-age (Integer >= 0) and manifest (non-empty String) are required; category keys take the
//   Tokens enforce | warn | report; an unknown `mode-*` key or a category key with another value
//   is ignored; the header is void (header.missing_member / header.invalid_member) only when
//   max-age or manifest is missing/invalid or no category key is valid. `report-to` is an Inner
//   List of Tokens/Strings (endpoint names; other items skipped, another type: ignored).
//   `max-age=0, mode-script=enforce, manifest="/m.json"` is valid (the site is checked).
// (2) WAICT integrity v2 (waict-wg/waict-integrity-spec @ be8b5f8, tag draft-waict-integrity-v2):
//   max-age=90, mode=report, preload=?0, endpoints=(foo-reports), manifest="/m.json"
//   -> dialect kDraft, every fetch category (document .. media) and wasm get `mode`
//      (enforce | report; v2 has no warn). `mode` is required when no category key is valid.
// (3) Firefox Nightly (dom/security IntegrityPolicyWAICT.cpp, nsHttpChannel::ProcessWAICTHeader),
//     selected by `blocked-destinations` (it wins over category keys, as Firefox reads it):
//   manifest="/waict-manifest.json", blocked-destinations=(script image), mode=enforce, max-age=0
//   -> dialect kFirefoxNightly, blocked_destinations {script, image}; modes: the categories of the
//      listed destinations get `mode`. `blocked-destinations` must be an Inner List of Tokens (else
//      header.invalid_member, as Firefox voids the header); non-destination tokens are ignored,
//      `()` is valid; max-age, mode and manifest are required (Firefox's parser requires all
//      three); `endpoints` as in v2.
//
//   auto p = headers::ParseWaictPolicy(value, "https://example.com");
//
// Common rules: `preload` optional Boolean (else ignored); other keys, including `GREASE-*`, are
// ignored (uppercase keys are accepted by the parser only so that they can be ignored,
// sfv::ParseOptions::allow_uppercase_keys); a value that is not an RFC 9651 Dictionary is
// header.syntax; no field line at all is header.absent; duplicate keys: the last one wins (RFC 9651).
//
// Manifest URL decision: relative URLs resolve against "scheme://host[:port]/" of the top-level
// origin. An absolute https URL on another origin is ACCEPTED and flagged (manifest_cross_origin):
// the draft allows any URL and the manifest is authenticated by its transparency proof, not by its
// location (Firefox's prototype also fetches it cross-origin). Non-https schemes are rejected,
// except http when the top-level origin itself is http (local test sites).
//
// Preload eligibility (rework "Preloading"): every category key present and `enforce`,
// `preload=?1`, `max-age >= 31536000` (PreloadEligible). User agents ignore `preload` itself.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "headers/category.h"
#include "headers/url.h"

namespace verity::headers {

inline constexpr std::string_view kWaictHeaderName = "Integrity-Policy-WAICT-v1";
inline constexpr std::string_view kWaictReqHeaderName = "Integrity-Policy-WAICT-v1-Req";

// The request header value the drafts ask for on a checked site's requests ("Request Setup"): the
// manifest URL as an RFC 9651 sf-string, e.g. FormatWaictReqHeader("/m.json") == "\"/m.json\"".
// Characters an sf-string cannot carry (controls, non-ASCII) are dropped.
std::string FormatWaictReqHeader(std::string_view manifest_url);

enum class WaictDialect : uint8_t { kDraft, kFirefoxNightly, kRework };

std::string_view DialectName(WaictDialect d);  // "waict-v2" | "firefox" | "rework" (store/ vocabulary)
std::optional<WaictDialect> ParseDialectName(std::string_view s);

inline constexpr int64_t kPreloadMinMaxAge = 31536000;  // rework "Preloading": one year

struct WaictPolicy {
  WaictMode mode = WaictMode::kReport;  // v2/Firefox: `mode`; rework: the strongest category mode
  CategoryModes modes{};                // per category (nullopt: not in this header)
  int64_t max_age = 0;                  // seconds, 0..999'999'999'999'999
  std::string manifest_url;             // absolute, resolved, fragment removed
  std::string manifest_url_raw;         // the String as sent (for logs and the -Req header)
  bool manifest_cross_origin = false;   // manifest origin != top-level origin
  bool preload = false;
  std::vector<std::string> endpoints;             // rework `report-to`, v2/Firefox `endpoints` (names)
  std::vector<std::string> blocked_destinations;  // kFirefoxNightly only
  WaictDialect dialect = WaictDialect::kDraft;
  bool operator==(const WaictPolicy&) const = default;
};

// `field_value`: the header's field value (several field lines already joined with ", ").
// `top_level_origin`: e.g. "https://example.com" (header.bad_origin if malformed).
Result<WaictPolicy> ParseWaictPolicy(std::string_view field_value, std::string_view top_level_origin);
// Same over separate field lines; an empty vector is header.absent.
Result<WaictPolicy> ParseWaictPolicyLines(const std::vector<std::string>& field_lines,
                                          std::string_view top_level_origin);

// Rework "Preloading": every category enforce, preload=?1, max-age >= one year.
bool PreloadEligible(const WaictPolicy& p);

// True for the Fetch Standard's non-empty destination values ("script", "style", "image", ...).
bool IsFetchDestination(std::string_view token);

}  // namespace verity::headers
