// WAICT signed prefix-tree roots and the witness policy (waict-apis.md "Upload cosignature",
// waict-proofs.md "Inclusion Proofs" steps 1, 4, 5; design §4.2 Decisions on cosignatures and witness
// policy).
//
// Tree note body: exactly three lines,
//   <tdomain>/prefix-tree\n      origin: the transparency service's domain + "/prefix-tree"
//   <N>\n                        batches processed, decimal, no leading zeros
//   <base64 root>\n              32-byte MPT root, standard padded base64
// e.g. "ts.example/prefix-tree\n7\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n" (the empty root).
// The note carries a type-0x01 signature by one of the service's keys and witness cosignatures
// (type 0x04 cosignature/v1 or kSigTypeWaictCosignature), see note.h.
//
// Witness policy (design §4.2 Decision): at least k of the n configured witnesses (default k = 2
// when n >= 2, else n) must cosign; a cosignature counts only if now - time <= max age (7 days);
// a configured witness's timestamp more than 5 minutes ahead of `now` rejects the note. The clock
// is always an input.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"
#include "transparency/note.h"

namespace verity::transparency {

inline constexpr std::string_view kPrefixTreeOriginSuffix = "/prefix-tree";
inline constexpr int64_t kDefaultMaxCosignatureAgeSeconds = 7 * 24 * 3600;
inline constexpr int64_t kDefaultMaxFutureSkewSeconds = 5 * 60;

struct TreeNoteBody {
  std::string service;  // <tdomain>
  uint64_t size = 0;    // <N>
  Hash32 root{};
};

// A transparency service the client trusts: its domain (the origin line before "/prefix-tree") and
// its type-0x01 note keys. No key: witness-only (the note needs no service signature, only the
// witness quorum, which must then require at least one witness: CheckWitnessPolicy).
struct TrustedService {
  std::string domain;
  std::vector<VerifierKey> keys;
};

struct WitnessPolicy {
  std::vector<TrustedService> services;
  std::vector<VerifierKey> witnesses;     // type 0x04 or kSigTypeWaictCosignature
  std::optional<uint64_t> min_witnesses;  // k; default RequiredWitnesses()
  int64_t max_cosignature_age_seconds = kDefaultMaxCosignatureAgeSeconds;
  int64_t max_future_skew_seconds = kDefaultMaxFutureSkewSeconds;
};

struct WitnessCosignature {
  std::string name;
  uint32_t key_id = 0;
  uint64_t time = 0;
};

struct VerifiedTreeHead {
  TreeNoteBody body;
  std::string service_key;                       // name of the service key that signed; empty: witness-only
  std::vector<WitnessCosignature> cosignatures;  // fresh, counted toward the quorum
};

// Service domain: 1..253 characters of [a-z0-9.-] (case-insensitive input is rejected, not folded).
bool IsValidServiceDomain(std::string_view domain);
// transparency.bad_tree_note on any deviation from the three-line form.
Result<TreeNoteBody> ParseTreeNoteBody(std::string_view text);
std::string FormatTreeNoteBody(const TreeNoteBody& body);

// k for the policy: min_witnesses if set, else 2 when n >= 2, else n.
uint64_t RequiredWitnesses(const WitnessPolicy& policy);
// transparency.bad_policy if k > n, a witness key is not a cosignature type, a service key is not
// type 0x01, or an age/skew is negative.
Status CheckWitnessPolicy(const WitnessPolicy& policy);

// Counts the configured witnesses' cosignatures on `note` (any known-key failure rejects).
// Errors: bad_cosignature, future_timestamp, stale_cosignature (quorum reachable only with stale
// ones), too_few_witnesses, ambiguous_key, bad_policy.
Result<std::vector<WitnessCosignature>> VerifyWitnessQuorum(const Note& note, const WitnessPolicy& policy,
                                                            int64_t now);

// Full check of a signed prefix-tree root: note syntax, body, trusted service (unknown_service),
// service signature (bad_signature / no_verified_signature), witness quorum.
Result<VerifiedTreeHead> VerifyTreeNote(std::string_view note, const WitnessPolicy& policy, int64_t now);

}  // namespace verity::transparency
