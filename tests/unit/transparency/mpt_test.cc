#include "transparency/mpt.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <set>

#include "crypto/hash.h"
#include "test_util.h"

using namespace verity;
using namespace verity::transparency;
using namespace verity::transparency::testing;

namespace {

std::vector<MptLeaf> LeavesOf(const json::Value& v) {
  std::vector<MptLeaf> leaves;
  for (const auto& l : v.Find("leaves")->items()) {
    leaves.push_back({B64Hash(*l.GetString("key")), B64Hash(*l.GetString("value"))});
  }
  return leaves;
}

// Literal transcription of the spec's MPT' (greedy merge of the most similar pair), O(n^3): an
// independent reference for the recursive builder.
struct RefNode {
  Hash32 prefix;
  int len;
  Hash32 hash;
};
int Similarity(const RefNode& a, const RefNode& b) {
  int l = std::min(a.len, b.len);
  for (int i = 0; i < l; ++i) {
    if (MptKeyBit(a.prefix, i) != MptKeyBit(b.prefix, i)) return i;
  }
  return l;
}
bool PrefixLess(const RefNode& a, const RefNode& b) {
  return std::memcmp(a.prefix.data(), b.prefix.data(), 32) < 0;
}
Hash32 RefRoot(const std::vector<MptLeaf>& leaves) {
  std::vector<RefNode> s;
  for (const auto& l : leaves) s.push_back({l.key, 256, HashMptLeaf(l.key, l.value)});
  if (s.empty()) return crypto::Sha256("");
  while (s.size() > 1) {
    size_t bi = 0, bj = 1;
    int best = -1;
    for (size_t i = 0; i < s.size(); ++i)
      for (size_t j = i + 1; j < s.size(); ++j) {
        int r = Similarity(s[i], s[j]);
        if (r > best) best = r, bi = i, bj = j;
      }
    RefNode n;
    n.prefix = {};
    for (int b = 0; b < best; ++b)
      if (MptKeyBit(s[bi].prefix, b)) n.prefix[b / 8] |= static_cast<uint8_t>(0x80 >> (b % 8));
    n.len = best;
    bool lt = PrefixLess(s[bi], s[bj]);
    n.hash =
        HashMptInner(lt ? s[bi].hash : s[bj].hash, lt ? s[bj].hash : s[bi].hash, static_cast<uint8_t>(best));
    s[bi] = n;
    s.erase(s.begin() + static_cast<std::ptrdiff_t>(bj));
  }
  return s[0].hash;
}

std::vector<MptLeaf> RandomLeaves(std::mt19937_64& rng, size_t n, bool clustered) {
  std::vector<MptLeaf> leaves(n);
  for (auto& l : leaves) {
    for (auto& b : l.key) b = static_cast<uint8_t>(rng());
    for (auto& b : l.value) b = static_cast<uint8_t>(rng());
    if (clustered) {  // long shared prefixes: deep trees
      std::memset(l.key.data(), 0xAB, 30);
      l.key[30] &= 0x0F;
    }
  }
  std::sort(leaves.begin(), leaves.end(), [](const MptLeaf& a, const MptLeaf& b) { return a.key < b.key; });
  leaves.erase(std::unique(leaves.begin(), leaves.end(),
                           [](const MptLeaf& a, const MptLeaf& b) { return a.key == b.key; }),
               leaves.end());
  std::shuffle(leaves.begin(), leaves.end(), rng);
  return leaves;
}

}  // namespace

TEST_CASE("MPT root KATs (waict-mpt/mpt_root_kats.jsonl)") {
  auto kats = ReadJsonl("waict-mpt/mpt_root_kats.jsonl");
  REQUIRE(kats.size() == 24);
  for (const auto& k : kats) {
    CAPTURE(*k.GetString("label"));
    auto leaves = LeavesOf(k);
    Hash32 want = B64Hash(*k.GetString("root"));
    auto root = ComputeMptRoot(leaves);
    REQUIRE(root.ok());
    CHECK(*root == want);
    CHECK(RefRoot(leaves) == want);
    if (!leaves.empty()) {  // twin: a changed value changes the root
      leaves[0].value[31] ^= 1;
      CHECK(*ComputeMptRoot(leaves) != want);
    }
  }
}

