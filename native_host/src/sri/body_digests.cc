#include "sri/body_digests.h"

#include <utility>

#include "core/encoding.h"

namespace verity::sri {

const Bytes* BodyDigests::Get(crypto::HashAlg alg) const {
  const std::optional<Bytes>* slot = nullptr;
  switch (alg) {
    case crypto::HashAlg::kSha256:
      slot = &sha256;
      break;
    case crypto::HashAlg::kSha384:
      slot = &sha384;
      break;
    case crypto::HashAlg::kSha512:
      slot = &sha512;
      break;
  }
  return slot && slot->has_value() ? &**slot : nullptr;
}

void BodyDigests::Set(crypto::HashAlg alg, Bytes digest) {
  switch (alg) {
    case crypto::HashAlg::kSha256:
      sha256 = std::move(digest);
      break;
    case crypto::HashAlg::kSha384:
      sha384 = std::move(digest);
      break;
    case crypto::HashAlg::kSha512:
      sha512 = std::move(digest);
      break;
  }
}

BodyDigests BodyDigests::Compute(ByteView body) {
  BodyDigests d;
  d.sha256 = crypto::Digest(crypto::HashAlg::kSha256, body);
  d.sha384 = crypto::Digest(crypto::HashAlg::kSha384, body);
  d.sha512 = crypto::Digest(crypto::HashAlg::kSha512, body);
  return d;
}

Result<BodyDigests> ParseBodyDigests(std::optional<std::string_view> sha256_b64,
                                     std::optional<std::string_view> sha384_b64,
                                     std::optional<std::string_view> sha512_b64) {
  BodyDigests out;
  const std::pair<crypto::HashAlg, std::optional<std::string_view>> fields[] = {
      {crypto::HashAlg::kSha256, sha256_b64},
      {crypto::HashAlg::kSha384, sha384_b64},
      {crypto::HashAlg::kSha512, sha512_b64}};
  for (const auto& [alg, text] : fields) {
    if (!text) continue;
    auto bytes = ParseBase64NoPadOk(*text);
    if (!bytes || bytes->size() != crypto::DigestSize(alg)) {
      return MakeError(ErrorCode::kSriMalformedDigest, std::string(crypto::HashAlgName(alg)) +
                                                           " body digest is not base64 of the right length");
    }
    out.Set(alg, std::move(*bytes));
  }
  return out;
}

}  // namespace verity::sri
