// The verdict log (design §4.1, docs/protocol.md "log_query", docs/performance.md): every verdict
// and event row of the engine, batched into the store (group commit), with the per-action totals
// that `status` reports.
//
// Durability rule, owned here: NO REPLY BEFORE ITS LOG ROW IS COMMITTED. Rows are queued by Append*
// and written by Commit() in one transaction: when `batch_rows` are queued, when the oldest queued
// row is older than `flush_interval_ms`, and — the rule — before any reply that reports a queued row
// leaves the process. The session calls Engine::CommitLog() from its frame writer's before-flush
// hook (protocol/session.cc), so a reply the browser acts on always has its row on disk. Queries,
// exports, setting changes and the destructor commit first, so readers see every row in order.
//
//   log.AppendVerdict("https://app.example", "https://app.example/app.js", "script", Action::kBlock,
//                     "no_manifest_match", "sha256 ...", "mid")   -> queued, totals[block] = 1
//   log.Commit()                                                     -> row seq 1 on disk
// A failed commit drops the batch, is reported to the diagnostics sink and returned.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "core/action.h"
#include "core/clock.h"
#include "core/error.h"
#include "policy/diagnostics.h"
#include "store/store.h"

namespace verity::policy {

// Longest url / destination / detail stored in a row (longer ones are cut and end in "...").
inline constexpr size_t kMaxLoggedField = 4096;
std::string ClipField(std::string_view s);

enum class LogExportFormat : uint8_t { kJson, kCsv };

struct VerdictLogOptions {
  std::string browser = "chromium";
  uint32_t batch_rows = 1024;  // 0 is taken as 1
  uint32_t flush_interval_ms = 50;
};

class VerdictLog {
 public:
  // `store` may be null (no log: rows are counted and dropped); it must outlive the log.
  VerdictLog(store::Store* store, VerdictLogOptions options, Clock clock, Diagnostics& diagnostics);
  ~VerdictLog();
  VerdictLog(const VerdictLog&) = delete;
  VerdictLog& operator=(const VerdictLog&) = delete;

  // A verdict row (kind "verdict"), counted in the totals.
  void AppendVerdict(std::string_view origin, std::string_view url, std::string_view destination,
                     Action action, std::string_view reason, std::string_view detail,
                     std::string_view manifest_id);
  // An event row (kind "event"; `event` is the action column: site_header, manifest, override, ...).
  void AppendEvent(std::string_view origin, std::string_view url, std::string_view event,
                   std::string_view reason, std::string_view detail, std::string_view manifest_id);

  // Writes every queued row (see the durability rule above).
  Status Commit();
  bool has_uncommitted() const { return !pending_.empty(); }

  uint64_t total(Action a) const { return totals_[static_cast<size_t>(a)]; }

  // Newest first; commits first. policy.store_unavailable without a store.
  Result<store::LogPage> Query(const store::LogQuery& q);
  // All rows matching q (limit/cursor ignored) as JSON array or CSV (store/store.h formats).
  Status Export(LogExportFormat format, const store::LogQuery& q, std::ostream& out);

 private:
  void Append(store::LogRow row);

  store::Store* store_;
  VerdictLogOptions opt_;
  Clock clock_;
  Diagnostics& diag_;
  std::vector<store::LogRow> pending_;
  int64_t oldest_pending_ms_ = 0;
  uint64_t totals_[kActionCount] = {};
};

}  // namespace verity::policy
