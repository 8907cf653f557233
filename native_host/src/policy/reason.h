// The verdict reasons of the host (policy/reasons.def): one table, one enum, the wire names the
// replies and log rows carry.
//
//   FormatReason(Reason::kNoManifestMatch) == "no_manifest_match"
//   ParseReason("m2dmrt_bogus") == Reason::kM2dmrtBogus;  ParseReason("manifest_match") == nullopt
//   FormatReasonList("markdown") -> "| reason | replies | meaning |\n|---|---|---|\n| `match` | verdict | ...
//   |\n"
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace verity::policy {

enum class Reason : uint8_t {
#define VERITY_REASON(sym, wire, replies, summary) sym,
#include "policy/reasons.def"
#undef VERITY_REASON
};
// No kCount_ member, so that a switch over Reason handles exactly the real reasons (-Wswitch).
inline constexpr size_t kReasonCount = 0
#define VERITY_REASON(sym, wire, replies, summary) +1
#include "policy/reasons.def"
#undef VERITY_REASON
    ;

std::string_view FormatReason(Reason r);
std::optional<Reason> ParseReason(std::string_view wire);
std::string_view ReasonReplies(Reason r);  // "verdict", "verdict, m2dmrt_check", ...
std::string_view ReasonSummary(Reason r);

// `verity-host --list-reasons`: "<wire>\t<replies>\t<meaning>" lines; "markdown": the
// docs/protocol.md appendix table.
std::string FormatReasonList(std::string_view style);

}  // namespace verity::policy
