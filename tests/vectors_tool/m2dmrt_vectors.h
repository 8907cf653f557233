// M2DMRT's own formats as data vectors (tests/vectors/verity/README.md): declaration signatures and
// the registration messages of m2dmrt/registration.h, made from fixed Ed25519 seeds (deterministic
// signatures, so the files are reproducible byte for byte).
//
//   m2dmrt_declaration_signature   ParseDeclaration + VerifyDeclaration(d, declarer, peer,
//                                  {declarer_spki, peer_spki}, now, skew)
//   m2dmrt_registration_message    ParseRegHello / Offer / Confirm / Done / Error by "kind"
//   m2dmrt_registration_offer      A checks B's offer: AcceptRegOffer(A, hello, offer, observed_spki_b, now)
//   m2dmrt_registration_confirm    B checks A's confirm: RegResponder::HandleHello(hello, observed_spki_a,
//                                  hello_time, nonce_b), then HandleConfirm(confirm, now)
// The offer and confirm cases carry the checking side's private key (PKCS#8 PEM of a fixed test
// seed): the check also signs that side's answer. Worked example (one case file):
//   {"format": "m2dmrt_declaration_signature", "description": "the record says a=es256 ...",
//    "input": {"rdata": "v=M2DMRT1; d=shop.test; ...; a=es256; s=...", "declarer": "shop.test",
//              "peer": "pay.test", "declarer_spki": "MCowBQYDK2VwAyEA...", "peer_spki": "...",
//              "now": 1767225600, "skew": 300},
//    "expected": "m2dmrt.bad_signature"}
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "json/json.h"
#include "vector_case.h"

namespace verity::vectors {

// The result of one M2DMRT case; nullopt when `format` is not one of the above.
std::optional<std::string> RunM2dmrt(std::string_view format, const json::Value& in);

// Appends every M2DMRT signature and registration case.
void AddM2dmrtCases(std::vector<Case>& cs);

}  // namespace verity::vectors
