#include "transparency/mpt.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "crypto/hash.h"

namespace verity::transparency {
namespace {

bool KeyLess(const MptLeaf& a, const MptLeaf& b) { return std::memcmp(a.key.data(), b.key.data(), 32) < 0; }

// First bit where a and b differ; a != b required.
uint8_t FirstDifferingBit(const Hash32& a, const Hash32& b) {
  for (unsigned i = 0; i < 32; ++i) {
    uint8_t x = a[i] ^ b[i];
    if (x != 0) return static_cast<uint8_t>(i * 8 + std::countl_zero(x));
  }
  return 255;  // unreachable for distinct keys
}

Hash32 Read32(ByteView b) {
  Hash32 h{};
  std::memcpy(h.data(), b.data(), 32);
  return h;
}

Error ProofError(std::string detail) {
  return MakeError(ErrorCode::kTransparencyBadMptProof, std::move(detail));
}

// Parses "(r || sibling)*" filling `steps`; r strictly decreasing.
Status ParseSteps(ByteView b, std::vector<MptProofStep>* steps) {
  if (b.size() % kMptStepSize != 0) return ProofError("proof length is not header + 33*k");
  size_t n = b.size() / kMptStepSize;
  if (n > kMptMaxSteps) return ProofError("more than 256 steps");
  steps->resize(n);
  int prev = 256;
  for (size_t i = 0; i < n; ++i) {
    ByteView s = b.subspan(i * kMptStepSize, kMptStepSize);
    if (s[0] >= prev) return ProofError("step bit positions not strictly decreasing");
    prev = s[0];
    (*steps)[i].bit = s[0];
    (*steps)[i].sibling = Read32(s.subspan(1));
  }
  return OkStatus();
}

Status CheckMagic(ByteView b, uint8_t type) {
  if (b.size() < kMptProofMagic.size() + 1 ||
      std::memcmp(b.data(), kMptProofMagic.data(), kMptProofMagic.size()) != 0) {
    return ProofError("missing \"mptproof\" prefix");
  }
  if (b[kMptProofMagic.size()] != type) return ProofError("unexpected proof type byte");
  return OkStatus();
}

void AppendSteps(Bytes& out, const std::vector<MptProofStep>& steps) {
  for (const auto& s : steps) {
    out.push_back(s.bit);
    out.insert(out.end(), s.sibling.begin(), s.sibling.end());
  }
}

}  // namespace

// One hasher per thread: building 1M keys should not allocate 1M hashing contexts.
crypto::Sha256Hasher& ThreadHasher() {
  thread_local crypto::Sha256Hasher h;
  return h;
}

Hash32 ComputeMptKey(std::string_view domain) {
  return ThreadHasher().Update("waict-kh").Update(domain).Final();
}

Hash32 HashMptLeaf(const Hash32& key, const Hash32& value) {
  return ThreadHasher().Update(key).Update(value).Final();
}

Hash32 HashMptInner(const Hash32& left, const Hash32& right, uint8_t bit) {
  return ThreadHasher().Update(left).Update(right).Update(ByteView(&bit, 1)).Final();
}

Hash32 EmptyMptRoot() { return crypto::Sha256(ByteView()); }

Result<MptTree> MptTree::Build(std::vector<MptLeaf> leaves) {
  MptTree t;
  t.leaves_ = std::move(leaves);
  std::sort(t.leaves_.begin(), t.leaves_.end(), KeyLess);
  const uint64_t n = t.leaves_.size();
  for (uint64_t i = 1; i < n; ++i) {
    if (t.leaves_[i - 1].key == t.leaves_[i].key) {
      return MakeError(ErrorCode::kTransparencyDuplicateKey,
                       "duplicate MPT key at sorted index " + std::to_string(i));
    }
  }
  if (n == 0) {
    t.root_ = EmptyMptRoot();
    return t;
  }
  crypto::Sha256Hasher h;
  t.leaf_hash_.resize(n);
  for (uint64_t i = 0; i < n; ++i) {
    t.leaf_hash_[i] = h.Update(t.leaves_[i].key).Update(t.leaves_[i].value).Final();
  }
  t.inner_hash_.resize(n - 1);
  // Post-order over sorted ranges with an explicit stack (depth <= 257).
  struct Frame {
    uint64_t lo, hi, mid;
    uint8_t bit;
    bool expanded;
  };
  std::vector<Frame> stack;
  std::vector<Hash32> results;
  stack.push_back({0, n, 0, 0, false});
  while (!stack.empty()) {
    Frame& f = stack.back();
    if (f.hi - f.lo == 1) {
      results.push_back(t.leaf_hash_[f.lo]);
      stack.pop_back();
      continue;
    }
    if (!f.expanded) {
      Split s = t.SplitRange(f.lo, f.hi);
      f.mid = s.mid;
      f.bit = s.bit;
      f.expanded = true;
      Frame right{s.mid, f.hi, 0, 0, false};
      Frame left{f.lo, s.mid, 0, 0, false};
      stack.push_back(right);  // below: evaluated second
      stack.push_back(left);   // on top: evaluated first
      continue;
    }
    // Both children done: left finished first, so results ends with [..., left, right].
    Hash32 right = results.back();
    results.pop_back();
    Hash32 left = results.back();
    results.pop_back();
    uint8_t bit = f.bit;
    Hash32 hash = h.Update(left).Update(right).Update(ByteView(&bit, 1)).Final();
    t.inner_hash_[f.mid - 1] = hash;
    stack.pop_back();
    results.push_back(hash);
  }
  t.root_ = results.back();
  return t;
}

MptTree::Split MptTree::SplitRange(uint64_t lo, uint64_t hi) const {
  uint8_t bit = FirstDifferingBit(leaves_[lo].key, leaves_[hi - 1].key);
  auto first = leaves_.begin() + static_cast<std::ptrdiff_t>(lo);
  auto last = leaves_.begin() + static_cast<std::ptrdiff_t>(hi);
  auto it = std::partition_point(first, last, [bit](const MptLeaf& l) { return MptKeyBit(l.key, bit) == 0; });
  return Split{bit, static_cast<uint64_t>(it - leaves_.begin())};
}

Hash32 MptTree::NodeHash(uint64_t lo, uint64_t hi) const {
  if (hi - lo == 1) return leaf_hash_[lo];
  return inner_hash_[SplitRange(lo, hi).mid - 1];
}

uint64_t MptTree::Walk(const Hash32& key, std::vector<MptProofStep>* steps) const {
  uint64_t lo = 0, hi = leaves_.size();
  std::vector<MptProofStep> down;
  while (hi - lo > 1) {
    Split s = SplitRange(lo, hi);
    if (MptKeyBit(key, s.bit) == 0) {
      down.push_back({s.bit, NodeHash(s.mid, hi)});
      hi = s.mid;
    } else {
      down.push_back({s.bit, NodeHash(lo, s.mid)});
      lo = s.mid;
    }
  }
  steps->assign(down.rbegin(), down.rend());
  return lo;
}

std::optional<Hash32> MptTree::Lookup(const Hash32& key) const {
  auto it = std::lower_bound(leaves_.begin(), leaves_.end(), MptLeaf{key, {}}, KeyLess);
  if (it == leaves_.end() || it->key != key) return std::nullopt;
  return it->value;
}

Result<MptInclusionProof> MptTree::ProveInclusion(const Hash32& key) const {
  if (leaves_.empty()) return MakeError(ErrorCode::kTransparencyKeyNotFound, "empty tree");
  MptInclusionProof p;
  uint64_t i = Walk(key, &p.steps);
  if (leaves_[i].key != key) return MakeError(ErrorCode::kTransparencyKeyNotFound, "key not in tree");
  p.value = leaves_[i].value;
  return p;
}

Result<MptAbsenceProof> MptTree::ProveAbsence(const Hash32& key) const {
  MptAbsenceProof p;
  if (leaves_.empty()) {
    p.empty_tree = true;
    return p;
  }
  uint64_t i = Walk(key, &p.steps);
  if (leaves_[i].key == key) return MakeError(ErrorCode::kTransparencyKeyPresent, "key is in the tree");
  p.other_key = leaves_[i].key;
  p.other_value = leaves_[i].value;
  return p;
}

Result<Hash32> ComputeMptRoot(std::vector<MptLeaf> leaves) {
  auto t = MptTree::Build(std::move(leaves));
  if (!t) return t.error();
  return t->root();
}

Result<MptInclusionProof> ParseMptInclusionProof(ByteView b) {
  VERITY_RETURN_IF_ERROR(CheckMagic(b, kMptProofInclusion));
  if (b.size() < kMptInclusionHeaderSize) return ProofError("inclusion proof shorter than 41 bytes");
  MptInclusionProof p;
  p.value = Read32(b.subspan(9, 32));
  VERITY_RETURN_IF_ERROR(ParseSteps(b.subspan(kMptInclusionHeaderSize), &p.steps));
  return p;
}

Bytes FormatMptInclusionProof(const MptInclusionProof& p) {
  Bytes out(kMptProofMagic.begin(), kMptProofMagic.end());
  out.push_back(kMptProofInclusion);
  out.insert(out.end(), p.value.begin(), p.value.end());
  AppendSteps(out, p.steps);
  return out;
}

Result<MptAbsenceProof> ParseMptAbsenceProof(ByteView b) {
  MptAbsenceProof p;
  if (b.size() == kMptProofMagic.size() + 1 && CheckMagic(b, kMptProofEmpty).ok()) {
    p.empty_tree = true;
    return p;
  }
  VERITY_RETURN_IF_ERROR(CheckMagic(b, kMptProofAbsence));
  if (b.size() < kMptAbsenceHeaderSize) return ProofError("absence proof shorter than 73 bytes");
  p.other_key = Read32(b.subspan(9, 32));
  p.other_value = Read32(b.subspan(41, 32));
  VERITY_RETURN_IF_ERROR(ParseSteps(b.subspan(kMptAbsenceHeaderSize), &p.steps));
  return p;
}

Bytes FormatMptAbsenceProof(const MptAbsenceProof& p) {
  Bytes out(kMptProofMagic.begin(), kMptProofMagic.end());
  if (p.empty_tree) {
    out.push_back(kMptProofEmpty);
    return out;
  }
  out.push_back(kMptProofAbsence);
  out.insert(out.end(), p.other_key.begin(), p.other_key.end());
  out.insert(out.end(), p.other_value.begin(), p.other_value.end());
  AppendSteps(out, p.steps);
  return out;
}

Hash32 ComputeMptRootFromSteps(const Hash32& key, const Hash32& value,
                               const std::vector<MptProofStep>& steps) {
  crypto::Sha256Hasher h;
  Hash32 cur = h.Update(key).Update(value).Final();
  for (const auto& s : steps) {
    if (MptKeyBit(key, s.bit) == 0) {
      h.Update(cur).Update(s.sibling);
    } else {
      h.Update(s.sibling).Update(cur);
    }
    cur = h.Update(ByteView(&s.bit, 1)).Final();
  }
  return cur;
}

Status VerifyMptInclusion(const Hash32& root, const Hash32& key, const Hash32& value, ByteView proof) {
  auto p = ParseMptInclusionProof(proof);
  if (!p) return p.error();
  if (!crypto::ConstantTimeEqual(p->value, value))
    return ProofError("proof value differs from the expected value");
  if (!crypto::ConstantTimeEqual(ComputeMptRootFromSteps(key, p->value, p->steps), root)) {
    return ProofError("inclusion proof does not lead to the signed root");
  }
  return OkStatus();
}

Status VerifyMptAbsence(const Hash32& root, const Hash32& key, ByteView proof) {
  auto p = ParseMptAbsenceProof(proof);
  if (!p) return p.error();
  if (p->empty_tree) {
    if (!crypto::ConstantTimeEqual(root, EmptyMptRoot()))
      return ProofError("empty-tree proof for a non-empty root");
    return OkStatus();
  }
  if (p->other_key == key) return ProofError("absence proof names the target key itself");
  for (const auto& s : p->steps) {
    if (MptKeyBit(key, s.bit) != MptKeyBit(p->other_key, s.bit)) {
      return ProofError("target leaves the proven path at bit " + std::to_string(s.bit));
    }
  }
  if (!crypto::ConstantTimeEqual(ComputeMptRootFromSteps(p->other_key, p->other_value, p->steps), root)) {
    return ProofError("absence proof does not lead to the signed root");
  }
  return OkStatus();
}

}  // namespace verity::transparency
