// M2DMRT mutual registration (docs/m2dmrt-registration.md): message functions with mutated twins,
// then the real exchange over loopback HTTPS with mutual TLS and certificates made by the test.
#include "m2dmrt/registration.h"

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "core/clock.h"
#include "core/encoding.h"
#include "crypto/hash.h"
#include "m2dmrt/check.h"
#include "m2dmrt/declaration.h"
#include "net/tls_server.h"

using namespace verity;
using namespace verity::m2dmrt;

namespace {

constexpr int64_t kNow = 1800000000;

struct Agent {
  RegIdentity id;
  std::string cert_pem;
};

Agent MakeAgent(const std::string& host, crypto::SigAlg alg) {
  std::string key = *crypto::GeneratePrivateKeyPem(alg);
  auto cert = net::MakeSelfSignedCertificatePem(key, host, 30);
  REQUIRE(cert.ok());
  auto id = LoadRegIdentity(host, *cert, key);
  REQUIRE(id.ok());
  return Agent{*id, *cert};
}

RegNonce Nonce(uint8_t fill) {
  RegNonce n;
  n.fill(fill);
  return n;
}

// A's hello and B's offer for it, parsed back from the wire like the peer would.
struct Exchange {
  RegHello hello;
  RegOffer offer;
};

Exchange Start(RegResponder& b, const Agent& a, uint8_t na, uint8_t nb, int64_t now = kNow) {
  RegHello hello = MakeRegHello(a.id, b.identity().host, Nonce(na));
  auto parsed = ParseRegHello(FormatRegHello(hello));
  REQUIRE(parsed.ok());
  auto offer = b.HandleHello(*parsed, a.id.spki, now, Nonce(nb));
  REQUIRE(offer.ok());
  auto wire = ParseRegOffer(FormatRegOffer(*offer));
  REQUIRE(wire.ok());
  return Exchange{hello, *wire};
}

RegConfirm Confirm(const Agent& a, const Exchange& x, ByteView spki_b) {
  auto step = AcceptRegOffer(a.id, x.hello, x.offer, spki_b, kNow, RegPolicy{});
  REQUIRE(step.ok());
  auto wire = ParseRegConfirm(FormatRegConfirm(step->confirm));
  REQUIRE(wire.ok());
  return *wire;
}

ErrorCode OfferCode(const Agent& a, const Exchange& x, const RegOffer& offer, ByteView observed) {
  return AcceptRegOffer(a.id, x.hello, offer, observed, kNow, RegPolicy{}).code();
}

void FlipLast(Bytes& b) { b.back() ^= 0x01; }

TxtLookup Secure(std::vector<std::string> records) {
  return TxtLookup{dns::Security::kSecure, std::move(records), false, 300, "test", ""};
}

// The registration outcome, checked the way a browser would: both records in secure answers,
// keys as observed in TLS.
HopState Evaluate(const Registration& reg_a, ByteView spki_a, ByteView spki_b, int64_t now) {
  TxtLookup fwd = Secure({FormatDeclaration(reg_a.own)});
  TxtLookup back = Secure({FormatDeclaration(reg_a.peer)});
  HopInput in{reg_a.own.declarer, reg_a.own.peer, spki_a, spki_b, &fwd, &back, now, 300};
  return EvaluateHop(in).state;
}

}  // namespace

TEST_CASE("registration: messages round-trip through their wire form") {
  Agent a = MakeAgent("shop.test", crypto::SigAlg::kEs256);
  RegHello h = MakeRegHello(a.id, "pay.test", Nonce(7));
  std::string wire = FormatRegHello(h);
  CHECK(ParseRegMessageType(wire).value() == RegMessageType::kHello);
  auto back = ParseRegHello(wire);
  REQUIRE(back.ok());
  CHECK(back->host_a == "shop.test");
  CHECK(back->host_b == "pay.test");
  CHECK(back->spki_a == a.id.spki);
  CHECK(back->alg_a == crypto::SigAlg::kEs256);
  CHECK(back->nonce_a == Nonce(7));
  CHECK(FormatRegHello(*back) == wire);
  // A hello is not an offer, a confirm or a done.
  CHECK(ParseRegOffer(wire).code() == ErrorCode::kM2dmrtRegWrongMessage);
  CHECK(ParseRegConfirm(wire).code() == ErrorCode::kM2dmrtRegWrongMessage);
  CHECK(ParseRegDone(wire).code() == ErrorCode::kM2dmrtRegWrongMessage);

  RegDone d{"shop.test", "pay.test", Nonce(9)};
  auto done = ParseRegDone(FormatRegDone(d));
  REQUIRE(done.ok());
  CHECK(done->nonce_b == Nonce(9));
  auto err = ParseRegError(FormatRegError(MakeError(ErrorCode::kM2dmrtRegBadProof, std::string(2000, 'x'))));
  REQUIRE(err.ok());
  CHECK(err->error == "m2dmrt.reg_bad_proof");
  CHECK(err->detail.size() == kRegMaxDetailChars);
}

