#include "transparency/chain_head.h"

#include "crypto/hash.h"
#include "transparency/mpt.h"

namespace verity::transparency {
namespace {

Error BadFraming(std::string detail) {
  return MakeError(ErrorCode::kTransparencyBadChainHead, std::move(detail));
}

}  // namespace

Result<ChainHeadWithProof> ParseChainHeadWithProof(ByteView b) {
  if (b.size() < kChainNodeSize + 2) return BadFraming("shorter than ChainNode + proof length");
  auto node = ParseChainNode(b.first(kChainNodeSize));
  if (!node) return node.error();
  ByteView rest = b.subspan(kChainNodeSize);
  const size_t proof_len = ReadUintBE(rest.first(2));
  rest = rest.subspan(2);
  if (proof_len == 0) return BadFraming("empty MPT proof");
  if (rest.size() < proof_len + 3) return BadFraming("truncated MPT proof or missing note length");
  ChainHeadWithProof out;
  out.head = *node;
  out.mpt_proof.assign(rest.begin(), rest.begin() + static_cast<std::ptrdiff_t>(proof_len));
  rest = rest.subspan(proof_len);
  const size_t note_len = ReadUintBE(rest.first(3));
  rest = rest.subspan(3);
  if (note_len == 0) return BadFraming("empty signed note");
  if (rest.size() != note_len)
    return BadFraming(rest.size() < note_len ? "truncated signed note" : "trailing bytes");
  out.signed_note = ToString(rest);
  return out;
}

Result<Bytes> FormatChainHeadWithProof(const ChainHeadWithProof& v) {
  if (v.mpt_proof.empty() || v.mpt_proof.size() > kMaxChainHeadProofSize) return BadFraming("MPT proof size");
  if (v.signed_note.empty() || v.signed_note.size() > kMaxChainHeadNoteSize) return BadFraming("note size");
  Bytes out = FormatChainNode(v.head);
  out.push_back(static_cast<uint8_t>(v.mpt_proof.size() >> 8));
  out.push_back(static_cast<uint8_t>(v.mpt_proof.size()));
  out.insert(out.end(), v.mpt_proof.begin(), v.mpt_proof.end());
  out.push_back(static_cast<uint8_t>(v.signed_note.size() >> 16));
  out.push_back(static_cast<uint8_t>(v.signed_note.size() >> 8));
  out.push_back(static_cast<uint8_t>(v.signed_note.size()));
  out.insert(out.end(), v.signed_note.begin(), v.signed_note.end());
  return out;
}

Result<VerifiedHead> VerifyChainHeadWithProof(ByteView bytes, std::string_view domain, ByteView manifest,
                                              const WitnessPolicy& policy, int64_t now) {
  auto parsed = ParseChainHeadWithProof(bytes);
  if (!parsed) return parsed.error();
  auto tree = VerifyTreeNote(parsed->signed_note, policy, now);
  if (!tree) return tree.error();
  const ChainNode& head = parsed->head;
  if (head.entry.time_created > static_cast<uint64_t>(INT64_MAX) ||
      (static_cast<int64_t>(head.entry.time_created) > now &&
       static_cast<int64_t>(head.entry.time_created) - now > policy.max_future_skew_seconds)) {
    return MakeError(ErrorCode::kTransparencyFutureTimestamp, "chain head created in the future");
  }
  VERITY_RETURN_IF_ERROR(
      VerifyMptInclusion(tree->body.root, ComputeMptKey(domain), ComputeMptValue(head), parsed->mpt_proof));
  VerifiedHead out;
  out.head = head;
  out.tombstone = IsTombstone(head.entry);
  if (!out.tombstone && !crypto::ConstantTimeEqual(head.entry.resource_hash, ComputeResourceHash(manifest))) {
    return MakeError(ErrorCode::kTransparencyResourceHashMismatch,
                     "logged resource hash differs from the manifest");
  }
  out.tree = std::move(*tree);
  return out;
}

Result<VerifiedTreeHead> VerifyDomainAbsent(std::string_view note, std::string_view domain,
                                            ByteView absence_proof, const WitnessPolicy& policy,
                                            int64_t now) {
  auto tree = VerifyTreeNote(note, policy, now);
  if (!tree) return tree.error();
  VERITY_RETURN_IF_ERROR(VerifyMptAbsence(tree->body.root, ComputeMptKey(domain), absence_proof));
  return tree;
}

Status CheckRollback(const ChainNode& head, const std::optional<StoredHead>& stored) {
  if (!stored) return OkStatus();
  const uint64_t pos = head.entry.position_in_chain, t = head.entry.time_created;
  if (pos < stored->position_in_chain) {
    return MakeError(ErrorCode::kTransparencyRollback, "position " + std::to_string(pos) + " < verified " +
                                                           std::to_string(stored->position_in_chain));
  }
  if (t < stored->time_created) {
    return MakeError(ErrorCode::kTransparencyRollback, "time_created " + std::to_string(t) + " < verified " +
                                                           std::to_string(stored->time_created));
  }
  return OkStatus();
}

}  // namespace verity::transparency
