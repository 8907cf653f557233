#include "policy/verdict_log.h"

#include <utility>

namespace verity::policy {

std::string ClipField(std::string_view s) {
  if (s.size() <= kMaxLoggedField) return std::string(s);
  return std::string(s.substr(0, kMaxLoggedField)) + "...";
}

VerdictLog::VerdictLog(store::Store* store, VerdictLogOptions options, Clock clock, Diagnostics& diagnostics)
    : store_(store), opt_(std::move(options)), clock_(std::move(clock)), diag_(diagnostics) {
  if (opt_.batch_rows == 0) opt_.batch_rows = 1;
}

VerdictLog::~VerdictLog() { (void)Commit(); }  // a failure was reported by Commit itself

void VerdictLog::AppendVerdict(std::string_view origin, std::string_view url, std::string_view destination,
                               Action action, std::string_view reason, std::string_view detail,
                               std::string_view manifest_id) {
  totals_[static_cast<size_t>(action)]++;
  store::LogRow row;
  row.origin = std::string(origin);
  row.url = ClipField(url);
  row.destination = ClipField(destination);
  row.action = std::string(FormatAction(action));
  row.reason = std::string(reason);
  row.detail = ClipField(detail);
  row.manifest_id = std::string(manifest_id);
  row.kind = "verdict";
  Append(std::move(row));
}

void VerdictLog::AppendEvent(std::string_view origin, std::string_view url, std::string_view event,
                             std::string_view reason, std::string_view detail, std::string_view manifest_id) {
  store::LogRow row;
  row.origin = std::string(origin);
  row.url = ClipField(url);
  row.action = std::string(event);
  row.reason = std::string(reason);
  row.detail = ClipField(detail);
  row.manifest_id = std::string(manifest_id);
  row.kind = "event";
  Append(std::move(row));
}

void VerdictLog::Append(store::LogRow row) {
  if (!store_) return;
  row.time_ms = NowMillis(clock_);
  row.browser = opt_.browser;
  if (pending_.empty()) oldest_pending_ms_ = row.time_ms;
  pending_.push_back(std::move(row));
  if (pending_.size() >= opt_.batch_rows ||
      pending_.back().time_ms - oldest_pending_ms_ >= static_cast<int64_t>(opt_.flush_interval_ms)) {
    (void)Commit();  // reported by Commit; the reply path commits again before it answers
  }
}

Status VerdictLog::Commit() {
  if (pending_.empty() || !store_) return OkStatus();
  auto r = store_->AppendBatch(pending_);
  pending_.clear();
  if (!r) {
    diag_.Report("verdict log write failed", r.error().detail);
    return r.error();
  }
  return OkStatus();
}

Result<store::LogPage> VerdictLog::Query(const store::LogQuery& q) {
  if (!store_) return MakeError(ErrorCode::kPolicyStoreUnavailable, "no verdict log");
  VERITY_RETURN_IF_ERROR(Commit());
  return store_->Query(q);
}

Status VerdictLog::Export(LogExportFormat format, const store::LogQuery& q, std::ostream& out) {
  if (!store_) return MakeError(ErrorCode::kPolicyStoreUnavailable, "no verdict log");
  VERITY_RETURN_IF_ERROR(Commit());
  return format == LogExportFormat::kCsv ? store::ExportCsv(*store_, q, out)
                                         : store::ExportJson(*store_, q, store::JsonExportStyle::kArray, out);
}

}  // namespace verity::policy
