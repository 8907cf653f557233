#include "m2dmrt/declaration.h"

#include <doctest/doctest.h>

#include "core/encoding.h"
#include "crypto/hash.h"
#include "m2dmrt/check.h"

using namespace verity;
using namespace verity::m2dmrt;

namespace {

struct Party {
  std::string host, pem;
  Bytes spki;
};

Party MakeParty(std::string host, crypto::SigAlg alg) {
  Party p{std::move(host), *crypto::GeneratePrivateKeyPem(alg), {}};
  p.spki = *crypto::SpkiFromPem(p.pem);
  return p;
}

Declaration Declare(const Party& by, const Party& about, crypto::SigAlg alg, int64_t nb = 1000,
                    int64_t na = 5000) {
  Declaration d;
  d.declarer = by.host;
  d.peer = about.host;
  d.declarer_key = crypto::Sha256(by.spki);
  d.peer_key = crypto::Sha256(about.spki);
  d.not_before = nb;
  d.not_after = na;
  d.alg = alg;
  std::string msg = ComputeSignedMessage(d);
  d.signature = *crypto::SignWithPrivateKeyPem(alg, by.pem, AsBytes(msg));
  return d;
}

TxtLookup Secure(std::vector<std::string> records) {
  return TxtLookup{DnsSecurity::kSecure, std::move(records), false, 300, "test", ""};
}

}  // namespace

TEST_CASE("owner names and host canonicalisation") {
  auto n = DeclarationOwnerName("Shop.Test", "pay.test");
  REQUIRE(n.ok());
  CHECK(*n == FormatHex(crypto::Sha256("pay.test")).substr(0, 56) + "._m2dmrt.shop.test");
  CHECK(*PolicyOwnerName("shop.test") == "_m2dmrt.shop.test");
  for (const char* bad : {"", ".", "a..b", "-a.test", "a-.test", "a b", "a.test.", "ä.test"}) {
    CAPTURE(bad);
    CHECK(CanonicalHost(bad).code() == ErrorCode::kM2dmrtBadHost);
  }
  CHECK(CanonicalHost(std::string(64, 'a') + ".test").code() == ErrorCode::kM2dmrtBadHost);
}

