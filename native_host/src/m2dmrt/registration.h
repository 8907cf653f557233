// M2DMRT mutual registration between two providers' agents (the paper's "MRDA" exchange,
// shared/seeds/000_*; Verity's wire format, docs/m2dmrt-registration.md).
//
// A (initiator, e.g. shop.test) and B (responder, pay.test) each prove possession of their TLS key
// over fresh nonces, each signs a declaration of the other's key, and both end with the pair of
// TXT records (docs/m2dmrt.md) to publish. Three JSON messages over two HTTPS POSTs to B:
//
//   A→B hello   {"type":"m2dmrt-register-hello","v":"M2DMRT1","host_a":"shop.test","host_b":"pay.test",
//                "spki_a":"<b64 DER>","alg_a":"es256","nonce_a":"<b64 32 bytes>"}
//   B→A offer   {"type":"m2dmrt-register-offer","v":"M2DMRT1","host_a":…,"host_b":…,"spki_b":…,"alg_b":…,
//                "nonce_a":…,"nonce_b":…,"pop_b":"<b64 sig>","decl_b":"v=M2DMRT1; d=pay.test; p=shop.test;
//                …"}
//   A→B confirm {"type":"m2dmrt-register-confirm","v":"M2DMRT1","host_a":…,"host_b":…,"nonce_a":…,
//                "nonce_b":…,"pop_a":…,"decl_a":"v=M2DMRT1; d=shop.test; p=pay.test; …"}
//   B→A done    {"type":"m2dmrt-register-done","v":"M2DMRT1","host_a":…,"host_b":…,"nonce_b":…}
//   B→A error   {"type":"m2dmrt-register-error","v":"M2DMRT1","error":"m2dmrt.reg_bad_proof","detail":"…"}
//
// Proofs of possession (domain-separated, role label first, both keys bound by hash):
//   pop_b = Sign_B("M2DMRT1-register|offer|"   host_a "|" host_b "|" b64(nonce_a) "|" b64(nonce_b) "|"
//                  hex(SHA-256(spki_a)) "|" hex(SHA-256(spki_b)))
//   pop_a = Sign_A("M2DMRT1-register|confirm|" …same fields…)
// Channel binding: A requires spki_b == the SPKI of the certificate it saw on the HTTPS connection
// to B (verified for host_b); B requires spki_a == the SPKI of the client certificate A presented
// in mutual TLS (verified for host_a). nonce_b is single use and expires after 60 s.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "core/clock.h"
#include "core/error.h"
#include "crypto/signature.h"
#include "m2dmrt/declaration.h"

