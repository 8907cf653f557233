// policy/reasons.def: every reason the decision modules name is in the one table (docs.reasons
// checks the table against docs/protocol.md), wire names are unique and round-trip.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>

#include "core/action.h"
#include "integrity/decision.h"
#include "policy/reason.h"

using namespace verity;
using namespace verity::policy;

TEST_CASE("reasons: unique wire names that round-trip; unknown names are not reasons") {
  std::set<std::string_view> seen;
  for (size_t i = 0; i < kReasonCount; ++i) {
    auto r = static_cast<Reason>(i);
    CAPTURE(FormatReason(r));
    CHECK(seen.insert(FormatReason(r)).second);
    CHECK(ParseReason(FormatReason(r)) == r);
    CHECK_FALSE(ReasonReplies(r).empty());
    CHECK_FALSE(ReasonSummary(r).empty());
  }
  CHECK_FALSE(ParseReason("manifest_match"));  // the integrity module's name; the wire says "match"
  CHECK_FALSE(ParseReason(""));
  std::string md = FormatReasonList("markdown");
  CHECK(md.starts_with("| reason | replies | meaning |\n|---|---|---|\n| `match` | verdict |"));
  CHECK(std::count(md.begin(), md.end(), '\n') == static_cast<long>(kReasonCount) + 2);
}

TEST_CASE("reasons: every integrity decision reason is on the wire under a table name") {
  // integrity/decision.h names; policy/rules.cc maps manifest_match -> match, fallback_match -> fallback.
  for (std::string_view r :
       {integrity::reason::kTombstone, integrity::reason::kNotCovered, integrity::reason::kPassiveUnlisted,
        integrity::reason::kAnyMatch, integrity::reason::kWildcardMatch, integrity::reason::kWasmMatch,
        integrity::reason::kInlineUrlMatch, integrity::reason::kInlineViolation,
        integrity::reason::kNoManifestMatch, integrity::reason::kMissingFromManifest,
        integrity::reason::kWasmHashMismatch, integrity::reason::kManifestUnavailable,
        integrity::reason::kInvalidManifest, integrity::reason::kInvalidTransparencyProof}) {
    CAPTURE(r);
    CHECK(ParseReason(r));
  }
  CHECK(ParseReason("match"));
  CHECK(ParseReason("fallback"));
  // Host-side transparency codes used as reasons are error codes too.
  for (auto r : {Reason::kNoTrustedService, Reason::kBadVerifierKey, Reason::kBadTransparencyPolicy,
                 Reason::kConfigInvalid, Reason::kStoreUnavailable}) {
    CAPTURE(FormatReason(r));
    CHECK(CodeFromWireName(FormatReason(r)) != ErrorCode::kInternal);
  }
}

TEST_CASE("actions: one table, in the order the counters rely on") {
  CHECK(kActionCount == 4);
  for (size_t i = 0; i < kActionCount; ++i) {
    auto a = static_cast<Action>(i);
    CHECK(ParseAction(FormatAction(a)) == a);
    CHECK_FALSE(ActionSummary(a).empty());
  }
  CHECK(FormatAction(Action::kAllow) == "allow");
  CHECK(FormatAction(Action::kBlock) == "block");
  CHECK(FormatAction(Action::kReport) == "report");
  CHECK_FALSE(ParseAction("deny"));
  CHECK(integrity::ActionName(Action::kReport) == "report");  // integrity uses the same enum
}
