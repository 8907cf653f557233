#include "transparency/tree_head.h"

#include "core/encoding.h"

namespace verity::transparency {
namespace {

Error BadBody(std::string detail) {
  return MakeError(ErrorCode::kTransparencyBadTreeNote, std::move(detail));
}
Error BadPolicy(std::string detail) {
  return MakeError(ErrorCode::kTransparencyBadPolicy, std::move(detail));
}

// Decimal without leading zeros, fits uint64.
std::optional<uint64_t> ParseDecimal(std::string_view s) {
  if (s.empty() || s.size() > 20 || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  return v;
}

}  // namespace

bool IsValidServiceDomain(std::string_view d) {
  if (d.empty() || d.size() > 253) return false;
  for (char c : d) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-')) return false;
  }
  return true;
}

Result<TreeNoteBody> ParseTreeNoteBody(std::string_view text) {
  std::string_view lines[3];
  for (auto& line : lines) {
    size_t nl = text.find('\n');
    if (nl == std::string_view::npos) return BadBody("tree note body must be three newline-terminated lines");
    line = text.substr(0, nl);
    text.remove_prefix(nl + 1);
  }
  if (!text.empty()) return BadBody("tree note body has extra lines");
  TreeNoteBody b;
  std::string_view origin = lines[0];
  if (origin.size() <= kPrefixTreeOriginSuffix.size() ||
      origin.substr(origin.size() - kPrefixTreeOriginSuffix.size()) != kPrefixTreeOriginSuffix) {
    return BadBody("origin line must be <tdomain>/prefix-tree");
  }
  b.service = std::string(origin.substr(0, origin.size() - kPrefixTreeOriginSuffix.size()));
  if (!IsValidServiceDomain(b.service)) return BadBody("invalid transparency service domain");
  auto n = ParseDecimal(lines[1]);
  if (!n) return BadBody("tree size is not a canonical decimal");
  b.size = *n;
  auto root = ToArray<32>(ParseBase64(lines[2]));
  if (!root) return BadBody("root is not base64 of 32 bytes");
  b.root = *root;
  return b;
}

std::string FormatTreeNoteBody(const TreeNoteBody& b) {
  return b.service + std::string(kPrefixTreeOriginSuffix) + "\n" + std::to_string(b.size) + "\n" +
         FormatBase64(b.root) + "\n";
}

uint64_t RequiredWitnesses(const WitnessPolicy& p) {
  if (p.min_witnesses) return *p.min_witnesses;
  return p.witnesses.size() >= 2 ? 2 : p.witnesses.size();
}

Status CheckWitnessPolicy(const WitnessPolicy& p) {
  if (RequiredWitnesses(p) > p.witnesses.size()) return BadPolicy("more witnesses required than configured");
  for (const auto& w : p.witnesses) {
    if (!IsCosignatureScheme(SchemeOf(w))) {
      return BadPolicy("witness key " + w.name + " is not a cosignature key");
    }
  }
  for (const auto& s : p.services) {
    if (s.keys.empty() && RequiredWitnesses(p) == 0) {
      return BadPolicy("service " + s.domain + " has no key (witness-only) and no witness is required");
    }
    for (const auto& k : s.keys) {
      if (k.type != kSigTypeEd25519)
        return BadPolicy("service key " + k.name + " is not an Ed25519 note key");
    }
  }
  if (p.max_cosignature_age_seconds < 0 || p.max_future_skew_seconds < 0)
    return BadPolicy("negative time limit");
  return OkStatus();
}

Result<std::vector<WitnessCosignature>> VerifyWitnessQuorum(const Note& note, const WitnessPolicy& p,
                                                            int64_t now) {
  VERITY_RETURN_IF_ERROR(CheckWitnessPolicy(p));
  auto verified = VerifyNoteSignatures(note, p.witnesses);
  if (!verified) return verified.error();
  const uint64_t k = RequiredWitnesses(p);
  std::vector<WitnessCosignature> fresh;
  uint64_t stale = 0;
  for (const auto& v : *verified) {
    const VerifierKey& key = p.witnesses[v.key_index];
    // v.timestamp < 2^63 (checked by VerifyNoteSignatures), so the casts below are exact.
    const int64_t t = static_cast<int64_t>(v.timestamp);
    if (t > now && t - now > p.max_future_skew_seconds) {
      return MakeError(ErrorCode::kTransparencyFutureTimestamp,
                       "cosignature by " + key.name + " at " + std::to_string(t) + " is in the future");
    }
    if (now > t && now - t > p.max_cosignature_age_seconds) {
      ++stale;
      continue;
    }
    fresh.push_back(WitnessCosignature{key.name, key.key_id, v.timestamp});
  }
  if (fresh.size() >= k) return fresh;
  const std::string counts = std::to_string(fresh.size()) + " fresh of " + std::to_string(k) + " required";
  if (fresh.size() + stale >= k) return MakeError(ErrorCode::kTransparencyStaleCosignature, counts);
  return MakeError(ErrorCode::kTransparencyTooFewWitnesses, counts);
}

Result<VerifiedTreeHead> VerifyTreeNote(std::string_view note_text, const WitnessPolicy& p, int64_t now) {
  VERITY_RETURN_IF_ERROR(CheckWitnessPolicy(p));
  auto note = ParseNote(note_text);
  if (!note) return note.error();
  auto body = ParseTreeNoteBody(note->text);
  if (!body) return body.error();
  const TrustedService* service = nullptr;
  for (const auto& s : p.services) {
    if (s.domain == body->service) service = &s;
  }
  if (service == nullptr) {
    return MakeError(ErrorCode::kTransparencyUnknownService, "service " + body->service + " is not trusted");
  }
  auto sigs = VerifyNoteSignatures(*note, service->keys);
  if (!sigs) return sigs.error();
  // A service configured without a key is witness-only (waict-proofs.md asks only for the
  // cosignatures the client chooses): the witness quorum below is all that vouches for the root.
  if (sigs->empty() && !service->keys.empty()) {
    return MakeError(ErrorCode::kTransparencyNoVerifiedSignature,
                     "no signature by a key of " + body->service);
  }
  auto cosigs = VerifyWitnessQuorum(*note, p, now);
  if (!cosigs) return cosigs.error();
  VerifiedTreeHead out;
  out.body = std::move(*body);
  out.service_key = sigs->empty() ? std::string() : service->keys[(*sigs)[0].key_index].name;
  out.cosignatures = std::move(*cosigs);
  return out;
}

}  // namespace verity::transparency
