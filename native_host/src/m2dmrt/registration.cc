#include "m2dmrt/registration.h"

#include <algorithm>

#include "core/encoding.h"
#include "crypto/ed25519.h"
#include "crypto/hash.h"
#include "json/json.h"
#include "net/tls_server.h"

namespace verity::m2dmrt {
namespace {

constexpr std::string_view kVersion = "M2DMRT1";
constexpr std::string_view kProofLabel = "M2DMRT1-register|";

std::string_view TypeName(RegMessageType t) {
  switch (t) {
    case RegMessageType::kHello:
      return "m2dmrt-register-hello";
    case RegMessageType::kOffer:
      return "m2dmrt-register-offer";
    case RegMessageType::kConfirm:
      return "m2dmrt-register-confirm";
    case RegMessageType::kDone:
      return "m2dmrt-register-done";
    case RegMessageType::kError:
      return "m2dmrt-register-error";
  }
  return "";
}

Error Malformed(std::string detail) { return MakeError(ErrorCode::kM2dmrtRegMalformed, std::move(detail)); }

// Size, JSON, object, version and type checks shared by every parser.
Result<json::Value> ParseEnvelope(std::string_view text, std::optional<RegMessageType> want) {
  if (text.size() > kRegMaxMessageBytes) return MakeError(ErrorCode::kM2dmrtRegTooLarge, "message too large");
  json::ParseOptions po;
  po.max_depth = 4;
  auto v = json::Parse(text, po);
  if (!v) return Malformed("not JSON: " + v.error().detail);
  if (!v->is_object()) return Malformed("message is not a JSON object");
  auto ver = v->GetString("v");
  if (!ver) return Malformed("missing \"v\"");
  if (*ver != kVersion) return MakeError(ErrorCode::kM2dmrtRegWrongMessage, "version is not M2DMRT1");
  auto type = v->GetString("type");
  if (!type) return Malformed("missing \"type\"");
  if (want && *type != TypeName(*want))
    return MakeError(ErrorCode::kM2dmrtRegWrongMessage, "expected " + std::string(TypeName(*want)));
  return v;
}

Result<std::string_view> Str(const json::Value& v, std::string_view key, size_t max) {
  auto s = v.GetString(key);
  if (!s) return Malformed("missing or non-string \"" + std::string(key) + "\"");
  if (s->size() > max)
    return MakeError(ErrorCode::kM2dmrtRegTooLarge, "\"" + std::string(key) + "\" too long");
  return *s;
}

Result<std::string> Host(const json::Value& v, std::string_view key) {
  auto s = Str(v, key, 253);
  if (!s) return s.error();
  auto c = CanonicalHost(*s);
  if (!c || *c != *s) return Malformed("\"" + std::string(key) + "\" is not a canonical host name");
  return *c;
}

Result<Bytes> B64(const json::Value& v, std::string_view key, size_t max_bytes) {
  auto s = Str(v, key, (max_bytes + 2) / 3 * 4);
  if (!s) return s.error();
  auto b = ParseBase64(*s);
  if (!b) return Malformed("\"" + std::string(key) + "\" is not base64");
  if (b->empty()) return Malformed("\"" + std::string(key) + "\" is empty");
  if (b->size() > max_bytes)
    return MakeError(ErrorCode::kM2dmrtRegTooLarge, "\"" + std::string(key) + "\" too long");
  return b;
}

Result<RegNonce> Nonce(const json::Value& v, std::string_view key) {
  auto b = B64(v, key, kRegNonceBytes);
  if (!b) return b.error();
  if (b->size() != kRegNonceBytes) return Malformed("\"" + std::string(key) + "\" is not 32 bytes");
  RegNonce n;
  std::copy(b->begin(), b->end(), n.begin());
  return n;
}

Result<crypto::SigAlg> Alg(const json::Value& v, std::string_view key) {
  auto s = Str(v, key, 16);
  if (!s) return s.error();
  auto a = crypto::ParseSigAlg(*s);
  if (!a) return MakeError(ErrorCode::kM2dmrtRegBadKey, "unknown algorithm \"" + std::string(*s) + "\"");
  return *a;
}

Result<Bytes> Spki(const json::Value& v, std::string_view key) {
  auto b = B64(v, key, kRegMaxSpkiBytes);
  if (!b) return b.error();
  if (!crypto::VerifySpki(*b))
    return MakeError(ErrorCode::kM2dmrtRegBadKey,
                     "\"" + std::string(key) + "\" is not a SubjectPublicKeyInfo");
  return b;
}

Result<std::string> Decl(const json::Value& v, std::string_view key) {
  auto s = Str(v, key, kRegMaxDeclarationChars);
  if (!s) return s.error();
  return std::string(*s);
}

#define REG_ASSIGN(lhs, expr)           \
  do {                                  \
    auto reg_r_ = (expr);               \
    if (!reg_r_) return reg_r_.error(); \
    lhs = std::move(*reg_r_);           \
  } while (0)

void Header(json::Writer& w, RegMessageType t) {
  w.BeginObject();
  w.Key("type").String(TypeName(t));
  w.Key("v").String(kVersion);
}

std::string B64(ByteView b) { return FormatBase64(b); }
std::string B64(const RegNonce& n) { return FormatBase64(ByteView(n.data(), n.size())); }

ByteView View(const RegNonce& n) { return ByteView(n.data(), n.size()); }

bool Equal(ByteView a, ByteView b) { return a.size() == b.size() && crypto::ConstantTimeEqual(a, b); }

Error Wrap(ErrorCode code, std::string_view what, const Error& inner) {
  return MakeError(code,
                   std::string(what) + " (" + std::string(WireName(inner.code)) + ": " + inner.detail + ")");
}

// The peer's declaration: parses, names exactly (declarer, peer), matches both exchanged keys, is
// valid now, and is signed by the declarer's key.
Result<Declaration> CheckPeerDeclaration(std::string_view rdata, std::string_view declarer,
                                         std::string_view peer, ByteView declarer_spki, ByteView peer_spki,
                                         int64_t now, const RegPolicy& policy) {
  auto d = ParseDeclaration(rdata);
  if (!d) return Wrap(ErrorCode::kM2dmrtRegBadDeclaration, "declaration does not parse", d.error());
  Status st =
      VerifyDeclaration(*d, declarer, peer, Observed{declarer_spki, peer_spki}, now, policy.skew_seconds);
  if (!st) return Wrap(ErrorCode::kM2dmrtRegBadDeclaration, "declaration does not verify", st.error());
  return d;
}

}  // namespace

Result<RegMessageType> ParseRegMessageType(std::string_view text) {
  auto v = ParseEnvelope(text, std::nullopt);
  if (!v) return v.error();
  std::string_view t = *v->GetString("type");
  for (RegMessageType m : {RegMessageType::kHello, RegMessageType::kOffer, RegMessageType::kConfirm,
                           RegMessageType::kDone, RegMessageType::kError})
    if (t == TypeName(m)) return m;
  return MakeError(ErrorCode::kM2dmrtRegWrongMessage, "unknown message type");
}

Result<RegHello> ParseRegHello(std::string_view text) {
  auto v = ParseEnvelope(text, RegMessageType::kHello);
  if (!v) return v.error();
  RegHello m;
  REG_ASSIGN(m.host_a, Host(*v, "host_a"));
  REG_ASSIGN(m.host_b, Host(*v, "host_b"));
  REG_ASSIGN(m.spki_a, Spki(*v, "spki_a"));
  REG_ASSIGN(m.alg_a, Alg(*v, "alg_a"));
  REG_ASSIGN(m.nonce_a, Nonce(*v, "nonce_a"));
  return m;
}

Result<RegOffer> ParseRegOffer(std::string_view text) {
  auto v = ParseEnvelope(text, RegMessageType::kOffer);
  if (!v) return v.error();
  RegOffer m;
  REG_ASSIGN(m.host_a, Host(*v, "host_a"));
  REG_ASSIGN(m.host_b, Host(*v, "host_b"));
  REG_ASSIGN(m.spki_b, Spki(*v, "spki_b"));
  REG_ASSIGN(m.alg_b, Alg(*v, "alg_b"));
  REG_ASSIGN(m.nonce_a, Nonce(*v, "nonce_a"));
  REG_ASSIGN(m.nonce_b, Nonce(*v, "nonce_b"));
  REG_ASSIGN(m.pop_b, B64(*v, "pop_b", kRegMaxProofBytes));
  REG_ASSIGN(m.decl_b, Decl(*v, "decl_b"));
  return m;
}

Result<RegConfirm> ParseRegConfirm(std::string_view text) {
  auto v = ParseEnvelope(text, RegMessageType::kConfirm);
  if (!v) return v.error();
  RegConfirm m;
  REG_ASSIGN(m.host_a, Host(*v, "host_a"));
  REG_ASSIGN(m.host_b, Host(*v, "host_b"));
  REG_ASSIGN(m.nonce_a, Nonce(*v, "nonce_a"));
  REG_ASSIGN(m.nonce_b, Nonce(*v, "nonce_b"));
  REG_ASSIGN(m.pop_a, B64(*v, "pop_a", kRegMaxProofBytes));
  REG_ASSIGN(m.decl_a, Decl(*v, "decl_a"));
  return m;
}

Result<RegDone> ParseRegDone(std::string_view text) {
  auto v = ParseEnvelope(text, RegMessageType::kDone);
  if (!v) return v.error();
  RegDone m;
  REG_ASSIGN(m.host_a, Host(*v, "host_a"));
  REG_ASSIGN(m.host_b, Host(*v, "host_b"));
  REG_ASSIGN(m.nonce_b, Nonce(*v, "nonce_b"));
  return m;
}

Result<RegErrorMessage> ParseRegError(std::string_view text) {
  auto v = ParseEnvelope(text, RegMessageType::kError);
  if (!v) return v.error();
  RegErrorMessage m;
  std::string_view s;
  REG_ASSIGN(s, Str(*v, "error", 64));
  m.error = std::string(s);
  if (v->Find("detail")) {
    REG_ASSIGN(s, Str(*v, "detail", kRegMaxDetailChars));
    m.detail = std::string(s);
  }
  return m;
}

std::string FormatRegHello(const RegHello& m) {
  json::Writer w;
  Header(w, RegMessageType::kHello);
  w.Key("host_a").String(m.host_a);
  w.Key("host_b").String(m.host_b);
  w.Key("spki_a").String(B64(m.spki_a));
  w.Key("alg_a").String(crypto::SigAlgName(m.alg_a));
  w.Key("nonce_a").String(B64(m.nonce_a));
  w.EndObject();
  return w.Take();
}

std::string FormatRegOffer(const RegOffer& m) {
  json::Writer w;
  Header(w, RegMessageType::kOffer);
  w.Key("host_a").String(m.host_a);
  w.Key("host_b").String(m.host_b);
  w.Key("spki_b").String(B64(m.spki_b));
  w.Key("alg_b").String(crypto::SigAlgName(m.alg_b));
  w.Key("nonce_a").String(B64(m.nonce_a));
  w.Key("nonce_b").String(B64(m.nonce_b));
  w.Key("pop_b").String(B64(m.pop_b));
  w.Key("decl_b").String(m.decl_b);
  w.EndObject();
  return w.Take();
}

std::string FormatRegConfirm(const RegConfirm& m) {
  json::Writer w;
  Header(w, RegMessageType::kConfirm);
  w.Key("host_a").String(m.host_a);
  w.Key("host_b").String(m.host_b);
  w.Key("nonce_a").String(B64(m.nonce_a));
  w.Key("nonce_b").String(B64(m.nonce_b));
  w.Key("pop_a").String(B64(m.pop_a));
  w.Key("decl_a").String(m.decl_a);
  w.EndObject();
  return w.Take();
}

std::string FormatRegDone(const RegDone& m) {
  json::Writer w;
  Header(w, RegMessageType::kDone);
  w.Key("host_a").String(m.host_a);
  w.Key("host_b").String(m.host_b);
  w.Key("nonce_b").String(B64(m.nonce_b));
  w.EndObject();
  return w.Take();
}

std::string FormatRegError(const Error& e) {
  json::Writer w;
  Header(w, RegMessageType::kError);
  w.Key("error").String(WireName(e.code));
  std::string detail = e.detail.substr(0, kRegMaxDetailChars);
  // Cut at a UTF-8 character boundary so the JSON stays valid.
  while (!detail.empty() && detail.size() < e.detail.size() &&
         (static_cast<unsigned char>(e.detail[detail.size()]) & 0xC0) == 0x80)
    detail.pop_back();
  w.Key("detail").String(detail);
  w.EndObject();
  return w.Take();
}

std::string ComputeProofMessage(RegRole signer, std::string_view host_a, std::string_view host_b,
                                const RegNonce& nonce_a, const RegNonce& nonce_b, ByteView spki_a,
                                ByteView spki_b) {
  std::string m(kProofLabel);
  m += signer == RegRole::kResponder ? "offer|" : "confirm|";
  m += host_a;
  m += '|';
  m += host_b;
  m += '|';
  m += B64(nonce_a);
  m += '|';
  m += B64(nonce_b);
  m += '|';
  m += FormatHex(crypto::Sha256(spki_a));
  m += '|';
  m += FormatHex(crypto::Sha256(spki_b));
  return m;
}

Result<RegIdentity> LoadRegIdentity(std::string_view host, std::string_view cert_pem,
                                    std::string_view key_pem, std::optional<crypto::SigAlg> alg) {
  RegIdentity id;
  REG_ASSIGN(id.host, CanonicalHost(host));
  auto cert_spki = crypto::SpkiFromPem(cert_pem);
  if (!cert_spki) return cert_spki.error();
  auto key_spki = crypto::SpkiFromPem(key_pem);
  if (!key_spki) return key_spki.error();
  if (*cert_spki != *key_spki)
    return MakeError(ErrorCode::kM2dmrtRegKeyMismatch, "private key is not the certificate's key");
  if (cert_spki->size() > kRegMaxSpkiBytes) return MakeError(ErrorCode::kM2dmrtRegTooLarge, "key too large");
  id.spki = std::move(*cert_spki);
  if (alg) {
    id.alg = *alg;
  } else {
    REG_ASSIGN(id.alg, crypto::DefaultSigAlgForSpki(id.spki));
  }
  id.private_key_pem = std::string(key_pem);
  return id;
}

Result<Declaration> SignDeclaration(const RegIdentity& declarer, std::string_view peer_host,
                                    ByteView peer_spki, int64_t now, const RegPolicy& policy) {
  Declaration d;
  d.declarer = declarer.host;
  d.peer = std::string(peer_host);
  d.declarer_key = crypto::Sha256(declarer.spki);
  d.peer_key = crypto::Sha256(peer_spki);
  d.not_before = now - policy.backdate_seconds;
  d.not_after = now + policy.validity_seconds;
  d.alg = declarer.alg;
  auto sig = crypto::SignWithPrivateKeyPem(d.alg, declarer.private_key_pem, AsBytes(ComputeSignedMessage(d)));
  if (!sig) return sig.error();
  d.signature = std::move(*sig);
  return d;
}

RegHello MakeRegHello(const RegIdentity& a, std::string_view host_b, const RegNonce& nonce_a) {
  return RegHello{a.host, std::string(host_b), a.spki, a.alg, nonce_a};
}

Result<RegInitiatorStep> AcceptRegOffer(const RegIdentity& a, const RegHello& sent, const RegOffer& offer,
                                        ByteView observed_spki_b, int64_t now, const RegPolicy& policy) {
  if (offer.host_a != sent.host_a || offer.host_b != sent.host_b)
    return MakeError(ErrorCode::kM2dmrtRegHostMismatch, "offer names " + offer.host_a + " / " + offer.host_b);
  if (!Equal(View(offer.nonce_a), View(sent.nonce_a)))
    return MakeError(ErrorCode::kM2dmrtRegNonceMismatch, "offer does not echo our nonce");
  if (observed_spki_b.empty())
    return MakeError(ErrorCode::kM2dmrtRegNoChannelKey, "no TLS key seen for " + sent.host_b);
  if (!Equal(offer.spki_b, observed_spki_b))
    return MakeError(ErrorCode::kM2dmrtRegKeyMismatch,
                     "offered key is not the key of the TLS connection to " + sent.host_b);
  std::string msg = ComputeProofMessage(RegRole::kResponder, sent.host_a, sent.host_b, sent.nonce_a,
                                        offer.nonce_b, sent.spki_a, offer.spki_b);
  Status pop = crypto::VerifySignature(offer.alg_b, offer.spki_b, AsBytes(msg), offer.pop_b);
  if (!pop) return Wrap(ErrorCode::kM2dmrtRegBadProof, "pop_b does not verify", pop.error());
  auto decl_b =
      CheckPeerDeclaration(offer.decl_b, sent.host_b, sent.host_a, offer.spki_b, sent.spki_a, now, policy);
  if (!decl_b) return decl_b.error();
  RegInitiatorStep step;
  REG_ASSIGN(step.registration.own, SignDeclaration(a, sent.host_b, offer.spki_b, now, policy));
  step.registration.peer = std::move(*decl_b);
  std::string mine = ComputeProofMessage(RegRole::kInitiator, sent.host_a, sent.host_b, sent.nonce_a,
                                         offer.nonce_b, sent.spki_a, offer.spki_b);
  auto pop_a = crypto::SignWithPrivateKeyPem(a.alg, a.private_key_pem, AsBytes(mine));
  if (!pop_a) return pop_a.error();
  step.confirm = RegConfirm{sent.host_a,   sent.host_b,       sent.nonce_a,
                            offer.nonce_b, std::move(*pop_a), FormatDeclaration(step.registration.own)};
  return step;
}

Status VerifyRegDone(const RegHello& sent, const RegOffer& offer, const RegDone& done) {
  if (done.host_a != sent.host_a || done.host_b != sent.host_b)
    return MakeError(ErrorCode::kM2dmrtRegHostMismatch, "done names other hosts");
  if (!Equal(View(done.nonce_b), View(offer.nonce_b)))
    return MakeError(ErrorCode::kM2dmrtRegNonceMismatch, "done is for another exchange");
  return OkStatus();
}

RegResponder::RegResponder(RegIdentity b, RegResponderOptions options)
    : b_(std::move(b)), options_(std::move(options)) {}

void RegResponder::Prune(int64_t now) {
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (it->second.expires < now) {
      RememberUsed(it->first);
      it = pending_.erase(it);
    } else {
      ++it;
    }
  }
}

