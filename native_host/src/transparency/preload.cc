#include "transparency/preload.h"

#include <algorithm>

#include "transparency/cooldown.h"

namespace verity::transparency {
namespace {

Error Bad(std::string detail) { return MakeError(ErrorCode::kTransparencyBadPreloadList, std::move(detail)); }

std::optional<uint64_t> ParseDecimal(std::string_view s) {
  if (s.empty() || s.size() > 19 || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  if (v > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
  return v;
}

}  // namespace

bool PreloadList::Contains(std::string_view domain) const {
  return std::binary_search(domains.begin(), domains.end(), domain,
                            [](std::string_view a, std::string_view b) { return a < b; });
}

bool IsValidPreloadDomain(std::string_view d) {
  if (d.empty() || d.size() > 253) return false;
  size_t start = 0;
  while (true) {
    size_t dot = d.find('.', start);
    std::string_view label =
        d.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (char c : label) {
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
    }
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

Result<PreloadList> ParsePreloadListBody(std::string_view text) {
  auto next_line = [&text]() -> std::optional<std::string_view> {
    size_t nl = text.find('\n');
    if (nl == std::string_view::npos) return std::nullopt;
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl + 1);
    return line;
  };
  if (!text.empty() && text.back() != '\n') return Bad("body does not end in a newline");
  auto header = next_line();
  if (!header || *header != kPreloadListHeader) return Bad("missing waict-preload/v1 header");
  auto time = next_line();
  if (!time || time->substr(0, 5) != "time ") return Bad("missing time line");
  auto t = ParseDecimal(time->substr(5));
  if (!t) return Bad("time is not a canonical decimal below 2^63");
  PreloadList list;
  list.issued = *t;
  while (!text.empty()) {
    std::string_view d = *next_line();
    if (!IsValidPreloadDomain(d)) return Bad("invalid domain line");
    if (!list.domains.empty() && !(list.domains.back() < d)) return Bad("domains not strictly ascending");
    list.domains.emplace_back(d);
  }
  return list;
}

Result<std::string> FormatPreloadListBody(const PreloadList& list) {
  std::vector<std::string> d = list.domains;
  for (const auto& s : d) {
    if (!IsValidPreloadDomain(s)) return Bad("invalid domain " + s);
  }
  std::sort(d.begin(), d.end());
  d.erase(std::unique(d.begin(), d.end()), d.end());
  std::string out = std::string(kPreloadListHeader) + "\ntime " + std::to_string(list.issued) + "\n";
  for (const auto& s : d) out += s + "\n";
  return out;
}

Result<PreloadList> VerifyPreloadList(std::string_view note_text, const PreloadPolicy& policy,
                                      const WitnessPolicy& witnesses, int64_t now) {
  for (const auto& k : policy.list_keys) {
    if (k.type != kSigTypeEd25519)
      return MakeError(ErrorCode::kTransparencyBadPolicy, "list key must be type 0x01");
  }
  if (policy.max_age_seconds < 0) return MakeError(ErrorCode::kTransparencyBadPolicy, "negative max age");
  auto note = ParseNote(note_text);
  if (!note) return note.error();
  auto list = ParsePreloadListBody(note->text);
  if (!list) return list.error();
  auto sigs = VerifyNote(*note, policy.list_keys);
  if (!sigs) return sigs.error();
  auto cosigs = VerifyWitnessQuorum(*note, witnesses, now);
  if (!cosigs) return cosigs.error();
  const int64_t issued = static_cast<int64_t>(list->issued);  // < 2^63 by ParseDecimal
  if (issued > now && issued - now > witnesses.max_future_skew_seconds) {
    return MakeError(ErrorCode::kTransparencyFutureTimestamp, "preload list issued in the future");
  }
  if (now > issued && now - issued > policy.max_age_seconds) {
    return MakeError(ErrorCode::kTransparencyStalePreloadList,
                     "preload list issued at " + std::to_string(issued));
  }
  return list;
}

Result<PreloadedSiteState> CheckPreloadedSite(const std::optional<VerifiedHead>& head, int64_t now,
                                              int64_t cooldown_seconds) {
  if (!head) return MakeError(ErrorCode::kTransparencyProofRequired, "preloaded site without a valid proof");
  if (!head->tombstone) return PreloadedSiteState::kEnforce;
  const uint64_t created = head->head.entry.time_created;
  if (IsPastCooldown(created, now, cooldown_seconds)) return PreloadedSiteState::kUnenrolled;
  return MakeError(ErrorCode::kTransparencyTombstoneTooRecent,
                   "tombstone created at " + std::to_string(created));
}

}  // namespace verity::transparency
