// Unit tests of SRI metadata parsing/matching (sri.h) and the structured-field subset.
#include "sri/sri.h"

#include <doctest/doctest.h>

#include "core/encoding.h"
#include "crypto/hash.h"
#include "sri/sf_profile.h"

using namespace verity;
using namespace verity::sri;

namespace {

const std::string kBody = "// nothing important.\n";  // WPT body (tests/vectors/sri/README.md)

std::string B64(crypto::HashAlg alg, std::string_view body) {
  return FormatBase64(crypto::Digest(alg, AsBytes(body)));
}

}  // namespace

TEST_CASE("ParseMetadata: tokens, whitespace, options, case, unknown and malformed") {
  std::string good = "sha256-" + B64(crypto::HashAlg::kSha256, kBody);
  auto md =
      ParseMetadata(" \t\n" + good + "?opt=1?x \f\r foo666-abc  ed25519-" + std::string(43, 'A') + "= \r\n");
  REQUIRE(md.ok());
  REQUIRE(md->hashes.size() == 1);
  CHECK(md->hashes[0].alg == Algorithm::kSha256);
  CHECK_FALSE(md->hashes[0].malformed());
  CHECK(md->hashes[0].value == crypto::Digest(crypto::HashAlg::kSha256, AsBytes(kBody)));
  REQUIRE(md->signatures.size() == 1);
  CHECK_FALSE(md->signatures[0].malformed());
  CHECK(md->signatures[0].value.size() == 32);
  CHECK(md->skipped_tokens == 1);

  // Unknown algorithm only / empty / whitespace only: no metadata.
  for (std::string_view s :
       {"", "   \t\n", "foo-bar", "md5-xxxx", "sha-256-abc", "...", "-", "sha256x-AAAA"}) {
    CAPTURE(s);
    auto m = ParseMetadata(s);
    REQUIRE(m.ok());
    CHECK(m->empty());
  }
  // Known algorithm, malformed value: kept as a malformed entry.
  for (std::string_view s : {"sha256", "sha256-", "sha256-%", "sha256-AAA", "sha384-...", "SHA512-?x",
                             "sha256-Bu681KMnQ15RYHFvsYdWumweeFAw0hJDTFt9seErghA=="}) {
    CAPTURE(s);
    auto m = ParseMetadata(s);
    REQUIRE(m.ok());
    REQUIRE(m->hashes.size() == 1);
    CHECK(m->hashes[0].problem == ErrorCode::kSriMalformedDigest);
  }
  auto bad_key = ParseMetadata("ed25519-AAAA");
  REQUIRE(bad_key.ok());
  CHECK(bad_key->signatures.at(0).problem == ErrorCode::kSriMalformedKey);
  // Upper-case algorithm is the same algorithm.
  auto upper = ParseMetadata("ShA384-" + B64(crypto::HashAlg::kSha384, kBody));
  REQUIRE(upper.ok());
  CHECK(upper->hashes.at(0).alg == Algorithm::kSha384);
  // Size cap.
  CHECK(ParseMetadata(std::string(kMaxMetadataBytes + 1, ' ')).code() == ErrorCode::kSriTooLarge);
  CHECK(CheckSriBody(std::string(kMaxMetadataBytes + 1, ' '), AsBytes(kBody)).outcome ==
        SriOutcome::kMismatch);
}

TEST_CASE("strongest algorithm decides; malformed entries count but never match") {
  std::string s256 = "sha256-" + B64(crypto::HashAlg::kSha256, kBody);
  std::string s384 = "sha384-" + B64(crypto::HashAlg::kSha384, kBody);
  std::string s512 = "sha512-" + B64(crypto::HashAlg::kSha512, kBody);
  auto outcome = [&](const std::string& integrity) {
    return CheckSriBody(integrity, AsBytes(kBody)).outcome;
  };
  CHECK(outcome(s256) == SriOutcome::kMatch);
  CHECK(outcome(s384 + " " + s256) == SriOutcome::kMatch);
  CHECK(outcome("sha512-% " + s384) == SriOutcome::kMismatch);
  CHECK(outcome(s384 + " sha512-" + B64(crypto::HashAlg::kSha512, "other")) == SriOutcome::kMismatch);
  CHECK(outcome("sha512-" + B64(crypto::HashAlg::kSha512, "other") + " " + s512) == SriOutcome::kMatch);
  CHECK(outcome(s256 + " sha256-%") == SriOutcome::kMatch);

  auto md = ParseMetadata("sha512-% " + s384 + " " + s256);
  REQUIRE(md.ok());
  CHECK(StrongestHashAlgorithm(*md) == crypto::HashAlg::kSha512);
  CHECK(RequiredAlgorithms(*md).empty());  // nothing can make sha512-% match
  CHECK(MatchSri(*md, BodyDigests{}) == SriOutcome::kMismatch);

  auto md2 = ParseMetadata(s256 + " " + s384);
  REQUIRE(md2.ok());
  REQUIRE(RequiredAlgorithms(*md2) == std::vector<crypto::HashAlg>{crypto::HashAlg::kSha384});
  BodyDigests only256;
  only256.sha256 = crypto::Digest(crypto::HashAlg::kSha256, AsBytes(kBody));
  CHECK(CheckSri(*md2, only256).outcome == SriOutcome::kDigestMissing);
  CHECK(CheckSri(*md2, only256).reason == ErrorCode::kSriDigestMissing);
}

