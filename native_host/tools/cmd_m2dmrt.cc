// verity-cli M2DMRT commands (design §4.3, docs/m2dmrt.md):
//   m2dmrt-declare  sign a declaration of a peer with the declarer's TLS private key
//   m2dmrt-check    run the client check for a hop from the command line (operators debugging)
#include <cstdio>
#include <ctime>

#include "command.h"
#include "core/encoding.h"
#include "crypto/hash.h"
#include "crypto/signature.h"
#include "dns/resolver.h"
#include "m2dmrt/check.h"
#include "m2dmrt/declaration.h"
#include "net/http.h"

namespace verity::cli {
namespace {

Result<Bytes> LoadSpki(const std::string& path) {
  auto pem = ReadFile(path);
  if (!pem) return MakeError(ErrorCode::kIo, "cannot read " + path);
  return crypto::SpkiFromPem(*pem);
}

int Declare(const Args& a) {
  auto declarer = a.Get("declarer"), key = a.Get("key"), peer = a.Get("peer");
  auto peer_cert = a.Get("peer-cert");
  if (!declarer || !key || !peer || !peer_cert)
    return Fail("m2dmrt-declare needs --declarer --key --peer --peer-cert");
  auto pem = ReadFile(*key);
  if (!pem) return Fail("cannot read " + *key);
  auto own = crypto::SpkiFromPem(*pem);
  if (!own) return Fail(own.error().detail);
  auto other = LoadSpki(*peer_cert);
  if (!other) return Fail(other.error().detail);
  m2dmrt::Declaration d;
  auto dh = m2dmrt::CanonicalHost(*declarer), ph = m2dmrt::CanonicalHost(*peer);
  if (!dh || !ph) return Fail("bad host name");
  d.declarer = *dh;
  d.peer = *ph;
  d.declarer_key = crypto::Sha256(*own);
  d.peer_key = crypto::Sha256(*other);
  if (auto alg = a.Get("alg")) {
    auto parsed = crypto::ParseSigAlg(*alg);
    if (!parsed) return Fail("unknown --alg " + *alg + " (es256 es384 rs256 ps256 ed25519)");
    d.alg = *parsed;
  } else {
    auto def = crypto::DefaultSigAlgForSpki(*own);
    if (!def) return Fail(def.error().detail);
    d.alg = *def;
  }
  int64_t now = std::time(nullptr);
  d.not_before = std::stoll(a.GetOr("not-before", std::to_string(now - 300)));
  d.not_after = d.not_before + std::stoll(a.GetOr("days", "90")) * 86400;
  auto sig = crypto::SignWithPrivateKeyPem(d.alg, *pem, AsBytes(m2dmrt::ComputeSignedMessage(d)));
  if (!sig) return Fail(sig.error().detail);
  d.signature = std::move(*sig);
  // Self-check before printing: what we publish must verify for the keys we were given.
  auto st = m2dmrt::VerifyDeclaration(d, d.declarer, d.peer, m2dmrt::Observed{*own, *other}, now, 300);
  if (!st && st.code() != ErrorCode::kM2dmrtNotYetValid)
    return Fail("self-check failed: " + st.error().detail);
  if (a.GetOr("format", "zone") == "rdata") {
    std::printf("%s\n", m2dmrt::FormatDeclaration(d).c_str());
  } else {
    std::printf("%s\n",
                m2dmrt::FormatZoneLine(d, static_cast<uint32_t>(std::stoul(a.GetOr("ttl", "300")))).c_str());
  }
  return 0;
}

Result<Bytes> ObservedKey(const Args& a, const std::string& host, const std::string& flag,
                          std::string& source) {
  if (auto cert = a.Get(flag)) {
    source = "given (" + *cert + ")";
    return LoadSpki(*cert);
  }
  net::HttpClient http(net::HttpOptions{a.GetOr("ca", ""), 5000, 1 << 20});
  auto pem = http.PeerCertificatePem(a.GetOr(flag + "-connect", host),
                                     static_cast<uint16_t>(std::stoi(a.GetOr("port", "443"))));
  if (!pem) return pem.error();
  source = "observed by host (TLS handshake from verity-cli)";
  return crypto::SpkiFromPem(*pem);
}

int Check(const Args& a) {
  auto origin = a.Get("origin"), dest = a.Get("dest");
  if (!origin || !dest) return Fail("m2dmrt-check needs --origin and --dest");
  dns::ResolverConfig cfg;
  if (a.GetOr("transport", "unbound") == "doh") {
    cfg.transport = dns::ResolverConfig::Transport::kDoh;
    cfg.doh_url = a.GetOr("doh-url", "");
    cfg.doh_cainfo = a.GetOr("doh-ca", "");
  }
  cfg.root_anchors = !a.Has("no-root-anchors");
  cfg.trust_anchor_files = a.GetAll("anchor");
  cfg.forwarders = a.GetAll("forward");
  cfg.transparent_zones = a.GetAll("transparent");
  for (const auto& s : a.GetAll("stub")) {
    auto eq = s.find('=');
    if (eq == std::string::npos) return Fail("--stub wants ZONE=ADDR[@PORT]");
    cfg.stubs.emplace_back(s.substr(0, eq), s.substr(eq + 1));
  }
  auto resolver = dns::MakeResolver(cfg);
  if (!resolver) return Fail(resolver.error().detail);
  std::string osrc, dsrc;
  auto okey = ObservedKey(a, *origin, "origin-cert", osrc);
  if (!okey) return Fail("origin key: " + okey.error().detail);
  auto dkey = ObservedKey(a, *dest, "dest-cert", dsrc);
  if (!dkey) return Fail("destination key: " + dkey.error().detail);
  auto n1 = m2dmrt::DeclarationOwnerName(*origin, *dest), n2 = m2dmrt::DeclarationOwnerName(*dest, *origin);
  if (!n1 || !n2) return Fail("bad host name");
  auto fwd = (*resolver)->LookupTxt(*n1);
  auto back = (*resolver)->LookupTxt(*n2);
  if (!fwd || !back) return Fail("lookup failed");
  m2dmrt::HopInput in{*origin, *dest, *okey, *dkey, &*fwd, &*back, std::time(nullptr), 300};
  auto r = m2dmrt::EvaluateHop(in);
  std::printf("%s -> %s: %s\n  %s\n", origin->c_str(), dest->c_str(),
              std::string(m2dmrt::HopStateName(r.state)).c_str(), r.detail.c_str());
  std::printf("  %s: %s, %zu record(s), %s\n", n1->c_str(),
              std::string(dns::SecurityName(fwd->security)).c_str(), fwd->records.size(),
              r.origin_declares_dest.verified ? "verified" : r.origin_declares_dest.detail.c_str());
  std::printf("  %s: %s, %zu record(s), %s\n", n2->c_str(),
              std::string(dns::SecurityName(back->security)).c_str(), back->records.size(),
              r.dest_declares_origin.verified ? "verified" : r.dest_declares_origin.detail.c_str());
  std::printf("  DNS trust basis: %s (%s)\n  origin key: %s\n  destination key: %s\n",
              fwd->trust_basis.c_str(), std::string((*resolver)->TransportName()).c_str(), osrc.c_str(),
              dsrc.c_str());
  return r.state == m2dmrt::HopState::kMutual ? 0 : 3;
}

VERITY_COMMAND(
    "m2dmrt-declare", "sign an M2DMRT declaration of a peer and print its TXT record",
    "  --declarer HOST --key DECLARER_TLS_KEY.pem --peer HOST --peer-cert PEER_CERT_OR_PUBKEY.pem\n"
    "  [--alg es256|es384|rs256|ps256|ed25519] [--not-before UNIX] [--days 90] [--ttl 300]\n"
    "  [--format zone|rdata]",
    {}, Declare);
VERITY_COMMAND(
    "m2dmrt-check", "check the M2DMRT relationship of a hop ORIGIN -> DEST (exit 0 only if MUTUAL)",
    "  --origin HOST --dest HOST [--origin-cert PEM] [--dest-cert PEM] (else the host's own TLS\n"
    "  handshake: [--port 443] [--ca FILE]) [--transport unbound|doh] [--anchor FILE]...\n"
    "  [--no-root-anchors] [--stub ZONE=ADDR@PORT]... [--forward ADDR@PORT]... [--transparent ZONE]...\n"
    "  [--doh-url URL --doh-ca FILE]",
    {"no-root-anchors"}, Check);

}  // namespace
}  // namespace verity::cli
