// The verdict engine (design §1, §4.1): the one place where allow/block/report is decided.
//
// It ties the other modules together: per-origin site records (headers::ApplyPolicyHeader, HSTS-like,
// persisted by store/), the user's per-site setting (default/off/verify/require), the cached manifest
// of each origin (integrity/ split + parse; manifest_id = base64url(SHA-256(manifest bytes))), the
// per-resource decision (integrity/ decision + SRI) and the verdict log (store/). Messages map 1:1 to
// docs/protocol.md; protocol/dispatch turns JSON into these structs and back.
//
// Worked example (one origin, enforce mode, manifest listing /app.js):
//   SiteState({"https://app.example", {{"integrity-policy-waict-v1",
//              "max-age=0, mode=enforce, manifest=\"/m\""}}})          -> checked, mode enforce
//   IngestManifest({origin, "https://app.example/m", 200, body})        -> state integrity_only
//   Decide({origin, "https://app.example/app.js", "script", sha256})     -> allow/match or
//   block/no_manifest_match
//   CheckHop({origin, "https://pay.example/checkout", kRedirect, ...})  -> policy/hop.h (M2DMRT)
//
// Its parts, one concern each: policy/site_cache.h (per-origin memory, loaded from the store),
// policy/verdict_log.h (the log rows, group commit and the rule "no reply before its log row is
// committed"), policy/diagnostics.h (operator messages, passed in), policy/hop.h (the M2DMRT hop
// decision), policy/rules.h (bridges to the format modules) and policy/transparency_gate.h. The
// engine loads the config and the preload list, keeps rollback memory and decides; store errors
// are returned to the caller (a read error is never taken as "not enrolled").
//
// Fail closed: a config error, an unusable store or a missing manifest never turns into "allow" for
// an enforced site. Transparency (design §4.2, policy/transparency_gate.h) is required when the
// policy's max-age > 0 or the site is on the trusted preload list: the manifest response's
// ChainHeadWithProof must verify against the configured services and witnesses and must not be
// older than the domain's remembered head (rollback memory in the store, survives restarts);
// otherwise verdicts are `invalid_transparency_proof` (block in enforce mode, report in report mode)
// with the transparency code first in the detail. Time comes from the injected clock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/action.h"
#include "core/bytes.h"
#include "core/clock.h"
#include "core/error.h"
#include "core/state.h"
#include "policy/diagnostics.h"
#include "policy/hop.h"
#include "policy/verdict_log.h"
#include "store/store.h"

namespace verity::config {
struct M2dmrtConfig;
}

