// TXT lookups with a DNSSEC verdict, over two transports (design §4.3):
//   * libunbound validating locally from the root trust anchors compiled in (KSK-2017 key tag
//     20326 and KSK-2024 key tag 38696, IANA root-anchors), or configured anchors; optional
//     forwarders ("127.0.0.1@53531") and stub zones (tests point a zone at a local NSD).
//     Trust basis: "validated locally (libunbound)". libunbound caches answers by TTL itself.
//   * DNS-over-HTTPS (RFC 8484) through net::HttpClient. The answer's AD bit is the resolver's
//     claim; Verity labels it "resolver AD bit over DoH (not validated locally)". SERVFAIL is told
//     apart from bogus by asking again with CD=1 (checking disabled): data that exists but fails
//     validation is bogus. Cached here by the answer's TTL.
// Nothing is queried until LookupTxt is called (privacy: no DNS for sites that are not enrolled).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"
#include "dns/answer.h"

namespace verity::dns {

struct ResolverConfig {
  enum class Transport { kUnbound, kDoh } transport = Transport::kUnbound;
  bool root_anchors = true;                                // compiled-in root KSKs
  std::vector<std::string> trust_anchor_files;             // zone-file DS/DNSKEY lines
  std::vector<std::string> trust_anchors;                  // the same, inline
  std::vector<std::string> forwarders;                     // "addr[@port]"
  std::vector<std::pair<std::string, std::string>> stubs;  // {zone, "addr[@port]"}
  std::vector<std::string> transparent_zones;  // e.g. "test." (RFC 6761 names answered locally by default)
  std::string doh_url;
  std::string doh_cainfo;
  long timeout_ms = 5000;
};

class Resolver {
 public:
  virtual ~Resolver() = default;
  // `name`: presentation form without trailing dot.
  virtual Result<TxtAnswer> LookupTxt(std::string_view name) = 0;
  virtual std::string_view TransportName() const = 0;  // "unbound" or "doh"
};

// The root zone's DS records compiled in (zone-file lines).
const std::vector<std::string>& RootTrustAnchors();

Result<std::unique_ptr<Resolver>> MakeResolver(const ResolverConfig& config);

}  // namespace verity::dns