TEST_CASE("every single-byte change of a digest or the body is a mismatch") {
  for (auto alg : {crypto::HashAlg::kSha256, crypto::HashAlg::kSha384, crypto::HashAlg::kSha512}) {
    Bytes d = crypto::Digest(alg, AsBytes(kBody));
    auto md =
        ParseMetadata(std::string(crypto::HashAlgName(alg)) + "-" + FormatBase64Url(d));  // base64url, no pad
    REQUIRE(md.ok());
    BodyDigests digests;
    digests.Set(alg, d);
    CHECK(MatchSri(*md, digests) == SriOutcome::kMatch);
    for (size_t i = 0; i < d.size(); ++i) {
      Bytes m = d;
      m[i] ^= 0x80;
      digests.Set(alg, m);
      CHECK(MatchSri(*md, digests) == SriOutcome::kMismatch);
    }
    // A digest of the wrong length never matches.
    digests.Set(alg, Bytes(d.begin(), d.end() - 1));
    CHECK(MatchSri(*md, digests) == SriOutcome::kMismatch);
  }
}

TEST_CASE("outcome and algorithm names are stable") {
  CHECK(SriOutcomeName(SriOutcome::kNoMetadata) == "no_metadata");
  CHECK(SriOutcomeName(SriOutcome::kMatch) == "match");
  CHECK(SriOutcomeName(SriOutcome::kMismatch) == "mismatch");
  CHECK(SriOutcomeName(SriOutcome::kDigestMissing) == "digest_missing");
  CHECK(AlgorithmName(Algorithm::kEd25519) == "ed25519");
  CHECK(WireName(ErrorCode::kSriMismatch) == "sri.mismatch");
  CHECK(CodeFromWireName("sri.signature_invalid") == ErrorCode::kSriSignatureInvalid);
}

TEST_CASE("sf subset: parse and canonical serialization") {
  auto d = sf::ParseDictionary(R"(a=1, b="x\"y";p=?0;q, c=(tok :AQID: ?1);z=-5, d, e=:AQI=:)",
                               ErrorCode::kSriBadSignatureInput);
  REQUIRE(d.ok());
  CHECK(sf::SerializeDictionary(*d) == R"(a=1, b="x\"y";p=?0;q, c=(tok :AQID: ?1);z=-5, d, e=:AQI=:)");
  auto dup = sf::ParseDictionary("a=1, b=2, a=3", ErrorCode::kSriBadSignatureInput);
  REQUIRE(dup.ok());
  CHECK(sf::SerializeDictionary(*dup) == "a=3, b=2");
  CHECK(sf::SerializeDictionary(
            *sf::ParseDictionary("  a=:AQI:  ,b=1\t", ErrorCode::kSriBadSignatureInput)) == "a=:AQI=:, b=1");
  for (std::string_view bad : {"a=", "A=1", "a=1,", "a=1 b=2", "a=1.5", "a=\"x", "a=(1 2", "a=:!!:", "a=?2",
                               "a=1234567890123456", "a=@1", "a=%\"x\"", "a=(1)x", "a=\"\x01\""}) {
    CAPTURE(bad);
    CHECK(sf::ParseDictionary(bad, ErrorCode::kSriBadSignatureInput).code() ==
          ErrorCode::kSriBadSignatureInput);
  }
}

TEST_CASE("ParseBodyDigests: protocol digests, lengths checked") {
  std::string d256 = B64(crypto::HashAlg::kSha256, kBody);
  std::string d512 = B64(crypto::HashAlg::kSha512, kBody);
  auto d = ParseBodyDigests(d256, std::nullopt, d512);
  REQUIRE(d.ok());
  CHECK(*d->sha256 == crypto::Digest(crypto::HashAlg::kSha256, AsBytes(kBody)));
  CHECK_FALSE(d->sha384.has_value());
  CHECK(d->Get(crypto::HashAlg::kSha384) == nullptr);
  CHECK(*d->Get(crypto::HashAlg::kSha512) == crypto::Digest(crypto::HashAlg::kSha512, AsBytes(kBody)));
  CHECK(ParseBodyDigests(d256.substr(0, 43), std::nullopt, std::nullopt).ok());  // unpadded
  CHECK(ParseBodyDigests(std::nullopt, d256, std::nullopt).code() == ErrorCode::kSriMalformedDigest);
  CHECK(ParseBodyDigests("%%%", std::nullopt, std::nullopt).code() == ErrorCode::kSriMalformedDigest);
  CHECK(ParseBodyDigests(d256.substr(0, 40), std::nullopt, std::nullopt).code() ==
        ErrorCode::kSriMalformedDigest);
  auto none = ParseBodyDigests(std::nullopt, std::nullopt, std::nullopt);
  REQUIRE(none.ok());
  CHECK(none->Get(crypto::HashAlg::kSha256) == nullptr);
}
