#include "transparency/chain_head.h"

#include <doctest/doctest.h>

#include "test_util.h"

using namespace verity;
using namespace verity::transparency;
using namespace verity::transparency::testing;

namespace {

ErrorCode Verify(const World& w, ByteView bytes, int64_t now = kNow) {
  return VerifyChainHeadWithProof(bytes, w.domain, AsBytes(w.manifest), w.policy, now).code();
}

}  // namespace

TEST_CASE("ChainHeadWithProof framing: exact lengths") {
  World w(5);
  Bytes b = w.HeadWithProof();
  auto p = ParseChainHeadWithProof(b);
  REQUIRE(p.ok());
  CHECK(p->head == w.head);
  CHECK(p->mpt_proof == w.Proof());
  CHECK(p->signed_note == w.Note());
  CHECK(*FormatChainHeadWithProof(*p) == b);
  for (size_t n = 0; n < b.size(); ++n) {
    CHECK(!ParseChainHeadWithProof(ByteView(b).first(n)).ok());
  }
  Bytes ext = b;
  ext.push_back('\n');
  CHECK(ParseChainHeadWithProof(ext).code() == ErrorCode::kTransparencyBadChainHead);
  // Length prefixes off by one either way.
  for (size_t off : {kChainNodeSize + 1, kChainNodeSize + 2 + p->mpt_proof.size() + 2}) {
    for (int d : {-1, 1}) {
      Bytes m = b;
      m[off] = static_cast<uint8_t>(m[off] + d);
      CHECK(!ParseChainHeadWithProof(m).ok());
    }
  }
  CHECK(!FormatChainHeadWithProof({w.head, {}, "x"}).ok());
  CHECK(!FormatChainHeadWithProof({w.head, {1}, ""}).ok());
}

TEST_CASE("VerifyChainHeadWithProof: valid proof and its result") {
  World w;
  Bytes b = w.HeadWithProof();
  auto v = VerifyChainHeadWithProof(b, w.domain, AsBytes(w.manifest), w.policy, kNow);
  REQUIRE_MESSAGE(v.ok(), v.error().detail);
  CHECK(v->head == w.head);
  CHECK_FALSE(v->tombstone);
  CHECK(v->tree.body.service == "ts.example");
  CHECK(v->tree.body.root == w.tree.root());
  CHECK(v->tree.cosignatures.size() == 3);
  CHECK(v->tree.service_key == "ts.example/log");
}

TEST_CASE("VerifyChainHeadWithProof: every byte of the head and proof is bound") {
  World w(20);
  Bytes b = w.HeadWithProof();
  const size_t proof_end = kChainNodeSize + 2 + w.Proof().size();
  for (size_t i = 0; i < proof_end; ++i) {
    Bytes m = b;
    m[i] ^= 0x01;
    ErrorCode c = Verify(w, m);
    CAPTURE(i);
    CHECK(c != ErrorCode::kOk);
    if (i < kChainNodeSize && !(i >= 8 && i < 16)) CHECK(c == ErrorCode::kTransparencyBadMptProof);
  }
}