TEST_CASE("registration: parsers reject malformed, oversized and foreign messages with stable codes") {
  Agent a = MakeAgent("shop.test", crypto::SigAlg::kEd25519);
  std::string good = FormatRegHello(MakeRegHello(a.id, "pay.test", Nonce(1)));
  REQUIRE(ParseRegHello(good).ok());
  auto with = [&](std::string_view from, std::string_view to) {
    std::string s = good;
    size_t at = s.find(from);
    REQUIRE(at != std::string::npos);
    s.replace(at, from.size(), to);
    return ParseRegHello(s).code();
  };
  CHECK(ParseRegHello("").code() == ErrorCode::kM2dmrtRegMalformed);
  CHECK(ParseRegHello("[1,2]").code() == ErrorCode::kM2dmrtRegMalformed);
  CHECK(ParseRegHello(good.substr(0, good.size() - 1)).code() == ErrorCode::kM2dmrtRegMalformed);
  CHECK(ParseRegHello(std::string(kRegMaxMessageBytes + 1, ' ')).code() == ErrorCode::kM2dmrtRegTooLarge);
  CHECK(with("\"v\":\"M2DMRT1\"", "\"v\":\"M2DMRT2\"") == ErrorCode::kM2dmrtRegWrongMessage);
  CHECK(with("\"v\":\"M2DMRT1\"", "\"w\":\"M2DMRT1\"") == ErrorCode::kM2dmrtRegMalformed);
  CHECK(with("register-hello", "register-helo") == ErrorCode::kM2dmrtRegWrongMessage);
  CHECK(with("\"shop.test\"", "\"Shop.test\"") == ErrorCode::kM2dmrtRegMalformed);
  CHECK(with("\"shop.test\"", "\"shop.test.\"") == ErrorCode::kM2dmrtRegMalformed);
  CHECK(with("\"shop.test\"", "7") == ErrorCode::kM2dmrtRegMalformed);
  CHECK(with("\"alg_a\":\"ed25519\"", "\"alg_a\":\"ed448\"") == ErrorCode::kM2dmrtRegBadKey);
  CHECK(with("\"alg_a\":\"ed25519\"", "") == ErrorCode::kM2dmrtRegMalformed);  // leaves ",," -> not JSON
  // Nonce of 31 bytes, of 33 bytes, not base64.
  std::string n32 = FormatBase64(ByteView(Nonce(1).data(), 32));
  CHECK(with(n32, FormatBase64(Bytes(31, 1))) == ErrorCode::kM2dmrtRegMalformed);
  CHECK(with(n32, FormatBase64(Bytes(33, 1))) == ErrorCode::kM2dmrtRegTooLarge);
  CHECK(with(n32, "!!!!") == ErrorCode::kM2dmrtRegMalformed);
  CHECK(with(n32, std::string(4000, 'A')) == ErrorCode::kM2dmrtRegTooLarge);
  // SPKI that is not one.
  std::string spki = FormatBase64(a.id.spki);
  CHECK(with(spki, FormatBase64(Bytes(44, 0x30))) == ErrorCode::kM2dmrtRegBadKey);
  CHECK(with(spki, std::string(8000, 'A')) == ErrorCode::kM2dmrtRegTooLarge);
  // Duplicate member: ambiguous.
  CHECK(with("\"host_b\":", "\"host_a\":\"x.test\",\"host_b\":") == ErrorCode::kM2dmrtRegMalformed);
  // Unknown members are ignored.
  CHECK(with("\"host_b\":", "\"future\":[1],\"host_b\":") == ErrorCode::kOk);
  CHECK(ParseRegMessageType(R"({"type":"m2dmrt-register-bye","v":"M2DMRT1"})").code() ==
        ErrorCode::kM2dmrtRegWrongMessage);
  CHECK(ParseRegError(R"({"type":"m2dmrt-register-error","v":"M2DMRT1"})").code() ==
        ErrorCode::kM2dmrtRegMalformed);
  // Declarations are bounded.
  RegConfirm c{"shop.test", "pay.test",   Nonce(1),
               Nonce(2),    Bytes(64, 1), std::string(kRegMaxDeclarationChars + 1, 'v')};
  CHECK(ParseRegConfirm(FormatRegConfirm(c)).code() == ErrorCode::kM2dmrtRegTooLarge);
  c.decl_a.resize(kRegMaxDeclarationChars);
  CHECK(ParseRegConfirm(FormatRegConfirm(c)).ok());
  c.pop_a = Bytes(kRegMaxProofBytes + 1, 1);
  CHECK(ParseRegConfirm(FormatRegConfirm(c)).code() == ErrorCode::kM2dmrtRegTooLarge);
}

