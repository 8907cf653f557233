#include "policy/transparency_gate.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "transparency/note.h"
#include "url/url.h"

namespace verity::policy {

namespace {

std::string Describe(const Error& e) { return std::string(WireName(e.code)) + ": " + e.detail; }

Result<transparency::VerifierKey> KeyFromConfig(const config::VerifierKey& k) {
  // The config loader checks syntax only; the transparency module recomputes the key ID.
  return transparency::ParseVerifierKey(k.text);
}

}  // namespace

Result<transparency::WitnessPolicy> WitnessPolicyFromConfig(const config::TransparencyConfig& c) {
  transparency::WitnessPolicy p;
  for (const auto& s : c.services) {
    if (!s.has_key) {  // witness-only (config.h)
      p.services.push_back({s.name, {}});
      continue;
    }
    auto k = KeyFromConfig(s.key);
    if (!k) return MakeError(k.code(), "service " + s.name + ": " + k.error().detail);
    p.services.push_back({s.name, {*k}});
  }
  for (const auto& w : c.witnesses) {
    auto k = KeyFromConfig(w.key);
    if (!k) return MakeError(k.code(), "witness " + w.name + ": " + k.error().detail);
    p.witnesses.push_back(w.form == config::WitnessForm::kC2sp
                              ? transparency::WithKeyType(*k, transparency::kSigTypeCosignatureV1)
                              : transparency::AsWaictCosigner(*k, w.cosignature_type));
  }
  p.min_witnesses = c.witness_threshold;
  p.max_cosignature_age_seconds = static_cast<int64_t>(c.max_cosignature_age_s);
  p.max_future_skew_seconds = static_cast<int64_t>(c.future_skew_s);
  if (auto st = transparency::CheckWitnessPolicy(p); !st) return st.error();
  return p;
}

Result<transparency::PreloadPolicy> PreloadPolicyFromConfig(const config::TransparencyConfig& c) {
  transparency::PreloadPolicy p;
  p.max_age_seconds = static_cast<int64_t>(c.preload_max_age_s);
  if (c.has_preload_list_key) {
    auto k = KeyFromConfig(c.preload_list_key);
    if (!k) return MakeError(k.code(), "preload_list_key: " + k.error().detail);
    p.list_keys.push_back(*k);
  }
  return p;
}

bool PreloadState::Trusted(int64_t now_s) const {
  if (!list) return false;
  const int64_t issued_s = static_cast<int64_t>(issued);
  return !(now_s > issued_s && now_s - issued_s > max_age_s);
}

bool PreloadState::Contains(std::string_view domain, int64_t now_s) const {
  return Trusted(now_s) && list->Contains(domain);
}

PreloadState LoadPreloadList(const std::string& path, const config::TransparencyConfig& c,
                             const transparency::WitnessPolicy* witnesses, int64_t now_s) {
  PreloadState st;
  st.path = path;
  st.max_age_s = static_cast<int64_t>(c.preload_max_age_s);
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) {
    int err = errno;
    st.status = err == ENOENT ? PreloadStatus::kAbsent : PreloadStatus::kInvalid;
    st.detail = "cannot open " + path + ": " + std::strerror(err);
    return st;
  }
  std::string text(kMaxPreloadListFileBytes + 1, '\0');
  size_t n = std::fread(text.data(), 1, text.size(), f);
  bool read_error = std::ferror(f) != 0;
  std::fclose(f);
  if (read_error) {
    st.status = PreloadStatus::kInvalid;
    st.detail = "cannot read " + path;
    return st;
  }
  if (n > kMaxPreloadListFileBytes) {
    st.status = PreloadStatus::kInvalid;
    st.detail = "larger than " + std::to_string(kMaxPreloadListFileBytes) + " bytes";
    return st;
  }
  text.resize(n);
  if (!c.has_preload_list_key) {
    st.status = PreloadStatus::kNoKey;
    st.detail = "transparency.preload_list_key is not configured; the list is not trusted";
    return st;
  }
  auto policy = PreloadPolicyFromConfig(c);
  if (!policy || witnesses == nullptr) {
    st.status = PreloadStatus::kInvalid;
    st.detail = policy ? "transparency keys in the config are unusable" : Describe(policy.error());
    return st;
  }
  auto list = transparency::VerifyPreloadList(text, *policy, *witnesses, now_s);
  if (!list) {
    st.status = list.code() == ErrorCode::kTransparencyStalePreloadList ? PreloadStatus::kStale
                                                                        : PreloadStatus::kInvalid;
    st.detail = Describe(list.error());
    return st;
  }
  st.status = PreloadStatus::kOk;
  st.issued = list->issued;
  st.detail = std::to_string(list->domains.size()) + " domains, issued " + std::to_string(list->issued);
  st.list = std::move(*list);
  return st;
}

ProofOutcome CheckManifestProof(const ProofContext& ctx, const integrity::ManifestResponse& response) {
  ProofOutcome out;
  if (!ctx.required) return out;
  auto fail = [&out](ErrorCode code, std::string detail) {
    out.state = TransparencyState::kInvalid;
    out.code = code;
    out.detail = std::move(detail);
    return out;
  };
  if (ctx.policy_error) return fail(ctx.policy_error->code, ctx.policy_error->detail);
  if (ctx.policy == nullptr || ctx.policy->services.empty()) {
    return fail(ErrorCode::kTransparencyNoTrustedService,
                "the site requires transparency but transparency.services is empty");
  }
  if (!response.has_proof) {
    return ctx.preloaded ? fail(ErrorCode::kTransparencyProofRequired,
                                "preloaded site served its manifest without a transparency proof")
                         : fail(ErrorCode::kTransparencyMissingProof,
                                "policy requires transparency (max-age > 0) but the response has no proof");
  }
  auto head = transparency::VerifyChainHeadWithProof(response.proof, ctx.domain, AsBytes(response.manifest),
                                                     *ctx.policy, ctx.now_s);
  if (!head) return fail(head.code(), head.error().detail);
  out.head = std::move(*head);
  const transparency::ChainNode& node = out.head->head;
  if (out.head->tombstone) {
    // Design §4.2: a tombstone unenrolls only after the cooldown (applied to every site that requires
    // transparency, preloaded or not: a fresh tombstone must first be public for a while).
    auto st = transparency::CheckPreloadedSite(out.head, ctx.now_s, ctx.cooldown_s);
    if (!st) {
      out.head.reset();
      return fail(st.code(), st.error().detail);
    }
    out.state = TransparencyState::kUnenrolled;
    out.detail = "the transparency log holds a tombstone from " + std::to_string(node.entry.time_created);
  } else {
    out.state = TransparencyState::kVerified;
    out.detail = "chain position " + std::to_string(node.entry.position_in_chain) + " in " +
                 out.head->tree.body.service + " tree " + std::to_string(out.head->tree.body.size) + ", " +
                 std::to_string(out.head->tree.cosignatures.size()) + " witness cosignatures";
  }
  return out;
}

std::string OriginDomain(std::string_view origin) {
  auto u = url::ParseUrl(origin);
  return u ? u->host : std::string();
}

}  // namespace verity::policy
