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
// The decision (steps 1-5 of docs/protocol.md, each answer logged as a verdict row) is the engine's:
// policy/hop.h, Engine::CheckHop. This handler only reads the fields into a policy::HopRequest and
// writes the policy::HopVerdict.
// Keys: `origin_cert`/`dest_cert` (leaf certificate DER) or `origin_spki`/`dest_spki` (SPKI DER),
// base64 (at most 64 KiB of text each).
#pragma once

#include "core/error.h"
#include "json/json.h"
#include "policy/engine.h"

namespace verity::protocol {

// Writes the reply's fields into `w` (inside the open envelope object). Errors: protocol.bad_field
// (missing/ill-typed field, bad base64; a bad certificate from the engine), policy.bad_origin.
Status HandleM2dmrtCheck(policy::Engine& engine, const json::Value& msg, json::Writer& w);

}  // namespace verity::protocol
