// Test bed driver for M2DMRT over real DNSSEC (NSD authoritative + Unbound validating resolver,
// both on loopback, started by tests/dns/run.sh).
//
//   dns_testbed make-zones WORK   keys + declarations (made with Verity's own m2dmrt code) and
//                                 unsigned zone bodies WORK/zones/<zone>.body
//   dns_testbed check WORK unbound STUB_ADDR      libunbound, stub "test." → NSD, anchor
//   WORK/keys/test.anchor dns_testbed check WORK doh URL CAFILE         DoH to Unbound's HTTPS port
// Prints one line per case and "dns-<transport>: N passed, N failed"; exit 1 on any failure.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/encoding.h"
#include "crypto/hash.h"
#include "crypto/signature.h"
#include "dns/resolver.h"
#include "m2dmrt/check.h"
#include "m2dmrt/declaration.h"

using namespace verity;

namespace {

struct Host {
  const char* name;
  crypto::SigAlg alg;
};
// pay.test's RSA key signs with ps256; the others with the key's default algorithm.
const Host kHosts[] = {{"shop.test", crypto::SigAlg::kEs256},   {"pay.test", crypto::SigAlg::kPs256},
                       {"solo.test", crypto::SigAlg::kEd25519}, {"tamper.test", crypto::SigAlg::kEs384},
                       {"old.test", crypto::SigAlg::kEs256},    {"insecure.test", crypto::SigAlg::kEs256},
                       {"late.test", crypto::SigAlg::kEs256}};

std::string Read(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}
void Write(const std::string& path, const std::string& data) {
  std::ofstream(path, std::ios::binary) << data;
}

std::string Zone(const std::string& w, const std::string& host) { return w + "/zones/" + host + ".body"; }

void Declare(const std::string& w, const std::string& by, const std::string& about, int64_t nb, int64_t na) {
  crypto::SigAlg alg{};
  for (const auto& h : kHosts) {
    if (by == h.name) alg = h.alg;
  }
  std::string pem = Read(w + "/keys/" + by + ".key");
  m2dmrt::Declaration d;
  d.declarer = by;
  d.peer = about;
  d.declarer_key = crypto::Sha256(*crypto::SpkiFromPem(pem));
  d.peer_key = crypto::Sha256(*crypto::SpkiFromPem(Read(w + "/keys/" + about + ".key")));
  d.not_before = nb;
  d.not_after = na;
  d.alg = alg;
  d.signature = *crypto::SignWithPrivateKeyPem(alg, pem, AsBytes(m2dmrt::ComputeSignedMessage(d)));
  std::ofstream(Zone(w, by), std::ios::app) << m2dmrt::FormatZoneLine(d, 300) << "\n";
}

int MakeZones(const std::string& w) {
  for (const auto& h : kHosts) {
    auto pem = crypto::GeneratePrivateKeyPem(h.alg);
    if (!pem) return 1;
    Write(w + "/keys/" + h.name + ".key", *pem);
    Write(Zone(w, h.name), "");
  }
  int64_t now = SystemClockSeconds(), nb = now - 3600, na = now + 90 * 86400;
  Declare(w, "shop.test", "pay.test", nb, na);  // mutual
  Declare(w, "pay.test", "shop.test", nb, na);
  Declare(w, "shop.test", "solo.test", nb, na);  // one-sided: solo.test declares nothing
  Declare(w, "shop.test", "tamper.test", nb, na);
  Declare(w, "tamper.test", "shop.test", nb, na);  // tampered after signing by run.sh
  Declare(w, "shop.test", "old.test", nb, na);
  Declare(w, "old.test", "shop.test", nb, na);  // zone signed with RRSIGs that expired in 2020
  Declare(w, "shop.test", "insecure.test", nb, na);
  Declare(w, "insecure.test", "shop.test", nb, na);                            // unsigned zone
  Declare(w, "shop.test", "late.test", now - 200 * 86400, now - 100 * 86400);  // expired declarations
  Declare(w, "late.test", "shop.test", now - 200 * 86400, now - 100 * 86400);
  std::ofstream(Zone(w, "shop.test"), std::ios::app) << "_m2dmrt 300 IN TXT \"v=M2DMRT1; policy=enforce\"\n";
  return 0;
}

struct Case {
  std::string origin, dest, observed_dest;  // observed_dest: whose key the "browser" saw for dest
  m2dmrt::HopState want;
  const char* what;
};

// The resolver of the test bed: libunbound with the test. anchor and a stub to NSD (args: ADDR@PORT),
// or DoH to Unbound (args: URL, CA file).
dns::ResolverConfig TestbedResolver(const std::string& w, const std::string& transport,
                                    const std::vector<std::string>& args) {
  dns::ResolverConfig cfg;
  cfg.root_anchors = false;
  if (transport == "unbound") {
    cfg.trust_anchor_files = {w + "/keys/test.anchor"};
    cfg.stubs = {{"test.", args.at(0)}};
    cfg.transparent_zones = {"test."};
  } else {
    cfg.transport = dns::ResolverConfig::Transport::kDoh;
    cfg.doh_url = args.at(0);
    cfg.doh_cainfo = args.at(1);
  }
  return cfg;
}

int Check(const std::string& w, const std::string& transport, const std::vector<std::string>& args) {
  dns::ResolverConfig cfg = TestbedResolver(w, transport, args);
  cfg.timeout_ms = 3000;
  auto resolver = dns::MakeResolver(cfg);
  if (!resolver) {
    std::cerr << "resolver: " << resolver.error().detail << "\n";
    return 1;
  }
  const std::vector<Case> cases = {
      {"shop.test", "pay.test", "pay.test", m2dmrt::HopState::kMutual, "mutual declarations"},
      {"pay.test", "shop.test", "shop.test", m2dmrt::HopState::kMutual, "mutual, other direction"},
      {"shop.test", "solo.test", "solo.test", m2dmrt::HopState::kOneSided, "one side missing"},
      {"shop.test", "pay.test", "solo.test", m2dmrt::HopState::kNone,
       "wrong observed key: no record verifies"},
      {"shop.test", "late.test", "late.test", m2dmrt::HopState::kNone, "expired declarations"},
      {"shop.test", "tamper.test", "tamper.test", m2dmrt::HopState::kBogus,
       "tampered record in a signed zone"},
      {"shop.test", "old.test", "old.test", m2dmrt::HopState::kBogus, "expired RRSIGs"},
      {"shop.test", "insecure.test", "insecure.test", m2dmrt::HopState::kUnverifiable, "unsigned zone"},
      {"solo.test", "pay.test", "pay.test", m2dmrt::HopState::kNone, "nonexistent names (secure denial)"},
  };
  int passed = 0, failed = 0;
  int64_t now = SystemClockSeconds();
  for (const auto& c : cases) {
    Bytes os = *crypto::SpkiFromPem(Read(w + "/keys/" + c.origin + ".key"));
    Bytes ds = *crypto::SpkiFromPem(Read(w + "/keys/" + c.observed_dest + ".key"));
    auto t0 = std::chrono::steady_clock::now();
    auto fwd = (*resolver)->LookupTxt(*m2dmrt::DeclarationOwnerName(c.origin, c.dest));
    auto back = (*resolver)->LookupTxt(*m2dmrt::DeclarationOwnerName(c.dest, c.origin));
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (!fwd || !back) {
      std::cout << "FAIL " << c.what << ": lookup error\n";
      ++failed;
      continue;
    }
    m2dmrt::HopInput in{c.origin, c.dest, os, ds, &*fwd, &*back, now, 300};
    auto r = m2dmrt::EvaluateHop(in);
    bool ok = r.state == c.want;
    (ok ? passed : failed)++;
    std::printf("%s %-40s %s -> %s: %s (want %s) [%s/%s] %.2f ms\n", ok ? "ok  " : "FAIL", c.what,
                c.origin.c_str(), c.dest.c_str(), std::string(m2dmrt::HopStateName(r.state)).c_str(),
                std::string(m2dmrt::HopStateName(c.want)).c_str(),
                std::string(dns::SecurityName(fwd->security)).c_str(),
                std::string(dns::SecurityName(back->security)).c_str(), ms);
    if (!ok) std::printf("     detail: %s\n", r.detail.c_str());
  }
  // Policy record.
  auto pol = (*resolver)->LookupTxt(*m2dmrt::PolicyOwnerName("shop.test"));
  bool pol_ok = pol && pol->security == dns::Security::kSecure && pol->records.size() == 1 &&
                m2dmrt::ParsePolicyRecord(pol->records[0]).ok() &&
                *m2dmrt::ParsePolicyRecord(pol->records[0]) == m2dmrt::SitePolicy::kEnforce;
  (pol_ok ? passed : failed)++;
  std::printf("%s policy record _m2dmrt.shop.test = enforce\n", pol_ok ? "ok  " : "FAIL");
  if (pol) std::printf("trust basis: %s\n", pol->trust_basis.c_str());
  std::printf("dns-%s: %d passed, %d failed\n", transport.c_str(), passed, failed);
  return failed == 0 ? 0 : 1;
}

// Mutual-check latency (both lookups + both verifications): cold = a new resolver (empty cache)
// for every check, warm = one resolver reused. Prints min / median / p90 in ms.
int Bench(const std::string& w, const std::string& transport, const std::vector<std::string>& args) {
  dns::ResolverConfig cfg = TestbedResolver(w, transport, args);
  Bytes os = *crypto::SpkiFromPem(Read(w + "/keys/shop.test.key"));
  Bytes ds = *crypto::SpkiFromPem(Read(w + "/keys/pay.test.key"));
  std::string n1 = *m2dmrt::DeclarationOwnerName("shop.test", "pay.test");
  std::string n2 = *m2dmrt::DeclarationOwnerName("pay.test", "shop.test");
  auto one = [&](dns::Resolver& r) {
    auto t0 = std::chrono::steady_clock::now();
    auto a = r.LookupTxt(n1);
    auto b = r.LookupTxt(n2);
    m2dmrt::HopInput in{"shop.test", "pay.test", os, ds, &*a, &*b, SystemClockSeconds(), 300};
    bool mutual = a && b && m2dmrt::EvaluateHop(in).state == m2dmrt::HopState::kMutual;
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    return mutual ? ms : -1.0;
  };
  auto report = [&](const char* what, std::vector<double> v) {
    std::sort(v.begin(), v.end());
    if (v.empty() || v.front() < 0) {
      std::printf("bench %s %s: a check was not MUTUAL\n", transport.c_str(), what);
      return false;
    }
    std::printf("bench m2dmrt %-7s %-4s n=%zu min %.3f ms, median %.3f ms, p90 %.3f ms\n", transport.c_str(),
                what, v.size(), v.front(), v[v.size() / 2], v[v.size() * 9 / 10]);
    return true;
  };
  std::vector<double> cold, warm;
  for (int i = 0; i < 20; ++i) {
    auto r = dns::MakeResolver(cfg);
    if (!r) return 1;
    cold.push_back(one(**r));
  }
  auto r = dns::MakeResolver(cfg);
  if (!r) return 1;
  one(**r);
  for (int i = 0; i < 200; ++i) warm.push_back(one(**r));
  return report("cold", cold) && report("warm", warm) ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> a(argv + 1, argv + argc);
  if (a.size() >= 2 && a[0] == "make-zones") return MakeZones(a[1]);
  if (a.size() >= 4 && a[0] == "check")
    return Check(a[1], a[2], std::vector<std::string>(a.begin() + 3, a.end()));
  if (a.size() >= 4 && a[0] == "bench")
    return Bench(a[1], a[2], std::vector<std::string>(a.begin() + 3, a.end()));
  std::cerr << "usage: dns_testbed make-zones WORK | check WORK unbound STUB | check WORK doh URL CAFILE\n";
  return 2;
}
