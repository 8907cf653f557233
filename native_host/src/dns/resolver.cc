#include "dns/resolver.h"

#include <poll.h>
#include <unbound.h>

#include <chrono>
#include <map>
#include <mutex>

#include "dns/message.h"
#include "net/http.h"

namespace verity::dns {
namespace {

constexpr std::string_view kLocalBasis = "validated locally (libunbound)";
constexpr std::string_view kDohBasis = "resolver AD bit over DoH (not validated locally)";

class UnboundResolver : public Resolver {
 public:
  ~UnboundResolver() override {
    if (ctx_) ub_ctx_delete(ctx_);
  }

  static Result<std::unique_ptr<Resolver>> Make(const ResolverConfig& c) {
    auto r = std::make_unique<UnboundResolver>();
    r->ctx_ = ub_ctx_create();
    if (!r->ctx_) return MakeError(ErrorCode::kDnsResolver, "ub_ctx_create failed");
    r->timeout_ms_ = c.timeout_ms;
    auto check = [](int e, const std::string& what) -> Status {
      if (e) return MakeError(ErrorCode::kDnsConfig, what + ": " + ub_strerror(e));
      return OkStatus();
    };
    for (const auto& z : c.transparent_zones) {
      VERITY_RETURN_IF_ERROR(
          check(ub_ctx_set_option(r->ctx_, "local-zone:", (z + " transparent").c_str()), "local-zone " + z));
    }
    if (!c.forwarders.empty() || !c.stubs.empty()) {
      VERITY_RETURN_IF_ERROR(
          check(ub_ctx_set_option(r->ctx_, "do-not-query-localhost:", "no"), "do-not-query-localhost"));
    }
    if (c.root_anchors) {
      for (const auto& ta : RootTrustAnchors())
        VERITY_RETURN_IF_ERROR(check(ub_ctx_add_ta(r->ctx_, ta.c_str()), "root anchor"));
    }
    for (const auto& ta : c.trust_anchors)
      VERITY_RETURN_IF_ERROR(check(ub_ctx_add_ta(r->ctx_, ta.c_str()), "trust anchor"));
    for (const auto& f : c.trust_anchor_files) {
      VERITY_RETURN_IF_ERROR(check(ub_ctx_add_ta_file(r->ctx_, f.c_str()), "trust anchor file " + f));
    }
    for (const auto& f : c.forwarders)
      VERITY_RETURN_IF_ERROR(check(ub_ctx_set_fwd(r->ctx_, f.c_str()), "forwarder " + f));
    for (const auto& [zone, addr] : c.stubs) {
      VERITY_RETURN_IF_ERROR(check(ub_ctx_set_stub(r->ctx_, zone.c_str(), addr.c_str(), 0), "stub " + zone));
    }
    // One background thread keeps its worker, sockets and cache across lookups (sync ub_resolve
    // would build a new worker per call); we wait on its fd with our own timeout.
    VERITY_RETURN_IF_ERROR(check(ub_ctx_async(r->ctx_, 1), "async"));
    return std::unique_ptr<Resolver>(std::move(r));
  }

  Result<TxtAnswer> LookupTxt(std::string_view name) override {
    if (!FormatQuery(name, kTypeTxt, 0)) return MakeError(ErrorCode::kDnsBadName, std::string(name));
    std::string qname(name);
    TxtAnswer a;
    a.trust_basis = kLocalBasis;
    std::lock_guard<std::mutex> lock(mu_);
    Pending p;
    int id = 0;
    int e = ub_resolve_async(ctx_, qname.c_str(), kTypeTxt, kClassIn, &p, &Pending::Done, &id);
    if (e) {
      a.why = ub_strerror(e);
      return a;  // indeterminate
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms_);
    while (!p.done) {
      auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now())
              .count();
      if (left <= 0) {
        ub_cancel(ctx_, id);
        a.why = "timed out after " + std::to_string(timeout_ms_) + " ms";
        return a;  // indeterminate
      }
      pollfd pfd{ub_fd(ctx_), POLLIN, 0};
      if (poll(&pfd, 1, static_cast<int>(left)) > 0) ub_process(ctx_);
    }
    if (p.err) {
      a.why = ub_strerror(p.err);
      return a;
    }
    ub_result* res = p.result;
    a.ttl = static_cast<uint32_t>(res->ttl);
    a.nxdomain = res->nxdomain;
    if (res->bogus) {
      a.security = Security::kBogus;
      a.why = res->why_bogus ? res->why_bogus : "validation failed";
    } else if (res->rcode != kRcodeNoError && res->rcode != kRcodeNxDomain) {
      a.security = Security::kIndeterminate;
      a.why = "rcode " + std::to_string(res->rcode);
    } else {
      a.security = res->secure ? Security::kSecure : Security::kInsecure;
      for (int i = 0; res->havedata && res->data[i]; ++i) {
        auto txt = ParseTxtRdata(
            ByteView(reinterpret_cast<const uint8_t*>(res->data[i]), static_cast<size_t>(res->len[i])));
        if (txt) a.records.push_back(std::move(*txt));
      }
    }
    ub_resolve_free(res);
    return a;
  }

