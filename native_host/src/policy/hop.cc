#include "policy/hop.h"

#include <iterator>
#include <utility>

#include "config/config.h"
#include "crypto/signature.h"
#include "dns/resolver.h"
#include "m2dmrt/check.h"
#include "m2dmrt/declaration.h"
#include "net/http.h"
#include "policy/engine.h"
#include "url/url.h"

namespace verity::policy {
namespace {

constexpr std::string_view kByBrowser = "observed by browser";
constexpr std::string_view kByHost = "observed by host";

Error BadKeyField(std::string_view field, std::string_view what) {
  return MakeError(ErrorCode::kProtocolBadField, std::string(field) + ": " + std::string(what));
}

// The key the browser saw for one side, reduced to SPKI DER and checked before anything is looked up.
Result<std::optional<Bytes>> ComputeSpki(const std::optional<ObservedKey>& key, std::string_view side) {
  if (!key) return std::optional<Bytes>();
  bool cert = key->form == ObservedKey::Form::kCertificateDer;
  std::string field = std::string(side) + (cert ? "_cert" : "_spki");
  Result<Bytes> spki = cert ? crypto::SpkiFromCertificateDer(key->der) : Result<Bytes>(key->der);
  if (spki && !cert) {
    if (auto st = crypto::VerifySpki(*spki); !st) spki = st.error();
  }
  if (!spki) return BadKeyField(field, "not a certificate / public key: " + spki.error().detail);
  return std::optional<Bytes>(std::move(*spki));
}

// The host's own TLS handshake with host:port. The Web PKI chain is not what is checked here: the
// key the server presents is, against the DNSSEC-signed declarations. nullopt with `why` set.
std::optional<Bytes> ProbeKey(const config::M2dmrtConfig& m, const std::string& host, uint16_t port,
                              std::string& why) {
  net::ProbeOptions opt;
  opt.verify_peer = false;
  for (const auto& [name, addr] : m.probe_addresses) {
    if (name == host) opt.connect_address = addr;
  }
  net::HttpClient http(net::HttpOptions{"", 5000, 1 << 20});
  auto pem = http.PeerCertificatePem(host, port ? port : 443, opt);
  if (!pem) {
    why = "the host could not reach " + host + " to see its TLS key: " + pem.error().detail;
    return std::nullopt;
  }
  auto spki = crypto::SpkiFromPem(*pem);
  if (!spki) {
    why = "the certificate of " + host + " has no usable key: " + spki.error().detail;
    return std::nullopt;
  }
  return std::move(*spki);
}

// A name that can own DNS records (not an IPv4 literal).
Result<std::string> DnsHost(std::string_view host) {
  auto h = m2dmrt::CanonicalHost(host);
  if (!h) return h;
  size_t dot = h->rfind('.');
  std::string_view last =
      dot == std::string::npos ? std::string_view(*h) : std::string_view(*h).substr(dot + 1);
  if (last.find_first_not_of("0123456789") == std::string_view::npos)
    return MakeError(ErrorCode::kM2dmrtBadHost, "an IP address is not a DNS name");
  return h;
}

std::string_view ReasonFor(m2dmrt::HopState s) {
  switch (s) {
    case m2dmrt::HopState::kMutual:
      return "m2dmrt_mutual";
    case m2dmrt::HopState::kOneSided:
      return "m2dmrt_one_sided";
    case m2dmrt::HopState::kNone:
      return "m2dmrt_none";
    case m2dmrt::HopState::kUnverifiable:
      return "m2dmrt_unverifiable";
    case m2dmrt::HopState::kBogus:
      break;
  }
  return "m2dmrt_bogus";
}

// The state in plain words, first the relationship, then the evidence.
std::string PlainWords(const m2dmrt::HopResult& r, const std::string& o, const std::string& d) {
  switch (r.state) {
    case m2dmrt::HopState::kMutual:
      return o + " and " + d + " declare each other in DNSSEC-signed records, for the TLS keys seen";
    case m2dmrt::HopState::kOneSided:
      if (r.origin_declares_dest.verified)
        return o + " is not declared by " + d + " (only " + o + " declares " + d + "; " +
               r.dest_declares_origin.detail + ")";
      return d + " is not declared by " + o + " (only " + d + " declares " + o + "; " +
             r.origin_declares_dest.detail + ")";
    case m2dmrt::HopState::kNone:
      return d + " is not declared by " + o + ", and " + o + " is not declared by " + d + " (" +
             r.origin_declares_dest.detail + "; " + r.dest_declares_origin.detail + ")";
    case m2dmrt::HopState::kUnverifiable:
      return "the relationship between " + o + " and " + d + " cannot be verified: " + r.detail;
    case m2dmrt::HopState::kBogus:
      break;
  }
  return "the DNS answers about " + o + " and " + d +
         " failed DNSSEC validation (tampered or expired): " + r.detail;
}

m2dmrt::HopState SetState(HopVerdict& v, m2dmrt::HopState s) {
  v.state = m2dmrt::HopStateName(s);
  v.reason = std::string(ReasonFor(s));
  return s;
}

void Allow(HopVerdict& v, std::string_view reason, std::string detail) {
  v.action = Action::kAllow;
  v.reason = std::string(reason);
  v.detail = std::move(detail);
}

// Step 4: the site's opt-in. nullopt: the decision ended in `v`.
std::optional<m2dmrt::SitePolicy> LookupSitePolicy(dns::Resolver& resolver, const std::string& oh,
                                                   HopVerdict& v) {
  auto policy_name = m2dmrt::PolicyOwnerName(oh);
  auto pol = resolver.LookupTxt(*policy_name);
  if (!pol) {
    SetState(v, m2dmrt::HopState::kUnverifiable);
    v.detail = "lookup of " + *policy_name + " failed: " + pol.error().detail;
    return std::nullopt;
  }
  v.dns = pol->trust_basis;
  if (pol->security == dns::Security::kBogus || pol->security == dns::Security::kIndeterminate) {
    // Whether the site opted in is unknown: fail closed (withholding DNS blocks, never allows).
    SetState(v, pol->security == dns::Security::kBogus ? m2dmrt::HopState::kBogus
                                                       : m2dmrt::HopState::kUnverifiable);
    v.detail = "the M2DMRT policy of " + oh + " (" + *policy_name + ") is " +
               std::string(dns::SecurityName(pol->security)) + (pol->why.empty() ? "" : ": " + pol->why);
    return std::nullopt;
  }
  std::optional<m2dmrt::SitePolicy> site_policy;
  for (const auto& rec : pol->records) {
    auto p = m2dmrt::ParsePolicyRecord(rec);
    if (p && (!site_policy || *p == m2dmrt::SitePolicy::kEnforce)) site_policy = *p;
  }
  if (!site_policy) {
    Allow(v, "m2dmrt_no_policy",
          oh + " publishes no M2DMRT policy (" + *policy_name + "): hops are not checked");
    v.policy = "none";
  }
  return site_policy;
}

// Step 5: keys and both declarations; sets v.state and v.detail.
m2dmrt::HopState EvaluateDeclarations(const HopTarget& t, const HopContext& ctx, dns::Resolver& resolver,
                                      const std::string& oh, HopVerdict& v) {
  auto dh = DnsHost(t.dest_host);
  bool probe = t.key_source == KeySource::kHostProbe;
  std::string olabel = std::string(kByBrowser), dlabel = olabel, owhy, dwhy;
  const Bytes* okey = t.origin_spki ? &*t.origin_spki : nullptr;
  const Bytes* dkey = t.dest_spki ? &*t.dest_spki : nullptr;
  Bytes oprobed, dprobed;
  auto fill = [&](const Bytes*& key, Bytes& probed, const std::string& host, uint16_t port,
                  std::string& label, std::string& why) {
    if (key) return;
    if (!probe) {
      why = "the browser did not expose the TLS key of " + host;
      return;
    }
    if (auto k = ProbeKey(*ctx.m2dmrt, host, port, why)) {
      probed = std::move(*k);
      key = &probed;
    }
    label = kByHost;
  };
  fill(okey, oprobed, oh, t.origin_port, olabel, owhy);
  if (dh) fill(dkey, dprobed, *dh, t.dest_port, dlabel, dwhy);
  if (!dh) {
    v.detail = t.dest_host + " is not a DNS host name: it cannot declare " + oh;
    return SetState(v, m2dmrt::HopState::kUnverifiable);
  }
  if (!okey || !dkey) {
    v.detail =
        PlainWords(m2dmrt::HopResult{m2dmrt::HopState::kUnverifiable, {}, {}, okey ? dwhy : owhy}, oh, *dh);
    return SetState(v, m2dmrt::HopState::kUnverifiable);
  }
  v.keys = olabel == dlabel ? olabel : oh + " " + olabel + ", " + *dh + " " + dlabel;
  auto fwd = resolver.LookupTxt(*m2dmrt::DeclarationOwnerName(oh, *dh));
  auto back = resolver.LookupTxt(*m2dmrt::DeclarationOwnerName(*dh, oh));
  if (!fwd || !back) {
    v.detail = "lookup failed: " + (fwd ? back.error().detail : fwd.error().detail);
    return SetState(v, m2dmrt::HopState::kUnverifiable);
  }
  const auto skew = static_cast<int64_t>(ctx.m2dmrt->clock_skew_s);
  m2dmrt::HopResult r = m2dmrt::EvaluateHop({oh, *dh, *okey, *dkey, &*fwd, &*back, ctx.now_s, skew});
  v.detail = PlainWords(r, oh, *dh);
  return SetState(v, r.state);
}

}  // namespace

// Indexed by HopKind.
constexpr std::string_view kHopKindNames[] = {"redirect", "navigation", "subresource"};
static_assert(std::size(kHopKindNames) == static_cast<size_t>(HopKind::kSubresource) + 1);

std::string_view FormatHopKind(HopKind k) { return kHopKindNames[static_cast<size_t>(k)]; }
std::optional<HopKind> ParseHopKind(std::string_view s) {
  for (size_t i = 0; i < std::size(kHopKindNames); ++i) {
    if (kHopKindNames[i] == s) return static_cast<HopKind>(i);
  }
  return std::nullopt;
}
std::optional<KeySource> ParseKeySource(std::string_view s) {
  if (s == "browser") return KeySource::kBrowser;
  if (s == "host_probe") return KeySource::kHostProbe;
  return std::nullopt;
}

Result<std::unique_ptr<dns::Resolver>> MakeConfiguredResolver(const config::M2dmrtConfig& m) {
  dns::ResolverConfig rc;
  if (m.dns_transport == config::DnsTransport::kDoh) {
    rc.transport = dns::ResolverConfig::Transport::kDoh;
    rc.doh_url = m.doh_url;
  }
  if (!m.trust_anchors_file.empty()) {
    rc.root_anchors = false;
    rc.trust_anchor_files = {m.trust_anchors_file};
  }
  rc.forwarders = m.forwarders;
  rc.stubs = m.stub_zones;
  for (const auto& [zone, addr] : m.stub_zones) rc.transparent_zones.push_back(zone);
  return dns::MakeResolver(rc);
}

Result<HopTarget> ParseHopTarget(const HopRequest& req) {
  HopTarget t;
  auto okey = ComputeSpki(req.origin_key, "origin");
  if (!okey) return okey.error();
  auto dkey = ComputeSpki(req.dest_key, "dest");
  if (!dkey) return dkey.error();
  auto origin = NormalizeOrigin(req.origin);
  if (!origin) return origin.error();
  auto origin_url = url::ParseUrl(*origin);
  if (!origin_url) return origin_url.error();
  auto dest_url = url::ParseUrl(req.dest);
  if (!dest_url || dest_url->scheme != "https") return BadKeyField("dest", "expected an https URL");
  t.origin = std::move(*origin);
  t.origin_host = origin_url->host;
  t.origin_port = origin_url->port;
  t.dest_host = dest_url->host;
  t.dest_port = dest_url->port;
  t.dest_url = url::FormatUrl(*dest_url);
  t.key_source = req.key_source;
  t.origin_spki = std::move(*okey);
  t.dest_spki = std::move(*dkey);
  return t;
}

HopVerdict DecideHop(const HopTarget& t, const HopContext& ctx) {
  HopVerdict v;
  v.origin_host = t.origin_host;
  v.dest_host = t.dest_host;
  const std::string& o = t.origin_host;
  // 1. Privacy: nothing is looked up for a site Verity does not check.
  if (!ctx.checked) {
    Allow(v, ctx.user_off ? "user_off" : "not_checked",
          ctx.user_off ? "verification switched off for this site" : "site is not enrolled");
    return v;
  }
  // 2. Not a cross-host hop: nothing to look up either.
  if (o == t.dest_host) {
    Allow(v, "same_host", "not a cross-host hop");
    return v;
  }
  // 3. Fail closed on a broken configuration.
  if (!ctx.config_ok) {
    v.reason = "config.invalid";
    v.detail = std::string(ctx.config_detail);
    return v;
  }
  // 4. The site's opt-in. An IP literal cannot publish DNS records, hence no M2DMRT policy.
  auto oh = DnsHost(o);
  if (!oh) {
    Allow(v, "m2dmrt_no_policy", o + " is not a DNS host name: it cannot publish an M2DMRT policy");
    v.policy = "none";
    return v;
  }
  auto resolver =
      ctx.resolver ? ctx.resolver() : Result<dns::Resolver*>(MakeError(ErrorCode::kInternal, "none"));
  if (!resolver) {
    SetState(v, m2dmrt::HopState::kUnverifiable);
    v.detail = "DNS resolver unavailable: " + resolver.error().detail;
    return v;
  }
  auto site_policy = LookupSitePolicy(**resolver, *oh, v);
  if (!site_policy) return v;
  v.policy = *site_policy == m2dmrt::SitePolicy::kEnforce ? "enforce" : "report";
  // 5. Keys and declarations.
  m2dmrt::HopState state = EvaluateDeclarations(t, ctx, **resolver, *oh, v);
  v.action = m2dmrt::RequiredAction(*site_policy, state);
  if (!v.keys.empty()) v.detail += "; keys " + v.keys;
  return v;
}

}  // namespace verity::policy
