#include "integrity/decision.h"

#include <algorithm>

#include "crypto/hash.h"
#include "integrity/hash_text.h"
#include "integrity/str_cat.h"

namespace verity::integrity {
namespace {

Decision Allow(std::string_view why) { return Decision{Action::kAllow, why, {}}; }

Decision Fail(std::string_view why, Action action, std::string detail) {
  return Decision{action, why, std::move(detail)};
}

Action FailureAction(Mode mode) {
  switch (mode) {
    case Mode::kEnforce:
      return Action::kBlock;
    case Mode::kWarn:
      return Action::kWarn;
    case Mode::kReport:
      break;
  }
  return Action::kReport;
}

std::string Expected(std::string_view key, const HashList& list, const Hash32& got) {
  std::string d(key);
  if (list.poisoned) return d.append(": the manifest lists this URL twice with different hashes");
  d.append(": got ").append(FormatSha256(got)).append(", manifest has ").append(FormatSha256(list.first));
  for (const Hash32& h : list.more) d.append(" ").append(FormatSha256(h));
  return d;
}

// Canonical key of the request URL; empty if it is not an http(s) URL we can parse (data:, blob:,
// ...), which can then never be listed.
std::string RequestKey(std::string_view url) {
  auto c = CanonicalizeUrl(url);
  return c ? std::move(*c) : std::string();
}

// The WAICT steps for a resource of class `cls`.
Decision DecideClass(const Manifest& m, const ResourceFacts& r, DestinationClass cls, Mode mode) {
  const Action fail = FailureAction(mode);
  if (cls == DestinationClass::kWasm) {
    if (Manifest::SortedContains(m.wasm_hashes, r.body_hash)) return Allow(reason::kWasmMatch);
    return Fail(reason::kWasmHashMismatch, fail, StrCat({FormatSha256(r.body_hash), " not in wasm_hashes"}));
  }
  if (cls == DestinationClass::kNotCovered) return Allow(reason::kNotCovered);

  std::string key = RequestKey(r.url);
  const HashList* listed = key.empty() ? nullptr : m.Find(key);
  if (cls == DestinationClass::kPassive && listed == nullptr) return Allow(reason::kPassiveUnlisted);
  if (r.destination == Destination::kDocument && Manifest::SortedContains(m.fallback_hashes, r.body_hash)) {
    return Allow(reason::kFallbackMatch);
  }
  if (listed != nullptr) {
    if (listed->Contains(r.body_hash)) return Allow(reason::kManifestMatch);
    return Fail(reason::kNoManifestMatch, fail, Expected(key, *listed, r.body_hash));
  }
  if (Manifest::SortedContains(m.any_hashes, r.body_hash)) return Allow(reason::kAnyMatch);
  if (!m.wildcard_hashes.empty() && !m.resource_delimiter.empty()) {
    if (r.piece_hashes == nullptr || r.piece_hashes->empty()) {
      return Fail(reason::kNoManifestMatch, fail, StrCat({"wildcard check needs piece hashes: ", r.url}));
    }
    for (const Hash32& p : *r.piece_hashes) {
      if (!Manifest::SortedContains(m.wildcard_hashes, p)) {
        return Fail(reason::kNoManifestMatch, fail,
                    StrCat({"piece ", FormatSha256(p), " of ", r.url, " not in wildcard_hashes"}));
      }
    }
    return Allow(reason::kWildcardMatch);
  }
  return Fail(reason::kMissingFromManifest, fail, key.empty() ? std::string(r.url) : key);
}

Decision DecideWaict(const Manifest& m, const ResourceFacts& r, Mode mode) {
  return DecideClass(m, r, ClassOf(r.destination), mode);
}

Decision DecideWithPolicy(const Manifest& m, const ResourceFacts& r, Mode mode, const DestinationPolicy& p) {
  Action fail;
  if (p.Blocks(r.destination)) {
    fail = FailureAction(mode);
  } else if (p.Checks(r.destination)) {
    fail = Action::kReport;
  } else {
    return Allow(reason::kNotCovered);
  }
  std::string key = RequestKey(r.url);
  const HashList* listed = key.empty() ? nullptr : m.Find(key);
  if (listed != nullptr) {
    if (listed->Contains(r.body_hash)) return Allow(reason::kManifestMatch);
    return Fail(reason::kNoManifestMatch, fail, Expected(key, *listed, r.body_hash));
  }
  if (Manifest::SortedContains(m.any_hashes, r.body_hash)) return Allow(reason::kAnyMatch);
  return Fail(reason::kMissingFromManifest, fail, key.empty() ? std::string(r.url) : key);
}

}  // namespace

Result<Mode> ParseMode(std::string_view s) {
  if (auto m = headers::ParseModeToken(s)) return *m;
  return MakeError(ErrorCode::kDecisionBadMode, std::string(s.substr(0, 40)));
}

std::string_view ActionName(Action a) {
  switch (a) {
    case Action::kAllow:
      return "allow";
    case Action::kBlock:
      return "block";
    case Action::kReport:
      return "report";
    case Action::kWarn:
      return "warn";
  }
  return "block";
}

Decision DecideResource(const Manifest& manifest, const ResourceFacts& resource, Mode mode,
                        const DestinationPolicy* header_policy) {
  if (manifest.tombstone) return Allow(reason::kTombstone);
  switch (manifest.dialect) {
    case Dialect::kWaict:
      break;
    case Dialect::kArticle:
      // ParseManifest guarantees the policy for this dialect; fail closed if a caller built one without.
      if (!manifest.policy)
        return FailureDecision(reason::kInvalidManifest, mode, "article manifest without policy");
      return DecideWithPolicy(manifest, resource, mode, *manifest.policy);
    case Dialect::kFirefox:
      if (manifest.policy && header_policy == nullptr) {
        return DecideWithPolicy(manifest, resource, mode, *manifest.policy);
      }
      break;
  }
  // WAICT and Firefox manifests: a Firefox header's blocked-destinations decide coverage, whatever
  // the manifest's shape (Firefox reads a plain {"hashes": ...} manifest this way).
  if (header_policy != nullptr) return DecideWithPolicy(manifest, resource, mode, *header_policy);
  return DecideWaict(manifest, resource, mode);
}

Decision DecideCategory(const Manifest& manifest, const ResourceFacts& r, headers::Category category,
                        Mode mode) {
  if (manifest.tombstone) return Allow(reason::kTombstone);
  DestinationClass cls = category == headers::Category::kWasm ? DestinationClass::kWasm
                         : headers::IsPassive(category)       ? DestinationClass::kPassive
                                                              : DestinationClass::kActive;
  if (r.url.starts_with("data:") || r.url.starts_with("blob:")) {
    if (cls != DestinationClass::kActive) return Allow(reason::kNotCovered);
    if (Manifest::SortedContains(manifest.inline_url_hashes, r.body_hash))
      return Allow(reason::kInlineUrlMatch);
    return Fail(
        reason::kInlineViolation, FailureAction(mode),
        StrCat({FormatSha256(r.body_hash), " (", r.url.substr(0, 5), " URL) not in inline_url_hashes"}));
  }
  if (manifest.dialect == Dialect::kArticle) {
    // The article format carries its own destination policy; the category's mode applies.
    if (!manifest.policy)
      return FailureDecision(reason::kInvalidManifest, mode, "article manifest without policy");
    return DecideWithPolicy(manifest, r, mode, *manifest.policy);
  }
  return DecideClass(manifest, r, cls, mode);
}

Decision FailureDecision(std::string_view why, Mode mode, std::string detail) {
  return Fail(why, FailureAction(mode), std::move(detail));
}

std::vector<Hash32> HashPieces(ByteView body, std::string_view delimiter) {
  std::vector<Hash32> out;
  std::string_view text = AsChars(body);
  if (delimiter.empty()) {
    out.push_back(crypto::Sha256(body));
    return out;
  }
  size_t start = 0;
  while (true) {
    size_t hit = text.find(delimiter, start);
    size_t end = hit == std::string_view::npos ? text.size() : hit;
    out.push_back(crypto::Sha256(text.substr(start, end - start)));
    if (hit == std::string_view::npos) break;
    start = hit + delimiter.size();
  }
  return out;
}

}  // namespace verity::integrity
