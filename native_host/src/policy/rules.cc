#include "policy/rules.h"

#include "core/encoding.h"
#include "crypto/hash.h"
#include "headers/integrity_policy.h"
#include "integrity/manifest_response.h"
#include "url/url.h"

namespace verity::policy {

HeaderUpdate ApplyWaictHeader(const std::string& origin, const std::optional<headers::SiteRecord>& current,
                              std::string_view value, int64_t now_s) {
  HeaderUpdate u;
  auto parsed = headers::ParseWaictPolicy(value, origin);
  bool was_live = headers::IsLive(current, now_s);
  u.record = headers::ApplyPolicyHeader(current, parsed, now_s);
  std::optional<headers::SiteRecord> before;
  if (was_live) before = current;
  u.changed = !(u.record == before);
  if (!parsed) {
    u.event = "header_invalid";
    u.note = std::string(WireName(parsed.code())) + ": " + parsed.error().detail +
             (headers::IsLive(u.record, now_s) ? " (stored record stays in force)" : "");
    return u;
  }
  u.policy = *parsed;
  if (u.changed) {
    u.event = u.record ? (was_live ? "updated" : "enrolled") : "expired";
    u.note = "mode=" + std::string(headers::ModeName(parsed->mode)) +
             " max-age=" + std::to_string(parsed->max_age) + " manifest=" + parsed->manifest_url;
  }
  return u;
}

store::SiteRecord ToStoreRecord(const std::string& origin, const headers::SiteRecord& r,
                                std::string_view raw_header, int64_t max_age) {
  store::SiteRecord s;
  s.origin = origin;
  s.mode = std::string(headers::ModeName(r.mode));
  s.manifest_url = r.manifest_url;
  s.max_age = max_age;
  s.expires = r.expires_at;
  s.preload = r.preload;
  s.dialect = std::string(headers::DialectName(r.dialect));
  s.raw_header = std::string(raw_header);
  s.categories = headers::FormatCategoryRecords(r.categories);
  return s;
}

headers::SiteRecord FromStoreRecord(const store::SiteRecord& s) {
  headers::SiteRecord r;
  r.mode = headers::ParseModeToken(s.mode).value_or(headers::WaictMode::kEnforce);  // unknown: strictest
  r.expires_at = s.expires;
  r.manifest_url = s.manifest_url;
  r.preload = s.preload;
  r.dialect = headers::ParseDialectName(s.dialect).value_or(headers::WaictDialect::kDraft);
  std::optional<headers::WaictPolicy> header;
  if (auto p = headers::ParseWaictPolicy(s.raw_header, s.origin); p) {
    r.endpoints = p->endpoints;
    r.blocked_destinations = p->blocked_destinations;
    header = std::move(*p);
  }
  auto cats = headers::ParseCategoryRecords(s.categories);
  if (cats && !s.categories.empty()) {
    r.categories = *cats;
  } else {
    // A row from schema v1/v2 (or unreadable text): every category the row's header covers gets
    // the row's mode and expiry; without a readable header, every fetch category and wasm (the v2
    // reading, the widest one: fail closed).
    for (size_t i = 0; i < headers::kCategoryCount; ++i) {
      auto c = static_cast<headers::Category>(i);
      bool covered = header ? header->modes[i].has_value()
                            : (headers::IsFetchCategory(c) || c == headers::Category::kWasm);
      if (covered) r.categories[i] = headers::CategoryRecord{r.mode, s.expires};
    }
  }
  return r;
}

Result<W3cIntegrityPolicy> ParseW3cIntegrityPolicy(std::string_view value) {
  auto p = headers::ParseIntegrityPolicy(value);
  if (!p) return p.error();
  return W3cIntegrityPolicy{p->blocked_destinations, p->sources, p->endpoints};
}

std::optional<integrity::DestinationPolicy> HeaderDestinationPolicy(const headers::SiteRecord& r) {
  if (r.dialect != headers::WaictDialect::kFirefoxNightly) return std::nullopt;
  integrity::DestinationPolicy p;
  for (const auto& d : r.blocked_destinations) {
    auto dest = integrity::ParseDestination(d);
    if (dest != integrity::Destination::kOther) p.blocked |= integrity::DestinationPolicy::Bit(dest);
  }
  return p;
}

void RejectTransparency(LoadedManifest& m, ErrorCode code, std::string_view detail) {
  const bool host_side = code == ErrorCode::kTransparencyNoTrustedService ||
                         code == ErrorCode::kTransparencyBadVerifierKey ||
                         code == ErrorCode::kTransparencyBadPolicy;
  m.transparency = TransparencyState::kInvalid;
  m.transparency_code = std::string(WireName(code));
  m.summary.state = ManifestState::kInvalid;
  m.summary.reason =
      host_side ? m.transparency_code : std::string(integrity::reason::kInvalidTransparencyProof);
  m.detail = m.transparency_code + ": " + std::string(detail);
  m.model.reset();
  m.head.reset();
}

std::shared_ptr<LoadedManifest> LoadManifest(const std::string& origin, std::string_view body,
                                             const ProofContext& proof, integrity::ManifestHint hint) {
  auto m = std::make_shared<LoadedManifest>();
  m->summary.state = ManifestState::kInvalid;
  m->summary.reason = std::string(integrity::reason::kInvalidManifest);
  auto split = integrity::SplitManifestResponse(body);
  if (!split) {
    m->detail = std::string(WireName(split.code())) + ": " + split.error().detail;
    return m;
  }
  m->summary.id = FormatBase64Url(crypto::Sha256(split->manifest));
  auto base = url::ParseUrl(origin);
  if (!base) {
    m->detail = base.error().detail;
    return m;
  }
  auto parsed = integrity::ParseManifest(split->manifest, *base, hint);
  if (!parsed) {
    m->detail = std::string(WireName(parsed.code())) + ": " + parsed.error().detail;
    return m;
  }
  m->dialect = parsed->dialect == integrity::Dialect::kWaict
                   ? "waict-v2"
                   : std::string(integrity::DialectName(parsed->dialect));
  m->entries = parsed->entry_count();
  m->model = std::move(*parsed);
  m->summary.reason.clear();
  ProofOutcome t = CheckManifestProof(proof, *split);
  if (t.state == TransparencyState::kInvalid) {
    RejectTransparency(*m, t.code, t.detail);
    return m;
  }
  m->transparency = t.state;
  m->detail = t.detail;
  m->head = std::move(t.head);
  m->summary.state = ManifestStateFor(t.state);
  return m;
}

namespace {

// Protocol reason names (docs/protocol.md) for the decision module's names.
std::string_view ProtocolReason(std::string_view r) {
  if (r == integrity::reason::kManifestMatch) return "match";
  if (r == integrity::reason::kFallbackMatch) return "fallback";
  return r;
}

}  // namespace

Governing GoverningMode(const headers::CategoryModes& modes, headers::WaictDialect dialect,
                        std::string_view destination) {
  Governing g;
  g.category = integrity::CategoryOf(integrity::ParseDestination(destination));
  if (dialect == headers::WaictDialect::kRework) {
    if (g.category) g.mode = modes[headers::Index(*g.category)];
  } else {
    g.mode = headers::StrongestMode(modes);
  }
  return g;
}

Action FailureActionFor(headers::WaictMode mode) { return integrity::FailureDecision({}, mode).action; }

ResourceDecision DecideResource(const LoadedManifest& m, const VerdictRequest& req, const Governing& g,
                                headers::WaictDialect dialect,
                                const integrity::DestinationPolicy* header_policy) {
  ResourceDecision d;
  if (m.transparency == TransparencyState::kUnenrolled) {
    // A verified tombstone past its cooldown: the site left WAICT (design §4.2).
    d.action = Action::kAllow;
    d.reason = std::string(integrity::reason::kTombstone);
    d.detail = m.detail;
    return d;
  }
  if (!g.mode) {
    d.action = Action::kAllow;
    d.reason = std::string(integrity::reason::kNotCovered);
    return d;
  }
  if (!m.model) {
    d.action = FailureActionFor(*g.mode);
    d.reason = m.summary.reason.empty() ? std::string(integrity::reason::kInvalidManifest) : m.summary.reason;
    d.detail = m.detail;
    return d;
  }
  integrity::ResourceFacts facts;
  facts.url = req.url;
  facts.destination = integrity::ParseDestination(req.destination);
  facts.body_hash = req.sha256;
  const integrity::Mode mode = *g.mode;
  integrity::Decision dec;
  if (dialect == headers::WaictDialect::kRework && g.category) {
    dec = integrity::DecideCategory(*m.model, facts, *g.category, mode);
  } else {
    dec = integrity::DecideResource(*m.model, facts, mode, header_policy);
  }
  d.action = dec.action;
  d.reason = std::string(ProtocolReason(dec.reason));
  d.detail = std::move(dec.detail);
  return d;
}

}  // namespace verity::policy
