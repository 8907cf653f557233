// Per-resource verdict against a parsed manifest: a pure function (design §4.1; WAICT integrity
// draft v2, "Integrity Check" and "Integration with HostEnsureCanCompileWasmBytes").
//
// WAICT dialect, in the draft's order (h = SHA-256 of the unencoded body):
//   1. tombstone                                          -> allow  "tombstone"
//   2. destination "wasm": h in wasm_hashes               -> allow  "wasm_match"
//                          otherwise                      -> fail   "wasm_hash_mismatch"
//   3. destination neither active nor passive             -> allow  "not_covered"
//   4. key = canonical request URL (before redirects, no fragment; integrity/url.h)
//   5. passive and key not listed                         -> allow  "passive_unlisted"
//   6. document and h in fallback_hashes                  -> allow  "fallback_match"
//   7. key listed: h matches                              -> allow  "manifest_match"
//                  otherwise                              -> fail   "no_manifest_match"
//   8. (Firefox) h in any_hashes                          -> allow  "any_match"
//   9. wildcard_hashes and resource_delimiter non-empty: every piece hash in wildcard_hashes
//                                                         -> allow  "wildcard_match"
//      otherwise (or piece hashes not supplied)           -> fail   "no_manifest_match"
//  10.                                                    -> fail   "missing_from_manifest"
// SRI never exempts a resource from the manifest, in any dialect (rework "Interaction with SRI and
// Integrity Policy": SRI metadata is ignored for covered requests; Firefox never lets SRI exempt a
// resource from WAICT): an `integrity=` attribute is server-made, so it cannot vouch for anything.
//
// Rework dialect (DecideCategory): the category of the destination (headers/category.h, via
// CategoryOf) fixes the class: mode-wasm -> step 2, passive categories (image, font, media) -> the
// passive steps, every other category -> active; a destination without a category is not covered.
// The caller passes the mode of that category.
//
// A header destination policy (Firefox's `blocked-destinations` from Integrity-Policy-WAICT-v1) or
// the article dialect's / old Firefox manifest's `integrity-policy`:
//   destination in neither set -> allow "not_covered"; key listed: h matches -> "manifest_match",
//   else fail "no_manifest_match" (no fallback to any_hashes, as Firefox reads it); h in any_hashes
//   ("" path) -> "any_match"; else fail "missing_from_manifest".
//   A failure follows the mode for blocked-destinations and reports for checked-destinations only.
// The header policy, when given, decides coverage whatever the manifest's shape (a plain
// {"hashes": ...} manifest included); a Firefox manifest without any policy follows the WAICT steps.
//
// A failure becomes Action::kBlock in Mode::kEnforce, Action::kWarn in Mode::kWarn (the resource is
// delivered, the user is warned) and Action::kReport in Mode::kReport.
//
//   ResourceFacts r{.url = "https://example.com/app.js", .destination = Destination::kScript,
//                   .body_hash = crypto::Sha256(body)};
//   Decision d = DecideResource(manifest, r, Mode::kEnforce);
//   // {kAllow, "manifest_match", ""} or {kBlock, "no_manifest_match", "https://... expected ..."}
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/action.h"
#include "core/bytes.h"
#include "core/error.h"
#include "headers/category.h"
#include "integrity/destination.h"
#include "integrity/manifest.h"

namespace verity::integrity {

using Mode = headers::WaictMode;  // the one mode vocabulary (headers/category.h; ModeName there)
using Action = ::verity::Action;  // the one action type (core/actions.def)

Result<Mode> ParseMode(std::string_view s);  // "enforce" | "warn" | "report"; else decision.bad_mode
std::string_view ActionName(Action a);       // "allow", "block", "report", "warn"

// Reason names: the draft's failure reasons plus Verity's names for the ways a resource passes.
namespace reason {
inline constexpr std::string_view kTombstone = "tombstone";
inline constexpr std::string_view kNotCovered = "not_covered";
inline constexpr std::string_view kPassiveUnlisted = "passive_unlisted";
inline constexpr std::string_view kFallbackMatch = "fallback_match";
inline constexpr std::string_view kManifestMatch = "manifest_match";
inline constexpr std::string_view kAnyMatch = "any_match";
inline constexpr std::string_view kWildcardMatch = "wildcard_match";
inline constexpr std::string_view kWasmMatch = "wasm_match";
inline constexpr std::string_view kInlineUrlMatch = "inline_url_match";
// Failures (draft names).
inline constexpr std::string_view kNoManifestMatch = "no_manifest_match";
inline constexpr std::string_view kMissingFromManifest = "missing_from_manifest";
inline constexpr std::string_view kWasmHashMismatch = "wasm_hash_mismatch";
inline constexpr std::string_view kInlineViolation = "inline_violation";
// Manifest-level failures the policy layer reports before a manifest exists (draft names).
inline constexpr std::string_view kManifestUnavailable = "manifest_unavailable";
inline constexpr std::string_view kInvalidManifest = "invalid_manifest";
inline constexpr std::string_view kInvalidTransparencyProof = "invalid_transparency_proof";
}  // namespace reason

struct ResourceFacts {
  std::string_view url;  // request URL as first requested (before redirects); fragment ignored
  Destination destination = Destination::kOther;
  Hash32 body_hash{};  // SHA-256 of the unencoded body
  // SHA-256 of each piece of the body split by manifest.resource_delimiter (HashPieces). Needed
  // only when the manifest has wildcard_hashes and a delimiter; nullptr = not computed.
  const std::vector<Hash32>* piece_hashes = nullptr;
};

struct Decision {
  Action action = Action::kBlock;
  std::string_view reason;  // one of reason::k*
  std::string detail;       // human detail (URL, expected hash); empty on a plain allow
};

// `header_policy`: Firefox's Integrity-Policy blocked/checked destinations when the policy layer
// has them (overrides the manifest's own; ignored for WAICT and article manifests).
Decision DecideResource(const Manifest& manifest, const ResourceFacts& resource, Mode mode,
                        const DestinationPolicy* header_policy = nullptr);

// Rework dialect: `category` is CategoryOf(resource.destination) and `mode` that category's mode.
// A data: or blob: URL under an active category (rework "data: and blob: URLs as Active Content"):
// body_hash (SHA-256 of the resolved bytes) in inline_url_hashes -> allow "inline_url_match",
// else fail "inline_violation"; under a passive category it is not covered (the origin's CSP rules).
Decision DecideCategory(const Manifest& manifest, const ResourceFacts& resource, headers::Category category,
                        Mode mode);

// A failure verdict for a manifest-level reason (reason::kManifestUnavailable, ...).
Decision FailureDecision(std::string_view reason, Mode mode, std::string detail = {});

// SHA-256 of each piece of `body` split on `delimiter` (draft: "<r1><d><r2>...<rn>"; a trailing
// delimiter yields an empty last piece). An empty delimiter yields one piece, the whole body.
std::vector<Hash32> HashPieces(ByteView body, std::string_view delimiter);

}  // namespace verity::integrity
