// Signature-based SRI (signature.h) against the published example of the WICG draft / WPT
// (RFC 9421 Appendix B.1.4 Ed25519 test key; body {"hello": "world"}), plus mutated twins.
#include <doctest/doctest.h>

#include <string>

#include "core/encoding.h"
#include "crypto/ed25519.h"
#include "sri/sf_profile.h"
#include "sri/sri.h"

using namespace verity;
using namespace verity::sri;

namespace {

// RFC 9421 B.1.4 test-key-ed25519: seed (JWK "d") and public key (JWK "x", here in base64).
const char* kSeedB64 = "n4Ni+HpISpVObnQMW0wOhCKROaIKqKtW/2ZYb2p9KcU=";
const char* kPublicB64 = "JrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=";
const char* kBody = "{\"hello\": \"world\"}";
const char* kDigest = "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:";
const char* kInput =
    "signature=(\"unencoded-digest\";sf);keyid=\"JrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=\";tag=\"sri\"";
// Published for this response with tag="sri" (WPT subresource-integrity signature resources).
const char* kSignature =
    "signature=:gHim9e5Pk2H7c9BStOmxSmkyc8+ioZgoxynu3d4INAT4dwfj5LhvaV9DFnEQ9p7C0hzW4o4Qpkm5aApd6WLLCw==:";
// Published in Chromium's unit tests for the same response under the draft's earlier tag
// "ed25519-integrity" (which Verity no longer evaluates).
const char* kOldTagSignatureB64 =
    "SbCdPUyjc0IBJjFbVRWs81ucEUcFz87b37nQ63d6kDW+/JvDmET6O5cSdwlddePvlwemLdaWFuY6pQGO+hrkAg==";

crypto::Ed25519KeyPair TestKey() {
  auto seed = ToArray<32>(ParseBase64(kSeedB64));
  REQUIRE(seed.ok());
  return crypto::Ed25519FromSeed(*seed);
}

std::string SignBase(const std::string& base) {
  auto sig = crypto::SignEd25519(TestKey().secret_key, AsBytes(base));
  return FormatBase64(sig);
}

SignedResponse Response(const char* digest = kDigest, const char* input = kInput,
                        const char* sig = kSignature) {
  SignedResponse r;
  r.unencoded_digest = digest;
  r.signature_input = input;
  r.signature = sig;
  return r;
}

Bytes PublicKey() { return *ParseBase64(kPublicB64); }

}  // namespace

TEST_CASE("signature-based SRI: RFC 9421 test key and the published signature base") {
  auto kp = TestKey();
  CHECK(FormatBase64(kp.public_key) == kPublicB64);
  auto base = ComputeSriSignatureBase(kDigest, kInput, "signature");
  REQUIRE(base.ok());
  CHECK(*base ==
        "\"unencoded-digest\";sf: sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:\n"
        "\"@signature-params\": "
        "(\"unencoded-digest\";sf);keyid=\"JrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=\";"
        "tag=\"sri\"");
  // Ed25519 is deterministic: signing our base must reproduce the signature published in WPT.
  CHECK("signature=:" + SignBase(*base) + ":" == std::string(kSignature));
  BodyDigests digests = BodyDigests::Compute(AsBytes(kBody));
  CHECK(VerifyIntegritySignature(PublicKey(), Response(), digests).ok());
  // The same base construction with the old tag reproduces Chromium's published signature.
  std::string old_base = *base;
  old_base.replace(old_base.rfind("\"sri\""), 5, "\"ed25519-integrity\"");
  CHECK(crypto::VerifyEd25519(PublicKey(), AsBytes(old_base), *ParseBase64(kOldTagSignatureB64)));
  CHECK_FALSE(crypto::VerifyEd25519(PublicKey(), AsBytes(*base), *ParseBase64(kOldTagSignatureB64)));

  auto md = ParseMetadata(std::string("ed25519-") + kPublicB64);
  REQUIRE(md.ok());
  CHECK(RequiredAlgorithms(*md, kDigest) == std::vector<crypto::HashAlg>{crypto::HashAlg::kSha256});
  CHECK(MatchSri(*md, digests, Response()) == SriOutcome::kMatch);
  CHECK(MatchSri(*md, BodyDigests{}, Response()) == SriOutcome::kDigestMissing);
  CHECK(MatchSri(*md, digests) == SriOutcome::kMismatch);  // no headers given: no signature
  CHECK(CheckSriBody(std::string("ed25519-") + kPublicB64, AsBytes(kBody), Response()).outcome ==
        SriOutcome::kMatch);
}

