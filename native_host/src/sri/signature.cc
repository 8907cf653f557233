#include "sri/signature.h"

#include "core/encoding.h"
#include "crypto/ed25519.h"
#include "sri/sf_profile.h"

namespace verity::sri {
namespace {

using sf::BareItem;

struct NamedDigest {
  crypto::HashAlg alg;
  ByteView value;
};

std::optional<crypto::HashAlg> DigestKeyAlg(std::string_view key) {
  if (key == "sha-256") return crypto::HashAlg::kSha256;
  if (key == "sha-384") return crypto::HashAlg::kSha384;
  if (key == "sha-512") return crypto::HashAlg::kSha512;
  return std::nullopt;
}

// The draft's "valid for SRI" check.
Result<std::vector<NamedDigest>> ValidDigests(const sf::Dictionary& dict) {
  if (dict.empty())
    return MakeError(ErrorCode::kSriBadUnencodedDigest, "Unencoded-Digest is empty or absent");
  std::vector<NamedDigest> out;
  for (const auto& m : dict) {
    if (m.is_inner_list || m.item.value.type != BareItem::Type::kByteSequence) {
      return MakeError(ErrorCode::kSriBadUnencodedDigest,
                       "Unencoded-Digest member '" + m.key + "' is not a byte sequence");
    }
    auto alg = DigestKeyAlg(m.key);
    if (!alg)
      return MakeError(ErrorCode::kSriBadUnencodedDigest,
                       "Unencoded-Digest algorithm '" + m.key + "' not allowed");
    if (m.item.value.bytes.size() != crypto::DigestSize(*alg)) {
      return MakeError(ErrorCode::kSriBadUnencodedDigest,
                       "Unencoded-Digest '" + m.key + "' has the wrong length");
    }
    out.push_back({*alg, m.item.value.bytes});
  }
  return out;
}

bool IsSriTagged(const sf::Member& m) {
  if (!m.is_inner_list) return false;
  const BareItem* tag = sf::FindParam(m.params, "tag");
  return tag && tag->type == BareItem::Type::kString && tag->text == kSriSignatureTag;
}

struct Candidate {
  Bytes key;
  std::optional<int64_t> created;
  std::optional<int64_t> expires;
};

// Profile checks on a tag="sri" member; returns its key and time window.
Result<Candidate> CheckProfile(const sf::Member& m) {
  auto bad = [&](std::string what) {
    return MakeError(ErrorCode::kSriBadSignatureInput, "signature '" + m.key + "': " + what);
  };
  if (m.inner.size() != 1) return bad("covered components must be exactly (\"unencoded-digest\";sf)");
  const sf::Item& c = m.inner[0];
  if (c.value.type != BareItem::Type::kString || c.value.text != "unencoded-digest") {
    return bad("covered component must be \"unencoded-digest\"");
  }
  if (c.params.size() != 1 || c.params[0].first != "sf" ||
      c.params[0].second.type != BareItem::Type::kBoolean || !c.params[0].second.boolean) {
    return bad("\"unencoded-digest\" must carry exactly the sf parameter");
  }
  Candidate out;
  bool have_key = false;
  for (const auto& [name, v] : m.params) {
    if (name == "tag") continue;
    if (name == "keyid") {
      if (v.type != BareItem::Type::kString) return bad("keyid must be a string");
      auto key = ParseBase64NoPadOk(v.text);
      if (!key || key->size() != 32) return bad("keyid is not base64 of a 32-byte Ed25519 key");
      out.key = std::move(*key);
      have_key = true;
    } else if (name == "alg") {
      if (v.type != BareItem::Type::kString || v.text != "ed25519") return bad("alg must be \"ed25519\"");
    } else if (name == "created" || name == "expires") {
      if (v.type != BareItem::Type::kInteger) return bad(name + " must be an integer");
      (name == "created" ? out.created : out.expires) = v.integer;
    } else if (name == "nonce") {
      if (v.type != BareItem::Type::kString) return bad("nonce must be a string");
    } else {
      return bad("parameter '" + name + "' is not allowed by the SRI profile");
    }
  }
  if (!have_key) return bad("keyid missing");
  return out;
}

std::string SignatureBase(const sf::Dictionary& digest, const sf::Member& m) {
  return "\"unencoded-digest\";sf: " + sf::SerializeDictionary(digest) +
         "\n\"@signature-params\": " + sf::SerializeInnerList(m.inner, m.params);
}

int Rank(ErrorCode c) {  // higher = more specific, reported in preference
  switch (c) {
    case ErrorCode::kSriSignatureInvalid:
      return 4;
    case ErrorCode::kSriSignatureExpired:
      return 3;
    case ErrorCode::kSriBadSignatureInput:
      return 2;
    default:
      return 1;
  }
}

}  // namespace

Result<std::vector<crypto::HashAlg>> ParseUnencodedDigestAlgorithms(std::string_view header) {
  auto dict = sf::ParseDictionary(header, ErrorCode::kSriBadUnencodedDigest);
  if (!dict) return dict.error();
  auto digests = ValidDigests(*dict);
  if (!digests) return digests.error();
  std::vector<crypto::HashAlg> out;
  for (const auto& d : *digests) out.push_back(d.alg);
  return out;
}

Status VerifyUnencodedDigest(std::string_view header, const BodyDigests& body) {
  auto dict = sf::ParseDictionary(header, ErrorCode::kSriBadUnencodedDigest);
  if (!dict) return dict.error();
  auto digests = ValidDigests(*dict);
  if (!digests) return digests.error();
  bool missing = false;
  bool mismatch = false;
  for (const auto& d : *digests) {
    const Bytes* actual = body.Get(d.alg);
    if (!actual) {
      missing = true;
    } else if (!crypto::ConstantTimeEqual(*actual, d.value)) {
      mismatch = true;
    }
  }
  if (mismatch)
    return MakeError(ErrorCode::kSriUnencodedDigestMismatch, "body does not match Unencoded-Digest");
  if (missing)
    return MakeError(ErrorCode::kSriDigestMissing, "a digest named by Unencoded-Digest was not supplied");
  return OkStatus();
}

Result<std::string> ComputeSriSignatureBase(std::string_view unencoded_digest,
                                            std::string_view signature_input, std::string_view label) {
  auto digest = sf::ParseDictionary(unencoded_digest, ErrorCode::kSriBadUnencodedDigest);
  if (!digest) return digest.error();
  VERITY_RETURN_IF_ERROR(ValidDigests(*digest));
  auto input = sf::ParseDictionary(signature_input, ErrorCode::kSriBadSignatureInput);
  if (!input) return input.error();
  const sf::Member* m = sf::FindMember(*input, label);
  if (!m || !IsSriTagged(*m))
    return MakeError(ErrorCode::kSriNoSignature, "no tag=\"sri\" member named that");
  auto cand = CheckProfile(*m);
  if (!cand) return cand.error();
  return SignatureBase(*digest, *m);
}

Status VerifyIntegritySignatureAnyKey(std::span<const Bytes> public_keys, const SignedResponse& response,
                                      const BodyDigests& body) {
  for (std::string_view h : {response.unencoded_digest, response.signature_input, response.signature}) {
    if (h.size() > kMaxSriHeaderBytes) return MakeError(ErrorCode::kSriTooLarge, "signature header too long");
  }
  if (public_keys.empty()) return MakeError(ErrorCode::kSriMalformedKey, "no well-formed pinned key");
  for (const auto& k : public_keys) {
    if (k.size() != 32) return MakeError(ErrorCode::kSriMalformedKey, "pinned key is not 32 bytes");
  }
  auto input = sf::ParseDictionary(response.signature_input, ErrorCode::kSriBadSignatureInput);
  if (!input) return input.error();
  auto sigs = sf::ParseDictionary(response.signature, ErrorCode::kSriBadSignatureHeader);
  if (!sigs) return sigs.error();
  auto digest = sf::ParseDictionary(response.unencoded_digest, ErrorCode::kSriBadUnencodedDigest);
  if (!digest) return digest.error();
  VERITY_RETURN_IF_ERROR(ValidDigests(*digest));

  Error best = MakeError(ErrorCode::kSriNoSignature, "no tag=\"sri\" signature for a pinned key");
  bool verified = false;
  uint64_t evaluated = 0;
  for (const auto& m : *input) {
    if (!IsSriTagged(m)) continue;
    if (++evaluated > kMaxSriSignatures) break;  // bounded work; the rest are ignored (fail closed)
    auto cand = CheckProfile(m);
    if (!cand) {
      if (Rank(cand.code()) > Rank(best.code)) best = cand.error();
      continue;
    }
    bool pinned = false;
    for (const auto& k : public_keys) pinned = crypto::ConstantTimeEqual(cand->key, k) || pinned;
    if (!pinned) continue;  // another key's signature
    if (response.now_unix) {
      int64_t now = *response.now_unix;
      if ((cand->created && *cand->created > now + kSriClockSkewSeconds) ||
          (cand->expires && *cand->expires <= now - kSriClockSkewSeconds)) {
        if (Rank(ErrorCode::kSriSignatureExpired) > Rank(best.code)) {
          best =
              MakeError(ErrorCode::kSriSignatureExpired, "signature '" + m.key + "' outside created/expires");
        }
        continue;
      }
    }
    const sf::Member* sig = sf::FindMember(*sigs, m.key);
    if (!sig || sig->is_inner_list || sig->item.value.type != BareItem::Type::kByteSequence ||
        sig->item.value.bytes.size() != 64) {
      best = MakeError(ErrorCode::kSriSignatureInvalid,
                       "Signature member '" + m.key + "' missing or not 64 bytes");
      continue;
    }
    std::string base = SignatureBase(*digest, m);
    if (crypto::VerifyEd25519(cand->key, AsBytes(base), sig->item.value.bytes)) {
      verified = true;
      break;
    }
    best = MakeError(ErrorCode::kSriSignatureInvalid, "Ed25519 signature '" + m.key + "' does not verify");
  }
  if (!verified) return best;
  return VerifyUnencodedDigest(response.unencoded_digest, body);
}

Status VerifyIntegritySignature(ByteView public_key, const SignedResponse& response,
                                const BodyDigests& body) {
  const Bytes keys[] = {Bytes(public_key.begin(), public_key.end())};
  return VerifyIntegritySignatureAnyKey(keys, response, body);
}

}  // namespace verity::sri