TEST_CASE("registration: proof messages are domain-separated by role and bind every field") {
  Agent a = MakeAgent("shop.test", crypto::SigAlg::kEs256);
  Agent b = MakeAgent("pay.test", crypto::SigAlg::kEs256);
  std::string offer = ComputeProofMessage(RegRole::kResponder, "shop.test", "pay.test", Nonce(1), Nonce(2),
                                          a.id.spki, b.id.spki);
  std::string confirm = ComputeProofMessage(RegRole::kInitiator, "shop.test", "pay.test", Nonce(1), Nonce(2),
                                            a.id.spki, b.id.spki);
  CHECK(offer.rfind("M2DMRT1-register|offer|shop.test|pay.test|", 0) == 0);
  CHECK(confirm.rfind("M2DMRT1-register|confirm|shop.test|pay.test|", 0) == 0);
  CHECK(offer.find(FormatHex(crypto::Sha256(b.id.spki))) != std::string::npos);
  CHECK(offer != confirm);
  CHECK(offer != ComputeProofMessage(RegRole::kResponder, "pay.test", "shop.test", Nonce(1), Nonce(2),
                                     a.id.spki, b.id.spki));
  CHECK(offer != ComputeProofMessage(RegRole::kResponder, "shop.test", "pay.test", Nonce(2), Nonce(1),
                                     a.id.spki, b.id.spki));
  CHECK(offer != ComputeProofMessage(RegRole::kResponder, "shop.test", "pay.test", Nonce(1), Nonce(2),
                                     b.id.spki, a.id.spki));
  // Not a declaration's signed message either.
  CHECK(offer.rfind("M2DMRT1|", 0) == std::string::npos);
}

TEST_CASE("registration: the in-memory exchange ends with two records that verify as MUTUAL") {
  const std::pair<crypto::SigAlg, crypto::SigAlg> algs[] = {
      {crypto::SigAlg::kEs256, crypto::SigAlg::kEs256},
      {crypto::SigAlg::kEd25519, crypto::SigAlg::kEs384},
      {crypto::SigAlg::kEs384, crypto::SigAlg::kRs256},
  };
  for (auto [alg_a, alg_b] : algs) {
    CAPTURE(crypto::SigAlgName(alg_a));
    CAPTURE(crypto::SigAlgName(alg_b));
    Agent a = MakeAgent("shop.test", alg_a);
    Agent b = MakeAgent("pay.test", alg_b);
    RegResponder responder(b.id, {});
    Exchange x = Start(responder, a, 1, 2);
    CHECK(responder.pending() == 1);
    auto step = AcceptRegOffer(a.id, x.hello, x.offer, b.id.spki, kNow, RegPolicy{});
    REQUIRE(step.ok());
    auto c = *ParseRegConfirm(FormatRegConfirm(step->confirm));
    auto reg_b = responder.HandleConfirm(c, kNow);
    REQUIRE(reg_b.ok());
    CHECK(responder.pending() == 0);
    const Registration& reg_a = step->registration;
    // Both sides hold the same pair of records.
    CHECK(FormatDeclaration(reg_a.own) == FormatDeclaration(reg_b->peer));
    CHECK(FormatDeclaration(reg_a.peer) == FormatDeclaration(reg_b->own));
    CHECK(reg_a.own.declarer == "shop.test");
    CHECK(reg_a.own.peer == "pay.test");
    CHECK(reg_b->own.declarer == "pay.test");
    CHECK(VerifyDeclaration(reg_a.own, "shop.test", "pay.test", Observed{a.id.spki, b.id.spki}, kNow, 300)
              .ok());
    CHECK(VerifyDeclaration(reg_b->own, "pay.test", "shop.test", Observed{b.id.spki, a.id.spki}, kNow, 300)
              .ok());
    CHECK(Evaluate(reg_a, a.id.spki, b.id.spki, kNow) == HopState::kMutual);
    // The same records against another key for pay.test: not mutual.
    Agent evil = MakeAgent("pay.test", alg_b);
    CHECK(Evaluate(reg_a, a.id.spki, evil.id.spki, kNow) == HopState::kNone);
    auto done = ParseRegDone(FormatRegDone(RegDone{"shop.test", "pay.test", x.offer.nonce_b}));
    REQUIRE(done.ok());
    CHECK(VerifyRegDone(x.hello, x.offer, *done).ok());
    RegDone other = *done;
    other.nonce_b = Nonce(3);
    CHECK(VerifyRegDone(x.hello, x.offer, other).code() == ErrorCode::kM2dmrtRegNonceMismatch);
    other = *done;
    other.host_a = "evil.test";
    CHECK(VerifyRegDone(x.hello, x.offer, other).code() == ErrorCode::kM2dmrtRegHostMismatch);
  }
}

