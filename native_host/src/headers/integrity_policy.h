// The W3C `Integrity-Policy` and `Integrity-Policy-Report-Only` response headers (SRI spec,
// w3c/webappsec-subresource-integrity, "Integrity Policy" section, algorithm "process an integrity
// policy"; design §4.1, last bullet). Verity parses and reports them; the browser enforces natively.
//
//   Integrity-Policy: blocked-destinations=(script), endpoints=(integrity-endpoint)
//
//   auto p = headers::ParseIntegrityPolicy("blocked-destinations=(script), endpoints=(integrity-endpoint)");
//   p->sources == {"inline"}; p->blocked_destinations == {"script"}; p->endpoints == {"integrity-endpoint"}
//
// Algorithm (over an RFC 9651 Dictionary; parse failure -> header.syntax, the header is ignored):
//   sources:              ["inline"] if the member is absent or its Inner List holds the Token
//                         `inline`; otherwise [] (unknown sources are not recorded)
//   blocked-destinations: the Tokens `script` / `style` of the Inner List, each at most once, in
//                         order; other destinations ignored
//   endpoints:            the Tokens of the Inner List, in order (duplicates kept)
//   unknown members and all parameters are ignored; duplicate keys: last wins (RFC 9651).
// Choices where the spec is silent (the "ambiguous" rows of shared/vectors/sri/
// integrity_policy_cases.json), all following that file's recommendation:
//   - a member whose value is an Item instead of an Inner List is ignored, i.e. treated as absent
//     (`blocked-destinations=script` -> no blocked destinations; `sources=inline` -> ["inline"]);
//   - inside the lists only Tokens count; Strings and other items are skipped
//     (`blocked-destinations=("script")` -> []; `endpoints=("https://r.example/")` -> []).
// (Firefox instead drops the whole header in these three cases; Chromium's parser also only
// accepts tokens.)
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace verity::headers {

inline constexpr std::string_view kIntegrityPolicyHeaderName = "Integrity-Policy";
inline constexpr std::string_view kIntegrityPolicyReportOnlyHeaderName = "Integrity-Policy-Report-Only";

struct IntegrityPolicy {
  std::vector<std::string> sources;
  std::vector<std::string> blocked_destinations;
  std::vector<std::string> endpoints;
  bool operator==(const IntegrityPolicy&) const = default;
};

// `field_value`: field lines already joined with ", ". Errors: header.syntax.
Result<IntegrityPolicy> ParseIntegrityPolicy(std::string_view field_value);
// Same over separate field lines; an empty vector is header.absent.
Result<IntegrityPolicy> ParseIntegrityPolicyLines(const std::vector<std::string>& field_lines);

}  // namespace verity::headers
