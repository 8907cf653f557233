#include "crypto/hash.h"

#include <doctest/doctest.h>

#include "core/encoding.h"
#include "crypto/ed25519.h"

using namespace verity;
using namespace verity::crypto;

TEST_CASE("SHA-2 FIPS 180 'abc' vectors") {
  CHECK(FormatHex(Sha256("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(FormatHex(Digest(HashAlg::kSha384, AsBytes("abc"))) ==
        "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7");
  CHECK(FormatHex(Digest(HashAlg::kSha512, AsBytes("abc"))).substr(0, 32) ==
        "ddaf35a193617abacc417349ae204131");
  Sha256Hasher h;
  h.Update("a").Update("bc");
  CHECK(h.Final() == Sha256("abc"));
  CHECK(h.Update("abc").Final() == Sha256("abc"));  // Final() resets
  CHECK(FormatHex(Sha256("")) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_CASE("Ed25519 RFC 8032 test 1 and mutations") {
  auto pk = *ParseHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  auto sig = *ParseHex(
      "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5"
      "f0595bbe24655141438e7a100b");
  CHECK(VerifyEd25519(pk, {}, sig));
  for (size_t i = 0; i < sig.size(); ++i) {
    auto s = sig;
    s[i] ^= 1;
    CHECK_FALSE(VerifyEd25519(pk, {}, s));
  }
  auto pk2 = pk;
  pk2[0] ^= 1;
  CHECK_FALSE(VerifyEd25519(pk2, {}, sig));
  CHECK_FALSE(VerifyEd25519(pk, AsBytes("x"), sig));
  CHECK_FALSE(VerifyEd25519(ByteView(pk).first(31), {}, sig));
  auto kp = GenerateEd25519();
  auto s = SignEd25519(kp.secret_key, AsBytes("msg"));
  CHECK(VerifyEd25519(kp.public_key, AsBytes("msg"), s));
  CHECK_FALSE(VerifyEd25519(kp.public_key, AsBytes("msh"), s));
}