void RegResponder::RememberUsed(const RegNonce& n) {
  if (options_.remembered_used_nonces == 0) return;
  if (used_.insert(n).second) used_order_.push_back(n);
  while (used_order_.size() > options_.remembered_used_nonces) {
    used_.erase(used_order_.front());
    used_order_.pop_front();
  }
}

Result<RegOffer> RegResponder::HandleHello(const RegHello& hello, ByteView observed_spki_a, int64_t now,
                                           const RegNonce& nonce_b) {
  if (hello.host_b != b_.host)
    return MakeError(ErrorCode::kM2dmrtRegHostMismatch, "this agent is " + b_.host + ", not " + hello.host_b);
  if (hello.host_a == b_.host)
    return MakeError(ErrorCode::kM2dmrtRegHostMismatch, "a host cannot register with itself");
  if (!options_.allowed_peers.empty() &&
      std::find(options_.allowed_peers.begin(), options_.allowed_peers.end(), hello.host_a) ==
          options_.allowed_peers.end())
    return MakeError(ErrorCode::kM2dmrtRegPeerNotAllowed, hello.host_a + " is not an allowed peer");
  if (observed_spki_a.empty())
    return MakeError(ErrorCode::kM2dmrtRegNoChannelKey, "no client certificate for " + hello.host_a);
  if (!Equal(hello.spki_a, observed_spki_a))
    return MakeError(ErrorCode::kM2dmrtRegKeyMismatch, "claimed key is not the client certificate's key");
  if (auto def = crypto::DefaultSigAlgForSpki(hello.spki_a); !def)
    return Wrap(ErrorCode::kM2dmrtRegBadKey, "unusable key", def.error());
  Prune(now);
  if (used_.count(nonce_b) || pending_.count(nonce_b))
    return MakeError(ErrorCode::kM2dmrtRegNonceReplayed, "nonce_b was already issued");
  if (pending_.size() >= options_.max_pending)
    return MakeError(ErrorCode::kM2dmrtRegBusy, "too many pending registrations");
  auto decl_b = SignDeclaration(b_, hello.host_a, hello.spki_a, now, options_.policy);
  if (!decl_b) return decl_b.error();
  std::string msg = ComputeProofMessage(RegRole::kResponder, hello.host_a, hello.host_b, hello.nonce_a,
                                        nonce_b, hello.spki_a, b_.spki);
  auto pop = crypto::SignWithPrivateKeyPem(b_.alg, b_.private_key_pem, AsBytes(msg));
  if (!pop) return pop.error();
  RegOffer offer{hello.host_a,  hello.host_b, b_.spki,         b_.alg,
                 hello.nonce_a, nonce_b,      std::move(*pop), FormatDeclaration(*decl_b)};
  pending_.emplace(nonce_b, Pending{hello, std::move(*decl_b), now + options_.nonce_lifetime_seconds});
  return offer;
}

