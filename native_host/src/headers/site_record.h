// The per-top-level-origin WAICT state and its update rule, as a pure function
// (waict-integrity.md "Storage" and "Upgrades and Downgrades"; design §4.1 "HSTS-like rules").
//
//   std::optional<SiteRecord> rec;                                   // nothing stored yet
//   rec = ApplyPolicyHeader(rec, ParseWaictPolicy("max-age=600, mode=enforce, manifest=\"/m\"",
//                                                 "https://a.example"), /*now=*/1000);
//   // rec->mode == kEnforce, rec->expires_at == 1600, rec->manifest_url == "https://a.example/m"
//   rec = ApplyPolicyHeader(rec, ParseWaictPolicy("max-age=0, mode=report, manifest=\"/m2\"", ...), 1100);
//   // kDraftRules: mode stays kEnforce until 1600, manifest_url becomes ".../m2"
//
// Rules (UpdateRule::kDraftRules, the default; the draft's algorithm, which is a MUST):
//   R0  A record with expires_at <= now is dead: it is treated as absent (and so never returned).
//   R1  Header absent or invalid (any error Result): the live record stays unchanged; none -> none.
//   R2  No live record: store {mode, expires_at = now + max-age, ...}. With max-age = 0 the record
//       is born expired, so nothing is stored (the site asked for no downgrade protection).
//   R3  Live record, valid header:
//       a. manifest_url, endpoints, preload and dialect are always overwritten (draft steps 1-2: a
//          new manifest is picked up at once; it is still verified before use);
//       b. report -> enforce: mode = enforce, expires_at = now + max-age (upgrade at once; with
//          max-age = 0 the upgraded record therefore ends at once, as the draft's step 4.1 reads);
//       c. same mode: expires_at = max(expires_at, now + max-age) (extend, never shorten);
//       d. enforce -> report, or a shorter max-age (max-age = 0 included): mode and expiry are
//          kept. A site can only downgrade (or switch WAICT off) once its last max-age has run out;
//          this is the downgrade protection against a compromised server.
//       e. blocked_destinations (Firefox dialect): union of the stored and the new list while the
//          record is live (destinations can be added at once, removed only after expiry; our reading
//          of the per-destination records of the draft revision that had this member).
//
// UpdateRule::kHstsLike (what the project brief described; NOT what the draft says): any valid
// header replaces the record (expires_at = now + max-age), max-age = 0 deletes it, and a valid
// enforce -> report header downgrades immediately because the site says so. R0 and R1 still hold.
// It is offered for callers that prefer HSTS semantics; the default follows the draft.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "headers/waict_policy.h"

namespace verity::headers {

struct SiteRecord {
  WaictMode mode = WaictMode::kReport;
  int64_t expires_at = 0;  // unix seconds; live while now < expires_at
  std::string manifest_url;
  std::vector<std::string> endpoints;
  std::vector<std::string> blocked_destinations;
  bool preload = false;
  WaictDialect dialect = WaictDialect::kDraft;
  bool operator==(const SiteRecord&) const = default;
};

enum class UpdateRule : uint8_t { kDraftRules, kHstsLike };

// True if the record exists and now < expires_at.
bool IsLive(const std::optional<SiteRecord>& record, int64_t now_seconds);

std::optional<SiteRecord> ApplyPolicyHeader(const std::optional<SiteRecord>& existing,
                                            const Result<WaictPolicy>& parsed_or_absent, int64_t now_seconds,
                                            UpdateRule rule = UpdateRule::kDraftRules);

}  // namespace verity::headers