TEST_CASE("registration: A rejects every mutated offer") {
  Agent a = MakeAgent("shop.test", crypto::SigAlg::kEs256);
  Agent b = MakeAgent("pay.test", crypto::SigAlg::kEs256);
  Agent mallory = MakeAgent("pay.test", crypto::SigAlg::kEs256);  // valid-looking cert for pay.test
  RegResponder responder(b.id, {});
  Exchange x = Start(responder, a, 1, 2);
  REQUIRE(OfferCode(a, x, x.offer, b.id.spki) == ErrorCode::kOk);

  RegOffer m = x.offer;
  m.host_a = "other.test";
  CHECK(OfferCode(a, x, m, b.id.spki) == ErrorCode::kM2dmrtRegHostMismatch);
  m = x.offer;
  m.host_b = "other.test";
  CHECK(OfferCode(a, x, m, b.id.spki) == ErrorCode::kM2dmrtRegHostMismatch);
  m = x.offer;
  m.nonce_a[0] ^= 1;
  CHECK(OfferCode(a, x, m, b.id.spki) == ErrorCode::kM2dmrtRegNonceMismatch);
  m = x.offer;
  m.nonce_b[31] ^= 1;
  CHECK(OfferCode(a, x, m, b.id.spki) == ErrorCode::kM2dmrtRegBadProof);
  m = x.offer;
  FlipLast(m.pop_b);
  CHECK(OfferCode(a, x, m, b.id.spki) == ErrorCode::kM2dmrtRegBadProof);
  m = x.offer;
  m.alg_b = crypto::SigAlg::kEs384;
  CHECK(OfferCode(a, x, m, b.id.spki) == ErrorCode::kM2dmrtRegBadProof);
  // Channel binding: the offered key must be the one seen in TLS.
  CHECK(OfferCode(a, x, x.offer, mallory.id.spki) == ErrorCode::kM2dmrtRegKeyMismatch);
  CHECK(OfferCode(a, x, x.offer, {}) == ErrorCode::kM2dmrtRegNoChannelKey);
  // A man in the middle with his own certificate relays B's offer but swaps in his key: B's proof
  // and declaration do not match that key.
  m = x.offer;
  m.spki_b = mallory.id.spki;
  CHECK(OfferCode(a, x, m, mallory.id.spki) == ErrorCode::kM2dmrtRegBadProof);
  // ...and if he also signs his own proof, B's declaration still names B's key.
  m.pop_b = *crypto::SignWithPrivateKeyPem(
      crypto::SigAlg::kEs256, mallory.id.private_key_pem,
      AsBytes(ComputeProofMessage(RegRole::kResponder, "shop.test", "pay.test", x.offer.nonce_a,
                                  x.offer.nonce_b, a.id.spki, mallory.id.spki)));
  CHECK(OfferCode(a, x, m, mallory.id.spki) == ErrorCode::kM2dmrtRegBadDeclaration);
  // Role swap: a proof B made under the "confirm" label (A's role) is not an offer proof.
  m = x.offer;
  m.pop_b = *crypto::SignWithPrivateKeyPem(
      crypto::SigAlg::kEs256, b.id.private_key_pem,
      AsBytes(ComputeProofMessage(RegRole::kInitiator, "shop.test", "pay.test", x.offer.nonce_a,
                                  x.offer.nonce_b, a.id.spki, b.id.spki)));
  CHECK(OfferCode(a, x, m, b.id.spki) == ErrorCode::kM2dmrtRegBadProof);
  // Declarations: tampered signature, wrong direction, wrong key, expired, garbage.
  Declaration d = *ParseDeclaration(x.offer.decl_b);
  Declaration t = d;
  FlipLast(t.signature);
  m = x.offer;
  m.decl_b = FormatDeclaration(t);
  CHECK(OfferCode(a, x, m, b.id.spki) == ErrorCode::kM2dmrtRegBadDeclaration);
  Agent a2 = MakeAgent("shop.test", crypto::SigAlg::kEs256);
  m.decl_b = FormatDeclaration(*SignDeclaration(b.id, "shop.test", a2.id.spki, kNow, RegPolicy{}));
  CHECK(OfferCode(a, x, m, b.id.spki) == ErrorCode::kM2dmrtRegBadDeclaration);
  m.decl_b = FormatDeclaration(*SignDeclaration(b.id, "cart.test", a.id.spki, kNow, RegPolicy{}));
  CHECK(OfferCode(a, x, m, b.id.spki) == ErrorCode::kM2dmrtRegBadDeclaration);
  RegPolicy old;
  old.validity_seconds = 60;
  m.decl_b = FormatDeclaration(*SignDeclaration(b.id, "shop.test", a.id.spki, kNow - 10000, old));
  CHECK(OfferCode(a, x, m, b.id.spki) == ErrorCode::kM2dmrtRegBadDeclaration);
  // A's own declaration of B, handed back as if it were B's.
  m.decl_b = FormatDeclaration(*SignDeclaration(a.id, "pay.test", b.id.spki, kNow, RegPolicy{}));
  CHECK(OfferCode(a, x, m, b.id.spki) == ErrorCode::kM2dmrtRegBadDeclaration);
  m.decl_b = "v=M2DMRT1; garbage";
  CHECK(OfferCode(a, x, m, b.id.spki) == ErrorCode::kM2dmrtRegBadDeclaration);
}