Result<Registration> RegResponder::HandleConfirm(const RegConfirm& confirm, int64_t now) {
  auto it = pending_.find(confirm.nonce_b);
  if (it == pending_.end()) {
    if (used_.count(confirm.nonce_b))
      return MakeError(ErrorCode::kM2dmrtRegNonceReplayed, "nonce_b was already used");
    return MakeError(ErrorCode::kM2dmrtRegUnknownNonce, "nonce_b was not issued by this agent");
  }
  // Single use: whatever happens next, this nonce is spent.
  Pending p = std::move(it->second);
  pending_.erase(it);
  RememberUsed(confirm.nonce_b);
  if (now > p.expires) return MakeError(ErrorCode::kM2dmrtRegNonceExpired, "nonce_b expired");
  if (confirm.host_a != p.hello.host_a || confirm.host_b != p.hello.host_b)
    return MakeError(ErrorCode::kM2dmrtRegHostMismatch, "confirm names other hosts than the hello");
  if (!Equal(View(confirm.nonce_a), View(p.hello.nonce_a)))
    return MakeError(ErrorCode::kM2dmrtRegNonceMismatch, "nonce_a differs from the hello");
  std::string msg = ComputeProofMessage(RegRole::kInitiator, p.hello.host_a, p.hello.host_b, p.hello.nonce_a,
                                        confirm.nonce_b, p.hello.spki_a, b_.spki);
  Status pop = crypto::VerifySignature(p.hello.alg_a, p.hello.spki_a, AsBytes(msg), confirm.pop_a);
  if (!pop) return Wrap(ErrorCode::kM2dmrtRegBadProof, "pop_a does not verify", pop.error());
  auto decl_a = CheckPeerDeclaration(confirm.decl_a, p.hello.host_a, p.hello.host_b, p.hello.spki_a, b_.spki,
                                     now, options_.policy);
  if (!decl_a) return decl_a.error();
  return Registration{std::move(p.decl_b), std::move(*decl_a)};
}

