// M2DMRT provider declarations (record format is Verity's, design §4.3; idea from the M2DMRT
// paper in shared/seeds/000_*: providers of one service sign each other's TLS keys and publish the
// declarations in DNSSEC-signed zones).
//
// Declaration: a TXT record at
//     <first 56 hex digits of SHA-256(peer host)>._m2dmrt.<declarer host>
// whose character-strings, concatenated without separators, read
//     v=M2DMRT1; d=shop.test; p=pay.test; kd=<64 hex>; kp=<64 hex>; nb=1767225600; na=1798761600; a=es256;
//     s=<base64>
//   d   declarer host (the zone publishing it)      p   peer host it declares
//   kd  hex SHA-256 of the declarer's TLS SubjectPublicKeyInfo DER (as DANE TLSA 3 1 1); kp likewise for the
//   peer nb  not-before, na not-after: Unix seconds, nb < na a   es256 | es384 | rs256 | ps256 | ed25519
//   (encodings in crypto/signature.h) s   standard base64 (padded) signature by the declarer's TLS key over
//       "M2DMRT1|" d "|" p "|" kd "|" kp "|" nb "|" na "|" a
// Fields are separated by ";" with optional spaces/tabs around them; each key appears once; `v`
// comes first. Unknown keys are ignored (not signed). A record with another `v` or an unknown `a`
// is skipped (unknown ≠ malformed), anything else off is malformed.
//
// Opt-in policy: TXT at `_m2dmrt.<host>` reading `v=M2DMRT1; policy=enforce` (or `report`).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/bytes.h"
#include "core/error.h"
#include "crypto/signature.h"

namespace verity::m2dmrt {

struct Declaration {
  std::string declarer;   // d
  std::string peer;       // p
  Hash32 declarer_key{};  // kd
  Hash32 peer_key{};      // kp
  int64_t not_before = 0;
  int64_t not_after = 0;
  crypto::SigAlg alg = crypto::SigAlg::kEs256;
  Bytes signature;
};

enum class SitePolicy { kEnforce, kReport };

// Lower-cases and checks a DNS host name (LDH labels, 1-63 chars each, ≤ 253, no trailing dot).
Result<std::string> CanonicalHost(std::string_view host);

// "<56 hex>._m2dmrt.<declarer>" — the owner name of `declarer`'s declaration about `peer`.
Result<std::string> DeclarationOwnerName(std::string_view declarer, std::string_view peer);
// "_m2dmrt.<host>"
Result<std::string> PolicyOwnerName(std::string_view host);

Result<Declaration> ParseDeclaration(std::string_view rdata);
Result<SitePolicy> ParsePolicyRecord(std::string_view rdata);

// The exact bytes the declarer signs.
std::string ComputeSignedMessage(const Declaration& d);
// TXT rdata text (fields in canonical order).
std::string FormatDeclaration(const Declaration& d);
// Zone-file line(s): owner, TTL, TXT with the rdata split into ≤255-byte character-strings.
std::string FormatZoneLine(const Declaration& d, uint32_t ttl);

struct Observed {
  ByteView declarer_spki;  // DER SubjectPublicKeyInfo seen in TLS for the declarer host
  ByteView peer_spki;      // ... and for the peer host
};

// Checks that `d` is the declaration of `declarer` about `peer` for the keys actually observed,
// within its validity window (± skew seconds), with a signature by the declarer's observed key.
Status VerifyDeclaration(const Declaration& d, std::string_view declarer, std::string_view peer,
                         const Observed& observed, int64_t now, int64_t skew_seconds);

}  // namespace verity::m2dmrt
