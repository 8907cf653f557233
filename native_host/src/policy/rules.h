// The engine's bridges to the format modules (design §4.1): the WAICT policy header applied to the
// site record (headers/), the W3C Integrity-Policy header, manifest intake (integrity/ split +
// parse) and the per-resource decision (integrity/ decision + sri/). Kept apart from engine.cc so
// that the engine's state handling does not depend on the details of those modules.
//
//   Integrity-Policy-WAICT-v1: max-age=86400, mode=enforce, manifest="/.well-known/waict/manifest"
//     -> headers::SiteRecord{mode enforce, expires_at now+86400,
//                            manifest_url "https://app.example/.well-known/waict/manifest"}
//   manifest body "{\"hashes\":{\"/app.js\":\"r4j9...\"}}\n\n"
//     -> LoadedManifest{id base64url(SHA-256(manifest line)), dialect "waict-v2", entries 1,
//                       transparency "not_required" (max-age 0) | "verified" | "unenrolled" |
//                       "invalid" (max-age > 0 or preloaded: transparency_gate.h)}
// Header updates follow headers::UpdateRule::kDraftRules (the draft's upgrade/downgrade algorithm:
// upgrades and extensions at once, downgrades only after the stored max-age ran out).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "headers/site_record.h"
#include "headers/waict_policy.h"
#include "integrity/decision.h"
#include "integrity/manifest.h"
#include "policy/engine.h"
#include "policy/transparency_gate.h"
#include "store/store.h"

namespace verity::policy {

inline constexpr std::string_view kWaictHeader = "integrity-policy-waict-v1";
inline constexpr std::string_view kW3cHeader = "integrity-policy";

struct HeaderUpdate {
  std::optional<headers::WaictPolicy> policy;  // the header parsed (valid)
  std::optional<headers::SiteRecord> record;   // the record after the update rule
  bool changed = false;                        // record differs from the current one
  std::string event;  // "enrolled" | "updated" | "expired" | "header_invalid"; empty: nothing to log
  std::string note;   // human detail
};

HeaderUpdate ApplyWaictHeader(const std::string& origin, const std::optional<headers::SiteRecord>& current,
                              std::string_view value, int64_t now_s);

// Persistence: headers::SiteRecord <-> store::SiteRecord (endpoints and blocked destinations are
// recovered by re-parsing the stored raw header).
store::SiteRecord ToStoreRecord(const std::string& origin, const headers::SiteRecord& r,
                                std::string_view raw_header, int64_t max_age);
headers::SiteRecord FromStoreRecord(const store::SiteRecord& r);

Result<W3cIntegrityPolicy> ParseW3cIntegrityPolicy(std::string_view value);

// Destination policy from a Firefox-dialect header's blocked-destinations (nullopt if none).
std::optional<integrity::DestinationPolicy> HeaderDestinationPolicy(const headers::SiteRecord& r);

struct LoadedManifest {
  ManifestSummary summary;  // state + id + reason
  std::string dialect;      // "waict-v2" | "article" | "firefox" ("" if unparsed)
  uint64_t entries = 0;
  TransparencyState transparency = TransparencyState::kNotRequired;
  std::string transparency_code;  // wire name of the transparency failure, if any
  std::string detail;
  std::optional<integrity::Manifest> model;        // set unless state == invalid
  std::optional<transparency::VerifiedHead> head;  // the verified chain head, if any
};

// Splits, hashes and parses one manifest response body for `origin`, then checks its transparency
// proof (CheckManifestProof). Never fails: problems give state "invalid" with reason
// invalid_manifest, invalid_transparency_proof or transparency.no_trusted_service (no usable
// transparency policy), and detail "<code>: ...". Rollback memory is the caller's (engine).
// `hint`: kFirefoxHeader when the site's header is the Firefox format (integrity/manifest.h).
std::shared_ptr<LoadedManifest> LoadManifest(const std::string& origin, std::string_view body,
                                             const ProofContext& proof,
                                             integrity::ManifestHint hint = integrity::ManifestHint::kAuto);

// Marks `m` invalid for a transparency failure (reason invalid_transparency_proof, or the code itself
// for transparency.no_trusted_service / a broken key in the config).
void RejectTransparency(LoadedManifest& m, ErrorCode code, std::string_view detail);

struct ResourceDecision {
  Action action = Action::kBlock;
  std::string reason;  // protocol reason name (docs/protocol.md "verdict")
  std::string detail;
};

// What governs one request (rework "Determine Coverage"): the category of its destination and the
// mode in force for it. Rework dialect: the category's own mode, nullopt = not covered. v2, Firefox
// and user-enrolled sites: the one site-wide mode (coverage then follows the v2 classes or the
// Firefox header's blocked-destinations inside the decision).
struct Governing {
  std::optional<headers::Category> category;
  std::optional<headers::WaictMode> mode;
};
Governing GoverningMode(const headers::CategoryModes& modes, headers::WaictDialect dialect,
                        std::string_view destination);

// enforce -> block, warn -> warn (delivered, the user is warned), report -> report.
Action FailureActionFor(headers::WaictMode mode);

// `mode`: the governing mode (GoverningMode). `header_policy`: see HeaderDestinationPolicy.
// SRI metadata never changes the verdict (integrity/decision.h).
ResourceDecision DecideResource(const LoadedManifest& m, const VerdictRequest& req, const Governing& g,
                                headers::WaictDialect dialect,
                                const integrity::DestinationPolicy* header_policy);

}  // namespace verity::policy
