#include "headers/site_record.h"

#include <algorithm>
#include <limits>

namespace verity::headers {
namespace {

int64_t Expiry(int64_t now, int64_t max_age) {
  // max_age <= 999'999'999'999'999 (RFC 9651), but `now` comes from the caller: saturate.
  if (max_age > std::numeric_limits<int64_t>::max() - now) return std::numeric_limits<int64_t>::max();
  return now + max_age;
}

SiteRecord Fresh(const WaictPolicy& p, int64_t now) {
  SiteRecord r;
  r.mode = p.mode;
  r.expires_at = Expiry(now, p.max_age);
  r.manifest_url = p.manifest_url;
  r.endpoints = p.endpoints;
  r.blocked_destinations = p.blocked_destinations;
  r.preload = p.preload;
  r.dialect = p.dialect;
  return r;
}

}  // namespace

bool IsLive(const std::optional<SiteRecord>& record, int64_t now_seconds) {
  return record.has_value() && now_seconds < record->expires_at;
}

std::optional<SiteRecord> ApplyPolicyHeader(const std::optional<SiteRecord>& existing,
                                            const Result<WaictPolicy>& parsed, int64_t now, UpdateRule rule) {
  std::optional<SiteRecord> live = IsLive(existing, now) ? existing : std::nullopt;  // R0
  if (!parsed) return live;                                                          // R1
  const WaictPolicy& p = *parsed;

  if (!live || rule == UpdateRule::kHstsLike) {  // R2, or HSTS: replace
    SiteRecord r = Fresh(p, now);
    if (r.expires_at <= now) return std::nullopt;
    return r;
  }

  SiteRecord r = *live;  // R3
  r.manifest_url = p.manifest_url;
  r.endpoints = p.endpoints;
  r.preload = p.preload;
  r.dialect = p.dialect;
  for (const auto& d : p.blocked_destinations) {
    if (std::find(r.blocked_destinations.begin(), r.blocked_destinations.end(), d) ==
        r.blocked_destinations.end())
      r.blocked_destinations.push_back(d);
  }
  int64_t new_expiry = Expiry(now, p.max_age);
  if (r.mode == WaictMode::kReport && p.mode == WaictMode::kEnforce) {
    r.mode = WaictMode::kEnforce;
    r.expires_at = new_expiry;
  } else if (r.mode == p.mode) {
    r.expires_at = std::max(r.expires_at, new_expiry);
  }
  if (r.expires_at <= now) return std::nullopt;  // an upgrade with max-age=0 ends at once
  return r;
}

}  // namespace verity::headers
