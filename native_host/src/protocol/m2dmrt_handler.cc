#include "protocol/m2dmrt_handler.h"

#include <ctime>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "config/config.h"
#include "core/encoding.h"
#include "crypto/signature.h"
#include "dns/resolver.h"
#include "m2dmrt/check.h"
#include "m2dmrt/declaration.h"
#include "net/http.h"
#include "protocol/fields.h"
#include "url/url.h"

namespace verity::protocol {
namespace {

constexpr std::string_view kByBrowser = "observed by browser";
constexpr std::string_view kByHost = "observed by host";
constexpr size_t kMaxCertB64 = 64 * 1024;

// One libunbound / DoH resolver per DNS configuration, kept for the life of the host so that its
// cache (by TTL) serves later hops. Created on the first hop that needs DNS, never before.
Result<dns::Resolver*> ResolverFor(const config::M2dmrtConfig& m) {
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
  std::string fingerprint =
      std::string(config::FormatDnsTransport(m.dns_transport)) + "|" + m.doh_url + "|" + m.trust_anchors_file;
  for (const auto& f : m.forwarders) fingerprint += "|f=" + f;
  for (const auto& [zone, addr] : m.stub_zones) fingerprint += "|s=" + zone + "=" + addr;
  static std::map<std::string, std::unique_ptr<dns::Resolver>> resolvers;
  auto it = resolvers.find(fingerprint);
  if (it != resolvers.end()) return it->second.get();
  auto r = dns::MakeResolver(rc);
  if (!r) return r.error();
  return resolvers.emplace(fingerprint, std::move(*r)).first->second.get();
}

// The key the browser saw for one side (certificate DER or SPKI DER, base64): decoded and checked
// before anything is looked up. nullopt: none given.
Result<std::optional<Bytes>> DecodeKey(std::optional<std::string_view> cert_b64,
                                       std::optional<std::string_view> spki_b64, std::string_view side) {
  if (!cert_b64 && !spki_b64) return std::optional<Bytes>();
  std::string field = std::string(side) + (cert_b64 ? "_cert" : "_spki");
  std::string_view text = cert_b64 ? *cert_b64 : *spki_b64;
  if (text.size() > kMaxCertB64) return BadField(field, "larger than 64 KiB");
  auto der = ParseBase64(text);
  if (!der) return BadField(field, "malformed base64");
  Result<Bytes> spki = cert_b64 ? crypto::SpkiFromCertificateDer(*der) : Result<Bytes>(std::move(*der));
  if (spki && !cert_b64) {
    if (auto st = crypto::VerifySpki(*spki); !st) spki = st.error();
  }
  if (!spki) return BadField(field, "not a certificate / public key: " + spki.error().detail);
  return std::optional<Bytes>(std::move(*spki));
}

// The host's own TLS handshake with host:port. The Web PKI chain is not what is checked here: the
// key the server presents is, against the DNSSEC-signed declarations. nullopt with `why` set.
std::optional<Bytes> ProbeKey(const std::vector<std::pair<std::string, std::string>>& addresses,
                              const std::string& host, uint16_t port, std::string& why) {
  net::ProbeOptions opt;
  opt.verify_peer = false;
  for (const auto& [name, addr] : addresses) {
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

struct Answer {
  policy::Action action = policy::Action::kBlock;
  std::string reason, detail;
  std::optional<m2dmrt::HopState> state;
  std::string policy;  // "enforce" | "report" | "none" | "" (not looked up)
  std::string keys, dns;
};

policy::Action ToAction(m2dmrt::HopAction a) {
  switch (a) {
    case m2dmrt::HopAction::kAllow:
      return policy::Action::kAllow;
    case m2dmrt::HopAction::kReport:
      return policy::Action::kReport;
    case m2dmrt::HopAction::kBlock:
      break;
  }
  return policy::Action::kBlock;
}

}  // namespace

Status HandleM2dmrtCheck(policy::Engine& engine, const json::Value& msg, json::Writer& w) {
  auto origin_f = OptString(msg, "origin");
  auto dest_f = OptString(msg, "dest");
  auto kind_f = OptString(msg, "kind");
  auto src_f = OptString(msg, "key_source");
  for (const auto* f : {&origin_f, &dest_f, &kind_f, &src_f}) {
    if (!*f) return f->error();
  }
  if (!*origin_f) return BadField("origin", "required string missing");
  if (!*dest_f) return BadField("dest", "required string missing");
  if (!*kind_f) return BadField("kind", "required string missing");
  std::string_view kind = **kind_f;
  if (kind != "redirect" && kind != "navigation" && kind != "subresource")
    return BadField("kind", "expected redirect, navigation or subresource");
  std::string_view key_source = src_f->value_or("browser");
  if (key_source != "browser" && key_source != "host_probe")
    return BadField("key_source", "expected browser or host_probe");
  std::optional<std::string_view> certs[4];
  const char* cert_names[4] = {"origin_cert", "origin_spki", "dest_cert", "dest_spki"};
  for (int i = 0; i < 4; ++i) {
    auto c = OptString(msg, cert_names[i]);
    if (!c) return c.error();
    certs[i] = *c;
  }

  auto okey_given = DecodeKey(certs[0], certs[1], "origin");
  if (!okey_given) return okey_given.error();
  auto dkey_given = DecodeKey(certs[2], certs[3], "dest");
  if (!dkey_given) return dkey_given.error();

  auto origin = policy::NormalizeOrigin(**origin_f);
  if (!origin) return origin.error();
  auto origin_url = url::ParseUrl(*origin);
  if (!origin_url) return origin_url.error();
  auto dest_url = url::ParseUrl(**dest_f);
  if (!dest_url || dest_url->scheme != "https") return BadField("dest", "expected an https URL");
  const std::string& o = origin_url->host;
  const std::string& d = dest_url->host;
  std::string dest_text = url::FormatUrl(*dest_url);
  std::string log_dest = "m2dmrt-hop:" + std::string(kind);

  Answer a;
  auto finish = [&]() -> Status {
    engine.RecordHop(policy::HopLogEntry{*origin, dest_text, log_dest, a.action, a.reason, a.detail});
    w.Key("action").String(policy::FormatAction(a.action));
    w.Key("reason").String(a.reason);
    WriteStringOrNull(
        w, "state", a.state ? std::optional<std::string_view>(m2dmrt::HopStateName(*a.state)) : std::nullopt);
    WriteNonEmptyOrNull(w, "policy", a.policy);
    w.Key("detail").String(ClipDetail(a.detail));
    w.Key("origin_host").String(o).Key("dest_host").String(d);
    if (!a.keys.empty()) w.Key("keys").String(a.keys);
    if (!a.dns.empty()) w.Key("dns").String(a.dns);
    return OkStatus();
  };

  // 1-2. Privacy: nothing is looked up for a site Verity does not check, nor for same-host hops.
  auto view = engine.SiteState(policy::SiteStateRequest{*origin, {}});
  if (!view) return view.error();
  if (!view->checked) {
    a.action = policy::Action::kAllow;
    bool off = view->setting == policy::Setting::kOff;
    a.reason = off ? "user_off" : "not_checked";
    a.detail = off ? "verification switched off for this site" : "site is not enrolled";
    return finish();
  }
  if (o == d) {
    a.action = policy::Action::kAllow;
    a.reason = "same_host";
    a.detail = "not a cross-host hop";
    return finish();
  }
  if (!engine.config_status().ok) {
    a.reason = "config.invalid";
    a.detail = engine.config_status().detail;
    return finish();
  }
  auto oh = DnsHost(o);
  if (!oh) {
    // An IP literal cannot publish DNS records, hence no M2DMRT policy: nothing to look up.
    a.action = policy::Action::kAllow;
    a.reason = "m2dmrt_no_policy";
    a.policy = "none";
    a.detail = o + " is not a DNS host name: it cannot publish an M2DMRT policy";
    return finish();
  }

  // 4. The site's opt-in.
  auto resolver =
      engine.offline()
          ? Result<dns::Resolver*>(MakeError(ErrorCode::kInternal, "the host runs offline (no DNS)"))
          : ResolverFor(engine.m2dmrt_config());
  if (!resolver) {
    a.state = m2dmrt::HopState::kUnverifiable;
    a.reason = ReasonFor(*a.state);
    a.detail = "DNS resolver unavailable: " + resolver.error().detail;
    return finish();
  }
  auto policy_name = m2dmrt::PolicyOwnerName(*oh);
  auto pol = (*resolver)->LookupTxt(*policy_name);
  if (!pol) {
    a.state = m2dmrt::HopState::kUnverifiable;
    a.reason = ReasonFor(*a.state);
    a.detail = "lookup of " + *policy_name + " failed: " + pol.error().detail;
    return finish();
  }
  a.dns = pol->trust_basis;
  if (pol->security == dns::Security::kBogus || pol->security == dns::Security::kIndeterminate) {
    // Whether the site opted in is unknown: fail closed (withholding DNS blocks, never allows).
    a.state =
        pol->security == dns::Security::kBogus ? m2dmrt::HopState::kBogus : m2dmrt::HopState::kUnverifiable;
    a.reason = ReasonFor(*a.state);
    a.detail = "the M2DMRT policy of " + *oh + " (" + *policy_name + ") is " +
               std::string(dns::SecurityName(pol->security)) + (pol->why.empty() ? "" : ": " + pol->why);
    return finish();
  }
  std::optional<m2dmrt::SitePolicy> site_policy;
  for (const auto& rec : pol->records) {
    auto p = m2dmrt::ParsePolicyRecord(rec);
    if (p && (!site_policy || *p == m2dmrt::SitePolicy::kEnforce)) site_policy = *p;
  }
  if (!site_policy) {
    a.action = policy::Action::kAllow;
    a.reason = "m2dmrt_no_policy";
    a.policy = "none";
    a.detail = *oh + " publishes no M2DMRT policy (" + *policy_name + "): hops are not checked";
    return finish();
  }
  a.policy = *site_policy == m2dmrt::SitePolicy::kEnforce ? "enforce" : "report";

  // 5. Keys and declarations.
  auto dh = DnsHost(d);
  bool probe = key_source == "host_probe";
  std::string olabel = std::string(kByBrowser), dlabel = olabel, owhy, dwhy;
  std::optional<Bytes> okey = std::move(*okey_given), dkey = std::move(*dkey_given);
  auto fill = [&](std::optional<Bytes>& key, const std::string& host, uint16_t port, std::string& label,
                  std::string& why) {
    if (key) return;
    if (!probe) {
      why = "the browser did not expose the TLS key of " + host;
      return;
    }
    key = ProbeKey(engine.m2dmrt_config().probe_addresses, host, port, why);
    label = kByHost;
  };
  fill(okey, *oh, origin_url->port, olabel, owhy);
  if (dh) fill(dkey, *dh, dest_url->port, dlabel, dwhy);
  if (!dh) {
    a.state = m2dmrt::HopState::kUnverifiable;
    a.detail = d + " is not a DNS host name: it cannot declare " + *oh;
  } else if (!okey || !dkey) {
    a.state = m2dmrt::HopState::kUnverifiable;
    a.detail = PlainWords(m2dmrt::HopResult{*a.state, {}, {}, okey ? dwhy : owhy}, *oh, *dh);
  } else {
    a.keys = olabel == dlabel ? olabel : *oh + " " + olabel + ", " + *dh + " " + dlabel;
    auto n1 = m2dmrt::DeclarationOwnerName(*oh, *dh);
    auto n2 = m2dmrt::DeclarationOwnerName(*dh, *oh);
    auto fwd = (*resolver)->LookupTxt(*n1);
    auto back = (*resolver)->LookupTxt(*n2);
    if (!fwd || !back) {
      a.state = m2dmrt::HopState::kUnverifiable;
      a.detail = "lookup failed: " + (fwd ? back.error().detail : fwd.error().detail);
    } else {
      const auto skew = static_cast<int64_t>(engine.m2dmrt_config().clock_skew_s);
      m2dmrt::HopInput in{*oh, *dh, *okey, *dkey, &*fwd, &*back, std::time(nullptr), skew};
      m2dmrt::HopResult r = m2dmrt::EvaluateHop(in);
      a.state = r.state;
      a.detail = PlainWords(r, *oh, *dh);
    }
  }
  a.reason = ReasonFor(*a.state);
  a.action = ToAction(m2dmrt::RequiredAction(*site_policy, *a.state));
  if (!a.keys.empty()) a.detail += "; keys " + a.keys;
  return finish();
}

}  // namespace verity::protocol