  std::string_view TransportName() const override { return "unbound"; }

 private:
  struct Pending {
    bool done = false;
    int err = 0;
    ub_result* result = nullptr;
    static void Done(void* arg, int err, ub_result* result) {
      auto* p = static_cast<Pending*>(arg);
      p->done = true;
      p->err = err;
      p->result = result;
    }
  };
  ub_ctx* ctx_ = nullptr;
  long timeout_ms_ = 5000;
  std::mutex mu_;
};

class DohResolver : public Resolver {
 public:
  explicit DohResolver(const ResolverConfig& c)
      : url_(c.doh_url), http_(net::HttpOptions{c.doh_cainfo, c.timeout_ms, 65535}) {}

  Result<TxtAnswer> LookupTxt(std::string_view name) override {
    std::string key(name);
    auto now = std::chrono::steady_clock::now();
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = cache_.find(key);
      if (it != cache_.end() && it->second.second > now) return it->second.first;
    }
    auto first = Ask(name, false);
    if (!first) return first.error();
    TxtAnswer a;
    a.trust_basis = kDohBasis;
    const Message& m = *first;
    if (m.rcode == kRcodeServFail) {
      // Bogus or broken? Data that comes back with checking disabled exists but failed validation.
      auto cd = Ask(name, true);
      if (cd && (cd->rcode == kRcodeNoError || cd->rcode == kRcodeNxDomain)) {
        a.security = Security::kBogus;
        a.why = "resolver answered SERVFAIL, and the data exists with checking disabled";
      } else {
        a.security = Security::kIndeterminate;
        a.why = "SERVFAIL";
      }
      return a;
    }
    if (m.rcode != kRcodeNoError && m.rcode != kRcodeNxDomain) {
      a.why = "rcode " + std::to_string(m.rcode);
      return a;
    }
    a.security = m.ad ? Security::kSecure : Security::kInsecure;
    a.nxdomain = m.rcode == kRcodeNxDomain;
    uint32_t ttl = 300;
    bool any = false;
    for (const auto& rr : m.answers) {
      if (rr.type != kTypeTxt || rr.name != key) continue;
      auto txt = ParseTxtRdata(rr.rdata);
      if (!txt) return txt.error();
      a.records.push_back(std::move(*txt));
      ttl = any ? std::min(ttl, rr.ttl) : rr.ttl;
      any = true;
    }
    if (!any) {  // negative answer: SOA minimum in authority, else a short default
      for (const auto& rr : m.authority) ttl = std::min(ttl, rr.ttl);
    }
    a.ttl = ttl;
    std::lock_guard<std::mutex> lock(mu_);
    if (cache_.size() > 4096) cache_.clear();
    cache_[key] = {a, now + std::chrono::seconds(ttl)};
    return a;
  }

  std::string_view TransportName() const override { return "doh"; }

 private:
  Result<Message> Ask(std::string_view name, bool cd) {
    auto q = FormatQuery(name, kTypeTxt, 0);
    if (!q) return q.error();
    if (cd) (*q)[3] |= 0x10;
    auto resp = http_.Post(url_, "application/dns-message", *q);
    if (!resp) return MakeError(ErrorCode::kDnsTransport, resp.error().detail);
    if (resp->status != 200)
      return MakeError(ErrorCode::kDnsTransport, "HTTP " + std::to_string(resp->status));
    auto m = ParseMessage(resp->body);
    if (!m) return m.error();
    std::string lower(name);
    for (char& ch : lower) ch = static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
    if (!m->qr || m->qname != lower || m->qtype != kTypeTxt) {
      return MakeError(ErrorCode::kDnsMalformed, "answer does not match the question");
    }
    return m;
  }

  std::string url_;
  net::HttpClient http_;
  std::mutex mu_;
  std::map<std::string, std::pair<TxtAnswer, std::chrono::steady_clock::time_point>> cache_;
};

}  // namespace

const std::vector<std::string>& RootTrustAnchors() {
  static const std::vector<std::string> kAnchors = {
      ". IN DS 20326 8 2 E06D44B80B8F1D39A95C0B0D7C65D08458E880409BBC683457104237C7F8EC8D",  // KSK-2017
      ". IN DS 38696 8 2 683D2D0ACB8C9B712A1948B27F741219298D0A450D612C483AF444A4C0FB2B16",  // KSK-2024
  };
  return kAnchors;
}

Result<std::unique_ptr<Resolver>> MakeResolver(const ResolverConfig& config) {
  if (config.transport == ResolverConfig::Transport::kDoh) {
    if (config.doh_url.rfind("https://", 0) != 0)
      return MakeError(ErrorCode::kDnsConfig, "doh_url must be https://");
    return std::unique_ptr<Resolver>(std::make_unique<DohResolver>(config));
  }
  return UnboundResolver::Make(config);
}

}  // namespace verity::dns