TEST_CASE("registration: B rejects bad hellos") {
  Agent a = MakeAgent("shop.test", crypto::SigAlg::kEs256);
  Agent b = MakeAgent("pay.test", crypto::SigAlg::kEs256);
  Agent other = MakeAgent("shop.test", crypto::SigAlg::kEs256);
  RegResponderOptions opt;
  opt.allowed_peers = {"shop.test"};
  opt.max_pending = 2;
  RegResponder r(b.id, opt);
  RegHello h = MakeRegHello(a.id, "pay.test", Nonce(1));
  RegHello m = h;
  m.host_b = "bank.test";
  CHECK(r.HandleHello(m, a.id.spki, kNow, Nonce(10)).code() == ErrorCode::kM2dmrtRegHostMismatch);
  m = h;
  m.host_a = "pay.test";
  CHECK(r.HandleHello(m, a.id.spki, kNow, Nonce(10)).code() == ErrorCode::kM2dmrtRegHostMismatch);
  m = h;
  m.host_a = "cart.test";
  CHECK(r.HandleHello(m, a.id.spki, kNow, Nonce(10)).code() == ErrorCode::kM2dmrtRegPeerNotAllowed);
  CHECK(r.HandleHello(h, other.id.spki, kNow, Nonce(10)).code() == ErrorCode::kM2dmrtRegKeyMismatch);
  CHECK(r.HandleHello(h, {}, kNow, Nonce(10)).code() == ErrorCode::kM2dmrtRegNoChannelKey);
  CHECK(r.pending() == 0);
  REQUIRE(r.HandleHello(h, a.id.spki, kNow, Nonce(10)).ok());
  CHECK(r.HandleHello(h, a.id.spki, kNow, Nonce(10)).code() == ErrorCode::kM2dmrtRegNonceReplayed);
  REQUIRE(r.HandleHello(h, a.id.spki, kNow, Nonce(11)).ok());
  CHECK(r.HandleHello(h, a.id.spki, kNow, Nonce(12)).code() == ErrorCode::kM2dmrtRegBusy);
  // Expired exchanges are pruned, freeing room.
  CHECK(r.HandleHello(h, a.id.spki, kNow + 61, Nonce(12)).ok());
  CHECK(r.pending() == 1);
}

