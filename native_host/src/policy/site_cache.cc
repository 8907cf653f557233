#include "policy/site_cache.h"

#include <utility>

namespace verity::policy {

Result<Site*> SiteCache::Get(std::string_view origin_in, const Loader& load) {
  // Hot path (every verdict): origin spelled as before -> cached site, no allocation.
  if (auto a = alias_.find(origin_in); a != alias_.end()) {
    if (auto it = sites_.find(a->second); it != sites_.end()) return &it->second;
  }
  auto n = NormalizeOrigin(origin_in);
  if (!n) return n.error();
  std::string origin = std::move(*n);
  if (auto it = sites_.find(origin); it != sites_.end()) {
    if (alias_.size() > 4 * max_sites_) alias_.clear();
    alias_.emplace(std::string(origin_in), origin);
    return &it->second;
  }
  Site fresh;
  fresh.origin = origin;
  if (Status st = load(fresh); !st) return st.error();
  if (sites_.size() >= max_sites_) sites_.clear();
  if (alias_.size() > 4 * max_sites_) alias_.clear();
  alias_.emplace(std::string(origin_in), origin);
  return &sites_.emplace(std::move(origin), std::move(fresh)).first->second;
}

}  // namespace verity::policy
