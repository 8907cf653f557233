// Engine::CheckHop (policy/hop.h) against a fake DNS: the numbered steps of docs/protocol.md
// "m2dmrt_check", that nothing is looked up (the resolver is not even created) before step 4, and
// that withheld or tampered DNS never allows. The DNSSEC-backed states with real zones are tested by
// tests/dns/host_check.mjs.
#include "policy/hop.h"

#include <doctest/doctest.h>

#include <map>

#include "dns/resolver.h"
#include "policy/engine.h"

using namespace verity;
using namespace verity::policy;

namespace {

struct FakeDns {
  std::map<std::string, dns::TxtAnswer> answers;  // by owner name; absent: lookup error
  std::vector<std::string> asked;
  int created = 0;
};

class FakeResolver : public dns::Resolver {
 public:
  explicit FakeResolver(FakeDns& d) : d_(d) {}
  Result<dns::TxtAnswer> LookupTxt(std::string_view name) override {
    d_.asked.emplace_back(name);
    auto it = d_.answers.find(std::string(name));
    if (it == d_.answers.end()) return MakeError(ErrorCode::kInternal, "no answer for " + std::string(name));
    return it->second;
  }
  std::string_view TransportName() const override { return "fake"; }

 private:
  FakeDns& d_;
};

dns::TxtAnswer Answer(dns::Security s, std::vector<std::string> records = {}) {
  dns::TxtAnswer a;
  a.security = s;
  a.records = std::move(records);
  a.trust_basis = "fake";
  return a;
}

struct Fixture {
  FakeDns dns;
  std::unique_ptr<Engine> e;
  Fixture() {
    EngineOptions o;
    o.in_memory_store = true;
    o.clock = [] { return int64_t{1767225600000}; };
    o.make_resolver = [this](const config::M2dmrtConfig&) -> Result<std::unique_ptr<dns::Resolver>> {
      dns.created++;
      return std::unique_ptr<dns::Resolver>(new FakeResolver(dns));
    };
    e = Engine::Open(o);
  }
  HopVerdict Hop(const std::string& origin, const std::string& dest) {
    HopRequest r;
    r.origin = origin;
    r.dest = dest;
    auto v = e->CheckHop(r);
    REQUIRE_MESSAGE(v.ok(), v.error().detail);
    return *v;
  }
  void Enroll(const std::string& origin) { REQUIRE(e->SetSite(origin, Setting::kVerify).ok()); }
};

}  // namespace

TEST_CASE("CheckHop steps 1-2: no resolver and no lookup for unchecked sites and same-host hops") {
  Fixture f;
  auto v = f.Hop("https://shop.test", "https://pay.test/x");
  CHECK(v.action == Action::kAllow);
  CHECK(v.reason == "not_checked");
  CHECK(v.state.empty());
  f.Enroll("https://shop.test");
  v = f.Hop("https://shop.test", "https://shop.test:8443/y");
  CHECK(v.action == Action::kAllow);
  CHECK(v.reason == "same_host");
  REQUIRE(f.e->SetSite("https://shop.test", Setting::kOff).ok());
  v = f.Hop("https://shop.test", "https://pay.test/x");
  CHECK(v.reason == "user_off");
  CHECK(f.dns.created == 0);
  CHECK(f.dns.asked.empty());
  auto st = f.e->HostStatus(std::string_view("https://shop.test"));
  REQUIRE(st.ok());
  CHECK(st->allow == 3);  // every hop answer is counted
}

TEST_CASE("CheckHop step 4: the site's opt-in; withheld or bogus DNS blocks") {
  Fixture f;
  f.Enroll("https://shop.test");
  // No answer at all (lookup error): unknown whether the site opted in -> block.
  auto v = f.Hop("https://shop.test", "https://pay.test/x");
  CHECK(f.dns.created == 1);
  CHECK(f.dns.asked == std::vector<std::string>{"_m2dmrt.shop.test"});
  CHECK(v.action == Action::kBlock);
  CHECK(v.state == "UNVERIFIABLE");
  f.dns.answers["_m2dmrt.shop.test"] = Answer(dns::Security::kBogus, {"v=M2DMRT1; policy=report"});
  v = f.Hop("https://shop.test", "https://pay.test/x");
  CHECK(v.action == Action::kBlock);
  CHECK(v.reason == "m2dmrt_bogus");
  f.dns.answers["_m2dmrt.shop.test"] = Answer(dns::Security::kIndeterminate);
  CHECK(f.Hop("https://shop.test", "https://pay.test/x").reason == "m2dmrt_unverifiable");
  // Secure NODATA: the site has not opted in.
  f.dns.answers["_m2dmrt.shop.test"] = Answer(dns::Security::kSecure);
  v = f.Hop("https://shop.test", "https://pay.test/x");
  CHECK(v.action == Action::kAllow);
  CHECK(v.reason == "m2dmrt_no_policy");
  CHECK(v.policy == "none");
  CHECK(v.dns == "fake");
  CHECK(f.dns.created == 1);  // one resolver for the engine's life
  // An IP literal cannot publish a policy: nothing asked.
  f.Enroll("https://127.0.0.1:8443");
  size_t asked = f.dns.asked.size();
  CHECK(f.Hop("https://127.0.0.1:8443", "https://pay.test/").reason == "m2dmrt_no_policy");
  CHECK(f.dns.asked.size() == asked);
}

TEST_CASE("CheckHop step 5: without keys the hop is UNVERIFIABLE; enforce blocks, report reports") {
  Fixture f;
  f.Enroll("https://shop.test");
  f.dns.answers["_m2dmrt.shop.test"] = Answer(dns::Security::kSecure, {"v=M2DMRT1; policy=enforce"});
  auto v = f.Hop("https://shop.test", "https://pay.test/x");
  CHECK(v.policy == "enforce");
  CHECK(v.state == "UNVERIFIABLE");
  CHECK(v.action == Action::kBlock);
  CHECK(v.detail.find("did not expose the TLS key") != std::string::npos);
  f.dns.answers["_m2dmrt.shop.test"] = Answer(dns::Security::kSecure, {"v=M2DMRT1; policy=report"});
  v = f.Hop("https://shop.test", "https://pay.test/x");
  CHECK(v.policy == "report");
  CHECK(v.action == Action::kReport);
  // enforce wins over report when both are published.
  f.dns.answers["_m2dmrt.shop.test"] =
      Answer(dns::Security::kSecure, {"v=M2DMRT1; policy=report", "v=M2DMRT1; policy=enforce"});
  CHECK(f.Hop("https://shop.test", "https://pay.test/x").action == Action::kBlock);
}

TEST_CASE("CheckHop: malformed requests are errors, found before any lookup") {
  Fixture f;
  f.Enroll("https://shop.test");
  HopRequest r;
  r.origin = "https://shop.test";
  r.dest = "http://pay.test/";
  CHECK(f.e->CheckHop(r).code() == ErrorCode::kProtocolBadField);
  r.dest = "https://pay.test/";
  r.dest_key = ObservedKey{ObservedKey::Form::kSpkiDer, Bytes{0, 0, 0}};
  CHECK(f.e->CheckHop(r).code() == ErrorCode::kProtocolBadField);
  r.dest_key = ObservedKey{ObservedKey::Form::kCertificateDer, Bytes{0x30, 0x00}};
  CHECK(f.e->CheckHop(r).code() == ErrorCode::kProtocolBadField);
  r.dest_key.reset();
  r.origin = "ftp://shop.test";
  CHECK(f.e->CheckHop(r).code() == ErrorCode::kPolicyBadOrigin);
  CHECK(f.dns.asked.empty());
}