TEST_CASE("registration: B rejects every mutated or replayed confirm") {
  Agent a = MakeAgent("shop.test", crypto::SigAlg::kEs256);
  Agent b = MakeAgent("pay.test", crypto::SigAlg::kEs256);
  RegResponder r(b.id, {});
  uint8_t next = 20;
  // Each case needs its own exchange: a nonce is spent by any attempt.
  auto run = [&](auto mutate, int64_t now = kNow) {
    Exchange x = Start(r, a, next, static_cast<uint8_t>(next + 100));
    ++next;
    RegConfirm c = Confirm(a, x, b.id.spki);
    mutate(c, x);
    auto code = r.HandleConfirm(c, now).code();
    // Whatever the outcome, the nonce is now spent: the genuine confirm is refused as a replay.
    RegConfirm genuine = Confirm(a, x, b.id.spki);
    CHECK(r.HandleConfirm(genuine, kNow).code() == ErrorCode::kM2dmrtRegNonceReplayed);
    return code;
  };
  CHECK(run([](RegConfirm&, const Exchange&) {}) == ErrorCode::kOk);
  CHECK(run([](RegConfirm& c, const Exchange&) { FlipLast(c.pop_a); }) == ErrorCode::kM2dmrtRegBadProof);
  // B's own offer proof reflected back as A's.
  CHECK(run([](RegConfirm& c, const Exchange& x) { c.pop_a = x.offer.pop_b; }) ==
        ErrorCode::kM2dmrtRegBadProof);
  // A's key signing under B's label (role swap).
  CHECK(run([&](RegConfirm& c, const Exchange& x) {
          c.pop_a = *crypto::SignWithPrivateKeyPem(
              crypto::SigAlg::kEs256, a.id.private_key_pem,
              AsBytes(ComputeProofMessage(RegRole::kResponder, "shop.test", "pay.test", x.hello.nonce_a,
                                          x.offer.nonce_b, a.id.spki, b.id.spki)));
        }) == ErrorCode::kM2dmrtRegBadProof);
  CHECK(run([](RegConfirm& c, const Exchange&) { c.nonce_a[5] ^= 1; }) == ErrorCode::kM2dmrtRegNonceMismatch);
  CHECK(run([](RegConfirm& c, const Exchange&) { c.host_a = "cart.test"; }) ==
        ErrorCode::kM2dmrtRegHostMismatch);
  CHECK(run([](RegConfirm& c, const Exchange&) { c.host_b = "bank.test"; }) ==
        ErrorCode::kM2dmrtRegHostMismatch);
  CHECK(run([](RegConfirm&, const Exchange&) {}, kNow + 61) == ErrorCode::kM2dmrtRegNonceExpired);
  CHECK(run([](RegConfirm& c, const Exchange&) {
          Declaration d = *ParseDeclaration(c.decl_a);
          FlipLast(d.signature);
          c.decl_a = FormatDeclaration(d);
        }) == ErrorCode::kM2dmrtRegBadDeclaration);
  CHECK(run([&](RegConfirm& c, const Exchange&) {
          Agent b2 = MakeAgent("pay.test", crypto::SigAlg::kEs256);
          c.decl_a = FormatDeclaration(*SignDeclaration(a.id, "pay.test", b2.id.spki, kNow, RegPolicy{}));
        }) == ErrorCode::kM2dmrtRegBadDeclaration);
  // B's own declaration reflected back.
  CHECK(run([](RegConfirm& c, const Exchange& x) { c.decl_a = x.offer.decl_b; }) ==
        ErrorCode::kM2dmrtRegBadDeclaration);
  // A nonce B never issued.
  Exchange x = Start(r, a, 90, 91);
  RegConfirm c = Confirm(a, x, b.id.spki);
  c.nonce_b = Nonce(0xEE);
  CHECK(r.HandleConfirm(c, kNow).code() == ErrorCode::kM2dmrtRegUnknownNonce);
  // nonce_b changed to another pending exchange's nonce: pop_a covers nonce_b, so it fails.
  Exchange y = Start(r, a, 92, 93);
  c = Confirm(a, x, b.id.spki);
  c.nonce_b = y.offer.nonce_b;
  CHECK(r.HandleConfirm(c, kNow).code() == ErrorCode::kM2dmrtRegNonceMismatch);
}