namespace verity::m2dmrt {

inline constexpr size_t kRegNonceBytes = 32;
inline constexpr size_t kRegMaxMessageBytes = 64 * 1024;
inline constexpr size_t kRegMaxSpkiBytes = 4096;
inline constexpr size_t kRegMaxProofBytes = 1024;
inline constexpr size_t kRegMaxDeclarationChars = 4096;
inline constexpr size_t kRegMaxDetailChars = 512;
inline constexpr std::string_view kRegisterPath = "/m2dmrt/register";

using RegNonce = std::array<uint8_t, kRegNonceBytes>;

struct RegHello {
  std::string host_a, host_b;
  Bytes spki_a;
  crypto::SigAlg alg_a = crypto::SigAlg::kEs256;
  RegNonce nonce_a{};
};

struct RegOffer {
  std::string host_a, host_b;
  Bytes spki_b;
  crypto::SigAlg alg_b = crypto::SigAlg::kEs256;
  RegNonce nonce_a{}, nonce_b{};
  Bytes pop_b;
  std::string decl_b;  // TXT rdata: B declares A
};

struct RegConfirm {
  std::string host_a, host_b;
  RegNonce nonce_a{}, nonce_b{};
  Bytes pop_a;
  std::string decl_a;  // TXT rdata: A declares B
};

struct RegDone {
  std::string host_a, host_b;
  RegNonce nonce_b{};
};

struct RegErrorMessage {
  std::string error;   // wire name, e.g. "m2dmrt.reg_bad_proof"
  std::string detail;  // ≤ kRegMaxDetailChars
};

enum class RegMessageType { kHello, kOffer, kConfirm, kDone, kError };

// The "type" of a message, after the size, JSON and version checks every parser makes.
Result<RegMessageType> ParseRegMessageType(std::string_view json);
Result<RegHello> ParseRegHello(std::string_view json);
Result<RegOffer> ParseRegOffer(std::string_view json);
Result<RegConfirm> ParseRegConfirm(std::string_view json);
Result<RegDone> ParseRegDone(std::string_view json);
Result<RegErrorMessage> ParseRegError(std::string_view json);

std::string FormatRegHello(const RegHello& m);
std::string FormatRegOffer(const RegOffer& m);
std::string FormatRegConfirm(const RegConfirm& m);
std::string FormatRegDone(const RegDone& m);
std::string FormatRegError(const Error& e);

enum class RegRole { kResponder, kInitiator };  // B signs "offer", A signs "confirm"
// The exact bytes a proof of possession signs.
std::string ComputeProofMessage(RegRole signer, std::string_view host_a, std::string_view host_b,
                                const RegNonce& nonce_a, const RegNonce& nonce_b, ByteView spki_a,
                                ByteView spki_b);

// One side's TLS identity: canonical host, SPKI of its certificate, algorithm, private key.
struct RegIdentity {
  std::string host;
  Bytes spki;
  crypto::SigAlg alg = crypto::SigAlg::kEs256;
  std::string private_key_pem;
};
// Checks the host name and that the key belongs to the certificate. `alg` empty: the key's default.
Result<RegIdentity> LoadRegIdentity(std::string_view host, std::string_view cert_pem,
                                    std::string_view key_pem,
                                    std::optional<crypto::SigAlg> alg = std::nullopt);

struct RegPolicy {
  int64_t validity_seconds = 90 * 86400;  // of the declaration this side signs
  int64_t backdate_seconds = 300;         // nb = now - backdate
  int64_t skew_seconds = 300;             // when checking the peer's declaration
};

// The outcome on either side: the declaration this side publishes in its own zone, and the one the
// peer publishes in its zone.
struct Registration {
  Declaration own;
  Declaration peer;
};

// Signs `declarer`'s declaration of `peer_host` / `peer_spki`, valid [now - backdate, now + validity).
Result<Declaration> SignDeclaration(const RegIdentity& declarer, std::string_view peer_host,
                                    ByteView peer_spki, int64_t now, const RegPolicy& policy);

// --- Initiator (A) ---
RegHello MakeRegHello(const RegIdentity& a, std::string_view host_b, const RegNonce& nonce_a);

struct RegInitiatorStep {
  RegConfirm confirm;
  Registration registration;
};
// Checks B's offer against the hello A sent and the key A saw in TLS for host_b; on success signs
// pop_a and A's declaration of B.
Result<RegInitiatorStep> AcceptRegOffer(const RegIdentity& a, const RegHello& sent, const RegOffer& offer,
                                        ByteView observed_spki_b, int64_t now, const RegPolicy& policy);
// Checks B's final reply.
Status VerifyRegDone(const RegHello& sent, const RegOffer& offer, const RegDone& done);

// --- Responder (B): keeps the pending exchanges between the two POSTs ---
struct RegResponderOptions {
  RegPolicy policy;
  std::vector<std::string> allowed_peers;  // empty: any peer that authenticates
  int64_t nonce_lifetime_seconds = 60;
  size_t max_pending = 64;
  size_t remembered_used_nonces = 1024;
};

class RegResponder {
 public:
  RegResponder(RegIdentity b, RegResponderOptions options);
  // `observed_spki_a`: SPKI of the client certificate A presented (verified for host_a by the caller).
  Result<RegOffer> HandleHello(const RegHello& hello, ByteView observed_spki_a, int64_t now,
                               const RegNonce& nonce_b);
  Result<Registration> HandleConfirm(const RegConfirm& confirm, int64_t now);
  const RegIdentity& identity() const { return b_; }
  size_t pending() const { return pending_.size(); }

 private:
  struct Pending {
    RegHello hello;
    Declaration decl_b;
    int64_t expires = 0;
  };
  void Prune(int64_t now);
  void RememberUsed(const RegNonce& n);
  RegIdentity b_;
  RegResponderOptions options_;
  std::map<RegNonce, Pending> pending_;
  std::set<RegNonce> used_;
  std::deque<RegNonce> used_order_;
};

// --- Transport (HTTPS through net/tls_server.h) ---
struct RegAgentRequest {
  std::string target;
  std::string_view body;
  ByteView client_cert_der;  // verified client certificate (mutual TLS), empty if none
};
struct RegAgentReply {
  int status = 200;
  std::string body;
  std::optional<Registration> completed;  // set when a confirm completed an exchange
};
// B's handler for one POST: routes hello/confirm, checks the client certificate is valid for
// host_a and holds spki_a, and answers offer/done or an error message with a 4xx status.
RegAgentReply HandleRegAgentRequest(RegResponder& responder, const RegAgentRequest& request, int64_t now);

struct RegInitiatorOptions {
  std::string peer_host;  // host_b
  std::string peer_url;   // https://127.0.0.1:8443/m2dmrt/register
  std::string ca_file;    // trust anchors for B's certificate (empty: system)
  std::string cert_file;  // A's certificate and key for mutual TLS
  std::string key_file;
  long timeout_ms = 5000;
  RegPolicy policy;
  Clock clock;  // Unix ms; empty: the system clock (core/clock.h)
};
// Runs the whole exchange as A. `now` is read once per step from options.clock.
Result<Registration> RunRegInitiator(const RegIdentity& a, const RegInitiatorOptions& options);

}  // namespace verity::m2dmrt