namespace verity::policy {

struct DecisionTable;  // policy/decision_table.h

// Unix time in milliseconds (core/clock.h).
using ::verity::Clock;
using ::verity::SystemClockMillis;

enum class Setting : uint8_t { kDefault, kOff, kVerify, kRequire };
std::string_view FormatSetting(Setting s);
std::optional<Setting> ParseSetting(std::string_view s);

// The one action type (core/actions.def).
using ::verity::Action;
using ::verity::FormatAction;
using ::verity::ParseAction;

struct EngineOptions {
  std::string
      data_dir;  // empty: default (config data_dir, else $XDG_DATA_HOME/verity, ~/.local/share/verity)
  std::string config_path;  // empty: config::DefaultConfigPath()
  std::string browser = "chromium";
  bool in_memory_store = false;        // tests / fuzzing: no files at all
  bool offline = false;                // fuzzing: M2DMRT hop checks never touch the network (DNS, TLS probe)
  ResolverFactory make_resolver;       // empty: MakeConfiguredResolver (tests inject a fake DNS)
  Clock clock;                         // empty: SystemClockMillis
  Diagnostics* diagnostics = nullptr;  // operator diagnostics; null: StderrDiagnostics()
  // Verdict-log batching (docs/performance.md): pending rows are committed when this many are queued,
  // when the oldest pending row is older than flush_interval_ms, or when Idle() is called.
  uint32_t log_batch_rows = 1024;
  uint32_t log_flush_interval_ms = 50;
};

struct ConfigStatus {
  bool ok = true;
  std::string code;  // wire name, e.g. "config.invalid"
  std::string detail;
};

struct W3cIntegrityPolicy {
  std::vector<std::string> blocked_destinations;
  std::vector<std::string> sources;
  std::vector<std::string> endpoints;
};

struct ManifestSummary {
  ManifestState state = ManifestState::kNone;
  std::string id;      // manifest_id, empty if none
  std::string reason;  // for invalid: manifest_unavailable | invalid_manifest | ...
};

// The effective state of one origin (site_state / status replies).
struct SiteView {
  std::string origin;
  bool checked = false;
  std::optional<std::string> mode;  // "enforce" | "report" (strongest category; warn counts as report)
  // Per category in force: {"mode-script", "enforce"}, table order (headers/category.h), and its
  // expiry (unix seconds; 0 = held by the current header alone).
  std::vector<std::pair<std::string, std::string>> modes;
  std::vector<std::pair<std::string, int64_t>> mode_expires;
  std::optional<std::string> dialect;  // "rework" | "waict-v2" | "firefox"
  std::vector<std::string> report_to;  // endpoint names (report-to / endpoints)
  // Request headers for a checked site (drafts: Integrity-Policy-WAICT-v1-Req, Sec-CH-WAICT); empty
  // when not checked.
  std::vector<std::pair<std::string, std::string>> request_headers;
  std::string manifest_url;
  int64_t expires = 0;  // unix seconds; 0 = none
  SiteSource source = SiteSource::kNone;
  Setting setting = Setting::kDefault;
  std::optional<W3cIntegrityPolicy> w3c_integrity_policy;
  ManifestSummary manifest;
  // Everything a verdict of this site depends on besides the request (state, modes, dialect,
  // transparency rule, header destinations, manifest id): a decision table made under another
  // basis may be stale (policy/decision_table.h).
  std::string decision_basis;
};

struct SiteStateRequest {
  std::string origin;
  std::vector<std::pair<std::string, std::string>> headers;  // lower-case names
};

struct ManifestRequest {
  std::string origin;
  std::string url;
  int64_t status = 200;
  std::string body;  // exact bytes (decoded from body_b64 when needed)
  // Also answer the manifest's decision table (policy/decision_table.h) when it is usable.
  bool want_table = false;
};

struct ManifestReply {
  std::string manifest_id;
  std::string dialect;
  uint64_t entries = 0;
  TransparencyState transparency = TransparencyState::kNotRequired;
  std::string transparency_code;  // e.g. "transparency.rollback" when invalid
  ManifestState state = ManifestState::kInvalid;
  std::string reason;  // set when state == invalid
  std::string detail;
  // The CSP to synthesise for the top-level document (policy/inline_csp.h); empty: none.
  std::string csp_enforce, csp_report_only;
  // want_table and state verified / integrity_only: the table for manifest_id; else null.
  std::shared_ptr<const DecisionTable> table;
};

struct VerdictRequest {
  std::string_view origin;
  std::string_view url;
  std::string_view destination;
  Hash32 sha256{};              // SHA-256 of the (content-decoded) body
  std::optional<Bytes> sha384;  // only when the element's SRI metadata asks for it
  std::optional<Bytes> sha512;
  std::string_view integrity;  // SRI metadata of the element, may be empty
  int64_t status = 200;
  bool from_cache = false;
  int64_t tab = -1;
  // The extension already released the response by the decision table: decided and logged as any
  // verdict; the reply says whether the host agrees (Verdict::agrees).
  bool notice = false;
};

struct Verdict {
  Action action = Action::kBlock;
  std::string reason;
  std::string detail;
  std::string manifest_id;
  std::string category;  // governing category key ("mode-script"), empty if none
  // document / frame / iframe verdicts of a checked site with a usable manifest: the CSP to
  // install on that response (policy/inline_csp.h); empty: none.
  bool has_csp = false;
  std::string csp_enforce, csp_report_only;
  // Notices only: TableAllows(*this), i.e. the release by the table was the host's decision too.
  std::optional<bool> agrees;
};

// A CSP violation of the synthesised policy, seen by the extension on a checked page (protocol
// inline_violation); logged as a verdict row with reason inline_violation.
struct InlineViolationRequest {
  std::string_view origin;
  std::string_view document_url;
  std::string_view effective_directive;  // the violation event's effectiveDirective
  std::string_view blocked_uri;          // "inline", "eval", "data:...", "blob:...", "srcdoc", ...
  std::string_view sample_sha256;        // base64 SHA-256 of the sample, "" if unknown
  std::string_view disposition;          // "enforce" | "report" (the CSP disposition that fired)
  int64_t tab = -1;
};

struct LogQuery {
  std::optional<std::string> origin;
  std::optional<Action> action;
  std::optional<int64_t> since;  // unix seconds, inclusive
  std::optional<int64_t> until;  // unix seconds, exclusive
  uint32_t limit = 100;          // 1..500
  std::string cursor;            // opaque, from a previous page
};

// Log rows as the store keeps them (store/store.h: seq, time_ms, browser, origin, url, destination,
// action, reason, detail, manifest_id, kind "verdict" | "event").
using LogRow = store::LogRow;
using LogPage = store::LogPage;

struct OverrideRequest {
  std::string origin;
  std::string url;
  std::string reason;
};

// One waict-violation report POST the extension made to a checked site's report-to endpoint.
struct ReportSentRequest {
  std::string origin;
  std::string endpoint;
  int64_t count = 0;
  bool ok = false;
  int64_t status = 0;
  std::vector<std::string> reasons;
};

struct OverrideReply {
  bool granted = false;
  std::string detail;
};

// The transparency preload list the host loaded at start (hello / status replies).
struct PreloadInfo {
  PreloadStatus status = PreloadStatus::kAbsent;
  std::string detail;
  uint64_t issued = 0;               // unix seconds, 0 if not loaded
  std::vector<std::string> domains;  // only while the list is trusted (status ok and not stale now)
};

struct StatusReply {
  ConfigStatus config;
  std::string db;  // path of the database, or a note when unavailable
  bool db_ok = false;
  uint64_t allow = 0, block = 0, report = 0, warn = 0;
  std::optional<SiteView> site;
};

class Engine {
 public:
  // Never fails: config and store problems are remembered and reported (hello/status) and make
  // enforced sites fail closed.
  static std::unique_ptr<Engine> Open(EngineOptions options);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  const ConfigStatus& config_status() const;
  const std::string& data_dir() const;
  std::string db_path() const;
  bool store_ok() const;
  uint64_t max_message_bytes() const;
  PreloadInfo Preload() const;

