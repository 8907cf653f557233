// Helpers for the transparency tests: vector files and a small operator-side fixture (service key,
// witnesses, tree) that produces ChainHeadWithProof bytes to verify and mutate.
#pragma once

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/encoding.h"
#include "crypto/hash.h"
#include "json/json.h"
#include "transparency/chain.h"
#include "transparency/chain_head.h"
#include "transparency/mpt.h"
#include "transparency/note.h"
#include "transparency/tree_head.h"

namespace verity::transparency::testing {

inline std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  REQUIRE_MESSAGE(f.good(), "cannot open " << path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

inline std::string VectorPath(const std::string& rel) { return std::string(VERITY_VECTORS_DIR) + "/" + rel; }

inline std::vector<json::Value> ReadJsonl(const std::string& rel) {
  std::vector<json::Value> out;
  std::istringstream in(ReadFile(VectorPath(rel)));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto v = json::Parse(line);
    REQUIRE(v.ok());
    out.push_back(std::move(*v));
  }
  return out;
}

inline Hash32 B64Hash(std::string_view s) {
  auto r = ToArray<32>(ParseBase64(s));
  REQUIRE(r.ok());
  return *r;
}

inline crypto::Ed25519Seed SeedFrom(uint8_t tag) {
  crypto::Ed25519Seed s{};
  s.fill(tag);
  return s;
}

constexpr int64_t kNow = 1763900000;  // 2025-11-23

// A transparency service with `n` domains, three witnesses (two cosignature/v1, one WAICT form).
struct World {
  SignerKey service = MakeSignerKey("ts.example/log", kSigTypeEd25519, SeedFrom(1));
  SignerKey w1 = MakeSignerKey("w1.example/witness", kSigTypeCosignatureV1, SeedFrom(2));
  SignerKey w2 = MakeSignerKey("w2.example/witness", kSigTypeCosignatureV1, SeedFrom(3));
  SignerKey w3 = MakeSignerKey("w3.example/witness", kSigTypeWaictCosignature, SeedFrom(4));
  std::string manifest = R"({"manifest":"v2","hashes":{}})";
  std::string domain = "app.example";
  ChainNode head;
  MptTree tree;
  WitnessPolicy policy;

  explicit World(size_t n = 50) {
    ChainNode first = FirstChainNode(kNow - 7200, ComputeResourceHash(AsBytes("old manifest")), {});
    head =
        NextChainNode(first, kNow - 3600, ComputeResourceHash(AsBytes(manifest)), ComputeAssetHostsHash({}));
    std::vector<MptLeaf> leaves;
    leaves.push_back({ComputeMptKey(domain), ComputeMptValue(head)});
    for (size_t i = 0; i < n; ++i) {
      std::string d = "site" + std::to_string(i) + ".example";
      leaves.push_back({ComputeMptKey(d), crypto::Sha256(d)});
    }
    auto t = MptTree::Build(std::move(leaves));
    REQUIRE(t.ok());
    tree = std::move(*t);
    policy.services.push_back({"ts.example", {VerifierFor(service)}});
    policy.witnesses = {VerifierFor(w1), VerifierFor(w2), VerifierFor(w3)};
  }

  std::string Body(uint64_t size = 9) const { return FormatTreeNoteBody({"ts.example", size, tree.root()}); }

  std::string Note(int64_t cosign_time = kNow - 60) const {
    auto n = SignNote(Body(), service);
    REQUIRE(n.ok());
    std::string note = *n;
    for (const SignerKey* w : {&w1, &w2, &w3}) {
      auto c = AddNoteSignature(note, *w, static_cast<uint64_t>(cosign_time));
      REQUIRE(c.ok());
      note = *c;
    }
    return note;
  }

  Bytes Proof() const {
    auto p = tree.ProveInclusion(ComputeMptKey(domain));
    REQUIRE(p.ok());
    return FormatMptInclusionProof(*p);
  }

  Bytes HeadWithProof(const std::string& note) const {
    auto b = FormatChainHeadWithProof({head, Proof(), note});
    REQUIRE(b.ok());
    return *b;
  }
  Bytes HeadWithProof() const { return HeadWithProof(Note()); }
};

}  // namespace verity::transparency::testing