TEST_CASE("VerifyChainHeadWithProof: mutated twins with specific errors") {
  World w;
  // Manifest bytes differ by one byte -> resource hash mismatch.
  Bytes b = w.HeadWithProof();
  std::string other = w.manifest;
  other.back() = ']';
  CHECK(VerifyChainHeadWithProof(b, w.domain, AsBytes(other), w.policy, kNow).code() ==
        ErrorCode::kTransparencyResourceHashMismatch);
  // Another domain -> its key is not where the proof says.
  CHECK(VerifyChainHeadWithProof(b, "other.example", AsBytes(w.manifest), w.policy, kNow).code() ==
        ErrorCode::kTransparencyBadMptProof);
  // Root in the note differs from the tree's (correctly signed) -> MPT proof fails.
  {
    auto n = SignNote(FormatTreeNoteBody({"ts.example", 9, Hash32{}}), w.service);
    REQUIRE(n.ok());
    std::string note = *n;
    for (const SignerKey* k : {&w.w1, &w.w2}) note = *AddNoteSignature(note, *k, kNow);
    CHECK(Verify(w, w.HeadWithProof(note)) == ErrorCode::kTransparencyBadMptProof);
  }
  // Note service unknown.
  {
    SignerKey other_service = MakeSignerKey("evil.example/log", kSigTypeEd25519, SeedFrom(50));
    auto n = SignNote(FormatTreeNoteBody({"evil.example", 9, w.tree.root()}), other_service);
    std::string note = *n;
    for (const SignerKey* k : {&w.w1, &w.w2, &w.w3}) note = *AddNoteSignature(note, *k, kNow);
    CHECK(Verify(w, w.HeadWithProof(note)) == ErrorCode::kTransparencyUnknownService);
  }
  // Right origin, but signed by a key the service does not have.
  {
    SignerKey impostor = MakeSignerKey("ts.example/log", kSigTypeEd25519, SeedFrom(51));
    std::string note = *SignNote(w.Body(), impostor);
    for (const SignerKey* k : {&w.w1, &w.w2, &w.w3}) note = *AddNoteSignature(note, *k, kNow);
    CHECK(Verify(w, w.HeadWithProof(note)) == ErrorCode::kTransparencyNoVerifiedSignature);
  }
  // Service signature corrupted (same name and key ID) -> bad signature.
  {
    std::string note = w.Note();
    Note parsed = *ParseNote(note);
    parsed.signatures[0].signature[10] ^= 1;
    CHECK(Verify(w, w.HeadWithProof(FormatNote(parsed))) == ErrorCode::kTransparencyBadSignature);
  }
  // A witness cosignature corrupted -> bad cosignature (one bad known line rejects the note).
  for (size_t wi = 1; wi <= 3; ++wi) {
    Note parsed = *ParseNote(w.Note());
    parsed.signatures[wi].signature[40] ^= 1;
    CHECK(Verify(w, w.HeadWithProof(FormatNote(parsed))) == ErrorCode::kTransparencyBadCosignature);
    Note ts = *ParseNote(w.Note());
    ts.signatures[wi].signature[7] ^= 1;  // timestamp
    CHECK(Verify(w, w.HeadWithProof(FormatNote(ts))) == ErrorCode::kTransparencyBadCosignature);
  }
  // Tree size line changed after signing -> every signature breaks.
  {
    Note parsed = *ParseNote(w.Note());
    parsed.text = w.Body(10);
    CHECK(Verify(w, w.HeadWithProof(FormatNote(parsed))) == ErrorCode::kTransparencyBadSignature);
  }
  // Body with an extra line -> bad tree note.
  {
    std::string note = *SignNote(w.Body() + "extension\n", w.service);
    CHECK(Verify(w, w.HeadWithProof(note)) == ErrorCode::kTransparencyBadTreeNote);
  }
  // Garbage note.
  CHECK(Verify(w, w.HeadWithProof("not a note\n")) == ErrorCode::kTransparencyMalformedNote);
  // Head created far in the future.
  {
    World f;
    f.head.entry.time_created = static_cast<uint64_t>(kNow + 3600);
    auto t = MptTree::Build({{ComputeMptKey(f.domain), ComputeMptValue(f.head)}});
    f.tree = std::move(*t);
    CHECK(Verify(f, f.HeadWithProof()) == ErrorCode::kTransparencyFutureTimestamp);
    CHECK(Verify(f, f.HeadWithProof(), kNow + 3600) == ErrorCode::kOk);
  }
}

