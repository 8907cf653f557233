// Wycheproof and C2SP CCTV Ed25519 vectors through crypto::VerifyEd25519, compared case by case
// with the results recorded for libsodium 1.0.18 (libsodium-1.0.18-observed.json in each folder).
// Counts are asserted so that an empty or truncated vector file fails.
#include <doctest/doctest.h>

#include <map>
#include <string>

#include "core/encoding.h"
#include "crypto/ed25519.h"
#include "json/json.h"
#include "vector_file.h"

using namespace verity;
using verity::testing::At;

namespace {

const std::string kDir = VERITY_VECTORS_DIR;

Bytes Hex(const std::string& s) {
  auto r = ParseHex(s);
  REQUIRE_MESSAGE(r.ok(), "bad hex in vector: " << s);
  return *r;
}

}  // namespace

TEST_CASE("Ed25519 Wycheproof vectors agree with Wycheproof and with observed libsodium 1.0.18") {
  auto vectors_doc = testing::ReadVectorFile(kDir + "/wycheproof-ed25519/ed25519_test.json");
  auto observed_doc = testing::ReadVectorFile(kDir + "/wycheproof-ed25519/libsodium-1.0.18-observed.json");
  REQUIRE_MESSAGE(vectors_doc.ok(), (vectors_doc.ok() ? "" : vectors_doc.error().detail));
  REQUIRE_MESSAGE(observed_doc.ok(), (observed_doc.ok() ? "" : observed_doc.error().detail));
  const json::Value& vectors = *vectors_doc;
  const json::Value& observed = *observed_doc;
  std::map<long long, bool> libsodium;
  for (const auto& r : At(observed, "results").items())
    libsodium[At(r, "tcId").AsInt().value()] = At(r, "libsodium_accepts").AsBool();
  REQUIRE(libsodium.size() == 151);

  int total = 0, valid = 0, invalid = 0, accepted = 0;
  for (const auto& group : At(vectors, "testGroups").items()) {
    Bytes pk = Hex(At(At(group, "publicKey"), "pk").AsString());
    for (const auto& t : At(group, "tests").items()) {
      long long id = At(t, "tcId").AsInt().value();
      CAPTURE(id);
      Bytes msg = Hex(At(t, "msg").AsString());
      Bytes sig = Hex(At(t, "sig").AsString());
      bool ok = crypto::VerifyEd25519(pk, msg, sig);
      const std::string& result = At(t, "result").AsString();
      REQUIRE((result == "valid" || result == "invalid"));
      CHECK(ok == (result == "valid"));
      REQUIRE(libsodium.count(id) == 1);
      CHECK(ok == libsodium[id]);
      ++total;
      (result == "valid" ? valid : invalid)++;
      accepted += ok;
    }
  }
  CHECK(total == 151);
  CHECK(At(vectors, "numberOfTests").AsInt().value() == 151);
  CHECK(valid == 88);
  CHECK(invalid == 63);
  CHECK(accepted == 88);
}

TEST_CASE("Ed25519 CCTV edge cases: exactly the 43 libsodium 1.0.18 accepts") {
  auto vectors_doc = testing::ReadVectorFile(kDir + "/cctv-ed25519/ed25519vectors.json");
  auto observed_doc = testing::ReadVectorFile(kDir + "/cctv-ed25519/libsodium-1.0.18-observed.json");
  REQUIRE_MESSAGE(vectors_doc.ok(), (vectors_doc.ok() ? "" : vectors_doc.error().detail));
  REQUIRE_MESSAGE(observed_doc.ok(), (observed_doc.ok() ? "" : observed_doc.error().detail));
  const json::Value& vectors = *vectors_doc;
  const json::Value& observed = *observed_doc;
  std::map<long long, bool> libsodium;
  for (const auto& r : At(observed, "results").items())
    libsodium[At(r, "number").AsInt().value()] = At(r, "libsodium_accepts").AsBool();
  REQUIRE(libsodium.size() == 914);

  int total = 0, accepted = 0, accepted_flagged = 0;
  for (const auto& v : vectors.items()) {
    long long n = At(v, "number").AsInt().value();
    CAPTURE(n);
    Bytes pk = Hex(At(v, "key").AsString());
    Bytes sig = Hex(At(v, "sig").AsString());
    bool ok = crypto::VerifyEd25519(pk, AsBytes(At(v, "msg").AsString()), sig);
    REQUIRE(libsodium.count(n) == 1);
    CHECK(ok == libsodium[n]);
    ++total;
    if (ok) {
      ++accepted;
      // Every accepted vector is unflagged or only has low-order *components* (README).
      for (const auto& f : At(v, "flags").items()) {
        CHECK((f.AsString() == "low_order_component_A" || f.AsString() == "low_order_component_R"));
      }
      accepted_flagged += !At(v, "flags").items().empty();
    }
  }
  CHECK(total == 914);
  CHECK(accepted == 43);
  CHECK(accepted_flagged == 42);
}
