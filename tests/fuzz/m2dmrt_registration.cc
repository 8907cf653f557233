// libFuzzer: M2DMRT registration messages (docs/m2dmrt-registration.md) and the agent's HTTP request
// head parser. Invariants: no crash or hang; whatever parses formats back to a message that parses
// to the same fields; and a fuzzed offer is never accepted (the fuzzer cannot forge B's proof).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "crypto/signature.h"
#include "m2dmrt/registration.h"
#include "net/tls_server.h"

namespace {

using namespace verity;
using namespace verity::m2dmrt;

const RegIdentity& Shop() {
  static const RegIdentity id = [] {
    std::string key = *crypto::GeneratePrivateKeyPem(crypto::SigAlg::kEd25519);
    return RegIdentity{"shop.test", *crypto::SpkiFromPem(key), crypto::SigAlg::kEd25519, key};
  }();
  return id;
}

void Require(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)net::ParseRequestHead(text);
  (void)ParseRegMessageType(text);
  if (auto h = ParseRegHello(text)) {
    auto again = ParseRegHello(FormatRegHello(*h));
    Require(again.ok() && again->spki_a == h->spki_a && again->nonce_a == h->nonce_a &&
            again->host_a == h->host_a && again->host_b == h->host_b && again->alg_a == h->alg_a);
  }
  if (auto o = ParseRegOffer(text)) {
    auto again = ParseRegOffer(FormatRegOffer(*o));
    Require(again.ok() && again->pop_b == o->pop_b && again->decl_b == o->decl_b &&
            again->nonce_b == o->nonce_b);
    // The hello shop.test would have sent for this offer; the offer's own key as the TLS key.
    RegHello sent = MakeRegHello(Shop(), o->host_b, o->nonce_a);
    Require(!AcceptRegOffer(Shop(), sent, *o, o->spki_b, 1800000000, RegPolicy{}).ok());
  }
  if (auto c = ParseRegConfirm(text)) {
    auto again = ParseRegConfirm(FormatRegConfirm(*c));
    Require(again.ok() && again->pop_a == c->pop_a && again->decl_a == c->decl_a &&
            again->nonce_a == c->nonce_a);
  }
  if (auto d = ParseRegDone(text)) Require(ParseRegDone(FormatRegDone(*d)).ok());
  if (auto e = ParseRegError(text)) (void)e;
  return 0;
}
