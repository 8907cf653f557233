// ChainHeadWithProof: what a site serves at /.well-known/waict/v1/inclusion/<id> and what
// /leaf/<domain> returns (waict-apis.md "Append to resource chain", waict-proofs.md
// "Inclusion Proofs"; design §4.2). Big-endian, exact lengths, no trailing bytes:
//
//   ChainNode head            112 bytes (chain.h)
//   uint16 proof_len          1..65535, then proof_len bytes of MPT inclusion proof (mpt.h)
//   uint24 note_len           1..2^24-1, then note_len bytes of signed note (tree_head.h)
//
// e.g. a single-domain tree: 112 bytes || 00 29 || "mptproof" 01 <value> || 00 01 2c || <300-byte note>.
//
// Verification (VerifyChainHeadWithProof): the note is a prefix-tree root signed by a trusted service
// and cosigned per the witness policy; the MPT proof shows key SHA-256("waict-kh" || domain) maps to
// value SHA-256("waict-ch" || head) under that root; the head's resource_hash equals
// SHA-256("waict-rh" || manifest bytes) unless the head is a tombstone (then the caller applies the
// cooldown rule, preload.h). Rollback memory is a separate pure check (CheckRollback).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/error.h"
#include "transparency/chain.h"
#include "transparency/tree_head.h"

namespace verity::transparency {

inline constexpr size_t kMaxChainHeadProofSize = 0xFFFF;
inline constexpr size_t kMaxChainHeadNoteSize = 0xFFFFFF;

struct ChainHeadWithProof {
  ChainNode head;
  Bytes mpt_proof;
  std::string signed_note;
};

struct VerifiedHead {
  ChainNode head;
  bool tombstone = false;
  VerifiedTreeHead tree;
};

// What the host remembers per domain (design §4.2 Decision, rollback).
struct StoredHead {
  uint64_t position_in_chain = 0;
  uint64_t time_created = 0;
};

// Framing only (transparency.bad_chain_head): exact lengths, no trailing bytes.
Result<ChainHeadWithProof> ParseChainHeadWithProof(ByteView bytes);
// transparency.bad_chain_head if a field is empty or too long for its length prefix.
Result<Bytes> FormatChainHeadWithProof(const ChainHeadWithProof& value);

// `domain` is the site's host as logged: lowercase ASCII (A-labels), no trailing dot, no port.
// `manifest` are the exact manifest bytes the site served (ignored for a tombstone head).
// Errors: bad_chain_head, bad_chain_node, malformed_note, bad_tree_note, unknown_service,
// bad_signature, no_verified_signature, bad_cosignature, future_timestamp, stale_cosignature,
// too_few_witnesses, bad_policy, bad_mpt_proof, resource_hash_mismatch.
Result<VerifiedHead> VerifyChainHeadWithProof(ByteView bytes, std::string_view domain, ByteView manifest,
                                              const WitnessPolicy& policy, int64_t now);

// Proof that `domain` has no entry in the tree signed by `note` (absence proof of mpt.h, design §4.2
// Decision): the note is verified exactly as above, then VerifyMptAbsence against its root.
Result<VerifiedTreeHead> VerifyDomainAbsent(std::string_view note, std::string_view domain,
                                            ByteView absence_proof, const WitnessPolicy& policy, int64_t now);

// transparency.rollback if `head` is older than what was verified before: a lower position, the same
// position with an earlier time, or a higher position with an earlier time (chain time never goes
// backwards). A new head (or the same one again) passes.
Status CheckRollback(const ChainNode& head, const std::optional<StoredHead>& stored);

}  // namespace verity::transparency