TEST_CASE("registration: HTTP request heads") {
  auto h = net::ParseRequestHead(
      "POST /m2dmrt/register HTTP/1.1\r\nHost: pay.test\r\ncontent-length: 12\r\n"
      "Content-Type:  application/json \r\n");
  REQUIRE(h.ok());
  CHECK(h->method == "POST");
  CHECK(h->target == "/m2dmrt/register");
  CHECK(h->content_length == 12);
  CHECK(h->content_type == "application/json");
  CHECK_FALSE(h->chunked);
  CHECK(net::ParseRequestHead("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked")->chunked);
  CHECK_FALSE(net::ParseRequestHead("POST /x HTTP/2\r\n").ok());
  CHECK_FALSE(net::ParseRequestHead("POST /x\r\n").ok());
  CHECK_FALSE(net::ParseRequestHead("POST  HTTP/1.1").ok());
  CHECK_FALSE(net::ParseRequestHead("post /x HTTP/1.1").ok());
  CHECK_FALSE(net::ParseRequestHead("POST /x HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1").ok());
  CHECK_FALSE(net::ParseRequestHead("POST /x HTTP/1.1\r\nContent-Length: -1").ok());
  CHECK_FALSE(net::ParseRequestHead("POST /x HTTP/1.1\r\nContent-Length: 1x").ok());
  CHECK_FALSE(net::ParseRequestHead("POST /x HTTP/1.1\r\nContent-Length: 99999999999999999999").ok());
  CHECK_FALSE(net::ParseRequestHead("POST /x HTTP/1.1\r\nno colon").ok());
  CHECK_FALSE(net::ParseRequestHead("POST /x HTTP/1.1\r\nBad Name: 1").ok());
  CHECK_FALSE(net::ParseRequestHead("POST /x HTTP/1.1\r\nX: a\x01").ok());
  CHECK_FALSE(net::ParseRequestHead(std::string(net::kMaxRequestHeadBytes + 1, 'A')).ok());
}

// ---------------------------------------------------------------------------------------------
// The real exchange over loopback HTTPS.

namespace {

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "verity-reg-XXXXXX").string();
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string Write(const std::string& name, const std::string& data) const {
    std::ofstream(path / name, std::ios::binary) << data;
    return (path / name).string();
  }
};

struct Files {
  std::string cert, key;
};

Files WriteAgent(const TempDir& dir, const Agent& x, const std::string& tag) {
  return Files{dir.Write(tag + ".pem", x.cert_pem), dir.Write(tag + ".key", x.id.private_key_pem)};
}

// Serves `connections` connections as agent B on a free port, in a thread.
struct AgentThread {
  std::unique_ptr<net::TlsServer> server;
  RegResponder responder;
  std::vector<Registration> completed;
  std::vector<Status> results;
  std::thread thread;

  AgentThread(const Agent& b, const Files& bf, const std::string& client_ca, int connections)
      : responder(b.id, {}) {
    net::TlsServerOptions o;
    o.cert_file = bf.cert;
    o.key_file = bf.key;
    o.require_client_cert = true;
    o.client_ca_file = client_ca;
    o.io_timeout_ms = 2000;
    o.connection_deadline_ms = 4000;
    auto s = net::TlsServer::Listen(o);
    REQUIRE(s.ok());
    server = std::move(*s);
    thread = std::thread([this, connections] {
      for (int i = 0; i < connections; ++i) {
        results.push_back(server->ServeOne(
            [this](const net::HttpRequest& req) {
              auto r = HandleRegAgentRequest(
                  responder, RegAgentRequest{req.target, AsChars(req.body), req.client_cert_der},
                  SystemClockSeconds());
              if (r.completed) completed.push_back(*r.completed);
              return net::HttpReply{r.status, "application/json", r.body};
            },
            5000));
      }
    });
  }
  ~AgentThread() {
    if (thread.joinable()) thread.join();
  }
  void Join() { thread.join(); }
  std::string Url() const {
    return "https://127.0.0.1:" + std::to_string(server->port()) + std::string(kRegisterPath);
  }
};

RegInitiatorOptions InitiatorOptions(const AgentThread& t, const Files& af, const std::string& ca) {
  RegInitiatorOptions o;
  o.peer_host = "pay.test";
  o.peer_url = t.Url();
  o.ca_file = ca;
  o.cert_file = af.cert;
  o.key_file = af.key;
  o.timeout_ms = 4000;
  return o;
}

// Raw TCP bytes to the server, then close.
void SendRaw(uint16_t port, const std::string& bytes) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  (void)!write(fd, bytes.data(), bytes.size());
  close(fd);
}

}  // namespace

