// The one verdict action type (allow / block / report), shared by integrity/, m2dmrt/ and policy/.
// The values come from core/actions.def; their order indexes per-action counters (policy/verdict_log.h).
//
//   FormatAction(Action::kReport) == "report";  ParseAction("block") == Action::kBlock
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace verity {

enum class Action : uint8_t {
#define VERITY_ACTION(sym, wire, summary) sym,
#include "core/actions.def"
#undef VERITY_ACTION
  kCount_
};
inline constexpr size_t kActionCount = static_cast<size_t>(Action::kCount_);

// Wire name ("allow"); "block" for an out-of-range value.
std::string_view FormatAction(Action a);
std::optional<Action> ParseAction(std::string_view s);
// One-line meaning (docs/protocol.md table).
std::string_view ActionSummary(Action a);

}  // namespace verity