TEST_CASE("MPT inclusion KATs: generation, verification, and every mutation fails") {
  auto kats = ReadJsonl("waict-mpt/mpt_inclusion_kats.jsonl");
  REQUIRE(kats.size() == 36);
  size_t mutations = 0;
  for (const auto& k : kats) {
    CAPTURE(*k.GetString("label"));
    auto leaves = LeavesOf(k);
    const size_t idx = static_cast<size_t>(*k.GetInt("target_index"));
    REQUIRE(idx < leaves.size());
    const Hash32 root = B64Hash(*k.GetString("root"));
    const Hash32 key = leaves[idx].key, value = leaves[idx].value;
    auto want = ParseBase64(*k.GetString("proof"));
    REQUIRE(want.ok());
    const Bytes& proof = *want;

    auto tree = MptTree::Build(leaves);
    REQUIRE(tree.ok());
    CHECK(tree->root() == root);
    auto gen = tree->ProveInclusion(key);
    REQUIRE(gen.ok());
    CHECK(FormatMptInclusionProof(*gen) == proof);

    CHECK(VerifyMptInclusion(root, key, value, proof).ok());
    // Wrong key / value / root.
    Hash32 k2 = key, v2 = value, r2 = root;
    k2[0] ^= 0x80;
    v2[5] ^= 1;
    r2[31] ^= 1;
    CHECK(VerifyMptInclusion(root, k2, value, proof).code() == ErrorCode::kTransparencyBadMptProof);
    CHECK(VerifyMptInclusion(root, key, v2, proof).code() == ErrorCode::kTransparencyBadMptProof);
    CHECK(VerifyMptInclusion(r2, key, value, proof).code() == ErrorCode::kTransparencyBadMptProof);
    // Every single-byte mutation (3 values per position).
    for (size_t i = 0; i < proof.size(); ++i) {
      for (uint8_t x : {uint8_t{0x01}, uint8_t{0x80}, uint8_t{0xFF}}) {
        Bytes m = proof;
        m[i] ^= x;
        CHECK_MESSAGE(!VerifyMptInclusion(root, key, value, m).ok(), "byte " << i << " ^ " << int(x));
        ++mutations;
      }
    }
    // Every truncation and extensions.
    for (size_t n = 0; n < proof.size(); ++n) {
      CHECK(!VerifyMptInclusion(root, key, value, ByteView(proof).first(n)).ok());
      ++mutations;
    }
    for (size_t extra : {1u, 32u, 33u, 34u}) {
      Bytes m = proof;
      m.resize(proof.size() + extra, 0);
      CHECK(!VerifyMptInclusion(root, key, value, m).ok());
      Bytes m2 = proof;
      for (size_t i = 0; i < extra; ++i) m2.push_back(proof[9 + (i % 32)]);
      CHECK(!VerifyMptInclusion(root, key, value, m2).ok());
      mutations += 2;
    }
    // The absence proof of a present key cannot be produced.
    CHECK(tree->ProveAbsence(key).code() == ErrorCode::kTransparencyKeyPresent);
  }
  MESSAGE("inclusion proof mutations checked: " << mutations);
}

TEST_CASE("MPT proof parser: framing errors") {
  Bytes p(kMptProofMagic.begin(), kMptProofMagic.end());
  p.push_back(kMptProofInclusion);
  p.resize(41, 7);
  CHECK(ParseMptInclusionProof(p).ok());
  Bytes step(33, 0);
  step[0] = 9;
  Bytes two = p;
  two.insert(two.end(), step.begin(), step.end());
  step[0] = 9;  // equal r: not strictly decreasing
  Bytes bad = two;
  bad.insert(bad.end(), step.begin(), step.end());
  CHECK(ParseMptInclusionProof(two).ok());
  CHECK(ParseMptInclusionProof(bad).code() == ErrorCode::kTransparencyBadMptProof);
  step[0] = 10;  // increasing
  bad = two;
  bad.insert(bad.end(), step.begin(), step.end());
  CHECK(ParseMptInclusionProof(bad).code() == ErrorCode::kTransparencyBadMptProof);
  step[0] = 8;
  Bytes ok = two;
  ok.insert(ok.end(), step.begin(), step.end());
  CHECK(ParseMptInclusionProof(ok).ok());
  // Maximal: 256 steps 255..0; 257 impossible.
  Bytes maxp = p;
  for (int r = 255; r >= 0; --r) {
    maxp.push_back(static_cast<uint8_t>(r));
    maxp.resize(maxp.size() + 32, 1);
  }
  auto mp = ParseMptInclusionProof(maxp);
  REQUIRE(mp.ok());
  CHECK(mp->steps.size() == 256);
  CHECK(FormatMptInclusionProof(*mp) == maxp);
  Bytes wrong_type = p;
  wrong_type[8] = 0x02;
  CHECK(!ParseMptInclusionProof(wrong_type).ok());
  CHECK(!ParseMptInclusionProof({}).ok());
}