TEST_CASE("declaration round trip for every algorithm, every field mutation fails") {
  for (auto alg : {crypto::SigAlg::kEs256, crypto::SigAlg::kEs384, crypto::SigAlg::kRs256,
                   crypto::SigAlg::kPs256, crypto::SigAlg::kEd25519}) {
    CAPTURE(crypto::SigAlgName(alg));
    Party shop = MakeParty("shop.test", alg), pay = MakeParty("pay.test", crypto::SigAlg::kEs256);
    Declaration d = Declare(shop, pay, alg);
    std::string text = FormatDeclaration(d);
    auto parsed = ParseDeclaration(text);
    REQUIRE(parsed.ok());
    CHECK(FormatDeclaration(*parsed) == text);
    Observed obs{shop.spki, pay.spki};
    CHECK(VerifyDeclaration(*parsed, "shop.test", "pay.test", obs, 2000, 300).ok());
    // Mutating any signed field breaks the signature.
    auto mutate = [&](auto f) {
      Declaration m = *parsed;
      f(m);
      return VerifyDeclaration(m, m.declarer, m.peer, obs, 2000, 300);
    };
    CHECK(mutate([](Declaration& m) { m.not_after += 1; }).code() == ErrorCode::kM2dmrtBadSignature);
    CHECK(mutate([](Declaration& m) { m.not_before -= 1; }).code() == ErrorCode::kM2dmrtBadSignature);
    CHECK(mutate([](Declaration& m) { m.signature[3] ^= 1; }).code() == ErrorCode::kM2dmrtBadSignature);
    CHECK(mutate([](Declaration& m) { m.peer = "pay2.test"; }).code() == ErrorCode::kM2dmrtBadSignature);
    CHECK(mutate([](Declaration& m) { m.declarer_key[0] ^= 1; }).code() == ErrorCode::kM2dmrtKeyMismatch);
    CHECK(mutate([](Declaration& m) { m.peer_key[31] ^= 1; }).code() == ErrorCode::kM2dmrtKeyMismatch);
    // alg and declarer are signed too.
    const crypto::SigAlg other_alg =
        alg == crypto::SigAlg::kEd25519 ? crypto::SigAlg::kEs256 : crypto::SigAlg::kEd25519;
    CHECK(mutate([&](Declaration& m) { m.alg = other_alg; }).code() == ErrorCode::kM2dmrtBadSignature);
    CHECK(mutate([](Declaration& m) { m.declarer = "shop2.test"; }).code() == ErrorCode::kM2dmrtBadSignature);
    // The signature binds kd and kp: the declarer's own key signs a message naming other keys, and the
    // record then carries the keys actually observed, so the key check passes and only the signature
    // can catch it.
    Party other = MakeParty("pay.test", crypto::SigAlg::kEs256);
    auto resigned = [&](auto set_signed_keys) {
      Declaration m = *parsed;
      Declaration signed_over = m;
      set_signed_keys(signed_over);
      m.signature = *crypto::SignWithPrivateKeyPem(alg, shop.pem, AsBytes(ComputeSignedMessage(signed_over)));
      return VerifyDeclaration(m, "shop.test", "pay.test", obs, 2000, 300);
    };
    CHECK(resigned([](Declaration&) {}).ok());  // the control: re-signed over the same fields
    CHECK(resigned([&](Declaration& x) { x.peer_key = crypto::Sha256(other.spki); }).code() ==
          ErrorCode::kM2dmrtBadSignature);
    CHECK(resigned([&](Declaration& x) { x.declarer_key = crypto::Sha256(other.spki); }).code() ==
          ErrorCode::kM2dmrtBadSignature);
    // Wrong hosts, windows, observed keys.
    CHECK(VerifyDeclaration(*parsed, "pay.test", "shop.test", obs, 2000, 300).code() ==
          ErrorCode::kM2dmrtHostMismatch);
    CHECK(VerifyDeclaration(*parsed, "shop.test", "pay.test", obs, 1000 - 301, 300).code() ==
          ErrorCode::kM2dmrtNotYetValid);
    CHECK(VerifyDeclaration(*parsed, "shop.test", "pay.test", obs, 1000 - 300, 300).ok());
    CHECK(VerifyDeclaration(*parsed, "shop.test", "pay.test", obs, 5301, 300).code() ==
          ErrorCode::kM2dmrtExpired);
    Party evil = MakeParty("pay.test", crypto::SigAlg::kEs256);
    CHECK(VerifyDeclaration(*parsed, "shop.test", "pay.test", Observed{shop.spki, evil.spki}, 2000, 300)
              .code() == ErrorCode::kM2dmrtKeyMismatch);
  }
}

TEST_CASE("declaration parser: malformed vs unknown") {
  Party a = MakeParty("a.test", crypto::SigAlg::kEd25519), b = MakeParty("b.test", crypto::SigAlg::kEd25519);
  std::string good = FormatDeclaration(Declare(a, b, crypto::SigAlg::kEd25519));
  CHECK(ParseDeclaration(good + ";").ok());
  CHECK(ParseDeclaration(good + "; x=unknown").ok());
  auto replace = [&](std::string from, std::string to) {
    std::string s = good;
    s.replace(s.find(from), from.size(), to);
    return ParseDeclaration(s).code();
  };
  CHECK(replace("v=M2DMRT1", "v=M2DMRT2") == ErrorCode::kM2dmrtUnknownVersion);
  CHECK(replace("a=ed25519", "a=ml-dsa-44") == ErrorCode::kM2dmrtUnknownAlgorithm);
  CHECK(replace("d=a.test", "d=A.test") == ErrorCode::kM2dmrtMalformed);
  CHECK(replace("nb=1000", "nb=01000") == ErrorCode::kM2dmrtMalformed);
  CHECK(replace("nb=1000", "nb=6000") == ErrorCode::kM2dmrtMalformed);
  CHECK(replace("nb=1000", "nb=-1") == ErrorCode::kM2dmrtMalformed);
  CHECK(replace("; p=b.test", "") == ErrorCode::kM2dmrtMalformed);
  CHECK(replace("; p=b.test", "; p=b.test; p=b.test") == ErrorCode::kM2dmrtMalformed);
  CHECK(replace("kd=", "kd=A") == ErrorCode::kM2dmrtMalformed);
  CHECK(replace("; s=", "; s=!") == ErrorCode::kM2dmrtMalformed);
  CHECK(ParseDeclaration("").code() == ErrorCode::kM2dmrtMalformed);
  CHECK(ParseDeclaration("d=a.test; v=M2DMRT1").code() == ErrorCode::kM2dmrtMalformed);
  CHECK(ParseDeclaration(";;").code() == ErrorCode::kM2dmrtMalformed);
  CHECK(*ParsePolicyRecord("v=M2DMRT1; policy=enforce") == SitePolicy::kEnforce);
  CHECK(*ParsePolicyRecord("v=M2DMRT1;policy=report") == SitePolicy::kReport);
  CHECK(ParsePolicyRecord("v=M2DMRT1; policy=maybe").code() == ErrorCode::kM2dmrtMalformed);
  std::string zone = FormatZoneLine(Declare(a, b, crypto::SigAlg::kEd25519), 300);
  CHECK(zone.find("._m2dmrt.a.test. 300 IN TXT \"v=M2DMRT1;") != std::string::npos);
}

