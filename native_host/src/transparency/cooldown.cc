#include "transparency/cooldown.h"

#include <cstdint>
#include <string>

namespace verity::transparency {

bool IsPastCooldown(uint64_t created, int64_t now, int64_t cooldown_seconds) {
  if (created > static_cast<uint64_t>(INT64_MAX)) return false;
  const auto c = static_cast<int64_t>(created);
  return now >= c && now - c >= cooldown_seconds;
}

Result<ValueChange> CheckValueChange(const std::optional<std::string_view>& accepted,
                                     std::string_view presented, uint64_t logged_at, int64_t now,
                                     int64_t cooldown_seconds) {
  if (accepted && *accepted == presented) return ValueChange::kUnchanged;
  if (!accepted) return ValueChange::kAccepted;  // first sight: nothing to protect yet
  if (IsPastCooldown(logged_at, now, cooldown_seconds)) return ValueChange::kAccepted;
  return MakeError(ErrorCode::kTransparencyCooldownPending,
                   "changed value logged at " + std::to_string(logged_at) + ", accepted from " +
                       (logged_at > static_cast<uint64_t>(INT64_MAX) - static_cast<uint64_t>(cooldown_seconds)
                            ? std::string("never")
                            : std::to_string(logged_at + static_cast<uint64_t>(cooldown_seconds))));
}

}  // namespace verity::transparency
