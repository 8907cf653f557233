// The engine's bridge to transparency/ (design §4.2): the host config turned into a WitnessPolicy,
// the signed preload list read from a file, and the transparency verdict on one manifest response.
//
// Config -> policy:
//   services  [{name "ts.example", key "ts.example+3a1c9e0b+Aeky..."}]  -> TrustedService{"ts.example",
//   {key}} witnesses [{key "w1+da77ade7+AQ...", form "c2sp"}]                  -> WithKeyType(key, 0x04)
//             [{key "w2+c74f20a3+AQ...", form "waict"}]                 -> WithKeyType(key, 0x06)
//   witness_threshold -> min_witnesses, max_cosignature_age_s, future_skew_s -> the same fields.
//
// Manifest response "M LF base64(ChainHeadWithProof) LF" of https://app.example, max-age > 0:
//   VerifyChainHeadWithProof(proof, "app.example", M, policy, now)
//     live head                         -> "verified"   (engine then applies rollback memory)
//     tombstone >= cooldown old         -> "unenrolled" (verdicts allow, reason tombstone)
//     tombstone younger, any failure    -> "invalid"    (code = the transparency code)
//   no proof line                       -> "invalid", transparency.missing_proof
//                                          (transparency.proof_required for a preloaded site)
//   no trusted service configured       -> "invalid", transparency.no_trusted_service
// Not required (max-age 0, not preloaded): "not_required", the proof line is ignored.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "core/error.h"
#include "core/state.h"
#include "integrity/manifest_response.h"
#include "transparency/chain_head.h"
#include "transparency/preload.h"
#include "transparency/tree_head.h"

namespace verity::policy {

inline constexpr std::string_view kPreloadListFileName = "preload-list.note";
// The whole preloaded domain list goes into the hello reply (< 1 MiB); this cap keeps it there.
inline constexpr size_t kMaxPreloadListFileBytes = 256 * 1024;

// Errors: transparency.bad_verifier_key (a key whose ID does not match its name and key),
// transparency.bad_policy (CheckWitnessPolicy). An empty service list is not an error here.
Result<transparency::WitnessPolicy> WitnessPolicyFromConfig(const config::TransparencyConfig& c);
// Empty list_keys when no preload_list_key is configured.
Result<transparency::PreloadPolicy> PreloadPolicyFromConfig(const config::TransparencyConfig& c);

// The preload list as the host holds it (status: core/states.def).
struct PreloadState {
  PreloadStatus status = PreloadStatus::kAbsent;
  std::string detail;
  std::string path;
  uint64_t issued = 0;
  int64_t max_age_s = transparency::kDefaultPreloadMaxAgeSeconds;
  std::optional<transparency::PreloadList> list;  // set only when status == kOk

  // The list is trusted at `now` (verified and not stale by now).
  bool Trusted(int64_t now_s) const;
  bool Contains(std::string_view domain, int64_t now_s) const;
};

// Reads and verifies `path`. `witnesses`: the witness fields of the policy (nullptr: the config's
// transparency keys are unusable -> "invalid").
PreloadState LoadPreloadList(const std::string& path, const config::TransparencyConfig& c,
                             const transparency::WitnessPolicy* witnesses, int64_t now_s);

// What the engine knows when a manifest response arrives.
struct ProofContext {
  bool required = false;   // the policy's max-age > 0, or the site is preloaded
  bool preloaded = false;  // on the trusted preload list
  std::string domain;      // the site's host (the MPT key's domain)
  int64_t now_s = 0;
  int64_t cooldown_s = transparency::kDefaultTombstoneCooldownSeconds;
  const transparency::WitnessPolicy* policy = nullptr;  // nullptr: unusable, see policy_error
  std::optional<Error> policy_error;
};

struct ProofOutcome {
  TransparencyState state = TransparencyState::kNotRequired;
  ErrorCode code = ErrorCode::kOk;  // set when state == kInvalid
  std::string detail;
  std::optional<transparency::VerifiedHead> head;  // verified or unenrolled
};

ProofOutcome CheckManifestProof(const ProofContext& ctx, const integrity::ManifestResponse& response);

// The MPT domain of an origin "https://host[:port]": its host ("" if the origin does not parse).
std::string OriginDomain(std::string_view origin);

}  // namespace verity::policy