namespace {

int StatusFor(ErrorCode c) {
  switch (c) {
    case ErrorCode::kM2dmrtRegTooLarge:
      return 413;
    case ErrorCode::kM2dmrtRegBusy:
      return 503;
    case ErrorCode::kM2dmrtRegPeerNotAllowed:
    case ErrorCode::kM2dmrtRegNoChannelKey:
    case ErrorCode::kM2dmrtRegKeyMismatch:
      return 403;
    default:
      return 400;
  }
}

RegAgentReply ErrorReply(const Error& e) {
  return RegAgentReply{StatusFor(e.code), FormatRegError(e), std::nullopt};
}

RegNonce FreshNonce() {
  RegNonce n;
  crypto::RandomBytes(n);
  return n;
}

}  // namespace

RegAgentReply HandleRegAgentRequest(RegResponder& responder, const RegAgentRequest& request, int64_t now) {
  if (request.target != kRegisterPath)
    return RegAgentReply{404, FormatRegError(MakeError(ErrorCode::kM2dmrtRegWrongMessage, "unknown path")),
                         std::nullopt};
  auto type = ParseRegMessageType(request.body);
  if (!type) return ErrorReply(type.error());
  if (*type == RegMessageType::kHello) {
    auto hello = ParseRegHello(request.body);
    if (!hello) return ErrorReply(hello.error());
    Bytes observed;
    if (!request.client_cert_der.empty()) {
      if (!net::CertificateMatchesHost(request.client_cert_der, hello->host_a))
        return ErrorReply(MakeError(ErrorCode::kM2dmrtRegHostMismatch,
                                    "client certificate is not valid for " + hello->host_a));
      auto spki = crypto::SpkiFromCertificateDer(request.client_cert_der);
      if (!spki) return ErrorReply(spki.error());
      observed = std::move(*spki);
    }
    auto offer = responder.HandleHello(*hello, observed, now, FreshNonce());
    if (!offer) return ErrorReply(offer.error());
    return RegAgentReply{200, FormatRegOffer(*offer), std::nullopt};
  }
  if (*type == RegMessageType::kConfirm) {
    auto confirm = ParseRegConfirm(request.body);
    if (!confirm) return ErrorReply(confirm.error());
    auto reg = responder.HandleConfirm(*confirm, now);
    if (!reg) return ErrorReply(reg.error());
    RegAgentReply r{200, FormatRegDone(RegDone{confirm->host_a, confirm->host_b, confirm->nonce_b}),
                    std::move(*reg)};
    return r;
  }
  return ErrorReply(MakeError(ErrorCode::kM2dmrtRegWrongMessage, "agent accepts hello and confirm only"));
}