TEST_CASE("signature-based SRI: mutated twins fail with stable codes") {
  BodyDigests digests = BodyDigests::Compute(AsBytes(kBody));
  Bytes pk = PublicKey();
  // Every bit-flip position of the signature (one bit per byte).
  Bytes sig = *ParseBase64(std::string(kSignature).substr(11, 88));
  for (size_t i = 0; i < sig.size(); ++i) {
    Bytes s = sig;
    s[i] ^= 0x01;
    std::string header = "signature=:" + FormatBase64(s) + ":";
    CHECK(VerifyIntegritySignature(pk, Response(kDigest, kInput, header.c_str()), digests).code() ==
          ErrorCode::kSriSignatureInvalid);
  }
  // Another pinned key: the signature is not for it.
  Bytes other = pk;
  other[0] ^= 1;
  CHECK(VerifyIntegritySignature(other, Response(), digests).code() == ErrorCode::kSriNoSignature);
  // The body changed: signature fine, Unencoded-Digest no longer matches.
  CHECK(VerifyIntegritySignature(pk, Response(), BodyDigests::Compute(AsBytes("{\"hello\": \"World\"}")))
            .code() == ErrorCode::kSriUnencodedDigestMismatch);
  // Unencoded-Digest changed (re-signed is required; old signature fails).
  std::string d2 = "sha-256=:" + FormatBase64(crypto::Digest(crypto::HashAlg::kSha256, AsBytes("x"))) + ":";
  CHECK(VerifyIntegritySignature(pk, Response(d2.c_str()), digests).code() ==
        ErrorCode::kSriSignatureInvalid);
  // Old tag from an earlier draft: not an SRI signature.
  std::string old_tag =
      std::string(kInput).replace(std::string(kInput).find("\"sri\""), 5, "\"ed25519-integrity\"");
  CHECK(VerifyIntegritySignature(pk, Response(kDigest, old_tag.c_str()), digests).code() ==
        ErrorCode::kSriNoSignature);
  // Profile violations.
  for (std::string bad : {
           std::string("signature=(\"unencoded-digest\";sf \"@path\";req);keyid=\"") + kPublicB64 +
               "\";tag=\"sri\"",
           std::string("signature=(\"unencoded-digest\");keyid=\"") + kPublicB64 + "\";tag=\"sri\"",
           std::string("signature=(\"content-digest\";sf);keyid=\"") + kPublicB64 + "\";tag=\"sri\"",
           std::string("signature=(\"unencoded-digest\";sf);keyid=\"AAAA\";tag=\"sri\""),
           std::string("signature=(\"unencoded-digest\";sf);tag=\"sri\""),
           std::string("signature=(\"unencoded-digest\";sf);keyid=\"") + kPublicB64 +
               "\";tag=\"sri\";alg=\"rsa\"",
           std::string("signature=(\"unencoded-digest\";sf);keyid=\"") + kPublicB64 +
               "\";tag=\"sri\";extra=1",
       }) {
    CAPTURE(bad);
    CHECK(VerifyIntegritySignature(pk, Response(kDigest, bad.c_str()), digests).code() ==
          ErrorCode::kSriBadSignatureInput);
  }
  // Malformed headers.
  CHECK(VerifyIntegritySignature(pk, Response(kDigest, "sig=(", kSignature), digests).code() ==
        ErrorCode::kSriBadSignatureInput);
  CHECK(VerifyIntegritySignature(pk, Response(kDigest, kInput, "signature=:AAA"), digests).code() ==
        ErrorCode::kSriBadSignatureHeader);
  CHECK(VerifyIntegritySignature(pk, Response(kDigest, kInput, "other=:AAAA:"), digests).code() ==
        ErrorCode::kSriSignatureInvalid);
  for (const char* bad : {"", "sha-256=:AAAA:", "md5=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:",
                          "sha-256=\"X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=\"", "sha-256"}) {
    CAPTURE(bad);
    CHECK(VerifyIntegritySignature(pk, Response(bad), digests).code() == ErrorCode::kSriBadUnencodedDigest);
  }
  CHECK(VerifyIntegritySignature(Bytes(31), Response(), digests).code() == ErrorCode::kSriMalformedKey);
}

