// The M2DMRT hop decision (design §4.3, docs/protocol.md "m2dmrt_check", docs/m2dmrt.md): one
// cross-host hop O → D of a checked site. protocol/m2dmrt_handler only parses the request fields
// into a HopRequest and writes the HopVerdict back; every decision is here.
//
// Request (after protocol/ decoded the base64 keys):
//   HopRequest{origin "https://shop.test", dest "https://pay.test/checkout", kind kRedirect,
//              key_source kBrowser, origin_key {kCertificateDer, <DER>}, dest_key {kCertificateDer, <DER>}}
// Verdict:
//   HopVerdict{action kBlock, reason "m2dmrt_one_sided", state "ONE_SIDED", policy "enforce",
//              detail "shop.test is not declared by pay.test ...", origin_host "shop.test",
//              dest_host "pay.test", keys "observed by browser", dns "validated locally (libunbound)"}
//
// Steps, numbered as docs/protocol.md numbers them (each may end the decision):
//   1. origin not checked by Verity (not enrolled, or switched off) → allow, no DNS query at all
//   2. same host                                                   → allow, no DNS query
//   3. config invalid                                              → block (fail closed)
//   4. the site's opt-in, TXT _m2dmrt.<O>: O an IP literal → allow (no records possible);
//      bogus → BOGUS block; failed → UNVERIFIABLE block; no valid policy record → allow
//      (m2dmrt_no_policy, the site has not opted in)
//   5. keys (browser, or the host's own TLS probe when asked) and both declarations, m2dmrt::EvaluateHop
//      at the engine's clock, RequiredAction: enforce requires MUTUAL, report reports anything else.
// Malformed input (a key that is no certificate / usable SPKI, a dest that is not https) is an
// error (protocol.bad_field, policy.bad_origin), found before anything is looked up.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/action.h"
#include "core/bytes.h"
#include "core/error.h"

namespace verity::config {
struct M2dmrtConfig;
}
namespace verity::dns {
class Resolver;
}

namespace verity::policy {

using ::verity::Action;

enum class HopKind : uint8_t { kRedirect, kNavigation, kSubresource };
std::string_view FormatHopKind(HopKind k);  // "redirect" | "navigation" | "subresource"
std::optional<HopKind> ParseHopKind(std::string_view s);

enum class KeySource : uint8_t { kBrowser, kHostProbe };
std::optional<KeySource> ParseKeySource(std::string_view s);  // "browser" | "host_probe"

// A TLS key as the browser exposed it.
struct ObservedKey {
  enum class Form : uint8_t { kCertificateDer, kSpkiDer };
  Form form = Form::kCertificateDer;
  Bytes der;
};

struct HopRequest {
  std::string origin;  // the checked site's top-level origin, as sent
  std::string dest;    // the https URL the hop goes to
  HopKind kind = HopKind::kRedirect;
  KeySource key_source = KeySource::kBrowser;
  std::optional<ObservedKey> origin_key;
  std::optional<ObservedKey> dest_key;
};

struct HopVerdict {
  Action action = Action::kBlock;
  std::string reason;
  std::string detail;
  std::string_view state;  // "MUTUAL" | ... | "BOGUS"; empty: not evaluated (null on the wire)
  std::string policy;      // "enforce" | "report" | "none"; empty: not looked up
  std::string origin_host, dest_host;
  std::string keys;  // how the keys were observed (empty unless both were at hand)
  std::string dns;   // trust basis of the DNS answers (empty when nothing was asked)
};

// Creates the DNS resolver of an M2DMRT configuration (default: dns::MakeResolver); tests inject one.
using ResolverFactory = std::function<Result<std::unique_ptr<dns::Resolver>>(const config::M2dmrtConfig&)>;
Result<std::unique_ptr<dns::Resolver>> MakeConfiguredResolver(const config::M2dmrtConfig& m);

// What the decision reads from the engine (Engine::CheckHop fills it in).
struct HopContext {
  bool checked = false;   // step 1: the origin's effective state
  bool user_off = false;  // ... switched off by the user (reason user_off instead of not_checked)
  bool config_ok = true;  // step 3
  std::string_view config_detail;
  const config::M2dmrtConfig* m2dmrt = nullptr;
  int64_t now_s = 0;  // the engine's clock
  // The engine's resolver, created on first use (steps 4-5 only); an error makes the hop UNVERIFIABLE.
  std::function<Result<dns::Resolver*>()> resolver;
};

// The checked form of a request: origin normalized, keys reduced to SPKI DER.
struct HopTarget {
  std::string origin;  // normalized
  std::string origin_host, dest_host;
  uint16_t origin_port = 0, dest_port = 0;
  std::string dest_url;  // normalized, for the log
  KeySource key_source = KeySource::kBrowser;
  std::optional<Bytes> origin_spki, dest_spki;
};
Result<HopTarget> ParseHopTarget(const HopRequest& req);

// Steps 1-5 above; never an error (every failure is an answer).
HopVerdict DecideHop(const HopTarget& t, const HopContext& ctx);

}  // namespace verity::policy
