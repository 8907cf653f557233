#include "sri/sri.h"

#include "core/encoding.h"

namespace verity::sri {
namespace {

bool IsAsciiWhitespace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'; }

bool EqualsLower(std::string_view s, std::string_view lower) {
  if (s.size() != lower.size()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

std::optional<Algorithm> ParseAlgorithm(std::string_view name) {
  if (EqualsLower(name, "sha256")) return Algorithm::kSha256;
  if (EqualsLower(name, "sha384")) return Algorithm::kSha384;
  if (EqualsLower(name, "sha512")) return Algorithm::kSha512;
  if (EqualsLower(name, "ed25519")) return Algorithm::kEd25519;
  return std::nullopt;
}

crypto::HashAlg ToHashAlg(Algorithm alg) {
  switch (alg) {
    case Algorithm::kSha384:
      return crypto::HashAlg::kSha384;
    case Algorithm::kSha512:
      return crypto::HashAlg::kSha512;
    default:
      return crypto::HashAlg::kSha256;
  }
}

int Strength(crypto::HashAlg alg) {
  switch (alg) {
    case crypto::HashAlg::kSha256:
      return 1;
    case crypto::HashAlg::kSha384:
      return 2;
    case crypto::HashAlg::kSha512:
      return 3;
  }
  return 0;
}

Entry MakeEntry(Algorithm alg, std::string_view value) {
  Entry e;
  e.alg = alg;
  size_t want = alg == Algorithm::kEd25519 ? 32 : crypto::DigestSize(ToHashAlg(alg));
  auto decoded = ParseBase64Lenient(value);  // design §4.1: either alphabet, padding optional
  if (decoded && decoded->size() == want) {
    e.value = std::move(*decoded);
  } else {
    e.problem = alg == Algorithm::kEd25519 ? ErrorCode::kSriMalformedKey : ErrorCode::kSriMalformedDigest;
  }
  return e;
}

SriCheck Outcome(SriOutcome o, ErrorCode reason = ErrorCode::kOk, std::string detail = {}) {
  return SriCheck{o, reason, std::move(detail)};
}

}  // namespace

std::string_view AlgorithmName(Algorithm alg) {
  switch (alg) {
    case Algorithm::kSha256:
      return "sha256";
    case Algorithm::kSha384:
      return "sha384";
    case Algorithm::kSha512:
      return "sha512";
    case Algorithm::kEd25519:
      return "ed25519";
  }
  return "unknown";
}

std::string_view SriOutcomeName(SriOutcome outcome) {
  switch (outcome) {
    case SriOutcome::kNoMetadata:
      return "no_metadata";
    case SriOutcome::kMatch:
      return "match";
    case SriOutcome::kMismatch:
      return "mismatch";
    case SriOutcome::kDigestMissing:
      return "digest_missing";
  }
  return "mismatch";
}

Result<Metadata> ParseMetadata(std::string_view integrity) {
  if (integrity.size() > kMaxMetadataBytes) {
    return MakeError(ErrorCode::kSriTooLarge,
                     std::to_string(integrity.size()) + " bytes of integrity metadata");
  }
  Metadata md;
  size_t i = 0;
  while (i < integrity.size()) {
    while (i < integrity.size() && IsAsciiWhitespace(integrity[i])) ++i;
    if (i >= integrity.size()) break;
    size_t start = i;
    while (i < integrity.size() && !IsAsciiWhitespace(integrity[i])) ++i;
    std::string_view token = integrity.substr(start, i - start);
    token = token.substr(0, token.find('?'));  // options are ignored
    size_t dash = token.find('-');
    auto alg = ParseAlgorithm(token.substr(0, dash));
    if (!alg) {
      ++md.skipped_tokens;
      continue;
    }
    std::string_view value = dash == std::string_view::npos ? std::string_view() : token.substr(dash + 1);
    Entry e = MakeEntry(*alg, value);
    (e.alg == Algorithm::kEd25519 ? md.signatures : md.hashes).push_back(std::move(e));
  }
  return md;
}

std::optional<crypto::HashAlg> StrongestHashAlgorithm(const Metadata& metadata) {
  std::optional<crypto::HashAlg> best;
  for (const auto& e : metadata.hashes) {
    crypto::HashAlg a = ToHashAlg(e.alg);
    if (!best || Strength(a) > Strength(*best)) best = a;
  }
  return best;
}

std::vector<crypto::HashAlg> RequiredAlgorithms(const Metadata& metadata, std::string_view unencoded_digest) {
  std::vector<crypto::HashAlg> out;
  auto add = [&](crypto::HashAlg a) {
    for (auto x : out) {
      if (x == a) return;
    }
    out.push_back(a);
  };
  if (auto strongest = StrongestHashAlgorithm(metadata)) {
    for (const auto& e : metadata.hashes) {
      if (!e.malformed() && ToHashAlg(e.alg) == *strongest) {
        add(*strongest);
        break;
      }
    }
  }
  bool any_key = false;
  for (const auto& e : metadata.signatures) any_key = any_key || !e.malformed();
  if (any_key) {
    auto named = ParseUnencodedDigestAlgorithms(unencoded_digest);
    if (named) {
      for (auto a : *named) add(a);
    } else {
      add(crypto::HashAlg::kSha256);
    }
  }
  return out;
}

SriCheck CheckSri(const Metadata& metadata, const BodyDigests& digests, const SignedResponse& response) {
  if (metadata.empty()) return Outcome(SriOutcome::kNoMetadata);

  // Hash constraint: strongest algorithm only; any well-formed entry of it equal to the digest.
  bool hash_ok = true;
  bool hash_missing = false;
  if (auto strongest = StrongestHashAlgorithm(metadata)) {
    hash_ok = false;
    const Bytes* actual = digests.Get(*strongest);
    bool any_wellformed = false;
    for (const auto& e : metadata.hashes) {
      if (ToHashAlg(e.alg) != *strongest || e.malformed()) continue;
      any_wellformed = true;
      // No early exit: every candidate is compared.
      if (actual && crypto::ConstantTimeEqual(*actual, e.value)) hash_ok = true;
    }
    if (any_wellformed && !actual) hash_missing = true;
  }

  // Signature constraint: some well-formed pinned key has a valid signature.
  bool sig_ok = true;
  bool sig_missing = false;
  Error sig_error;
  if (!metadata.signatures.empty()) {
    sig_ok = false;
    std::vector<Bytes> keys;
    for (const auto& e : metadata.signatures) {
      if (e.malformed()) continue;
      bool dup = false;
      for (const auto& k : keys) dup = dup || k == e.value;
      if (!dup) keys.push_back(e.value);
    }
    if (keys.empty()) {
      sig_error = MakeError(ErrorCode::kSriMalformedKey, "every pinned ed25519 key is malformed");
    } else {
      Status s = VerifyIntegritySignatureAnyKey(keys, response, digests);
      if (s.ok()) {
        sig_ok = true;
      } else if (s.code() == ErrorCode::kSriDigestMissing) {
        sig_missing = true;  // signature verified; a digest named by Unencoded-Digest not supplied
      } else {
        sig_error = s.error();
      }
    }
  }

  // A definite failure wins over "digest missing" (no digest can repair it).
  if (!hash_ok && !hash_missing) {
    return Outcome(SriOutcome::kMismatch, ErrorCode::kSriMismatch,
                   "no hash of the strongest algorithm matches");
  }
  if (!sig_ok && !sig_missing) return Outcome(SriOutcome::kMismatch, sig_error.code, sig_error.detail);
  if (hash_missing || sig_missing) {
    return Outcome(SriOutcome::kDigestMissing, ErrorCode::kSriDigestMissing,
                   "a required body digest was not supplied");
  }
  return Outcome(SriOutcome::kMatch);
}

SriOutcome MatchSri(const Metadata& metadata, const BodyDigests& digests, const SignedResponse& response) {
  return CheckSri(metadata, digests, response).outcome;
}

SriCheck CheckSriBody(std::string_view integrity, ByteView body, const SignedResponse& response) {
  auto md = ParseMetadata(integrity);
  if (!md) return Outcome(SriOutcome::kMismatch, md.code(), md.error().detail);
  return CheckSri(*md, BodyDigests::Compute(body), response);
}

}  // namespace verity::sri