namespace {

// POSTs one message; returns B's reply body and the SPKI of B's certificate on that connection.
Result<std::pair<std::string, Bytes>> Exchange(const RegInitiatorOptions& o, const std::string& body) {
  net::PeerPostOptions po;
  po.url = o.peer_url;
  po.tls_name = o.peer_host;
  po.ca_file = o.ca_file;
  po.client_cert_file = o.cert_file;
  po.client_key_file = o.key_file;
  po.timeout_ms = o.timeout_ms;
  po.max_body_bytes = kRegMaxMessageBytes;
  auto r = net::PostObservingPeer(po, "application/json", AsBytes(body));
  if (!r) return r.error();
  std::string text = ToString(r->body);
  if (r->status != 200) {
    auto err = ParseRegError(text);
    if (err) return MakeError(ErrorCode::kM2dmrtRegPeerRejected, err->error + ": " + err->detail);
    return MakeError(ErrorCode::kM2dmrtRegPeerRejected, "HTTP status " + std::to_string(r->status));
  }
  auto spki = crypto::SpkiFromPem(r->peer_cert_pem);
  if (!spki) return spki.error();
  return std::make_pair(std::move(text), std::move(*spki));
}

}  // namespace

Result<Registration> RunRegInitiator(const RegIdentity& a, const RegInitiatorOptions& o) {
  auto host_b = CanonicalHost(o.peer_host);
  if (!host_b) return host_b.error();
  RegHello hello = MakeRegHello(a, *host_b, FreshNonce());
  auto r1 = Exchange(o, FormatRegHello(hello));
  if (!r1) return r1.error();
  auto offer = ParseRegOffer(r1->first);
  if (!offer) return offer.error();
  auto step = AcceptRegOffer(a, hello, *offer, r1->second, NowMillis(o.clock) / 1000, o.policy);
  if (!step) return step.error();
  auto r2 = Exchange(o, FormatRegConfirm(step->confirm));
  if (!r2) return r2.error();
  // Both POSTs must reach the same key.
  if (!Equal(r2->second, offer->spki_b))
    return MakeError(ErrorCode::kM2dmrtRegKeyMismatch, "the second connection presented another key");
  auto done = ParseRegDone(r2->first);
  if (!done) return done.error();
  VERITY_RETURN_IF_ERROR(VerifyRegDone(hello, *offer, *done));
  return std::move(step->registration);
}

}  // namespace verity::m2dmrt