TEST_CASE("MPT builder agrees with the spec's greedy definition on random trees") {
  std::mt19937_64 rng(12345);
  for (int round = 0; round < 60; ++round) {
    bool clustered = round % 3 == 0;
    auto leaves = RandomLeaves(rng, static_cast<size_t>(round % 25), clustered);
    auto tree = MptTree::Build(leaves);
    REQUIRE(tree.ok());
    CHECK(tree->root() == RefRoot(leaves));
    CHECK(tree->size() == leaves.size());
    for (const auto& l : leaves) {
      auto p = tree->ProveInclusion(l.key);
      REQUIRE(p.ok());
      CHECK(p->value == l.value);
      CHECK(VerifyMptInclusion(tree->root(), l.key, l.value, FormatMptInclusionProof(*p)).ok());
      CHECK(tree->Lookup(l.key) == l.value);
    }
  }
}

TEST_CASE("MPT duplicate keys and empty tree") {
  MptLeaf a{{}, {}};
  a.key[0] = 1;
  CHECK(MptTree::Build({a, a}).code() == ErrorCode::kTransparencyDuplicateKey);
  auto empty = MptTree::Build({});
  REQUIRE(empty.ok());
  CHECK(empty->root() == crypto::Sha256(""));
  CHECK(empty->ProveInclusion(a.key).code() == ErrorCode::kTransparencyKeyNotFound);
  auto abs = empty->ProveAbsence(a.key);
  REQUIRE(abs.ok());
  Bytes ap = FormatMptAbsenceProof(*abs);
  CHECK(ap.size() == 9);
  CHECK(VerifyMptAbsence(empty->root(), a.key, ap).ok());
  // The empty-tree proof fails against any non-empty root.
  auto one = MptTree::Build({a});
  REQUIRE(one.ok());
  CHECK(!VerifyMptAbsence(one->root(), a.key, ap).ok());
  Hash32 other = a.key;
  other[31] = 9;
  CHECK(!VerifyMptAbsence(one->root(), other, ap).ok());
}

TEST_CASE("MPT absence proofs: valid for absent keys, rejected when mutated or for present keys") {
  std::mt19937_64 rng(777);
  for (int round = 0; round < 30; ++round) {
    auto leaves = RandomLeaves(rng, 1 + static_cast<size_t>(round % 20), round % 2 == 0);
    auto tree = MptTree::Build(leaves);
    REQUIRE(tree.ok());
    for (int probe = 0; probe < 5; ++probe) {
      Hash32 target;
      for (auto& b : target) b = static_cast<uint8_t>(rng());
      if (round % 2 == 0) std::memset(target.data(), 0xAB, 29);  // lands deep in the clustered tree
      if (tree->Lookup(target)) continue;
      auto abs = tree->ProveAbsence(target);
      REQUIRE(abs.ok());
      Bytes proof = FormatMptAbsenceProof(*abs);
      CHECK(VerifyMptAbsence(tree->root(), target, proof).ok());
      // The same proof cannot show that the leaf it names is absent, nor any present key.
      CHECK(!VerifyMptAbsence(tree->root(), abs->other_key, proof).ok());
      for (const auto& l : leaves) CHECK(!VerifyMptAbsence(tree->root(), l.key, proof).ok());
      for (size_t i = 0; i < proof.size(); ++i) {
        Bytes m = proof;
        m[i] ^= 0x01;
        // A flip in the other key at a bit that is not a branching bit of the path could give a
        // still-absent key, but its leaf hash changes, so the root cannot match.
        CHECK_MESSAGE(!VerifyMptAbsence(tree->root(), target, m).ok(), "byte " << i);
      }
      for (size_t n = 0; n < proof.size(); ++n)
        CHECK(!VerifyMptAbsence(tree->root(), target, ByteView(proof).first(n)).ok());
      Bytes ext = proof;
      ext.push_back(0);
      CHECK(!VerifyMptAbsence(tree->root(), target, ext).ok());
    }
  }
}

TEST_CASE("MPT key derivation is domain-separated SHA-256") {
  Hash32 k = ComputeMptKey("example.com");
  crypto::Sha256Hasher h;
  CHECK(k == h.Update("waict-kh").Update("example.com").Final());
  CHECK(k != crypto::Sha256("example.com"));
  CHECK(ComputeMptKey("example.com") != ComputeMptKey("example.org"));
}