TEST_CASE("signature-based SRI: created/expires, several signatures, sha-512 digest, hash+signature") {
  BodyDigests digests = BodyDigests::Compute(AsBytes(kBody));
  Bytes pk = PublicKey();
  std::string d512 = "sha-512=:" + FormatBase64(*digests.sha512) + ":";
  std::string input = std::string("a=(\"unencoded-digest\";sf);keyid=\"") + kPublicB64 +
                      "\";tag=\"other\", s=(\"unencoded-digest\";sf);created=1000;expires=2000;keyid=\"" +
                      kPublicB64 + "\";tag=\"sri\";nonce=\"n\"";
  auto base = ComputeSriSignatureBase(d512, input, "s");
  REQUIRE(base.ok());
  std::string sig = "a=:" + FormatBase64(Bytes(64)) + ":, s=:" + SignBase(*base) + ":";
  SignedResponse r{d512, input, sig, std::nullopt};
  CHECK(VerifyIntegritySignature(pk, r, digests).ok());
  r.now_unix = 1500;
  CHECK(VerifyIntegritySignature(pk, r, digests).ok());
  r.now_unix = 2000 + kSriClockSkewSeconds;
  CHECK(VerifyIntegritySignature(pk, r, digests).code() == ErrorCode::kSriSignatureExpired);
  r.now_unix = 1000 - kSriClockSkewSeconds - 1;
  CHECK(VerifyIntegritySignature(pk, r, digests).code() == ErrorCode::kSriSignatureExpired);
  r.now_unix.reset();

  auto md = ParseMetadata(std::string("ed25519-") + kPublicB64);
  REQUIRE(md.ok());
  CHECK(RequiredAlgorithms(*md, d512) == std::vector<crypto::HashAlg>{crypto::HashAlg::kSha512});
  BodyDigests only256;
  only256.sha256 = digests.sha256;
  CHECK(MatchSri(*md, only256, r) == SriOutcome::kDigestMissing);

  // Hash and signature both present: both must pass.
  std::string good_hash = "sha256-" + FormatBase64(*digests.sha256);
  std::string wrong_hash = "sha256-" + FormatBase64(crypto::Digest(crypto::HashAlg::kSha256, AsBytes("x")));
  auto both = ParseMetadata(good_hash + " ed25519-" + kPublicB64);
  REQUIRE(both.ok());
  CHECK(MatchSri(*both, digests, r) == SriOutcome::kMatch);
  auto hash_bad = ParseMetadata(wrong_hash + " ed25519-" + kPublicB64);
  REQUIRE(hash_bad.ok());
  CHECK(MatchSri(*hash_bad, digests, r) == SriOutcome::kMismatch);
  SignedResponse unsigned_r{d512, "", "", std::nullopt};
  CHECK(MatchSri(*both, digests, unsigned_r) == SriOutcome::kMismatch);
  CHECK(CheckSri(*both, digests, unsigned_r).reason != ErrorCode::kOk);
  // Two pinned keys, one of which signed: passes. Only malformed keys: mismatch.
  auto two = ParseMetadata(std::string("ed25519-") + FormatBase64(Bytes(32, 7)) + " ed25519-" + kPublicB64);
  REQUIRE(two.ok());
  CHECK(MatchSri(*two, digests, r) == SriOutcome::kMatch);
  auto malformed = ParseMetadata("ed25519-AAAA");
  REQUIRE(malformed.ok());
  CHECK(CheckSri(*malformed, digests, r).reason == ErrorCode::kSriMalformedKey);
}

TEST_CASE("signature-based SRI: bounded work on hostile headers") {
  BodyDigests digests = BodyDigests::Compute(AsBytes(kBody));
  Bytes pk = PublicKey();
  std::string huge(kMaxSriHeaderBytes + 1, 'a');
  CHECK(VerifyIntegritySignature(pk, Response(kDigest, huge.c_str()), digests).code() ==
        ErrorCode::kSriTooLarge);
  // Many members with duplicate keys parse in linear time (last value wins, first position kept).
  std::string many;
  for (int i = 0; i < 5000; ++i) many += "a=" + std::to_string(i) + ", ";
  many += "b=1";
  auto d = sf::ParseDictionary(many, ErrorCode::kSriBadSignatureInput);
  REQUIRE(d.ok());
  CHECK(sf::SerializeDictionary(*d) == "a=4999, b=1");
  // The valid signature placed after kMaxSriSignatures other tag="sri" members is not evaluated.
  std::string input, sig;
  for (uint64_t i = 0; i < kMaxSriSignatures; ++i) {
    input +=
        "x" + std::to_string(i) + "=(\"unencoded-digest\";sf);keyid=\"" + kPublicB64 + "\";tag=\"sri\", ";
    sig += "x" + std::to_string(i) + "=:" + FormatBase64(Bytes(64)) + ":, ";
  }
  std::string tail_input = input + kInput;
  std::string tail_sig = sig + kSignature;
  CHECK(
      VerifyIntegritySignature(pk, Response(kDigest, tail_input.c_str(), tail_sig.c_str()), digests).code() ==
      ErrorCode::kSriSignatureInvalid);
  // ...but one position earlier it is.
  std::string input2 =
      input.substr(0, input.rfind("x" + std::to_string(kMaxSriSignatures - 1) + "=")) + kInput;
  std::string sig2 = sig + kSignature;
  CHECK(VerifyIntegritySignature(pk, Response(kDigest, input2.c_str(), sig2.c_str()), digests).ok());
}
