// The cooldown rule for changes a site makes through the transparency log (design §4.2, last two
// Decisions): a tombstone (preload.h CheckPreloadedSite) and a changed extension value, such as the
// developer identities of a manifest (the `dev-ids` of Cloudflare's WAICT article), take effect only
// once the chain entry that carries them is at least the cooldown (24 h by default) old, so that a
// change made by someone who took over the site is public for a while before clients follow it.
//
//   accepted "alice,bob" (remembered by the client), verified head created at t carries "alice,mallory":
//     now - t <  24 h  -> transparency.cooldown_pending (keep enforcing "alice,bob")
//     now - t >= 24 h  -> kAccepted (the client remembers "alice,mallory")
//   same value again   -> kUnchanged;  nothing remembered yet -> kAccepted (first sight)
//
// `logged_at` is the time_created of the verified chain head that carries the value. The head is the
// newest entry of the chain, so the value's real age is at least now - logged_at: the rule never
// accepts early. Values compare as exact bytes; the caller canonicalises (e.g. sorts a list) first.
//
// The integrity model (integrity/manifest.h) carries no extension values today, so the engine has
// nothing to apply this to yet; it is here for the dialect that adds them (docs/formats.md §6).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/error.h"

namespace verity::transparency {

// now - created >= cooldown (false for a creation time in the future or beyond 2^63).
bool IsPastCooldown(uint64_t created, int64_t now, int64_t cooldown_seconds);

enum class ValueChange { kUnchanged, kAccepted };

// transparency.cooldown_pending for a changed value younger than the cooldown.
Result<ValueChange> CheckValueChange(const std::optional<std::string_view>& accepted,
                                     std::string_view presented, uint64_t logged_at, int64_t now,
                                     int64_t cooldown_seconds);

}  // namespace verity::transparency