namespace {

// rsc's stack algorithm (merkle-patricia-tree.md, "Memory-Efficient Root Computation") over sorted
// leaves: a second independent reference, linear time, for large trees.
struct StackNode {
  Hash32 key;
  int bits;
  Hash32 hash;
};
int Overlap(const StackNode& x, const StackNode& y) {
  int l = std::min(x.bits, y.bits);
  for (int i = 0; i < l; ++i) {
    if (MptKeyBit(x.key, static_cast<unsigned>(i)) != MptKeyBit(y.key, static_cast<unsigned>(i))) return i;
  }
  return l;
}
StackNode Merge(const StackNode& x, const StackNode& y) {
  int b = Overlap(x, y);
  return {x.key, b, HashMptInner(x.hash, y.hash, static_cast<uint8_t>(b))};
}
Hash32 StackRoot(std::vector<MptLeaf> leaves) {
  std::sort(leaves.begin(), leaves.end(), [](const MptLeaf& a, const MptLeaf& b) { return a.key < b.key; });
  std::vector<StackNode> s;
  for (const auto& l : leaves) {
    s.push_back({l.key, 256, HashMptLeaf(l.key, l.value)});
    while (s.size() >= 3 &&
           Overlap(s[s.size() - 3], s[s.size() - 2]) > Overlap(s[s.size() - 2], s[s.size() - 1])) {
      StackNode top = s.back();
      s.pop_back();
      StackNode m = Merge(s[s.size() - 2], s[s.size() - 1]);
      s.pop_back();
      s.back() = m;
      s.push_back(top);
    }
  }
  if (s.empty()) return crypto::Sha256("");
  while (s.size() >= 2) {
    StackNode m = Merge(s[s.size() - 2], s[s.size() - 1]);
    s.pop_back();
    s.back() = m;
  }
  return s[0].hash;
}

}  // namespace

TEST_CASE("MPT 100k domains: builder agrees with rsc's stack algorithm; sampled proofs verify") {
  std::vector<MptLeaf> leaves(100000);
  for (size_t i = 0; i < leaves.size(); ++i) {
    std::string d = "d" + std::to_string(i) + ".example";
    leaves[i] = {ComputeMptKey(d), crypto::Sha256(d)};
  }
  auto tree = MptTree::Build(leaves);
  REQUIRE(tree.ok());
  CHECK(tree->root() == StackRoot(leaves));
  for (size_t i = 0; i < leaves.size(); i += 997) {
    auto p = tree->ProveInclusion(leaves[i].key);
    REQUIRE(p.ok());
    Bytes proof = FormatMptInclusionProof(*p);
    CHECK(VerifyMptInclusion(tree->root(), leaves[i].key, leaves[i].value, proof).ok());
    Hash32 absent = ComputeMptKey("absent" + std::to_string(i) + ".example");
    auto a = tree->ProveAbsence(absent);
    REQUIRE(a.ok());
    CHECK(VerifyMptAbsence(tree->root(), absent, FormatMptAbsenceProof(*a)).ok());
    CHECK_FALSE(VerifyMptAbsence(tree->root(), leaves[i].key, FormatMptAbsenceProof(*a)).ok());
  }
  // The KAT inputs through the stack algorithm too (guards the reference itself).
  for (const auto& k : ReadJsonl("waict-mpt/mpt_root_kats.jsonl")) {
    CHECK(StackRoot(LeavesOf(k)) == B64Hash(*k.GetString("root")));
  }
}

// waict-transparency-spec PR #31 (branch mpt-verif-alg @ f534d629): five proofs a correct verifier
// must reject. Three are malformed (parse error), two parse but verify to false.
TEST_CASE("MPT negative inclusion KATs (waict-mpt/mpt_invalid_inclusion_kats.jsonl) are all rejected") {
  auto kats = ReadJsonl("waict-mpt/mpt_invalid_inclusion_kats.jsonl");
  REQUIRE(kats.size() == 5);
  std::set<std::string> labels;
  for (const auto& k : kats) {
    std::string label(*k.GetString("label"));
    CAPTURE(label);
    labels.insert(label);
    const Hash32 root = B64Hash(*k.GetString("root"));
    const Hash32 key = B64Hash(*k.GetString("key"));
    const Hash32 value = B64Hash(*k.GetString("value"));
    auto proof = ParseBase64(*k.GetString("proof"));
    REQUIRE(proof.ok());
    CHECK(VerifyMptInclusion(root, key, value, *proof).code() == ErrorCode::kTransparencyBadMptProof);
    const bool malformed =
        label == "wrong_magic_header" || label == "trailing_junk_bytes" || label == "non_monotonic_r";
    CHECK(ParseMptInclusionProof(*proof).ok() == !malformed);
  }
  CHECK(labels == std::set<std::string>{"wrong_magic_header", "wrong_embedded_value", "trailing_junk_bytes",
                                        "non_monotonic_r", "root_mismatch"});
}
