#include "m2dmrt_vectors.h"

#include <array>
#include <cstdint>

#include "crypto/hash.h"
#include "crypto/signature.h"
#include "m2dmrt/declaration.h"
#include "m2dmrt/registration.h"

namespace verity::vectors {
namespace {

using m2dmrt::Declaration;
using m2dmrt::RegIdentity;
using m2dmrt::RegNonce;

constexpr int64_t kT = 1767225600;  // 2026-01-01, the hello's time
constexpr int64_t kSkew = 300;
constexpr crypto::SigAlg kAlg = crypto::SigAlg::kEd25519;

// PKCS#8 PEM of the Ed25519 key with seed `tag` repeated (RFC 8410 §7 layout).
std::string KeyPem(uint8_t tag) {
  Bytes der = {0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06,
               0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20};
  der.resize(der.size() + 32, tag);
  return "-----BEGIN PRIVATE KEY-----\n" + FormatBase64(der) + "\n-----END PRIVATE KEY-----\n";
}

RegIdentity Identity(std::string host, uint8_t tag) {
  std::string pem = KeyPem(tag);
  return RegIdentity{std::move(host), *crypto::SpkiFromPem(pem), kAlg, pem};
}

RegNonce Nonce(uint8_t tag) {
  RegNonce n;
  n.fill(tag);
  return n;
}

Bytes Sign(const RegIdentity& by, std::string_view msg) {
  return *crypto::SignWithPrivateKeyPem(by.alg, by.private_key_pem, AsBytes(msg));
}

std::string Replace(std::string s, std::string_view from, std::string_view to) {
  size_t at = s.find(from);
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

// ---- runners

std::string RunSignature(const json::Value& in) {
  auto d = m2dmrt::ParseDeclaration(Str(in, "rdata"));
  if (!d) return Code(d);
  const Bytes kd = B64(in, "declarer_spki"), kp = B64(in, "peer_spki");
  return Code(m2dmrt::VerifyDeclaration(*d, Str(in, "declarer"), Str(in, "peer"), m2dmrt::Observed{kd, kp},
                                        Int(in, "now"), Int(in, "skew")));
}

std::string RunMessage(const json::Value& in) {
  const std::string kind = Str(in, "kind"), msg = Str(in, "message");
  if (kind == "hello") return Code(m2dmrt::ParseRegHello(msg));
  if (kind == "offer") return Code(m2dmrt::ParseRegOffer(msg));
  if (kind == "confirm") return Code(m2dmrt::ParseRegConfirm(msg));
  if (kind == "done") return Code(m2dmrt::ParseRegDone(msg));
  if (kind == "error") return Code(m2dmrt::ParseRegError(msg));
  return "unknown kind";
}

// The checking side's identity from its private key (host and algorithm as the exchange names them).
Result<RegIdentity> Own(const json::Value& in, std::string_view key, std::string host) {
  const std::string pem = Str(in, key);
  auto spki = crypto::SpkiFromPem(pem);
  if (!spki) return spki.error();
  return RegIdentity{std::move(host), std::move(*spki), kAlg, pem};
}

std::string RunOffer(const json::Value& in) {
  auto hello = m2dmrt::ParseRegHello(Str(in, "hello"));
  if (!hello) return Code(hello);
  auto offer = m2dmrt::ParseRegOffer(Str(in, "offer"));
  if (!offer) return Code(offer);
  auto a = Own(in, "initiator_key", hello->host_a);
  if (!a) return Code(a);
  return Code(m2dmrt::AcceptRegOffer(*a, *hello, *offer, B64(in, "observed_spki_b"), Int(in, "now"),
                                     m2dmrt::RegPolicy{}));
}

std::string RunConfirm(const json::Value& in) {
  auto hello = m2dmrt::ParseRegHello(Str(in, "hello"));
  if (!hello) return Code(hello);
  auto b = Own(in, "responder_key", hello->host_b);
  if (!b) return Code(b);
  const Bytes nb = B64(in, "nonce_b");
  if (nb.size() != m2dmrt::kRegNonceBytes) return "nonce_b is not 32 bytes";
  RegNonce nonce_b;
  std::copy(nb.begin(), nb.end(), nonce_b.begin());
  m2dmrt::RegResponder responder(std::move(*b), m2dmrt::RegResponderOptions{});
  auto offer = responder.HandleHello(*hello, B64(in, "observed_spki_a"), Int(in, "hello_time"), nonce_b);
  if (!offer) return Code(offer);
  auto confirm = m2dmrt::ParseRegConfirm(Str(in, "confirm"));
  if (!confirm) return Code(confirm);
  return Code(responder.HandleConfirm(*confirm, Int(in, "now")));
}

// ---- the exchange every registration case is made from: shop.test (A) registers with pay.test (B)

struct Exchange {
  RegIdentity a = Identity("shop.test", 0x21);
  RegIdentity b = Identity("pay.test", 0x22);
  RegIdentity evil = Identity("pay.test", 0x23);  // another key claiming to be pay.test
  RegNonce nonce_a = Nonce(0xa1), nonce_b = Nonce(0xb2);
  m2dmrt::RegHello hello;
  m2dmrt::RegOffer offer;
  m2dmrt::RegConfirm confirm;

  Exchange() {
    hello = m2dmrt::MakeRegHello(a, b.host, nonce_a);
    m2dmrt::RegResponder responder(b, m2dmrt::RegResponderOptions{});
    offer = *responder.HandleHello(hello, a.spki, kT, nonce_b);
    confirm = m2dmrt::AcceptRegOffer(a, hello, offer, b.spki, kT + 1, m2dmrt::RegPolicy{})->confirm;
  }
  // The proof `by` makes in `role` over this exchange, naming `spki_a` / `spki_b`.
  Bytes Proof(const RegIdentity& by, m2dmrt::RegRole role, ByteView spki_a, ByteView spki_b) const {
    return Sign(
        by, m2dmrt::ComputeProofMessage(role, hello.host_a, hello.host_b, nonce_a, nonce_b, spki_a, spki_b));
  }
  // `by`'s declaration of `peer` / `peer_spki`, made at kT.
  std::string Declare(const RegIdentity& by, std::string_view peer, ByteView peer_spki) const {
    return m2dmrt::FormatDeclaration(*m2dmrt::SignDeclaration(by, peer, peer_spki, kT, m2dmrt::RegPolicy{}));
  }
};

void AddSignatureCases(const Exchange& x, std::vector<Case>& cs) {
  const Declaration d = *m2dmrt::SignDeclaration(x.a, "pay.test", x.b.spki, kT, m2dmrt::RegPolicy{});
  auto add = [&](std::string name, std::string desc, std::string expected, const Declaration& rec,
                 std::string declarer = "shop.test", std::string peer = "pay.test", int64_t now = kT,
                 const Bytes* peer_spki = nullptr) {
    CaseList(cs, "m2dmrt_declaration_signature")
        .Add(std::move(name), std::move(desc), std::move(expected),
             {{"rdata", S(m2dmrt::FormatDeclaration(rec))},
              {"declarer", S(std::move(declarer))},
              {"peer", S(std::move(peer))},
              {"declarer_spki", B(x.a.spki)},
              {"peer_spki", B(peer_spki ? *peer_spki : x.b.spki)},
              {"now", N(now)},
              {"skew", N(kSkew)}});
  };
  // The declarer's own key signs other fields than the record carries (an edit without it: With).
  auto resigned = [&](auto f) {
    Declaration over = d, m = d;
    f(over);
    m.signature = Sign(x.a, m2dmrt::ComputeSignedMessage(over));
    return m;
  };
  add("valid", "shop.test declares pay.test's key (Ed25519), checked at the time it was made", "ok", d);
  add("alg_changed", "the record says a=es256; the signature is Ed25519 by an Ed25519 key",
      "m2dmrt.bad_signature", With(d, [](Declaration& m) { m.alg = crypto::SigAlg::kEs256; }));
  add("declarer_changed", "d=shop2.test, checked as shop2.test's record with the same observed keys",
      "m2dmrt.bad_signature", With(d, [](Declaration& m) { m.declarer = "shop2.test"; }), "shop2.test");
  add("peer_changed", "p=pay2.test, checked as a record about pay2.test with the same observed keys",
      "m2dmrt.bad_signature", With(d, [](Declaration& m) { m.peer = "pay2.test"; }), "shop.test",
      "pay2.test");
  add("na_changed", "na one second later than signed", "m2dmrt.bad_signature",
      With(d, [](Declaration& m) { m.not_after += 1; }));
  add("signature_byte_flipped", "one bit of the signature's first byte flipped", "m2dmrt.bad_signature",
      With(d, [](Declaration& m) { m.signature = Flip(m.signature, 0); }));
  add("kp_not_signed",
      "the declarer signed a message naming another peer key; the record carries the observed kp",
      "m2dmrt.bad_signature", resigned([&](Declaration& m) { m.peer_key = crypto::Sha256(x.evil.spki); }));
  add("kd_not_signed",
      "the declarer signed a message naming another declarer key; the record carries the observed kd",
      "m2dmrt.bad_signature",
      resigned([&](Declaration& m) { m.declarer_key = crypto::Sha256(x.evil.spki); }));
  add("resigned_control", "re-signed over the record's own fields (the control of the two above)", "ok",
      resigned([](Declaration&) {}));
  add("peer_key_observed_differs", "pay.test presented another key in TLS than the one declared",
      "m2dmrt.key_mismatch", d, "shop.test", "pay.test", kT, &x.evil.spki);
  add("hosts_swapped", "checked as pay.test's declaration of shop.test", "m2dmrt.host_mismatch", d,
      "pay.test", "shop.test");
  add("not_yet_valid", "checked 301 s before nb - skew (nb = made - 300)", "m2dmrt.not_yet_valid", d,
      "shop.test", "pay.test", d.not_before - kSkew - 1);
  add("expired", "checked 1 s after na + skew", "m2dmrt.expired", d, "shop.test", "pay.test",
      d.not_after + kSkew + 1);
}

void AddMessageCases(const Exchange& x, std::vector<Case>& cs) {
  auto add = [&](std::string name, std::string desc, std::string expected, std::string kind,
                 std::string msg) {
    CaseList(cs, "m2dmrt_registration_message")
        .Add(std::move(name), std::move(desc), std::move(expected),
             {{"kind", S(std::move(kind))}, {"message", S(std::move(msg))}});
  };
  const std::string hello = m2dmrt::FormatRegHello(x.hello), offer = m2dmrt::FormatRegOffer(x.offer),
                    confirm = m2dmrt::FormatRegConfirm(x.confirm);
  add("hello_valid", "A's hello", "ok", "hello", hello);
  add("offer_valid", "B's offer: its key, both nonces, pop_b and decl_b", "ok", "offer", offer);
  add("confirm_valid", "A's confirm: pop_a and decl_a", "ok", "confirm", confirm);
  add("done_valid", "B's done", "ok", "done",
      m2dmrt::FormatRegDone({x.hello.host_a, x.hello.host_b, x.nonce_b}));
  add("error_valid", "B's error message", "ok", "error",
      m2dmrt::FormatRegError(MakeError(ErrorCode::kM2dmrtRegBadProof, "pop_a does not verify")));
  add("other_version", "\"v\":\"M2DMRT2\"", "m2dmrt.reg_wrong_message", "hello",
      Replace(hello, "\"M2DMRT1\"", "\"M2DMRT2\""));
  add("offer_read_as_hello", "an offer where a hello is expected", "m2dmrt.reg_wrong_message", "hello",
      offer);
  const std::string nonce_a = FormatBase64(ByteView(x.nonce_a.data(), x.nonce_a.size()));
  add("nonce_31_bytes", "nonce_a decodes to 31 bytes", "m2dmrt.reg_malformed", "hello",
      Replace(hello, nonce_a, FormatBase64(Bytes(31, 0xa1))));
  add("unknown_alg", "\"alg_a\":\"ed448\"", "m2dmrt.reg_bad_key", "hello",
      Replace(hello, "\"ed25519\"", "\"ed448\""));
  add("spki_not_der", "spki_a is base64 of bytes that are no SubjectPublicKeyInfo", "m2dmrt.reg_bad_key",
      "hello", Replace(hello, FormatBase64(x.a.spki), FormatBase64(AsBytes("not a key"))));
  add("host_not_canonical", "\"host_a\":\"Shop.test\" (hosts are sent lower-case)", "m2dmrt.reg_malformed",
      "hello", Replace(hello, "\"shop.test\"", "\"Shop.test\""));
  add("pop_not_base64", "pop_b is \"*\"", "m2dmrt.reg_malformed", "offer",
      Replace(offer, FormatBase64(x.offer.pop_b), "*"));
  add("declaration_too_long", "decl_a of 4097 characters", "m2dmrt.reg_too_large", "confirm",
      Replace(confirm, x.confirm.decl_a, std::string(4097, 'x')));
  add("message_too_large", "a hello padded with spaces to 64 KiB + 1", "m2dmrt.reg_too_large", "hello",
      hello + std::string(64 * 1024 + 1 - hello.size(), ' '));
  add("not_json", "the hello cut in half", "m2dmrt.reg_malformed", "hello",
      hello.substr(0, hello.size() / 2));
  add("done_without_nonce", "a done without nonce_b", "m2dmrt.reg_malformed", "done",
      R"({"type":"m2dmrt-register-done","v":"M2DMRT1","host_a":"shop.test","host_b":"pay.test"})");
}

void AddOfferCases(const Exchange& x, std::vector<Case>& cs) {
  auto add = [&](std::string name, std::string desc, std::string expected, const m2dmrt::RegOffer& offer,
                 const Bytes& observed, int64_t now = kT + 1) {
    CaseList(cs, "m2dmrt_registration_offer")
        .Add(std::move(name), std::move(desc), std::move(expected),
             {{"initiator_key", S(x.a.private_key_pem)},
              {"hello", S(m2dmrt::FormatRegHello(x.hello))},
              {"offer", S(m2dmrt::FormatRegOffer(offer))},
              {"observed_spki_b", B(observed)},
              {"now", N(now)}});
  };
  using m2dmrt::RegRole;
  add("valid", "B's offer over the TLS connection whose key it names", "ok", x.offer, x.b.spki);
  add("pop_flipped", "one bit of pop_b flipped", "m2dmrt.reg_bad_proof",
      With(x.offer, [](m2dmrt::RegOffer& o) { o.pop_b = Flip(o.pop_b, 5); }), x.b.spki);
  add("pop_confirm_label", "B signed the confirm message (A's role) instead of the offer message",
      "m2dmrt.reg_bad_proof",
      With(x.offer,
           [&](m2dmrt::RegOffer& o) { o.pop_b = x.Proof(x.b, RegRole::kInitiator, x.a.spki, x.b.spki); }),
      x.b.spki);
  add("pop_names_other_spki_a", "B's proof binds another key than the one A claimed in its hello",
      "m2dmrt.reg_bad_proof",
      With(x.offer,
           [&](m2dmrt::RegOffer& o) { o.pop_b = x.Proof(x.b, RegRole::kResponder, x.evil.spki, x.b.spki); }),
      x.b.spki);
  add("channel_key_differs", "B's offer relayed over a connection with another key (channel binding)",
      "m2dmrt.reg_key_mismatch", x.offer, x.evil.spki);
  add("no_channel_key", "no TLS key seen for pay.test", "m2dmrt.reg_no_channel_key", x.offer, Bytes{});
  add("nonce_a_not_echoed", "the offer carries another nonce_a", "m2dmrt.reg_nonce_mismatch",
      With(x.offer, [](m2dmrt::RegOffer& o) { o.nonce_a = Nonce(0xa2); }), x.b.spki);
  add("other_host", "the offer names pay2.test", "m2dmrt.reg_host_mismatch",
      With(x.offer, [](m2dmrt::RegOffer& o) { o.host_b = "pay2.test"; }), x.b.spki);
  add("declaration_of_other_key", "decl_b (signed by B) declares another key for shop.test",
      "m2dmrt.reg_bad_declaration",
      With(x.offer, [&](m2dmrt::RegOffer& o) { o.decl_b = x.Declare(x.b, "shop.test", x.evil.spki); }),
      x.b.spki);
  add("declaration_expired", "checked 91 days after decl_b was made (valid 90 days)",
      "m2dmrt.reg_bad_declaration", x.offer, x.b.spki, kT + 91 * 86400);
}

void AddConfirmCases(const Exchange& x, std::vector<Case>& cs) {
  auto add = [&](std::string name, std::string desc, std::string expected, const m2dmrt::RegConfirm& confirm,
                 int64_t now = kT + 2, const Bytes* observed_a = nullptr) {
    CaseList(cs, "m2dmrt_registration_confirm")
        .Add(std::move(name), std::move(desc), std::move(expected),
             {{"responder_key", S(x.b.private_key_pem)},
              {"hello", S(m2dmrt::FormatRegHello(x.hello))},
              {"observed_spki_a", B(observed_a ? *observed_a : x.a.spki)},
              {"nonce_b", B(ByteView(x.nonce_b.data(), x.nonce_b.size()))},
              {"hello_time", N(kT)},
              {"confirm", S(m2dmrt::FormatRegConfirm(confirm))},
              {"now", N(now)}});
  };
  using m2dmrt::RegRole;
  add("valid", "A's confirm 2 s after the hello", "ok", x.confirm);
  add("pop_flipped", "one bit of pop_a flipped", "m2dmrt.reg_bad_proof",
      With(x.confirm, [](m2dmrt::RegConfirm& c) { c.pop_a = Flip(c.pop_a, 9); }));
  add("pop_offer_label", "A signed the offer message (B's role) instead of the confirm message",
      "m2dmrt.reg_bad_proof", With(x.confirm, [&](m2dmrt::RegConfirm& c) {
        c.pop_a = x.Proof(x.a, RegRole::kResponder, x.a.spki, x.b.spki);
      }));
  add("pop_names_other_spki_b", "A's proof binds another key for pay.test than B's", "m2dmrt.reg_bad_proof",
      With(x.confirm, [&](m2dmrt::RegConfirm& c) {
        c.pop_a = x.Proof(x.a, RegRole::kInitiator, x.a.spki, x.evil.spki);
      }));
  add("unknown_nonce_b", "a nonce_b this agent never issued", "m2dmrt.reg_unknown_nonce",
      With(x.confirm, [](m2dmrt::RegConfirm& c) { c.nonce_b = Nonce(0xb3); }));
  add("nonce_b_expired", "61 s after the hello (nonce_b lives 60 s)", "m2dmrt.reg_nonce_expired", x.confirm,
      kT + 61);
  add("nonce_a_changed", "the confirm carries another nonce_a than the hello", "m2dmrt.reg_nonce_mismatch",
      With(x.confirm, [](m2dmrt::RegConfirm& c) { c.nonce_a = Nonce(0xa2); }));
  add("other_host", "the confirm names shop2.test", "m2dmrt.reg_host_mismatch",
      With(x.confirm, [](m2dmrt::RegConfirm& c) { c.host_a = "shop2.test"; }));
  add("declaration_of_other_key", "decl_a (signed by A) declares another key for pay.test",
      "m2dmrt.reg_bad_declaration",
      With(x.confirm, [&](m2dmrt::RegConfirm& c) { c.decl_a = x.Declare(x.a, "pay.test", x.evil.spki); }));
  add("client_key_differs", "the hello claims a key the client certificate does not hold",
      "m2dmrt.reg_key_mismatch", x.confirm, kT + 2, &x.evil.spki);
}

}  // namespace

std::optional<std::string> RunM2dmrt(std::string_view format, const json::Value& in) {
  if (format == "m2dmrt_declaration_signature") return RunSignature(in);
  if (format == "m2dmrt_registration_message") return RunMessage(in);
  if (format == "m2dmrt_registration_offer") return RunOffer(in);
  if (format == "m2dmrt_registration_confirm") return RunConfirm(in);
  return std::nullopt;
}

void AddM2dmrtCases(std::vector<Case>& cs) {
  const Exchange x;
  AddSignatureCases(x, cs);
  AddMessageCases(x, cs);
  AddOfferCases(x, cs);
  AddConfirmCases(x, cs);
}

}  // namespace verity::vectors
