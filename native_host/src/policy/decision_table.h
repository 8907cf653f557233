// The decision table (issue #12, docs/architecture.md "Fast path"): for one verified manifest, the
// (canonical URL, SHA-256, destination) triples whose verdict is a plain allow by manifest match,
// so the extension can release such a response without waiting for a round trip. The host stays
// the one place that decides: every entry is produced by asking the engine's own decision (the
// `decide` callback is Engine::Impl's verdict logic, without logging) and keeping exactly the
// answers TableAllows() accepts; the extension still sends each such verdict as a notice, which
// the host re-decides and logs.
//
//   manifest {"hashes":{"/app.js":"<h>"}}, enforce, v2 dialect
//     -> {manifest_id, complete true, entries [{"https://app.example/app.js", h,
//                                               [script, style, worker, ..., other]}]}
//   (document/frame/iframe never: their verdicts carry the synthesised CSP; wasm never: its verdict
//    is by wasm_hashes, not by URL.)
//
// Size: at most max_entries entries and max_url_bytes of URL text (the manifest reply stays below
// 1 MiB); a table cut short says complete=false. A missing entry only costs a round trip.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/bytes.h"
#include "integrity/manifest.h"
#include "policy/engine.h"

namespace verity::policy {

// Destinations a table entry may name: every destination name of docs/protocol.md "verdict" except
// wasm (decided by wasm_hashes) and document/frame/iframe (their verdict carries a CSP).
inline constexpr std::string_view kTableDestinations[] = {
    "script",       "style", "worker", "sharedworker", "serviceworker", "audioworklet",
    "paintworklet", "xslt",  "object", "embed",        "image",         "font",
    "audio",        "video", "track",  "json",         "manifest",      "other"};

inline constexpr size_t kMaxTableEntries = 4096;
inline constexpr size_t kMaxTableUrlBytes = 512 * 1024;

struct DecisionTableEntry {
  std::string url;  // canonical URL (url::CanonicalizeUrl), as the manifest key resolved
  Hash32 sha256{};
  std::vector<std::string_view> destinations;  // from kTableDestinations, in its order
};

struct DecisionTable {
  std::string manifest_id;
  std::string basis;  // SiteView::decision_basis when the table was made
  std::vector<DecisionTableEntry> entries;
  bool complete = true;  // false: cut at the size limits (entries left out are asked as usual)
};

// The one rule for what a table may carry: a plain allow by manifest match, with no CSP to install.
// A verdict notice agrees with the extension's release exactly when its re-decided verdict passes.
bool TableAllows(const Verdict& v);

using TableDecideFn =
    std::function<Verdict(std::string_view url, std::string_view destination, const Hash32& sha256)>;

DecisionTable BuildDecisionTable(const integrity::Manifest& m, std::string_view manifest_id,
                                 const TableDecideFn& decide, size_t max_entries = kMaxTableEntries,
                                 size_t max_url_bytes = kMaxTableUrlBytes);

}  // namespace verity::policy