TEST_CASE("hop evaluation: MUTUAL, ONE_SIDED, NONE, UNVERIFIABLE, BOGUS") {
  Party shop = MakeParty("shop.test", crypto::SigAlg::kEs256),
        pay = MakeParty("pay.test", crypto::SigAlg::kEs384);
  TxtLookup fwd = Secure({FormatDeclaration(Declare(shop, pay, crypto::SigAlg::kEs256))});
  TxtLookup back = Secure({"v=spf1 -all", FormatDeclaration(Declare(pay, shop, crypto::SigAlg::kEs384))});
  TxtLookup empty = Secure({});
  HopInput in{"shop.test", "pay.test", shop.spki, pay.spki, &fwd, &back, 2000, 300};
  CHECK(EvaluateHop(in).state == HopState::kMutual);
  CHECK(RequiredAction(SitePolicy::kEnforce, HopState::kMutual) == Action::kAllow);
  in.dest_about_origin = &empty;
  auto one = EvaluateHop(in);
  CHECK(one.state == HopState::kOneSided);
  CHECK(RequiredAction(SitePolicy::kEnforce, one.state) == Action::kBlock);
  CHECK(RequiredAction(SitePolicy::kReport, one.state) == Action::kReport);
  in.origin_about_dest = &empty;
  CHECK(EvaluateHop(in).state == HopState::kNone);
  // Wrong observed key: no record verifies.
  Party evil = MakeParty("pay.test", crypto::SigAlg::kEs384);
  HopInput wrong{"shop.test", "pay.test", shop.spki, evil.spki, &fwd, &back, 2000, 300};
  auto w = EvaluateHop(wrong);
  CHECK(w.state == HopState::kNone);
  CHECK(w.origin_declares_dest.code == ErrorCode::kM2dmrtKeyMismatch);
  // Expired.
  HopInput late{"shop.test", "pay.test", shop.spki, pay.spki, &fwd, &back, 9000, 300};
  CHECK(EvaluateHop(late).state == HopState::kNone);
  // DNSSEC states dominate.
  TxtLookup bogus{DnsSecurity::kBogus, {}, false, 0, "test", "signature expired"};
  TxtLookup insecure{DnsSecurity::kInsecure, fwd.records, false, 300, "test", ""};
  HopInput b{"shop.test", "pay.test", shop.spki, pay.spki, &fwd, &bogus, 2000, 300};
  CHECK(EvaluateHop(b).state == HopState::kBogus);
  HopInput u{"shop.test", "pay.test", shop.spki, pay.spki, &insecure, &back, 2000, 300};
  CHECK(EvaluateHop(u).state == HopState::kUnverifiable);
  HopInput missing{"shop.test", "pay.test", shop.spki, pay.spki, nullptr, &back, 2000, 300};
  CHECK(EvaluateHop(missing).state == HopState::kUnverifiable);
}
