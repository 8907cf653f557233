// The WAICT opt-in response header `Integrity-Policy-WAICT-v1` (waict-wg/waict-integrity-spec,
// waict-integrity.md "Signalling Use of WAICT / Response Header"; design §4.1). An RFC 9651
// Dictionary:
//
//   Integrity-Policy-WAICT-v1: max-age=90, mode=report, preload=?0, endpoints=(foo-reports),
//                              manifest="/.well-known/waict/manifests/baz_manifest_5X_MjpjR0bpBpP3dEF6-hA"
//
//   auto p = headers::ParseWaictPolicy(value, "https://example.com");
//   p->mode == WaictMode::kReport, p->max_age == 90, p->preload == false,
//   p->endpoints == {"foo-reports"}, p->dialect == WaictDialect::kDraft,
//   p->manifest_url == "https://example.com/.well-known/waict/manifests/baz_manifest_5X_MjpjR0bpBpP3dEF6-hA"
//
// Members (values are Items unless noted; Item parameters are ignored):
//   max-age   required  Integer >= 0 (seconds)
//   mode      required  Token `enforce` | `report`
//   manifest  required  non-empty String, a URL resolved against the top-level origin's root (url.h)
//   preload   optional  Boolean, default ?0; any other type: member ignored (informational only)
//   endpoints optional  Inner List; Token and String items are taken in order, other items skipped;
//                       not an Inner List: member ignored. (The draft only voids the header for
//                       mandatory members; Firefox is stricter and voids it.)
//   other keys, including `GREASE-*`, are ignored. RFC 9651 keys are lowercase, so the draft's
//   uppercase `GREASE-` keys would fail a strict parse; this parser accepts A-Z in keys
//   (sfv::ParseOptions::allow_uppercase_keys) only so that such keys can be ignored as required.
// A missing or invalid required member voids the whole header (header.missing_member /
// header.invalid_member / header.bad_manifest_url); a value that is not an RFC 9651 Dictionary is
// header.syntax; no field line at all is header.absent. Duplicate keys: the last one wins (RFC 9651).
//
// Manifest URL decision: relative URLs resolve against "scheme://host[:port]/" of the top-level
// origin. An absolute https URL on another origin is ACCEPTED and flagged (manifest_cross_origin):
// the draft allows any URL and the manifest is authenticated by its transparency proof, not by its
// location (Firefox's prototype also fetches it cross-origin). Non-https schemes are rejected,
// except http when the top-level origin itself is http (local test sites).
//
// Firefox Nightly dialect (design §4.1(b)): Firefox's prototype (dom/security IntegrityPolicyWAICT,
// WAICTUtils) and an earlier draft revision also send a required `blocked-destinations`, an Inner
// List of Tokens naming Fetch destinations, e.g.
//   manifest="/waict-manifest.json", blocked-destinations=(script image), mode=enforce, max-age=0
// Reading implemented: the presence of `blocked-destinations` selects WaictDialect::kFirefoxNightly;
// then it must be an Inner List whose items are all Tokens (else header.invalid_member, as Firefox
// voids the header); tokens that are Fetch destinations are kept (unique, in order), others ignored
// ("Unrecognized tokens MUST be ignored"); `()` is valid. max-age, mode and manifest stay required
// (Firefox's current parser requires all three). In this dialect WAICT covers only the listed
// destinations (Firefox recognises script, style, image); in the draft dialect the list is empty
// and coverage follows the draft's active/passive destination tables.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "headers/url.h"

namespace verity::headers {

inline constexpr std::string_view kWaictHeaderName = "Integrity-Policy-WAICT-v1";

enum class WaictMode : uint8_t { kEnforce, kReport };
enum class WaictDialect : uint8_t { kDraft, kFirefoxNightly };

std::string_view ModeName(WaictMode m);        // "enforce" | "report"
std::string_view DialectName(WaictDialect d);  // "waict-v2" | "firefox" (store/ vocabulary)

struct WaictPolicy {
  WaictMode mode = WaictMode::kReport;
  int64_t max_age = 0;                 // seconds, 0..999'999'999'999'999
  std::string manifest_url;            // absolute, resolved, fragment removed
  std::string manifest_url_raw;        // the String as sent (for logs and the -Req header)
  bool manifest_cross_origin = false;  // manifest origin != top-level origin
  bool preload = false;
  std::vector<std::string> endpoints;
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

// True for the Fetch Standard's non-empty destination values ("script", "style", "image", ...).
bool IsFetchDestination(std::string_view token);

}  // namespace verity::headers
