// WAICT Merkle-Patricia tree (waict-transparency-spec merkle-patricia-tree.md, compatible with
// rsc's MPT design; design §4.2). Keys and values are 32 bytes; bit 0 is the MSB of byte 0.
//
//   key   = SHA-256("waict-kh" || domain)
//   leaf  = SHA-256(key || value)
//   inner = SHA-256(left || right || u8 r)   r = first bit where the two subtrees' keys differ;
//                                            the subtree whose keys have bit r = 0 is on the left
//   empty tree root = SHA-256("")
//
// Inclusion proof (spec "Inclusion proof"):
//   "mptproof" || 0x01 || value[32] || (u8 r || sibling[32])*      steps from the leaf upwards,
//   r strictly decreasing, no trailing bytes, length = 41 + 33*k with k <= 256.
//   Example: a 2-leaf tree whose keys first differ at bit 2 -> 74 bytes:
//   6d707470726f6f66 01 <value> 02 <sibling leaf hash>
//
// Absence proof (design §4.2 Decision, not yet in the draft; docs/formats.md):
//   "mptproof" || 0x02 || key'[32] || value'[32] || (u8 r || sibling[32])*
//       the leaf a lookup for the target reaches: key' != target, target agrees with key' on every
//       step's bit r, and (key', value') is included under the root with those steps.
//   "mptproof" || 0x03        (exactly 9 bytes) the tree is empty: root == SHA-256("").
//
// Build(): keys are sorted once, then the tree is hashed recursively over sorted ranges (a range's
// split bit is the first bit where its first and last key differ). Memory is 128 bytes per leaf
// (key, value, leaf hash, one inner hash per split point): 1M domains ~ 128 MB.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/error.h"

namespace verity::transparency {

inline constexpr std::string_view kMptProofMagic = "mptproof";
inline constexpr uint8_t kMptProofInclusion = 0x01;
inline constexpr uint8_t kMptProofAbsence = 0x02;
inline constexpr uint8_t kMptProofEmpty = 0x03;
inline constexpr size_t kMptMaxSteps = 256;
inline constexpr size_t kMptStepSize = 33;
inline constexpr size_t kMptInclusionHeaderSize = 8 + 1 + 32;     // 41
inline constexpr size_t kMptAbsenceHeaderSize = 8 + 1 + 32 + 32;  // 73

struct MptLeaf {
  Hash32 key{};
  Hash32 value{};
};

struct MptProofStep {
  uint8_t bit = 0;  // r
  Hash32 sibling{};
};

struct MptInclusionProof {
  Hash32 value{};
  std::vector<MptProofStep> steps;  // leaf upwards
};

struct MptAbsenceProof {
  bool empty_tree = false;
  Hash32 other_key{};
  Hash32 other_value{};
  std::vector<MptProofStep> steps;
};

Hash32 ComputeMptKey(std::string_view domain);
Hash32 HashMptLeaf(const Hash32& key, const Hash32& value);
Hash32 HashMptInner(const Hash32& left, const Hash32& right, uint8_t bit);
Hash32 EmptyMptRoot();
// Bit r of a key (0 = most significant bit of byte 0).
inline int MptKeyBit(const Hash32& key, unsigned r) { return (key[r >> 3] >> (7 - (r & 7))) & 1; }

class MptTree {
 public:
  // Sorts the leaves; transparency.duplicate_key if a key repeats.
  static Result<MptTree> Build(std::vector<MptLeaf> leaves);
  MptTree() = default;

  const Hash32& root() const { return root_; }
  uint64_t size() const { return leaves_.size(); }
  std::optional<Hash32> Lookup(const Hash32& key) const;
  // transparency.key_not_found if absent.
  Result<MptInclusionProof> ProveInclusion(const Hash32& key) const;
  // transparency.key_present if the key is in the tree.
  Result<MptAbsenceProof> ProveAbsence(const Hash32& key) const;

 private:
  struct Split {
    uint8_t bit;
    uint64_t mid;  // first index of the right subtree
  };
  Split SplitRange(uint64_t lo, uint64_t hi) const;
  Hash32 NodeHash(uint64_t lo, uint64_t hi) const;
  // Steps (leaf upwards) of the path a lookup for `key` follows, and the leaf index it reaches.
  uint64_t Walk(const Hash32& key, std::vector<MptProofStep>* steps) const;

  std::vector<MptLeaf> leaves_;     // sorted by key
  std::vector<Hash32> leaf_hash_;   // per leaf
  std::vector<Hash32> inner_hash_;  // inner node whose right subtree starts at i+1
  Hash32 root_{};
};

// Root over an unsorted set of leaves (transparency.duplicate_key if a key repeats).
Result<Hash32> ComputeMptRoot(std::vector<MptLeaf> leaves);

// Syntax only: exact length, magic, type byte, r strictly decreasing (transparency.bad_mpt_proof).
Result<MptInclusionProof> ParseMptInclusionProof(ByteView proof);
Bytes FormatMptInclusionProof(const MptInclusionProof& proof);
Result<MptAbsenceProof> ParseMptAbsenceProof(ByteView proof);
Bytes FormatMptAbsenceProof(const MptAbsenceProof& proof);

// Root implied by a leaf (key, value) and the steps above it.
Hash32 ComputeMptRootFromSteps(const Hash32& key, const Hash32& value,
                               const std::vector<MptProofStep>& steps);

// Parses `proof` and checks that (key, value) is in the tree with root `root`: the proof's value must
// equal `value` and the recomputed root must equal `root`. transparency.bad_mpt_proof otherwise.
Status VerifyMptInclusion(const Hash32& root, const Hash32& key, const Hash32& value, ByteView proof);
// Checks that `key` is not in the tree with root `root`. transparency.bad_mpt_proof otherwise.
Status VerifyMptAbsence(const Hash32& root, const Hash32& key, ByteView proof);

}  // namespace verity::transparency