  Result<SiteView> SiteState(const SiteStateRequest& req);
  Result<ManifestReply> IngestManifest(const ManifestRequest& req);
  Result<Verdict> Decide(const VerdictRequest& req);
  // Answers with the action of the violated category's mode (block / warn / report); allow
  // not_checked (and nothing logged) for sites not checked.
  Result<Verdict> InlineViolation(const InlineViolationRequest& req);
  // cursor: an opaque cursor from a previous page (store-defined); policy.bad_cursor if malformed.
  Result<LogPage> QueryLog(const LogQuery& q);
  // Cursor that continues a query right after `row` (newest first): lets protocol/ cut a page short
  // to keep the reply under 1 MiB.
  std::string CursorAfter(const LogRow& row) const;
  Result<Setting> SetSite(std::string_view origin, Setting setting);
  Result<OverrideReply> Override(const OverrideRequest& req);
  // Logs one event row "report_sent" (reason "sent" | "failed") for a checked site; nothing for a
  // site Verity does not check (privacy; the extension never reports for one). Returns whether a row
  // was written.
  Result<bool> ReportSent(const ReportSentRequest& req);
  Result<StatusReply> HostStatus(std::optional<std::string_view> origin);

  // M2DMRT (design §4.3, policy/hop.h): one cross-host hop of a checked site. The answer is logged
  // as a verdict row (destination "m2dmrt-hop:<kind>", url the destination URL) and counted in
  // status like resource verdicts. The resolver is the engine's (created on the first hop that
  // needs DNS, never before); time comes from the injected clock.
  Result<HopVerdict> CheckHop(const HopRequest& req);

  // Every log row (of `origin` if given) to `out`, newest first (verity-host --export-log; the
  // caller opens the file: protocol/log_export.h).
  Status ExportLog(LogExportFormat format, std::optional<std::string> origin, std::ostream& out);

  // Commits the queued log rows: the durability point of policy/verdict_log.h ("no reply before its
  // log row is committed"); the session calls it before replies leave and when the input is idle.
  Status CommitLog();

  struct Impl;

 private:
  explicit Engine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Canonical origin "https://host[:port]" (lower-case scheme/host, no default port, no path); also
// accepts "http://localhost". policy.bad_origin otherwise.
Result<std::string> NormalizeOrigin(std::string_view origin);

}  // namespace verity::policy
