// The body digests the host is given instead of the body (design §1: the extension hashes bodies
// with WebCrypto and sends digests; the host never sees bodies). Each digest is the raw hash of the
// body after content decoding (32, 48 or 64 bytes); an absent optional means "not computed".
//
//   {"sha256": "Bu681KMnQ15RYHFvsYdWumweeFAw0hJDTFt9seErghA="}  (as the protocol carries it)
//   BodyDigests d; d.sha256 = ParseBase64(...);   d.Get(HashAlg::kSha256) -> &*d.sha256
#pragma once

#include <optional>
#include <string_view>

#include "core/bytes.h"
#include "core/error.h"
#include "crypto/hash.h"

namespace verity::sri {

struct BodyDigests {
  std::optional<Bytes> sha256;
  std::optional<Bytes> sha384;
  std::optional<Bytes> sha512;

  // nullptr when that digest was not supplied.
  const Bytes* Get(crypto::HashAlg alg) const;
  void Set(crypto::HashAlg alg, Bytes digest);
  // All three digests of a body (tests, CLI, and hosts that do see the body).
  static BodyDigests Compute(ByteView body);
};

// The protocol's `sha256` / `sha384` / `sha512` members (standard base64, padding optional); an
// absent member stays unset. kSriMalformedDigest if one is not base64 of exactly 32/48/64 bytes.
Result<BodyDigests> ParseBodyDigests(std::optional<std::string_view> sha256_b64,
                                     std::optional<std::string_view> sha384_b64,
                                     std::optional<std::string_view> sha512_b64);

}  // namespace verity::sri
