// Wycheproof and C2SP CCTV Ed25519 vectors through crypto::VerifyEd25519, compared case by case
// with the results recorded for libsodium 1.0.18 (libsodium-1.0.18-observed.json in each folder).
// Counts are asserted so that an empty or truncated vector file fails.
#include <doctest/doctest.h>

#include <map>
#include <string>

#include "core/encoding.h"
#include "crypto/ed25519.h"
#include "sri/vector_json.h"

using namespace verity;

namespace {

const std::string kDir = VERITY_VECTORS_DIR;

Bytes Hex(const std::string& s) {
  auto r = ParseHex(s);
  REQUIRE_MESSAGE(r.ok(), "bad hex in vector: " << s);
  return *r;
}

}  // namespace

TEST_CASE("Ed25519 Wycheproof vectors agree with Wycheproof and with observed libsodium 1.0.18") {
  testjson::Node vectors, observed;
  REQUIRE(testjson::LoadJsonFile(kDir + "/wycheproof-ed25519/ed25519_test.json", vectors));
  REQUIRE(testjson::LoadJsonFile(kDir + "/wycheproof-ed25519/libsodium-1.0.18-observed.json", observed));
  std::map<long long, bool> libsodium;
  for (const auto& r : observed["results"].items) libsodium[r["tcId"].Int()] = r["libsodium_accepts"].b;
  REQUIRE(libsodium.size() == 151);

  int total = 0, valid = 0, invalid = 0, accepted = 0;
  for (const auto& group : vectors["testGroups"].items) {
    Bytes pk = Hex(group["publicKey"]["pk"].text);
    for (const auto& t : group["tests"].items) {
      long long id = t["tcId"].Int();
      CAPTURE(id);
      Bytes msg = Hex(t["msg"].text);
      Bytes sig = Hex(t["sig"].text);
      bool ok = crypto::VerifyEd25519(pk, msg, sig);
      const std::string& result = t["result"].text;
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
  CHECK(vectors["numberOfTests"].Int() == 151);
  CHECK(valid == 88);
  CHECK(invalid == 63);
  CHECK(accepted == 88);
}

TEST_CASE("Ed25519 CCTV edge cases: exactly the 43 libsodium 1.0.18 accepts") {
  testjson::Node vectors, observed;
  REQUIRE(testjson::LoadJsonFile(kDir + "/cctv-ed25519/ed25519vectors.json", vectors));
  REQUIRE(testjson::LoadJsonFile(kDir + "/cctv-ed25519/libsodium-1.0.18-observed.json", observed));
  std::map<long long, bool> libsodium;
  for (const auto& r : observed["results"].items) libsodium[r["number"].Int()] = r["libsodium_accepts"].b;
  REQUIRE(libsodium.size() == 914);

  int total = 0, accepted = 0, accepted_flagged = 0;
  for (const auto& v : vectors.items) {
    long long n = v["number"].Int();
    CAPTURE(n);
    Bytes pk = Hex(v["key"].text);
    Bytes sig = Hex(v["sig"].text);
    bool ok = crypto::VerifyEd25519(pk, AsBytes(v["msg"].text), sig);
    REQUIRE(libsodium.count(n) == 1);
    CHECK(ok == libsodium[n]);
    ++total;
    if (ok) {
      ++accepted;
      // Every accepted vector is unflagged or only has low-order *components* (README).
      for (const auto& f : v["flags"].items) {
        CHECK((f.text == "low_order_component_A" || f.text == "low_order_component_R"));
      }
      accepted_flagged += !v["flags"].items.empty();
    }
  }
  CHECK(total == 914);
  CHECK(accepted == 43);
  CHECK(accepted_flagged == 42);
}