TEST_CASE("witness policy: quorum, age, future, unknown witnesses") {
  World w;
  auto note_with = [&](std::vector<std::pair<const SignerKey*, int64_t>> cosigs) {
    std::string note = *SignNote(w.Body(), w.service);
    for (auto [k, t] : cosigs) note = *AddNoteSignature(note, *k, static_cast<uint64_t>(t));
    return w.HeadWithProof(note);
  };
  const int64_t day = 86400;
  CHECK(RequiredWitnesses(w.policy) == 2);
  CHECK(Verify(w, note_with({{&w.w1, kNow}, {&w.w3, kNow}})) == ErrorCode::kOk);
  CHECK(Verify(w, note_with({{&w.w1, kNow}})) == ErrorCode::kTransparencyTooFewWitnesses);
  CHECK(Verify(w, note_with({})) == ErrorCode::kTransparencyTooFewWitnesses);
  // The same witness twice counts once.
  CHECK(Verify(w, note_with({{&w.w1, kNow}, {&w.w1, kNow - 5}})) == ErrorCode::kTransparencyTooFewWitnesses);
  // Age limit: exactly 7 days passes, one second more does not count.
  CHECK(Verify(w, note_with({{&w.w1, kNow - 7 * day}, {&w.w2, kNow}})) == ErrorCode::kOk);
  CHECK(Verify(w, note_with({{&w.w1, kNow - 7 * day - 1}, {&w.w2, kNow}})) ==
        ErrorCode::kTransparencyStaleCosignature);
  CHECK(Verify(w, note_with({{&w.w1, kNow - 7 * day - 1}, {&w.w2, kNow}, {&w.w3, kNow}})) == ErrorCode::kOk);
  // Future: 5 minutes ahead passes, 301 s rejects the note.
  CHECK(Verify(w, note_with({{&w.w1, kNow + 300}, {&w.w2, kNow}})) == ErrorCode::kOk);
  CHECK(Verify(w, note_with({{&w.w1, kNow + 301}, {&w.w2, kNow}, {&w.w3, kNow}})) ==
        ErrorCode::kTransparencyFutureTimestamp);
  // Unknown witnesses are ignored (not counted, not rejected).
  SignerKey stranger = MakeSignerKey("stranger.example", kSigTypeCosignatureV1, SeedFrom(60));
  CHECK(Verify(w, note_with({{&w.w1, kNow}, {&stranger, kNow}})) == ErrorCode::kTransparencyTooFewWitnesses);
  CHECK(Verify(w, note_with({{&w.w1, kNow}, {&stranger, kNow}, {&w.w2, kNow}})) == ErrorCode::kOk);
  // k = 3 and k = 1 (configured), k > n is a policy error.
  World w3;
  w3.policy.min_witnesses = 3;
  CHECK(Verify(w3, w3.HeadWithProof()) == ErrorCode::kOk);
  std::string two = *SignNote(w3.Body(), w3.service);
  two = *AddNoteSignature(two, w3.w1, kNow);
  two = *AddNoteSignature(two, w3.w2, kNow);
  CHECK(Verify(w3, w3.HeadWithProof(two)) == ErrorCode::kTransparencyTooFewWitnesses);
  w3.policy.min_witnesses = 4;
  CHECK(Verify(w3, w3.HeadWithProof()) == ErrorCode::kTransparencyBadPolicy);
  // One configured witness: default k = 1.
  World w1;
  w1.policy.witnesses = {VerifierFor(w1.w1)};
  CHECK(RequiredWitnesses(w1.policy) == 1);
  CHECK(Verify(w1, w1.HeadWithProof()) == ErrorCode::kOk);
  // A witness configured with a note (0x01) key is a policy error.
  World wb;
  wb.policy.witnesses.push_back(VerifierFor(wb.service));
  CHECK(Verify(wb, wb.HeadWithProof()) == ErrorCode::kTransparencyBadPolicy);
}

