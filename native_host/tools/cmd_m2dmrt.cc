// verity-cli M2DMRT commands (design §4.3, docs/m2dmrt.md):
//   m2dmrt-declare  sign a declaration of a peer with the declarer's TLS private key
//   m2dmrt-zone     the zone-file lines one provider publishes: its declarations + policy record
//   m2dmrt-check    run the client check for a hop from the command line (operators debugging)
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <map>
#include <sstream>

#include "command.h"
#include "core/clock.h"
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
  int64_t now = SystemClockSeconds();
  auto not_before = IntFlag(a, "not-before", now - 300, 0, int64_t{1} << 40);
  auto days = IntFlag(a, "days", 90, 1, 3650);
  auto ttl = IntFlag(a, "ttl", 300, 0, 86400 * 7);
  if (!not_before || !days || !ttl) return 1;
  d.not_before = *not_before;
  d.not_after = d.not_before + *days * 86400;
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
    std::printf("%s\n", m2dmrt::FormatZoneLine(d, static_cast<uint32_t>(*ttl)).c_str());
  }
  return 0;
}

// The TXT text of one input line: a bare rdata line, or a zone line whose quoted character-strings
// are concatenated (as `m2dmrt-declare` and `m2dmrt-register` print them). Empty for blank lines and
// ';' comments.
std::string RdataOfLine(const std::string& line) {
  size_t q = line.find('"');
  if (q == std::string::npos) {
    size_t b = line.find_first_not_of(" \t");
    return b == std::string::npos || line[b] == ';' ? std::string() : line.substr(b);
  }
  std::string out;
  while (q != std::string::npos) {
    size_t e = line.find('"', q + 1);
    if (e == std::string::npos) break;
    out += line.substr(q + 1, e - q - 1);
    q = line.find('"', e + 1);
  }
  return out;
}

// Reads declarations from files, checks each belongs in HOST's zone (d = HOST; kd = its key and the
// signature verifies when --cert is given), and prints the zone lines sorted by owner name, one
// RRset per peer, plus the opt-in policy record.
int Zone(const Args& a) {
  auto host_flag = a.Get("host");
  if (!host_flag) return Fail("m2dmrt-zone needs --host");
  auto host = m2dmrt::CanonicalHost(*host_flag);
  if (!host) return Fail("bad --host: " + host.error().detail);
  auto ttl = IntFlag(a, "ttl", 300, 0, 86400 * 7);
  if (!ttl) return 1;
  std::optional<Bytes> spki;
  if (auto cert = a.Get("cert")) {
    auto k = LoadSpki(*cert);
    if (!k) return Fail(*cert + ": " + k.error().detail);
    spki = std::move(*k);
  }
  std::map<std::string, std::vector<std::string>> lines;  // owner name -> zone lines
  int64_t now = SystemClockSeconds();
  for (const auto& path : a.positional()) {
    auto text = ReadFile(path);
    if (!text) return Fail("cannot read " + path);
    std::istringstream in(*text);
    std::string line;
    for (int n = 1; std::getline(in, line); ++n) {
      std::string rdata = RdataOfLine(line);
      if (rdata.empty()) continue;
      std::string where = path + ":" + std::to_string(n) + ": ";
      auto d = m2dmrt::ParseDeclaration(rdata);
      if (!d) return Fail(where + std::string(WireName(d.code())) + ": " + d.error().detail);
      if (d->declarer != *host) return Fail(where + "declared by " + d->declarer + ", not " + *host);
      if (spki) {
        if (!crypto::ConstantTimeEqual(d->declarer_key, crypto::Sha256(*spki)))
          return Fail(where + "kd is not the key of --cert");
        auto st =
            crypto::VerifySignature(d->alg, *spki, AsBytes(m2dmrt::ComputeSignedMessage(*d)), d->signature);
        if (!st) return Fail(where + "signature does not verify: " + st.error().detail);
      }
      if (d->not_after < now)
        std::fprintf(stderr, "verity-cli: warning: %sexpired (na=%lld)\n", where.c_str(),
                     static_cast<long long>(d->not_after));
      auto owner = m2dmrt::DeclarationOwnerName(d->declarer, d->peer);
      if (!owner) return Fail(where + owner.error().detail);
      auto& set = lines[*owner];
      std::string zl = m2dmrt::FormatZoneLine(*d, static_cast<uint32_t>(*ttl));
      if (std::find(set.begin(), set.end(), zl) == set.end()) set.push_back(zl);
    }
  }
  std::printf("; M2DMRT records of %s (docs/m2dmrt.md); sign the zone with DNSSEC\n", host->c_str());
  if (auto policy = a.Get("policy")) {
    if (*policy != "enforce" && *policy != "report") return Fail("--policy is enforce or report");
    auto owner = m2dmrt::PolicyOwnerName(*host);
    if (!owner) return Fail(owner.error().detail);
    std::printf("%s. %lld IN TXT \"v=M2DMRT1; policy=%s\"\n", owner->c_str(), static_cast<long long>(*ttl),
                policy->c_str());
  }
  for (const auto& [owner, set] : lines)
    for (const auto& zl : set) std::printf("%s\n", zl.c_str());
  return 0;
}

Result<Bytes> ObservedKey(const Args& a, const std::string& host, const std::string& flag,
                          std::string& source) {
  if (auto cert = a.Get(flag)) {
    source = "given (" + *cert + ")";
    return LoadSpki(*cert);
  }
  auto port = IntFlag(a, "port", 443, 1, 65535);
  if (!port) return MakeError(ErrorCode::kIo, "bad --port");
  net::HttpClient http(net::HttpOptions{a.GetOr("ca", ""), 5000, 1 << 20});
  auto pem = http.PeerCertificatePem(a.GetOr(flag + "-connect", host), static_cast<uint16_t>(*port));
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
  m2dmrt::HopInput in{*origin, *dest, *okey, *dkey, &*fwd, &*back, SystemClockSeconds(), 300};
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
    "m2dmrt-zone", "print the zone-file lines a provider publishes: its declarations and its policy record",
    "  --host HOST [--policy enforce|report] [--cert HOST_CERT.pem (checks kd and signatures)]\n"
    "  [--ttl 300] DECLARATIONS_FILE...   (rdata lines or zone lines from m2dmrt-declare/-register)",
    {}, Zone);
VERITY_COMMAND(
    "m2dmrt-check", "check the M2DMRT relationship of a hop ORIGIN -> DEST (exit 0 only if MUTUAL)",
    "  --origin HOST --dest HOST [--origin-cert PEM] [--dest-cert PEM] (else the host's own TLS\n"
    "  handshake: [--port 443] [--ca FILE]) [--transport unbound|doh] [--anchor FILE]...\n"
    "  [--no-root-anchors] [--stub ZONE=ADDR@PORT]... [--forward ADDR@PORT]... [--transparent ZONE]...\n"
    "  [--doh-url URL --doh-ca FILE]",
    {"no-root-anchors"}, Check);

}  // namespace
}  // namespace verity::cli
