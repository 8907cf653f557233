#include "crypto/signature.h"

#include <doctest/doctest.h>

#include "crypto/hash.h"

using namespace verity;
using namespace verity::crypto;

TEST_CASE("signatures: every algorithm signs and verifies; every mutation fails") {
  const SigAlg algs[] = {SigAlg::kEs256, SigAlg::kEs384, SigAlg::kRs256, SigAlg::kPs256, SigAlg::kEd25519};
  Bytes msg = {'M', '2', 'D', 'M', 'R', 'T', '1', '|', 'x'};
  for (SigAlg alg : algs) {
    CAPTURE(SigAlgName(alg));
    CHECK(ParseSigAlg(SigAlgName(alg)) == alg);
    auto pem = GeneratePrivateKeyPem(alg);
    REQUIRE(pem.ok());
    auto spki = SpkiFromPem(*pem);
    REQUIRE(spki.ok());
    CHECK(VerifySpki(*spki).ok());
    if (alg != SigAlg::kPs256) CHECK(*DefaultSigAlgForSpki(*spki) == alg);
    auto sig = SignWithPrivateKeyPem(alg, *pem, msg);
    REQUIRE(sig.ok());
    CHECK(VerifySignature(alg, *spki, msg, *sig).ok());
    // Mutated twins: every signature byte position (sampled), the message, the key, the length.
    for (size_t i = 0; i < sig->size(); i += (sig->size() > 96 ? 17 : 1)) {
      Bytes s = *sig;
      s[i] ^= 0x01;
      CHECK(VerifySignature(alg, *spki, msg, s).code() == ErrorCode::kBadSignature);
    }
    Bytes m2 = msg;
    m2.back() ^= 1;
    CHECK_FALSE(VerifySignature(alg, *spki, m2, *sig).ok());
    Bytes shorter(sig->begin(), sig->end() - 1);
    CHECK_FALSE(VerifySignature(alg, *spki, msg, shorter).ok());
    auto other = SpkiFromPem(*GeneratePrivateKeyPem(alg));
    CHECK_FALSE(VerifySignature(alg, *other, msg, *sig).ok());
    Bytes trailing = *spki;
    trailing.push_back(0);
    CHECK(VerifySignature(alg, trailing, msg, *sig).code() == ErrorCode::kBadKey);
  }
}

TEST_CASE("signatures: key must fit the algorithm") {
  auto p256 = *GeneratePrivateKeyPem(SigAlg::kEs256);
  auto spki = *SpkiFromPem(p256);
  auto sig = *SignWithPrivateKeyPem(SigAlg::kEs256, p256, Bytes{1, 2, 3});
  CHECK(VerifySignature(SigAlg::kEs384, spki, Bytes{1, 2, 3}, sig).code() == ErrorCode::kBadKey);
  CHECK(VerifySignature(SigAlg::kEd25519, spki, Bytes{1, 2, 3}, sig).code() == ErrorCode::kBadKey);
  CHECK(SignWithPrivateKeyPem(SigAlg::kRs256, p256, Bytes{1}).code() == ErrorCode::kBadKey);
  CHECK_FALSE(ParseSigAlg("ES256").has_value());
  CHECK(SpkiFromPem("garbage").code() == ErrorCode::kBadKey);
  CHECK(VerifySpki(Bytes{0x30, 0x00}).code() == ErrorCode::kBadKey);
}