TEST_CASE("witness-only service: a tree note with no service signature passes on the witness quorum alone") {
  World w;
  w.policy.services = {{"ts.example", {}}};  // configured without a key
  // A note needs one signature line: an Ed25519 key nobody configured signs it, then the witnesses.
  const SignerKey nobody = MakeSignerKey("nobody.example", kSigTypeEd25519, SeedFrom(77));
  auto witnessed = [&](std::vector<const SignerKey*> ws) {
    auto n = SignNote(w.Body(), nobody);
    REQUIRE(n.ok());
    std::string note = *n;
    for (const SignerKey* k : ws) {
      auto c = AddNoteSignature(note, *k, static_cast<uint64_t>(kNow));
      REQUIRE(c.ok());
      note = *c;
    }
    return w.HeadWithProof(note);
  };
  CHECK(Verify(w, witnessed({&w.w1, &w.w3})) == ErrorCode::kOk);
  CHECK(Verify(w, w.HeadWithProof()) == ErrorCode::kOk);  // a service signature does no harm
  // Mutated twins: too few witnesses, a forged cosignature, another service's name.
  CHECK(Verify(w, witnessed({&w.w1})) == ErrorCode::kTransparencyTooFewWitnesses);
  SignerKey forged = MakeSignerKey("w2.example/witness", kSigTypeCosignatureV1, SeedFrom(99));
  CHECK(Verify(w, witnessed({&w.w1, &forged})) != ErrorCode::kOk);
  World other;
  other.policy.services = {{"other.example", {}}};
  CHECK(Verify(other, other.HeadWithProof()) == ErrorCode::kTransparencyUnknownService);
  // Witness-only with no witness required is refused as a policy (it would trust any root).
  w.policy.witnesses.clear();
  w.policy.min_witnesses = 0;
  CHECK(Verify(w, witnessed({&w.w1, &w.w3})) == ErrorCode::kTransparencyBadPolicy);
  // With a keyed service, a note without its signature still fails.
  World keyed;
  std::string unsigned_by_service = *SignNote(keyed.Body(), nobody);
  unsigned_by_service = *AddNoteSignature(unsigned_by_service, keyed.w1, static_cast<uint64_t>(kNow));
  unsigned_by_service = *AddNoteSignature(unsigned_by_service, keyed.w3, static_cast<uint64_t>(kNow));
  CHECK(Verify(keyed, keyed.HeadWithProof(unsigned_by_service)) ==
        ErrorCode::kTransparencyNoVerifiedSignature);
}

TEST_CASE("WAICT cosignature type byte is configurable per witness (key ID over that byte)") {
  World w;
  // w4 signs waict-cosignature/v1 messages under type byte 0x07 (not 0x06, now C2SP's ML-DSA-44).
  SignerKey w4 = MakeSignerKey("w4.example/witness", 0x07, SeedFrom(5));
  w4.scheme = KeyScheme::kWaictCosignature;
  VerifierKey plain = MakeVerifierKey("w4.example/witness", kSigTypeEd25519, w4.pair.public_key);
  VerifierKey as07 = AsWaictCosigner(plain, 0x07);
  CHECK(as07.key_id == w4.key_id);
  CHECK(as07.key_id != AsWaictCosigner(plain, kSigTypeWaictCosignature).key_id);
  w.policy.witnesses = {VerifierFor(w.w1), as07};
  w.policy.min_witnesses = 2;
  auto note_with = [&](const SignerKey& k) {
    std::string note = *SignNote(w.Body(), w.service);
    note = *AddNoteSignature(note, w.w1, static_cast<uint64_t>(kNow));
    note = *AddNoteSignature(note, k, static_cast<uint64_t>(kNow));
    return w.HeadWithProof(note);
  };
  CHECK(Verify(w, note_with(w4)) == ErrorCode::kOk);
  // Twins: the same key cosigning under 0x06 (other key ID: not counted), or signing the
  // cosignature/v1 message under 0x07 (bad cosignature).
  SignerKey w4_06 = MakeSignerKey("w4.example/witness", kSigTypeWaictCosignature, SeedFrom(5));
  CHECK(Verify(w, note_with(w4_06)) == ErrorCode::kTransparencyTooFewWitnesses);
  SignerKey w4_c2sp = w4;
  w4_c2sp.scheme = KeyScheme::kCosignatureV1;
  CHECK(Verify(w, note_with(w4_c2sp)) == ErrorCode::kTransparencyBadCosignature);
  CHECK(FormatSignedMessage(KeyScheme::kWaictCosignature, 17, "t\n") == "waict-cosignature/v1\ntime 17\nt\n");
}

