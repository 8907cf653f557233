// The engine's per-origin memory (design §4.1): one Site per normalized origin, loaded from the store
// on first use and kept for the session, bounded against a flood of distinct origins.
//
//   cache.Get("HTTPS://App.Example:443", load) -> Site{origin "https://app.example", ...}
//   (load(site) ran once, on the first Get of that origin; later spellings hit an alias table)
// A failing load (a store read error) is returned and nothing is cached: the next Get tries again,
// so a read error never looks like "not enrolled". When `max_sites` origins are cached the cache is
// emptied before a new one is added (stored records, settings and manifests reload on demand; only
// max-age=0 header state of other origins is lost, and the next navigation's site_state brings it
// back).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/action.h"
#include "core/error.h"
#include "headers/site_record.h"
#include "headers/waict_policy.h"
#include "integrity/destination.h"
#include "policy/engine.h"

namespace verity::policy {

struct LoadedManifest;  // policy/rules.h

// Per-origin state kept in memory.
struct Site {
  std::string origin;
  std::optional<headers::SiteRecord> record;  // stored record (dead once expires_at <= now)
  int64_t record_max_age = 0;                 // max-age of the header that produced it
  // The latest valid WAICT header. It applies by itself (without a live stored record) until
  // seen + max-age, or for the rest of the session when max-age = 0 (such a header stores nothing).
  // A site_state without the header does not clear it (the extension also sends header-less
  // site_state to query); an invalid header does (draft: invalid = absent).
  std::optional<headers::WaictPolicy> current;
  int64_t current_seen_s = 0;
  bool header_last = false;  // the latest site_state carried a valid WAICT header
  Setting setting = Setting::kDefault;
  std::string domain;      // host of the origin: the transparency (MPT, rollback) domain
  bool preloaded = false;  // on the trusted preload list (https origins only)
  std::optional<W3cIntegrityPolicy> w3c;
  std::optional<integrity::DestinationPolicy> dest_policy;  // Firefox dialect blocked-destinations
  std::shared_ptr<const LoadedManifest> manifest;           // null: none received yet
  ManifestSummary summary;
  uint64_t counts[kActionCount] = {};
};

class SiteCache {
 public:
  // Fills a new Site (origin already set) from persistent state; an error is returned by Get.
  using Loader = std::function<Status(Site&)>;
  explicit SiteCache(size_t max_sites = 10000) : max_sites_(max_sites) {}

  // origin as sent: normalized (policy.bad_origin) unless this spelling was seen before.
  Result<Site*> Get(std::string_view origin, const Loader& load);

 private:
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  size_t max_sites_;
  std::unordered_map<std::string, Site, StringHash, std::equal_to<>> sites_;         // by normalized origin
  std::unordered_map<std::string, std::string, StringHash, std::equal_to<>> alias_;  // as sent -> normalized
};

}  // namespace verity::policy
