#include "core/action.h"

#include <array>

namespace verity {
namespace {

struct Entry {
  std::string_view wire;
  std::string_view summary;
};

constexpr std::array<Entry, kActionCount> kEntries = {{
#define VERITY_ACTION(sym, wire, summary) {wire, summary},
#include "core/actions.def"
#undef VERITY_ACTION
}};

}  // namespace

std::string_view FormatAction(Action a) {
  auto i = static_cast<size_t>(a);
  return i < kActionCount ? kEntries[i].wire : std::string_view("block");
}

std::optional<Action> ParseAction(std::string_view s) {
  for (size_t i = 0; i < kActionCount; ++i) {
    if (kEntries[i].wire == s) return static_cast<Action>(i);
  }
  return std::nullopt;
}

std::string_view ActionSummary(Action a) {
  auto i = static_cast<size_t>(a);
  return i < kActionCount ? kEntries[i].summary : std::string_view();
}

}  // namespace verity
