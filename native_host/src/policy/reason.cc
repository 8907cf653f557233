#include "policy/reason.h"

#include <array>

namespace verity::policy {
namespace {

struct Entry {
  std::string_view wire, replies, summary;
};

constexpr std::array<Entry, kReasonCount> kEntries = {{
#define VERITY_REASON(sym, wire, replies, summary) {wire, replies, summary},
#include "policy/reasons.def"
#undef VERITY_REASON
}};

const Entry& At(Reason r) {
  auto i = static_cast<size_t>(r);
  return kEntries[i < kReasonCount ? i : 0];
}

}  // namespace

std::string_view FormatReason(Reason r) { return At(r).wire; }
std::string_view ReasonReplies(Reason r) { return At(r).replies; }
std::string_view ReasonSummary(Reason r) { return At(r).summary; }

std::optional<Reason> ParseReason(std::string_view wire) {
  for (size_t i = 0; i < kReasonCount; ++i) {
    if (kEntries[i].wire == wire) return static_cast<Reason>(i);
  }
  return std::nullopt;
}

std::string FormatReasonList(std::string_view style) {
  bool md = style == "markdown";
  std::string out = md ? "| reason | replies | meaning |\n|---|---|---|\n" : "";
  for (const Entry& e : kEntries) {
    std::string w(e.wire), r(e.replies), s(e.summary);
    out += md ? "| `" + w + "` | " + r + " | " + s + " |\n" : w + "\t" + r + "\t" + s + "\n";
  }
  return out;
}

}  // namespace verity::policy