TEST_CASE("registration: end to end over loopback HTTPS with mutual TLS") {
  TempDir dir;
  Agent a = MakeAgent("shop.test", crypto::SigAlg::kEs256);
  Agent b = MakeAgent("pay.test", crypto::SigAlg::kEd25519);
  Files af = WriteAgent(dir, a, "shop"), bf = WriteAgent(dir, b, "pay");
  // Two garbage connections first: the agent survives them and still serves the exchange.
  AgentThread t(b, bf, af.cert, 4);
  SendRaw(t.server->port(), "GET / HTTP/1.1\r\n\r\n");
  SendRaw(t.server->port(), std::string(300, '\x16'));
  auto reg_a = RunRegInitiator(a.id, InitiatorOptions(t, af, bf.cert));
  t.Join();
  if (!reg_a.ok()) FAIL((std::string(WireName(reg_a.code())) + ": " + reg_a.error().detail));
  REQUIRE(t.results.size() == 4);
  CHECK_FALSE(t.results[0].ok());
  CHECK_FALSE(t.results[1].ok());
  CHECK(t.results[2].ok());
  CHECK(t.results[3].ok());
  REQUIRE(t.completed.size() == 1);
  const Registration& reg_b = t.completed[0];
  CHECK(FormatZoneLine(reg_a->own, 300) == FormatZoneLine(reg_b.peer, 300));
  CHECK(FormatZoneLine(reg_a->peer, 300) == FormatZoneLine(reg_b.own, 300));
  // The keys a browser would observe in TLS are the certificates' keys.
  Bytes spki_a = *crypto::SpkiFromPem(a.cert_pem), spki_b = *crypto::SpkiFromPem(b.cert_pem);
  int64_t now = SystemClockSeconds();
  CHECK(VerifyDeclaration(reg_a->own, "shop.test", "pay.test", Observed{spki_a, spki_b}, now, 300).ok());
  CHECK(VerifyDeclaration(reg_b.own, "pay.test", "shop.test", Observed{spki_b, spki_a}, now, 300).ok());
  CHECK(Evaluate(*reg_a, spki_a, spki_b, now) == HopState::kMutual);
  CHECK(reg_a->peer.alg == crypto::SigAlg::kEd25519);
}

TEST_CASE("registration: end to end failures") {
  TempDir dir;
  Agent a = MakeAgent("shop.test", crypto::SigAlg::kEs256);
  Agent b = MakeAgent("pay.test", crypto::SigAlg::kEs256);
  Agent stranger = MakeAgent("pay.test", crypto::SigAlg::kEs256);
  Agent wrong_name = MakeAgent("bank.test", crypto::SigAlg::kEs256);
  Files af = WriteAgent(dir, a, "shop"), bf = WriteAgent(dir, b, "pay");
  Files sf = WriteAgent(dir, stranger, "stranger"), wf = WriteAgent(dir, wrong_name, "bank");

  SUBCASE("A does not trust B's certificate") {
    AgentThread t(b, bf, af.cert, 1);
    auto r = RunRegInitiator(a.id, InitiatorOptions(t, af, sf.cert));
    t.Join();
    CHECK(r.code() == ErrorCode::kNetTransport);
    CHECK(t.completed.empty());
  }
  SUBCASE("B's certificate is for another name") {
    AgentThread t(wrong_name, wf, af.cert, 1);
    auto r = RunRegInitiator(a.id, InitiatorOptions(t, af, wf.cert));
    t.Join();
    CHECK(r.code() == ErrorCode::kNetTransport);
  }
  SUBCASE("B does not trust A's client certificate") {
    AgentThread t(b, bf, sf.cert, 1);
    auto r = RunRegInitiator(a.id, InitiatorOptions(t, af, bf.cert));
    t.Join();
    CHECK_FALSE(r.ok());
    CHECK(t.completed.empty());
  }
  SUBCASE("A claims another key than its client certificate's") {
    AgentThread t(b, bf, af.cert, 1);
    RegIdentity liar = stranger.id;  // key of another party, certificate of shop.test in TLS
    liar.host = "shop.test";
    auto r = RunRegInitiator(liar, InitiatorOptions(t, af, bf.cert));
    t.Join();
    CHECK(r.code() == ErrorCode::kM2dmrtRegPeerRejected);
    CHECK(r.error().detail.find("m2dmrt.reg_key_mismatch") != std::string::npos);
  }
  SUBCASE("A's client certificate is not for the host it claims") {
    // bank.test's certificate, trusted by B, used to register as shop.test.
    AgentThread t(b, bf, wf.cert, 1);
    RegIdentity liar = wrong_name.id;
    liar.host = "shop.test";
    auto r = RunRegInitiator(liar, InitiatorOptions(t, wf, bf.cert));
    t.Join();
    CHECK(r.code() == ErrorCode::kM2dmrtRegPeerRejected);
    CHECK(r.error().detail.find("m2dmrt.reg_host_mismatch") != std::string::npos);
  }
}
