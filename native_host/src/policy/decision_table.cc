#include "policy/decision_table.h"

namespace verity::policy {

bool TableAllows(const Verdict& v) { return v.action == Action::kAllow && v.reason == "match" && !v.has_csp; }

DecisionTable BuildDecisionTable(const integrity::Manifest& m, std::string_view manifest_id,
                                 const TableDecideFn& decide, size_t max_entries, size_t max_url_bytes) {
  DecisionTable t;
  t.manifest_id = std::string(manifest_id);
  size_t url_bytes = 0;
  for (const auto& [url, list] : m.url_hashes) {
    if (list.poisoned) continue;
    std::vector<Hash32> hashes{list.first};
    hashes.insert(hashes.end(), list.more.begin(), list.more.end());
    for (const Hash32& h : hashes) {
      DecisionTableEntry e;
      for (std::string_view d : kTableDestinations) {
        if (TableAllows(decide(url, d, h))) e.destinations.push_back(d);
      }
      if (e.destinations.empty()) continue;
      if (t.entries.size() >= max_entries || url_bytes + url.size() > max_url_bytes) {
        t.complete = false;
        return t;
      }
      url_bytes += url.size();
      e.url = std::string(url);
      e.sha256 = h;
      t.entries.push_back(std::move(e));
    }
  }
  return t;
}

}  // namespace verity::policy