TEST_CASE("tree note body parsing") {
  Hash32 root{};
  root[0] = 0xAA;
  std::string body = FormatTreeNoteBody({"ts.example", 42, root});
  auto b = ParseTreeNoteBody(body);
  REQUIRE(b.ok());
  CHECK(b->service == "ts.example");
  CHECK(b->size == 42);
  CHECK(b->root == root);
  for (std::string bad : {
           "ts.example/prefix-tree\n042\n" + FormatBase64(root) + "\n",
           "ts.example/prefix-tree\n-1\n" + FormatBase64(root) + "\n",
           "ts.example/prefix-tree\n18446744073709551616\n" + FormatBase64(root) + "\n",
           "ts.example/tree\n1\n" + FormatBase64(root) + "\n",
           "/prefix-tree\n1\n" + FormatBase64(root) + "\n",
           "TS.example/prefix-tree\n1\n" + FormatBase64(root) + "\n",
           "ts.example/prefix-tree\n1\n" + FormatBase64(ByteView(root).first(31)) + "\n",
           "ts.example/prefix-tree\n1\n" + FormatBase64(root),
           std::string("ts.example/prefix-tree\n1\n"),
       }) {
    CAPTURE(bad);
    CHECK(ParseTreeNoteBody(bad).code() == ErrorCode::kTransparencyBadTreeNote);
  }
  CHECK(ParseTreeNoteBody("ts.example/prefix-tree\n18446744073709551615\n" + FormatBase64(root) + "\n").ok());
}

TEST_CASE("rollback is a pure function of the stored (position, time)") {
  ChainNode h;
  h.entry.position_in_chain = 5;
  h.entry.time_created = 1000;
  CHECK(CheckRollback(h, std::nullopt).ok());
  CHECK(CheckRollback(h, StoredHead{5, 1000}).ok());
  CHECK(CheckRollback(h, StoredHead{4, 900}).ok());
  CHECK(CheckRollback(h, StoredHead{6, 1000}).code() == ErrorCode::kTransparencyRollback);
  CHECK(CheckRollback(h, StoredHead{5, 1001}).code() == ErrorCode::kTransparencyRollback);
  CHECK(CheckRollback(h, StoredHead{4, 1001}).code() == ErrorCode::kTransparencyRollback);
}

TEST_CASE("VerifyChainHeadWithProof: with k = n every byte of the signed note is bound") {
  World w(3);
  w.policy.min_witnesses = 3;
  Bytes b = w.HeadWithProof();
  const size_t note_start = kChainNodeSize + 2 + w.Proof().size() + 3;
  REQUIRE(Verify(w, b) == ErrorCode::kOk);
  for (size_t i = note_start; i < b.size(); ++i) {
    for (uint8_t x : {uint8_t{0x01}, uint8_t{0x20}}) {
      Bytes m = b;
      m[i] ^= x;
      CAPTURE(i);
      CHECK(Verify(w, m) != ErrorCode::kOk);
    }
  }
}

TEST_CASE("VerifyDomainAbsent: signed root + absence proof") {
  World w;
  std::string note = w.Note();
  auto abs = w.tree.ProveAbsence(ComputeMptKey("absent.example"));
  REQUIRE(abs.ok());
  Bytes proof = FormatMptAbsenceProof(*abs);
  auto v = VerifyDomainAbsent(note, "absent.example", proof, w.policy, kNow);
  REQUIRE_MESSAGE(v.ok(), v.error().detail);
  CHECK(v->body.root == w.tree.root());
  // Twins: an enrolled domain, a corrupted proof, a note whose witnesses are missing.
  CHECK(VerifyDomainAbsent(note, w.domain, proof, w.policy, kNow).code() ==
        ErrorCode::kTransparencyBadMptProof);
  Bytes bad = proof;
  bad[20] ^= 1;
  CHECK(VerifyDomainAbsent(note, "absent.example", bad, w.policy, kNow).code() ==
        ErrorCode::kTransparencyBadMptProof);
  CHECK(VerifyDomainAbsent(*SignNote(w.Body(), w.service), "absent.example", proof, w.policy, kNow).code() ==
        ErrorCode::kTransparencyTooFewWitnesses);
  // No proof of absence can be made for a present key.
  CHECK(w.tree.ProveAbsence(ComputeMptKey(w.domain)).code() == ErrorCode::kTransparencyKeyPresent);
}
