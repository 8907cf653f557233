// Transparency preload list and the tombstone cooldown rule (design §4.2 Decisions; the draft only
// mentions "the transparency preload list" in waict-apis.md, Appendix). Format: docs/formats.md.
//
// The list is a C2SP signed note (note.h) whose text is
//   waict-preload/v1\n
//   time <issued, POSIX seconds, decimal without leading zeros>\n
//   <domain>\n ...                zero or more, strictly ascending (bytewise), unique
// e.g. "waict-preload/v1\ntime 1763856000\nbank.example\nmail.example\n", signed (type 0x01) by a
// configured list key and cosigned by the configured witnesses exactly like a tree root
// (VerifyWitnessQuorum). Domains: lowercase A-label hosts, labels 1..63 of [a-z0-9-] not starting or
// ending with '-', total <= 253, no trailing dot. Stale when now - issued > 30 days.
//
// Cooldown: a preloaded site must present a valid ChainHeadWithProof; a valid tombstone head
// unenrolls it only once now - time_created >= 24 h.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "transparency/chain_head.h"
#include "transparency/note.h"
#include "transparency/tree_head.h"

namespace verity::transparency {

inline constexpr std::string_view kPreloadListHeader = "waict-preload/v1";
inline constexpr int64_t kDefaultPreloadMaxAgeSeconds = 30 * 24 * 3600;
inline constexpr int64_t kDefaultTombstoneCooldownSeconds = 24 * 3600;

struct PreloadList {
  uint64_t issued = 0;
  std::vector<std::string> domains;  // sorted, unique
  bool Contains(std::string_view domain) const;
};

struct PreloadPolicy {
  std::vector<VerifierKey> list_keys;  // type 0x01
  int64_t max_age_seconds = kDefaultPreloadMaxAgeSeconds;
};

bool IsValidPreloadDomain(std::string_view domain);
// Body syntax only (transparency.bad_preload_list).
Result<PreloadList> ParsePreloadListBody(std::string_view text);
// Sorts and de-duplicates the domains; transparency.bad_preload_list if one is invalid.
Result<std::string> FormatPreloadListBody(const PreloadList& list);

// Signature by a list key (bad_signature / no_verified_signature), witness quorum (witness fields of
// `witnesses`; same errors as VerifyWitnessQuorum), issue time not in the future (future_timestamp)
// and not older than max age (stale_preload_list).
Result<PreloadList> VerifyPreloadList(std::string_view note, const PreloadPolicy& policy,
                                      const WitnessPolicy& witnesses, int64_t now);

enum class PreloadedSiteState { kEnforce, kUnenrolled };

// For a preloaded site: `head` is the verified head it presented (nullopt: none, or it failed).
// kEnforce for a live head; kUnenrolled for a tombstone at least `cooldown_seconds` old;
// transparency.proof_required without a head; transparency.tombstone_too_recent otherwise.
Result<PreloadedSiteState> CheckPreloadedSite(const std::optional<VerifiedHead>& head, int64_t now,
                                              int64_t cooldown_seconds = kDefaultTombstoneCooldownSeconds);

}  // namespace verity::transparency
