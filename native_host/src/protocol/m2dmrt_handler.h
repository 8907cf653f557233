// The `m2dmrt_check` message: one cross-host hop O → D of a checked site (docs/protocol.md,
// docs/m2dmrt.md, design §4.3).
//
// Request:
//   {"id":9,"type":"m2dmrt_check","origin":"https://shop.test","dest":"https://pay.test/checkout",
//    "kind":"redirect","origin_cert":"<base64 DER>","dest_cert":"<base64 DER>","key_source":"browser"}
// Reply fields:
//   {"action":"block","reason":"m2dmrt_one_sided","state":"ONE_SIDED","policy":"enforce",
//    "detail":"shop.test is not declared by pay.test ...","origin_host":"shop.test",
//    "dest_host":"pay.test","keys":"observed by browser","dns":"validated locally (libunbound)"}
//
// Order of the decision (each step may end it, and every answer is logged as a verdict row with
// destination "m2dmrt-hop:<kind>"):
//   1. origin not checked by Verity (not enrolled, or switched off)  → allow, no DNS query at all
//   2. same host                                                   → allow, no DNS query
//   3. config invalid                                              → block (fail closed)
//   4. TXT _m2dmrt.<origin host>: bogus → BOGUS block; failed → UNVERIFIABLE block; no valid
//      policy record → allow (m2dmrt_no_policy, the site has not opted in)
//   5. both declarations looked up, m2dmrt::EvaluateHop with the observed keys, RequiredAction:
//      enforce requires MUTUAL, report reports anything else.
// Keys: `origin_cert`/`dest_cert` (leaf certificate DER) or `origin_spki`/`dest_spki` (SPKI DER),
// base64. A missing key with "key_source":"host_probe" is fetched by the host's own TLS handshake
// (net::HttpClient, labelled "observed by host"); otherwise it makes the hop UNVERIFIABLE.
#pragma once

#include "core/error.h"
#include "json/json.h"
#include "policy/engine.h"

namespace verity::protocol {

// Writes the reply's fields into `w` (inside the open envelope object). Errors: protocol.bad_field
// (missing/ill-typed field, bad base64, bad certificate), policy.bad_origin.
Status HandleM2dmrtCheck(policy::Engine& engine, const json::Value& msg, json::Writer& w);

}  // namespace verity::protocol
